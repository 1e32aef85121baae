// The messages of refused request URLs (oauth1/detail/url_diagnosis.hpp through the throwing
// forms of client::sign(), base_string_uri() and signature_base_string()): they name the
// offending character, its position and the part of the URL, and say what to write instead.
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace {

/// The what() of signing a GET of `url`, or "" when it signs.
std::string sign_error(std::string_view url)
{
    const oauth1::client c("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
    try {
        (void)c.sign({"GET", url});
    } catch (const oauth1::error& e) {
        return e.what();
    }
    return {};
}

bool has(const std::string& s, std::string_view part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("url diagnosis: a character that must be percent-encoded is named with its position")
{
    const std::string space =
        sign_error("https://jira.example.com/rest/api/2/search?jql=project = JJ");
    CAPTURE(space);
    CHECK(has(space, "signing request"));
    CHECK(has(space, "a space at character 55 (in the query)"));
    CHECK(has(space, "percent-encode it (%20"));

    const std::string path = sign_error("https://h.example/a b/c");
    CAPTURE(path);
    CHECK(has(path, "a space at character 20 (in the path)"));

    const std::string utf8 = sign_error("https://h.example/caf\xC3\xA9");
    CAPTURE(utf8);
    CHECK(has(utf8, "the non-ASCII byte 0xC3 at character 22 (in the path)"));
    CHECK(has(utf8, "%C3"));

    const std::string quote = sign_error("https://h.example/x?q=\"a\"");
    CAPTURE(quote);
    CHECK(has(quote, "the character '\"' at character 23 (in the query)"));
    CHECK(has(quote, "%22"));

    // '[' is accepted in the query (PHP-style names), never in the path or fragment.
    CHECK(sign_error("https://h.example/x?a[b]=1") == "");
    CHECK(oauth1::detail::describe_url_problem("https://h.example/x?a[b]=1") == "");
    const std::string bracket = sign_error("https://h.example/x[0]?a=1");
    CAPTURE(bracket);
    CHECK(has(bracket, "the character '[' at character 20 (in the path)"));
    CHECK(has(bracket, "%5B"));
    const std::string in_fragment = sign_error("https://h.example/x?a[b]=1#f[0]");
    CAPTURE(in_fragment);
    CHECK(has(in_fragment, "the character '[' at character 29 (in the fragment)"));

    const std::string control = sign_error(std::string("https://h.example/x\ty"));
    CAPTURE(control);
    CHECK(has(control, "the control character 09 (hex) at character 20 (in the path)"));
}

TEST_CASE("url diagnosis: '%' without two hex digits, scheme, host, port")
{
    const std::string pct = sign_error("https://h.example/x?discount=50%");
    CAPTURE(pct);
    CHECK(has(pct, "'%' at character 32 (in the query) is not followed by two hex digits"));
    CHECK(has(pct, "%25"));
    const std::string pct_path = sign_error("https://h.example/%zz");
    CAPTURE(pct_path);
    CHECK(has(pct_path, "'%' at character 19 (in the path)"));

    CHECK(has(sign_error("jira.example.com/rest"), "does not start with http:// or https://"));
    CHECK(has(sign_error("ftp://h.example/x"), "the scheme \"ftp\" is not http or https"));
    CHECK(has(sign_error("https:///x"), "the URL has no host"));
    CHECK(has(sign_error("https://h.example:99999/x"), "the port \"99999\" is not a number"));
    CHECK(has(sign_error(""), "the URL is empty"));
}

TEST_CASE("url diagnosis: the same message from base_string_uri and signature_base_string")
{
    try {
        (void)oauth1::base_string_uri("https://h.example/a b");
        FAIL("accepted");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::invalid_url);
        CHECK(has(e.what(), "base string URI: a space at character 20 (in the path)"));
    }
    try {
        (void)oauth1::signature_base_string("GET", "https://h.example/?a=%4", {});
        FAIL("accepted");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::invalid_percent_encoding);
        CHECK(has(e.what(), "'%' at character 22 (in the query)"));
    }
}

TEST_CASE("url diagnosis: valid URLs still sign, and the error code is unchanged")
{
    CHECK(sign_error("https://h.example/a%20b?c=%E2%82%AC&d=~x#frag") == "");
    CHECK(sign_error("http://[::1]:8080/x?y=1") == "");
    const oauth1::client c("k", oauth1::hmac_sha1("s"));
    std::error_code ec;
    oauth1::signed_request out;
    c.sign({"GET", "https://h.example/a b"}, {}, out, ec);
    CHECK(ec == oauth1::errc::invalid_url);
}
