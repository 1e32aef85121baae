// Unit tests for oauth1/signature_method.hpp: names, the signer requirements, HMAC/PLAINTEXT keys,
// RSA key errors, any_signer, the system crypto policy refusing SHA-1 signatures, and (issue 11)
// OpenSSL failures inside RSA verification, the RSA key policy in the signers, any_signer::make
// from a public key, secret hygiene of moved/overwritten/destroyed signers, and an HMAC path that
// allocates nothing.
// Expected signatures come from ../shared/conformance/VECTORS.md or from python3-oauthlib 3.2.2.
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include "support/rsa_public_from.hpp"

#include <openssl/bn.h>
#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

// Every operator new/delete of this program goes through here: a test can count the allocations
// made while `counting` is set (the HMAC path allocates nothing), and, while secrets are watched,
// every block freed is scanned for them (a block freed with a secret still in it was not wiped).
// Each block carries its size in a 16-byte header (keeping malloc's alignment), so the scan reads
// only the bytes that were asked for.
namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};
constexpr std::size_t max_watched = 4;
std::array<std::string_view, max_watched> watched{};
std::atomic<std::size_t> watched_count{0};
std::atomic<std::size_t> unwiped_frees{0};
constexpr std::size_t block_header = 16;

bool holds(const unsigned char* p, std::size_t n, std::string_view needle) noexcept
{
    if (needle.empty() || needle.size() > n) return false;
    for (std::size_t i = 0; i + needle.size() <= n; ++i)
        if (std::memcmp(p + i, needle.data(), needle.size()) == 0) return true;
    return false;
}
} // namespace

void* operator new(std::size_t n)
{
    if (counting.load(std::memory_order_relaxed))
        allocations.fetch_add(1, std::memory_order_relaxed);
    void* raw = std::malloc(n + block_header);
    if (raw == nullptr) throw std::bad_alloc();
    std::memcpy(raw, &n, sizeof n);
    return static_cast<unsigned char*>(raw) + block_header;
}
void* operator new[](std::size_t n)
{
    return ::operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t& /*tag*/) noexcept
{
    try {
        return ::operator new(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept
{
    return ::operator new(n, tag);
}
void operator delete(void* p) noexcept
{
    if (p == nullptr) return;
    unsigned char* raw = static_cast<unsigned char*>(p) - block_header;
    std::size_t n = 0;
    std::memcpy(&n, raw, sizeof n);
    const std::size_t w = watched_count.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < w; ++i)
        if (holds(static_cast<const unsigned char*>(p), n, watched[i]))
            unwiped_frees.fetch_add(1, std::memory_order_relaxed);
    std::free(raw);
}
void operator delete[](void* p) noexcept
{
    ::operator delete(p);
}
void operator delete(void* p, std::size_t /*n*/) noexcept
{
    ::operator delete(p);
}
void operator delete[](void* p, std::size_t /*n*/) noexcept
{
    ::operator delete(p);
}
void operator delete(void* p, const std::nothrow_t& /*tag*/) noexcept
{
    ::operator delete(p);
}
void operator delete[](void* p, const std::nothrow_t& /*tag*/) noexcept
{
    ::operator delete(p);
}

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

    // Longer than any supported key's signature (2,048 bytes decoded): false without an error,
    // but its encoding is still checked to the end.
    const std::string raw_long(3000, 'x');
    std::string long_sig;
    oauth1::detail::base64_append(reinterpret_cast<const unsigned char*>(raw_long.data()),
                                  raw_long.size(), long_sig);
    CHECK_FALSE(verify(s, rfc_base, long_sig, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(verify(s, rfc_base, long_sig + "!", ec));
    CHECK(ec == oauth1::errc::invalid_signature_encoding);

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

// The prepared RSA contexts (rsa_signer keeps them per signer, shared by concurrent const calls):
// same bytes as a plain EVP_DigestSign, per-thread use, copies and moves, RSA-PSS keys.

namespace {

// The reference: RSASSA-PKCS1-v1_5 with a fresh EVP_MD_CTX and EVP_DigestSign, as oauth1 signed
// before it prepared contexts, base64 by OpenSSL's encoder. Empty on failure.
std::string reference_rsa_sign(const oauth1::private_key& key, const char* digest,
                               std::string_view data)
{
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    unsigned char sig[1024];
    std::size_t len = sizeof sig;
    const bool ok =
        ctx != nullptr &&
        EVP_DigestSignInit_ex(ctx, &pctx, digest, nullptr, nullptr, key.native_handle(), nullptr) ==
            1 &&
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
        EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return {};
    std::string b64(4 * ((len + 2) / 3) + 1, '\0');
    b64.resize(static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), sig, static_cast<int>(len))));
    return b64;
}

// Deterministic base-string-like texts of many lengths (0 to ~1,200 bytes).
std::vector<std::string> generated_base_strings(std::size_t count)
{
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%&=";
    std::vector<std::string> out;
    std::uint32_t x = 12345;
    for (std::size_t i = 0; i < count; ++i) {
        x = x * 1664525U + 1013904223U;
        const std::size_t len = i < 2 ? i : (x >> 8) % 1200;
        std::string s = "POST&https%3A%2F%2Fapi.example.com%2F" + std::to_string(i) + "&";
        s.resize(len);
        for (std::size_t j = std::min<std::size_t>(len, 40); j < len; ++j) {
            x = x * 1664525U + 1013904223U;
            s[j] = alphabet[(x >> 16) % alphabet.size()];
        }
        out.push_back(std::move(s));
    }
    return out;
}

template <class Signer>
void check_against_reference(const oauth1::private_key& key, const char* digest)
{
    const Signer s(key);
    // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the copy is what is tested
    const Signer copy = s;
    const std::vector<std::string> bases = generated_base_strings(40);
    for (std::size_t i = 0; i < bases.size(); ++i) {
        const std::string& base = bases[i];
        CAPTURE(i);
        CAPTURE(base.size());
        const std::string expected = reference_rsa_sign(key, digest, base);
        REQUIRE(!expected.empty());
        // First use prepares the context, later uses reuse it; the copy has its own.
        CHECK(sign_ok(s, base) == expected);
        CHECK(sign_ok(s, base) == expected);
        CHECK(sign_ok(copy, base) == expected);
        CHECK(verify_quiet(s, base, expected));
        CHECK_FALSE(verify_quiet(s, base + "x", expected));
        CHECK(verify_quiet(copy, base, expected));
    }
    CHECK(ERR_peek_error() == 0);
}

} // namespace

TEST_CASE("RSA signatures equal a plain EVP_DigestSign byte for byte")
{
    for (const char* file : {"bench_rsa1024.pem", "bench_rsa2048.pem"}) {
        CAPTURE(file);
        const oauth1::private_key key = oauth1::load_private_key_file(keys_dir + file);
        REQUIRE(key.is_rsa());
        check_against_reference<oauth1::rsa_sha1>(key, "SHA1");
        check_against_reference<oauth1::rsa_sha256>(key, "SHA256");
        check_against_reference<oauth1::rsa_sha512>(key, "SHA512");
    }
}

TEST_CASE("one RSA signer shared by several threads signs and verifies correctly")
{
    const oauth1::private_key key = oauth1::load_private_key_file(keys_dir + "bench_rsa1024.pem");
    const oauth1::rsa_sha1 shared(key);
    const oauth1::any_signer shared_any = oauth1::rsa_sha256(key);
    // Long texts too: hashing them takes as long as the RSA operation, so two calls sharing one
    // digest context would produce wrong signatures.
    std::vector<std::string> bases = generated_base_strings(8);
    for (char c : {'a', 'b', 'c', 'd'}) bases.push_back(std::string(100000, c) + bases[1]);
    std::vector<std::string> expected1;
    std::vector<std::string> expected256;
    for (const std::string& b : bases) {
        expected1.push_back(reference_rsa_sign(key, "SHA1", b));
        expected256.push_back(reference_rsa_sign(key, "SHA256", b));
    }

    // More threads than the signer keeps contexts for: some calls prepare their own.
    constexpr int threads = 3 * static_cast<int>(oauth1::detail::rsa_context_pool::slot_count);
    constexpr int rounds = 12;
    std::atomic<int> good{0};
    std::atomic<int> bad{0};
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::string out;
            std::error_code ec;
            for (int r = 0; r < rounds; ++r) {
                const std::size_t i = static_cast<std::size_t>(t + r) % bases.size();
                out.clear();
                shared.sign(bases[i], out, ec);
                bool ok = !ec && out == expected1[i];
                ok = ok && shared.verify(bases[i], out, ec) && !ec;
                ok = ok && !shared.verify(bases[(i + 1) % bases.size()], out, ec) && !ec;
                out.clear();
                shared_any.sign(bases[i], out, ec);
                ok = ok && !ec && out == expected256[i];
                ok = ok && shared_any.verify(bases[i], out, ec) && !ec;
                ok = ok && ERR_peek_error() == 0;
                (ok ? good : bad).fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (std::thread& th : pool) th.join();
    CHECK(bad.load() == 0);
    CHECK(good.load() == threads * rounds);
    // And the signer still works on this thread afterwards.
    CHECK(sign_ok(shared, bases[3]) == expected1[3]);
}

TEST_CASE("copies and moves of an RSA signer sign with their own key")
{
    const oauth1::private_key k1024 = oauth1::load_private_key_file(keys_dir + "bench_rsa1024.pem");
    const oauth1::private_key k2048 = oauth1::load_private_key_file(keys_dir + "bench_rsa2048.pem");
    const std::string sig1024 = reference_rsa_sign(k1024, "SHA256", rfc_base);
    const std::string sig2048 = reference_rsa_sign(k2048, "SHA256", rfc_base);
    REQUIRE(!sig1024.empty());
    REQUIRE(sig1024 != sig2048);

    oauth1::rsa_sha256 a(k1024);
    CHECK(sign_ok(a, rfc_base) == sig1024); // a has prepared contexts now
    CHECK(verify_quiet(a, rfc_base, sig1024));

    // Assignment replaces the key: contexts prepared for the old key must not be reused.
    oauth1::rsa_sha256 b(k2048);
    CHECK(sign_ok(b, rfc_base) == sig2048);
    CHECK(verify_quiet(b, rfc_base, sig2048));
    b = a;
    CHECK(sign_ok(b, rfc_base) == sig1024);
    CHECK(verify_quiet(b, rfc_base, sig1024));
    CHECK_FALSE(verify_quiet(b, rfc_base, sig2048));

    oauth1::rsa_sha256 c(k2048);
    CHECK(sign_ok(c, rfc_base) == sig2048);
    CHECK(verify_quiet(c, rfc_base, sig2048));
    c = std::move(b);
    CHECK(sign_ok(c, rfc_base) == sig1024);
    CHECK(verify_quiet(c, rfc_base, sig1024));
    CHECK_FALSE(verify_quiet(c, rfc_base, sig2048));

    // Copy and move construction.
    const oauth1::rsa_sha256 d = a; // NOLINT(performance-unnecessary-copy-initialization)
    CHECK(sign_ok(d, rfc_base) == sig1024);
    oauth1::rsa_sha256 e(k2048);
    CHECK(sign_ok(e, rfc_base) == sig2048);
    const oauth1::rsa_sha256 f = std::move(e);
    CHECK(sign_ok(f, rfc_base) == sig2048);
    CHECK(verify_quiet(f, rfc_base, sig2048));
    // A moved-from signer has no key, as before.
    std::error_code ec;
    CHECK(sign(e, rfc_base, ec).empty()); // NOLINT(bugprone-use-after-move)
    CHECK(ec == oauth1::errc::key_required);
    CHECK(sign_ok(a, rfc_base) == sig1024);
}

TEST_CASE("RSA-PSS keys are refused as not RSA, for signing and verifying")
{
    // is_rsa() is EVP_PKEY_is_a("RSA"), which an RSASSA-PSS key (its own key type) is not.
    const oauth1::detail::evp_pkey_ctx_ptr gen(
        EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
    EVP_PKEY* raw = nullptr;
    REQUIRE(gen);
    REQUIRE(EVP_PKEY_keygen_init(gen.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(gen.get(), 1024) == 1);
    REQUIRE(EVP_PKEY_generate(gen.get(), &raw) == 1);
    const oauth1::private_key pss{oauth1::detail::evp_pkey_ptr(raw)};
    CHECK(pss.bits() == 1024);
    CHECK_FALSE(pss.is_rsa());
    const oauth1::public_key pss_pub = pss.public_part();
    CHECK_FALSE(pss_pub.is_rsa());

    std::error_code ec;
    std::string out = "unchanged";
    oauth1::rsa_sha1(pss).sign(rfc_base, out, ec);
    CHECK(ec == oauth1::errc::key_not_rsa);
    oauth1::rsa_sha256(pss).sign(rfc_base, out, ec);
    CHECK(ec == oauth1::errc::key_not_rsa);
    oauth1::rsa_sha512(pss).sign(rfc_base, out, ec);
    CHECK(ec == oauth1::errc::key_not_rsa);
    CHECK(out == "unchanged");
    CHECK_FALSE(verify(oauth1::rsa_sha256(pss_pub), rfc_base,
                       rfc_signature(oauth1::signature_method::rsa_sha256), ec));
    CHECK(ec == oauth1::errc::key_not_rsa);
    CHECK_FALSE(oauth1::any_signer::make(oauth1::signature_method::rsa_sha1, "cs", pss, ec));
    CHECK(ec == oauth1::errc::key_not_rsa);
    CHECK(ERR_peek_error() == 0);
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
// The same provider can instead hide the RSA signature's sign and verify functions (keeping
// EVP_DigestSign's): a provider whose keys sign only through EVP_DigestSign.

namespace {

class restricted_context {
public:
    // no_sha1: the SHA-1 digest is missing. no_rsa_sign_verify: the RSA signature has no
    // EVP_PKEY_sign/verify functions. failing_rsa_verify: RSA verification fails inside OpenSSL
    // (EVP_PKEY_verify's and EVP_DigestVerifyFinal's functions raise ERR_R_INTERNAL_ERROR and
    // return 0). failing_rsa_digest_update: as failing_rsa_verify, but EVP_DigestVerifyUpdate's
    // function fails instead of the final one (EVP_DigestVerify then returns -1).
    // rejecting_rsa_verify: the verify functions answer "bad signature" (RSA_R_BAD_SIGNATURE, 0)
    // to everything - a mismatch, not a failure.
    enum class restriction {
        no_sha1,
        no_rsa_sign_verify,
        failing_rsa_verify,
        failing_rsa_digest_update,
        rejecting_rsa_verify
    };

    explicit restricted_context(restriction what = restriction::no_sha1) : what_(what)
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
    restricted_context(const restricted_context&) = delete;
    restricted_context& operator=(const restricted_context&) = delete;
    ~restricted_context()
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
        restricted_context& self = *instance_;
        auto it = self.tables_.find(op);
        if (it == self.tables_.end()) {
            int inner_no_cache = 0;
            const OSSL_ALGORITHM* src =
                OSSL_PROVIDER_query_operation(self.inner_, op, &inner_no_cache);
            std::vector<OSSL_ALGORITHM> table;
            for (; src != nullptr && src->algorithm_names != nullptr; ++src) {
                if (self.what_ == restriction::no_sha1 && op == OSSL_OP_DIGEST &&
                    is_sha1(src->algorithm_names))
                    continue;
                OSSL_ALGORITHM a = *src;
                a.property_definition = "provider=oauth1-test-no-sha1";
                if (self.what_ != restriction::no_sha1 && op == OSSL_OP_SIGNATURE &&
                    std::string_view(src->algorithm_names).substr(0, 4) == "RSA:")
                    a.implementation = self.patched(src->implementation);
                table.push_back(a);
            }
            table.push_back(OSSL_ALGORITHM{nullptr, nullptr, nullptr, nullptr});
            it = self.tables_.emplace(op, std::move(table)).first;
        }
        return it->second.data();
    }

    // Stand-ins for the RSA signature's verification functions.
    static int fatal_verify(void* /*ctx*/, const unsigned char* /*sig*/, std::size_t /*siglen*/,
                            const unsigned char* /*tbs*/, std::size_t /*tbslen*/)
    {
        ERR_raise(ERR_LIB_PROV, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    static int fatal_verify_final(void* /*ctx*/, const unsigned char* /*sig*/,
                                  std::size_t /*siglen*/)
    {
        ERR_raise(ERR_LIB_PROV, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    static int fatal_update(void* /*ctx*/, const unsigned char* /*data*/, std::size_t /*len*/)
    {
        ERR_raise(ERR_LIB_PROV, ERR_R_INTERNAL_ERROR);
        return 0;
    }
    static int rejecting_verify(void* /*ctx*/, const unsigned char* /*sig*/, std::size_t /*siglen*/,
                                const unsigned char* /*tbs*/, std::size_t /*tbslen*/)
    {
        ERR_raise(ERR_LIB_RSA, RSA_R_BAD_SIGNATURE);
        return 0;
    }
    static int rejecting_verify_final(void* /*ctx*/, const unsigned char* /*sig*/,
                                      std::size_t /*siglen*/)
    {
        ERR_raise(ERR_LIB_RSA, RSA_R_BAD_SIGNATURE);
        return 0;
    }
    template <class F>
    static OSSL_DISPATCH with(int id, F* f)
    {
        return OSSL_DISPATCH{id, reinterpret_cast<void (*)(void)>(f)};
    }

    // The RSA signature's dispatch table changed as what_ says.
    const OSSL_DISPATCH* patched(const OSSL_DISPATCH* fns)
    {
        std::vector<OSSL_DISPATCH> kept;
        for (; fns->function_id != 0; ++fns) {
            const int id = fns->function_id;
            if (what_ == restriction::no_rsa_sign_verify) {
                // Minus EVP_PKEY_sign/verify's functions (EVP_DigestSign's stay).
                switch (id) {
                case OSSL_FUNC_SIGNATURE_SIGN_INIT:
                case OSSL_FUNC_SIGNATURE_SIGN:
                case OSSL_FUNC_SIGNATURE_VERIFY_INIT:
                case OSSL_FUNC_SIGNATURE_VERIFY:
                case OSSL_FUNC_SIGNATURE_VERIFY_RECOVER_INIT:
                case OSSL_FUNC_SIGNATURE_VERIFY_RECOVER: continue;
                default: kept.push_back(*fns); continue;
                }
            }
            const bool rejecting = what_ == restriction::rejecting_rsa_verify;
            if (id == OSSL_FUNC_SIGNATURE_VERIFY)
                kept.push_back(with(id, rejecting ? &rejecting_verify : &fatal_verify));
            else if (id == OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_FINAL &&
                     what_ != restriction::failing_rsa_digest_update)
                kept.push_back(with(id, rejecting ? &rejecting_verify_final : &fatal_verify_final));
            else if (id == OSSL_FUNC_SIGNATURE_DIGEST_VERIFY_UPDATE &&
                     what_ == restriction::failing_rsa_digest_update)
                kept.push_back(with(id, &fatal_update));
            else
                kept.push_back(*fns);
        }
        kept.push_back(OSSL_DISPATCH{0, nullptr});
        return dispatches_.emplace_back(std::move(kept)).data();
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

    static inline restricted_context* instance_ = nullptr;
    restriction what_;
    OSSL_LIB_CTX* ctx_ = nullptr;
    OSSL_LIB_CTX* previous_ = nullptr;
    OSSL_PROVIDER* inner_ = nullptr;
    OSSL_PROVIDER* outer_ = nullptr;
    bool active_ = false;
    std::map<int, std::vector<OSSL_ALGORITHM>> tables_;
    std::vector<std::vector<OSSL_DISPATCH>> dispatches_;
};

/// Under a SHA-1-refusing library context: signing with `s1` is refused as the policy's doing (not
/// a plain failure) and writes nothing, verifying `sig1` is refused the same way (not a plain
/// mismatch), and OpenSSL's error queue is drained, not left for an unrelated later call.
void check_sha1_refused(const oauth1::rsa_sha1& s1, const std::string& sig1)
{
    std::error_code ec;
    std::string out = "unchanged";
    s1.sign(rfc_base, out, ec);
    CHECK(ec == oauth1::errc::crypto_policy_refused);
    CHECK(out == "unchanged");
    CHECK(ERR_peek_error() == 0);
    CHECK_FALSE(verify(s1, rfc_base, sig1, ec));
    CHECK(ec == oauth1::errc::crypto_policy_refused);
    CHECK(ERR_peek_error() == 0);
}

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
        const restricted_context policy;
        REQUIRE_MESSAGE(policy.active(), "could not set up the SHA-1-refusing OpenSSL context");

        check_sha1_refused(s1, sig1);

        CHECK(sign(any1, rfc_base, ec).empty());
        CHECK(ec == oauth1::errc::crypto_policy_refused);
        try {
            (void)oauth1::sign_base_string(s1, rfc_base);
            FAIL("no exception");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == oauth1::errc::crypto_policy_refused);
            CHECK(std::string(e.what()).find("SHA-1") != std::string::npos);
        }

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

TEST_CASE("prepared RSA contexts do not bypass a thread's own library context")
{
    // Both signers prepare their contexts here, in the global library context.
    const oauth1::rsa_sha1 s1(oauthlib_key());
    const oauth1::rsa_sha256 s256(oauthlib_key());
    const std::string sig1(rfc_signature(oauth1::signature_method::rsa_sha1));
    const std::string sig256(rfc_signature(oauth1::signature_method::rsa_sha256));
    // Made here but first used in the thread's own context below.
    const oauth1::rsa_sha256 fresh(oauthlib_key());
    std::error_code ec;
    CHECK(sign(s1, rfc_base, ec) == sig1);
    CHECK(verify(s1, rfc_base, sig1, ec));
    CHECK(sign(s256, rfc_base, ec) == sig256);
    {
        const restricted_context policy;
        REQUIRE_MESSAGE(policy.active(), "could not set up the SHA-1-refusing OpenSSL context");
        // The SHA-1 contexts prepared before are not used: the thread's context refuses SHA-1.
        check_sha1_refused(s1, sig1);
        CHECK(sign(s256, rfc_base, ec) == sig256);
        CHECK(!ec);
        CHECK(verify(s256, rfc_base, sig256, ec));

        // A signer first used in this context keeps nothing made in it (it is freed below).
        CHECK(sign(fresh, rfc_base, ec) == sig256);
        CHECK(verify(fresh, rfc_base, sig256, ec));
    }
    // Back in the global context: everything signs and verifies, SHA-1 included.
    CHECK(sign(fresh, rfc_base, ec) == sig256);
    CHECK(!ec);
    CHECK(verify(fresh, rfc_base, sig256, ec));
    CHECK(sign(s1, rfc_base, ec) == sig1);
    CHECK(!ec);
    CHECK(verify(s1, rfc_base, sig1, ec));
    CHECK(sign(s256, rfc_base, ec) == sig256);
}

// HMAC-SHA* obeys the providers too (issue 16 §1b): the fast path (OpenSSL's low-level SHA
// functions with a kept key schedule) is taken only where it is equivalent; in a thread's own
// library context, or in FIPS mode, HMAC goes through EVP_Q_mac and the context's policy.
TEST_CASE("HMAC-SHA* does not bypass a thread's own library context")
{
    // Made in the global context: the fast path.
    const oauth1::hmac_sha1 h1("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
    const oauth1::hmac_sha256 h256("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
    // A key longer than SHA-256's block is hashed first (RFC 2104), in whichever context.
    const std::string long_secret(100, 'k');
    const oauth1::hmac_sha256 h256_long(long_secret, "pfkkdhi9sl3r4s00");
    std::error_code ec;
    const std::string sig1 = sign(h1, rfc_base, ec);
    REQUIRE(!ec);
    // The fast path gives what OpenSSL's one-shot HMAC (the provider path) gives.
    const auto one_shot = [](const char* digest, std::string_view key) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        std::size_t n = 0;
        REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
                          reinterpret_cast<const unsigned char*>(rfc_base.data()), rfc_base.size(),
                          mac, sizeof mac, &n) != nullptr);
        unsigned char b64[4 * EVP_MAX_MD_SIZE / 3 + 4];
        const int len = EVP_EncodeBlock(b64, mac, static_cast<int>(n));
        return std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(len));
    };
    CHECK(sig1 == one_shot("SHA1", "kd94hf93k423kf44&pfkkdhi9sl3r4s00"));
    const std::string sig256 = sign(h256, rfc_base, ec);
    CHECK(sig256 == one_shot("SHA256", "kd94hf93k423kf44&pfkkdhi9sl3r4s00"));
    const std::string sig256_long = sign(h256_long, rfc_base, ec);
    REQUIRE(!ec);
    CHECK(sig256_long == one_shot("SHA256", long_secret + "&pfkkdhi9sl3r4s00"));
    {
        const restricted_context policy;
        REQUIRE_MESSAGE(policy.active(), "could not set up the SHA-1-refusing OpenSSL context");
        // Keys scheduled before: the low-level schedule is not used in this thread's context.
        std::string out = "unchanged";
        h1.sign(rfc_base, out, ec);
        CHECK(ec == oauth1::errc::crypto_policy_refused);
        CHECK(out == "unchanged");
        CHECK(ERR_peek_error() == 0);
        CHECK_FALSE(verify(h1, rfc_base, sig1, ec));
        CHECK(ec == oauth1::errc::crypto_policy_refused);
        // SHA-256 is in the context: the same signature, through the provider path.
        CHECK(sign(h256, rfc_base, ec) == sig256);
        CHECK(!ec);
        CHECK(verify(h256, rfc_base, sig256, ec));
        // Keys scheduled in this context.
        const oauth1::hmac_sha1 fresh1("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        CHECK(sign(fresh1, rfc_base, ec).empty());
        CHECK(ec == oauth1::errc::crypto_policy_refused);
        const oauth1::hmac_sha256 fresh256_long(long_secret, "pfkkdhi9sl3r4s00");
        CHECK(sign(fresh256_long, rfc_base, ec) == sig256_long);
        CHECK(!ec);
        // The machinery's own view: no low-level path in this context.
        const oauth1::detail::hmac_key<oauth1::detail::sha256_digest> k("key");
        CHECK_FALSE(k.lowlevel());
        unsigned char d[oauth1::detail::sha1_digest::size];
        CHECK_FALSE(oauth1::detail::digest<oauth1::detail::sha1_digest>("abc", d));
        ERR_clear_error();
    }
    // Back in the global context: the fast path, SHA-1 included.
    const oauth1::detail::hmac_key<oauth1::detail::sha1_digest> k("key");
    CHECK(k.lowlevel());
    CHECK(sign(h1, rfc_base, ec) == sig1);
    CHECK(!ec);
    CHECK(sign(h256_long, rfc_base, ec) == sig256_long);
}

namespace {

/// This thread's default library context is a new one with the default provider (and the FIPS
/// provider where it is installed) and "fips=yes" default properties, while it lives.
class fips_properties_context {
public:
    fips_properties_context()
    {
        ctx_ = OSSL_LIB_CTX_new();
        if (ctx_ == nullptr) return;
        base_ = OSSL_PROVIDER_load(ctx_, "default");
        fips_ = OSSL_PROVIDER_try_load(ctx_, "fips", 1);
        ERR_clear_error();
        if (base_ == nullptr || EVP_default_properties_enable_fips(ctx_, 1) != 1) return;
        previous_ = OSSL_LIB_CTX_set0_default(ctx_);
        active_ = previous_ != nullptr;
    }
    fips_properties_context(const fips_properties_context&) = delete;
    fips_properties_context& operator=(const fips_properties_context&) = delete;
    ~fips_properties_context()
    {
        if (active_) OSSL_LIB_CTX_set0_default(previous_);
        if (fips_ != nullptr) OSSL_PROVIDER_unload(fips_);
        if (base_ != nullptr) OSSL_PROVIDER_unload(base_);
        if (ctx_ != nullptr) OSSL_LIB_CTX_free(ctx_);
        ERR_clear_error();
    }
    bool active() const noexcept { return active_; }
    bool fips_provider() const noexcept { return fips_ != nullptr; }

private:
    OSSL_LIB_CTX* ctx_ = nullptr;
    OSSL_PROVIDER* base_ = nullptr;
    OSSL_PROVIDER* fips_ = nullptr;
    OSSL_LIB_CTX* previous_ = nullptr;
    bool active_ = false;
};

} // namespace

TEST_CASE("HMAC-SHA* under fips=yes default properties uses the FIPS provider or fails clearly")
{
    const oauth1::hmac_sha256 before("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
    std::error_code ec;
    const std::string expected = sign(before, rfc_base, ec);
    REQUIRE(!ec);
    SUBCASE("a thread's own library context with fips=yes")
    {
        const fips_properties_context fips;
        REQUIRE_MESSAGE(fips.active(), "could not set up the fips=yes OpenSSL context");
        const oauth1::hmac_sha256 inside("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        for (const auto* s : {&before, &inside}) {
            const std::string got = sign(*s, rfc_base, ec);
            if (fips.fips_provider()) {
                CHECK(got == expected); // computed by the FIPS provider
                CHECK(!ec);
            } else {
                // Debian ships no FIPS provider: refused, never a silent non-FIPS signature.
                CHECK(got.empty());
                CHECK(ec == oauth1::errc::crypto_policy_refused);
            }
        }
    }
    SUBCASE("the global library context in FIPS mode")
    {
        REQUIRE(EVP_default_properties_enable_fips(nullptr, 1) == 1);
        const bool fips_available = OSSL_PROVIDER_available(nullptr, "fips") == 1;
        const oauth1::hmac_sha256 inside("kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        const oauth1::detail::hmac_key<oauth1::detail::sha256_digest> k("key");
        CHECK_FALSE(k.lowlevel());
        const std::string got = sign(inside, rfc_base, ec);
        unsigned char d[oauth1::detail::sha256_digest::size];
        const bool digested = oauth1::detail::digest<oauth1::detail::sha256_digest>("abc", d);
        ERR_clear_error();
        REQUIRE(EVP_default_properties_enable_fips(nullptr, 0) == 1);
        if (fips_available) {
            CHECK(got == expected);
            CHECK(digested);
        } else {
            CHECK(got.empty());
            CHECK(ec == oauth1::errc::crypto_policy_refused);
            CHECK_FALSE(digested); // oauth_body_hash would be refused as well
        }
        CHECK(sign(inside, rfc_base, ec) == expected); // FIPS mode off: a key scheduled in it
        CHECK(!ec);                                   // still signs, through the providers
    }
}

TEST_CASE("keys that a provider signs only through EVP_DigestSign still sign and verify")
{
    const oauth1::rsa_sha1 s1(oauthlib_key());
    const oauth1::rsa_sha256 s256(oauthlib_key());
    const std::string sig1(rfc_signature(oauth1::signature_method::rsa_sha1));
    const std::string sig256(rfc_signature(oauth1::signature_method::rsa_sha256));
    std::error_code ec;
    CHECK(sign(s256, rfc_base, ec) == sig256); // prepared in the global context
    {
        const restricted_context provider(restricted_context::restriction::no_rsa_sign_verify);
        REQUIRE_MESSAGE(provider.active(), "could not set up the restricted OpenSSL context");
        // Control: here no context can be prepared for EVP_PKEY_sign / EVP_PKEY_verify.
        const oauth1::detail::evp_pkey_ctx_ptr pctx(
            EVP_PKEY_CTX_new_from_pkey(nullptr, oauthlib_key().native_handle(), nullptr));
        REQUIRE(pctx);
        CHECK(EVP_PKEY_sign_init(pctx.get()) != 1);
        CHECK(EVP_PKEY_verify_init(pctx.get()) != 1);
        ERR_clear_error();

        // The one-shot EVP_DigestSign path takes over, with the same bytes and no error left.
        CHECK(sign(s1, rfc_base, ec) == sig1);
        CHECK(!ec);
        CHECK(sign(s256, rfc_base, ec) == sig256);
        CHECK(!ec);
        CHECK(verify(s1, rfc_base, sig1, ec));
        CHECK(!ec);
        CHECK(verify(s256, rfc_base, sig256, ec));
        CHECK(!ec);
        CHECK_FALSE(verify(s256, std::string(rfc_base) + "x", sig256, ec));
        CHECK(!ec);
        CHECK(ERR_peek_error() == 0);
    }
    CHECK(sign(s1, rfc_base, ec) == sig1);
    CHECK(verify(s256, rfc_base, sig256, ec));
}

// ---------------------------------------------------------------------------------------------
// RSA verification: "does not verify" (false, no error) told apart from "OpenSSL could not run
// the verification" (false and errc::crypto_failure), issue 11 item 12.

TEST_CASE("an OpenSSL failure inside RSA verification sets errc::crypto_failure")
{
    const oauth1::public_key pub = oauthlib_key().public_part();
    const std::string sig1(rfc_signature(oauth1::signature_method::rsa_sha1));
    const std::string sig256(rfc_signature(oauth1::signature_method::rsa_sha256));
    std::string bad = sig256;
    bad[7] = bad[7] == 'A' ? 'B' : 'A';
    // Prepared in the global context first: the failing context must not be bypassed.
    const oauth1::rsa_sha1 s1(oauthlib_key());
    const oauth1::rsa_sha256 v256(pub);
    std::error_code ec;
    CHECK(verify(s1, rfc_base, sig1, ec));
    CHECK(verify(v256, rfc_base, sig256, ec));

    for (const auto what : {restricted_context::restriction::failing_rsa_verify,
                            restricted_context::restriction::failing_rsa_digest_update}) {
        CAPTURE(static_cast<int>(what));
        const restricted_context broken(what);
        REQUIRE_MESSAGE(broken.active(), "could not set up the failing OpenSSL context");
        {
            // Control: OpenSSL itself cannot verify the valid signature here.
            std::string raw;
            REQUIRE(oauth1::detail::base64_decode_append(sig256, raw));
            const oauth1::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
            REQUIRE(EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr,
                                            pub.native_handle(), nullptr) == 1);
            CHECK(EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(raw.data()),
                                   raw.size(),
                                   reinterpret_cast<const unsigned char*>(rfc_base.data()),
                                   rfc_base.size()) != 1);
            ERR_clear_error();
        }
        const oauth1::rsa_sha256 fresh(pub);
        const oauth1::any_signer any = oauth1::rsa_sha512(oauthlib_key());
        const std::string* const sigs[] = {&sig256, &bad};
        for (const std::string* sig : sigs) {
            CHECK_FALSE(verify(v256, rfc_base, *sig, ec));
            CHECK(ec == oauth1::errc::crypto_failure);
            CHECK(ERR_peek_error() == 0);
            CHECK_FALSE(verify(fresh, rfc_base, *sig, ec));
            CHECK(ec == oauth1::errc::crypto_failure);
            CHECK(ERR_peek_error() == 0);
        }
        CHECK_FALSE(verify(s1, rfc_base, sig1, ec));
        CHECK(ec == oauth1::errc::crypto_failure);
        CHECK_FALSE(verify(any, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha512), ec));
        CHECK(ec == oauth1::errc::crypto_failure);
        CHECK(ERR_peek_error() == 0);
        // Signing does not use the broken functions.
        CHECK(sign(s1, rfc_base, ec) == sig1);
        CHECK(!ec);
    }
    // Back in the global context the same verifiers work (nothing failed was kept).
    CHECK(verify(s1, rfc_base, sig1, ec));
    CHECK(!ec);
    CHECK(verify(v256, rfc_base, sig256, ec));
    CHECK(!ec);
    CHECK_FALSE(verify(v256, rfc_base, bad, ec));
    CHECK(!ec);
}

TEST_CASE("an RSA implementation that rejects a signature is a mismatch, not a failure")
{
    const oauth1::rsa_sha256 v(oauthlib_key().public_part());
    const std::string sig256(rfc_signature(oauth1::signature_method::rsa_sha256));
    const restricted_context rejecting(restricted_context::restriction::rejecting_rsa_verify);
    REQUIRE_MESSAGE(rejecting.active(), "could not set up the rejecting OpenSSL context");
    std::error_code ec;
    CHECK_FALSE(verify(v, rfc_base, sig256, ec));
    CHECK(!ec);
    CHECK(ERR_peek_error() == 0);
}

namespace {

struct bn_free {
    void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;

bn_ptr modulus_of(const oauth1::public_key& key)
{
    BIGNUM* raw = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key.native_handle(), OSSL_PKEY_PARAM_RSA_N, &raw) == 1);
    return bn_ptr{raw};
}

std::string base64_of(const std::vector<unsigned char>& bytes)
{
    std::string out;
    oauth1::detail::base64_append(bytes.data(), bytes.size(), out);
    return out;
}

} // namespace

TEST_CASE("wrong RSA signatures of every shape give false without an error")
{
    for (const char* file : {"bench_rsa1024.pem", "bench_rsa2048.pem"}) {
        CAPTURE(file);
        const oauth1::private_key key = oauth1::load_private_key_file(keys_dir + file);
        const oauth1::rsa_sha256 s(key);
        const oauth1::rsa_sha256 v(key.public_part());
        const std::size_t k = static_cast<std::size_t>(key.bits() / 8);
        const std::string good = sign_ok(s, rfc_base);
        std::vector<unsigned char> n(k);
        REQUIRE(BN_bn2binpad(modulus_of(key.public_part()).get(), n.data(), static_cast<int>(k)) ==
                static_cast<int>(k));
        std::vector<unsigned char> n_plus(n);
        n_plus[k - 1] = static_cast<unsigned char>(n_plus[k - 1] + 1); // n+1 (n is odd)

        const std::vector<std::string> wrong = {
            base64_of(std::vector<unsigned char>(1, 0x01)),
            base64_of(std::vector<unsigned char>(k - 1, 0x5a)),
            base64_of(std::vector<unsigned char>(k + 1, 0x5a)),
            base64_of(std::vector<unsigned char>(k, 0x00)),
            base64_of(std::vector<unsigned char>(k, 0xff)), // larger than the modulus
            base64_of(n),                                   // equal to the modulus
            base64_of(n_plus),
            base64_of(std::vector<unsigned char>(k, 0x01)),
            sign_ok(oauth1::rsa_sha1(key), rfc_base),                         // another digest
            sign_ok(s, std::string(rfc_base) + "x"),                          // another base string
            std::string(rfc_signature(oauth1::signature_method::rsa_sha256)), // another key
        };
        for (std::size_t i = 0; i < wrong.size(); ++i) {
            CAPTURE(i);
            std::error_code ec;
            CHECK_FALSE(verify(v, rfc_base, wrong[i], ec));
            CHECK_MESSAGE(!ec, ec.message());
            CHECK_FALSE(verify(s, rfc_base, wrong[i], ec));
            CHECK_MESSAGE(!ec, ec.message());
            CHECK(ERR_peek_error() == 0);
        }
        std::error_code ec;
        CHECK(verify(v, rfc_base, good, ec));
        CHECK(!ec);
    }
}

// ---------------------------------------------------------------------------------------------
// The RSA key policy in the signers (issue 11 item 8): a key with e = 1 makes every signature
// forgeable - OpenSSL itself accepts the forgery - and a signer built from it must refuse.

namespace {

using oauth1_test::rsa_public_from; // support/rsa_public_from.hpp

// The RSA-SHA1 "signature" that verifies under any modulus when e = 1: the PKCS#1 v1.5 encoded
// message itself, 00 01 FF..FF 00 DigestInfo(SHA-1, H(base)) (RFC 3447 §9.2), k bytes long.
std::string forged_rsa_sha1(std::string_view base, std::size_t k)
{
    static constexpr unsigned char sha1_digest_info[] = {
        0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
    unsigned char hash[20];
    REQUIRE(oauth1::detail::digest<oauth1::detail::sha1_digest>(base, hash));
    std::vector<unsigned char> em(k, 0xff);
    em[0] = 0x00;
    em[1] = 0x01;
    const std::size_t t = sizeof sha1_digest_info + sizeof hash;
    em[k - t - 1] = 0x00;
    std::memcpy(em.data() + (k - t), sha1_digest_info, sizeof sha1_digest_info);
    std::memcpy(em.data() + (k - sizeof hash), hash, sizeof hash);
    return base64_of(em);
}

} // namespace

TEST_CASE("an RSA verifier built from a key with e = 1 refuses instead of accepting forgeries")
{
    const oauth1::public_key real = oauthlib_key().public_part();
    const bn_ptr n = modulus_of(real);
    bn_ptr one{BN_new()};
    REQUIRE(BN_set_word(one.get(), 1) == 1);
    const oauth1::public_key e1 = rsa_public_from(n.get(), one.get());
    const std::string forged = forged_rsa_sha1(rfc_base, static_cast<std::size_t>(real.bits() / 8));

    // Control: OpenSSL verifies the forgery under e = 1 (and not under the real key).
    auto openssl_verifies = [&](const oauth1::public_key& k) {
        std::string raw;
        REQUIRE(oauth1::detail::base64_decode_append(forged, raw));
        const oauth1::detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
        REQUIRE(EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA1", nullptr, nullptr,
                                        k.native_handle(), nullptr) == 1);
        const int r = EVP_DigestVerify(
            ctx.get(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
            reinterpret_cast<const unsigned char*>(rfc_base.data()), rfc_base.size());
        ERR_clear_error();
        return r == 1;
    };
    CHECK(openssl_verifies(e1));
    CHECK_FALSE(openssl_verifies(real));

    std::error_code ec;
    const oauth1::rsa_sha1 v(e1);
    CHECK_FALSE(v.key_within_policy());
    CHECK_FALSE(verify(v, rfc_base, forged, ec));
    CHECK(ec == oauth1::errc::key_policy_violation);
    CHECK(ERR_peek_error() == 0);
    CHECK(oauth1::rsa_key_policy_violation(v.verification_key()) ==
          "RSA public exponent is below the policy minimum of 3");

    // Through any_signer::make, as a provider builds its verifiers.
    CHECK_FALSE(oauth1::any_signer::make(oauth1::signature_method::rsa_sha1, "cs", "ts", e1, ec));
    CHECK(ec == oauth1::errc::key_policy_violation);
    try {
        (void)oauth1::any_signer::make(oauth1::signature_method::rsa_sha256, "cs", "ts", e1);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::key_policy_violation);
        CHECK(std::string(e.what()).find(
                  "RSA-SHA256: RSA public exponent is below the policy minimum of 3") == 0);
    }
    // The real key verifies as before.
    const oauth1::rsa_sha1 good(real);
    CHECK(good.key_within_policy());
    CHECK(verify(good, rfc_base, rfc_signature(oauth1::signature_method::rsa_sha1), ec));
    CHECK(!ec);
    CHECK_FALSE(verify(good, rfc_base, forged, ec));
    CHECK(!ec);
}

TEST_CASE("RSA signers check their key against the policy they are given")
{
    // The policy's own loaders would refuse this 512-bit key; a key made by other means (here a
    // looser policy) reaches the signer, which checks again.
    oauth1::rsa_key_policy legacy;
    legacy.min_modulus_bits = 512;
    const oauth1::private_key weak =
        oauth1::load_private_key_file(keys_dir + "weak_rsa512.pem", {}, legacy);
    REQUIRE(weak.bits() == 512);
    std::error_code ec;

    const oauth1::rsa_sha256 strict(weak);
    CHECK_FALSE(strict.key_within_policy());
    std::string out = "unchanged";
    strict.sign(rfc_base, out, ec);
    CHECK(ec == oauth1::errc::key_policy_violation);
    CHECK(out == "unchanged");
    const std::string sig = reference_rsa_sign(weak, "SHA256", rfc_base);
    REQUIRE(!sig.empty());
    CHECK_FALSE(verify(strict, rfc_base, sig, ec));
    CHECK(ec == oauth1::errc::key_policy_violation);
    CHECK_FALSE(verify(oauth1::rsa_sha256(weak.public_part()), rfc_base, sig, ec));
    CHECK(ec == oauth1::errc::key_policy_violation);
    CHECK_FALSE(oauth1::any_signer::make(oauth1::signature_method::rsa_sha256, "cs", weak, ec));
    CHECK(ec == oauth1::errc::key_policy_violation);
    CHECK_THROWS_AS(oauth1::any_signer::make(oauth1::signature_method::rsa_sha1, "cs", weak),
                    oauth1::error);

    const oauth1::rsa_sha256 loose(weak, legacy);
    CHECK(loose.key_within_policy());
    CHECK(sign_ok(loose, rfc_base) == sig);
    CHECK(verify(oauth1::rsa_sha256(weak.public_part(), legacy), rfc_base, sig, ec));
    CHECK(!ec);
    auto any = oauth1::any_signer::make(oauth1::signature_method::rsa_sha256, {}, {},
                                        weak.public_part(), legacy, ec);
    REQUIRE(any.has_value());
    CHECK(verify(*any, rfc_base, sig, ec));
    // Copies keep the verdict.
    const oauth1::rsa_sha256 copy = strict; // NOLINT(performance-unnecessary-copy-initialization)
    CHECK_FALSE(copy.key_within_policy());
    CHECK(ERR_peek_error() == 0);
}

// ---------------------------------------------------------------------------------------------
// any_signer::make from all of a request's credentials: what a provider needs to build the
// verifier of any of the six HMAC/RSA methods (and PLAINTEXT) from the consumer's public key.

TEST_CASE("any_signer::make builds every verifier from secrets and a public key")
{
    const oauth1::public_key pub = oauth1::load_public_key_file(keys_dir + "oauthlib_pub.pem");
    for (const auto m : all_methods) {
        CAPTURE(oauth1::to_string(m));
        std::error_code ec;
        std::optional<oauth1::any_signer> v =
            oauth1::any_signer::make(m, rfc_client_secret, rfc_token_secret, pub, ec);
        REQUIRE(v.has_value());
        CHECK(!ec);
        CHECK(v->method() == m);
        CHECK(verify(*v, rfc_base, rfc_signature(m), ec));
        CHECK(!ec);
        if (m != oauth1::signature_method::plaintext) // PLAINTEXT does not sign the base string
            CHECK_FALSE(verify(*v, std::string(rfc_base) + "x", rfc_signature(m), ec));
        CHECK_FALSE(verify(*v, rfc_base, "x" + std::string(rfc_signature(m)), ec));
        std::string out;
        v->sign(rfc_base, out, ec);
        if (oauth1::is_rsa(m)) {
            CHECK(ec == oauth1::errc::key_required); // a public key only verifies
        } else {
            CHECK(out == rfc_signature(m));
        }

        // The same from the private key (signs too), and the throwing forms.
        auto s =
            oauth1::any_signer::make(m, rfc_client_secret, rfc_token_secret, oauthlib_key(), ec);
        REQUIRE(s.has_value());
        CHECK(sign_ok(*s, rfc_base) == rfc_signature(m));
        const oauth1::any_signer thrown =
            oauth1::any_signer::make(m, rfc_client_secret, rfc_token_secret, pub);
        CHECK(verify_quiet(thrown, rfc_base, rfc_signature(m)));
        const oauth1::any_signer thrown_private =
            oauth1::any_signer::make(m, rfc_client_secret, rfc_token_secret, oauthlib_key());
        CHECK(sign_ok(thrown_private, rfc_base) == rfc_signature(m));
    }

    // Errors: no key, a key of another type, an unknown method.
    std::error_code ec;
    const oauth1::public_key ec_pub =
        oauth1::load_private_key_file(keys_dir + "ec_p256.pem").public_part();
    for (const auto m : {oauth1::signature_method::rsa_sha1, oauth1::signature_method::rsa_sha256,
                         oauth1::signature_method::rsa_sha512}) {
        CHECK_FALSE(oauth1::any_signer::make(m, "cs", "ts", oauth1::public_key{}, ec));
        CHECK(ec == oauth1::errc::key_required);
        CHECK_FALSE(oauth1::any_signer::make(m, "cs", "ts", ec_pub, ec));
        CHECK(ec == oauth1::errc::key_not_rsa);
        CHECK_THROWS_AS(oauth1::any_signer::make(m, "cs", "ts", oauth1::public_key{}),
                        oauth1::error);
    }
    CHECK_FALSE(
        oauth1::any_signer::make(static_cast<oauth1::signature_method>(99), "cs", "ts", pub, ec));
    CHECK(ec == oauth1::errc::unsupported_signature_method);
    try {
        (void)oauth1::any_signer::make(static_cast<oauth1::signature_method>(99), "cs", "ts", pub);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::unsupported_signature_method);
    }
    // HMAC and PLAINTEXT need no key.
    auto h = oauth1::any_signer::make(oauth1::signature_method::hmac_sha1, "cs", "ts",
                                      oauth1::public_key{}, ec);
    REQUIRE(h.has_value());
    CHECK(sign_ok(*h, "bs") == "VZVjXceV7JgPq/dOTnNmEfO0Fv8=");
}

// ---------------------------------------------------------------------------------------------
// Secret hygiene of the HMAC and PLAINTEXT signers (issue 11 item 11): what a moved-from,
// overwritten or destroyed signer leaves in memory, read from its object bytes and from every
// heap block freed while the secrets are watched.

namespace {

template <class T>
bool object_holds(const T& object, std::string_view needle)
{
    return holds(reinterpret_cast<const unsigned char*>(&object), sizeof object, needle);
}

// What an HMAC-SHA1 key schedule of `key` (at most one block) holds: the SHA-1 chaining values
// after absorbing key XOR ipad and key XOR opad (RFC 2104), or the key itself when the library is
// built without OpenSSL's low-level SHA API.
std::vector<std::string> hmac_sha1_schedule(std::string_view key)
{
    REQUIRE(key.size() <= 64);
#if OAUTH1_DETAIL_LOWLEVEL_SHA
    std::vector<std::string> out;
    const unsigned char pads[] = {0x36, 0x5c};
    for (const unsigned char pad : pads) {
        unsigned char block[64] = {};
        std::memcpy(block, key.data(), key.size());
        for (unsigned char& b : block) b = static_cast<unsigned char>(b ^ pad);
        SHA_CTX c;
        OAUTH1_DETAIL_SUPPRESS_DEPRECATED_BEGIN
        SHA1_Init(&c);
        SHA1_Update(&c, block, sizeof block);
        OAUTH1_DETAIL_SUPPRESS_DEPRECATED_END
        // h0..h4, the first five words of SHA_CTX.
        out.emplace_back(reinterpret_cast<const char*>(&c), 5 * sizeof(SHA_LONG));
    }
    return out;
#else
    return {std::string(key)};
#endif
}

// Secrets short enough for std::string's inline buffer (15 characters in libstdc++): a moved
// std::string leaves all but the first of them behind in the source object.
constexpr std::string_view short_cs = "SECRETabcdefg";
constexpr std::string_view short_ts = "TOKENxyz";
constexpr std::string_view short_cs_tail = "ECRETabcdefg";

// Secrets on the heap, watched while freed.
constexpr std::string_view long_a =
    "hygiene-secret-A-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ";
constexpr std::string_view long_b = "hygiene-secret-B-0123456789abcdefghij";
constexpr std::string_view long_t = "hygiene-token-T-0123456789abcdefghij";

class watch_frees {
public:
    explicit watch_frees(std::initializer_list<std::string_view> secrets)
    {
        REQUIRE(secrets.size() <= max_watched);
        std::size_t i = 0;
        for (const std::string_view secret : secrets) watched[i++] = secret;
        unwiped_frees.store(0);
        watched_count.store(i, std::memory_order_release);
    }
    watch_frees(const watch_frees&) = delete;
    watch_frees& operator=(const watch_frees&) = delete;
    ~watch_frees() { watched_count.store(0, std::memory_order_release); }
};

} // namespace

TEST_CASE("the free scan sees a block freed with a secret in it (control)")
{
    std::vector<std::string> kept;
    {
        const watch_frees watch{long_a};
        kept.emplace_back(long_a);
        CHECK(kept.back().size() == long_a.size());
        kept.clear();
        kept.shrink_to_fit();
    }
    CHECK(unwiped_frees.load() >= 1);
}

TEST_CASE("a moved-from HMAC signer keeps neither the secret nor the key schedule")
{
    const std::vector<std::string> schedule =
        hmac_sha1_schedule(std::string(short_cs) + "&" + std::string(short_ts));
    oauth1::hmac_sha1 a(short_cs, short_ts);
    for (const std::string& part : schedule) CHECK(object_holds(a, part)); // control
    const std::string sig = sign_ok(a, "bs");
    CHECK(sig == sign_ok(oauth1::hmac_sha1("SECRETabcdefg", "TOKENxyz"), "bs"));

    oauth1::hmac_sha1 b(std::move(a));
    CHECK(sign_ok(b, "bs") == sig);
    for (const std::string& part : schedule) {
        CHECK_FALSE(object_holds(a, part)); // NOLINT(bugprone-use-after-move)
        CHECK(object_holds(b, part));
    }
    CHECK_FALSE(object_holds(a, short_cs_tail));

    // The moved-from signer fails closed: no signing, and no signature verifies - in particular
    // not one made with empty secrets.
    std::error_code ec;
    std::string out;
    a.sign("bs", out, ec);
    CHECK(ec == oauth1::errc::key_required);
    CHECK(out.empty());
    CHECK_FALSE(a.verify("bs", sig, ec));
    CHECK(ec == oauth1::errc::key_required);
    CHECK_FALSE(a.verify("bs", sign_ok(oauth1::hmac_sha1(""), "bs"), ec));
    CHECK(ec == oauth1::errc::key_required);
    a.set_token_secret("ts");
    a.sign("bs", out, ec);
    CHECK(ec == oauth1::errc::key_required);
    // Assigning a signer makes it usable again.
    a = b;
    CHECK(sign_ok(a, "bs") == sig);

    // Move assignment: the source is emptied, the target's old schedule overwritten.
    oauth1::hmac_sha1 c("other secret", "other token");
    c = std::move(b);
    CHECK(sign_ok(c, "bs") == sig);
    for (const std::string& part : schedule)
        CHECK_FALSE(object_holds(b, part)); // NOLINT(bugprone-use-after-move)
    CHECK_FALSE(object_holds(b, short_cs_tail));
    b.sign("bs", out, ec);
    CHECK(ec == oauth1::errc::key_required);

    // Through any_signer (std::variant moves the alternative).
    oauth1::any_signer any = oauth1::hmac_sha1(short_cs, short_ts);
    oauth1::any_signer moved = std::move(any);
    CHECK(sign_ok(moved, "bs") == sig);
    for (const std::string& part : schedule)
        CHECK_FALSE(object_holds(any, part)); // NOLINT(bugprone-use-after-move)
}

TEST_CASE("a moved-from PLAINTEXT signer keeps no secret")
{
    oauth1::plaintext p(short_cs, short_ts);
    CHECK(sign_ok(p, "") == "SECRETabcdefg&TOKENxyz");
    oauth1::plaintext q(std::move(p));
    CHECK(sign_ok(q, "") == "SECRETabcdefg&TOKENxyz");
    CHECK_FALSE(object_holds(p, short_cs_tail)); // NOLINT(bugprone-use-after-move)
    std::error_code ec;
    std::string out;
    p.sign("", out, ec);
    CHECK(ec == oauth1::errc::key_required);
    CHECK(out.empty());
    CHECK_FALSE(p.verify("", "&", ec)); // not "PLAINTEXT with empty secrets"
    CHECK(ec == oauth1::errc::key_required);
    p.set_token_secret("ts");
    CHECK_FALSE(p.verify("", "&ts", ec));
    CHECK(ec == oauth1::errc::key_required);

    oauth1::plaintext r("x");
    r = std::move(q);
    CHECK(sign_ok(r, "") == "SECRETabcdefg&TOKENxyz");
    CHECK_FALSE(object_holds(q, short_cs_tail)); // NOLINT(bugprone-use-after-move)
    p = r;
    CHECK(sign_ok(p, "") == "SECRETabcdefg&TOKENxyz");
}

TEST_CASE("a destroyed HMAC signer leaves no key schedule behind")
{
    const std::vector<std::string> schedule =
        hmac_sha1_schedule(std::string(short_cs) + "&" + std::string(short_ts));
    alignas(oauth1::hmac_sha1) unsigned char storage[sizeof(oauth1::hmac_sha1)];
    auto* s = new (storage) oauth1::hmac_sha1(short_cs, short_ts);
    CHECK(!sign_ok(*s, "bs").empty());
    for (const std::string& part : schedule) CHECK(holds(storage, sizeof storage, part));
    s->~hmac_signer();
    for (const std::string& part : schedule) CHECK_FALSE(holds(storage, sizeof storage, part));
    CHECK_FALSE(holds(storage, sizeof storage, short_cs_tail));
}

TEST_CASE("no HMAC or PLAINTEXT secret is freed unwiped: copy, move, assignment, rekeying")
{
    const std::string expected_d = sign_ok(oauth1::hmac_sha1(long_a, long_b), "bs");
    const std::string expected_any = sign_ok(oauth1::hmac_sha1(long_b), "bs");
    std::string got_d;
    std::string got_any;
    std::string got_r;
    {
        const watch_frees watch{long_a, long_b, long_t};
        oauth1::hmac_sha1 a(long_a, long_t);
        oauth1::hmac_sha1 b(long_b);
        b = a; // copy assignment over a shorter secret: the old block is replaced
        oauth1::hmac_sha1 c(long_b);
        c = std::move(a); // move assignment over a secret
        oauth1::hmac_sha1 d(std::move(c));
        d.set_token_secret(long_b); // rekeying
        std::error_code ec;
        d.sign("bs", got_d, ec);

        oauth1::plaintext p(long_a, long_t);
        oauth1::plaintext q(long_b);
        q = p;
        oauth1::plaintext r(long_b, long_t);
        r = std::move(p);
        r.set_token_secret(long_b);
        r.sign("", got_r, ec);
        const oauth1::hmac_sha256 h256(long_a, long_t);
        const oauth1::hmac_sha512 h512(long_b, long_t);
        oauth1::any_signer any = oauth1::hmac_sha512(long_a, long_t);
        any = oauth1::hmac_sha1(long_b);
        any.sign("bs", got_any, ec);
    }
    CHECK(unwiped_frees.load() == 0);
    CHECK(got_d == expected_d);
    CHECK(got_any == expected_any);
    CHECK(got_r == std::string(long_a) + "&" + std::string(long_b));
}

TEST_CASE("HMAC and PLAINTEXT signing and verifying allocate nothing")
{
    const oauth1::hmac_sha1 h1(rfc_client_secret, rfc_token_secret);
    const oauth1::hmac_sha256 h256(rfc_client_secret, rfc_token_secret);
    const oauth1::hmac_sha512 h512(rfc_client_secret, rfc_token_secret);
    const oauth1::plaintext pt(rfc_client_secret, rfc_token_secret);
    const oauth1::any_signer any = oauth1::hmac_sha256(rfc_client_secret, rfc_token_secret);
    const std::string_view sig1 = rfc_signature(oauth1::signature_method::hmac_sha1);
    const std::string_view sig256 = rfc_signature(oauth1::signature_method::hmac_sha256);
    const std::string_view sig512 = rfc_signature(oauth1::signature_method::hmac_sha512);
    const std::string_view sigpt = rfc_signature(oauth1::signature_method::plaintext);
    std::string out;
    out.reserve(256);
    std::error_code ec;

    // Control: the counter sees an allocation.
    std::vector<std::string> kept;
    allocations.store(0);
    counting.store(true);
    kept.emplace_back(100, 'x');
    counting.store(false);
    CHECK(kept.back().size() == 100);
    CHECK(allocations.load() >= 1);

    bool ok = true;
    allocations.store(0);
    counting.store(true);
    for (int i = 0; i < 200; ++i) {
        out.clear();
        h1.sign(rfc_base, out, ec);
        ok = ok && !ec && out == sig1 && h1.verify(rfc_base, sig1, ec) && !ec;
        out.clear();
        h256.sign(rfc_base, out, ec);
        ok = ok && !ec && out == sig256 && h256.verify(rfc_base, sig256, ec) && !ec;
        out.clear();
        h512.sign(rfc_base, out, ec);
        ok = ok && !ec && out == sig512 && h512.verify(rfc_base, sig512, ec) && !ec;
        ok = ok && !h512.verify(rfc_base, sig1, ec) && !ec;
        out.clear();
        pt.sign(rfc_base, out, ec);
        ok = ok && !ec && out == sigpt && pt.verify(rfc_base, sigpt, ec) && !ec;
        out.clear();
        any.sign(rfc_base, out, ec);
        ok = ok && !ec && out == sig256 && any.verify(rfc_base, sig256, ec) && !ec;
    }
    counting.store(false);
    CHECK(ok);
    CHECK(allocations.load() == 0);
}
