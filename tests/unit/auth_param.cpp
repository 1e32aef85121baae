// Unit tests for oauth1/detail/auth_param.hpp: the one scanner of the RFC 7235 §2.1 auth-param
// syntax (scheme, names, BWS "=", token and quoted-string values, quoted-pairs, list commas and
// OWS), its errors and their offsets, the decoded-text mode behind the httplib server adapter
// (reencode_decoded_authorization), and how the readers built on it agree:
// parse_authorization_header (strict), the WWW-Authenticate challenge walker (lenient), and the
// re-encoding.
#include <oauth1/detail/auth_param.hpp>

#include <oauth1/authorization.hpp>
#include <oauth1/detail/problem_fields.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using oauth1::detail::auth_param;
using oauth1::detail::auth_param_error;
using oauth1::detail::auth_param_scanner;
using oauth1::detail::auth_param_text;

struct scanned_param {
    std::string name;
    std::string raw;
    bool quoted = false;
    bool escaped = false;
    std::string value; // quoted-pairs undone
    bool operator==(const scanned_param& o) const
    {
        return name == o.name && raw == o.raw && quoted == o.quoted && escaped == o.escaped &&
               value == o.value;
    }
};

struct scan_result {
    std::vector<scanned_param> params;
    auth_param_error error = auth_param_error::none;
    std::size_t offset = 0;
    /// The error() seen right after each next() that returned true.
    std::vector<auth_param_error> errors_after;
};

scan_result scan(std::string_view input, auth_param_text text = auth_param_text::header)
{
    scan_result r;
    auth_param_scanner s(input, "OAuth", text);
    std::string buffer;
    for (auth_param p; s.next(p);) {
        CHECK(p.raw_value.data() >= input.data());
        CHECK(p.raw_value.data() + p.raw_value.size() <= input.data() + input.size());
        r.params.push_back({std::string(p.name), std::string(p.raw_value), p.quoted, p.escaped,
                            std::string(p.value(buffer))});
        r.errors_after.push_back(s.error());
    }
    // Once it returned false, it keeps returning false.
    auth_param p;
    CHECK_FALSE(s.next(p));
    r.error = s.error();
    r.offset = s.error_offset();
    return r;
}

scanned_param bare(std::string name, std::string value)
{
    return {name, value, false, false, value};
}

scanned_param quoted(std::string name, std::string raw, std::string value)
{
    const bool escaped = raw != value;
    return {std::move(name), std::move(raw), true, escaped, std::move(value)};
}

scanned_param quoted(std::string name, const std::string& value)
{
    return quoted(std::move(name), value, value);
}

// The names and values of the challenge walker, for `v`.
std::vector<std::pair<std::string, std::string>> challenge(std::string_view v)
{
    std::vector<std::pair<std::string, std::string>> out;
    oauth1::detail::for_each_challenge_param(
        v, [&](const std::string& n, std::string value) { out.emplace_back(n, std::move(value)); });
    return out;
}

} // namespace

namespace doctest {
template <>
struct StringMaker<auth_param_error> {
    static String convert(auth_param_error e)
    {
        constexpr const char* names[] = {"none",           "other_scheme",       "empty_name",
                                         "missing_equals", "unterminated_quote", "forbidden_byte",
                                         "missing_comma"};
        return names[static_cast<int>(e)];
    }
};
template <>
struct StringMaker<scanned_param> {
    static String convert(const scanned_param& p)
    {
        std::string s = p.name + (p.quoted ? "=\"" : "=") + p.raw + (p.quoted ? "\"" : "");
        if (p.escaped) s += " (" + p.value + ")";
        return String(s.c_str());
    }
};
} // namespace doctest

TEST_CASE("auth-scheme: OWS before it, any case, then SP, HTAB or the end")
{
    using oauth1::detail::auth_scheme_end;
    constexpr auto npos = std::string_view::npos;
    CHECK(auth_scheme_end("OAuth", "OAuth") == 5);
    CHECK(auth_scheme_end("oauth a=1", "OAuth") == 5);
    CHECK(auth_scheme_end("OAUTH\ta=1", "OAuth") == 5);
    CHECK(auth_scheme_end("  \toAuTh ", "OAuth") == 8);
    CHECK(auth_scheme_end("OAuth", "oauth") == 5);
    static_assert(auth_scheme_end("OAuth x", "OAuth") == 5, "usable in constant expressions");
    for (const std::string_view v :
         {std::string_view(""), std::string_view(" "), std::string_view("OAut"),
          std::string_view("OAuthx"), std::string_view("OAuth,a=1"), std::string_view("OAuth=a"),
          std::string_view("XOAuth a=1"), std::string_view("Basic dXNlcjpwYXNz"),
          std::string_view("Bearer x"), std::string_view("OAuth\r\n"),
          std::string_view("OAuth\0", 6), std::string_view("0Auth a=1"),
          std::string_view("\nOAuth a=1")}) {
        CAPTURE(v);
        CHECK(auth_scheme_end(v, "OAuth") == npos);
        const scan_result r = scan(v);
        CHECK(r.params.empty());
        CHECK(r.error == auth_param_error::other_scheme);
        // Where the scheme should begin: after the OWS.
        std::size_t ows = 0;
        while (ows < v.size() && (v[ows] == ' ' || v[ows] == '\t')) ++ows;
        CHECK(r.offset == ows);
    }
    // Case folding is ASCII letters only: '@' is not '`'.
    CHECK(auth_scheme_end("a@b", "A`B") == npos);
    CHECK(auth_scheme_end("A@B", "a@b") == 3);
}

TEST_CASE("the scheme alone, or with only OWS and empty list elements")
{
    for (const std::string_view v :
         {"OAuth", "OAuth ", "oauth\t", "OAuth ,, ,", "OAuth ,", "  OAuth  , \t ,,,"}) {
        CAPTURE(v);
        const scan_result r = scan(v);
        CHECK(r.params.empty());
        CHECK(r.error == auth_param_error::none);
    }
}

TEST_CASE("auth-param: token and quoted-string values, BWS around '=', OWS around ','")
{
    const std::vector<scanned_param> ab = {quoted("a", "1"), bare("b", "2")};
    for (const std::string_view v : {
             "OAuth a=\"1\", b=2",
             "OAuth a=\"1\",b=2",
             "OAuth a = \"1\" , b = 2",
             "OAuth a\t=\t\"1\"\t,\tb\t=\t2\t",
             "  OAuth   a=\"1\"  ,   b=2  ",
             "OAuth ,,a=\"1\",, ,b=2,,",
             "OAuth\ta=\"1\",\t,\tb=2,",
         }) {
        CAPTURE(v);
        const scan_result r = scan(v);
        CHECK(r.params == ab);
        CHECK(r.error == auth_param_error::none);
        CHECK(r.errors_after == std::vector<auth_param_error>(2, auth_param_error::none));
    }
    SUBCASE("empty values, quoted or bare")
    {
        const scan_result r = scan("OAuth a=\"\", b=, c= , d=");
        CHECK(r.params == std::vector<scanned_param>{quoted("a", ""), bare("b", ""), bare("c", ""),
                                                     bare("d", "")});
        CHECK(r.error == auth_param_error::none);
    }
    SUBCASE("names and bare values are any bytes but their delimiters")
    {
        // Wider than RFC 7230's tchar, as every reader accepted before there was one scanner:
        // a 3.6-encoded name or value is always one.
        const scan_result r = scan("OAuth a%5Fb=%41, c!d=x=y, e\"f=g\"h, \xC3\xA9=\xFF, k=(;)");
        CHECK(r.params == std::vector<scanned_param>{bare("a%5Fb", "%41"), bare("c!d", "x=y"),
                                                     bare("e\"f", "g\"h"), bare("\xC3\xA9", "\xFF"),
                                                     bare("k", "(;)")});
        CHECK(r.error == auth_param_error::none);
    }
    SUBCASE("a quoted-string holds ',', '=', OWS and any other byte but CR, LF, NUL")
    {
        const scan_result r = scan("OAuth a=\" , = \t x\x01\xFF\", b=\"\"");
        CHECK(r.params ==
              std::vector<scanned_param>{quoted("a", " , = \t x\x01\xFF"), quoted("b", "")});
    }
}

TEST_CASE("quoted-pair: '\\' escapes the next byte")
{
    CHECK(scan(R"(OAuth a="x\"y\\z")").params ==
          std::vector<scanned_param>{quoted("a", R"(x\"y\\z)", R"(x"y\z)")});
    CHECK(scan(R"(OAuth a="\1\a\ ")").params ==
          std::vector<scanned_param>{quoted("a", R"(\1\a\ )", "1a ")});
    CHECK(scan(R"(OAuth a="\\", b="\"")").params ==
          std::vector<scanned_param>{quoted("a", R"(\\)", "\\"), quoted("b", R"(\")", "\"")});
    // Only in quoted-strings: in a bare value '\' is a byte like any other.
    CHECK(scan(R"(OAuth a=x\y)").params == std::vector<scanned_param>{bare("a", R"(x\y)")});
    // An escaped closing quote does not close.
    {
        const std::string_view v = R"(OAuth a="1\")";
        const scan_result r = scan(v);
        CHECK(r.params.empty());
        CHECK(r.error == auth_param_error::unterminated_quote);
        CHECK(r.offset == v.size());
    }
    {
        const std::string_view v = R"(OAuth a="1\)";
        const scan_result r = scan(v);
        CHECK(r.error == auth_param_error::unterminated_quote);
        CHECK(r.offset == v.size());
    }
    // CR, LF and NUL cannot be escaped.
    for (const char c : {'\r', '\n', '\0'}) {
        const std::string v = std::string("OAuth a=\"x\\") + c + "\"";
        const scan_result r = scan(v);
        CHECK(r.error == auth_param_error::forbidden_byte);
        CHECK(r.offset == 11);
    }
}

TEST_CASE("errors and their offsets")
{
    struct refused {
        std::string_view input;
        auth_param_error error;
        std::size_t offset;
        std::size_t params_before; // returned before the error
    };
    using e = auth_param_error;
    const refused cases[] = {
        {"OAuth a", e::missing_equals, 7, 0},
        {"OAuth a b=\"1\"", e::missing_equals, 8, 0}, // space inside a name
        {"OAuth a=\"1\", b", e::missing_equals, 14, 1},
        {"OAuth a,b=1", e::missing_equals, 7, 0},
        {"OAuth =\"1\"", e::empty_name, 6, 0},
        {"OAuth a=1, =2", e::empty_name, 11, 1},
        {"OAuth a=\"1", e::unterminated_quote, 10, 0},
        {"OAuth a=\"", e::unterminated_quote, 9, 0},
        {"OAuth a=\"1\"x", e::missing_comma, 11, 1},
        {"OAuth a=\"1\" x", e::missing_comma, 12, 1},
        {"OAuth a=\"1\" b=\"2\"", e::missing_comma, 12, 1},
        {"OAuth a=1 2", e::missing_comma, 10, 1},
        {"OAuth a=\"1\"\"2\"", e::missing_comma, 11, 1},
        {"OAuth a=b\"c\" d", e::missing_comma, 13, 1},
        {"OAuth a=\"x\r\ny\"", e::forbidden_byte, 10, 0},
        {"OAuth a=x\r\n", e::forbidden_byte, 9, 0},
        {"OAuth a\nb=\"1\"", e::forbidden_byte, 7, 0},
        {"OAuth \r\n", e::forbidden_byte, 6, 0},
        {"OAuth a=1, b=\"0123456789abcdefghij\rx\"", e::forbidden_byte, 34, 1},
        {"OAuth oauth_consumer_key_long\r\n=\"1\"", e::forbidden_byte, 29, 0},
        {"OAuth a=\"1\", realm=\"r\r\n\"", e::forbidden_byte, 21, 1},
        {std::string_view("OAuth a=\"x\0y\"", 13), e::forbidden_byte, 10, 0},
        {std::string_view("OAuth a\0b=1", 11), e::forbidden_byte, 7, 0},
        {std::string_view("OAuth a=1\0", 10), e::forbidden_byte, 9, 0},
    };
    for (const refused& c : cases) {
        CAPTURE(c.input);
        const scan_result r = scan(c.input);
        CHECK(r.error == c.error);
        CHECK(r.offset == c.offset);
        CHECK(r.params.size() == c.params_before);
        // A complete pair followed by something else is returned with the error already set,
        // so that a strict reader refuses it before using it.
        if (c.error == e::missing_comma) {
            REQUIRE_FALSE(r.errors_after.empty());
            CHECK(r.errors_after.back() == e::missing_comma);
        }
        // The strict reader refuses all of them.
        std::error_code ec;
        (void)oauth1::parse_authorization_header(c.input, ec);
        CHECK(ec == oauth1::errc::invalid_authorization_header);
    }
}

TEST_CASE("token68 (RFC 7235 §2.1): OAuth has none, so it is a name without '='")
{
    {
        const std::string_view v = "OAuth dGVzdA";
        const scan_result r = scan(v);
        CHECK(r.error == auth_param_error::missing_equals);
        CHECK(r.offset == v.size());
    }
    {
        const scan_result r = scan("OAuth dGVz dA==");
        CHECK(r.error == auth_param_error::missing_equals);
        CHECK(r.offset == 11);
    }
    // With padding it reads as a name and a bare value "=" (what every reader accepted); the
    // provider then finds no protocol parameter in it.
    CHECK(scan("OAuth dGVzdA==").params == std::vector<scanned_param>{bare("dGVzdA", "=")});
    // Another scheme's token68 is another scheme.
    CHECK(scan("Basic dXNlcjpwYXNz").error == auth_param_error::other_scheme);
}

TEST_CASE("duplicate parameters are all returned; the readers decide")
{
    const scan_result r = scan("OAuth a=1, a=\"1\", realm=x, REALM=\"y\", a=2");
    CHECK(r.params == std::vector<scanned_param>{bare("a", "1"), quoted("a", "1"),
                                                 bare("realm", "x"), quoted("REALM", "y"),
                                                 bare("a", "2")});
    CHECK(r.error == auth_param_error::none);
    // parse_authorization_header refuses a second realm (in any case) and keeps repeated
    // parameters (the provider refuses repeated protocol parameters later).
    std::error_code ec;
    (void)oauth1::parse_authorization_header("OAuth realm=x, REALM=\"y\"", ec);
    CHECK(ec == oauth1::errc::duplicate_protocol_parameter);
    const auto parsed = oauth1::parse_authorization_header("OAuth a=1, a=\"1\", a=2", ec);
    CHECK_FALSE(ec);
    CHECK(parsed.parameters.size() == 3);
}

TEST_CASE("truncated at every byte of a valid header: a prefix, or a clear error at the end")
{
    const std::string_view full =
        "  OAuth realm=\"Exa\\\"mple\", oauth_consumer_key = \"0685bd9184jfhq22\",, "
        "oauth_token=ad180jjd733klru7 ,\toauth_signature=\"wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D\", "
        "oauth_nonce=\"\\\\\"";
    const scan_result whole = scan(full);
    REQUIRE(whole.error == auth_param_error::none);
    REQUIRE(whole.params.size() == 5);
    std::size_t clean = 0;
    for (std::size_t n = 0; n < full.size(); ++n) {
        // A copy of exactly n bytes: a scan past the end would read outside it (ASan).
        const std::string cut(full.substr(0, n));
        CAPTURE(cut);
        const scan_result r = scan(cut);
        switch (r.error) {
        case auth_param_error::none: ++clean; break;
        case auth_param_error::other_scheme: CHECK(r.offset == (n < 2 ? n : 2)); break;
        case auth_param_error::missing_equals:
        case auth_param_error::unterminated_quote: CHECK(r.offset == n); break;
        default: FAIL_CHECK("unexpected error for a truncated header");
        }
        // What was returned is the start of the whole header's parameters; the last one may be
        // cut short (a bare value, or its name when the header ends before '=').
        REQUIRE(r.params.size() <= whole.params.size());
        for (std::size_t i = 0; i < r.params.size(); ++i) {
            if (i + 1 < r.params.size() || r.error != auth_param_error::none) {
                CHECK(r.params[i] == whole.params[i]);
            } else {
                CHECK(r.params[i].name == whole.params[i].name);
                CHECK(whole.params[i].raw.compare(0, r.params[i].raw.size(), r.params[i].raw) == 0);
            }
        }
        // The strict reader agrees: it parses exactly when the scan ended cleanly.
        std::error_code ec;
        (void)oauth1::parse_authorization_header(cut, ec);
        if (r.error == auth_param_error::none) {
            CHECK_FALSE(ec);
        } else {
            CHECK(ec == oauth1::errc::invalid_authorization_header);
        }
        (void)challenge(cut);
        (void)oauth1::detail::reencode_decoded_authorization(cut);
    }
    CHECK(clean > 20);
}

TEST_CASE("linear time and no crash on 1 MiB of separators, quotes and backslashes")
{
    constexpr std::size_t mib = 1024 * 1024;
    SUBCASE("commas and OWS: empty list elements")
    {
        const std::string v = "OAuth " + std::string(mib, ',') + std::string(mib, ' ') +
                              std::string(mib / 2, '\t') + ",a=1" + std::string(mib, ',');
        const scan_result r = scan(v);
        CHECK(r.params == std::vector<scanned_param>{bare("a", "1")});
        CHECK(r.error == auth_param_error::none);
        CHECK(challenge(v).size() == 1);
        CHECK(oauth1::detail::reencode_decoded_authorization(v) == "OAuth a=\"1\"");
    }
    SUBCASE("quotes")
    {
        const std::string v = "OAuth a=" + std::string(mib, '"');
        const scan_result r = scan(v);
        CHECK(r.params == std::vector<scanned_param>{quoted("a", "")});
        CHECK(r.error == auth_param_error::missing_comma);
        CHECK(r.offset == 10);
        // Decoded text: a million candidate closing quotes; only the last one is followed by
        // the end, so the value is all the others.
        const scan_result d = scan(v, auth_param_text::decoded);
        REQUIRE(d.params.size() == 1);
        CHECK(d.params[0].raw == std::string(mib - 2, '"'));
        CHECK(d.error == auth_param_error::none);
        std::string reencoded = "OAuth a=\"";
        for (std::size_t i = 0; i < mib - 2; ++i) reencoded += "%22";
        CHECK(oauth1::detail::reencode_decoded_authorization(v) == reencoded + '"');
    }
    SUBCASE("backslashes: a million quoted-pairs")
    {
        const std::string v = "OAuth a=\"" + std::string(mib, '\\') + "\"";
        const scan_result r = scan(v);
        REQUIRE(r.params.size() == 1);
        CHECK(r.params[0].value == std::string(mib / 2, '\\'));
        CHECK(r.error == auth_param_error::none);
        const std::string odd = "OAuth a=\"" + std::string(mib + 1, '\\') + "\"";
        CHECK(scan(odd).error == auth_param_error::unterminated_quote);
        std::error_code ec;
        const auto parsed = oauth1::parse_authorization_header(v, ec);
        CHECK_FALSE(ec);
        REQUIRE(parsed.parameters.size() == 1);
        CHECK(parsed.parameters[0].value.size() == 3 * mib / 2); // "%5C" each
    }
    SUBCASE("decoded text: closing-quote candidates followed by ',' and names")
    {
        std::string v = "OAuth oauth_a=\"";
        while (v.size() < mib) v += "\", oauth_b\", x\",\",";
        v += '"';
        const scan_result r = scan(v, auth_param_text::decoded);
        REQUIRE(r.params.size() == 1);
        CHECK(r.params[0].raw.size() == v.size() - 16);
        CHECK(r.error == auth_param_error::none);
    }
    SUBCASE("many parameters")
    {
        std::string v = "OAuth ";
        while (v.size() < mib) v += "oauth_x=\"\\\"\",b= c ,";
        const scan_result r = scan(v);
        CHECK(r.error == auth_param_error::none);
        CHECK(r.params.size() == (v.size() - 6) / 19 * 2);
        CHECK(challenge(v).size() == r.params.size());
    }
}

TEST_CASE("decoded text: what cpp-httplib hands over after percent-decoding once")
{
    SUBCASE("a value holding quotes, commas and backslashes ends before ', oauth_...=' or the end")
    {
        const scan_result r =
            scan(R"(OAuth oauth_callback="q="x", y\", oauth_token="t")", auth_param_text::decoded);
        CHECK(r.params == std::vector<scanned_param>{quoted("oauth_callback", R"(q="x", y\)"),
                                                     quoted("oauth_token", "t")});
        CHECK(r.error == auth_param_error::none);
    }
    SUBCASE("', realm=' in any case ends a value too; the realm is a quoted-string")
    {
        const scan_result r = scan(R"(OAuth oauth_nonce="a", REALM="x \"y\"", oauth_token=t)",
                                   auth_param_text::decoded);
        CHECK(r.params ==
              std::vector<scanned_param>{quoted("oauth_nonce", "a"),
                                         {"REALM", R"(x \"y\")", true, false, R"(x \"y\")"},
                                         bare("oauth_token", "t")});
    }
    SUBCASE("CR, LF and NUL are ordinary bytes (they were %0D, %0A, %00)")
    {
        const std::string v = std::string("OAuth a\rb=x\ny, oauth_c=\"\0\"", 26);
        const scan_result r = scan(v, auth_param_text::decoded);
        CHECK(r.error == auth_param_error::none);
        CHECK(r.params == std::vector<scanned_param>{bare("a\rb", "x\ny"),
                                                     quoted("oauth_c", std::string(1, '\0'))});
        CHECK(scan(v).error == auth_param_error::forbidden_byte);
    }
    SUBCASE("syntax errors are still errors")
    {
        CHECK(scan(R"(OAuth oauth_token="t)", auth_param_text::decoded).error ==
              auth_param_error::unterminated_quote);
        CHECK(scan(R"(OAuth oauth_token)", auth_param_text::decoded).error ==
              auth_param_error::missing_equals);
        CHECK(scan("OAuthX a=\"b\"", auth_param_text::decoded).error ==
              auth_param_error::other_scheme);
        CHECK(scan(R"(OAuth realm="r\)", auth_param_text::decoded).error ==
              auth_param_error::unterminated_quote);
    }
}

TEST_CASE("reencode_decoded_authorization undoes one percent-decoding")
{
    using oauth1::detail::reencode_decoded_authorization;
    CHECK(reencode_decoded_authorization(
              R"(OAuth realm="a \"q\", b", oauth_callback="https://x/cb?s=a%20b", )"
              R"(oauth_nonce=n1,oauth_signature="ab+/=")") ==
          R"(OAuth realm="a \"q\", b", oauth_callback="https%3A%2F%2Fx%2Fcb%3Fs%3Da%2520b", )"
          R"(oauth_nonce="n1", oauth_signature="ab%2B%2F%3D")");
    CHECK(reencode_decoded_authorization("Basic eDp5") == "Basic eDp5");
    CHECK(reencode_decoded_authorization("OAuth a=\"1\" b=\"2\"") == "OAuth a=\"1%22%20b%3D%222\"");
    CHECK(reencode_decoded_authorization("OAuth a=1 b=2") == "OAuth a=1 b=2");
    CHECK(reencode_decoded_authorization("OAuth") == "OAuth ");

    // For every header oauth1 builds whose values hold no '"': build, decode once, re-encode,
    // parse gives back exactly the parameters.
    const std::vector<std::string> values = {
        "",     "a b",  "100%",   "x,y",        "\\",  "a=b&c=d", "https://x/cb?s=a%20b",
        "\r\n", "\xFF", "oauth_", ", oauth_x=", "a+b", "~-._",    std::string(1, '\0')};
    for (const std::string& a : values) {
        for (const std::string& b : values) {
            CAPTURE(a);
            CAPTURE(b);
            oauth1::parameter_list params;
            params.add("oauth_callback", a);
            params.add("oauth_nonce", b);
            const std::string header = oauth1::authorization_header(params, "R e,a\\lm");
            std::error_code ec;
            const std::string decoded = oauth1::percent_decode(header, ec);
            REQUIRE_FALSE(ec);
            const auto parsed =
                oauth1::parse_authorization_header(reencode_decoded_authorization(decoded), ec);
            CHECK_FALSE(ec);
            CHECK(parsed.realm == std::optional<std::string>("R e,a\\lm"));
            CHECK(parsed.parameters.normalized() == params.normalized());
        }
    }
}

TEST_CASE("the challenge walker: lenient, keeps what came before an error")
{
    using pairs = std::vector<std::pair<std::string, std::string>>;
    CHECK(challenge(R"(OAuth realm="JIRA", oauth_problem="token_rejected")") ==
          pairs{{"realm", "JIRA"}, {"oauth_problem", "token_rejected"}});
    CHECK(challenge(R"(oauth  oauth_problem = nonce_used ,, a="x\"%20y")") ==
          pairs{{"oauth_problem", "nonce_used"}, {"a", "x\" y"}});
    CHECK(challenge(R"(Basic realm="x")").empty());
    // A complete pair followed by something other than ',' is kept; the list ends there.
    CHECK(challenge(R"(OAuth oauth_problem="a" b="2")") == pairs{{"oauth_problem", "a"}});
    CHECK(challenge(R"(OAuth a="1"b="2")") == pairs{{"a", "1"}});
    CHECK(challenge("OAuth a=1 b=2") == pairs{{"a", "1"}});
    // CR, LF and NUL end the list, like every other syntax error.
    CHECK(challenge("OAuth a=1, b=\"x\r\ny\", c=3") == pairs{{"a", "1"}});
    CHECK(challenge(std::string("OAuth a=1, b\0=2", 15)) == pairs{{"a", "1"}});
    // A malformed escape skips that pair only.
    CHECK(challenge(R"(OAuth a="%zz", b=%41, %zz=1, c=3)") == pairs{{"b", "A"}, {"c", "3"}});
    // Another challenge after ours (`OAuth ..., Basic realm="x"`) ends the list.
    CHECK(challenge(R"(OAuth a=1, Basic realm="x")") == pairs{{"a", "1"}});
}
