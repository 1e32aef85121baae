// Unit tests for oauth1/keys.hpp and oauth1/detail/openssl.hpp, including the RSA key policy
// (issue 11 item 8) for every loader.
#include <oauth1/keys.hpp>

#include <doctest/doctest.h>

#include "support/rsa_public_from.hpp"

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/openssl.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/proverr.h>
#include <openssl/ui.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
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

using oauth1::errc;

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

constexpr std::string_view passphrase = "oauth1-test";

// VECTORS.md section 7 (OAuth wiki RSA-SHA1; the typo "vacaction" is in the original).
constexpr std::string_view wiki_base_string =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%"
    "3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-"
    "SHA1%26oauth_timestamp%3D1196666512%26oauth_version%3D1.0%26size%3Doriginal";
constexpr std::string_view wiki_signature =
    "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5"
    "T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=";

// VECTORS.md section 4 (RFC 5849 3.4.1 example, signed with oauthlib_key.pem).
constexpr std::string_view rfc_base_string =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%"
    "25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%"
    "26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%"
    "3Dkkk9d7dh3k39sjv7";
constexpr std::string_view rfc_rsa_sha1 =
    "mFY2KOEnlYWsTvUA+5kxuBIcvBYXu+ljw9ttVJQxKduMueGSVPCB1tK1PlqVLK738HK0t19ecBJfb6rMxUwrriw+MlBO+"
    "jpojkZIWccw1J4cAb4qu4M81DbpUAq4j/1w/QyTR4TWCODlEfN7Zfgy8+pf+TjiXfIwRC1jEWbuL1E=";
constexpr std::string_view rfc_rsa_sha256 =
    "jqKl6m0WS69tiVJV8ZQ6aQEfJqISoZkiPBXRv6Al2+iFSaDpfeXjYm+Hbx6m1azRdrZ/35PM3cvuid3LwW/"
    "siAkzb0xQcGnTyAPH8YcGWzmnKGY7LsB7fkqThchNxvRK/N7s9M1WMnfZZ+1dQbbwtTs1TG1+iexUcV7r3M7Heec=";
constexpr std::string_view rfc_rsa_sha512 =
    "jL1CnjlsNd25qoZVHZ2oJft47IRYTjpF5CvCUjL3LY0NTnbEeVhE4amWXUFBe9GLDWdUh/"
    "79ZWNOrCirBFIP26cHLApjYdt4ZG7EVK0/GubS2v8wT1QPRsog8zyiMZkmg4JXdWCGXG8YRvRJTg+QKhXuXwS6TcMNakr"
    "gzgFIVhA=";

// RSA-SHA* (PKCS#1 v1.5) done directly with EVP_DigestSign, independent of the library's signer.
std::string rsa_sign(EVP_PKEY* key, std::string_view message, const char* digest = "SHA1")
{
    oauth1::detail::evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
    REQUIRE(ctx);
    REQUIRE(EVP_DigestSignInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, key, nullptr) == 1);
    const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
    std::size_t len = 0;
    REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()) == 1);
    std::vector<unsigned char> sig(len);
    REQUIRE(EVP_DigestSign(ctx.get(), sig.data(), &len, msg, message.size()) == 1);
    std::string out;
    oauth1::detail::base64_append(sig.data(), len, out);
    return out;
}

bool rsa_verify(EVP_PKEY* key, std::string_view message, std::string_view signature_b64,
                const char* digest = "SHA1")
{
    std::string sig;
    REQUIRE(oauth1::detail::base64_decode_append(signature_b64, sig));
    oauth1::detail::evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
    REQUIRE(ctx);
    REQUIRE(EVP_DigestVerifyInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, key, nullptr) ==
            1);
    const int rc =
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(message.data()), message.size());
    ERR_clear_error();
    return rc == 1;
}

std::string trim(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// The first characters of a PEM body (the line after BEGIN), to check they never leak.
std::string pem_body_prefix(const std::string& pem, std::size_t n = 20)
{
    const std::size_t line = pem.find('\n');
    REQUIRE(line != std::string::npos);
    std::size_t start = line + 1;
    // Skip RFC 1421 headers (Proc-Type, DEK-Info) and the blank line after them.
    if (pem.compare(start, 10, "Proc-Type:") == 0) {
        start = pem.find("\n\n", start);
        REQUIRE(start != std::string::npos);
        start += 2;
    }
    return pem.substr(start, n);
}

// Counts every attempt OpenSSL makes to prompt through its UI layer (the terminal prompt used
// when no passphrase callback is given). Installed as the default UI method while alive.
struct prompt_spy {
    static int& count()
    {
        static int n = 0;
        return n;
    }
    UI_METHOD* method = UI_create_method("oauth1 test spy");
    const UI_METHOD* previous = UI_get_default_method();
    prompt_spy()
    {
        REQUIRE(method != nullptr);
        UI_method_set_reader(method, [](UI*, UI_STRING*) {
            ++count();
            return 0; // fail: no passphrase
        });
        UI_method_set_opener(method, [](UI*) { return 1; });
        UI_method_set_closer(method, [](UI*) { return 1; });
        UI_set_default_method(method);
    }
    ~prompt_spy()
    {
        UI_set_default_method(previous);
        UI_destroy_method(method);
    }
    prompt_spy(const prompt_spy&) = delete;
    prompt_spy& operator=(const prompt_spy&) = delete;
};

struct private_format {
    const char* file;
    std::string_view passphrase;
};

const private_format wiki_private_formats[] = {
    {"wiki_key.pem", {}},
    {"wiki_key_pkcs1.pem", {}},
    {"wiki_key_pkcs8.der", {}},
    {"wiki_key_pkcs1.der", {}},
    {"wiki_key_jira.txt", {}},
    {"wiki_key_enc.pem", passphrase},
    {"wiki_key_enc_pkcs1.pem", passphrase},
};

} // namespace

TEST_CASE("the wiki RSA-SHA1 vector signs identically from every private key format")
{
    for (const auto& format : wiki_private_formats) {
        CAPTURE(format.file);
        const std::string data = read_key_file(format.file);

        std::error_code ec = errc::invalid_argument;
        const oauth1::private_key key = oauth1::load_private_key(data, format.passphrase, ec);
        REQUIRE_MESSAGE(!ec, ec.message());
        REQUIRE(key);
        CHECK(ERR_peek_error() == 0);
        CHECK(key.is_rsa());
        CHECK(key.bits() == 1024);
        CHECK(std::string_view(key.type_name()) == "RSA");
        CHECK(rsa_sign(key.native_handle(), wiki_base_string) == wiki_signature);

        // The throwing overload and the file loader give the same key.
        const oauth1::private_key thrown = oauth1::load_private_key(data, format.passphrase);
        CHECK(rsa_sign(thrown.native_handle(), wiki_base_string) == wiki_signature);
        const oauth1::private_key from_file =
            oauth1::load_private_key_file(key_path(format.file), format.passphrase, ec);
        REQUIRE_MESSAGE(!ec, ec.message());
        CHECK(rsa_sign(from_file.native_handle(), wiki_base_string) == wiki_signature);
        CHECK(EVP_PKEY_eq(key.native_handle(), from_file.native_handle()) == 1);
    }
}

TEST_CASE("headerless base64 variants: PKCS#1 DER inside, CRLF, wrapped lines")
{
    const std::string jira = trim(read_key_file("wiki_key_jira.txt"));
    CHECK(jira.find_first_of("\r\n ") == std::string::npos); // one line, as in config.properties

    const std::string pkcs1_der = read_key_file("wiki_key_pkcs1.der");
    std::string pkcs1_b64;
    oauth1::detail::base64_append(reinterpret_cast<const unsigned char*>(pkcs1_der.data()),
                                  pkcs1_der.size(), pkcs1_b64);
    std::string wrapped;
    for (std::size_t i = 0; i < jira.size(); i += 64) wrapped += jira.substr(i, 64) + "\n";

    for (const std::string& text :
         {pkcs1_b64, jira + "\r\n", "  " + jira + "\t\n", wrapped, pkcs1_b64 + "\n"}) {
        std::error_code ec;
        const auto key = oauth1::load_private_key(text, ec);
        REQUIRE_MESSAGE(!ec, ec.message());
        CHECK(rsa_sign(key.native_handle(), wiki_base_string) == wiki_signature);
    }
}

TEST_CASE("encrypted PKCS#8 as binary DER and as headerless base64")
{
    // The body of wiki_key_enc.pem is the base64 of an EncryptedPrivateKeyInfo.
    const std::string pem = read_key_file("wiki_key_enc.pem");
    const std::size_t body_start = pem.find('\n') + 1;
    const std::string body = pem.substr(body_start, pem.find("-----END") - body_start);
    std::string der;
    REQUIRE(oauth1::detail::base64_decode_append(body, der, true));

    for (const std::string& data : {der, body}) {
        std::error_code ec;
        CHECK_FALSE(oauth1::load_private_key(data, ec));
        CHECK(ec == errc::key_passphrase_required);
        CHECK_FALSE(oauth1::load_private_key(data, "wrong", ec));
        CHECK(ec == errc::key_passphrase_wrong);
        const auto key = oauth1::load_private_key(data, passphrase, ec);
        REQUIRE_MESSAGE(!ec, ec.message());
        CHECK(rsa_sign(key.native_handle(), wiki_base_string) == wiki_signature);
    }
}

TEST_CASE("PEM blocks are found among other text and blocks")
{
    const std::string key_pem = read_key_file("wiki_key_pkcs1.pem");
    const std::string cert_pem = read_key_file("wiki_cert.pem");
    const std::string bundle = "Bag Attributes: none\n" + cert_pem + "some text\n" + key_pem;

    const auto key = oauth1::load_private_key(bundle);
    CHECK(rsa_sign(key.native_handle(), wiki_base_string) == wiki_signature);
    const auto pub = oauth1::load_public_key(bundle);
    CHECK(rsa_verify(pub.native_handle(), wiki_base_string, wiki_signature));
    CHECK(rsa_verify(oauth1::public_key_from_certificate(bundle).native_handle(), wiki_base_string,
                     wiki_signature));

    // A passphrase given for an unencrypted key is ignored.
    CHECK(oauth1::load_private_key(key_pem, "unused"));
    CHECK(oauth1::load_private_key(read_key_file("wiki_key_pkcs8.der"), "unused"));
}

TEST_CASE("the wiki RSA-SHA1 vector verifies with the certificate and every public key format")
{
    struct public_source {
        const char* name;
        oauth1::public_key key;
    };
    const std::string cert_pem = read_key_file("wiki_cert.pem");
    const std::string cert_der = read_key_file("wiki_cert.der");
    const std::string pub_der = read_key_file("wiki_pub.der");
    std::string pub_b64;
    oauth1::detail::base64_append(reinterpret_cast<const unsigned char*>(pub_der.data()),
                                  pub_der.size(), pub_b64);
    std::string cert_b64;
    oauth1::detail::base64_append(reinterpret_cast<const unsigned char*>(cert_der.data()),
                                  cert_der.size(), cert_b64);

    const public_source sources[] = {
        {"certificate PEM", oauth1::public_key_from_certificate(cert_pem)},
        {"certificate DER", oauth1::public_key_from_certificate(cert_der)},
        {"certificate base64", oauth1::public_key_from_certificate(cert_b64)},
        {"load_public_key(cert PEM)", oauth1::load_public_key(cert_pem)},
        {"load_public_key(cert DER)", oauth1::load_public_key(cert_der)},
        {"wiki_pub.pem", oauth1::load_public_key(read_key_file("wiki_pub.pem"))},
        {"wiki_pub.der", oauth1::load_public_key(pub_der)},
        {"wiki_pub_pkcs1.pem", oauth1::load_public_key(read_key_file("wiki_pub_pkcs1.pem"))},
        {"headerless base64 SPKI", oauth1::load_public_key(pub_b64)},
        {"wiki_pub.pem file", oauth1::load_public_key_file(key_path("wiki_pub.pem"))},
        {"wiki_cert.pem file", oauth1::load_public_key_file(key_path("wiki_cert.pem"))},
        {"private key PEM", oauth1::load_public_key(read_key_file("wiki_key.pem"))},
        {"private key DER", oauth1::load_public_key(read_key_file("wiki_key_pkcs1.der"))},
        {"public_part()", oauth1::load_private_key(read_key_file("wiki_key.pem")).public_part()},
    };
    const oauth1::public_key reference = oauth1::load_public_key(read_key_file("wiki_pub.pem"));
    for (const auto& source : sources) {
        CAPTURE(source.name);
        REQUIRE(source.key);
        CHECK(source.key.is_rsa());
        CHECK(source.key.bits() == 1024);
        CHECK(EVP_PKEY_eq(source.key.native_handle(), reference.native_handle()) == 1);
        CHECK(rsa_verify(source.key.native_handle(), wiki_base_string, wiki_signature));
        CHECK_FALSE(rsa_verify(source.key.native_handle(), "GET&x", wiki_signature));
        // A public_key never carries private material, whatever it was loaded from.
        CHECK(source.key.to_pem() == read_key_file("wiki_pub.pem"));
    }
}

TEST_CASE("the RFC 5849 3.4.1 example signs to the oauthlib RSA vectors")
{
    const auto key = oauth1::load_private_key_file(key_path("oauthlib_key.pem"));
    const auto pub = oauth1::load_public_key_file(key_path("oauthlib_pub.pem"));
    CHECK(EVP_PKEY_eq(key.public_part().native_handle(), pub.native_handle()) == 1);
    const std::pair<const char*, std::string_view> vectors[] = {
        {"SHA1", rfc_rsa_sha1}, {"SHA256", rfc_rsa_sha256}, {"SHA512", rfc_rsa_sha512}};
    for (const auto& vector : vectors) {
        const char* digest = vector.first;
        const std::string_view signature = vector.second;
        CAPTURE(digest);
        CHECK(rsa_sign(key.native_handle(), rfc_base_string, digest) == signature);
        CHECK(rsa_verify(pub.native_handle(), rfc_base_string, signature, digest));
    }
}

TEST_CASE("export reproduces the reference files")
{
    const auto key = oauth1::load_private_key(read_key_file("wiki_key_enc_pkcs1.pem"), passphrase);
    CHECK(key.to_pkcs8_base64() == trim(read_key_file("wiki_key_jira.txt")));
    CHECK(key.to_pem() == read_key_file("wiki_key.pem"));
    const std::vector<unsigned char> der = key.to_der();
    CHECK(std::string(der.begin(), der.end()) == read_key_file("wiki_key_pkcs8.der"));
    const auto pub = key.public_part();
    CHECK(pub.to_pem() == read_key_file("wiki_pub.pem"));
    const std::vector<unsigned char> pub_der = pub.to_der();
    CHECK(std::string(pub_der.begin(), pub_der.end()) == read_key_file("wiki_pub.der"));

    CHECK_THROWS_AS((void)oauth1::private_key{}.to_pem(), oauth1::error);
    CHECK_THROWS_AS((void)oauth1::public_key{}.to_der(), oauth1::error);
    CHECK_FALSE(oauth1::private_key{}.public_part());
}

TEST_CASE("generate_rsa_key round trip through the JIRA config.properties format")
{
    const oauth1::private_key generated = oauth1::generate_rsa_key(1024);
    REQUIRE(generated);
    CHECK(generated.is_rsa());
    CHECK(generated.bits() == 1024);

    const std::string line = generated.to_pkcs8_base64();
    CHECK(line.find_first_of("\r\n -") == std::string::npos);
    const oauth1::private_key loaded = oauth1::load_private_key(line);
    CHECK(EVP_PKEY_eq(generated.native_handle(), loaded.native_handle()) == 1);

    const std::string signature = rsa_sign(loaded.native_handle(), wiki_base_string);
    CHECK(signature == rsa_sign(generated.native_handle(), wiki_base_string));
    CHECK(rsa_verify(loaded.public_part().native_handle(), wiki_base_string, signature));
    const oauth1::public_key reloaded = oauth1::load_public_key(generated.public_part().to_pem());
    CHECK(rsa_verify(reloaded.native_handle(), wiki_base_string, signature));
    CHECK(rsa_verify(oauth1::load_private_key(generated.to_pem()).native_handle(), wiki_base_string,
                     signature));

    std::error_code ec;
    CHECK_FALSE(oauth1::generate_rsa_key(512, ec));
    CHECK(ec == errc::invalid_argument);
    CHECK_THROWS_AS((void)oauth1::generate_rsa_key(100000), oauth1::error);
    CHECK(oauth1::generate_rsa_key(2048, ec).bits() == 2048);
    CHECK_FALSE(ec);
}

TEST_CASE("benchmark and non-RSA keys load")
{
    for (const char* name : {"bench_rsa1024.pem", "bench_rsa2048.pem"}) {
        CAPTURE(name);
        const auto key = oauth1::load_private_key_file(key_path(name));
        CHECK(key.is_rsa());
        const std::string pub_name = std::string(name).insert(std::string(name).size() - 4, "_pub");
        const auto pub = oauth1::load_public_key_file(key_path(pub_name));
        CHECK(EVP_PKEY_eq(key.public_part().native_handle(), pub.native_handle()) == 1);
    }
    CHECK(oauth1::load_private_key_file(key_path("bench_rsa2048.pem")).bits() == 2048);

    const auto ec_key = oauth1::load_private_key_file(key_path("ec_p256.pem"));
    REQUIRE(ec_key);
    CHECK_FALSE(ec_key.is_rsa());
    CHECK(std::string_view(ec_key.type_name()) == "EC");
    CHECK(ec_key.bits() == 256);
    CHECK_FALSE(ec_key.public_part().is_rsa());
}

TEST_CASE("keys copy by sharing and move by stealing")
{
    oauth1::private_key a = oauth1::load_private_key_file(key_path("wiki_key.pem"));
    oauth1::private_key b = a;
    CHECK(b.native_handle() == a.native_handle());
    oauth1::private_key c = std::move(a);
    CHECK_FALSE(a); // NOLINT(bugprone-use-after-move): moved-from is specified empty
    CHECK(c.native_handle() == b.native_handle());
    a = c;
    CHECK(a.native_handle() == c.native_handle());
    a = oauth1::private_key{};
    CHECK_FALSE(a);
    CHECK(c.bits() == 1024);
    static_assert(std::is_nothrow_move_constructible_v<oauth1::private_key>);
    static_assert(std::is_nothrow_move_assignable_v<oauth1::public_key>);
    static_assert(!std::is_convertible_v<oauth1::private_key, bool>);

    oauth1::public_key p = c.public_part();
    oauth1::public_key q = p;
    CHECK(q.native_handle() == p.native_handle());
    CHECK(oauth1::private_key{}.bits() == 0);
    CHECK_FALSE(oauth1::public_key{}.is_rsa());
}

namespace {

struct error_case {
    std::string name;
    std::string data;
    std::string_view passphrase;
    errc expected;
};

} // namespace

TEST_CASE("private key errors: exact codes, no secrets in messages, no prompt")
{
    const std::string pem = read_key_file("wiki_key.pem");
    const std::string enc = read_key_file("wiki_key_enc.pem");
    const std::string enc1 = read_key_file("wiki_key_enc_pkcs1.pem");
    const std::string pkcs1 = read_key_file("wiki_key_pkcs1.pem");
    const std::string der = read_key_file("wiki_key_pkcs8.der");
    const std::string jira = trim(read_key_file("wiki_key_jira.txt"));
    std::string corrupt_body = pem;
    corrupt_body[40] = corrupt_body[40] == 'A' ? 'B' : 'A'; // valid base64, broken DER
    std::string bad_char = pem;
    bad_char[40] = '*';

    const error_case cases[] = {
        {"empty", "", {}, errc::key_format_unrecognized},
        {"whitespace", " \r\n\t", {}, errc::key_format_unrecognized},
        {"garbage text", "this is not a key!", {}, errc::key_format_unrecognized},
        {"garbage binary", std::string("\x01\x02\xff\x00zz", 6), {}, errc::key_format_unrecognized},
        {"truncated PEM", pem.substr(0, pem.size() / 2), {}, errc::key_pem_invalid},
        {"PEM without END", pem.substr(0, pem.find("-----END")), {}, errc::key_pem_invalid},
        {"PEM corrupt DER", corrupt_body, {}, errc::key_pem_invalid},
        {"PEM bad base64", bad_char, {}, errc::key_pem_invalid},
        {"PEM malformed BEGIN", "-----BEGIN PRIVATE KEY\nMIIC\n", {}, errc::key_pem_invalid},
        {"PEM other label",
         "-----BEGIN X509 CRL-----\nMIIC\n-----END X509 CRL-----\n",
         {},
         errc::key_format_unrecognized},
        {"truncated DER", der.substr(0, der.size() - 10), {}, errc::key_der_invalid},
        {"DER one byte", "\x30", {}, errc::key_der_invalid},
        {"base64 bad length", jira.substr(0, jira.size() - 1), {}, errc::key_base64_invalid},
        {"base64 not DER", "aGVsbG8gd29ybGQh", {}, errc::key_der_invalid},
        {"base64 truncated DER", jira.substr(0, 400), {}, errc::key_der_invalid},
        {"PKCS#8 wrong passphrase", enc, "not-the-passphrase", errc::key_passphrase_wrong},
        {"PKCS#1 wrong passphrase", enc1, "not-the-passphrase", errc::key_passphrase_wrong},
        {"PKCS#8 missing passphrase", enc, {}, errc::key_passphrase_required},
        {"PKCS#1 missing passphrase", enc1, {}, errc::key_passphrase_required},
        {"SPKI PEM", read_key_file("wiki_pub.pem"), {}, errc::key_not_private},
        {"SPKI DER", read_key_file("wiki_pub.der"), {}, errc::key_not_private},
        {"PKCS#1 public PEM", read_key_file("wiki_pub_pkcs1.pem"), {}, errc::key_not_private},
        {"certificate PEM", read_key_file("wiki_cert.pem"), {}, errc::key_not_private},
        {"certificate DER", read_key_file("wiki_cert.der"), {}, errc::key_not_private},
        {"huge", std::string((std::size_t{8} << 20) + 1, 'A'), {}, errc::key_format_unrecognized},
    };

    const std::string secrets[] = {std::string(passphrase), "not-the-passphrase",
                                   pem_body_prefix(pem),    pem_body_prefix(enc),
                                   pem_body_prefix(enc1),   pem_body_prefix(pkcs1),
                                   jira.substr(0, 20),      jira.substr(200, 20)};

    const prompt_spy spy;
    const int prompts_before = prompt_spy::count();
    for (const auto& c : cases) {
        CAPTURE(c.name);
        std::error_code ec;
        const oauth1::private_key key = oauth1::load_private_key(c.data, c.passphrase, ec);
        CHECK_FALSE(key);
        CHECK(ec == c.expected);
        CHECK(ERR_peek_error() == 0);
        std::string what;
        try {
            (void)oauth1::load_private_key(c.data, c.passphrase);
            FAIL("no exception");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == c.expected);
            what = e.what();
        }
        CAPTURE(what);
        // "loading private key (<format>)...", or with a diagnosis first (keys_errors.cpp):
        // "loading private key: <the mistake> (<format>)...".
        CHECK(what.find("loading private key") == 0);
        CHECK(what.find(" (") != std::string::npos);
        for (const auto& secret : secrets) CHECK(what.find(secret) == std::string::npos);
        CHECK(ERR_peek_error() == 0);
    }
    CHECK(prompt_spy::count() == prompts_before);
}

TEST_CASE("messages name the format and OpenSSL's reason")
{
    const std::string enc1 = read_key_file("wiki_key_enc_pkcs1.pem");
    try {
        (void)oauth1::load_private_key(enc1, "wrong");
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        const std::string what = e.what();
        CAPTURE(what);
        CHECK(what.find("loading private key (PEM encrypted PKCS#1)") == 0);
        CHECK(what.find("decrypt") != std::string::npos);
    }
    try {
        (void)oauth1::load_private_key(read_key_file("wiki_key_enc.pem"));
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(std::string(e.what()).find("(PEM encrypted PKCS#8)") != std::string::npos);
        CHECK(e.code() == errc::key_passphrase_required);
    }
}

TEST_CASE("the prompt spy does see OpenSSL's own prompt (control for the no-prompt test)")
{
    // Without a callback, PEM_read_bio_PrivateKey asks the UI layer for a passphrase.
    const prompt_spy spy;
    const int before = prompt_spy::count();
    const std::string enc = read_key_file("wiki_key_enc.pem");
    oauth1::detail::bio_ptr bio{BIO_new_mem_buf(enc.data(), static_cast<int>(enc.size()))};
    oauth1::detail::evp_pkey_ptr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
    ERR_clear_error();
    CHECK_FALSE(key);
    CHECK(prompt_spy::count() > before);
}

TEST_CASE("file and public key errors")
{
    std::error_code ec;
    CHECK_FALSE(oauth1::load_private_key_file(key_path("no_such_file.pem"), {}, ec));
    CHECK(ec == errc::file_unreadable);
    CHECK_FALSE(oauth1::load_private_key_file(key_path(""), {}, ec)); // a directory
    CHECK(ec == errc::file_unreadable);
    CHECK_FALSE(oauth1::load_public_key_file(key_path("no_such_file.pem"), ec));
    CHECK(ec == errc::file_unreadable);
    try {
        (void)oauth1::load_private_key_file(key_path("no_such_file.pem"));
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == errc::file_unreadable);
        CHECK(std::string(e.what()).find("no_such_file.pem") != std::string::npos);
    }
    CHECK_THROWS_AS((void)oauth1::load_private_key_file(key_path("wiki_key_enc.pem"), "bad"),
                    oauth1::error);

    const std::string cert = read_key_file("wiki_cert.pem");
    const std::pair<std::string, errc> public_cases[] = {
        {"", errc::key_format_unrecognized},
        {"not a key!", errc::key_format_unrecognized},
        {"not a key", errc::key_base64_invalid}, // base64 letters and spaces only
        {cert.substr(0, cert.size() / 2), errc::certificate_invalid},
        {read_key_file("wiki_pub.pem").substr(0, 100), errc::key_pem_invalid},
        {read_key_file("wiki_pub.der").substr(0, 100), errc::key_der_invalid},
        {"MIIBIjAN", errc::key_der_invalid},
        {"MIIBIjA", errc::key_base64_invalid},
        {read_key_file("wiki_key_enc.pem"), errc::key_passphrase_required},
    };
    for (const auto& public_case : public_cases) {
        const std::string& data = public_case.first;
        const errc expected = public_case.second;
        CAPTURE(data.size());
        CHECK_FALSE(oauth1::load_public_key(data, ec));
        CHECK(ec == expected);
        CHECK(ERR_peek_error() == 0);
        CHECK_THROWS_AS((void)oauth1::load_public_key(data), oauth1::error);
    }

    for (const std::string& bad :
         {std::string(), std::string("garbage"), read_key_file("wiki_pub.pem"),
          read_key_file("wiki_pub.der"), cert.substr(0, 300)}) {
        CHECK_FALSE(oauth1::public_key_from_certificate(bad, ec));
        CHECK(ec == errc::certificate_invalid);
        CHECK(ERR_peek_error() == 0);
    }
    CHECK_THROWS_AS((void)oauth1::public_key_from_certificate("x"), oauth1::error);
}

TEST_CASE("policy refusals are told apart from other OpenSSL errors")
{
    using oauth1::detail::drain_openssl_errors;
    using oauth1::detail::last_error_is_policy_refusal;
    oauth1::detail::clear_openssl_errors();
    CHECK_FALSE(last_error_is_policy_refusal());

    ERR_raise(ERR_LIB_EVP, EVP_R_INVALID_DIGEST); // Fedora 41 / RHEL: SHA-1 signatures off
    CHECK(last_error_is_policy_refusal());
    auto info = drain_openssl_errors();
    CHECK(info.policy_refusal);
    CHECK(info.reasons == "invalid digest");
    CHECK(ERR_peek_error() == 0);

    ERR_raise(ERR_LIB_PROV, PROV_R_DIGEST_NOT_ALLOWED); // FIPS provider
    CHECK(last_error_is_policy_refusal());
    oauth1::detail::clear_openssl_errors();

    // An algorithm no provider offers.
    EVP_MD* md = EVP_MD_fetch(nullptr, "NO-SUCH-DIGEST", nullptr);
    CHECK(md == nullptr);
    CHECK(last_error_is_policy_refusal());
    oauth1::detail::clear_openssl_errors();

    // "Not this format" from the decoders is not a refusal.
    ERR_raise(ERR_LIB_OSSL_DECODER, ERR_R_UNSUPPORTED);
    ERR_raise(ERR_LIB_EVP, EVP_R_BAD_DECRYPT);
    CHECK_FALSE(last_error_is_policy_refusal());
    info = drain_openssl_errors();
    CHECK_FALSE(info.policy_refusal);
    CHECK(info.reasons == "no decoder accepted the data; bad decrypt");
    CHECK(oauth1::detail::openssl_error_reasons().empty());
}

TEST_CASE("loaders survive 2,000 deterministic mutations of valid keys")
{
    const std::pair<std::string, std::string_view> seeds[] = {
        {read_key_file("wiki_key.pem"), {}},
        {read_key_file("wiki_key_pkcs8.der"), {}},
        {read_key_file("wiki_key_pkcs1.der"), {}},
        {read_key_file("wiki_key_jira.txt"), {}},
        {read_key_file("wiki_key_enc.pem"), passphrase},
        {read_key_file("wiki_key_enc_pkcs1.pem"), passphrase},
        {read_key_file("wiki_pub.der"), {}},
        {read_key_file("wiki_cert.der"), {}},
        {read_key_file("wiki_cert.pem"), {}},
    };
    std::mt19937 rng(20240607U); // the raw engine output is the same on every platform
    auto below = [&rng](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };

    const prompt_spy spy;
    const int prompts_before = prompt_spy::count();
    int loaded = 0;
    int refused = 0;
    for (int i = 0; i < 2000; ++i) {
        const auto& seed = seeds[static_cast<std::size_t>(i) % std::size(seeds)].first;
        const std::string_view pass = seeds[static_cast<std::size_t>(i) % std::size(seeds)].second;
        std::string data = seed;
        const std::size_t edits = 1 + below(4);
        for (std::size_t e = 0; e < edits && !data.empty(); ++e) {
            const std::size_t pos = below(data.size());
            switch (below(6)) {
            case 0: data[pos] = static_cast<char>(rng() & 0xFFU); break; // replace
            case 1:
                data[pos] =
                    static_cast<char>(static_cast<unsigned char>(data[pos]) ^ (1U << below(8)));
                break;                                 // flip
            case 2: data.resize(pos); break;           // truncate
            case 3: data.erase(pos, below(32)); break; // delete
            case 4: data.insert(pos, below(16) + 1, static_cast<char>(rng() & 0xFFU)); break;
            default: data.insert(pos, data.substr(below(data.size()), below(64))); break;
            }
        }
        CAPTURE(i);
        std::error_code ec;
        const auto key = oauth1::load_private_key(data, pass, ec);
        CHECK(static_cast<bool>(key) != static_cast<bool>(ec));
        CHECK((!ec || ec.category() == oauth1::error_category()));
        const auto pub = oauth1::load_public_key(data, ec);
        CHECK(static_cast<bool>(pub) != static_cast<bool>(ec));
        const auto cert = oauth1::public_key_from_certificate(data, ec);
        CHECK(static_cast<bool>(cert) != static_cast<bool>(ec));
        CHECK(ERR_peek_error() == 0);
        (key ? loaded : refused) += 1;
    }
    MESSAGE("mutated private keys: " << loaded << " loaded, " << refused << " refused");
    CHECK(refused > 1000);
    CHECK(prompt_spy::count() == prompts_before);
}

// ---------------------------------------------------------------------------------------------
// RSA key policy (issue 11 item 8): keys that let anyone forge (e = 1), that are no RSA keys (an
// even modulus or exponent), that are factorable (512 bits) or oversized are refused at load time.

namespace {

struct bn_free {
    void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;

bn_ptr bn_word(BN_ULONG w)
{
    bn_ptr b{BN_new()};
    REQUIRE(b);
    REQUIRE(BN_set_word(b.get(), w) == 1);
    return b;
}

// 2^bit + add
bn_ptr bn_power_of_two_plus(int bit, BN_ULONG add)
{
    bn_ptr b = bn_word(0);
    REQUIRE(BN_set_bit(b.get(), bit) == 1);
    REQUIRE(BN_add_word(b.get(), add) == 1);
    return b;
}

bn_ptr key_param(const oauth1::public_key& key, const char* name)
{
    BIGNUM* raw = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key.native_handle(), name, &raw) == 1);
    return bn_ptr{raw};
}

using oauth1_test::rsa_public_from; // support/rsa_public_from.hpp

const oauth1::public_key& wiki_public()
{
    static const oauth1::public_key k = oauth1::load_public_key_file(key_path("wiki_pub.pem"));
    return k;
}

struct policy_case {
    const char* name;
    bn_ptr n;
    bn_ptr e;
    std::string message; // empty: the default policy accepts the key
};

std::vector<policy_case> policy_cases()
{
    const bn_ptr wiki_n = key_param(wiki_public(), OSSL_PKEY_PARAM_RSA_N);
    auto copy = [](const bn_ptr& b) { return bn_ptr{BN_dup(b.get())}; };
    bn_ptr even_n = copy(wiki_n);
    REQUIRE(BN_add_word(even_n.get(), 1) == 1);
    bn_ptr n1023 = copy(wiki_n);
    REQUIRE(BN_rshift1(n1023.get(), n1023.get()) == 1);
    REQUIRE(BN_set_bit(n1023.get(), 0) == 1);   // odd, 1023 bits
    bn_ptr big_e = bn_power_of_two_plus(32, 1); // 2^32 + 1: 33 bits
    bn_ptr max_e = bn_power_of_two_plus(32, 0); // 2^32 - 1: the largest 32-bit exponent
    REQUIRE(BN_sub_word(max_e.get(), 1) == 1);

    std::vector<policy_case> cases;
    cases.push_back({"wiki key (control)", copy(wiki_n), bn_word(65537), ""});
    cases.push_back({"e = 3", copy(wiki_n), bn_word(3), ""});
    cases.push_back({"e = 2^32 - 1", copy(wiki_n), std::move(max_e), ""});
    cases.push_back({"e = 1", copy(wiki_n), bn_word(1),
                     "RSA public exponent is below the policy minimum of 3"});
    cases.push_back({"e = 2", copy(wiki_n), bn_word(2),
                     "RSA public exponent is even (an RSA exponent is odd)"});
    cases.push_back({"e = 65536", copy(wiki_n), bn_word(65536),
                     "RSA public exponent is even (an RSA exponent is odd)"});
    cases.push_back({"e = 2^32 + 1", copy(wiki_n), std::move(big_e),
                     "RSA public exponent of 33 bits is above the policy maximum of 32 bits"});
    cases.push_back({"even modulus", std::move(even_n), bn_word(65537),
                     "RSA modulus is even (an RSA modulus is odd)"});
    cases.push_back({"1023-bit modulus", std::move(n1023), bn_word(65537),
                     "RSA modulus of 1023 bits is below the policy minimum of 1024"});
    cases.push_back({"16384-bit modulus", bn_power_of_two_plus(16383, 1), bn_word(65537), ""});
    cases.push_back({"16401-bit modulus", bn_power_of_two_plus(16400, 1), bn_word(65537),
                     "RSA modulus of 16401 bits is above the policy maximum of 16384"});
    return cases;
}

// The bytes of the key's modulus, in hex and base64, to check that no message quotes them.
std::vector<std::string> modulus_texts(const oauth1::public_key& key)
{
    const bn_ptr n = key_param(key, OSSL_PKEY_PARAM_RSA_N);
    std::vector<std::string> out;
    char* hex = BN_bn2hex(n.get());
    REQUIRE(hex != nullptr);
    out.emplace_back(std::string(hex).substr(0, 16));
    OPENSSL_free(hex);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(n.get())));
    BN_bn2bin(n.get(), bytes.data());
    std::string b64;
    oauth1::detail::base64_append(bytes.data(), bytes.size(), b64);
    out.push_back(b64.substr(0, 16));
    return out;
}

} // namespace

TEST_CASE("rsa_key_policy defaults")
{
    const oauth1::rsa_key_policy p;
    CHECK(p.min_modulus_bits == 1024);
    CHECK(p.max_modulus_bits == 16384);
    CHECK(p.min_public_exponent == 3);
    CHECK(p.max_public_exponent_bits == 32);
    CHECK_FALSE(p.openssl_public_check);
}

TEST_CASE("keys outside the RSA key policy are refused by every public key loader")
{
    for (const policy_case& c : policy_cases()) {
        const std::string name = c.name;
        CAPTURE(name);
        const oauth1::public_key made = rsa_public_from(c.n.get(), c.e.get());
        REQUIRE(made.is_rsa());
        CHECK(oauth1::rsa_key_policy_violation(made) == c.message);
        CHECK(ERR_peek_error() == 0);

        const std::vector<unsigned char> der = made.to_der();
        const std::string pem = made.to_pem();
        std::string b64;
        oauth1::detail::base64_append(der.data(), der.size(), b64);
        const std::string inputs[] = {pem, std::string(der.begin(), der.end()), b64};
        for (const std::string& input : inputs) {
            std::error_code ec;
            const oauth1::public_key loaded = oauth1::load_public_key(input, ec);
            CHECK(ERR_peek_error() == 0);
            if (c.message.empty()) {
                CHECK_MESSAGE(!ec, ec.message());
                CHECK(EVP_PKEY_eq(loaded.native_handle(), made.native_handle()) == 1);
                continue;
            }
            CHECK_FALSE(loaded);
            CHECK(ec == errc::key_policy_violation);
            try {
                (void)oauth1::load_public_key(input);
                FAIL("no exception");
            } catch (const oauth1::error& e) {
                const std::string what = e.what();
                CAPTURE(what);
                CHECK(e.code() == errc::key_policy_violation);
                CHECK(what == "loading public key: " + c.message + ": " + e.code().message());
                for (const std::string& secret : modulus_texts(made))
                    CHECK(what.find(secret) == std::string::npos);
            }
            CHECK(ERR_peek_error() == 0);
        }
    }
}

TEST_CASE("the RSA key policy is configurable, but e >= 3 and the 16384-bit cap are not")
{
    const bn_ptr wiki_n = key_param(wiki_public(), OSSL_PKEY_PARAM_RSA_N);
    std::error_code ec;

    // A 512-bit key (openssl genpkey) is refused by default, accepted by a looser policy.
    const std::string weak = read_key_file("weak_rsa512_pub.pem");
    CHECK_FALSE(oauth1::load_public_key(weak, ec));
    CHECK(ec == errc::key_policy_violation);
    oauth1::rsa_key_policy legacy;
    legacy.min_modulus_bits = 512;
    const oauth1::public_key weak_key = oauth1::load_public_key(weak, legacy, ec);
    CHECK(!ec);
    CHECK(weak_key.bits() == 512);
    CHECK(oauth1::rsa_key_policy_violation(weak_key) ==
          "RSA modulus of 512 bits is below the policy minimum of 1024");
    CHECK(oauth1::rsa_key_policy_violation(weak_key, legacy).empty());

    // e = 3 passes by default; NIST's 65537 minimum can be asked for.
    const std::string e3 = read_key_file("rsa1024_e3_pub.pem");
    CHECK(oauth1::load_public_key(e3, ec));
    CHECK(!ec);
    oauth1::rsa_key_policy nist;
    nist.min_public_exponent = 65537;
    CHECK_FALSE(oauth1::load_public_key(e3, nist, ec));
    CHECK(ec == errc::key_policy_violation);
    try {
        (void)oauth1::load_public_key(e3, nist);
        FAIL("no exception");
    } catch (const oauth1::error& e) {
        CHECK(std::string(e.what()) ==
              "loading public key: RSA public exponent is below the policy minimum of 65537: " +
                  e.code().message());
    }
    CHECK(oauth1::load_public_key(read_key_file("wiki_pub.pem"), nist, ec));
    CHECK(!ec);

    // Larger exponents on request; a minimum below 3 still refuses e = 1.
    oauth1::rsa_key_policy loose;
    loose.max_public_exponent_bits = 64;
    loose.min_public_exponent = 0;
    loose.max_modulus_bits = 100000;
    const bn_ptr e33 = bn_power_of_two_plus(32, 1);
    CHECK(
        oauth1::rsa_key_policy_violation(rsa_public_from(wiki_n.get(), e33.get()), loose).empty());
    const bn_ptr one = bn_word(1);
    CHECK(oauth1::rsa_key_policy_violation(rsa_public_from(wiki_n.get(), one.get()), loose) ==
          "RSA public exponent is below the policy minimum of 3");
    // Exponents over 64 bits are read as BIGNUMs.
    const bn_ptr e101 = bn_power_of_two_plus(100, 1);
    const oauth1::public_key k101 = rsa_public_from(wiki_n.get(), e101.get());
    CHECK(oauth1::rsa_key_policy_violation(k101) ==
          "RSA public exponent of 101 bits is above the policy maximum of 32 bits");
    oauth1::rsa_key_policy wide;
    wide.max_public_exponent_bits = 128;
    CHECK(oauth1::rsa_key_policy_violation(k101, wide).empty());
    const bn_ptr e100 = bn_power_of_two_plus(100, 0);
    CHECK(oauth1::rsa_key_policy_violation(rsa_public_from(wiki_n.get(), e100.get()), wide) ==
          "RSA public exponent is even (an RSA exponent is odd)");
    // OpenSSL's RSA operations stop at 16384 bits: so does the policy, whatever it says.
    const bn_ptr huge_n = bn_power_of_two_plus(16400, 1);
    const bn_ptr f4 = bn_word(65537);
    CHECK(oauth1::rsa_key_policy_violation(rsa_public_from(huge_n.get(), f4.get()), loose) ==
          "RSA modulus of 16401 bits is above the policy maximum of 16384");
    // A stricter maximum: the bound itself is allowed.
    oauth1::rsa_key_policy small;
    small.max_modulus_bits = 2048;
    CHECK(oauth1::load_public_key_file(key_path("bench_rsa2048_pub.pem"), small, ec));
    CHECK(!ec);
    small.max_modulus_bits = 2047;
    CHECK_FALSE(oauth1::load_public_key_file(key_path("bench_rsa2048_pub.pem"), small, ec));
    CHECK(ec == errc::key_policy_violation);

    // Keys of other types are not the RSA policy's business.
    CHECK(oauth1::load_private_key_file(key_path("ec_p256.pem"), {}, small, ec));
    CHECK(!ec);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("the RSA key policy applies to private keys, files and certificates")
{
    const std::string weak_pem = read_key_file("weak_rsa512.pem");
    const std::string message = "RSA modulus of 512 bits is below the policy minimum of 1024";
    std::error_code ec;

    CHECK_FALSE(oauth1::load_private_key(weak_pem, ec));
    CHECK(ec == errc::key_policy_violation);
    CHECK_FALSE(oauth1::load_private_key(weak_pem, {}, ec));
    CHECK(ec == errc::key_policy_violation);
    CHECK_FALSE(oauth1::load_private_key_file(key_path("weak_rsa512.pem"), {}, ec));
    CHECK(ec == errc::key_policy_violation);
    CHECK_FALSE(oauth1::load_public_key(weak_pem, ec)); // the public half of a private key
    CHECK(ec == errc::key_policy_violation);
    CHECK_FALSE(oauth1::load_public_key_file(key_path("weak_rsa512_pub.pem"), ec));
    CHECK(ec == errc::key_policy_violation);
    const std::string cert = read_key_file("weak_rsa512_cert.pem");
    CHECK_FALSE(oauth1::public_key_from_certificate(cert, ec));
    CHECK(ec == errc::key_policy_violation);
    CHECK_FALSE(oauth1::load_public_key(cert, ec));
    CHECK(ec == errc::key_policy_violation);
    CHECK(ERR_peek_error() == 0);

    struct thrown {
        const char* name;
        std::string prefix;
        void (*call)();
    };
    const thrown cases[] = {
        {"load_private_key", "loading private key: ",
         [] { (void)oauth1::load_private_key(read_key_file("weak_rsa512.pem")); }},
        {"load_private_key_file",
         "loading private key from file '" + key_path("weak_rsa512.pem") + "': ",
         [] { (void)oauth1::load_private_key_file(key_path("weak_rsa512.pem")); }},
        {"load_public_key_file",
         "loading public key from file '" + key_path("weak_rsa512_pub.pem") + "': ",
         [] { (void)oauth1::load_public_key_file(key_path("weak_rsa512_pub.pem")); }},
        {"public_key_from_certificate", "loading certificate: ",
         [] { (void)oauth1::public_key_from_certificate(read_key_file("weak_rsa512_cert.pem")); }},
    };
    for (const thrown& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        try {
            c.call();
            FAIL("no exception");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == errc::key_policy_violation);
            CHECK(std::string(e.what()) == c.prefix + message + ": " + e.code().message());
            CHECK(std::string(e.what()).find(pem_body_prefix(weak_pem)) == std::string::npos);
        }
        CHECK(ERR_peek_error() == 0);
    }

    // With a policy that allows 512 bits, every form loads, and the key signs.
    oauth1::rsa_key_policy legacy;
    legacy.min_modulus_bits = 512;
    const oauth1::private_key key = oauth1::load_private_key(weak_pem, {}, legacy);
    CHECK(key.bits() == 512);
    CHECK(oauth1::load_private_key_file(key_path("weak_rsa512.pem"), {}, legacy, ec));
    CHECK(!ec);
    CHECK(oauth1::load_private_key(weak_pem, {}, legacy, ec));
    CHECK(!ec);
    const oauth1::public_key from_cert = oauth1::public_key_from_certificate(cert, legacy, ec);
    CHECK(!ec);
    CHECK(EVP_PKEY_eq(from_cert.native_handle(), key.public_part().native_handle()) == 1);
    CHECK(oauth1::public_key_from_certificate(cert, legacy).bits() == 512);
    CHECK(oauth1::load_public_key_file(key_path("weak_rsa512_pub.pem"), legacy).bits() == 512);
    CHECK(rsa_verify(from_cert.native_handle(), "base", rsa_sign(key.native_handle(), "base")));
    CHECK(oauth1::rsa_key_policy_violation(key) == message);
    CHECK(oauth1::rsa_key_policy_violation(oauth1::private_key{}).empty());
    CHECK(oauth1::rsa_key_policy_violation(oauth1::public_key{}).empty());
}

TEST_CASE("OpenSSL's own public key check on request: a modulus with a small factor")
{
    // n = 3 * (2^1022 + 1): 1024 bits and odd, so the size and parity rules pass, but 3 divides it.
    bn_ptr n = bn_power_of_two_plus(1022, 1);
    REQUIRE(BN_mul_word(n.get(), 3) == 1);
    REQUIRE(BN_num_bits(n.get()) == 1024);
    const bn_ptr e = bn_word(65537);
    const oauth1::public_key key = rsa_public_from(n.get(), e.get());
    CHECK(oauth1::rsa_key_policy_violation(key).empty());
    oauth1::rsa_key_policy checked;
    checked.openssl_public_check = true;
    const std::string what = oauth1::rsa_key_policy_violation(key, checked);
    CAPTURE(what);
    CHECK(what.find("RSA public key fails OpenSSL's public key check") == 0);
    CHECK(ERR_peek_error() == 0);
    std::error_code ec;
    CHECK_FALSE(oauth1::load_public_key(key.to_pem(), checked, ec));
    CHECK(ec == errc::key_policy_violation);
    CHECK(ERR_peek_error() == 0);
    // Real keys pass it.
    CHECK(oauth1::rsa_key_policy_violation(wiki_public(), checked).empty());
    CHECK(oauth1::load_public_key_file(key_path("bench_rsa2048_pub.pem"), checked, ec));
    CHECK(!ec);
}
