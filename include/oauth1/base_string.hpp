// oauth1/base_string.hpp - the signature base string (RFC 5849 3.4.1).
//
//   base string = METHOD "&" encode(base string URI) "&" encode(normalised parameters)
//
// The base string URI (3.4.1.2) is built from the parsed components of the request URL: scheme
// and host lower-cased, the default port (80 for http, 443 for https) dropped, any other port kept,
// an empty path written as "/", userinfo, query and fragment left out. The path is taken exactly as
// it will be sent: no dot-segment removal, no re-encoding, so what is signed is what is sent.
#ifndef OAUTH1_BASE_STRING_HPP
#define OAUTH1_BASE_STRING_HPP

#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <cstddef>
#include <cstdint>
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

/// Appends "%XX"-style encoding of an already 3.6-encoded string: only '%' needs escaping.
inline void reencode_append(std::string_view encoded, std::string& out)
{
    for (const char c : encoded) {
        if (c == '%') {
            out.append("%25", 3);
        } else {
            out.push_back(c);
        }
    }
}

/// True when `url` is a valid http(s) URL up to its '?' and its query (before any '#') holds a
/// '%' that is not followed by two hex digits.
inline bool query_has_malformed_escape(std::string_view url) noexcept
{
    const std::string_view before_fragment = url.substr(0, url.find('#'));
    const std::size_t q = before_fragment.find('?');
    if (q == std::string_view::npos) return false;
    const std::string_view query = before_fragment.substr(q + 1);
    bool malformed = false;
    for (std::size_t i = 0; i < query.size() && !malformed; ++i) {
        if (query[i] != '%') continue;
        malformed =
            query.size() - i < 3 || hex_value(query[i + 1]) < 0 || hex_value(query[i + 2]) < 0;
    }
    if (!malformed) return false;
    const auto head = ::boost::urls::parse_uri(::boost::core::string_view(url.data(), q));
    return head && head->has_authority() && !head->encoded_host().empty() &&
           is_http_scheme(std::string_view(head->scheme().data(), head->scheme().size())) &&
           is_valid_port(std::string_view(head->port().data(), head->port().size()));
}

} // namespace detail

/// Parses an absolute request URL into Boost.URL's view, with oauth1's error codes:
/// errc::invalid_url unless it is an absolute http(s) URI with a host and a port of at most 65535;
/// errc::invalid_percent_encoding when only its query has a '%' not followed by two hex digits.
/// The view refers to `url`'s characters.
inline ::boost::urls::url_view parse_request_url(std::string_view url, std::error_code& ec) noexcept
{
    ec.clear();
    auto r = ::boost::urls::parse_uri(::boost::core::string_view(url.data(), url.size()));
    if (!r || !r->has_authority() || r->encoded_host().empty() ||
        !detail::is_http_scheme(std::string_view(r->scheme().data(), r->scheme().size())) ||
        !detail::is_valid_port(std::string_view(r->port().data(), r->port().size()))) {
        // A URL that is valid up to its query, whose query has a '%' without two hex digits,
        // gets the same error as such a form body (3.4.1.3.1: the query is decoded like one).
        ec = make_error_code(!r && detail::query_has_malformed_escape(url)
                                 ? errc::invalid_percent_encoding
                                 : errc::invalid_url);
        return {};
    }
    return *r;
}

/// Appends the base string URI (RFC 5849 3.4.1.2) of a parsed absolute URL, not yet encoded.
inline void base_string_uri_append(const ::boost::urls::url_view& u, std::string& out)
{
    const std::size_t scheme_begin = out.size();
    for (const char c : u.scheme()) out.push_back(detail::ascii_lower(c));
    const std::string scheme =
        out.substr(scheme_begin); // a copy: the appends below may reallocate out
    out.append("://", 3);
    for (const char c : u.encoded_host()) out.push_back(detail::ascii_lower(c));
    if (u.has_port() && !u.port().empty()) {
        const std::uint16_t port = u.port_number();
        const bool is_default =
            (port == 80 && scheme == "http") || (port == 443 && scheme == "https");
        if (!is_default) {
            out.push_back(':');
            out.append(std::to_string(port));
        }
    }
    const auto path = u.encoded_path();
    if (path.empty()) {
        out.push_back('/');
    } else {
        out.append(path.data(), path.size());
    }
}

/// The base string URI (RFC 5849 3.4.1.2) of an absolute http(s) URL; errc::invalid_url if the URL
/// cannot be parsed, is not http(s), has no host or has a port above 65535.
/// @par Example
/// `base_string_uri("HTTP://Example.com:80?n=v")` is `http://example.com/`.
inline std::string base_string_uri(std::string_view url, std::error_code& ec)
{
    const auto u = parse_request_url(url, ec);
    if (ec) return {};
    std::string out;
    base_string_uri_append(u, out);
    return out;
}

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

/// Appends the signature base string (RFC 5849 3.4.1.1): the upper-cased method, the encoded
/// base string URI and the encoded normalised parameters. `params` must already be sorted
/// (parameter_list::sort) and `base_uri` is the unencoded output of base_string_uri.
inline void signature_base_string_append(std::string_view method, std::string_view base_uri,
                                         const parameter_list& params, std::string& out)
{
    out.reserve(out.size() + method.size() + 2 + base_uri.size() * 3 + params.normalized_size() +
                params.size() * 8);
    for (const char c : method) out.push_back(detail::ascii_upper(c));
    out.push_back('&');
    percent_encode_append(base_uri, out);
    out.push_back('&');
    // The parameters are already 3.6-encoded; encoding "n=v&n=v" once more only changes
    // '%', '=' and '&'.
    bool first = true;
    for (const parameter_view p : params) {
        if (!first) out.append("%26", 3);
        first = false;
        detail::reencode_append(p.name, out);
        out.append("%3D", 3);
        detail::reencode_append(p.value, out);
    }
}

/// The signature base string of a request (RFC 5849 3.4.1): collects the URL query parameters,
/// the form body's parameters when `content_type` is application/x-www-form-urlencoded, and the
/// given protocol parameters (which must not contain oauth_signature), sorts and joins them.
/// Errors: errc::invalid_method, errc::invalid_url, errc::invalid_percent_encoding.
inline std::string signature_base_string(std::string_view method, std::string_view url,
                                         const parameter_list& protocol_params,
                                         std::string_view content_type, std::string_view body,
                                         std::error_code& ec)
{
    ec.clear();
    if (!is_valid_method(method)) {
        ec = make_error_code(errc::invalid_method);
        return {};
    }
    const auto u = parse_request_url(url, ec);
    if (ec) return {};
    parameter_list all;
    all.append(protocol_params);
    if (u.has_query()) {
        const auto q = u.encoded_query();
        all.add_form(std::string_view(q.data(), q.size()), ec);
        if (ec) return {};
    }
    if (is_form_urlencoded(content_type)) {
        all.add_form(body, ec);
        if (ec) return {};
    }
    all.sort();
    std::string uri;
    base_string_uri_append(u, uri);
    std::string out;
    signature_base_string_append(method, uri, all, out);
    return out;
}

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

#endif // OAUTH1_BASE_STRING_HPP
