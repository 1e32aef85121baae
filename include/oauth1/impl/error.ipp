// oauth1/impl/error.ipp - definitions for oauth1/error.hpp: included by it in header-only mode, by
// oauth1/src.hpp under OAUTH1_SEPARATE_COMPILATION (see oauth1/config.hpp).
#ifndef OAUTH1_IMPL_ERROR_IPP
#define OAUTH1_IMPL_ERROR_IPP

#include <oauth1/error.hpp>

#include <string>
#include <system_error>

namespace oauth1 {
namespace detail {

OAUTH1_DECL std::string error_category_impl::message(int ev) const
{
    switch (static_cast<errc>(ev)) {
    case errc::ok: return "success";
    case errc::invalid_percent_encoding:
        return "invalid percent-encoding: '%' must be followed by two hexadecimal digits";
    case errc::invalid_url: return "invalid request URL: expected an absolute http or https URI";
    case errc::invalid_method: return "invalid HTTP method: expected a non-empty token";
    case errc::header_injection:
        return "value contains CR, LF or NUL, which would allow header injection";
    case errc::invalid_authorization_header: return "malformed OAuth Authorization header";
    case errc::duplicate_protocol_parameter: return "protocol parameter given more than once";
    case errc::missing_parameter: return "required parameter is missing";
    case errc::invalid_parameter: return "parameter has an invalid value";
    case errc::unsupported_signature_method: return "unsupported signature method";
    case errc::signature_method_mismatch:
        return "signer does not implement the requested signature method";
    case errc::invalid_signature_encoding: return "signature is not valid base64";
    case errc::crypto_failure: return "cryptographic operation failed in OpenSSL";
    case errc::crypto_policy_refused:
        return "the system crypto policy refused this algorithm (SHA-1 signatures may be "
               "disabled); choose RSA-SHA256 or HMAC-SHA1 if the server allows it";
    case errc::key_format_unrecognized:
        return "key not recognised: tried PEM, DER and headerless base64 DER";
    case errc::key_pem_invalid: return "PEM key could not be decoded";
    case errc::key_der_invalid: return "DER key could not be decoded";
    case errc::key_base64_invalid: return "headerless key is not valid base64";
    case errc::key_passphrase_required: return "encrypted private key needs a passphrase";
    case errc::key_passphrase_wrong: return "passphrase did not decrypt the private key";
    case errc::key_not_rsa: return "key is not an RSA key";
    case errc::key_not_private: return "key is a public key; signing needs a private key";
    case errc::certificate_invalid: return "X.509 certificate could not be parsed";
    case errc::file_unreadable: return "file could not be read";
    case errc::nonce_source_failed: return "the random number generator failed to make a nonce";
    case errc::buffer_too_small: return "output buffer is too small";
    case errc::invalid_argument: return "invalid argument";
    case errc::key_required: return "RSA signature methods need an RSA private key";
    case errc::nonce_store_full:
        return "nonce store is full of unexpired entries; request refused (fail closed)";
    case errc::nonce_store_unavailable:
        return "nonce store unreachable; request refused (fail closed)";
    case errc::transport_failed:
        return "the HTTP transport failed to send the request or to read the response";
    case errc::request_not_sendable:
        return "the HTTP client would send this request differently from how it was signed";
    case errc::http_status: return "the server answered with an unexpected HTTP status";
    case errc::oauth_problem: return "the server refused the request (oauth_problem)";
    case errc::invalid_token_response:
        return "the token response lacks oauth_token or oauth_token_secret";
    case errc::callback_not_confirmed:
        return "the temporary-credential response lacks oauth_callback_confirmed=true";
    case errc::body_hash_not_allowed:
        return "oauth_body_hash is not used with form-encoded bodies or PLAINTEXT";
    case errc::response_too_large:
        return "the server's answer is larger than the transport's response limit";
    case errc::nonce_quota_exceeded:
        return "this consumer's share of the nonce store is full of unexpired entries; request "
               "refused (fail closed)";
    case errc::key_policy_violation:
        return "RSA key outside the key policy (modulus size, public exponent or modulus form)";
    case errc::request_too_large:
        return "request larger than the configured limit (header, parameter count or body)";
    case errc::nonce_store_misconfigured:
        return "the nonce store's configuration could lose live nonces (e.g. a Redis eviction "
               "policy that can evict them); refused (fail closed)";
    case errc::callback_listen_failed:
        return "the loopback callback could not listen on 127.0.0.1";
    case errc::callback_timeout:
        return "no callback with the temporary token arrived before the deadline";
    case errc::access_denied: return "the user denied access on the provider's authorize page";
    case errc::pkcs12_invalid:
        return "PKCS#12 container could not be read (not PKCS#12, or a wrong password)";
    case errc::pkcs12_legacy_unavailable:
        return "the PKCS#12 container uses legacy encryption (RC2-40/3DES) and OpenSSL's legacy "
               "provider is not available; convert it: openssl pkcs12 -legacy -in old.p12 -nodes "
               "| openssl pkcs12 -export -out new.p12";
    case errc::pkcs12_alias_required:
        return "the PKCS#12 container holds several private keys: name one by its alias";
    case errc::pkcs12_alias_not_found:
        return "no private key in the PKCS#12 container has the given alias";
    case errc::lti_launch_invalid:
        return "not a valid LTI 1.1 launch (a required parameter is missing or wrong)";
    }
    return "unknown oauth1 error";
}

} // namespace detail

OAUTH1_DECL const std::error_category& error_category() noexcept
{
    static const detail::error_category_impl instance;
    return instance;
}

} // namespace oauth1

#endif // OAUTH1_IMPL_ERROR_IPP
