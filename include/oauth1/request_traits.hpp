// oauth1/request_traits.hpp - the customisation point that lets oauth1::sign() sign any HTTP
// request type in place (RFC 5849 §3.4 builds the signature, 3.5.1 sends it in the
// Authorization header).
//
// Specialise oauth1::request_traits for your request type with static functions:
//
//   template <> struct oauth1::request_traits<my_request> {
//       static std::string_view method(const my_request& r);       // "GET", "POST", ...
//       static std::string_view url(const my_request& r);          // absolute URL, as sent
//       //   ... or, instead of url(): scheme(r) ("https"), host(r) ("example.com:8443", the Host
//       //   field) and target(r) ("/path?query", the request-target as sent)
//       static std::string_view content_type(const my_request& r); // "" when none
//       static std::string_view body(const my_request& r);         // "" when none
//       static void set_header(my_request& r, std::string_view name, std::string_view value);
//   };                                                            // set_header replaces
//
// Each function may return anything convertible to std::string_view (std::string included).
// `oauth1::sign(req, client)` then signs `req` and sets its Authorization header. A missing
// piece is reported by one static_assert naming it; `oauth1::is_signable_request_v<R>` (C++17)
// and the concept `oauth1::signable_request` (C++20) test for conformance.
//
// The detectors and the URL composition are in oauth1/detail/request_traits.hpp (private).
#ifndef OAUTH1_REQUEST_TRAITS_HPP
#define OAUTH1_REQUEST_TRAITS_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/request_traits.hpp>
#include <oauth1/error.hpp>
#include <oauth1/signature_method.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {

/// Specialise for a request type (see the top of this header). The primary template is empty.
template <class Request, class Enable = void>
struct request_traits {};

/// Whether request_traits<Request> is complete enough for oauth1::sign().
template <class Request>
inline constexpr bool is_signable_request_v =
    detail::has_method_trait<Request>::value &&
    (detail::has_url_trait<Request>::value || detail::has_origin_traits<Request>::value) &&
    detail::has_content_type_trait<Request>::value&& detail::has_body_trait<
        Request>::value&& detail::has_set_header_trait<Request>::value;

#if OAUTH1_HAS_CONCEPTS
/// C++20: a request type that oauth1::sign() can sign in place.
template <class Request>
concept signable_request = is_signable_request_v<Request>;
#endif

/// Signs `req` with `c` and sets its Authorization header (RFC 5849 §3.5.1). `out` receives the
/// signed result (base string, signature, ...) and is reused across calls. Errors are those of
/// basic_client::sign(), plus errc::invalid_url when host() is empty or has characters a Host
/// cannot have.
template <class Request, class Signer, class Clock, class Nonce>
void sign(Request& req, const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          signed_request& out, std::error_code& ec)
{
    static_assert(detail::check_request_traits<Request>());
    using traits = detail::traits_of<Request>;
    const Request& r = req;
    // Temporaries the traits return (std::string included) live until the end of this scope.
    auto&& method = traits::method(r);
    auto&& content_type = traits::content_type(r);
    auto&& body = traits::body(r);
    const auto sign_url = [&](std::string_view url) {
        c.sign(request{std::string_view(method), url, std::string_view(content_type),
                       std::string_view(body)},
               opts, out, ec);
    };
    if constexpr (detail::has_url_trait<Request>::value) {
        auto&& url = traits::url(r);
        sign_url(std::string_view(url));
    } else {
        auto&& scheme = traits::scheme(r);
        auto&& host = traits::host(r);
        auto&& target = traits::target(r);
        const std::string_view h(host);
        if (h.empty() || h.find_first_of("/?#@ \t\r\n") != std::string_view::npos) {
            ec = make_error_code(errc::invalid_url);
            return;
        }
        // One buffer per thread: composing the URL allocates only while it grows.
        thread_local std::string url;
        detail::compose_url(std::string_view(scheme), h, std::string_view(target), url);
        sign_url(url);
    }
    if (ec) return;
    traits::set_header(req, "Authorization", out.authorization());
}

/// Signs `req` and sets its Authorization header; returns the signed result. Throws
/// oauth1::error.
template <class Request, class Signer, class Clock, class Nonce>
signed_request sign(Request& req, const basic_client<Signer, Clock, Nonce>& c,
                    const sign_options& opts = {})
{
    signed_request out;
    std::error_code ec;
    oauth1::sign(req, c, opts, out, ec);
    detail::throw_if(ec, "signing request");
    return out;
}

} // namespace oauth1

#endif // OAUTH1_REQUEST_TRAITS_HPP
