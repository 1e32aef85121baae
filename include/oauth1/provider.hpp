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
    bool verified_ = false;
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
        ec.clear();
        verify_result r;
        // A store that forgets an entry while the verifier still accepts its timestamp would let
        // a replay through: refuse to verify with one (fail closed, errc::invalid_argument).
        if constexpr (detail::has_window<NonceStore>::value) {
            if (nonces_->window() < opts.timestamp_window) {
                ec = make_error_code(errc::invalid_argument);
                return r;
            }
        }
        const auto refuse = [&r](problem p, std::string advice = {}) -> verify_result& {
            r.problem = problem_report(p);
            r.problem->advice = std::move(advice);
            return r;
        };

        if (!is_valid_method(req.method))
            return refuse(problem::parameter_rejected, "invalid HTTP method");
        std::error_code local;
        const auto url = parse_request_url(req.url, local);
        if (local) return refuse(problem::parameter_rejected, "invalid request URL");

        // 1. Gather parameters from the three places (3.5) and find the protocol ones.
        parameter_list query;
        if (url.has_query()) {
            const auto q = url.encoded_query();
            query.add_form(std::string_view(q.data(), q.size()), local);
            if (local) return refuse(problem::parameter_rejected, "malformed query string");
        }
        parameter_list form;
        if (is_form_urlencoded(req.content_type)) {
            form.add_form(req.body, local);
            if (local) return refuse(problem::parameter_rejected, "malformed form body");
        }
        parsed_authorization header;
        bool has_header = false;
        if (!req.authorization.empty()) {
            std::string_view v = req.authorization;
            while (!v.empty() && detail::is_ows(v.front())) v.remove_prefix(1);
            if (v.size() >= 5 && detail::ascii_iequals(v.substr(0, 5), "oauth") &&
                (v.size() == 5 || detail::is_ows(v[5]))) {
                header = parse_authorization_header(v, local);
                if (local) {
                    auto& res =
                        refuse(problem::parameter_rejected, "malformed Authorization header");
                    return std::move(res);
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
        if (sources > 1)
            return refuse(problem::parameter_rejected,
                          "protocol parameters must be sent in exactly one place");
        // No protocol parameters at all: carry on with an empty source, so that parameter_absent
        // below names exactly what this endpoint requires (oauth_token, oauth_callback, ...).
        const parameter_list no_parameters;
        if (sources == 0) source = &no_parameters;
        // Duplicated protocol parameters are ambiguous: refuse them.
        for (const parameter_view p : *source) {
            if (detail::starts_with_oauth(p.name) && source->count(p.name) > 1) {
                auto& res = refuse(problem::parameter_rejected, "protocol parameter repeated");
                res.problem->parameters_rejected.emplace_back(p.name);
                return std::move(res);
            }
        }
        const auto get = [source](std::string_view name, std::string& out) {
            std::string_view enc;
            if (!source->find(name, enc)) return false;
            std::error_code dec;
            out = percent_decode(enc, dec);
            return !dec;
        };

        // 2. Version and required parameters (3.1).
        std::string version;
        if (get("oauth_version", version) && version != "1.0") {
            auto& res = refuse(problem::version_rejected);
            res.problem->acceptable_versions = "1.0-1.0";
            return std::move(res);
        }
        std::string method_name;
        std::string signature;
        std::string timestamp;
        const bool has_key = get("oauth_consumer_key", r.consumer_key);
        const bool has_method = get("oauth_signature_method", method_name);
        const bool has_sig = get("oauth_signature", signature);
        const bool has_ts = get("oauth_timestamp", timestamp);
        const bool has_nonce = get("oauth_nonce", r.nonce);
        get("oauth_token", r.token);
        get("oauth_callback", r.callback);
        get("oauth_verifier", r.verifier);
        const bool plaintext_method = method_name == "PLAINTEXT";
        std::vector<std::string> absent;
        if (!has_key) absent.emplace_back("oauth_consumer_key");
        if (!has_method) absent.emplace_back("oauth_signature_method");
        if (!has_sig) absent.emplace_back("oauth_signature");
        // 3.1: timestamp and nonce MAY be omitted with PLAINTEXT.
        if (!has_ts && !plaintext_method) absent.emplace_back("oauth_timestamp");
        if (!has_nonce && !plaintext_method) absent.emplace_back("oauth_nonce");
        if (opts.token == token_requirement::none && r.callback.empty())
            absent.emplace_back("oauth_callback");
        if ((opts.token == token_requirement::request || opts.token == token_requirement::access) &&
            r.token.empty())
            absent.emplace_back("oauth_token");
        if (opts.token == token_requirement::request && r.verifier.empty())
            absent.emplace_back("oauth_verifier");
        if (!absent.empty()) {
            auto& res = refuse(problem::parameter_absent);
            res.problem->parameters_absent = std::move(absent);
            return std::move(res);
        }
        if (opts.token == token_requirement::none && !r.token.empty()) {
            auto& res = refuse(problem::parameter_rejected, "no token expected here");
            res.problem->parameters_rejected = {"oauth_token"};
            return std::move(res);
        }

        // 3. Method and consumer.
        r.method = parse_signature_method(method_name);
        if (!r.method)
            return refuse(problem::signature_method_rejected, "unknown signature method");
        const auto consumer = consumers_(std::string_view(r.consumer_key));
        if (!consumer) return refuse(problem::consumer_key_unknown);
        const consumer_credentials& cc = *consumer;
        if (!cc.methods.contains(*r.method))
            return refuse(problem::signature_method_rejected,
                          "signature method not allowed for this consumer");

        // 4. Timestamp window (3.3).
        const std::uint64_t now = clock_();
        if (has_ts) {
            if (!detail::parse_timestamp(timestamp, r.timestamp)) {
                auto& res =
                    refuse(problem::parameter_rejected, "oauth_timestamp must be a decimal number");
                res.problem->parameters_rejected = {"oauth_timestamp"};
                return std::move(res);
            }
            const std::uint64_t w = opts.timestamp_window;
            const std::uint64_t diff = r.timestamp > now ? r.timestamp - now : now - r.timestamp;
            if (diff > w) {
                auto& res = refuse(problem::timestamp_refused);
                res.problem->acceptable_timestamps = std::make_pair(now > w ? now - w : 0, now + w);
                return std::move(res);
            }
        }

        // 5. Token.
        std::string token_secret;
        if (!r.token.empty()) {
            const auto token = tokens_(std::string_view(r.consumer_key), std::string_view(r.token));
            if (!token) return refuse(problem::token_rejected);
            const token_credentials& tc = *token;
            const token_kind wanted =
                opts.token == token_requirement::request ? token_kind::request : token_kind::access;
            if (tc.kind != wanted) return refuse(problem::token_rejected, "wrong kind of token");
            switch (tc.state) {
            case token_state::valid: break;
            case token_state::used: return refuse(problem::token_used);
            case token_state::expired: return refuse(problem::token_expired);
            case token_state::revoked: return refuse(problem::token_revoked);
            }
            token_secret = tc.secret;
        }

        // 6. Signature (3.4) over the request as received.
        r.parameters.append(query);
        r.parameters.append(form);
        if (has_header) r.parameters.append(header.parameters);
        r.parameters.erase("oauth_signature");
        r.parameters.sort();
        std::string base_uri;
        base_string_uri_append(url, base_uri);
        std::string base;
        signature_base_string_append(req.method, base_uri, r.parameters, base);
        if (opts.keep_base_string) r.base_string = base;

        bool valid = false;
        std::error_code sig_ec;
        switch (*r.method) {
        case signature_method::hmac_sha1:
            valid = hmac_sha1(cc.secret, token_secret).verify(base, signature, sig_ec);
            break;
        case signature_method::hmac_sha256:
            valid = hmac_sha256(cc.secret, token_secret).verify(base, signature, sig_ec);
            break;
        case signature_method::hmac_sha512:
            valid = hmac_sha512(cc.secret, token_secret).verify(base, signature, sig_ec);
            break;
        case signature_method::plaintext:
            valid = plaintext(cc.secret, token_secret).verify(base, signature, sig_ec);
            break;
        case signature_method::rsa_sha1:
        case signature_method::rsa_sha256:
        case signature_method::rsa_sha512:
            if (!cc.rsa_key.is_rsa())
                return refuse(problem::signature_method_rejected,
                              "no RSA public key registered for this consumer");
            if (*r.method == signature_method::rsa_sha1)
                valid = rsa_sha1(cc.rsa_key).verify(base, signature, sig_ec);
            else if (*r.method == signature_method::rsa_sha256)
                valid = rsa_sha256(cc.rsa_key).verify(base, signature, sig_ec);
            else
                valid = rsa_sha512(cc.rsa_key).verify(base, signature, sig_ec);
            break;
        }
        if (sig_ec == errc::crypto_policy_refused)
            return refuse(problem::signature_method_rejected,
                          "the provider's crypto policy refuses this signature method");
        if (!valid) {
            auto& res = refuse(problem::signature_invalid);
            res.problem->signature_base_string = base;
            return std::move(res);
        }

        // 7. Body hash (oauth_body_hash extension): signed, so now check it against the body.
        std::string body_hash_value;
        if (get("oauth_body_hash", body_hash_value)) {
            if (is_form_urlencoded(req.content_type))
                return refuse(problem::parameter_rejected,
                              "oauth_body_hash is not allowed with a form body");
            std::error_code bh;
            const std::string expected = body_hash(*r.method, req.body, bh);
            if (bh || !detail::constant_time_equal(expected, body_hash_value))
                return refuse(problem::signature_invalid,
                              "oauth_body_hash does not match the body");
        }

        // 8. Nonce (3.3), last.
        if (has_nonce || has_ts) {
            const bool fresh =
                nonces_->insert(r.consumer_key, r.token, r.timestamp, r.nonce, now, ec);
            if (ec) return r; // fail closed: not verified
            if (!fresh) return refuse(problem::nonce_used);
        }
        r.verified_ = true;
        return r;
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
