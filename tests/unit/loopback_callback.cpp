// Unit tests for oauth1/loopback_callback.hpp: the desktop client's callback listener, with real
// sockets on 127.0.0.1 - the good callback, a wrong token, other paths and methods, a second
// request, the timeout, idle and slow connections, oversized requests, denials, listen failures.
#include <oauth1/loopback_callback.hpp>

#include <oauth1/error.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;

/// A blocking client socket connected to 127.0.0.1:port (-1 when refused), with 10 s limits.
class client_socket {
public:
    explicit client_socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0))
    {
        REQUIRE(fd_ >= 0);
        timeval tv{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
    }
    client_socket(const client_socket&) = delete;
    client_socket& operator=(const client_socket&) = delete;
    ~client_socket() { ::close(fd_); }

    bool connected() const { return connected_; }

    /// Sends what the peer takes (it may close early: errors are not failures here).
    void send(std::string_view s)
    {
        while (!s.empty()) {
            const ssize_t n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0) return;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    /// Everything until the peer closes (or 10 s pass).
    std::string read_all()
    {
        std::string out;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
    bool connected_ = false;
};

/// One request, its whole answer.
std::string round_trip(std::uint16_t port, std::string_view request)
{
    client_socket s(port);
    REQUIRE(s.connected());
    s.send(request);
    return s.read_all();
}

std::string get(std::uint16_t port, const std::string& target)
{
    return round_trip(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

int status_of(const std::string& answer)
{
    if (answer.compare(0, 9, "HTTP/1.1 ") != 0 || answer.size() < 12) return 0;
    return std::stoi(answer.substr(9, 3));
}

struct waited {
    std::string verifier;
    std::error_code ec;
};

std::future<waited> wait_async(oauth1::loopback_callback& cb, std::string token,
                               std::chrono::milliseconds timeout = 20s)
{
    return std::async(std::launch::async, [&cb, token = std::move(token), timeout] {
        waited w;
        w.verifier = cb.wait(token, timeout, w.ec);
        return w;
    });
}

const std::string token = "hh5s93j4hdidpola";
const std::string good = "/callback?oauth_token=hh5s93j4hdidpola&oauth_verifier=hfdp7dh39dks9884";

} // namespace

TEST_CASE("loopback_callback: the callback URL names 127.0.0.1 and the port listened on")
{
    oauth1::loopback_callback cb;
    CHECK(cb.port() != 0);
    CHECK(cb.callback_url() == "http://127.0.0.1:" + std::to_string(cb.port()) + "/callback");

    oauth1::loopback_options o;
    o.path = "/oauth/done";
    oauth1::loopback_callback other(o);
    CHECK(other.callback_url() ==
          "http://127.0.0.1:" + std::to_string(other.port()) + "/oauth/done");

    client_socket s(cb.port());
    CHECK(s.connected());

#if defined(__linux__)
    // The listening socket's local address, as the kernel reports it: 127.0.0.1 (0100007F in
    // /proc/net/tcp on a little-endian machine), never 0.0.0.0.
    std::ifstream tcp("/proc/net/tcp");
    REQUIRE(tcp);
    char port_hex[8];
    std::snprintf(port_hex, sizeof port_hex, ":%04X", static_cast<unsigned>(cb.port()));
    std::string line;
    std::vector<std::string> listening;
    while (std::getline(tcp, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        fields >> slot >> local >> remote >> state;
        if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == port_hex)
            listening.push_back(local.substr(0, local.size() - 5));
    }
    REQUIRE(listening.size() == 1);
    CHECK((listening[0] == "0100007F" || listening[0] == "7F000001")); // (host byte order)
#endif
}

TEST_CASE("loopback_callback: the good callback returns the verifier and answers a page")
{
    oauth1::loopback_callback cb;
    auto f = wait_async(cb, token);
    const std::string answer = get(cb.port(), good);
    CHECK(status_of(answer) == 200);
    CHECK(answer.find("You can close this window") != std::string::npos);
    CHECK(answer.find("Connection: close") != std::string::npos);
    const waited w = f.get();
    CHECK(!w.ec);
    CHECK(w.verifier == "hfdp7dh39dks9884");
}

TEST_CASE("loopback_callback: percent-encoded values, other parameters and the order do not matter")
{
    oauth1::loopback_callback cb;
    auto f = wait_async(cb, "a b/c");
    CHECK(status_of(get(cb.port(),
                        "/callback?x=1&oauth_verifier=v%2B1&oauth_token=a+b%2Fc#frag")) == 200);
    const waited w = f.get();
    CHECK(!w.ec);
    CHECK(w.verifier == "v+1");
}

TEST_CASE("loopback_callback: a wrong or missing token is refused (400) and the wait goes on")
{
    oauth1::loopback_callback cb;
    auto f = wait_async(cb, token);
    const std::string wrong = get(cb.port(), "/callback?oauth_token=other&oauth_verifier=x");
    CHECK(status_of(wrong) == 400);
    CHECK(wrong.find("wrong or missing oauth_token") != std::string::npos);
    CHECK(status_of(get(cb.port(), "/callback?oauth_verifier=x")) == 400);
    CHECK(status_of(get(cb.port(), "/callback")) == 400);
    CHECK(status_of(get(cb.port(), "/callback?oauth_token=" + token +
                                       "&oauth_token=" + token + "&oauth_verifier=x")) == 400);
    CHECK(status_of(get(cb.port(), "/callback?oauth_token=" + token)) == 400); // no verifier
    CHECK(status_of(get(cb.port(), "/callback?oauth_token=%zz")) == 400);
    CHECK(f.wait_for(0s) == std::future_status::timeout);
    CHECK(status_of(get(cb.port(), good)) == 200);
    CHECK(f.get().verifier == "hfdp7dh39dks9884");
}

TEST_CASE("loopback_callback: other paths 404, other methods 405, garbage 400")
{
    oauth1::loopback_callback cb;
    auto f = wait_async(cb, token);
    CHECK(status_of(get(cb.port(), "/favicon.ico")) == 404);
    CHECK(status_of(get(cb.port(), "/callbackx?oauth_token=" + token)) == 404);
    CHECK(status_of(get(cb.port(), "/")) == 404);
    CHECK(status_of(round_trip(cb.port(), "POST " + good + " HTTP/1.1\r\nHost: x\r\n\r\n")) == 405);
    CHECK(status_of(round_trip(cb.port(), "hello\r\n\r\n")) == 400);
    CHECK(status_of(round_trip(cb.port(), "GET " + good + " HTTP/2.0\r\n\r\n")) == 400);
    CHECK(f.wait_for(0s) == std::future_status::timeout);
    CHECK(status_of(get(cb.port(), good)) == 200);
    CHECK(!f.get().ec);
}

TEST_CASE("loopback_callback: exactly one request is accepted; later ones are refused")
{
    oauth1::loopback_callback cb;
    const std::uint16_t port = cb.port();
    auto f = wait_async(cb, token);
    CHECK(status_of(get(port, good)) == 200);
    CHECK(!f.get().ec);
    client_socket again(port);
    CHECK(!again.connected()); // the listener is closed
    std::error_code ec;
    cb.wait(token, 1s, ec);
    CHECK(ec == oauth1::errc::invalid_argument);
}

TEST_CASE("loopback_callback: the timeout")
{
    oauth1::loopback_callback cb;
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    CHECK(cb.wait(token, 200ms, ec).empty());
    CHECK(ec == oauth1::errc::callback_timeout);
    CHECK(std::chrono::steady_clock::now() - start >= 200ms);
    CHECK(std::chrono::steady_clock::now() - start < 5s);

    oauth1::loopback_callback thrown;
    try {
        thrown.wait(token, 50ms);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::callback_timeout);
    }
    CHECK(oauth1::loopback_callback::default_timeout == std::chrono::minutes(5));
}

TEST_CASE("loopback_callback: idle and slow connections do not block the wait")
{
    oauth1::loopback_options o;
    o.read_deadline = 3s;
    oauth1::loopback_callback cb(o);
    auto f = wait_async(cb, token);
    client_socket idle(cb.port()); // connects, sends nothing
    REQUIRE(idle.connected());
    client_socket slow(cb.port()); // sends half a request head
    REQUIRE(slow.connected());
    slow.send("GET /callback?oauth_token=" + token);

    // The good callback goes through meanwhile, long before their read deadline.
    const auto start = std::chrono::steady_clock::now();
    CHECK(status_of(get(cb.port(), good)) == 200);
    CHECK(std::chrono::steady_clock::now() - start < o.read_deadline);
    CHECK(f.get().verifier == "hfdp7dh39dks9884");
}

TEST_CASE("loopback_callback: idle and slow connections are answered 408 at their read deadline")
{
    oauth1::loopback_options o;
    o.read_deadline = 300ms;
    oauth1::loopback_callback cb(o);
    auto f = wait_async(cb, token);
    client_socket idle(cb.port());
    REQUIRE(idle.connected());
    client_socket slow(cb.port());
    REQUIRE(slow.connected());
    slow.send("GET /callback?oauth_token=" + token);
    CHECK(status_of(idle.read_all()) == 408);
    CHECK(status_of(slow.read_all()) == 408);
    CHECK(status_of(get(cb.port(), good)) == 200);
    CHECK(!f.get().ec);
}

TEST_CASE("loopback_callback: more idle connections than it reads at once only delay the wait")
{
    oauth1::loopback_options o;
    o.read_deadline = 200ms;
    o.max_connections = 2;
    oauth1::loopback_callback cb(o);
    auto f = wait_async(cb, token);
    client_socket a(cb.port());
    client_socket b(cb.port());
    client_socket c(cb.port());
    CHECK(status_of(get(cb.port(), good)) == 200);
    CHECK(f.get().verifier == "hfdp7dh39dks9884");
}

TEST_CASE("loopback_callback: oversized requests are refused")
{
    oauth1::loopback_callback cb;
    auto f = wait_async(cb, token);
    SUBCASE("a request line over 4096 bytes: 414")
    {
        CHECK(status_of(get(cb.port(), good + "&x=" + std::string(5000, 'a'))) == 414);
        // without any line end at all, sent in one stream of 1 MB
        client_socket s(cb.port());
        REQUIRE(s.connected());
        s.send(std::string(1 << 20, 'A'));
        CHECK(status_of(s.read_all()) == 414);
    }
    SUBCASE("a head over 16 KiB: 431")
    {
        std::string head = "GET " + good + " HTTP/1.1\r\n";
        for (int i = 0; i < 400; ++i) head += "X-Filler-" + std::to_string(i) + ": 0123456789abcdef0123456789\r\n";
        CHECK(status_of(round_trip(cb.port(), head + "\r\n")) == 431);
        // a head of empty-looking bytes ("\r" only) is bounded too
        CHECK(status_of(round_trip(cb.port(), "GET / HTTP/1.1\r\n" + std::string(20000, '\r'))) ==
              431);
    }
    CHECK(f.wait_for(0s) == std::future_status::timeout);
    CHECK(status_of(get(cb.port(), good)) == 200);
    CHECK(!f.get().ec);
}

TEST_CASE("loopback_callback: a denial ends the wait with access_denied")
{
    oauth1::loopback_callback cb;
    std::string page;
    SUBCASE("oauth_verifier=denied (JIRA's Deny)")
    {
        auto f = wait_async(cb, token);
        page = get(cb.port(), "/callback?oauth_token=" + token + "&oauth_verifier=denied");
        const waited w = f.get();
        CHECK(w.ec == oauth1::errc::access_denied);
        CHECK(w.verifier.empty());
        CHECK(cb.problem() == "denied");
    }
    SUBCASE("oauth_problem=user_refused")
    {
        auto f = wait_async(cb, token);
        page = get(cb.port(), "/callback?oauth_token=" + token + "&oauth_problem=user_refused");
        CHECK(f.get().ec == oauth1::errc::access_denied);
        CHECK(cb.problem() == "user_refused");
    }
    SUBCASE("a denial for another token is refused like any wrong token")
    {
        auto f = wait_async(cb, token, 500ms);
        CHECK(status_of(get(cb.port(), "/callback?oauth_token=x&oauth_verifier=denied")) == 400);
        CHECK(f.get().ec == oauth1::errc::callback_timeout);
        page = "HTTP/1.1 200 (skipped)\r\n\r\nAccess denied";
    }
    CHECK(status_of(page) == 200);
    CHECK(page.find("Access denied") != std::string::npos);
}

TEST_CASE("loopback_callback: the throwing wait says why")
{
    oauth1::loopback_callback cb;
    auto f = std::async(std::launch::async, [&cb] {
        try {
            cb.wait(token);
        } catch (const oauth1::error& e) {
            return std::make_pair(e.code(), std::string(e.what()));
        }
        return std::make_pair(std::error_code(), std::string());
    });
    get(cb.port(), "/callback?oauth_token=" + token + "&oauth_verifier=denied");
    const auto [ec, what] = f.get();
    CHECK(ec == oauth1::errc::access_denied);
    CHECK(what.find("oauth_verifier=denied") != std::string::npos);
    CHECK(what.find("denied access") != std::string::npos);
}

TEST_CASE("loopback_callback: listen failures and bad settings")
{
    oauth1::loopback_callback first;
    oauth1::loopback_options o;
    o.port = first.port(); // taken
    std::error_code ec;
    oauth1::loopback_callback second(o, ec);
    CHECK(ec == oauth1::errc::callback_listen_failed);
    second.wait(token, 10ms, ec);
    CHECK(ec == oauth1::errc::invalid_argument);
    CHECK_THROWS_AS(oauth1::loopback_callback{o}, oauth1::error);

    for (const char* bad : {"", "callback", "/a b", "/a?b", "/a#b", "/a%20"}) {
        CAPTURE(bad);
        oauth1::loopback_options p;
        p.path = bad;
        oauth1::loopback_callback cb(p, ec);
        CHECK(ec == oauth1::errc::invalid_argument);
    }
    std::error_code wait_ec;
    first.wait("", 10ms, wait_ec);
    CHECK(wait_ec == oauth1::errc::invalid_argument);
}
