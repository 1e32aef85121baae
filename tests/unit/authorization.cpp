// Unit tests for oauth1/authorization.hpp: building and parsing the "Authorization: OAuth ..."
// header value (RFC 5849 3.5.1) and the query/form serialisation (3.5.2, 3.5.3).
#include <oauth1/authorization.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

pairs contents(const oauth1::parameter_list& list)
{
    pairs out;
    for (const oauth1::parameter_view p : list) out.emplace_back(p.name, p.value);
    return out;
}

// RFC 5849 3.5.1 example.
constexpr std::string_view rfc_header =
    "OAuth realm=\"Example\", oauth_consumer_key=\"0685bd9184jfhq22\", "
    "oauth_token=\"ad180jjd733klru7\", oauth_signature_method=\"HMAC-SHA1\", "
    "oauth_signature=\"wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D\", oauth_timestamp=\"137131200\", "
    "oauth_nonce=\"4572616e48616d6d65724c61686176\", oauth_version=\"1.0\"";

const pairs rfc_header_params = {
    {"oauth_consumer_key", "0685bd9184jfhq22"},
    {"oauth_token", "ad180jjd733klru7"},
    {"oauth_signature_method", "HMAC-SHA1"},
    {"oauth_signature", "wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D"},
    {"oauth_timestamp", "137131200"},
    {"oauth_nonce", "4572616e48616d6d65724c61686176"},
    {"oauth_version", "1.0"},
};

// Parses `header`, which must be valid, and returns its parameters.
oauth1::parsed_authorization parse_ok(std::string_view header)
{
    CAPTURE(header);
    std::error_code ec = oauth1::errc::invalid_url; // must be cleared on success
    oauth1::parsed_authorization r = oauth1::parse_authorization_header(header, ec);
    CHECK_FALSE(ec);
    return r;
}

// Checks that `header` is rejected with `expected` by both overloads, with an empty result.
void check_rejected(std::string_view header, oauth1::errc expected)
{
    CAPTURE(header);
    std::error_code ec;
    const oauth1::parsed_authorization r = oauth1::parse_authorization_header(header, ec);
    CHECK(ec == expected);
    CHECK_FALSE(r.realm.has_value());
    CHECK(r.parameters.empty());
    CHECK_THROWS_AS(oauth1::parse_authorization_header(header), oauth1::error);
    try {
        (void)oauth1::parse_authorization_header(header);
    } catch (const std::system_error& e) {
        CHECK(e.code() == expected);
    }
}

bool is_upper_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

bool is_unreserved_by_hand(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int hex_digit(char c)
{
    return c <= '9' ? c - '0' : c - 'A' + 10;
}

// True when `s` is exactly what RFC 5849 3.6 encoding produces: unreserved characters, and
// "%" with two upper-case hex digits for every other byte (never for an unreserved one).
bool is_canonical_3_6(std::string_view s)
{
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !is_upper_hex(s[i + 1]) || !is_upper_hex(s[i + 2]))
                return false;
            const int byte = hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]);
            if (is_unreserved_by_hand(static_cast<char>(byte))) return false;
            i += 2;
        } else if (!is_unreserved_by_hand(s[i])) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("authorization_header without a realm")
{
    oauth1::parameter_list p;
    p.add("oauth_consumer_key", "key");
    p.add("oauth_nonce", "a b");
    p.add("oauth_callback", "http://printer.example.com/ready?x=1&y=\"2\"");
    CHECK(oauth1::authorization_header(p) ==
          "OAuth oauth_consumer_key=\"key\", oauth_nonce=\"a%20b\", "
          "oauth_callback=\"http%3A%2F%2Fprinter.example.com%2Fready%3Fx%3D1%26y%3D%222%22\"");
    CHECK(oauth1::authorization_header(p, std::nullopt) == oauth1::authorization_header(p));
}

TEST_CASE("authorization_header with a realm: realm first, as a quoted-string")
{
    oauth1::parameter_list p;
    p.add("oauth_token", "t");
    p.add("oauth_signature", "a+b/c=");
    CHECK(oauth1::authorization_header(p, "Example") ==
          "OAuth realm=\"Example\", oauth_token=\"t\", oauth_signature=\"a%2Bb%2Fc%3D\"");
    // The realm is not percent-encoded; '"' and '\' are escaped with '\'.
    CHECK(oauth1::authorization_header(p, "a \"quoted\" \\ realm%20") ==
          "OAuth realm=\"a \\\"quoted\\\" \\\\ realm%20\", oauth_token=\"t\", "
          "oauth_signature=\"a%2Bb%2Fc%3D\"");
    CHECK(oauth1::authorization_header(p, "") ==
          "OAuth realm=\"\", oauth_token=\"t\", oauth_signature=\"a%2Bb%2Fc%3D\"");
    CHECK(oauth1::authorization_header(oauth1::parameter_list{}, "r") == "OAuth realm=\"r\"");
}

TEST_CASE("the RFC 5849 3.5.1 example header is built exactly")
{
    oauth1::parameter_list p;
    p.add("oauth_consumer_key", "0685bd9184jfhq22");
    p.add("oauth_token", "ad180jjd733klru7");
    p.add("oauth_signature_method", "HMAC-SHA1");
    p.add("oauth_signature", "wOJIO9A2W5mFwDgiDvZbTSMK/PY=");
    p.add("oauth_timestamp", "137131200");
    p.add("oauth_nonce", "4572616e48616d6d65724c61686176");
    p.add("oauth_version", "1.0");
    CHECK(oauth1::authorization_header(p, "Example") == rfc_header);

    std::string out = "Authorization: ";
    std::error_code ec = oauth1::errc::invalid_url;
    oauth1::authorization_header_append(p, std::string_view("Example"), out, ec);
    CHECK_FALSE(ec);
    CHECK(out == "Authorization: " + std::string(rfc_header));
}

TEST_CASE("a realm with CR, LF or NUL is refused as header injection")
{
    oauth1::parameter_list p;
    p.add("oauth_token", "t");
    for (const std::string_view realm :
         {std::string_view("a\r\nX-Injected: 1"), std::string_view("a\rb"),
          std::string_view("a\nb"), std::string_view("\n"), std::string_view("a\0b", 3)}) {
        CAPTURE(realm);
        std::string out = "unchanged";
        std::error_code ec;
        oauth1::authorization_header_append(p, realm, out, ec);
        CHECK(ec == oauth1::errc::header_injection);
        CHECK(out == "unchanged");
        CHECK_THROWS_AS(oauth1::authorization_header(p, realm), oauth1::error);
        try {
            (void)oauth1::authorization_header(p, realm);
        } catch (const std::system_error& e) {
            CHECK(e.code() == oauth1::errc::header_injection);
        }
    }
}

TEST_CASE("form_append serialises for a query or a form body")
{
    oauth1::parameter_list p;
    p.add("oauth_consumer_key", "k");
    p.add("oauth_callback", "http://x/?a=b c");
    std::string out = "https://example.com/r?";
    oauth1::form_append(p, out);
    CHECK(
        out ==
        "https://example.com/r?oauth_consumer_key=k&oauth_callback=http%3A%2F%2Fx%2F%3Fa%3Db%20c");
}

TEST_CASE("parse the RFC 5849 3.5.1 example header")
{
    const auto r = parse_ok(rfc_header);
    REQUIRE(r.realm.has_value());
    CHECK(*r.realm == "Example");
    CHECK(contents(r.parameters) == rfc_header_params);
    std::string_view sig;
    REQUIRE(r.parameters.find("oauth_signature", sig));
    CHECK(oauth1::percent_decode(sig) == "wOJIO9A2W5mFwDgiDvZbTSMK/PY=");

    const auto thrown = oauth1::parse_authorization_header(rfc_header);
    CHECK(thrown.realm == r.realm);
    CHECK(contents(thrown.parameters) == rfc_header_params);
}

TEST_CASE("build then parse gives back the realm and the parameters")
{
    oauth1::parameter_list p;
    p.add("oauth_consumer_key", "dpf43f3p2l4k3l03");
    p.add("oauth_signature", "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    p.add("oauth_callback", "http://printer.example.com/ready?a=1&b=\"x\"");
    p.add("oauth_nonce", "\xE3\x80\x81 ,=\"\\");
    p.add("empty", "");
    for (const std::optional<std::string_view> realm :
         {std::optional<std::string_view>{}, std::optional<std::string_view>{"Example"},
          std::optional<std::string_view>{"quo\"te and back\\slash, comma=equals"},
          std::optional<std::string_view>{""}}) {
        CAPTURE(realm.value_or("(none)"));
        const std::string header = oauth1::authorization_header(p, realm);
        const auto r = parse_ok(header);
        CHECK(r.realm.has_value() == realm.has_value());
        if (realm && r.realm) CHECK(*r.realm == *realm);
        CHECK(contents(r.parameters) == contents(p));
    }
}

TEST_CASE("parse accepts the tolerant forms")
{
    const pairs ab = {{"a", "1"}, {"b", "2"}};
    for (const char* header : {
             "OAuth a=\"1\", b=\"2\"",
             "oauth a=\"1\", b=\"2\"",           // scheme is case-insensitive
             "OAUTH a=\"1\",b=\"2\"",            // no space after ','
             "  OAuth   a=\"1\"  ,   b=\"2\"  ", // extra spaces
             "OAuth a = \"1\" , b = \"2\"",      // spaces around '='
             "OAuth\ta=\"1\",\tb=\"2\"\t",       // tabs
             "OAuth a=1, b=2",                   // bare token values
             "OAuth a=1,b=\"2\"",                // mixed
             "OAuth ,,a=\"1\",, ,b=\"2\",,",     // empty list elements
             "OAuth a=\"\\1\", b=\"2\"",         // quoted-pair of an ordinary character
         }) {
        CAPTURE(header);
        const auto r = parse_ok(header);
        CHECK_FALSE(r.realm.has_value());
        CHECK(contents(r.parameters) == ab);
    }

    SUBCASE("the scheme alone, or with only whitespace or empty elements")
    {
        for (const char* header : {"OAuth", "OAuth ", "oauth\t", "OAuth ,, ,"}) {
            CAPTURE(header);
            const auto r = parse_ok(header);
            CHECK_FALSE(r.realm.has_value());
            CHECK(r.parameters.empty());
        }
    }
    SUBCASE("empty values, quoted or bare")
    {
        const auto r = parse_ok("OAuth a=\"\", b=, realm=\"\"");
        CHECK(contents(r.parameters) == pairs{{"a", ""}, {"b", ""}});
        REQUIRE(r.realm.has_value());
        CHECK(r.realm->empty());
    }
    SUBCASE("the realm may come anywhere and is unescaped")
    {
        const auto r = parse_ok("OAuth a=\"1\", realm=\"x \\\"y\\\" \\\\z\", b=\"2\"");
        REQUIRE(r.realm.has_value());
        CHECK(*r.realm == "x \"y\" \\z");
        CHECK(contents(r.parameters) == ab);
    }
}

TEST_CASE("parsed values are decoded once and 3.6-encoded once")
{
    // '+' is a literal plus in a header value (not form encoding).
    auto r = parse_ok("OAuth oauth_signature=\"a+b\"");
    CHECK(contents(r.parameters) == pairs{{"oauth_signature", "a%2Bb"}});
    r = parse_ok("OAuth oauth_signature=a+b");
    CHECK(contents(r.parameters) == pairs{{"oauth_signature", "a%2Bb"}});

    r = parse_ok("OAuth oauth_nonce=\"a%20b\", x=\"%2b%2f%7e\", y=\"a b\", z=\"!*\", w=\"%252B\"");
    CHECK(contents(r.parameters) == pairs{{"oauth_nonce", "a%20b"},
                                          {"x", "%2B%2F~"},
                                          {"y", "a%20b"},
                                          {"z", "%21%2A"},
                                          {"w", "%252B"}});
    // A quoted-pair is unescaped before decoding.
    r = parse_ok("OAuth q=\"x\\\"y\\\\z\"");
    CHECK(contents(r.parameters) == pairs{{"q", "x%22y%5Cz"}});
    // Names are recoded too.
    r = parse_ok("OAuth a%5fb=\"1\", c!d=\"2\"");
    CHECK(contents(r.parameters) == pairs{{"a_b", "1"}, {"c%21d", "2"}});
}

TEST_CASE("parse rejects malformed headers")
{
    using oauth1::errc;
    SUBCASE("another scheme or no scheme")
    {
        for (const char* h :
             {"Basic abc", "Bearer oauth_token=\"x\"", "OAuthx a=\"1\"", "OAut", "", " ",
              "OAuth,a=\"1\"", "OAuth=a", "XOAuth a=\"1\"", "Digest realm=\"x\""}) {
            check_rejected(h, errc::invalid_authorization_header);
        }
    }
    SUBCASE("bad syntax")
    {
        for (const char* h : {
                 "OAuth a",               // missing '='
                 "OAuth a=\"1\", b",      // missing '=' in the second element
                 "OAuth a b=\"1\"",       // space inside a name
                 "OAuth =\"1\"",          // empty name
                 "OAuth a=\"1",           // unterminated quote
                 "OAuth a=\"1\\\"",       // the closing quote is escaped
                 "OAuth a=\"1\\",         // ends inside a quoted-pair
                 "OAuth a=\"1\"x",        // garbage after a quoted value
                 "OAuth a=\"1\" x",       // garbage after a quoted value and a space
                 "OAuth a=\"1\" b=\"2\"", // missing ','
                 "OAuth a=1 2",           // garbage after a bare value
                 "OAuth a=\"1\"\"2\"",    // two quoted strings
                 "OAuth a=b\"c\" d",
             }) {
            check_rejected(h, errc::invalid_authorization_header);
        }
    }
    SUBCASE("CR, LF or NUL inside a value or a name")
    {
        for (const std::string_view h :
             {std::string_view("OAuth a=\"x\r\ny\""), std::string_view("OAuth a=\"x\ny\""),
              std::string_view("OAuth a=\"x\ry\""), std::string_view("OAuth a=x\r\n"),
              std::string_view("OAuth a=\"x\0y\"", 13), std::string_view("OAuth a=\"\\\r\""),
              std::string_view("OAuth a\r\nb=\"1\""), std::string_view("OAuth a\nb=\"1\""),
              std::string_view("OAuth a\0b=\"1\"", 13),
              // past the first 16 bytes of a name or a value (the 16-byte scans)
              std::string_view("OAuth oauth_consumer_key_long\r\n=\"1\""),
              std::string_view("OAuth oauth_nonce=\"0123456789abcdefghij\rx\""),
              std::string_view("OAuth a=\"1\", realm=\"r\r\n\"")}) {
            check_rejected(h, errc::invalid_authorization_header);
        }
    }
    SUBCASE("duplicate realm")
    {
        check_rejected("OAuth realm=\"a\", realm=\"b\"", errc::duplicate_protocol_parameter);
        check_rejected("OAuth realm=\"a\", x=\"1\", realm=\"a\"",
                       errc::duplicate_protocol_parameter);
    }
    SUBCASE("malformed percent-encoding")
    {
        for (const char* h :
             {"OAuth oauth_nonce=\"%zz\"", "OAuth oauth_nonce=\"abc%\"", "OAuth oauth_nonce=%4",
              "OAuth %zz=\"1\"", "OAuth a=\"1\", b=\"%G0\""}) {
            check_rejected(h, errc::invalid_percent_encoding);
        }
    }
}

TEST_CASE("fuzz: random and mutated headers never crash and parse consistently")
{
    const std::vector<std::string> seeds = {
        std::string(rfc_header),
        "OAuth realm=\"a \\\"b\\\" c\", oauth_token=\"t\", oauth_signature=\"a%2Bb%3D\"",
        "oauth a=1,b=\"2\" ,, c = \"%41\"",
        "OAuth\toauth_nonce=\"x\\\\y\",\trealm=\"\"",
        "OAuth",
        "Basic dXNlcjpwYXNz",
    };
    const std::string specials = std::string("\"\\,= \t\r\n%+aZ09~") + '\0' + "\xFF";
    std::mt19937 rng(3517); // fixed seed: reproducible
    const auto pick = [&rng](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    std::size_t parsed = 0;
    std::size_t rejected = 0;
    for (int iteration = 0; iteration < 5000; ++iteration) {
        std::string s;
        if (pick(5) == 0) {
            s.resize(pick(81));
            for (char& c : s) c = static_cast<char>(static_cast<unsigned char>(pick(256)));
        } else {
            s = seeds[pick(seeds.size())];
            const std::size_t mutations = 1 + pick(4);
            for (std::size_t m = 0; m < mutations; ++m) {
                const char c = pick(2) == 0
                                   ? specials[pick(specials.size())]
                                   : static_cast<char>(static_cast<unsigned char>(pick(256)));
                switch (pick(5)) {
                case 0: // replace
                    if (!s.empty()) s[pick(s.size())] = c;
                    break;
                case 1: // insert
                    s.insert(pick(s.size() + 1), 1, c);
                    break;
                case 2: // erase
                    if (!s.empty()) s.erase(pick(s.size()), 1 + pick(3));
                    break;
                case 3: // truncate
                    s.resize(pick(s.size() + 1));
                    break;
                default: { // duplicate a chunk
                    const std::size_t from = pick(s.size() + 1);
                    const std::size_t len = pick(16);
                    s.insert(pick(s.size() + 1), s.substr(from, len));
                    break;
                }
                }
            }
        }

        CAPTURE(iteration);
        CAPTURE(s);
        std::error_code ec;
        const oauth1::parsed_authorization r = oauth1::parse_authorization_header(s, ec);
        if (ec) {
            ++rejected;
            const bool known = ec == oauth1::errc::invalid_authorization_header ||
                               ec == oauth1::errc::duplicate_protocol_parameter ||
                               ec == oauth1::errc::invalid_percent_encoding;
            CHECK(known);
            CHECK((r.parameters.empty() && !r.realm));
            bool threw_same = false;
            try {
                (void)oauth1::parse_authorization_header(s);
            } catch (const oauth1::error& e) {
                threw_same = e.code() == ec;
            }
            CHECK(threw_same);
            continue;
        }
        ++parsed;
        // Every parsed name and value is canonical 3.6 encoding, ready for the base string.
        bool canonical = true;
        for (const oauth1::parameter_view p : r.parameters)
            canonical = canonical && is_canonical_3_6(p.name) && is_canonical_3_6(p.value);
        CHECK(canonical);
        if (r.realm) CHECK_FALSE(oauth1::detail::has_header_breaking_char(*r.realm));

        // Rebuilding the header and parsing it again gives the same result. (A parameter whose
        // decoded name is "realm" would become the realm when rebuilt; that is not this check.)
        if (r.parameters.count("realm") != 0) continue;
        const std::string rebuilt = oauth1::authorization_header(
            r.parameters, r.realm ? std::optional<std::string_view>(*r.realm) : std::nullopt);
        std::error_code ec2;
        const oauth1::parsed_authorization again = oauth1::parse_authorization_header(rebuilt, ec2);
        CHECK_FALSE(ec2);
        CHECK(again.realm == r.realm);
        CHECK(contents(again.parameters) == contents(r.parameters));
    }
    // The corpus must exercise both outcomes.
    CHECK(parsed > 100);
    CHECK(rejected > 100);
    MESSAGE("fuzz: " << parsed << " parsed, " << rejected << " rejected");
}
