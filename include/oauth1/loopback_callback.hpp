// oauth1/loopback_callback.hpp - the callback URI of a desktop client (RFC 5849 §2.1, §2.2): a
// one-shot HTTP listener on 127.0.0.1 that receives the provider's redirect with oauth_token and
// oauth_verifier, so the user does not copy a verification code by hand.
//
//   oauth1::loopback_callback cb;                              // 127.0.0.1, ephemeral port
//   oauth1::flow_options fo;
//   fo.callback = cb.callback_url();                           // http://127.0.0.1:PORT/callback
//   auto temp = oauth1::request_temporary_credentials(http, c, ep.request_token, fo);
//   open_in_browser(oauth1::authorization_url(ep.authorize, temp.token));
//   const std::string verifier = cb.wait(temp.token);          // up to 5 minutes
//   auto access = oauth1::request_token_credentials(http, c, ep.access_token, temp, verifier);
//
// Security properties:
// - it listens on 127.0.0.1 only, never on another interface;
// - it accepts exactly one request: a GET of its path whose oauth_token is the temporary token
//   given to wait(). A wrong or missing token is answered 400 and the wait goes on (another
//   local process cannot end the dance, nor hand in a verifier of its own request token); other
//   paths 404, other methods 405; after the accepted request the listener is closed;
// - every connection is read with hard limits (request line, head size) and its own read
//   deadline, several at once: an idle or slow connection cannot block the wait, and memory is
//   bounded by max_connections x max_head;
// - wait() ends at its timeout (errc::callback_timeout).
// A denial - oauth_verifier=denied (as JIRA sends after Deny) or an oauth_problem (RFC 5849
// Problem Reporting extension) in the callback - ends the wait with errc::access_denied.
//
// POSIX sockets only (no HTTP library): part of the core.
#ifndef OAUTH1_LOOPBACK_CALLBACK_HPP
#define OAUTH1_LOOPBACK_CALLBACK_HPP

#include <oauth1/detail/loopback_request.hpp>
#include <oauth1/detail/loopback_socket.hpp>
#include <oauth1/detail/signer_secrets.hpp>
#include <oauth1/detail/token_answer.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace oauth1 {

/// Settings of a loopback_callback.
struct loopback_options {
    /// Port on 127.0.0.1; 0 (the default) lets the kernel choose a free ephemeral port.
    std::uint16_t port = 0;
    /// Path of the callback URL; must start with '/'.
    std::string path = "/callback";
    /// How long one connection may take to send its request head; then it is answered 408 and
    /// closed. The other connections, and the wait, go on meanwhile.
    std::chrono::milliseconds read_deadline{10000};
    /// Longest request line (414 beyond).
    std::size_t max_request_line = 4096;
    /// Longest request head, request line and fields (431 beyond).
    std::size_t max_head = 16384;
    /// Connections read at once; more wait in the listen backlog.
    std::size_t max_connections = 16;
};

/// The callback URI of a desktop client: listens on 127.0.0.1 from construction, and wait()
/// accepts the one redirect that carries the temporary token (RFC 5849 §2.2). One wait per
/// object; the listener is closed when wait() returns and on destruction.
class loopback_callback {
public:
    /// The default wait: five minutes for the user to allow access.
    static constexpr std::chrono::milliseconds default_timeout = std::chrono::minutes(5);

    /// Listens on 127.0.0.1. Errors: errc::callback_listen_failed (the port is taken, no
    /// socket), errc::invalid_argument (a path that does not start with '/' or is not plain
    /// ASCII without '?', '#', spaces).
    explicit loopback_callback(loopback_options o, std::error_code& ec) : opts_(std::move(o))
    {
        ec.clear();
        if (!valid_path(opts_.path) || opts_.max_head == 0 || opts_.max_request_line == 0 ||
            opts_.max_connections == 0) {
            ec = make_error_code(errc::invalid_argument);
            return;
        }
        listener_ = detail::listen_loopback(opts_.port, port_, ec);
    }

    /// As above; throws oauth1::error.
    explicit loopback_callback(loopback_options o = {})
    {
        std::error_code ec;
        *this = loopback_callback(std::move(o), ec);
        detail::throw_if(ec, "listening for the callback on 127.0.0.1");
    }

    /// Takes over the listener of `other`.
    loopback_callback(loopback_callback&&) noexcept = default;
    /// Closes this listener and takes over the listener of `other`.
    loopback_callback& operator=(loopback_callback&&) noexcept = default;

    /// The port listened on.
    std::uint16_t port() const noexcept { return port_; }

    /// The oauth_callback to send with the temporary-credential request (RFC 5849 §2.1):
    /// http://127.0.0.1:PORT/PATH.
    std::string callback_url() const
    {
        return "http://127.0.0.1:" + std::to_string(port_) + opts_.path;
    }

    /// Waits up to `timeout` for the redirect carrying `temporary_token` and returns its
    /// oauth_verifier (RFC 5849 §2.2). Errors: errc::callback_timeout; errc::access_denied (the
    /// user denied access: oauth_verifier=denied or an oauth_problem; problem() says which);
    /// errc::invalid_argument (empty token, or no listener: construction failed or wait()
    /// already returned); errc::callback_listen_failed (the socket failed).
    std::string wait(std::string_view temporary_token, std::chrono::milliseconds timeout,
                     std::error_code& ec)
    {
        ec.clear();
        if (!listener_ || temporary_token.empty()) {
            ec = make_error_code(errc::invalid_argument);
            return {};
        }
        std::string verifier = serve(temporary_token, timeout, ec);
        conns_.clear();
        listener_.reset(); // one request: later connections are refused
        return verifier;
    }

    /// As above with the default timeout (5 minutes).
    std::string wait(std::string_view temporary_token, std::error_code& ec)
    {
        return wait(temporary_token, default_timeout, ec);
    }

    /// As above; throws oauth1::error.
    std::string wait(std::string_view temporary_token,
                     std::chrono::milliseconds timeout = default_timeout)
    {
        std::error_code ec;
        std::string v = wait(temporary_token, timeout, ec);
        if (ec == errc::access_denied)
            detail::throw_if(ec, problem_ == "denied" ? "the callback said oauth_verifier=denied"
                                                      : "the callback reported an oauth_problem");
        detail::throw_if(ec, "waiting for the callback on 127.0.0.1");
        return v;
    }

    /// After errc::access_denied: the provider's oauth_problem (e.g. "user_refused"), or
    /// "denied" for oauth_verifier=denied. Text from the network: print it escaped.
    const std::string& problem() const noexcept { return problem_; }

private:
    struct connection {
        detail::unique_fd fd;
        detail::request_head_reader head;
        std::chrono::steady_clock::time_point deadline;
    };
    using clock = std::chrono::steady_clock;

    /// What one complete request amounts to.
    enum class outcome { keep_waiting, verifier, denied };

    static bool valid_path(std::string_view p) noexcept
    {
        if (p.empty() || p.front() != '/') return false;
        return std::all_of(p.begin(), p.end(), [](char c) {
            return c > ' ' && c < 0x7f && c != '?' && c != '#' && c != '%';
        });
    }

    static void answer(connection& c, std::string_view text) noexcept
    {
        detail::send_best_effort(c.fd.get(), text);
        ::shutdown(c.fd.get(), SHUT_WR);
        c.fd.reset();
    }

    std::string serve(std::string_view token, std::chrono::milliseconds timeout,
                      std::error_code& ec)
    {
        const clock::time_point end = clock::now() + timeout;
        std::vector<pollfd> fds;
        for (;;) {
            const clock::time_point now = clock::now();
            for (connection& c : conns_)
                if (c.deadline <= now)
                    answer(c, detail::html_answer(408, "Request Timeout", "Request Timeout",
                                                  "The request was not sent in time."));
            drop_closed();
            if (now >= end) {
                ec = make_error_code(errc::callback_timeout);
                return {};
            }
            clock::time_point next = end;
            for (const connection& c : conns_) next = std::min(next, c.deadline);

            fds.clear();
            const bool accepting = conns_.size() < opts_.max_connections;
            if (accepting) fds.push_back({listener_.get(), POLLIN, 0});
            for (const connection& c : conns_) fds.push_back({c.fd.get(), POLLIN, 0});
            const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
            const int r = ::poll(fds.data(), static_cast<nfds_t>(fds.size()),
                                 static_cast<int>(std::min<long long>(wait_ms, 60000)));
            if (r < 0) {
                if (errno == EINTR) continue;
                ec = make_error_code(errc::callback_listen_failed);
                return {};
            }
            if (r == 0) continue;

            const std::size_t first_conn = accepting ? 1 : 0;
            const std::size_t polled = conns_.size();
            for (std::size_t i = 0; i < polled; ++i) {
                if (fds[first_conn + i].revents == 0) continue;
                std::string verifier;
                const outcome o = read_from(conns_[i], token, verifier);
                if (o == outcome::verifier) return verifier;
                if (o == outcome::denied) {
                    ec = make_error_code(errc::access_denied);
                    return {};
                }
            }
            if (accepting && (fds[0].revents & POLLIN) != 0) accept_new();
            drop_closed();
        }
    }

    void accept_new()
    {
        while (conns_.size() < opts_.max_connections) {
            detail::unique_fd fd(::accept(listener_.get(), nullptr, nullptr));
            if (!fd) return; // EAGAIN (no more), or a connection that went away meanwhile
            if (!detail::set_nonblocking_cloexec(fd.get())) continue;
            conns_.push_back({std::move(fd),
                              detail::request_head_reader(opts_.max_request_line, opts_.max_head),
                              clock::now() + opts_.read_deadline});
        }
    }

    void drop_closed()
    {
        conns_.erase(
            std::remove_if(conns_.begin(), conns_.end(), [](const connection& c) { return !c.fd; }),
            conns_.end());
    }

    outcome read_from(connection& c, std::string_view token, std::string& verifier)
    {
        char buf[4096];
        const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            return outcome::keep_waiting;
        if (n <= 0) {
            c.fd.reset();
            return outcome::keep_waiting;
        }
        switch (c.head.feed(std::string_view(buf, static_cast<std::size_t>(n)))) {
        case detail::head_state::incomplete: return outcome::keep_waiting;
        case detail::head_state::line_too_long:
            answer(c, detail::html_answer(414, "URI Too Long", "URI Too Long",
                                          "The request line is too long."));
            return outcome::keep_waiting;
        case detail::head_state::too_large:
            answer(c, detail::html_answer(431, "Request Header Fields Too Large",
                                          "Request Header Fields Too Large",
                                          "The request head is too large."));
            return outcome::keep_waiting;
        case detail::head_state::complete: break;
        }
        return handle(c, token, verifier);
    }

    /// One complete request head: the callback (RFC 5849 §2.2) or something to refuse.
    outcome handle(connection& c, std::string_view token, std::string& verifier)
    {
        const auto refuse = [&c](int status, std::string_view reason, std::string_view text) {
            answer(c, detail::html_answer(status, reason, reason, text));
            return outcome::keep_waiting;
        };
        std::string_view method;
        std::string_view target;
        if (!detail::split_request_line(c.head.request_line(), method, target))
            return refuse(400, "Bad Request", "This is not an HTTP/1.x request.");
        const std::size_t qm = target.find('?');
        if (target.substr(0, qm) != opts_.path)
            return refuse(404, "Not Found", "There is nothing here.");
        if (method != "GET") return refuse(405, "Method Not Allowed", "Only GET is answered.");

        std::vector<std::pair<std::string, std::string>> pairs;
        std::string_view query = qm == std::string_view::npos ? "" : target.substr(qm + 1);
        query = query.substr(0, query.find('#'));
        if (!detail::parse_form_pairs(query, pairs))
            return refuse(400, "Bad Request", "The query has a malformed percent-encoding.");
        const std::string* got_token = nullptr;
        const std::string* got_verifier = nullptr;
        const std::string* got_problem = nullptr;
        for (const auto& [name, value] : pairs) {
            const std::string** slot = name == "oauth_token"      ? &got_token
                                       : name == "oauth_verifier" ? &got_verifier
                                       : name == "oauth_problem"  ? &got_problem
                                                                  : nullptr;
            if (slot == nullptr) continue;
            if (*slot != nullptr)
                return refuse(400, "Bad Request", "A parameter occurs more than once.");
            *slot = &value;
        }
        // Token-bound: only the redirect of this authorization ends the wait.
        if (got_token == nullptr || !detail::constant_time_equal(*got_token, token))
            return refuse(400, "Bad Request",
                          "This is not the authorization this application is waiting for "
                          "(wrong or missing oauth_token).");
        if (got_problem != nullptr || (got_verifier != nullptr && *got_verifier == "denied")) {
            problem_ = got_problem != nullptr ? got_problem->substr(0, 200) : "denied";
            answer(c, detail::html_answer(200, "OK", "Access denied",
                                          "Access was denied. You can close this window."));
            return outcome::denied;
        }
        if (got_verifier == nullptr || got_verifier->empty())
            return refuse(400, "Bad Request", "The callback has no oauth_verifier.");
        verifier = *got_verifier;
        answer(c, detail::html_answer(200, "OK", "Authorization complete",
                                      "The application has received the authorization. You "
                                      "can close this window."));
        return outcome::verifier;
    }

    loopback_options opts_;
    detail::unique_fd listener_;
    std::uint16_t port_ = 0;
    std::vector<connection> conns_;
    std::string problem_;
};

} // namespace oauth1

#endif // OAUTH1_LOOPBACK_CALLBACK_HPP
