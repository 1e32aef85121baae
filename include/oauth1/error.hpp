// oauth1/error.hpp - the library's one error category and one exception type.
//
// Every operation that can fail has two forms: one taking `std::error_code&` (never throws for
// input errors) and one that throws `oauth1::error` (derived from std::system_error). Error
// messages name what was wrong and never contain secrets, keys or signatures.
#ifndef OAUTH1_ERROR_HPP
#define OAUTH1_ERROR_HPP

#include <oauth1/config.hpp>

#include <cstdlib>
#include <string>
#include <system_error>
#include <type_traits>

namespace oauth1 {

/// Error conditions reported by oauth1. Values are stable.
enum class errc {
    ok = 0,
    // Encoding (RFC 5849 §3.6) and parsing.
    invalid_percent_encoding = 1, ///< '%' not followed by two hex digits
    invalid_url,                  ///< the request URL is not an absolute http(s) URI (3.4.1.2)
    invalid_method,               ///< empty or non-token HTTP method
    header_injection,             ///< CR, LF or NUL in a value that would reach a header
    invalid_authorization_header, ///< an Authorization header could not be parsed (3.5.1)
    duplicate_protocol_parameter, ///< an oauth_* parameter occurs more than once
    missing_parameter,            ///< a required parameter is absent
    invalid_parameter,            ///< a parameter has a value that is not allowed
    // Signature methods (3.4).
    unsupported_signature_method, ///< the name is not one of the known methods
    signature_method_mismatch,    ///< the signer cannot produce the requested method
    invalid_signature_encoding,   ///< a signature is not valid base64
    crypto_failure,               ///< OpenSSL reported an error while signing or verifying
    crypto_policy_refused,        ///< the system crypto policy refuses this algorithm (e.g. SHA-1)
    // Keys.
    key_format_unrecognized, ///< the key data matches none of the supported formats
    key_pem_invalid,         ///< PEM armour found, but its content is not a valid key
    key_der_invalid,         ///< DER (or headerless base64 DER) is not a valid key
    key_base64_invalid,      ///< headerless key text is not valid base64
    key_passphrase_required, ///< an encrypted key was given without a passphrase
    key_passphrase_wrong,    ///< the passphrase did not decrypt the key
    key_not_rsa,             ///< an RSA signature method was given a non-RSA key
    key_not_private,         ///< a signing operation was given only a public key
    certificate_invalid,     ///< an X.509 certificate could not be parsed
    file_unreadable,         ///< a key or certificate file could not be read
    // Other.
    nonce_source_failed,     ///< the CSPRNG could not produce a nonce
    buffer_too_small,        ///< a caller-provided fixed buffer is too small
    invalid_argument,        ///< a precondition on an argument was violated
    key_required,            ///< an RSA signature method was configured without a key
    body_hash_not_allowed,   ///< oauth_body_hash asked for a form body or for PLAINTEXT
    nonce_store_full,        ///< the in-memory nonce store is at its bound (fails closed)
    nonce_store_unavailable, ///< the nonce store could not be reached (fails closed)
    // Transports and the three-legged flow.
    transport_failed,       ///< the HTTP transport could not send the request or read the answer
    request_not_sendable,   ///< the HTTP client would send something other than what is signed
    http_status,            ///< the server answered with an unexpected HTTP status
    oauth_problem,          ///< the server refused the request with an oauth_problem
    invalid_token_response, ///< a token answer lacks oauth_token/oauth_token_secret or is malformed
    callback_not_confirmed, ///< a temporary-credential answer lacks oauth_callback_confirmed=true
    // Bounds on hostile input (provider and client side).
    response_too_large,   ///< a transport's answer exceeded transport_options' response limit
    nonce_quota_exceeded, ///< one consumer holds its whole share of the nonce store (fails closed)
    key_policy_violation, ///< an RSA key is outside the key policy (size, exponent, modulus)
    request_too_large,    ///< a request exceeds a configured bound (header, parameters, body)
    nonce_store_misconfigured, ///< the nonce store could lose live nonces (e.g. Redis eviction)
    // The desktop dance (loopback_callback.hpp).
    callback_listen_failed, ///< the loopback callback could not listen on 127.0.0.1
    callback_timeout,       ///< no valid callback request arrived before the deadline
    access_denied,          ///< the user denied access on the provider's authorize page
    // PKCS#12 containers (keys.hpp).
    pkcs12_invalid,            ///< the data is not a PKCS#12 container or the password is wrong
    pkcs12_legacy_unavailable, ///< the container needs OpenSSL's legacy provider (RC2-40, 3DES)
    pkcs12_alias_required,     ///< the container holds several keys and no alias was given
    pkcs12_alias_not_found,    ///< no key in the container has the given alias (friendly name)
    // IMS LTI 1.1 launches (lti.hpp).
    lti_launch_invalid, ///< an LTI launch lacks a required parameter or has a wrong value
};

namespace detail {

class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "oauth1"; }

    std::string message(int ev) const override;
};

} // namespace detail

/// The oauth1 error category (name "oauth1").
OAUTH1_DECL const std::error_category& error_category() noexcept;

/// The std::error_code of `e` in oauth1's category (also found by ADL for `ec = errc::...`).
inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

/// The one exception type thrown by oauth1's throwing overloads.
class error : public std::system_error {
public:
    /// The exception of `ec`.
    explicit error(std::error_code ec) : std::system_error(ec) {}
    /// The exception of `ec`, with `what` saying what was being done.
    error(std::error_code ec, const std::string& what) : std::system_error(ec, what) {}
    /// The exception of `e`.
    explicit error(errc e) : std::system_error(make_error_code(e)) {}
    /// The exception of `e`, with `what` saying what was being done.
    error(errc e, const std::string& what) : std::system_error(make_error_code(e), what) {}
};

namespace detail {

/// Throws oauth1::error when `ec` holds an error; `context` names the operation.
inline void throw_if(const std::error_code& ec, const char* context)
{
    if (ec) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        throw error(ec, context);
#else
        (void)context;
        std::abort();
#endif
    }
}

} // namespace detail
} // namespace oauth1

namespace std {
template <>
struct is_error_code_enum<oauth1::errc> : true_type {};
} // namespace std

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#include <oauth1/impl/error.ipp>
#endif

#endif // OAUTH1_ERROR_HPP
