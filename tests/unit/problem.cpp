// Unit tests for oauth1/problem.hpp: the OAuth Problem Reporting codes, rendering them (form body,
// WWW-Authenticate value) and parsing a provider's answer, and explain_base_string_difference.
// Expected strings are written out by hand from the Problem Reporting extension and JIRA's answers.
#include <oauth1/problem.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Readable failure messages for lists of parameter names.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v)
    {
        std::string s = "{";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
        s += "}";
        return String(s.c_str());
    }
};
} // namespace doctest

using namespace std::string_view_literals;

namespace {

using oauth1::problem;
using oauth1::problem_report;

struct code_name {
    problem code;
    std::string_view name;
};

// Every code of the extension, with its wire name written out (not taken from to_string).
constexpr code_name all_codes[] = {
    {problem::version_rejected, "version_rejected"},
    {problem::parameter_absent, "parameter_absent"},
    {problem::parameter_rejected, "parameter_rejected"},
    {problem::timestamp_refused, "timestamp_refused"},
    {problem::nonce_used, "nonce_used"},
    {problem::signature_method_rejected, "signature_method_rejected"},
    {problem::signature_invalid, "signature_invalid"},
    {problem::consumer_key_unknown, "consumer_key_unknown"},
    {problem::consumer_key_rejected, "consumer_key_rejected"},
    {problem::consumer_key_refused, "consumer_key_refused"},
    {problem::token_used, "token_used"},
    {problem::token_expired, "token_expired"},
    {problem::token_revoked, "token_revoked"},
    {problem::token_rejected, "token_rejected"},
    {problem::additional_authorization_required, "additional_authorization_required"},
    {problem::permission_unknown, "permission_unknown"},
    {problem::permission_denied, "permission_denied"},
    {problem::user_refused, "user_refused"},
};

using strings = std::vector<std::string>;

// The JIRA base string that the problem bodies below echo (GET of the tutorial's issue JJ-2).
constexpr std::string_view jira_base_string =
    "GET&https%3A%2F%2Fjira.example.com%2Frest%2Fapi%2F2%2Fissue%2FJJ-2&oauth_consumer_key%"
    "3DOauthKey"
    "%26oauth_nonce%3D8a1c%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1700000000%26"
    "oauth_token%3Dtok%26oauth_version%3D1.0";

} // namespace

TEST_CASE("to_string and parse_problem: every code, both ways")
{
    for (const code_name& c : all_codes) {
        CAPTURE(c.name);
        CHECK(oauth1::to_string(c.code) == c.name);
        const std::optional<problem> parsed = oauth1::parse_problem(c.name);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == c.code);
        const problem_report r(c.code);
        CHECK(r.name == c.name);
        REQUIRE(r.code.has_value());
        CHECK(*r.code == c.code);
    }
    // The list above covers the whole enum (user_refused is its last value).
    CHECK(std::size(all_codes) == static_cast<std::size_t>(problem::user_refused) + 1);
    static_assert(oauth1::to_string(problem::nonce_used) == "nonce_used");
    static_assert(oauth1::parse_problem("token_revoked") == problem::token_revoked);

    CHECK_FALSE(oauth1::parse_problem("").has_value());
    CHECK_FALSE(oauth1::parse_problem("Signature_Invalid").has_value()); // case-sensitive
    CHECK_FALSE(oauth1::parse_problem("signature_invalid ").has_value());
    CHECK_FALSE(oauth1::parse_problem("something_new").has_value());
}

TEST_CASE("problem_report::summary")
{
    problem_report r(problem::parameter_absent);
    r.parameters_absent = {"oauth_token", "oauth_nonce"};
    CHECK(r.summary() == "parameter_absent; absent: oauth_token, oauth_nonce");
    problem_report t(problem::timestamp_refused);
    t.advice = "clock skew";
    t.acceptable_timestamps = std::make_pair(std::uint64_t{1}, std::uint64_t{2});
    CHECK(t.summary() == "timestamp_refused: clock skew; acceptable timestamps 1-2");
    CHECK(problem_report{}.summary() == "unknown problem");
}

TEST_CASE("www_authenticate: JIRA style header values")
{
    CHECK(oauth1::www_authenticate(problem_report(problem::signature_invalid), "JIRA") ==
          R"(OAuth realm="JIRA", oauth_problem="signature_invalid")");
    CHECK(oauth1::www_authenticate(problem_report(problem::token_rejected), "") ==
          R"(OAuth realm="", oauth_problem="token_rejected")");

    problem_report ts(problem::timestamp_refused);
    ts.acceptable_timestamps = std::make_pair(std::uint64_t{1700000000}, std::uint64_t{1700000600});
    CHECK(oauth1::www_authenticate(ts, "JIRA") ==
          R"(OAuth realm="JIRA", oauth_problem="timestamp_refused", )"
          R"(oauth_acceptable_timestamps="1700000000-1700000600")");

    problem_report absent(problem::parameter_absent);
    absent.parameters_absent = {"oauth_token", "oauth_nonce"};
    absent.advice = "sign the request";
    CHECK(oauth1::www_authenticate(absent, "http://photos.example.net/") ==
          R"(OAuth realm="http://photos.example.net/", oauth_problem="parameter_absent", )"
          R"(oauth_problem_advice="sign%20the%20request", )"
          R"(oauth_parameters_absent="oauth_token%26oauth_nonce")");

    problem_report rejected(problem::parameter_rejected);
    rejected.parameters_rejected = {"oauth_timestamp"};
    CHECK(oauth1::www_authenticate(rejected, "JIRA") ==
          R"(OAuth realm="JIRA", oauth_problem="parameter_rejected", )"
          R"(oauth_parameters_rejected="oauth_timestamp")");

    problem_report version(problem::version_rejected);
    version.acceptable_versions = "1.0-1.0";
    CHECK(oauth1::www_authenticate(version, "JIRA") ==
          R"(OAuth realm="JIRA", oauth_problem="version_rejected", )"
          R"(oauth_acceptable_versions="1.0-1.0")");

    // The realm is a quoted-string: quotes and backslashes escaped; CR, LF and NUL dropped so that
    // the value cannot split the header.
    CHECK(oauth1::www_authenticate(problem_report(problem::nonce_used),
                                   "a\"b\\c\r\nSet-Cookie: x\0y"sv) ==
          R"(OAuth realm="a\"b\\cSet-Cookie: xy", oauth_problem="nonce_used")");

    // The base string is never put in the header (it can be long); it only goes to the body.
    problem_report sig(problem::signature_invalid);
    sig.signature_base_string = std::string(jira_base_string);
    CHECK(oauth1::www_authenticate(sig, "JIRA") ==
          R"(OAuth realm="JIRA", oauth_problem="signature_invalid")");
}

TEST_CASE("problem_body: form-encoded problem answers")
{
    CHECK(oauth1::problem_body(problem_report(problem::signature_invalid)) ==
          "oauth_problem=signature_invalid");

    problem_report absent(problem::parameter_absent);
    absent.parameters_absent = {"oauth_token", "oauth_nonce"};
    CHECK(oauth1::problem_body(absent) ==
          "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_token%26oauth_nonce");

    problem_report ts(problem::timestamp_refused);
    ts.acceptable_timestamps = std::make_pair(std::uint64_t{1}, std::uint64_t{2});
    ts.advice = "a+b & c";
    CHECK(oauth1::problem_body(ts) ==
          "oauth_problem=timestamp_refused&oauth_problem_advice=a%2Bb%20%26%20c"
          "&oauth_acceptable_timestamps=1-2");

    problem_report version(problem::version_rejected);
    version.acceptable_versions = "1.0-1.0";
    CHECK(oauth1::problem_body(version) ==
          "oauth_problem=version_rejected&oauth_acceptable_versions=1.0-1.0");

    // The echoed base string only on request (it reveals the request's parameters).
    problem_report sig(problem::signature_invalid);
    sig.signature_base_string = "GET&http%3A%2F%2Fexample.com%2F&a%3D1";
    CHECK(oauth1::problem_body(sig) == "oauth_problem=signature_invalid");
    CHECK(oauth1::problem_body(sig, true) ==
          "oauth_problem=signature_invalid&oauth_signature_base_string="
          "GET%26http%253A%252F%252Fexample.com%252F%26a%253D1");

    // An unknown problem (a name only) is sent as is, encoded.
    problem_report custom;
    custom.name = "rate limited";
    CHECK(oauth1::problem_body(custom) == "oauth_problem=rate%20limited");
}

TEST_CASE("parse_problem_response: JIRA-like bodies")
{
    SUBCASE("signature_invalid with the echoed base string")
    {
        const std::string body =
            "oauth_problem=signature_invalid&oauth_signature_base_string="
            "GET%26https%253A%252F%252Fjira.example.com%252Frest%252Fapi%252F2%252Fissue%252FJJ-2%"
            "26"
            "oauth_consumer_key%253DOauthKey%2526oauth_nonce%253D8a1c%2526oauth_signature_method%"
            "253D"
            "RSA-SHA1%2526oauth_timestamp%253D1700000000%2526oauth_token%253Dtok%2526oauth_version%"
            "253D1.0"
            "&oauth_signature=Xq%2Bz%2Fw%3D%3D&oauth_signature_method=RSA-SHA1";
        const auto r = oauth1::parse_problem_response(body);
        REQUIRE(r.has_value());
        CHECK(r->name == "signature_invalid");
        REQUIRE(r->code.has_value());
        CHECK(*r->code == problem::signature_invalid);
        CHECK(r->signature_base_string == jira_base_string);
        CHECK(r->advice.empty());
        CHECK(r->parameters_absent.empty());
        CHECK_FALSE(r->acceptable_timestamps.has_value());
    }
    SUBCASE("timestamp_refused with the acceptable range")
    {
        const auto r = oauth1::parse_problem_response(
            "oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1-2");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::timestamp_refused);
        REQUIRE(r->acceptable_timestamps.has_value());
        CHECK(r->acceptable_timestamps->first == 1);
        CHECK(r->acceptable_timestamps->second == 2);
    }
    SUBCASE("parameter_absent with two names")
    {
        const auto r = oauth1::parse_problem_response(
            "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_token%26oauth_nonce");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::parameter_absent);
        CHECK(r->parameters_absent == strings{"oauth_token", "oauth_nonce"});
    }
    SUBCASE("parameter_rejected, advice with '+' as space, version range")
    {
        const auto r = oauth1::parse_problem_response(
            "oauth_problem=version_rejected&oauth_problem_advice=use+1.0%21"
            "&oauth_acceptable_versions=1.0-1.0&oauth_parameters_rejected=oauth_version");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::version_rejected);
        CHECK(r->advice == "use 1.0!");
        CHECK(r->acceptable_versions == "1.0-1.0");
        CHECK(r->parameters_rejected == strings{"oauth_version"});
    }
    SUBCASE("unknown problem codes keep their name and have no code")
    {
        const auto r = oauth1::parse_problem_response("oauth_problem=quota_exceeded&x=1");
        REQUIRE(r.has_value());
        CHECK(r->name == "quota_exceeded");
        CHECK_FALSE(r->code.has_value());
    }
}

TEST_CASE("parse_problem_response: WWW-Authenticate values")
{
    {
        const auto r = oauth1::parse_problem_response(
            "", R"(OAuth realm="JIRA", oauth_problem="token_rejected")");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::token_rejected);
        CHECK(r->name == "token_rejected");
    }
    {
        const auto r = oauth1::parse_problem_response(
            "", R"(OAuth realm="JIRA", oauth_problem="parameter_absent", )"
                R"(oauth_parameters_absent="oauth_token%26oauth_nonce", )"
                R"(oauth_acceptable_timestamps="10-20")");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::parameter_absent);
        CHECK(r->parameters_absent == strings{"oauth_token", "oauth_nonce"});
        REQUIRE(r->acceptable_timestamps.has_value());
        CHECK(*r->acceptable_timestamps == std::make_pair(std::uint64_t{10}, std::uint64_t{20}));
    }
    {
        // Both given: the body wins for fields that both carry; the header fills the rest.
        const auto r = oauth1::parse_problem_response(
            "oauth_problem=nonce_used&oauth_problem_advice=from+body",
            R"(OAuth realm="x", oauth_problem="timestamp_refused", oauth_problem_advice="from%20header", )"
            R"(oauth_acceptable_timestamps="5-6")");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::nonce_used);
        CHECK(r->advice == "from body");
        REQUIRE(r->acceptable_timestamps.has_value());
        CHECK(r->acceptable_timestamps->first == 5);
    }
    {
        // A header without oauth_problem, or another scheme, is not a problem answer.
        CHECK_FALSE(oauth1::parse_problem_response("", R"(OAuth realm="JIRA")").has_value());
        CHECK_FALSE(oauth1::parse_problem_response("", R"(Basic realm="JIRA")").has_value());
        CHECK_FALSE(oauth1::parse_problem_response("", R"(OAuth realm="JIRA", oauth_problem=")")
                        .has_value());
    }
}

TEST_CASE("parse_problem_response: bodies that are not problem answers")
{
    CHECK_FALSE(oauth1::parse_problem_response("").has_value());
    CHECK_FALSE(oauth1::parse_problem_response("<html><body>Internal Server Error</body></html>")
                    .has_value());
    CHECK_FALSE(
        oauth1::parse_problem_response(R"({"errorMessages":["Issue does not exist"],"errors":{}})")
            .has_value());
    CHECK_FALSE(oauth1::parse_problem_response(
                    "oauth_token=abc&oauth_token_secret=def&oauth_callback_confirmed=true")
                    .has_value());
    CHECK_FALSE(oauth1::parse_problem_response("oauth_problem").has_value()); // no '='
    CHECK_FALSE(oauth1::parse_problem_response("xoauth_problem=nonce_used").has_value());
}

TEST_CASE("parse_problem_response: malformed escapes are skipped, never fatal")
{
    {
        const auto r =
            oauth1::parse_problem_response("oauth_problem=nonce_used&oauth_problem_advice=bad%"
                                           "ZZescape&oauth_parameters_absent=oauth_nonce"
                                           "&oauth_acceptable_timestamps=1%2");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::nonce_used);
        CHECK(r->advice.empty());
        CHECK(r->parameters_absent == strings{"oauth_nonce"});
        CHECK_FALSE(r->acceptable_timestamps.has_value());
    }
    // A malformed oauth_problem value is skipped like any other field: nothing is left.
    CHECK_FALSE(
        oauth1::parse_problem_response("oauth_problem=sig%G1&oauth_problem_advice=x").has_value());
    CHECK_FALSE(oauth1::parse_problem_response("oauth_problem=%4").has_value());
    // A malformed name is skipped too; a later good pair still counts.
    {
        const auto r = oauth1::parse_problem_response("oauth%XXproblem=a&oauth_problem=token_used");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::token_used);
    }
    // Malformed ranges are dropped.
    for (const char* range :
         {"abc", "1-", "-2", "1-2-3", "1--2", "18446744073709551616-1", "+1-2", ""}) {
        CAPTURE(range);
        const auto r = oauth1::parse_problem_response(std::string("oauth_problem=timestamp_refused&"
                                                                  "oauth_acceptable_timestamps=") +
                                                      range);
        REQUIRE(r.has_value());
        CHECK_FALSE(r->acceptable_timestamps.has_value());
    }
    // The header form: a malformed escape in one value skips that value only.
    {
        const auto r = oauth1::parse_problem_response(
            "", R"(OAuth realm="JIRA", oauth_problem="token_expired", oauth_problem_advice="%zz", )"
                R"(oauth_parameters_rejected="oauth_token")");
        REQUIRE(r.has_value());
        CHECK(r->code == problem::token_expired);
        CHECK(r->advice.empty());
        CHECK(r->parameters_rejected == strings{"oauth_token"});
    }
    {
        const auto r = oauth1::parse_problem_response(
            "", R"(OAuth oauth_problem="%4", oauth_problem_advice="x")");
        CHECK_FALSE(r.has_value());
    }
}

TEST_CASE("problem_body and www_authenticate round trip through parse_problem_response")
{
    std::vector<problem_report> reports;
    for (const code_name& c : all_codes) reports.emplace_back(c.code);
    {
        problem_report r(problem::parameter_absent);
        r.parameters_absent = {"oauth_consumer_key", "oauth_signature_method", "oauth_nonce"};
        r.advice = "100% sure: \"quotes\", commas, & ampersands = fine\xE2\x9C\x93";
        reports.push_back(r);
    }
    {
        problem_report r(problem::parameter_rejected);
        r.parameters_rejected = {"oauth_timestamp", "oauth_token"};
        reports.push_back(r);
    }
    {
        problem_report r(problem::timestamp_refused);
        r.acceptable_timestamps =
            std::make_pair(std::uint64_t{0}, std::uint64_t{18446744073709551615ULL});
        reports.push_back(r);
    }
    {
        problem_report r(problem::version_rejected);
        r.acceptable_versions = "1.0-1.0";
        reports.push_back(r);
    }
    {
        problem_report r;
        r.name = "custom+problem name";
        reports.push_back(r);
    }
    for (const problem_report& in : reports) {
        CAPTURE(in.name);
        for (const bool via_header : {false, true}) {
            CAPTURE(via_header);
            const auto out =
                via_header ? oauth1::parse_problem_response("", oauth1::www_authenticate(in, "R"))
                           : oauth1::parse_problem_response(oauth1::problem_body(in));
            REQUIRE(out.has_value());
            CHECK(out->name == in.name);
            CHECK(out->code == in.code);
            CHECK(out->advice == in.advice);
            CHECK(out->parameters_absent == in.parameters_absent);
            CHECK(out->parameters_rejected == in.parameters_rejected);
            CHECK(out->acceptable_timestamps == in.acceptable_timestamps);
            CHECK(out->acceptable_versions == in.acceptable_versions);
        }
    }
    // The echoed base string survives the body (with include_base_string).
    problem_report sig(problem::signature_invalid);
    sig.signature_base_string = std::string(jira_base_string);
    const auto back = oauth1::parse_problem_response(oauth1::problem_body(sig, true));
    REQUIRE(back.has_value());
    CHECK(back->signature_base_string == jira_base_string);
}

TEST_CASE("explain_base_string_difference")
{
    const std::string ours =
        "GET&http%3A%2F%2Fexample.com%2Fa&a%3D1%26b%3Dx%2520y%26oauth_nonce%3Dn";

    SUBCASE("equal")
    {
        CHECK(oauth1::explain_base_string_difference(ours, ours).empty());
    }
    SUBCASE("different method")
    {
        CHECK(
            oauth1::explain_base_string_difference(
                ours, "POST&http%3A%2F%2Fexample.com%2Fa&a%3D1%26b%3Dx%2520y%26oauth_nonce%3Dn") ==
            "method: ours 'GET', theirs 'POST'\n");
    }
    SUBCASE("different URI")
    {
        CHECK(
            oauth1::explain_base_string_difference(
                ours, "GET&https%3A%2F%2Fexample.com%2Fa&a%3D1%26b%3Dx%2520y%26oauth_nonce%3Dn") ==
            "URI: ours 'http://example.com/a', theirs 'https://example.com/a'\n");
    }
    SUBCASE("a parameter only on one side")
    {
        const std::string theirs = "GET&http%3A%2F%2Fexample.com%2Fa&a%3D1%26b%3Dx%2520y%26oauth_"
                                   "nonce%3Dn%26oauth_token%3Dt";
        CHECK(oauth1::explain_base_string_difference(ours, theirs) ==
              "parameter only in theirs: oauth_token=t\n");
        CHECK(oauth1::explain_base_string_difference(theirs, ours) ==
              "parameter only in ours: oauth_token=t\n");
    }
    SUBCASE("a value encoded differently")
    {
        const std::string theirs =
            "GET&http%3A%2F%2Fexample.com%2Fa&a%3D1%26b%3Dx%2By%26oauth_nonce%3Dn";
        CHECK(oauth1::explain_base_string_difference(ours, theirs) ==
              "parameter only in ours: b=x%20y\nparameter only in theirs: b=x+y\n");
    }
    SUBCASE("same set, different order")
    {
        const std::string theirs =
            "GET&http%3A%2F%2Fexample.com%2Fa&b%3Dx%2520y%26a%3D1%26oauth_nonce%3Dn";
        CHECK(oauth1::explain_base_string_difference(ours, theirs) ==
              "parameters: same set, different order\n");
    }
    SUBCASE("same names, different multiplicities are not 'the same set'")
    {
        const std::string a = "GET&http%3A%2F%2Fexample.com%2F&a%3D1%26a%3D1%26b%3D2";
        const std::string b = "GET&http%3A%2F%2Fexample.com%2F&a%3D1%26b%3D2%26b%3D2";
        CHECK(oauth1::explain_base_string_difference(a, b) ==
              "parameter only in ours: a=1\nparameter only in theirs: b=2\n");
    }
    SUBCASE("several parts differ")
    {
        CHECK(
            oauth1::explain_base_string_difference(
                ours, "POST&http%3A%2F%2Fexample.com%2Fb&a%3D1%26b%3Dx%2520y%26oauth_nonce%3Dm") ==
            "method: ours 'GET', theirs 'POST'\n"
            "URI: ours 'http://example.com/a', theirs 'http://example.com/b'\n"
            "parameter only in ours: oauth_nonce=n\n"
            "parameter only in theirs: oauth_nonce=m\n");
    }
    SUBCASE("not base strings at all")
    {
        CHECK(oauth1::explain_base_string_difference("GET", "GET&") ==
              "base strings differ in separators\n");
        CHECK_FALSE(oauth1::explain_base_string_difference("", "x").empty());
    }
}

namespace {

/// A base string whose parameters are `params` joined with '&' (encoded once, as in a base
/// string: '=' as %3D, '&' as %26).
std::string base_string_with(const std::vector<std::string>& params,
                             std::string_view uri = "http%3A%2F%2Fx%2F")
{
    std::string s = "GET&" + std::string(uri) + "&";
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i) s += "%26";
        const std::size_t eq = params[i].find('=');
        s += params[i].substr(0, eq) + "%3D" + params[i].substr(eq + 1);
    }
    return s;
}

std::size_t count_lines(const std::string& s, std::string_view prefix)
{
    std::size_t n = 0;
    for (std::size_t pos = 0; pos < s.size();) {
        const std::size_t end = s.find('\n', pos);
        if (s.compare(pos, prefix.size(), prefix) == 0) ++n;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return n;
}

std::string number(std::size_t i, int width)
{
    std::string d = std::to_string(i);
    return std::string(static_cast<std::size_t>(width) - d.size(), '0') + d;
}

} // namespace

TEST_CASE("explain_base_string_difference: 2,000 vs 1,000,000 parameters, bounded output")
{
    // The quadratic matching this replaces compared each of ours with each of theirs: 2,000 x
    // 1,000,000 = 2e9 string comparisons (12 s optimised, 29 MiB of output). Sorting and
    // merging does about 2e7; the test would take minutes if the work were quadratic again.
    std::vector<std::string> ours;
    for (std::size_t i = 0; i < 2000; ++i) ours.push_back("a" + number(i, 4) + "=1");
    std::vector<std::string> theirs(ours.begin(), ours.begin() + 1000); // a0000..a0999 shared

    SUBCASE("theirs sorted, as a provider echoes it: 999,000 of their own")
    {
        for (std::size_t i = 0; i < 999000; ++i) theirs.push_back("z" + number(i, 6) + "=2");
        REQUIRE(theirs.size() == 1000000);
        const std::string d = oauth1::explain_base_string_difference(base_string_with(ours),
                                                                     base_string_with(theirs));
        CHECK(d.size() <= oauth1::base_string_difference_max_bytes);
        CHECK(count_lines(d, "parameter only in ours: ") == 8);
        CHECK(count_lines(d, "parameter only in theirs: ") == 8);
        // Each side's first differing parameters, in that side's order, then the counts.
        CHECK(d.rfind("parameter only in ours: a1000=1\nparameter only in ours: a1001=1\n", 0) ==
              0);
        CHECK(d.find("parameter only in ours: a1007=1\n... and 992 more parameters only in ours\n"
                     "parameter only in theirs: z000000=2\n"
                     "parameter only in theirs: z000001=2\n") != std::string::npos);
        CHECK(d.find("parameter only in theirs: z000007=2\n"
                     "... and 998992 more parameters only in theirs\n") != std::string::npos);
        CHECK(d.back() == '\n');
    }
    SUBCASE("theirs in a scrambled order: 199,000 of their own")
    {
        for (std::size_t i = 0; i < 199000; ++i)
            theirs.push_back("z" + number((i * 7919) % 199000, 6) + "=2");
        const std::string d = oauth1::explain_base_string_difference(base_string_with(ours),
                                                                     base_string_with(theirs));
        CHECK(d.size() <= oauth1::base_string_difference_max_bytes);
        // Listed in their order, not sorted.
        CHECK(d.find("parameter only in theirs: z000000=2\n"
                     "parameter only in theirs: z007919=2\n") != std::string::npos);
        CHECK(d.find("\n... and 198992 more parameters only in theirs\n") != std::string::npos);
        // Shared parameters are matched wherever they stand.
        std::vector<std::string> shuffled = ours;
        for (std::size_t i = 0; i < shuffled.size(); ++i)
            std::swap(shuffled[i], shuffled[(i * 7919) % shuffled.size()]);
        CHECK(oauth1::explain_base_string_difference(base_string_with(ours),
                                                     base_string_with(shuffled)) ==
              "parameters: same set, different order\n");
    }
}

TEST_CASE("explain_base_string_difference: the listing budget and long texts")
{
    SUBCASE("what one side does not use of the budget goes to the other")
    {
        std::vector<std::string> ours{"a=1", "b=1", "c=1"};
        std::vector<std::string> theirs;
        for (std::size_t i = 0; i < 100; ++i) theirs.push_back("t" + number(i, 3) + "=x");
        const std::string d = oauth1::explain_base_string_difference(base_string_with(ours),
                                                                     base_string_with(theirs));
        CHECK(count_lines(d, "parameter only in ours: ") == 3);
        CHECK(count_lines(d, "parameter only in theirs: ") == 13);
        CHECK(d.find("... and") == d.find("... and 87 more parameters only in theirs\n"));
        CHECK(count_lines(d, "... and ") == 1);
    }
    SUBCASE("exactly the budget: everything listed, no count line")
    {
        std::vector<std::string> theirs;
        for (std::size_t i = 0; i < oauth1::base_string_difference_max_listed; ++i)
            theirs.push_back("t" + number(i, 3) + "=x");
        const std::string d =
            oauth1::explain_base_string_difference(base_string_with({}), base_string_with(theirs));
        CHECK(count_lines(d, "parameter only in theirs: ") == 16);
        CHECK(d.find("... and") == std::string::npos);
    }
    SUBCASE("a megabyte URI, method and parameter are cut, with their sizes")
    {
        const std::string big(1000000, 'u');
        const std::string ours = "GET&http%3A%2F%2Fx%2F&a%3D1";
        const std::string theirs = big + "&http%3A%2F%2Fx%2F" + big + "&a%3D" + big;
        const std::string d = oauth1::explain_base_string_difference(ours, theirs);
        CHECK(d.size() <= oauth1::base_string_difference_max_bytes);
        CHECK(d.rfind("method: ours 'GET', theirs '" + std::string(100, 'u') +
                          "... (1000000 bytes)'\n",
                      0) == 0);
        CHECK(d.find("URI: ours 'http://x/', theirs 'http://x/" + std::string(91, 'u') +
                     "... (1000009 bytes)'\n") != std::string::npos);
        CHECK(d.find("parameter only in ours: a=1\n") != std::string::npos);
        CHECK(d.find("parameter only in theirs: a=" + std::string(98, 'u') +
                     "... (1000002 bytes)\n") != std::string::npos);
    }
    SUBCASE("a cut never splits a UTF-8 sequence")
    {
        // "p=" and 97 ASCII bytes, then U+20AC (3 bytes) straddling the 100-byte cut: the cut
        // moves back before it.
        const std::string value = std::string(97, 'v') + "\xE2\x82\xAC" + std::string(50, 'w');
        const std::string d = oauth1::explain_base_string_difference(
            base_string_with({}), base_string_with({"p=" + value}));
        CHECK(d == "parameter only in theirs: p=" + std::string(97, 'v') + "... (152 bytes)\n");
        // Two bytes earlier, the whole sequence fits before the cut.
        const std::string d2 = oauth1::explain_base_string_difference(
            base_string_with({}), base_string_with({"p=" + value.substr(2)}));
        CHECK(d2 == "parameter only in theirs: p=" + std::string(95, 'v') + "\xE2\x82\xAC" +
                        "... (150 bytes)\n");
    }
    SUBCASE("many small differences on both sides stay within the bound")
    {
        std::vector<std::string> ours;
        std::vector<std::string> theirs;
        for (std::size_t i = 0; i < 5000; ++i) {
            ours.push_back("o" + number(i, 4) + "=" + std::string(200, 'x'));
            theirs.push_back("t" + number(i, 4) + "=" + std::string(200, 'y'));
        }
        const std::string d = oauth1::explain_base_string_difference(
            base_string_with(ours, "http%3A%2F%2F" + std::string(5000, 'h')),
            base_string_with(theirs, "http%3A%2F%2F" + std::string(6000, 'h')));
        CHECK(d.size() <= oauth1::base_string_difference_max_bytes);
        CHECK(count_lines(d, "parameter only in ") == 16);
        CHECK(d.find("... and 4992 more parameters only in ours\n") != std::string::npos);
        CHECK(d.find("... and 4992 more parameters only in theirs\n") != std::string::npos);
    }
}
