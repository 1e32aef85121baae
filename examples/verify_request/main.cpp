// oauth1-verify-example: the provider side. A JIRA-like server with two registered consumers
// verifies a request signed by oauth1::client, refuses its replay and a tampered copy.
//   oauth1-verify-example [consumer-certificate.pem [consumer-private-key.pem]]
// Exit status 0 when the three outcomes are as expected (accepted, nonce_used, signature_invalid).
#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/provider.hpp>

#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

int main(int argc, char** argv)
try {
    const std::string cert = argc > 1 ? argv[1] : OAUTH1_EXAMPLE_KEYS "/wiki_cert.pem";
    const std::string key = argc > 2 ? argv[2] : OAUTH1_EXAMPLE_KEYS "/wiki_key.pem";

    // The provider's database: consumers (what they registered) and the access tokens issued.
    std::map<std::string, oauth1::consumer_credentials, std::less<>> consumer_table;
    consumer_table["hmac-consumer"] = {
        "kd94hf93k423kf44", {}, {oauth1::signature_method::hmac_sha1}};
    consumer_table["OauthKey"] = {
        "", oauth1::load_public_key_file(cert), {oauth1::signature_method::rsa_sha1}};
    auto consumers = [&](std::string_view k) -> const oauth1::consumer_credentials* {
        const auto it = consumer_table.find(k);
        return it == consumer_table.end() ? nullptr : &it->second;
    };
    // Tokens are looked up by (consumer, token) and each record names the consumer it was issued
    // to: the verifier refuses another consumer's token (with RSA the token secret signs nothing,
    // so this is what keeps one consumer from using another's access token).
    std::map<std::pair<std::string, std::string>, oauth1::token_credentials, std::less<>>
        token_table;
    for (const char* consumer : {"hmac-consumer", "OauthKey"})
        token_table[{consumer, "nnch734d00sl2jdk"}] = {consumer, "pfkkdhi9sl3r4s00"};
    auto tokens = [&](std::string_view consumer,
                      std::string_view token) -> const oauth1::token_credentials* {
        const auto it = token_table.find(std::make_pair(std::string(consumer), std::string(token)));
        return it == token_table.end() ? nullptr : &it->second;
    };
    oauth1::memory_nonce_store nonces; // or oauth1::redis_nonce_store for many machines
    const oauth1::request_verifier verify(consumers, tokens, nonces);

    // Two clients, as real consumers would sign (fresh nonce, current time).
    oauth1::client clients[] = {{"hmac-consumer", oauth1::hmac_sha1("kd94hf93k423kf44")},
                                {"OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(key))}};
    const std::string url = "https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary";
    bool all_ok = true;
    for (oauth1::client& c : clients) {
        c.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
        const std::string auth = c.authorization_header({"GET", url});

        // 1. The request as sent: accepted.
        oauth1::verify_result r = verify.verify({"GET", url, "", "", auth});
        if (r)
            std::printf("accepted: consumer=%s, token=%s\n", r.consumer_key.c_str(),
                        r.token.c_str());
        else
            std::printf("refused: %s\n", r.problem->summary().c_str());
        all_ok = all_ok && r.ok();

        // 2. The same request again: a replay (401 with problem reporting).
        r = verify.verify({"GET", url, "", "", auth});
        if (!r) {
            std::printf("replay: WWW-Authenticate: %s\n",
                        oauth1::www_authenticate(*r.problem, "JIRA").c_str());
            std::printf("        body: %s\n", oauth1::problem_body(*r.problem).c_str());
        }
        all_ok = all_ok && !r && r.problem->code == oauth1::problem::nonce_used;

        // 3. Query changed in transit: the signature no longer matches.
        const std::string tampered =
            "https://jira.example.com/rest/api/2/issue/JJ-2?fields=description";
        r = verify.verify({"GET", tampered, "", "", auth});
        std::printf("tampered: %s\n", r ? "accepted" : r.problem->name.c_str());
        all_ok = all_ok && !r && r.problem->code == oauth1::problem::signature_invalid;
    }
    std::printf("%s\n", all_ok ? "all outcomes as expected" : "UNEXPECTED outcome");
    return all_ok ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-verify-example: %s\n", e.what());
    return 2;
}
