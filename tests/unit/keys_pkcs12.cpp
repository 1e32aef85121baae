// Unit tests for the PKCS#12 loaders of oauth1/keys.hpp (load_pkcs12, load_private_key_pkcs12,
// their file forms, and load_private_key's detection of a container): modern (AES-256/PBKDF2),
// legacy (RC2-40 + 3DES, OpenSSL's legacy provider loaded for the call only), friendly names,
// a multi-key container built here with the OpenSSL C API, and the errors.
//
// CTest runs this binary twice: normally, and as unit_keys_pkcs12_no_legacy with OPENSSL_MODULES
// pointing to an empty directory and OAUTH1_TEST_NO_LEGACY=1, where the legacy container must
// fail with errc::pkcs12_legacy_unavailable and a message saying how to convert it.
#include <oauth1/keys.hpp>

#include <doctest/doctest.h>

#include <oauth1/error.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

using oauth1::errc;

constexpr const char* password = "oauth1-test";

std::string key_path(const std::string& name)
{
    return std::string(OAUTH1_TEST_DATA_DIR) + "/keys/" + name;
}

std::string read_key_file(const std::string& name)
{
    std::ifstream in(key_path(name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing test data file " << name);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool same_key(const oauth1::private_key& a, const oauth1::private_key& b)
{
    return a && b && EVP_PKEY_eq(a.native_handle(), b.native_handle()) == 1;
}

const oauth1::private_key& wiki_key()
{
    static const oauth1::private_key key = oauth1::load_private_key_file(key_path("wiki_key.pem"));
    return key;
}

/// The message of the oauth1::error `f` throws, checking its code.
template <class F>
std::string thrown_message(F&& f, errc expected)
{
    try {
        f();
    } catch (const oauth1::error& e) {
        CHECK(e.code() == expected);
        return e.what();
    }
    FAIL("no oauth1::error thrown");
    return {};
}

/// Whether OpenSSL's legacy provider can be loaded here (in a throwaway library context).
bool legacy_provider_loadable()
{
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    OSSL_PROVIDER* p = ctx != nullptr ? OSSL_PROVIDER_load(ctx, "legacy") : nullptr;
    const bool ok = p != nullptr;
    if (p != nullptr) OSSL_PROVIDER_unload(p);
    OSSL_LIB_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

bool rc2_fetchable_by_default()
{
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "RC2-40-CBC", nullptr);
    EVP_CIPHER_free(c);
    ERR_clear_error();
    return c != nullptr;
}

bool no_legacy_run()
{
    const char* v = std::getenv("OAUTH1_TEST_NO_LEGACY");
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

/// A container with two private keys named "first" and "second" (and no certificate), as no
/// `openssl pkcs12` command makes one: shrouded key bags (AES-256-CBC), SHA-1 MAC.
std::string two_key_container(const oauth1::private_key& k1, const oauth1::private_key& k2)
{
    STACK_OF(PKCS12_SAFEBAG)* bags = nullptr;
    for (const auto& [key, name] : {std::pair{&k1, "first"}, std::pair{&k2, "second"}}) {
        PKCS12_SAFEBAG* bag =
            PKCS12_add_key(&bags, key->native_handle(), 0, 2048, NID_aes_256_cbc, password);
        REQUIRE(bag != nullptr);
        REQUIRE(PKCS12_add_friendlyname_asc(bag, name, -1) == 1);
    }
    STACK_OF(PKCS7)* safes = nullptr;
    REQUIRE(PKCS12_add_safe(&safes, bags, -1, 0, password) == 1);
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    PKCS12* p12 = PKCS12_add_safes(safes, 0);
    sk_PKCS7_pop_free(safes, PKCS7_free);
    REQUIRE(p12 != nullptr);
    REQUIRE(PKCS12_set_mac(p12, password, -1, nullptr, 0, 2048, nullptr) == 1);
    unsigned char* der = nullptr;
    const int len = i2d_PKCS12(p12, &der);
    PKCS12_free(p12);
    REQUIRE(len > 0);
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

/// Sets an environment variable for the scope, restoring the old value.
class scoped_env {
public:
    scoped_env(const char* name, const std::string& value) : name_(name)
    {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~scoped_env()
    {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

} // namespace

TEST_SUITE("keys_pkcs12")
{
    TEST_CASE("a modern container (AES-256, PBKDF2): key, certificate, certificate key")
    {
        const oauth1::pkcs12_entry e = oauth1::load_pkcs12_file(key_path("wiki_modern.p12"), password);
        CHECK(same_key(e.key, wiki_key()));
        CHECK(e.key.is_rsa());
        REQUIRE(e.has_certificate());
        CHECK(e.certificate_der == std::vector<unsigned char>(
                                       [] {
                                           const std::string d = read_key_file("wiki_cert.der");
                                           return std::vector<unsigned char>(d.begin(), d.end());
                                       }()));
        REQUIRE(e.certificate_key);
        CHECK(EVP_PKEY_eq(e.certificate_key.native_handle(), wiki_key().native_handle()) == 1);
        CHECK(e.alias.empty());

        // The same from memory, and only the key.
        const std::string bytes = read_key_file("wiki_modern.p12");
        std::error_code ec;
        CHECK(same_key(oauth1::load_pkcs12(bytes, password, ec).key, wiki_key()));
        CHECK(!ec);
        CHECK(same_key(oauth1::load_private_key_pkcs12(bytes, password), wiki_key()));
        CHECK(same_key(oauth1::load_private_key_pkcs12(bytes, password, {}, ec), wiki_key()));
        CHECK(!ec);
        CHECK(same_key(oauth1::load_private_key_pkcs12_file(key_path("wiki_modern.p12"), password),
                       wiki_key()));
    }

    TEST_CASE("load_private_key detects a container and uses the passphrase as its password")
    {
        std::error_code ec;
        CHECK(same_key(oauth1::load_private_key(read_key_file("wiki_modern.p12"), password, ec),
                       wiki_key()));
        CHECK(!ec);
        CHECK(same_key(oauth1::load_private_key_file(key_path("wiki_alias.p12"), password),
                       wiki_key()));
        const std::string msg = thrown_message(
            [] { (void)oauth1::load_private_key(read_key_file("wiki_modern.p12")); },
            errc::key_passphrase_required);
        CHECK(msg.find("PKCS#12") != std::string::npos);
        CHECK(msg.find("password") != std::string::npos);
    }

    TEST_CASE("the friendly name is the alias; a wrong alias lists the right ones")
    {
        const oauth1::pkcs12_entry e = oauth1::load_pkcs12_file(key_path("wiki_alias.p12"), password);
        CHECK(e.alias == "oauth1 wiki key");
        CHECK(e.has_certificate());
        CHECK(same_key(
            oauth1::load_pkcs12_file(key_path("wiki_alias.p12"), password, "oauth1 wiki key").key,
            wiki_key()));
        std::error_code ec;
        CHECK(!oauth1::load_pkcs12_file(key_path("wiki_alias.p12"), password, "other", ec).key);
        CHECK(ec == errc::pkcs12_alias_not_found);
        const std::string msg = thrown_message(
            [] { (void)oauth1::load_pkcs12_file(key_path("wiki_alias.p12"), password, "other"); },
            errc::pkcs12_alias_not_found);
        CHECK(msg.find("'oauth1 wiki key'") != std::string::npos);
        CHECK(msg.find(key_path("wiki_alias.p12")) != std::string::npos);
    }

    TEST_CASE("a container without a certificate")
    {
        const oauth1::pkcs12_entry e = oauth1::load_pkcs12_file(key_path("wiki_nocert.p12"), password);
        CHECK(same_key(e.key, wiki_key()));
        CHECK(!e.has_certificate());
        CHECK(!e.certificate_key);
    }

    TEST_CASE("wrong, missing password; not a container: clear errors without the password")
    {
        const std::string bytes = read_key_file("wiki_modern.p12");
        std::error_code ec;
        CHECK(!oauth1::load_pkcs12(bytes, "not-the-password", ec).key);
        CHECK(ec == errc::key_passphrase_wrong);
        std::string msg = thrown_message(
            [&] { (void)oauth1::load_pkcs12(bytes, "not-the-password"); }, errc::key_passphrase_wrong);
        CHECK(msg.find("not-the-password") == std::string::npos);
        CHECK(msg.find("MAC") != std::string::npos);
        CHECK(!oauth1::load_pkcs12(bytes, "", ec).key);
        CHECK(ec == errc::key_passphrase_required);
        CHECK(!oauth1::load_pkcs12(read_key_file("wiki_key_pkcs8.der"), password, ec).key);
        CHECK(ec == errc::pkcs12_invalid);
        CHECK(!oauth1::load_pkcs12("", password, ec).key);
        CHECK(ec == errc::pkcs12_invalid);
        // A cut container is damaged, not a password problem.
        CHECK(!oauth1::load_pkcs12(bytes.substr(0, bytes.size() / 2), password, ec).key);
        CHECK(ec == errc::pkcs12_invalid);
        CHECK(!oauth1::load_pkcs12_file(key_path("no-such.p12"), password, {}, ec).key);
        CHECK(ec == errc::file_unreadable);
        msg = thrown_message([] { (void)oauth1::load_private_key_pkcs12_file(
                                      key_path("wiki_modern.p12"), "wrong-one"); },
                             errc::key_passphrase_wrong);
        CHECK(msg.find("wrong-one") == std::string::npos);
    }

    TEST_CASE("the key policy applies to the container's key")
    {
        oauth1::rsa_key_policy strict;
        strict.min_modulus_bits = 2048; // the wiki key has 1024 bits
        std::error_code ec;
        CHECK(!oauth1::load_pkcs12_file(key_path("wiki_modern.p12"), password, {}, strict, ec).key);
        CHECK(ec == errc::key_policy_violation);
    }

    TEST_CASE("several keys: an alias picks one, none gives pkcs12_alias_required")
    {
        const oauth1::private_key k1 = oauth1::generate_rsa_key(1024);
        const oauth1::private_key k2 = oauth1::generate_rsa_key(1024);
        const std::string p12 = two_key_container(k1, k2);
        std::error_code ec;
        CHECK(!oauth1::load_pkcs12(p12, password, ec).key);
        CHECK(ec == errc::pkcs12_alias_required);
        const std::string msg =
            thrown_message([&] { (void)oauth1::load_pkcs12(p12, password); },
                           errc::pkcs12_alias_required);
        CHECK(msg.find("'first', 'second'") != std::string::npos);
        const oauth1::pkcs12_entry e = oauth1::load_pkcs12(p12, password, "second");
        CHECK(same_key(e.key, k2));
        CHECK(e.alias == "second");
        CHECK(!e.has_certificate());
        CHECK(same_key(oauth1::load_private_key_pkcs12(p12, password, "first"), k1));
        CHECK(!oauth1::load_pkcs12(p12, password, "third", ec).key);
        CHECK(ec == errc::pkcs12_alias_not_found);
        CHECK(!oauth1::load_private_key(p12, password, ec));
        CHECK(ec == errc::pkcs12_alias_required);
    }

    TEST_CASE("a legacy container (RC2-40, 3DES): the legacy provider for this call only")
    {
        const bool had_rc2 = rc2_fetchable_by_default();
        const bool legacy = legacy_provider_loadable();
        if (no_legacy_run()) REQUIRE_MESSAGE(!legacy, "OPENSSL_MODULES should hide the legacy provider");
        std::error_code ec;
        const oauth1::pkcs12_entry e =
            oauth1::load_pkcs12_file(key_path("wiki_legacy.p12"), password, {}, ec);
        if (legacy) {
            CHECK(!ec);
            CHECK(same_key(e.key, wiki_key()));
            CHECK(e.has_certificate());
            CHECK(same_key(oauth1::load_private_key_file(key_path("wiki_legacy.p12"), password),
                           wiki_key()));
            // Wrong password: still a password error, not a legacy one.
            CHECK(!oauth1::load_pkcs12_file(key_path("wiki_legacy.p12"), "nope", {}, ec).key);
            CHECK(ec == errc::key_passphrase_wrong);
        } else {
            MESSAGE("OpenSSL's legacy provider is not available: checking the error");
            CHECK(ec == errc::pkcs12_legacy_unavailable);
            const std::string msg = thrown_message(
                [] { (void)oauth1::load_pkcs12_file(key_path("wiki_legacy.p12"), password); },
                errc::pkcs12_legacy_unavailable);
            CHECK(msg.find("legacy provider is not available") != std::string::npos);
            CHECK(msg.find("openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export "
                           "-out new.p12") != std::string::npos);
            CHECK(msg.find(password) == std::string::npos);
        }
        // The default library context is as it was: RC2 is still not offered there.
        CHECK(rc2_fetchable_by_default() == had_rc2);
        CHECK(OSSL_PROVIDER_available(nullptr, "legacy") == (had_rc2 ? 1 : 0));
        // The modern container still loads afterwards.
        CHECK(same_key(oauth1::load_pkcs12_file(key_path("wiki_modern.p12"), password).key,
                       wiki_key()));
    }

    TEST_CASE("without the legacy provider (OPENSSL_MODULES: an empty directory, in-process)")
    {
        const std::filesystem::path empty =
            std::filesystem::temp_directory_path() /
            ("oauth1-no-modules-" + std::to_string(static_cast<long>(::getpid())));
        std::filesystem::create_directories(empty);
        {
            const scoped_env env("OPENSSL_MODULES", empty.string());
            if (legacy_provider_loadable()) {
                MESSAGE("the legacy provider was still found (built in?): nothing to check");
            } else {
                std::error_code ec;
                CHECK(!oauth1::load_pkcs12_file(key_path("wiki_legacy.p12"), password, {}, ec).key);
                CHECK(ec == errc::pkcs12_legacy_unavailable);
                CHECK(ec.message().find("openssl pkcs12 -legacy") != std::string::npos);
                // The modern one does not need it.
                CHECK(same_key(oauth1::load_pkcs12_file(key_path("wiki_modern.p12"), password).key,
                               wiki_key()));
            }
        }
        std::filesystem::remove(empty);
    }
    TEST_CASE("mutated containers: documented codes, empty error queue, default context kept")
    {
        const std::error_code allowed[] = {
            make_error_code(errc::pkcs12_invalid),          make_error_code(errc::key_passphrase_wrong),
            make_error_code(errc::key_passphrase_required), make_error_code(errc::key_der_invalid),
            make_error_code(errc::pkcs12_legacy_unavailable), make_error_code(errc::key_policy_violation),
            make_error_code(errc::key_format_unrecognized), make_error_code(errc::key_base64_invalid),
            make_error_code(errc::key_not_private),         make_error_code(errc::key_pem_invalid)};
        std::mt19937 rng(20261205); // deterministic
        int loaded = 0;
        for (const char* file : {"wiki_modern.p12", "wiki_legacy.p12"}) {
            const std::string original = read_key_file(file);
            for (int i = 0; i < 300; ++i) {
                std::string m = original;
                const int edits = 1 + static_cast<int>(rng() % 3);
                for (int k = 0; k < edits; ++k) {
                    const std::size_t at = rng() % m.size();
                    switch (rng() % 3) {
                    case 0: m[at] = static_cast<char>(rng() & 0xFF); break;
                    case 1: m.resize(at + 1); break;
                    default: m[at] = static_cast<char>(m[at] ^ (1 << (rng() % 8))); break;
                    }
                }
                std::error_code ec;
                const bool ok = static_cast<bool>(oauth1::load_pkcs12(m, password, ec).key);
                CHECK(OSSL_LIB_CTX_set0_default(nullptr) == OSSL_LIB_CTX_get0_global_default());
                CHECK(ERR_peek_error() == 0);
                if (ok) {
                    ++loaded;
                    continue;
                }
                bool documented = false;
                for (const std::error_code& a : allowed) documented = documented || ec == a;
                CHECK_MESSAGE(documented, ec.message());
                (void)oauth1::load_private_key(m, password, ec);
                CHECK(ERR_peek_error() == 0);
            }
        }
        MESSAGE("mutated containers: " << loaded << " of 600 still loaded");
    }
}
