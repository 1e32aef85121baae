// Unit tests for oauth1/adapters/beast.hpp and beast_transport.hpp: Beast requests signed in place (origin from the
// caller or the Host field, body types, refusals), sent by plain Beast to the loopback
// verifying server (tests/unit/support/verifying_server.hpp), which must VERIFY each request and
// see the request-target that was signed; tampering and replays refused; the synchronous
// transports (plain and TLS, the latter against a Beast TLS server with a certificate made
// here); the asynchronous sign-write-read with a callback and with use_future.
#include <oauth1/adapters/beast.hpp>
#include <oauth1/adapters/beast_transport.hpp>

#include <doctest/doctest.h>

#include "support/verifying_server.hpp"

#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/transport.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using oauth1_test::verifying_server;

const oauth1::beast::origin http_origin{"http", ""}; // the verifying server speaks plain HTTP

bool contains(std::string_view haystack, std::string_view needle)
{
    return haystack.find(needle) != std::string_view::npos;
}

oauth1::client hmac_client()
{
    oauth1::client c(oauth1_test::hmac_consumer_key,
                     oauth1::hmac_sha1(oauth1_test::hmac_consumer_secret));
    c.set_token(oauth1_test::access_token, oauth1_test::access_token_secret);
    return c;
}

oauth1::client rsa_client()
{
    oauth1::client c(oauth1_test::rsa_consumer_key,
                     oauth1::rsa_sha1(oauth1::load_private_key_file(
                         oauth1_test::test_key_path("wiki_key.pem"))));
    c.set_token(oauth1_test::access_token, oauth1_test::access_token_secret);
    return c;
}

std::string authority(const verifying_server& srv)
{
    return "127.0.0.1:" + std::to_string(srv.port());
}

template <class Body = http::string_body>
http::request<Body> make_request(http::verb v, std::string_view target, const verifying_server& srv)
{
    http::request<Body> req{v, std::string(target), 11};
    req.set(http::field::host, authority(srv));
    req.set(http::field::user_agent, "oauth1-beast-test");
    return req;
}

/// Plain Beast: one connection, write the request as it is, read the answer.
template <class Body>
http::response<http::string_body> send(const verifying_server& srv, http::request<Body>& req)
{
    net::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(srv.port())));
    http::write(stream, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return res;
}

/// Signs `req` for the verifying server, sends it and checks that the server verified exactly
/// the signed target.
template <class Body>
void sign_send_verify(const verifying_server& srv, http::request<Body>& req,
                      const oauth1::client& c, const oauth1::sign_options& opts = {})
{
    const std::string target(req.target());
    const oauth1::signed_request s = oauth1::beast::sign(req, c, opts, http_origin);
    req.prepare_payload();
    const auto res = send(srv, req);
    const auto seen = srv.last();
    CAPTURE(seen.problem);
    CAPTURE(seen.base_string);
    CAPTURE(res.body());
    CHECK(res.result_int() == 200);
    CHECK(seen.verified);
    CHECK(seen.target == target);
    CHECK(std::string(res["X-Seen-Target"]) == target);
    CHECK(seen.url == srv.origin() + target);
    CHECK(seen.base_string == s.base_string());
}

std::string www_authenticate(const http::response<http::string_body>& res)
{
    return std::string(res[http::field::www_authenticate]);
}

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
unsigned short closed_port()
{
    net::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    const unsigned short p = a.local_endpoint().port();
    a.close();
    return p;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Compile-time properties.

static_assert(oauth1::is_transport_v<oauth1::beast::transport>);
static_assert(oauth1::is_transport_v<oauth1::beast::tls_transport>);
static_assert(
    oauth1::is_signable_request_v<oauth1::beast::request_ref<http::string_body, http::fields>>);
static_assert(oauth1::beast::is_signable_body_v<http::string_body>);
static_assert(oauth1::beast::is_signable_body_v<http::vector_body<char>>);
static_assert(oauth1::beast::is_signable_body_v<http::vector_body<unsigned char>>);
static_assert(oauth1::beast::is_signable_body_v<http::span_body<char>>);
static_assert(oauth1::beast::is_signable_body_v<http::empty_body>);
static_assert(!oauth1::beast::is_signable_body_v<http::dynamic_body>);
static_assert(!oauth1::beast::is_signable_body_v<http::buffer_body>);
static_assert(!oauth1::beast::is_signable_body_v<http::file_body>);
namespace {
struct int_vector_body { // contiguous, but not of chars
    using value_type = std::vector<int>;
};
} // namespace
static_assert(!oauth1::beast::is_signable_body_v<int_vector_body>);

// ---------------------------------------------------------------------------------------------
// Signing without the network.

TEST_CASE("beast::sign: the URL is origin + target and matches the core client's signature")
{
    const oauth1::client c = hmac_client();
    oauth1::sign_options opts;
    opts.nonce = "fixednonce";
    opts.timestamp = 1700000000;

    http::request<http::string_body> req{http::verb::get, "/a%20b/c?x=1&y=%2F", 11};
    req.set(http::field::host, "Example.COM:8443");
    const auto s = oauth1::beast::sign(req, c, opts);
    const auto core = c.sign({"GET", "https://Example.COM:8443/a%20b/c?x=1&y=%2F"}, opts);
    CHECK(s.base_string() == core.base_string());
    CHECK(req[http::field::authorization] == core.authorization());
    CHECK(contains(s.base_string(), "GET&https%3A%2F%2Fexample.com%3A8443%2Fa%2520b%2Fc&"));

    SUBCASE("scheme from the origin")
    {
        http::request<http::string_body> r2{http::verb::get, "/p", 11};
        r2.set(http::field::host, "example.com");
        const auto s2 = oauth1::beast::sign(r2, c, opts, {"http", ""});
        CHECK(contains(s2.base_string(), "GET&http%3A%2F%2Fexample.com%2Fp&"));
    }
    SUBCASE("absolute-form target is signed as is")
    {
        http::request<http::string_body> r2{http::verb::get, "http://proxy.example/x?q=1", 11};
        r2.set(http::field::host, "proxy.example");
        const auto s2 = oauth1::beast::sign(r2, c, opts);
        CHECK(contains(s2.base_string(), "GET&http%3A%2F%2Fproxy.example%2Fx&"));
    }
}

TEST_CASE("beast::sign: origin host and the Host field")
{
    const oauth1::client c = hmac_client();
    std::error_code ec;

    SUBCASE("no Host and no origin host: invalid_url, request unchanged")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        oauth1::beast::sign(req, c, {}, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        CHECK(req.count(http::field::authorization) == 0);
        CHECK_THROWS_AS(oauth1::beast::sign(req, c), oauth1::error);
    }
    SUBCASE("origin host sets a missing Host field")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        oauth1::beast::sign(req, c, {}, ec, {"https", "api.example.com"});
        CHECK_FALSE(ec);
        CHECK(req[http::field::host] == "api.example.com");
        CHECK(req.count(http::field::authorization) == 1);
    }
    SUBCASE("origin host equal to Host up to case and default port")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        req.set(http::field::host, "API.example.com");
        oauth1::beast::sign(req, c, {}, ec, {"https", "api.example.com:443"});
        CHECK_FALSE(ec);
        CHECK(req[http::field::host] == "API.example.com"); // the caller's, untouched
    }
    SUBCASE("origin host that disagrees with Host: request_not_sendable")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        req.set(http::field::host, "other.example.com");
        oauth1::beast::sign(req, c, {}, ec, {"https", "api.example.com"});
        CHECK(ec == oauth1::errc::request_not_sendable);
        CHECK(req.count(http::field::authorization) == 0);
    }
    SUBCASE("a Host with characters a host cannot have")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        req.set(http::field::host, "user@evil.example");
        oauth1::beast::sign(req, c, {}, ec);
        CHECK(ec == oauth1::errc::invalid_url);
    }
    SUBCASE("two Host fields")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        req.insert(http::field::host, "a.example");
        req.insert(http::field::host, "b.example");
        oauth1::beast::sign(req, c, {}, ec);
        CHECK(ec == oauth1::errc::request_not_sendable);
    }
    SUBCASE("a scheme other than http(s)")
    {
        http::request<http::string_body> req{http::verb::get, "/p", 11};
        req.set(http::field::host, "a.example");
        oauth1::beast::sign(req, c, {}, ec, {"ftp", ""});
        CHECK(ec == oauth1::errc::invalid_url);
    }
}

TEST_CASE("beast::sign: targets that cannot be signed as sent")
{
    const oauth1::client c = hmac_client();
    std::error_code ec;
    http::request<http::string_body> req{http::verb::get, "/p", 11};
    req.set(http::field::host, "a.example");

    req.target("");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);
    req.target("/p?x=1#frag");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);
    req.method(http::verb::options);
    req.target("*");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::invalid_url);
    req.method(http::verb::connect);
    req.target("a.example:443");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::invalid_url);
    req.method(http::verb::get);
    req.target("/a b");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::invalid_url);
    req.target("/p?x=%zz");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::invalid_percent_encoding);
    CHECK(req.count(http::field::authorization) == 0);
}

TEST_CASE("beast::sign: Authorization is replaced, Content-Type must be unique")
{
    const oauth1::client c = hmac_client();
    std::error_code ec;
    http::request<http::string_body> req{http::verb::post, "/p", 11};
    req.set(http::field::host, "a.example");
    req.insert(http::field::authorization, "Basic old");
    req.insert(http::field::authorization, "Bearer older");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK_FALSE(ec);
    CHECK(req.count(http::field::authorization) == 1);
    CHECK(contains(std::string(req[http::field::authorization]), "OAuth "));

    req.insert(http::field::content_type, "application/x-www-form-urlencoded");
    req.insert(http::field::content_type, "application/json");
    oauth1::beast::sign(req, c, {}, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);
}

TEST_CASE("beast::sign: a custom method is signed as Beast sends it")
{
    const oauth1::client c = hmac_client();
    http::request<http::string_body> req;
    req.method_string("FROBNICATE");
    req.target("/p");
    req.set(http::field::host, "a.example");
    const auto s = oauth1::beast::sign(req, c);
    CHECK(contains(s.base_string(), "FROBNICATE&https%3A%2F%2Fa.example%2Fp&"));
}

// ---------------------------------------------------------------------------------------------
// Signed Beast requests, sent by plain Beast, verified by the loopback server.

TEST_CASE("beast: GET with a query that needs encoding, duplicate keys")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();
    // '+' is a space in a query (3.4.1.3.1), %2B a plus, %20 a space; `*`, `!`, `'` and `~`
    // raw; %2F an encoded slash; é and 中 percent-encoded UTF-8; `dup` twice in reverse order.
    auto req = make_request(http::verb::get,
                            "/photos?file=vacation%20photo.jpg&plus=a+b&lit=a%2Bb&star=*&bang=!"
                            "&q='x'&t=~&slash=%2F&utf=%C3%A9t%C3%A9%E4%B8%AD&dup=2&dup=1&empty=",
                            srv);
    sign_send_verify(srv, req, c);
}

TEST_CASE("beast: a path with %20 and reserved characters")
{
    verifying_server srv;
    auto req = make_request(http::verb::get, "/a%20b/c;p=1/d:e@f/!$&'()*+,=/%2F%C3%A9/x", srv);
    sign_send_verify(srv, req, hmac_client());
}

TEST_CASE("beast: POST with a form body (string_body and vector_body<char>)")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();
    const std::string form = "a=1+2&b=%26x&c=%2By&c=dup&d=%E2%82%AC";

    SUBCASE("string_body")
    {
        auto req = make_request(http::verb::post, "/form?q=1", srv);
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = form;
        sign_send_verify(srv, req, c);
        CHECK(srv.last().body == form);
    }
    SUBCASE("vector_body<char>, charset suffix")
    {
        auto req = make_request<http::vector_body<char>>(http::verb::post, "/form", srv);
        req.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
        req.body().assign(form.begin(), form.end());
        sign_send_verify(srv, req, c);
        CHECK(srv.last().body == form);
        // The form parameters were signed: the base string holds them.
        CHECK(contains(srv.last().base_string, "b%3D%2526x"));
    }
}

TEST_CASE("beast: POST with a JSON body and oauth_body_hash")
{
    verifying_server srv;
    oauth1::sign_options opts;
    opts.body_hash = true;
    const std::string json = R"({"fields":{"summary":"a+b & c","n":1}})";

    SUBCASE("string_body")
    {
        auto req = make_request(http::verb::post, "/rest/api/2/issue?notify=false", srv);
        req.set(http::field::content_type, "application/json");
        req.body() = json;
        sign_send_verify(srv, req, hmac_client(), opts);
        CHECK(contains(srv.last().authorization, "oauth_body_hash="));
    }
    SUBCASE("vector_body<char>, RSA-SHA1")
    {
        auto req =
            make_request<http::vector_body<char>>(http::verb::post, "/rest/api/2/issue", srv);
        req.set(http::field::content_type, "application/json");
        req.body().assign(json.begin(), json.end());
        sign_send_verify(srv, req, rsa_client(), opts);
        CHECK(contains(srv.last().authorization, "oauth_signature_method=\"RSA-SHA1\""));
    }
}

TEST_CASE("beast: PUT and DELETE, span_body and empty_body")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();
    SUBCASE("PUT, span_body<char>")
    {
        std::string data = "k=v+w";
        auto req = make_request<http::span_body<char>>(http::verb::put, "/items/7", srv);
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = http::span_body<char>::value_type(data.data(), data.size());
        sign_send_verify(srv, req, c);
        CHECK(srv.last().method == "PUT");
        CHECK(srv.last().body == data);
    }
    SUBCASE("DELETE, empty_body")
    {
        auto req = make_request<http::empty_body>(http::verb::delete_, "/items/7?force=1", srv);
        sign_send_verify(srv, req, c);
        CHECK(srv.last().method == "DELETE");
    }
}

TEST_CASE("beast: RSA-SHA1 GET")
{
    verifying_server srv;
    auto req = make_request(http::verb::get, "/rest/api/latest/issue/JJ-2?expand=a,b", srv);
    sign_send_verify(srv, req, rsa_client());
    CHECK(contains(srv.last().authorization, "oauth_consumer_key=\"rsa-consumer\""));
}

TEST_CASE("beast: the origin's host fills in the Host field")
{
    verifying_server srv;
    http::request<http::string_body> req{http::verb::get, "/no-host?x=1", 11};
    const std::string auth = authority(srv);
    oauth1::beast::sign(req, hmac_client(), {}, {"http", auth});
    CHECK(req[http::field::host] == auth);
    const auto res = send(srv, req);
    CHECK(res.result_int() == 200);
    CHECK(srv.last().verified);
}

TEST_CASE("beast: tampering after signing is refused with signature_invalid")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();

    SUBCASE("a query parameter")
    {
        auto req = make_request(http::verb::get, "/t?amount=10", srv);
        oauth1::beast::sign(req, c, {}, http_origin);
        req.target("/t?amount=1000");
        const auto res = send(srv, req);
        CHECK(res.result_int() == 401);
        CHECK(contains(www_authenticate(res), "oauth_problem=\"signature_invalid\""));
        CHECK(srv.last().problem == "signature_invalid");
    }
    SUBCASE("a form body")
    {
        auto req = make_request(http::verb::post, "/t", srv);
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "amount=10";
        oauth1::beast::sign(req, c, {}, http_origin);
        req.body() = "amount=1000";
        req.prepare_payload();
        const auto res = send(srv, req);
        CHECK(res.result_int() == 401);
        CHECK(contains(www_authenticate(res), "oauth_problem=\"signature_invalid\""));
        CHECK(srv.last().problem == "signature_invalid");
    }
    SUBCASE("a JSON body covered by oauth_body_hash")
    {
        auto req = make_request(http::verb::post, "/t", srv);
        req.set(http::field::content_type, "application/json");
        req.body() = R"({"amount":10})";
        oauth1::sign_options opts;
        opts.body_hash = true;
        oauth1::beast::sign(req, c, opts, http_origin);
        req.body() = R"({"amount":1000})";
        req.prepare_payload();
        const auto res = send(srv, req);
        CHECK(res.result_int() == 401);
        CHECK(contains(www_authenticate(res), "oauth_problem=\"signature_invalid\""));
    }
    SUBCASE("the Host field")
    {
        auto req = make_request(http::verb::get, "/t", srv);
        oauth1::beast::sign(req, c, {}, http_origin);
        req.set(http::field::host, "localhost:" + std::to_string(srv.port()));
        const auto res = send(srv, req);
        CHECK(res.result_int() == 401);
        CHECK(srv.last().problem == "signature_invalid");
    }
}

TEST_CASE("beast: a replayed request is refused with nonce_used")
{
    verifying_server srv;
    auto req = make_request(http::verb::get, "/replay?x=1", srv);
    oauth1::beast::sign(req, hmac_client(), {}, http_origin);
    CHECK(send(srv, req).result_int() == 200);
    const auto res = send(srv, req);
    CHECK(res.result_int() == 401);
    CHECK(contains(www_authenticate(res), "oauth_problem=\"nonce_used\""));
    CHECK(srv.last().problem == "nonce_used");
}

// ---------------------------------------------------------------------------------------------
// The synchronous transport.

TEST_CASE("beast::transport: signed JSON POST, X-Seen-Target read back")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();
    oauth1::http_request r;
    r.method = "POST";
    r.url = srv.origin() + "/json/issue?x=a+b&y=%2F&z=%C3%A9";
    r.content_type = "application/json";
    r.body = R"({"summary":"hello"})";
    r.headers.push_back({"Accept", "application/json"});
    oauth1::sign_options opts;
    opts.body_hash = true;
    oauth1::sign(r, c, opts);

    oauth1::beast::transport t;
    std::error_code ec;
    const oauth1::http_response res = t(r, ec);
    REQUIRE_FALSE(ec);
    CAPTURE(srv.last().problem);
    CHECK(res.status == 200);
    CHECK(res.ok());
    CHECK(res.header("X-Seen-Target") == "/json/issue?x=a+b&y=%2F&z=%C3%A9");
    CHECK(contains(res.body, "\"verified\":true"));
    CHECK(res.header("content-type") == "application/json");
    const auto seen = srv.last();
    CHECK(seen.verified);
    CHECK(seen.body == r.body);
    CHECK(seen.content_type == "application/json");
    CHECK(seen.url == r.url);
    CHECK(t.last_error().empty());
}

TEST_CASE("beast::transport: form POST, PUT, DELETE, GET with an empty path")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();
    oauth1::beast::transport t;
    const auto run = [&](std::string method, std::string url, std::string content_type,
                         std::string body, std::string expect_target) {
        oauth1::http_request r;
        r.method = std::move(method);
        r.url = std::move(url);
        r.content_type = std::move(content_type);
        r.body = std::move(body);
        oauth1::sign(r, c);
        std::error_code ec;
        const auto res = t(r, ec);
        CHECK_FALSE(ec);
        CAPTURE(srv.last().problem);
        CHECK(res.status == 200);
        CHECK(res.header("X-Seen-Target") == expect_target);
        CHECK(srv.last().method == r.method);
        CHECK(srv.last().body == r.body);
    };
    run("POST", srv.origin() + "/f", "application/x-www-form-urlencoded", "a=1+2&b=%26&c=%2B",
        "/f");
    run("PUT", srv.origin() + "/i/1", "application/x-www-form-urlencoded", "k=v", "/i/1");
    run("DELETE", srv.origin() + "/i/1?hard=true", "", "", "/i/1?hard=true");
    run("GET", srv.origin() + "?only=query", "", "", "/?only=query");
    run("PATCH", srv.origin() + "/i/1#fragment-not-sent", "application/json", "{}", "/i/1");

    // HEAD: the answer announces a body it does not send; the transport must not wait for it.
    oauth1::http_request head;
    head.method = "HEAD";
    head.url = srv.origin() + "/head?x=1";
    oauth1::sign(head, c);
    const auto res = t(head);
    CHECK(res.status == 200);
    CHECK(res.body.empty());
    CHECK(srv.last().verified);
    CHECK(srv.last().method == "HEAD");
}

TEST_CASE("beast::transport: a 401 (or 400) is a response, not an error")
{
    verifying_server srv;
    oauth1::beast::transport t;
    std::error_code ec;
    oauth1::http_request r;
    r.method = "GET";
    r.url = srv.origin() + "/wrong-secret";
    oauth1::client wrong(oauth1_test::hmac_consumer_key, oauth1::hmac_sha1("not-the-secret"));
    oauth1::sign(r, wrong);
    auto res = t(r, ec);
    CHECK_FALSE(ec);
    CHECK(res.status == 401);
    CHECK_FALSE(res.ok());
    CHECK(contains(res.header("WWW-Authenticate"), "oauth_problem=\"signature_invalid\""));
    CHECK(contains(res.body, "oauth_problem=signature_invalid"));

    r.url = srv.origin() + "/unsigned";
    r.headers.clear();
    res = t(r, ec);
    CHECK_FALSE(ec);
    CHECK(res.status == 400); // parameter_absent
    CHECK(contains(res.header("WWW-Authenticate"), "oauth_problem="));
}

TEST_CASE("beast::transport: connection refused is transport_failed with Asio's message")
{
    const unsigned short port = closed_port();
    oauth1::http_request r;
    r.method = "GET";
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/secret-path?oauth_token=abc";
    oauth1::beast::transport t;
    std::error_code ec;
    const auto res = t(r, ec);
    CHECK(ec == oauth1::errc::transport_failed);
    CHECK(res.status == 0);
    CAPTURE(t.last_error());
    CHECK(contains(t.last_error(), "connect 127.0.0.1:" + std::to_string(port)));
    CHECK(contains(t.last_error(), "refused"));
    CHECK_FALSE(contains(t.last_error(), "secret-path"));
    CHECK_FALSE(contains(t.last_error(), "oauth_token"));
    try {
        (void)t(r);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::transport_failed);
        CHECK(contains(e.what(), "refused"));
    }
}

TEST_CASE("beast::transport: a server that never answers times out")
{
    net::io_context ioc;
    // Listening but never accepting: the kernel completes the TCP handshake, nobody answers.
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    oauth1::http_request r;
    r.method = "GET";
    r.url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port()) + "/slow";
    oauth1::beast::transport_options o;
    o.timeout = std::chrono::milliseconds(300);
    oauth1::beast::transport t(o);
    std::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    (void)t(r, ec);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(ec == oauth1::errc::transport_failed);
    CAPTURE(t.last_error());
    CHECK(contains(t.last_error(), "timeout"));
    CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("beast::transport: requests it would not send as signed")
{
    oauth1::beast::transport t;
    std::error_code ec;
    oauth1::http_request r;
    r.method = "GET";
    r.url = "https://127.0.0.1:1/";
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);
    CHECK(contains(t.last_error(), "tls_transport"));

    r.url = "http://user:pw@127.0.0.1:1/";
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);

    r.url = "http://127.0.0.1:1/";
    r.headers = {{"Host", "other.example"}};
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);

    r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::request_not_sendable);

    r.headers = {{"X-Note", "a\r\nInjected: 1"}};
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::header_injection);

    r.headers = {{"Bad Name", "v"}};
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::invalid_argument);

    r.headers.clear();
    r.method = "GET /x HTTP/1.1\r\n";
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::invalid_method);

    r.method = "GET";
    r.url = "not a url";
    (void)t(r, ec);
    CHECK(ec == oauth1::errc::invalid_url);
}

TEST_CASE("beast::transport: a Host header equal to the URL's authority is sent once")
{
    verifying_server srv;
    oauth1::http_request r;
    r.method = "GET";
    r.url = srv.origin() + "/h";
    r.headers = {{"host", "127.0.0.1:" + std::to_string(srv.port())}};
    oauth1::sign(r, hmac_client());
    oauth1::beast::transport t;
    const auto res = t(r);
    CHECK(res.status == 200);
    CHECK(srv.last().verified);
}

// ---------------------------------------------------------------------------------------------
// The asynchronous path.

TEST_CASE("beast::async_send_signed: callback")
{
    verifying_server srv;
    const oauth1::client c = hmac_client();
    net::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(srv.port())));
    stream.expires_after(std::chrono::seconds(30));
    auto req = make_request(http::verb::post, "/async?a=%20b", srv);
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = "x=1+2";
    req.prepare_payload(); // before signing is fine too: Content-Length is not signed

    bool called = false;
    oauth1::beast::async_send_signed(
        stream, req, c, {}, http_origin,
        [&](boost::system::error_code ec, const http::response<http::string_body>& res) {
            called = true;
            CHECK_FALSE(ec);
            CHECK(res.result_int() == 200);
            CHECK(std::string(res["X-Seen-Target"]) == "/async?a=%20b");
        });
    CHECK_FALSE(called);
    ioc.run();
    CHECK(called);
    CHECK(srv.last().verified);
    CHECK(srv.last().body == "x=1+2");
}

TEST_CASE("beast::async_send_signed: use_future, then a replay on the same connection")
{
    verifying_server srv;
    const oauth1::client c = rsa_client();
    net::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(srv.port())));
    auto req = make_request<http::vector_body<char>>(http::verb::put, "/future", srv);
    req.set(http::field::content_type, "application/json");
    const std::string json = R"({"k":"v"})";
    req.body().assign(json.begin(), json.end());
    req.prepare_payload();
    oauth1::sign_options opts;
    opts.body_hash = true;
    std::future<http::response<http::string_body>> f =
        oauth1::beast::async_send_signed(stream, req, c, opts, http_origin, net::use_future);
    ioc.run();
    const auto res = f.get();
    CHECK(res.result_int() == 200);
    CHECK(srv.last().verified);
    CHECK(srv.last().method == "PUT");
    CHECK(srv.last().body == json);

    // The same request again on the kept-alive connection: the server refuses the replay.
    http::write(stream, req);
    boost::beast::flat_buffer b;
    http::response<http::string_body> again;
    http::read(stream, b, again);
    CHECK(again.result_int() == 401);
    CHECK(srv.last().problem == "nonce_used");
}

TEST_CASE("beast::async_send_signed: a signing error completes without writing")
{
    verifying_server srv;
    net::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(srv.port())));
    http::request<http::string_body> req{http::verb::get, "/no-host", 11}; // no Host, no origin
    bool called = false;
    oauth1::beast::async_send_signed(
        stream, req, hmac_client(), {},
        [&](boost::system::error_code ec, const http::response<http::string_body>&) {
            called = true;
            CHECK(std::error_code(ec) == oauth1::errc::invalid_url);
            CHECK(contains(ec.message(), "invalid request URL"));
        });
    CHECK_FALSE(called); // never inside the initiating call
    ioc.run();
    CHECK(called);
    CHECK(srv.seen().empty());
}

TEST_CASE("beast::async_send_signed: the default origin is https (the server sees http)")
{
    verifying_server srv;
    net::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(srv.port())));
    auto req = make_request(http::verb::get, "/scheme", srv);
    int status = 0;
    oauth1::beast::async_send_signed(
        stream, req, hmac_client(), {},
        [&](boost::system::error_code ec, const http::response<http::string_body>& res) {
            CHECK_FALSE(ec);
            status = static_cast<int>(res.result_int());
        });
    ioc.run();
    CHECK(status == 401);
    CHECK(srv.last().problem == "signature_invalid");
}

// ---------------------------------------------------------------------------------------------
// TLS: a self-signed certificate for "localhost", a Beast TLS server on 127.0.0.1 that verifies
// requests with oauth1's provider side.

namespace {

struct pem_pair {
    std::string cert;
    std::string key;
};

std::string bio_string(BIO* bio)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return {data, static_cast<std::size_t>(n)};
}

/// A self-signed P-256 certificate whose only name is `san` (e.g. "DNS:localhost").
pem_pair make_self_signed(const char* san)
{
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
    REQUIRE(key);
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), &X509_free);
    REQUIRE(x);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 24L * 3600);
    X509_set_pubkey(x.get(), key.get());
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("oauth1 beast test"), -1, -1,
                               0);
    X509_set_issuer_name(x.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
    const std::pair<int, const char*> exts[] = {
        {NID_subject_alt_name, san},
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,digitalSignature,keyCertSign"},
    };
    for (const auto& [nid, value] : exts) {
        X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        REQUIRE(e != nullptr);
        X509_add_ext(x.get(), e, -1);
        X509_EXTENSION_free(e);
    }
    REQUIRE(X509_sign(x.get(), key.get(), EVP_sha256()) > 0);
    std::unique_ptr<BIO, decltype(&BIO_free)> cb(BIO_new(BIO_s_mem()), &BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> kb(BIO_new(BIO_s_mem()), &BIO_free);
    REQUIRE(PEM_write_bio_X509(cb.get(), x.get()) == 1);
    REQUIRE(PEM_write_bio_PrivateKey(kb.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
            1);
    return {bio_string(cb.get()), bio_string(kb.get())};
}

/// What the TLS server saw of one request.
struct tls_seen {
    std::string sni;
    std::string target;
    std::string url;
    bool verified = false;
    std::string problem;
};

class tls_verifying_server {
public:
    explicit tls_verifying_server(const pem_pair& pem)
        : ctx_(ssl::context::tls_server), acceptor_(ioc_)
    {
        ctx_.use_certificate_chain(net::buffer(pem.cert));
        ctx_.use_private_key(net::buffer(pem.key), ssl::context::pem);
        consumer_.secret = oauth1_test::hmac_consumer_secret;
        const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    tls_verifying_server(const tls_verifying_server&) = delete;
    tls_verifying_server& operator=(const tls_verifying_server&) = delete;
    ~tls_verifying_server()
    {
        ioc_.stop();
        thread_.join();
    }

    unsigned short port() const noexcept { return port_; }
    std::vector<tls_seen> seen() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }
    /// Connections whose TLS handshake failed on the server side.
    int failed_handshakes() const noexcept { return failed_handshakes_.load(); }

private:
    struct session {
        explicit session(tcp::socket s, ssl::context& ctx) : stream(std::move(s), ctx) {}
        boost::beast::ssl_stream<boost::beast::tcp_stream> stream;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::response<http::string_body> res;
    };

    void accept()
    {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec) return;
            auto sess = std::make_shared<session>(std::move(s), ctx_);
            sess->stream.next_layer().expires_after(std::chrono::seconds(20));
            sess->stream.async_handshake(
                ssl::stream_base::server, [this, sess](boost::system::error_code hec) {
                    if (hec) {
                        ++failed_handshakes_;
                        return;
                    }
                    http::async_read(sess->stream, sess->buffer, sess->req,
                                     [this, sess](boost::system::error_code rec, std::size_t) {
                                         if (!rec) respond(sess);
                                     });
                });
            accept();
        });
    }

    void respond(const std::shared_ptr<session>& sess)
    {
        tls_seen s;
        const char* sni =
            SSL_get_servername(sess->stream.native_handle(), TLSEXT_NAMETYPE_host_name);
        s.sni = sni ? sni : "";
        s.target = std::string(sess->req.target());
        s.url = "https://" + std::string(sess->req[http::field::host]) + s.target;
        auto consumers = [this](std::string_view k) -> const oauth1::consumer_credentials* {
            return k == oauth1_test::hmac_consumer_key ? &consumer_ : nullptr;
        };
        auto tokens = [](std::string_view,
                         std::string_view t) -> std::optional<oauth1::token_credentials> {
            if (t != oauth1_test::access_token) return std::nullopt;
            // Issued to the one consumer this server knows.
            return oauth1::token_credentials{oauth1_test::hmac_consumer_key,
                                             oauth1_test::access_token_secret};
        };
        const oauth1::request_verifier v(consumers, tokens, nonces_);
        oauth1::verify_options opts;
        opts.token = oauth1::token_requirement::optional;
        std::error_code ec;
        const auto r = v.verify({oauth1::beast::detail::sv(sess->req.method_string()), s.url,
                                 oauth1::beast::detail::sv(sess->req[http::field::content_type]),
                                 sess->req.body(),
                                 oauth1::beast::detail::sv(sess->req[http::field::authorization])},
                                opts, ec);
        s.verified = r.ok();
        if (r.problem) s.problem = r.problem->name;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            seen_.push_back(s);
        }
        sess->res = http::response<http::string_body>(
            r.ok() ? http::status::ok : http::status::unauthorized, 11);
        sess->res.set("X-Seen-Target", s.target);
        sess->res.set("X-Seen-SNI", s.sni);
        sess->res.body() = r.ok() ? "{\"verified\":true}" : "oauth_problem=" + s.problem;
        sess->res.keep_alive(false);
        sess->res.prepare_payload();
        http::async_write(sess->stream, sess->res, [sess](boost::system::error_code, std::size_t) {
            boost::system::error_code ignored;
            sess->stream.next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
    }

    net::io_context ioc_;
    ssl::context ctx_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    oauth1::consumer_credentials consumer_;
    oauth1::memory_nonce_store nonces_;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<tls_seen> seen_;
    std::atomic<int> failed_handshakes_{0};
};

} // namespace

TEST_CASE("beast::tls_transport: SNI, host name verification, trust")
{
    const pem_pair pem = make_self_signed("DNS:localhost");
    tls_verifying_server srv(pem);
    const std::string port = std::to_string(srv.port());
    const oauth1::client c = hmac_client();

    ssl::context trusting(ssl::context::tls_client);
    trusting.add_certificate_authority(net::buffer(pem.cert));

    SUBCASE("trusted certificate naming the host: verified request")
    {
        oauth1::http_request r;
        r.method = "POST";
        r.url = "https://localhost:" + port + "/tls/issue?x=a+b&y=%2F";
        r.content_type = "application/x-www-form-urlencoded";
        r.body = "k=v%26w";
        oauth1::sign(r, c);
        oauth1::beast::tls_transport t(trusting);
        std::error_code ec;
        const auto res = t(r, ec);
        CAPTURE(t.last_error());
        REQUIRE_FALSE(ec);
        CHECK(res.status == 200);
        CHECK(res.header("X-Seen-Target") == "/tls/issue?x=a+b&y=%2F");
        CHECK(res.header("X-Seen-SNI") == "localhost");
        REQUIRE(srv.seen().size() == 1);
        CHECK(srv.seen()[0].verified);
        CHECK(srv.seen()[0].url == r.url);
    }
    SUBCASE("the certificate does not name 127.0.0.1: refused")
    {
        oauth1::http_request r;
        r.method = "GET";
        r.url = "https://127.0.0.1:" + port + "/tls";
        oauth1::sign(r, c);
        oauth1::beast::tls_transport t(trusting);
        std::error_code ec;
        (void)t(r, ec);
        CHECK(ec == oauth1::errc::transport_failed);
        CAPTURE(t.last_error());
        CHECK(contains(t.last_error(), "TLS handshake"));
        CHECK(contains(t.last_error(), "certificate verify failed"));
        CHECK(srv.seen().empty());
    }
    SUBCASE("an untrusted certificate: refused")
    {
        ssl::context empty(ssl::context::tls_client);
        oauth1::http_request r;
        r.method = "GET";
        r.url = "https://localhost:" + port + "/tls";
        oauth1::sign(r, c);
        oauth1::beast::tls_transport t(empty);
        std::error_code ec;
        (void)t(r, ec);
        CHECK(ec == oauth1::errc::transport_failed);
        CAPTURE(t.last_error());
        CHECK(contains(t.last_error(), "certificate verify failed"));
        CHECK(srv.seen().empty());
    }
    SUBCASE("transport_options::ca_file takes the place of the context's trust store")
    {
        const std::string dir = std::filesystem::temp_directory_path().string();
        const std::string ca = dir + "/oauth1_beast_ca_" + std::to_string(::getpid()) + ".pem";
        const std::string other =
            dir + "/oauth1_beast_other_ca_" + std::to_string(::getpid()) + ".pem";
        std::ofstream(ca) << pem.cert;
        std::ofstream(other) << make_self_signed("DNS:localhost").cert;
        oauth1::http_request r;
        r.method = "GET";
        r.url = "https://localhost:" + port + "/tls/ca-file";
        std::error_code ec;

        // A context that trusts nothing, and a ca_file holding the server's certificate.
        ssl::context empty(ssl::context::tls_client);
        oauth1::transport_options o;
        o.ca_file = ca;
        oauth1::beast::tls_transport with_ca(empty, o);
        oauth1::sign(r, c);
        auto res = with_ca(r, ec);
        CAPTURE(with_ca.last_error());
        REQUIRE_FALSE(ec);
        CHECK(res.status == 200);
        REQUIRE(srv.seen().size() == 1);
        CHECK(srv.seen()[0].verified);

        // In place of, not in addition to: a context that trusts the server, with a ca_file
        // that does not hold its certificate, refuses it.
        o.ca_file = other;
        oauth1::beast::tls_transport replaced(trusting, o);
        oauth1::sign(r, c);
        (void)replaced(r, ec);
        CHECK(ec == oauth1::errc::transport_failed);
        CAPTURE(replaced.last_error());
        CHECK(contains(replaced.last_error(), "certificate verify failed"));

        // A file that cannot be loaded fails the call, naming it; nothing is sent.
        o.ca_file = dir + "/oauth1-no-such-ca.pem";
        oauth1::beast::tls_transport missing(empty, o);
        (void)missing(r, ec);
        CHECK(ec == oauth1::errc::transport_failed);
        CHECK(contains(missing.last_error(), "transport_options::ca_file"));
        CHECK(srv.seen().size() == 1);
        std::remove(ca.c_str());
        std::remove(other.c_str());
    }
    SUBCASE("verify_peer = false is refused: Beast cannot turn verification off")
    {
        oauth1::transport_options o;
        o.verify_peer = false;
        oauth1::beast::tls_transport t(trusting, o);
        oauth1::http_request r{"GET", "https://localhost:" + port + "/tls"};
        oauth1::sign(r, c);
        std::error_code ec;
        (void)t(r, ec);
        CHECK(ec == oauth1::errc::invalid_argument);
        CHECK(contains(t.last_error(), "transport_options::verify_peer"));
        CHECK(srv.seen().empty());
        CHECK(srv.failed_handshakes() == 0);
    }
    SUBCASE("an http URL is not sent over TLS")
    {
        oauth1::http_request r;
        r.method = "GET";
        r.url = "http://localhost:" + port + "/tls";
        oauth1::beast::tls_transport t(trusting);
        std::error_code ec;
        (void)t(r, ec);
        CHECK(ec == oauth1::errc::request_not_sendable);
    }
    SUBCASE("async_send_signed over ssl_stream")
    {
        net::io_context ioc;
        boost::beast::ssl_stream<boost::beast::tcp_stream> stream(ioc, trusting);
        REQUIRE(SSL_set_tlsext_host_name(stream.native_handle(), "localhost") == 1);
        stream.set_verify_mode(ssl::verify_peer);
        stream.set_verify_callback(ssl::host_name_verification("localhost"));
        boost::beast::get_lowest_layer(stream).connect(
            tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
        stream.handshake(ssl::stream_base::client);
        http::request<http::string_body> req{http::verb::get, "/tls/async?q=%7E", 11};
        req.set(http::field::host, "localhost:" + port);
        int status = 0;
        oauth1::beast::async_send_signed(
            stream, req, c, {}, // default origin: https + the Host field
            [&](boost::system::error_code ec, const http::response<http::string_body>& res) {
                CHECK_FALSE(ec);
                status = static_cast<int>(res.result_int());
            });
        ioc.run();
        CHECK(status == 200);
        REQUIRE(srv.seen().size() == 1);
        CHECK(srv.seen()[0].verified);
        CHECK(srv.seen()[0].target == "/tls/async?q=%7E");
    }
}
