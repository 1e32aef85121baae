// oauth1::loopback_callback (oauth1/loopback_callback.hpp) with real sockets on 127.0.0.1: the
// one good callback, and everything it must ignore or refuse - wrong token, other path, other
// method, other Host, oversized and idle connections, a second request - plus denial and timeout.
#include <oauth1/loopback_callback.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <system_error>
#include <thread>

using namespace std::chrono_literals;

namespace {

/// A connected client socket to 127.0.0.1:port (-1 on failure).
int connect_to(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
    if (fd >= 0) ::close(fd);
    return -1;
}

/// Sends `raw` on a new connection and returns the whole answer ("" when none).
std::string send_raw(std::uint16_t port, const std::string& raw)
{
    const int fd = connect_to(port);
    if (fd < 0) return {};
    (void)::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::string get(std::uint16_t port, const std::string& target, const std::string& host = {})
{
    return send_raw(port, "GET " + target + " HTTP/1.1\r\nHost: " +
                              (host.empty() ? "127.0.0.1:" + std::to_string(port) : host) +
                              "\r\nConnection: close\r\n\r\n");
}

int status_of(const std::string& answer)
{
    return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0;
}

} // namespace

TEST_CASE("loopback_callback: listens on 127.0.0.1, an ephemeral port, and says its URL")
{
    oauth1::loopback_callback cb;
    CHECK(cb.port() != 0);
    CHECK(cb.url() == "http://127.0.0.1:" + std::to_string(cb.port()) + "/oauth1/callback");
}

TEST_CASE("loopback_callback: the right token's redirect gives the verifier, once")
{
    oauth1::loopback_callback cb;
    const std::uint16_t port = cb.port();
    std::error_code ec;
    std::string why;
    auto waiting = std::async(std::launch::async, [&] { return cb.wait("tmp-token", 10s, ec, &why); });
    // Ignored, each answered and the wait goes on:
    CHECK(status_of(get(port, "/oauth1/callback?oauth_token=other&oauth_verifier=v")) == 400);
    CHECK(status_of(get(port, "/elsewhere?oauth_token=tmp-token&oauth_verifier=v")) == 404);
    CHECK(status_of(send_raw(port, "POST /oauth1/callback?oauth_token=tmp-token&oauth_verifier=v "
                                   "HTTP/1.1\r\nHost: 127.0.0.1:" +
                                       std::to_string(port) +
                                       "\r\nContent-Length: 0\r\n\r\n")) == 405);
    CHECK(status_of(get(port, "/oauth1/callback?oauth_token=tmp-token&oauth_verifier=v",
                        "evil.example:" + std::to_string(port))) == 421);
    CHECK(status_of(get(port, "/oauth1/callback?oauth_token=tmp-token")) == 400); // no verifier
    CHECK(status_of(get(port, "/oauth1/callback?oauth_token=tmp-token&oauth_token=tmp-token&"
                              "oauth_verifier=v")) == 400); // two tokens
    CHECK(waiting.wait_for(0s) == std::future_status::timeout);
    // An idle connection (a browser's speculative one) does not hold up the real request.
    const int idle = connect_to(port);
    REQUIRE(idle >= 0);
    const std::string ok = get(port, "/oauth1/callback?oauth_token=tmp-token&oauth_verifier=v%2B1");
    CHECK(status_of(ok) == 200);
    CHECK(ok.find("You can close this window") != std::string::npos);
    CHECK(ok.find("Referrer-Policy: no-referrer") != std::string::npos);
    CHECK(waiting.get() == "v+1");
    CHECK(!ec);
    ::close(idle);
    // A second request: the listener is closed, the system refuses the connection.
    CHECK(get(port, "/oauth1/callback?oauth_token=tmp-token&oauth_verifier=v").empty());
    CHECK(cb.wait("tmp-token", 100ms, ec).empty());
    CHECK(ec == oauth1::errc::callback_listen_failed);
}

TEST_CASE("loopback_callback: localhost in the Host field is the same server")
{
    oauth1::loopback_callback cb;
    auto waiting = std::async(std::launch::async, [&] { return cb.wait("t", 10s); });
    CHECK(status_of(get(cb.port(), "/oauth1/callback?oauth_token=t&oauth_verifier=x",
                        "localhost:" + std::to_string(cb.port()))) == 200);
    CHECK(waiting.get() == "x");
}

TEST_CASE("loopback_callback: a denial ends the wait with errc::access_denied")
{
    for (const char* query : {"oauth_token=t&oauth_verifier=denied",
                              "oauth_token=t&oauth_problem=permission_denied"}) {
        CAPTURE(query);
        oauth1::loopback_callback cb;
        std::error_code ec;
        auto waiting = std::async(std::launch::async, [&] { return cb.wait("t", 10s, ec); });
        const std::string page = get(cb.port(), std::string("/oauth1/callback?") + query);
        CHECK(status_of(page) == 200);
        CHECK(page.find("Access was denied") != std::string::npos);
        CHECK(waiting.get().empty());
        CHECK(ec == oauth1::errc::access_denied);
    }
    oauth1::loopback_callback cb;
    auto waiting = std::async(std::launch::async, [&] { return cb.wait("t", 10s); });
    (void)get(cb.port(), "/oauth1/callback?oauth_token=t&oauth_verifier=denied");
    try {
        (void)waiting.get();
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::access_denied);
    }
}

TEST_CASE("loopback_callback: no callback in time is errc::callback_timeout, naming what came")
{
    oauth1::loopback_callback cb;
    std::thread stray([port = cb.port()] {
        std::this_thread::sleep_for(50ms);
        (void)get(port, "/oauth1/callback?oauth_token=someone-else&oauth_verifier=v");
    });
    const auto start = std::chrono::steady_clock::now();
    try {
        (void)cb.wait("t", 400ms);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::callback_timeout);
        CHECK(std::string(e.what()).find("wrong or missing oauth_token") != std::string::npos);
    }
    stray.join();
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 400ms);
    CHECK(took < 5s);
}

TEST_CASE("loopback_callback: bounded request heads and slow connections")
{
    oauth1::loopback_callback_options o;
    o.read_timeout = 300ms;
    o.max_request_bytes = 1024;
    oauth1::loopback_callback cb(o);
    const std::uint16_t port = cb.port();
    auto waiting = std::async(std::launch::async, [&] { return cb.wait("t", 10s); });
    // A head over the limit: 431, whether or not it ends.
    CHECK(status_of(send_raw(port, "GET /oauth1/callback?oauth_token=t&oauth_verifier=v HTTP/1.1\r\n"
                                   "X-Pad: " + std::string(2000, 'a') + "\r\n\r\n")) == 431);
    CHECK(status_of(send_raw(port, "GET /x HTTP/1.1\r\nX-Pad: " + std::string(5000, 'a'))) == 431);
    // A connection that never finishes its head is closed after read_timeout.
    const int slow = connect_to(port);
    REQUIRE(slow >= 0);
    (void)::send(slow, "GET /oauth1/callback", 20, MSG_NOSIGNAL);
    char c = 0;
    const auto start = std::chrono::steady_clock::now();
    CHECK(::recv(slow, &c, 1, 0) == 0); // closed by the server
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    ::close(slow);
    CHECK(status_of(get(port, "/oauth1/callback?oauth_token=t&oauth_verifier=ok")) == 200);
    CHECK(waiting.get() == "ok");
}

TEST_CASE("loopback_callback: a port in use is errc::callback_listen_failed")
{
    oauth1::loopback_callback first;
    oauth1::loopback_callback_options o;
    o.port = first.port();
    try {
        oauth1::loopback_callback second(o);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::callback_listen_failed);
        CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(o.port)) !=
              std::string::npos);
    }
}
