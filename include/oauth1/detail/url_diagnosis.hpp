// oauth1/detail/url_diagnosis.hpp - private (not part of oauth1's API): why a request URL was
// refused (errc::invalid_url, errc::invalid_percent_encoding), in words a user can act on: the
// offending character, its position and what to write instead. Used by the throwing forms of the
// functions that take a URL; computed only after a failure, so it costs nothing on the fast path.
#ifndef OAUTH1_DETAIL_URL_DIAGNOSIS_HPP
#define OAUTH1_DETAIL_URL_DIAGNOSIS_HPP

#include <oauth1/detail/url_split.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::detail {

/// RFC 3986 §2: unreserved, gen-delims except '[' ']' (only in an IP literal), sub-delims.
constexpr bool is_uri_char(char c) noexcept
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
    case '-':
    case '.':
    case '_':
    case '~': // unreserved
    case ':':
    case '/':
    case '?':
    case '#':
    case '@': // gen-delims
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*': // sub-delims
    case '+':
    case ',':
    case ';':
    case '=': return true;
    default: return false;
    }
}

/// "at character N (in the path)", N counted from 1, for byte `i` of `url` whose authority ends
/// at `path_at`.
inline std::string url_position(std::string_view url, std::size_t i, std::size_t path_at)
{
    const char* part = "the host";
    if (i >= path_at) {
        const std::size_t q = url.find('?', path_at);
        const std::size_t f = url.find('#', path_at);
        part = (f != std::string_view::npos && i > f)   ? "the fragment"
               : (q != std::string_view::npos && i > q) ? "the query"
                                                        : "the path";
    }
    return "at character " + std::to_string(i + 1) + " (in " + part + ")";
}

inline std::string hex_byte(unsigned char b)
{
    constexpr char digits[] = "0123456789ABCDEF";
    return {'%', digits[b >> 4], digits[b & 15]};
}

/// Why `url` is not an absolute http(s) request URL oauth1 can sign, or "" when no particular
/// reason is found. Never longer than a line or two; quotes at most one character of the URL.
inline std::string describe_url_problem(std::string_view url)
{
    if (url.empty()) return "the URL is empty";
    const std::size_t colon = url.find("://");
    if (colon == std::string_view::npos || colon == 0)
        return "the URL does not start with http:// or https:// (an absolute URL is signed, "
               "RFC 5849 §3.4.1.2)";
    if (!is_http_scheme(url.substr(0, colon)))
        return "the scheme \"" + std::string(url.substr(0, std::min<std::size_t>(colon, 16))) +
               "\" is not http or https";
    const std::size_t authority_at = colon + 3;
    std::size_t path_at = url.find_first_of("/?#", authority_at);
    if (path_at == std::string_view::npos) path_at = url.size();
    const std::string_view authority = url.substr(authority_at, path_at - authority_at);
    const std::size_t at = authority.rfind('@');
    const std::string_view hostport =
        at == std::string_view::npos ? authority : authority.substr(at + 1);
    if (hostport.empty() || hostport.front() == ':') return "the URL has no host";
    if (hostport.front() != '[') {
        const std::size_t c = hostport.find(':');
        if (c != std::string_view::npos && !is_valid_port(hostport.substr(c + 1)))
            return "the port \"" + std::string(hostport.substr(c + 1, 8)) +
                   "\" is not a number from 0 to 65535";
    }
    // '[' and ']' are accepted in the query (query_char_mask): between the first '?' and '#'.
    const std::size_t fragment_at = std::min(url.find('#', path_at), url.size());
    const std::size_t query_at = std::min(url.find('?', path_at), fragment_at);
    for (std::size_t i = authority_at; i < url.size(); ++i) {
        const char c = url[i];
        const auto u = static_cast<unsigned char>(c);
        if (c == '%') {
            const bool ok =
                i + 2 < url.size() && hex_value(url[i + 1]) >= 0 && hex_value(url[i + 2]) >= 0;
            if (!ok)
                return "'%' " + url_position(url, i, path_at) +
                       " is not followed by two hex digits: write a literal '%' as %25";
            i += 2;
            continue;
        }
        // An IPv6 literal, or a PHP-style name in the query.
        if ((c == '[' || c == ']') && (i < path_at || (i > query_at && i < fragment_at))) continue;
        if (is_uri_char(c)) continue;
        std::string what;
        if (u < 0x20 || u == 0x7F)
            what = "the control character " + hex_byte(u).substr(1) + " (hex)";
        else if (u >= 0x80)
            what = "the non-ASCII byte 0x" + hex_byte(u).substr(1);
        else if (c == ' ')
            what = "a space";
        else
            what = std::string("the character '") + c + "'";
        return what + " " + url_position(url, i, path_at) +
               " is not allowed in a URL: percent-encode it (" + hex_byte(u) +
               (c == ' '    ? "; '+' means a space only in a form body"
                : u >= 0x80 ? ", each byte of the UTF-8 text"
                            : "") +
               ")";
    }
    return {};
}

/// Throws oauth1::error for `ec` as throw_if() does; for a URL error its message says what is
/// wrong with `url` (describe_url_problem()).
inline void throw_url_error_if(const std::error_code& ec, const char* context, std::string_view url)
{
    if (!ec) return;
    if (ec == errc::invalid_url || ec == errc::invalid_percent_encoding) {
        const std::string why = describe_url_problem(url);
        if (!why.empty()) {
            const std::string what = std::string(context) + ": " + why;
            throw_if(ec, what.c_str());
        }
    }
    throw_if(ec, context);
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_URL_DIAGNOSIS_HPP
