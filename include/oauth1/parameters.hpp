// oauth1/parameters.hpp - request parameter collection and normalisation
// (RFC 5849 3.4.1.3.1 and 3.4.1.3.2).
//
// A parameter_list holds name/value pairs already encoded per RFC 5849 3.6, in one arena so that
// clearing and refilling it reuses its memory (no allocation per request once warm). Duplicates
// are kept; sort() orders by encoded name, then encoded value, as 3.4.1.3.2 requires.
#ifndef OAUTH1_PARAMETERS_HPP
#define OAUTH1_PARAMETERS_HPP

#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace oauth1 {

/// One encoded (RFC 5849 3.6) parameter, viewing storage owned by a parameter_list.
struct parameter_view {
    std::string_view name;
    std::string_view value;
};

/// True when `content_type` is application/x-www-form-urlencoded, ignoring case, surrounding
/// whitespace and parameters such as "; charset=UTF-8" (RFC 5849 3.4.1.3.1 entity-body rule).
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

/// An ordered multiset of RFC 5849 3.6-encoded parameters.
class parameter_list {
public:
    parameter_list() = default;

    /// Removes all parameters, keeping the memory for reuse.
    void clear() noexcept
    {
        arena_.clear();
        entries_.clear();
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

    /// Adds a parameter given in plain (decoded) form; encodes it per RFC 5849 3.6.
    void add(std::string_view name, std::string_view value)
    {
        const std::size_t off = arena_.size();
        percent_encode_append(name, arena_);
        const std::size_t mid = arena_.size();
        percent_encode_append(value, arena_);
        push(off, mid);
    }

    /// Adds a parameter whose name and value are already RFC 5849 3.6-encoded (not checked).
    void add_encoded(std::string_view name, std::string_view value)
    {
        const std::size_t off = arena_.size();
        arena_.append(name);
        arena_.append(value);
        push(off, off + name.size());
    }

    /// Adds every parameter of application/x-www-form-urlencoded text (a URL query or a form
    /// body): split at '&', a name without '=' gets an empty value, '+' is a space, each name and
    /// value decoded once and encoded once (3.4.1.3.1). Empty segments are skipped. On a
    /// malformed escape sets errc::invalid_percent_encoding and adds nothing.
    void add_form(std::string_view text, std::error_code& ec)
    {
        ec.clear();
        const std::size_t arena_mark = arena_.size();
        const std::size_t entries_mark = entries_.size();
        std::size_t pos = 0;
        while (pos <= text.size()) {
            std::size_t amp = text.find('&', pos);
            if (amp == std::string_view::npos) amp = text.size();
            const std::string_view pair = text.substr(pos, amp - pos);
            if (!pair.empty()) {
                const std::size_t eq = pair.find('=');
                const std::string_view n = pair.substr(0, eq);
                const std::string_view v =
                    eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
                const std::size_t off = arena_.size();
                percent_recode_append(n, arena_, ec);
                if (ec) break;
                const std::size_t mid = arena_.size();
                percent_recode_append(v, arena_, ec);
                if (ec) break;
                push(off, mid);
            }
            pos = amp + 1;
        }
        if (ec) {
            arena_.resize(arena_mark);
            entries_.resize(entries_mark);
        }
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
        arena_.append(other.arena_);
        entries_.reserve(entries_.size() + other.entries_.size());
        for (const entry& e : other.entries_)
            entries_.push_back(entry{e.offset + base, e.name_size, e.value_size, e.key});
    }

    /// Sorts by encoded name, then by encoded value (byte order), as 3.4.1.3.2 requires.
    void sort()
    {
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
        if (!std::is_sorted(entries_.begin(), entries_.end(), less))
            std::sort(entries_.begin(), entries_.end(), less);
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
    };

    void push(std::size_t off, std::size_t mid)
    {
        const std::size_t n = mid - off < 8 ? mid - off : 8;
        const char* name = arena_.data() + off;
        std::uint64_t key = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            key <<= 8U;
            if (i < n) key |= static_cast<unsigned char>(name[i]);
        }
        entries_.push_back(entry{off, mid - off, arena_.size() - mid, key});
    }

    std::string arena_;
    std::vector<entry> entries_;
};

} // namespace oauth1

#endif // OAUTH1_PARAMETERS_HPP
