// oauth1/detail/httplib_headers.hpp - private to oauth1 (not a public header): how the cpp-httplib
// in use reads header values (before 0.44 it percent-decodes them), and the small pieces of
// header syntax oauth1/adapters/httplib_server.hpp reads: optional whitespace, lists outside
// quoted-strings (RFC 7230 §3.2.6) and the last element of a list over repeated fields.
#ifndef OAUTH1_DETAIL_HTTPLIB_HEADERS_HPP
#define OAUTH1_DETAIL_HTTPLIB_HEADERS_HPP

#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace oauth1::httplib::detail {

/// Whether cpp-httplib version `v` ("major.minor.patch") is older than major.minor.
constexpr bool httplib_version_below(const char* v, int major, int minor) noexcept
{
    int parts[2] = {0, 0};
    for (int i = 0; i < 2 && *v; ++i) {
        while (*v >= '0' && *v <= '9') parts[i] = parts[i] * 10 + (*v++ - '0');
        if (*v == '.') ++v;
    }
    return parts[0] < major || (parts[0] == major && parts[1] < minor);
}

#if defined(OAUTH1_HTTPLIB_DECODES_HEADER_VALUES)
inline constexpr bool decodes_header_values = OAUTH1_HTTPLIB_DECODES_HEADER_VALUES != 0;
#elif defined(CPPHTTPLIB_VERSION)
/// cpp-httplib decoded header values from 0.7 (issue #576) until 0.44.0.
inline constexpr bool decodes_header_values = httplib_version_below(CPPHTTPLIB_VERSION, 0, 44);
#else
inline constexpr bool decodes_header_values = true; // older than CPPHTTPLIB_VERSION itself
#endif

constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

constexpr std::string_view trim_ows(std::string_view s) noexcept
{
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

/// Calls f(piece) for each OWS-trimmed piece of `s` between `sep` bytes outside quoted-strings
/// (RFC 7230 §3.2.6). Returns false when a quoted-string is not closed.
template <class F>
bool split_outside_quotes(std::string_view s, char sep, F&& f)
{
    std::size_t begin = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == sep) {
            f(trim_ows(s.substr(begin, i - begin)));
            begin = i + 1;
        }
    }
    if (quoted) return false;
    f(trim_ows(s.substr(std::min(begin, s.size()))));
    return true;
}

/// The last non-empty list element over every field `name` of `req`, in order: the one the
/// nearest proxy added. False when a quoted-string in them is not closed.
inline bool last_list_element(const ::httplib::Request& req, const char* name,
                              std::string_view& out)
{
    out = {};
    bool ok = true;
    const auto range = req.headers.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) {
        ok = ok && split_outside_quotes(it->second, ',', [&out](std::string_view e) {
                 if (!e.empty()) out = e;
             });
    }
    return ok;
}

/// A forwarded-pair value (RFC 7239 §4): a token as it is, or a quoted-string unquoted.
inline bool unquote(std::string_view v, std::string& out)
{
    out.clear();
    if (v.empty() || v.front() != '"') {
        out.assign(v);
        return true;
    }
    if (v.size() < 2 || v.back() != '"') return false;
    v = v.substr(1, v.size() - 2);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\') {
            if (++i == v.size()) return false;
        } else if (v[i] == '"') {
            return false;
        }
        out.push_back(v[i]);
    }
    return true;
}

} // namespace oauth1::httplib::detail

#endif // OAUTH1_DETAIL_HTTPLIB_HEADERS_HPP
