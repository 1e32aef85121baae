// oauth1/verify_result.hpp - the outcome of the provider's verification (provider.hpp,
// RFC 5849 §3.2): success, or the OAuth Problem Reporting problem to answer with (problem.hpp),
// with the request's decoded protocol values; reused across requests, it keeps its buffers and
// one cached signer.
#ifndef OAUTH1_VERIFY_RESULT_HPP
#define OAUTH1_VERIFY_RESULT_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/detail/verify.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace oauth1 {

/// The outcome of verify(): success, or the problem to report.
///
/// What it keeps between verifications (one verify_result reused per thread): the decoded
/// protocol values and parameters of the last request (no secrets), parsing buffers, and one
/// cached signer - the HMAC key schedule made from the last consumer and token secrets together
/// with those secrets (to recognise them; compared in constant time), or the RSA verifier of the
/// last public key. The secrets and key schedule are wiped (OPENSSL_cleanse) when replaced, by
/// clear_secrets(), and on destruction.
struct verify_result {
    /// Set when the request was refused.
    std::optional<problem_report> problem;
    /// Decoded protocol values (filled as far as verification got).
    std::string consumer_key;
    /// oauth_token (empty when none was sent).
    std::string token;
    /// oauth_callback (temporary-credential requests, RFC 5849 §2.1).
    std::string callback;
    /// oauth_verifier (token-credential requests, RFC 5849 §2.3).
    std::string verifier;
    /// oauth_nonce (RFC 5849 §3.3).
    std::string nonce;
    /// The oauth_signature as received (decoded; not a secret).
    std::string signature;
    /// oauth_timestamp (RFC 5849 §3.3).
    std::uint64_t timestamp = 0;
    /// The signature method used, when known.
    std::optional<signature_method> method;
    /// The Authorization header's realm, when sent (RFC 5849 §3.5.1).
    std::optional<std::string> realm;
    /// Every signed parameter (request and protocol), §3.6-encoded and sorted.
    parameter_list parameters;
    /// The base string the provider computed (when verify_options::keep_base_string).
    std::string base_string;

    /// True when the request verified and may be served.
    bool ok() const noexcept { return verified_ && !problem; }
    /// ok().
    explicit operator bool() const noexcept { return ok(); }

    /// Drops (and wipes) the cached signer and the secrets it was made from.
    void clear_secrets() noexcept
    {
        signer_.reset();
        signer_secrets_.wipe();
        signer_key_ = nullptr;
    }

private:
    template <class, class, class, class>
    friend class request_verifier;

    /// Back to the empty state, keeping every buffer's memory (and the cached signer) for the
    /// next verification.
    void reset() noexcept
    {
        problem.reset();
        consumer_key.clear();
        token.clear();
        callback.clear();
        verifier.clear();
        nonce.clear();
        signature.clear();
        timestamp = 0;
        method.reset();
        realm.reset();
        parameters.clear();
        base_string.clear();
        verified_ = false;
    }

    bool verified_ = false;
    // Scratch space reused by request_verifier::verify(req, opts, result, ec): a verify_result kept
    // across requests (one per thread) makes verification allocation-free once warm.
    parameter_list query_;
    parameter_list form_;
    parsed_authorization header_;
    std::vector<std::size_t> scratch_;
    detail::protocol_values protocol_;
    std::string base_uri_;
    std::string base_;
    std::string version_;
    std::string method_name_;
    std::string timestamp_text_;
    std::string body_hash_;
    // One signer cache for every method: the signer of the last (method, secrets) or (method,
    // public key), reused while they repeat (requests of one client in a row).
    std::optional<any_signer> signer_;
    signature_method signer_method_ = signature_method::plaintext;
    detail::secret_pair_key signer_secrets_; // HMAC-SHA* and PLAINTEXT
    const void* signer_key_ = nullptr;       // RSA-SHA*: the key the signer holds a reference to
};

} // namespace oauth1

#endif // OAUTH1_VERIFY_RESULT_HPP
