// oauth1/detail/openssl.hpp - RAII owners for OpenSSL 3 objects and the error-queue helpers.
//
// Private to the library: the names here may change without notice. Every OpenSSL object the
// library creates is held by one of these `std::unique_ptr`s from the moment it exists, so every
// exit path (early return, exception) frees it. Only OpenSSL 3 EVP / OSSL_DECODER / OSSL_ENCODER /
// PEM / X509 APIs are used; nothing from the deprecated low-level RSA_* family.
#ifndef OAUTH1_DETAIL_OPENSSL_HPP
#define OAUTH1_DETAIL_OPENSSL_HPP

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/proverr.h>
#include <openssl/x509.h>

#include <cstddef>
#include <memory>
#include <string>

#if OPENSSL_VERSION_MAJOR < 3
#error "oauth1 needs OpenSSL 3.0 or newer"
#endif

namespace oauth1::detail {

// Deleters are empty function objects, so each pointer is the size of a raw pointer.
struct evp_pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct evp_pkey_ctx_deleter {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct evp_md_deleter {
    void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
};
struct evp_md_ctx_deleter {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct evp_mac_deleter {
    void operator()(EVP_MAC* p) const noexcept { EVP_MAC_free(p); }
};
struct evp_mac_ctx_deleter {
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
};
struct bio_deleter {
    void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};
struct x509_deleter {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct ossl_decoder_ctx_deleter {
    void operator()(OSSL_DECODER_CTX* p) const noexcept { OSSL_DECODER_CTX_free(p); }
};
struct ossl_encoder_ctx_deleter {
    void operator()(OSSL_ENCODER_CTX* p) const noexcept { OSSL_ENCODER_CTX_free(p); }
};
struct bignum_deleter {
    void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
/// Frees memory that OpenSSL allocated for output (i2d_*, OSSL_ENCODER_to_data).
struct openssl_free_deleter {
    void operator()(unsigned char* p) const noexcept { OPENSSL_free(p); }
};

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, evp_pkey_ctx_deleter>;
using evp_md_ptr = std::unique_ptr<EVP_MD, evp_md_deleter>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, evp_md_ctx_deleter>;
using evp_mac_ptr = std::unique_ptr<EVP_MAC, evp_mac_deleter>;
using evp_mac_ctx_ptr = std::unique_ptr<EVP_MAC_CTX, evp_mac_ctx_deleter>;
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using ossl_decoder_ctx_ptr = std::unique_ptr<OSSL_DECODER_CTX, ossl_decoder_ctx_deleter>;
using ossl_encoder_ctx_ptr = std::unique_ptr<OSSL_ENCODER_CTX, ossl_encoder_ctx_deleter>;
using openssl_bytes_ptr = std::unique_ptr<unsigned char, openssl_free_deleter>;
using bignum_ptr = std::unique_ptr<BIGNUM, bignum_deleter>;

/// True when this thread uses OpenSSL's global default library context, i.e. it has not made
/// another one its default with OSSL_LIB_CTX_set0_default (which, given null, changes nothing and
/// returns the current one). Objects fetched in the global context stay valid until exit; a
/// thread's own context may be freed at any time, so nothing made in it may be kept.
inline bool using_global_libctx() noexcept
{
    return OSSL_LIB_CTX_set0_default(nullptr) == OSSL_LIB_CTX_get0_global_default();
}

/// Empties this thread's OpenSSL error queue. Call it on every exit path of a function that
/// called OpenSSL, so a stale error is never reported by an unrelated later call.
inline void clear_openssl_errors() noexcept
{
    ERR_clear_error();
}

/// True when `code` (a packed OpenSSL error) means the algorithm was refused by configuration:
/// a system crypto policy (e.g. RHEL 9 / Fedora 41 "SHA-1 signatures disabled": EVP "invalid
/// digest"), the FIPS provider ("digest not allowed"), or an algorithm no loaded provider offers
/// (EVP "unsupported" / fetch failed). Decoder "unsupported" (= "not this format") is NOT one.
inline bool is_policy_refusal(unsigned long code) noexcept
{
    if (code == 0 || ERR_SYSTEM_ERROR(code)) return false;
    const int lib = ERR_GET_LIB(code);
    const int reason = ERR_GET_REASON(code);
    if (lib == ERR_LIB_EVP) {
        switch (reason) {
        case EVP_R_INVALID_DIGEST:
        case EVP_R_UNSUPPORTED_ALGORITHM:
        case EVP_R_UNSUPPORTED_KEY_TYPE:
        case EVP_R_UNSUPPORTED_PRIVATE_KEY_ALGORITHM:
        case EVP_R_METHOD_NOT_SUPPORTED:
        case ERR_R_UNSUPPORTED:
        case ERR_R_FETCH_FAILED: return true;
        default: return false;
        }
    }
    if (lib == ERR_LIB_PROV) {
        switch (reason) {
        case PROV_R_DIGEST_NOT_ALLOWED:
        case PROV_R_INVALID_DIGEST:
        case PROV_R_NOT_SUPPORTED: return true;
        default: return false;
        }
    }
    return false;
}

/// Looks (without draining) at the oldest and the newest entry of this thread's error queue and
/// tells whether either is a policy refusal (see is_policy_refusal). Use drain_openssl_errors()
/// to examine every entry.
inline bool last_error_is_policy_refusal() noexcept
{
    return is_policy_refusal(ERR_peek_last_error()) || is_policy_refusal(ERR_peek_error());
}

/// True when `code` (a packed OpenSSL error) says OpenSSL could not run an operation at all:
/// the reasons OpenSSL itself flags as fatal (ERR_R_FATAL: malloc failure, internal error, init
/// failure, disabled, "should not have been called", invalid provider functions, lock failures).
/// Errors about the data (a signature of the wrong length or padding, a value too large for the
/// modulus) are not fatal: for a verification they mean "does not verify".
inline bool is_fatal_error(unsigned long code) noexcept
{
    return code != 0 && !ERR_SYSTEM_ERROR(code) && ERR_FATAL_ERROR(code) != 0;
}

/// What drain_openssl_error_kinds() found.
struct openssl_error_kinds {
    bool policy_refusal = false; ///< some entry was a policy refusal (see is_policy_refusal)
    bool fatal = false;          ///< some entry was fatal (see is_fatal_error)
};

/// Drains this thread's OpenSSL error queue, keeping only what kinds of error it held. Allocates
/// nothing: for paths that run per request (e.g. a failed RSA verification).
inline openssl_error_kinds drain_openssl_error_kinds() noexcept
{
    openssl_error_kinds kinds;
    for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
        kinds.policy_refusal = kinds.policy_refusal || is_policy_refusal(code);
        kinds.fatal = kinds.fatal || is_fatal_error(code);
    }
    return kinds;
}

/// What drain_openssl_errors() found.
struct openssl_error_info {
    std::string reasons;         ///< distinct reason strings, oldest first, joined by "; "
    bool policy_refusal = false; ///< some entry was a policy refusal (see is_policy_refusal)
    bool fatal = false;          ///< some entry was fatal (see is_fatal_error)
    unsigned long first = 0;     ///< the oldest packed error code, 0 when the queue was empty
};

/// Drains this thread's OpenSSL error queue. Only OpenSSL's fixed reason strings are kept (never
/// the per-error "data" text, which may quote input), so the result cannot contain key bytes.
/// At most 4 distinct reasons are kept; the queue is emptied either way.
inline openssl_error_info drain_openssl_errors()
{
    openssl_error_info info;
    constexpr int max_reasons = 4;
    int kept = 0;
    for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
        if (info.first == 0) info.first = code;
        if (is_policy_refusal(code)) info.policy_refusal = true;
        if (is_fatal_error(code)) info.fatal = true;
        if (kept >= max_reasons) continue;
        const char* reason = ERR_reason_error_string(code);
        std::string text;
        if (!ERR_SYSTEM_ERROR(code) && ERR_GET_LIB(code) == ERR_LIB_OSSL_DECODER &&
            ERR_GET_REASON(code) == ERR_R_UNSUPPORTED)
            text = "no decoder accepted the data"; // clearer than the bare "unsupported"
        else if (reason != nullptr)
            text = reason;
        else
            text = "error " + std::to_string(ERR_GET_REASON(code));
        if (info.reasons.find(text) != std::string::npos)
            continue; // decoders repeat "unsupported" once per candidate
        if (!info.reasons.empty()) info.reasons += "; ";
        info.reasons += text;
        ++kept;
    }
    return info;
}

/// Drains this thread's OpenSSL error queue into a short text (see drain_openssl_errors).
inline std::string openssl_error_reasons()
{
    return drain_openssl_errors().reasons;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_OPENSSL_HPP
