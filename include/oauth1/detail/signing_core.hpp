// oauth1/detail/signing_core.hpp - private to oauth1 (not a public header): what
// oauth1::basic_client::sign (oauth1/client.hpp) hands to the code that does not depend on its
// template arguments - the client's identity and the signing core, whose definitions are in
// oauth1/impl/client.ipp (compiled once under OAUTH1_SEPARATE_COMPILATION) - and the body hash
// (oauth_body_hash) of each signature method.
#ifndef OAUTH1_DETAIL_SIGNING_CORE_HPP
#define OAUTH1_DETAIL_SIGNING_CORE_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/digest.hpp>
#include <oauth1/signature_method.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace oauth1 {

// Defined in oauth1/client.hpp.
struct request;
struct sign_options;
class signed_request;

namespace detail {

/// What signing needs from a basic_client, whatever its template arguments.
struct client_identity {
    std::string_view encoded_consumer_key; ///< 3.6-encoded
    std::string_view encoded_token;        ///< 3.6-encoded; empty: no oauth_token
    bool breaks_header;                    ///< the consumer key or the token holds CR, LF or NUL
    bool include_version;                  ///< send oauth_version="1.0"
    signature_method method;
    std::string_view method_name; ///< the signer's name(), e.g. "HMAC-SHA1"
};

/// The part of basic_client::sign that does not depend on its template arguments (compiled once
/// under OAUTH1_SEPARATE_COMPILATION).
struct signing_core {
    /// Collects, checks, encodes and sorts the protocol and request parameters of `req` (3.4.1.3)
    /// and writes the base string URI and the signature base string (3.4.1) into `out`, whose
    /// nonce and timestamp are already set.
    static void prepare(const request& req, const sign_options& opts, const client_identity& id,
                        signed_request& out, std::error_code& ec);
    /// Adds oauth_signature (the signer's output in `out`) and writes the Authorization header.
    static void finish(const sign_options& opts, signed_request& out, std::error_code& ec);
};

/// Signing for the service profiles whose signature base string is not RFC 5849's (defined in
/// oauth1/detail/profile_signing.hpp, included by oauth1/profiles.hpp).
struct profile_signing;

template <class Signer>
signature_method method_of(const Signer& s) noexcept
{
    if constexpr (std::is_same_v<Signer, any_signer>) {
        return s.method();
    } else {
        return Signer::method();
    }
}

inline bool body_hash_append(signature_method m, std::string_view body, std::string& out)
{
    unsigned char d[64];
    switch (m) {
    case signature_method::hmac_sha1:
    case signature_method::rsa_sha1:
        if (!digest<sha1_digest>(body, d)) return false;
        base64_append(d, sha1_digest::size, out);
        return true;
    case signature_method::hmac_sha256:
    case signature_method::rsa_sha256:
        if (!digest<sha256_digest>(body, d)) return false;
        base64_append(d, sha256_digest::size, out);
        return true;
    case signature_method::hmac_sha512:
    case signature_method::rsa_sha512:
        if (!digest<sha512_digest>(body, d)) return false;
        base64_append(d, sha512_digest::size, out);
        return true;
    case signature_method::plaintext: return false;
    }
    return false;
}

} // namespace detail
} // namespace oauth1

#endif // OAUTH1_DETAIL_SIGNING_CORE_HPP
