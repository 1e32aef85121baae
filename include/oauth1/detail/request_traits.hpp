// oauth1/detail/request_traits.hpp - private to oauth1 (not a public header): the C++17 detectors
// behind oauth1::request_traits (oauth1/request_traits.hpp), the static_asserts that name a
// missing trait, and the URL that scheme() + host() + target() compose (RFC 5849 §3.4.1.2).
#ifndef OAUTH1_DETAIL_REQUEST_TRAITS_HPP
#define OAUTH1_DETAIL_REQUEST_TRAITS_HPP

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace oauth1 {

// Declared here for the detectors; defined (with Enable = void) in oauth1/request_traits.hpp.
template <class Request, class Enable>
struct request_traits;

namespace detail {

template <class R>
using traits_of = request_traits<std::remove_cv_t<std::remove_reference_t<R>>, void>;

template <class T>
inline constexpr bool is_sv_v = std::is_convertible_v<T, std::string_view>;

template <class R, class = void>
struct has_method_trait : std::false_type {};
template <class R>
struct has_method_trait<R, std::void_t<decltype(traits_of<R>::method(std::declval<const R&>()))>>
    : std::bool_constant<is_sv_v<decltype(traits_of<R>::method(std::declval<const R&>()))>> {};

template <class R, class = void>
struct has_url_trait : std::false_type {};
template <class R>
struct has_url_trait<R, std::void_t<decltype(traits_of<R>::url(std::declval<const R&>()))>>
    : std::bool_constant<is_sv_v<decltype(traits_of<R>::url(std::declval<const R&>()))>> {};

template <class R, class = void>
struct has_origin_traits : std::false_type {};
template <class R>
struct has_origin_traits<R, std::void_t<decltype(traits_of<R>::scheme(std::declval<const R&>())),
                                        decltype(traits_of<R>::host(std::declval<const R&>())),
                                        decltype(traits_of<R>::target(std::declval<const R&>()))>>
    : std::bool_constant<is_sv_v<decltype(traits_of<R>::scheme(std::declval<const R&>()))> &&
                         is_sv_v<decltype(traits_of<R>::host(std::declval<const R&>()))> &&
                         is_sv_v<decltype(traits_of<R>::target(std::declval<const R&>()))>> {};

template <class R, class = void>
struct has_content_type_trait : std::false_type {};
template <class R>
struct has_content_type_trait<
    R, std::void_t<decltype(traits_of<R>::content_type(std::declval<const R&>()))>>
    : std::bool_constant<is_sv_v<decltype(traits_of<R>::content_type(std::declval<const R&>()))>> {
};

template <class R, class = void>
struct has_body_trait : std::false_type {};
template <class R>
struct has_body_trait<R, std::void_t<decltype(traits_of<R>::body(std::declval<const R&>()))>>
    : std::bool_constant<is_sv_v<decltype(traits_of<R>::body(std::declval<const R&>()))>> {};

template <class R, class = void>
struct has_set_header_trait : std::false_type {};
template <class R>
struct has_set_header_trait<R, std::void_t<decltype(traits_of<R>::set_header(
                                   std::declval<R&>(), std::string_view{}, std::string_view{}))>>
    : std::true_type {};

/// One static_assert per missing piece, so the compiler names what to add.
template <class R>
constexpr bool check_request_traits() noexcept
{
    static_assert(has_method_trait<R>::value,
                  "oauth1::request_traits<Request> needs: static method(const Request&) "
                  "returning the HTTP method (convertible to std::string_view)");
    static_assert(has_url_trait<R>::value || has_origin_traits<R>::value,
                  "oauth1::request_traits<Request> needs: static url(const Request&) returning "
                  "the absolute URL as sent, or scheme(), host() and target() "
                  "(each convertible to std::string_view)");
    static_assert(has_content_type_trait<R>::value,
                  "oauth1::request_traits<Request> needs: static content_type(const Request&) "
                  "returning the Content-Type (empty when none)");
    static_assert(has_body_trait<R>::value,
                  "oauth1::request_traits<Request> needs: static body(const Request&) returning "
                  "the body (empty when none)");
    static_assert(has_set_header_trait<R>::value,
                  "oauth1::request_traits<Request> needs: static set_header(Request&, "
                  "std::string_view name, std::string_view value) that replaces the header");
    return true;
}

/// Builds the absolute URL from scheme + host + target (the target as sent, "/" when empty).
inline void compose_url(std::string_view scheme, std::string_view host, std::string_view target,
                        std::string& out)
{
    out.clear();
    out.reserve(scheme.size() + 3 + host.size() + target.size() + 1);
    out.append(scheme);
    out.append("://");
    out.append(host);
    if (target.empty() || target.front() != '/') out.push_back('/');
    out.append(target);
}

} // namespace detail
} // namespace oauth1

#endif // OAUTH1_DETAIL_REQUEST_TRAITS_HPP
