// oauth1/detail/siphash.hpp - SipHash-2-4, a keyed pseudorandom function for hash tables.
//
// Private to the library. Written from the specification in J.-P. Aumasson and D. J. Bernstein,
// "SipHash: a fast short-input PRF" (INDOCRYPT 2012), section 2: a 128-bit key, four 64-bit
// words of state, two rounds per 8-byte message word and four finalisation rounds, 64-bit
// output. With a key the client does not know, the client cannot choose inputs that collide in a
// table (hash flooding): that is the whole reason to use it instead of std::hash.
//
// siphash24_128 is the 128-bit output variant of the reference implementation (the one OpenSSL
// gives for a 16-byte output): 0xee xored into v1 at the start and into v2 before finalisation,
// then 0xdd into v1 and four more rounds for the second word. memory_nonce_store records this
// digest instead of the whole combination.
//
// Not constant time with respect to the input length (it need not be: the inputs are not secret)
// and not a MAC for anything the library signs. tests/unit/siphash.cpp checks both against the
// paper's example and against OpenSSL's own SipHash (EVP_MAC "SIPHASH", 8- and 16-byte output).
#ifndef OAUTH1_DETAIL_SIPHASH_HPP
#define OAUTH1_DETAIL_SIPHASH_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oauth1::detail {

/// The 128-bit key, as the two little-endian 64-bit words k0 and k1 of the specification.
struct siphash_key {
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;

    /// The key from its 16-byte encoding (bytes 0-7 are k0, 8-15 are k1, each little-endian).
    static siphash_key from_bytes(const unsigned char (&bytes)[16]) noexcept;
};

namespace siphash_impl {

constexpr std::uint64_t rotl(std::uint64_t x, unsigned b) noexcept
{
    return (x << b) | (x >> (64U - b));
}

/// Eight bytes as a little-endian word, whatever the machine's byte order.
inline std::uint64_t load_le64(const unsigned char* p) noexcept
{
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8U * i);
    return v;
}

struct state {
    std::uint64_t v0, v1, v2, v3;

    void round() noexcept
    {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }

    // c = 2 rounds per message word.
    void compress(std::uint64_t m) noexcept
    {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

} // namespace siphash_impl

inline siphash_key siphash_key::from_bytes(const unsigned char (&bytes)[16]) noexcept
{
    return {siphash_impl::load_le64(bytes), siphash_impl::load_le64(bytes + 8)};
}

namespace siphash_impl {

// Initialisation (the key xored with the constants "somepseudorandomlygeneratedbytes", and
// `v1_tweak` into v1: 0 for the 64-bit output, 0xee for the 128-bit one) and compression of the
// whole message, its last word included: the remaining 0-7 bytes, little-endian, with the length
// modulo 256 in the most significant byte.
inline state absorb(const siphash_key& key, const void* data, std::size_t size,
                    std::uint64_t v1_tweak) noexcept
{
    state s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL ^ v1_tweak,
            key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
    const auto* p = static_cast<const unsigned char*>(data);
    const std::size_t whole = size - size % 8;
    for (std::size_t i = 0; i < whole; i += 8) s.compress(load_le64(p + i));
    std::uint64_t last = static_cast<std::uint64_t>(size & 0xffU) << 56;
    for (std::size_t i = whole; i < size; ++i)
        last |= static_cast<std::uint64_t>(p[i]) << (8U * (i - whole));
    s.compress(last);
    return s;
}

// d = 4 finalisation rounds after `tweak` is xored into `v`, and the folded output word.
inline std::uint64_t finish(state& s, std::uint64_t& v, std::uint64_t tweak) noexcept
{
    v ^= tweak;
    s.round();
    s.round();
    s.round();
    s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

} // namespace siphash_impl

/// SipHash-2-4 of `size` bytes at `data` under `key`.
inline std::uint64_t siphash24(const siphash_key& key, const void* data, std::size_t size) noexcept
{
    siphash_impl::state s = siphash_impl::absorb(key, data, size, 0);
    return siphash_impl::finish(s, s.v2, 0xffU);
}

/// A 128-bit SipHash-2-4 output: `lo` is the first 8 bytes of the reference output (as a
/// little-endian word), `hi` the last 8.
struct siphash128 {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;

    friend bool operator==(const siphash128& a, const siphash128& b) noexcept
    {
        return a.lo == b.lo && a.hi == b.hi;
    }
    friend bool operator!=(const siphash128& a, const siphash128& b) noexcept { return !(a == b); }
};

/// SipHash-2-4 with a 128-bit output of `size` bytes at `data` under `key`.
inline siphash128 siphash24_128(const siphash_key& key, const void* data, std::size_t size) noexcept
{
    siphash_impl::state s = siphash_impl::absorb(key, data, size, 0xeeU);
    siphash128 out;
    out.lo = siphash_impl::finish(s, s.v2, 0xeeU);
    out.hi = siphash_impl::finish(s, s.v1, 0xddU);
    return out;
}

inline siphash128 siphash24_128(const siphash_key& key, std::string_view bytes) noexcept
{
    return siphash24_128(key, bytes.data(), bytes.size());
}

inline std::uint64_t siphash24(const siphash_key& key, std::string_view bytes) noexcept
{
    return siphash24(key, bytes.data(), bytes.size());
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_SIPHASH_HPP
