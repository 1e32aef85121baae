// Unit tests for oauth1/detail/siphash.hpp: SipHash-2-4 against the example in the SipHash
// paper (Aumasson and Bernstein, appendix A) and against OpenSSL's own SipHash (EVP_MAC
// "SIPHASH", 2 compression and 4 finalisation rounds) on every length from 0 to 130 bytes under
// random keys: siphash24 against its 8-byte output, siphash24_128 against its 16-byte output.
#include <oauth1/detail/siphash.hpp>

#include <doctest/doctest.h>

#include "support/xorshift.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

using oauth1::detail::siphash128;
using oauth1::detail::siphash24;
using oauth1::detail::siphash24_128;
using oauth1::detail::siphash_key;

struct mac_deleter {
    void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
};
struct mac_ctx_deleter {
    void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
};

std::uint64_t le64(const unsigned char* p)
{
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8U * i);
    return v;
}

// OpenSSL's SipHash-2-4 with an `out_size`-byte output (8 or 16) into `out`.
void openssl_siphash_bytes(const unsigned char (&key)[16], const unsigned char* data,
                           std::size_t size, std::size_t out_size, unsigned char* out)
{
    const std::unique_ptr<EVP_MAC, mac_deleter> mac(EVP_MAC_fetch(nullptr, "SIPHASH", nullptr));
    REQUIRE(mac);
    const std::unique_ptr<EVP_MAC_CTX, mac_ctx_deleter> ctx(EVP_MAC_CTX_new(mac.get()));
    REQUIRE(ctx);
    unsigned int c_rounds = 2;
    unsigned int d_rounds = 4;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &out_size),
        OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_C_ROUNDS, &c_rounds),
        OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_D_ROUNDS, &d_rounds),
        OSSL_PARAM_construct_end(),
    };
    REQUIRE(EVP_MAC_init(ctx.get(), key, sizeof key, params) == 1);
    REQUIRE(EVP_MAC_update(ctx.get(), data, size) == 1);
    std::size_t written = 0;
    REQUIRE(EVP_MAC_final(ctx.get(), out, &written, out_size) == 1);
    REQUIRE(written == out_size);
}

// OpenSSL's SipHash-2-4 with a 64-bit output, as the little-endian number it writes.
std::uint64_t openssl_siphash(const unsigned char (&key)[16], const unsigned char* data,
                              std::size_t size)
{
    unsigned char out[8];
    openssl_siphash_bytes(key, data, size, sizeof out, out);
    return le64(out);
}

// OpenSSL's SipHash-2-4 with a 128-bit output, as two little-endian words.
siphash128 openssl_siphash128(const unsigned char (&key)[16], const unsigned char* data,
                              std::size_t size)
{
    unsigned char out[16];
    openssl_siphash_bytes(key, data, size, sizeof out, out);
    return {le64(out), le64(out + 8)};
}

} // namespace

TEST_CASE("siphash24: the paper's example")
{
    // Key 00 01 .. 0f, message 00 01 .. 0e (15 bytes): a129ca6149be45e5.
    unsigned char key[16];
    for (unsigned i = 0; i < 16; ++i) key[i] = static_cast<unsigned char>(i);
    unsigned char message[15];
    for (unsigned i = 0; i < 15; ++i) message[i] = static_cast<unsigned char>(i);
    const siphash_key k = siphash_key::from_bytes(key);
    CHECK(k.k0 == 0x0706050403020100ULL);
    CHECK(k.k1 == 0x0f0e0d0c0b0a0908ULL);
    CHECK(siphash24(k, message, sizeof message) == 0xa129ca6149be45e5ULL);
    CHECK(openssl_siphash(key, message, sizeof message) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("siphash24 and siphash24_128: agree with OpenSSL's SipHash on every length 0..130")
{
    oauth1_test::xorshift32 next(0x5eed1234U);
    std::vector<unsigned char> data(130);
    for (int round = 0; round < 8; ++round) {
        unsigned char key[16];
        for (unsigned char& b : key) b = static_cast<unsigned char>(next());
        for (unsigned char& b : data) b = static_cast<unsigned char>(next());
        const siphash_key k = siphash_key::from_bytes(key);
        for (std::size_t size = 0; size <= data.size(); ++size) {
            CAPTURE(round);
            CAPTURE(size);
            const std::uint64_t ours64 = siphash24(k, data.data(), size);
            REQUIRE(ours64 == openssl_siphash(key, data.data(), size));
            const siphash128 ours = siphash24_128(k, data.data(), size);
            const siphash128 theirs = openssl_siphash128(key, data.data(), size);
            REQUIRE(ours.lo == theirs.lo);
            REQUIRE(ours.hi == theirs.hi);
            // A different function from the 64-bit output, not an extension of it.
            REQUIRE(ours.lo != ours64);
        }
    }
}

TEST_CASE("siphash24: the key, every byte and the length all change the result")
{
    unsigned char key[16] = {};
    const siphash_key zero = siphash_key::from_bytes(key);
    key[15] = 1;
    const siphash_key other = siphash_key::from_bytes(key);
    const std::string text = "2:ck3:tok1700000000:5:nonce";
    CHECK(siphash24(zero, text) != siphash24(other, text));
    for (std::size_t i = 0; i < text.size(); ++i) {
        std::string flipped = text;
        flipped[i] = static_cast<char>(flipped[i] ^ 1);
        CAPTURE(i);
        CHECK(siphash24(zero, flipped) != siphash24(zero, text));
    }
    // Trailing zero bytes are not ignored: the length is part of the last word.
    CHECK(siphash24(zero, std::string(7, '\0')) != siphash24(zero, std::string(8, '\0')));
    CHECK(siphash24(zero, std::string()) != siphash24(zero, std::string(1, '\0')));
}

TEST_CASE("siphash24_128: the key, every byte and the length change both words")
{
    unsigned char key[16] = {};
    const siphash_key zero = siphash_key::from_bytes(key);
    key[0] = 1;
    const siphash_key other = siphash_key::from_bytes(key);
    const std::string text = "2:ck3:tok1700000000:5:nonce";
    const siphash128 base = siphash24_128(zero, text);
    CHECK(base.lo != base.hi);
    CHECK(siphash24_128(other, text).lo != base.lo);
    CHECK(siphash24_128(other, text).hi != base.hi);
    for (std::size_t i = 0; i < text.size(); ++i) {
        std::string flipped = text;
        flipped[i] = static_cast<char>(flipped[i] ^ 0x80);
        CAPTURE(i);
        const siphash128 f = siphash24_128(zero, flipped);
        CHECK(f.lo != base.lo);
        CHECK(f.hi != base.hi);
        CHECK(f != base);
    }
    CHECK(siphash24_128(zero, std::string(7, '\0')) != siphash24_128(zero, std::string(8, '\0')));
}
