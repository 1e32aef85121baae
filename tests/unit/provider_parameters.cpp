// Unit tests for oauth1/provider.hpp (oauth1::request_verifier, RFC 5849 §3.2): requests changed
// after signing or malformed. One flipped byte in any protocol parameter, the method, the URL or
// the body, each refused with the right oauth_problem; protocol parameters missing (reported by
// name), duplicated, sent in more than one place or beside another Authorization scheme; requests
// that cannot be parsed, refused rather than misread. Helpers: support/provider_fixture.hpp.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include "support/provider_fixture.hpp"

#include <oauth1/problem.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace oauth1_test;

namespace {

bool is_known_method_name(std::string_view n)
{
    for (const char* m : {"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256",
                          "RSA-SHA512", "PLAINTEXT"})
        if (n == m) return true;
    return false;
}

/// The answer expected when protocol parameter `name` of `vc` is given `value` instead.
std::optional<problem> expected_after_change(const vector_case& vc, std::string_view name,
                                             const std::string& value)
{
    if (name == "oauth_consumer_key") return problem::consumer_key_unknown;
    if (name == "oauth_token") return problem::token_rejected;
    if (name == "oauth_signature_method") {
        REQUIRE_FALSE(is_known_method_name(value)); // the flips never land on another method
        return problem::signature_method_rejected;
    }
    if (name == "oauth_version") return problem::version_rejected;
    if (name == "oauth_signature") return problem::signature_invalid;
    if (name == "oauth_timestamp") {
        const std::uint64_t ts = std::stoull(value);
        const std::uint64_t diff = ts > vc.now ? ts - vc.now : vc.now - ts;
        if (diff > 300) return problem::timestamp_refused;
    }
    // Everything else is covered by the signature, except with PLAINTEXT, which signs nothing.
    if (vc.plaintext) return std::nullopt;
    return problem::signature_invalid;
}

} // namespace

TEST_CASE("one flipped byte in a protocol parameter is refused with the right problem")
{
    std::size_t checked = 0;
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const param& p : vc.request.protocol) {
            for (std::size_t i = 0; i < p.second.size(); ++i) {
                if (!is_alnum(p.second[i])) continue;
                std::string changed = p.second;
                changed[i] = flip(changed[i]);
                CAPTURE(p.first);
                CAPTURE(changed);
                wire_request w = vc.request;
                w.set(p.first, changed);
                check_outcome(verify_vector(vc, w), expected_after_change(vc, p.first, changed));
                ++checked;
            }
        }
        // The realm is not signed (3.4.1.3.1): changing it changes nothing but the reported realm.
        if (vc.request.realm) {
            wire_request w = vc.request;
            w.realm = *w.realm + "x";
            const oauth1::verify_result r = verify_vector(vc, w);
            check_outcome(r, std::nullopt);
            CHECK(r.realm == w.realm);
        }
    }
    CHECK(checked > 500);

    // The timestamp in particular: near the clock the signature catches it, far away the window.
    const vector_case vc = signing_vectors()[4]; // 5 protected resource, oauth_timestamp 137131202
    for (const auto& change : std::vector<std::pair<std::string, problem>>{
             {"137131203", problem::signature_invalid},
             {"137131102", problem::signature_invalid},
             {"137131502", problem::signature_invalid},
             {"137131503", problem::timestamp_refused},
             {"137130901", problem::timestamp_refused},
             {"237131202", problem::timestamp_refused},
             {"0137131202",
              problem::signature_invalid}, // same number, other text: signed text differs
             {"13713120a", problem::parameter_rejected},
             {"+137131202", problem::parameter_rejected},
             {"-137131202", problem::parameter_rejected},
             {" 137131202", problem::parameter_rejected},
             {"1.37131202e8", problem::parameter_rejected},
             {"99999999999999999999", problem::parameter_rejected},
             {"", problem::parameter_rejected}}) {
        const std::string& ts = change.first;
        const problem expected = change.second;
        CAPTURE(ts);
        wire_request w = vc.request;
        w.set("oauth_timestamp", ts);
        const oauth1::verify_result r = verify_vector(vc, w);
        check_outcome(r, expected);
        if (expected == problem::parameter_rejected)
            CHECK(r.problem->parameters_rejected == strings{"oauth_timestamp"});
    }
}

TEST_CASE("one flipped byte in the method, URL, query or body is refused")
{
    std::size_t checked = 0;
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        // PLAINTEXT signs nothing of the request: the same flips are accepted, as RFC 5849 3.4.4
        // warns (PLAINTEXT is only for TLS).
        const std::optional<problem> expected =
            vc.plaintext ? std::nullopt : std::optional<problem>(problem::signature_invalid);
        for (std::size_t i = 0; i < vc.request.method.size(); ++i) {
            wire_request w = vc.request;
            w.method[i] = flip(w.method[i]);
            CAPTURE(w.method);
            check_outcome(verify_vector(vc, w), expected);
            ++checked;
        }
        // Host, path and query (flipping the scheme would make it another scheme or no URL at all).
        for (std::size_t i = vc.request.url.find("://") + 3; i < vc.request.url.size(); ++i) {
            if (!is_alnum(vc.request.url[i])) continue;
            wire_request w = vc.request;
            w.url[i] = flip(w.url[i]);
            CAPTURE(w.url);
            check_outcome(verify_vector(vc, w), expected);
            ++checked;
        }
        for (std::size_t i = 0; i < vc.request.body.size(); ++i) {
            if (!is_alnum(vc.request.body[i])) continue;
            wire_request w = vc.request;
            w.body[i] = flip(w.body[i]);
            CAPTURE(w.body);
            check_outcome(verify_vector(vc, w), expected);
            ++checked;
        }
        // The same body sent as another content type is no longer a parameter source.
        if (!vc.request.body.empty()) {
            wire_request w = vc.request;
            w.content_type = "text/plain";
            check_outcome(verify_vector(vc, w), expected);
        }
        // An extra query parameter, or one removed.
        {
            wire_request w = vc.request;
            w.url += w.url.find('?') == std::string::npos ? "?x=1" : "&x=1";
            check_outcome(verify_vector(vc, w), expected);
        }
        // Case of the scheme and host and an explicit default port do not matter (3.4.1.2).
        {
            wire_request w = vc.request;
            const std::size_t slash = w.url.find('/', w.url.find("://") + 3);
            const bool https = w.url.rfind("https", 0) == 0;
            w.url.insert(std::min(slash, w.url.find('?')), https ? ":443" : ":80");
            for (std::size_t i = 0; i < w.url.find("://"); ++i)
                w.url[i] = static_cast<char>(w.url[i] - 'a' + 'A');
            CAPTURE(w.url);
            check_outcome(verify_vector(vc, w), std::nullopt);
        }
        // The method's case does not matter either: the base string upper-cases it (3.4.1.1).
        {
            wire_request w = vc.request;
            std::transform(w.method.begin(), w.method.end(), w.method.begin(),
                           [](char c) { return static_cast<char>(c - 'A' + 'a'); });
            check_outcome(verify_vector(vc, w), std::nullopt);
        }
    }
    CHECK(checked > 150);
}

TEST_CASE("missing protocol parameters are reported by name")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const param& p : vc.request.protocol) {
            CAPTURE(p.first);
            wire_request w = vc.request;
            w.erase(p.first);
            const oauth1::verify_result r = verify_vector(vc, w);
            const std::string& n = p.first;
            const bool required =
                n == "oauth_consumer_key" || n == "oauth_signature_method" ||
                n == "oauth_signature" || n == "oauth_timestamp" || n == "oauth_nonce" ||
                (n == "oauth_token" && (vc.requirement == token_requirement::access ||
                                        vc.requirement == token_requirement::request)) ||
                (n == "oauth_callback" && vc.requirement == token_requirement::none) ||
                (n == "oauth_verifier" && vc.requirement == token_requirement::request);
            if (required) {
                check_outcome(r, problem::parameter_absent);
                CHECK(r.problem->parameters_absent == strings{n});
            } else {
                // Optional parameters (oauth_version) may be left out, but they were signed
                // (PLAINTEXT signs nothing of the request).
                check_outcome(r, vc.plaintext ? std::nullopt
                                              : std::optional<problem>(problem::signature_invalid));
            }
        }
        // Two missing at once.
        wire_request w = vc.request;
        w.erase("oauth_nonce");
        w.erase("oauth_consumer_key");
        const oauth1::verify_result r = verify_vector(vc, w);
        check_outcome(r, problem::parameter_absent);
        CHECK(r.problem->parameters_absent == strings{"oauth_consumer_key", "oauth_nonce"});
    }
}

TEST_CASE("no protocol parameters at all: every required name is listed")
{
    const strings base = {"oauth_consumer_key", "oauth_signature_method", "oauth_signature",
                          "oauth_timestamp", "oauth_nonce"};
    const auto with = [&base](strings extra) {
        strings s = base;
        s.insert(s.end(), extra.begin(), extra.end());
        return s;
    };
    const std::vector<std::pair<token_requirement, strings>> cases = {
        {token_requirement::none, with({"oauth_callback"})},
        {token_requirement::request, with({"oauth_token", "oauth_verifier"})},
        {token_requirement::access, with({"oauth_token"})},
        {token_requirement::optional, base},
    };
    for (const auto& c : cases) {
        const token_requirement requirement = c.first;
        const strings& expected = c.second;
        CAPTURE(static_cast<int>(requirement));
        for (const std::string authorization :
             {"", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "OAuth realm=\"Photos\"", "Bearer abc"}) {
            CAPTURE(authorization);
            const oauth1::verify_result r = verify_once(
                vector_directory(),
                {"GET", "http://photos.example.net/photos?file=a", {}, {}, authorization}, 1000,
                options(requirement));
            check_outcome(r, problem::parameter_absent);
            CHECK(r.problem->parameters_absent == expected);
        }
    }
    // Rendered as JIRA does.
    const oauth1::verify_result r =
        verify_once(vector_directory(), {"GET", "http://photos.example.net/", {}, {}, {}}, 1000,
                    options(token_requirement::optional));
    REQUIRE(r.problem.has_value());
    CHECK(
        oauth1::www_authenticate(*r.problem, "JIRA") ==
        R"(OAuth realm="JIRA", oauth_problem="parameter_absent", oauth_parameters_absent=")"
        R"(oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_nonce")");
    CHECK(oauth1::problem_body(*r.problem) ==
          "oauth_problem=parameter_absent&oauth_parameters_absent="
          "oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_"
          "nonce");
}

TEST_CASE("a duplicated protocol parameter is rejected by name")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const param& p : vc.request.protocol) {
            CAPTURE(p.first);
            for (const bool same_value : {true, false}) {
                for (const transport t : {transport::header, transport::query}) {
                    wire_request w = vc.request;
                    w.protocol.emplace_back(p.first, same_value ? p.second : p.second + "1");
                    const oauth1::verify_result r = verify_vector(vc, w, t);
                    check_outcome(r, problem::parameter_rejected);
                    CHECK(r.problem->parameters_rejected == strings{p.first});
                }
            }
        }
    }
    // A second realm makes the header itself malformed.
    const vector_case vc = signing_vectors().front();
    built_request b = build(vc.request);
    b.authorization += ", realm=\"Other\"";
    check_outcome(verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement)),
                  problem::parameter_rejected);
}

TEST_CASE("protocol parameters in more than one place are rejected")
{
    const vector_case vc = signing_vectors().front(); // POST with query and form body
    const built_request header = build(vc.request, transport::header);
    const built_request query = build(vc.request, transport::query);
    const built_request form = build(vc.request, transport::form);
    const auto check_rejected = [&](const built_request& b) {
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, problem::parameter_rejected);
        CHECK(r.problem->advice == "protocol parameters must be sent in exactly one place");
    };
    {
        built_request b = header; // header + the whole set again in the query
        b.url = query.url;
        check_rejected(b);
    }
    {
        built_request b = header; // header + one parameter in the query
        b.url += "&oauth_nonce=7d8f3e4a";
        check_rejected(b);
    }
    {
        built_request b = query; // query + form body
        b.body = form.body;
        check_rejected(b);
    }
    {
        built_request b = form; // form body + header
        b.authorization = header.authorization;
        check_rejected(b);
    }
}

TEST_CASE("an Authorization header of another scheme is ignored: protocol parameters in the query")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const char* other :
             {"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Bearer x.y.z", "OAuthX a=\"b\""}) {
            CAPTURE(other);
            built_request b = build(vc.request, transport::query);
            b.authorization = other;
            const oauth1::verify_result r =
                verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
            check_outcome(r, std::nullopt);
            CHECK_FALSE(r.realm.has_value());
        }
        // An OAuth header with a realm only, parameters in the query: the realm is reported.
        built_request b = build(vc.request, transport::query);
        b.authorization = "OAuth realm=\"R\"";
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, std::nullopt);
        CHECK(r.realm == std::optional<std::string>("R"));
    }
}

TEST_CASE("malformed requests are refused, not misread")
{
    const vector_case vc = signing_vectors()[5]; // 6 wiki HMAC-SHA1
    const built_request good = build(vc.request);
    const auto refused = [&](built_request b, problem expected) {
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, expected);
        return r;
    };
    {
        built_request b = good;
        b.method = "GE T";
        refused(b, problem::parameter_rejected);
        b.method = "";
        refused(b, problem::parameter_rejected);
    }
    for (const char* url :
         {"ftp://photos.example.net/photos", "/photos?file=vacation.jpg", "http:///photos",
          "http://photos.example.net:99999/photos", "not a url"}) {
        CAPTURE(url);
        built_request b = good;
        b.url = url;
        refused(b, problem::parameter_rejected);
    }
    {
        built_request b = good;
        b.url += "&bad=%ZZ";
        refused(b, problem::parameter_rejected);
    }
    {
        built_request b = good;
        b.content_type = form_type;
        b.body = "a=%4";
        refused(b, problem::parameter_rejected);
    }
    for (const char* header :
         {R"(OAuth oauth_consumer_key="dpf43f3p2l4k3l03)", R"(OAuth oauth_nonce="%G0")",
          "OAuth oauth_nonce=\"a\r\nb\"", R"(OAuth =x)"}) {
        CAPTURE(header);
        built_request b = good;
        b.authorization = header;
        refused(b, problem::parameter_rejected);
    }
    {
        // oauth_version other than 1.0.
        for (const char* version : {"1.0a", "2.0", "1", ""}) {
            CAPTURE(version);
            wire_request w = vc.request;
            w.set("oauth_version", version);
            const oauth1::verify_result r = verify_vector(vc, w);
            check_outcome(r, problem::version_rejected);
            CHECK(r.problem->acceptable_versions == "1.0-1.0");
            CHECK(oauth1::problem_body(*r.problem) ==
                  "oauth_problem=version_rejected&oauth_acceptable_versions=1.0-1.0");
        }
    }
    {
        // Case and spacing of the scheme name are free (RFC 7235); parameter names are not.
        built_request b = good;
        b.authorization = "  oauth " + good.authorization.substr(6);
        check_outcome(verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement)),
                      std::nullopt);
        b.authorization = replace_all(good.authorization, "oauth_nonce", "OAUTH_NONCE");
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, problem::parameter_absent);
        CHECK(r.problem->parameters_absent == strings{"oauth_nonce"});
    }
    {
        // Unknown signature method names.
        for (const char* m : {"HMAC-SHA1 ", "hmac-sha1", "RSA-SHA384", "HMAC_SHA1"}) {
            CAPTURE(m);
            wire_request w = vc.request;
            w.set("oauth_signature_method", m);
            check_outcome(verify_vector(vc, w), problem::signature_method_rejected);
        }
    }
}
