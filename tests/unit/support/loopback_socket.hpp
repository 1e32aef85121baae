// Raw sockets on 127.0.0.1 for the adapter tests: a listening socket on a kernel-chosen port,
// and a port on which nothing listens. Throws std::runtime_error when the system refuses.
#ifndef OAUTH1_TEST_LOOPBACK_SOCKET_HPP
#define OAUTH1_TEST_LOOPBACK_SOCKET_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace oauth1_test {

/// 127.0.0.1:`port` (0: any port).
inline sockaddr_in loopback(int port)
{
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    return a;
}

/// A listening socket on 127.0.0.1 with a kernel-chosen port (returned in `port`).
inline int listen_loopback(int& port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket");
    sockaddr_in a = loopback(0);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0) {
        ::close(fd);
        throw std::runtime_error("bind/listen 127.0.0.1");
    }
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("getsockname");
    }
    port = ntohs(a.sin_port);
    return fd;
}

/// A loopback port on which nothing listens (bound, then closed).
inline int closed_port()
{
    int port = 0;
    ::close(listen_loopback(port));
    return port;
}

} // namespace oauth1_test

#endif // OAUTH1_TEST_LOOPBACK_SOCKET_HPP
