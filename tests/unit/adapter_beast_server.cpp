// oauth1/adapters/beast_server.hpp against real Boost.Beast servers on 127.0.0.1 - one
// synchronous (a thread reading and answering one connection at a time) and one asynchronous
// (an io_context running async_accept / async_read / async_write) - verifying requests that
// oauth1's client signs and sends as raw HTTP, and requests that python3-oauthlib signs and
// sends with urllib. Hostile requests (tampered, replayed, an unsigned parameter, two
// Authorization fields, forwarding headers from an untrusted peer, a body over the limit) are
// refused with the right status and WWW-Authenticate.
#include <oauth1/adapters/beast_server.hpp>

#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include "support/oauthlib_server.hpp" // python(): /usr/bin/python3 with python3-oauthlib

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr const char* hmac_key = "hmac-consumer";
constexpr const char* hmac_secret = "kd94hf93k423kf44";
constexpr const char* rsa_key = "rsa-consumer";
constexpr const char* token = "nnch734d00sl2jdk";
constexpr const char* token_secret = "pfkkdhi9sl3r4s00";
constexpr std::size_t body_limit = 64 * 1024;

std::string key_path(std::string_view file)
{
    return std::string(OAUTH1_TEST_DATA_DIR "/keys/") + std::string(file);
}

/// What the servers know and how they verify: the credentials above, an in-memory nonce store,
/// and the origin under test.
class provider {
public:
    explicit provider(oauth1::public_origin origin) : origin_(std::move(origin))
    {
        consumers_[hmac_key] = {hmac_secret, {}, oauth1::method_set::all()};
        consumers_[rsa_key] = {"", oauth1::load_public_key_file(key_path("wiki_cert.pem")),
                               oauth1::method_set::all()};
    }

    /// The answer to `req` from `peer`.
    oauth1::beast::server_response answer(const oauth1::beast::server_request& req,
                                          const std::string& peer)
    {
        auto consumers = [this](std::string_view k) -> const oauth1::consumer_credentials* {
            const auto it = consumers_.find(std::string(k));
            return it == consumers_.end() ? nullptr : &it->second;
        };
        auto tokens = [](std::string_view consumer,
                         std::string_view t) -> std::optional<oauth1::token_credentials> {
            if (t != token) return std::nullopt;
            return oauth1::token_credentials(std::string(consumer), token_secret);
        };
        const oauth1::request_verifier v(consumers, tokens, nonces_);
        oauth1::verify_options opts;
        opts.token = oauth1::token_requirement::optional;
        std::error_code ec;
        const oauth1::verify_result r = oauth1::beast::verify(v, req, origin_, peer, opts, ec);
        if (ec) return oauth1::beast::unavailable(req);
        if (!r) return oauth1::beast::refuse(req, r, "test");
        oauth1::beast::server_response res{http::status::ok, req.version()};
        res.set(http::field::content_type, "text/plain");
        res.keep_alive(req.keep_alive());
        res.body() = "verified " + r.consumer_key + " " + std::string(req.method_string()) + " " +
                     std::string(req.target());
        res.prepare_payload();
        return res;
    }

private:
    oauth1::public_origin origin_;
    std::map<std::string, oauth1::consumer_credentials> consumers_;
    oauth1::memory_nonce_store nonces_;
};

/// A synchronous Beast server: one thread, one connection at a time, keep-alive honoured.
class sync_server {
public:
    explicit sync_server(oauth1::public_origin origin)
        : provider_(std::move(origin)), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
    {
        thread_ = std::thread([this] { run(); });
    }
    sync_server(const sync_server&) = delete;
    sync_server& operator=(const sync_server&) = delete;
    ~sync_server()
    {
        stopping_ = true;
        boost::system::error_code ec;
        // Wakes the blocking accept with a connection of our own, then joins.
        tcp::socket poke(io_);
        poke.connect(acceptor_.local_endpoint(), ec);
        poke.close(ec);
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void run()
    {
        while (!stopping_) {
            tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) continue;
            serve(socket);
        }
    }

    void serve(tcp::socket& socket)
    {
        boost::beast::flat_buffer buffer;
        const std::string peer = oauth1::beast::peer_address(socket.remote_endpoint());
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(body_limit);
            boost::system::error_code ec;
            http::read(socket, buffer, parser, ec);
            if (ec == http::error::body_limit) {
                http::write(socket, oauth1::beast::too_large(parser.get().version(), body_limit),
                            ec);
                // A lingering close: closing with unread data would send a reset that can
                // destroy the answer before the client reads it.
                socket.shutdown(tcp::socket::shutdown_send, ec);
                char sink[4096];
                for (std::size_t drained = 0; !ec && drained < 4 * body_limit;)
                    drained += socket.read_some(asio::buffer(sink), ec);
                return;
            }
            if (ec) return;
            const auto res = provider_.answer(parser.get(), peer);
            http::write(socket, res, ec);
            if (ec || !res.keep_alive()) return;
        }
    }

    provider provider_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// An asynchronous Beast server: an io_context on its own thread, one session per connection.
class async_server {
public:
    explicit async_server(oauth1::public_origin origin)
        : provider_(std::move(origin)), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))
    {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    async_server(const async_server&) = delete;
    async_server& operator=(const async_server&) = delete;
    ~async_server()
    {
        io_.stop();
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    struct session : std::enable_shared_from_this<session> {
        session(tcp::socket s, provider& p) : socket(std::move(s)), prov(p) {}
        void read()
        {
            parser.emplace();
            parser->body_limit(body_limit);
            http::async_read(socket, buffer, *parser,
                             [self = shared_from_this()](boost::system::error_code ec,
                                                         std::size_t) { self->on_read(ec); });
        }
        void on_read(boost::system::error_code ec)
        {
            if (ec == http::error::body_limit) {
                write(oauth1::beast::too_large(parser->get().version(), body_limit));
                return;
            }
            if (ec) return;
            boost::system::error_code peer_ec;
            const auto peer = socket.remote_endpoint(peer_ec);
            write(prov.answer(parser->get(), peer_ec ? std::string() : oauth1::beast::peer_address(peer)));
        }
        void write(oauth1::beast::server_response r)
        {
            res = std::make_shared<oauth1::beast::server_response>(std::move(r));
            http::async_write(socket, *res,
                              [self = shared_from_this()](boost::system::error_code ec,
                                                          std::size_t) {
                                  if (ec) return;
                                  if (self->res->keep_alive()) {
                                      self->read();
                                  } else {
                                      // Lingering close (see sync_server::serve).
                                      self->socket.shutdown(tcp::socket::shutdown_send, ec);
                                      self->drain();
                                  }
                              });
        }
        void drain()
        {
            socket.async_read_some(asio::buffer(sink),
                                   [self = shared_from_this()](boost::system::error_code ec,
                                                               std::size_t n) {
                                       self->drained += n;
                                       if (!ec && self->drained < 4 * body_limit) self->drain();
                                   });
        }
        char sink[4096];
        std::size_t drained = 0;
        tcp::socket socket;
        provider& prov;
        boost::beast::flat_buffer buffer;
        std::optional<http::request_parser<http::string_body>> parser;
        std::shared_ptr<oauth1::beast::server_response> res;
    };

    void accept()
    {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (!ec) std::make_shared<session>(std::move(s), provider_)->read();
            accept();
        });
    }

    provider provider_;
    asio::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
};

/// An HTTP answer as a client sees it.
struct answer {
    int status = 0;
    std::string www_authenticate;
    std::string body;
};

/// Sends `raw` (a whole request) on a new connection and reads one response.
answer send_raw(unsigned short port, const std::string& raw)
{
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    boost::system::error_code ec;
    // A server refusing a body over its limit answers and closes before reading all of it: the
    // write may then fail, and the answer is still there to read.
    asio::write(s, asio::buffer(raw), ec);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(s, buffer, res, ec);
    answer a;
    if (ec) return a;
    a.status = static_cast<int>(res.result_int());
    a.www_authenticate = std::string(res[http::field::www_authenticate]);
    a.body = res.body();
    return a;
}

/// One request signed by oauth1's client for http://127.0.0.1:<port><target> (or `url`).
struct signed_raw {
    std::string method;
    std::string target;
    std::string content_type;
    std::string body;
    std::string authorization;
    std::vector<std::string> extra_headers;

    std::string text(unsigned short port) const
    {
        std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                        std::to_string(port) + "\r\nConnection: close\r\n";
        if (!authorization.empty()) r += "Authorization: " + authorization + "\r\n";
        if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
        for (const auto& h : extra_headers) r += h + "\r\n";
        r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        return r;
    }
};

template <class Signer>
signed_raw sign_for(const std::string& url_origin, Signer signer, const char* consumer,
                    std::string method, std::string target, std::string content_type = {},
                    std::string body = {}, bool body_hash = false)
{
    oauth1::basic_client<Signer> c(consumer, std::move(signer));
    c.set_token(token, token_secret);
    oauth1::sign_options opts;
    opts.body_hash = body_hash;
    signed_raw r{method, target, content_type, body, {}, {}};
    r.authorization =
        c.authorization_header({method, url_origin + target, content_type, body}, opts);
    return r;
}

std::string local(unsigned short port)
{
    return "http://127.0.0.1:" + std::to_string(port);
}

oauth1::rsa_sha1 rsa_signer()
{
    return oauth1::rsa_sha1(oauth1::load_private_key_file(key_path("wiki_key.pem")));
}

/// The matrix every server must pass: methods, bodies, reserved and non-ASCII characters, both
/// signature methods; then tampered, replayed, unsigned-parameter and duplicate-field requests.
template <class Server>
void check_server(Server& srv)
{
    const unsigned short port = srv.port();
    const std::string origin = local(port);
    const std::string reserved_target =
        "/rest/api/2/search?jql=project%20%3D%20JJ%20AND%20summary~%22a%2Bb%22&x=%E2%9C%93&e=";
    SUBCASE("GET with reserved and non-ASCII characters, HMAC-SHA1 and RSA-SHA1")
    {
        for (int rsa = 0; rsa < 2; ++rsa) {
            CAPTURE(rsa);
            const signed_raw r =
                rsa ? sign_for(origin, rsa_signer(), rsa_key, "GET", reserved_target)
                    : sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "GET",
                               reserved_target);
            const answer a = send_raw(port, r.text(port));
            CHECK(a.status == 200);
            CHECK(a.body == std::string("verified ") + (rsa ? rsa_key : hmac_key) + " GET " +
                                reserved_target);
        }
    }
    SUBCASE("form POST, JSON POST with body hash, PUT, DELETE")
    {
        const std::vector<signed_raw> requests = {
            sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "POST",
                     "/rest/api/2/issue?notify=false", "application/x-www-form-urlencoded",
                     "summary=a%20b%2Bc&labels=x&labels=y"),
            sign_for(origin, rsa_signer(), rsa_key, "POST", "/rest/api/2/issue",
                     "application/json", R"({"fields":{"summary":"caf\u00e9"}})", true),
            sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "PUT",
                     "/rest/api/2/issue/JJ-2", "application/json", R"({"fields":{}})", true),
            sign_for(origin, rsa_signer(), rsa_key, "DELETE", "/rest/api/2/issue/JJ-3"),
        };
        for (const signed_raw& r : requests) {
            CAPTURE(r.method);
            CAPTURE(r.target);
            const answer a = send_raw(port, r.text(port));
            CHECK(a.status == 200);
            CHECK(a.body.rfind("verified ", 0) == 0);
        }
    }
    SUBCASE("a JSON body changed after signing with oauth_body_hash is refused")
    {
        signed_raw r = sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "POST",
                                "/rest/api/2/issue", "application/json", R"({"a":1})", true);
        r.body = R"({"a":2})";
        const answer a = send_raw(port, r.text(port));
        CHECK(a.status == 401);
        CHECK(a.www_authenticate.find("oauth_problem=") != std::string::npos);
    }
    SUBCASE("tampered query, replay, unsigned parameter, two Authorization fields")
    {
        const signed_raw good = sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "GET",
                                         "/rest/api/2/issue/JJ-2?expand=names");
        signed_raw tampered = good;
        tampered.target = "/rest/api/2/issue/JJ-3?expand=names";
        answer a = send_raw(port, tampered.text(port));
        CHECK(a.status == 401);
        CHECK(a.www_authenticate.find("oauth_problem=\"signature_invalid\"") != std::string::npos);

        signed_raw extra = good;
        extra.target += "&admin=true";
        a = send_raw(port, extra.text(port));
        CHECK(a.status == 401);
        CHECK(a.www_authenticate.find("signature_invalid") != std::string::npos);

        a = send_raw(port, good.text(port));
        CHECK(a.status == 200);
        a = send_raw(port, good.text(port)); // the same nonce again
        CHECK(a.status == 401);
        CHECK(a.www_authenticate.find("oauth_problem=\"nonce_used\"") != std::string::npos);

        signed_raw twice = sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "GET",
                                    "/rest/api/2/myself");
        twice.extra_headers.push_back("Authorization: " + twice.authorization);
        a = send_raw(port, twice.text(port));
        CHECK(a.status == 400);
        CHECK(a.www_authenticate.find("oauth_problem=\"parameter_rejected\"") != std::string::npos);
        CHECK(a.www_authenticate.find("realm=\"test\"") != std::string::npos);
    }
    SUBCASE("no credentials at all: 400 parameter_absent with WWW-Authenticate, as JIRA answers")
    {
        const signed_raw none{"GET", "/rest/api/2/myself", {}, {}, {}, {}};
        const answer a = send_raw(port, none.text(port));
        CHECK(a.status == 400);
        CHECK(a.www_authenticate.rfind("OAuth realm=\"test\", oauth_problem=\"parameter_absent\"",
                                       0) == 0);
    }
    SUBCASE("a body over the parser's body_limit: 413")
    {
        signed_raw big = sign_for(origin, oauth1::hmac_sha1(hmac_secret), hmac_key, "POST",
                                  "/upload", "application/octet-stream",
                                  std::string(body_limit + 1, 'x'), true);
        const answer a = send_raw(port, big.text(port));
        CHECK(a.status == 413);
    }
}

} // namespace

TEST_CASE("a synchronous Beast server verifies what oauth1 signs and refuses the rest")
{
    sync_server srv(oauth1::public_origin::trust_host_header("http"));
    check_server(srv);
}

TEST_CASE("an asynchronous Beast server verifies what oauth1 signs and refuses the rest")
{
    async_server srv(oauth1::public_origin::trust_host_header("http"));
    check_server(srv);
}

TEST_CASE("behind a TLS-terminating proxy: forwarding headers only from a trusted peer")
{
    const std::string public_url = "https://jira.example.com";
    const auto request = [&](unsigned short port) {
        signed_raw r = sign_for(public_url, oauth1::hmac_sha1(hmac_secret), hmac_key, "GET",
                                "/rest/api/2/issue/JJ-2");
        r.extra_headers = {"X-Forwarded-Proto: https", "X-Forwarded-Host: jira.example.com"};
        return r.text(port);
    };
    SUBCASE("the proxy (127.0.0.1) is trusted: the https URL is rebuilt and verifies")
    {
        sync_server srv(oauth1::public_origin("http", "internal:8080")
                            .trust_proxies({"127.0.0.1"}, oauth1::forwarded_headers::x_forwarded));
        const answer a = send_raw(srv.port(), request(srv.port()));
        CHECK(a.status == 200);
    }
    SUBCASE("from an untrusted peer the headers are ignored: verified against http://internal")
    {
        sync_server srv(oauth1::public_origin("http", "internal:8080")
                            .trust_proxies({"10.9.9.9"}, oauth1::forwarded_headers::x_forwarded));
        const answer a = send_raw(srv.port(), request(srv.port()));
        CHECK(a.status == 401);
        CHECK(a.www_authenticate.find("signature_invalid") != std::string::npos);
    }
    SUBCASE("request_url() shows the URL each case verifies against")
    {
        oauth1::beast::server_request req{http::verb::get, "/a?b=c", 11};
        req.set("X-Forwarded-Proto", "https");
        req.set("X-Forwarded-Host", "jira.example.com");
        const auto origin = oauth1::public_origin("http", "internal:8080")
                                .trust_proxies({"10.0.0.7"}, oauth1::forwarded_headers::x_forwarded);
        CHECK(oauth1::beast::request_url(req, origin, "10.0.0.7") ==
              "https://jira.example.com/a?b=c");
        CHECK(oauth1::beast::request_url(req, origin, "10.0.0.8") == "http://internal:8080/a?b=c");
        oauth1::beast::server_request absolute{http::verb::get, "http://evil.example/a", 11};
        CHECK(oauth1::beast::request_url(absolute, origin, "10.0.0.8").empty());
    }
}

TEST_CASE("requests signed by python3-oauthlib verify on both Beast servers")
{
    sync_server s1(oauth1::public_origin::trust_host_header("http"));
    async_server s2(oauth1::public_origin::trust_host_header("http"));
    for (const unsigned short port : {s1.port(), s2.port()}) {
        CAPTURE(port);
        // oauthlib signs (HMAC-SHA1 and RSA-SHA1), urllib sends; the script prints each status.
        const std::string script =
            "import sys, urllib.request, urllib.error\n"
            "from oauthlib.oauth1 import Client, SIGNATURE_RSA\n"
            "base = 'http://127.0.0.1:" + std::to_string(port) + "'\n"
            "key = open('" + key_path("wiki_key.pem") + "').read()\n"
            "cases = [\n"
            " (Client('hmac-consumer', client_secret='kd94hf93k423kf44', resource_owner_key='"
            "nnch734d00sl2jdk', resource_owner_secret='pfkkdhi9sl3r4s00'), 'GET', "
            "'/rest/api/2/search?jql=project%20%3D%20JJ&x=%E2%9C%93', None, None),\n"
            " (Client('rsa-consumer', signature_method=SIGNATURE_RSA, rsa_key=key, "
            "resource_owner_key='nnch734d00sl2jdk'), 'POST', '/rest/api/2/issue?a=1', "
            "'summary=caf%C3%A9+au+lait&b=2', 'application/x-www-form-urlencoded'),\n"
            " (Client('hmac-consumer', client_secret='kd94hf93k423kf44'), 'DELETE', "
            "'/rest/api/2/issue/JJ-9', None, None),\n"
            "]\n"
            "for c, m, path, body, ct in cases:\n"
            "    headers = {'Content-Type': ct} if ct else {}\n"
            "    u, h, b = c.sign(base + path, m, body=body, headers=headers)\n"
            "    req = urllib.request.Request(u, data=b.encode() if b else None, headers=h, "
            "method=m)\n"
            "    try:\n"
            "        print(urllib.request.urlopen(req).status)\n"
            "    except urllib.error.HTTPError as e:\n"
            "        print(e.code, e.headers.get('WWW-Authenticate'))\n";
        const std::string cmd = oauth1_test::python() + " -c \"$OAUTH1_SCRIPT\" 2>&1";
        setenv("OAUTH1_SCRIPT", script.c_str(), 1);
        FILE* p = popen(cmd.c_str(), "r");
        REQUIRE(p != nullptr);
        std::string out;
        char buf[512];
        while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
        const int rc = pclose(p);
        CAPTURE(out);
        REQUIRE_MESSAGE(rc == 0, "python3-oauthlib client failed (is python3-oauthlib installed "
                                 "for /usr/bin/python3?)");
        CHECK(out == "200\n200\n200\n");
    }
}
