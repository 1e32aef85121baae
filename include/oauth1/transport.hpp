// oauth1/transport.hpp - plain HTTP request/response values and the transport requirement, so
// the three-legged flow (RFC 5849 §2) runs over any HTTP client.
//
// A transport is any callable
//
//   oauth1::http_response transport(const oauth1::http_request& req, std::error_code& ec);
//
// that sends `req` exactly as given (method, absolute URL byte for byte, the headers, the body,
// with Content-Type from `content_type`) and returns the status, headers and body of the
// answer. It sets `ec` (e.g. errc::transport_failed) only when no HTTP answer was received; a
// 4xx/5xx answer is a response, not an error. The adapters provide ready transports
// (oauth1::curl::transport, oauth1::beast::transport, oauth1::httplib::transport).
//
// Every adapter's transport takes the same oauth1::transport_options (transport_options.hpp,
// included here): time limits (connect 10 s, whole exchange 30 s by default), TLS trust, and a
// bound on the response body (8 MiB by default: a larger body is not read further and the call
// fails with errc::response_too_large).
// http_request also has request_traits, so oauth1::sign(http_request&, client) works.
#ifndef OAUTH1_TRANSPORT_HPP
#define OAUTH1_TRANSPORT_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport_options.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace oauth1 {

/// One HTTP header field.
struct http_header {
    /// Field name, as sent or received.
    std::string name;
    /// Field value.
    std::string value;
};

namespace detail {

inline std::string_view find_header(const std::vector<http_header>& hs,
                                    std::string_view name) noexcept
{
    for (const auto& h : hs) {
        if (ascii_iequals(h.name, name)) return h.value;
    }
    return {};
}

} // namespace detail

/// A request for a transport: what to send, exactly.
struct http_request {
    /// The HTTP method (GET, POST, ...).
    std::string method;
    /// The absolute URL, sent byte for byte (the same bytes that were signed).
    std::string url;
    /// The Content-Type of the body; empty when there is none.
    std::string content_type{};
    /// The body (a form for the flow's requests, RFC 5849 §2).
    std::string body{};
    /// Further header fields (Authorization among them once signed).
    std::vector<http_header> headers{};

    /// The first header of that name (ASCII case-insensitive), or "" when absent.
    std::string_view header(std::string_view name) const noexcept
    {
        return detail::find_header(headers, name);
    }

    /// Replaces every header of that name (case-insensitive) by one with `value`.
    void set_header(std::string_view name, std::string_view value)
    {
        bool set = false;
        for (auto it = headers.begin(); it != headers.end();) {
            if (detail::ascii_iequals(it->name, name)) {
                if (set) {
                    it = headers.erase(it);
                    continue;
                }
                it->value.assign(value);
                set = true;
            }
            ++it;
        }
        if (!set) headers.push_back({std::string(name), std::string(value)});
    }
};

/// What a transport received.
struct http_response {
    /// The HTTP status code (0 when no answer was read).
    int status = 0;
    /// The answer's header fields, in the order received.
    std::vector<http_header> headers{};
    /// The answer's body.
    std::string body{};

    /// The first header of that name (ASCII case-insensitive), or "" when absent.
    std::string_view header(std::string_view name) const noexcept
    {
        return detail::find_header(headers, name);
    }
    /// Whether the status is 2xx.
    bool ok() const noexcept { return status >= 200 && status < 300; }
};

template <>
/// request_traits for http_request, so that the flow's requests are signed like any other
/// (request_traits.hpp).
struct request_traits<http_request> {
    /// The HTTP method.
    static std::string_view method(const http_request& r) noexcept { return r.method; }
    /// The absolute URL.
    static std::string_view url(const http_request& r) noexcept { return r.url; }
    /// The Content-Type, empty when there is no body.
    static std::string_view content_type(const http_request& r) noexcept { return r.content_type; }
    /// The body.
    static std::string_view body(const http_request& r) noexcept { return r.body; }
    /// Sets (replaces) a header, e.g. Authorization.
    static void set_header(http_request& r, std::string_view name, std::string_view value)
    {
        r.set_header(name, value);
    }
};

/// Whether T is a transport: http_response(const http_request&, std::error_code&).
template <class T, class = void>
struct is_transport : std::false_type {};
template <class T>
struct is_transport<T, std::void_t<decltype(std::declval<T&>()(std::declval<const http_request&>(),
                                                               std::declval<std::error_code&>()))>>
    : std::is_convertible<decltype(std::declval<T&>()(std::declval<const http_request&>(),
                                                      std::declval<std::error_code&>())),
                          http_response> {};
/// Whether T meets the transport requirements (see the top of this header).
template <class T>
inline constexpr bool is_transport_v = is_transport<T>::value;

#if OAUTH1_HAS_CONCEPTS
/// C++20: a callable that sends an http_request and returns the http_response.
template <class T>
concept transport = is_transport_v<T>;
#endif

} // namespace oauth1

#endif // OAUTH1_TRANSPORT_HPP
