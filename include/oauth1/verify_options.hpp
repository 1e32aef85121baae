// oauth1/verify_options.hpp - what the provider's verifier (provider.hpp) is given: the received
// request (incoming_request), which token the endpoint expects (token_requirement), and the
// bounds and policies it verifies under (verify_options, request_limits), RFC 5849 §3.2.
#ifndef OAUTH1_VERIFY_OPTIONS_HPP
#define OAUTH1_VERIFY_OPTIONS_HPP

#include <oauth1/keys.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace oauth1 {

/// Which token the endpoint expects.
enum class token_requirement {
    none,     ///< temporary-credential request (§2.1): no token, oauth_callback required
    request,  ///< token-credential request (§2.3): a valid request token and oauth_verifier
    access,   ///< protected resource: a valid access token
    optional, ///< protected resource that also accepts consumer-only ("two-legged") requests
};

/// A received request. `url` is the absolute URL as the client addressed it (scheme and host
/// from the server's configuration, path and query exactly as received).
struct incoming_request {
    /// The HTTP method as received.
    std::string_view method;
    /// The absolute URL the client addressed (RFC 5849 §3.4.1.2).
    std::string_view url;
    /// The Content-Type field (a form body is signed as parameters).
    std::string_view content_type{};
    /// The body as received.
    std::string_view body{};
    /// The Authorization header value, empty when the request had none.
    std::string_view authorization{};
};

/// Bounds on what the verifier reads of a request before it knows who sent it. Every step
/// before the signature check costs time linear (sorting: n log n) in what these allow, and
/// memory proportional to it; a request over a bound is refused with parameter_rejected and
/// advice naming the bound, before it is parsed.
struct request_limits {
    /// Longest Authorization header value.
    std::size_t max_header_bytes = 64 * 1024;
    /// Longest request URL (the query is parsed as parameters).
    std::size_t max_url_bytes = 64 * 1024;
    /// Most parameters, counting query, form body and Authorization header together.
    std::size_t max_parameters = 1000;
    /// Largest body the verifier reads: a form body (parsed as parameters, §3.4.1.3.1) or a
    /// body whose oauth_body_hash it checks. Other bodies are not read.
    std::size_t max_body_bytes = 1024 * 1024;
    /// Longest oauth_nonce (decoded); nonce stores keep every nonce for the timestamp window.
    std::size_t max_nonce_bytes = 64;
};

/// How request_verifier::verify() judges a request.
struct verify_options {
    /// Accepted distance between oauth_timestamp and the provider's clock, in seconds (§3.3).
    std::uint64_t timestamp_window = 300;
    /// Which token the request must carry (RFC 5849 §2, §3).
    token_requirement token = token_requirement::access;
    /// Keep the computed base string in the result (debugging; it holds no secrets).
    bool keep_base_string = false;
    /// Bounds on hostile input.
    request_limits limits{};
    /// What RSA public keys the verifier accepts (keys.hpp; by default modulus 1024..16384 bits,
    /// odd e >= 3 and < 2^32). A consumer's key outside it refuses that consumer's requests
    /// (consumer_key_refused) and sets errc::key_policy_violation for the operator.
    rsa_key_policy key_policy{};
    /// Accept PLAINTEXT (for consumers that enable it) on http:// URLs too. Off: PLAINTEXT sends
    /// the secrets themselves, and RFC 5849 §3.4.4 requires TLS with it. Behind a proxy that
    /// terminates TLS, rebuild the https URL the client used instead (the adapters' trusted
    /// proxies) rather than turning this on.
    bool allow_plaintext_over_http = false;
};

} // namespace oauth1

#endif // OAUTH1_VERIFY_OPTIONS_HPP
