// oauth1/detail/beast_sign.hpp - private to oauth1 (not a public header): the machinery behind
// oauth1::beast::sign() (oauth1/adapters/beast.hpp) - which Body types can be signed, and the
// absolute URL Beast will address, rebuilt from the origin and target() (RFC 5849 §3.4.1.2).
#ifndef OAUTH1_DETAIL_BEAST_SIGN_HPP
#define OAUTH1_DETAIL_BEAST_SIGN_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/error.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1::beast::detail {

template <class T>
inline constexpr bool is_byte_v = std::is_same_v<T, char> || std::is_same_v<T, unsigned char> ||
                                  std::is_same_v<T, signed char> || std::is_same_v<T, std::byte>;

template <class V, class = void>
struct is_byte_range : std::false_type {};
template <class V>
struct is_byte_range<V, std::void_t<decltype(std::data(std::declval<const V&>())),
                                    decltype(std::size(std::declval<const V&>()))>>
    : std::bool_constant<std::is_pointer_v<decltype(std::data(std::declval<const V&>()))> &&
                         is_byte_v<std::remove_cv_t<std::remove_pointer_t<decltype(std::data(
                             std::declval<const V&>()))>>>> {};

template <class Body, class = void>
struct is_signable_body : std::false_type {};
template <class Body>
struct is_signable_body<Body, std::void_t<typename Body::value_type>>
    : std::bool_constant<std::is_same_v<Body, ::boost::beast::http::empty_body> ||
                         is_byte_range<typename Body::value_type>::value> {};

inline std::string_view sv(::boost::beast::string_view s) noexcept
{
    return {s.data(), s.size()};
}
inline ::boost::beast::string_view bsv(std::string_view s) noexcept
{
    return {s.data(), s.size()};
}

/// Whether two authorities name the same origin for signing purposes (RFC 5849 §3.4.1.2: host
/// case-insensitive, default port dropped), e.g. "Example.com:443" and "example.com" for https.
inline bool same_authority(std::string_view scheme, std::string_view a, std::string_view b)
{
    if (a == b) return true;
    std::error_code ea;
    std::error_code eb;
    const std::string ua = base_string_uri(std::string(scheme) + "://" + std::string(a) + "/", ea);
    const std::string ub = base_string_uri(std::string(scheme) + "://" + std::string(b) + "/", eb);
    return !ea && !eb && ua == ub;
}

inline bool is_bad_authority(std::string_view a) noexcept
{
    return a.empty() || a.find_first_of("/?#@ \t\r\n\\") != std::string_view::npos ||
           oauth1::detail::has_header_breaking_char(a);
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() &&
           oauth1::detail::ascii_iequals(s.substr(0, prefix.size()), prefix);
}

/// The absolute URL Beast will address with `req`, sent to `scheme`://`origin_host` (empty: the
/// Host field; oauth1::beast::origin); `host_to_set` receives the origin's host when the request
/// has no Host field and one must be added.
template <class Body, class Fields>
void request_url(const ::boost::beast::http::request<Body, Fields>& req, std::string_view scheme,
                 std::string_view origin_host, std::string& url, std::string_view& host_to_set,
                 std::error_code& ec)
{
    namespace http = ::boost::beast::http;
    ec.clear();
    host_to_set = {};
    const std::string_view target = sv(req.target());
    // A fragment is never part of a request-target (RFC 9112 3.2); Beast would send it anyway.
    if (target.empty() || target.find('#') != std::string_view::npos ||
        req.count(http::field::host) > 1 || req.count(http::field::content_type) > 1) {
        ec = make_error_code(errc::request_not_sendable);
        return;
    }
    const std::string_view host_field = sv(req[http::field::host]);
    if (target.front() != '/') {
        // absolute-form (requests to a proxy): the target is the URL.
        if (!starts_with_ci(target, "http://") && !starts_with_ci(target, "https://")) {
            ec = make_error_code(errc::invalid_url); // "*" or authority-form: nothing to sign
            return;
        }
        url.assign(target);
        return;
    }
    if (!oauth1::detail::is_http_scheme(scheme)) {
        ec = make_error_code(errc::invalid_url);
        return;
    }
    std::string_view authority = origin_host;
    if (authority.empty()) {
        authority = host_field;
    } else if (host_field.empty()) {
        host_to_set = origin_host;
    } else if (!same_authority(scheme, origin_host, host_field)) {
        ec = make_error_code(errc::request_not_sendable); // Host names another server
        return;
    }
    if (is_bad_authority(authority)) {
        ec = make_error_code(errc::invalid_url);
        return;
    }
    url.clear();
    url.reserve(scheme.size() + 3 + authority.size() + target.size());
    url.append(scheme).append("://").append(authority).append(target);
}

} // namespace oauth1::beast::detail

#endif // OAUTH1_DETAIL_BEAST_SIGN_HPP
