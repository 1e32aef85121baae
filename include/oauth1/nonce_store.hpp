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
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
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
///
/// Exact: every entry keeps its whole key (consumer key, token, timestamp and nonce, each
/// length-prefixed), so two different combinations never collide. Open addressing over a
/// power-of-two table of (hash, entry) slots; entries live in a pool whose strings are reused
/// after eviction, and a min-heap on expiry evicts them. Once the table has grown to the working
/// set, inserting allocates nothing.
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
        // Saturating: a timestamp near 2^64 must not wrap to an already expired entry.
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t expiry = timestamp > max - window_ ? max : timestamp + window_;
        const std::lock_guard<std::mutex> lock(mutex_);
        // Each field is prefixed by its length: decoded protocol values may hold any byte, and two
        // different combinations must never share a key (or a fresh request would be refused).
        std::string& key = scratch_;
        key.clear();
        append_field(key, consumer_key);
        append_field(key, token);
        append_number(key, timestamp);
        append_field(key, nonce);
        const std::uint64_t h = std::hash<std::string_view>{}(key);

        evict(now);
        if (slots_.empty()) rehash(16);
        // Look the key up; remember the first reusable slot on the way.
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(h) & mask;
        std::size_t target = npos;
        while (slots_[i].state != slot_empty) {
            if (slots_[i].state == slot_used) {
                if (slots_[i].hash == h && pool_[slots_[i].index].key == key) return false;
            } else if (target == npos) {
                target = i;
            }
            i = (i + 1) & mask;
        }
        if (live_ >= max_entries_) {
            ec = make_error_code(errc::nonce_store_full);
            return false;
        }
        if (target == npos) target = i;
        // Keep at most half of the slots used or deleted, so probe sequences stay short.
        if ((live_ + deleted_ + 1) * 2 > slots_.size()) {
            rehash(live_ + 1 > slots_.size() / 4 ? slots_.size() * 2 : slots_.size());
            target = free_slot(h);
        }
        std::size_t index;
        if (!free_entries_.empty()) {
            index = free_entries_.back();
            free_entries_.pop_back();
            pool_[index].key.assign(key); // reuses the evicted entry's memory
        } else {
            index = pool_.size();
            pool_.push_back(pooled{key, 0});
        }
        pool_[index].hash = h;
        if (slots_[target].state == slot_deleted) --deleted_;
        slots_[target] = slot{h, index, slot_used};
        ++live_;
        // A min-heap on expiry: O(log n) whatever order timestamps arrive in (clients' clocks are
        // skewed by up to the window either way).
        expiries_.emplace_back(expiry, index);
        std::push_heap(expiries_.begin(), expiries_.end(), later);
        return true;
    }

    /// Number of live entries (for monitoring and tests).
    std::size_t size() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return live_;
    }

    std::uint64_t window() const noexcept { return window_; }
    std::size_t max_entries() const noexcept { return max_entries_; }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    static constexpr unsigned char slot_empty = 0;
    static constexpr unsigned char slot_used = 1;
    static constexpr unsigned char slot_deleted = 2;

    struct slot {
        std::uint64_t hash;
        std::size_t index; ///< into pool_
        unsigned char state;
    };
    struct pooled {
        std::string key;
        std::uint64_t hash;
    };
    using heap_entry = std::pair<std::uint64_t, std::size_t>; // (expiry, index into pool_)

    static bool later(const heap_entry& a, const heap_entry& b) noexcept
    {
        return a.first > b.first;
    }

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

    /// The first empty or deleted slot on `h`'s probe sequence (the key is known to be absent).
    std::size_t free_slot(std::uint64_t h) const noexcept
    {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = static_cast<std::size_t>(h) & mask;
        while (slots_[i].state == slot_used) i = (i + 1) & mask;
        return i;
    }

    /// Rebuilds the table with `size` slots (a power of two), dropping deleted markers.
    void rehash(std::size_t size)
    {
        std::size_t n = 16;
        while (n < size) n *= 2;
        std::vector<slot> old(n, slot{0, 0, slot_empty});
        old.swap(slots_);
        deleted_ = 0;
        for (const slot& s : old)
            if (s.state == slot_used) slots_[free_slot(s.hash)] = s;
    }

    // Entries are live while now <= expiry (= timestamp + window): exactly as long as the verifier
    // accepts their timestamp.
    void evict(std::uint64_t now)
    {
        while (!expiries_.empty() && expiries_.front().first < now) {
            const std::size_t index = expiries_.front().second;
            std::pop_heap(expiries_.begin(), expiries_.end(), later);
            expiries_.pop_back();
            // Find the slot that refers to this entry and mark it deleted.
            const std::size_t mask = slots_.size() - 1;
            std::size_t i = static_cast<std::size_t>(pool_[index].hash) & mask;
            while (!(slots_[i].state == slot_used && slots_[i].index == index)) i = (i + 1) & mask;
            slots_[i].state = slot_deleted;
            ++deleted_;
            --live_;
            free_entries_.push_back(index);
        }
    }

    std::uint64_t window_;
    std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::vector<slot> slots_;
    std::vector<pooled> pool_;
    std::vector<std::size_t> free_entries_;
    std::vector<heap_entry> expiries_;
    std::size_t live_ = 0;
    std::size_t deleted_ = 0;
    std::string scratch_;
};

} // namespace oauth1

#endif // OAUTH1_NONCE_STORE_HPP
