// Unit tests of what every transport shares (transport_options.hpp: one oauth1::transport_options
// for oauth1::curl, oauth1::httplib and oauth1::beast), each transport against real servers on
// 127.0.0.1:
// - the defaults: one struct, the same finite limits everywhere;
// - transport_options::timeout and connect_timeout: a server that accepts and never answers, one
//   that trickles its answer a byte at a time (the limit is on the whole exchange, not on each
//   read), and one that never completes the TLS handshake;
// - settings a transport cannot honour are refused (errc::invalid_argument) before anything is
//   sent, and user_agent is sent by every transport;
// - max_response_body_bytes: one cpp-httplib server answering bodies just under, at and just over
//   a small configured limit, with Content-Length and chunked (no Content-Length), an endless
//   chunked answer (the transport must stop reading, not buffer it), HEAD, and the 8 MiB default.
#include <oauth1/transport_options.hpp>

#include <oauth1/adapters/beast_transport.hpp>
#include <oauth1/adapters/curl_transport.hpp>
#include <oauth1/adapters/httplib_transport.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>

#include <doctest/doctest.h>

#include <boost/asio/ssl/context.hpp>

#include <httplib.h>

#include "support/running_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

/// A cpp-httplib server on 127.0.0.1 (a free port) answering GET (and HEAD)
///   /fixed/N     N bytes with Content-Length
///   /chunked/N   N bytes, Transfer-Encoding: chunked (no Content-Length), in 100-byte chunks
///                (64 KiB from N = 100000 on)
///   /endless     64 KiB chunks until the client goes away (at most 1 GiB); endless_sent()
///                counts the bytes written
/// Started by the constructor, stopped (and its thread joined) by the destructor.
class body_server {
public:
    body_server()
    {
        server_.Get(R"(/fixed/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content(std::string(std::stoul(req.matches[1]), 'f'), "text/plain");
        });
        server_.Get(R"(/chunked/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
            const std::size_t n = std::stoul(req.matches[1]);
            res.set_chunked_content_provider("text/plain", [n](std::size_t offset,
                                                               httplib::DataSink& sink) {
                if (offset >= n) {
                    sink.done();
                    return true;
                }
                const std::size_t k = std::min<std::size_t>(n < 100000 ? 100 : 65536, n - offset);
                const std::string chunk(k, 'c');
                return sink.write(chunk.data(), chunk.size());
            });
        });
        server_.Get("/endless", [this](const httplib::Request&, httplib::Response& res) {
            res.set_chunked_content_provider("application/octet-stream",
                                             [this](std::size_t offset, httplib::DataSink& sink) {
                                                 if (offset >= endless_cap) {
                                                     sink.done();
                                                     return true;
                                                 }
                                                 const std::string chunk(64 * 1024, 'e');
                                                 if (!sink.write(chunk.data(), chunk.size()))
                                                     return false;
                                                 endless_sent_ += chunk.size();
                                                 return true;
                                             });
        });
        running_.emplace(server_);
    }
    body_server(const body_server&) = delete;
    body_server& operator=(const body_server&) = delete;
    ~body_server() { running_.reset(); } // stop serving before the handlers' state goes

    std::string url(const std::string& path) const { return running_->origin() + path; }
    std::size_t endless_sent() const noexcept { return endless_sent_; }

    static constexpr std::size_t endless_cap = std::size_t{1} << 30;

private:
    httplib::Server server_;
    std::optional<oauth1_test::running_server> running_;
    std::atomic<std::size_t> endless_sent_{0};
};

/// One transport under test: sends, and says why the last call failed.
struct transport_under_test {
    const char* name;
    std::function<oauth1::http_response(const oauth1::http_request&, std::error_code&,
                                        std::string&)>
        send;
};

/// The three transports with options `o`; with `tls`, Beast's is tls_transport (its context
/// trusts nothing: the tests that use it never get as far as verifying a certificate).
std::vector<transport_under_test> transports_with(const oauth1::transport_options& o,
                                                  bool tls = false)
{
    std::vector<transport_under_test> out;
    {
        auto t = std::make_shared<oauth1::curl::transport>(o);
        out.push_back(
            {"curl", [t](const oauth1::http_request& r, std::error_code& ec, std::string& why) {
                 oauth1::http_response res = (*t)(r, ec);
                 why = t->last_error();
                 return res;
             }});
    }
    {
        auto t = std::make_shared<oauth1::httplib::transport>(o);
        out.push_back({"httplib", [t](const oauth1::http_request& r, std::error_code& ec,
                                      std::string& why) { return (*t)(r, ec, why); }});
    }
    if (tls) {
        auto ctx =
            std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
        auto t = std::make_shared<oauth1::beast::tls_transport>(*ctx, o);
        out.push_back({"beast (TLS)", [ctx, t](const oauth1::http_request& r, std::error_code& ec,
                                               std::string& why) {
                           oauth1::http_response res = (*t)(r, ec);
                           why = t->last_error();
                           return res;
                       }});
    } else {
        auto t = std::make_shared<oauth1::beast::transport>(o);
        out.push_back(
            {"beast", [t](const oauth1::http_request& r, std::error_code& ec, std::string& why) {
                 oauth1::http_response res = (*t)(r, ec);
                 why = t->last_error();
                 return res;
             }});
    }
    return out;
}

/// The three transports, each with max_response_body_bytes = `limit` (none: the default).
std::vector<transport_under_test> transports(std::size_t limit)
{
    oauth1::transport_options o;
    CHECK(o.max_response_body_bytes == oauth1::default_max_response_body_bytes);
    if (limit) o.max_response_body_bytes = limit;
    return transports_with(o);
}

/// Whether `o` holds the documented defaults (transport_options.hpp).
bool has_defaults(const oauth1::transport_options& o)
{
    using namespace std::chrono_literals;
    return o.timeout == 30s && o.connect_timeout == 10s && o.ca_file.empty() && o.ca_path.empty() &&
           o.verify_peer && o.user_agent.empty() && o.proxy.empty() && !o.follow_redirects &&
           o.max_redirects == 5 && o.max_response_body_bytes == (std::size_t{8} << 20);
}

bool says_timed_out(std::string why)
{
    for (char& c : why) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return why.find("timed out") != std::string::npos || why.find("timeout") != std::string::npos;
}

/// A TCP server on 127.0.0.1 that accepts every connection and then either says nothing
/// (silent: no answer, no TLS handshake) or trickles the start of an answer, "HTTP/1.1 200
/// OK\r\nX-Slow: " and then one more byte every 50 ms, so that no single read ever waits long.
/// It gives up after 10 s; the destructor closes everything.
class stalling_server {
public:
    enum class mode { silent, trickle };

    explicit stalling_server(mode m) : mode_(m)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ::close(fd_);
            throw std::runtime_error("bind/listen 127.0.0.1");
        }
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    stalling_server(const stalling_server&) = delete;
    stalling_server& operator=(const stalling_server&) = delete;
    ~stalling_server()
    {
        stop_ = true;
        thread_.join();
        for (const int c : clients_) ::close(c);
        ::close(fd_);
    }

    /// "<scheme>://127.0.0.1:<port>/stall"
    std::string url(const std::string& scheme = "http") const
    {
        return scheme + "://127.0.0.1:" + std::to_string(port_) + "/stall";
    }
    /// Connections accepted so far.
    int accepted() const noexcept { return accepted_.load(); }

private:
    void run()
    {
        using clock = std::chrono::steady_clock;
        const auto give_up = clock::now() + std::chrono::seconds(10);
        auto next_byte = clock::now();
        while (!stop_ && clock::now() < give_up) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 10) > 0) {
                const int c = ::accept(fd_, nullptr, nullptr);
                if (c >= 0) {
                    clients_.push_back(c);
                    ++accepted_;
                    if (mode_ == mode::trickle) send_text(c, "HTTP/1.1 200 OK\r\nX-Slow: ");
                }
            }
            if (mode_ == mode::trickle && clock::now() >= next_byte) {
                for (const int c : clients_) send_text(c, "a");
                next_byte = clock::now() + std::chrono::milliseconds(50);
            }
        }
    }

    static void send_text(int fd, const std::string& text)
    {
        (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    }

    mode mode_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::vector<int> clients_; // the server thread's until it is joined
    std::thread thread_;
};

/// Sends GET `url` through `t` and checks that it fails with transport_failed saying it timed
/// out, no sooner than (most of) `limit` and well before `not_after`.
void check_times_out(transport_under_test& t, const std::string& url,
                     std::chrono::milliseconds limit, std::chrono::milliseconds not_after)
{
    CAPTURE(t.name);
    std::error_code ec;
    std::string why;
    const auto start = std::chrono::steady_clock::now();
    const oauth1::http_response res = t.send({"GET", url}, ec, why);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    CAPTURE(why);
    CAPTURE(took.count());
    CHECK(ec == oauth1::errc::transport_failed);
    CHECK(res.status == 0);
    CHECK(says_timed_out(why));
    CHECK(took >= limit * 8 / 10);
    CHECK(took < not_after);
}

void check_accepted(transport_under_test& t, const std::string& url, std::size_t size, char fill)
{
    CAPTURE(url);
    std::error_code ec;
    std::string why;
    const oauth1::http_response res = t.send({"GET", url}, ec, why);
    REQUIRE_MESSAGE(!ec, ec.message() << ": " << why);
    CHECK(res.status == 200);
    CHECK(res.body.size() == size);
    CHECK(res.body == std::string(size, fill));
}

void check_refused(transport_under_test& t, const std::string& url, std::size_t limit)
{
    CAPTURE(url);
    std::error_code ec;
    std::string why;
    const oauth1::http_response res = t.send({"GET", url}, ec, why);
    CHECK(ec == oauth1::errc::response_too_large);
    CHECK(res.status == 0);
    CHECK(res.body.empty());
    CHECK(why.find("max_response_body_bytes") != std::string::npos);
    CHECK(why.find(std::to_string(limit)) != std::string::npos);
}

} // namespace

TEST_CASE("the limit is one default for every transport: 8 MiB")
{
    CHECK(oauth1::default_max_response_body_bytes == 8U * 1024U * 1024U);
    (void)transports(0); // checks each transport_options' default
}

// ---------------------------------------------------------------------------------------------
// One vocabulary, the same defaults, time limits honoured.

static_assert(std::is_same_v<oauth1::curl::transport_options, oauth1::transport_options>);
static_assert(std::is_same_v<oauth1::httplib::transport_options, oauth1::transport_options>);
static_assert(std::is_same_v<oauth1::beast::transport_options, oauth1::transport_options>);
static_assert(oauth1::default_transport_timeout == std::chrono::seconds(30));
static_assert(oauth1::default_connect_timeout == std::chrono::seconds(10));

TEST_CASE("transport_options: one struct, the same finite defaults in every transport")
{
    CHECK(has_defaults(oauth1::transport_options{}));
    CHECK(has_defaults(oauth1::curl::transport{}.options()));
    CHECK(has_defaults(oauth1::httplib::transport{}.options()));
    CHECK(has_defaults(oauth1::beast::transport{}.options()));
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
    CHECK(has_defaults(oauth1::beast::tls_transport(ctx).options()));
    // What a transport is given is what it keeps.
    oauth1::transport_options o;
    o.timeout = std::chrono::milliseconds(1234);
    CHECK(oauth1::curl::transport(o).options().timeout == o.timeout);
    CHECK(oauth1::httplib::transport(o).options().timeout == o.timeout);
    CHECK(oauth1::beast::transport(o).options().timeout == o.timeout);
    CHECK(oauth1::beast::tls_transport(ctx, o).options().timeout == o.timeout);
}

TEST_CASE("each transport: a server that accepts and never answers fails after `timeout`")
{
    using namespace std::chrono_literals;
    stalling_server server(stalling_server::mode::silent);
    oauth1::transport_options o;
    o.timeout = 500ms;
    for (transport_under_test& t : transports_with(o)) check_times_out(t, server.url(), 500ms, 4s);
}

TEST_CASE("each transport: `timeout` bounds the whole exchange, not each read")
{
    // Every read gets a byte within 50 ms, but the answer never ends: only a limit on the whole
    // exchange stops the call.
    using namespace std::chrono_literals;
    stalling_server server(stalling_server::mode::trickle);
    oauth1::transport_options o;
    o.timeout = 600ms;
    for (transport_under_test& t : transports_with(o)) check_times_out(t, server.url(), 600ms, 4s);
}

TEST_CASE("each transport: `connect_timeout` bounds a TLS handshake that never completes")
{
    // The server accepts the TCP connection and never answers the ClientHello: the connection is
    // not established until the handshake is done, so connect_timeout applies, well before
    // timeout.
    using namespace std::chrono_literals;
    stalling_server server(stalling_server::mode::silent);
    oauth1::transport_options o;
    o.connect_timeout = 400ms;
    o.timeout = 20s;
    for (transport_under_test& t : transports_with(o, true))
        check_times_out(t, server.url("https"), 400ms, 4s);
}

TEST_CASE("each transport refuses a setting it cannot honour, and sends nothing")
{
    stalling_server server(stalling_server::mode::silent);
    const auto refused = [&server](const oauth1::transport_options& o, bool tls,
                                   const std::vector<std::string>& which, const char* member) {
        for (transport_under_test& t : transports_with(o, tls)) {
            if (std::find(which.begin(), which.end(), t.name) == which.end()) continue;
            CAPTURE(t.name);
            std::error_code ec;
            std::string why;
            const oauth1::http_response res =
                t.send({"GET", server.url(tls ? "https" : "http")}, ec, why);
            CAPTURE(why);
            CHECK(ec == oauth1::errc::invalid_argument);
            CHECK(res.status == 0);
            CHECK(why.find(std::string("transport_options::") + member) != std::string::npos);
        }
    };
    const std::vector<std::string> all{"curl", "httplib", "beast", "beast (TLS)"};
    oauth1::transport_options o;
    o.timeout = std::chrono::milliseconds(0); // there is no "no limit"
    refused(o, false, all, "timeout");
    o = {};
    o.connect_timeout = std::chrono::milliseconds(-1);
    refused(o, true, all, "connect_timeout");
    o = {};
    o.user_agent = "agent\r\nX-Injected: 1";
    refused(o, false, all, "user_agent");
    o = {};
    o.proxy = "http://127.0.0.1:3128"; // only libcurl goes through a proxy
    refused(o, false, {"httplib", "beast"}, "proxy");
    o = {};
    o.follow_redirects = true; // only curl::transport::sign_and_perform follows
    refused(o, false, {"httplib", "beast"}, "follow_redirects");
    o = {};
    o.verify_peer = false; // Beast always verifies
    refused(o, false, {"beast"}, "verify_peer");
    refused(o, true, {"beast (TLS)"}, "verify_peer");
    o = {};
    o.ca_file = "ca.pem";
    o.ca_path = "certs";
    refused(o, true, {"httplib"}, "ca_file and ca_path");
    CHECK(server.accepted() == 0);
}

TEST_CASE("each transport sends transport_options::user_agent unless the request has its own")
{
    httplib::Server svr;
    svr.Get("/ua", [](const httplib::Request& req, httplib::Response& res) {
        res.set_content(std::to_string(req.get_header_value_count("User-Agent")) + " " +
                            req.get_header_value("User-Agent"),
                        "text/plain");
    });
    const oauth1_test::running_server run(svr);
    oauth1::transport_options o;
    o.user_agent = "oauth1-test/1.0 (transport_options)";
    for (transport_under_test& t : transports_with(o)) {
        CAPTURE(t.name);
        std::error_code ec;
        std::string why;
        oauth1::http_response res = t.send({"GET", run.origin() + "/ua"}, ec, why);
        REQUIRE_MESSAGE(!ec, why);
        CHECK(res.body == "1 oauth1-test/1.0 (transport_options)");
        oauth1::http_request own{"GET", run.origin() + "/ua"};
        own.set_header("User-Agent", "my-agent");
        res = t.send(own, ec, why);
        REQUIRE_MESSAGE(!ec, why);
        CHECK(res.body == "1 my-agent");
    }
}

TEST_CASE("each transport: bodies up to the configured limit pass, one byte more is refused")
{
    body_server server;
    constexpr std::size_t limit = 1000;
    for (transport_under_test& t : transports(limit)) {
        CAPTURE(t.name);
        check_accepted(t, server.url("/fixed/999"), 999, 'f');
        check_accepted(t, server.url("/fixed/1000"), 1000, 'f');
        check_refused(t, server.url("/fixed/1001"), limit);
        check_refused(t, server.url("/fixed/100000"), limit);
        // chunked, no Content-Length: the transport counts as it reads
        check_accepted(t, server.url("/chunked/999"), 999, 'c');
        check_accepted(t, server.url("/chunked/1000"), 1000, 'c');
        check_refused(t, server.url("/chunked/1001"), limit);
        // The transport is still usable after a refusal.
        check_accepted(t, server.url("/fixed/10"), 10, 'f');
    }
}

TEST_CASE("each transport stops reading an endless answer at the limit")
{
    // A server that never ends its chunked body: a transport that buffered the body before
    // checking the limit would read until the server's 1 GiB cap. Each one must give up at the
    // limit and close, so the server manages to write little more than the sockets' buffers.
    for (transport_under_test& t : transports(4096)) {
        CAPTURE(t.name);
        body_server server;
        check_refused(t, server.url("/endless"), 4096);
        CHECK(server.endless_sent() < (std::size_t{64} << 20));
    }
}

TEST_CASE("each transport: a HEAD answer announcing a body above the limit is accepted")
{
    body_server server;
    for (transport_under_test& t : transports(1000)) {
        CAPTURE(t.name);
        std::error_code ec;
        std::string why;
        const oauth1::http_response res = t.send({"HEAD", server.url("/fixed/5000")}, ec, why);
        REQUIRE_MESSAGE(!ec, ec.message() << ": " << why);
        CHECK(res.status == 200);
        CHECK(res.header("Content-Length") == "5000");
        CHECK(res.body.empty());
    }
}

TEST_CASE("each transport's default: 8 MiB pass, 8 MiB + 1 is refused")
{
    body_server server;
    const std::size_t limit = oauth1::default_max_response_body_bytes;
    for (transport_under_test& t : transports(0)) {
        CAPTURE(t.name);
        check_accepted(t, server.url("/fixed/" + std::to_string(limit)), limit, 'f');
        check_refused(t, server.url("/fixed/" + std::to_string(limit + 1)), limit);
        check_refused(t, server.url("/chunked/" + std::to_string(limit + 1)), limit);
    }
}
