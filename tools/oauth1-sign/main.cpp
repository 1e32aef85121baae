// oauth1-sign: signs one OAuth 1.0a (RFC 5849) request from the command line and prints the
// Authorization header, the signature base string, or the request to send (see usage()).
//
//   auth=$(oauth1-sign --url "$URL" --consumer-key OauthKey --private-key jira_privatekey.pem
//          --token "$TOKEN")
//   curl -H "Authorization: $auth" "$URL"
//
// Exit status: 0 success, 1 signing error (key file, bad URL, crypto), 2 usage error. Every error
// is one line on stderr, "oauth1-sign: error: ...", that names the option at fault and never
// contains a secret, a key or a passphrase.
#include <oauth1/oauth1.hpp>

#include "bench.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// --bench counts allocations: every global operator new of the calling thread.
namespace {
thread_local std::uint64_t allocation_count = 0;
} // namespace

std::uint64_t oauth1_sign::thread_allocations() noexcept
{
    return allocation_count;
}

void* operator new(std::size_t n)
{
    ++allocation_count;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

void* operator new[](std::size_t n)
{
    ++allocation_count;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}

void operator delete(void* p) noexcept
{
    std::free(p);
}

void operator delete[](void* p) noexcept
{
    std::free(p);
}

void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

constexpr int exit_ok = 0;
constexpr int exit_signing = 1;
constexpr int exit_usage = 2;

constexpr std::string_view form_content_type = "application/x-www-form-urlencoded";

constexpr std::string_view usage_text = R"usage(usage: oauth1-sign --url URL --consumer-key KEY
                   (--consumer-secret SECRET | --private-key FILE) [options]

Signs one OAuth 1.0a (RFC 5849) request and prints the Authorization header value (by default),
so that scripts can write: curl -H "Authorization: $(oauth1-sign ...)" URL

request:
  --method M              HTTP method (default GET)
  --url URL               absolute http(s) URL exactly as it will be sent; its query is signed
  --body DATA             request body; --body @FILE reads it from FILE (@- from stdin)
  --content-type CT       body content type (default with --body: application/x-www-form-urlencoded,
                          as curl -d sends it); only a form-encoded body is signed as parameters
  --param K=V             adds a request parameter (K and V plain, not encoded; repeatable): to the
                          form body for a form request (also a POST/PUT/PATCH without --body or
                          --content-type, which becomes one), else to the URL's query, encoded per
                          RFC 5849 3.6; send the URL/body that --print url/body shows

credentials:
  --consumer-key KEY      consumer key (client identifier)
  --consumer-secret S     consumer secret (HMAC-SHA*, PLAINTEXT)
  --private-key FILE      RSA private key (RSA-SHA*): PEM PKCS#8/PKCS#1 (optionally encrypted),
                          DER, or JIRA's one-line base64 PKCS#8
  --passphrase-file FILE  passphrase of an encrypted --private-key or a .p12's password: the
                          first line of FILE ("-": standard input)
  --passphrase-env NAME   the same, from the environment variable NAME (never give the
                          passphrase itself on the command line: other users see it in ps)
  --pkcs12-alias NAME     with a .p12/.pfx holding several keys: the alias (friendly name) of
                          the one to sign with
  --token T               token (temporary or access token)
  --token-secret TS       token secret (HMAC-SHA*, PLAINTEXT; ignored by RSA-SHA*)

protocol:
  --signature-method M    HMAC-SHA1 | HMAC-SHA256 | HMAC-SHA512 | RSA-SHA1 | RSA-SHA256 |
                          RSA-SHA512 | PLAINTEXT (default: RSA-SHA1 with --private-key, else HMAC-SHA1)
  --nonce N               fixed oauth_nonce (default: 128 random bits)
  --timestamp TS          fixed oauth_timestamp, seconds since 1970 (default: now)
  --realm R               realm of the Authorization header (not signed)
  --callback URL          oauth_callback, for a temporary-credential request ("oob": out of band)
  --verifier V            oauth_verifier, for a token-credential request
  --no-version            leave out oauth_version=1.0 (optional in RFC 5849)
  --body-hash             add oauth_body_hash (digest of a body that is not form-encoded, e.g. JSON)

output:
  --print WHAT            what to print, one line each; repeat it or give a comma list
                          (e.g. --print url,header) to get several from the same signature:
                            header       Authorization header value "OAuth ..." (default)
                            signature    oauth_signature, not percent-encoded
                            base-string  signature base string
                            url          request URL as signed (with --param): send it with the header
                            body         request body as signed (with --param): send it with the header
                            query        URL with the protocol parameters in its query (RFC 5849 3.5.3):
                                         send it without an Authorization header
                            form         form body with the protocol parameters (RFC 5849 3.5.2):
                                         send it to URL without an Authorization header
                            all          labelled lines: method, url, content type, body, base string,
                                         signature, authorization
  --help                  this text
  --version               the oauth1 version

service profiles (oauth1/profiles.hpp):
  --profile NAME          sign as the service NAME expects (jira, netsuite, magento, woocommerce,
                          twitter, mastercard, etrade): its default method, nonce rule, realm,
                          body hash, base string and parameter placement (a query-placed profile
                          prints the URL to send); --profile list prints them
  --account-id ID         the NetSuite account id (its realm: upper case, '_' for '-')

debugging and measuring:
  --sign-base-string S    sign S, a finished signature base string (e.g. the one a provider echoes
                          in oauth_signature_base_string), as is, with the method and secrets given,
                          and print the signature; @FILE reads it from FILE (@- from stdin). Checks
                          the key independently of how the base string was built. --url not needed
  --bench[=SECONDS]       sign the request over and over for SECONDS (default 3) as a program does
                          (a fresh nonce and timestamp each time) and print signatures/s, ns and
                          allocations per signature, and the OpenSSL limit for the same base string
                          and method measured in the same run (HMAC with the key kept, RSA with
                          EVP_DigestSign); a progress line on a terminal
  --bench-threads N       sign in N threads at once, each with its own client (default 1)

Options take their value as the next argument or after '=' (--realm=Photos); use the '=' form for a
value that starts with "--". Exit status: 0 success, 1 signing error, 2 usage error.
)usage";

/// A command-line mistake: exit status 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A failure to read input or to sign: exit status 1.
struct signing_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class output { header, signature, base_string, url, body, query, form, all };

struct option_spec {
    std::string_view name;
    bool takes_value;
    bool secret; // hidden from the process's argument list once read
};

constexpr option_spec option_specs[] = {
    {"--method", true, false},         {"--url", true, false},
    {"--body", true, false},           {"--content-type", true, false},
    {"--param", true, false},          {"--consumer-key", true, false},
    {"--consumer-secret", true, true}, {"--private-key", true, false},
    {"--passphrase", true, true},      {"--passphrase-file", true, false},
    {"--passphrase-env", true, false}, {"--pkcs12-alias", true, false},
    {"--token", true, false},
    {"--token-secret", true, true},    {"--signature-method", true, false},
    {"--nonce", true, false},          {"--timestamp", true, false},
    {"--realm", true, false},          {"--callback", true, false},
    {"--verifier", true, false},       {"--no-version", false, false},
    {"--body-hash", false, false},     {"--print", true, false},
    {"--help", false, false},          {"--version", false, false},
    {"--sign-base-string", true, false}, {"--bench", false, false},
    {"--bench-threads", true, false}, {"--profile", true, false},
    {"--account-id", true, false},
};

const option_spec* find_option(std::string_view name) noexcept
{
    for (const option_spec& spec : option_specs)
        if (spec.name == name) return &spec;
    return nullptr;
}

/// A string that is wiped when it goes away (secrets read from the command line).
class secret_string {
public:
    secret_string() = default;
    secret_string(const secret_string&) = delete;
    secret_string& operator=(const secret_string&) = delete;
    ~secret_string() { wipe(); }

    void assign(std::string_view s)
    {
        wipe();
        value_.assign(s);
    }
    std::string_view view() const noexcept { return value_; }

private:
    void wipe() noexcept
    {
        if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
        value_.clear();
    }

    std::string value_;
};

struct options {
    std::optional<std::string> method;
    std::optional<std::string> url;
    std::optional<std::string> body_arg;
    std::optional<std::string> content_type;
    std::vector<std::pair<std::string, std::string>> params;
    std::optional<std::string> consumer_key;
    std::optional<secret_string> consumer_secret;
    std::optional<std::string> private_key_file;
    std::optional<std::string> passphrase_file;
    std::optional<std::string> passphrase_env;
    std::optional<std::string> pkcs12_alias;
    std::optional<std::string> token;
    std::optional<secret_string> token_secret;
    std::optional<std::string> signature_method;
    std::optional<std::string> nonce;
    std::optional<std::string> timestamp;
    std::optional<std::string> realm;
    std::optional<std::string> callback;
    std::optional<std::string> verifier;
    bool no_version = false;
    bool body_hash = false;
    std::vector<output> prints;
    bool help = false;
    bool version = false;
    std::optional<std::string> sign_base_string;
    std::optional<std::string> profile;
    std::optional<std::string> account_id;
    std::optional<double> bench_seconds;
    unsigned bench_threads = 1;
};

/// A --bench duration: a number of seconds, more than 0 and at most 3600.
std::optional<double> parse_seconds(std::string_view text)
{
    if (text.empty() || text.size() > 12) return std::nullopt;
    for (const char c : text)
        if ((c < '0' || c > '9') && c != '.') return std::nullopt;
    char* end = nullptr;
    const std::string copy(text);
    const double v = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !(v > 0) || v > 3600) return std::nullopt;
    return v;
}

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

/// Sets a single-valued option, refusing a second occurrence.
template <class T>
void set_once(std::optional<T>& slot, std::string_view name, std::string_view value)
{
    if (slot) throw usage_error(std::string(name) + " given more than once");
    slot.emplace();
    slot->assign(value);
}

void add_prints(std::vector<output>& prints, std::string_view list)
{
    constexpr std::pair<std::string_view, output> names[] = {{"header", output::header},
                                                             {"signature", output::signature},
                                                             {"base-string", output::base_string},
                                                             {"url", output::url},
                                                             {"body", output::body},
                                                             {"query", output::query},
                                                             {"form", output::form},
                                                             {"all", output::all}};
    while (true) {
        const std::size_t comma = list.find(',');
        const std::string_view item = list.substr(0, comma);
        bool known = false;
        for (const auto& [name, what] : names) {
            if (name == item) {
                prints.push_back(what);
                known = true;
            }
        }
        if (!known) {
            throw usage_error("--print: unknown output " + quoted(item) +
                              " (expected header, signature, base-string, url, body, query, form "
                              "or all)");
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

/// True when `arg` is one of our options ("--name" or "--name=value").
bool is_option_argument(std::string_view arg) noexcept
{
    return find_option(arg.substr(0, arg.find('='))) != nullptr;
}

/// Overwrites a secret in the process's argument list (as shown by ps) once it has been copied.
void hide_argument(char* value) noexcept
{
    for (; *value != '\0'; ++value) *value = 'x';
}

void parse_arguments(int argc, char** argv, options& o)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "-h") {
            o.help = true;
            continue;
        }
        if (arg.size() < 3 || arg.substr(0, 2) != "--") {
            // Not echoed: a stray argument is often a value whose option was mistyped (a secret).
            throw usage_error("unexpected argument #" + std::to_string(i) +
                              " (options start with --)");
        }
        const std::size_t eq = arg.find('=');
        const std::string_view name = arg.substr(0, eq);
        const option_spec* spec = find_option(name);
        if (spec == nullptr) throw usage_error("unknown option " + quoted(name));

        std::string_view value;
        char* raw_value = nullptr;
        if (name == "--bench") { // an optional value: --bench, --bench=2, --bench 2
            if (o.bench_seconds) throw usage_error("--bench given more than once");
            std::string_view text = "3";
            if (eq != std::string_view::npos) {
                text = arg.substr(eq + 1);
            } else if (i + 1 < argc && parse_seconds(argv[i + 1])) {
                text = argv[++i];
            }
            o.bench_seconds = parse_seconds(text);
            if (!o.bench_seconds)
                throw usage_error("--bench expects a number of seconds (more than 0, at most 3600)");
            continue;
        }
        if (!spec->takes_value) {
            if (eq != std::string_view::npos)
                throw usage_error(std::string(name) + " takes no value");
        } else if (eq != std::string_view::npos) {
            raw_value = argv[i] + eq + 1;
            value = arg.substr(eq + 1);
        } else {
            // The next argument is the value, unless it is one of our options (a forgotten value).
            if (i + 1 >= argc || is_option_argument(argv[i + 1]))
                throw usage_error(std::string(name) + " needs a value");
            raw_value = argv[++i];
            value = raw_value;
        }

        if (name == "--method")
            set_once(o.method, name, value);
        else if (name == "--url")
            set_once(o.url, name, value);
        else if (name == "--body")
            set_once(o.body_arg, name, value);
        else if (name == "--content-type")
            set_once(o.content_type, name, value);
        else if (name == "--consumer-key")
            set_once(o.consumer_key, name, value);
        else if (name == "--consumer-secret")
            set_once(o.consumer_secret, name, value);
        else if (name == "--private-key")
            set_once(o.private_key_file, name, value);
        else if (name == "--passphrase")
            throw usage_error("--passphrase: a passphrase on the command line is visible to other "
                              "users (ps, shell history): use --passphrase-file FILE or "
                              "--passphrase-env NAME");
        else if (name == "--passphrase-file")
            set_once(o.passphrase_file, name, value);
        else if (name == "--passphrase-env")
            set_once(o.passphrase_env, name, value);
        else if (name == "--pkcs12-alias")
            set_once(o.pkcs12_alias, name, value);
        else if (name == "--token")
            set_once(o.token, name, value);
        else if (name == "--token-secret")
            set_once(o.token_secret, name, value);
        else if (name == "--signature-method")
            set_once(o.signature_method, name, value);
        else if (name == "--nonce")
            set_once(o.nonce, name, value);
        else if (name == "--timestamp")
            set_once(o.timestamp, name, value);
        else if (name == "--realm")
            set_once(o.realm, name, value);
        else if (name == "--callback")
            set_once(o.callback, name, value);
        else if (name == "--verifier")
            set_once(o.verifier, name, value);
        else if (name == "--no-version")
            o.no_version = true;
        else if (name == "--body-hash")
            o.body_hash = true;
        else if (name == "--help")
            o.help = true;
        else if (name == "--version")
            o.version = true;
        else if (name == "--print")
            add_prints(o.prints, value);
        else if (name == "--sign-base-string")
            set_once(o.sign_base_string, name, value);
        else if (name == "--profile")
            set_once(o.profile, name, value);
        else if (name == "--account-id")
            set_once(o.account_id, name, value);
        else if (name == "--bench-threads") {
            unsigned n = 0;
            const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
            if (r.ec != std::errc() || r.ptr != value.data() + value.size() || n == 0 || n > 256)
                throw usage_error("--bench-threads expects a number of threads from 1 to 256");
            o.bench_threads = n;
        }
        else if (name == "--param") {
            const std::size_t sep = value.find('=');
            // The value is not echoed: parameters can carry credentials.
            if (sep == std::string_view::npos || sep == 0)
                throw usage_error("--param expects NAME=VALUE with a non-empty NAME");
            o.params.emplace_back(value.substr(0, sep), value.substr(sep + 1));
        }
        if (spec->secret && raw_value != nullptr) hide_argument(raw_value);
    }
}

/// Reads a whole file ("-" is standard input) in binary mode.
std::string read_body_file(const std::string& path, const char* option = "--body")
{
    const bool is_stdin = path == "-";
    std::FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        throw signing_error(std::string(option) + ": cannot read " + quoted(path) + ": " +
                            std::strerror(errno));
    }
    std::string data;
    char buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
    const bool failed = std::ferror(f) != 0;
    const int err = errno;
    if (!is_stdin) std::fclose(f);
    if (failed)
        throw signing_error(std::string(option) + ": cannot read " + quoted(path) + ": " +
                            std::strerror(err));
    return data;
}

/// Sets `out` to the passphrase of --passphrase-file (its first line, without the line break)
/// or --passphrase-env; leaves it empty when neither was given. Never echoed in an error.
void read_passphrase(const options& o, secret_string& out)
{
    if (o.passphrase_env) {
        const char* v = std::getenv(o.passphrase_env->c_str());
        if (v == nullptr)
            throw signing_error("--passphrase-env: the environment variable " +
                                quoted(*o.passphrase_env) + " is not set");
        out.assign(v);
    } else if (o.passphrase_file) {
        std::string data = read_body_file(*o.passphrase_file, "--passphrase-file");
        const std::size_t eol = data.find_first_of("\r\n");
        out.assign(std::string_view(data).substr(0, eol));
        if (!data.empty()) OPENSSL_cleanse(data.data(), data.size());
        if (out.view().empty())
            throw signing_error("--passphrase-file: " + quoted(*o.passphrase_file) +
                                " is empty (its first line is the passphrase)");
    }
}

/// Appends "enc(name)=enc(value)" (RFC 5849 3.6) to a query or form body, '&'-separated.
/// (oauth1 has no public helper that adds one plain parameter to a URL; this is the CLI's own.)
void append_parameter(std::string& target, std::string_view name, std::string_view value)
{
    if (!target.empty() && target.back() != '&' && target.back() != '?') target.push_back('&');
    oauth1::percent_encode_append(name, target);
    target.push_back('=');
    oauth1::percent_encode_append(value, target);
}

/// Adds a parameter to the query of `url`, before any fragment.
void append_query_parameter(std::string& url, std::string_view name, std::string_view value)
{
    const std::size_t hash = url.find('#');
    std::string fragment;
    if (hash != std::string::npos) {
        fragment = url.substr(hash);
        url.erase(hash);
    }
    if (url.find('?') == std::string::npos) url.push_back('?');
    append_parameter(url, name, value);
    url += fragment;
}

bool method_has_form_body(std::string_view method) noexcept
{
    constexpr std::string_view methods[] = {"POST", "PUT", "PATCH"};
    for (const std::string_view m : methods) {
        if (m.size() != method.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < m.size(); ++i) {
            char c = method[i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            same = same && c == m[i];
        }
        if (same) return true;
    }
    return false;
}

void require_header_safe(const std::optional<std::string>& value, std::string_view name)
{
    if (value && value->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        throw usage_error(std::string(name) +
                          " contains CR, LF or NUL, which would allow header injection");
    }
}

std::uint64_t parse_timestamp(const std::string& text)
{
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, value);
    if (text.empty() || r.ec != std::errc{} || r.ptr != end)
        throw usage_error("--timestamp expects whole seconds since 1970 (digits only)");
    return value;
}

/// The option a signing error is most likely about, for the message.
std::string_view option_of(const std::error_code& ec) noexcept
{
    using oauth1::errc;
    if (ec == errc::invalid_method) return "--method: ";
    if (ec == errc::invalid_url) return "--url: ";
    if (ec == errc::invalid_percent_encoding) return "--url query or --body: ";
    if (ec == errc::body_hash_not_allowed) return "--body-hash: ";
    if (ec == errc::crypto_policy_refused) return "--signature-method: ";
    if (ec == errc::header_injection) return "--realm, --callback, --verifier or --nonce: ";
    return "";
}

void write_line(std::string_view label, std::string_view text)
{
    if (!label.empty()) {
        std::fwrite(label.data(), 1, label.size(), stdout);
        std::fputs(": ", stdout);
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
}

int run(int argc, char** argv)
{
    options o;
    parse_arguments(argc, argv, o);
    if (o.help) {
        std::fwrite(usage_text.data(), 1, usage_text.size(), stdout);
        return std::fflush(stdout) == 0 ? exit_ok : exit_signing;
    }
    if (o.version) {
        std::printf("oauth1-sign (oauth1 %d.%d.%d)\n", OAUTH1_VERSION_MAJOR, OAUTH1_VERSION_MINOR,
                    OAUTH1_VERSION_PATCH);
        return std::fflush(stdout) == 0 ? exit_ok : exit_signing;
    }

    // ---- check the command line as a whole (usage errors, exit 2) ----
    if (o.profile && *o.profile == "list") { // the service profiles (profiles.hpp)
        for (const std::string_view n : oauth1::profile_names()) {
            const auto p = oauth1::find_profile(n, "ACCOUNT");
            std::printf("%-12.*s %s\n", static_cast<int>(n.size()), n.data(),
                        p ? p->description.c_str() : "");
        }
        return std::fflush(stdout) == 0 ? exit_ok : exit_signing;
    }
    std::optional<oauth1::profile> profile;
    if (o.profile) {
        profile = oauth1::find_profile(*o.profile, o.account_id.value_or(std::string()));
        if (!profile)
            throw usage_error("--profile: unknown profile " + quoted(*o.profile) +
                              " (--profile list shows them)");
        if (o.bench_seconds || o.sign_base_string)
            throw usage_error("--profile signs a request: not with --bench or --sign-base-string");
    }
    if (o.account_id && !o.profile) throw usage_error("--account-id needs --profile netsuite");
    if (!o.url && !o.sign_base_string) throw usage_error("--url is required");
    if (o.sign_base_string && (o.url || o.bench_seconds || !o.prints.empty()))
        throw usage_error("--sign-base-string signs a finished base string: it takes no --url, "
                          "--bench or --print");
    if (o.bench_threads != 1 && !o.bench_seconds)
        throw usage_error("--bench-threads needs --bench");
    if (!o.consumer_key) throw usage_error("--consumer-key is required");
    if (o.consumer_secret && o.private_key_file)
        throw usage_error("give either --consumer-secret or --private-key, not both");
    for (const auto& [given, name] : {std::pair{o.passphrase_file.has_value(), "--passphrase-file"},
                                      std::pair{o.passphrase_env.has_value(), "--passphrase-env"},
                                      std::pair{o.pkcs12_alias.has_value(), "--pkcs12-alias"}})
        if (given && !o.private_key_file) throw usage_error(std::string(name) + " needs --private-key");
    if (o.passphrase_file && o.passphrase_env)
        throw usage_error("give either --passphrase-file or --passphrase-env, not both");
    if (o.token_secret && !o.token && !o.sign_base_string)
        throw usage_error("--token-secret needs --token");
    if (o.nonce && o.nonce->empty()) throw usage_error("--nonce must not be empty");
    require_header_safe(o.consumer_key, "--consumer-key");
    require_header_safe(o.token, "--token");
    require_header_safe(o.realm, "--realm");
    require_header_safe(o.callback, "--callback");
    require_header_safe(o.verifier, "--verifier");
    require_header_safe(o.nonce, "--nonce");
    require_header_safe(o.content_type, "--content-type");

    oauth1::signature_method method = profile ? profile->method
                                      : o.private_key_file ? oauth1::signature_method::rsa_sha1
                                                           : oauth1::signature_method::hmac_sha1;
    if (o.signature_method) {
        const auto parsed = oauth1::parse_signature_method(*o.signature_method);
        if (!parsed) {
            throw usage_error("--signature-method: unknown method " + quoted(*o.signature_method) +
                              " (expected HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, "
                              "RSA-SHA256, RSA-SHA512 or PLAINTEXT)");
        }
        method = *parsed;
    }
    const std::string method_name(oauth1::to_string(method));
    if (oauth1::is_rsa(method) && !o.private_key_file)
        throw usage_error(method_name + " needs --private-key FILE");
    if (!oauth1::is_rsa(method) && !o.consumer_secret)
        throw usage_error(method_name + " needs --consumer-secret (--private-key is for RSA-SHA*)");
    const std::optional<std::uint64_t> timestamp =
        o.timestamp ? std::optional<std::uint64_t>(parse_timestamp(*o.timestamp)) : std::nullopt;

    // ---- the request exactly as it will be sent ----
    const std::string http_method = o.method.value_or("GET");
    std::string url = o.url.value_or(std::string());
    std::string body;
    if (o.body_arg) {
        body = (!o.body_arg->empty() && (*o.body_arg)[0] == '@')
                   ? read_body_file(o.body_arg->substr(1))
                   : *o.body_arg;
    }
    std::string content_type;
    if (o.content_type) {
        content_type = *o.content_type;
    } else if (o.body_arg || (!o.params.empty() && method_has_form_body(http_method))) {
        content_type = form_content_type;
    }
    const bool form = oauth1::is_form_urlencoded(content_type);
    for (const auto& [name, value] : o.params) {
        if (form) {
            append_parameter(body, name, value);
        } else {
            append_query_parameter(url, name, value);
        }
    }
    for (const output what : o.prints) {
        if (what == output::form && !form && !content_type.empty()) {
            throw usage_error("--print form needs a form-encoded body (--content-type " +
                              std::string(form_content_type) + ")");
        }
    }

    // ---- key and signer (signing errors, exit 1) ----
    oauth1::private_key key;
    if (o.private_key_file) {
        secret_string passphrase;
        read_passphrase(o, passphrase);
        try {
            // A .p12/.pfx is recognised by load_private_key_file too; an alias needs the
            // PKCS#12 loader.
            key = o.pkcs12_alias ? oauth1::load_private_key_pkcs12_file(
                                       *o.private_key_file, passphrase.view(), *o.pkcs12_alias)
                                 : oauth1::load_private_key_file(*o.private_key_file,
                                                                 passphrase.view());
        } catch (const oauth1::error& e) {
            std::string what = std::string("--private-key: ") + e.what();
            if (e.code() == oauth1::errc::key_passphrase_required)
                what += " (give it with --passphrase-file FILE or --passphrase-env NAME)";
            throw signing_error(what);
        }
    }
    std::error_code ec;
    std::optional<oauth1::any_signer> signer = oauth1::any_signer::make(
        method, o.consumer_secret ? o.consumer_secret->view() : std::string_view{}, key, ec);
    if (!signer) throw signing_error("--private-key: " + method_name + ": " + ec.message());

    if (o.sign_base_string) { // the signature of a finished base string, as is
        const std::string& arg = *o.sign_base_string;
        const std::string base =
            (!arg.empty() && arg[0] == '@') ? read_body_file(arg.substr(1)) : arg;
        if (o.token_secret) signer->set_token_secret(o.token_secret->view());
        std::string signature;
        signer->sign(base, signature, ec);
        if (ec) throw signing_error("--sign-base-string: " + method_name + ": " + ec.message());
        write_line({}, signature);
        if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0)
            throw signing_error(std::string("cannot write output: ") + std::strerror(errno));
        return exit_ok;
    }

    oauth1::client client(*o.consumer_key, std::move(*signer));
    if (o.token)
        client.set_token(*o.token, o.token_secret ? o.token_secret->view() : std::string_view{});
    client.set_include_version(!o.no_version);

    oauth1::sign_options opts;
    if (o.realm) opts.realm = *o.realm;
    if (o.callback) opts.callback = *o.callback;
    if (o.verifier) opts.verifier = *o.verifier;
    if (o.nonce) opts.nonce = *o.nonce;
    opts.timestamp = timestamp;
    opts.body_hash = o.body_hash;

    oauth1::signed_request signed_req;
    if (profile) { // the service's way: its client (nonce rule, version) and sign_for
        oauth1::service_credentials cred;
        cred.consumer_key = *o.consumer_key;
        if (o.consumer_secret) cred.consumer_secret.assign(o.consumer_secret->view());
        cred.key = key;
        if (o.token) cred.token = *o.token;
        if (o.token_secret) cred.token_secret.assign(o.token_secret->view());
        std::optional<oauth1::profile_client> pc = oauth1::make_client(*profile, cred, ec, method);
        if (cred.consumer_secret.size()) OPENSSL_cleanse(cred.consumer_secret.data(), cred.consumer_secret.size());
        if (cred.token_secret.size()) OPENSSL_cleanse(cred.token_secret.data(), cred.token_secret.size());
        if (!pc)
            throw signing_error("--profile " + profile->name + ": " + ec.message() +
                                (ec == oauth1::errc::invalid_argument
                                     ? " (NetSuite needs --account-id; consumer-only services take "
                                       "no --token)"
                                     : ""));
        oauth1::sign_for(*profile, *pc, oauth1::request{http_method, url, content_type, body}, opts,
                         signed_req, ec);
        if (ec)
            throw signing_error("--profile " + profile->name + ": " + std::string(option_of(ec)) +
                                ec.message());
        if (o.prints.empty()) // where the service reads the protocol parameters
            o.prints.push_back(profile->placement == oauth1::parameter_placement::query ? output::query
                               : profile->placement == oauth1::parameter_placement::form_body
                                   ? output::form
                                   : output::header);
    } else {
        client.sign(oauth1::request{http_method, url, content_type, body}, opts, signed_req, ec);
        if (ec) throw signing_error("signing failed: " + std::string(option_of(ec)) + ec.message());
    }

    if (o.bench_seconds) {
        // The production path: a fresh nonce and timestamp every time, whatever was fixed above.
        oauth1::sign_options production = opts;
        production.nonce = {};
        production.timestamp = std::nullopt;
        const oauth1::request req{http_method, url, content_type, body};
        const std::string base(signed_req.base_string());
        const std::string hmac_key =
            oauth1::percent_encode(o.consumer_secret ? o.consumer_secret->view() : "") + "&" +
            oauth1::percent_encode(o.token_secret ? o.token_secret->view() : "");
        const double seconds = *o.bench_seconds;
        const unsigned threads = o.bench_threads;
        std::printf("request:        %s %s (%s, %u thread%s, %.1f s per measurement)\n",
                    http_method.c_str(), url.c_str(), method_name.c_str(), threads,
                    threads == 1 ? "" : "s", seconds);
        const oauth1_sign::bench_run ours =
            oauth1_sign::timed("oauth1", seconds, threads, [&client, &req, &production] {
                auto c = std::make_shared<oauth1::client>(client); // each thread its own
                auto out = std::make_shared<oauth1::signed_request>();
                return std::function<bool()>([c, out, &req, &production] {
                    std::error_code e;
                    c->sign(req, production, *out, e);
                    return !e;
                });
            });
        oauth1_sign::print_run("oauth1:", ours, threads, true);
        const auto limit = oauth1_sign::openssl_limit(method, base, hmac_key, key);
        if (limit) {
            const oauth1_sign::bench_run lim =
                oauth1_sign::timed("the OpenSSL limit", seconds, threads, limit);
            oauth1_sign::print_run("OpenSSL limit:", lim, threads, false);
            std::printf("limit:          %s on the same base string\n",
                        oauth1::is_rsa(method) ? "EVP_DigestSign with the same key"
                                               : "HMAC with the key kept (EVP_MAC_CTX_dup)");
            std::printf("oauth1/limit:   %.2f\n", ours.per_second() / lim.per_second());
        } else {
            std::printf("OpenSSL limit:  none (PLAINTEXT computes no signature)\n");
        }
        if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0)
            throw signing_error(std::string("cannot write output: ") + std::strerror(errno));
        return exit_ok;
    }

    // ---- output ----
    if (o.prints.empty()) o.prints.push_back(output::header);
    for (const output what : o.prints) {
        switch (what) {
        case output::header: write_line({}, signed_req.authorization()); break;
        case output::signature: write_line({}, signed_req.signature()); break;
        case output::base_string: write_line({}, signed_req.base_string()); break;
        case output::url: write_line({}, url); break;
        case output::body: write_line({}, body); break;
        case output::query: write_line({}, signed_req.url_with_protocol_query(url)); break;
        case output::form: write_line({}, signed_req.form_with_protocol_parameters(body)); break;
        case output::all:
            write_line("method", http_method);
            write_line("url", url);
            if (!content_type.empty()) write_line("content type", content_type);
            if (!body.empty()) {
                if (body.find_first_of("\r\n") == std::string::npos) {
                    write_line("body", body);
                } else {
                    write_line("body", "(" + std::to_string(body.size()) + " bytes)");
                }
            }
            write_line("base string", signed_req.base_string());
            write_line("signature", signed_req.signature());
            write_line("authorization", signed_req.authorization());
            break;
        }
    }
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0)
        throw signing_error(std::string("cannot write output: ") + std::strerror(errno));
    return exit_ok;
}

void report(std::string_view what)
{
    std::fprintf(stderr, "oauth1-sign: error: %.*s\n", static_cast<int>(what.size()), what.data());
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        report(std::string(e.what()) + " (see --help)");
        return exit_usage;
    } catch (const signing_error& e) {
        report(e.what());
        return exit_signing;
    } catch (const oauth1::error& e) {
        report(e.what());
        return exit_signing;
    } catch (const std::exception& e) {
        report(e.what());
        return exit_signing;
    }
}
