// oauth1/adapters/beast.hpp - Boost.Beast adapter (Boost 1.81, header-only): signs
// boost::beast::http::request objects in place (RFC 5849 §3.4, the signature in the
// Authorization field, RFC 5849 §3.5.1), and signs, writes and reads on your own connected stream
// asynchronously for Asio completion tokens. Part of the oauth1::beast component.
//
//   namespace http = boost::beast::http;
//   http::request<http::string_body> req{http::verb::post, "/rest/api/2/issue?notify=false", 11};
//   req.set(http::field::host, "jira.example.com");
//   req.set(http::field::content_type, "application/json");
//   req.body() = R"({"fields":{}})";                      // the body must be final here
//   oauth1::sign_options opts;
//   opts.body_hash = true;                                 // cover the JSON body
//   oauth1::beast::sign(req, client, opts);                // https://jira.example.com/rest/...
//   req.prepare_payload();                                 // fine: Content-Length is not signed
//   http::write(stream, req);
//
// Files of the oauth1::beast component:
// - this header: origin, sign(), body_view(), request_ref (with its request_traits) and
//   async_send_signed();
// - oauth1/adapters/beast_transport.hpp: oauth1::beast::transport (http) and tls_transport
//   (https), synchronous transports for the three-legged flow (flow.hpp) with
//   oauth1::transport_options. This header includes it at its end, so code written for the
//   single beast.hpp keeps compiling; include it directly for the transports;
// - oauth1/detail/beast_sign.hpp, beast_async.hpp, beast_io.hpp: the machinery (private).
//
// What is signed is what Beast sends. Beast writes the request-target (target()) byte for byte
// and adds no header of its own; prepare_payload() sets only Content-Length or
// Transfer-Encoding. target() has no scheme or host, so sign() builds the URL from an `origin`:
// the scheme (default "https") and the authority (default: the request's Host field; when the
// origin names one and the request has no Host, sign() sets it). Because the signature covers
// method, target, Host, Content-Type and (form or body-hashed) body, sign last: change none of
// them after signing. A request whose target is not in origin-form ("/path?query") or
// absolute-form ("https://host/path"), holds a '#', has two Host or two Content-Type fields, or
// whose Host disagrees with the origin, is refused (errc::request_not_sendable or
// errc::invalid_url) rather than signed differently from how it will be sent.
//
// Asynchronous: oauth1::beast::async_send_signed(stream, req, client, opts, token) signs, then
// http::async_write + http::async_read on any connected Beast/Asio stream, completing with
// (boost::system::error_code, http::response<string_body>).
#ifndef OAUTH1_ADAPTERS_BEAST_HPP
#define OAUTH1_ADAPTERS_BEAST_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/beast_async.hpp>
#include <oauth1/detail/beast_sign.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>

#include <boost/asio/compose.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {
namespace beast {

/// Where a Beast request goes, for the parts of the URL that target() does not hold
/// (RFC 5849 §3.4.1.2 signs scheme and authority).
struct origin {
    /// "https" or "http".
    std::string_view scheme = "https";
    /// "host[:port]"; empty: the request's Host field.
    std::string_view host{};
};

/// Whether a request with this Body type can be signed: its body is one contiguous range of
/// char-sized elements (http::string_body, http::vector_body<char>, http::span_body<char>, ...)
/// or http::empty_body. dynamic_body, buffer_body and file_body cannot be viewed as one range.
template <class Body>
inline constexpr bool is_signable_body_v = detail::is_signable_body<Body>::value;

/// The body of `req` as bytes (empty for http::empty_body).
template <class Body, class Fields>
std::string_view body_view(const ::boost::beast::http::request<Body, Fields>& req) noexcept
{
    static_assert(is_signable_body_v<Body>,
                  "oauth1::beast: the request's Body type does not hold its body as one "
                  "contiguous range of char-sized elements (Body::value_type with std::data() and "
                  "std::size()); use http::string_body, http::vector_body<char>, "
                  "http::span_body<char> or http::empty_body, or copy the body into one of them "
                  "before signing");
    if constexpr (std::is_same_v<Body, ::boost::beast::http::empty_body> ||
                  !is_signable_body_v<Body>) {
        return {};
    } else {
        const auto& v = req.body();
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as chars
        return {reinterpret_cast<const char*>(std::data(v)), std::size(v)};
    }
}

/// A Beast request bound to its absolute URL: what oauth1::request_traits reads (see the
/// specialisation below). oauth1::beast::sign() makes one; `url` must be what Beast will send.
template <class Body, class Fields>
struct request_ref {
    /// The request signed.
    ::boost::beast::http::request<Body, Fields>& request;
    /// Its absolute URL.
    std::string url;
};

/// Signs a Beast request in place (RFC 5849 §3.4) and sets its Authorization field, replacing any
/// (3.5.1). The URL signed is `o.scheme` + "://" + (`o.host` or the Host field) + target();
/// an absolute-form target is signed as is. When `o.host` is given and the request has no Host
/// field, Host is set to it. Method, target, Host, Content-Type and body must be final: change
/// none of them afterwards (prepare_payload() is fine). `out` receives the signed result.
/// Errors: those of basic_client::sign(); errc::invalid_url (no authority, bad scheme or target
/// form); errc::request_not_sendable (empty target, a '#' in it, two Host or Content-Type
/// fields, a Host that differs from `o.host`). On error `req` is unchanged. Fields: http::fields
/// or another http::basic_fields.
template <class Body, class Fields, class Signer, class Clock, class Nonce>
void sign(::boost::beast::http::request<Body, Fields>& req,
          const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          signed_request& out, std::error_code& ec, origin o = {})
{
    static_assert(is_signable_body_v<Body>,
                  "oauth1::beast::sign: the request's Body type does not hold its body as one "
                  "contiguous range of char-sized elements; use http::string_body, "
                  "http::vector_body<char>, http::span_body<char> or http::empty_body");
    if constexpr (is_signable_body_v<Body>) { // nothing more to report otherwise
        std::string_view host_to_set;
        request_ref<Body, Fields> ref{req, {}};
        detail::request_url(req, o.scheme, o.host, ref.url, host_to_set, ec);
        if (ec) return;
        oauth1::sign(ref, c, opts, out, ec);
        if (ec) return;
        if (!host_to_set.empty()) {
            req.set(::boost::beast::http::field::host, detail::bsv(host_to_set));
        }
    }
}

/// As above, without the signed result.
template <class Body, class Fields, class Signer, class Clock, class Nonce>
void sign(::boost::beast::http::request<Body, Fields>& req,
          const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          std::error_code& ec, origin o = {})
{
    signed_request out;
    beast::sign(req, c, opts, out, ec, o);
}

/// Signs a Beast request in place and returns the signed result; throws oauth1::error.
template <class Body, class Fields, class Signer, class Clock, class Nonce>
signed_request sign(::boost::beast::http::request<Body, Fields>& req,
                    const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts = {},
                    origin o = {})
{
    signed_request out;
    std::error_code ec;
    beast::sign(req, c, opts, out, ec, o);
    oauth1::detail::throw_if(ec, "signing Beast request");
    return out;
}

// ---------------------------------------------------------------------------------------------
// Asynchronous sign, write and read on your own stream.

/// Signs `req` in place (as oauth1::beast::sign, synchronously: CPU only), then writes it to the
/// connected `stream` and reads the answer (http::async_write, http::async_read; any Beast/Asio
/// stream: tcp_stream, ssl_stream, ...). Completes with
/// `void(boost::system::error_code, http::response<ResponseBody>)`; a signing error (oauth1's
/// category, wrapped) completes the operation without writing. `stream` and `req` must outlive
/// the operation; timeouts are the stream's (e.g. tcp_stream::expires_after before the call).
/// The response is read with its own buffer: bytes after it are not kept. The request is signed
/// when this function is called (with asio::deferred too, not when the operation is launched).
template <class ResponseBody = ::boost::beast::http::string_body, class AsyncStream, class Body,
          class Fields, class Signer, class Clock, class Nonce, class CompletionToken>
auto async_send_signed(AsyncStream& stream, ::boost::beast::http::request<Body, Fields>& req,
                       const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
                       origin o, CompletionToken&& token)
{
    std::error_code ec;
    beast::sign(req, c, opts, ec, o);
    return ::boost::asio::async_compose<CompletionToken,
                                        void(::boost::system::error_code,
                                             ::boost::beast::http::response<ResponseBody>)>(
        detail::send_signed_op<AsyncStream, Body, Fields, ResponseBody>(
            stream, req, ::boost::system::error_code(ec)),
        token, stream); // Asio 1.81 takes the token as CompletionToken& and forwards it
}

/// As above with the default origin (https, the Host field).
template <class ResponseBody = ::boost::beast::http::string_body, class AsyncStream, class Body,
          class Fields, class Signer, class Clock, class Nonce, class CompletionToken>
auto async_send_signed(AsyncStream& stream, ::boost::beast::http::request<Body, Fields>& req,
                       const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
                       CompletionToken&& token)
{
    return beast::async_send_signed<ResponseBody>(stream, req, c, opts, origin{},
                                                  std::forward<CompletionToken>(token));
}

} // namespace beast

/// request_traits of a Beast request bound to its URL (oauth1::beast::request_ref).
template <class Body, class Fields>
struct request_traits<beast::request_ref<Body, Fields>> {
    /// The request type.
    using ref = beast::request_ref<Body, Fields>;
    /// The HTTP method.
    static std::string_view method(const ref& r) noexcept
    {
        return beast::detail::sv(r.request.method_string());
    }
    /// The absolute URL Beast will address.
    static std::string_view url(const ref& r) noexcept { return r.url; }
    /// The Content-Type field.
    static std::string_view content_type(const ref& r) noexcept
    {
        return beast::detail::sv(r.request[::boost::beast::http::field::content_type]);
    }
    /// The body.
    static std::string_view body(const ref& r) noexcept { return beast::body_view(r.request); }
    /// Sets (replaces) a field.
    static void set_header(ref& r, std::string_view name, std::string_view value)
    {
        r.request.set(beast::detail::bsv(name), beast::detail::bsv(value));
    }
};

} // namespace oauth1

// Compatibility: #include <oauth1/adapters/beast.hpp> gave the transports too before they moved.
#include <oauth1/adapters/beast_transport.hpp>

#endif // OAUTH1_ADAPTERS_BEAST_HPP
