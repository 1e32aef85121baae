// oauth1/parameters.hpp - request parameter collection and normalisation
// (RFC 5849 §3.4.1.3.1 and 3.4.1.3.2).
//
// A parameter_list holds name/value pairs already encoded per RFC 5849 §3.6, in one arena so that
// clearing and refilling it reuses its memory (no allocation per request once warm). Duplicates
// are kept; sort() orders by encoded name, then encoded value, as 3.4.1.3.2 requires.
#ifndef OAUTH1_PARAMETERS_HPP
#define OAUTH1_PARAMETERS_HPP

#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace oauth1 {

namespace detail {

/// A growable byte buffer whose resize() leaves new bytes uninitialised: the std::string
/// underneath keeps its high-water size, so once a buffer has held a given amount, making room
/// again costs neither an allocation nor a memset.
class raw_buffer {
public:
    std::size_t size() const noexcept { return n_; }
    const char* data() const noexcept { return s_.data(); }
    char* data() noexcept { return s_.data(); }
    std::string_view view() const noexcept { return {s_.data(), n_}; }
    void clear() noexcept { n_ = 0; }
    void reserve(std::size_t n)
    {
        if (n > s_.size()) s_.resize(n);
    }
    /// Sets the size; bytes beyond the old size are unspecified.
    void resize(std::size_t n)
    {
        if (n > s_.size()) s_.resize(n > 2 * s_.size() ? n : 2 * s_.size());
        n_ = n;
    }
    void append(std::string_view v)
    {
        const std::size_t old = n_;
        resize(old + v.size());
        if (!v.empty()) std::memcpy(s_.data() + old, v.data(), v.size());
    }

private:
    std::string s_;
    std::size_t n_ = 0;
};

} // namespace detail

/// One encoded (RFC 5849 §3.6) parameter, viewing storage owned by a parameter_list.
struct parameter_view {
    std::string_view name;
    std::string_view value;
};

/// True when `content_type` is application/x-www-form-urlencoded, ignoring case, surrounding
/// whitespace and parameters such as "; charset=UTF-8" (RFC 5849 §3.4.1.3.1 entity-body rule).
constexpr bool is_form_urlencoded(std::string_view content_type) noexcept
{
    constexpr std::string_view form = "application/x-www-form-urlencoded";
    std::size_t b = 0;
    while (b < content_type.size() && (content_type[b] == ' ' || content_type[b] == '\t')) ++b;
    std::size_t e = b;
    while (e < content_type.size() && content_type[e] != ';') ++e;
    while (e > b && (content_type[e - 1] == ' ' || content_type[e - 1] == '\t')) --e;
    if (e - b != form.size()) return false;
    for (std::size_t i = 0; i < form.size(); ++i) {
        char c = content_type[b + i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != form[i]) return false;
    }
    return true;
}

/// An ordered multiset of RFC 5849 §3.6-encoded parameters.
class parameter_list {
public:
    parameter_list() = default;

    /// Removes all parameters, keeping the memory for reuse.
    void clear() noexcept
    {
        arena_.clear();
        entries_.clear();
        pct_ = 0;
    }

    /// Reserves room for `count` parameters totalling `bytes` encoded characters.
    void reserve(std::size_t count, std::size_t bytes)
    {
        entries_.reserve(count);
        arena_.reserve(bytes);
    }

    std::size_t size() const noexcept { return entries_.size(); }
    bool empty() const noexcept { return entries_.empty(); }

    /// The i-th parameter (encoded form).
    parameter_view operator[](std::size_t i) const noexcept
    {
        const entry& e = entries_[i];
        const char* a = arena_.data() + e.offset;
        return {std::string_view(a, e.name_size), std::string_view(a + e.name_size, e.value_size)};
    }

    class const_iterator {
    public:
        using value_type = parameter_view;
        using difference_type = std::ptrdiff_t;
        const_iterator(const parameter_list* l, std::size_t i) noexcept : list_(l), i_(i) {}
        parameter_view operator*() const noexcept { return (*list_)[i_]; }
        const_iterator& operator++() noexcept
        {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const noexcept { return i_ == o.i_; }
        bool operator!=(const const_iterator& o) const noexcept { return i_ != o.i_; }

    private:
        const parameter_list* list_;
        std::size_t i_;
    };
    const_iterator begin() const noexcept { return {this, 0}; }
    const_iterator end() const noexcept { return {this, entries_.size()}; }

    /// Adds a parameter given in plain (decoded) form; encodes it per RFC 5849 §3.6.
    void add(std::string_view name, std::string_view value)
    {
        const std::size_t off = arena_.size();
        const std::size_t name_size = percent_encoded_size(name);
        const std::size_t mid = off + name_size;
        arena_.resize(mid + percent_encoded_size(value));
        percent_encode(value, percent_encode(name, arena_.data() + off));
        // Each escape adds two characters to the input's length.
        const std::size_t name_pct = (mid - off - name.size()) / 2;
        const std::size_t value_pct = (arena_.size() - mid - value.size()) / 2;
        push(off, mid, name_pct != 0, value_pct != 0);
        pct_ += name_pct + value_pct;
    }

    /// Adds a parameter whose name and value are already RFC 5849 §3.6-encoded (not checked).
    void add_encoded(std::string_view name, std::string_view value)
    {
        const std::size_t off = arena_.size();
        arena_.append(name);
        arena_.append(value);
        const auto name_pct = static_cast<std::size_t>(std::count(name.begin(), name.end(), '%'));
        const auto value_pct =
            static_cast<std::size_t>(std::count(value.begin(), value.end(), '%'));
        push(off, off + name.size(), name_pct != 0, value_pct != 0);
        pct_ += name_pct + value_pct;
    }

    /// Adds a parameter from percent-encoded text: name and value decoded once and encoded once
    /// (3.6); '+' is a space only with `plus_as_space`. On a malformed escape sets
    /// errc::invalid_percent_encoding and adds nothing.
    void add_recoded(std::string_view name, std::string_view value, bool plus_as_space,
                     std::error_code& ec)
    {
        ec.clear();
        const std::size_t off = arena_.size();
        arena_.resize(off + 3 * (name.size() + value.size()));
        char* o = arena_.data() + off;
        std::size_t name_pct = 0;
        std::size_t value_pct = 0;
        const char* p = name.data();
        bool ok = detail::recode_part(p, name.data() + name.size(), detail::stop_none,
                                      plus_as_space, o, name_pct, nullptr);
        const auto mid = static_cast<std::size_t>(o - arena_.data());
        if (ok) {
            p = value.data();
            ok = detail::recode_part(p, value.data() + value.size(), detail::stop_none,
                                     plus_as_space, o, value_pct, nullptr);
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

    /// Adds every parameter of application/x-www-form-urlencoded text (a URL query or a form
    /// body): split at '&', a name without '=' gets an empty value, '+' is a space, each name and
    /// value decoded once and encoded once (3.4.1.3.1). Empty segments are skipped. On a
    /// malformed escape sets errc::invalid_percent_encoding and adds nothing.
    void add_form(std::string_view text, std::error_code& ec) { add_form(text, ec, nullptr); }

    /// As above; when `bad_query_char` is given, also sets it when `text` holds a byte that
    /// RFC 3986 does not allow in a query (the client checks a URL's query this way).
    void add_form(std::string_view text, std::error_code& ec, bool* bad_query_char)
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
            bool ok = detail::recode_part(p, end, detail::stop_amp | detail::stop_eq, true, o,
                                          name_pct, bad_query_char);
            const auto mid = static_cast<std::size_t>(o - arena_.data());
            if (ok && p != end && *p == '=') {
                ++p;
                ok = detail::recode_part(p, end, detail::stop_amp, true, o, value_pct,
                                         bad_query_char);
            }
            if (!ok) {
                ec = make_error_code(errc::invalid_percent_encoding);
                arena_.resize(arena_mark);
                entries_.resize(entries_mark);
                pct_ = pct_mark;
                return;
            }
            push(off, mid, static_cast<std::size_t>(o - arena_.data()), name_pct != 0,
                 value_pct != 0);
            pct_ += name_pct + value_pct;
        }
        arena_.resize(static_cast<std::size_t>(o - arena_.data()));
    }

    /// Throwing form of add_form.
    void add_form(std::string_view text)
    {
        std::error_code ec;
        add_form(text, ec);
        detail::throw_if(ec, "parsing form-encoded parameters");
    }

    /// Appends all parameters of `other`.
    void append(const parameter_list& other)
    {
        // Self-append: the views read from *this must not be invalidated by the arena growing
        // while they are copied, so make room for everything first.
        if (&other == this) {
            reserve(entries_.size() * 2, arena_.size() * 2);
            for (const parameter_view p : other) add_encoded(p.name, p.value);
            return;
        }
        const std::size_t base = arena_.size();
        arena_.append(other.arena_.view());
        entries_.reserve(entries_.size() + other.entries_.size());
        for (entry e : other.entries_) {
            e.offset += base;
            entries_.push_back(e);
        }
        pct_ += other.pct_;
    }

    /// Sorts by encoded name, then by encoded value (byte order), as RFC 5849 §3.4.1.3.2
    /// requires. A natural merge sort: O(n log n) comparisons whatever the order of the input
    /// (a provider sorts untrusted input), O(n) when it consists of a few sorted runs (lists
    /// sorted one by one and then appended), and no allocation once its working memory has grown
    /// to the list's size.
    void sort()
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

    /// Removes every parameter named `encoded_name`; returns how many were removed.
    std::size_t erase(std::string_view encoded_name)
    {
        const char* a = arena_.data();
        const auto it = std::remove_if(entries_.begin(), entries_.end(), [&](const entry& e) {
            return std::string_view(a + e.offset, e.name_size) == encoded_name;
        });
        const auto n = static_cast<std::size_t>(entries_.end() - it);
        entries_.erase(it, entries_.end());
        return n;
    }

    /// Number of parameters named `name` (encoded form compared).
    std::size_t count(std::string_view encoded_name) const noexcept
    {
        std::size_t n = 0;
        for (const parameter_view p : *this) n += p.name == encoded_name ? 1 : 0;
        return n;
    }

    /// The first encoded name that starts with `prefix` and occurs more than once (of the repeated
    /// names, the one whose first occurrence comes first in list order; once sort() has run,
    /// that is the smallest repeated name); empty when there is none (so a repeated empty name
    /// is not reported: a provider asks with the prefix "oauth_").
    /// O(n log n) in the number of parameters whatever their names (a provider calls it on
    /// untrusted input before authentication); `scratch` is working memory, reused across calls.
    std::string_view first_repeated_name(std::string_view prefix,
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

    /// As above, with its own working memory (allocates when more than one name has the prefix).
    std::string_view first_repeated_name(std::string_view prefix) const
    {
        std::vector<std::size_t> scratch;
        return first_repeated_name(prefix, scratch);
    }

    /// Sets `value` to the (encoded) value of the first parameter named `encoded_name`; returns
    /// false, leaving `value` alone, when there is none.
    bool find(std::string_view encoded_name, std::string_view& value) const noexcept
    {
        for (const parameter_view p : *this) {
            if (p.name == encoded_name) {
                value = p.value;
                return true;
            }
        }
        return false;
    }

    /// Length of the normalised form "n=v&n=v" (3.4.1.3.2 steps 3-4).
    std::size_t normalized_size() const noexcept
    {
        std::size_t n = entries_.empty() ? 0 : entries_.size() - 1;
        for (const entry& e : entries_) n += e.name_size + 1U + e.value_size;
        return n;
    }

    /// Appends "name=value" pairs joined by '&', in the current order (sort() first).
    void normalize_append(std::string& out) const
    {
        out.reserve(out.size() + normalized_size());
        bool first = true;
        for (const parameter_view p : *this) {
            if (!first) out.push_back('&');
            first = false;
            out.append(p.name);
            out.push_back('=');
            out.append(p.value);
        }
    }

    /// An upper bound of the number of '%' in the encoded parameters.
    std::size_t percent_count() const noexcept { return pct_; }

    /// An upper bound of the length of the normalised parameters encoded once more, as the
    /// base string holds them (3.4.1.1: '%', '=' and '&' become three characters each).
    std::size_t base_string_size() const noexcept
    {
        const std::size_t n = entries_.size();
        return normalized_size() + 2 * pct_ + (n == 0 ? 0 : 2 * (2 * n - 1));
    }

    /// Writes the normalised parameters, encoded once more (3.4.1.1), at `p`, which has room for
    /// base_string_size() characters; returns the end of what was written.
    char* write_base_string(char* p) const noexcept
    {
        const char* const a = arena_.data();
        bool first = true;
        for (const entry& e : entries_) {
            if (!first) {
                std::memcpy(p, "%26", 3);
                p += 3;
            }
            first = false;
            p = reencode(std::string_view(a + e.offset, e.name_size), e.name_pct, p);
            std::memcpy(p, "%3D", 3);
            p += 3;
            p = reencode(std::string_view(a + e.offset + e.name_size, e.value_size), e.value_pct,
                         p);
        }
        return p;
    }

    /// The normalised parameter string (3.4.1.3.2), in the current order.
    std::string normalized() const
    {
        std::string s;
        normalize_append(s);
        return s;
    }

private:
    struct entry {
        std::size_t offset;
        std::size_t name_size;
        std::size_t value_size;
        std::uint64_t key; ///< first 8 bytes of the name, big-endian, zero-padded
        bool name_pct;     ///< whether the encoded name holds a '%'
        bool value_pct;
    };

    /// Copies `s` to `p`, writing each '%' as "%25" when `has_pct`.
    static char* reencode(std::string_view s, bool has_pct, char* p) noexcept
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

    void push(std::size_t off, std::size_t mid, bool name_pct, bool value_pct)
    {
        push(off, mid, arena_.size(), name_pct, value_pct);
    }

    /// Records the parameter whose encoded name is arena_[off, mid) and value [mid, end).
    void push(std::size_t off, std::size_t mid, std::size_t end, bool name_pct, bool value_pct)
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

    /// Whether the entries are in non-descending name order (one linear pass).
    bool sorted_by_name() const noexcept
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

    detail::raw_buffer arena_;
    std::vector<entry> entries_;
    // Working memory of sort(), kept for the next call.
    std::vector<std::size_t> runs_;
    std::vector<entry> merge_scratch_;
    std::size_t pct_ = 0; ///< '%' written to the arena (an upper bound after erase())
};

} // namespace oauth1

#endif // OAUTH1_PARAMETERS_HPP
