// oauth1/detail/qt_exchange.hpp - private to oauth1 (not a public header): one exchange of
// oauth1::qt::transport and oauth1::qt::async_flow - the QNetworkRequest built from an
// oauth1::http_request exactly as given (refused when Qt would send it otherwise), sent with
// QNetworkAccessManager::sendCustomRequest, bounded by timers for transport_options' limits,
// the body read within max_response_body_bytes, and the answer delivered to a callback on
// QNetworkReply::finished.
#ifndef OAUTH1_DETAIL_QT_EXCHANGE_HPP
#define OAUTH1_DETAIL_QT_EXCHANGE_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/detail/qt_request.hpp>
#include <oauth1/detail/transport_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <climits>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1::qt::detail {

/// The name transport_options refusals use.
inline constexpr std::string_view transport_name = "oauth1::qt::transport";

/// What Qt can honour of transport_options: no proxy (the CONNECT-tunnel guarantee is curl's),
/// no redirect following; verify_peer = false and ca_file with ca_path are fine.
inline constexpr oauth1::detail::transport_support qt_support{false, false, true, true};

/// The answer of one exchange, or why there is none.
struct exchange_result {
    http_response response;
    std::error_code ec;
    std::string what;
};

using completion = std::function<void(exchange_result&&)>;

/// The request-target of an absolute URL as written ("/" for an empty path, no fragment).
inline std::string_view written_target(std::string_view url, std::string& buf)
{
    url = url.substr(0, url.find('#'));
    const std::size_t authority = url.find("://");
    const std::size_t start =
        authority == std::string_view::npos ? 0 : url.find_first_of("/?", authority + 3);
    if (start == std::string_view::npos) return "/";
    const std::string_view t = url.substr(start);
    if (t.front() == '/') return t;
    buf = "/";
    buf.append(t);
    return buf;
}

/// A manager set up for exchanges of signed requests: no proxy (not even the system's), no HSTS
/// upgrade, no redirects followed.
inline void configure(QNetworkAccessManager& nam)
{
    nam.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    nam.setStrictTransportSecurityEnabled(false);
    nam.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

inline int clamp_ms(std::chrono::milliseconds d) noexcept
{
    return d.count() > INT_MAX ? INT_MAX : static_cast<int>(d.count());
}

/// The QNetworkRequest that sends `req` exactly, or false with `ec`/`what`.
inline bool build_request(const http_request& req, const transport_options& o, QNetworkRequest& qr,
                          std::error_code& ec, std::string& what)
{
    const auto refuse = [&](std::string why) {
        ec = make_error_code(errc::request_not_sendable);
        what = std::move(why);
        return false;
    };
    if (!is_valid_method(req.method)) return refuse("the method is not an HTTP token");
    if (oauth1::detail::has_header_breaking_char(req.content_type))
        return refuse("the Content-Type holds CR, LF or NUL");
    std::error_code uec;
    const std::string signed_uri = base_string_uri(req.url, uec);
    if (uec) {
        ec = make_error_code(errc::invalid_url);
        what = "the URL is not an absolute http(s) URL";
        return false;
    }
    qr.setUrl(QUrl::fromEncoded(bytes(req.url), QUrl::StrictMode));
    for (const http_header& h : req.headers) {
        if (oauth1::detail::has_header_breaking_char(h.name) ||
            oauth1::detail::has_header_breaking_char(h.value) || h.name.empty())
            return refuse("a header name or value is empty or holds CR, LF or NUL");
        if (oauth1::detail::ascii_iequals(h.name, "Content-Type")) {
            if (h.value != req.content_type)
                return refuse("a Content-Type header other than http_request::content_type");
            continue;
        }
        if (oauth1::detail::ascii_iequals(h.name, "Content-Length") ||
            oauth1::detail::ascii_iequals(h.name, "Transfer-Encoding"))
            return refuse("a Content-Length or Transfer-Encoding header (Qt frames the body)");
        if (qr.hasRawHeader(bytes(h.name)))
            return refuse("two headers named " + h.name.substr(0, 64) +
                          " (QNetworkRequest keeps one)");
        qr.setRawHeader(bytes(h.name), bytes(h.value));
    }
    if (!req.content_type.empty()) qr.setRawHeader("Content-Type", bytes(req.content_type));
    if (!o.user_agent.empty() && !qr.hasRawHeader("User-Agent"))
        qr.setRawHeader("User-Agent", bytes(o.user_agent));
    // What Qt will send, against what was signed: the request-target byte for byte, the rest as
    // the base string URI sees it.
    std::string wire;
    std::string why;
    if (!signable_url(qr, req.body.size(), wire, ec, &why)) {
        what = std::move(why);
        return false;
    }
    std::string buf;
    const std::string_view target = written_target(req.url, buf);
    std::string wire_buf;
    const std::string_view sent = written_target(wire, wire_buf);
    if (sent != target)
        return refuse("Qt would send the request-target as \"" + std::string(sent.substr(0, 200)) +
                      "\" (QUrl re-encodes it); percent-encode the URL as Qt does");
    if (base_string_uri(wire, uec) != signed_uri)
        return refuse("Qt would send another scheme, host or port than the URL's");
    qr.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                    QNetworkRequest::ManualRedirectPolicy);
    qr.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    qr.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    qr.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    qr.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    qr.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    qr.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
    if (qr.url().scheme() == QLatin1String("https")) {
        if (!QSslSocket::supportsSsl()) {
            ec = make_error_code(errc::transport_failed);
            what = "Qt has no TLS backend (QSslSocket::supportsSsl() is false)";
            return false;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!o.ca_file.empty() || !o.ca_path.empty()) {
            QList<QSslCertificate> cas;
            if (!o.ca_file.empty())
                cas += QSslCertificate::fromPath(QString::fromStdString(o.ca_file));
            if (!o.ca_path.empty())
                cas += QSslCertificate::fromPath(
                    QString::fromStdString(o.ca_path) + QStringLiteral("/*"), QSsl::Pem,
                    QSslCertificate::PatternSyntax::Wildcard);
            tls.setCaCertificates(cas);
        }
        if (!o.verify_peer) tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        qr.setSslConfiguration(tls);
    }
    return true;
}

/// Sends `req` with `nam` and calls `done` once, on QNetworkReply::finished (never from inside
/// this call), with the answer or why there is none; `context` scopes the callback (when it is
/// destroyed first, `done` is not called). Returns the reply (owned by `nam`; deleted after
/// `done`), or nullptr with `ec`/`what` when nothing was sent.
inline QNetworkReply* start_exchange(QNetworkAccessManager& nam, const http_request& req,
                                     const transport_options& o, QObject* context, completion done,
                                     std::error_code& ec, std::string& what)
{
    ec.clear();
    what = oauth1::detail::transport_options_problem(o, transport_name, qt_support);
    if (!what.empty()) {
        ec = make_error_code(errc::invalid_argument);
        return nullptr;
    }
    QNetworkRequest qr;
    if (!build_request(req, o, qr, ec, what)) return nullptr;

    struct state {
        QByteArray body;
        bool too_large = false;
        bool timed_out = false;
        bool connect_timed_out = false;
        bool delivered = false;
    };
    auto st = std::make_shared<state>();
    QNetworkReply* reply = nam.sendCustomRequest(qr, bytes(req.method), bytes(req.body));
    const std::size_t limit = o.max_response_body_bytes;
    const std::string where =
        req.method + " " +
        std::string(view(qr.url().toEncoded(QUrl::RemovePath | QUrl::RemoveQuery |
                                            QUrl::RemoveFragment | QUrl::RemoveUserInfo)));
    const std::chrono::milliseconds timeout = o.timeout;
    const std::chrono::milliseconds connect_timeout = o.connect_timeout;

    // Timers belong to the reply: they go with it.
    auto* whole = new QTimer(reply);
    whole->setSingleShot(true);
    QObject::connect(whole, &QTimer::timeout, reply, [st, reply] {
        st->timed_out = true;
        reply->abort();
    });
    whole->start(clamp_ms(timeout));
    auto* connect = new QTimer(reply);
    connect->setSingleShot(true);
    QObject::connect(connect, &QTimer::timeout, reply, [st, reply] {
        st->connect_timed_out = true;
        reply->abort();
    });
    connect->start(clamp_ms(connect_timeout < timeout ? connect_timeout : timeout));
    QObject::connect(reply, &QNetworkReply::requestSent, connect, &QTimer::stop);
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [st, reply, limit] {
        if (st->too_large) return;
        st->body += reply->readAll();
        if (static_cast<std::size_t>(st->body.size()) > limit) {
            st->too_large = true;
            st->body.clear();
            reply->abort();
        }
    });
    auto finish = [st, reply, limit, where, timeout, connect_timeout, done = std::move(done)] {
        if (st->delivered) return;
        st->delivered = true;
        exchange_result r;
        if (!st->too_large && reply->isOpen()) {
            st->body += reply->readAll();
            if (static_cast<std::size_t>(st->body.size()) > limit) st->too_large = true;
        }
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (st->too_large) {
            r.ec = make_error_code(errc::response_too_large);
            r.what = "the response body is larger than " + std::to_string(limit) +
                     " bytes (transport_options::max_response_body_bytes); stopped reading";
        } else if (st->connect_timed_out) {
            r.ec = make_error_code(errc::transport_failed);
            r.what = "Qt: timed out connecting after " + std::to_string(connect_timeout.count()) +
                     " ms (transport_options::connect_timeout) for " + where;
        } else if (st->timed_out) {
            r.ec = make_error_code(errc::transport_failed);
            r.what = "Qt: timed out after " + std::to_string(timeout.count()) +
                     " ms (transport_options::timeout) for " + where;
        } else if (!status.isValid()) {
            r.ec = make_error_code(errc::transport_failed);
            r.what = "Qt: " + reply->errorString().left(300).toStdString() + " for " + where;
        } else {
            r.response.status = status.toInt();
            for (const auto& [name, value] : reply->rawHeaderPairs())
                r.response.headers.push_back({name.toStdString(), value.toStdString()});
            r.response.body.assign(st->body.constData(), static_cast<std::size_t>(st->body.size()));
        }
        st->body.clear();
        reply->deleteLater();
        done(std::move(r));
    };
    QObject::connect(reply, &QNetworkReply::finished, context ? context : reply, finish);
    if (reply->isFinished()) QTimer::singleShot(0, context ? context : reply, finish);
    return reply;
}

} // namespace oauth1::qt::detail

#endif // OAUTH1_DETAIL_QT_EXCHANGE_HPP
