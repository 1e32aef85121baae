// oauth1/detail/loopback_http.hpp - private to oauth1 (not a public header): the minimal HTTP/1.1
// server behind oauth1::loopback_callback (oauth1/loopback_callback.hpp) - a listening socket on
// 127.0.0.1, connections read with a bounded request head and a per-connection deadline, several
// at once through poll(2) (a browser's speculative connection must not hold up the real one),
// and short answers that close the connection. POSIX only.
#ifndef OAUTH1_DETAIL_LOOPBACK_HTTP_HPP
#define OAUTH1_DETAIL_LOOPBACK_HTTP_HPP

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oauth1::detail {

/// A file descriptor closed on destruction.
class unique_fd {
public:
    unique_fd() noexcept = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& o) noexcept
    {
        if (this != &o) {
            reset();
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset() noexcept
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

inline bool set_nonblocking(int fd) noexcept
{
    const int flags = ::fcntl(fd, F_GETFL, 0);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

/// A listening TCP socket on 127.0.0.1:`port` (0: the kernel chooses); empty on failure, with
/// `why` saying which call failed and errno's text.
inline unique_fd listen_loopback(std::uint16_t port, std::string& why)
{
    unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        why = std::string("socket: ") + std::strerror(errno);
        return {};
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // never all interfaces
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        why = "bind 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
        return {};
    }
    if (::listen(fd.get(), 16) != 0 || !set_nonblocking(fd.get())) {
        why = std::string("listen: ") + std::strerror(errno);
        return {};
    }
    return fd;
}

/// The port a socket is bound to.
inline std::uint16_t bound_port(int fd) noexcept
{
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return 0;
    return ntohs(a.sin_port);
}

/// Writes all of `data` (best effort: a client gone away is not an error worth reporting).
inline void send_all(int fd, std::string_view data) noexcept
{
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 1000) <= 0) return;
            continue;
        }
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

/// An answer that closes the connection: status line, a few headers, a small HTML body.
inline std::string http_answer(int status, std::string_view reason, std::string_view html)
{
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    out += "Content-Type: text/html; charset=utf-8\r\n";
    out += "Cache-Control: no-store\r\n";
    out += "Referrer-Policy: no-referrer\r\n"; // the page's URL holds the verifier
    out += "Content-Length: " + std::to_string(html.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    out += html;
    return out;
}

/// One accepted connection whose request head is being read.
struct pending_connection {
    unique_fd fd;
    std::string head;
    std::chrono::steady_clock::time_point deadline;
};

/// The parts of a request head the callback needs.
struct request_head {
    std::string_view method;
    std::string_view target;
    std::string_view host; ///< the Host field ("" when absent or repeated)
};

/// Parses the request line and the Host field of `head` (up to the empty line); false when it is
/// not an HTTP/1.x request head.
inline bool parse_request_head(std::string_view head, request_head& out)
{
    const std::size_t eol = head.find("\r\n");
    if (eol == std::string_view::npos) return false;
    const std::string_view line = head.substr(0, eol);
    const std::size_t sp1 = line.find(' ');
    const std::size_t sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    out.method = line.substr(0, sp1);
    out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (line.substr(sp2 + 1, 7) != "HTTP/1.") return false;
    std::size_t hosts = 0;
    std::string_view host;
    std::size_t pos = eol + 2;
    while (pos < head.size()) {
        const std::size_t end = head.find("\r\n", pos);
        if (end == std::string_view::npos || end == pos) break;
        const std::string_view field = head.substr(pos, end - pos);
        const std::size_t colon = field.find(':');
        if (colon == 4) {
            std::string name(field.substr(0, 4));
            for (char& c : name)
                c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            if (name == "host") {
                std::string_view v = field.substr(5);
                while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
                while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
                host = v;
                ++hosts;
            }
        }
        pos = end + 2;
    }
    out.host = hosts == 1 ? host : std::string_view{};
    return true;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_LOOPBACK_HTTP_HPP
