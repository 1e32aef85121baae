// Unit tests of the response limit that every transport shares (transport.hpp:
// transport_options::max_response_body_bytes in oauth1::curl, oauth1::httplib and oauth1::beast):
// each transport against one cpp-httplib server on 127.0.0.1 answering bodies just under, at and
// just over a small configured limit, with Content-Length and chunked (no Content-Length), an
// endless chunked answer (the transport must stop reading, not buffer it), HEAD, and the 8 MiB
// default.
#include <oauth1/transport.hpp>

#include <oauth1/adapters/beast.hpp>
#include <oauth1/adapters/curl.hpp>
#include <oauth1/adapters/httplib.hpp>
#include <oauth1/error.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include "support/running_server.hpp"

#include <algorithm>
#include <atomic>
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

/// The three transports, each with max_response_body_bytes = `limit` (none: the default).
std::vector<transport_under_test> transports(std::size_t limit)
{
    std::vector<transport_under_test> out;
    {
        oauth1::curl::transport_options o;
        CHECK(o.max_response_body_bytes == oauth1::default_max_response_body_bytes);
        if (limit) o.max_response_body_bytes = limit;
        auto t = std::make_shared<oauth1::curl::transport>(o);
        out.push_back(
            {"curl", [t](const oauth1::http_request& r, std::error_code& ec, std::string& why) {
                 oauth1::http_response res = (*t)(r, ec);
                 why = t->last_error();
                 return res;
             }});
    }
    {
        oauth1::httplib::transport_options o;
        CHECK(o.max_response_body_bytes == oauth1::default_max_response_body_bytes);
        if (limit) o.max_response_body_bytes = limit;
        auto t = std::make_shared<oauth1::httplib::transport>(o);
        out.push_back({"httplib", [t](const oauth1::http_request& r, std::error_code& ec,
                                      std::string& why) { return (*t)(r, ec, why); }});
    }
    {
        oauth1::beast::transport_options o;
        CHECK(o.max_response_body_bytes == oauth1::default_max_response_body_bytes);
        if (limit) o.max_response_body_bytes = limit;
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
