// oauth1/detail/signer_secrets.hpp - private to oauth1 (not a public header): the secret pair
// "enc(consumer_secret)&enc(token_secret)" of HMAC-SHA* and PLAINTEXT (RFC 5849 §3.4.2, §3.4.4),
// wiping, and constant-time comparison, for oauth1/signature_method.hpp and the provider.
#ifndef OAUTH1_DETAIL_SIGNER_SECRETS_HPP
#define OAUTH1_DETAIL_SIGNER_SECRETS_HPP

#include <oauth1/detail/secret.hpp>
#include <oauth1/encoding.hpp>

#include <openssl/crypto.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace oauth1::detail {

/// "enc(consumer_secret)&enc(token_secret)": the HMAC key (3.4.2) and PLAINTEXT signature (3.4.4).
inline std::string secret_pair(std::string_view consumer_secret, std::string_view token_secret)
{
    std::string key;
    key.reserve(percent_encoded_size(consumer_secret) + 1 + percent_encoded_size(token_secret));
    percent_encode_append(consumer_secret, key);
    key.push_back('&');
    percent_encode_append(token_secret, key);
    return key;
}

/// Writes "enc(consumer_secret)&enc(token_secret)" into `out` (the old content is wiped), with no
/// temporary copy of the secrets anywhere else.
inline void secret_pair_into(std::string_view consumer_secret, std::string_view token_secret,
                             secret_bytes& out)
{
    const std::size_t n =
        percent_encoded_size(consumer_secret) + 1 + percent_encoded_size(token_secret);
    char* p = percent_encode(consumer_secret, out.prepare(n));
    *p++ = '&';
    percent_encode(token_secret, p);
}

inline void wipe(std::string& s) noexcept
{
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

/// Constant-time equality of two strings whose lengths are not secret.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}
} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_SIGNER_SECRETS_HPP
