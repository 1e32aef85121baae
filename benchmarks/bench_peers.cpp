// benchmarks/bench_peers.cpp - the C++ libraries a user would pick instead of oauth1, signing the
// same requests in the same run (issue 16 §2): Poco's Net::OAuth10Credentials (libpoco-dev,
// implementation "poco") and Qt 6's QOAuth1Signature (qt6-networkauth-dev, implementation "qt").
// Rows are named peers/<workload>/HMAC-SHA1/<implementation>, so that README command 1's short
// run (sign|sign_mt|verify) leaves them out; report.py puts them in the production table.
//
// Each row first signs the workload with the fixed nonce and timestamp and checks that the
// signature equals oauth1's (a mismatch skips the row with the reason). Both agree only when
// called with care, which the rows do: Poco ignores the URI's query (its parameters must be
// copied into the HTMLForm), and Qt's addRequestBody() double-encodes %2B/%2C/%21 in a form body
// (the decoded values must be insert()ed instead). Then each row times the
// library's production path, as its users call it: a fresh nonce and the clock on every call
// (Poco: authenticate() with its own nonce; Qt: QOAuth1::nonce(), the current time, the oauth_*
// parameters, hmacSha1() and QOAuth1::generateAuthorizationHeader(), what QOAuth1 calls).
// Neither can sign RSA (Poco: PLAINTEXT and HMAC-SHA1 only; Qt: rsaSha1() is declared but
// returns an empty signature), so there are no RSA rows. Built only where CMake found them.
#include "bench_common.hpp"

#if defined(OAUTH1_BENCH_POCO) || defined(OAUTH1_BENCH_QT)

#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/signature_method.hpp>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#if defined(OAUTH1_BENCH_POCO)
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/OAuth10Credentials.h>
#include <Poco/URI.h>
#endif
#if defined(OAUTH1_BENCH_QT)
#include <QtCore/QByteArray>
#include <QtCore/QDateTime>
#include <QtCore/QMultiMap>
#include <QtCore/QString>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>
#include <QtCore/QVariant>
#include <QtNetworkAuth/QOAuth1>
#include <QtNetworkAuth/QOAuth1Signature>
#endif

namespace oauth1_bench {
namespace {

/// oauth1's signature of `w` with the fixed nonce and timestamp (the value every peer must give).
std::string oauth1_signature(const workload& w)
{
    oauth1::basic_client<oauth1::hmac_sha1> c{std::string(consumer_key),
                                              oauth1::hmac_sha1(consumer_secret)};
    c.set_token(token, token_secret);
    return std::string(c.sign(w.request(), fixed_options(w)).signature());
}

/// The decoded oauth_signature of an Authorization header value ("OAuth a="b", ...").
std::string header_signature(std::string_view header)
{
    const std::size_t at = header.find("oauth_signature=\"");
    if (at == std::string_view::npos) return {};
    std::string_view v = header.substr(at + 17);
    v = v.substr(0, v.find('"'));
    std::error_code ec;
    return oauth1::percent_decode(v, ec);
}

#if defined(OAUTH1_BENCH_POCO)
struct poco_case {
    std::string method;
    std::string url;
    std::string body; // the form body, or empty
    bool form = false;
};

/// One Poco signature of `c` with `creds`; returns the Authorization header value.
std::string poco_sign(Poco::Net::OAuth10Credentials& creds, const poco_case& c)
{
    const Poco::URI uri(c.url);
    Poco::Net::HTTPRequest req(c.method, uri.getPathAndQuery(), Poco::Net::HTTPRequest::HTTP_1_1);
    // Poco signs the parameters it is given and ignores the URI's query: the query's parameters
    // must be copied into the form (without them the signature is wrong for any URL with a query).
    Poco::Net::HTMLForm params;
    for (const auto& [name, value] : uri.getQueryParameters()) params.add(name, value);
    if (c.form) params.read(c.body); // the body's parameters (application/x-www-form-urlencoded)
    creds.authenticate(req, uri, params);
    return req.get(Poco::Net::HTTPRequest::AUTHORIZATION);
}

void register_poco(const workload& w)
{
    auto c = std::make_shared<poco_case>();
    c->method = w.method;
    c->url = w.url;
    c->form = oauth1::is_form_urlencoded(w.content_type);
    c->body = c->form ? w.body : std::string();
    const std::string expected = oauth1_signature(w);
    benchmark::RegisterBenchmark(
        ("peers/" + w.name + "/HMAC-SHA1/poco").c_str(), [c, expected](benchmark::State& st) {
            Poco::Net::OAuth10Credentials fixed{std::string(consumer_key),
                                                std::string(consumer_secret), std::string(token),
                                                std::string(token_secret)};
            fixed.nonceAndTimestampForTesting(std::string(nonce), std::to_string(timestamp));
            const std::string got = header_signature(poco_sign(fixed, *c));
            if (got != expected) {
                std::fprintf(stderr, "Poco signature %s, oauth1 %s\n", got.c_str(),
                             expected.c_str());
                st.SkipWithError("Poco's signature differs from oauth1's");
                return;
            }
            Poco::Net::OAuth10Credentials creds{std::string(consumer_key),
                                                std::string(consumer_secret), std::string(token),
                                                std::string(token_secret)};
            for (auto _ : st) {
                benchmark::DoNotOptimize(poco_sign(creds, *c));
                benchmark::ClobberMemory();
            }
            st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
        });
}
#endif

#if defined(OAUTH1_BENCH_QT)
/// QOAuth1's nonce and header helpers are protected statics: what QOAuth1 itself calls when it
/// signs a request, reached through a subclass that is never instantiated.
struct qt_oauth1 : QOAuth1 {
    using QOAuth1::generateAuthorizationHeader;
    using QOAuth1::nonce;
};

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

/// One Qt signature of `w`: the Authorization header value QOAuth1 would send.
QByteArray qt_sign(const workload& w, const QByteArray& nonce_value, const QByteArray& ts)
{
    QOAuth1Signature sig(QUrl(qs(w.url)), qs(consumer_secret), qs(token_secret),
                         w.method == "POST" ? QOAuth1Signature::HttpRequestMethod::Post
                                            : QOAuth1Signature::HttpRequestMethod::Get);
    QVariantMap oauth;
    oauth.insert(QStringLiteral("oauth_consumer_key"), qs(consumer_key));
    oauth.insert(QStringLiteral("oauth_nonce"), nonce_value);
    oauth.insert(QStringLiteral("oauth_signature_method"), QStringLiteral("HMAC-SHA1"));
    oauth.insert(QStringLiteral("oauth_timestamp"), ts);
    oauth.insert(QStringLiteral("oauth_token"), qs(token));
    oauth.insert(QStringLiteral("oauth_version"), QStringLiteral("1.0"));
    QMultiMap<QString, QVariant> params;
    for (auto it = oauth.cbegin(); it != oauth.cend(); ++it) params.insert(it.key(), it.value());
    sig.setParameters(params);
    // Qt adds the URL's query itself. The form body goes in decoded: Qt's documented
    // addRequestBody(QUrlQuery(body)) encodes the already-encoded %2B, %2C and %21 again, and the
    // signature is then wrong (checked in bench_peers' note in benchmarks/README.md).
    if (oauth1::is_form_urlencoded(w.content_type) && !w.body.empty()) {
        const QUrlQuery body(qs(w.body));
        for (const auto& [name, value] : body.queryItems(QUrl::FullyDecoded))
            sig.insert(name, value);
    }
    oauth.insert(QStringLiteral("oauth_signature"), sig.hmacSha1().toBase64());
    return qt_oauth1::generateAuthorizationHeader(oauth);
}

void register_qt(const workload& w)
{
    const std::string expected = oauth1_signature(w);
    benchmark::RegisterBenchmark(
        ("peers/" + w.name + "/HMAC-SHA1/qt").c_str(), [w, expected](benchmark::State& st) {
            const QByteArray fixed =
                qt_sign(w, QByteArray(nonce.data(), static_cast<qsizetype>(nonce.size())),
                        QByteArray::number(static_cast<qulonglong>(timestamp)));
            const std::string got = header_signature(
                std::string_view(fixed.constData(), static_cast<std::size_t>(fixed.size())));
            if (got != expected) {
                std::fprintf(stderr, "Qt signature %s, oauth1 %s\n", got.c_str(), expected.c_str());
                st.SkipWithError("Qt's signature differs from oauth1's");
                return;
            }
            for (auto _ : st) {
                benchmark::DoNotOptimize(qt_sign(
                    w, qt_oauth1::nonce(), QByteArray::number(QDateTime::currentSecsSinceEpoch())));
                benchmark::ClobberMemory();
            }
            st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
        });
}
#endif

} // namespace

void register_peer_benchmarks()
{
    for (const workload& w : {w2(), w3(), w3_50q()}) {
#if defined(OAUTH1_BENCH_POCO)
        register_poco(w);
#endif
#if defined(OAUTH1_BENCH_QT)
        register_qt(w);
#endif
    }
}

} // namespace oauth1_bench

#else

namespace oauth1_bench {
void register_peer_benchmarks() {}
} // namespace oauth1_bench

#endif
