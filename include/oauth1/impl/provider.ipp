// oauth1/impl/provider.ipp - private to oauth1: the definitions of oauth1/provider.hpp's
// request_verifier steps (RFC 5849 §3.2), in the order verify() runs them, and the state one
// verification hands from step to step. Included at the end of oauth1/provider.hpp in both modes:
// inline members of a class template, as they were in the class.
#ifndef OAUTH1_IMPL_PROVIDER_IPP
#define OAUTH1_IMPL_PROVIDER_IPP

#include <oauth1/provider.hpp>

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/detail/auth_param.hpp>
#include <oauth1/detail/verify.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

// One verification's state, handed from step to step.
template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
struct request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::pass {
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline void request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::refuse_over(
    const pass& p, const char* what, std::size_t limit)
{
    std::string advice(what);
    advice += " larger than ";
    advice += std::to_string(limit);
    advice += " bytes";
    p.refuse(problem::parameter_rejected, advice);
}

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_store_window(
    const verify_options& opts, std::error_code& ec) const
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_bounds(pass& p)
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::collect_parameters(pass& p)
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::collect_protocol_parameters(
    pass& p)
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_required_parameters(pass& p)
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
    if (!has_key || !has_method || !has_sig || !has_ts || !has_nonce || no_callback || no_token ||
        no_verifier) {
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_consumer(pass& p) const
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_timestamp(pass& p) const
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_token(pass& p) const
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline const any_signer*
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::cached_signer(pass& p,
                                                                                std::error_code& ec)
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
    r.signer_ = any_signer::make(m, cc.secret, p.token_secret, cc.rsa_key, p.opts.key_policy, ec);
    if (!r.signer_) return nullptr;
    r.signer_method_ = m;
    if (is_rsa(m))
        r.signer_key_ = cc.rsa_key.native_handle();
    else
        r.signer_secrets_.assign(cc.secret, p.token_secret);
    return &*r.signer_;
}

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_signature(
    pass& p, std::error_code& ec)
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool
request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::check_body_hash(pass& p)
{
    verify_result& r = p.r;
    if (!p.get(detail::field_body_hash, r.body_hash_)) return true;
    if (is_form_urlencoded(p.req.content_type)) {
        p.refuse(problem::parameter_rejected, "oauth_body_hash is not allowed with a form body");
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

template <class ConsumerLookup, class TokenLookup, class NonceStore, class Clock>
inline bool request_verifier<ConsumerLookup, TokenLookup, NonceStore, Clock>::consume_nonce(
    pass& p, std::error_code& ec) const
{
    verify_result& r = p.r;
    const bool fresh = nonces_->insert(r.consumer_key, r.token, r.timestamp, r.nonce, p.now, ec);
    if (ec) return false; // fail closed: not verified
    if (!fresh) {
        p.refuse(problem::nonce_used);
        return false;
    }
    return true;
}

} // namespace oauth1

#endif // OAUTH1_IMPL_PROVIDER_IPP
