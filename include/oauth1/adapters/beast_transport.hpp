// oauth1/adapters/beast_transport.hpp - Boost.Beast transports for the three-legged flow
// (flow.hpp; RFC 5849 §2): oauth1::beast::transport sends http:// URLs over
// boost::beast::tcp_stream, oauth1::beast::tls_transport sends https:// URLs over
// boost::beast::ssl_stream with the caller's boost::asio::ssl::context (SNI and host name
// verification are set up for every connection). Part of the oauth1::beast component.
//
//   boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
//   tls.set_default_verify_paths();
//   oauth1::beast::tls_transport https(tls);               // oauth1::transport_options{}
//   auto temp = oauth1::request_temporary_credentials(https, client, endpoints, "oob");
//
// Each request uses a fresh connection that is closed after the answer, so a request is never
// retried on a stale kept-alive connection (a retry would repeat its nonce). TLS code is
// instantiated only when tls_transport is used: programs that do not use it need libcrypto (as
// the core does) but not libssl. Requests are sent exactly as signed (oauth1::sign, RFC 5849
// §3.4): the URL's path and query byte for byte as the target, Host from its authority.
//
// Options: oauth1::transport_options (transport_options.hpp, the same for every adapter;
// oauth1::beast::transport_options is that struct). How Beast maps them: timeout ->
// tcp_stream::expires_at(start + timeout) over resolve, connect, TLS handshake, write and read
// (the system resolver itself cannot be interrupted); connect_timeout -> expires_at(start +
// connect_timeout) until the connection and the TLS handshake are up; ca_file/ca_path ->
// tls_transport loads them into one trust store set on each connection
// (SSL_set1_verify_cert_store), in place of the context's; user_agent -> a User-Agent field
// unless the request has one; max_response_body_bytes -> the parser's body_limit (a larger body
// is errc::response_too_large). Refused with errc::invalid_argument (nothing is sent): a proxy
// (Beast has none), follow_redirects (these transports send signed requests only), and
// verify_peer = false (the Beast transports cannot turn verification off).
#ifndef OAUTH1_ADAPTERS_BEAST_TRANSPORT_HPP
#define OAUTH1_ADAPTERS_BEAST_TRANSPORT_HPP

#include <oauth1/detail/beast_io.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace beast {

/// The settings of the Beast transports: oauth1::transport_options (see the top of this header
/// for how each member maps to Beast, and which values are refused).
using transport_options = oauth1::transport_options;

/// Sends oauth1::http_request values to http:// URLs over boost::beast::tcp_stream: a transport
/// for the three-legged flow (oauth1::is_transport_v). One connection per request, closed after
/// the answer. The request-target is the URL's path and query byte for byte (no fragment), Host
/// its authority, then the headers (a Host or Content-Type header must agree with the URL and
/// `content_type`; Content-Length and Transfer-Encoding are computed from the body).
/// A 4xx/5xx answer is a response. Errors: errc::transport_failed (no answer: last_error() holds
/// the step and Asio's message, and which limit passed for a timeout), errc::response_too_large
/// (a body larger than transport_options::max_response_body_bytes), errc::request_not_sendable
/// (an https URL, userinfo, a disagreeing Host or Content-Type header), errc::invalid_url,
/// errc::invalid_method, errc::header_injection, errc::invalid_argument (a header name that is
/// not a token; a transport_options value it cannot honour, see the top of this header).
class transport {
public:
    transport() = default;
    /// An http transport with `opts`.
    explicit transport(transport_options opts) : opts_(std::move(opts)) {}

    /// Sends `req` and reads the answer (the flow's transport concept, transport.hpp).
    http_response operator()(const http_request& req, std::error_code& ec)
    {
        return detail::send(
            req, false, opts_,
            [](::boost::asio::io_context& ioc) { return ::boost::beast::tcp_stream(ioc); },
            last_error_, ec);
    }

    /// Throws oauth1::error whose what() includes last_error().
    http_response operator()(const http_request& req)
    {
        std::error_code ec;
        http_response r = (*this)(req, ec);
        if (ec) {
            const std::string what = last_error_.empty() ? std::string("beast transport")
                                                         : "beast transport: " + last_error_;
            oauth1::detail::throw_if(ec, what.c_str());
        }
        return r;
    }

    /// Why the last call failed: the step ("connect 127.0.0.1:8080: Connection refused") or the
    /// reason a request was refused; empty after a success. Never holds secrets (no headers, no
    /// path or query).
    const std::string& last_error() const noexcept { return last_error_; }
    /// The options given at construction.
    const transport_options& options() const noexcept { return opts_; }

private:
    transport_options opts_{};
    std::string last_error_;
};

/// As oauth1::beast::transport, for https:// URLs over boost::beast::ssl_stream<tcp_stream>.
/// `ctx` is the caller's (trust store: e.g. ctx.set_default_verify_paths() or
/// add_certificate_authority(), unless transport_options::ca_file or ca_path replace it) and
/// must outlive the transport. Every connection sends SNI (for host names) and verifies the
/// peer's certificate chain and that it names the URL's host (verify_peer +
/// host_name_verification), whatever the context's own verify mode. Needs libssl (the
/// oauth1::beast CMake component and the Meson dependency link it). A ca_file or ca_path that
/// cannot be loaded fails the call with errc::transport_failed, naming the file.
class tls_transport {
public:
    /// An https transport using `ctx` (trust store, client certificate) with `opts`.
    explicit tls_transport(::boost::asio::ssl::context& ctx, transport_options opts = {})
        : ctx_(&ctx), opts_(std::move(opts))
    {}

    /// Sends `req` and reads the answer (the flow's transport concept, transport.hpp).
    http_response operator()(const http_request& req, std::error_code& ec)
    {
        ::boost::asio::ssl::context& ctx = *ctx_;
        return detail::send(
            req, true, opts_,
            [&ctx](::boost::asio::io_context& ioc) {
                return ::boost::beast::ssl_stream<::boost::beast::tcp_stream>(ioc, ctx);
            },
            last_error_, ec);
    }

    /// Throws oauth1::error whose what() includes last_error().
    http_response operator()(const http_request& req)
    {
        std::error_code ec;
        http_response r = (*this)(req, ec);
        if (ec) {
            const std::string what = last_error_.empty() ? std::string("beast TLS transport")
                                                         : "beast TLS transport: " + last_error_;
            oauth1::detail::throw_if(ec, what.c_str());
        }
        return r;
    }

    /// As transport::last_error(); TLS failures name OpenSSL's reason ("certificate verify
    /// failed").
    const std::string& last_error() const noexcept { return last_error_; }
    /// The options given at construction.
    const transport_options& options() const noexcept { return opts_; }

private:
    ::boost::asio::ssl::context* ctx_;
    transport_options opts_{};
    std::string last_error_;
};
} // namespace beast
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_BEAST_TRANSPORT_HPP
