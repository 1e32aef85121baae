// oauth1/nonce_store.hpp - replay protection for providers (RFC 5849 3.3: "the server ... MUST
// verify that the nonce/timestamp/token combination has not been used before").
//
// A nonce store models:
//   bool s.insert(consumer_key, token, timestamp, nonce, now, ec)
// which checks and records the combination as ONE atomic step and returns true when it was not
// seen before. Entries are needed only while their timestamp is acceptable (within the window),
// so they expire at timestamp + window. A store that cannot answer sets `ec`; the verifier then
// refuses the request (fails closed).
//
// memory_nonce_store is the in-process default: thread-safe, entries evicted by time, and bounded:
// when full of unexpired entries it refuses new requests (errc::nonce_store_full) rather than
// forgetting a nonce that could then be replayed.
#ifndef OAUTH1_NONCE_STORE_HPP
#define OAUTH1_NONCE_STORE_HPP

#include <oauth1/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

namespace oauth1 {

/// C++17 detection of the nonce-store requirements.
template <class T, class = void>
struct is_nonce_store : std::false_type {};

template <class T>
struct is_nonce_store<T,
                      std::void_t<decltype(bool{std::declval<T&>().insert(
                          std::string_view{}, std::string_view{}, std::uint64_t{},
                          std::string_view{}, std::uint64_t{}, std::declval<std::error_code&>())})>>
    : std::true_type {};

template <class T>
inline constexpr bool is_nonce_store_v = is_nonce_store<T>::value;

/// Thread-safe in-memory nonce store with time-based eviction and a hard bound on entries.
class memory_nonce_store {
public:
    /// `window`: seconds an entry lives past its timestamp (use the verifier's timestamp window).
    /// `max_entries`: bound on live entries; beyond it inserts fail with errc::nonce_store_full.
    explicit memory_nonce_store(std::uint64_t window = 300, std::size_t max_entries = 1'000'000)
        : window_(window), max_entries_(max_entries)
    {}

    memory_nonce_store(const memory_nonce_store&) = delete;
    memory_nonce_store& operator=(const memory_nonce_store&) = delete;

    /// Records (consumer_key, token, timestamp, nonce); true when it was new.
    bool insert(std::string_view consumer_key, std::string_view token, std::uint64_t timestamp,
                std::string_view nonce, std::uint64_t now, std::error_code& ec)
    {
        ec.clear();
        // Each field is prefixed by its length: decoded protocol values may hold any byte, and two
        // different combinations must never share a key (or a fresh request would be refused).
        std::string key;
        key.reserve(consumer_key.size() + token.size() + nonce.size() + 4 * 21);
        append_field(key, consumer_key);
        append_field(key, token);
        append_number(key, timestamp);
        append_field(key, nonce);
        // Saturating: a timestamp near 2^64 must not wrap to an already expired entry.
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t expiry = timestamp > max - window_ ? max : timestamp + window_;
        const std::lock_guard<std::mutex> lock(mutex_);
        evict(now);
        // One hash and one lookup: insert, then take the entry back out if over the bound.
        const auto [it, fresh] = seen_.insert(std::move(key));
        if (!fresh) return false;
        if (seen_.size() > max_entries_) {
            seen_.erase(it);
            ec = make_error_code(errc::nonce_store_full);
            return false;
        }
        // A min-heap on expiry: O(log n) whatever order timestamps arrive in (clients' clocks are
        // skewed by up to the window either way).
        expiries_.emplace_back(expiry, &*it);
        std::push_heap(expiries_.begin(), expiries_.end(), later);
        return true;
    }

    /// Number of live entries (for monitoring and tests).
    std::size_t size() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return seen_.size();
    }

    std::uint64_t window() const noexcept { return window_; }
    std::size_t max_entries() const noexcept { return max_entries_; }

private:
    using entry = std::pair<std::uint64_t, const std::string*>;

    static bool later(const entry& a, const entry& b) noexcept { return a.first > b.first; }

    static void append_number(std::string& key, std::uint64_t v)
    {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        key.append(buf, static_cast<std::size_t>(r.ptr - buf));
        key.push_back(':');
    }

    static void append_field(std::string& key, std::string_view v)
    {
        append_number(key, v.size());
        key.append(v);
    }

    // Entries are live while now <= expiry (= timestamp + window): exactly as long as the verifier
    // accepts their timestamp.
    void evict(std::uint64_t now)
    {
        while (!expiries_.empty() && expiries_.front().first < now) {
            seen_.erase(*expiries_.front().second);
            std::pop_heap(expiries_.begin(), expiries_.end(), later);
            expiries_.pop_back();
        }
    }

    std::uint64_t window_;
    std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::unordered_set<std::string> seen_;
    // Min-heap of (expiry, element of seen_): unordered_set never moves its elements, so the
    // pointer stays valid until the element is erased.
    std::vector<entry> expiries_;
};

} // namespace oauth1

#endif // OAUTH1_NONCE_STORE_HPP
