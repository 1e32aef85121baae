// oauth1/detail/url_split.hpp - private (not part of oauth1's API): the machinery of
// base_string.hpp. ASCII case helpers, the RFC 7230 token check, the fast split of the common shape
// of an http(s) request URL into the parts the signature needs (url_parts), and the base string URI
// of those parts (RFC 5849 §3.4.1.2). The Boost.URL fallback (split_request_url) is declared by
// base_string.hpp and defined in impl/base_string.ipp.
#ifndef OAUTH1_DETAIL_URL_SPLIT_HPP
#define OAUTH1_DETAIL_URL_SPLIT_HPP

#include <oauth1/detail/percent_scan.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace oauth1::detail {

constexpr char ascii_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr char ascii_upper(char c) noexcept
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

/// RFC 7230 tchar.
constexpr bool is_tchar(char c) noexcept
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
    }
}

/// True for "http" and "https" in any case: the only schemes 3.4.1.2 defines a base string URI for.
constexpr bool is_http_scheme(std::string_view scheme) noexcept
{
    return ascii_iequals(scheme, "http") || ascii_iequals(scheme, "https");
}

/// True for an empty port or one that fits in 16 bits. RFC 3986 allows any digits, but
/// url_view::port_number() would wrap a larger one (99999 -> 34463) and sign another URI.
constexpr bool is_valid_port(std::string_view port) noexcept
{
    std::uint32_t v = 0;
    for (const char c : port) {
        if (c < '0' || c > '9') return false;
        v = v * 10U + static_cast<std::uint32_t>(c - '0');
        if (v > 65535U) return false;
    }
    return true;
}

/// The components of an absolute http(s) request URL that the signature needs.
struct url_parts {
    std::string_view scheme;
    std::string_view host; ///< as written (IP literals with their brackets)
    std::string_view port; ///< digits, empty when absent
    std::string_view path; ///< as written, empty when absent
    std::string_view query;
    bool has_query = false;
};

/// Scans `s` from `i` over characters of class `mask` and valid pct-encoded triplets; returns
/// the index of the first other character.
inline std::size_t scan_uri_chars(std::string_view s, std::size_t i, unsigned mask) noexcept
{
    const std::size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if ((uri_chars.v[c] & mask) != 0) {
            ++i;
        } else if (c == '%' && n - i >= 3 && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            i += 3;
        } else {
            break;
        }
    }
    return i;
}

/// The common shape of a request URL, recognised without a general parser: "http://" or
/// "https://" (any case), a host of letters, digits, '-' and '.', an optional port of 1 to 5
/// digits up to 65535, then an RFC 3986 path-abempty, query ('[' and ']' allowed there, see
/// query_char_mask) and fragment. Returns false for
/// anything else (the caller then uses Boost.URL, which gives the same parts or the error):
/// only valid URIs are accepted, so both paths agree on everything accepted here.
/// With `check_query` false the query's characters are not checked here: the caller checks them
/// while it decodes the query (parameter_list::add_form with `bad_query_char`).
inline bool fast_split_url(std::string_view u, url_parts& out, bool check_query = true) noexcept
{
    std::size_t i = 0;
    if (u.size() > 7 && ascii_iequals(u.substr(0, 7), "http://")) {
        out.scheme = u.substr(0, 4);
        i = 7;
    } else if (u.size() > 8 && ascii_iequals(u.substr(0, 8), "https://")) {
        out.scheme = u.substr(0, 5);
        i = 8;
    } else {
        return false;
    }
    const std::size_t n = u.size();
    const std::size_t host_begin = i;
    while (i < n && (uri_chars.v[static_cast<unsigned char>(u[i])] & 1U) != 0) ++i;
    if (i == host_begin) return false;
    out.host = u.substr(host_begin, i - host_begin);
    out.port = {};
    if (i < n && u[i] == ':') {
        const std::size_t port_begin = ++i;
        std::uint32_t v = 0;
        while (i < n && u[i] >= '0' && u[i] <= '9' && i - port_begin < 5) {
            v = v * 10U + static_cast<std::uint32_t>(u[i] - '0');
            ++i;
        }
        if (i == port_begin || v > 65535U) return false;
        out.port = u.substr(port_begin, i - port_begin);
    }
    if (i < n && u[i] == '/') {
        const std::size_t path_begin = i;
        i = scan_uri_chars(u, i, 2U);
        out.path = u.substr(path_begin, i - path_begin);
    } else {
        out.path = {};
    }
    out.has_query = false;
    out.query = {};
    if (i < n && u[i] == '?') {
        const std::size_t q = ++i;
        if (check_query) {
            i = scan_uri_chars(u, i, query_char_mask);
        } else {
            const std::size_t hash = u.find('#', i);
            i = hash == std::string_view::npos ? n : hash;
        }
        out.has_query = true;
        out.query = u.substr(q, i - q);
    }
    if (i < n && u[i] == '#') i = scan_uri_chars(u, i + 1, 4U);
    return i == n;
}
/// Appends the base string URI (3.4.1.2) of split URL parts, not yet encoded.
inline void base_string_uri_append(const url_parts& u, std::string& out)
{
    const bool https = ascii_iequals(u.scheme, "https");
    const bool http = !https && ascii_iequals(u.scheme, "http");
    const std::size_t begin = out.size();
    out.append(u.scheme);
    out.append("://", 3);
    out.append(u.host);
    for (std::size_t i = begin; i < out.size(); ++i) out[i] = ascii_lower(out[i]);
    if (!u.port.empty()) {
        std::uint32_t port = 0;
        for (const char c : u.port) port = port * 10U + static_cast<std::uint32_t>(c - '0');
        if (!((https && port == 443U) || (http && port == 80U))) {
            char digits[16];
            const auto r = std::to_chars(digits, digits + sizeof digits, port);
            out.push_back(':');
            out.append(digits, static_cast<std::size_t>(r.ptr - digits));
        }
    }
    if (u.path.empty()) {
        out.push_back('/');
    } else {
        out.append(u.path);
    }
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_URL_SPLIT_HPP
