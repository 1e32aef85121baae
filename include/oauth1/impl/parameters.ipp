// oauth1/impl/parameters.ipp - private to oauth1: the long definitions of oauth1/parameters.hpp's
// parameter_list (decoding and re-encoding forms, the merge sort, the repeated-name check).
// Included at the end of oauth1/parameters.hpp in both modes (everything here is inline; none of
// it is compiled separately by oauth1/src.hpp).
#ifndef OAUTH1_IMPL_PARAMETERS_IPP
#define OAUTH1_IMPL_PARAMETERS_IPP

#include <oauth1/parameters.hpp>

#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

inline void parameter_list::add_recoded(std::string_view name, std::string_view value,
                                        bool plus_as_space, std::error_code& ec)
{
    ec.clear();
    const std::size_t off = arena_.size();
    arena_.resize(off + 3 * (name.size() + value.size()));
    char* o = arena_.data() + off;
    std::size_t name_pct = 0;
    std::size_t value_pct = 0;
    const char* p = name.data();
    bool ok = detail::recode_part(p, name.data() + name.size(), detail::stop_none, plus_as_space, o,
                                  name_pct, nullptr);
    const auto mid = static_cast<std::size_t>(o - arena_.data());
    if (ok) {
        p = value.data();
        ok = detail::recode_part(p, value.data() + value.size(), detail::stop_none, plus_as_space,
                                 o, value_pct, nullptr);
    }
    if (!ok) {
        ec = make_error_code(errc::invalid_percent_encoding);
        arena_.resize(off);
        return;
    }
    arena_.resize(static_cast<std::size_t>(o - arena_.data()));
    push(off, mid, name_pct != 0, value_pct != 0);
    pct_ += name_pct + value_pct;
}

inline void parameter_list::add_form(std::string_view text, std::error_code& ec,
                                     bool* bad_query_char)
{
    ec.clear();
    const std::size_t arena_mark = arena_.size();
    const std::size_t entries_mark = entries_.size();
    const std::size_t pct_mark = pct_;
    const char* p = text.data();
    const char* const end = p + text.size();
    // Written through a pointer into room for the worst case (every byte tripled), then
    // trimmed. One pass: names end at '=' or '&', values at '&'; empty segments are skipped.
    arena_.resize(arena_mark + 3 * text.size());
    char* o = arena_.data() + arena_mark;
    while (p != end) {
        if (*p == '&') {
            ++p;
            continue;
        }
        const auto off = static_cast<std::size_t>(o - arena_.data());
        std::size_t name_pct = 0;
        std::size_t value_pct = 0;
        bool ok = detail::recode_part(p, end, detail::stop_amp | detail::stop_eq, true, o, name_pct,
                                      bad_query_char);
        const auto mid = static_cast<std::size_t>(o - arena_.data());
        if (ok && p != end && *p == '=') {
            ++p;
            ok = detail::recode_part(p, end, detail::stop_amp, true, o, value_pct, bad_query_char);
        }
        if (!ok) {
            ec = make_error_code(errc::invalid_percent_encoding);
            arena_.resize(arena_mark);
            entries_.resize(entries_mark);
            pct_ = pct_mark;
            return;
        }
        push(off, mid, static_cast<std::size_t>(o - arena_.data()), name_pct != 0, value_pct != 0);
        pct_ += name_pct + value_pct;
    }
    arena_.resize(static_cast<std::size_t>(o - arena_.data()));
}

inline void parameter_list::sort()
{
    const std::size_t n = entries_.size();
    if (n < 2) return;
    const char* a = arena_.data();
    // Each entry carries the first 8 bytes of its name as a big-endian number (zero-padded:
    // encoded names hold no NUL byte), so most comparisons are one integer comparison.
    const auto less = [a](const entry& x, const entry& y) {
        if (x.key != y.key) return x.key < y.key;
        const std::string_view xn(a + x.offset, x.name_size);
        const std::string_view yn(a + y.offset, y.name_size);
        const int c = xn.compare(yn);
        if (c != 0) return c < 0;
        return std::string_view(a + x.offset + x.name_size, x.value_size) <
               std::string_view(a + y.offset + y.name_size, y.value_size);
    };
    // Runs: maximal non-descending stretches, short ones extended by insertion to min_run.
    constexpr std::size_t min_run = 16;
    entry* e = entries_.data();
    runs_.clear();
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i + 1;
        while (j < n && !less(e[j], e[j - 1])) ++j;
        if (j - i < min_run && j < n) {
            const std::size_t end = n - i < min_run ? n : i + min_run;
            for (; j < end; ++j) {
                const entry x = e[j];
                std::size_t m = j;
                for (; m > i && less(x, e[m - 1]); --m) e[m] = e[m - 1];
                e[m] = x;
            }
            while (j < n && !less(e[j], e[j - 1])) ++j;
        }
        runs_.push_back(i);
        i = j;
    }
    runs_.push_back(n);
    if (runs_.size() == 2) return;
    // Merge neighbouring runs pairwise, back and forth between the list and scratch_.
    merge_scratch_.resize(n);
    entry* src = e;
    entry* dst = merge_scratch_.data();
    while (runs_.size() > 2) {
        const std::size_t k = runs_.size() - 1; // number of runs
        std::size_t w = 0;
        std::size_t r = 0;
        for (; r + 2 <= k; r += 2) {
            const std::size_t b = runs_[r];
            const std::size_t m = runs_[r + 1];
            const std::size_t end = runs_[r + 2];
            std::size_t x = b;
            std::size_t y = m;
            std::size_t o = b;
            while (x < m && y < end) dst[o++] = less(src[y], src[x]) ? src[y++] : src[x++];
            while (x < m) dst[o++] = src[x++];
            while (y < end) dst[o++] = src[y++];
            runs_[w++] = b;
        }
        if (r < k) { // an odd run out: carried over as it is
            for (std::size_t x = runs_[r]; x < n; ++x) dst[x] = src[x];
            runs_[w++] = runs_[r];
        }
        runs_[w++] = n;
        runs_.resize(w);
        std::swap(src, dst);
    }
    if (src != e) std::copy(src, src + n, e);
}

inline std::string_view parameter_list::first_repeated_name(std::string_view prefix,
                                                            std::vector<std::size_t>& scratch) const
{
    const char* const a = arena_.data();
    const auto prefixed = [&](const entry& e) {
        return e.name_size >= prefix.size() &&
               (prefix.empty() || std::memcmp(a + e.offset, prefix.data(), prefix.size()) == 0);
    };
    const auto same_name = [a](const entry& x, const entry& y) {
        return x.key == y.key && x.name_size == y.name_size &&
               std::memcmp(a + x.offset, a + y.offset, x.name_size) == 0;
    };
    if (sorted_by_name()) { // after sort(): repeats are neighbours, found in one pass
        for (std::size_t i = 1; i < entries_.size(); ++i)
            if (prefixed(entries_[i]) && same_name(entries_[i], entries_[i - 1]))
                return {a + entries_[i].offset, entries_[i].name_size};
        return {};
    }
    scratch.clear();
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const entry& e = entries_[i];
        if (e.name_size >= prefix.size() &&
            (prefix.empty() || std::memcmp(a + e.offset, prefix.data(), prefix.size()) == 0))
            scratch.push_back(i);
    }
    if (scratch.size() < 2) return {};
    const auto name_of = [this, a](std::size_t i) {
        const entry& e = entries_[i];
        return std::string_view(a + e.offset, e.name_size);
    };
    // By (name, position): equal names become neighbours, each run in list order.
    std::sort(scratch.begin(), scratch.end(), [&](std::size_t x, std::size_t y) {
        const entry& ex = entries_[x];
        const entry& ey = entries_[y];
        if (ex.key != ey.key) return ex.key < ey.key;
        const int c = name_of(x).compare(name_of(y));
        return c != 0 ? c < 0 : x < y;
    });
    std::size_t best = entries_.size();
    for (std::size_t k = 1; k < scratch.size(); ++k) {
        if (scratch[k - 1] < best && entries_[scratch[k]].key == entries_[scratch[k - 1]].key &&
            name_of(scratch[k]) == name_of(scratch[k - 1]))
            best = scratch[k - 1]; // the first of its run: the run is in list order
    }
    return best == entries_.size() ? std::string_view() : name_of(best);
}

inline char* parameter_list::reencode(std::string_view s, bool has_pct, char* p) noexcept
{
    if (!has_pct) return detail::copy_run(p, s.data(), s.size());
    for (const char c : s) {
        if (c == '%') {
            std::memcpy(p, "%25", 3);
            p += 3;
        } else {
            *p++ = c;
        }
    }
    return p;
}

inline void parameter_list::push(std::size_t off, std::size_t mid, std::size_t end, bool name_pct,
                                 bool value_pct)
{
    // The sort key: the name's first 8 bytes, big-endian, zero-padded (see sort()). Built
    // byte by byte: an 8-byte load of bytes just written would stall store forwarding.
    const std::size_t n = mid - off < 8 ? mid - off : 8;
    const char* name = arena_.data() + off;
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < n; ++i)
        key |= std::uint64_t{static_cast<unsigned char>(name[i])} << (56U - 8U * i);
    entries_.push_back(entry{off, mid - off, end - mid, key, name_pct, value_pct});
}

inline bool parameter_list::sorted_by_name() const noexcept
{
    const char* const a = arena_.data();
    for (std::size_t i = 1; i < entries_.size(); ++i) {
        const entry& x = entries_[i - 1];
        const entry& y = entries_[i];
        if (x.key != y.key) {
            if (x.key > y.key) return false;
            continue;
        }
        if (std::string_view(a + x.offset, x.name_size) >
            std::string_view(a + y.offset, y.name_size))
            return false;
    }
    return true;
}

} // namespace oauth1

#endif // OAUTH1_IMPL_PARAMETERS_IPP
