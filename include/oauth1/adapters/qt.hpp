// oauth1/adapters/qt.hpp - signing a QNetworkRequest (Qt 6 QtNetwork) before you send it with
// your own QNetworkAccessManager (RFC 5849 §3.4 signs, RFC 5849 §3.5.1 sends the signature in
// the Authorization header). Part of the oauth1::qt component (CMake target oauth1::qt, Meson
// oauth1_qt_dep).
//
//   QNetworkRequest req(QUrl("https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary"));
//   oauth1::qt::sign(req, "GET", {}, client);              // throws oauth1::error
//   QNetworkReply* reply = nam.sendCustomRequest(req, "GET");
//
//   req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
//   oauth1::sign_options o;
//   o.body_hash = true;                                    // oauth_body_hash covers the JSON
//   oauth1::qt::sign(req, "POST", json, client, o);
//   nam.sendCustomRequest(req, "POST", json);
//
// Send the request with the same verb and body as signed (sendCustomRequest(req, verb, body),
// or get/post/put/deleteResource). Files of the oauth1::qt component:
// - this header: sign();
// - oauth1/adapters/qt_transport.hpp: oauth1::qt::transport, a blocking transport for the
//   three-legged flow (flow.hpp) over QNetworkAccessManager and a local QEventLoop;
// - oauth1/adapters/qt_flow.hpp: oauth1::qt::async_flow, the three-legged flow without blocking:
//   each step completes through a callback on QNetworkReply::finished;
// - oauth1/detail/qt_*.hpp: the machinery (private).
//
// What is signed is what Qt sends. sign() signs the URL exactly as Qt 6 writes it (checked by
// tests/unit/adapter_qt.cpp against the installed Qt, 6.4): the scheme, the Host Qt sends and
// the request-target QHttpNetworkRequest builds (QUrl::FullyEncoded, no fragment, no userinfo).
// Qt changes a request in these ways; sign() signs each as sent or refuses the request with
// errc::request_not_sendable and a message naming the part (nothing is changed then):
// - Path and query re-encoding: QUrl percent-encodes space, '"', '<', '>', '{', '}', '|', '^',
//   '`' and non-ASCII (as UTF-8), upper-cases "%2f" to "%2F", decodes "%7E"/"%41" (unreserved)
//   and writes a stray '%' as "%25". Signed as sent (the FullyEncoded form). '+' in the query
//   is kept as '+' (a form-encoded space for the server): signed as sent.
// - Dot segments and "//" in the path: Qt passes the path through QUrl::NormalizePathSegments
//   ("/a/./b/../c" goes out as "/a//c", "//a" as "/a"). Refused ("the URL's path: ...").
// - Empty path: sent as "/" (signed so; RFC 5849 §3.4.1.2 does the same).
// - Host: Qt sends the URL's host lower-cased, international names as punycode (toAce), short
//   IPv4 forms ("127.1") as dotted quads, and ":port" whenever the URL has a port, the default
//   one included ("Host: h:80"). Signed from the same QUrl, so as sent (the base string drops a
//   default port either way). A raw Host header is what Qt sends: one other than the URL's
//   authority is refused ("the Host header: ...").
// - Userinfo (user:pw@): never sent by Qt but used to answer a 401. Refused.
// - Fragment: neither signed (3.4.1.2) nor sent.
// - Content-Type: QNetworkAccessManager::post() and put() send a body without one with
//   "Content-Type: application/x-www-form-urlencoded" (and a warning), which a server verifies
//   as form parameters (sendCustomRequest sends none). sign() cannot know which call follows:
//   refused ("the Content-Type: ..."); set QNetworkRequest::ContentTypeHeader. A form Content-Type signs the body's
//   parameters (3.4.1.3.1); other bodies get oauth_body_hash with sign_options::body_hash.
// - Content-Length: Qt writes the body's size; a raw Content-Length of another value is refused.
// - Redirects: Qt 6 follows them by default (NoLessSafeRedirectPolicy), re-sending the
//   Authorization header to another URL. sign() sets QNetworkRequest::RedirectPolicyAttribute to
//   ManualRedirectPolicy: a 3xx is returned as the reply.
// - HTTP/2: Qt 6 negotiates it for https by ALPN (Http2AllowedAttribute defaults to true): the
//   target goes into :path and Host into :authority unchanged, so the signature holds; the
//   transport pins HTTP/1.1 all the same (its tests read the request line).
// - Headers Qt adds: Host, Connection: Keep-Alive, Accept-Encoding: zstd, br, gzip, deflate
//   (and it decompresses the answer), Accept-Language, User-Agent: Mozilla/5.0, Content-Length, and
//   Cookie from the manager's cookie jar. None is signed (RFC 5849 signs the method, the URL and
//   form parameters), so they leave the signature valid. Header values with CR, LF or NUL are
//   refused.
// - Proxies: through an HTTP proxy a plain-http request line carries the absolute URL; the path,
//   query and Host are the same, so the signature holds. HSTS (off by default) would turn http
//   into https: keep it off for signed http:// requests.
// - Authentication: QNetworkAccessManager::authenticationRequired, answered, re-sends the request
//   with Basic/Digest in place of the OAuth header: do not answer it for signed requests.
#ifndef OAUTH1_ADAPTERS_QT_HPP
#define OAUTH1_ADAPTERS_QT_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/qt_request.hpp>
#include <oauth1/detail/url_diagnosis.hpp>
#include <oauth1/error.hpp>

#include <QByteArray>
#include <QByteArrayView>
#include <QNetworkRequest>

#include <cstdlib>
#include <string>
#include <system_error>

namespace oauth1 {
namespace qt {

/// Signs `req` for the method `verb` and the body `body` it will be sent with, and sets its
/// Authorization header (RFC 5849 §3.5.1), replacing any, and its RedirectPolicyAttribute to
/// ManualRedirectPolicy. The signed URL is the one Qt will request (see the top of this header);
/// a form body (Content-Type application/x-www-form-urlencoded on `req`) is signed as parameters,
/// another body is covered with opts.body_hash. `out` receives the signed result.
/// Errors (nothing changed): errc::request_not_sendable (Qt would send something else; `message`
/// names the part), errc::invalid_url, and the errors of basic_client::sign().
template <class Signer, class Clock, class Nonce>
void sign(QNetworkRequest& req, QByteArrayView verb, QByteArrayView body,
          const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          signed_request& out, std::error_code& ec, std::string* message = nullptr)
{
    ec.clear();
    if (message) message->clear();
    std::string url;
    if (!detail::signable_url(req, static_cast<std::size_t>(body.size()), url, ec, message)) return;
    const QByteArray content_type = req.rawHeader("Content-Type");
    c.sign(request{detail::view(verb), url, detail::view(content_type), detail::view(body)}, opts,
           out, ec);
    if (ec) {
        if (message) {
            *message = ec == errc::invalid_url || ec == errc::invalid_percent_encoding
                           ? oauth1::detail::describe_url_problem(url)
                           : ec.message();
        }
        return;
    }
    req.setRawHeader("Authorization", detail::bytes(out.authorization()));
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
}

/// As above, without the signed result.
template <class Signer, class Clock, class Nonce>
void sign(QNetworkRequest& req, QByteArrayView verb, QByteArrayView body,
          const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          std::error_code& ec, std::string* message = nullptr)
{
    signed_request out;
    qt::sign(req, verb, body, c, opts, out, ec, message);
}

/// As above; returns the signed result. Throws oauth1::error whose what() names the refused part.
template <class Signer, class Clock, class Nonce>
signed_request sign(QNetworkRequest& req, QByteArrayView verb, QByteArrayView body,
                    const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts = {})
{
    signed_request out;
    std::error_code ec;
    std::string message;
    qt::sign(req, verb, body, c, opts, out, ec, &message);
    if (ec) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        throw error(ec, "signing QNetworkRequest: " + message);
#else
        std::abort();
#endif
    }
    return out;
}

} // namespace qt
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_QT_HPP
