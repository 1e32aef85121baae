// benchmarks/compile_cost/dependencies_tu.cpp - the dependency-only side of the compile-cost
// comparison (benchmarks/compile_cost.sh): only the dependency headers oauth1's signing path needs,
// Boost.URL (parse + url_view) and OpenSSL EVP, doing comparable minimal work: parse the URL, build
// a string from its parts, HMAC-SHA1 it with EVP_MAC and base64 the result. Compiled with -c only
// (never linked).
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <openssl/evp.h>

#include <string>

std::string compile_cost_sign(const std::string& url)
{
    const auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return {};
    const boost::urls::url_view u = *parsed;
    std::string data = "GET&";
    data += u.scheme();
    data += "://";
    data += u.encoded_host();
    data += u.encoded_path();
    for (const auto param : u.encoded_params()) {
        data += '&';
        data += param.key;
        data += '=';
        data += param.value;
    }

    static const char key[] = "kd94hf93k423kf44&pfkkdhi9sl3r4s00";
    char digest[] = "SHA1";
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    unsigned char md[EVP_MAX_MD_SIZE];
    std::size_t n = 0;
    const bool ok = ctx != nullptr &&
                    EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key), sizeof key - 1,
                                 params) == 1 &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()),
                                   data.size()) == 1 &&
                    EVP_MAC_final(ctx, md, &n, sizeof md) == 1;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    if (!ok) return {};
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    const int len = EVP_EncodeBlock(b64, md, static_cast<int>(n));
    return std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(len));
}
