// oauth1/adapters/poco_transport.hpp - oauth1::poco::transport, the Poco::Net transport of the
// three-legged flow (flow.hpp; RFC 5849 §2): sends an oauth1::http_request exactly as given
// (signed with oauth1::sign, RFC 5849 §3.4) over an HTTPClientSession or HTTPSClientSession and
// returns the answer. Part of the oauth1::poco component.
//
//   oauth1::transport_options o;                           // connect 10 s, whole exchange 30 s
//   o.ca_file = "corp-ca.pem";
//   const oauth1::poco::transport http(o);
//   auto temp = oauth1::request_temporary_credentials(http, client, endpoints, "oob");
//
// Options: oauth1::transport_options (transport_options.hpp, the same for every adapter). How
// Poco maps them: connect_timeout -> the session's connection timeout (at most `timeout`);
// timeout -> its send and receive timeouts (each wait for the socket) and a deadline on the
// whole exchange that shuts the socket down when it passes; ca_file and/or ca_path -> loaded
// into the Poco::Net::Context's SSL_CTX (SSL_CTX_load_verify_locations) in place of OpenSSL's
// defaults; verify_peer -> Context::VERIFY_STRICT (chain and host name, 127.0.0.1 and localhost
// included) or VERIFY_NONE; user_agent -> a User-Agent header unless the request has one (empty:
// none; Poco sends none by itself); max_response_body_bytes -> a Content-Length above it is
// refused before the body is read, and the read stops at the first byte beyond it. Refused with
// errc::invalid_argument (nothing is sent): a proxy (Poco sends http requests to a proxy in
// absolute form, not through the CONNECT tunnel transport_options::proxy means) and
// follow_redirects (this transport sends signed requests only). Name resolution is Poco's
// (getaddrinfo) and is not interrupted by either limit.
// Poco reports a certificate chain that does not verify to the process-wide
// Poco::Net::SSLManager::ClientVerificationError event: with no InvalidCertificateHandler
// installed (the default when SSLManager::initializeClient() was never called) it is refused;
// an application that installed an AcceptCertificateHandler accepts it for this transport too
// (the host name check, VERIFY_STRICT, is not affected). Tested: a trusted CA file, a
// certificate for another host refused, an unknown CA refused, verify_peer = false.
#ifndef OAUTH1_ADAPTERS_POCO_TRANSPORT_HPP
#define OAUTH1_ADAPTERS_POCO_TRANSPORT_HPP

#include <oauth1/detail/poco_exchange.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <cstdlib>
#include <string>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace poco {

/// The settings of oauth1::poco::transport: oauth1::transport_options (see the top of this
/// header for how each member maps to Poco, and which values are refused).
using transport_options = oauth1::transport_options;

/// An oauth1 transport (see transport.hpp) over Poco::Net: sends an http_request exactly as
/// given and returns the answer (any status; a 4xx/5xx is a response, not an error).
///
/// Each call makes its own session for the URL's scheme://host:port and closes it after the
/// answer (no connection reuse, nothing shared: calls from several threads are safe). Redirects
/// are not followed, Connection: close; Host is the URL's host[:port] as written, the
/// request-target its path and query as written (no fragment), the body framed by
/// Content-Length.
///
/// Errors: errc::invalid_url, errc::request_not_sendable (userinfo in the URL, a target that
/// cannot go on the request line as it is, a header name that is not a token or a value with
/// CR/LF/NUL, a Host header other than the URL's, a Content-Type header other than
/// `content_type`, a Content-Length other than the body's size, Transfer-Encoding),
/// errc::response_too_large (see above), errc::invalid_argument (a transport_options value it
/// cannot honour: see the top of this header), and errc::transport_failed when no answer was
/// received, a timeout included (the three-argument form also says why, e.g. "Poco: Connection
/// refused for GET http://127.0.0.1:1" - scheme, host and port only, never the query or
/// headers).
class transport {
public:
    transport() = default;
    /// A transport with `options`.
    explicit transport(transport_options options) : options_(std::move(options)) {}

    /// The options given at construction.
    const transport_options& options() const noexcept { return options_; }

    /// Sends `req` over an HTTPClientSession or HTTPSClientSession and reads the answer
    /// (transport.hpp).
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

} // namespace poco
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_POCO_TRANSPORT_HPP
