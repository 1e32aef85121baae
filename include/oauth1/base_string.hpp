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
#include <oauth1/detail/url_diagnosis.hpp>
#include <oauth1/detail/url_split.hpp>
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
// The URL scanning and splitting machinery is in detail/url_split.hpp; these two are defined in
// impl/base_string.ipp.

/// True when `url` is a valid http(s) URL up to its '?' and its query (before any '#') holds a
/// '%' that is not followed by two hex digits.
OAUTH1_DECL bool query_has_malformed_escape(std::string_view url) noexcept;

/// Splits an absolute request URL into the parts the signature needs: the fast scan for the
/// common shape, else Boost.URL (parse_request_url, same errors), else - only when Boost.URL
/// refused it - split_bracketed_query.
OAUTH1_DECL bool split_request_url(std::string_view url, url_parts& out,
                                   std::error_code& ec) noexcept;

/// A URL that is valid but for '[' or ']' in its query (see query_char_mask): its parts, the
/// part before the query parsed by Boost.URL as usual. False for any other URL.
OAUTH1_DECL bool split_bracketed_query(std::string_view url, url_parts& out) noexcept;

} // namespace detail

/// Parses an absolute request URL into Boost.URL's view, with oauth1's error codes:
/// errc::invalid_url unless it is an absolute http(s) URI with a host and a port of at most 65535;
/// errc::invalid_percent_encoding when only its query has a '%' not followed by two hex digits.
/// The view refers to `url`'s characters. Strict RFC 3986: unlike signing (base_string_uri,
/// signature_base_string, oauth1::sign, the provider), it refuses '[' and ']' in the query.
OAUTH1_DECL ::boost::urls::url_view parse_request_url(std::string_view url,
                                                      std::error_code& ec) noexcept;

namespace detail {
/// For the transports (adapters): parse_request_url, also accepting '[' and ']' in the query as
/// signing does (query_char_mask). When the query holds one, the view is of the URL without its
/// query and fragment; either way `query` is the query as written (without '?') and
/// `has_query` whether there is one. The target to send is then the view's path + '?' + query.
OAUTH1_DECL ::boost::urls::url_view parse_sendable_url(std::string_view url,
                                                       std::string_view& query, bool& has_query,
                                                       std::error_code& ec) noexcept;
} // namespace detail

/// Appends the base string URI (RFC 5849 §3.4.1.2) of a parsed absolute URL, not yet encoded.
OAUTH1_DECL void base_string_uri_append(const ::boost::urls::url_view& u, std::string& out);

/// The base string URI (RFC 5849 §3.4.1.2) of an absolute http(s) URL; errc::invalid_url if the URL
/// cannot be parsed, is not http(s), has no host or has a port above 65535. '[' and ']' are
/// accepted in the query (PHP-style names, see detail::query_char_mask), nowhere else.
/// @par Example
/// `base_string_uri("HTTP://Example.com:80?n=v")` is `http://example.com/`.
OAUTH1_DECL std::string base_string_uri(std::string_view url, std::error_code& ec);

/// Throwing form of base_string_uri.
inline std::string base_string_uri(std::string_view url)
{
    std::error_code ec;
    std::string s = base_string_uri(url, ec);
    detail::throw_url_error_if(ec, "base string URI", url);
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
    detail::throw_url_error_if(ec, "signature base string", url);
    return s;
}

} // namespace oauth1

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#include <oauth1/impl/base_string.ipp>
#endif

#endif // OAUTH1_BASE_STRING_HPP
