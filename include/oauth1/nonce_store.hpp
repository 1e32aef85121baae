// oauth1/nonce_store.hpp - replay protection for providers (RFC 5849 §3.3: "the server ... MUST
// verify that the nonce/timestamp/token combination has not been used before").
//
// A nonce store models:
//   bool s.insert(consumer_key, token, timestamp, nonce, now, ec)
// which checks and records the combination as ONE atomic step and returns true when it was not
// seen before. Entries are needed only while their timestamp is acceptable (within the window),
// so they expire at timestamp + window. A store that cannot answer sets `ec`; the verifier then
// refuses the request (fails closed).
//
// memory_nonce_store is the in-process default: thread-safe, entries evicted by time, and
// bounded. Every bound fails closed: at a bound the store refuses the new combination (sets `ec`,
// the verifier refuses the request) rather than forgetting a live nonce that could then be
// replayed. The bounds (memory_nonce_store_options):
//
//   bound                   default              at the bound
//   ----------------------  -------------------  ---------------------------------------------
//   max_entries             1,000,000 entries    errc::nonce_store_full, for every consumer
//   max_bytes               128 MiB              errc::nonce_store_full, for every consumer
//   max_per_consumer        max_entries / 4      errc::nonce_quota_exceeded, that consumer only
//   max_bytes_per_consumer  max_bytes / 4        errc::nonce_quota_exceeded, that consumer only
//
// - What an entry records: a 128-bit digest of the combination (SipHash-2-4-128 of consumer key,
//   token, timestamp and nonce, each self-delimiting, under a random key drawn for each store),
//   not the combination itself. A replay has the same digest and is always refused. Two
//   different combinations share a digest with probability 2^-128; the client cannot aim for it
//   without the store's key, and should it happen, a fresh request is refused (fail closed),
//   never a replay accepted. So an entry's size does not depend on the nonce's: a client sending
//   the longest nonces the verifier allows takes no more memory than one sending short ones.
// - Entries live until timestamp + window (saturating at 2^64 - 1), and only the entries of the
//   last window or so are live, so max_entries is a bound on the request rate over one window
//   (1,000,000 over 300 s: about 3,300 new requests per second, all consumers together).
// - max_bytes bounds bytes(), the store's memory for its live records: bytes_per_entry (76) for
//   each entry (its record, its expiry-heap element, its free-list slot and two slots of the
//   hash index, which is at most half full) and, for each consumer with live entries,
//   bytes_per_consumer plus its key's length. The default fits max_entries (76 MB) with room to
//   spare, so at the defaults max_entries binds first; set max_bytes to give the store a memory
//   budget instead. Not counted: the spare capacity of growing vectors (at most as much again)
//   and the index between a burst and its expiry (it shrinks when less than an eighth full).
// - The per-consumer quota keeps one consumer (a runaway client or a stolen key) from filling the
//   store and locking every other consumer out. It is a fraction rather than a fixed number so it
//   scales with the store: a quarter lets one busy consumer use a quarter of the capacity (about
//   830 requests per second at the defaults), and at least four consumers at their quota are
//   needed to fill the store. A provider with a single consumer should raise it to max_entries
//   (and max_bytes_per_consumer to max_bytes): a quota as large as the store's bound is no quota,
//   and that consumer then gets nonce_store_full at the bound. The per-consumer counters live in a
//   table of their own, keyed like the entries, holding only consumers with live entries (so at
//   most max_entries of them), and go away with a consumer's last entry.
// - Hash flooding: the tables hash with SipHash-2-4 under a random 128-bit key drawn from
//   OpenSSL's CSPRNG for each store, so a client cannot choose nonces that collide (with
//   std::hash, which is unkeyed, it could, and every insert then walked one ever longer probe
//   run under the store's mutex).
// - Memory is given back as entries expire: the hash tables shrink when less than an eighth
//   full, the entry pool is compacted when three quarters of it is free, and a consumer key
//   longer than kept_capacity (256 bytes) is freed with the consumer's last entry. Once the store
//   is warm, inserting allocates nothing (a combination longer than 256 bytes in all is
//   serialised on the heap to be hashed). Eviction runs at each insert() and at expire(now).
#ifndef OAUTH1_NONCE_STORE_HPP
#define OAUTH1_NONCE_STORE_HPP

#include <oauth1/detail/hash_index.hpp>
#include <oauth1/detail/nonce_digest.hpp>
#include <oauth1/detail/siphash.hpp>
#include <oauth1/error.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
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

/// Whether T meets the nonce store requirements (RFC 5849 §3.3; see the top of this header).
template <class T>
inline constexpr bool is_nonce_store_v = is_nonce_store<T>::value;

/// The bounds of a memory_nonce_store (see the table at the top of nonce_store.hpp).
struct memory_nonce_store_options {
    /// Seconds an entry lives past its timestamp: use the verifier's timestamp window (the
    /// verifier refuses to work with a store whose window is shorter than its own).
    std::uint64_t window = 300;
    /// Live entries, all consumers together; beyond: errc::nonce_store_full. At most 2^32 - 1.
    std::size_t max_entries = 1'000'000;
    /// bytes() of the live records, all consumers together; beyond: nonce_store_full.
    std::size_t max_bytes = std::size_t{128} * 1024 * 1024;
    /// Live entries of one consumer key; beyond: errc::nonce_quota_exceeded for that consumer.
    /// 0 (the default): max_entries / 4, at least 1. max_entries or more: no quota.
    std::size_t max_per_consumer = 0;
    /// bytes() of one consumer's live records; beyond: errc::nonce_quota_exceeded.
    /// 0 (the default): max_bytes / 4. max_bytes or more: no quota.
    std::size_t max_bytes_per_consumer = 0;
};

/// A snapshot of a memory_nonce_store, for monitoring (and tests).
struct memory_nonce_store_stats {
    std::size_t entries = 0;        ///< live entries (size())
    std::size_t consumers = 0;      ///< consumer keys with live entries
    std::size_t bytes = 0;          ///< bytes of the live records (bytes())
    std::size_t capacity = 0;       ///< bytes of string storage held (consumer keys)
    std::size_t pooled_entries = 0; ///< evicted entries kept for reuse
    std::size_t table_slots = 0;    ///< slots of the entry and consumer hash tables
    std::uint64_t inserts = 0;      ///< insert() calls since construction
    std::uint64_t probes = 0;       ///< hash-table slots examined since construction
};

/// Thread-safe in-memory nonce store with time-based eviction and bounds on entries, bytes and
/// each consumer's share (RFC 5849 §3.3).
///
/// Each entry records a keyed 128-bit digest of the combination (consumer key, token, timestamp
/// and nonce, each self-delimiting; see the top of nonce_store.hpp), so every entry has the same
/// size whatever the nonce's. Entries live in a pool of fixed-size records reused after
/// eviction, indexed by an open-addressing table (detail::hash_index) on the digest's first word;
/// a min-heap on expiry evicts them. Not copyable.
class memory_nonce_store {
public:
    /// Consumer-key strings up to this capacity are kept for reuse when the consumer's last entry
    /// expires; longer ones are freed, so a burst of large keys does not stay resident.
    static constexpr std::size_t kept_capacity = 256;

    /// The default bounds (memory_nonce_store_options{}).
    memory_nonce_store() : memory_nonce_store(memory_nonce_store_options{}) {}

    /// `window` and `max_entries` as in memory_nonce_store_options; the other bounds default
    /// (the per-consumer quota is a quarter of max_entries).
    explicit memory_nonce_store(std::uint64_t window, std::size_t max_entries = 1'000'000)
        : memory_nonce_store(with(window, max_entries))
    {}

    /// Throws oauth1::error(errc::crypto_failure) when OpenSSL's CSPRNG cannot give the hash
    /// key.
    explicit memory_nonce_store(const memory_nonce_store_options& opts) : opts_(resolve(opts))
    {
        unsigned char k[16];
        if (RAND_bytes(k, static_cast<int>(sizeof k)) != 1) {
            ERR_clear_error();
            detail::throw_if(make_error_code(errc::crypto_failure),
                             "memory_nonce_store: no random hash key from RAND_bytes");
        }
        hash_key_ = detail::siphash_key::from_bytes(k);
        OPENSSL_cleanse(k, sizeof k);
    }

    memory_nonce_store(const memory_nonce_store&) = delete;
    memory_nonce_store& operator=(const memory_nonce_store&) = delete;

    // The hash key is what keeps clients from choosing colliding nonces: not left in memory.
    ~memory_nonce_store() { OPENSSL_cleanse(&hash_key_, sizeof hash_key_); }

    /// Records (consumer_key, token, timestamp, nonce); true when it was new (RFC 5849 §3.3).
    /// A replay is false without an error. At a bound: false with errc::nonce_store_full or
    /// errc::nonce_quota_exceeded, and nothing recorded (fail closed). Entries expired before
    /// `now` are evicted first.
    bool insert(std::string_view consumer_key, std::string_view token, std::uint64_t timestamp,
                std::string_view nonce, std::uint64_t now, std::error_code& ec)
    {
        ec.clear();
        // Saturating: a timestamp near 2^64 must not wrap to an already expired entry.
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t expiry =
            timestamp > max - opts_.window ? max : timestamp + opts_.window;
        // Hashed before the lock is taken: the critical section is the table work only.
        const detail::siphash128 digest = digest_of(consumer_key, token, timestamp, nonce);
        const std::lock_guard<std::mutex> lock(mutex_);
        ++inserts_;
        evict(now);
        const outcome o = insert_locked(digest, consumer_key, expiry);
        if (o == outcome::full) ec = make_error_code(errc::nonce_store_full);
        if (o == outcome::quota) ec = make_error_code(errc::nonce_quota_exceeded);
        return o == outcome::fresh;
    }

    /// Evicts the entries that expired before `now` and gives their memory back (insert() does
    /// this too; call it from a timer to release memory while no requests arrive).
    void expire(std::uint64_t now)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        evict(now);
    }

    /// Number of live entries (for monitoring and tests).
    std::size_t size() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return entries_.size();
    }

    /// Bytes of the live records, the quantity max_bytes bounds: bytes_per_entry for each live
    /// entry, plus bytes_per_consumer and the key's length for each consumer with live entries.
    std::size_t bytes() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return bytes_;
    }

    /// Counters for monitoring: a probes / inserts ratio far above 2 would mean clustering.
    memory_nonce_store_stats stats() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        memory_nonce_store_stats s;
        s.entries = entries_.size();
        s.consumers = consumers_.size();
        s.bytes = bytes_;
        for (const consumer& c : cpool_) s.capacity += c.key.capacity();
        s.pooled_entries = free_entries_.size();
        s.table_slots = entries_.slot_count() + consumers_.slot_count();
        s.inserts = inserts_;
        s.probes = entries_.probes() + consumers_.probes();
        return s;
    }

    /// This store's keyed hash of a combination (the first word of its digest, which places
    /// its entry in the table): differs between stores, so nothing a client learns about one
    /// store's table (or std::hash) predicts it. For tests and diagnostics; never show it to
    /// clients.
    std::uint64_t keyed_hash(std::string_view consumer_key, std::string_view token,
                             std::uint64_t timestamp, std::string_view nonce) const
    {
        return digest_of(consumer_key, token, timestamp, nonce).lo;
    }

    /// Seconds an entry is kept past its timestamp.
    std::uint64_t window() const noexcept { return opts_.window; }
    /// The most entries the store holds.
    std::size_t max_entries() const noexcept { return opts_.max_entries; }
    /// The bounds in force (the defaulted quotas resolved to numbers).
    const memory_nonce_store_options& options() const noexcept { return opts_; }

private:
    enum class outcome { fresh, seen, full, quota };

    struct entry {
        std::uint64_t lo = 0;       ///< the digest's first word: the entry's hash in entries_
        std::uint64_t hi = 0;       ///< its second word
        std::uint32_t consumer = 0; ///< into cpool_
    };
    struct consumer {
        std::string key;
        std::uint64_t hash = 0;
        std::size_t entries = 0;
        std::size_t bytes = 0; ///< its share of bytes()
    };
    using heap_entry = std::pair<std::uint64_t, std::uint32_t>; // (expiry, index into pool_)

public:
    /// bytes() of one live entry: its record, its expiry-heap element, its free-list slot, and
    /// two hash-index slots (the index is at most half full).
    static constexpr std::size_t bytes_per_entry = sizeof(entry) + sizeof(heap_entry) +
                                                   sizeof(std::uint32_t) +
                                                   2 * detail::hash_index::slot_bytes;
    /// bytes() of a consumer with live entries, besides its key's length: its counter record,
    /// its free-list slot and two hash-index slots.
    static constexpr std::size_t bytes_per_consumer =
        sizeof(consumer) + sizeof(std::uint32_t) + 2 * detail::hash_index::slot_bytes;

private:
    static constexpr std::uint32_t none = detail::hash_index::none;

    static memory_nonce_store_options with(std::uint64_t window, std::size_t max_entries)
    {
        memory_nonce_store_options o;
        o.window = window;
        o.max_entries = max_entries;
        return o;
    }

    static memory_nonce_store_options resolve(memory_nonce_store_options o)
    {
        o.max_entries = std::min(o.max_entries, detail::hash_index::max_size());
        if (o.max_per_consumer == 0)
            o.max_per_consumer = std::max<std::size_t>(o.max_entries / 4, 1);
        if (o.max_bytes_per_consumer == 0) o.max_bytes_per_consumer = o.max_bytes / 4;
        return o;
    }

    static bool later(const heap_entry& a, const heap_entry& b) noexcept
    {
        return a.first > b.first;
    }

    // The digest that stands for the combination in the store.
    detail::siphash128 digest_of(std::string_view consumer_key, std::string_view token,
                                 std::uint64_t timestamp, std::string_view nonce) const
    {
        return detail::nonce_digest(hash_key_, consumer_key, token, timestamp, nonce);
    }

    // Frees a string too long to be worth keeping.
    static void release(std::string& s) noexcept
    {
        if (s.capacity() > kept_capacity)
            std::string().swap(s);
        else
            s.clear();
    }

    // Grows `v` geometrically so that `n` elements fit without a later reallocation.
    template <class T>
    static void reserve_for(std::vector<T>& v, std::size_t n)
    {
        if (v.capacity() < n) v.reserve(std::max(n, v.capacity() * 2));
    }

    // The table work of insert(), under the mutex: checks the bounds, then records the entry.
    outcome insert_locked(const detail::siphash128& digest, std::string_view consumer_key,
                          std::uint64_t expiry);

    // Entries are live while now <= expiry (= timestamp + window): exactly as long as the verifier
    // accepts their timestamp.
    void evict(std::uint64_t now);

    // Gives back the pool, heap and free-list memory of a burst that has expired: the live
    // entries move to the front of a new pool (in heap order), and the heap and the entry table
    // are renumbered. O(pool size), after at least three quarters of the pool was evicted.
    void compact();

    memory_nonce_store_options opts_;
    detail::siphash_key hash_key_;
    mutable std::mutex mutex_;
    detail::hash_index entries_;   // keyed hash of an entry's key -> index into pool_
    detail::hash_index consumers_; // keyed hash of a consumer key -> index into cpool_
    std::vector<entry> pool_;
    std::vector<std::uint32_t> free_entries_;
    std::vector<consumer> cpool_;
    std::vector<std::uint32_t> free_consumers_;
    std::vector<heap_entry> expiries_;
    std::size_t bytes_ = 0;
    std::uint64_t inserts_ = 0;
};

} // namespace oauth1

// Definitions in both modes: nothing in this header is compiled separately (see config.hpp).
#include <oauth1/impl/nonce_store.ipp>

#endif // OAUTH1_NONCE_STORE_HPP
