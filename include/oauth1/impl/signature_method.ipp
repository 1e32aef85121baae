// oauth1/impl/signature_method.ipp - private to oauth1: the long definitions of
// oauth1/signature_method.hpp's signers (HMAC-SHA* and RSA-SHA* sign and verify, the one-shot
// OpenSSL paths, any_signer's construction). Included at the end of oauth1/signature_method.hpp
// in both modes: inline members of class templates and member templates, as they were in the
// class (under OAUTH1_SEPARATE_COMPILATION the built-in signers stay extern templates: client.hpp).
#ifndef OAUTH1_IMPL_SIGNATURE_METHOD_IPP
#define OAUTH1_IMPL_SIGNATURE_METHOD_IPP

#include <oauth1/signature_method.hpp>

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/detail/rsa_context.hpp>
#include <oauth1/detail/rsa_key_facts.hpp>
#include <oauth1/detail/signer_secrets.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {

// ---- HMAC-SHA* (RFC 5849 §3.4.2) --------------------------------------------------------------

template <class Digest, signature_method Method>
inline void hmac_signer<Digest, Method>::sign(std::string_view base_string, std::string& out,
                                              std::error_code& ec) const
{
    ec.clear();
    if (!key_.keyed()) {
        ec = make_error_code(errc::key_required);
        return;
    }
    unsigned char mac[Digest::size];
    if (!key_.compute(base_string, mac)) {
        // A library context or FIPS mode refusing the digest: the same error as RSA-SHA*.
        ec = make_error_code(detail::last_error_is_policy_refusal() ? errc::crypto_policy_refused
                                                                     : errc::crypto_failure);
        detail::clear_openssl_errors();
        return;
    }
    detail::base64_append(mac, sizeof mac, out);
    OPENSSL_cleanse(mac, sizeof mac);
}

template <class Digest, signature_method Method>
inline bool hmac_signer<Digest, Method>::verify(std::string_view base_string,
                                                std::string_view signature,
                                                std::error_code& ec) const
{
    ec.clear();
    if (!key_.keyed()) {
        ec = make_error_code(errc::key_required);
        return false;
    }
    unsigned char mac[Digest::size];
    if (!key_.compute(base_string, mac)) {
        // A library context or FIPS mode refusing the digest: the same error as RSA-SHA*.
        ec = make_error_code(detail::last_error_is_policy_refusal() ? errc::crypto_policy_refused
                                                                     : errc::crypto_failure);
        detail::clear_openssl_errors();
        return false;
    }
    char expected[detail::base64_encoded_size(Digest::size)];
    detail::base64_encode(mac, sizeof mac, expected);
    const bool same =
        detail::constant_time_equal(std::string_view(expected, sizeof expected), signature);
    OPENSSL_cleanse(mac, sizeof mac);
    OPENSSL_cleanse(expected, sizeof expected);
    return same;
}

// ---- RSA-SHA* (RFC 5849 §3.4.3) ---------------------------------------------------------------

template <class Digest, signature_method Method>
inline void rsa_signer<Digest, Method>::sign(std::string_view base_string, std::string& out,
                                             std::error_code& ec) const
{
    ec.clear();
    EVP_PKEY* pkey = private_.native_handle();
    if (pkey == nullptr) {
        ec = make_error_code(errc::key_required);
        return;
    }
    if (!private_.is_rsa()) {
        ec = make_error_code(errc::key_not_rsa);
        return;
    }
    if (!within_policy_) {
        ec = make_error_code(errc::key_policy_violation);
        return;
    }
    // 16384-bit keys at most; the stack buffer keeps the signing path allocation-free.
    unsigned char sig[2048];
    const int size = EVP_PKEY_get_size(pkey);
    if (size <= 0 || static_cast<std::size_t>(size) > sizeof sig) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    std::size_t len = sizeof sig;
    bool signed_ok = false;
    {
        detail::rsa_context_pool::lease op(sign_contexts_, pkey, Digest::openssl_name,
                                           detail::rsa_pkcs1_context::operation::sign);
        signed_ok = op.get() != nullptr && op.get()->sign(base_string, sig, len);
        if (!signed_ok) op.discard();
    }
    if (!signed_ok) {
        // No prepared context, or it failed: the one-shot path decides, as it always did.
        detail::clear_openssl_errors();
        len = sizeof sig;
        if (!digest_sign(pkey, base_string, sig, len)) {
            ec = refusal_or_failure();
            return;
        }
    }
    detail::base64_append(sig, len, out);
}

template <class Digest, signature_method Method>
inline bool rsa_signer<Digest, Method>::verify(std::string_view base_string,
                                               std::string_view signature,
                                               std::error_code& ec) const
{
    ec.clear();
    EVP_PKEY* pkey = public_.native_handle();
    if (pkey == nullptr) {
        ec = make_error_code(errc::key_required);
        return false;
    }
    if (!public_.is_rsa()) {
        ec = make_error_code(errc::key_not_rsa);
        return false;
    }
    if (!within_policy_) {
        ec = make_error_code(errc::key_policy_violation);
        return false;
    }
    // Decoded on the stack (16384-bit keys at most, as in sign()): no allocation. A longer
    // signature cannot match any supported key, but its encoding is still checked.
    unsigned char raw_sig[2048];
    std::size_t raw_size = 0;
    bool too_long = false;
    if (!detail::base64_decode_each(signature, [&](unsigned char b) {
            if (raw_size < sizeof raw_sig) {
                raw_sig[raw_size++] = b;
            } else {
                too_long = true;
            }
        })) {
        ec = make_error_code(errc::invalid_signature_encoding);
        return false;
    }
    if (too_long) return false;
    int r = -1;
    {
        detail::rsa_context_pool::lease op(verify_contexts_, pkey, Digest::openssl_name,
                                           detail::rsa_pkcs1_context::operation::verify);
        if (op.get() != nullptr) {
            r = op.get()->verify(base_string, raw_sig, raw_size);
            // 0 is a mismatch only when OpenSSL could run the operation: with a fatal error
            // or a refusal in the queue, the context failed and the one-shot path decides.
            if (r == 0) {
                const detail::openssl_error_kinds kinds = detail::drain_openssl_error_kinds();
                if (kinds.fatal || kinds.policy_refusal) r = -1;
            }
        }
        if (r < 0) op.discard();
    }
    if (r < 0) {
        // No prepared context, or it failed (a mismatch is 0): the one-shot path decides.
        detail::clear_openssl_errors();
        bool init_failed = false;
        r = digest_verify(pkey, base_string, raw_sig, raw_size, init_failed);
        if (init_failed) {
            ec = refusal_or_failure();
            return false;
        }
    }
    if (r == 1) return true;
    // 0 with only data errors in the queue (wrong length, bad padding, value too large for
    // the modulus) is "does not verify". A negative result or a fatal error means OpenSSL
    // could not run the verification: the operator must hear of it (crypto_failure), unless
    // the policy refused the algorithm. The queue is drained either way, allocation-free.
    const detail::openssl_error_kinds kinds = detail::drain_openssl_error_kinds();
    if (kinds.policy_refusal)
        ec = make_error_code(errc::crypto_policy_refused);
    else if (r < 0 || kinds.fatal)
        ec = make_error_code(errc::crypto_failure);
    return false;
}

template <class Digest, signature_method Method>
inline bool rsa_signer<Digest, Method>::digest_sign(EVP_PKEY* pkey, std::string_view data,
                                                    unsigned char* sig, std::size_t& len) noexcept
{
    detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    return ctx &&
           EVP_DigestSignInit_ex(ctx.get(), &pctx, Digest::openssl_name, nullptr, nullptr, pkey,
                                 nullptr) == 1 &&
           EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
           EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

template <class Digest, signature_method Method>
inline int rsa_signer<Digest, Method>::digest_verify(EVP_PKEY* pkey, std::string_view data,
                                                     const unsigned char* sig, std::size_t len,
                                                     bool& init_failed) noexcept
{
    detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    init_failed = !ctx ||
                  EVP_DigestVerifyInit_ex(ctx.get(), &pctx, Digest::openssl_name, nullptr, nullptr,
                                          pkey, nullptr) != 1 ||
                  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1;
    if (init_failed) return -1;
    return EVP_DigestVerify(ctx.get(), sig, len,
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

template <class Digest, signature_method Method>
inline bool rsa_signer<Digest, Method>::conforms(EVP_PKEY* key,
                                                 const rsa_key_policy& policy) noexcept
{
    ERR_set_mark();
    const bool ok = !detail::check_rsa_key_policy(key, policy).violated();
    ERR_pop_to_mark();
    return ok;
}

template <class Digest, signature_method Method>
inline std::error_code rsa_signer<Digest, Method>::refusal_or_failure()
{
    const bool refused = detail::last_error_is_policy_refusal();
    detail::clear_openssl_errors();
    return make_error_code(refused ? errc::crypto_policy_refused : errc::crypto_failure);
}

// ---- any_signer -------------------------------------------------------------------------------

template <class Key>
inline std::optional<any_signer>
any_signer::build(signature_method method, std::string_view consumer_secret,
                  std::string_view token_secret, const Key& key, const rsa_key_policy& policy,
                  std::error_code& ec)
{
    ec.clear();
    if (is_rsa(method)) {
        if (!key) {
            ec = make_error_code(errc::key_required);
            return std::nullopt;
        }
        if (!key.is_rsa()) {
            ec = make_error_code(errc::key_not_rsa);
            return std::nullopt;
        }
    }
    switch (method) {
    case signature_method::hmac_sha1: return any_signer(hmac_sha1(consumer_secret, token_secret));
    case signature_method::hmac_sha256:
        return any_signer(hmac_sha256(consumer_secret, token_secret));
    case signature_method::hmac_sha512:
        return any_signer(hmac_sha512(consumer_secret, token_secret));
    case signature_method::rsa_sha1: return within_policy(rsa_sha1(key, policy), ec);
    case signature_method::rsa_sha256: return within_policy(rsa_sha256(key, policy), ec);
    case signature_method::rsa_sha512: return within_policy(rsa_sha512(key, policy), ec);
    case signature_method::plaintext: return any_signer(plaintext(consumer_secret, token_secret));
    }
    ec = make_error_code(errc::unsupported_signature_method);
    return std::nullopt;
}

template <class Rsa>
inline std::optional<any_signer> any_signer::within_policy(Rsa&& signer, std::error_code& ec)
{
    if (!signer.key_within_policy()) {
        ec = make_error_code(errc::key_policy_violation);
        return std::nullopt;
    }
    return any_signer(std::forward<Rsa>(signer));
}

template <class Key>
inline void any_signer::throw_make_error(signature_method method, const Key& key,
                                         const rsa_key_policy& policy, const std::error_code& ec)
{
    std::string what(to_string(method));
    if (what.empty()) what = "signature method";
    if (ec == errc::key_policy_violation) what += ": " + rsa_key_policy_violation(key, policy);
    detail::throw_error(ec, what);
}

} // namespace oauth1

#endif // OAUTH1_IMPL_SIGNATURE_METHOD_IPP
