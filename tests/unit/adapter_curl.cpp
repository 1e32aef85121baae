// Unit tests for oauth1/adapters/curl.hpp and curl_transport.hpp: requests signed by oauth1 and sent with libcurl to
// real loopback servers, which verify them: oauth1's own provider side
// (tests/unit/support/verifying_server.hpp) and, independently, python3-oauthlib
// (tests/interop/oauthlib_server.py). Each accepted request is checked on the server's side too:
// it was verified, and the request-target it received is byte for byte the one that was signed.
// The oauthlib case needs /usr/bin/python3 with python3-oauthlib; without it it FAILS, saying so.
#include <oauth1/adapters/curl.hpp>
#include <oauth1/adapters/curl_transport.hpp>

#include <doctest/doctest.h>

#include "support/loopback_socket.hpp"
#include "support/oauthlib_server.hpp"
#include "support/verifying_server.hpp"

#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/transport.hpp>

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using oauth1_test::verifying_server;

static_assert(oauth1::is_transport_v<oauth1::curl::transport>,
              "oauth1::curl::transport must be an oauth1 transport");
static_assert(!std::is_copy_constructible_v<oauth1::curl::header_list> &&
                  std::is_nothrow_move_constructible_v<oauth1::curl::header_list> &&
                  std::is_nothrow_move_assignable_v<oauth1::curl::header_list>,
              "header_list is move-only");
static_assert(!std::is_copy_constructible_v<oauth1::curl::easy_handle> &&
                  std::is_nothrow_move_constructible_v<oauth1::curl::easy_handle>,
              "easy_handle is move-only");

namespace {

using oauth1_test::closed_port;

// The two signature methods of the tests, with the access token (or consumer-only).
oauth1::client make_client(oauth1::signature_method m, bool with_token = true)
{
    oauth1::client c = m == oauth1::signature_method::rsa_sha1
                           ? oauth1::client(oauth1_test::rsa_consumer_key,
                                            oauth1::rsa_sha1(oauth1::load_private_key_file(
                                                oauth1_test::test_key_path("wiki_key.pem"))))
                           : oauth1::client(oauth1_test::hmac_consumer_key,
                                            oauth1::hmac_sha1(oauth1_test::hmac_consumer_secret));
    if (with_token) c.set_token(oauth1_test::access_token, oauth1_test::access_token_secret);
    return c;
}

constexpr oauth1::signature_method methods[] = {oauth1::signature_method::hmac_sha1,
                                                oauth1::signature_method::rsa_sha1};

std::string problem_of(const oauth1::http_response& r)
{
    const auto p = oauth1::parse_problem_response({}, r.header("WWW-Authenticate"));
    return p ? p->name : std::string();
}

struct request_case {
    const char* name;
    const char* method;
    const char* target; // path and query, sent and signed as written
    const char* content_type;
    const char* body;
    bool body_hash;
};

// Everything the server must verify: encodings that differ between clients, dot-segments,
// form and JSON bodies, every method with a body or without.
const request_case cases[] = {
    {"GET, query needing encoding", "GET",
     "/search?plus=a+b&space=a%20b&star=*&bang=!&quote='&tilde=~&slash=%2F"
     "&utf8=%C3%A9%E2%82%AC&enc=%2A%21%27%7E%2B&a=1&a=2&a=1",
     "", "", false},
    {"GET, path with %20 and reserved characters", "GET", "/a%20b/c;d=1/e:f@g!$&'()*+,=", "", "",
     false},
    {"GET, dot-segments kept (CURLOPT_PATH_AS_IS)", "GET", "/x/../y/./z/..?k=v", "", "", false},
    {"GET, empty query and no path parameters", "GET", "/plain?", "", "", false},
    {"POST, form body", "POST", "/form?q=1", "application/x-www-form-urlencoded",
     "plus=a+b&amp=x%26y&lit=%2B1&space=a%20b&utf8=%C3%A9&a=1&a=1", false},
    {"POST, form body with charset", "POST", "/form",
     "application/x-www-form-urlencoded; charset=UTF-8", "k=v%21", false},
    {"POST, JSON with oauth_body_hash", "POST", "/json", "application/json",
     "{\"summary\":\"a & b + c\",\"n\":1}", true},
    {"PUT, JSON with oauth_body_hash", "PUT", "/issue/JJ-2?notify=false", "application/json",
     "{\"fields\":{}}", true},
    {"PUT, form body", "PUT", "/put", "application/x-www-form-urlencoded", "x=%2B&y=+", false},
    {"DELETE", "DELETE", "/issue/JJ-2?deleteSubtasks=true", "", "", false},
    {"PATCH, no body", "PATCH", "/p", "", "", false},
};

} // namespace

TEST_CASE("header_list: RAII curl_slist, rejects CR, LF and NUL")
{
    oauth1::curl::header_list h;
    CHECK(h.empty());
    CHECK(h.get() == nullptr);
    std::error_code ec;
    h.append("X-One", "1", ec);
    CHECK_FALSE(ec);
    h.append("X-Empty", "", ec);
    CHECK_FALSE(ec);
    h.remove("Expect", ec);
    CHECK_FALSE(ec);
    REQUIRE(h.get() != nullptr);
    CHECK(std::string_view(h.get()->data) == "X-One: 1");
    REQUIRE(h.get()->next != nullptr);
    CHECK(std::string_view(h.get()->next->data) == "X-Empty;"); // curl: send an empty field
    REQUIRE(h.get()->next->next != nullptr);
    CHECK(std::string_view(h.get()->next->next->data) == "Expect:"); // curl: remove its own

    using namespace std::string_view_literals;
    for (const std::string_view bad : {"a\r\nX-Evil: 1"sv, "a\nb"sv, "a\rb"sv, "a\0b"sv}) {
        CAPTURE(bad);
        h.append("X-Bad", bad, ec);
        CHECK(ec == oauth1::errc::header_injection);
        h.append(bad, "v", ec);
        CHECK(ec == oauth1::errc::header_injection);
    }
    for (const std::string_view bad : {""sv, "X Space"sv, "X:Colon"sv, "X(y)"sv}) {
        CAPTURE(bad);
        h.append(bad, "v", ec);
        CHECK(ec == oauth1::errc::invalid_argument);
    }
    CHECK_THROWS_AS(h.append("X-Bad", "a\r\nb"), oauth1::error);
    // Nothing was added by the failures.
    CHECK(h.get()->next->next->next == nullptr);

    curl_slist* const first = h.get();
    oauth1::curl::header_list moved(std::move(h));
    CHECK(moved.get() == first);
    CHECK(h.get() == nullptr); // NOLINT(bugprone-use-after-move): moved-from is empty
    oauth1::curl::header_list assigned;
    assigned.append("X-Two", "2");
    assigned = std::move(moved);
    CHECK(assigned.get() == first);
}

TEST_CASE("easy_handle: owns a CURL*, movable, adopts and releases")
{
    oauth1::curl::easy_handle a;
    REQUIRE(a);
    CURL* const raw = a.get();
    oauth1::curl::easy_handle b(std::move(a));
    CHECK_FALSE(a); // NOLINT(bugprone-use-after-move)
    CHECK(b.get() == raw);
    CURL* const released = b.release();
    CHECK_FALSE(b);
    oauth1::curl::easy_handle adopted(released);
    CHECK(adopted.get() == raw);
    oauth1::curl::easy_handle other;
    other = std::move(adopted); // frees other's own handle
    CHECK(other.get() == raw);
}

TEST_CASE("signed requests sent with libcurl are verified by the server, target as signed")
{
    verifying_server server;
    oauth1::curl::transport http;
    for (const auto m : methods) {
        for (const bool with_token : {true, false}) {
            const oauth1::client c = make_client(m, with_token);
            for (const request_case& rc : cases) {
                CAPTURE(oauth1::to_string(m));
                CAPTURE(with_token);
                CAPTURE(rc.name);
                oauth1::http_request req{rc.method, server.origin() + rc.target, rc.content_type,
                                         rc.body};
                oauth1::sign_options opts;
                opts.body_hash = rc.body_hash;
                std::error_code ec;
                const oauth1::http_response res = http.sign_and_perform(c, req, opts, ec);
                REQUIRE_MESSAGE(!ec, ec.message() << ": " << http.last_error());
                const auto seen = server.last();
                CHECK(res.status == 200);
                CHECK(seen.verified);
                CHECK(seen.problem == "");
                CHECK(seen.method == rc.method);
                CHECK(seen.target == rc.target);
                CHECK(res.header("X-Seen-Target") == rc.target);
                CHECK(seen.body == rc.body);
                CHECK(seen.content_type == rc.content_type);
                CHECK(res.body.find("\"verified\":true") != std::string::npos);
                CHECK((seen.authorization.find("oauth_body_hash=") != std::string::npos) ==
                      rc.body_hash);
                CHECK((seen.authorization.find("oauth_token=") != std::string::npos) == with_token);
            }
        }
    }
}

TEST_CASE("perform() on a caller's easy handle: sign, then send exactly the signed request")
{
    verifying_server server;
    oauth1::curl::easy_handle h;
    REQUIRE(h);
    const oauth1::client c = make_client(oauth1::signature_method::rsa_sha1);
    // The signing overload, and signing with oauth1::sign() then the plain overload.
    std::error_code ec;
    std::string why;
    oauth1::signed_request s;
    oauth1::http_response r =
        oauth1::curl::perform(h.get(), c, {"GET", server.origin() + "/one?x=%C3%A9"},
                              oauth1::sign_options{}, ec, &why, &s);
    REQUIRE_MESSAGE(!ec, why);
    CHECK(r.status == 200);
    CHECK(server.last().verified);
    CHECK(server.last().base_string == s.base_string());

    oauth1::http_request req{"POST", server.origin() + "/two", "application/x-www-form-urlencoded",
                             "a=%26&b=+"};
    oauth1::sign(req, c);
    r = oauth1::curl::perform(h.get(), req, ec, &why);
    REQUIRE_MESSAGE(!ec, why);
    CHECK(r.status == 200);
    CHECK(server.last().verified);
    CHECK(server.last().target == "/two");

    // The handle is left without pointers into perform()'s data, and stays usable.
    r = oauth1::curl::perform(h.get(), c, {"HEAD", server.origin() + "/three"}, {}, ec, &why);
    REQUIRE_MESSAGE(!ec, why);
    CHECK(r.status == 200);
    CHECK(r.body.empty());
    CHECK(server.last().method == "HEAD");
    CHECK(server.last().verified);
    r = oauth1::curl::perform(h.get(), c, {"GET", server.origin() + "/four"}, {}, ec, &why);
    REQUIRE_MESSAGE(!ec, why);
    CHECK(server.last().method == "GET"); // HEAD's NOBODY did not stick
    CHECK(r.body.find("\"verified\":true") != std::string::npos);

    CHECK_THROWS_AS(oauth1::curl::perform(nullptr, req), oauth1::error);
}

TEST_CASE("a request changed after signing is refused; other headers are not signed")
{
    verifying_server server;
    oauth1::curl::transport http;
    for (const auto m : methods) {
        CAPTURE(oauth1::to_string(m));
        const oauth1::client c = make_client(m);
        std::error_code ec;

        SUBCASE("a query parameter added after signing")
        {
            oauth1::http_request req{"GET", server.origin() + "/issue?a=1"};
            oauth1::sign(req, c);
            req.url += "&b=2";
            const auto res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 401);
            CHECK(problem_of(res) == "signature_invalid");
            CHECK_FALSE(server.last().verified);
            CHECK(server.last().target == "/issue?a=1&b=2");
        }
        SUBCASE("a form body changed after signing")
        {
            oauth1::http_request req{"POST", server.origin() + "/form",
                                     "application/x-www-form-urlencoded", "amount=10"};
            oauth1::sign(req, c);
            req.body = "amount=1000";
            const auto res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 401);
            CHECK(problem_of(res) == "signature_invalid");
            CHECK_FALSE(server.last().verified);
        }
        SUBCASE("a JSON body changed after signing with oauth_body_hash")
        {
            oauth1::http_request req{"PUT", server.origin() + "/json", "application/json",
                                     "{\"amount\":10}"};
            oauth1::sign_options opts;
            opts.body_hash = true;
            oauth1::signed_request s;
            oauth1::sign(req, c, opts, s, ec);
            REQUIRE(!ec);
            req.body = "{\"amount\":1000}";
            const auto res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 401);
            CHECK_FALSE(server.last().verified);
            CHECK(server.last().problem != "");
        }
        SUBCASE("the method changed after signing")
        {
            oauth1::http_request req{"GET", server.origin() + "/m"};
            oauth1::sign(req, c);
            req.method = "DELETE";
            const auto res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 401);
            CHECK(problem_of(res) == "signature_invalid");
        }
        SUBCASE("a replayed request (same nonce)")
        {
            oauth1::http_request req{"GET", server.origin() + "/replay?x=1"};
            oauth1::sign(req, c);
            auto res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 200);
            CHECK(server.last().verified);
            res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 401);
            CHECK(problem_of(res) == "nonce_used");
            CHECK_FALSE(server.last().verified);
        }
        SUBCASE("an ordinary header added after signing does not matter")
        {
            oauth1::http_request req{"POST", server.origin() + "/h",
                                     "application/x-www-form-urlencoded", "a=1"};
            oauth1::sign(req, c);
            req.headers.push_back({"X-Added-After-Signing", "yes"});
            req.headers.push_back({"Accept", "application/json"});
            const auto res = http(req, ec);
            REQUIRE(!ec);
            CHECK(res.status == 200);
            CHECK(server.last().verified);
        }
    }
}

TEST_CASE("a request curl would change is refused before anything is sent")
{
    verifying_server server;
    oauth1::curl::transport http;
    const oauth1::client c = make_client(oauth1::signature_method::hmac_sha1);
    const std::string port = std::to_string(server.port());
    struct bad_case {
        std::string url;
        oauth1::errc expected;
    };
    // Signed as written, but curl would send another Host (it rewrites numeric IPv4 forms and
    // decodes percent-escapes in hosts) or add its own Authorization (userinfo).
    const bad_case signable[] = {
        {"http://127.1:" + port + "/x", oauth1::errc::request_not_sendable},
        {"http://0x7f.0.0.1:" + port + "/x", oauth1::errc::request_not_sendable},
        {"http://2130706433:" + port + "/x", oauth1::errc::request_not_sendable},
        {"http://%31%32%37.0.0.1:" + port + "/x", oauth1::errc::request_not_sendable},
        {"http://user:pw@127.0.0.1:" + port + "/x", oauth1::errc::request_not_sendable},
    };
    for (const bad_case& b : signable) {
        CAPTURE(b.url);
        std::error_code ec;
        const auto res = http.sign_and_perform(c, {"GET", b.url}, {}, ec);
        CHECK(ec == b.expected);
        CHECK(res.status == 0);
        CHECK_FALSE(http.last_error().empty());
        MESSAGE(http.last_error());
    }
    // Not even signable: curl would re-encode (space, raw non-ASCII) or refuse them.
    const bad_case unsignable[] = {
        {"http://127.0.0.1:" + port + "/a b", oauth1::errc::invalid_url},
        {"http://127.0.0.1:" + port + "/\xC3\xA9", oauth1::errc::invalid_url},
        {"http://127.0.0.1:" + port + "/q?a=b c", oauth1::errc::invalid_url},
        {"http://127.0.0.1:" + port + "/q?a={}", oauth1::errc::invalid_url},
    };
    for (const bad_case& b : unsignable) {
        CAPTURE(b.url);
        std::error_code ec;
        http.sign_and_perform(c, {"GET", b.url}, {}, ec);
        CHECK(ec == b.expected);
        // ... and perform() refuses them even when someone else "signed" them.
        oauth1::http_request req{"GET", b.url};
        req.set_header("Authorization", "OAuth oauth_signature=\"x\"");
        http(req, ec);
        CHECK(ec == b.expected);
    }
    // Header fields that would change what the server verifies, or break the framing.
    const oauth1::http_header bad_headers[] = {
        {"Host", "example.com"},
        {"Content-Length", "1"},
        {"Transfer-Encoding", "chunked"},
        {"Content-Type", "application/x-www-form-urlencoded"},
    };
    for (const auto& h : bad_headers) {
        CAPTURE(h.name);
        oauth1::http_request req{"POST", server.origin() + "/x", "application/json", "{}"};
        req.headers.push_back(h);
        std::error_code ec;
        http.sign_and_perform(c, req, {}, ec);
        CHECK(ec == oauth1::errc::request_not_sendable);
    }
    {
        oauth1::http_request req{"GET", server.origin() + "/x"};
        req.headers.push_back({"X-Evil", "1\r\nX-Injected: 1"});
        std::error_code ec;
        http.sign_and_perform(c, req, {}, ec);
        CHECK(ec == oauth1::errc::header_injection);
        req.headers.back() = {"X Bad Name", "1"};
        http.sign_and_perform(c, req, {}, ec);
        CHECK(ec == oauth1::errc::invalid_argument);
    }
    {
        std::error_code ec;
        http.sign_and_perform(c, {"HEAD", server.origin() + "/x", "text/plain", "body"}, {}, ec);
        CHECK(ec == oauth1::errc::request_not_sendable);
        http.sign_and_perform(c, {"GET\r\nX: 1", server.origin() + "/x"}, {}, ec);
        CHECK(ec == oauth1::errc::invalid_method);
    }
    CHECK(server.seen().empty()); // nothing reached the server

    // A fragment is neither signed nor sent: not a reason to refuse.
    std::error_code ec;
    const auto res = http.sign_and_perform(c, {"GET", server.origin() + "/f?a=1#part"}, {}, ec);
    REQUIRE_MESSAGE(!ec, http.last_error());
    CHECK(res.status == 200);
    CHECK(server.last().target == "/f?a=1");
    CHECK(server.last().verified);
    // A Content-Type repeated in the headers with the same value is sent once.
    oauth1::http_request req{"POST", server.origin() + "/ct", "application/json", "{}"};
    req.headers.push_back({"content-type", "application/json"});
    const auto res2 = http.sign_and_perform(c, req, {}, ec);
    REQUIRE_MESSAGE(!ec, http.last_error());
    CHECK(res2.status == 200);
    CHECK(server.last().content_type == "application/json");
}

TEST_CASE("transport: errors, responses, reuse, options")
{
    const oauth1::client c = make_client(oauth1::signature_method::hmac_sha1);

    SUBCASE("nothing listening: errc::transport_failed, curl's reason without secrets")
    {
        oauth1::curl::transport http;
        oauth1::http_request req{"GET", "http://127.0.0.1:" + std::to_string(closed_port()) +
                                            "/nobody?x=1"};
        const oauth1::signed_request s = oauth1::sign(req, c);
        std::error_code ec;
        const auto res = http(req, ec);
        CHECK(ec == oauth1::errc::transport_failed);
        CHECK(res.status == 0);
        CHECK(res.headers.empty());
        const std::string& why = http.last_error();
        MESSAGE(why);
        CHECK(why.find("onnect") != std::string::npos); // "Couldn't connect to server: ..."
        CHECK(why.find(std::string(s.signature())) == std::string::npos);
        CHECK(why.find("oauth_") == std::string::npos);
        CHECK(why.find(oauth1_test::hmac_consumer_secret) == std::string::npos);
        try {
            http(req);
            FAIL("no exception");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == oauth1::errc::transport_failed);
            CHECK(std::string(e.what()).find("onnect") != std::string::npos);
        }
        CHECK_THROWS_AS(oauth1::curl::sign_and_perform(c, {"GET", req.url}), oauth1::error);
    }

    SUBCASE("a server that never answers: the timeout option")
    {
        // A listening socket nobody accepts on: the kernel completes the handshake, no answer.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd, 4) == 0);
        socklen_t len = sizeof a;
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        oauth1::curl::transport_options o;
        o.timeout = 300ms;
        oauth1::curl::transport http(o);
        std::error_code ec;
        const auto start = std::chrono::steady_clock::now();
        http.sign_and_perform(
            c, {"GET", "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/slow"}, {}, ec);
        const auto took = std::chrono::steady_clock::now() - start;
        ::close(fd);
        CHECK(ec == oauth1::errc::transport_failed);
        CHECK(took < 5s);
        MESSAGE(http.last_error());
    }

    SUBCASE("headers and body of the response; 401 is a response, not an error; reuse")
    {
        verifying_server server;
        oauth1::curl::transport_options o;
        o.user_agent = "oauth1-test";
        o.timeout = 10s;
        o.connect_timeout = 5s;
        oauth1::curl::transport http(o);
        std::error_code ec;
        auto res =
            http.sign_and_perform(c, {"GET", server.origin() + "/rest/api/2/issue/JJ-2"}, {}, ec);
        REQUIRE_MESSAGE(!ec, http.last_error());
        CHECK(res.ok());
        CHECK(res.header("x-seen-target") == "/rest/api/2/issue/JJ-2");
        CHECK(res.header("Content-Type") == "application/json");
        CHECK(res.body == "{\"verified\":true,\"consumer\":\"hmac-consumer\",\"method\":\"GET\"}");
        CHECK(http.last_error().empty());

        // Refusals are answers, not transport errors: 401 for a bad signature, 400 for none.
        oauth1::http_request wrong{"GET", server.origin() + "/wrong"};
        oauth1::sign(wrong, make_client(oauth1::signature_method::rsa_sha1));
        wrong.url += "?changed";
        res = http(wrong, ec);
        CHECK_FALSE(ec);
        CHECK(res.status == 401);
        CHECK_FALSE(res.ok());
        CHECK(problem_of(res) == "signature_invalid");
        CHECK(res.body.find("oauth_problem=signature_invalid") != std::string::npos);
        res = http({"GET", server.origin() + "/unsigned"}, ec);
        CHECK_FALSE(ec);
        CHECK(res.status == 400);
        CHECK(problem_of(res) == "parameter_absent");

        // The same handle, many methods in a row (curl_easy_reset between calls).
        for (const char* m : {"POST", "HEAD", "GET", "DELETE", "PUT", "GET"}) {
            CAPTURE(m);
            res = http.sign_and_perform(c, {m, server.origin() + "/again"}, {}, ec);
            REQUIRE_MESSAGE(!ec, http.last_error());
            CHECK(res.status == 200);
            CHECK(server.last().method == m);
            CHECK(server.last().verified);
        }
        CHECK(oauth1::curl::sign_and_perform(c, {"GET", server.origin() + "/once"}).status == 200);

        // TLS to a plain-HTTP port: a transport error.
        oauth1::curl::transport tls({5s, 5s});
        tls.sign_and_perform(c, {"GET", "https://127.0.0.1:" + std::to_string(server.port()) + "/"},
                             {}, ec);
        CHECK(ec == oauth1::errc::transport_failed);
        MESSAGE(tls.last_error());
    }
}

namespace {

// A bare TCP server on 127.0.0.1: for each connection it reads one request (head, then
// Content-Length bytes of body), records its bytes and writes the canned `reply`.
class raw_server {
public:
    explicit raw_server(std::string reply) : reply_(std::move(reply))
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 8) == 0);
        socklen_t len = sizeof a;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    raw_server(const raw_server&) = delete;
    raw_server& operator=(const raw_server&) = delete;
    ~raw_server()
    {
        ::shutdown(fd_, SHUT_RDWR); // ends accept()
        thread_.join();
        ::close(fd_);
    }
    int port() const noexcept { return port_; }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string last()
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_;
    }

private:
    void serve()
    {
        while (true) {
            const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) return;
            const timeval wait{5, 0}; // a client that stops sending does not block the server
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
            std::string in;
            char buf[65536];
            std::size_t need = std::string::npos;
            while (need == std::string::npos || in.size() < need) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                in.append(buf, static_cast<std::size_t>(n));
                const std::size_t end = in.find("\r\n\r\n");
                if (need == std::string::npos && end != std::string::npos) {
                    std::size_t body = 0;
                    const std::size_t cl = in.find("Content-Length: ");
                    if (cl != std::string::npos && cl < end) body = std::stoul(in.substr(cl + 16));
                    need = end + 4 + body;
                }
            }
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                last_ = in;
            }
            std::size_t sent = 0;
            while (sent < reply_.size()) {
                const ssize_t n =
                    ::send(c, reply_.data() + sent, reply_.size() - sent, MSG_NOSIGNAL);
                if (n <= 0) break;
                sent += static_cast<std::size_t>(n);
            }
            ::close(c);
        }
    }

    std::string reply_;
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::string last_;
};

} // namespace

TEST_CASE("the bytes libcurl sends, and the final response's headers only")
{
    raw_server srv("HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n"
                   "HTTP/1.1 201 Created\r\n"
                   "X-Folded: first\r\n"
                   " second\r\n"
                   "\tthird\r\n"
                   "X-Twice: 1\r\n"
                   "X-Twice: 2\r\n"
                   "X-Spaces:   padded   \r\n"
                   "Content-Length: 4\r\n"
                   "Connection: close\r\n\r\n"
                   "done");
    const oauth1::client c = make_client(oauth1::signature_method::hmac_sha1);
    oauth1::curl::transport http;
    std::error_code ec;

    // A large body without a Content-Type: neither curl's default form Content-Type nor its
    // "Expect: 100-continue" (curl adds it above 1 MiB) is sent.
    const std::string big(2 * 1024 * 1024, 'x');
    auto res =
        http.sign_and_perform(c, {"POST", srv.origin() + "/a/../b/./c?x=%7E&y=~", "", big}, {}, ec);
    REQUIRE_MESSAGE(!ec, http.last_error());
    CHECK(res.status == 201);
    CHECK(res.body == "done");
    CHECK(res.header("X-Interim") == ""); // the 100 Continue's headers are dropped
    CHECK(res.header("X-Folded") == "first second third");
    CHECK(res.header("X-Spaces") == "padded");
    std::vector<std::string> twice;
    for (const auto& h : res.headers)
        if (h.name == "X-Twice") twice.push_back(h.value);
    CHECK(twice == std::vector<std::string>{"1", "2"});

    std::string sent = srv.last();
    const std::string head = sent.substr(0, sent.find("\r\n\r\n") + 2);
    CAPTURE(head);
    CHECK(head.rfind("POST /a/../b/./c?x=%7E&y=~ HTTP/1.1\r\n", 0) == 0);
    CHECK(head.find("\r\nHost: 127.0.0.1:") != std::string::npos);
    CHECK(head.find("\r\nContent-Length: 2097152\r\n") != std::string::npos);
    CHECK(head.find("Content-Type") == std::string::npos);
    CHECK(head.find("Expect") == std::string::npos);
    CHECK(head.find("\r\nAuthorization: OAuth ") != std::string::npos);
    CHECK(sent.size() == head.size() + 2 + big.size());

    // The method as given; a header with an empty value is sent empty, not dropped.
    oauth1::http_request req{"OPTIONS", srv.origin() + "/o", "text/plain", "hi"};
    req.headers.push_back({"X-Empty", ""});
    res = http.sign_and_perform(c, req, {}, ec);
    REQUIRE_MESSAGE(!ec, http.last_error());
    sent = srv.last();
    CAPTURE(sent);
    CHECK(sent.rfind("OPTIONS /o HTTP/1.1\r\n", 0) == 0);
    CHECK(sent.find("\r\nX-Empty:\r\n") != std::string::npos);
    CHECK(sent.find("\r\nContent-Type: text/plain\r\n") != std::string::npos);
    CHECK(sent.size() >= 2);
    CHECK(sent.substr(sent.size() - 2) == "hi");
}

namespace {

// A server on 127.0.0.1 that answers every request with a redirect to `to` (status `code`).
class redirecting_server {
public:
    redirecting_server()
    {
        srv_.Get(".*", [this](const httplib::Request& q, httplib::Response& r) { answer(q, r); });
        srv_.Post(".*", [this](const httplib::Request& q, httplib::Response& r) { answer(q, r); });
        port_ = srv_.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { srv_.listen_after_bind(); });
        for (int i = 0; i < 500 && !srv_.is_running(); ++i) std::this_thread::sleep_for(2ms);
    }
    redirecting_server(const redirecting_server&) = delete;
    redirecting_server& operator=(const redirecting_server&) = delete;
    ~redirecting_server()
    {
        srv_.stop();
        thread_.join();
    }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
    void redirect(int code, std::string to)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        code_ = code;
        to_ = std::move(to);
    }
    int hits() const { return hits_; }

private:
    void answer(const httplib::Request&, httplib::Response& r)
    {
        ++hits_;
        const std::lock_guard<std::mutex> lock(mutex_);
        r.status = code_;
        r.set_header("Location", to_);
    }
    httplib::Server srv_;
    int port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    int code_ = 302;
    std::string to_;
    std::atomic<int> hits_{0};
};

} // namespace

TEST_CASE("redirects: never followed by default; followed with a new signature when asked")
{
    verifying_server server;
    redirecting_server redirector;
    const oauth1::client c = make_client(oauth1::signature_method::rsa_sha1);
    std::error_code ec;

    redirector.redirect(302, server.origin() + "/moved?to=here");
    oauth1::curl::transport http;
    auto res = http.sign_and_perform(c, {"GET", redirector.origin() + "/old"}, {}, ec);
    REQUIRE(!ec);
    CHECK(res.status == 302);
    CHECK(res.header("Location") == server.origin() + "/moved?to=here");
    CHECK(server.seen().empty());

    oauth1::curl::transport_options o;
    o.follow_redirects = true;
    oauth1::curl::transport follow(o);
    res = follow.sign_and_perform(c, {"GET", redirector.origin() + "/old"}, {}, ec);
    REQUIRE_MESSAGE(!ec, follow.last_error());
    CHECK(res.status == 200);
    REQUIRE(server.seen().size() == 1);
    CHECK(server.last().verified); // signed anew for the new URL
    CHECK(server.last().target == "/moved?to=here");

    // Raw '[' and ']' in the queries (Magento): followed from and to such URLs, each hop signed
    // as written.
    redirector.redirect(302, server.origin() + "/V1/products?searchCriteria[pageSize]=2");
    res = follow.sign_and_perform(c, {"GET", redirector.origin() + "/old?a[]=1"}, {}, ec);
    REQUIRE_MESSAGE(!ec, follow.last_error());
    CHECK(res.status == 200);
    REQUIRE(server.seen().size() == 2);
    CHECK(server.last().verified);
    CHECK(server.last().target == "/V1/products?searchCriteria[pageSize]=2");
    redirector.redirect(302, server.origin() + "/moved?to=here");

    // A POST is not turned into a GET on 302: the 302 is returned.
    res = follow.sign_and_perform(
        c, {"POST", redirector.origin() + "/old", "application/x-www-form-urlencoded", "a=1"}, {},
        ec);
    REQUIRE(!ec);
    CHECK(res.status == 302);
    CHECK(server.seen().size() == 2);

    // 307 keeps the method and the body.
    redirector.redirect(307, server.origin() + "/kept");
    res = follow.sign_and_perform(
        c, {"POST", redirector.origin() + "/old", "application/x-www-form-urlencoded", "a=%2B1"},
        {}, ec);
    REQUIRE_MESSAGE(!ec, follow.last_error());
    CHECK(res.status == 200);
    CHECK(server.last().verified);
    CHECK(server.last().method == "POST");
    CHECK(server.last().body == "a=%2B1");

    // Another host: not followed (the credentials are for this one).
    redirector.redirect(302, "http://localhost:" + std::to_string(server.port()) + "/elsewhere");
    const std::size_t before = server.seen().size();
    res = follow.sign_and_perform(c, {"GET", redirector.origin() + "/old"}, {}, ec);
    REQUIRE(!ec);
    CHECK(res.status == 302);
    CHECK(server.seen().size() == before);

    // A redirect loop ends after max_redirects hops with the last 3xx.
    redirector.redirect(302, redirector.origin() + "/loop");
    const int hits = redirector.hits();
    follow.options().max_redirects = 3;
    res = follow.sign_and_perform(c, {"GET", redirector.origin() + "/loop"}, {}, ec);
    REQUIRE(!ec);
    CHECK(res.status == 302);
    CHECK(redirector.hits() - hits == 4);
}

// ---------------------------------------------------------------------------------------------
// Independent verifier: python3-oauthlib (tests/interop/oauthlib_server.py).
TEST_CASE("independent verifier: python3-oauthlib accepts what the curl transport sends")
{
    oauth1_test::oauthlib_server server("adapter_curl_oauthlib_server.log");
    oauth1::curl::transport http;
    struct ext_case {
        const char* method;
        const char* target;
        const char* content_type;
        const char* body;
    };
    const ext_case ext[] = {
        {"GET",
         "/rest/api/2/search?jql=project%20%3D%20JJ&plus=a+b&star=*&bang=!&quote='"
         "&tilde=~&slash=%2F&utf8=%C3%A9&a=1&a=2&a=1",
         "", ""},
        {"GET", "/a%20b/c;d=1/e:f@g!$&'()*+,=", "", ""},
        {"POST", "/rest/api/2/issue?x=1", "application/x-www-form-urlencoded",
         "plus=a+b&amp=x%26y&lit=%2B1&utf8=%C3%A9"},
        {"PUT", "/rest/api/2/issue/JJ-2", "application/x-www-form-urlencoded", "summary=new%21"},
        {"DELETE", "/rest/api/2/issue/JJ-3?deleteSubtasks=true", "", ""},
    };
    for (const auto m : methods) {
        const oauth1::client c = make_client(m);
        for (const ext_case& e : ext) {
            CAPTURE(oauth1::to_string(m));
            CAPTURE(e.method);
            CAPTURE(e.target);
            std::error_code ec;
            const auto res = http.sign_and_perform(
                c, {e.method, server.origin() + e.target, e.content_type, e.body}, {}, ec);
            REQUIRE_MESSAGE(!ec, http.last_error());
            CHECK_MESSAGE(res.status == 200, res.header("WWW-Authenticate")
                                                 << " " << res.body << " (see " << server.log_path()
                                                 << ")");
            CHECK(res.body.find("\"verified\": true") != std::string::npos);
            CHECK(res.header("X-Seen-Target") == e.target);
        }
    }
    // And it refuses a tampered one, so the 200s above mean something.
    oauth1::http_request req{"GET", server.origin() + "/rest/api/2/issue/JJ-2?a=1"};
    oauth1::sign(req, make_client(oauth1::signature_method::hmac_sha1));
    req.url += "&b=2";
    std::error_code ec;
    const auto res = http(req, ec);
    REQUIRE(!ec);
    CHECK(res.status == 401);
    CHECK(server.stop() == 0);
}

// ---------------------------------------------------------------------------------------------
// examples/curl_request (the README's libcurl snippet), run by CTest as example_curl_request
// with OAUTH1_CURL_EXAMPLE naming the executable; skipped in a plain run of this file.
namespace {

struct run_result {
    int exit_code = -1;
    std::string out;
};

// Runs `args` (argv[0] is the path), capturing stdout; stderr passes through.
run_result run(std::vector<std::string> args)
{
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    run_result r;
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0)
        r.out.append(buf, static_cast<std::size_t>(n));
    ::close(out[0]);
    REQUIRE(pid > 0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

} // namespace

TEST_CASE("example: oauth1-curl-example signs a GET that the server verifies" * doctest::skip())
{
    const char* exe = std::getenv("OAUTH1_CURL_EXAMPLE");
    REQUIRE_MESSAGE(exe != nullptr, "OAUTH1_CURL_EXAMPLE is not set: run this case through CTest "
                                    "(ctest -R example_curl_request)");
    verifying_server server;
    const std::string url = server.origin() + "/rest/api/2/issue/JJ-2?fields=summary&a=%C3%A9";

    auto r = run({exe, "--consumer-key", oauth1_test::rsa_consumer_key, "--private-key",
                  oauth1_test::test_key_path("wiki_key.pem"), "--token", oauth1_test::access_token,
                  "--token-secret", oauth1_test::access_token_secret, url});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("200\n{\"verified\":true", 0) == 0);
    CHECK(server.last().verified);
    CHECK(server.last().target == "/rest/api/2/issue/JJ-2?fields=summary&a=%C3%A9");

    r = run({exe, "--consumer-key", oauth1_test::hmac_consumer_key, "--consumer-secret",
             oauth1_test::hmac_consumer_secret, url});
    CHECK(r.exit_code == 0);
    CHECK(server.last().verified);

    r = run(
        {exe, "--consumer-key", oauth1_test::hmac_consumer_key, "--consumer-secret", "wrong", url});
    CHECK(r.exit_code == 1);
    CHECK(r.out.rfind("401\n", 0) == 0);

    r = run({exe, url}); // usage
    CHECK(r.exit_code == 2);
}
