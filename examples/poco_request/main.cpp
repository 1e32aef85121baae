// oauth1-poco-example URL: one OAuth 1.0a-signed GET through Poco::Net; prints the status and
// the body. Credentials from the environment: OAUTH1_CONSUMER_KEY and either OAUTH1_PRIVATE_KEY
// (RSA-SHA1 key file, as JIRA uses) or OAUTH1_CONSUMER_SECRET (HMAC-SHA1); optionally
// OAUTH1_TOKEN and OAUTH1_TOKEN_SECRET (an access token).
//   export OAUTH1_CONSUMER_KEY=OauthKey OAUTH1_PRIVATE_KEY=jira_privatekey.pem
//   export OAUTH1_TOKEN=... OAUTH1_TOKEN_SECRET=...
//   oauth1-poco-example 'https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary'
#include <oauth1/adapters/poco.hpp>
#include <oauth1/keys.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

static std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? v : "";
}

int main(int argc, char** argv)
try {
    if (argc != 2) {
        std::fprintf(stderr, "usage: oauth1-poco-example URL (credentials: see main.cpp)\n");
        return 2;
    }
    const std::string url = argv[1];
    const std::string key_file = env("OAUTH1_PRIVATE_KEY");
    oauth1::client client(env("OAUTH1_CONSUMER_KEY"),
                          key_file.empty()
                              ? oauth1::any_signer(oauth1::hmac_sha1(env("OAUTH1_CONSUMER_SECRET")))
                              : oauth1::rsa_sha1(oauth1::load_private_key_file(key_file)));
    if (!env("OAUTH1_TOKEN").empty())
        client.set_token(env("OAUTH1_TOKEN"), env("OAUTH1_TOKEN_SECRET"));

    // Poco::URI only for where to connect: it re-encodes paths (%2F becomes '/'), so the
    // request-target is the URL's own path and query, byte for byte, as signed.
    const Poco::URI where(url);
    const std::size_t path = url.find_first_of("/?#", url.find("://") + 3);
    const std::string origin = url.substr(0, path);
    std::string target = path == std::string::npos ? "/" : url.substr(path);
    target = target.substr(0, target.find('#'));
    if (target.front() != '/') target.insert(0, 1, '/');
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (where.getScheme() == "https")
        session = std::make_unique<Poco::Net::HTTPSClientSession>(where.getHost(), where.getPort());
    else
        session = std::make_unique<Poco::Net::HTTPClientSession>(where.getHost(), where.getPort());

    Poco::Net::HTTPRequest req("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
    oauth1::poco::sign(req, {}, client, origin); // Authorization, Host = origin's authority
    session->sendRequest(req);
    Poco::Net::HTTPResponse res;
    std::string body;
    Poco::StreamCopier::copyToString(session->receiveResponse(res), body);
    std::printf("%d\n%s\n", static_cast<int>(res.getStatus()), body.c_str());
    return res.getStatus() / 100 == 2 ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-poco-example: %s\n", e.what());
    return 1;
}
