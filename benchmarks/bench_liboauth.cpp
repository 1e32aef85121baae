// benchmarks/bench_liboauth.cpp - comparator: Debian's liboauth (C, 1.0.3) signing the same
// requests with oauth_sign_url2 (implementation "liboauth"). Built only when CMake found
// liboauth (OAUTH1_HAVE_LIBOAUTH); benchmarks/run installs liboauth-dev.
//
// oauth_sign_url2 takes the URL with every parameter in its query (for a POST, the form body's
// too), adds the protocol parameters that are missing and returns the signed URL (GET) or the
// signed form body (POST). Passing oauth_nonce and oauth_timestamp in the query fixes them, so
// liboauth signs exactly the bytes oauth1 signs: each row checks that both signatures agree.
// liboauth's RSA-SHA1 takes the PEM private key text as "consumer secret" and parses it on every
// call (it has no way to keep a loaded key); that is part of what it costs its users.
// liboauth allocates with malloc, which allocs/op does not count, so its rows report none.
#include "bench_common.hpp"

#if defined(OAUTH1_HAVE_LIBOAUTH)

#include <oauth1/keys.hpp>
#include <oauth1/signature_method.hpp>

#include <oauth.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace oauth1_bench {
namespace {

struct liboauth_case {
    std::string url; // with every parameter, nonce and timestamp in the query
    std::string http_method;
    bool post = false;
    OAuthMethod method = OA_HMAC;
    std::string secret; // consumer secret, or the PEM private key for OA_RSA
    std::string expected;
};

/// One liboauth signature; returns the oauth_signature value (decoded) when `check`.
std::string liboauth_sign(const liboauth_case& c, bool check)
{
    char* post = nullptr;
    char* url =
        oauth_sign_url2(c.url.c_str(), c.post ? &post : nullptr, c.method, c.http_method.c_str(),
                        consumer_key.data(), c.secret.c_str(), token.data(), token_secret.data());
    std::string sig;
    if (check) {
        const char* signed_text = c.post ? post : url;
        const std::string_view s = signed_text != nullptr ? signed_text : "";
        const std::size_t at = s.find("oauth_signature=");
        if (at != std::string_view::npos) {
            std::string_view v = s.substr(at + 16);
            v = v.substr(0, v.find('&'));
            std::error_code ec;
            sig = oauth1::percent_decode(v, ec);
        }
    }
    std::free(url);
    std::free(post);
    return sig;
}

/// The request of `w` in liboauth's form: every parameter in the URL's query.
std::string liboauth_url(const workload& w)
{
    std::string url = w.url;
    url.push_back(url.find('?') == std::string::npos ? '?' : '&');
    if (oauth1::is_form_urlencoded(w.content_type) && !w.body.empty()) {
        url += w.body;
        url.push_back('&');
    }
    url += "oauth_nonce=";
    url += nonce;
    url += "&oauth_timestamp=";
    url += std::to_string(timestamp);
    return url;
}

template <class Signer>
void register_case(const workload& w, const std::string& row, Signer signer, OAuthMethod method,
                   std::string secret)
{
    oauth1::basic_client<Signer> client(std::string(consumer_key), std::move(signer));
    client.set_token(token, token_secret);
    auto c = std::make_shared<liboauth_case>();
    c->url = liboauth_url(w);
    c->http_method = w.method;
    c->post = w.method == "POST";
    c->method = method;
    c->secret = std::move(secret);
    c->expected = std::string(client.sign(w.request(), fixed_options(w)).signature());

    benchmark::RegisterBenchmark(("sign/" + row + "/liboauth").c_str(), [c](benchmark::State& st) {
        const std::string got = liboauth_sign(*c, true);
        if (got != c->expected) {
            std::fprintf(stderr, "liboauth signature %s, oauth1 %s\n", got.c_str(),
                         c->expected.c_str());
            st.SkipWithError("liboauth's signature differs from oauth1's");
            return;
        }
        for (auto _ : st) {
            benchmark::DoNotOptimize(liboauth_sign(*c, false));
            benchmark::ClobberMemory();
        }
        st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
    });
}

} // namespace

void register_liboauth_benchmarks()
{
    for (const workload& w : {w2(), w3(), w3_50q()})
        register_case(w, w.name + "/HMAC-SHA1", oauth1::hmac_sha1(consumer_secret), OA_HMAC,
                      std::string(consumer_secret));
    for (const int bits : {1024, 2048}) {
        const std::string file = data_path("keys/bench_rsa" + std::to_string(bits) + ".pem");
        register_case(w2(), "W1-" + std::to_string(bits) + "/RSA-SHA1",
                      oauth1::rsa_sha1(oauth1::load_private_key_file(file)), OA_RSA,
                      read_file(file));
    }
}

} // namespace oauth1_bench

#else

namespace oauth1_bench {
void register_liboauth_benchmarks() {}
} // namespace oauth1_bench

#endif
