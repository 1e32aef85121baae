// Unit tests for oauth1/signature_method.hpp: names, the signer requirements, HMAC/PLAINTEXT keys,
// RSA key errors, any_signer, and the system crypto policy refusing SHA-1 signatures.
// Expected signatures come from ../shared/conformance/VECTORS.md or from python3-oauthlib 3.2.2.
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

const std::string keys_dir = std::string(OAUTH1_TEST_DATA_DIR) + "/keys/";

constexpr std::array<oauth1::signature_method, 7> all_methods = {
    oauth1::signature_method::hmac_sha1,   oauth1::signature_method::hmac_sha256,
    oauth1::signature_method::hmac_sha512, oauth1::signature_method::rsa_sha1,
    oauth1::signature_method::rsa_sha256,  oauth1::signature_method::rsa_sha512,
    oauth1::signature_method::plaintext};

// VECTORS.md 4: the RFC 5849 3.4.1 base string and its signatures.
constexpr std::string_view rfc_base =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%"
    "25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%"
    "3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_"
    "token%3Dkkk9d7dh3k39sjv7";
constexpr std::string_view rfc_client_secret = "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ";
constexpr std::string_view rfc_token_secret = "just-a-string    asdasd";

std::string_view rfc_signature(oauth1::signature_method m)
{
    switch (m) {
    case oauth1::signature_method::hmac_sha1: return "wsdNmjGB7lvis0UJuPAmjvX/PXw=";
    case oauth1::signature_method::hmac_sha256:
        return "wdfdHUKXHbOnOGZP8WFAWMSAmWzN3EVBWWgXGlC/Eo4=";
    case oauth1::signature_method::hmac_sha512:
        return "u/vlyZFDxOWOZ9UUXwRBJHvq8/"
               "T4jCA74ocRmn2ECnjUBTAeJiZIRU8hDTjS88Tz1fGONffMpdZxUkUTW3k1kg==";
    case oauth1::signature_method::plaintext:
        return "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ&just-a-string%20%20%20%20asdasd";
    case oauth1::signature_method::rsa_sha1:
        return "mFY2KOEnlYWsTvUA+5kxuBIcvBYXu+"
               "ljw9ttVJQxKduMueGSVPCB1tK1PlqVLK738HK0t19ecBJfb6rMxUwrriw+"
               "MlBO+jpojkZIWccw1J4cAb4qu4M81DbpUAq4j/1w/"
               "QyTR4TWCODlEfN7Zfgy8+pf+TjiXfIwRC1jEWbuL1E=";
    case oauth1::signature_method::rsa_sha256:
        return "jqKl6m0WS69tiVJV8ZQ6aQEfJqISoZkiPBXRv6Al2+iFSaDpfeXjYm+Hbx6m1azRdrZ/35PM3cvuid3LwW/"
               "siAkzb0xQcGnTyAPH8YcGWzmnKGY7LsB7fkqThchNxvRK/"
               "N7s9M1WMnfZZ+1dQbbwtTs1TG1+iexUcV7r3M7Heec=";
    case oauth1::signature_method::rsa_sha512:
        return "jL1CnjlsNd25qoZVHZ2oJft47IRYTjpF5CvCUjL3LY0NTnbEeVhE4amWXUFBe9GLDWdUh/"
               "79ZWNOrCirBFIP26cHLAp"
               "jYdt4ZG7EVK0/GubS2v8wT1QPRsog8zyiMZkmg4JXdWCGXG8YRvRJTg+QKhXuXwS6TcMNakrgzgFIVhA=";
    }
    return {};
}

const oauth1::private_key& oauthlib_key()
{
    static const oauth1::private_key k =
        oauth1::load_private_key_file(keys_dir + "oauthlib_key.pem");
    return k;
}

template <class Signer>
std::string sign(const Signer& s, std::string_view base, std::error_code& ec)
{
    std::string out;
    s.sign(base, out, ec);
    return out;
}

template <class Signer>
std::string sign_ok(const Signer& s, std::string_view base)
{
    std::error_code ec;
    std::string out = sign(s, base, ec);
    CHECK_MESSAGE(!ec, ec.message());
    return out;
}

template <class Signer>
bool verify(const Signer& s, std::string_view base, std::string_view sig, std::error_code& ec)
{
    return s.verify(base, sig, ec);
}

template <class Signer>
bool verify_quiet(const Signer& s, std::string_view base, std::string_view sig)
{
    std::error_code ec;
    return s.verify(base, sig, ec);
}

// Types for the requirement checks.
struct no_verify {
    std::string_view name() const { return "X"; }
    void set_token_secret(std::string_view) {}
    void sign(std::string_view, std::string&, std::error_code&) const {}
};
struct verify_returns_void {
    std::string_view name() const { return "X"; }
    void set_token_secret(std::string_view) {}
    void sign(std::string_view, std::string&, std::error_code&) const {}
    void verify(std::string_view, std::string_view, std::error_code&) const {}
};
struct sign_not_const {
    std::string_view name() const { return "X"; }
    void set_token_secret(std::string_view) {}
    void sign(std::string_view, std::string&, std::error_code&) {}
    bool verify(std::string_view, std::string_view, std::error_code&) const { return false; }
};
struct no_set_token_secret {
    std::string_view name() const { return "X"; }
    void sign(std::string_view, std::string&, std::error_code&) const {}
    bool verify(std::string_view, std::string_view, std::error_code&) const { return false; }
};
// A complete user-defined signer.
struct reversing_signer {
    std::string_view name() const { return "X-REVERSE"; }
    void set_token_secret(std::string_view) {}
    void sign(std::string_view b, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        out.append(b.rbegin(), b.rend());
    }
    bool verify(std::string_view b, std::string_view s, std::error_code& ec) const
    {
        ec.clear();
        return std::string(b.rbegin(), b.rend()) == s;
    }
};

} // namespace

// ---------------------------------------------------------------------------------------------
// Names (RFC 5849 3.4, oauth_signature_method values).

TEST_CASE("to_string and parse_signature_method round-trip every method")
{
    static_assert(oauth1::to_string(oauth1::signature_method::hmac_sha1) == "HMAC-SHA1");
    static_assert(oauth1::parse_signature_method("RSA-SHA1") == oauth1::signature_method::rsa_sha1);
    const std::map<oauth1::signature_method, std::string_view> names = {
        {oauth1::signature_method::hmac_sha1, "HMAC-SHA1"},
        {oauth1::signature_method::hmac_sha256, "HMAC-SHA256"},
        {oauth1::signature_method::hmac_sha512, "HMAC-SHA512"},
        {oauth1::signature_method::rsa_sha1, "RSA-SHA1"},
        {oauth1::signature_method::rsa_sha256, "RSA-SHA256"},
        {oauth1::signature_method::rsa_sha512, "RSA-SHA512"},
        {oauth1::signature_method::plaintext, "PLAINTEXT"}};
    CHECK(names.size() == all_methods.size());
    for (const auto m : all_methods) {
        CAPTURE(names.at(m));
        CHECK(oauth1::to_string(m) == names.at(m));
        const auto parsed = oauth1::parse_signature_method(oauth1::to_string(m));
        REQUIRE(parsed.has_value());
        CHECK(*parsed == m);
        CHECK(oauth1::is_rsa(m) == (names.at(m).substr(0, 4) == "RSA-"));
    }
}

TEST_CASE("parse_signature_method rejects unknown names")
{
    for (const std::string_view bad :
         {"", "hmac-sha1", "Hmac-Sha1", "HMAC-SHA1 ", " HMAC-SHA1", "HMAC_SHA1", "HMAC-SHA",
          "HMAC-SHA384", "RSA-SHA384", "RSA-PSS", "plaintext", "PLAIN"}) {
        CAPTURE(bad);
        CHECK_FALSE(oauth1::parse_signature_method(bad).has_value());
    }
    const std::string with_nul("HMAC-SHA1\0", 10);
    CHECK_FALSE(oauth1::parse_signature_method(with_nul).has_value());
    CHECK(oauth1::to_string(static_cast<oauth1::signature_method>(99)).empty());
}

TEST_CASE("each signer type names its method")
{
    CHECK(oauth1::hmac_sha1::name() == "HMAC-SHA1");
    CHECK(oauth1::hmac_sha256::name() == "HMAC-SHA256");
    CHECK(oauth1::hmac_sha512::name() == "HMAC-SHA512");
    CHECK(oauth1::rsa_sha1::name() == "RSA-SHA1");
    CHECK(oauth1::rsa_sha256::name() == "RSA-SHA256");
    CHECK(oauth1::rsa_sha512::name() == "RSA-SHA512");
    CHECK(oauth1::plaintext::name() == "PLAINTEXT");
    CHECK(oauth1::hmac_sha256::method() == oauth1::signature_method::hmac_sha256);
    CHECK(oauth1::rsa_sha512::method() == oauth1::signature_method::rsa_sha512);
    CHECK(oauth1::plaintext::method() == oauth1::signature_method::plaintext);
}

// ---------------------------------------------------------------------------------------------
// Signer requirements.

static_assert(oauth1::is_signer_v<oauth1::hmac_sha1>);
static_assert(oauth1::is_signer_v<oauth1::hmac_sha256>);
static_assert(oauth1::is_signer_v<oauth1::hmac_sha512>);
static_assert(oauth1::is_signer_v<oauth1::rsa_sha1>);
static_assert(oauth1::is_signer_v<oauth1::rsa_sha256>);
static_assert(oauth1::is_signer_v<oauth1::rsa_sha512>);
static_assert(oauth1::is_signer_v<oauth1::plaintext>);
static_assert(oauth1::is_signer_v<oauth1::any_signer>);
static_assert(oauth1::is_signer_v<reversing_signer>);
static_assert(!oauth1::is_signer_v<int>);
static_assert(!oauth1::is_signer_v<void>);
static_assert(!oauth1::is_signer_v<std::string>);
static_assert(!oauth1::is_signer_v<no_verify>);
static_assert(!oauth1::is_signer_v<verify_returns_void>);
static_assert(!oauth1::is_signer_v<sign_not_const>);
static_assert(!oauth1::is_signer_v<no_set_token_secret>);
static_assert(oauth1::is_signer<oauth1::hmac_sha1>::value);

#if OAUTH1_HAS_CONCEPTS
static_assert(oauth1::signer<oauth1::hmac_sha1>);
static_assert(oauth1::signer<oauth1::hmac_sha256>);
static_assert(oauth1::signer<oauth1::hmac_sha512>);
static_assert(oauth1::signer<oauth1::rsa_sha1>);
static_assert(oauth1::signer<oauth1::rsa_sha256>);
static_assert(oauth1::signer<oauth1::rsa_sha512>);
static_assert(oauth1::signer<oauth1::plaintext>);
static_assert(oauth1::signer<oauth1::any_signer>);
static_assert(oauth1::signer<reversing_signer>);
static_assert(!oauth1::signer<int>);
static_assert(!oauth1::signer<no_verify>);
static_assert(!oauth1::signer<verify_returns_void>);
static_assert(!oauth1::signer<sign_not_const>);
static_assert(!oauth1::signer<no_set_token_secret>);
#endif

TEST_CASE("the C++20 concept agrees with the C++17 trait")
{
#if OAUTH1_HAS_CONCEPTS
    CHECK(oauth1::signer<oauth1::any_signer> == oauth1::is_signer_v<oauth1::any_signer>);
    CHECK(oauth1::signer<no_verify> == oauth1::is_signer_v<no_verify>);
    MESSAGE("C++20 concepts checked");
#else
    MESSAGE("compiled without C++20 concepts: only the C++17 trait is checked");
#endif
    CHECK(oauth1::sign_base_string(reversing_signer{}, "abc") == "cba");
}

// ---------------------------------------------------------------------------------------------
// HMAC-SHA* and PLAINTEXT keys (RFC 5849 3.4.2, 3.4.4).

TEST_CASE("the signers reproduce the RFC 5849 3.4.1 vectors")
{
    const oauth1::hmac_sha1 h1(rfc_client_secret, rfc_token_secret);
    const oauth1::hmac_sha256 h256(rfc_client_secret, rfc_token_secret);
    const oauth1::hmac_sha512 h512(rfc_client_secret, rfc_token_secret);
    const oauth1::plaintext pt(rfc_client_secret, rfc_token_secret);
    const oauth1::rsa_sha1 r1(oauthlib_key());
    const oauth1::rsa_sha256 r256(oauthlib_key());
    const oauth1::rsa_sha512 r512(oauthlib_key());
    CHECK(sign_ok(h1, rfc_base) == rfc_signature(oauth1::signature_method::hmac_sha1));
    CHECK(sign_ok(h256, rfc_base) == rfc_signature(oauth1::signature_method::hmac_sha256));
    CHECK(sign_ok(h512, rfc_base) == rfc_signature(oauth1::signature_method::hmac_sha512));
    CHECK(sign_ok(pt, rfc_base) == rfc_signature(oauth1::signature_method::plaintext));
    CHECK(sign_ok(r1, rfc_base) == rfc_signature(oauth1::signature_method::rsa_sha1));
    CHECK(sign_ok(r256, rfc_base) == rfc_signature(oauth1::signature_method::rsa_sha256));
    CHECK(sign_ok(r512, rfc_base) == rfc_signature(oauth1::signature_method::rsa_sha512));
}

TEST_CASE("set_token_secret rekeys HMAC and PLAINTEXT")
{
    // OAuth wiki: secret "cs", base string "bs".
    oauth1::hmac_sha1 h("cs");
    CHECK(sign_ok(h, "bs") == "egQqG5AJep5sJ7anhXju1unge2I=");
    h.set_token_secret("ts");
    CHECK(sign_ok(h, "bs") == "VZVjXceV7JgPq/dOTnNmEfO0Fv8=");
    CHECK(verify_quiet(h, "bs", "VZVjXceV7JgPq/dOTnNmEfO0Fv8="));
    CHECK_FALSE(verify_quiet(h, "bs", "egQqG5AJep5sJ7anhXju1unge2I="));
    h.set_token_secret({});
    CHECK(sign_ok(h, "bs") == "egQqG5AJep5sJ7anhXju1unge2I=");

    // Constructor with a token secret == rekeyed later.
    CHECK(sign_ok(oauth1::hmac_sha1("cs", "ts"), "bs") == "VZVjXceV7JgPq/dOTnNmEfO0Fv8=");

    // RFC vector after rekeying from another token secret.
    oauth1::hmac_sha256 h256(rfc_client_secret, "old");
    h256.set_token_secret(rfc_token_secret);
    CHECK(sign_ok(h256, rfc_base) == rfc_signature(oauth1::signature_method::hmac_sha256));

    oauth1::plaintext p("cs");
    CHECK(sign_ok(p, "ignored") == "cs&");
    p.set_token_secret("ts");
    CHECK(sign_ok(p, "ignored") == "cs&ts");

    // A copy keeps its own key.
    oauth1::hmac_sha1 a("cs", "ts");
    oauth1::hmac_sha1 b = a;
    b.set_token_secret({});
    CHECK(sign_ok(a, "bs") == "VZVjXceV7JgPq/dOTnNmEfO0Fv8=");
    CHECK(sign_ok(b, "bs") == "egQqG5AJep5sJ7anhXju1unge2I=");

    // RSA ignores token secrets.
    oauth1::rsa_sha1 r(oauthlib_key());
    r.set_token_secret("anything");
    CHECK(sign_ok(r, rfc_base) == rfc_signature(oauth1::signature_method::rsa_sha1));
}

TEST_CASE("secrets are 3.6-encoded in the key")
{
    // Spaces, '&', '+', '~', '%', '=', '/' and non-ASCII (UTF-8) in both secrets.
    const std::string_view cs = "a b&c+~";
    const std::string_view ts = "\xC3\xA9%=/ "; // "é%=/ "
    CHECK(sign_ok(oauth1::plaintext(cs, ts), "bs") == "a%20b%26c%2B~&%C3%A9%25%3D%2F%20");
    // oauthlib's HMAC values for the same secrets.
    CHECK(sign_ok(oauth1::hmac_sha1(cs, ts), "bs") == "FxfyOOZv45snea8yuZvK9f5+6EQ=");
    CHECK(sign_ok(oauth1::hmac_sha256(cs, ts), "bs") ==
          "79vlcaB/LdJ105dlel8kgkruMnmAvPhctwGJb/zfI04=");
    CHECK(
        sign_ok(oauth1::hmac_sha512(cs, ts), "bs") ==
        "1DzIRGirhenYje/swq79pUxYeKJk8+aRpBR3M9P78sToF6RcBVexccHlUeurDgL07gjtwISL57SPUmH2opGTbA==");
    // A '&' inside a secret does not move the separator.
    CHECK(sign_ok(oauth1::plaintext("a&b", ""), "") == "a%26b&");
    CHECK(sign_ok(oauth1::plaintext("", "a&b"), "") == "&a%26b");
    CHECK(sign_ok(oauth1::plaintext("", ""), "") == "&");
}

TEST_CASE("HMAC keys longer than the hash block are hashed first (RFC 2104)")
{
    // oauthlib: 100 x 'k' (key "kkk...&" > 64 bytes) and 200 x 'k' with "t" for SHA-512 (> 128).
    CHECK(sign_ok(oauth1::hmac_sha1(std::string(100, 'k')), "bs") ==
          "SfrgFiBI000QC1KfVJ4IGlnd7Qg=");
    CHECK(
        sign_ok(oauth1::hmac_sha512(std::string(200, 'k'), "t"), "bs") ==
        "PGqoUkpE5UjlPr03Z3rv4VGVF4NmmL9kZaoGmVJBgi1ibQkqF3C8zV5QeEp9NqSgrT0fWALLIfiTWKSCqRmwFg==");
}

TEST_CASE("HMAC verify compares the exact base64 text")
{
    const oauth1::hmac_sha1 h("cs", "ts");
    const std::string good = "VZVjXceV7JgPq/dOTnNmEfO0Fv8=";
    std::error_code ec;
    CHECK(verify(h, "bs", good, ec));
    CHECK(!ec);
    for (const std::string& bad : {
             std::string("VZVjXceV7JgPq/dOTnNmEfO0Fv8"),      // padding dropped
             std::string("VZVjXceV7JgPq/dOTnNmEfO0Fv8=="),    // extra padding
             std::string("VZVjXceV7JgPq/dOTnNmEfO0Fv8= "),    // trailing space
             std::string(" VZVjXceV7JgPq/dOTnNmEfO0Fv8="),    // leading space
             std::string("VZVjXceV7JgPq/dOTnNmEfO0Fv9="),     // one character changed
             std::string("WZVjXceV7JgPq/dOTnNmEfO0Fv8="),     // first character changed
             std::string("vzvjxcev7jgpq/dotnnmefo0fv8="),     // case changed
             std::string("VZVjXceV7JgPq%2FdOTnNmEfO0Fv8%3D"), // still percent-encoded
             std::string("VZVjXceV7JgPq_dOTnNmEfO0Fv8="),     // base64url alphabet
             std::string(""),
             std::string("egQqG5AJep5sJ7anhXju1unge2I="), // signature of the other key
         }) {
        CAPTURE(bad);
        CHECK_FALSE(verify(h, "bs", bad, ec));
    }
    CHECK_FALSE(verify(h, "bS", good, ec));
    CHECK_FALSE(verify(h, "bs ", good, ec));
    CHECK_FALSE(verify(h, "", good, ec));

    const oauth1::plaintext p("cs", "ts");
    CHECK(verify(p, "anything", "cs&ts", ec));
    CHECK_FALSE(verify(p, "anything", "cs&ts ", ec));
    CHECK_FALSE(verify(p, "anything", "cs%26ts", ec));
    CHECK_FALSE(verify(p, "anything", "cs&", ec));
}

// ---------------------------------------------------------------------------------------------
// RSA-SHA* keys (RFC 5849 3.4.3).

TEST_CASE("RSA signing needs an RSA private key")
{
    const oauth1::public_key pub = oauth1::load_public_key_file(keys_dir + "oauthlib_pub.pem");
    std::error_code ec;

    SUBCASE("public key only: key_required for signing, verification works")
    {
        const oauth1::rsa_sha1 s(pub);
        CHECK(sign(s, rfc_base, ec).empty());
        CHECK(ec == oauth1::errc::key_required);
        CHECK(verify(s, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha1), ec));
        CHECK(!ec);
        const oauth1::rsa_sha256 s256(pub);
        CHECK(sign(s256, rfc_base, ec).empty());
        CHECK(ec == oauth1::errc::key_required);
        CHECK(verify(s256, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha256), ec));
        CHECK_THROWS_AS(oauth1::sign_base_string(s, rfc_base), oauth1::error);
        try {
            (void)oauth1::sign_base_string(s, rfc_base);
        } catch (const oauth1::error& e) {
            CHECK(e.code() == oauth1::errc::key_required);
        }
    }
    SUBCASE("empty key: key_required for signing and verifying")
    {
        const oauth1::rsa_sha1 s{oauth1::private_key{}};
        CHECK(sign(s, rfc_base, ec).empty());
        CHECK(ec == oauth1::errc::key_required);
        CHECK_FALSE(verify(s, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha1), ec));
        CHECK(ec == oauth1::errc::key_required);
    }
    SUBCASE("EC key: key_not_rsa for signing and verifying")
    {
        const oauth1::private_key ec_key = oauth1::load_private_key_file(keys_dir + "ec_p256.pem");
        REQUIRE(ec_key);
        CHECK_FALSE(ec_key.is_rsa());
        const oauth1::rsa_sha256 s(ec_key);
        std::string out = "unchanged";
        s.sign(rfc_base, out, ec);
        CHECK(ec == oauth1::errc::key_not_rsa);
        CHECK(out == "unchanged");
        CHECK_FALSE(verify(s, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha256), ec));
        CHECK(ec == oauth1::errc::key_not_rsa);
        const oauth1::rsa_sha1 v(ec_key.public_part());
        CHECK_FALSE(verify(v, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha1), ec));
        CHECK(ec == oauth1::errc::key_not_rsa);
    }
}

TEST_CASE("RSA verify: invalid base64, wrong key, wrong digest")
{
    const oauth1::rsa_sha1 s(oauthlib_key());
    const std::string good(rfc_signature(oauth1::signature_method::rsa_sha1));
    std::error_code ec;
    CHECK(verify(s, rfc_base, good, ec));
    CHECK(!ec);

    for (const std::string& bad :
         {good + "!", "*" + good.substr(1), good.substr(1), good + "=", std::string("abc"),
          good.substr(0, 10) + " " + good.substr(10)}) {
        CAPTURE(bad);
        CHECK_FALSE(verify(s, rfc_base, bad, ec));
        CHECK(ec == oauth1::errc::invalid_signature_encoding);
    }
    // Valid base64 of the wrong length or value: false, not an encoding error.
    CHECK_FALSE(verify(s, rfc_base, good.substr(0, 100), ec));
    CHECK(ec != oauth1::errc::invalid_signature_encoding);
    CHECK_FALSE(verify(s, rfc_base, "", ec));
    std::string changed = good;
    changed[5] = changed[5] == 'A' ? 'B' : 'A';
    CHECK_FALSE(verify(s, rfc_base, changed, ec));
    CHECK(ec != oauth1::errc::invalid_signature_encoding);

    // Another key does not verify; another digest does not verify.
    const oauth1::rsa_sha1 other(oauth1::load_public_key_file(keys_dir + "bench_rsa1024_pub.pem"));
    CHECK_FALSE(verify(other, rfc_base, good, ec));
    const oauth1::rsa_sha256 s256(oauthlib_key());
    CHECK_FALSE(verify(s256, rfc_base, good, ec));
    CHECK(verify(s256, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha256), ec));

    // The OpenSSL error queue is left empty by failed verifications.
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("RSA signatures have the key's size and verify with its public half")
{
    for (const char* file : {"bench_rsa1024.pem", "bench_rsa2048.pem"}) {
        CAPTURE(file);
        const oauth1::private_key key = oauth1::load_private_key_file(keys_dir + file);
        const oauth1::rsa_sha256 s(key);
        const std::string sig = sign_ok(s, rfc_base);
        CHECK(sig.size() == static_cast<std::size_t>((key.bits() / 8 + 2) / 3 * 4));
        CHECK(verify_quiet(s, rfc_base, sig));
        CHECK(s.key().native_handle() == key.native_handle());
        CHECK(s.verification_key().is_rsa());
    }
}

// ---------------------------------------------------------------------------------------------
// any_signer.

TEST_CASE("any_signer::make builds every method and signs like the concrete types")
{
    for (const auto m : all_methods) {
        CAPTURE(oauth1::to_string(m));
        std::error_code ec;
        auto s = oauth1::any_signer::make(m, rfc_client_secret, oauthlib_key(), ec);
        REQUIRE(s.has_value());
        CHECK(!ec);
        CHECK(s->method() == m);
        CHECK(s->name() == oauth1::to_string(m));
        s->set_token_secret(rfc_token_secret);
        CHECK(sign_ok(*s, rfc_base) == rfc_signature(m));
        CHECK(verify_quiet(*s, rfc_base, rfc_signature(m)));
        CHECK_FALSE(verify_quiet(*s, rfc_base, "x" + std::string(rfc_signature(m))));

        // The same by name, and the throwing overload.
        auto by_name =
            oauth1::any_signer::make(oauth1::to_string(m), rfc_client_secret, oauthlib_key(), ec);
        REQUIRE(by_name.has_value());
        CHECK(!ec);
        CHECK(by_name->method() == m);
        oauth1::any_signer thrown = oauth1::any_signer::make(m, rfc_client_secret, oauthlib_key());
        thrown.set_token_secret(rfc_token_secret);
        CHECK(sign_ok(thrown, rfc_base) == rfc_signature(m));
    }
    // HMAC and PLAINTEXT need no key.
    CHECK(oauth1::any_signer::make(oauth1::signature_method::hmac_sha1, "cs").name() ==
          "HMAC-SHA1");
    CHECK(sign_ok(oauth1::any_signer::make(oauth1::signature_method::plaintext, "cs"), "") ==
          "cs&");

    // Conversions from the concrete types hold the right alternative.
    const oauth1::any_signer a = oauth1::hmac_sha256("cs", "ts");
    CHECK(std::holds_alternative<oauth1::hmac_sha256>(a.variant()));
    CHECK(sign_ok(a, "bs") == sign_ok(oauth1::hmac_sha256("cs", "ts"), "bs"));
    const oauth1::any_signer r = oauth1::rsa_sha512(oauthlib_key());
    CHECK(r.method() == oauth1::signature_method::rsa_sha512);
    CHECK(sign_ok(r, rfc_base) == rfc_signature(oauth1::signature_method::rsa_sha512));
}

TEST_CASE("any_signer::make errors")
{
    std::error_code ec;
    for (const auto m : {oauth1::signature_method::rsa_sha1, oauth1::signature_method::rsa_sha256,
                         oauth1::signature_method::rsa_sha512}) {
        CAPTURE(oauth1::to_string(m));
        CHECK_FALSE(oauth1::any_signer::make(m, "cs", oauth1::private_key{}, ec).has_value());
        CHECK(ec == oauth1::errc::key_required);
        try {
            (void)oauth1::any_signer::make(m, "cs");
            FAIL("no exception");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == oauth1::errc::key_required);
        }
        const oauth1::private_key ec_key = oauth1::load_private_key_file(keys_dir + "ec_p256.pem");
        CHECK_FALSE(oauth1::any_signer::make(m, "cs", ec_key, ec).has_value());
        CHECK(ec == oauth1::errc::key_not_rsa);
        CHECK_THROWS_AS(oauth1::any_signer::make(m, "cs", ec_key), oauth1::error);
    }
    CHECK_FALSE(oauth1::any_signer::make("RSA-SHA1", "cs", oauth1::private_key{}, ec).has_value());
    CHECK(ec == oauth1::errc::key_required);

    for (const std::string_view bad : {"", "rsa-sha1", "RSA-SHA384", "HMAC-MD5"}) {
        CAPTURE(bad);
        CHECK_FALSE(oauth1::any_signer::make(bad, "cs", oauthlib_key(), ec).has_value());
        CHECK(ec == oauth1::errc::unsupported_signature_method);
    }
    CHECK_FALSE(oauth1::any_signer::make(static_cast<oauth1::signature_method>(99), "cs",
                                         oauthlib_key(), ec)
                    .has_value());
    CHECK(ec == oauth1::errc::unsupported_signature_method);

    // An error does not stick: the next successful make clears ec.
    CHECK(oauth1::any_signer::make("HMAC-SHA1", "cs", oauth1::private_key{}, ec).has_value());
    CHECK(!ec);
}

// ---------------------------------------------------------------------------------------------
// System crypto policy refusing SHA-1 signatures.
//
// RHEL 9 / Fedora refuse SHA-1 signatures through a patched OpenSSL and the crypto-policies
// config (rh-allow-sha1-signatures = no); Debian's OpenSSL 3.0 has no such switch and ignores that
// option. To get the same refusal from an unpatched OpenSSL 3.0, this test gives the thread a
// library context (OSSL_LIB_CTX_set0_default) whose only algorithms come from an in-process
// provider re-exporting the default provider's algorithms except the SHA-1 digest. RSA signature
// code then cannot obtain SHA-1 and reports "invalid digest" / "digest not allowed" -- the same
// provider errors the RHEL policy and the FIPS provider produce. SHA-256 and SHA-512 still work.

namespace {

class sha1_refusing_context {
public:
    sha1_refusing_context()
    {
        instance_ = this;
        ctx_ = OSSL_LIB_CTX_new();
        if (ctx_ == nullptr) return;
        inner_ = OSSL_PROVIDER_load(ctx_, "default");
        if (inner_ == nullptr) return;
        if (OSSL_PROVIDER_add_builtin(ctx_, "oauth1-test-no-sha1", &init) != 1) return;
        outer_ = OSSL_PROVIDER_load(ctx_, "oauth1-test-no-sha1");
        if (outer_ == nullptr) return;
        if (EVP_set_default_properties(ctx_, "provider=oauth1-test-no-sha1") != 1) return;
        previous_ = OSSL_LIB_CTX_set0_default(ctx_);
        active_ = previous_ != nullptr;
    }
    sha1_refusing_context(const sha1_refusing_context&) = delete;
    sha1_refusing_context& operator=(const sha1_refusing_context&) = delete;
    ~sha1_refusing_context()
    {
        if (active_) OSSL_LIB_CTX_set0_default(previous_);
        if (outer_ != nullptr) OSSL_PROVIDER_unload(outer_);
        if (inner_ != nullptr) OSSL_PROVIDER_unload(inner_);
        if (ctx_ != nullptr) OSSL_LIB_CTX_free(ctx_);
        ERR_clear_error();
        instance_ = nullptr;
    }
    bool active() const noexcept { return active_; }

private:
    static bool is_sha1(const char* names)
    {
        const std::string_view all(names);
        std::size_t b = 0;
        while (b <= all.size()) {
            std::size_t e = all.find(':', b);
            if (e == std::string_view::npos) e = all.size();
            const std::string_view one = all.substr(b, e - b);
            if (one == "SHA1" || one == "SHA-1" || one == "SSL3-SHA1" || one == "1.3.14.3.2.26")
                return true;
            b = e + 1;
        }
        return false;
    }

    static const OSSL_ALGORITHM* query(void* /*provctx*/, int op, int* no_cache)
    {
        *no_cache = 0;
        sha1_refusing_context& self = *instance_;
        auto it = self.tables_.find(op);
        if (it == self.tables_.end()) {
            int inner_no_cache = 0;
            const OSSL_ALGORITHM* src =
                OSSL_PROVIDER_query_operation(self.inner_, op, &inner_no_cache);
            std::vector<OSSL_ALGORITHM> table;
            for (; src != nullptr && src->algorithm_names != nullptr; ++src) {
                if (op == OSSL_OP_DIGEST && is_sha1(src->algorithm_names)) continue;
                OSSL_ALGORITHM a = *src;
                a.property_definition = "provider=oauth1-test-no-sha1";
                table.push_back(a);
            }
            table.push_back(OSSL_ALGORITHM{nullptr, nullptr, nullptr, nullptr});
            it = self.tables_.emplace(op, std::move(table)).first;
        }
        return it->second.data();
    }

    static int init(const OSSL_CORE_HANDLE* /*handle*/, const OSSL_DISPATCH* /*in*/,
                    const OSSL_DISPATCH** out, void** provctx)
    {
        static const OSSL_DISPATCH dispatch[] = {
            {OSSL_FUNC_PROVIDER_QUERY_OPERATION, reinterpret_cast<void (*)(void)>(&query)},
            {0, nullptr}};
        *out = dispatch;
        // The default provider's own context: its algorithms run unchanged, in this library
        // context, so their internal digest fetches see only what this provider offers.
        *provctx = OSSL_PROVIDER_get0_provider_ctx(instance_->inner_);
        return 1;
    }

    static inline sha1_refusing_context* instance_ = nullptr;
    OSSL_LIB_CTX* ctx_ = nullptr;
    OSSL_LIB_CTX* previous_ = nullptr;
    OSSL_PROVIDER* inner_ = nullptr;
    OSSL_PROVIDER* outer_ = nullptr;
    bool active_ = false;
    std::map<int, std::vector<OSSL_ALGORITHM>> tables_;
};

} // namespace

TEST_CASE("a crypto policy refusing SHA-1 signatures gives errc::crypto_policy_refused")
{
    const oauth1::rsa_sha1 s1(oauthlib_key());
    const oauth1::rsa_sha256 s256(oauthlib_key());
    const oauth1::rsa_sha512 s512(oauthlib_key());
    const oauth1::any_signer any1 = s1;
    const std::string sig1(rfc_signature(oauth1::signature_method::rsa_sha1));
    std::error_code ec;
    {
        const sha1_refusing_context policy;
        REQUIRE_MESSAGE(policy.active(), "could not set up the SHA-1-refusing OpenSSL context");

        std::string out = "unchanged";
        s1.sign(rfc_base, out, ec);
        CHECK(ec == oauth1::errc::crypto_policy_refused);
        CHECK(out == "unchanged");
        CHECK(ERR_peek_error() == 0); // drained, not left for an unrelated later call

        CHECK(sign(any1, rfc_base, ec).empty());
        CHECK(ec == oauth1::errc::crypto_policy_refused);
        try {
            (void)oauth1::sign_base_string(s1, rfc_base);
            FAIL("no exception");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == oauth1::errc::crypto_policy_refused);
            CHECK(std::string(e.what()).find("SHA-1") != std::string::npos);
        }

        // Verification of a SHA-1 signature is refused the same way (not a plain mismatch).
        CHECK_FALSE(verify(s1, rfc_base, sig1, ec));
        CHECK(ec == oauth1::errc::crypto_policy_refused);

        // Other digests are not affected.
        CHECK(sign(s256, rfc_base, ec) == rfc_signature(oauth1::signature_method::rsa_sha256));
        CHECK(!ec);
        CHECK(sign(s512, rfc_base, ec) == rfc_signature(oauth1::signature_method::rsa_sha512));
        CHECK(!ec);
    }
    // Back in the normal context SHA-1 signs again.
    CHECK(sign(s1, rfc_base, ec) == sig1);
    CHECK(!ec);
}
