// PHP-style bracketed query names (Magento 2's `searchCriteria[pageSize]=10`): '[' and ']' are
// accepted raw in the query, as browsers, curl, Qt and Magento's own clients send them, and signed
// as a server decodes and re-encodes them (%5B, %5D: RFC 5849 §3.4.1.3.2). Both signing paths
// (the fast split and the Boost.URL fallback), the provider side, a real loopback server, and
// python3-oauthlib given the %5B/%5D-encoded URL must agree. Everywhere else in a URL (host
// outside an IP literal, path, userinfo, fragment) a bracket is still refused.
#include <oauth1/base_string.hpp>

#include <oauth1/adapters/beast_transport.hpp>
#include <oauth1/adapters/curl_transport.hpp>
#include <oauth1/adapters/httplib_transport.hpp>
#include <oauth1/client.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include "support/verifying_server.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#ifndef OAUTH1_PYTHON
#define OAUTH1_PYTHON "/usr/bin/python3"
#endif

namespace {

const std::string raw_query = "searchCriteria[pageSize]=10&searchCriteria[currentPage]=1&"
                              "searchCriteria[filter_groups][0][filters][0][field]=sku";
const std::string encoded_query =
    "searchCriteria%5BpageSize%5D=10&searchCriteria%5BcurrentPage%5D=1&"
    "searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=sku";

oauth1::sign_options fixed()
{
    oauth1::sign_options o;
    o.nonce = "kllo9940pd9333jh";
    o.timestamp = 1191242096;
    return o;
}

oauth1::client magento_client()
{
    oauth1::client c(oauth1_test::hmac_consumer_key,
                     oauth1::hmac_sha1(oauth1_test::hmac_consumer_secret));
    c.set_token(oauth1_test::access_token, oauth1_test::access_token_secret);
    return c;
}

std::string shell_quote(const std::string& s)
{
    std::string out = "'";
    for (const char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

std::string python()
{
    const std::string p = OAUTH1_PYTHON;
    return p.empty() ? std::string("/usr/bin/python3") : p;
}

} // namespace

TEST_CASE("brackets in the query are signed as %5B and %5D, like the encoded URL")
{
    const oauth1::parameter_list none;
    for (const std::string base : {"http://shop.example/rest/V1/products?",
                                   "http://[::1]:8080/rest/V1/products?", // Boost.URL fallback
                                   "http://user@shop.example/rest/V1/products?"}) {
        CAPTURE(base);
        const std::string raw = base + raw_query;
        const std::string enc = base + encoded_query;
        const std::string b = oauth1::signature_base_string("GET", raw, none);
        CHECK(b == oauth1::signature_base_string("GET", enc, none));
        CHECK(b.find("searchCriteria%255BpageSize%255D%3D10") != std::string::npos);
        CHECK(oauth1::base_string_uri(raw) == oauth1::base_string_uri(enc));

        const oauth1::client c = magento_client();
        const oauth1::signed_request s_raw = c.sign({"GET", raw}, fixed());
        const oauth1::signed_request s_enc = c.sign({"GET", enc}, fixed());
        CHECK(s_raw.base_string() == s_enc.base_string());
        CHECK(s_raw.signature() == s_enc.signature());
    }
    // Odd but valid shapes: empty brackets, a bracket in a value, a lone ']'.
    const oauth1::parameter_list none2;
    CHECK(oauth1::signature_base_string("GET", "http://h.example/?a[]=1&a[]=2&b=[x]&c]", none2) ==
          oauth1::signature_base_string(
              "GET", "http://h.example/?a%5B%5D=1&a%5B%5D=2&b=%5Bx%5D&c%5D", none2));
}

TEST_CASE("brackets anywhere but the query are still refused")
{
    const oauth1::client c = magento_client();
    for (const char* url : {"http://shop.example/rest/V1[0]/products", "http://sh[op].example/x",
                            "http://shop.example/x?a[b]=1#f[0]", "http://us[er]@shop.example/",
                            "http://shop.example/x[?a=1"}) {
        CAPTURE(url);
        std::error_code ec;
        oauth1::signed_request s;
        const oauth1::request req{"GET", url};
        c.sign(req, fixed(), s, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        (void)oauth1::base_string_uri(url, ec);
        CHECK(ec == oauth1::errc::invalid_url);
    }
    // A malformed escape in a bracketed query is reported as such, on both paths.
    for (const char* url : {"http://shop.example/x?a[b]=%zz", "http://[::1]/x?a[b]=%zz"}) {
        CAPTURE(url);
        std::error_code ec;
        (void)oauth1::signature_base_string("GET", url, {}, {}, {}, ec);
        CHECK(ec == oauth1::errc::invalid_percent_encoding);
        oauth1::signed_request s;
        const oauth1::request req{"GET", url};
        c.sign(req, fixed(), s, ec);
        CHECK(ec == oauth1::errc::invalid_percent_encoding);
    }
    // A bracket outside the query of the fallback path (userinfo) is refused too.
    oauth1::detail::url_parts parts;
    CHECK_FALSE(oauth1::detail::split_bracketed_query("http://u[1]@h.example/?a[b]=1", parts));
    CHECK_FALSE(oauth1::detail::split_bracketed_query("http://h.example/?a=1", parts));
}

TEST_CASE("a real server on 127.0.0.1 verifies a request sent with raw brackets")
{
    oauth1_test::verifying_server server;
    const oauth1::client c = magento_client();
    const std::string target = "/rest/V1/products?" + raw_query;
    const std::string url = server.origin() + target;
    const oauth1::signed_request s = c.sign({"GET", url});
    httplib::Client http("127.0.0.1", server.port());
    const auto res = http.Get(target, {{"Authorization", std::string(s.authorization())}});
    REQUIRE(res);
    CHECK(res->status == 200);
    const oauth1_test::seen_request seen = server.last();
    CHECK(seen.target == target); // cpp-httplib sends '[' and ']' as given
    CHECK(seen.verified);
    CHECK(seen.base_string == s.base_string());

    // Signed over the %5B form and sent raw (or the reverse): the same request for a server.
    const oauth1::signed_request s_enc =
        c.sign({"GET", server.origin() + "/rest/V1/products?" + encoded_query});
    const auto res2 = http.Get(target, {{"Authorization", std::string(s_enc.authorization())}});
    REQUIRE(res2);
    CHECK(res2->status == 200);
    CHECK(server.last().verified);
}

TEST_CASE("curl, Beast and cpp-httplib transports send the brackets as signed, and it verifies")
{
    oauth1_test::verifying_server server;
    const oauth1::client c = magento_client();
    const std::string target = "/rest/V1/products?" + raw_query;
    const auto check = [&](auto& transport, const char* name) {
        CAPTURE(name);
        server.clear();
        const oauth1::http_response res =
            oauth1::send_signed(transport, c, {"GET", server.origin() + target + "#frag"});
        CHECK(res.status == 200);
        const oauth1_test::seen_request seen = server.last();
        CHECK(seen.target == target); // '[' and ']' raw on the request line, fragment cut
        CHECK(seen.verified);
    };
    oauth1::curl::transport curl_http;
    check(curl_http, "curl");
    oauth1::beast::transport beast_http;
    check(beast_http, "beast");
    oauth1::httplib::transport httplib_http;
    check(httplib_http, "httplib");
}

TEST_CASE("python3-oauthlib, given the %5B/%5D URL, signs as oauth1 does the raw-bracket URL")
{
    const oauth1::client c = magento_client();
    const std::string url = "https://shop.example/rest/V1/products?" + raw_query;
    const std::string url_encoded = "https://shop.example/rest/V1/products?" + encoded_query;
    const oauth1::signed_request s = c.sign({"GET", url}, fixed());
    const std::string program = R"PY(
import sys
from urllib.parse import urlparse
from oauthlib.oauth1.rfc5849 import signature as s
url, ck, cs, tk, tks, nonce, ts = sys.argv[1:]
params = [("oauth_consumer_key", ck), ("oauth_nonce", nonce),
          ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", ts),
          ("oauth_token", tk), ("oauth_version", "1.0")]
collected = s.collect_parameters(uri_query=urlparse(url).query) + params
base = s.signature_base_string("GET", s.base_string_uri(url), s.normalize_parameters(collected))
print(base)
print(s.sign_hmac_sha1(base, cs, tks))
)PY";
    const std::string cmd =
        python() + " -c " + shell_quote(program) + " " + shell_quote(url_encoded) + " " +
        shell_quote(oauth1_test::hmac_consumer_key) + " " +
        shell_quote(oauth1_test::hmac_consumer_secret) + " " +
        shell_quote(oauth1_test::access_token) + " " +
        shell_quote(oauth1_test::access_token_secret) + " kllo9940pd9333jh 1191242096 2>&1";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    REQUIRE_MESSAGE(pipe != nullptr, "popen failed");
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    const int status = ::pclose(pipe);
    REQUIRE_MESSAGE(status == 0, "python3-oauthlib is needed (/usr/bin/python3 with "
                                 "python3-oauthlib): "
                                     << out);
    const std::size_t nl = out.find('\n');
    REQUIRE(nl != std::string::npos);
    std::string sig = out.substr(nl + 1);
    while (!sig.empty() && (sig.back() == '\n' || sig.back() == '\r')) sig.pop_back();
    CHECK(out.substr(0, nl) == s.base_string());
    CHECK(sig == s.signature());
}
