// Unit tests for oauth1/request_traits.hpp (the customisation point and oauth1::sign) and
// oauth1/transport.hpp (http_request/http_response, the transport detector).
#include <oauth1/request_traits.hpp>

#include "../../examples/custom_request/my_request.hpp"

#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/transport.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace {

// A request whose traits give scheme + host + target (like Beast's), returning std::string
// temporaries (the signer must keep them alive while signing).
struct split_request {
    std::string method = "GET";
    std::string scheme = "https";
    std::string host = "Photos.Example.NET:8443";
    std::string target = "/photos%20all?size=original&file=vacation.jpg";
    std::string authorization;
    int header_calls = 0;
};

// Partial traits, one piece missing each, for the detector.
struct no_method {};
struct no_url {};
struct no_content_type {};
struct no_body {};
struct no_set_header {};
struct bad_method_type {};

} // namespace

template <>
struct oauth1::request_traits<split_request> {
    static std::string method(const split_request& r) { return r.method; }
    static std::string scheme(const split_request& r) { return r.scheme; }
    static std::string host(const split_request& r) { return r.host; }
    static std::string target(const split_request& r) { return r.target; }
    static std::string_view content_type(const split_request&) { return {}; }
    static std::string_view body(const split_request&) { return {}; }
    static void set_header(split_request& r, std::string_view name, std::string_view value)
    {
        CHECK(name == "Authorization");
        r.authorization.assign(value);
        ++r.header_calls;
    }
};

#define OAUTH1_PARTIAL_TRAITS(T, M, U, C, B, S)                                                    \
    template <>                                                                                    \
    struct oauth1::request_traits<T> {                                                             \
        M U C B S                                                                                  \
    };
#define OAUTH1_M(T)                                                                                \
    static std::string_view method(const T&)                                                       \
    {                                                                                              \
        return "GET";                                                                              \
    }
#define OAUTH1_U(T)                                                                                \
    static std::string_view url(const T&)                                                          \
    {                                                                                              \
        return "http://h/";                                                                        \
    }
#define OAUTH1_C(T)                                                                                \
    static std::string_view content_type(const T&)                                                 \
    {                                                                                              \
        return {};                                                                                 \
    }
#define OAUTH1_B(T)                                                                                \
    static std::string_view body(const T&)                                                         \
    {                                                                                              \
        return {};                                                                                 \
    }
#define OAUTH1_S(T)                                                                                \
    static void set_header(T&, std::string_view, std::string_view) {}
OAUTH1_PARTIAL_TRAITS(no_method, , OAUTH1_U(no_method), OAUTH1_C(no_method), OAUTH1_B(no_method),
                      OAUTH1_S(no_method))
OAUTH1_PARTIAL_TRAITS(no_url, OAUTH1_M(no_url), , OAUTH1_C(no_url), OAUTH1_B(no_url),
                      OAUTH1_S(no_url))
OAUTH1_PARTIAL_TRAITS(no_content_type, OAUTH1_M(no_content_type), OAUTH1_U(no_content_type), ,
                      OAUTH1_B(no_content_type), OAUTH1_S(no_content_type))
OAUTH1_PARTIAL_TRAITS(no_body, OAUTH1_M(no_body), OAUTH1_U(no_body), OAUTH1_C(no_body), ,
                      OAUTH1_S(no_body))
OAUTH1_PARTIAL_TRAITS(no_set_header, OAUTH1_M(no_set_header), OAUTH1_U(no_set_header),
                      OAUTH1_C(no_set_header), OAUTH1_B(no_set_header), )
template <>
struct oauth1::request_traits<bad_method_type> {
    static int method(const bad_method_type&) { return 1; }
    OAUTH1_U(bad_method_type)
    OAUTH1_C(bad_method_type)
    OAUTH1_B(bad_method_type)
    OAUTH1_S(bad_method_type)
};

static_assert(oauth1::is_signable_request_v<my_request>);
static_assert(oauth1::is_signable_request_v<split_request>);
static_assert(oauth1::is_signable_request_v<oauth1::http_request>);
static_assert(!oauth1::is_signable_request_v<int>);
static_assert(!oauth1::is_signable_request_v<no_method>);
static_assert(!oauth1::is_signable_request_v<no_url>);
static_assert(!oauth1::is_signable_request_v<no_content_type>);
static_assert(!oauth1::is_signable_request_v<no_body>);
static_assert(!oauth1::is_signable_request_v<no_set_header>);
static_assert(!oauth1::is_signable_request_v<bad_method_type>);
#if OAUTH1_HAS_CONCEPTS
static_assert(oauth1::signable_request<my_request>);
static_assert(!oauth1::signable_request<no_body>);
#endif

namespace {

oauth1::sign_options fixed(std::string_view nonce = "kllo9940pd9333jh")
{
    oauth1::sign_options o;
    o.nonce = nonce;
    o.timestamp = 1191242096;
    return o;
}

const oauth1::client& rfc_client()
{
    static const oauth1::client c = [] {
        oauth1::client x("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
        x.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
        x.set_include_version(true);
        return x;
    }();
    return c;
}

} // namespace

TEST_CASE("sign(): the README adapter signs what client.sign signs, and sets the header")
{
    my_request req{"POST",
                   "https://photos.example.net/photos?size=original",
                   "file=vacation.jpg",
                   {{"Content-Type", "application/x-www-form-urlencoded"}}};
    const oauth1::signed_request s = oauth1::sign(req, rfc_client(), fixed());
    const oauth1::signed_request direct =
        rfc_client().sign({"POST", "https://photos.example.net/photos?size=original",
                           "application/x-www-form-urlencoded", "file=vacation.jpg"},
                          fixed());
    CHECK(s.base_string() == direct.base_string());
    CHECK(s.signature() == direct.signature());
    CHECK(s.base_string().find("file%3Dvacation.jpg") != std::string_view::npos);
    REQUIRE(req.headers.count("Authorization") == 1);
    CHECK(req.headers["Authorization"] == direct.authorization());

    // Signing again replaces the header (one Authorization, the new nonce).
    oauth1::sign(req, rfc_client(), fixed("another-nonce"));
    CHECK(req.headers.count("Authorization") == 1);
    CHECK(req.headers["Authorization"].find("oauth_nonce=\"another-nonce\"") != std::string::npos);
}

TEST_CASE("sign(): the signature verifies at a provider (RFC 5849 1.2 credentials)")
{
    my_request req{
        "GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", "", {}};
    oauth1::sign(req, rfc_client());
    oauth1::memory_nonce_store nonces;
    const oauth1::consumer_credentials consumer{"kd94hf93k423kf44", {}, oauth1::method_set::all()};
    const oauth1::request_verifier v(
        [&](std::string_view k) { return k == "dpf43f3p2l4k3l03" ? &consumer : nullptr; },
        [](std::string_view, std::string_view t) -> std::optional<oauth1::token_credentials> {
            if (t != "nnch734d00sl2jdk") return std::nullopt;
            return oauth1::token_credentials{"dpf43f3p2l4k3l03", "pfkkdhi9sl3r4s00"};
        },
        nonces);
    const auto ok = v.verify({req.verb, req.url, "", "", req.headers["Authorization"]});
    CHECK(ok.ok());
    // The same header on a different URL is refused.
    const auto bad = v.verify({req.verb, req.url + "&x=1", "", "", req.headers["Authorization"]});
    CHECK_FALSE(bad.ok());
}

TEST_CASE("sign(): scheme + host + target traits compose the URL (temporaries kept alive)")
{
    split_request r;
    const oauth1::signed_request s = oauth1::sign(r, rfc_client(), fixed());
    CHECK(r.header_calls == 1);
    CHECK(r.authorization == s.authorization());
    const oauth1::signed_request direct = rfc_client().sign(
        {"GET", "https://Photos.Example.NET:8443/photos%20all?size=original&file=vacation.jpg"},
        fixed());
    CHECK(s.base_string() == direct.base_string());
    CHECK(s.base_string().rfind("GET&https%3A%2F%2Fphotos.example.net%3A8443%2Fphotos%2520all&",
                                0) == 0);

    SUBCASE("an empty target is '/'")
    {
        r.target.clear();
        const oauth1::signed_request e = oauth1::sign(r, rfc_client(), fixed());
        CHECK(e.base_string().rfind("GET&https%3A%2F%2Fphotos.example.net%3A8443%2F&", 0) == 0);
    }
}

TEST_CASE("sign(): a bad host or method is an error, and the request keeps no header")
{
    std::error_code ec;
    oauth1::signed_request out;
    for (const char* host : {"", "evil.example/x", "a b", "user@host", "h\r\nX: y", "h?q", "h#f"}) {
        CAPTURE(host);
        split_request r;
        r.host = host;
        oauth1::sign(r, rfc_client(), fixed(), out, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        CHECK(r.header_calls == 0);
        CHECK(r.authorization.empty());
    }
    split_request r;
    r.method = "GE T";
    oauth1::sign(r, rfc_client(), fixed(), out, ec);
    CHECK(ec == oauth1::errc::invalid_method);
    CHECK(r.header_calls == 0);

    r.method = "GET";
    r.scheme = "ftp";
    CHECK_THROWS_AS(oauth1::sign(r, rfc_client(), fixed()), oauth1::error);
    try {
        oauth1::sign(r, rfc_client(), fixed());
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::invalid_url);
    }
    CHECK(r.header_calls == 0);
}

TEST_CASE("http_request: header lookup is case-insensitive, set_header replaces all copies")
{
    oauth1::http_request r{"GET", "http://127.0.0.1:1/x"};
    r.headers = {{"authorization", "old"}, {"Accept", "a"}, {"AUTHORIZATION", "older"}};
    CHECK(r.header("Authorization") == "old");
    r.set_header("Authorization", "new");
    CHECK(r.headers.size() == 2);
    CHECK(r.header("AUTHORIZATION") == "new");
    CHECK(r.header("accept") == "a");
    CHECK(r.header("missing").empty());

    oauth1::sign(r, rfc_client(), fixed());
    CHECK(r.headers.size() == 2);
    CHECK(r.header("authorization").rfind("OAuth oauth_consumer_key=", 0) == 0);
}

TEST_CASE("http_response: header lookup and ok()")
{
    oauth1::http_response res;
    res.status = 204;
    res.headers = {{"WWW-Authenticate", "OAuth realm=\"x\""}, {"Content-Type", "text/plain"}};
    CHECK(res.ok());
    CHECK(res.header("www-authenticate") == "OAuth realm=\"x\"");
    res.status = 199;
    CHECK_FALSE(res.ok());
    res.status = 300;
    CHECK_FALSE(res.ok());
    res.status = 401;
    CHECK_FALSE(res.ok());
}

namespace {
struct good_transport {
    oauth1::http_response operator()(const oauth1::http_request&, std::error_code& ec)
    {
        ec.clear();
        return {};
    }
};
struct throwing_only {
    oauth1::http_response operator()(const oauth1::http_request&) { return {}; }
};
struct wrong_result {
    int operator()(const oauth1::http_request&, std::error_code&) { return 0; }
};
} // namespace

TEST_CASE("is_transport_v detects the transport signature")
{
    static_assert(oauth1::is_transport_v<good_transport>);
    static_assert(!oauth1::is_transport_v<throwing_only>);
    static_assert(!oauth1::is_transport_v<wrong_result>);
    static_assert(!oauth1::is_transport_v<int>);
    auto lambda = [](const oauth1::http_request& r, std::error_code& ec) {
        ec.clear();
        oauth1::http_response res;
        res.status = 200;
        res.body = r.url;
        return res;
    };
    static_assert(oauth1::is_transport_v<decltype(lambda)>);
#if OAUTH1_HAS_CONCEPTS
    static_assert(oauth1::transport<good_transport>);
    static_assert(!oauth1::transport<wrong_result>);
#endif
    std::error_code ec;
    CHECK(lambda(oauth1::http_request{"GET", "http://x/"}, ec).body == "http://x/");
}
