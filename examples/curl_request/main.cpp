// oauth1-curl-example: signs one GET with OAuth 1.0a and sends it with libcurl.
//
//   oauth1-curl-example --consumer-key OauthKey --private-key jira_privatekey.pem
//       --token ACCESS_TOKEN --token-secret TOKEN_SECRET
//       https://jira.example.com/rest/api/2/issue/JJ-2
//
// --private-key signs with RSA-SHA1 (JIRA), --consumer-secret with HMAC-SHA1. Prints the status
// and the body; exits 0 for a 2xx answer, 1 otherwise.
#include <oauth1/adapters/curl_transport.hpp>
#include <oauth1/keys.hpp>

#include <exception>
#include <iostream>
#include <map>
#include <string>

int main(int argc, char** argv)
{
    std::map<std::string, std::string> opt;
    std::string url;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) == 0 && i + 1 < argc) {
            opt[arg] = argv[++i];
        } else {
            url = arg;
        }
    }
    if (url.empty() || !opt.count("--consumer-key") ||
        opt.count("--private-key") == opt.count("--consumer-secret")) {
        std::cerr << "usage: oauth1-curl-example --consumer-key KEY (--private-key PEM | "
                     "--consumer-secret SECRET) [--token T --token-secret S] URL\n";
        return 2;
    }
    try {
        oauth1::any_signer signer =
            opt.count("--private-key")
                ? oauth1::any_signer(
                      oauth1::rsa_sha1(oauth1::load_private_key_file(opt["--private-key"])))
                : oauth1::any_signer(oauth1::hmac_sha1(opt["--consumer-secret"]));
        oauth1::client client(opt["--consumer-key"], std::move(signer));
        if (opt.count("--token")) client.set_token(opt["--token"], opt["--token-secret"]);

        // oauth1::transport_options{}: TLS verified, 10 s to connect, 30 s in all, no redirects.
        oauth1::curl::transport http;
        const oauth1::http_response res = http.sign_and_perform(client, {"GET", url});
        std::cout << res.status << '\n' << res.body << '\n';
        return res.ok() ? 0 : 1;
    } catch (const std::exception& e) { // bad key, unsendable URL, transport failure, ...
        std::cerr << "oauth1-curl-example: " << e.what() << '\n';
        return 1;
    }
}
