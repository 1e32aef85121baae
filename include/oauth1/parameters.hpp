// oauth1/parameters.hpp - request parameter collection and normalisation
// (RFC 5849 §3.4.1.3.1 and 3.4.1.3.2).
//
// A parameter_list holds name/value pairs already encoded per RFC 5849 §3.6, in one arena so that
// clearing and refilling it reuses its memory (no allocation per request once warm). Duplicates
// are kept; sort() orders by encoded name, then encoded value, as 3.4.1.3.2 requires.
//
// This header declares; the long definitions are in oauth1/impl/parameters.ipp (included at its
// end) and the arena's buffer in oauth1/detail/raw_buffer.hpp (private).
#ifndef OAUTH1_PARAMETERS_HPP
#define OAUTH1_PARAMETERS_HPP

#include <oauth1/detail/raw_buffer.hpp>
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

/// One encoded (RFC 5849 §3.6) parameter, viewing storage owned by a parameter_list.
struct parameter_view {
    /// The name, RFC 5849 §3.6-encoded.
    std::string_view name;
    /// The value, RFC 5849 §3.6-encoded.
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

    /// Number of parameters.
    std::size_t size() const noexcept { return entries_.size(); }
    /// True when the list holds no parameter.
    bool empty() const noexcept { return entries_.empty(); }

    /// The i-th parameter (encoded form).
    parameter_view operator[](std::size_t i) const noexcept
    {
        const entry& e = entries_[i];
        const char* a = arena_.data() + e.offset;
        return {std::string_view(a, e.name_size), std::string_view(a + e.name_size, e.value_size)};
    }

    /// Forward iterator over the parameters (parameter_view), in list order.
    class const_iterator {
    public:
        /// The element type: a view of one parameter.
        using value_type = parameter_view;
        /// Distance between two iterators.
        using difference_type = std::ptrdiff_t;
        /// The iterator at index `i` of `l`.
        const_iterator(const parameter_list* l, std::size_t i) noexcept : list_(l), i_(i) {}
        /// The parameter at this position.
        parameter_view operator*() const noexcept { return (*list_)[i_]; }
        /// Advances to the next parameter.
        const_iterator& operator++() noexcept
        {
            ++i_;
            return *this;
        }
        /// Same position (iterators of the same list).
        bool operator==(const const_iterator& o) const noexcept { return i_ == o.i_; }
        /// Different positions (iterators of the same list).
        bool operator!=(const const_iterator& o) const noexcept { return i_ != o.i_; }

    private:
        const parameter_list* list_;
        std::size_t i_;
    };
    /// First parameter, in list order.
    const_iterator begin() const noexcept { return {this, 0}; }
    /// Past the last parameter.
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
                     std::error_code& ec);

    /// Adds every parameter of application/x-www-form-urlencoded text (a URL query or a form
    /// body): split at '&', a name without '=' gets an empty value, '+' is a space, each name and
    /// value decoded once and encoded once (3.4.1.3.1). Empty segments are skipped. On a
    /// malformed escape sets errc::invalid_percent_encoding and adds nothing.
    void add_form(std::string_view text, std::error_code& ec) { add_form(text, ec, nullptr); }

    /// As above; when `bad_query_char` is given, also sets it when `text` holds a byte that
    /// RFC 3986 does not allow in a query (the client checks a URL's query this way).
    void add_form(std::string_view text, std::error_code& ec, bool* bad_query_char);

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
    void sort();

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
                                         std::vector<std::size_t>& scratch) const;

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
    static char* reencode(std::string_view s, bool has_pct, char* p) noexcept;

    void push(std::size_t off, std::size_t mid, bool name_pct, bool value_pct)
    {
        push(off, mid, arena_.size(), name_pct, value_pct);
    }

    /// Records the parameter whose encoded name is arena_[off, mid) and value [mid, end).
    void push(std::size_t off, std::size_t mid, std::size_t end, bool name_pct, bool value_pct);

    /// Whether the entries are in non-descending name order (one linear pass).
    bool sorted_by_name() const noexcept;

    detail::raw_buffer arena_;
    std::vector<entry> entries_;
    // Working memory of sort(), kept for the next call.
    std::vector<std::size_t> runs_;
    std::vector<entry> merge_scratch_;
    std::size_t pct_ = 0; ///< '%' written to the arena (an upper bound after erase())
};

} // namespace oauth1

// Definitions in both modes: nothing in this header is compiled separately (see config.hpp).
#include <oauth1/impl/parameters.ipp>

#endif // OAUTH1_PARAMETERS_HPP
