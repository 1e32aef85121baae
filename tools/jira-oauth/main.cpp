// jira-oauth: the client of Atlassian's "OAuth for REST APIs" tutorial (its Java sample
// OAuthTutorialClient) in C++ on oauth1. Same config.properties, same commands:
//
//   jira-oauth keygen --write-config         the RSA key pair (instead of four openssl commands)
//   jira-oauth requestToken                  temporary credentials + the URL to allow access
//   jira-oauth accessToken VERIFIER          the verification code -> an access token
//   jira-oauth request URL                   a signed REST call, e.g.
//   .../rest/api/latest/issue/JJ-2
//   jira-oauth dance                         requestToken + Allow in the browser + accessToken,
//                                            the verifier received on a loopback callback
//
// Everything OAuth is oauth1's: jira_endpoints(), request_temporary_credentials(),
// authorization_url(), request_token_credentials(), send_signed(), loopback_callback, and
// step_failure::describe() for errors. This file only reads and writes config.properties and picks the HTTP client.
// Text from the server or from a file is printed through terminal_safe() (output.hpp).
#include "config.hpp"
#include "options.hpp"
#include "output.hpp"

#include <oauth1/adapters/curl_transport.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/profiles.hpp>
#include <oauth1/skew_clock.hpp>
#include <oauth1/loopback_callback.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>
#if JIRA_OAUTH_HAVE_HTTPLIB
#include <oauth1/adapters/httplib_transport.hpp>
#endif
#if JIRA_OAUTH_HAVE_BEAST
#include <boost/asio/ssl/context.hpp>
#include <oauth1/adapters/beast_transport.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX, for posix_spawnp

namespace {

using namespace jira_oauth;

/// A command that failed after it started talking to the server (exit status 1).
class command_failed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// ---- HTTP clients ---------------------------------------------------------------------------

/// Every transport's whole-exchange limit (oauth1::transport_options::timeout); connecting keeps
/// the default limit (10 s).
constexpr auto http_timeout = std::chrono::seconds(60);

/// The same options for every transport (oauth1::transport_options).
oauth1::transport_options transport_settings()
{
    oauth1::transport_options o;
    o.timeout = http_timeout;
    o.user_agent = "jira-oauth (oauth1)";
    return o;
}

/// The HTTP client chosen with --transport, as one oauth1 transport: a callable
/// http_response(const http_request&, std::error_code&), plus why the last call failed.
struct any_transport {
    std::function<oauth1::http_response(const oauth1::http_request&, std::error_code&)> send;
    std::function<std::string()> last_error;

    oauth1::http_response operator()(const oauth1::http_request& req, std::error_code& ec)
    {
        return send(req, ec);
    }
};

constexpr std::string_view transports_built = "curl (default)"
#if JIRA_OAUTH_HAVE_HTTPLIB
                                              ", httplib"
#endif
#if JIRA_OAUTH_HAVE_BEAST
                                              ", beast"
#endif
    ;

any_transport make_transport(const std::string& name)
{
    if (name == "curl") {
        auto t = std::make_shared<oauth1::curl::transport>(transport_settings());
        return {[t](const oauth1::http_request& r, std::error_code& ec) { return (*t)(r, ec); },
                [t] { return t->last_error(); }};
    }
#if JIRA_OAUTH_HAVE_HTTPLIB
    if (name == "httplib") {
        auto t = std::make_shared<oauth1::httplib::transport>(transport_settings());
        auto what = std::make_shared<std::string>();
        return {[t, what](const oauth1::http_request& r, std::error_code& ec) {
                    return (*t)(r, ec, *what);
                },
                [what] { return *what; }};
    }
#endif
#if JIRA_OAUTH_HAVE_BEAST
    if (name == "beast") {
        // Beast has one transport for http:// and one for https:// (with the system's CAs).
        struct beast_clients {
            oauth1::transport_options options = transport_settings();
            boost::asio::ssl::context tls{boost::asio::ssl::context::tls_client};
            std::optional<oauth1::beast::transport> plain;
            std::optional<oauth1::beast::tls_transport> secure;
            std::string last_error;
        };
        auto b = std::make_shared<beast_clients>();
        b->plain.emplace(b->options);
        return {[b](const oauth1::http_request& r, std::error_code& ec) {
                    std::string scheme = r.url.substr(0, 8);
                    for (char& c : scheme)
                        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
                    if (scheme != "https://") {
                        auto res = (*b->plain)(r, ec);
                        b->last_error = b->plain->last_error();
                        return res;
                    }
                    if (!b->secure) {
                        b->tls.set_default_verify_paths();
                        b->secure.emplace(b->tls, b->options);
                    }
                    auto res = (*b->secure)(r, ec);
                    b->last_error = b->secure->last_error();
                    return res;
                },
                [b] { return b->last_error; }};
    }
#endif
    throw usage_error("unknown transport '" + name + "': this jira-oauth offers " +
                      std::string(transports_built));
}

// ---- config.properties ----------------------------------------------------------------------

/// The configuration file: loaded, or created with placeholders (then config_error).
properties open_config(const std::string& path)
{
    std::optional<properties> p = load_properties_file(path);
    if (!p) {
        write_placeholder_config(path);
        throw config_error(
            path + " did not exist: created it with placeholders (mode 0600). Fill in jira_home "
                   "(your JIRA's base URL) and private_key ('jira-oauth keygen --write-config' "
                   "makes a key pair and stores it), register the public key with JIRA, then run "
                   "this command again.");
    }
    return std::move(*p);
}

/// Saves config.properties (atomically; see properties.hpp), warning when other users may read
/// it: it holds the private key and the token secrets.
void save_config(const std::string& path, const properties& config)
{
    save_properties_file(path, config);
    std::error_code ec;
    const auto perms = std::filesystem::status(path, ec).permissions();
    using std::filesystem::perms;
    if (!ec && (perms & (perms::group_all | perms::others_all)) != perms::none)
        print_error(std::cerr, "warning: other users may read " + path +
                                   ", which holds your private key and token secrets: chmod 600 " +
                                   path);
}

/// The client: its clock learns the provider's time from a refused timestamp and the flow then
/// retries once (oauth1/skew_clock.hpp); the offset is reported after the command.
using jira_client = oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock>;

/// The service profile named by profile= (oauth1/profiles.hpp), JIRA's when none.
oauth1::profile settings_profile(const settings& s, const std::string& path)
{
    if (s.profile.empty()) return oauth1::profiles::jira();
    std::optional<oauth1::profile> p = oauth1::find_profile(s.profile);
    if (!p) {
        std::string names;
        for (const std::string_view n : oauth1::profile_names())
            names += (names.empty() ? "" : ", ") + std::string(n);
        throw config_error(path + ": unknown profile '" + s.profile + "' (known: " + names + ")");
    }
    return *p;
}

/// The consumer, from the settings: consumer key + signer (RSA-SHA1 with the private key, as
/// JIRA wants, unless signature_method or the profile says otherwise), with `clock`.
jira_client make_client(settings s, const std::string& path, const oauth1::skew_clock& clock)
{
    if (!s.signature_method_given && !s.profile.empty())
        s.signature_method = std::string(oauth1::to_string(settings_profile(s, path).method));
    const std::optional<oauth1::signature_method> method =
        oauth1::parse_signature_method(s.signature_method);
    if (!method)
        throw config_error("unknown signature method '" + s.signature_method +
                           "': choose RSA-SHA1 (JIRA), RSA-SHA256, RSA-SHA512, HMAC-SHA1, "
                           "HMAC-SHA256, HMAC-SHA512 or PLAINTEXT");
    std::error_code ec;
    oauth1::private_key key;
    if (oauth1::is_rsa(*method)) key = load_settings_key(s, path);
    std::optional<oauth1::any_signer> signer =
        oauth1::any_signer::make(*method, s.consumer_secret, key, ec);
    if (!signer)
        throw config_error(path + ": cannot sign with " + s.signature_method + ": " + ec.message());
    return jira_client(s.consumer_key, std::move(*signer), clock);
}

/// Ends the command with a failed step's explanation (failure_message(), printed by main()
/// through print_error()).
[[noreturn]] void fail(const oauth1::step_failure& f, const any_transport& http, const settings& s)
{
    throw command_failed(failure_message(f, http.last_error(), s));
}

// ---- the commands ---------------------------------------------------------------------------

/// A command's context: the parsed command line, config.properties and the HTTP client.
struct session {
    const options& opts;
    any_transport http;
    properties config;
    settings s;
    oauth1::skew_clock clock; // shared with the client's copy
    jira_client client;
    oauth1::profile profile;
    oauth1::service_endpoints endpoints;

    explicit session(const options& o)
        : opts(o), http(make_transport(o.transport.value_or("curl"))),
          config(open_config(o.config_path)), s(read_settings(config, o.signature_method)),
          client(checked_client(s, o, clock)), profile(settings_profile(s, o.config_path)),
          endpoints(service_endpoints_of(profile, s, o.config_path))
    {}
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    /// A corrected clock is worth knowing (the next run corrects it again).
    ~session()
    {
        if (clock.offset() != 0)
            std::cerr << "jira-oauth: note: " << oauth1::describe_clock_offset(clock.offset())
                      << "; the timestamps of this run were corrected (set the system clock: "
                         "timedatectl, ntp)\n";
    }

    void save() { save_config(opts.config_path, config); }

private:
    static jira_client checked_client(const settings& s, const options& o,
                                      const oauth1::skew_clock& clock)
    {
        std::string method = s.signature_method;
        if (!s.signature_method_given && !s.profile.empty())
            method = std::string(oauth1::to_string(settings_profile(s, o.config_path).method));
        const auto m = oauth1::parse_signature_method(method);
        check_settings(s, o.cmd, !m || oauth1::is_rsa(*m), o.config_path);
        return make_client(s, o.config_path, clock);
    }
    static oauth1::service_endpoints service_endpoints_of(const oauth1::profile& p,
                                                          const settings& s,
                                                          const std::string& path)
    {
        if (s.profile.empty()) return oauth1::jira_endpoints(s.jira_home);
        std::error_code ec;
        oauth1::service_endpoints e = oauth1::endpoints_of(p, s.jira_home, ec);
        if (ec)
            throw config_error(path + ": profile " + p.name +
                               " has no OAuth dance endpoints under jira_home (" + ec.message() +
                               ")");
        return e;
    }
};

int request_token(session& ss)
{
    oauth1::flow_options fo =
        ss.s.profile.empty() ? oauth1::flow_options{} : oauth1::flow_options_for(ss.profile);
    fo.callback = ss.s.callback;
    oauth1::step_failure failure;
    std::error_code ec;
    const oauth1::temporary_credentials temp = oauth1::request_temporary_credentials(
        ss.http, ss.client, ss.endpoints.request_token, fo, failure, ec);
    if (ec) fail(failure, ss.http, ss.s);
    const std::string url = oauth1::authorization_url(ss.endpoints.authorize, temp.token);

    ss.config.set(key::request_token, temp.token);
    ss.config.set(key::secret, temp.secret);
    ss.config.set(key::request_token_secret, temp.secret);
    ss.save();

    std::cout << "Token:          " << terminal_safe(temp.token) << '\n'
              << "Token secret:   " << terminal_safe(temp.secret) << '\n'
              << "Retrieved request token. go to " << terminal_safe(url) << " to authorize it.\n";
    return exit_ok;
}

/// Step 3: the request token and the verifier -> an access token, stored in config.properties
/// (access_token, secret, access_token_secret) and printed; accessToken and dance end so.
int exchange_and_save(session& ss, const oauth1::temporary_credentials& temp,
                      const std::string& verifier)
{
    oauth1::step_failure failure;
    std::error_code ec;
    const oauth1::access_credentials access = oauth1::request_token_credentials(
        ss.http, ss.client, ss.endpoints.access_token, temp, verifier, {}, failure, ec);
    if (ec) fail(failure, ss.http, ss.s);

    ss.config.set(key::access_token, access.token);
    ss.config.set(key::secret, access.secret);
    ss.config.set(key::access_token_secret, access.secret);
    ss.save();

    std::cout << "Access token:  " << terminal_safe(access.token) << '\n';
    return exit_ok;
}

int access_token(session& ss)
{
    oauth1::temporary_credentials temp;
    temp.token = ss.s.request_token;
    temp.secret = ss.s.request_token_secret;
    return exchange_and_save(ss, temp, ss.opts.verifier);
}

// ---- dance: the browser and the loopback callback -------------------------------------------

/// The commands that may open a URL in the user's browser, in order: those of $BROWSER (a
/// ':'-separated list, as xdg-utils and Python's webbrowser read it; in each, "%s" stands for
/// the URL, else the URL is appended as the last argument), else xdg-open (freedesktop), else
/// open (macOS). Words are split on blanks; no shell is involved.
std::vector<std::vector<std::string>> browser_commands(const char* browser_env,
                                                       const std::string& url)
{
    std::vector<std::vector<std::string>> out;
    const std::string env = browser_env != nullptr ? browser_env : "";
    std::size_t pos = 0;
    while (!env.empty() && pos <= env.size()) {
        std::size_t colon = env.find(':', pos);
        if (colon == std::string::npos) colon = env.size();
        const std::string entry = env.substr(pos, colon - pos);
        pos = colon + 1;
        std::vector<std::string> words;
        bool has_url = false;
        std::size_t i = 0;
        while (i < entry.size()) {
            while (i < entry.size() && (entry[i] == ' ' || entry[i] == '\t')) ++i;
            const std::size_t start = i;
            while (i < entry.size() && entry[i] != ' ' && entry[i] != '\t') ++i;
            if (i == start) break;
            std::string w = entry.substr(start, i - start);
            for (std::size_t at = w.find("%s"); at != std::string::npos; at = w.find("%s", at)) {
                w.replace(at, 2, url);
                at += url.size();
                has_url = true;
            }
            words.push_back(std::move(w));
        }
        if (words.empty()) continue;
        if (!has_url) words.push_back(url);
        out.push_back(std::move(words));
    }
    if (out.empty()) {
        out.push_back({"xdg-open", url});
        out.push_back({"open", url});
    }
    return out;
}

/// A browser command started by the dance: reaped when the dance ends (briefly waited for, so
/// that a command that finishes its page, as the tests' scripts do, is not left behind).
struct browser_process {
    pid_t pid = -1;
    std::string name;

    void reap(std::chrono::milliseconds patience)
    {
        if (pid <= 0) return;
        const auto end = std::chrono::steady_clock::now() + patience;
        int st = 0;
        while (::waitpid(pid, &st, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() >= end) return; // still running: leave it
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        pid = -1;
    }
};

/// Starts the first browser command that can be run (stdin from /dev/null, its stdout to our
/// stderr so that ours stays the command's output); pid -1 when none could.
browser_process open_browser(const std::string& url)
{
    for (const std::vector<std::string>& words : browser_commands(std::getenv("BROWSER"), url)) {
        std::vector<char*> argv;
        for (const std::string& w : words) argv.push_back(const_cast<char*>(w.c_str()));
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        if (posix_spawn_file_actions_init(&fa) != 0) break;
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
        pid_t pid = -1;
        const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc == 0) return {pid, words[0]};
    }
    return {};
}

/// requestToken + Allow in the browser + accessToken in one command: the request token's
/// oauth_callback is an oauth1::loopback_callback on 127.0.0.1, which receives the verifier
/// (RFC 5849 §2.2) when the provider redirects the browser there.
int dance(session& ss)
{
    const options& o = ss.opts;
    std::error_code ec;
    oauth1::loopback_options lo;
    lo.port = o.callback_port;
    oauth1::loopback_callback callback(lo, ec);
    if (ec)
        throw command_failed(
            "cannot listen for the callback on 127.0.0.1" +
            (o.callback_port != 0 ? ":" + std::to_string(o.callback_port) +
                                        " (is another program using that port? choose another "
                                        "--callback-port, or 0 for any free port)"
                                  : std::string()) +
            ": " + ec.message());
    const std::string callback_url = callback.callback_url();

    oauth1::flow_options fo;
    fo.callback = callback_url;
    oauth1::step_failure failure;
    const oauth1::temporary_credentials temp = oauth1::request_temporary_credentials(
        ss.http, ss.client, ss.endpoints.request_token, fo, failure, ec);
    if (ec) fail(failure, ss.http, ss.s);
    const std::string url = oauth1::authorization_url(ss.endpoints.authorize, temp.token);

    std::cout << "Retrieved request token. Allow access at " << terminal_safe(url) << '\n';
    browser_process browser;
    if (!o.no_browser) browser = open_browser(url);
    if (browser.pid > 0)
        std::cout << "Opened that page in your browser (" << terminal_safe(browser.name)
                  << "); if it did not appear, open the URL yourself.\n";
    else
        std::cout << (o.no_browser ? "Open that URL in your browser.\n"
                                   : "No browser could be started (set $BROWSER, or install "
                                     "xdg-open): open that URL in your browser.\n");
    std::cout << "Waiting up to " << o.timeout_seconds << " s for the provider to send your "
              << "browser to " << callback_url << " ...\n"
              << std::flush;

    const std::string verifier =
        callback.wait(temp.token, std::chrono::seconds(o.timeout_seconds), ec);
    browser.reap(std::chrono::seconds(10));
    if (ec == oauth1::errc::access_denied)
        throw command_failed(
            "access denied: the authorization was refused on the provider's page (the callback "
            "said " +
            (callback.problem() == "denied" ? std::string("oauth_verifier=denied")
                                            : "oauth_problem=" + callback.problem()) +
            "); no token was stored. Run 'jira-oauth dance' again and choose Allow, which grants "
            "access.");
    if (ec == oauth1::errc::callback_timeout)
        throw command_failed(
            "no authorization arrived within " + std::to_string(o.timeout_seconds) +
            " s: the provider did not send the browser back to " + callback_url +
            ". Run 'jira-oauth dance' again and allow access in time (--timeout SECONDS), or "
            "use requestToken and accessToken VERIFIER if the browser cannot reach this "
            "machine's 127.0.0.1.");
    if (ec) throw command_failed("waiting for the callback failed: " + ec.message());
    std::cout << "Received the verifier on the callback.\n";
    return exchange_and_save(ss, temp, verifier);
}

/// The body of --data: the text itself, or the contents of FILE for "@FILE".
std::string request_body(const std::string& data)
{
    if (data.empty() || data[0] != '@') return data;
    const std::string file = data.substr(1);
    std::optional<std::string> text = read_file_if_exists(file);
    if (!text) throw usage_error("--data @" + file + ": no such file");
    return std::move(*text);
}

int request(session& ss)
{
    oauth1::http_request req;
    req.method = ss.opts.method;
    // A path alone ("/rest/api/2/myself") is taken relative to jira_home.
    req.url = ss.opts.url.compare(0, 1, "/") == 0
                  ? ss.s.jira_home.substr(0, ss.s.jira_home.find_last_not_of('/') + 1) + ss.opts.url
                  : ss.opts.url;
    req.set_header("Accept", "application/json");
    if (ss.opts.data) {
        req.content_type = "application/json";
        req.body = request_body(*ss.opts.data);
    }
    oauth1::sign_options so;
    so.body_hash = ss.opts.body_hash;

    ss.client.set_token(ss.s.access_token, ss.s.access_token_secret);
    oauth1::step_failure failure;
    std::error_code ec;
    const oauth1::http_response res =
        oauth1::send_signed(ss.http, ss.client, std::move(req), so, failure, ec);
    if (ec) fail(failure, ss.http, ss.s);

    print_body(std::cout, res.body, ::isatty(STDOUT_FILENO) == 1);
    return exit_ok;
}

/// The tutorial's four openssl commands in one: an RSA key pair, the private key as the one
/// base64 PKCS#8 line that config.properties wants, the public key as PEM for JIRA.
int keygen(const options& o)
{
    namespace fs = std::filesystem;
    const fs::path dir(o.out_dir);
    std::error_code fec;
    fs::create_directories(dir, fec);
    if (!fs::is_directory(dir, fec))
        throw usage_error("--out-dir " + o.out_dir + ": not a directory and cannot be created");
    const fs::path private_file = dir / "jira_privatekey.pcks8";
    const fs::path public_file = dir / "jira_publickey.pem";
    for (const fs::path& f : {private_file, public_file})
        if (fs::exists(f, fec))
            throw usage_error(f.string() + " already exists: move it away (it may be the key "
                                           "registered with JIRA) or choose another --out-dir");

    const oauth1::private_key key = oauth1::generate_rsa_key(o.bits);
    const std::string line = key.to_pkcs8_base64();
    write_file_atomically(public_file.string(), key.public_part().to_pem(), 0644);
    write_file_atomically(private_file.string(), line + "\n", 0600);
    std::cout << "Wrote " << private_file.string() << " (RSA " << o.bits
              << "-bit private key: one line of base64 PKCS#8, the value of private_key=)\n"
              << "Wrote " << public_file.string() << " (the public key, PEM)\n";

    if (o.write_config) {
        std::optional<properties> config = load_properties_file(o.config_path);
        const bool created = !config;
        if (created) config = properties::parse(placeholder_config_text(), o.config_path);
        const bool replaced = !is_unset(config->get(key::private_key));
        config->set(key::private_key, line);
        save_config(o.config_path, *config);
        std::cout << (created ? "Created " : "Updated ") << o.config_path
                  << (replaced ? ": replaced private_key (the old key is no longer used)\n"
                               : ": stored private_key\n");
    }

    std::cout
        << "\nNext:\n"
           "  1. In JIRA, as an administrator: Applications > Application links, create a "
           "link\n"
           "     (any URL, e.g. https://example.com; ignore the 'no response' warning), then\n"
           "     edit its Incoming Authentication: Consumer Key OauthKey, a Consumer Name,\n"
           "     Public Key = the contents of "
        << public_file.string() << ".\n";
    if (o.write_config) {
        std::cout << "  2. Set jira_home in " << o.config_path << " to your JIRA's base URL.\n";
    } else {
        std::cout << "  2. In " << o.config_path
                  << ": jira_home=<your JIRA's base URL>, consumer_key=OauthKey,\n"
                     "     private_key=<the line of "
                  << private_file.string() << "> (or rerun with --write-config).\n";
    }
    std::cout << "  3. jira-oauth dance (or requestToken, then accessToken VERIFIER)\n";
    return exit_ok;
}

int run(const options& o)
{
    switch (o.cmd) {
    case command::help:
    case command::none: std::cout << usage_text(transports_built); return exit_ok;
    case command::keygen: return keygen(o);
    default: break;
    }
    session ss(o);
    switch (o.cmd) {
    case command::request_token: return request_token(ss);
    case command::access_token: return access_token(ss);
    case command::request: return request(ss);
    case command::dance: return dance(ss);
    default: return exit_usage;
    }
}

/// Messages quote the server and config.properties: print_error() makes them terminal-safe.
int report(const std::string& message, int status)
{
    std::cout.flush();
    print_error(std::cerr, message);
    return status;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(parse_command_line(argc, argv));
    } catch (const usage_error& e) {
        report(e.what(), exit_usage);
        std::cerr << "Try 'jira-oauth --help'.\n";
        return exit_usage;
    } catch (const config_error& e) {
        return report(e.what(), exit_usage);
    } catch (const properties_error& e) {
        return report(e.what(), exit_usage);
    } catch (const command_failed& e) {
        return report(e.what(), exit_failure);
    } catch (const oauth1::error& e) {
        // Key generation and export; the library's messages hold no key material.
        return report(e.what(), exit_failure);
    } catch (const std::exception& e) {
        return report(std::string("unexpected error: ") + e.what(), exit_failure);
    }
}
