// oauth1/detail/verify.hpp - machinery of the provider's verifier (provider.hpp): the protocol
// parameters it reads, timestamp parsing, and the wiped cache key of its signer cache.
#ifndef OAUTH1_DETAIL_VERIFY_HPP
#define OAUTH1_DETAIL_VERIFY_HPP

#include <oauth1/parameters.hpp>

#include <openssl/crypto.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
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
/// compared in constant time (for equal lengths), wiped with OPENSSL_cleanse whenever they are
/// replaced, cleared or destroyed, never left behind by a reallocation.
class secret_pair_key {
public:
    secret_pair_key() = default;
    secret_pair_key(const secret_pair_key& o) { copy_from(o); }
    secret_pair_key(secret_pair_key&& o) noexcept
        : data_(std::move(o.data_)), capacity_(o.capacity_), first_(o.first_), second_(o.second_),
          held_(o.held_)
    {
        o.capacity_ = o.first_ = o.second_ = 0;
        o.held_ = false;
    }
    secret_pair_key& operator=(const secret_pair_key& o)
    {
        if (this != &o) copy_from(o);
        return *this;
    }
    secret_pair_key& operator=(secret_pair_key&& o) noexcept
    {
        if (this != &o) {
            wipe();
            data_ = std::move(o.data_);
            capacity_ = o.capacity_;
            first_ = o.first_;
            second_ = o.second_;
            held_ = o.held_;
            o.capacity_ = o.first_ = o.second_ = 0;
            o.held_ = false;
        }
        return *this;
    }
    ~secret_pair_key() { wipe(); }

    /// Whether the pair is (a, b); the bytes are compared in constant time.
    bool matches(std::string_view a, std::string_view b) const noexcept
    {
        if (!held_ || a.size() != first_ || b.size() != second_) return false;
        const int x = a.empty() ? 0 : CRYPTO_memcmp(data_.get(), a.data(), a.size());
        const int y = b.empty() ? 0 : CRYPTO_memcmp(data_.get() + first_, b.data(), b.size());
        return (x | y) == 0;
    }

    void assign(std::string_view a, std::string_view b)
    {
        if (a.size() + b.size() > capacity_) {
            wipe();
            data_.reset();
            capacity_ = 0;
            data_ = std::make_unique<char[]>(a.size() + b.size());
            capacity_ = a.size() + b.size();
        } else {
            wipe();
        }
        if (!a.empty()) std::memcpy(data_.get(), a.data(), a.size());
        if (!b.empty()) std::memcpy(data_.get() + a.size(), b.data(), b.size());
        first_ = a.size();
        second_ = b.size();
        held_ = true;
    }

    /// Forgets (and wipes) the pair, keeping the memory.
    void wipe() noexcept
    {
        if (data_ && capacity_ != 0) OPENSSL_cleanse(data_.get(), capacity_);
        first_ = second_ = 0;
        held_ = false;
    }

    /// True when no pair is held.
    bool empty() const noexcept { return !held_; }

    /// The held bytes, zeros after wipe() (for tests).
    std::string_view storage() const noexcept { return {data_.get(), capacity_}; }

private:
    void copy_from(const secret_pair_key& o)
    {
        if (!o.held_) {
            wipe();
            return;
        }
        assign(std::string_view(o.data_.get(), o.first_),
               std::string_view(o.data_.get() + o.first_, o.second_));
    }

    std::unique_ptr<char[]> data_;
    std::size_t capacity_ = 0;
    std::size_t first_ = 0;
    std::size_t second_ = 0;
    bool held_ = false;
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_VERIFY_HPP
