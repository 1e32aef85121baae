// oauth1/impl/nonce_store.ipp - private to oauth1: the table work of oauth1/nonce_store.hpp's
// memory_nonce_store (recording an entry within the bounds, evicting expired entries, compacting
// the pool). Included at the end of oauth1/nonce_store.hpp in both modes (everything here is
// inline; none of it is compiled separately by oauth1/src.hpp).
#ifndef OAUTH1_IMPL_NONCE_STORE_IPP
#define OAUTH1_IMPL_NONCE_STORE_IPP

#include <oauth1/nonce_store.hpp>

#include <oauth1/detail/hash_index.hpp>
#include <oauth1/detail/siphash.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace oauth1 {

inline memory_nonce_store::outcome
memory_nonce_store::insert_locked(const detail::siphash128& digest, std::string_view consumer_key,
                                  std::uint64_t expiry)
{
    if (entries_.find(digest.lo, [&](std::uint32_t e) { return pool_[e].hi == digest.hi; }) != none)
        return outcome::seen;
    const std::uint64_t ch = detail::siphash24(hash_key_, consumer_key);
    const std::uint32_t c =
        consumers_.find(ch, [&](std::uint32_t i) { return cpool_[i].key == consumer_key; });
    // The consumer's own quota first: the one over its share is told so, whatever the others
    // hold. A quota as large as the store's bound is no quota (a single-consumer provider
    // sets that): such a consumer is told that the store is full.
    const std::size_t cost =
        bytes_per_entry + (c == none ? bytes_per_consumer + consumer_key.size() : 0);
    const std::size_t held_entries = c == none ? 0 : cpool_[c].entries;
    const std::size_t held_bytes = c == none ? 0 : cpool_[c].bytes;
    if (opts_.max_per_consumer < opts_.max_entries && held_entries >= opts_.max_per_consumer)
        return outcome::quota;
    if (opts_.max_bytes_per_consumer < opts_.max_bytes &&
        (cost > opts_.max_bytes_per_consumer || held_bytes > opts_.max_bytes_per_consumer - cost))
        return outcome::quota;
    if (entries_.size() >= opts_.max_entries || cost > opts_.max_bytes ||
        bytes_ > opts_.max_bytes - cost)
        return outcome::full;

    // Everything that can allocate (and throw) happens first and changes nothing the store
    // answers from; the commit below cannot fail. Once warm, nothing here allocates.
    if (free_entries_.empty()) {
        reserve_for(free_entries_, pool_.size() + 1); // evict() pushes without allocating
        pool_.emplace_back();
        free_entries_.push_back(static_cast<std::uint32_t>(pool_.size() - 1));
    }
    const std::uint32_t e = free_entries_.back();
    std::uint32_t ci = c;
    if (c == none) {
        if (free_consumers_.empty()) {
            reserve_for(free_consumers_, cpool_.size() + 1);
            cpool_.emplace_back();
            free_consumers_.push_back(static_cast<std::uint32_t>(cpool_.size() - 1));
        }
        ci = free_consumers_.back();
        cpool_[ci].key.assign(consumer_key.data(), consumer_key.size());
        consumers_.reserve_one();
    }
    entries_.reserve_one();
    reserve_for(expiries_, expiries_.size() + 1);

    // Commit.
    free_entries_.pop_back();
    if (c == none) {
        free_consumers_.pop_back();
        consumer& fresh = cpool_[ci];
        fresh.hash = ch;
        fresh.entries = 0;
        fresh.bytes = bytes_per_consumer + consumer_key.size();
        consumers_.insert(ch, ci);
    }
    consumer& owner = cpool_[ci];
    ++owner.entries;
    owner.bytes += bytes_per_entry;
    bytes_ += cost;
    pool_[e].lo = digest.lo;
    pool_[e].hi = digest.hi;
    pool_[e].consumer = ci;
    entries_.insert(digest.lo, e);
    // A min-heap on expiry: O(log n) whatever order timestamps arrive in (clients' clocks are
    // skewed by up to the window either way).
    expiries_.emplace_back(expiry, e);
    std::push_heap(expiries_.begin(), expiries_.end(), later);
    return outcome::fresh;
}

inline void memory_nonce_store::evict(std::uint64_t now)
{
    if (expiries_.empty() || expiries_.front().first >= now) return;
    while (!expiries_.empty() && expiries_.front().first < now) {
        const std::uint32_t e = expiries_.front().second;
        std::pop_heap(expiries_.begin(), expiries_.end(), later);
        expiries_.pop_back();
        const entry& gone = pool_[e];
        entries_.erase(gone.lo, e);
        consumer& owner = cpool_[gone.consumer];
        --owner.entries;
        owner.bytes -= bytes_per_entry;
        bytes_ -= bytes_per_entry;
        if (owner.entries == 0) {
            consumers_.erase(owner.hash, gone.consumer);
            bytes_ -= owner.bytes; // bytes_per_consumer and its key
            owner.bytes = 0;
            release(owner.key);
            free_consumers_.push_back(gone.consumer);
        }
        free_entries_.push_back(e);
    }
    entries_.shrink_to_fit();
    consumers_.shrink_to_fit();
    if (pool_.size() > 1024 && free_entries_.size() * 4 > pool_.size() * 3) compact();
}

inline void memory_nonce_store::compact()
{
    std::vector<std::uint32_t> renumbering(pool_.size(), none);
    std::vector<entry> kept;
    kept.reserve(expiries_.size());
    for (heap_entry& x : expiries_) {
        renumbering[x.second] = static_cast<std::uint32_t>(kept.size());
        kept.push_back(pool_[x.second]);
        x.second = renumbering[x.second];
    }
    entries_.renumber(renumbering);
    pool_.swap(kept);
    std::vector<std::uint32_t>().swap(free_entries_);
    free_entries_.reserve(pool_.size());
    std::vector<heap_entry>(expiries_.begin(), expiries_.end()).swap(expiries_);
}

} // namespace oauth1

#endif // OAUTH1_IMPL_NONCE_STORE_IPP
