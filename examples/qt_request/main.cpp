// oauth1-qt-example URL: one OAuth 1.0a-signed GET through Qt 6's QNetworkAccessManager; prints
// the status and the body. Credentials from the environment: OAUTH1_CONSUMER_KEY and either
// OAUTH1_PRIVATE_KEY (RSA-SHA1 key file, as JIRA uses) or OAUTH1_CONSUMER_SECRET (HMAC-SHA1);
// optionally OAUTH1_TOKEN and OAUTH1_TOKEN_SECRET (an access token).
//   export OAUTH1_CONSUMER_KEY=OauthKey OAUTH1_PRIVATE_KEY=jira_privatekey.pem
//   export OAUTH1_TOKEN=... OAUTH1_TOKEN_SECRET=...
//   oauth1-qt-example 'https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary'
#include <oauth1/adapters/qt.hpp>
#include <oauth1/keys.hpp>

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

static std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

int main(int argc, char** argv)
try {
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: oauth1-qt-example URL (credentials: see main.cpp)\n");
        return 2;
    }
    const std::string key_file = env("OAUTH1_PRIVATE_KEY");
    oauth1::client client(env("OAUTH1_CONSUMER_KEY"),
                          key_file.empty()
                              ? oauth1::any_signer(oauth1::hmac_sha1(env("OAUTH1_CONSUMER_SECRET")))
                              : oauth1::rsa_sha1(oauth1::load_private_key_file(key_file)));
    if (!env("OAUTH1_TOKEN").empty())
        client.set_token(env("OAUTH1_TOKEN"), env("OAUTH1_TOKEN_SECRET"));

    // sign() signs the URL exactly as Qt will send it (or refuses, saying which part Qt would
    // change) and sets the Authorization header; then send it with the same verb and body.
    QNetworkRequest req(QUrl(QString::fromLocal8Bit(argv[1])));
    oauth1::qt::sign(req, "GET", {}, client);
    QNetworkAccessManager nam;
    QNetworkReply* reply = nam.sendCustomRequest(req, "GET");
    int status = 0;
    QObject::connect(reply, &QNetworkReply::finished, &app, [&] {
        status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0)
            std::fprintf(stderr, "request failed: %s\n", qPrintable(reply->errorString()));
        else
            std::printf("%d\n%s\n", status, reply->readAll().constData());
        app.quit();
    });
    app.exec();
    return status / 100 == 2 ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-qt-example: %s\n", e.what());
    return 1;
}
