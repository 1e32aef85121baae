// oauth1/loopback_callback.hpp - the desktop dance's callback (RFC 5849 §2.2): instead of making
// the user copy a verification code (oauth_callback=oob), a local program listens on 127.0.0.1,
// sends that address as oauth_callback, and catches the browser's redirect after the user allowed
// access - as desktop OAuth clients do (Qt's reply handler, Google's LocalServerReceiver).
//
//   oauth1::loopback_callback cb;                       // 127.0.0.1, a port the kernel chooses
//   oauth1::flow_options fo;
//   fo.callback = cb.url();                             // http://127.0.0.1:PORT/oauth1/callback
//   auto temp = oauth1::request_temporary_credentials(http, client, endpoints.request_token, fo);
//   open_in_browser(oauth1::authorization_url(endpoints.authorize, temp.token));
//   std::string verifier = cb.wait(temp.token);         // default: 5 minutes
//   auto access = oauth1::request_token_credentials(http, client, endpoints.access_token, temp,
//                                                   verifier);
//
// What it guarantees:
// - it listens on 127.0.0.1 only (never on all interfaces), on an ephemeral port unless told one;
// - it accepts exactly ONE request: GET <path>?oauth_token=T&oauth_verifier=V with T the temporary
//   token given to wait(), answered with a short "you can close this window" page; the listening
//   socket is closed as soon as it arrived, so any later request is refused by the system;
// - anything else is answered and ignored, and the wait goes on: another path (404), another
//   method (405), a wrong or missing token (400: a request for another authorization, or a page
//   trying its luck), a Host other than 127.0.0.1:PORT / localhost:PORT (421: a DNS-rebinding
//   page), a request head over max_request_bytes (431), a connection that sends no complete head
//   within read_timeout (closed); up to max_connections connections are read at once (the
//   oldest is dropped beyond), so an idle connection - a browser's speculative one - never holds
//   up the real one;
// - a denial - oauth_verifier=denied (JIRA's redirect after Deny) or an oauth_problem parameter -
//   ends the wait with errc::access_denied; no request before the deadline ends it with
//   errc::callback_timeout; a socket that cannot listen is errc::callback_listen_failed.
// Every wait costs linear time in the bytes received and bounded memory. POSIX only.
#ifndef OAUTH1_LOOPBACK_CALLBACK_HPP
#define OAUTH1_LOOPBACK_CALLBACK_HPP

#include <oauth1/detail/loopback_http.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

/// How loopback_callback listens and what it accepts.
struct loopback_callback_options {
    /// TCP port on 127.0.0.1; 0: one the kernel chooses (recommended).
    std::uint16_t port = 0;
    /// The callback's path; the redirect must come to exactly this path.
    std::string path = "/oauth1/callback";
    /// A connection must send its whole request head within this time.
    std::chrono::milliseconds read_timeout{10000};
    /// Longest request head accepted (request line and fields), bytes.
    std::size_t max_request_bytes = 8192;
    /// Connections read at once; beyond, the oldest is closed.
    std::size_t max_connections = 16;
    /// The text of the page the browser shows after the redirect (HTML-escaped).
    std::string done_message = "Access granted. You can close this window and return to the "
                               "application.";
};

/// A one-shot HTTP listener on 127.0.0.1 for the OAuth callback (RFC 5849 §2.2). See the top of
/// this header. Not copyable; movable.
class loopback_callback {
public:
    /// Listens on 127.0.0.1 (`opts.port`, 0 for an ephemeral one); throws oauth1::error
    /// (errc::callback_listen_failed, the reason included) when it cannot.
    explicit loopback_callback(loopback_callback_options opts = {}) : opts_(std::move(opts))
    {
        std::string why;
        listener_ = detail::listen_loopback(opts_.port, why);
        if (!listener_)
            detail::throw_if(make_error_code(errc::callback_listen_failed),
                             ("loopback callback: " + why).c_str());
        port_ = detail::bound_port(listener_.get());
    }

    /// The oauth_callback to send: http://127.0.0.1:PORT followed by the path.
    std::string url() const
    {
        return "http://127.0.0.1:" + std::to_string(port_) + opts_.path;
    }

    /// The port listened on.
    std::uint16_t port() const noexcept { return port_; }

    /// Waits up to `timeout` for the one callback request carrying oauth_token =
    /// `temporary_token` and returns its oauth_verifier (RFC 5849 §2.2). errc::access_denied when
    /// the user denied access (the page says so); errc::callback_timeout when none came in time;
    /// errc::callback_listen_failed when called again after the callback arrived (the listener
    /// is closed). `why` (optional) receives a description of the last request ignored, for the
    /// user ("a request for another authorization (wrong oauth_token)").
    std::string wait(std::string_view temporary_token, std::chrono::milliseconds timeout,
                     std::error_code& ec, std::string* why = nullptr)
    {
        ec.clear();
        if (!listener_) {
            ec = make_error_code(errc::callback_listen_failed);
            return {};
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::vector<detail::pending_connection> conns;
        std::vector<pollfd> fds;
        for (;;) {
            const auto now = std::chrono::steady_clock::now();
            // Connections past their deadline are dropped.
            conns.erase(std::remove_if(conns.begin(), conns.end(),
                                       [now](const detail::pending_connection& c) {
                                           return c.deadline <= now;
                                       }),
                        conns.end());
            if (now >= deadline) {
                ec = make_error_code(errc::callback_timeout);
                return {};
            }
            auto next = deadline;
            for (const auto& c : conns)
                next = std::min(next, c.deadline);
            const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
            fds.assign(1, pollfd{listener_.get(), POLLIN, 0});
            for (const auto& c : conns)
                fds.push_back(pollfd{c.fd.get(), POLLIN, 0});
            const int ready = ::poll(fds.data(), static_cast<nfds_t>(fds.size()),
                                     static_cast<int>(std::max<long long>(1, wait_ms.count() + 1)));
            if (ready < 0 && errno != EINTR) {
                ec = make_error_code(errc::callback_listen_failed);
                return {};
            }
            if (ready <= 0) continue;
            // Read what arrived; a connection whose head is complete is answered and closed.
            for (std::size_t i = conns.size(); i-- > 0;) {
                if ((fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
                detail::pending_connection& c = conns[i];
                char buf[2048];
                const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
                if (n <= 0) {
                    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                    conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
                    continue;
                }
                c.head.append(buf, static_cast<std::size_t>(n));
                const std::size_t end = c.head.find("\r\n\r\n");
                if (end == std::string::npos) {
                    if (c.head.size() > opts_.max_request_bytes) {
                        answer(c, 431, "Request Header Fields Too Large", "Request too large.");
                        note(why, "a request head over the size limit");
                        conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
                    }
                    continue;
                }
                if (end + 4 > opts_.max_request_bytes) {
                    answer(c, 431, "Request Header Fields Too Large", "Request too large.");
                    note(why, "a request head over the size limit");
                    conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
                    continue;
                }
                std::string verifier;
                const outcome o = handle(c, temporary_token, verifier, why);
                conns.erase(conns.begin() + static_cast<std::ptrdiff_t>(i));
                if (o == outcome::ignored) continue;
                listener_.reset(); // one request only: later ones are refused by the system
                if (o == outcome::denied) {
                    ec = make_error_code(errc::access_denied);
                    return {};
                }
                return verifier;
            }
            // New connections.
            if (fds[0].revents & POLLIN) {
                for (;;) {
                    const int fd = ::accept(listener_.get(), nullptr, nullptr);
                    if (fd < 0) break;
                    if (!detail::set_nonblocking(fd)) {
                        ::close(fd);
                        continue;
                    }
                    if (conns.size() >= opts_.max_connections) conns.erase(conns.begin());
                    conns.push_back(detail::pending_connection{
                        detail::unique_fd(fd), {},
                        std::chrono::steady_clock::now() + opts_.read_timeout});
                }
            }
        }
    }

    /// As above; throws oauth1::error (errc::access_denied, callback_timeout, ...).
    std::string wait(std::string_view temporary_token,
                     std::chrono::milliseconds timeout = std::chrono::minutes(5))
    {
        std::error_code ec;
        std::string why;
        std::string v = wait(temporary_token, timeout, ec, &why);
        if (ec) {
            std::string context = "waiting for the OAuth callback";
            if (!why.empty()) context += " (ignored: " + why + ")";
            detail::throw_if(ec, context.c_str());
        }
        return v;
    }

private:
    enum class outcome { ignored, accepted, denied };

    static void note(std::string* why, std::string_view text)
    {
        if (why) why->assign(text);
    }

    void answer(detail::pending_connection& c, int status, std::string_view reason,
                std::string_view text) const
    {
        std::string html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>";
        html += reason;
        html += "</title></head>\n<body><p>";
        for (const char ch : text) { // HTML-escaped
            switch (ch) {
            case '<': html += "&lt;"; break;
            case '>': html += "&gt;"; break;
            case '&': html += "&amp;"; break;
            case '"': html += "&quot;"; break;
            default: html += ch;
            }
        }
        html += "</p></body></html>\n";
        detail::send_all(c.fd.get(), detail::http_answer(status, reason, html));
    }

    outcome handle(detail::pending_connection& c, std::string_view token, std::string& verifier,
                   std::string* why) const
    {
        detail::request_head h;
        if (!detail::parse_request_head(c.head, h)) {
            answer(c, 400, "Bad Request", "Not an HTTP request.");
            note(why, "a malformed request");
            return outcome::ignored;
        }
        const std::string self = "127.0.0.1:" + std::to_string(port_);
        const std::string self_name = "localhost:" + std::to_string(port_);
        if (h.host != self && h.host != self_name) {
            answer(c, 421, "Misdirected Request", "This server answers only 127.0.0.1.");
            note(why, "a request with another Host");
            return outcome::ignored;
        }
        const std::size_t q = h.target.find('?');
        if (h.target.substr(0, q) != opts_.path) {
            answer(c, 404, "Not Found", "Not found.");
            note(why, "a request for another path");
            return outcome::ignored;
        }
        if (h.method != "GET") {
            answer(c, 405, "Method Not Allowed", "Only GET.");
            note(why, "a request with another method");
            return outcome::ignored;
        }
        parameter_list params;
        std::error_code ec;
        if (q != std::string_view::npos) params.add_form(h.target.substr(q + 1), ec);
        std::string got_token;
        std::string got_verifier;
        bool problem = false;
        std::size_t tokens = 0;
        for (const parameter_view p : params) {
            std::error_code dec;
            if (p.name == "oauth_token") {
                got_token = percent_decode(p.value, dec);
                ++tokens;
            } else if (p.name == "oauth_verifier") {
                got_verifier = percent_decode(p.value, dec);
            } else if (p.name == "oauth_problem") {
                problem = true;
            }
        }
        if (ec || tokens != 1 || got_token != token) {
            answer(c, 400, "Bad Request",
                   "This is not the authorization this application is waiting for.");
            note(why, "a request for another authorization (wrong or missing oauth_token)");
            return outcome::ignored;
        }
        if (problem || got_verifier == "denied") {
            answer(c, 200, "Access denied",
                   "Access was denied. You can close this window and return to the "
                   "application.");
            return outcome::denied;
        }
        if (got_verifier.empty()) {
            answer(c, 400, "Bad Request", "The redirect carries no oauth_verifier.");
            note(why, "a callback without oauth_verifier");
            return outcome::ignored;
        }
        answer(c, 200, "Authorized", opts_.done_message);
        verifier = std::move(got_verifier);
        return outcome::accepted;
    }

    loopback_callback_options opts_;
    detail::unique_fd listener_;
    std::uint16_t port_ = 0;
};

} // namespace oauth1

#endif // OAUTH1_LOOPBACK_CALLBACK_HPP
