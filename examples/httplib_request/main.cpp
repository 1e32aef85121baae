// oauth1-httplib-example URL: one OAuth 1.0a-signed GET through cpp-httplib; prints the status
// and the body. Credentials from the environment: OAUTH1_CONSUMER_KEY and either
// OAUTH1_PRIVATE_KEY (RSA-SHA1 key file, as JIRA uses) or OAUTH1_CONSUMER_SECRET (HMAC-SHA1);
// optionally OAUTH1_TOKEN and OAUTH1_TOKEN_SECRET (an access token).
//   export OAUTH1_CONSUMER_KEY=OauthKey OAUTH1_PRIVATE_KEY=jira_privatekey.pem
//   export OAUTH1_TOKEN=... OAUTH1_TOKEN_SECRET=...
//   oauth1-httplib-example 'https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary'
#include <oauth1/adapters/httplib.hpp>
#include <oauth1/keys.hpp>

#include <httplib.h>

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
    if (argc != 2) {
        std::fprintf(stderr, "usage: oauth1-httplib-example URL (credentials: see main.cpp)\n");
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

    // The client connects to the URL's scheme://host:port; send() signs exactly the URL's path
    // and query and sends them as they are (httplib's own URL encoding is turned off).
    const std::string origin = url.substr(0, url.find_first_of("/?#", url.find("://") + 3));
    httplib::Client http(origin);
    const httplib::Result res = oauth1::httplib::send(http, client, "GET", url);
    if (!res) {
        std::fprintf(stderr, "request failed: %s\n", httplib::to_string(res.error()).c_str());
        return 1;
    }
    std::printf("%d\n%s\n", res->status, res->body.c_str());
    return res->status / 100 == 2 ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-httplib-example: %s\n", e.what());
    return 1;
}
