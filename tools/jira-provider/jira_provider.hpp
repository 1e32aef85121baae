// jira_provider.hpp - a local JIRA-like OAuth 1.0a provider (RFC 5849) on cpp-httplib, built on
// oauth1's provider side (oauth1::request_verifier, memory_nonce_store, problem reporting). The entry
// point of jira-provider (main.cpp) and its tests; the parts are in the headers it includes:
//
//   consumers.hpp    the consumers file (consumer, config_error, parse_consumers, load_...)
//   token_store.hpp  request and access tokens, verifiers, wrong-verifier counts, pruning
//   context.hpp      options, the clock, the verifier, JIRA's 401 answers (shared state)
//   pages.hpp        the HTML pages (authorize, revoke), Host and atl_token checks
//   servlets.hpp     /plugins/servlet/oauth/{request-token,authorize,access-token}, /admin/revoke
//   json.hpp         JSON bodies through Boost.JSON (bounded depth, clear errors)
//   jql.hpp          the JQL that /rest/api/2/search understands (project = X AND key = Y)
//   rest.hpp         /rest/api/{2|latest}/{issue[/{key}],search,project[/{key}],field,issuetype,
//                    myself,serverInfo}
//
// Every OAuth failure is answered as JIRA does: 401, `WWW-Authenticate: OAuth realm="...",
// oauth_problem="..."` and a form body `oauth_problem=...` (with the provider's
// oauth_signature_base_string for signature_invalid).
//
// Hostile input (see oauth1's httplib_server.hpp): requests are verified as addressed to the
// provider's own origin (http://127.0.0.1:<port>, never the client's Host header); bodies are
// screened before cpp-httplib reads them (oauth1::httplib::harden_server: no compressed or
// chunked bodies, Content-Length at most options::max_body_bytes; no multi-range requests),
// and the verifier parses at most the request_limits of authenticate(). The authorize and
// revoke forms carry a per-page anti-CSRF token (atl_token, as JIRA names it: random, bound to
// the token the page is about, compared in constant time; a POST without it is refused with
// 403) and are answered only to a Host naming this provider (no DNS rebinding). A request
// token whose exchange was tried with options::max_verifier_attempts wrong oauth_verifier
// values is rejected for good. PLAINTEXT, which sends the secrets, is refused over http (the
// only scheme jira-provider serves), even for a consumer that lists it.
//
//   jira_provider::provider p(jira_provider::load_consumers_file("consumers.properties"), {});
//   const int port = p.start();   // 127.0.0.1, kernel-chosen port; p.stop() or ~provider() ends it
//
// Not JIRA: there is no user login (whoever reaches the loopback port decides on the authorize
// page, as user "admin"), and state lives in memory only. cpp-httplib 0.11.4 percent-decodes
// request header values before handlers see them; oauth1::httplib::verify() re-encodes the
// Authorization parameters first (see httplib_server.hpp), so callbacks with %-escapes verify.
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_HPP

#include "consumers.hpp"
#include "context.hpp"
#include "rest.hpp"
#include "servlets.hpp"

#include <oauth1/adapters/httplib_server.hpp>

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace jira_provider {

namespace detail {

/// Printable form of a path for the log (control and non-ASCII bytes as '?').
inline std::string printable(std::string_view s)
{
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u >= 0x7F ? '?' : c);
    }
    return out;
}

/// The listening socket's options: SO_REUSEADDR only. cpp-httplib's default also sets
/// SO_REUSEPORT where the system has it, and then a second provider started on the same port
/// listens too, the kernel shares the connections between the two and requests fail at random.
/// SO_REUSEADDR alone (Linux) lets a restarted provider bind while connections of the last one
/// are in TIME_WAIT, but not two listeners on one port.
inline void listen_socket_options(int sock)
{
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

/// Why `host`:`port` cannot be bound: binds a socket of its own (with the options above) and
/// returns errno, 0 when that works or `host` is not a numeric address. cpp-httplib reports a
/// failed bind as false only.
inline int bind_errno(const std::string& host, int port)
{
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    const sockaddr* addr = nullptr;
    socklen_t len = 0;
    if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(static_cast<std::uint16_t>(port));
        addr = reinterpret_cast<const sockaddr*>(&v4);
        len = sizeof v4;
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(static_cast<std::uint16_t>(port));
        addr = reinterpret_cast<const sockaddr*>(&v6);
        len = sizeof v6;
    } else {
        return 0;
    }
    const int fd = ::socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    listen_socket_options(fd);
    const int err = ::bind(fd, addr, len) == 0 ? 0 : errno;
    ::close(fd);
    return err;
}

/// "cannot listen on 127.0.0.1:8080: address already in use" (the reason when known).
inline std::string listen_error(const std::string& host, int port)
{
    const std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                              ":" + (port == 0 ? std::string("<any port>") : std::to_string(port));
    std::string out = "cannot listen on " + where;
    const int err = port == 0 ? 0 : bind_errno(host, port);
    if (err == EADDRINUSE)
        out += ": address already in use (another process listens on this port)";
    else if (err != 0)
        out += ": " + std::system_category().message(err);
    return out;
}

} // namespace detail

/// A JIRA-like OAuth 1.0a provider listening on 127.0.0.1. Thread-safe (cpp-httplib serves from
/// a thread pool; the token and issue tables are guarded by mutexes). Not copyable or movable:
/// the server's handlers refer to it.
class provider {
public:
    provider(std::vector<consumer> consumers, options opts)
        : ctx_(std::move(consumers), std::move(opts)), servlets_(ctx_), rest_(ctx_)
    {
        install_routes();
    }
    provider(const provider&) = delete;
    provider& operator=(const provider&) = delete;
    ~provider() { stop(); }

    /// Binds `host`:`port` (0: a port the kernel chooses), starts serving on a background thread
    /// and returns the port once the server accepts connections. Call it once per provider. Throws
    /// std::runtime_error when the address cannot be bound (a port another process listens on
    /// included: "cannot listen on 127.0.0.1:8080: address already in use ..."),
    /// std::logic_error when already started.
    int start(const std::string& host = "127.0.0.1", int port = 0)
    {
        if (thread_.joinable()) throw std::logic_error("jira_provider: already started");
        if (port < 0 || port > 65535) throw std::runtime_error("invalid port");
        const int bound = port == 0 ? server_.bind_to_any_port(host)
                                    : (server_.bind_to_port(host, port) ? port : -1);
        if (bound <= 0) throw std::runtime_error(detail::listen_error(host, port));
        ctx_.set_site(host, bound);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 2000 && !server_.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return bound;
    }

    /// Stops serving and joins the server thread (idempotent).
    void stop()
    {
        if (!thread_.joinable()) return;
        server_.stop();
        thread_.join();
    }

    int port() const noexcept { return ctx_.port(); }
    /// "http://127.0.0.1:<port>" (after start()).
    const std::string& base_url() const noexcept { return ctx_.base_url(); }
    const std::string& realm() const noexcept { return ctx_.realm(); }

    /// The provider's clock: seconds since the epoch plus the clock offset.
    std::uint64_t now() const noexcept { return ctx_.now(); }
    /// Skews the provider's clock (tests: expire tokens without waiting, refuse timestamps).
    void set_clock_offset(std::int64_t seconds) noexcept { ctx_.set_clock_offset(seconds); }
    std::int64_t clock_offset() const noexcept { return ctx_.clock_offset(); }

private:
    /// A handler calling `f(req, res)` with the log's problem cleared first.
    template <class F>
    static ::httplib::Server::Handler handler(F f)
    {
        return [f](const ::httplib::Request& req, ::httplib::Response& res) {
            detail::current_problem().clear();
            f(req, res);
        };
    }
    template <class Part>
    ::httplib::Server::Handler bind(Part& part, void (Part::*h)(const ::httplib::Request&,
                                                                ::httplib::Response&))
    {
        Part* p = &part;
        return handler(
            [p, h](const ::httplib::Request& req, ::httplib::Response& res) { (p->*h)(req, res); });
    }

    static void method_not_allowed(::httplib::Response& res, const char* allow)
    {
        res.status = 405;
        res.set_header("Allow", allow);
        res.set_content(std::string("Method not allowed; use ") + allow + "\n", "text/plain");
    }

    void install_routes()
    {
        server_.set_socket_options(detail::listen_socket_options);
        const char* request_token = "/plugins/servlet/oauth/request-token";
        const char* authorize = "/plugins/servlet/oauth/authorize";
        const char* access_token = "/plugins/servlet/oauth/access-token";
        const auto post_only = [](const ::httplib::Request&, ::httplib::Response& res) {
            method_not_allowed(res, "POST");
        };
        server_.Post(request_token, bind(servlets_, &servlets::request_token));
        server_.Post(access_token, bind(servlets_, &servlets::access_token));
        for (const char* path : {request_token, access_token}) {
            server_.Get(path, post_only);
            server_.Put(path, post_only);
            server_.Delete(path, post_only);
            server_.Patch(path, post_only);
        }
        server_.Get(authorize, bind(servlets_, &servlets::authorize_get));
        server_.Post(authorize, bind(servlets_, &servlets::authorize_post));

        const char* issue_path = R"(/rest/api/(?:2|latest)/issue/([^/]+))";
        const char* issues_path = R"(/rest/api/(?:2|latest)/issue/?)";
        server_.Get(issue_path, bind(rest_, &rest::issue_get));
        server_.Put(issue_path, bind(rest_, &rest::issue_update));
        server_.Delete(issue_path, bind(rest_, &rest::issue_delete));
        server_.Post(issues_path, bind(rest_, &rest::issue_create));
        server_.Get(R"(/rest/api/(?:2|latest)/myself)", bind(rest_, &rest::myself));
        server_.Get(R"(/rest/api/(?:2|latest)/serverInfo)", bind(rest_, &rest::server_info));
        server_.Get(R"(/rest/api/(?:2|latest)/project/?)", bind(rest_, &rest::projects));
        server_.Get(R"(/rest/api/(?:2|latest)/project/([^/]+))", bind(rest_, &rest::project_get));
        server_.Get(R"(/rest/api/(?:2|latest)/field/?)", bind(rest_, &rest::fields));
        server_.Get(R"(/rest/api/(?:2|latest)/issuetype/?)", bind(rest_, &rest::issue_types));
        server_.Get(R"(/rest/api/(?:2|latest)/search/?)", bind(rest_, &rest::search));

        server_.Get("/admin/revoke", bind(servlets_, &servlets::revoke_page));
        server_.Post("/admin/revoke", bind(servlets_, &servlets::revoke));

        // Bodies: no compressed or chunked ones, none over the limit, refused before they are
        // read (cpp-httplib would inflate or buffer them without bound first).
        const oauth1::httplib::server_limits limits{ctx_.opts().max_body_bytes};
        oauth1::httplib::harden_server(server_, limits);
        // And no multi-range requests: cpp-httplib 0.11 answers one with the whole body once per
        // range, for any answer (a 401 too): 8 KiB of "Range: bytes=0-,0-,..." would fetch
        // 800 KiB. JIRA's REST clients do not ask for ranges. (416 without a body: nothing
        // for the ranges to repeat.)
        server_.set_pre_routing_handler(
            [limits](const ::httplib::Request& req, ::httplib::Response& res) {
                using handled = ::httplib::Server::HandlerResponse;
                if (oauth1::httplib::screen_request(req, res, limits) == handled::Handled)
                    return handled::Handled;
                if (req.ranges.size() > 1) {
                    res.status = 416;
                    return handled::Handled;
                }
                return handled::Unhandled;
            });
        // Short keep-alive so that stop() returns promptly.
        server_.set_keep_alive_timeout(1);
        server_.set_logger([this](const ::httplib::Request& req, const ::httplib::Response& res) {
            log(req, res);
        });
    }

    /// One log line per request: method, path, the query's names (values may be tokens),
    /// status and problem.
    void log(const ::httplib::Request& req, const ::httplib::Response& res) const
    {
        std::string& problem = detail::current_problem();
        if (ctx_.opts().log) {
            std::string line = req.method + " " + detail::printable(req.path);
            const std::size_t q = req.target.find('?');
            if (q != std::string::npos) {
                std::string_view query = std::string_view(req.target).substr(q + 1);
                char sep = '?';
                while (!query.empty()) {
                    const std::size_t amp = query.find('&');
                    const std::string_view pair = query.substr(0, amp);
                    line.push_back(sep);
                    line += detail::printable(pair.substr(0, pair.find('=')));
                    sep = '&';
                    if (amp == std::string_view::npos) break;
                    query.remove_prefix(amp + 1);
                }
            }
            line += " " + std::to_string(res.status);
            if (!problem.empty()) line += " " + problem;
            ctx_.opts().log(line);
        }
        problem.clear();
    }

    context ctx_;
    servlets servlets_;
    rest rest_;
    ::httplib::Server server_;
    std::thread thread_;
};

} // namespace jira_provider

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_HPP
