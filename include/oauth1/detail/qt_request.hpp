// oauth1/detail/qt_request.hpp - private to oauth1 (not a public header): what Qt 6's
// QNetworkAccessManager puts on the wire for a QNetworkRequest (the request-target, the Host),
// and the checks of oauth1/adapters/qt.hpp that refuse what Qt would send differently from what
// is signed (RFC 5849 §3.4.1.2 signs the URL the server rebuilds from the request line and
// Host).
#ifndef OAUTH1_DETAIL_QT_REQUEST_HPP
#define OAUTH1_DETAIL_QT_REQUEST_HPP

// oauth1's headers use none of the names Qt defines as macros (`slots`, `signals`, `emit`,
// unless QT_NO_KEYWORDS), so they may be included before or after Qt's.
#include <oauth1/authorization.hpp> // has_header_breaking_char
#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp> // is_form_urlencoded

#include <QByteArray>
#include <QByteArrayView>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::qt::detail {

inline std::string_view view(QByteArrayView v) noexcept
{
    return v.isEmpty() ? std::string_view()
                       : std::string_view(v.data(), static_cast<std::size_t>(v.size()));
}

inline std::string_view view(const QByteArray& v) noexcept
{
    return std::string_view(v.constData(), static_cast<std::size_t>(v.size()));
}

inline QByteArray bytes(std::string_view s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

/// Sets `ec` to request_not_sendable and `why` (when given) to `what`; returns false.
inline bool refuse(std::string_view what, std::error_code& ec, std::string* why)
{
    ec = make_error_code(errc::request_not_sendable);
    if (why) why->assign(what);
    return false;
}

/// The request-target Qt 6 writes on the request line for `url` (QHttpNetworkRequest::uri
/// without a proxy): FullyEncoded, no fragment, no userinfo, "/" for an empty path, and the path
/// passed through QUrl::NormalizePathSegments.
inline QByteArray wire_target(const QUrl& url)
{
    QUrl::FormattingOptions f(QUrl::RemoveFragment | QUrl::RemoveUserInfo | QUrl::FullyEncoded |
                              QUrl::RemoveScheme | QUrl::RemoveAuthority);
    QUrl copy = url;
    if (copy.path().isEmpty()) {
        copy.setPath(QStringLiteral("/"));
    } else {
        f |= QUrl::NormalizePathSegments;
    }
    return copy.toEncoded(f);
}

/// The same without NormalizePathSegments (what the caller wrote, encoded by QUrl).
inline QByteArray written_target(const QUrl& url)
{
    QUrl copy = url;
    if (copy.path().isEmpty()) copy.setPath(QStringLiteral("/"));
    return copy.toEncoded(QUrl::RemoveFragment | QUrl::RemoveUserInfo | QUrl::FullyEncoded |
                          QUrl::RemoveScheme | QUrl::RemoveAuthority);
}

/// The absolute URL Qt will request for `req`, as the server rebuilds it (scheme, the Host Qt
/// sends, the request-target Qt writes), or false with request_not_sendable / invalid_url and
/// `why` naming the part that Qt would send otherwise than signed.
/// `body_size`: the size of the body to be sent (Content-Type and Content-Length checks).
inline bool signable_url(const QNetworkRequest& req, std::size_t body_size, std::string& url,
                         std::error_code& ec, std::string* why)
{
    const QUrl u = req.url();
    if (!u.isValid() || u.isRelative() || u.host().isEmpty()) {
        ec = make_error_code(errc::invalid_url);
        if (why) why->assign("the URL: not an absolute http(s) URL with a host (QUrl::isValid)");
        return false;
    }
    const QString scheme = u.scheme();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        ec = make_error_code(errc::invalid_url);
        if (why) why->assign("the URL's scheme: only http and https are signed");
        return false;
    }
    if (!u.userInfo().isEmpty())
        return refuse("the URL's userinfo: Qt would not send it but answer a 401 with it "
                      "(QNetworkAccessManager caches it as credentials); remove user:password@",
                      ec, why);
    const QByteArray target = wire_target(u);
    if (target != written_target(u))
        return refuse("the URL's path: Qt normalises it (QUrl::NormalizePathSegments removes "
                      "\".\" and \"..\" segments and merges \"//\") and would send \"" +
                          std::string(view(target)) + "\"; write the path without them",
                      ec, why);
    // The Host Qt sends: the request's own Host header when set, else the URL's host[:port].
    const QByteArray authority = u.authority(QUrl::FullyEncoded).toUtf8();
    const QByteArray host = req.rawHeader("Host");
    if (req.hasRawHeader("Host") && host.toLower() != authority.toLower())
        return refuse("the Host header: \"" + std::string(view(host)) +
                          "\" is not the URL's authority \"" + std::string(view(authority)) +
                          "\" (the server rebuilds the signed URL from the Host)",
                      ec, why);
    const QList<QByteArray> names = req.rawHeaderList();
    for (const QByteArray& n : names) {
        if (oauth1::detail::has_header_breaking_char(view(n)) ||
            oauth1::detail::has_header_breaking_char(view(req.rawHeader(n))))
            return refuse("a header: \"" + std::string(view(n).substr(0, 64)) +
                              "\" holds CR, LF or NUL in its name or value",
                          ec, why);
    }
    if (req.hasRawHeader("Content-Length") &&
        req.rawHeader("Content-Length").trimmed() !=
            QByteArray::number(static_cast<qulonglong>(body_size)))
        return refuse("the Content-Length header: it is not the body's size", ec, why);
    if (body_size > 0 && !req.hasRawHeader("Content-Type"))
        return refuse("the Content-Type: QNetworkAccessManager::post() and put() send a body "
                      "without one as application/x-www-form-urlencoded (which a server verifies "
                      "as form parameters); set QNetworkRequest::ContentTypeHeader",
                      ec, why);
    url = scheme.toStdString();
    url += "://";
    url.append(view(authority));
    url.append(view(target));
    return true;
}

} // namespace oauth1::qt::detail

#endif // OAUTH1_DETAIL_QT_REQUEST_HPP
