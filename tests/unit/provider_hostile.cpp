// Unit tests for oauth1/provider.hpp against hostile input (issue 11): bounds on what is read
// before authentication, work that stays O(n log n) whatever the names, the token bound to its
// consumer, PLAINTEXT off by default and https-only, the signer cache's secrets, and the realm
// parameter in any case.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include "support/provider_fixture.hpp"

#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using oauth1::problem;
using oauth1::token_requirement;
using oauth1_test::consumer_lookup;
using oauth1_test::data_path;
using oauth1_test::describe;
using oauth1_test::token_lookup;

constexpr std::uint64_t now = 1'700'000'000;

// Unlike support/provider_fixture.hpp's, this clock is always at `now`.
struct fixed_clock {
    std::uint64_t operator()() const noexcept { return now; }
};

using test_verifier = oauth1::request_verifier<consumer_lookup, token_lookup,
                                               oauth1::memory_nonce_store, fixed_clock>;

/// A provider's database. `tokens_by_token_only`: a token lookup that ignores the consumer key
/// (as a careless deployment, or the old examples/verify_request, would write it).
struct provider {
    std::map<std::string, oauth1::consumer_credentials, std::less<>> consumers;
    std::map<std::string, oauth1::token_credentials, std::less<>> tokens;
    oauth1::memory_nonce_store store{300};
    test_verifier v{
        [this](std::string_view k) -> const oauth1::consumer_credentials* {
            const auto it = consumers.find(k);
            return it == consumers.end() ? nullptr : &it->second;
        },
        [this](std::string_view, std::string_view t) -> const oauth1::token_credentials* {
            const auto it = tokens.find(t);
            return it == tokens.end() ? nullptr : &it->second;
        },
        store, fixed_clock{}};

    oauth1::verify_result verify(const oauth1::incoming_request& req,
                                 const oauth1::verify_options& o = {})
    {
        std::error_code ec;
        oauth1::verify_result r = v.verify(req, o, ec);
        CHECK_FALSE(ec);
        return r;
    }
};

oauth1::sign_options at_now()
{
    oauth1::sign_options o;
    o.timestamp = now;
    return o;
}

void check_refused(const oauth1::verify_result& r, problem expected,
                   std::string_view advice_part = {})
{
    INFO("result: " << describe(r));
    CHECK_FALSE(r.ok());
    REQUIRE(r.problem.has_value());
    CHECK(r.problem->code == expected);
    if (!advice_part.empty()) CHECK(r.problem->advice.find(advice_part) != std::string::npos);
}

/// "oauth_zz0000000" .. with the number `i` in its last seven digits.
std::string numbered(std::string prefix, std::size_t i, std::size_t digits = 7)
{
    std::string n(digits, '0');
    for (std::size_t k = digits; k-- > 0; i /= 10) n[k] = static_cast<char>('0' + i % 10);
    return prefix + n;
}

} // namespace

TEST_CASE("requests over the default limits are refused before they are parsed")
{
    provider p;
    p.consumers["ck"] = {"cs", {}, {}};
    p.consumers["ck"].methods = oauth1::method_set::defaults();
    p.tokens["tok"] = {"ck", "ts"};
    oauth1::client c("ck", oauth1::hmac_sha1("cs"));
    c.set_token("tok", "ts");
    const oauth1::request_limits defaults;
    CHECK(defaults.max_header_bytes == 64 * 1024);
    CHECK(defaults.max_parameters == 1000);
    CHECK(defaults.max_body_bytes == 1024 * 1024);
    CHECK(defaults.max_nonce_bytes == 64);

    SUBCASE("a signed request just under every limit verifies")
    {
        std::string body;
        for (std::size_t i = 0; i < 990; ++i) body += numbered("&p", i) + "=v";
        const std::string url = "https://example.com/x?q=1";
        const auto s = c.sign({"POST", url, "application/x-www-form-urlencoded", body}, at_now());
        const auto r =
            p.verify({"POST", url, "application/x-www-form-urlencoded", body, s.authorization()});
        CHECK_MESSAGE(r.ok(), describe(r));
    }
    SUBCASE("more than 1000 parameters")
    {
        std::string body;
        for (std::size_t i = 0; i < 1001; ++i) body += numbered("&p", i) + "=v";
        const std::string url = "https://example.com/x";
        const auto s = c.sign({"POST", url, "application/x-www-form-urlencoded", body}, at_now());
        const auto r =
            p.verify({"POST", url, "application/x-www-form-urlencoded", body, s.authorization()});
        check_refused(r, problem::parameter_rejected, "more than 1000 parameters");
        CHECK(p.store.size() == 0);
    }
    SUBCASE("a form body over 1 MiB")
    {
        const std::string body = "a=" + std::string(1024 * 1024, 'x');
        const std::string url = "https://example.com/x";
        const auto s = c.sign({"POST", url, "application/x-www-form-urlencoded", body}, at_now());
        const auto r =
            p.verify({"POST", url, "application/x-www-form-urlencoded", body, s.authorization()});
        check_refused(r, problem::parameter_rejected, "form body larger than 1048576 bytes");
    }
    SUBCASE("an Authorization header over 64 KiB")
    {
        const std::string url = "https://example.com/x";
        std::string auth(c.sign({"GET", url}, at_now()).authorization());
        auth += ", x=\"" + std::string(64 * 1024, 'y') + "\"";
        check_refused(p.verify({"GET", url, "", "", auth}), problem::parameter_rejected,
                      "Authorization header larger than 65536 bytes");
    }
    SUBCASE("a URL over 64 KiB")
    {
        const std::string url = "https://example.com/x?a=" + std::string(64 * 1024, 'z');
        const auto s = c.sign({"GET", url}, at_now());
        check_refused(p.verify({"GET", url, "", "", s.authorization()}),
                      problem::parameter_rejected, "request URL larger than 65536 bytes");
    }
    SUBCASE("a nonce over 64 bytes, signed or not")
    {
        const std::string url = "https://example.com/x";
        oauth1::sign_options o = at_now();
        const std::string long_nonce(65, 'n');
        o.nonce = long_nonce;
        const auto r = p.verify({"GET", url, "", "", c.sign({"GET", url}, o).authorization()});
        check_refused(r, problem::parameter_rejected, "oauth_nonce longer than 64 bytes");
        CHECK(r.problem->parameters_rejected == std::vector<std::string>{"oauth_nonce"});
        CHECK(p.store.size() == 0);
        const std::string ok_nonce(64, 'n');
        o.nonce = ok_nonce;
        const auto r64 = p.verify({"GET", url, "", "", c.sign({"GET", url}, o).authorization()});
        CHECK_MESSAGE(r64.ok(), describe(r64));
    }
    SUBCASE("limits are configurable")
    {
        oauth1::verify_options o;
        o.limits.max_parameters = 3;
        const std::string url = "https://example.com/x?a=1&b=2&c=3&d=4";
        const auto s = c.sign({"GET", url}, at_now());
        check_refused(p.verify({"GET", url, "", "", s.authorization()}, o),
                      problem::parameter_rejected, "more than 3 parameters");
        o.limits.max_parameters = 100;
        const auto r = p.verify({"GET", url, "", "", s.authorization()}, o);
        CHECK_MESSAGE(r.ok(), describe(r));
    }
    SUBCASE("a body checked against oauth_body_hash is bounded too")
    {
        oauth1::sign_options o = at_now();
        o.body_hash = true;
        const std::string url = "https://example.com/x";
        const std::string json(2 * 1024 * 1024, ' ');
        const auto s = c.sign({"POST", url, "application/json", json}, o);
        check_refused(p.verify({"POST", url, "application/json", json, s.authorization()}),
                      problem::parameter_rejected, "body larger than 1048576 bytes");
        oauth1::verify_options big;
        big.limits.max_body_bytes = 4 * 1024 * 1024;
        const auto r = p.verify({"POST", url, "application/json", json, s.authorization()}, big);
        CHECK_MESSAGE(r.ok(), describe(r));
    }
}

TEST_CASE("many protocol names sharing a prefix cost n log n, in every place (limits raised)")
{
    // Before: every pair of oauth_* names was compared, and 100,000 names sharing their first 8
    // bytes cost 10-17 s; 400,000 here would take minutes before CTest's limit stopped it.
    // After: a sort. Each request is refused (repeated name / bad signature) - what matters is
    // that it is answered.
    constexpr std::size_t n = 400'000;
    provider p;
    p.consumers["ck"] = {"cs", {}, oauth1::method_set::defaults()};
    oauth1::verify_options o;
    o.token = token_requirement::optional;
    o.limits.max_parameters = 2 * n;
    o.limits.max_header_bytes = 64 * n;
    o.limits.max_url_bytes = 64 * n;
    o.limits.max_body_bytes = 64 * n;
    std::string form;
    std::string header = "OAuth ";
    for (std::size_t i = 0; i < n; ++i) {
        const std::string name = numbered("oauth_zz", i);
        form += name + "=1&";
        header += name + "=\"1\",";
    }
    form += "oauth_zz0000007=again";
    header += "oauth_zz0000007=\"again\"";
    const std::string url = "https://example.com/x";
    SUBCASE("form body")
    {
        const auto r = p.verify({"POST", url, "application/x-www-form-urlencoded", form, ""}, o);
        check_refused(r, problem::parameter_rejected, "protocol parameter repeated");
        CHECK(r.problem->parameters_rejected == std::vector<std::string>{"oauth_zz0000007"});
    }
    SUBCASE("query")
    {
        const auto r = p.verify({"GET", url + "?" + form, "", "", ""}, o);
        check_refused(r, problem::parameter_rejected, "protocol parameter repeated");
    }
    SUBCASE("Authorization header")
    {
        const auto r = p.verify({"GET", url, "", "", header}, o);
        check_refused(r, problem::parameter_rejected, "protocol parameter repeated");
    }
    SUBCASE("no repeat: all the way to the missing parameters")
    {
        form.resize(form.rfind('&'));
        const auto r = p.verify({"POST", url, "application/x-www-form-urlencoded", form, ""}, o);
        check_refused(r, problem::parameter_absent);
    }
}

TEST_CASE("a token is bound to the consumer it was issued to")
{
    // Two RSA consumers (JIRA's method: the token secret takes no part in the signature) and a
    // token lookup that ignores the consumer key.
    const oauth1::private_key key_a = oauth1::load_private_key_file(data_path("keys/wiki_key.pem"));
    const oauth1::private_key key_b =
        oauth1::load_private_key_file(data_path("keys/oauthlib_key.pem"));
    provider p;
    p.consumers["alice"] = {"", key_a.public_part(), {oauth1::signature_method::rsa_sha1}};
    p.consumers["mallory"] = {"", key_b.public_part(), {oauth1::signature_method::rsa_sha1}};
    p.tokens["alice-token"] = {"alice", "", oauth1::token_kind::access};
    const std::string url = "https://jira.example.com/rest/api/2/issue/JJ-2";

    oauth1::client alice("alice", oauth1::rsa_sha1(key_a));
    alice.set_token("alice-token", "");
    const auto ok =
        p.verify({"GET", url, "", "", alice.sign({"GET", url}, at_now()).authorization()});
    CHECK_MESSAGE(ok.ok(), describe(ok));

    oauth1::client mallory("mallory", oauth1::rsa_sha1(key_b));
    mallory.set_token("alice-token", "");
    const auto stolen =
        p.verify({"GET", url, "", "", mallory.sign({"GET", url}, at_now()).authorization()});
    check_refused(stolen, problem::token_rejected, "not issued to this consumer");

    // A record that names no consumer belongs to none.
    p.tokens["orphan"] = {"", "", oauth1::token_kind::access};
    alice.set_token("orphan", "");
    check_refused(
        p.verify({"GET", url, "", "", alice.sign({"GET", url}, at_now()).authorization()}),
        problem::token_rejected, "not issued to this consumer");
}

TEST_CASE("PLAINTEXT: off unless the consumer enables it, then only over https")
{
    static_assert(!oauth1::method_set::defaults().contains(oauth1::signature_method::plaintext));
    static_assert(oauth1::method_set::defaults().contains(oauth1::signature_method::hmac_sha1));
    static_assert(oauth1::method_set::defaults().contains(oauth1::signature_method::rsa_sha512));
    CHECK_FALSE(
        oauth1::consumer_credentials{}.methods.contains(oauth1::signature_method::plaintext));

    provider p;
    p.consumers["default"] = {"cs", {}};
    p.consumers["plain"] = {"cs", {}, {oauth1::signature_method::plaintext}};
    p.tokens["tok"] = {"default", "ts"};
    p.tokens["tok2"] = {"plain", "ts"};
    const auto sign = [](const char* ck, const char* tok, const std::string& url) -> std::string {
        oauth1::client c(ck, oauth1::plaintext("cs"));
        c.set_token(tok, "ts");
        return std::string(c.sign({"GET", url}, at_now()).authorization());
    };
    const std::string https = "https://example.com/x";
    const std::string http = "http://example.com/x";
    check_refused(p.verify({"GET", https, "", "", sign("default", "tok", https)}),
                  problem::signature_method_rejected, "not allowed for this consumer");
    check_refused(p.verify({"GET", http, "", "", sign("plain", "tok2", http)}),
                  problem::signature_method_rejected, "only over https");
    const auto r = p.verify({"GET", https, "", "", sign("plain", "tok2", https)});
    CHECK_MESSAGE(r.ok(), describe(r));
    CHECK(p.store.size() == 1); // nonce and timestamp recorded like any other method
    // The explicit opt-out (e.g. for a test rig; behind a TLS proxy, rebuild the https URL).
    oauth1::verify_options o;
    o.allow_plaintext_over_http = true;
    const auto over_http = p.verify({"GET", http, "", "", sign("plain", "tok2", http)}, o);
    CHECK_MESSAGE(over_http.ok(), describe(over_http));
}

TEST_CASE("the signer cache: secrets compared by value, wiped when dropped")
{
    provider p;
    p.consumers["ck"] = {"cs-0123456789", {}, oauth1::method_set::defaults()};
    p.tokens["tok"] = {"ck", "ts-aaaa"};
    const std::string url = "https://example.com/x";
    oauth1::verify_result r;
    std::error_code ec;
    const auto signed_with = [&](const char* token_secret) -> std::string {
        oauth1::client c("ck", oauth1::hmac_sha1("cs-0123456789"));
        c.set_token("tok", token_secret);
        return std::string(c.sign({"GET", url}, at_now()).authorization());
    };
    p.v.verify({"GET", url, "", "", signed_with("ts-aaaa")}, {}, r, ec);
    CHECK(r.ok());
    // Same lengths, one byte different: the cached key schedule must not be reused.
    p.tokens["tok"].secret = "ts-aaab";
    p.v.verify({"GET", url, "", "", signed_with("ts-aaaa")}, {}, r, ec);
    check_refused(r, problem::signature_invalid);
    p.v.verify({"GET", url, "", "", signed_with("ts-aaab")}, {}, r, ec);
    CHECK(r.ok());
    r.clear_secrets();
    p.v.verify({"GET", url, "", "", signed_with("ts-aaab")}, {}, r, ec);
    CHECK(r.ok()); // a new signer is made after clear_secrets()
}

TEST_CASE("detail::secret_pair_key: matches the exact pair, forgets it when wiped or moved from")
{
    oauth1::detail::secret_pair_key k;
    CHECK(k.empty());
    CHECK_FALSE(k.matches("", ""));
    k.assign("consumer", "token");
    CHECK(k.matches("consumer", "token"));
    CHECK_FALSE(k.matches("consumer", "tokem"));
    CHECK_FALSE(k.matches("consumertoken", ""));
    CHECK_FALSE(k.matches("consume", "rtoken")); // the split matters, not only the bytes
    k.assign("a", "b");
    CHECK(k.matches("a", "b"));
    CHECK_FALSE(k.matches("consumer", "token"));
    k.wipe();
    CHECK(k.empty());
    CHECK_FALSE(k.matches("a", "b"));
    k.assign("", "");
    CHECK(k.matches("", ""));
    k.assign("x", "y");
    oauth1::detail::secret_pair_key moved(std::move(k));
    CHECK(moved.matches("x", "y"));
    oauth1::detail::secret_pair_key copy(moved);
    CHECK(copy.matches("x", "y"));
    copy = oauth1::detail::secret_pair_key{};
    CHECK(copy.empty());
}

TEST_CASE("a realm parameter in any case is the realm, and only one is allowed")
{
    provider p;
    p.consumers["ck"] = {"cs", {}, oauth1::method_set::defaults()};
    p.tokens["tok"] = {"ck", "ts"};
    oauth1::client c("ck", oauth1::hmac_sha1("cs"));
    c.set_token("tok", "ts");
    const std::string url = "https://example.com/x";
    const std::string auth(c.sign({"GET", url}, at_now()).authorization()); // "OAuth oauth_..."
    const std::string params = auth.substr(6);
    for (const char* realm : {"realm", "Realm", "REALM"}) {
        CAPTURE(realm);
        oauth1::memory_nonce_store fresh;
        const test_verifier v(
            [&](std::string_view k) -> const oauth1::consumer_credentials* {
                return k == "ck" ? &p.consumers["ck"] : nullptr;
            },
            [&](std::string_view, std::string_view t) -> const oauth1::token_credentials* {
                return t == "tok" ? &p.tokens["tok"] : nullptr;
            },
            fresh, fixed_clock{});
        const std::string with_realm = std::string("OAuth ") + realm + "=\"Photos\", " + params;
        const oauth1::verify_result r = v.verify({"GET", url, "", "", with_realm});
        CHECK_MESSAGE(r.ok(), describe(r)); // not signed, as §3.4.1.3.1 excludes the realm
        CHECK(r.realm == std::optional<std::string>("Photos"));
        const std::string twice = with_realm + ", realm=\"Other\"";
        check_refused(v.verify({"GET", url, "", "", twice}), problem::parameter_rejected,
                      "malformed Authorization header");
    }
}

TEST_CASE("a consumer key outside the RSA key policy is refused, and the operator is told")
{
    // A 512-bit key, registered by a deployer who loaded it with a looser policy: the verifier's
    // own policy (verify_options::key_policy, by default 1024..16384 bits) still refuses it.
    oauth1::rsa_key_policy loose;
    loose.min_modulus_bits = 512;
    const oauth1::private_key weak =
        oauth1::load_private_key_file(data_path("keys/weak_rsa512.pem"), {}, loose);
    provider p;
    p.consumers["weak"] = {"", weak.public_part(), {oauth1::signature_method::rsa_sha1}};
    p.tokens["wtok"] = {"weak", ""};
    oauth1::client c("weak", oauth1::rsa_sha1(weak, loose));
    c.set_token("wtok", "");
    const std::string url = "https://jira.example.com/rest/api/2/issue/JJ-2";
    const std::string auth(c.sign({"GET", url}, at_now()).authorization());
    std::error_code ec;
    const oauth1::verify_result r = p.v.verify({"GET", url, "", "", auth}, {}, ec);
    CHECK(ec == oauth1::errc::key_policy_violation);
    check_refused(r, problem::consumer_key_refused, "outside the key policy");
    CHECK(p.store.size() == 0);
    // Accepted only where the deployer says so for the verifier too.
    oauth1::verify_options o;
    o.key_policy = loose;
    const oauth1::verify_result ok = p.v.verify({"GET", url, "", "", auth}, o, ec);
    CHECK_FALSE(ec);
    CHECK_MESSAGE(ok.ok(), describe(ok));
}

TEST_CASE("protocol_field_of: each protocol name is its field; every near miss is no field")
{
    using oauth1::detail::field_count;
    using oauth1::detail::protocol_field_names;
    using oauth1::detail::protocol_field_of;
    for (unsigned f = 0; f < field_count; ++f) {
        const std::string name(protocol_field_names[f]);
        CAPTURE(name);
        CHECK(protocol_field_of(name) == f);
        // Any one byte changed, one byte fewer or more, or the name in upper case: none.
        for (std::size_t i = 0; i < name.size(); ++i) {
            for (const char c : {'_', 'a', 's', 't', 'c', 'Z', '\0', '\xff'}) {
                if (name[i] == c) continue;
                std::string other = name;
                other[i] = c;
                CAPTURE(other);
                CHECK(protocol_field_of(other) == field_count);
            }
        }
        CHECK(protocol_field_of(name.substr(0, name.size() - 1)) == field_count);
        CHECK(protocol_field_of(name + "x") == field_count);
        std::string upper = name;
        for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        CHECK(protocol_field_of(upper) == field_count);
    }
    for (const char* other : {"", "oauth_", "oauth_signatures", "oauth_tokens", "xauth_token",
                              "oauth_session_handle", "realm", "oauth_callback_confirmed"})
        CHECK(protocol_field_of(other) == field_count);
}
