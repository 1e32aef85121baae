// oauth1/provider.hpp - the server side: verifying signed requests (RFC 5849 3.2), with
// replay protection (3.3) and OAuth Problem Reporting results.
//
//   oauth1::memory_nonce_store nonces;
//   oauth1::verifier v(lookup_consumer, lookup_token, nonces);
//   auto r = v.verify({method, absolute_url, content_type, body, authorization_header_value});
//   if (!r) respond(401, oauth1::www_authenticate(*r.problem, "JIRA"),
//   oauth1::problem_body(*r.problem));
//
// Lookups belong to the caller, so the verifier fits any user database:
//   consumers(consumer_key)        -> something like std::optional<consumer_credentials> or a
//   pointer tokens(consumer_key, token)    -> something like std::optional<token_credentials> or a
//   pointer
// The nonce store is shared by reference (see nonce_store.hpp). The request is checked in this
// order, the first failure deciding the problem: protocol parameters from exactly one place
// (header, query or form body) and none duplicated; oauth_version absent or "1.0"; required
// parameters present; signature method known; consumer known; method allowed for the consumer;
// timestamp within the window; token known, of the expected kind and state; signature valid
// (HMAC and PLAINTEXT compared in constant time); oauth_body_hash matching the body; and last the
// nonce, so that requests with bad signatures cannot use up nonces.
#ifndef OAUTH1_PROVIDER_HPP
#define OAUTH1_PROVIDER_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

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
    static constexpr method_set all() noexcept
    {
        return {signature_method::hmac_sha1,   signature_method::hmac_sha256,
                signature_method::hmac_sha512, signature_method::rsa_sha1,
                signature_method::rsa_sha256,  signature_method::rsa_sha512,
                signature_method::plaintext};
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

/// What the provider knows of a consumer.
struct consumer_credentials {
    /// Shared secret for HMAC-SHA* and PLAINTEXT.
    std::string secret;
    /// Public key (or the key of the consumer's certificate) for RSA-SHA*.
    public_key rsa_key;
    /// Methods this consumer may use.
    method_set methods = method_set::all();
};

/// Temporary (request) or token (access) credentials (RFC 5849 2.1, 2.3).
enum class token_kind { request, access };

/// Where a token is in its life.
enum class token_state { valid, used, expired, revoked };

/// What the provider knows of a token.
struct token_credentials {
    std::string secret;
    token_kind kind = token_kind::access;
    token_state state = token_state::valid;
};

/// Which token the endpoint expects.
enum class token_requirement {
    none,     ///< temporary-credential request (2.1): no token, oauth_callback required
    request,  ///< token-credential request (2.3): a valid request token and oauth_verifier
    access,   ///< protected resource: a valid access token
    optional, ///< protected resource that also accepts consumer-only ("two-legged") requests
};

/// A received request. `url` is the absolute URL as the client addressed it (scheme and host
/// from the server's configuration or the Host header, path and query exactly as received).
struct incoming_request {
    std::string_view method;
    std::string_view url;
    std::string_view content_type{};
    std::string_view body{};
    /// The Authorization header value, empty when the request had none.
    std::string_view authorization{};
};

struct verify_options {
    /// Accepted distance between oauth_timestamp and the provider's clock, in seconds.
    std::uint64_t timestamp_window = 300;
    token_requirement token = token_requirement::access;
    /// Keep the computed base string in the result (debugging; it holds no secrets).
    bool keep_base_string = false;
};

/// The outcome of verify(): success, or the problem to report.
struct verify_result {
    /// Set when the request was refused.
    std::optional<problem_report> problem;
    /// Decoded protocol values (filled as far as verification got).
    std::string consumer_key;
    std::string token;
    std::string callback;
    std::string verifier;
    std::string nonce;
    std::uint64_t timestamp = 0;
    std::optional<signature_method> method;
    std::optional<std::string> realm;
    /// Every signed parameter (request and protocol), 3.6-encoded and sorted.
    parameter_list parameters;
    /// The base string the provider computed (when verify_options::keep_base_string).
    std::string base_string;

    bool ok() const noexcept { return verified_ && !problem; }
    explicit operator bool() const noexcept { return ok(); }

private:
    template <class, class, class, class>
    friend class verifier;

    /// Back to the empty state, keeping every buffer's memory for the next verification.
    void reset() noexcept
    {
        problem.reset();
        consumer_key.clear();
        token.clear();
        callback.clear();
        verifier.clear();
        nonce.clear();
        timestamp = 0;
        method.reset();
        realm.reset();
        parameters.clear();
        base_string.clear();
        verified_ = false;
    }

    bool verified_ = false;
    // Scratch space reused by verifier::verify(req, opts, result, ec): a verify_result kept
    // across requests (one per thread) makes verification allocation-free once warm.
    parameter_list query_;
    parameter_list form_;
    parsed_authorization header_;
    std::string base_uri_;
    std::string base_;
    std::string version_;
    std::string method_name_;
    std::string signature_;
    std::string timestamp_text_;
    std::string body_hash_;
    // The HMAC key schedule of the last (method, consumer secret, token secret), reused while
    // they repeat (requests of one client in a row).
    // Only the HMAC signers: the verification of an HMAC request then does not carry the RSA
    // verifier's code and stack frame (any_signer's visit would).
    std::variant<std::monostate, hmac_sha1, hmac_sha256, hmac_sha512> hmac_;
    signature_method hmac_method_ = signature_method::plaintext;
    std::string hmac_consumer_secret_;
    std::string hmac_token_secret_;
    // The RSA verifier (with its prepared OpenSSL contexts) of the last (method, public key),
    // reused while they repeat. The signer holds a reference to the key, so its address cannot
    // be reused by another key while it is cached.
    std::optional<any_signer> rsa_;
    signature_method rsa_method_ = signature_method::plaintext;
    const void* rsa_key_ = nullptr;
};

namespace detail {

inline bool parse_timestamp(std::string_view s, std::uint64_t& out) noexcept
{
    if (s.empty() || s.size() > 19) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

inline bool starts_with_oauth(std::string_view n) noexcept
{
    return n.substr(0, 6) == "oauth_";
}

/// Whether a nonce store tells how long it keeps entries (`window()`, seconds past the timestamp).
template <class T, class = void>
struct has_window : std::false_type {};
template <class T>
struct has_window<T, std::void_t<decltype(std::uint64_t{std::declval<const T&>().window()})>>
    : std::true_type {};

} // namespace detail

/// Verifies signed requests. ConsumerLookup and TokenLookup are callables (see top of header);
/// NonceStore models the nonce-store requirements; Clock returns seconds since the epoch.
template <class ConsumerLookup, class TokenLookup, class NonceStore = memory_nonce_store,
          class Clock = system_clock>
class verifier {
    static_assert(
        is_nonce_store_v<NonceStore>,
        "NonceStore must provide bool insert(string_view consumer_key, string_view token, "
        "uint64_t timestamp, string_view nonce, uint64_t now, std::error_code&)");

public:
    verifier(ConsumerLookup consumers, TokenLookup tokens, NonceStore& nonces, Clock clock = {})
        : consumers_(std::move(consumers)), tokens_(std::move(tokens)), nonces_(&nonces),
          clock_(std::move(clock))
    {}

    /// Verifies `req`. OAuth-level refusals are reported in the result's `problem`; `ec` is set
    /// only when the provider itself could not decide (e.g. the nonce store is unreachable, or it
    /// keeps entries for less than opts.timestamp_window: errc::invalid_argument) — the request is
    /// then refused too (result.ok() is false).
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
    void verify(const incoming_request& req, const verify_options& opts, verify_result& r,
                std::error_code& ec) const
    {
        ec.clear();
        r.reset();
        // A store that forgets an entry while the verifier still accepts its timestamp would let
        // a replay through: refuse to verify with one (fail closed, errc::invalid_argument).
        if constexpr (detail::has_window<NonceStore>::value) {
            if (nonces_->window() < opts.timestamp_window) {
                ec = make_error_code(errc::invalid_argument);
                return;
            }
        }
        const auto refuse = [&r](problem p, std::string_view advice = {}) -> problem_report& {
            r.problem.emplace(p);
            r.problem->advice.assign(advice);
            return *r.problem;
        };

        if (!is_valid_method(req.method)) {
            refuse(problem::parameter_rejected, "invalid HTTP method");
            return;
        }
        std::error_code local;
        detail::url_parts url;
        if (!detail::split_request_url(req.url, url, local)) {
            refuse(problem::parameter_rejected, "invalid request URL");
            return;
        }

        // 1. Gather parameters from the three places (3.5) and find the protocol ones.
        parameter_list& query = r.query_;
        query.clear();
        if (url.has_query) {
            query.add_form(url.query, local);
            if (local) {
                refuse(problem::parameter_rejected, "malformed query string");
                return;
            }
        }
        parameter_list& form = r.form_;
        form.clear();
        if (is_form_urlencoded(req.content_type)) {
            form.add_form(req.body, local);
            if (local) {
                refuse(problem::parameter_rejected, "malformed form body");
                return;
            }
        }
        parsed_authorization& header = r.header_;
        header.parameters.clear();
        header.realm.reset();
        bool has_header = false;
        if (!req.authorization.empty()) {
            std::string_view v = req.authorization;
            while (!v.empty() && detail::is_ows(v.front())) v.remove_prefix(1);
            if (v.size() >= 5 && detail::ascii_iequals(v.substr(0, 5), "oauth") &&
                (v.size() == 5 || detail::is_ows(v[5]))) {
                parse_authorization_header(v, header, local);
                if (local) {
                    refuse(problem::parameter_rejected, "malformed Authorization header");
                    return;
                }
                has_header = true;
                r.realm = header.realm;
            }
        }
        const auto carries_protocol = [](const parameter_list& l) {
            for (const parameter_view p : l)
                if (detail::starts_with_oauth(p.name)) return true;
            return false;
        };
        const parameter_list* source = nullptr;
        int sources = 0;
        if (has_header && carries_protocol(header.parameters)) {
            source = &header.parameters;
            ++sources;
        }
        if (carries_protocol(query)) {
            source = &query;
            ++sources;
        }
        if (carries_protocol(form)) {
            source = &form;
            ++sources;
        }
        if (sources > 1) {
            refuse(problem::parameter_rejected,
                   "protocol parameters must be sent in exactly one place");
            return;
        }
        // No protocol parameters at all: carry on with an empty source, so that parameter_absent
        // below names exactly what this endpoint requires (oauth_token, oauth_callback, ...).
        const parameter_list no_parameters;
        if (sources == 0) source = &no_parameters;
        // Duplicated protocol parameters are ambiguous: refuse them.
        const std::string_view repeated = source->first_repeated_name("oauth_");
        if (!repeated.empty()) {
            refuse(problem::parameter_rejected, "protocol parameter repeated")
                .parameters_rejected.emplace_back(repeated);
            return;
        }
        const auto get = [source](std::string_view name, std::string& out) {
            std::string_view enc;
            if (!source->find(name, enc)) return false;
            std::error_code dec;
            out.clear();
            percent_decode_append(enc, out, dec);
            return !dec;
        };

        // 2. Version and required parameters (3.1).
        if (get("oauth_version", r.version_) && r.version_ != "1.0") {
            refuse(problem::version_rejected).acceptable_versions = "1.0-1.0";
            return;
        }
        const bool has_key = get("oauth_consumer_key", r.consumer_key);
        const bool has_method = get("oauth_signature_method", r.method_name_);
        const bool has_sig = get("oauth_signature", r.signature_);
        const bool has_ts = get("oauth_timestamp", r.timestamp_text_);
        const bool has_nonce = get("oauth_nonce", r.nonce);
        get("oauth_token", r.token);
        get("oauth_callback", r.callback);
        get("oauth_verifier", r.verifier);
        const bool plaintext_method = r.method_name_ == "PLAINTEXT";
        const bool no_callback = opts.token == token_requirement::none && r.callback.empty();
        const bool no_token =
            (opts.token == token_requirement::request || opts.token == token_requirement::access) &&
            r.token.empty();
        const bool no_verifier = opts.token == token_requirement::request && r.verifier.empty();
        // 3.1: timestamp and nonce MAY be omitted with PLAINTEXT.
        if (!has_key || !has_method || !has_sig || (!has_ts && !plaintext_method) ||
            (!has_nonce && !plaintext_method) || no_callback || no_token || no_verifier) {
            std::vector<std::string> absent;
            if (!has_key) absent.emplace_back("oauth_consumer_key");
            if (!has_method) absent.emplace_back("oauth_signature_method");
            if (!has_sig) absent.emplace_back("oauth_signature");
            if (!has_ts && !plaintext_method) absent.emplace_back("oauth_timestamp");
            if (!has_nonce && !plaintext_method) absent.emplace_back("oauth_nonce");
            if (no_callback) absent.emplace_back("oauth_callback");
            if (no_token) absent.emplace_back("oauth_token");
            if (no_verifier) absent.emplace_back("oauth_verifier");
            refuse(problem::parameter_absent).parameters_absent = std::move(absent);
            return;
        }
        if (opts.token == token_requirement::none && !r.token.empty()) {
            refuse(problem::parameter_rejected, "no token expected here").parameters_rejected = {
                "oauth_token"};
            return;
        }

        // 3. Method and consumer.
        r.method = parse_signature_method(r.method_name_);
        if (!r.method) {
            refuse(problem::signature_method_rejected, "unknown signature method");
            return;
        }
        const auto consumer = consumers_(std::string_view(r.consumer_key));
        if (!consumer) {
            refuse(problem::consumer_key_unknown);
            return;
        }
        const consumer_credentials& cc = *consumer;
        if (!cc.methods.contains(*r.method)) {
            refuse(problem::signature_method_rejected,
                   "signature method not allowed for this consumer");
            return;
        }

        // 4. Timestamp window (3.3).
        const std::uint64_t now = clock_();
        if (has_ts) {
            if (!detail::parse_timestamp(r.timestamp_text_, r.timestamp)) {
                refuse(problem::parameter_rejected, "oauth_timestamp must be a decimal number")
                    .parameters_rejected = {"oauth_timestamp"};
                return;
            }
            const std::uint64_t w = opts.timestamp_window;
            const std::uint64_t diff = r.timestamp > now ? r.timestamp - now : now - r.timestamp;
            if (diff > w) {
                refuse(problem::timestamp_refused).acceptable_timestamps =
                    std::make_pair(now > w ? now - w : 0, now + w);
                return;
            }
        }

        // 5. Token.
        std::string_view token_secret;
        // Keeps whatever the token lookup returned (a pointer, an optional, ...) alive.
        std::optional<decltype(tokens_(std::string_view{}, std::string_view{}))> token_record;
        if (!r.token.empty()) {
            token_record.emplace(
                tokens_(std::string_view(r.consumer_key), std::string_view(r.token)));
            if (!*token_record) {
                refuse(problem::token_rejected);
                return;
            }
            const token_credentials& tc = **token_record;
            const token_kind wanted =
                opts.token == token_requirement::request ? token_kind::request : token_kind::access;
            if (tc.kind != wanted) {
                refuse(problem::token_rejected, "wrong kind of token");
                return;
            }
            switch (tc.state) {
            case token_state::valid: break;
            case token_state::used: refuse(problem::token_used); return;
            case token_state::expired: refuse(problem::token_expired); return;
            case token_state::revoked: refuse(problem::token_revoked); return;
            }
            token_secret = tc.secret;
        }

        // 6. Signature (3.4) over the request as received.
        r.parameters.append(query);
        r.parameters.append(form);
        if (has_header) r.parameters.append(header.parameters);
        r.parameters.erase("oauth_signature");
        r.parameters.sort();
        r.base_uri_.clear();
        detail::base_string_uri_append(url, r.base_uri_);
        std::string& base = r.base_;
        base.clear();
        signature_base_string_append(req.method, r.base_uri_, r.parameters, base);
        if (opts.keep_base_string) r.base_string = base;

        bool valid = false;
        std::error_code sig_ec;
        const signature_method m = *r.method;
        switch (m) {
        case signature_method::hmac_sha1:
        case signature_method::hmac_sha256:
        case signature_method::hmac_sha512:
            if (r.hmac_.index() == 0 || r.hmac_method_ != m ||
                r.hmac_consumer_secret_ != cc.secret || r.hmac_token_secret_ != token_secret) {
                r.hmac_ = std::monostate{};
                if (m == signature_method::hmac_sha1)
                    r.hmac_.emplace<hmac_sha1>(cc.secret, token_secret);
                else if (m == signature_method::hmac_sha256)
                    r.hmac_.emplace<hmac_sha256>(cc.secret, token_secret);
                else
                    r.hmac_.emplace<hmac_sha512>(cc.secret, token_secret);
                r.hmac_method_ = m;
                r.hmac_consumer_secret_.assign(cc.secret);
                r.hmac_token_secret_.assign(token_secret);
            }
            valid = std::visit(
                [&](const auto& signer) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(signer)>, std::monostate>) {
                        return false; // not reached: set just above
                    } else {
                        return signer.verify(base, r.signature_, sig_ec);
                    }
                },
                r.hmac_);
            break;
        case signature_method::plaintext:
            valid = plaintext(cc.secret, token_secret).verify(base, r.signature_, sig_ec);
            break;
        case signature_method::rsa_sha1:
        case signature_method::rsa_sha256:
        case signature_method::rsa_sha512:
            if (!cc.rsa_key.is_rsa()) {
                refuse(problem::signature_method_rejected,
                       "no RSA public key registered for this consumer");
                return;
            }
            if (!r.rsa_ || r.rsa_method_ != m || r.rsa_key_ != cc.rsa_key.native_handle()) {
                r.rsa_.reset();
                if (m == signature_method::rsa_sha1)
                    r.rsa_.emplace(rsa_sha1(cc.rsa_key));
                else if (m == signature_method::rsa_sha256)
                    r.rsa_.emplace(rsa_sha256(cc.rsa_key));
                else
                    r.rsa_.emplace(rsa_sha512(cc.rsa_key));
                r.rsa_method_ = m;
                r.rsa_key_ = cc.rsa_key.native_handle();
            }
            valid = r.rsa_->verify(base, r.signature_, sig_ec);
            break;
        }
        if (sig_ec == errc::crypto_policy_refused) {
            refuse(problem::signature_method_rejected,
                   "the provider's crypto policy refuses this signature method");
            return;
        }
        if (!valid) {
            refuse(problem::signature_invalid).signature_base_string = base;
            return;
        }

        // 7. Body hash (oauth_body_hash extension): signed, so now check it against the body.
        if (get("oauth_body_hash", r.body_hash_)) {
            if (is_form_urlencoded(req.content_type)) {
                refuse(problem::parameter_rejected,
                       "oauth_body_hash is not allowed with a form body");
                return;
            }
            std::error_code bh;
            const std::string expected = body_hash(m, req.body, bh);
            if (bh || !detail::constant_time_equal(expected, r.body_hash_)) {
                refuse(problem::signature_invalid, "oauth_body_hash does not match the body");
                return;
            }
        }

        // 8. Nonce (3.3), last.
        if (has_nonce || has_ts) {
            const bool fresh =
                nonces_->insert(r.consumer_key, r.token, r.timestamp, r.nonce, now, ec);
            if (ec) return; // fail closed: not verified
            if (!fresh) {
                refuse(problem::nonce_used);
                return;
            }
        }
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
    ConsumerLookup consumers_;
    TokenLookup tokens_;
    NonceStore* nonces_;
    Clock clock_;
};

} // namespace oauth1

#endif // OAUTH1_PROVIDER_HPP
