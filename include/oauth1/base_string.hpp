// oauth1/base_string.hpp - the signature base string (RFC 5849 §3.4.1).
//
//   base string = METHOD "&" encode(base string URI) "&" encode(normalised parameters)
//
// The base string URI (3.4.1.2) is built from the parsed components of the request URL: scheme
// and host lower-cased, the default port (80 for http, 443 for https) dropped, any other port kept,
// an empty path written as "/", userinfo, query and fragment left out. The path is taken exactly as
// it will be sent: no dot-segment removal, no re-encoding, so what is signed is what is sent.
#ifndef OAUTH1_BASE_STRING_HPP
#define OAUTH1_BASE_STRING_HPP

#include <oauth1/config.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>

#if defined(OAUTH1_SEPARATE_COMPILATION)
// Only declared here: a program that calls parse_request_url includes <boost/url/url_view.hpp>.
namespace boost {
namespace urls {
class url_view;
} // namespace urls
} // namespace boost
#else
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#endif

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {

namespace detail {

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
/// digits up to 65535, then an RFC 3986 path-abempty, query and fragment. Returns false for
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
            i = scan_uri_chars(u, i, 4U);
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

/// True when `url` is a valid http(s) URL up to its '?' and its query (before any '#') holds a
/// '%' that is not followed by two hex digits.
OAUTH1_DECL bool query_has_malformed_escape(std::string_view url) noexcept;

} // namespace detail

/// Parses an absolute request URL into Boost.URL's view, with oauth1's error codes:
/// errc::invalid_url unless it is an absolute http(s) URI with a host and a port of at most 65535;
/// errc::invalid_percent_encoding when only its query has a '%' not followed by two hex digits.
/// The view refers to `url`'s characters.
OAUTH1_DECL ::boost::urls::url_view parse_request_url(std::string_view url,
                                                      std::error_code& ec) noexcept;

namespace detail {

/// Splits an absolute request URL into the parts the signature needs: the fast scan for the
/// common shape, else Boost.URL (parse_request_url, same errors).
OAUTH1_DECL bool split_request_url(std::string_view url, url_parts& out,
                                   std::error_code& ec) noexcept;

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

} // namespace detail

/// Appends the base string URI (RFC 5849 §3.4.1.2) of a parsed absolute URL, not yet encoded.
OAUTH1_DECL void base_string_uri_append(const ::boost::urls::url_view& u, std::string& out);

/// The base string URI (RFC 5849 §3.4.1.2) of an absolute http(s) URL; errc::invalid_url if the URL
/// cannot be parsed, is not http(s), has no host or has a port above 65535.
/// @par Example
/// `base_string_uri("HTTP://Example.com:80?n=v")` is `http://example.com/`.
OAUTH1_DECL std::string base_string_uri(std::string_view url, std::error_code& ec);

/// Throwing form of base_string_uri.
inline std::string base_string_uri(std::string_view url)
{
    std::error_code ec;
    std::string s = base_string_uri(url, ec);
    detail::throw_if(ec, "base string URI");
    return s;
}

/// Checks an HTTP method: a non-empty RFC 7230 token (this also rules out CR/LF injection).
constexpr bool is_valid_method(std::string_view method) noexcept
{
    if (method.empty()) return false;
    for (const char c : method)
        if (!detail::is_tchar(c)) return false;
    return true;
}

namespace detail {

/// Room that write_signature_base_string needs (an upper bound of the base string's length).
inline std::size_t signature_base_string_bound(std::string_view method, std::string_view base_uri,
                                               const parameter_list& params) noexcept
{
    return method.size() + 2 + percent_encoded_size(base_uri) + params.base_string_size();
}

/// Writes the signature base string at `p` (room for signature_base_string_bound characters);
/// returns the end of what was written. See signature_base_string_append.
inline char* write_signature_base_string(std::string_view method, std::string_view base_uri,
                                         const parameter_list& params, char* p) noexcept
{
    for (const char c : method) *p++ = ascii_upper(c);
    *p++ = '&';
    p = percent_encode(base_uri, p);
    *p++ = '&';
    // The parameters are already 3.6-encoded; encoding "n=v&n=v" once more only changes
    // '%', '=' and '&'.
    return params.write_base_string(p);
}

} // namespace detail

/// Appends the signature base string (RFC 5849 §3.4.1.1): the upper-cased method, the encoded
/// base string URI and the encoded normalised parameters. `params` must already be sorted
/// (parameter_list::sort) and `base_uri` is the unencoded output of base_string_uri.
inline void signature_base_string_append(std::string_view method, std::string_view base_uri,
                                         const parameter_list& params, std::string& out)
{
    // Written through a pointer into room for the longest possible result, then trimmed.
    const std::size_t old = out.size();
    out.resize(old + detail::signature_base_string_bound(method, base_uri, params));
    char* const end =
        detail::write_signature_base_string(method, base_uri, params, out.data() + old);
    out.resize(static_cast<std::size_t>(end - out.data()));
}

/// The signature base string of a request (RFC 5849 §3.4.1): collects the URL query parameters,
/// the form body's parameters when `content_type` is application/x-www-form-urlencoded, and the
/// given protocol parameters (which must not contain oauth_signature), sorts and joins them.
/// Errors: errc::invalid_method, errc::invalid_url, errc::invalid_percent_encoding.
OAUTH1_DECL std::string signature_base_string(std::string_view method, std::string_view url,
                                              const parameter_list& protocol_params,
                                              std::string_view content_type, std::string_view body,
                                              std::error_code& ec);

/// Throwing form of signature_base_string.
inline std::string signature_base_string(std::string_view method, std::string_view url,
                                         const parameter_list& protocol_params,
                                         std::string_view content_type = {},
                                         std::string_view body = {})
{
    std::error_code ec;
    std::string s = signature_base_string(method, url, protocol_params, content_type, body, ec);
    detail::throw_if(ec, "signature base string");
    return s;
}

} // namespace oauth1

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#include <oauth1/impl/base_string.ipp>
#endif

#endif // OAUTH1_BASE_STRING_HPP
