// oauth1/adapters/httplib_transport.hpp - oauth1::httplib::transport, the cpp-httplib transport of
// the three-legged flow (flow.hpp; RFC 5849 §2): sends an oauth1::http_request exactly as given
// (signed with oauth1::sign, RFC 5849 §3.4) and returns the answer. Part of the oauth1::httplib
// component.
//
//   oauth1::transport_options o;                           // connect 10 s, whole exchange 30 s
//   o.ca_file = "corp-ca.pem";
//   const oauth1::httplib::transport http(o);
//   auto temp = oauth1::request_temporary_credentials(http, client, endpoints, "oob");
//
// Options: oauth1::transport_options (transport_options.hpp, the same for every adapter;
// oauth1::httplib::transport_options is that struct). How cpp-httplib maps them: timeout ->
// set_read_timeout and set_write_timeout (each wait for the socket) and a deadline on the whole
// exchange that stops the client (ClientImpl::stop) when it passes; connect_timeout ->
// set_connection_timeout (the connect and the TLS handshake; at most `timeout`); ca_file or
// ca_path -> set_ca_cert_path; verify_peer -> enable_server_certificate_verification;
// user_agent -> a User-Agent header unless the request has one (empty: cpp-httplib's own);
// max_response_body_bytes -> a content receiver that stops the read at the limit. Refused with
// errc::invalid_argument (nothing is sent): a proxy, follow_redirects (this transport sends
// signed requests only), and ca_file with ca_path (cpp-httplib 0.11 reads only one of them).
// Name resolution is cpp-httplib's (getaddrinfo) and is not interrupted by either limit.
#ifndef OAUTH1_ADAPTERS_HTTPLIB_TRANSPORT_HPP
#define OAUTH1_ADAPTERS_HTTPLIB_TRANSPORT_HPP

#include <oauth1/detail/httplib_exchange.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <cstdlib>
#include <string>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace httplib {

/// The settings of oauth1::httplib::transport: oauth1::transport_options (see the top of this
/// header for how each member maps to cpp-httplib, and which values are refused).
using transport_options = oauth1::transport_options;

/// An oauth1 transport (see transport.hpp) over cpp-httplib: sends an http_request exactly as
/// given and returns the answer (any status; a 4xx/5xx is a response, not an error).
///
/// Each call makes its own httplib client for the URL's scheme://host:port and closes it after
/// the answer (no connection reuse, nothing shared: calls from several threads are safe). URL
/// encoding off, redirects not followed, Connection: close; Host is the URL's host[:port] as
/// written, the request-target its path and query as written (no fragment). https needs
/// cpp-httplib built with CPPHTTPLIB_OPENSSL_SUPPORT (Debian's is, and its cpp-httplib.pc says
/// so); certificates are verified against transport_options::ca_file or ca_path, or OpenSSL's
/// defaults. The response body is decompressed when the server sent Content-Encoding gzip/br;
/// response header values arrive percent-decoded by cpp-httplib before 0.44 (see
/// oauth1/adapters/httplib.hpp).
/// The body is received through a content receiver that keeps at most
/// transport_options::max_response_body_bytes (decompressed) and stops the read at the first
/// byte beyond them: errc::response_too_large, and nothing more is buffered.
///
/// Errors: errc::invalid_url, errc::request_not_sendable (userinfo in the URL, a target that
/// cannot go on the request line as it is, a header name that is not a token or a value with
/// CR/LF/NUL, a Host header other than the URL's, a Content-Type header other than
/// `content_type`, a Content-Length other than the body's size, Transfer-Encoding),
/// errc::response_too_large (see above), errc::invalid_argument (a transport_options value it
/// cannot honour: see the top of this header), and errc::transport_failed when no answer was
/// received, a timeout included (the three-argument form also says why, e.g. "cpp-httplib:
/// Connection (2) for GET http://127.0.0.1:1" - scheme, host and port only, never the query or
/// headers).
class transport {
public:
    transport() = default;
    /// A transport with `options`.
    explicit transport(transport_options options) : options_(std::move(options)) {}

    /// The options given at construction.
    const transport_options& options() const noexcept { return options_; }

    /// Sends `req` and reads the answer (the flow's transport concept, transport.hpp).
    http_response operator()(const http_request& req, std::error_code& ec) const
    {
        std::string what;
        return (*this)(req, ec, what);
    }

    /// As above; `what` receives a one-line description of a failure (no secrets).
    http_response operator()(const http_request& req, std::error_code& ec, std::string& what) const
    {
        return detail::exchange(req, options_, ec, what);
    }

    /// As above; throws oauth1::error with the description of a failure.
    http_response operator()(const http_request& req) const
    {
        std::error_code ec;
        std::string what;
        http_response r = (*this)(req, ec, what);
        if (ec) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
            throw error(ec, what);
#else
            std::abort();
#endif
        }
        return r;
    }

private:
    transport_options options_{};
};

} // namespace httplib
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_HTTPLIB_TRANSPORT_HPP
