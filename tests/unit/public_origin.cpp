// Unit tests for oauth1/public_origin.hpp and oauth1/refusal.hpp: the absolute URL a server
// rebuilds for verification (RFC 5849 §3.4.1.2) from its configured origin, the Host header or a
// trusted proxy's forwarding headers, over a plain list of header fields (the server adapters'
// tests run the same rules through real servers); and the JIRA-style answer to a refusal.
#include <oauth1/public_origin.hpp>
#include <oauth1/refusal.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using fields_list = std::vector<std::pair<std::string, std::string>>;

/// The URL `origin` gives a request from `peer` with `headers` and `target`, or "!" + why not.
std::string url_of(const oauth1::public_origin& origin, const fields_list& headers,
                   std::string_view target = "/rest/api/2/issue/JJ-1?a=b",
                   std::string_view peer = "10.0.0.7")
{
    const auto fields = [&headers](const char* name) {
        return [&headers, name](auto&& visit) {
            for (const auto& [n, v] : headers)
                if (oauth1::detail::ascii_iequals(n, name)) visit(std::string_view(v));
        };
    };
    std::string url;
    const char* why = oauth1::detail::build_origin_url(fields, target, origin.rules_for(peer), url);
    return why ? "!" + std::string(why) : url;
}

} // namespace

TEST_CASE("public_origin: the configured origin is used, whatever the client says")
{
    const oauth1::public_origin o("HTTPS", "jira.example.com");
    CHECK(o.scheme() == "https");
    CHECK(url_of(o, {}) == "https://jira.example.com/rest/api/2/issue/JJ-1?a=b");
    CHECK(url_of(o, {{"Host", "evil.example"}, {"Forwarded", "proto=http;host=evil"}}) ==
          "https://jira.example.com/rest/api/2/issue/JJ-1?a=b");
    // The request-target is appended as received: nothing decoded or normalised.
    CHECK(url_of(o, {}, "/a/./b%7e?x=%2F") == "https://jira.example.com/a/./b%7e?x=%2F");
    // Only origin-form targets.
    CHECK(url_of(o, {}, "*") == "!the request-target is not a path (origin-form)");
    CHECK(url_of(o, {}, "http://other/x") == "!the request-target is not a path (origin-form)");
    CHECK(url_of(o, {}, "") == "!the request-target is not a path (origin-form)");
}

TEST_CASE("public_origin: bad configurations are refused when constructed")
{
    CHECK_THROWS_AS(oauth1::public_origin("ftp", "example.com"), oauth1::error);
    CHECK_THROWS_AS(oauth1::public_origin("https", ""), oauth1::error);
    CHECK_THROWS_AS(oauth1::public_origin("https", "a.example/path"), oauth1::error);
    CHECK_THROWS_AS(oauth1::public_origin("https", "user@a.example"), oauth1::error);
    CHECK_THROWS_AS(oauth1::public_origin::trust_host_header("gopher"), oauth1::error);
    try {
        oauth1::public_origin("https", "a b");
        FAIL("accepted");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::invalid_argument);
        CHECK(std::string(e.what()).find("host[:port]") != std::string::npos);
    }
}

TEST_CASE("public_origin: trust_host_header takes exactly one plausible Host")
{
    const auto o = oauth1::public_origin::trust_host_header("http");
    CHECK(o.trusts_host_header());
    CHECK(url_of(o, {{"host", "127.0.0.1:8080"}}, "/x") == "http://127.0.0.1:8080/x");
    CHECK(url_of(o, {}, "/x") == "!the request has no usable Host");
    CHECK(url_of(o, {{"Host", "a"}, {"Host", "b"}}, "/x") == "!the request has no usable Host");
    CHECK(url_of(o, {{"Host", "a b"}}, "/x") == "!the request has no usable Host");
    CHECK(url_of(o, {{"Host", "a/b"}}, "/x") == "!the request has no usable Host");
    CHECK(url_of(o, {{"Host", ""}}, "/x") == "!the request has no usable Host");
}

TEST_CASE("public_origin: forwarding headers only from a trusted peer, last element wins")
{
    auto o = oauth1::public_origin("http", "internal:8080");
    o.trust_proxies({"10.0.0.7"});
    const fields_list fwd = {{"Forwarded", "for=1.2.3.4;proto=http;host=spoofed"},
                             {"Forwarded", "for=5.6.7.8;proto=https;host=\"jira.example.com\""}};
    CHECK(url_of(o, fwd, "/x") == "https://jira.example.com/x");
    // From another peer the headers are ignored.
    CHECK(url_of(o, fwd, "/x", "10.0.0.8") == "http://internal:8080/x");
    // A list in one field: the last element.
    CHECK(url_of(o, {{"Forwarded", "proto=http, proto=https;host=a.example"}}, "/x") ==
          "https://a.example/x");
    // Only proto, or only host.
    CHECK(url_of(o, {{"Forwarded", "proto=https"}}, "/x") == "https://internal:8080/x");
    CHECK(url_of(o, {{"Forwarded", "host=b.example"}}, "/x") == "http://b.example/x");
    // Malformed: refused, never guessed.
    for (const char* bad : {"proto=https;proto=http", "host=a;host=b", "proto=\"https",
                            "proto=", "host=\"\"", "proto"}) {
        CAPTURE(bad);
        CHECK(url_of(o, {{"Forwarded", bad}}, "/x") ==
              "!malformed Forwarded header from a trusted proxy");
    }
    CHECK(url_of(o, {{"Forwarded", "proto=ftp"}}, "/x") ==
          "!a trusted proxy forwarded a scheme other than http/https");
    CHECK(url_of(o, {{"Forwarded", "host=\"a b\""}}, "/x") ==
          "!a trusted proxy forwarded an invalid host");
    // The X-Forwarded-* family is not read when Forwarded is configured.
    CHECK(url_of(o, {{"X-Forwarded-Proto", "https"}}, "/x") == "http://internal:8080/x");

    o.trust_proxies({"10.0.0.7"}, oauth1::forwarded_headers::x_forwarded);
    CHECK(url_of(o, {{"X-Forwarded-Proto", "http, https"}, {"X-Forwarded-Host", "c.example"}},
                 "/x") == "https://c.example/x");
    CHECK(url_of(o, {{"Forwarded", "proto=https;host=d"}}, "/x") == "http://internal:8080/x");
    CHECK(url_of(o, {{"X-Forwarded-Proto", "\"https"}}, "/x") ==
          "!malformed X-Forwarded-* header from a trusted proxy");
}

TEST_CASE("refusal_for: JIRA's status, challenge and body")
{
    oauth1::verify_result r;
    r.problem = oauth1::problem_report(oauth1::problem::signature_invalid);
    oauth1::refusal a = oauth1::refusal_for(r, "JIRA");
    CHECK(a.status == 401);
    CHECK(a.www_authenticate.rfind("OAuth realm=\"JIRA\"", 0) == 0);
    CHECK(a.www_authenticate.find("oauth_problem=\"signature_invalid\"") != std::string::npos);
    CHECK(a.body.find("oauth_problem=signature_invalid") != std::string::npos);
    CHECK(std::string(oauth1::refusal::content_type) == "application/x-www-form-urlencoded");

    for (const auto p :
         {oauth1::problem::parameter_absent, oauth1::problem::parameter_rejected,
          oauth1::problem::version_rejected, oauth1::problem::signature_method_rejected}) {
        r.problem = oauth1::problem_report(p);
        CHECK(oauth1::refusal_for(r, "x").status == 400);
    }
    for (const auto p :
         {oauth1::problem::nonce_used, oauth1::problem::token_rejected,
          oauth1::problem::consumer_key_unknown, oauth1::problem::timestamp_refused}) {
        r.problem = oauth1::problem_report(p);
        CHECK(oauth1::refusal_for(r, "x").status == 401);
    }
    // No problem recorded: answered as an invalid signature, never as success.
    r.problem.reset();
    a = oauth1::refusal_for(r, "x");
    CHECK(a.status == 401);
    CHECK(a.body.find("signature_invalid") != std::string::npos);
}
