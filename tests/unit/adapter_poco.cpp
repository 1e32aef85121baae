// Tests of oauth1/adapters/poco.hpp and poco_transport.hpp against real loopback servers: requests
// signed with oauth1::poco::sign() and sent through Poco::Net::HTTPClientSession to
// oauth1_test::verifying_server (oauth1's provider on cpp-httplib) and, independently,
// python3-oauthlib (tests/interop/oauthlib_server.py; without it the case FAILS, saying so);
// what Poco 1.11 writes, checked on the wire with a raw capture server; the requests sign()
// refuses; and oauth1::poco::transport (timeouts, response limit, refused options).
#include <oauth1/adapters/poco.hpp> // first: the header is self-contained
#include <oauth1/adapters/poco_transport.hpp>

#include "support/loopback_socket.hpp"
#include "support/oauthlib_server.hpp"
#include "support/running_server.hpp"
#include "support/verifying_server.hpp"

#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <doctest/doctest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

static_assert(oauth1::is_transport_v<oauth1::poco::transport>,
              "oauth1::poco::transport must model the transport requirement");

namespace {

using oauth1_test::closed_port;
using oauth1_test::listen_loopback;
using oauth1_test::loopback;

using oauth1_test::access_token;
using oauth1_test::access_token_secret;
using oauth1_test::test_key_path;

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

bool contains(std::string_view hay, std::string_view needle)
{
    return hay.find(needle) != std::string_view::npos;
}

/// The problem named in a WWW-Authenticate value, e.g. "signature_invalid".
std::string problem_of(std::string_view www_authenticate)
{
    const std::size_t p = www_authenticate.find("oauth_problem=\"");
    if (p == std::string_view::npos) return {};
    const std::size_t b = p + 15;
    return std::string(www_authenticate.substr(b, www_authenticate.find('"', b) - b));
}

struct answer {
    int status = 0;
    std::string www_authenticate;
    std::string seen_target;
    std::string body;
};

/// Sends `req` (already signed) with `body` through a plain HTTPClientSession to 127.0.0.1:port.
answer send(int port, Poco::Net::HTTPRequest& req, std::string_view body)
{
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
    s.setTimeout(Poco::Timespan(10, 0));
    s.sendRequest(req).write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse res;
    std::istream& in = s.receiveResponse(res);
    answer a;
    a.status = static_cast<int>(res.getStatus());
    a.www_authenticate = res.get("WWW-Authenticate", "");
    a.seen_target = res.get("X-Seen-Target", "");
    Poco::StreamCopier::copyToString(in, a.body);
    return a;
}

/// Signs and sends one request to 127.0.0.1:port.
answer sign_and_send(int port, const oauth1::client& c, const std::string& method,
                     const std::string& target, std::string_view body = {},
                     const std::string& content_type = {}, const oauth1::sign_options& opts = {})
{
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!content_type.empty()) req.setContentType(content_type);
    oauth1::poco::sign(req, body, c, "http://127.0.0.1:" + std::to_string(port), opts);
    return send(port, req, body);
}

// ---- Raw sockets ------------------------------------------------------------------------------

/// A raw HTTP server on 127.0.0.1: records the bytes of each request (headers plus
/// Content-Length bytes) and answers `answer_text` - or, with `trickle`, sends its answer one
/// byte every 100 ms; with `silent`, never answers (until stopped).
class raw_server {
public:
    explicit raw_server(std::string answer_text =
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                        bool trickle = false, bool silent = false)
        : answer_(std::move(answer_text)), trickle_(trickle), silent_(silent)
    {
        listen_fd_ = listen_loopback(port_);
        thread_ = std::thread([this] { run(); });
    }
    raw_server(const raw_server&) = delete;
    raw_server& operator=(const raw_server&) = delete;
    ~raw_server()
    {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        ::close(listen_fd_);
    }
    int port() const noexcept { return port_; }
    std::string last() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return requests_.empty() ? std::string("<none>") : requests_.back();
    }

private:
    void run()
    {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int c = ::accept(listen_fd_, nullptr, nullptr);
            if (c < 0) continue;
            timeval tv{0, 200000};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            std::string data;
            char buf[4096];
            for (int idle = 0; !stop_ && idle < 25;) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n == 0) break;
                if (n < 0) {
                    ++idle;
                    continue;
                }
                data.append(buf, static_cast<std::size_t>(n));
                const std::size_t end = data.find("\r\n\r\n");
                if (end == std::string::npos) continue;
                std::size_t len = 0;
                const std::size_t cl = data.find("Content-Length: ");
                if (cl != std::string::npos && cl < end)
                    len = static_cast<std::size_t>(std::atol(data.c_str() + cl + 16));
                if (data.size() >= end + 4 + len) break;
            }
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                requests_.push_back(data);
            }
            if (silent_) {
                while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            } else if (trickle_) {
                for (const char ch : answer_) {
                    if (stop_ || ::send(c, &ch, 1, MSG_NOSIGNAL) != 1) break;
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                }
            } else {
                ::send(c, answer_.data(), answer_.size(), MSG_NOSIGNAL);
            }
            ::close(c);
        }
    }

    std::string answer_;
    bool trickle_ = false;
    bool silent_ = false;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
};

/// A self-signed certificate (EC P-256, CA:TRUE) for `san` ("IP:127.0.0.1"), its PEM in a
/// temporary file (removed by the destructor).
struct test_certificate {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
    std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
    std::string pem_path;

    explicit test_certificate(const char* san, const char* tag)
    {
        key.reset(EVP_EC_gen("P-256"));
        cert.reset(X509_new());
        if (!key || !cert) throw std::runtime_error("EVP_EC_gen/X509_new");
        X509* x = cert.get();
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), -3600);
        X509_gmtime_adj(X509_getm_notAfter(x), 86400);
        X509_set_pubkey(x, key.get());
        X509_NAME* name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("oauth1 poco test"), -1,
                                   -1, 0);
        X509_set_issuer_name(x, name);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
        for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, san},
                                         std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
            X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
            if (!ext) throw std::runtime_error("X509V3_EXT_conf_nid");
            X509_add_ext(x, ext, -1);
            X509_EXTENSION_free(ext);
        }
        if (X509_sign(x, key.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign");
        pem_path =
            (std::filesystem::temp_directory_path() /
             ("oauth1_poco_test_" + std::string(tag) + "_" + std::to_string(::getpid()) + ".pem"))
                .string();
        FILE* f = std::fopen(pem_path.c_str(), "w");
        if (!f) throw std::runtime_error("cannot write " + pem_path);
        PEM_write_X509(f, x);
        std::fclose(f);
    }
    test_certificate(const test_certificate&) = delete;
    test_certificate& operator=(const test_certificate&) = delete;
    ~test_certificate() { std::remove(pem_path.c_str()); }
};

} // namespace

// =================================================================================================
TEST_SUITE("poco: sign() against the verifying server")
{
    TEST_CASE("GET with reserved, '+', percent-encoded and non-ASCII characters")
    {
        oauth1_test::verifying_server server;
        const auto c = hmac_client();
        const std::string targets[] = {
            "/search?plus=a%2Bb&space=a%20b&star=*&bang=!&quote='&tilde=~&slash=a%2Fb"
            "&utf8=%C3%A9%E2%82%AC&dup=2&dup=1&dup=2",
            // As a browser or JIRA client writes them: '+' is a space, sub-delims raw.
            "/raw?q=a+b&s=!*'()&c=x,y;z&slash=%2F&u=%C3%A9&dup=b&dup=a&empty=",
            "/files/a%20b/c;v=1,2/@x!$&'()*+=:~/%2F/%C3%A9?x=%2F",
            "/",
            // Magento's raw brackets in the query, sent and signed as written.
            "/rest/V1/products?searchCriteria[pageSize]=2&a[]=1&b=[x]",
        };
        for (const std::string& t : targets) {
            CAPTURE(t);
            server.clear();
            const answer a = sign_and_send(server.port(), c, "GET", t);
            CHECK(a.status == 200);
            const auto seen = server.last();
            CHECK(seen.verified);
            CHECK(seen.target == t);
            CHECK(seen.url == server.origin() + t);
        }
    }

    TEST_CASE("POST with a form body: its parameters are signed; JSON with oauth_body_hash")
    {
        oauth1_test::verifying_server server;
        const auto c = hmac_client();
        const std::string form = "a=1+2&b=x%26y&c=%2B&d=%20&e=%C3%A9";
        Poco::Net::HTTPRequest req("POST", "/form?q=1", Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("application/x-www-form-urlencoded");
        const auto signed_req =
            oauth1::poco::sign(req, form, c, "http://127.0.0.1:" + std::to_string(server.port()));
        CHECK(contains(signed_req.base_string(), "a%3D1%25202"));
        CHECK(contains(signed_req.base_string(), "b%3Dx%2526y"));
        CHECK(req.getContentLength64() == static_cast<Poco::Int64>(form.size()));
        CHECK(req.getHost() == "127.0.0.1:" + std::to_string(server.port()));
        answer a = send(server.port(), req, form);
        CHECK(a.status == 200);
        CHECK(server.last().verified);
        CHECK(server.last().body == form);
        CHECK(server.last().base_string == signed_req.base_string());

        oauth1::sign_options opts;
        opts.body_hash = true;
        const std::string json = R"({"fields":{"summary":"a+b & c \u00e9","n":1}})";
        a = sign_and_send(server.port(), c, "POST", "/rest/api/2/issue", json, "application/json",
                          opts);
        CHECK(a.status == 200);
        CHECK(server.last().verified);
        CHECK(server.last().body == json);
        CHECK(contains(server.last().authorization, "oauth_body_hash=\""));

        // The JSON body changed after signing: signature_invalid.
        Poco::Net::HTTPRequest j("POST", "/rest/api/2/issue", Poco::Net::HTTPMessage::HTTP_1_1);
        j.setContentType("application/json");
        oauth1::poco::sign(j, json, c, server.origin(), opts);
        const std::string other = R"({"fields":{"summary":"changed!","n":1}})";
        REQUIRE(other.size() == json.size() - 6); // any other body: keep Content-Length right
        j.setContentLength64(static_cast<Poco::Int64>(other.size()));
        a = send(server.port(), j, other);
        CHECK(a.status == 401);
        CHECK(problem_of(a.www_authenticate) == "signature_invalid");
    }

    TEST_CASE("PUT and DELETE; HMAC-SHA1 and RSA-SHA1")
    {
        oauth1_test::verifying_server server;
        for (const auto& c : {hmac_client(), rsa_client()}) {
            CAPTURE(c.consumer_key());
            answer a = sign_and_send(server.port(), c, "PUT", "/item/7?v=2", "name=x+y",
                                     "application/x-www-form-urlencoded");
            CHECK(a.status == 200);
            CHECK(contains(a.body, "\"method\":\"PUT\""));
            CHECK(server.last().verified);
            a = sign_and_send(server.port(), c, "DELETE", "/item/7");
            CHECK(a.status == 200);
            CHECK(contains(a.body, "\"method\":\"DELETE\""));
            CHECK(contains(a.body, "\"consumer\":\"" + c.consumer_key() + "\""));
            CHECK(contains(server.last().authorization,
                           c.consumer_key() == "rsa-consumer" ? "RSA-SHA1" : "HMAC-SHA1"));
        }
    }

    TEST_CASE("tampered after signing, and replayed: refused")
    {
        oauth1_test::verifying_server server;
        const auto c = hmac_client();
        Poco::Net::HTTPRequest req("GET", "/search?fields=summary",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        oauth1::poco::sign(req, {}, c, server.origin());
        req.setURI("/search?fields=description");
        answer a = send(server.port(), req, {});
        CHECK(a.status == 401);
        CHECK(contains(a.www_authenticate, "OAuth realm=\"test\""));
        CHECK(problem_of(a.www_authenticate) == "signature_invalid");

        Poco::Net::HTTPRequest once("GET", "/once", Poco::Net::HTTPMessage::HTTP_1_1);
        oauth1::poco::sign(once, {}, c, server.origin());
        CHECK(send(server.port(), once, {}).status == 200);
        a = send(server.port(), once, {});
        CHECK(a.status == 401);
        CHECK(problem_of(a.www_authenticate) == "nonce_used");
    }
}

TEST_SUITE("poco: what Poco writes, and what sign() refuses")
{
    TEST_CASE("the request line is getURI() byte for byte; Host, Content-Length as signed")
    {
        raw_server raw;
        const auto c = hmac_client();
        const std::string origin = "http://127.0.0.1:" + std::to_string(raw.port());
        const std::string t = "/a/./b//c%2Fd?q=a+b&r=%2B&s=!*'()";
        Poco::Net::HTTPRequest req("POST", t, Poco::Net::HTTPMessage::HTTP_1_1);
        req.setContentType("application/x-www-form-urlencoded");
        oauth1::poco::sign(req, "x=1", c, origin);
        CHECK(send(raw.port(), req, "x=1").status == 200);
        const std::string wire = raw.last();
        CAPTURE(wire);
        CHECK(wire.rfind("POST " + t + " HTTP/1.1\r\n", 0) == 0);
        CHECK(contains(wire, "\r\nHost: 127.0.0.1:" + std::to_string(raw.port()) + "\r\n"));
        CHECK(contains(wire, "\r\nContent-Length: 3\r\n"));
        CHECK(contains(wire, "\r\nAuthorization: OAuth "));
        CHECK_FALSE(contains(wire, "User-Agent"));
        CHECK_FALSE(contains(wire, "Accept-Encoding"));
        CHECK(wire.substr(wire.size() - 3) == "x=1");

        // Poco::URI is not byte-preserving: it decodes the path and re-encodes only what it
        // must, so it would send another path than the one written.
        CHECK(Poco::URI("http://h/a%2Fb").getPathAndQuery() == "/a/b");

        // What sendRequest() does to a request sign() did not see: a POST body without
        // Content-Length goes out unframed (no Content-Length, no Transfer-Encoding), and Host
        // comes from the session.
        {
            Poco::Net::HTTPRequest plain("POST", "/p", Poco::Net::HTTPMessage::HTTP_1_1);
            send(raw.port(), plain, "x=1");
            const std::string w = raw.last();
            CAPTURE(w);
            CHECK_FALSE(contains(w, "Content-Length"));
            CHECK_FALSE(contains(w, "Transfer-Encoding"));
            CHECK(contains(w, "\r\nHost: 127.0.0.1:" + std::to_string(raw.port()) + "\r\n"));
        }
        // Through an http proxy (setProxy): the request line carries the absolute form, Host and
        // the signed target unchanged, and sendRequest() rewrites the request's URI in place.
        {
            raw_server proxy;
            Poco::Net::HTTPRequest via("GET", "/v?q=a+b", Poco::Net::HTTPMessage::HTTP_1_1);
            oauth1::poco::sign(via, {}, c, "http://api.example.com:8080");
            Poco::Net::HTTPClientSession s("api.example.com", 8080);
            s.setProxy("127.0.0.1", static_cast<Poco::UInt16>(proxy.port()));
            s.sendRequest(via);
            Poco::Net::HTTPResponse res;
            std::string ignored;
            Poco::StreamCopier::copyToString(s.receiveResponse(res), ignored);
            const std::string w = proxy.last();
            CAPTURE(w);
            CHECK(w.rfind("GET http://api.example.com:8080/v?q=a+b HTTP/1.1\r\n", 0) == 0);
            CHECK(contains(w, "\r\nHost: api.example.com:8080\r\n"));
            CHECK(via.getURI() == "http://api.example.com:8080/v?q=a+b");
        }
        // HTTPRequest::setHost(host, port), which sendRequest() uses, drops 80 and 443 whatever
        // the scheme.
        Poco::Net::HTTPRequest h443;
        h443.setHost("api.example.com", 443);
        CHECK(h443.getHost() == "api.example.com");
        h443.setHost("api.example.com", 80);
        CHECK(h443.getHost() == "api.example.com");

        // Without Host, Poco names the session's host and drops port 80/443 whatever the
        // scheme; sign() sets the origin's authority.
        Poco::Net::HTTPRequest bare("GET", "/", Poco::Net::HTTPMessage::HTTP_1_1);
        oauth1::poco::sign(bare, {}, c, "https://api.example.com:443");
        CHECK(bare.getHost() == "api.example.com:443");
    }

    TEST_CASE("requests Poco would send otherwise are refused (request_not_sendable)")
    {
        const auto c = hmac_client();
        const auto refused = [&c](Poco::Net::HTTPRequest& req, std::string_view body,
                                  const char* part) {
            CAPTURE(part);
            std::error_code ec;
            oauth1::signed_request out;
            oauth1::poco::sign(req, body, c, "http://127.0.0.1:8080", {}, out, ec);
            CHECK(ec == oauth1::errc::request_not_sendable);
            CHECK_FALSE(req.has("Authorization"));
            try {
                oauth1::poco::sign(req, body, c, "http://127.0.0.1:8080");
                FAIL("no exception");
            } catch (const oauth1::error& e) {
                CHECK(contains(e.what(), part));
            }
        };
        using Poco::Net::HTTPRequest;
        HTTPRequest space("GET", "/a b", "HTTP/1.1");
        refused(space, {}, "URI");
        HTTPRequest utf8("GET", "/caf\xC3\xA9", "HTTP/1.1");
        refused(utf8, {}, "URI");
        HTTPRequest fragment("GET", "/a#b", "HTTP/1.1");
        refused(fragment, {}, "URI");
        HTTPRequest empty("GET", "", "HTTP/1.1");
        refused(empty, {}, "URI");
        HTTPRequest absolute("GET", "http://127.0.0.1:8080/a", "HTTP/1.1");
        refused(absolute, {}, "URI");
        HTTPRequest host("GET", "/", "HTTP/1.1");
        host.setHost("evil.example.com");
        refused(host, {}, "Host");
        HTTPRequest crlf("GET", "/", "HTTP/1.1");
        crlf.set("X-Note", "a\r\nX-Injected: 1");
        refused(crlf, {}, "header");
        HTTPRequest types("POST", "/", "HTTP/1.1");
        types.add("Content-Type", "application/x-www-form-urlencoded");
        types.add("Content-Type", "text/plain");
        refused(types, "a=1", "Content-Type");
        HTTPRequest length("POST", "/", "HTTP/1.1");
        length.setContentLength(99);
        refused(length, "a=1", "Content-Length");
        HTTPRequest gz("POST", "/", "HTTP/1.1");
        gz.setContentType("application/x-www-form-urlencoded");
        gz.set("Content-Encoding", "gzip");
        refused(gz, "a=1", "Content-Encoding");

        std::error_code ec;
        oauth1::signed_request out;
        HTTPRequest ok("GET", "/", "HTTP/1.1");
        oauth1::poco::sign(ok, {}, c, "ftp://127.0.0.1", {}, out, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        oauth1::poco::sign(ok, {}, c, "http://127.0.0.1/path", {}, out, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        // Signing twice replaces the Authorization header (Poco's set() would replace one).
        oauth1::poco::sign(ok, {}, c, "http://127.0.0.1:8080", {}, out, ec);
        REQUIRE(!ec);
        ok.add("Authorization", "Basic eA==");
        oauth1::poco::sign(ok, {}, c, "http://127.0.0.1:8080", {}, out, ec);
        REQUIRE(!ec);
        int n = 0;
        for (const auto& [k, v] : ok) n += k == "Authorization" ? 1 : 0;
        CHECK(n == 1);
    }
}

TEST_CASE("independent verifier: python3-oauthlib accepts what Poco sends")
{
    oauth1_test::oauthlib_server server("adapter_poco_oauthlib_server.log");
    const int port = std::stoi(server.origin().substr(server.origin().rfind(':') + 1));
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
    for (const auto& c : {hmac_client(), rsa_client()}) {
        for (const ext_case& e : ext) {
            CAPTURE(c.consumer_key());
            CAPTURE(e.target);
            const answer a = sign_and_send(port, c, e.method, e.target, e.body, e.content_type);
            CHECK_MESSAGE(a.status == 200, a.www_authenticate << " " << a.body << " (see "
                                                              << server.log_path() << ")");
            CHECK(contains(a.body, "\"verified\": true"));
            CHECK(a.seen_target == e.target);
        }
    }
    // A tampered one and a replayed one are refused, so the 200s above mean something.
    Poco::Net::HTTPRequest req("GET", "/rest/api/2/issue/JJ-2?a=1", "HTTP/1.1");
    oauth1::poco::sign(req, {}, hmac_client(), server.origin());
    CHECK(send(port, req, {}).status == 200);
    CHECK(send(port, req, {}).status == 401);
    req.setURI("/rest/api/2/issue/JJ-2?a=1&b=2");
    CHECK(send(port, req, {}).status == 401);
    CHECK(server.stop() == 0);
}

// =================================================================================================
TEST_SUITE("poco: transport")
{
    TEST_CASE("signed http_requests are sent as signed; a 401 is a response")
    {
        oauth1_test::verifying_server server;
        const oauth1::poco::transport http;
        const auto c = hmac_client();
        oauth1::http_request req{"POST", server.origin() + "/form?q=a+b&e=%C3%A9",
                                 "application/x-www-form-urlencoded", "a=1&b=%2B"};
        oauth1::sign(req, c);
        std::error_code ec;
        auto res = http(req, ec);
        REQUIRE(!ec);
        CHECK(res.status == 200);
        CHECK(server.last().verified);
        CHECK(server.last().target == "/form?q=a+b&e=%C3%A9");
        // Replayed: a 401 is an answer, not an error.
        res = http(req, ec);
        REQUIRE(!ec);
        CHECK(res.status == 401);
        CHECK(problem_of(res.header("WWW-Authenticate")) == "nonce_used");

        oauth1::http_request get{"GET", server.origin()};
        oauth1::sign(get, c);
        res = http(get, ec);
        REQUIRE(!ec);
        CHECK(res.status == 200);
        CHECK(server.last().target == "/");

        // Raw '[' and ']' in the query (Magento) go out as written, which is what was signed.
        oauth1::http_request brackets{
            "GET", server.origin() + "/rest/V1/products?searchCriteria[pageSize]=2&a[]=1"};
        oauth1::sign(brackets, c);
        res = http(brackets, ec);
        REQUIRE_MESSAGE(!ec, ec.message());
        CHECK(res.status == 200);
        CHECK(server.last().verified);
        CHECK(server.last().target == "/rest/V1/products?searchCriteria[pageSize]=2&a[]=1");
    }

    TEST_CASE("failures: closed port, timeouts, response limit, refused options")
    {
        std::error_code ec;
        std::string what;
        oauth1::transport_options o;
        o.connect_timeout = std::chrono::milliseconds(2000);
        o.timeout = std::chrono::milliseconds(700);

        const std::string closed = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x?s=1";
        oauth1::http_request req{"GET", closed};
        req.headers.push_back({"Authorization", "OAuth oauth_signature=\"secret-sig\""});
        oauth1::poco::transport{o}(req, ec, what);
        CHECK(ec == oauth1::errc::transport_failed);
        CHECK(contains(what, "Poco: "));
        CHECK_FALSE(contains(what, "secret-sig"));
        CHECK_FALSE(contains(what, "s=1"));

        {
            raw_server silent("", false, /*silent*/ true);
            const auto start = std::chrono::steady_clock::now();
            oauth1::poco::transport{o}(
                {"GET", "http://127.0.0.1:" + std::to_string(silent.port()) + "/"}, ec, what);
            const auto took = std::chrono::steady_clock::now() - start;
            CHECK(ec == oauth1::errc::transport_failed);
            CHECK(contains(what, "timed out"));
            CHECK(took < std::chrono::seconds(3));
        }
        {
            // An answer trickling one byte every 100 ms: each read is quick, the whole is not.
            raw_server trickle("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n"
                               "0123456789012345678901234567890123456789",
                               /*trickle*/ true);
            const auto start = std::chrono::steady_clock::now();
            oauth1::poco::transport{o}(
                {"GET", "http://127.0.0.1:" + std::to_string(trickle.port()) + "/"}, ec, what);
            const auto took = std::chrono::steady_clock::now() - start;
            CHECK(ec == oauth1::errc::transport_failed);
            CHECK(contains(what, "transport_options::timeout"));
            CHECK(took < std::chrono::seconds(3));
        }
        {
            oauth1_test::verifying_server server;
            oauth1::transport_options small;
            small.max_response_body_bytes = 10;
            oauth1::poco::transport{small}({"GET", server.origin() + "/"}, ec, what);
            CHECK(ec == oauth1::errc::response_too_large);
            CHECK(contains(what, "max_response_body_bytes"));
            // Chunked: no Content-Length to refuse up front; the read stops at the limit.
            raw_server chunked("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: "
                               "close\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n");
            oauth1::poco::transport{small}(
                {"GET", "http://127.0.0.1:" + std::to_string(chunked.port()) + "/"}, ec, what);
            CHECK(ec == oauth1::errc::response_too_large);
            small.max_response_body_bytes = 16;
            const auto r = oauth1::poco::transport{small}(
                {"GET", "http://127.0.0.1:" + std::to_string(chunked.port()) + "/"}, ec, what);
            REQUIRE(!ec);
            CHECK(r.body == "0123456701234567");
        }

        oauth1::transport_options bad;
        bad.proxy = "http://127.0.0.1:3128";
        oauth1::poco::transport{bad}({"GET", closed}, ec, what);
        CHECK(ec == oauth1::errc::invalid_argument);
        CHECK(contains(what, "oauth1::poco::transport: transport_options::proxy"));
        bad = {};
        bad.follow_redirects = true;
        oauth1::poco::transport{bad}({"GET", closed}, ec, what);
        CHECK(ec == oauth1::errc::invalid_argument);
        bad = {};
        bad.timeout = std::chrono::milliseconds(0);
        oauth1::poco::transport{bad}({"GET", closed}, ec, what);
        CHECK(ec == oauth1::errc::invalid_argument);
    }

    TEST_CASE("user_agent, and http_requests it cannot send as given")
    {
        raw_server raw;
        const std::string origin = "http://127.0.0.1:" + std::to_string(raw.port());
        oauth1::transport_options o;
        o.user_agent = "oauth1-test/1";
        std::error_code ec;
        std::string what;
        oauth1::poco::transport{o}({"GET", origin + "/ua"}, ec, what);
        REQUIRE(!ec);
        CHECK(contains(raw.last(), "\r\nUser-Agent: oauth1-test/1\r\n"));
        CHECK(contains(raw.last(), "\r\nConnection: Close\r\n"));

        const oauth1::poco::transport http;
        oauth1::http_request r{"GET", origin + "/a b"};
        http(r, ec, what);
        CHECK((ec == oauth1::errc::request_not_sendable || ec == oauth1::errc::invalid_url));
        r = {"GET", origin + "/"};
        r.headers.push_back({"Host", "evil.example.com"});
        http(r, ec, what);
        CHECK(ec == oauth1::errc::request_not_sendable);
        r = {"GET", origin + "/"};
        r.headers.push_back({"X-A", "1\r\nX-B: 2"});
        http(r, ec, what);
        CHECK(ec == oauth1::errc::request_not_sendable);
        r = {"POST", origin + "/", "text/plain", "abc"};
        r.headers.push_back({"Transfer-Encoding", "chunked"});
        http(r, ec, what);
        CHECK(ec == oauth1::errc::request_not_sendable);
        r = {"GET", "http://user@127.0.0.1:" + std::to_string(raw.port()) + "/"};
        http(r, ec, what);
        CHECK(ec == oauth1::errc::request_not_sendable);
    }
}

TEST_CASE("transport over TLS: a CA file, the host name checked, verify_peer = false")
{
    const test_certificate good("IP:127.0.0.1", "good");
    const test_certificate other_host("IP:127.0.0.2", "other");
    for (const test_certificate* tc : {&good, &other_host}) {
        httplib::SSLServer svr(tc->cert.get(), tc->key.get());
        REQUIRE(svr.is_valid());
        svr.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
            res.set_content("hello " + req.target + " " + req.get_header_value("Host"),
                            "text/plain");
        });
        const oauth1_test::running_server run(svr);
        const std::string url = "https://127.0.0.1:" + std::to_string(run.port()) + "/s?x=a%20b";
        std::error_code ec;
        std::string what;
        oauth1::transport_options o;
        o.ca_file = tc->pem_path;
        o.timeout = std::chrono::milliseconds(5000);
        auto r = oauth1::poco::transport{o}({"GET", url}, ec, what);
        if (tc == &good) {
            REQUIRE_MESSAGE(!ec, what);
            CHECK(r.status == 200);
            CHECK(r.body == "hello /s?x=a%20b 127.0.0.1:" + std::to_string(run.port()));
            // Default CAs (the system's) do not know this certificate.
            oauth1::transport_options defaults;
            defaults.timeout = std::chrono::milliseconds(5000);
            r = oauth1::poco::transport{defaults}({"GET", url}, ec, what);
            CHECK(ec == oauth1::errc::transport_failed);
            CHECK(contains(what, "Poco: "));
        } else {
            // Trusted CA, but the certificate names another host: refused (VERIFY_STRICT).
            CHECK(contains(what, "Certificate validation error"));
            CHECK(ec == oauth1::errc::transport_failed);
        }
        oauth1::transport_options insecure;
        insecure.verify_peer = false;
        r = oauth1::poco::transport{insecure}({"GET", url}, ec, what);
        REQUIRE_MESSAGE(!ec, what);
        CHECK(r.status == 200);
    }
}

// examples/poco_request (the README's Poco snippet), run by CTest as example_poco_request with
// OAUTH1_POCO_EXAMPLE naming the executable.
TEST_CASE("example: oauth1-poco-example against the verifying server")
{
    const char* exe = std::getenv("OAUTH1_POCO_EXAMPLE");
    if (!exe || !*exe) {
        MESSAGE("OAUTH1_POCO_EXAMPLE not set (CTest example_poco_request sets it): skipped");
        return;
    }
    oauth1_test::verifying_server server;
    const std::string url =
        server.origin() + "/rest/api/2/issue/JJ-2?fields=summary,status&s=a%2Fb";
    for (const bool rsa : {false, true}) {
        CAPTURE(rsa);
        std::string cmd =
            "OAUTH1_CONSUMER_KEY=" +
            std::string(rsa ? oauth1_test::rsa_consumer_key : oauth1_test::hmac_consumer_key) +
            (rsa ? " OAUTH1_PRIVATE_KEY='" + test_key_path("wiki_key.pem") + "'"
                 : std::string(" OAUTH1_CONSUMER_SECRET=") + oauth1_test::hmac_consumer_secret) +
            " OAUTH1_TOKEN=" + access_token + " OAUTH1_TOKEN_SECRET=" + access_token_secret + " '" +
            exe + "' '" + url + "'";
        FILE* pipe = ::popen(cmd.c_str(), "r");
        REQUIRE(pipe);
        std::string out;
        char buf[512];
        while (std::fgets(buf, sizeof buf, pipe)) out += buf;
        const int status = ::pclose(pipe);
        CHECK(status == 0);
        CHECK(out.rfind("200\n", 0) == 0);
        CHECK(contains(out, "\"verified\":true"));
        CHECK(server.last().verified);
        CHECK(server.last().target == "/rest/api/2/issue/JJ-2?fields=summary,status&s=a%2Fb");
    }
}
