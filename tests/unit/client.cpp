// Unit tests for oauth1/client.hpp: the Authorization header, query and form transmission
// (RFC 5849 3.5), the protocol parameters (3.1), input validation, nonces and clocks,
// oauth_body_hash, signed_request reuse, and the throwing overloads.
// Expected values are written out by hand from RFC 5849 3.5 / 3.6 or come from
// ../shared/conformance/VECTORS.md; digests of fixed texts are the well-known values.
#include <oauth1/client.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>
#include <vector>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

const std::string keys_dir = std::string(OAUTH1_TEST_DATA_DIR) + "/keys/";

bool contains(std::string_view haystack, std::string_view needle)
{
    return haystack.find(needle) != std::string_view::npos;
}

bool starts_with(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

oauth1::sign_options fixed(std::string_view nonce = "nonce", std::uint64_t ts = 1)
{
    oauth1::sign_options o;
    o.nonce = nonce;
    o.timestamp = ts;
    return o;
}

std::error_code sign_error(const oauth1::client& c, const oauth1::request& req,
                           const oauth1::sign_options& opts = fixed())
{
    oauth1::signed_request out;
    std::error_code ec;
    c.sign(req, opts, out, ec);
    return ec;
}

// Splits an Authorization header value after "OAuth " into its name="value" items.
std::vector<std::pair<std::string, std::string>> header_items(std::string_view header)
{
    std::vector<std::pair<std::string, std::string>> items;
    REQUIRE(starts_with(header, "OAuth "));
    std::string_view rest = header.substr(6);
    while (!rest.empty()) {
        const std::size_t eq = rest.find("=\"");
        REQUIRE(eq != std::string_view::npos);
        std::string name(rest.substr(0, eq));
        rest.remove_prefix(eq + 2);
        std::string value;
        while (!rest.empty() && rest.front() != '"') {
            if (rest.front() == '\\' && rest.size() > 1) rest.remove_prefix(1);
            value.push_back(rest.front());
            rest.remove_prefix(1);
        }
        REQUIRE(!rest.empty());
        rest.remove_prefix(1); // closing quote
        items.emplace_back(std::move(name), std::move(value));
        if (!rest.empty()) {
            REQUIRE(starts_with(rest, ", "));
            rest.remove_prefix(2);
        }
    }
    return items;
}

// RFC 5849 3.6: only unreserved characters and %XX with upper-case hex.
bool is_3_6_encoded(std::string_view s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return false;
            for (const char h : {s[i + 1], s[i + 2]})
                if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'))) return false;
            i += 2;
        } else if (!oauth1::is_unreserved(c)) {
            return false;
        }
    }
    return true;
}

struct fixed_clock {
    std::uint64_t operator()() const noexcept { return 1234567890; }
};

struct counting_nonce {
    int* calls;
    void operator()(std::string& out, std::error_code& ec) const
    {
        ec.clear();
        ++*calls;
        out.append("nonce-").append(std::to_string(*calls));
    }
};

struct failing_nonce {
    void operator()(std::string&, std::error_code& ec) const
    {
        ec = oauth1::make_error_code(oauth1::errc::nonce_source_failed);
    }
};

} // namespace

// ---------------------------------------------------------------------------------------------
// The Authorization header (RFC 5849 3.5.1).

TEST_CASE("Authorization header: exact form, 3.6-encoded values, signature last")
{
    // PLAINTEXT makes the whole header predictable: signature = enc(cs) "&" enc(ts) (3.4.4),
    // and the header encodes it once more (3.5.1).
    oauth1::client c("k y+\xC3\xA9", oauth1::plaintext("c s"));
    const auto s = c.sign({"GET", "http://example.com/"}, fixed("n+1/=", 1));
    CHECK(s.signature() == "c%20s&");
    CHECK(s.authorization() ==
          "OAuth oauth_consumer_key=\"k%20y%2B%C3%A9\", oauth_nonce=\"n%2B1%2F%3D\", "
          "oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"1\", oauth_version=\"1.0\", "
          "oauth_signature=\"c%2520s%26\"");
    CHECK(s.nonce() == "n+1/=");
    CHECK(s.timestamp() == 1);

    // The protocol parameters are the header's, 3.6-encoded, signature last.
    const auto& p = s.protocol_parameters();
    REQUIRE(p.size() == 6);
    CHECK(p[0].name == "oauth_consumer_key");
    CHECK(p[0].value == "k%20y%2B%C3%A9");
    CHECK(p[5].name == "oauth_signature");
    CHECK(p[5].value == "c%2520s%26");
}

TEST_CASE("Authorization header: realm first, only when set, as a quoted-string")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    auto o = fixed();
    const auto without = c.sign({"GET", "http://example.com/"}, o);
    CHECK(starts_with(without.authorization(), "OAuth oauth_consumer_key=\"key\", "));
    CHECK_FALSE(contains(without.authorization(), "realm"));

    o.realm = "Photos";
    const auto with = c.sign({"GET", "http://example.com/"}, o);
    CHECK(
        starts_with(with.authorization(), "OAuth realm=\"Photos\", oauth_consumer_key=\"key\", "));
    CHECK(with.signature() == without.signature()); // never signed
    CHECK(with.base_string() == without.base_string());

    o.realm = "";
    CHECK(starts_with(c.sign({"GET", "http://example.com/"}, o).authorization(),
                      "OAuth realm=\"\", oauth_consumer_key="));

    // A realm is an RFC 2617 quoted-string: '"' and '\' are escaped, nothing is percent-encoded.
    o.realm = "a \"b\" \\c%20";
    CHECK(starts_with(c.sign({"GET", "http://example.com/"}, o).authorization(),
                      "OAuth realm=\"a \\\"b\\\" \\\\c%20\", oauth_consumer_key="));
}

TEST_CASE("Authorization header: structure with every optional parameter")
{
    oauth1::client c("consumer key&", oauth1::hmac_sha256("cs"));
    c.set_token("tok en", "ts");
    auto o = fixed("a b", 99);
    o.realm = "R";
    o.callback = "http://printer.example.com/ready?x=1&y=2";
    o.verifier = "v/+";
    o.extra = {{"oauth_session_handle", "h h"}};
    const auto s = c.sign({"POST", "https://example.com/x"}, o);
    const auto items = header_items(s.authorization());
    REQUIRE(items.size() == 11);
    CHECK(items.front() == std::pair<std::string, std::string>{"realm", "R"});
    CHECK(items.back().first == "oauth_signature");
    CHECK(items.back().second == oauth1::percent_encode(s.signature()));
    std::vector<std::string> names;
    for (std::size_t i = 1; i < items.size(); ++i) {
        CAPTURE(items[i].first);
        CHECK(starts_with(items[i].first, "oauth_"));
        CHECK(is_3_6_encoded(items[i].second));
        names.push_back(items[i].first);
    }
    const std::vector<std::string> expected_names = {
        "oauth_callback",       "oauth_consumer_key", "oauth_nonce",    "oauth_signature_method",
        "oauth_timestamp",      "oauth_token",        "oauth_verifier", "oauth_version",
        "oauth_session_handle", "oauth_signature"};
    CHECK(names == expected_names);
    CHECK(items[1].second == "http%3A%2F%2Fprinter.example.com%2Fready%3Fx%3D1%26y%3D2");
    CHECK(items[2].second == "consumer%20key%26");
    CHECK(items[3].second == "a%20b");
    CHECK(items[4].second == "HMAC-SHA256");
    CHECK(items[5].second == "99");
    CHECK(items[6].second == "tok%20en");
    CHECK(items[7].second == "v%2F%2B");
    CHECK(items[8].second == "1.0");
    CHECK(items[9].second == "h%20h");

    // Every protocol parameter is signed: each appears (encoded twice) in the base string.
    const std::string_view b = s.base_string();
    CHECK(contains(b, "oauth_callback%3Dhttp%253A%252F%252Fprinter.example.com%252Fready%253Fx%"
                      "253D1%2526y%253D2"));
    CHECK(contains(b, "oauth_consumer_key%3Dconsumer%2520key%2526"));
    CHECK(contains(b, "oauth_nonce%3Da%2520b"));
    CHECK(contains(b, "oauth_signature_method%3DHMAC-SHA256"));
    CHECK(contains(b, "oauth_timestamp%3D99"));
    CHECK(contains(b, "oauth_token%3Dtok%2520en"));
    CHECK(contains(b, "oauth_verifier%3Dv%252F%252B"));
    CHECK(contains(b, "oauth_version%3D1.0"));
    CHECK(contains(b, "oauth_session_handle%3Dh%2520h"));
    CHECK_FALSE(contains(b, "oauth_signature%3D"));
    CHECK_FALSE(contains(b, "realm"));
    // ... sorted by name (3.4.1.3.2).
    CHECK(b.find("oauth_session_handle") < b.find("oauth_signature_method"));
    CHECK(b.find("oauth_callback") < b.find("oauth_consumer_key"));

    // signed_parameters(): everything that was signed, sorted.
    CHECK(s.signed_parameters().size() == 9);
    CHECK(s.signed_parameters()[0].name == "oauth_callback");
}

TEST_CASE("the parsed header gives back the protocol parameters")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    c.set_token("t", "s");
    auto o = fixed("n o", 5);
    o.realm = "Photos \"x\"";
    o.callback = "oob";
    const auto s = c.sign({"GET", "http://example.com/"}, o);
    const auto parsed = oauth1::parse_authorization_header(s.authorization());
    REQUIRE(parsed.realm.has_value());
    CHECK(*parsed.realm == "Photos \"x\"");
    REQUIRE(parsed.parameters.size() == s.protocol_parameters().size());
    for (std::size_t i = 0; i < parsed.parameters.size(); ++i) {
        CHECK(parsed.parameters[i].name == s.protocol_parameters()[i].name);
        CHECK(parsed.parameters[i].value == s.protocol_parameters()[i].value);
    }
}

// ---------------------------------------------------------------------------------------------
// Query and form transmission (RFC 5849 3.5.2, 3.5.3).

TEST_CASE("protocol_query, url_with_protocol_query and form_with_protocol_parameters")
{
    oauth1::client c("k y", oauth1::plaintext("c s"));
    const auto s = c.sign({"GET", "http://example.com/p?a=1"}, fixed("n", 1));
    const std::string q = "oauth_consumer_key=k%20y&oauth_nonce=n&oauth_signature_method=PLAINTEXT&"
                          "oauth_timestamp=1&oauth_version=1.0&oauth_signature=c%2520s%26";
    CHECK(s.protocol_query() == q);

    CHECK(s.url_with_protocol_query("http://example.com/p") == "http://example.com/p?" + q);
    CHECK(s.url_with_protocol_query("http://example.com/p?") == "http://example.com/p?" + q);
    CHECK(s.url_with_protocol_query("http://example.com/p?a=1") == "http://example.com/p?a=1&" + q);
    CHECK(s.url_with_protocol_query("http://example.com/p?a=1&") ==
          "http://example.com/p?a=1&" + q);
    CHECK(s.url_with_protocol_query("http://example.com/p?a=1#frag") ==
          "http://example.com/p?a=1&" + q + "#frag");
    CHECK(s.url_with_protocol_query("http://example.com/p#frag") ==
          "http://example.com/p?" + q + "#frag");
    CHECK(s.url_with_protocol_query("http://example.com/p#frag?x=1") ==
          "http://example.com/p?" + q + "#frag?x=1");
    CHECK(s.url_with_protocol_query("http://example.com/p?#") == "http://example.com/p?" + q + "#");

    CHECK(s.form_with_protocol_parameters("") == q);
    CHECK(s.form_with_protocol_parameters("a=1") == "a=1&" + q);
    CHECK(s.form_with_protocol_parameters("a=1&") == "a=1&" + q);
    CHECK(s.form_with_protocol_parameters("a=1&b=x+y") == "a=1&b=x+y&" + q);
}

namespace {

// Removes "&oauth_signature=..." (the last protocol parameter) from transmitted text.
std::string strip_signature(std::string text, std::string& signature_out)
{
    const std::size_t at = text.find("&oauth_signature=");
    REQUIRE(at != std::string::npos);
    std::size_t end = text.find_first_of("&#", at + 1);
    if (end == std::string::npos) end = text.size();
    signature_out = text.substr(at + 17, end - at - 17);
    text.erase(at, end - at);
    return text;
}

} // namespace

TEST_CASE("what is sent by query or form is what was signed")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    c.set_token("tok", "ts");

    SUBCASE("query (3.5.3)")
    {
        const std::string url = "https://Example.COM:443/a%20b/c?x=1&y=a+b&z=%2B#frag";
        const auto s = c.sign({"GET", url}, fixed("abc", 42));
        std::string sig;
        const std::string sent = strip_signature(s.url_with_protocol_query(url), sig);
        CHECK(oauth1::percent_decode(sig) == s.signature());
        // The provider recomputes the base string from the URL it received.
        CHECK(oauth1::signature_base_string("GET", sent, oauth1::parameter_list{}) ==
              s.base_string());
    }
    SUBCASE("form body (3.5.2)")
    {
        const std::string url = "http://example.com/form?q=1";
        const std::string body = "b=2&c=x+y";
        const std::string ct = "application/x-www-form-urlencoded";
        const auto s = c.sign({"POST", url, ct, body}, fixed("abc", 42));
        std::string sig;
        const std::string sent = strip_signature(s.form_with_protocol_parameters(body), sig);
        CHECK(oauth1::percent_decode(sig) == s.signature());
        CHECK(oauth1::signature_base_string("POST", url, oauth1::parameter_list{}, ct, sent) ==
              s.base_string());
    }
}

// ---------------------------------------------------------------------------------------------
// Protocol parameters (RFC 5849 3.1).

TEST_CASE("include_version adds or omits oauth_version")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    CHECK(c.include_version()); // on by default
    const auto on = c.sign({"GET", "http://example.com/"}, fixed());
    CHECK(contains(on.authorization(), "oauth_version=\"1.0\""));
    CHECK(contains(on.base_string(), "oauth_version%3D1.0"));
    CHECK(contains(on.protocol_query(), "oauth_version=1.0"));

    c.set_include_version(false);
    CHECK_FALSE(c.include_version());
    const auto off = c.sign({"GET", "http://example.com/"}, fixed());
    CHECK_FALSE(contains(off.authorization(), "oauth_version"));
    CHECK_FALSE(contains(off.base_string(), "oauth_version"));
    CHECK(on.signature() != off.signature());
}

TEST_CASE("oauth_token only with a token; set_token rekeys, clear_token resets")
{
    oauth1::client c("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
    c.set_include_version(false);
    const auto none = c.sign({"GET", "http://example.com/"}, fixed());
    CHECK_FALSE(contains(none.authorization(), "oauth_token"));
    CHECK_FALSE(contains(none.base_string(), "oauth_token"));
    CHECK(c.token().empty());

    // The RFC 5849 1.2 resource request (VECTORS.md 5).
    c.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
    CHECK(c.token() == "nnch734d00sl2jdk");
    const auto with =
        c.sign({"GET", "http://photos.example.net/photos?file=vacation.jpg&size=original"},
               fixed("chapoH", 137131202));
    CHECK(contains(with.authorization(), "oauth_token=\"nnch734d00sl2jdk\""));
    CHECK(with.signature() == "MdpQcU8iPSUjWoN/UDMsK2sui9I=");

    c.clear_token();
    const auto cleared = c.sign({"GET", "http://example.com/"}, fixed());
    CHECK(cleared.authorization() == none.authorization());

    // An empty token is not sent, but its secret still keys the signature.
    c.set_token("", "secret2");
    const auto empty_token = c.sign({"GET", "http://example.com/"}, fixed());
    CHECK_FALSE(contains(empty_token.authorization(), "oauth_token"));
    CHECK(empty_token.signature() != none.signature());
}

TEST_CASE("callback, verifier and extra parameters are sent and signed")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    const oauth1::request req{"POST", "https://example.com/initiate"};
    const auto plain = c.sign(req, fixed());

    auto o = fixed();
    o.callback = "oob";
    const auto cb = c.sign(req, o);
    CHECK(contains(cb.authorization(), "oauth_callback=\"oob\""));
    CHECK(contains(cb.base_string(), "oauth_callback%3Doob"));
    CHECK(cb.signature() != plain.signature());

    o = fixed();
    o.verifier = "hfdp7dh39dks9884";
    const auto ver = c.sign(req, o);
    CHECK(contains(ver.authorization(), "oauth_verifier=\"hfdp7dh39dks9884\""));
    CHECK(contains(ver.base_string(), "oauth_verifier%3Dhfdp7dh39dks9884"));
    CHECK(ver.signature() != plain.signature());

    o = fixed();
    o.extra = {{"oauth_foo", "a b"}, {"oauth_bar", "\xE3\x80\x81"}};
    const auto ex = c.sign(req, o);
    CHECK(contains(ex.authorization(), "oauth_foo=\"a%20b\""));
    CHECK(contains(ex.authorization(), "oauth_bar=\"%E3%80%81\""));
    CHECK(contains(ex.base_string(), "oauth_bar%3D%25E3%2580%2581%26oauth_consumer_key"));
    CHECK(contains(ex.base_string(), "oauth_foo%3Da%2520b"));
    CHECK(ex.signature() != plain.signature());
    o.extra = {{"oauth_foo", "a c"}, {"oauth_bar", "\xE3\x80\x81"}};
    CHECK(c.sign(req, o).signature() != ex.signature());

    // An empty callback or verifier is not sent.
    o = fixed();
    o.callback = "";
    o.verifier = "";
    CHECK(c.sign(req, o).authorization() == plain.authorization());
}

TEST_CASE("extra parameters must be named oauth_* and not oauth_signature")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    for (const std::string_view name : {"foo", "", "oauth", "oauth_", "OAUTH_foo", "Oauth_foo",
                                        "xoauth_foo", "oauth_signature"}) {
        CAPTURE(name);
        auto o = fixed();
        o.extra = {{name, "v"}};
        CHECK(sign_error(c, {"GET", "http://example.com/"}, o) == oauth1::errc::invalid_parameter);
    }
}

TEST_CASE("extra parameters must not repeat a protocol parameter (RFC 5849 3.1, 3.2)")
{
    // A repeated protocol parameter makes the request invalid for the provider (3.2: "duplicated
    // protocol parameters" -> 400), so the client refuses to produce it.
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    c.set_token("tok", "ts");
    for (const std::string_view name : {"oauth_consumer_key", "oauth_nonce", "oauth_timestamp",
                                        "oauth_signature_method", "oauth_token", "oauth_version"}) {
        CAPTURE(name);
        auto o = fixed();
        o.extra = {{name, "v"}};
        CHECK(sign_error(c, {"GET", "http://example.com/"}, o) ==
              oauth1::errc::duplicate_protocol_parameter);
    }
    auto o = fixed();
    o.callback = "oob";
    o.extra = {{"oauth_callback", "oob"}};
    CHECK(sign_error(c, {"GET", "http://example.com/"}, o) ==
          oauth1::errc::duplicate_protocol_parameter);
    o = fixed();
    o.extra = {{"oauth_x", "1"}, {"oauth_x", "2"}};
    CHECK(sign_error(c, {"GET", "http://example.com/"}, o) ==
          oauth1::errc::duplicate_protocol_parameter);
    // Without include_version, oauth_version may come as an extra parameter.
    c.set_include_version(false);
    o = fixed();
    o.extra = {{"oauth_version", "1.0"}};
    CHECK(!sign_error(c, {"GET", "http://example.com/"}, o));
}

// ---------------------------------------------------------------------------------------------
// Input validation.

TEST_CASE("CR, LF or NUL in a protocol value -> errc::header_injection")
{
    const oauth1::request req{"GET", "http://example.com/"};
    for (const std::string_view bad :
         {std::string_view("a\r\nb"), std::string_view("a\nb"), std::string_view("a\rb"),
          std::string_view("a\0b", 3), std::string_view("\n")}) {
        CAPTURE(bad);
        {
            oauth1::client c(std::string(bad), oauth1::hmac_sha1("secret"));
            CHECK(sign_error(c, req) == oauth1::errc::header_injection);
        }
        oauth1::client c("key", oauth1::hmac_sha1("secret"));
        c.set_token(bad, "ts");
        CHECK(sign_error(c, req) == oauth1::errc::header_injection);
        c.clear_token();
        auto o = fixed();
        o.callback = bad;
        CHECK(sign_error(c, req, o) == oauth1::errc::header_injection);
        o = fixed();
        o.verifier = bad;
        CHECK(sign_error(c, req, o) == oauth1::errc::header_injection);
        o = fixed();
        o.realm = bad;
        CHECK(sign_error(c, req, o) == oauth1::errc::header_injection);
        o = fixed();
        o.nonce = bad;
        CHECK(sign_error(c, req, o) == oauth1::errc::header_injection);
        o = fixed();
        o.extra = {{"oauth_x", bad}};
        CHECK(sign_error(c, req, o) == oauth1::errc::header_injection);
        CHECK(!sign_error(c, req)); // the client is still usable
    }
    // Other control characters and quotes are encoded, not refused.
    oauth1::client c("k\t\"", oauth1::hmac_sha1("secret"));
    const auto s = c.sign(req, fixed());
    CHECK(contains(s.authorization(), "oauth_consumer_key=\"k%09%22\""));
}

TEST_CASE("invalid HTTP method -> errc::invalid_method")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    for (const std::string_view bad :
         {"", "GE T", "GET\r\n", "GET\n", "G(ET", "GET/", "\"GET\"", "G\xC3\x89T"}) {
        CAPTURE(bad);
        CHECK(sign_error(c, {bad, "http://example.com/"}) == oauth1::errc::invalid_method);
    }
    // A lower-case method is a valid token; the base string upper-cases it (3.4.1.1).
    const auto s = c.sign({"get", "http://example.com/"}, fixed());
    CHECK(starts_with(s.base_string(), "GET&http%3A%2F%2Fexample.com%2F&"));
    CHECK(starts_with(c.sign({"X-CUSTOM.1", "http://example.com/"}, fixed()).base_string(),
                      "X-CUSTOM.1&"));
}

TEST_CASE("invalid URL -> errc::invalid_url")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    for (const std::string_view bad :
         {"", "example.com/path", "/path?a=1", "http://", "http:///x", "ht tp://example.com/",
          "http://exa mple.com/", "http://example.com/a b", "mailto:user@example.com"}) {
        CAPTURE(bad);
        CHECK(sign_error(c, {"GET", bad}) == oauth1::errc::invalid_url);
    }
}

TEST_CASE("malformed percent-encoding in the query or form body -> errc::invalid_percent_encoding")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    for (const std::string_view url : {"http://example.com/p?a=%zz", "http://example.com/p?a=%4",
                                       "http://example.com/p?a=%", "http://example.com/p?%G0=1"}) {
        CAPTURE(url);
        CHECK(sign_error(c, {"GET", url}) == oauth1::errc::invalid_percent_encoding);
    }
    // Elsewhere in the URL a malformed escape makes the URL itself invalid.
    for (const std::string_view url :
         {"http://example.com/%zz?a=1", "http://exa%mple.com/?a=1", "http://example.com/p?a=1#%zz",
          "ftp://example.com/?a=%zz"}) {
        CAPTURE(url);
        CHECK(sign_error(c, {"GET", url}) == oauth1::errc::invalid_url);
    }
    const std::string_view form = "application/x-www-form-urlencoded";
    for (const std::string_view body : {"a=%zz", "a=1&b=%4", "%=1", "a=%%41"}) {
        CAPTURE(body);
        CHECK(sign_error(c, {"POST", "http://example.com/p", form, body}) ==
              oauth1::errc::invalid_percent_encoding);
        // Not a form body: not parsed, so not an error.
        CHECK(!sign_error(c, {"POST", "http://example.com/p", "text/plain", body}));
    }
}

TEST_CASE("the form body is signed only for application/x-www-form-urlencoded")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    const std::string_view body = "a=1&b=x+y";
    for (const std::string_view ct :
         {"application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
          "Application/X-WWW-Form-URLEncoded"}) {
        CAPTURE(ct);
        const auto s = c.sign({"POST", "http://example.com/", ct, body}, fixed());
        CHECK(contains(s.base_string(), "&a%3D1%26b%3Dx%2520y%26oauth_consumer_key"));
    }
    for (const std::string_view ct :
         {"", "application/json", "text/plain", "multipart/form-data"}) {
        CAPTURE(ct);
        const auto s = c.sign({"POST", "http://example.com/", ct, body}, fixed());
        CHECK(starts_with(s.base_string(), "POST&http%3A%2F%2Fexample.com%2F&oauth_consumer_key"));
    }
}

// ---------------------------------------------------------------------------------------------
// Nonces and clocks (RFC 5849 3.3).

TEST_CASE("default nonces: 32 lower-case hex digits, no repeats in 10,000")
{
    oauth1::client c("key", oauth1::plaintext("secret"));
    std::unordered_set<std::string> seen;
    oauth1::signed_request out;
    std::error_code ec;
    oauth1::sign_options o;
    const std::uint64_t before = oauth1::system_clock{}();
    for (int i = 0; i < 10000; ++i) {
        c.sign({"GET", "http://example.com/"}, o, out, ec);
        REQUIRE(!ec);
        const std::string nonce(out.nonce());
        bool hex = nonce.size() == 32;
        for (const char ch : nonce)
            hex = hex && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
        REQUIRE_MESSAGE(hex, "not 32 lower-case hex digits: " << nonce);
        REQUIRE_MESSAGE(seen.insert(nonce).second, "repeated nonce " << nonce << " after " << i);
    }
    CHECK(seen.size() == 10000);
    // The default clock is the current Unix time.
    CHECK(out.timestamp() >= before);
    CHECK(out.timestamp() <= oauth1::system_clock{}() + 1);
    CHECK(before > 1600000000U);
}

TEST_CASE("clock and nonce source are injectable as template parameters")
{
    int calls = 0;
    oauth1::basic_client<oauth1::plaintext, fixed_clock, counting_nonce> c(
        "key", oauth1::plaintext("secret"), fixed_clock{}, counting_nonce{&calls});
    const auto s1 = c.sign({"GET", "http://example.com/"});
    CHECK(s1.timestamp() == 1234567890);
    CHECK(s1.nonce() == "nonce-1");
    CHECK(contains(s1.authorization(), "oauth_timestamp=\"1234567890\""));
    CHECK(contains(s1.authorization(), "oauth_nonce=\"nonce-1\""));
    CHECK(contains(s1.base_string(), "oauth_nonce%3Dnonce-1%26"));
    const auto s2 = c.sign({"GET", "http://example.com/"});
    CHECK(s2.nonce() == "nonce-2");
    CHECK(calls == 2);

    // sign_options override both; the nonce source is then not asked.
    const auto s3 = c.sign({"GET", "http://example.com/"}, fixed("given", 7));
    CHECK(s3.nonce() == "given");
    CHECK(s3.timestamp() == 7);
    CHECK(contains(s3.authorization(), "oauth_timestamp=\"7\""));
    CHECK(calls == 2);

    // Timestamp 0 and the largest value are written in decimal.
    CHECK(contains(c.sign({"GET", "http://example.com/"}, fixed("n", 0)).authorization(),
                   "oauth_timestamp=\"0\""));
    CHECK(contains(c.sign({"GET", "http://example.com/"}, fixed("n", UINT64_MAX)).authorization(),
                   "oauth_timestamp=\"18446744073709551615\""));
}

TEST_CASE("a failing nonce source is reported")
{
    oauth1::basic_client<oauth1::hmac_sha1, fixed_clock, failing_nonce> c("key",
                                                                          oauth1::hmac_sha1("s"));
    oauth1::signed_request out;
    std::error_code ec;
    c.sign({"GET", "http://example.com/"}, {}, out, ec);
    CHECK(ec == oauth1::errc::nonce_source_failed);
    CHECK(out.authorization().empty());
    CHECK_THROWS_AS(c.sign({"GET", "http://example.com/"}), oauth1::error);
    // A fixed nonce does not need the source.
    c.sign({"GET", "http://example.com/"}, fixed(), out, ec);
    CHECK(!ec);
}

// ---------------------------------------------------------------------------------------------
// oauth_body_hash.

TEST_CASE("body_hash: base64 of the body's digest, with the signature method's digest")
{
    const oauth1::request json{"PUT", "https://example.com/rest/api/2/issue/JJ-2",
                               "application/json", "Hello World!"};
    auto o = fixed();
    o.body_hash = true;

    oauth1::client sha1("key", oauth1::hmac_sha1("secret"));
    const auto s = sha1.sign(json, o);
    CHECK(contains(s.authorization(), "oauth_body_hash=\"Lve95gjOVATpfV8EL5X4nxwjKHE%3D\""));
    CHECK(contains(s.base_string(), "oauth_body_hash%3DLve95gjOVATpfV8EL5X4nxwjKHE%253D"));
    CHECK(starts_with(s.authorization(), "OAuth oauth_body_hash="));
    // The body hash is signed: without it the signature differs.
    CHECK(sha1.sign(json, fixed()).signature() != s.signature());

    const oauth1::request empty{"GET", "https://example.com/", "", ""};
    CHECK(contains(sha1.sign(empty, o).authorization(),
                   "oauth_body_hash=\"2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D\""));

    oauth1::client sha256("key", oauth1::hmac_sha256("secret"));
    CHECK(contains(sha256.sign(json, o).authorization(),
                   "oauth_body_hash=\"f4OxZX%2Fx%2FFO5LcGBSKHWXfwtSx%2Bj1ncoSt3SABJtkGk%3D\""));
    CHECK(contains(sha256.sign(empty, o).authorization(),
                   "oauth_body_hash=\"47DEQpj8HBSa%2B%2FTImW%2B5JCeuQeRkm5NMpJWZG3hSuFU%3D\""));

    const oauth1::private_key key = oauth1::load_private_key_file(keys_dir + "oauthlib_key.pem");
    oauth1::client rsa1("key", oauth1::rsa_sha1(key));
    CHECK(contains(rsa1.sign(json, o).authorization(),
                   "oauth_body_hash=\"Lve95gjOVATpfV8EL5X4nxwjKHE%3D\""));
    oauth1::client rsa512("key", oauth1::rsa_sha512(key));
    CHECK(contains(
        rsa512.sign(json, o).authorization(),
        "oauth_body_hash=\"hhhE1nBOhXP%2Bw02WfiC8%"
        "2FvPUJM9IvgTm3AjyvVjHKXQzcQFerYkcw88cnTS0kmS1EHUbH%2FnlN5N7xGtdb%2FTsyA%3D%3D\""));

    // The free function.
    std::error_code ec;
    CHECK(oauth1::body_hash(oauth1::signature_method::hmac_sha1, "Hello World!", ec) ==
          "Lve95gjOVATpfV8EL5X4nxwjKHE=");
    CHECK(!ec);
    CHECK(oauth1::body_hash(oauth1::signature_method::rsa_sha256, "", ec) ==
          "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    CHECK(oauth1::body_hash(oauth1::signature_method::plaintext, "x", ec).empty());
    CHECK(ec == oauth1::errc::body_hash_not_allowed);
}

TEST_CASE("body_hash is refused for form bodies and PLAINTEXT")
{
    auto o = fixed();
    o.body_hash = true;
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    for (const std::string_view ct : {"application/x-www-form-urlencoded",
                                      "application/x-www-form-urlencoded; charset=utf-8"}) {
        CAPTURE(ct);
        CHECK(sign_error(c, {"POST", "http://example.com/", ct, "a=1"}, o) ==
              oauth1::errc::body_hash_not_allowed);
    }
    oauth1::client p("key", oauth1::plaintext("secret"));
    CHECK(sign_error(p, {"POST", "http://example.com/", "application/json", "{}"}, o) ==
          oauth1::errc::body_hash_not_allowed);
    oauth1::basic_client<oauth1::plaintext> typed("key", oauth1::plaintext("secret"));
    oauth1::signed_request out;
    std::error_code ec;
    typed.sign({"POST", "http://example.com/", "application/json", "{}"}, o, out, ec);
    CHECK(ec == oauth1::errc::body_hash_not_allowed);
}

// ---------------------------------------------------------------------------------------------
// Reuse and error reporting.

TEST_CASE("signing into a used signed_request equals signing into a fresh one")
{
    const oauth1::private_key key = oauth1::load_private_key_file(keys_dir + "oauthlib_key.pem");
    oauth1::client hmac("key", oauth1::hmac_sha1("secret"));
    hmac.set_token("tok", "ts");
    oauth1::client rsa("key", oauth1::rsa_sha256(key));

    oauth1::sign_options big = fixed("a-much-longer-nonce-than-the-other-one", 1700000000);
    big.realm = "Realm";
    big.callback = "http://example.com/callback?with=query";
    big.extra = {{"oauth_x", "y"}};
    oauth1::sign_options small = fixed("n", 2);

    const oauth1::request r1{"POST", "https://example.com/a/long/path?q=1&r=2&s=3",
                             "application/x-www-form-urlencoded", "x=1&y=2&z=3"};
    const oauth1::request r2{"GET", "http://example.com/"};

    oauth1::signed_request reused;
    std::error_code ec;
    for (int round = 0; round < 3; ++round) {
        for (const auto* c : {&hmac, &rsa}) {
            for (const auto& [req, opts] : {std::pair{&r1, &big}, std::pair{&r2, &small}}) {
                c->sign(*req, *opts, reused, ec);
                REQUIRE(!ec);
                const oauth1::signed_request fresh = c->sign(*req, *opts);
                CHECK(reused.base_string() == fresh.base_string());
                CHECK(reused.signature() == fresh.signature());
                CHECK(reused.authorization() == fresh.authorization());
                CHECK(reused.nonce() == fresh.nonce());
                CHECK(reused.timestamp() == fresh.timestamp());
                CHECK(reused.protocol_query() == fresh.protocol_query());
                CHECK(reused.signed_parameters().normalized() ==
                      fresh.signed_parameters().normalized());
            }
        }
        // A failed signing leaves nothing behind that leaks into the next one.
        hmac.sign({"GET", "not a url"}, small, reused, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        CHECK(reused.authorization().empty());
        CHECK(reused.base_string().empty());
    }
}

TEST_CASE("throwing overloads throw oauth1::error with the same errc")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    oauth1::client p("key", oauth1::plaintext("secret"));
    oauth1::client bad_key("k\r\ney", oauth1::hmac_sha1("secret"));
    oauth1::client rsa_public(
        "key", oauth1::rsa_sha1(oauth1::load_public_key_file(keys_dir + "oauthlib_pub.pem")));
    auto bh = fixed();
    bh.body_hash = true;
    auto bad_extra = fixed();
    bad_extra.extra = {{"foo", "bar"}};

    struct error_case {
        const oauth1::client* c;
        oauth1::request req;
        const oauth1::sign_options* opts;
        oauth1::errc expected;
    };
    const auto plain = fixed();
    const std::vector<error_case> cases = {
        {&c, {"", "http://example.com/"}, &plain, oauth1::errc::invalid_method},
        {&c, {"GET", "nope"}, &plain, oauth1::errc::invalid_url},
        {&c, {"GET", "http://example.com/?a=%zz"}, &plain, oauth1::errc::invalid_percent_encoding},
        {&bad_key, {"GET", "http://example.com/"}, &plain, oauth1::errc::header_injection},
        {&c, {"GET", "http://example.com/"}, &bad_extra, oauth1::errc::invalid_parameter},
        {&p, {"GET", "http://example.com/"}, &bh, oauth1::errc::body_hash_not_allowed},
        {&rsa_public, {"GET", "http://example.com/"}, &plain, oauth1::errc::key_required},
    };
    for (const auto& t : cases) {
        CAPTURE(t.req.method);
        CAPTURE(t.req.url);
        oauth1::signed_request out;
        std::error_code ec;
        t.c->sign(t.req, *t.opts, out, ec);
        CHECK(ec == t.expected);
        try {
            (void)t.c->sign(t.req, *t.opts);
            FAIL("sign did not throw");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == ec);
            CHECK(std::string(e.what()).find("signing request") != std::string::npos);
        }
        try {
            (void)t.c->authorization_header(t.req, *t.opts);
            FAIL("authorization_header did not throw");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == ec);
        }
        // oauth1::error is a std::system_error.
        CHECK_THROWS_AS((void)t.c->sign(t.req, *t.opts), std::system_error);
    }
    // And a successful call returns the same as the ec overload.
    oauth1::signed_request out;
    std::error_code ec;
    c.sign({"GET", "http://example.com/"}, plain, out, ec);
    CHECK(!ec);
    CHECK(c.authorization_header({"GET", "http://example.com/"}, plain) == out.authorization());
}

TEST_CASE("a default-constructed signed_request is empty")
{
    const oauth1::signed_request s;
    CHECK(s.base_string().empty());
    CHECK(s.signature().empty());
    CHECK(s.nonce().empty());
    CHECK(s.timestamp() == 0);
    CHECK(s.authorization().empty());
    CHECK(s.protocol_parameters().empty());
    CHECK(s.signed_parameters().empty());
    CHECK(s.protocol_query().empty());
}
