// oauth1/detail/verify.hpp - machinery of the provider's verifier (provider.hpp): the protocol
// parameters it reads, timestamp parsing, and the wiped cache key of its signer cache.
#ifndef OAUTH1_DETAIL_VERIFY_HPP
#define OAUTH1_DETAIL_VERIFY_HPP

#include <oauth1/detail/secret.hpp>
#include <oauth1/parameters.hpp>

#include <openssl/crypto.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

namespace oauth1::detail {

inline bool parse_timestamp(std::string_view s, std::uint64_t& out) noexcept
{
    if (s.empty() || s.size() > 19) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

inline bool starts_with_oauth(std::string_view n) noexcept
{
    return n.substr(0, 6) == "oauth_";
}

/// Whether a nonce store tells how long it keeps entries (`window()`, seconds past the timestamp).
template <class T, class = void>
struct has_window : std::false_type {};
template <class T>
struct has_window<T, std::void_t<decltype(std::uint64_t{std::declval<const T&>().window()})>>
    : std::true_type {};

/// The protocol parameters the verifier reads (RFC 5849 §3.1, §3.2 and the body-hash extension).
enum protocol_field : unsigned char {
    field_consumer_key,
    field_token,
    field_signature_method,
    field_signature,
    field_timestamp,
    field_nonce,
    field_version,
    field_callback,
    field_verifier,
    field_body_hash,
    field_count
};

inline constexpr std::string_view protocol_field_names[field_count] = {
    "oauth_consumer_key", "oauth_token",    "oauth_signature_method", "oauth_signature",
    "oauth_timestamp",    "oauth_nonce",    "oauth_version",          "oauth_callback",
    "oauth_verifier",     "oauth_body_hash"};

/// The encoded values of the known protocol parameters of one source, found in one pass.
struct protocol_values {
    std::string_view value[field_count];
    bool present[field_count] = {};

    /// Fills the table from `source` (whose oauth_* names are known to be unique): O(n).
    void collect(const parameter_list& source) noexcept
    {
        for (bool& p : present) p = false;
        for (const parameter_view p : source) {
            if (!starts_with_oauth(p.name)) continue;
            for (unsigned f = 0; f < field_count; ++f) {
                if (p.name == protocol_field_names[f]) {
                    value[f] = p.value;
                    present[f] = true;
                    break;
                }
            }
        }
    }
};

/// The secrets a cached HMAC/PLAINTEXT signer was made from, kept to recognise them again:
/// compared in constant time (for equal lengths), held in a secret_bytes buffer (wiped whenever
/// it lets go of them: replaced, cleared, moved from or destroyed).
class secret_pair_key {
public:
    /// Whether the pair is (a, b); the bytes are compared in constant time.
    bool matches(std::string_view a, std::string_view b) const noexcept
    {
        const std::string_view held = bytes_.view();
        if (!held_ || a.size() != first_ || a.size() + b.size() != held.size()) return false;
        const int x = a.empty() ? 0 : CRYPTO_memcmp(held.data(), a.data(), a.size());
        const int y = b.empty() ? 0 : CRYPTO_memcmp(held.data() + first_, b.data(), b.size());
        return (x | y) == 0;
    }

    void assign(std::string_view a, std::string_view b)
    {
        char* const p = bytes_.prepare(a.size() + b.size());
        if (!a.empty()) std::memcpy(p, a.data(), a.size());
        if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
        first_ = a.size();
        held_ = true;
    }

    /// Forgets (and wipes) the pair.
    void wipe() noexcept
    {
        bytes_.clear();
        first_ = 0;
        held_ = false;
    }

    /// True when no pair is held.
    bool empty() const noexcept { return !held_; }

private:
    secret_bytes bytes_;
    std::size_t first_ = 0;
    bool held_ = false;
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_VERIFY_HPP
