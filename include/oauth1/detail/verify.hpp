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

/// The protocol field named `name`, or field_count for any other name: the length and one byte
/// pick the only candidate, then one whole comparison (no name is compared with ten others).
inline protocol_field protocol_field_of(std::string_view name) noexcept
{
    if (name.size() < 11) return field_count;
    const char c = name[6]; // the first byte after "oauth_"
    protocol_field f = field_count;
    switch (name.size()) {
    case 11: f = c == 't' ? field_token : field_nonce; break;
    case 13: f = field_version; break;
    case 14: f = c == 'c' ? field_callback : field_verifier; break;
    case 15: f = c == 's' ? field_signature : c == 't' ? field_timestamp : field_body_hash; break;
    case 18: f = field_consumer_key; break;
    case 22: f = field_signature_method; break;
    default: return field_count;
    }
    return name == protocol_field_names[f] ? f : field_count;
}

/// The encoded values of the known protocol parameters of one source, found in one pass.
struct protocol_values {
    std::string_view value[field_count];
    bool present[field_count] = {};

    /// Fills the table from `source` (whose oauth_* names are known to be unique): O(n).
    void collect(const parameter_list& source) noexcept
    {
        for (bool& p : present) p = false;
        for (const parameter_view p : source) {
            const protocol_field f = protocol_field_of(p.name);
            if (f == field_count) continue;
            value[f] = p.value;
            present[f] = true;
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
