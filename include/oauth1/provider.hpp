// oauth1/provider.hpp - the server side: verifying signed requests (RFC 5849 §3.2), with
// replay protection (§3.3) and OAuth Problem Reporting results.
//
//   oauth1::memory_nonce_store nonces;
//   oauth1::request_verifier v(lookup_consumer, lookup_token, nonces);
//   auto r = v.verify({method, absolute_url, content_type, body, authorization_header_value});
//   if (!r) respond(401, oauth1::www_authenticate(*r.problem, "JIRA"),
//                   oauth1::problem_body(*r.problem));
//
// Lookups belong to the caller, so the verifier fits any user database:
//   consumers(consumer_key)     -> something like std::optional<consumer_credentials> or a pointer
//   tokens(consumer_key, token) -> something like std::optional<token_credentials> or a pointer;
//                                  the record names the consumer the token was issued to
// The nonce store is shared by reference (see nonce_store.hpp).
//
// What the deployer decides: `url` must be the URL the client signed, built from the server's
// own configured origin, never from an unchecked Host header (see the httplib server adapter's
// public_origin and its trusted proxies);
// verify_options::limits bounds what is read before authentication; a consumer's method_set
// (PLAINTEXT is off unless enabled, and https-only); the nonce store's window and bounds.
// Every step before the signature check is linear in the request's size (sorting n log n).
//
// This header declares the verifier and what it knows of consumers and tokens; what verify() is
// given is in verify_options.hpp, what it returns in verify_result.hpp (both included here), and
// the definitions of its steps in impl/provider.ipp.
#ifndef OAUTH1_PROVIDER_HPP
#define OAUTH1_PROVIDER_HPP

#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/verify_options.hpp>
#include <oauth1/verify_result.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {

/// A set of signature methods (e.g. the ones a consumer may use; JIRA allows RSA-SHA1 only).
class method_set {
public:
    constexpr method_set() noexcept = default;
    /// The methods listed.
    constexpr method_set(std::initializer_list<signature_method> ms) noexcept
    {
        for (const signature_method m : ms) add(m);
    }
    /// Every method this library implements, PLAINTEXT included.
    static constexpr method_set all() noexcept
    {
        return {signature_method::hmac_sha1,   signature_method::hmac_sha256,
                signature_method::hmac_sha512, signature_method::rsa_sha1,
                signature_method::rsa_sha256,  signature_method::rsa_sha512,
                signature_method::plaintext};
    }
    /// What a consumer may use unless it says otherwise: HMAC-SHA* and RSA-SHA*. PLAINTEXT
    /// (RFC 5849 §3.4.4) sends the secrets themselves, so a consumer must enable it explicitly,
    /// and even then the verifier accepts it only for https URLs (§4.11: it requires TLS).
    static constexpr method_set defaults() noexcept
    {
        return {signature_method::hmac_sha1,   signature_method::hmac_sha256,
                signature_method::hmac_sha512, signature_method::rsa_sha1,
                signature_method::rsa_sha256,  signature_method::rsa_sha512};
    }
    /// Adds `m`.
    constexpr method_set& add(signature_method m) noexcept
    {
        bits_ |= 1U << static_cast<unsigned>(m);
        return *this;
    }
    /// Whether `m` is in the set.
    constexpr bool contains(signature_method m) const noexcept
    {
        return (bits_ & (1U << static_cast<unsigned>(m))) != 0;
    }
    /// Whether the set is empty.
    constexpr bool empty() const noexcept { return bits_ == 0; }

private:
    unsigned bits_ = 0;
};

/// What the provider knows of a consumer (RFC 5849 §3.4: the secret or key that checks its
/// signatures).
struct consumer_credentials {
    /// Shared secret for HMAC-SHA* and PLAINTEXT.
    std::string secret;
    /// Public key (or the key of the consumer's certificate) for RSA-SHA*.
    public_key rsa_key;
    /// Methods this consumer may use (PLAINTEXT only when added, and then only over https).
    method_set methods = method_set::defaults();
};

/// Temporary (request) or token (access) credentials (RFC 5849 §2.1, §2.3).
enum class token_kind { request, access };

/// Where a token is in its life.
enum class token_state { valid, used, expired, revoked };

/// What the provider knows of a token (RFC 5849 §2.3, §3.2).
///
/// A token belongs to the consumer it was issued to: the verifier refuses it (token_rejected)
/// when another consumer signs with it. With RSA-SHA* the token secret takes no part in the
/// signature, so this binding is what stops one consumer from using another's access token.
struct token_credentials {
    /// The consumer key the token was issued to.
    std::string consumer_key;
    /// The token secret (HMAC-SHA* and PLAINTEXT).
    std::string secret;
    /// Temporary (request) or token (access) credentials.
    token_kind kind = token_kind::access;
    /// Valid, authorized, revoked... (see token_state).
    token_state state = token_state::valid;

    token_credentials() = default;
    /// Credentials issued to the consumer `issued_to`, with `token_secret`.
    token_credentials(std::string issued_to, std::string token_secret,
                      token_kind k = token_kind::access, token_state st = token_state::valid)
        : consumer_key(std::move(issued_to)), secret(std::move(token_secret)), kind(k), state(st)
    {}
};

/// Verifies signed requests (RFC 5849 §3.2). ConsumerLookup and TokenLookup are callables (see
/// the top of this header); NonceStore models the nonce-store requirements; Clock returns
/// seconds since the epoch.
template <class ConsumerLookup, class TokenLookup, class NonceStore = memory_nonce_store,
          class Clock = system_clock>
class request_verifier {
    static_assert(
        is_nonce_store_v<NonceStore>,
        "NonceStore must provide bool insert(string_view consumer_key, string_view token, "
        "uint64_t timestamp, string_view nonce, uint64_t now, std::error_code&)");

public:
    /// Verifies with the consumers and tokens the lookups find, recording nonces in `nonces` (which
    /// must outlive the verifier), at the time `clock` gives (RFC 5849 §3.2).
    request_verifier(ConsumerLookup consumers, TokenLookup tokens, NonceStore& nonces,
                     Clock clock = {})
        : consumers_(std::move(consumers)), tokens_(std::move(tokens)), nonces_(&nonces),
          clock_(std::move(clock))
    {}

    /// Verifies `req`. OAuth-level refusals are reported in the result's `problem`; `ec` is set
    /// only when the provider itself could not decide (the nonce store is unreachable or full,
    /// OpenSSL failed, or the store keeps entries for less than opts.timestamp_window:
    /// errc::invalid_argument) - the request is then refused too (result.ok() is false).
    verify_result verify(const incoming_request& req, const verify_options& opts,
                         std::error_code& ec) const
    {
        verify_result r;
        verify(req, opts, r, ec);
        return r;
    }

    /// Verifies `req` into `r`, reusing its memory: keep one verify_result per thread and pass
    /// it to every call, and verification allocates nothing once warm (but what the nonce store
    /// records). Same outcome and errors as the overload above.
    ///
    /// The checks, in order, each able to refuse: bounds on the request's size; parameters
    /// parsed from the three places (§3.5); protocol parameters from exactly one place, none
    /// repeated; the required ones present (§3.1); the consumer and its method; the timestamp
    /// window (§3.3); the token and its owner; the signature (§3.4); the body hash; and last
    /// the nonce, so that a request with a bad signature cannot use up nonces.
    void verify(const incoming_request& req, const verify_options& opts, verify_result& r,
                std::error_code& ec) const
    {
        ec.clear();
        r.reset();
        pass p{req, opts, r};
        if (!check_store_window(opts, ec)) return;
        if (!check_bounds(p)) return;
        if (!collect_parameters(p)) return;
        if (!collect_protocol_parameters(p)) return;
        if (!check_required_parameters(p)) return;
        if (!check_consumer(p)) return;
        if (!check_timestamp(p)) return;
        if (!check_token(p)) return;
        if (!check_signature(p, ec)) return;
        if (!check_body_hash(p)) return;
        if (!consume_nonce(p, ec)) return;
        r.verified_ = true;
    }

    /// Same; throws oauth1::error when the provider could not decide (e.g. nonce store down).
    verify_result verify(const incoming_request& req, const verify_options& opts = {}) const
    {
        std::error_code ec;
        verify_result r = verify(req, opts, ec);
        detail::throw_if(ec, "verifying request");
        return r;
    }

private:
    using consumer_record = decltype(std::declval<const ConsumerLookup&>()(std::string_view{}));
    using token_record =
        decltype(std::declval<const TokenLookup&>()(std::string_view{}, std::string_view{}));

    /// One verification's state, handed from step to step.
    struct pass;

    /// Refuses with parameter_rejected, advice "<what> larger than <limit> bytes".
    static void refuse_over(const pass& p, const char* what, std::size_t limit);

    /// A store that forgets an entry while the verifier still accepts its timestamp would let a
    /// replay through: refuse to verify with one (fail closed, errc::invalid_argument).
    bool check_store_window(const verify_options& opts, std::error_code& ec) const;

    /// Sizes first: nothing larger than the limits is parsed at all.
    static bool check_bounds(pass& p);

    /// The request's parameters from its three places (RFC 5849 §3.4.1.3.1, §3.5), each parsed
    /// in one linear pass, their count bounded.
    static bool collect_parameters(pass& p);

    /// The protocol parameters come from exactly one place, and none is repeated (a repeated
    /// one is ambiguous): O(n log n) however the names are chosen.
    static bool collect_protocol_parameters(pass& p);

    /// Version, required parameters (RFC 5849 §3.1) and their form.
    static bool check_required_parameters(pass& p);

    /// The signature method is known, the consumer is known and may use it (PLAINTEXT: only
    /// over https, RFC 5849 §3.4.4).
    bool check_consumer(pass& p) const;

    /// The timestamp is within the window around the provider's clock (RFC 5849 §3.3).
    bool check_timestamp(pass& p) const;

    /// The token is known, was issued to this consumer, is of the kind the endpoint expects,
    /// and is still valid (RFC 5849 §3.2).
    bool check_token(pass& p) const;

    /// The signer for this request's method and credentials, from the result's one-entry cache.
    /// (A cached RSA verifier was checked against the key policy in force when it was made.)
    static const any_signer* cached_signer(pass& p, std::error_code& ec);

    /// The signature (RFC 5849 §3.4) over the request as received; HMAC and PLAINTEXT compared
    /// in constant time.
    static bool check_signature(pass& p, std::error_code& ec);

    /// oauth_body_hash (the body-hash extension): signed, so now check it against the body.
    static bool check_body_hash(pass& p);

    /// The nonce (RFC 5849 §3.3), last: only a correctly signed request uses one up.
    bool consume_nonce(pass& p, std::error_code& ec) const;

    ConsumerLookup consumers_;
    TokenLookup tokens_;
    NonceStore* nonces_;
    Clock clock_;
};

} // namespace oauth1

// Definitions in both modes: request_verifier is a template (nothing here is compiled separately).
#include <oauth1/impl/provider.ipp>

#endif // OAUTH1_PROVIDER_HPP
