// Tests of oauth1/adapters/poco_server.hpp on a real Poco::Net::HTTPServer on 127.0.0.1:
// requests signed by oauth1's curl transport and by python3-oauthlib (a client run with
// /usr/bin/python3; without oauthlib the case FAILS, saying so) are verified; tampered,
// replayed, unsigned-parameter and hostile requests (sent through raw sockets) are refused with
// 401/400 + WWW-Authenticate or the read_body() answers; the trusted-proxy origin.
#include <oauth1/adapters/poco_server.hpp> // first: the header is self-contained

#include "support/verifying_server.hpp" // credentials, test_key_path

#include <oauth1/adapters/curl_transport.hpp>
#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/transport.hpp>

#include <doctest/doctest.h>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace {

using oauth1_test::access_token;
using oauth1_test::access_token_secret;
using oauth1_test::test_key_path;

bool contains(std::string_view hay, std::string_view needle)
{
    return hay.find(needle) != std::string_view::npos;
}

std::string problem_of(std::string_view www_authenticate)
{
    const std::size_t p = www_authenticate.find("oauth_problem=\"");
    if (p == std::string_view::npos) return {};
    const std::size_t b = p + 15;
    return std::string(www_authenticate.substr(b, www_authenticate.find('"', b) - b));
}

oauth1::client hmac_client()
{
    oauth1::client c(oauth1_test::hmac_consumer_key,
                     oauth1::hmac_sha1(oauth1_test::hmac_consumer_secret));
    c.set_token(access_token, access_token_secret);
    return c;
}

oauth1::client rsa_client()
{
    oauth1::client c(oauth1_test::rsa_consumer_key, oauth1::rsa_sha1(oauth1::load_private_key_file(
                                                        test_key_path("wiki_key.pem"))));
    c.set_token(access_token, access_token_secret);
    return c;
}

/// What the handler saw of the last request.
struct seen_request {
    bool verified = false;
    std::string problem;
    std::string url;
    std::string body;
};

/// A Poco::Net::HTTPServer on 127.0.0.1 (kernel-chosen port) whose one handler reads the body
/// with read_body(), verifies with oauth1::poco::verify() as addressed through `origin`, and
/// answers refuse() or 200 {"verified":true,...}. The destructor stops it.
class poco_server {
public:
    /// `origin` from the port: the server's own origin unless `make_origin` says otherwise.
    template <class MakeOrigin>
    explicit poco_server(MakeOrigin make_origin) : socket_(Poco::Net::SocketAddress("127.0.0.1", 0))
    {
        consumers_[oauth1_test::hmac_consumer_key] = {
            oauth1_test::hmac_consumer_secret, {}, oauth1::method_set::all()};
        consumers_[oauth1_test::rsa_consumer_key] = {
            "", oauth1::load_public_key_file(test_key_path("wiki_cert.pem")),
            oauth1::method_set::all()};
        origin_.emplace(make_origin(port()));
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(4);
        server_.emplace(new factory(*this), socket_, params);
        server_->start();
    }
    poco_server()
        : poco_server([](int port) {
              return oauth1::public_origin("http", "127.0.0.1:" + std::to_string(port));
          })
    {}
    poco_server(const poco_server&) = delete;
    poco_server& operator=(const poco_server&) = delete;
    ~poco_server()
    {
        if (server_) server_->stopAll(true);
    }

    int port() const { return socket_.address().port(); }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port()); }
    seen_request last() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_;
    }

private:
    class handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit handler(poco_server& s) : s_(s) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req,
                           Poco::Net::HTTPServerResponse& res) override
        {
            s_.handle(req, res);
        }

    private:
        poco_server& s_;
    };
    class factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit factory(poco_server& s) : s_(s) {}
        Poco::Net::HTTPRequestHandler*
        createRequestHandler(const Poco::Net::HTTPServerRequest&) override
        {
            return new handler(s_);
        }

    private:
        poco_server& s_;
    };

    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res)
    {
        std::string body;
        oauth1::poco::server_limits limits;
        limits.max_body_bytes = 4096;
        if (!oauth1::poco::read_body(req, res, body, limits)) return;
        auto consumers = [this](std::string_view k) -> const oauth1::consumer_credentials* {
            const auto it = consumers_.find(std::string(k));
            return it == consumers_.end() ? nullptr : &it->second;
        };
        auto tokens = [consumers](std::string_view consumer_key,
                                  std::string_view t) -> std::optional<oauth1::token_credentials> {
            if (t != access_token || !consumers(consumer_key)) return std::nullopt;
            return oauth1::token_credentials(std::string(consumer_key), access_token_secret);
        };
        const oauth1::request_verifier v(consumers, tokens, nonces_);
        oauth1::verify_options opts;
        opts.token = oauth1::token_requirement::optional;
        const oauth1::verify_result r = oauth1::poco::verify(v, req, body, *origin_, opts);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            last_.verified = r.ok();
            last_.problem = r.problem ? r.problem->name : std::string();
            last_.url = oauth1::poco::request_url(req, *origin_);
            last_.body = body;
        }
        if (!r) return oauth1::poco::refuse(res, r, "JIRA");
        const std::string out = "{\"verified\":true,\"consumer\":\"" + r.consumer_key + "\"}";
        res.setContentType("application/json");
        res.setContentLength64(static_cast<Poco::Int64>(out.size()));
        res.send() << out;
    }

    std::map<std::string, oauth1::consumer_credentials> consumers_;
    oauth1::memory_nonce_store nonces_;
    Poco::Net::ServerSocket socket_;
    std::optional<oauth1::public_origin> origin_;
    std::optional<Poco::Net::HTTPServer> server_;
    mutable std::mutex mutex_;
    seen_request last_;
};

// ---- Raw sockets ------------------------------------------------------------------------------

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
};

/// Sends `request` (raw bytes) to 127.0.0.1:port; the answer until the server closes (the
/// requests carry Connection: close).
raw_response raw_exchange(int port, std::string_view request)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        throw std::runtime_error("connect");
    }
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::size_t off = 0;
    while (off < request.size()) {
        const ssize_t n = ::send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    raw_response r;
    const std::size_t end = raw.find("\r\n\r\n");
    if (raw.size() < 12 || end == std::string::npos) return r;
    r.status = std::atoi(raw.substr(9, 3).c_str());
    r.head = raw.substr(0, end);
    r.body = raw.substr(end + 4);
    return r;
}

/// The raw bytes of `req` (signed for `req.url`) sent to 127.0.0.1 with `host` as Host and
/// `extra` header lines ("Name: value\r\n"...).
std::string raw_request(const oauth1::http_request& req, const std::string& host,
                        const std::string& extra = {})
{
    const std::size_t t = req.url.find('/', req.url.find("://") + 3);
    std::string out = req.method + " " + (t == std::string::npos ? "/" : req.url.substr(t)) +
                      " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    if (!req.content_type.empty()) out += "Content-Type: " + req.content_type + "\r\n";
    for (const auto& h : req.headers) out += h.name + ": " + h.value + "\r\n";
    out += extra;
    out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n\r\n" + req.body;
    return out;
}

} // namespace

TEST_CASE("requests signed by oauth1's curl transport are verified; tampered and replayed not")
{
    poco_server server;
    oauth1::curl::transport http; // non-const: it keeps its handle
    struct one {
        const char* method;
        const char* target;
        const char* content_type;
        const char* body;
        bool body_hash;
    };
    const one cases[] = {
        {"GET", "/rest/api/2/search?jql=project%20%3D%20JJ&plus=a+b&star=*&slash=%2F&u=%C3%A9", "",
         "", false},
        {"GET", "/a%20b/c;d=1/e:f@g!$&'()*+,=", "", "", false},
        {"POST", "/form?x=1", "application/x-www-form-urlencoded", "a=1+2&b=x%26y&c=%2B", false},
        {"POST", "/rest/api/2/issue", "application/json", R"({"fields":{"summary":"a+b"}})", true},
        {"PUT", "/item/7", "application/x-www-form-urlencoded", "name=x+y", false},
        {"DELETE", "/item/7?cascade=true", "", "", false},
    };
    for (const auto& c : {hmac_client(), rsa_client()}) {
        for (const one& e : cases) {
            CAPTURE(c.consumer_key());
            CAPTURE(e.target);
            oauth1::sign_options opts;
            opts.body_hash = e.body_hash;
            std::error_code ec;
            const auto res = http.sign_and_perform(
                c, {e.method, server.origin() + e.target, e.content_type, e.body}, opts, ec);
            REQUIRE(!ec);
            CHECK_MESSAGE(res.status == 200, res.header("WWW-Authenticate"));
            CHECK(contains(res.body, "\"consumer\":\"" + c.consumer_key() + "\""));
            CHECK(server.last().verified);
            CHECK(server.last().url == server.origin() + e.target);
            CHECK(server.last().body == e.body);
        }
    }

    oauth1::http_request req{"GET", server.origin() + "/search?fields=summary"};
    oauth1::sign(req, hmac_client());
    std::error_code ec;
    auto res = http(req, ec);
    REQUIRE(!ec);
    CHECK(res.status == 200);
    res = http(req, ec); // replayed
    REQUIRE(!ec);
    CHECK(res.status == 401);
    CHECK(contains(res.header("WWW-Authenticate"), "OAuth realm=\"JIRA\""));
    CHECK(problem_of(res.header("WWW-Authenticate")) == "nonce_used");
    CHECK(contains(res.body, "oauth_problem=nonce_used"));
    req.url += "&more=1"; // tampered
    res = http(req, ec);
    REQUIRE(!ec);
    CHECK(res.status == 401);
    CHECK(problem_of(res.header("WWW-Authenticate")) == "signature_invalid");
    // Not signed at all.
    res = http({"GET", server.origin() + "/x"}, ec);
    REQUIRE(!ec);
    CHECK(res.status == 400);
    CHECK(problem_of(res.header("WWW-Authenticate")) == "parameter_absent");
}

TEST_CASE("requests signed by python3-oauthlib (a urllib client) are verified")
{
    poco_server server;
    const char* script = R"PY(
import sys, urllib.request, urllib.error
try:
    from oauthlib.oauth1 import Client, SIGNATURE_RSA
except ImportError:
    print('no-oauthlib'); sys.exit(3)
keys, method, url, ctype, body, rsa = sys.argv[1:7]
kw = dict(resource_owner_key='nnch734d00sl2jdk', resource_owner_secret='pfkkdhi9sl3r4s00')
if rsa == '1':
    c = Client('rsa-consumer', signature_method=SIGNATURE_RSA,
               rsa_key=open(keys + '/wiki_key.pem').read(), **kw)
else:
    c = Client('hmac-consumer', client_secret='kd94hf93k423kf44', **kw)
headers = {'Content-Type': ctype} if ctype else {}
uri, headers, signed_body = c.sign(url, http_method=method, body=body or None, headers=headers)
data = signed_body.encode() if signed_body else None
try:
    r = urllib.request.urlopen(urllib.request.Request(uri, data=data, method=method, headers=headers))
    print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
)PY";
    const auto run = [&](const std::string& method, const std::string& target,
                         const std::string& ctype, const std::string& body, bool rsa) {
        const std::string cmd = std::string(OAUTH1_PYTHON) + " -c \"$OAUTH1_PY\" '" +
                                std::string(OAUTH1_TEST_DATA_DIR) + "/keys' '" + method + "' '" +
                                server.origin() + target + "' '" + ctype + "' '" + body + "' " +
                                (rsa ? "1" : "0");
        ::setenv("OAUTH1_PY", script, 1);
        FILE* p = ::popen(cmd.c_str(), "r");
        REQUIRE(p != nullptr);
        char buf[256] = {};
        const std::size_t n = std::fread(buf, 1, sizeof buf - 1, p);
        ::pclose(p);
        return std::string(buf, n);
    };
    for (const bool rsa : {false, true}) {
        CAPTURE(rsa);
        std::string out = run("GET", "/rest/api/2/issue/JJ-2?fields=summary&a=b+c", "", "", rsa);
        REQUIRE_MESSAGE(!contains(out, "no-oauthlib"),
                        OAUTH1_PYTHON << " lacks python3-oauthlib (apt-get install "
                                         "python3-oauthlib python3-cryptography)");
        CHECK(out == "200\n");
        CHECK(server.last().verified);
        out = run("POST", "/form?x=1", "application/x-www-form-urlencoded", "a=1&b=x%20y", rsa);
        CHECK(out == "200\n");
        CHECK(server.last().verified);
        CHECK(server.last().body == "a=1&b=x%20y");
        out = run("PUT", "/item/7", "application/x-www-form-urlencoded", "name=n", rsa);
        CHECK(out == "200\n");
        out = run("DELETE", "/item/7", "", "", rsa);
        CHECK(out == "200\n");
    }
}

TEST_CASE("hostile requests: duplicate headers, unsigned parameters, bodies read_body refuses")
{
    poco_server server;
    const std::string host = "127.0.0.1:" + std::to_string(server.port());
    const auto signed_request = [&](const std::string& method, const std::string& target,
                                    const std::string& ctype, const std::string& body,
                                    bool body_hash = false) {
        oauth1::http_request r{method, server.origin() + target, ctype, body};
        oauth1::sign_options opts;
        opts.body_hash = body_hash;
        oauth1::sign(r, hmac_client(), opts);
        return r;
    };

    // Baseline: the raw request verifies.
    auto r = raw_exchange(server.port(), raw_request(signed_request("GET", "/ok", "", ""), host));
    CHECK(r.status == 200);

    SUBCASE("two Authorization headers")
    {
        const auto req = signed_request("GET", "/x", "", "");
        r = raw_exchange(server.port(),
                         raw_request(req, host, "Authorization: " + req.headers[0].value + "\r\n"));
        CHECK(r.status == 400);
        CHECK(problem_of(r.header("WWW-Authenticate")) == "parameter_rejected");
    }
    SUBCASE("two Content-Type headers")
    {
        const auto req = signed_request("POST", "/x", "application/x-www-form-urlencoded", "a=1");
        r = raw_exchange(server.port(), raw_request(req, host, "Content-Type: text/plain\r\n"));
        CHECK(r.status == 400);
        CHECK(problem_of(r.header("WWW-Authenticate")) == "parameter_rejected");
    }
    SUBCASE("multipart fields HTMLForm would give the handler were not signed")
    {
        const std::string mp = "--XyZ\r\nContent-Disposition: form-data; name=\"admin\"\r\n\r\n"
                               "true\r\n--XyZ--\r\n";
        const auto req = signed_request("POST", "/upload", "multipart/form-data; boundary=XyZ", mp,
                                        /*body_hash*/ true);
        r = raw_exchange(server.port(), raw_request(req, host));
        CHECK(r.status == 400);
        CHECK(problem_of(r.header("WWW-Authenticate")) == "parameter_rejected");
        CHECK(server.last().problem == "parameter_rejected");
    }
    SUBCASE("a JSON body with oauth_body_hash is fine (HTMLForm must not be used on it)")
    {
        const auto req = signed_request("POST", "/j?a=1", "application/json", R"({"a":"b=c"})",
                                        /*body_hash*/ true);
        r = raw_exchange(server.port(), raw_request(req, host));
        CHECK(r.status == 200);
    }
    SUBCASE("the Host header is not trusted: a request signed for another host")
    {
        oauth1::http_request other{"GET", "http://staging.example.com/x"};
        oauth1::sign(other, hmac_client());
        r = raw_exchange(server.port(), raw_request(other, "staging.example.com"));
        CHECK(r.status == 401);
        CHECK(problem_of(r.header("WWW-Authenticate")) == "signature_invalid");
    }
    SUBCASE("a body over the limit: 413 before it is read")
    {
        const auto req = signed_request("POST", "/big", "text/plain", std::string(5000, 'x'));
        r = raw_exchange(server.port(), raw_request(req, host));
        CHECK(r.status == 413);
    }
    SUBCASE("a chunked body over the limit: 413 at the limit")
    {
        std::string chunked = "POST /big HTTP/1.1\r\nHost: " + host +
                              "\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 6; ++i) chunked += "400\r\n" + std::string(1024, 'y') + "\r\n";
        chunked += "0\r\n\r\n";
        r = raw_exchange(server.port(), chunked);
        CHECK(r.status == 413);
    }
    SUBCASE("a compressed body: 415")
    {
        const auto req = signed_request("POST", "/gz", "application/x-www-form-urlencoded", "a=1");
        r = raw_exchange(server.port(), raw_request(req, host, "Content-Encoding: gzip\r\n"));
        CHECK(r.status == 415);
        CHECK(r.header("Accept-Encoding") == "identity");
    }
    SUBCASE("two Content-Length headers: 400")
    {
        const auto req = signed_request("POST", "/cl", "text/plain", "abc");
        r = raw_exchange(server.port(), raw_request(req, host, "Content-Length: 3\r\n"));
        CHECK(r.status == 400);
    }
}

TEST_CASE("the public origin through a trusted proxy (Forwarded and X-Forwarded-*)")
{
    // A request signed for https://api.example.com arrives over plain http from 127.0.0.1.
    oauth1::http_request req{"GET", "https://api.example.com/rest/api/2/myself?a=1"};
    const auto sign_fresh = [&req] {
        req.headers.clear();
        oauth1::sign(req, hmac_client());
    };
    {
        poco_server trusted([](int port) {
            return oauth1::public_origin("http", "127.0.0.1:" + std::to_string(port))
                .trust_proxies({"127.0.0.1"});
        });
        const std::string host = "127.0.0.1:" + std::to_string(trusted.port());
        sign_fresh();
        auto r = raw_exchange(trusted.port(), raw_request(req, host,
                                                          "Forwarded: for=192.0.2.1;proto=https;"
                                                          "host=api.example.com\r\n"));
        CHECK(r.status == 200);
        CHECK(trusted.last().url == req.url);
        sign_fresh();
        r = raw_exchange(
            trusted.port(),
            raw_request(req, host, "Forwarded: proto=gopher;host=api.example.com\r\n"));
        CHECK(r.status == 400);
        CHECK(problem_of(r.header("WWW-Authenticate")) == "parameter_rejected");
    }
    {
        poco_server x_forwarded([](int port) {
            return oauth1::public_origin("http", "127.0.0.1:" + std::to_string(port))
                .trust_proxies({"127.0.0.1"}, oauth1::forwarded_headers::x_forwarded);
        });
        sign_fresh();
        const auto r = raw_exchange(
            x_forwarded.port(),
            raw_request(req, "127.0.0.1:" + std::to_string(x_forwarded.port()),
                        "X-Forwarded-Proto: https\r\nX-Forwarded-Host: api.example.com\r\n"));
        CHECK(r.status == 200);
    }
    {
        // The same headers from a peer that is not a trusted proxy are ignored.
        poco_server untrusted([](int port) {
            return oauth1::public_origin("http", "127.0.0.1:" + std::to_string(port))
                .trust_proxies({"10.0.0.7"});
        });
        sign_fresh();
        const auto r = raw_exchange(
            untrusted.port(), raw_request(req, "127.0.0.1:" + std::to_string(untrusted.port()),
                                          "Forwarded: proto=https;host=api.example.com\r\n"));
        CHECK(r.status == 401);
        CHECK(problem_of(r.header("WWW-Authenticate")) == "signature_invalid");
        CHECK(untrusted.last().url ==
              "http://127.0.0.1:" + std::to_string(untrusted.port()) + "/rest/api/2/myself?a=1");
    }
}
