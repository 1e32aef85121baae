// oauth1/adapters/qt_transport.hpp - oauth1::qt::transport, a blocking transport of the
// three-legged flow (flow.hpp; RFC 5849 §2) over Qt 6's QNetworkAccessManager: sends an
// oauth1::http_request exactly as given (signed with oauth1::sign, RFC 5849 §3.4) and waits for
// the answer in a local QEventLoop. For command-line programs and tests; in a GUI use
// oauth1::qt::async_flow (qt_flow.hpp), which never blocks. Part of the oauth1::qt component.
//
//   QCoreApplication app(argc, argv);                        // Qt needs one
//   oauth1::transport_options o;                             // connect 10 s, whole exchange 30 s
//   const oauth1::qt::transport http(o);
//   auto temp = oauth1::request_temporary_credentials(http, client, endpoints.request_token);
//
// Options: oauth1::transport_options (transport_options.hpp, the same for every adapter). How Qt
// maps them: timeout -> a QTimer over the whole exchange that aborts the reply; connect_timeout ->
// a QTimer stopped by QNetworkReply::requestSent (the connection, the TLS handshake and the
// request written), at most `timeout`; ca_file / ca_path -> QSslConfiguration::setCaCertificates
// (ca_path: every PEM file in the directory; both may be given); verify_peer = false ->
// QSslSocket::VerifyNone; user_agent -> a User-Agent header unless the request has one (empty:
// Qt's own, "Mozilla/5.0"); max_response_body_bytes -> counted on readyRead (after Qt's
// transparent gzip/deflate decoding), the reply aborted at the first byte beyond. Refused with
// errc::invalid_argument (nothing is sent): a proxy and follow_redirects (the same words as the
// httplib and Beast transports). Name resolution is Qt's (QHostInfo, in a thread) and is bounded
// by both limits.
#ifndef OAUTH1_ADAPTERS_QT_TRANSPORT_HPP
#define OAUTH1_ADAPTERS_QT_TRANSPORT_HPP

#include <oauth1/detail/qt_exchange.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkAccessManager>

#include <cstdlib>
#include <string>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace qt {

/// The settings of oauth1::qt::transport: oauth1::transport_options (see the top of this header).
using transport_options = oauth1::transport_options;

/// An oauth1 transport (see transport.hpp) over QNetworkAccessManager: sends an http_request
/// exactly as given and returns the answer (any status; a 4xx/5xx is a response, not an error).
///
/// Each call makes its own QNetworkAccessManager in the calling thread and runs a local
/// QEventLoop until the reply finishes (the caller's events, timers and other replies keep being
/// served meanwhile; user input is held back). The process needs a QCoreApplication (or
/// QGuiApplication/QApplication), and the calling thread an event dispatcher (the main thread or
/// a QThread). No proxy (the system's is ignored), no redirects followed, no cookie jar, no
/// cache, no HSTS, HTTP/1.1 only (Http2AllowedAttribute off). Response headers are
/// QNetworkReply::rawHeaderPairs() (Qt joins repeated fields with ", ").
///
/// Errors: errc::invalid_url, errc::request_not_sendable (userinfo in the URL, a target Qt would
/// re-encode or normalise, a Host header other than the URL's, a Content-Type header other than
/// `content_type`, a body without a Content-Type, Content-Length or Transfer-Encoding headers,
/// CR/LF/NUL in a header), errc::response_too_large, errc::invalid_argument (a transport_options
/// value it cannot honour), and errc::transport_failed when no answer was received, a timeout
/// included (the three-argument form says why, e.g. "Qt: Connection refused for GET
/// http://127.0.0.1:1" - scheme, host and port only, never the query or headers).
class transport {
public:
    transport() = default;
    /// A transport with `options`.
    explicit transport(transport_options options) : options_(std::move(options)) {}

    /// The options given at construction.
    const transport_options& options() const noexcept { return options_; }

    /// Sends `req` and reads the answer, blocking in a local event loop (transport.hpp).
    http_response operator()(const http_request& req, std::error_code& ec) const
    {
        std::string what;
        return (*this)(req, ec, what);
    }

    /// As above; `what` receives a one-line description of a failure (no secrets).
    http_response operator()(const http_request& req, std::error_code& ec, std::string& what) const
    {
        ec.clear();
        what.clear();
        if (!QCoreApplication::instance()) {
            ec = make_error_code(errc::transport_failed);
            what = "oauth1::qt::transport needs a QCoreApplication (create one in main())";
            return {};
        }
        QNetworkAccessManager nam;
        detail::configure(nam);
        QEventLoop loop;
        detail::exchange_result result;
        bool finished = false;
        QNetworkReply* reply = detail::start_exchange(
            nam, req, options_, &loop,
            [&](detail::exchange_result&& r) {
                result = std::move(r);
                finished = true;
                loop.quit();
            },
            ec, what);
        if (!reply) return {};
        while (!finished) loop.exec(QEventLoop::ExcludeUserInputEvents);
        ec = result.ec;
        what = std::move(result.what);
        return std::move(result.response);
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

} // namespace qt
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_QT_TRANSPORT_HPP
