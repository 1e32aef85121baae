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
// What verify() is given is in verify_options.hpp, what it returns in verify_result.hpp (both
// included here).
#ifndef OAUTH1_PROVIDER_HPP
#define OAUTH1_PROVIDER_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/detail/verify.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/verify_options.hpp>
#include <oauth1/verify_result.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace oauth1 {

/// A set of signature methods (e.g. the ones a consumer may use; JIRA allows RSA-SHA1 only).
class method_set {
public:
    constexpr method_set() noexcept = default;
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
    constexpr method_set& add(signature_method m) noexcept
    {
        bits_ |= 1U << static_cast<unsigned>(m);
        return *this;
    }
    constexpr bool contains(signature_method m) const noexcept
    {
        return (bits_ & (1U << static_cast<unsigned>(m))) != 0;
    }
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
    token_kind kind = token_kind::access;
    token_state state = token_state::valid;

    token_credentials() = default;
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
    struct pass {
        const incoming_request& req;
        const verify_options& opts;
        verify_result& r;
        detail::url_parts url{};
        const parameter_list* source = nullptr; ///< where the protocol parameters are
        bool has_header = false;
        std::uint64_t now = 0;
        // Keep whatever the lookups returned (a pointer, an optional, ...) alive.
        std::optional<consumer_record> consumer{};
        std::optional<token_record> token{};
        std::string_view token_secret{};

        problem_report& refuse(problem code, std::string_view advice = {}) const
        {
            r.problem.emplace(code);
            r.problem->advice.assign(advice);
            return *r.problem;
        }
        problem_report& refuse_parameter(std::string_view name, std::string_view advice) const
        {
            problem_report& report = refuse(problem::parameter_rejected, advice);
            report.parameters_rejected.emplace_back(name);
            return report;
        }
        const consumer_credentials& consumer_creds() const { return **consumer; }
        bool has(detail::protocol_field f) const noexcept { return r.protocol_.present[f]; }
        /// Decodes protocol parameter `f` into `out`; false when absent or malformed.
        bool get(detail::protocol_field f, std::string& out) const
        {
            out.clear();
            if (!r.protocol_.present[f]) return false;
            std::error_code dec;
            percent_decode_append(r.protocol_.value[f], out, dec);
            return !dec;
        }
    };

    static void refuse_over(const pass& p, const char* what, std::size_t limit)
    {
        std::string advice(what);
        advice += " larger than ";
        advice += std::to_string(limit);
        advice += " bytes";
        p.refuse(problem::parameter_rejected, advice);
    }

    /// A store that forgets an entry while the verifier still accepts its timestamp would let a
    /// replay through: refuse to verify with one (fail closed, errc::invalid_argument).
    bool check_store_window(const verify_options& opts, std::error_code& ec) const
    {
        if constexpr (detail::has_window<NonceStore>::value) {
            if (nonces_->window() < opts.timestamp_window) {
                ec = make_error_code(errc::invalid_argument);
                return false;
            }
        }
        (void)opts;
        (void)ec;
        return true;
    }

    /// Sizes first: nothing larger than the limits is parsed at all.
    static bool check_bounds(pass& p)
    {
        const request_limits& lim = p.opts.limits;
        if (p.req.authorization.size() > lim.max_header_bytes) {
            refuse_over(p, "Authorization header", lim.max_header_bytes);
            return false;
        }
        if (p.req.url.size() > lim.max_url_bytes) {
            refuse_over(p, "request URL", lim.max_url_bytes);
            return false;
        }
        if (is_form_urlencoded(p.req.content_type) && p.req.body.size() > lim.max_body_bytes) {
            refuse_over(p, "form body", lim.max_body_bytes);
            return false;
        }
        if (!is_valid_method(p.req.method)) {
            p.refuse(problem::parameter_rejected, "invalid HTTP method");
            return false;
        }
        return true;
    }

    /// The request's parameters from its three places (RFC 5849 §3.4.1.3.1, §3.5), each parsed
    /// in one linear pass, their count bounded.
    static bool collect_parameters(pass& p)
    {
        verify_result& r = p.r;
        std::error_code local;
        if (!detail::split_request_url(p.req.url, p.url, local)) {
            p.refuse(problem::parameter_rejected, "invalid request URL");
            return false;
        }
        r.query_.clear();
        if (p.url.has_query) {
            r.query_.add_form(p.url.query, local);
            if (local) {
                p.refuse(problem::parameter_rejected, "malformed query string");
                return false;
            }
        }
        r.form_.clear();
        if (is_form_urlencoded(p.req.content_type)) {
            r.form_.add_form(p.req.body, local);
            if (local) {
                p.refuse(problem::parameter_rejected, "malformed form body");
                return false;
            }
        }
        parsed_authorization& header = r.header_;
        header.parameters.clear();
        header.realm.reset();
        // Another scheme (Basic, Bearer) is not ours to refuse: the request then has no header.
        if (detail::auth_scheme_end(p.req.authorization, "OAuth") != std::string_view::npos) {
            parse_authorization_header(p.req.authorization, header, local);
            if (local) {
                p.refuse(problem::parameter_rejected, "malformed Authorization header");
                return false;
            }
            p.has_header = true;
            r.realm = header.realm;
        }
        const std::size_t count =
            r.query_.size() + r.form_.size() + (p.has_header ? header.parameters.size() : 0);
        if (count > p.opts.limits.max_parameters) {
            std::string advice = "more than ";
            advice += std::to_string(p.opts.limits.max_parameters);
            advice += " parameters";
            p.refuse(problem::parameter_rejected, advice);
            return false;
        }
        return true;
    }

    /// The protocol parameters come from exactly one place, and none is repeated (a repeated
    /// one is ambiguous): O(n log n) however the names are chosen.
    static bool collect_protocol_parameters(pass& p)
    {
        verify_result& r = p.r;
        // Each place sorted on its own (§3.4.1.3.2 order): a repeated name is then found in
        // one pass, and the signature step merges three sorted runs instead of sorting again.
        r.query_.sort();
        r.form_.sort();
        r.header_.parameters.sort();
        const auto carries_protocol = [](const parameter_list& l) {
            for (const parameter_view v : l)
                if (detail::starts_with_oauth(v.name)) return true;
            return false;
        };
        int sources = 0;
        if (p.has_header && carries_protocol(r.header_.parameters)) {
            p.source = &r.header_.parameters;
            ++sources;
        }
        if (carries_protocol(r.query_)) {
            p.source = &r.query_;
            ++sources;
        }
        if (carries_protocol(r.form_)) {
            p.source = &r.form_;
            ++sources;
        }
        if (sources > 1) {
            p.refuse(problem::parameter_rejected,
                     "protocol parameters must be sent in exactly one place");
            return false;
        }
        // No protocol parameters at all: carry on with the (protocol-free) query, so that
        // parameter_absent names exactly what this endpoint requires.
        if (sources == 0) p.source = &r.query_;
        const std::string_view repeated = p.source->first_repeated_name("oauth_", r.scratch_);
        if (!repeated.empty()) {
            p.refuse_parameter(repeated, "protocol parameter repeated");
            return false;
        }
        r.protocol_.collect(*p.source);
        return true;
    }

    /// Version, required parameters (RFC 5849 §3.1) and their form.
    static bool check_required_parameters(pass& p)
    {
        using namespace detail;
        verify_result& r = p.r;
        if (p.get(field_version, r.version_) && r.version_ != "1.0") {
            p.refuse(problem::version_rejected).acceptable_versions = "1.0-1.0";
            return false;
        }
        const bool has_key = p.get(field_consumer_key, r.consumer_key);
        const bool has_method = p.get(field_signature_method, r.method_name_);
        const bool has_sig = p.get(field_signature, r.signature);
        // Timestamp and nonce are required for every method (§3.1 lets PLAINTEXT omit them,
        // but a request without them could be replayed for ever).
        const bool has_ts = p.get(field_timestamp, r.timestamp_text_);
        const bool has_nonce = p.get(field_nonce, r.nonce);
        p.get(field_token, r.token);
        p.get(field_callback, r.callback);
        p.get(field_verifier, r.verifier);
        const token_requirement need = p.opts.token;
        const bool no_callback = need == token_requirement::none && r.callback.empty();
        const bool no_token =
            (need == token_requirement::request || need == token_requirement::access) &&
            r.token.empty();
        const bool no_verifier = need == token_requirement::request && r.verifier.empty();
        if (!has_key || !has_method || !has_sig || !has_ts || !has_nonce || no_callback ||
            no_token || no_verifier) {
            std::vector<std::string> absent;
            if (!has_key) absent.emplace_back("oauth_consumer_key");
            if (!has_method) absent.emplace_back("oauth_signature_method");
            if (!has_sig) absent.emplace_back("oauth_signature");
            if (!has_ts) absent.emplace_back("oauth_timestamp");
            if (!has_nonce) absent.emplace_back("oauth_nonce");
            if (no_callback) absent.emplace_back("oauth_callback");
            if (no_token) absent.emplace_back("oauth_token");
            if (no_verifier) absent.emplace_back("oauth_verifier");
            p.refuse(problem::parameter_absent).parameters_absent = std::move(absent);
            return false;
        }
        if (need == token_requirement::none && !r.token.empty()) {
            p.refuse_parameter("oauth_token", "no token expected here");
            return false;
        }
        if (r.nonce.size() > p.opts.limits.max_nonce_bytes) {
            std::string advice = "oauth_nonce longer than ";
            advice += std::to_string(p.opts.limits.max_nonce_bytes);
            advice += " bytes";
            p.refuse_parameter("oauth_nonce", advice);
            return false;
        }
        if (!parse_timestamp(r.timestamp_text_, r.timestamp)) {
            p.refuse_parameter("oauth_timestamp", "oauth_timestamp must be a decimal number");
            return false;
        }
        return true;
    }

    /// The signature method is known, the consumer is known and may use it (PLAINTEXT: only
    /// over https, RFC 5849 §3.4.4).
    bool check_consumer(pass& p) const
    {
        verify_result& r = p.r;
        r.method = parse_signature_method(r.method_name_);
        if (!r.method) {
            p.refuse(problem::signature_method_rejected, "unknown signature method");
            return false;
        }
        p.consumer.emplace(consumers_(std::string_view(r.consumer_key)));
        if (!*p.consumer) {
            p.refuse(problem::consumer_key_unknown);
            return false;
        }
        const consumer_credentials& cc = p.consumer_creds();
        if (!cc.methods.contains(*r.method)) {
            p.refuse(problem::signature_method_rejected,
                     "signature method not allowed for this consumer");
            return false;
        }
        if (*r.method == signature_method::plaintext && !p.opts.allow_plaintext_over_http &&
            !detail::ascii_iequals(p.url.scheme, "https")) {
            p.refuse(problem::signature_method_rejected,
                     "PLAINTEXT is accepted only over https (it sends the secrets)");
            return false;
        }
        if (is_rsa(*r.method) && !cc.rsa_key.is_rsa()) {
            p.refuse(problem::signature_method_rejected,
                     "no RSA public key registered for this consumer");
            return false;
        }
        return true;
    }

    /// The timestamp is within the window around the provider's clock (RFC 5849 §3.3).
    bool check_timestamp(pass& p) const
    {
        p.now = clock_();
        const std::uint64_t w = p.opts.timestamp_window;
        const std::uint64_t ts = p.r.timestamp;
        const std::uint64_t diff = ts > p.now ? ts - p.now : p.now - ts;
        if (diff > w) {
            p.refuse(problem::timestamp_refused).acceptable_timestamps =
                std::make_pair(p.now > w ? p.now - w : 0, p.now + w);
            return false;
        }
        return true;
    }

    /// The token is known, was issued to this consumer, is of the kind the endpoint expects,
    /// and is still valid (RFC 5849 §3.2).
    bool check_token(pass& p) const
    {
        verify_result& r = p.r;
        if (r.token.empty()) return true;
        p.token.emplace(tokens_(std::string_view(r.consumer_key), std::string_view(r.token)));
        if (!*p.token) {
            p.refuse(problem::token_rejected);
            return false;
        }
        const token_credentials& tc = **p.token;
        if (tc.consumer_key != r.consumer_key) {
            p.refuse(problem::token_rejected, "token was not issued to this consumer");
            return false;
        }
        const token_kind wanted =
            p.opts.token == token_requirement::request ? token_kind::request : token_kind::access;
        if (tc.kind != wanted) {
            p.refuse(problem::token_rejected, "wrong kind of token");
            return false;
        }
        switch (tc.state) {
        case token_state::valid: break;
        case token_state::used: p.refuse(problem::token_used); return false;
        case token_state::expired: p.refuse(problem::token_expired); return false;
        case token_state::revoked: p.refuse(problem::token_revoked); return false;
        }
        p.token_secret = tc.secret;
        return true;
    }

    /// The signer for this request's method and credentials, from the result's one-entry cache.
    /// (A cached RSA verifier was checked against the key policy in force when it was made.)
    static const any_signer* cached_signer(pass& p, std::error_code& ec)
    {
        verify_result& r = p.r;
        const signature_method m = *r.method;
        const consumer_credentials& cc = p.consumer_creds();
        if (r.signer_ && r.signer_method_ == m) {
            if (is_rsa(m) ? r.signer_key_ == cc.rsa_key.native_handle()
                          : r.signer_secrets_.matches(cc.secret, p.token_secret))
                return &*r.signer_;
        }
        r.clear_secrets();
        r.signer_ =
            any_signer::make(m, cc.secret, p.token_secret, cc.rsa_key, p.opts.key_policy, ec);
        if (!r.signer_) return nullptr;
        r.signer_method_ = m;
        if (is_rsa(m))
            r.signer_key_ = cc.rsa_key.native_handle();
        else
            r.signer_secrets_.assign(cc.secret, p.token_secret);
        return &*r.signer_;
    }

    /// The signature (RFC 5849 §3.4) over the request as received; HMAC and PLAINTEXT compared
    /// in constant time.
    static bool check_signature(pass& p, std::error_code& ec)
    {
        verify_result& r = p.r;
        r.parameters.append(r.query_);
        r.parameters.append(r.form_);
        if (p.has_header) r.parameters.append(r.header_.parameters);
        r.parameters.erase("oauth_signature");
        r.parameters.sort();
        r.base_uri_.clear();
        detail::base_string_uri_append(p.url, r.base_uri_);
        r.base_.clear();
        signature_base_string_append(p.req.method, r.base_uri_, r.parameters, r.base_);
        if (p.opts.keep_base_string) r.base_string = r.base_;

        std::error_code sig_ec;
        const any_signer* signer = cached_signer(p, sig_ec);
        const bool valid = signer != nullptr && signer->verify(r.base_, r.signature, sig_ec);
        if (sig_ec == errc::crypto_policy_refused) {
            p.refuse(problem::signature_method_rejected,
                     "the provider's crypto policy refuses this signature method");
            return false;
        }
        if (sig_ec == errc::key_policy_violation) {
            // The registered key is outside the key policy (e.g. 512 bits, e = 1): the
            // operator's to fix, and nothing signed with it is accepted.
            ec = sig_ec;
            p.refuse(problem::consumer_key_refused, "the consumer's key is outside the key policy");
            return false;
        }
        if (!valid) {
            // OpenSSL itself failing is the operator's to know: not the client's fault.
            if (sig_ec == errc::crypto_failure) ec = sig_ec;
            p.refuse(problem::signature_invalid).signature_base_string = r.base_;
            return false;
        }
        return true;
    }

    /// oauth_body_hash (the body-hash extension): signed, so now check it against the body.
    static bool check_body_hash(pass& p)
    {
        verify_result& r = p.r;
        if (!p.get(detail::field_body_hash, r.body_hash_)) return true;
        if (is_form_urlencoded(p.req.content_type)) {
            p.refuse(problem::parameter_rejected,
                     "oauth_body_hash is not allowed with a form body");
            return false;
        }
        if (p.req.body.size() > p.opts.limits.max_body_bytes) {
            refuse_over(p, "body", p.opts.limits.max_body_bytes);
            return false;
        }
        std::error_code bh;
        const std::string expected = body_hash(*r.method, p.req.body, bh);
        if (bh || !detail::constant_time_equal(expected, r.body_hash_)) {
            p.refuse(problem::signature_invalid, "oauth_body_hash does not match the body");
            return false;
        }
        return true;
    }

    /// The nonce (RFC 5849 §3.3), last: only a correctly signed request uses one up.
    bool consume_nonce(pass& p, std::error_code& ec) const
    {
        verify_result& r = p.r;
        const bool fresh =
            nonces_->insert(r.consumer_key, r.token, r.timestamp, r.nonce, p.now, ec);
        if (ec) return false; // fail closed: not verified
        if (!fresh) {
            p.refuse(problem::nonce_used);
            return false;
        }
        return true;
    }

    ConsumerLookup consumers_;
    TokenLookup tokens_;
    NonceStore* nonces_;
    Clock clock_;
};

} // namespace oauth1

#endif // OAUTH1_PROVIDER_HPP
