// Tests of oauth1/adapters/httplib_server.hpp against hostile requests, on real cpp-httplib
// servers on 127.0.0.1 fed raw bytes: parameters cpp-httplib parses that were not signed
// (Content-Type variants, query parsing differences), request bodies it would inflate, buffer
// without bound or misframe (harden_server / screen_request), the origin a request is verified
// for (a named origin, the Host header only by opt-in, Forwarded / X-Forwarded-* only from
// trusted proxies), and the realm in any case.
#include <oauth1/adapters/httplib_server.hpp> // first: the header is self-contained

#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include "support/running_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr const char* consumer_key = "hmac-consumer";
constexpr const char* consumer_secret = "kd94hf93k423kf44";
constexpr const char* token = "nnch734d00sl2jdk";
constexpr const char* token_secret = "pfkkdhi9sl3r4s00";

oauth1::client signer()
{
    oauth1::client c(consumer_key, oauth1::hmac_sha1(consumer_secret));
    c.set_token(token, token_secret);
    return c;
}

bool contains(std::string_view hay, std::string_view needle)
{
    return hay.find(needle) != std::string_view::npos;
}

/// The provider side: one HMAC consumer and its access token.
struct provider {
    oauth1::consumer_credentials consumer{consumer_secret, {}, oauth1::method_set::defaults()};
    oauth1::memory_nonce_store nonces;

    auto make_verifier()
    {
        auto consumers = [this](std::string_view k) -> const oauth1::consumer_credentials* {
            return k == consumer_key ? &consumer : nullptr;
        };
        auto tokens = [](std::string_view k,
                         std::string_view t) -> std::optional<oauth1::token_credentials> {
            if (t != token) return std::nullopt;
            return oauth1::token_credentials(std::string(k), token_secret);
        };
        return oauth1::request_verifier(consumers, tokens, nonces);
    }
};

using running = oauth1_test::running_server;

/// Sends raw bytes to 127.0.0.1:port and returns everything answered until the server closes
/// the connection or `timeout_ms` pass without data (then `timed_out` is set).
std::string raw_exchange(int port, std::string_view request, bool* timed_out = nullptr,
                         int timeout_ms = 3000)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    std::string out;
    if (timed_out) *timed_out = false;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
        timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::size_t off = 0;
        while (off < request.size()) {
            const ssize_t n = ::send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
        char buf[4096];
        for (;;) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n < 0 && timed_out) *timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return out;
}

struct raw_response {
    int status = 0;
    std::string head;
    std::string body;
    std::string header(std::string_view name) const
    {
        std::size_t pos = head.find("\r\n");
        while (pos != std::string::npos && pos + 2 < head.size()) {
            const std::size_t end = head.find("\r\n", pos + 2);
            const std::string line = head.substr(pos + 2, end - pos - 2);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos &&
                oauth1::detail::ascii_iequals(std::string_view(line).substr(0, colon), name)) {
                std::size_t v = colon + 1;
                while (v < line.size() && line[v] == ' ') ++v;
                return line.substr(v);
            }
            pos = end;
        }
        return {};
    }
    /// oauth_problem of the WWW-Authenticate header.
    std::string problem() const
    {
        const std::string w = header("WWW-Authenticate");
        const std::size_t p = w.find("oauth_problem=\"");
        if (p == std::string::npos) return {};
        return w.substr(p + 15, w.find('"', p + 15) - p - 15);
    }
};

raw_response parse_response(const std::string& raw)
{
    raw_response r;
    const std::size_t end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || end == std::string::npos) return r;
    r.status = std::atoi(raw.substr(9, 3).c_str());
    r.head = raw.substr(0, end);
    r.body = raw.substr(end + 4);
    return r;
}

/// How many responses `raw` holds (status lines; no body here contains one).
std::size_t responses_in(std::string_view raw)
{
    std::size_t n = 0;
    for (std::size_t p = raw.find("HTTP/1.1 "); p != std::string_view::npos;
         p = raw.find("HTTP/1.1 ", p + 1))
        ++n;
    return n;
}

std::string request(std::string_view method, std::string_view target,
                    const std::vector<std::string>& headers, std::string_view body = {},
                    bool close = true)
{
    std::string s(method);
    s += ' ';
    s += target;
    s += " HTTP/1.1\r\n";
    bool has_length = false;
    for (const std::string& h : headers) {
        s += h + "\r\n";
        has_length = has_length || h.rfind("Content-Length:", 0) == 0 ||
                     h.rfind("Transfer-Encoding:", 0) == 0;
    }
    if (!has_length && (!body.empty() || method == "POST" || method == "PUT"))
        s += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (close) s += "Connection: close\r\n";
    s += "\r\n";
    s += body;
    return s;
}

/// What protected handlers saw.
struct seen {
    std::mutex m;
    int calls = 0;
    std::multimap<std::string, std::string> params;
    std::string realm;

    void record(const httplib::Request& req, const oauth1::verify_result& r)
    {
        const std::lock_guard<std::mutex> lock(m);
        ++calls;
        params = req.params;
        realm = r.realm.value_or("<none>");
    }
    int count()
    {
        const std::lock_guard<std::mutex> lock(m);
        return calls;
    }
};

} // namespace

// =================================================================================================
TEST_CASE("protect(): every parameter a handler reads from Request::params was signed")
{
    provider p;
    seen s;
    httplib::Server svr;
    const oauth1::httplib::public_origin origin("http", "api.test");
    svr.Post("/p", oauth1::httplib::protect(
                       p.make_verifier(),
                       [&s](const httplib::Request& req, httplib::Response& res,
                            const oauth1::verify_result& r) {
                           s.record(req, r);
                           res.set_content("ok", "text/plain");
                       },
                       origin));
    svr.Get("/p", oauth1::httplib::protect(
                      p.make_verifier(),
                      [&s](const httplib::Request& req, httplib::Response& res,
                           const oauth1::verify_result& r) {
                          s.record(req, r);
                          res.set_content("ok", "text/plain");
                      },
                      origin));
    const running run(svr);
    const oauth1::client c = signer();
    const auto post = [&](const std::string& target, const std::string& content_type,
                          const std::string& body) {
        const std::string auth =
            c.authorization_header({"POST", "http://api.test" + target, content_type, body});
        return parse_response(raw_exchange(
            run.port(),
            request("POST", target,
                    {"Host: api.test", "Authorization: " + auth, "Content-Type: " + content_type},
                    body)));
    };

    SUBCASE("Content-Types cpp-httplib reads as a form but oauth1 does not sign as one")
    {
        // cpp-httplib 0.11 parses the body into params when the Content-Type starts with these
        // lower-case bytes; RFC 5849 §3.4.1.3.1 signs only application/x-www-form-urlencoded
        // (parameters after ';' allowed). The signature covers the query alone here.
        for (const char* type :
             {"application/x-www-form-urlencodedX", "application/x-www-form-urlencoded, text/plain",
              "application/x-www-form-urlencoded,text/plain",
              "application/x-www-form-urlencoded-evil",
              "application/x-www-form-urlencoded charset=utf-8"}) {
            CAPTURE(type);
            const int before = s.count();
            const raw_response r = post("/p?q=1", type, "role=admin&q=1");
            CHECK(r.status == 400);
            CHECK(r.problem() == "parameter_rejected");
            CHECK(contains(r.body, "not%20application%2Fx-www-form-urlencoded"));
            CHECK(s.count() == before); // the handler never saw role=admin
        }
    }
    SUBCASE("Content-Types oauth1 signs as a form: accepted, the params are the signed ones")
    {
        for (const char* type : {"application/x-www-form-urlencoded",
                                 "application/x-www-form-urlencoded; charset=UTF-8",
                                 "application/x-www-form-urlencoded;charset=utf-8"}) {
            CAPTURE(type);
            const raw_response r = post("/p?q=1", type, "role=user&name=a+b%26c");
            REQUIRE(r.status == 200);
            const std::lock_guard<std::mutex> lock(s.m);
            const std::multimap<std::string, std::string> expected = {
                {"q", "1"}, {"role", "user"}, {"name", "a b&c"}};
            CHECK(s.params == expected);
        }
        // Upper case: oauth1 signs the body (media types are case-insensitive); cpp-httplib
        // does not parse it, so the handler sees the (signed) query only.
        for (const char* type : {"APPLICATION/X-WWW-FORM-URLENCODED",
                                 "Application/x-www-form-urlencoded; charset=UTF-8"}) {
            CAPTURE(type);
            const raw_response r = post("/p?q=1", type, "role=user");
            REQUIRE(r.status == 200);
            const std::lock_guard<std::mutex> lock(s.m);
            CHECK(s.params == std::multimap<std::string, std::string>{{"q", "1"}});
        }
        // And a tampered signed body is a bad signature, as ever.
        const std::string type = "application/x-www-form-urlencoded";
        const std::string auth =
            c.authorization_header({"POST", "http://api.test/p", type, "role=user"});
        const raw_response r = parse_response(raw_exchange(
            run.port(),
            request("POST", "/p",
                    {"Host: api.test", "Authorization: " + auth, "Content-Type: " + type},
                    "role=admin")));
        CHECK(r.status == 401);
        CHECK(r.problem() == "signature_invalid");
    }
    SUBCASE("queries cpp-httplib parses differently from RFC 5849")
    {
        const auto get = [&](const std::string& target) {
            const std::string auth = c.authorization_header({"GET", "http://api.test" + target});
            return parse_response(raw_exchange(
                run.port(), request("GET", target, {"Host: api.test", "Authorization: " + auth})));
        };
        // Signed as q = "1=2" and name "" = "admin"; cpp-httplib reads q = "2" and admin = "".
        for (const char* target : {"/p?q=1=2", "/p?=admin"}) {
            CAPTURE(target);
            const int before = s.count();
            const raw_response r = get(target);
            CHECK(r.status == 400);
            CHECK(r.problem() == "parameter_rejected");
            CHECK(contains(r.body, "Request%3A%3Aparams"));
            CHECK(s.count() == before);
        }
        // Repeats (cpp-httplib keeps one), '+' and escapes: the same parameters.
        const raw_response r = get("/p?a=1&a=1&b=x+y%2Bz&c");
        REQUIRE(r.status == 200);
        const std::lock_guard<std::mutex> lock(s.m);
        const std::multimap<std::string, std::string> expected = {
            {"a", "1"}, {"b", "x y+z"}, {"c", ""}};
        CHECK(s.params == expected);
    }
    SUBCASE("protocol parameters in the query (RFC 5849 §3.5.3) are signed or verified")
    {
        const std::string url = "http://api.test/p?x=1";
        const oauth1::signed_request sr = c.sign({"GET", url});
        const std::string target = "/p?x=1&" + sr.protocol_query();
        const raw_response r =
            parse_response(raw_exchange(run.port(), request("GET", target, {"Host: api.test"})));
        CHECK(r.status == 200);
        const std::lock_guard<std::mutex> lock(s.m);
        CHECK(s.params.count("oauth_signature") == 1);
        CHECK(s.params.count("x") == 1);
    }
}

// =================================================================================================
TEST_CASE("harden_server(): bodies cpp-httplib would inflate, read without bound or misframe")
{
    std::atomic<int> calls{0};
    httplib::Server svr;
    oauth1::httplib::harden_server(svr, {1000});
    const auto handler = [&calls](const httplib::Request& req, httplib::Response& res) {
        ++calls;
        res.set_content("seen " + req.method + " " + req.path + " " +
                            std::to_string(req.body.size()),
                        "text/plain");
    };
    svr.Get(".*", handler);
    svr.Post(".*", handler);
    svr.Put(".*", handler);
    svr.Delete(".*", handler);
    const running run(svr);
    const std::string host = "Host: 127.0.0.1:" + std::to_string(run.port());
    // A request hidden in a body: if the server ever parsed the body as the next request on the
    // connection, it would answer a second time and run the handler for /smuggled.
    const std::string smuggled =
        "GET /smuggled HTTP/1.1\r\n" + host + "\r\nConnection: close\r\n\r\n";

    SUBCASE("a real gzip body (cpp-httplib's client compresses it) is refused with 415")
    {
        httplib::Client cli("127.0.0.1", run.port());
        cli.set_compress(true);
        const std::string body(100000, 'a'); // inflated it would pass the 1000-byte limit
        const auto res = cli.Post("/upload", body, "text/plain");
        REQUIRE(res);
        CHECK(res->status == 415);
        CHECK(res->get_header_value("Accept-Encoding") == "identity");
        CHECK(calls == 0);
    }
    SUBCASE("every content coding but identity: 415 before the body is read, connection closed")
    {
        const std::vector<std::vector<std::string>> codings = {
            {"Content-Encoding: gzip"},
            {"Content-Encoding: deflate"},
            {"Content-Encoding: br"},
            {"Content-Encoding: GZIP"},
            {"Content-Encoding: x-gzip"},
            {"Content-Encoding: gzip, identity"},
            {"Content-Encoding: identity, br"},
            {"Content-Encoding: compress"},
            {"Content-Encoding: identity", "Content-Encoding: gzip"}};
        for (const auto& headers : codings) {
            CAPTURE(headers.back());
            std::vector<std::string> h = headers;
            h.push_back(host);
            h.push_back("Content-Type: text/plain");
            bool timed_out = false;
            const std::string raw = raw_exchange(
                run.port(), request("POST", "/upload", h, smuggled, false), &timed_out);
            const raw_response r = parse_response(raw);
            CHECK(r.status == 415);
            CHECK(r.header("Connection") == "close");
            CHECK(responses_in(raw) == 1);
            CHECK_FALSE(timed_out); // closed by the server, not left open
            CHECK(calls == 0);
        }
        // identity (in any case) is no coding at all.
        const raw_response r = parse_response(raw_exchange(
            run.port(), request("POST", "/upload", {host, "Content-Encoding: Identity"}, "abc")));
        CHECK(r.status == 200);
        CHECK(r.body == "seen POST /upload 3");
        CHECK(calls == 1);
    }
    SUBCASE("Expect: 100-continue is answered with the refusal, not with 100 Continue")
    {
        const std::string raw = raw_exchange(
            run.port(),
            request("POST", "/upload",
                    {host, "Content-Encoding: gzip", "Content-Length: 500", "Expect: 100-continue"},
                    {}, false));
        CHECK(raw.rfind("HTTP/1.1 415", 0) == 0);
        CHECK_FALSE(contains(raw, "100 Continue"));
        CHECK(calls == 0);
    }
    SUBCASE("chunked or transfer-coded bodies (read with no limit by cpp-httplib 0.11): 411")
    {
        for (const char* te : {"Transfer-Encoding: chunked", "Transfer-Encoding: gzip, chunked",
                               "Transfer-Encoding: Chunked"}) {
            CAPTURE(te);
            bool timed_out = false;
            const std::string raw = raw_exchange(
                run.port(),
                request("POST", "/upload", {host, te}, "5\r\nhello\r\n0\r\n\r\n" + smuggled, false),
                &timed_out);
            CHECK(parse_response(raw).status == 411);
            CHECK(responses_in(raw) == 1);
            CHECK_FALSE(timed_out);
        }
        CHECK(calls == 0);
    }
    SUBCASE("a body without Content-Length (read until the client closes): 411 at once")
    {
        bool timed_out = false;
        const std::string raw = raw_exchange(
            run.port(), "POST /upload HTTP/1.1\r\n" + host + "\r\n\r\nsome body", &timed_out, 2000);
        CHECK(parse_response(raw).status == 411);
        CHECK_FALSE(timed_out);
        CHECK(calls == 0);
    }
    SUBCASE("Content-Length over the limit: 413 before a byte of the body is sent")
    {
        bool timed_out = false;
        const std::string raw = raw_exchange(
            run.port(), request("POST", "/upload", {host, "Content-Length: 104857600"}, {}, false),
            &timed_out, 2000);
        CHECK(parse_response(raw).status == 413);
        CHECK(contains(raw, "the limit is 1000 bytes"));
        CHECK_FALSE(timed_out);
        // At the limit: accepted.
        const raw_response ok = parse_response(
            raw_exchange(run.port(), request("POST", "/upload", {host}, std::string(1000, 'x'))));
        CHECK(ok.status == 200);
        CHECK(ok.body == "seen POST /upload 1000");
        CHECK(calls == 1);
    }
    SUBCASE("malformed or repeated Content-Length, a body on GET: 400, the body never parsed")
    {
        const std::vector<std::vector<std::string>> cases = {
            {"Content-Length: 5", "Content-Length: 5"},
            {"Content-Length: abc"},
            {"Content-Length: +5"},
            {"Content-Length: 5 5"},
            {"Content-Length: 99999999999999999999999"}};
        for (const auto& headers : cases) {
            CAPTURE(headers.back());
            std::vector<std::string> h = headers;
            h.push_back(host);
            const std::string raw =
                raw_exchange(run.port(), request("POST", "/upload", h, "hello", false));
            CHECK(parse_response(raw).status == 400);
            CHECK(responses_in(raw) == 1);
        }
        // cpp-httplib does not read a GET's body: it would be the next request.
        const std::string raw = raw_exchange(
            run.port(),
            request("GET", "/page", {host, "Content-Length: " + std::to_string(smuggled.size())},
                    smuggled, false));
        CHECK(parse_response(raw).status == 400);
        CHECK(responses_in(raw) == 1);
        CHECK(calls == 0);
        // DELETE without a body, GET without one: fine.
        CHECK(parse_response(raw_exchange(run.port(), request("DELETE", "/x", {host}))).status ==
              200);
        CHECK(parse_response(raw_exchange(run.port(), request("GET", "/x", {host}))).status == 200);
        CHECK(calls == 2);
    }
    SUBCASE("screen_request() inside the server's own pre-routing handler")
    {
        httplib::Server own;
        int mine = 0;
        own.set_pre_routing_handler([&mine](const httplib::Request& req, httplib::Response& res) {
            if (oauth1::httplib::screen_request(req, res, {10}) ==
                httplib::Server::HandlerResponse::Handled)
                return httplib::Server::HandlerResponse::Handled;
            ++mine;
            return httplib::Server::HandlerResponse::Unhandled;
        });
        own.Post(".*", handler);
        const running r2(own);
        const std::string h2 = "Host: 127.0.0.1:" + std::to_string(r2.port());
        CHECK(parse_response(raw_exchange(r2.port(), request("POST", "/", {h2}, "01234567890")))
                  .status == 413);
        CHECK(mine == 0);
        CHECK(parse_response(raw_exchange(r2.port(), request("POST", "/", {h2}, "0123"))).status ==
              200);
        CHECK(mine == 1);
    }
}

// =================================================================================================
TEST_CASE("public_origin: a named origin, the Host header by opt-in, checked arguments")
{
    using oauth1::httplib::public_origin;
    for (const auto& bad :
         std::vector<std::pair<const char*, const char*>>{{"ftp", "a.example"},
                                                          {"", "a.example"},
                                                          {"http", ""},
                                                          {"http", "a/b"},
                                                          {"http", "a b"},
                                                          {"https", "user@a.example"},
                                                          {"http", "a.example?x"}}) {
        const char* const scheme = bad.first;
        const char* const authority = bad.second;
        CAPTURE(scheme);
        CAPTURE(authority);
        CHECK_THROWS_AS(public_origin(scheme, authority), oauth1::error);
    }
    CHECK_THROWS_AS(public_origin::trust_host_header("gopher"), oauth1::error);
    const public_origin o("HTTPS", "Jira.Example.com:8443");
    CHECK(o.scheme() == "https");
    CHECK(o.authority() == "Jira.Example.com:8443");
    CHECK_FALSE(o.trusts_host_header());
    CHECK(public_origin::trust_host_header().trusts_host_header());

    provider p;
    httplib::Server svr;
    const auto ok = [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    };
    // Production: the origin clients use. A staging instance shares the credentials.
    svr.Get("/fixed",
            oauth1::httplib::protect(p.make_verifier(), ok, {"https", "jira.example.com"}));
    svr.Get("/host", oauth1::httplib::protect(p.make_verifier(), ok,
                                              public_origin::trust_host_header("https")));
    const running run(svr);
    const oauth1::client c = signer();
    const auto send = [&](const std::string& path, const std::string& signed_origin,
                          const std::vector<std::string>& headers) {
        std::vector<std::string> h = headers;
        h.push_back("Authorization: " + c.authorization_header({"GET", signed_origin + path}));
        return parse_response(raw_exchange(run.port(), request("GET", path, h)));
    };
    // Signed for production, arriving with any Host (a proxy rewrote it): verified.
    CHECK(send("/fixed", "https://jira.example.com", {"Host: 10.0.0.5:8080"}).status == 200);
    CHECK(send("/fixed", "https://jira.example.com", {}).status == 200);
    // Signed for staging and replayed to production with staging's Host: refused. (Before the
    // origin was required, a Host-trusting default verified it.)
    raw_response r = send("/fixed", "https://staging.example.com", {"Host: staging.example.com"});
    CHECK(r.status == 401);
    CHECK(r.problem() == "signature_invalid");
    // Trusting Host is explicit, and then Host decides.
    CHECK(send("/host", "https://staging.example.com", {"Host: staging.example.com"}).status ==
          200);
    r = send("/host", "https://staging.example.com", {});
    CHECK(r.status == 400);
    CHECK(contains(r.body, "no%20usable%20Host"));
    r = send("/host", "https://a.example", {"Host: a.example", "Host: b.example"});
    CHECK(r.status == 400);
}

TEST_CASE("public_origin::trust_proxies: Forwarded / X-Forwarded-* only from trusted peers")
{
    using oauth1::httplib::forwarded_headers;
    using oauth1::httplib::public_origin;
    provider p;
    httplib::Server svr;
    const auto ok = [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    };
    // The test connects from 127.0.0.1: the proxy.
    svr.Get("/fwd", oauth1::httplib::protect(
                        p.make_verifier(), ok,
                        public_origin("http", "internal:8080").trust_proxies({"127.0.0.1"})));
    svr.Get("/xfwd", oauth1::httplib::protect(
                         p.make_verifier(), ok,
                         public_origin("http", "internal:8080")
                             .trust_proxies({"::1", "127.0.0.1"}, forwarded_headers::x_forwarded)));
    svr.Get("/untrusted", oauth1::httplib::protect(
                              p.make_verifier(), ok,
                              public_origin("http", "internal:8080").trust_proxies({"10.9.9.9"})));
    const running run(svr);
    const oauth1::client c = signer();
    const auto send = [&](const std::string& path, const std::string& signed_origin,
                          const std::vector<std::string>& headers) {
        std::vector<std::string> h = headers;
        h.push_back("Host: internal:8080");
        h.push_back("Authorization: " + c.authorization_header({"GET", signed_origin + path}));
        return parse_response(raw_exchange(run.port(), request("GET", path, h)));
    };
    const std::string pub = "https://api.example.com";

    SUBCASE("Forwarded (RFC 7239) from a trusted peer")
    {
        CHECK(send("/fwd", pub, {"Forwarded: for=192.0.2.60;proto=https;host=api.example.com"})
                  .status == 200);
        // Names in any case, quoted values, a port.
        CHECK(send("/fwd", "https://api.example.com:8443",
                   {"Forwarded: For=\"[2001:db8::1]:4711\"; Proto=HTTPS; "
                    "Host=\"api.example.com:8443\""})
                  .status == 200);
        // A list: the last element is the nearest proxy's; the client's own one is ignored.
        CHECK(send("/fwd", pub,
                   {"Forwarded: proto=http;host=evil.example, "
                    "for=192.0.2.60;proto=https;host=api.example.com"})
                  .status == 200);
        CHECK(send("/fwd", "http://evil.example",
                   {"Forwarded: proto=http;host=evil.example, proto=https;host=api.example.com"})
                  .status == 401);
        // Repeated fields: the last one's last element.
        CHECK(send("/fwd", pub,
                   {"Forwarded: proto=http;host=evil.example",
                    "Forwarded: proto=https;host=api.example.com"})
                  .status == 200);
        // Only proto: the configured authority stays. Neither: the configured origin.
        CHECK(send("/fwd", "https://internal:8080", {"Forwarded: for=192.0.2.60;proto=https"})
                  .status == 200);
        CHECK(send("/fwd", "http://internal:8080", {"Forwarded: for=192.0.2.60"}).status == 200);
        CHECK(send("/fwd", "http://internal:8080", {}).status == 200);
        // The other family is not read.
        CHECK(send("/fwd", pub, {"X-Forwarded-Proto: https", "X-Forwarded-Host: api.example.com"})
                  .status == 401);
    }
    SUBCASE("malformed forwarding from a trusted peer refuses the request")
    {
        for (const char* bad :
             {"Forwarded: proto=ftp;host=api.example.com", "Forwarded: proto=https;host=\"a/b\"",
              "Forwarded: proto=https;host=\"api.example.com",
              "Forwarded: proto=https;proto=http;host=api.example.com",
              "Forwarded: proto=https;host", "Forwarded: host=\"\""}) {
            CAPTURE(bad);
            const raw_response r = send("/fwd", pub, {bad});
            CHECK(r.status == 400);
            CHECK(r.problem() == "parameter_rejected");
        }
        const raw_response r = send("/xfwd", pub, {"X-Forwarded-Proto: gopher"});
        CHECK(r.status == 400);
        CHECK(contains(r.body, "http%2Fhttps"));
    }
    SUBCASE("X-Forwarded-Proto / X-Forwarded-Host from a trusted peer")
    {
        CHECK(send("/xfwd", pub, {"X-Forwarded-Proto: https", "X-Forwarded-Host: api.example.com"})
                  .status == 200);
        CHECK(send("/xfwd", pub,
                   {"X-Forwarded-Proto: http, https",
                    "X-Forwarded-Host: evil.example, api.example.com"})
                  .status == 200);
        CHECK(send("/xfwd", pub,
                   {"X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example",
                    "X-Forwarded-Host: api.example.com"})
                  .status == 200);
        CHECK(send("/xfwd", "https://internal:8080", {"X-Forwarded-Proto: https"}).status == 200);
        // Forwarded is not read for this route.
        CHECK(send("/xfwd", pub, {"Forwarded: proto=https;host=api.example.com"}).status == 401);
        CHECK(send("/xfwd", "http://internal:8080", {"Forwarded: proto=https;host=api.example.com"})
                  .status == 200);
    }
    SUBCASE("from an untrusted peer the headers are ignored: the configured origin counts")
    {
        CHECK(send("/untrusted", pub, {"Forwarded: proto=https;host=api.example.com"}).status ==
              401);
        CHECK(send("/untrusted", "http://internal:8080",
                   {"Forwarded: proto=https;host=api.example.com"})
                  .status == 200);
        // Nor does a client-sent REMOTE_ADDR header make it a proxy.
        CHECK(send("/untrusted", pub,
                   {"REMOTE_ADDR: 10.9.9.9", "Forwarded: proto=https;host=api.example.com"})
                  .status == 401);
    }
}

// =================================================================================================
TEST_CASE("the realm in any case, through cpp-httplib's header decoding")
{
    using oauth1::httplib::detail::reencode_authorization;
    // The realm is kept as received, quoted or not; its name's case too.
    CHECK(reencode_authorization(R"(OAuth Realm="a%20b", oauth_nonce="x y")") ==
          R"(OAuth Realm="a%20b", oauth_nonce="x%20y")");
    CHECK(reencode_authorization(R"(OAuth REALM=a\b, oauth_nonce=n)") ==
          R"(OAuth REALM=a\b, oauth_nonce="n")");
    // A decoded value holding ", Realm=" ends there, as it would at ", realm=".
    CHECK(reencode_authorization(R"(OAuth oauth_callback="a", REALM="r")") ==
          R"(OAuth oauth_callback="a", REALM="r")");

    provider p;
    seen s;
    httplib::Server svr;
    oauth1::verify_options vo;
    svr.Get("/r", oauth1::httplib::protect(
                      p.make_verifier(),
                      [&s](const httplib::Request& req, httplib::Response& res,
                           const oauth1::verify_result& r) {
                          s.record(req, r);
                          res.set_content("ok", "text/plain");
                      },
                      {"http", "api.test"}, vo, "R"));
    const running run(svr);
    const oauth1::client c = signer();
    const auto send = [&](const std::string& auth) {
        return parse_response(raw_exchange(
            run.port(), request("GET", "/r", {"Host: api.test", "Authorization: " + auth})));
    };
    const auto header = [&](const std::string& realm_param) {
        // The signed header without a realm, with `realm_param` put first.
        const std::string h = c.authorization_header({"GET", "http://api.test/r"});
        REQUIRE(h.rfind("OAuth ", 0) == 0);
        return "OAuth " + realm_param + ", " + h.substr(6);
    };
    for (const auto& sent :
         std::vector<std::pair<std::string, std::string>>{{R"(realm="Example")", "Example"},
                                                          {R"(Realm="Example")", "Example"},
                                                          {R"(REALM="a \"q\", b")", "a \"q\", b"},
                                                          {R"(rEaLm=token)", "token"},
                                                          {R"(Realm=a\b)", "a\\b"}}) {
        const std::string& param = sent.first;
        CAPTURE(param);
        const raw_response r = send(header(param));
        CHECK(r.status == 200);
        const std::lock_guard<std::mutex> lock(s.m);
        CHECK(s.realm == sent.second);
    }
    // A second realm, in whatever case: a duplicate.
    for (const char* twice : {R"(realm="a", Realm="b")", R"(REALM="a", realm="a")"}) {
        CAPTURE(twice);
        const raw_response r = send(header(twice));
        CHECK(r.status == 400);
        CHECK(r.problem() == "parameter_rejected");
    }
}
