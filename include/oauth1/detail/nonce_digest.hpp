// oauth1/detail/nonce_digest.hpp - private to oauth1 (not a public header): the keyed 128-bit
// digest that stands for a (consumer key, token, timestamp, nonce) combination in
// oauth1::memory_nonce_store (oauth1/nonce_store.hpp; RFC 5849 §3.3), and the self-delimiting
// serialisation it hashes.
#ifndef OAUTH1_DETAIL_NONCE_DIGEST_HPP
#define OAUTH1_DETAIL_NONCE_DIGEST_HPP

#include <oauth1/detail/siphash.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace oauth1::detail {

// A number in 7-bit groups, least significant first, the high bit set on all but the last
// (LEB128): one byte for every length under 128, and no group is a prefix of another.
template <class Out>
void nonce_key_append_number(Out& key, std::uint64_t v)
{
    while (v >= 0x80U) {
        key.push_back(static_cast<char>(static_cast<unsigned char>(v & 0x7fU) | 0x80U));
        v >>= 7;
    }
    key.push_back(static_cast<char>(v));
}

template <class Out>
void nonce_key_append_field(Out& key, std::string_view v)
{
    nonce_key_append_number(key, v.size());
    key.append(v);
}

// The serialised combination that is hashed: each string field prefixed by its length and
// the timestamp as a number, so that two different combinations never serialise alike
// (decoded protocol values may hold any byte).
template <class Out>
void nonce_key_append(Out& key, std::string_view consumer_key, std::string_view token,
                      std::uint64_t timestamp, std::string_view nonce)
{
    nonce_key_append_field(key, consumer_key);
    nonce_key_append_field(key, token);
    nonce_key_append_number(key, timestamp);
    nonce_key_append_field(key, nonce);
}

// Up to 256 bytes on the stack; `overflow` when more did not fit.
struct nonce_stack_key {
    char data[256];
    std::size_t size = 0;
    bool overflow = false;

    void append(const char* p, std::size_t n) noexcept
    {
        if (overflow || n > sizeof data - size) {
            overflow = true;
            return;
        }
        std::memcpy(data + size, p, n);
        size += n;
    }
    void append(std::string_view v) noexcept { append(v.data(), v.size()); }
    void push_back(char c) noexcept { append(&c, 1); }
};

// The digest that stands for the combination in a store hashing under `hash_key`.
inline siphash128 nonce_digest(const siphash_key& hash_key, std::string_view consumer_key,
                               std::string_view token, std::uint64_t timestamp,
                               std::string_view nonce)
{
    nonce_stack_key small;
    nonce_key_append(small, consumer_key, token, timestamp, nonce);
    if (!small.overflow) return siphash24_128(hash_key, small.data, small.size);
    std::string key;
    nonce_key_append(key, consumer_key, token, timestamp, nonce);
    return siphash24_128(hash_key, key);
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_NONCE_DIGEST_HPP
