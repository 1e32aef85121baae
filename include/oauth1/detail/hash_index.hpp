// oauth1/detail/hash_index.hpp - an open-addressing index from 64-bit hashes to entry numbers.
//
// Private to the library. The caller keeps its entries in its own pool and compares keys itself
// (find() takes a predicate); the index only maps a hash to candidate entry numbers. Linear
// probing over a power-of-two table of (hash, entry) slots, at most half full; erase() shifts
// the following slots back (Knuth's algorithm R) instead of leaving tombstones, so a long-lived
// table never fills up with deleted markers and never needs a same-size rehash. The table
// shrinks when it is less than an eighth full, so the memory of a burst is given back.
//
// Linear probing is fast only while hashes are spread out: use it with a keyed hash
// (detail/siphash.hpp), never with a hash the input's author can predict. probes() counts every
// slot examined, for tests and monitoring.
#ifndef OAUTH1_DETAIL_HASH_INDEX_HPP
#define OAUTH1_DETAIL_HASH_INDEX_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

namespace oauth1::detail {

class hash_index {
public:
    /// "No entry": the value of an empty slot and of an unsuccessful find().
    static constexpr std::uint32_t none = 0xffffffffU;
    /// The largest number of entries (entry numbers are 0 .. max_size() - 1).
    static constexpr std::size_t max_size() noexcept { return none; }
    /// Bytes of one slot (a table of n slots holds n * slot_bytes).
    static constexpr std::size_t slot_bytes = 16;

    /// The entry with hash `h` for which `same(entry)` is true, or `none`.
    template <class Same>
    std::uint32_t find(std::uint64_t h, const Same& same) noexcept
    {
        if (slots_.empty()) return none;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = home(h);; i = (i + 1) & mask) {
            ++probes_;
            const slot& s = slots_[i];
            if (s.entry == none) return none;
            if (s.hash == h && same(s.entry)) return s.entry;
        }
    }

    /// Makes room for one more entry: grows the table to keep it at most half full. The only
    /// step that allocates; call it before insert() so that insert() cannot fail.
    void reserve_one()
    {
        if ((size_ + 1) * 2 > slots_.size()) resize(slots_.empty() ? min_slots : slots_.size() * 2);
    }

    /// Adds `entry` (not present) under `h`, after reserve_one().
    void insert(std::uint64_t h, std::uint32_t entry) noexcept
    {
        place(h, entry);
        ++size_;
    }

    /// Renumbers every entry: `entry` becomes `renumbering[entry]` (after the caller compacted its
    /// pool).
    void renumber(const std::vector<std::uint32_t>& renumbering) noexcept
    {
        for (slot& s : slots_)
            if (s.entry != none) s.entry = renumbering[s.entry];
    }

    /// Removes `entry`, which is present under `h`. Never allocates (see shrink_to_fit()).
    void erase(std::uint64_t h, std::uint32_t entry) noexcept
    {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = home(h);
        for (;; i = (i + 1) & mask) {
            ++probes_;
            if (slots_[i].entry == entry) break;
        }
        // Close the gap: a later slot of the same cluster moves into it when its home is not
        // after the gap (cyclically), i.e. when its probe sequence passes through the gap.
        for (std::size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
            ++probes_;
            const slot& s = slots_[j];
            if (s.entry == none) break;
            const std::size_t from_home = (j - home(s.hash)) & mask;
            const std::size_t from_gap = (j - i) & mask;
            if (from_home >= from_gap) {
                slots_[i] = s;
                i = j;
            }
        }
        slots_[i] = slot{0, none};
        --size_;
    }

    /// Gives memory back after a burst: halves the table while it is less than an eighth full
    /// (so it ends at most a quarter full, and a few inserts cannot make it grow again); an
    /// empty table frees its slots.
    void shrink_to_fit()
    {
        if (size_ == 0) {
            std::vector<slot>().swap(slots_);
            return;
        }
        std::size_t n = slots_.size();
        while (n > min_slots && size_ * 8 < n) n /= 2;
        if (n != slots_.size()) resize(n);
    }

    std::size_t size() const noexcept { return size_; }
    std::size_t slot_count() const noexcept { return slots_.size(); }
    std::uint64_t probes() const noexcept { return probes_; }

private:
    static constexpr std::size_t min_slots = 16;

    struct slot {
        std::uint64_t hash;
        std::uint32_t entry;
    };
    static_assert(sizeof(slot) == slot_bytes, "slot_bytes is the size of a slot");

    std::size_t home(std::uint64_t h) const noexcept
    {
        return static_cast<std::size_t>(h) & (slots_.size() - 1);
    }

    void place(std::uint64_t h, std::uint32_t entry) noexcept
    {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = home(h);
        for (;; i = (i + 1) & mask) {
            ++probes_;
            if (slots_[i].entry == none) break;
        }
        slots_[i] = slot{h, entry};
    }

    // A new table of `n` slots (a power of two); the old one is freed.
    void resize(std::size_t n)
    {
        std::vector<slot> old(n, slot{0, none});
        old.swap(slots_);
        for (const slot& s : old)
            if (s.entry != none) place(s.hash, s.entry);
    }

    std::vector<slot> slots_;
    std::size_t size_ = 0;
    std::uint64_t probes_ = 0;
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_HASH_INDEX_HPP
