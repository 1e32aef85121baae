// tools/jira-oauth/options.hpp - the command line of jira-oauth, compatible with the Java client of
// Atlassian's "OAuth for REST APIs" tutorial (`requestToken`, `accessToken VERIFIER`,
// `request URL`), plus `keygen`, `dance` (the three steps in one, with a loopback callback) and
// options that may appear anywhere.
#ifndef JIRA_OAUTH_OPTIONS_HPP
#define JIRA_OAUTH_OPTIONS_HPP

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jira_oauth {

/// Exit statuses of jira-oauth (also in --help).
enum exit_status : int {
    exit_ok = 0,
    exit_failure = 1, ///< the request or an OAuth step failed (server, network, signature)
    exit_usage = 2,   ///< bad command line, or config.properties missing or incomplete
};

/// A command line that cannot be run; the message names the offending argument.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class command { none, request_token, access_token, request, keygen, dance, help };

/// The parsed command line.
struct options {
    command cmd = command::none;
    std::string verifier; ///< accessToken VERIFIER
    std::string url;      ///< request URL
    std::string config_path = "config.properties";
    std::optional<std::string> signature_method; ///< overrides config.properties
    std::optional<std::string> transport;        ///< curl (default), httplib, beast
    // request
    std::string method = "GET";
    std::optional<std::string> data; ///< --data JSON, or @FILE
    bool body_hash = false;
    // keygen
    unsigned bits = 2048;
    std::string out_dir = ".";
    bool write_config = false;
    // dance
    unsigned timeout_seconds = 300;  ///< how long to wait for the browser's callback
    std::uint16_t callback_port = 0; ///< 0: an ephemeral port on 127.0.0.1
    bool no_browser = false;         ///< only print the URL to open
};

namespace detail {

inline bool starts_with(std::string_view s, std::string_view prefix) noexcept
{
    return s.substr(0, prefix.size()) == prefix;
}

inline std::string ascii_lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline std::string_view command_name(command c) noexcept
{
    switch (c) {
    case command::request_token: return "requestToken";
    case command::access_token: return "accessToken";
    case command::request: return "request";
    case command::keygen: return "keygen";
    case command::dance: return "dance";
    case command::help: return "help";
    case command::none: break;
    }
    return "";
}

inline std::optional<command> parse_command(std::string_view word)
{
    for (const command c : {command::request_token, command::access_token, command::request,
                            command::keygen, command::dance, command::help})
        if (word == command_name(c)) return c;
    return std::nullopt;
}

inline std::string ascii_upper(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

} // namespace detail

/// Parses the arguments after the program name. Options may come before or after the command
/// and its argument; `--name value` and `--name=value` are both accepted; `--` ends options.
/// Throws usage_error.
inline options parse_command_line(const std::vector<std::string_view>& args)
{
    options o;
    std::vector<std::string_view> positional;
    bool method_given = false;
    bool bits_given = false;
    bool out_dir_given = false;
    bool dance_option_given = false;
    bool only_positional = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        if (only_positional || arg.empty() || arg[0] != '-' || arg == "-") {
            positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        std::optional<std::string_view> inline_value;
        if (detail::starts_with(arg, "--")) {
            const std::size_t eq = arg.find('=');
            if (eq != std::string_view::npos) {
                inline_value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        }
        const auto value = [&]() -> std::string {
            if (inline_value) return std::string(*inline_value);
            if (i + 1 >= args.size())
                throw usage_error("option " + std::string(arg) + " needs a value");
            return std::string(args[++i]);
        };
        const auto flag = [&] {
            if (inline_value) throw usage_error("option " + std::string(arg) + " takes no value");
        };
        if (arg == "--help" || arg == "-h") {
            flag();
            o.cmd = command::help;
            return o;
        } else if (arg == "--config") {
            o.config_path = value();
            if (o.config_path.empty()) throw usage_error("--config needs a file name");
        } else if (arg == "--signature-method") {
            o.signature_method = value();
        } else if (arg == "--transport") {
            o.transport = value();
        } else if (arg == "--method" || arg == "-X") {
            o.method = detail::ascii_upper(value());
            if (o.method != "GET" && o.method != "POST" && o.method != "PUT" &&
                o.method != "DELETE")
                throw usage_error("--method must be GET, POST, PUT or DELETE");
            method_given = true;
        } else if (arg == "--data" || arg == "-d") {
            o.data = value();
        } else if (arg == "--body-hash") {
            flag();
            o.body_hash = true;
        } else if (arg == "--bits") {
            const std::string v = value();
            unsigned bits = 0;
            const auto r = std::from_chars(v.data(), v.data() + v.size(), bits);
            if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || bits < 1024 || bits > 16384)
                throw usage_error("--bits needs a number from 1024 to 16384 (e.g. 2048)");
            o.bits = bits;
            bits_given = true;
        } else if (arg == "--out-dir") {
            o.out_dir = value();
            if (o.out_dir.empty()) throw usage_error("--out-dir needs a directory");
            out_dir_given = true;
        } else if (arg == "--write-config") {
            flag();
            o.write_config = true;
        } else if (arg == "--timeout") {
            const std::string v = value();
            unsigned t = 0;
            const auto r = std::from_chars(v.data(), v.data() + v.size(), t);
            if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || t < 1 || t > 86400)
                throw usage_error("--timeout needs a number of seconds from 1 to 86400 (e.g. 300)");
            o.timeout_seconds = t;
            dance_option_given = true;
        } else if (arg == "--callback-port") {
            const std::string v = value();
            unsigned port = 0;
            const auto r = std::from_chars(v.data(), v.data() + v.size(), port);
            if (r.ec != std::errc{} || r.ptr != v.data() + v.size() || port > 65535)
                throw usage_error("--callback-port needs a port number from 0 to 65535 (0: any "
                                  "free port)");
            o.callback_port = static_cast<std::uint16_t>(port);
            dance_option_given = true;
        } else if (arg == "--no-browser") {
            flag();
            o.no_browser = true;
            dance_option_given = true;
        } else {
            throw usage_error("unknown option '" + std::string(arg) + "'");
        }
    }

    if (positional.empty()) throw usage_error("no command given");
    const auto cmd = detail::parse_command(positional[0]);
    if (!cmd) {
        std::string msg = "unknown command '" + std::string(positional[0]) + "'";
        const std::string lower = detail::ascii_lower(positional[0]);
        for (const command c : {command::request_token, command::access_token, command::request,
                                command::keygen, command::dance})
            if (lower == detail::ascii_lower(detail::command_name(c)))
                msg += " (did you mean " + std::string(detail::command_name(c)) + "?)";
        throw usage_error(msg);
    }
    o.cmd = *cmd;
    const std::string name(detail::command_name(o.cmd));
    const std::size_t extra = positional.size() - 1;
    switch (o.cmd) {
    case command::access_token:
        if (extra != 1)
            throw usage_error("accessToken needs the verification code: jira-oauth accessToken "
                              "VERIFIER");
        o.verifier = std::string(positional[1]);
        if (o.verifier.empty()) throw usage_error("the verification code is empty");
        break;
    case command::request:
        if (extra != 1)
            throw usage_error("request needs one URL: jira-oauth request "
                              "https://jira.example.com/rest/api/latest/issue/JJ-2");
        o.url = std::string(positional[1]);
        break;
    case command::help: return o;
    default:
        if (extra != 0)
            throw usage_error(name + " takes no argument (got '" + std::string(positional[1]) +
                              "')");
        break;
    }
    if (o.cmd != command::request && (method_given || o.data || o.body_hash))
        throw usage_error("--method, --data and --body-hash apply to the request command only");
    if (o.cmd != command::keygen && (bits_given || out_dir_given || o.write_config))
        throw usage_error("--bits, --out-dir and --write-config apply to the keygen command only");
    if (o.cmd != command::dance && dance_option_given)
        throw usage_error("--timeout, --callback-port and --no-browser apply to the dance command "
                          "only");
    if (o.body_hash && !o.data) throw usage_error("--body-hash needs a body (--data)");
    if (o.data && o.method == "GET" && !method_given) o.method = "POST";
    if (o.data && (o.method == "GET" || o.method == "DELETE") && method_given)
        throw usage_error("--data needs --method POST or PUT");
    return o;
}

/// As above, from main()'s arguments.
inline options parse_command_line(int argc, const char* const* argv)
{
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return parse_command_line(args);
}

/// The --help text; `transports` lists the transports this build offers, the default first.
inline std::string usage_text(std::string_view transports)
{
    std::string s = R"(Usage: jira-oauth [options] COMMAND [ARGUMENT]

The client of Atlassian's "OAuth for REST APIs" tutorial (JIRA OAuth 1.0a, RSA-SHA1), in C++ on
the oauth1 library. Settings and tokens live in config.properties, as with the tutorial's Java
client.

Commands:
  requestToken          get a request token (temporary credentials) and print the URL where
                        you allow access; stores request_token and secret
  accessToken VERIFIER  exchange the request token and the verification code shown by JIRA for
                        an access token; stores access_token and secret
  request URL           send a signed request with the access token and print the answer body
                        (JSON), e.g. https://jira.example.com/rest/api/latest/issue/JJ-2
  dance                 the three steps in one, without copying a code: gets a request token
                        whose callback is a one-shot listener on 127.0.0.1, opens the page
                        where you allow access in your browser ($BROWSER if set, else
                        xdg-open or open; else prints the URL), receives the verifier there
                        and exchanges it for an access token; stores it as accessToken does
  keygen                make the RSA key pair (the tutorial's four openssl commands): writes
                        jira_privatekey.pcks8 (the private_key= line) and jira_publickey.pem
                        (paste it into JIRA's application link)

Options (anywhere on the line):
  --config FILE             configuration file (default ./config.properties); created with
                            placeholders and comments when missing
  --signature-method NAME   RSA-SHA1 (default, what JIRA uses), RSA-SHA256, RSA-SHA512,
                            HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT (HMAC and PLAINTEXT
                            use consumer_secret= from the config); overrides signature_method=
  --transport NAME          HTTP client: )";
    s += transports;
    s += R"(
  --help                    this text
request:
  --method M                GET (default; POST with --data), POST, PUT or DELETE
  --data JSON               request body, sent as Content-Type: application/json; @FILE reads
                            the body from FILE
  --body-hash               also sign the body (oauth_body_hash); JIRA ignores it, so off
keygen:
  --bits N                  RSA key size (default 2048)
  --out-dir DIR             where to write the two files (default: the current directory;
                            created when missing)
  --write-config            also store private_key= in the configuration file
dance:
  --timeout SECONDS         how long to wait for your decision in the browser (default 300)
  --callback-port N         the callback's port on 127.0.0.1 (default 0: any free port)
  --no-browser              do not open a browser: print the URL to open
  $BROWSER                  the browser command(s), ':'-separated, tried in order; "%s" in a
                            command stands for the URL, else the URL is its last argument

config.properties (Java properties format; the file is rewritten atomically, mode 0600, keeping
comments and unknown keys):
  jira_home=https://jira.example.com     base URL of JIRA
  consumer_key=OauthKey                  consumer key of the application link
  private_key=MIIEvQIBADANBg...          one line of base64 PKCS#8 (jira_privatekey.pcks8)
  request_token=, access_token=, secret= written by requestToken and accessToken
  signature_method=RSA-SHA1              optional; consumer_secret= for HMAC-SHA*/PLAINTEXT
  callback=oob                           optional oauth_callback of requestToken (default
                                         oob; dance uses its loopback URL)

Exit status: 0 success; 1 the request or an OAuth step failed (the reason is printed, with the
difference of signature base strings when the server echoes its own), or the dance was denied
or timed out; 2 bad command line, or
config.properties missing (then created with placeholders) or incomplete.
)";
    return s;
}

} // namespace jira_oauth

#endif // JIRA_OAUTH_OPTIONS_HPP
