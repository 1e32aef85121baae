// oauth1/detail/loopback_socket.hpp - the POSIX socket machinery of loopback_callback: an owned
// descriptor, a non-blocking listener bound to 127.0.0.1 only, and a best-effort write.
#ifndef OAUTH1_DETAIL_LOOPBACK_SOCKET_HPP
#define OAUTH1_DETAIL_LOOPBACK_SOCKET_HPP

#include <oauth1/error.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace oauth1::detail {

/// An owned file descriptor, closed on destruction.
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

inline bool set_nonblocking_cloexec(int fd) noexcept
{
    const int fl = ::fcntl(fd, F_GETFL, 0);
    if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return false;
    const int fdfl = ::fcntl(fd, F_GETFD, 0);
    return fdfl >= 0 && ::fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC) >= 0;
}

/// A non-blocking TCP listener on 127.0.0.1:`port` (0: an ephemeral port chosen by the kernel),
/// never on another interface: the callback is for a browser on this machine. Sets `bound_port`.
/// Errors: errc::callback_listen_failed (the port is taken, no socket, ...).
inline unique_fd listen_loopback(std::uint16_t port, std::uint16_t& bound_port, std::error_code& ec)
{
    ec.clear();
    const auto failed = [&ec] {
        ec = make_error_code(errc::callback_listen_failed);
        return unique_fd();
    };
    unique_fd fd(::socket(AF_INET, SOCK_STREAM, 0));
    if (!fd || !set_nonblocking_cloexec(fd.get())) return failed();
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        return failed();
    if (::listen(fd.get(), 16) != 0) return failed();
    socklen_t len = sizeof addr;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) return failed();
    bound_port = ntohs(addr.sin_port);
    return fd;
}

/// Writes `data` to a connected socket without blocking for long: the answers are small (they
/// fit the socket's send buffer); what a stalled peer does not take is dropped. A peer that has
/// gone raises no SIGPIPE (MSG_NOSIGNAL; SO_NOSIGPIPE where that is the way).
inline void send_best_effort(int fd, std::string_view data) noexcept
{
#if defined(MSG_NOSIGNAL)
    constexpr int flags = MSG_NOSIGNAL;
#else
    constexpr int flags = 0;
#if defined(SO_NOSIGPIPE)
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
#endif
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), flags);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_LOOPBACK_SOCKET_HPP
