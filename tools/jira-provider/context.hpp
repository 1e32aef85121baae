// context.hpp - what jira-provider's endpoints share: the options, the provider's (skewable)
// clock, the registered consumers, the token store, the request verifier (oauth1::request_verifier with
// a memory nonce store, verifying requests as addressed to the provider's own origin), and the
// OAuth refusal JIRA answers: 401, `WWW-Authenticate: OAuth realm="...", oauth_problem="..."`
// and a form body `oauth_problem=...` (with oauth_signature_base_string for signature_invalid).
//
// OAuth 1.0, as JIRA accepts it (unless options::oauth10a_only): a temporary-credential request
// without oauth_callback, and the token-credential request of the token it gets without
// oauth_verifier. oauth1's verifier requires both (RFC 5849 §2.1, §2.3), and it reports their
// absence before it reads anything else, so each is verified again when that is all it missed:
// the request-token call as a consumer-signed request (token_requirement::optional, with no token
// sent), the exchange as a request signed with a token that a second verifier's lookup offers
// only for request tokens issued without a callback (authenticate_temporary(),
// authenticate_exchange()). Both verifiers share the nonce store.
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_CONTEXT_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_CONTEXT_HPP

#include "consumers.hpp"
#include "token_store.hpp"

#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>

#include <httplib.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace jira_provider {

/// How the provider behaves. Defaults are JIRA's.
struct options {
    /// Lifetime of request tokens, seconds (JIRA: 10 minutes).
    std::uint64_t request_token_lifetime = 600;
    /// Lifetime of access tokens, seconds (JIRA: 5 years; it answers oauth_expires_in=157680000).
    std::uint64_t access_token_lifetime = 157680000;
    /// Accepted distance between oauth_timestamp and the provider's clock (RFC 5849 3.3), seconds.
    std::uint64_t timestamp_window = 300;
    /// Seconds added to the provider's clock (negative: behind), for clock-skew tests.
    std::int64_t clock_offset = 0;
    /// The GET of the authorize page approves at once (for scripts: no browser needed).
    bool auto_approve = false;
    /// realm of WWW-Authenticate; empty: the base URL, as JIRA does.
    std::string realm;
    /// Largest request body accepted, bytes (larger ones are refused with 413 before they are
    /// read); also the verifier's limit for the bodies it parses or hashes.
    std::size_t max_body_bytes = 1024 * 1024;
    /// Wrong oauth_verifier values tried on one request token before it is rejected for good
    /// (token_rejected, even with the right verifier afterwards). 0 counts as 1.
    unsigned max_verifier_attempts = 5;
    /// Refuse the OAuth 1.0 flow (a request token asked for without oauth_callback, exchanged
    /// without oauth_verifier), which JIRA accepts: parameter_absent, as RFC 5849 §2.1 has it.
    /// See the README's "OAuth 1.0" section for the session fixation attack the 1.0a verifier
    /// prevents.
    bool oauth10a_only = false;
    /// Receives one line per request (method, path, status, problem) when set. Never secrets,
    /// signatures, token values or Authorization headers.
    std::function<void(const std::string&)> log;
};

namespace detail {

/// The problem of the request being answered on this thread, for the log line.
inline std::string& current_problem()
{
    thread_local std::string problem;
    return problem;
}

} // namespace detail

/// The provider's shared state. Not copyable or movable: the verifier refers to it.
class context {
public:
    context(std::vector<consumer> consumers, options opts)
        : opts_(std::move(opts)), clock_offset_(opts_.clock_offset),
          nonces_(opts_.timestamp_window),
          verifier_(consumer_lookup{this}, token_lookup{this}, nonces_, offset_clock{this}),
          oauth10_verifier_(consumer_lookup{this}, oauth10_exchange_lookup{this}, nonces_,
                            offset_clock{this})
    {
        for (consumer& c : consumers) {
            std::string key = c.key;
            consumers_.insert_or_assign(std::move(key), std::move(c));
        }
    }
    context(const context&) = delete;
    context& operator=(const context&) = delete;

    /// Records where the provider listens (once bound): its origin, base URL, realm and the
    /// Host header values that name it.
    void set_site(const std::string& host, int port)
    {
        port_ = port;
        const std::string port_text = std::to_string(port);
        const std::string authority =
            (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port_text;
        base_url_ = "http://" + authority;
        // Requests are verified as addressed to this origin, whatever their Host header says.
        origin_.emplace("http", authority);
        own_hosts_ = {authority, "localhost:" + port_text, "127.0.0.1:" + port_text,
                      "[::1]:" + port_text};
        realm_ = opts_.realm.empty() ? base_url_ : opts_.realm;
    }

    const options& opts() const noexcept { return opts_; }
    int port() const noexcept { return port_; }
    const std::string& base_url() const noexcept { return base_url_; }
    const std::string& realm() const noexcept { return realm_; }
    const std::vector<std::string>& own_hosts() const noexcept { return own_hosts_; }
    token_store& tokens() noexcept { return tokens_; }

    /// The provider's clock: seconds since the epoch plus the clock offset.
    std::uint64_t now() const noexcept
    {
        const std::uint64_t sys = oauth1::system_clock{}();
        const std::int64_t offset = clock_offset_.load();
        if (offset >= 0) return detail::add_saturated(sys, static_cast<std::uint64_t>(offset));
        // -(offset + 1) + 1 avoids negating INT64_MIN.
        const std::uint64_t back = static_cast<std::uint64_t>(-(offset + 1)) + 1;
        return sys > back ? sys - back : 0;
    }
    void set_clock_offset(std::int64_t seconds) noexcept { clock_offset_.store(seconds); }
    std::int64_t clock_offset() const noexcept { return clock_offset_.load(); }

    /// The application name of consumer `key` (the key itself when unknown).
    const std::string& consumer_name(const std::string& key) const
    {
        const auto it = consumers_.find(key);
        return it == consumers_.end() ? key : it->second.name;
    }

    /// Answers an OAuth problem as JIRA does (always 401).
    void refuse(::httplib::Response& res, oauth1::problem_report report) const
    {
        res.status = 401;
        res.set_header("WWW-Authenticate", oauth1::www_authenticate(report, realm_));
        const bool with_base = report.code == oauth1::problem::signature_invalid;
        res.set_content(oauth1::problem_body(report, with_base),
                        "application/x-www-form-urlencoded");
        detail::current_problem() = report.name;
    }

    void refuse(::httplib::Response& res, oauth1::problem p, std::string advice = {}) const
    {
        oauth1::problem_report r(p);
        r.advice = std::move(advice);
        refuse(res, std::move(r));
    }

    /// Verifies `req`; on failure answers it (401 with the problem, or 503 when the provider
    /// itself cannot decide) and returns nullopt.
    std::optional<oauth1::verify_result> authenticate(const ::httplib::Request& req,
                                                      ::httplib::Response& res,
                                                      oauth1::token_requirement token) const
    {
        std::error_code ec;
        oauth1::verify_result r = verify(verifier_, req, token, ec);
        return answer(std::move(r), ec, res);
    }

    /// The temporary-credential request (RFC 5849 §2.1), as authenticate(); without
    /// oauth_callback it is OAuth 1.0's (verify_result::callback empty), refused when
    /// options::oauth10a_only.
    std::optional<oauth1::verify_result> authenticate_temporary(const ::httplib::Request& req,
                                                                ::httplib::Response& res) const
    {
        std::error_code ec;
        oauth1::verify_result r = verify(verifier_, req, oauth1::token_requirement::none, ec);
        if (!ec && only_absent(r, "oauth_callback") && r.token.empty()) {
            if (opts_.oauth10a_only)
                r.problem->advice = "oauth_callback is required (OAuth 1.0a): this provider "
                                    "runs with --oauth10a-only";
            else
                r = verify(verifier_, req, oauth1::token_requirement::optional, ec);
        }
        return answer(std::move(r), ec, res);
    }

    /// The token-credential request (RFC 5849 §2.3), as authenticate(); for a request token
    /// issued without oauth_callback (OAuth 1.0) oauth_verifier may be absent (then
    /// verify_result::verifier is empty). A token issued with a callback still needs it.
    std::optional<oauth1::verify_result> authenticate_exchange(const ::httplib::Request& req,
                                                               ::httplib::Response& res) const
    {
        std::error_code ec;
        oauth1::verify_result r = verify(verifier_, req, oauth1::token_requirement::request, ec);
        if (!ec && !opts_.oauth10a_only && only_absent(r, "oauth_verifier") &&
            tokens_.issued_without_callback(r.token))
            r = verify(oauth10_verifier_, req, oauth1::token_requirement::access, ec);
        return answer(std::move(r), ec, res);
    }

private:
    /// Verifies `req` with `v` (the verifier or the OAuth 1.0 exchange's).
    template <class Verifier>
    oauth1::verify_result verify(const Verifier& v, const ::httplib::Request& req,
                                 oauth1::token_requirement token, std::error_code& ec) const
    {
        oauth1::verify_options vo;
        vo.token = token;
        vo.timestamp_window = opts_.timestamp_window;
        vo.keep_base_string = true;
        // JIRA's requests are small: an Authorization header of a few hundred bytes, a handful
        // of parameters (cpp-httplib 0.11 already caps the request line and each header line at
        // 8 KiB, and refuses form bodies over 8 KiB).
        vo.limits.max_header_bytes = 8 * 1024;
        vo.limits.max_url_bytes = 8 * 1024;
        vo.limits.max_parameters = 100;
        vo.limits.max_body_bytes = opts_.max_body_bytes;
        vo.limits.max_nonce_bytes = 64;
        return oauth1::httplib::verify(v, req, *origin_, vo, ec);
    }

    /// Whether `r` was refused for the absence of `name` and nothing else (so far).
    static bool only_absent(const oauth1::verify_result& r, std::string_view name)
    {
        return r.problem && r.problem->code == oauth1::problem::parameter_absent &&
               r.problem->parameters_absent.size() == 1 && r.problem->parameters_absent[0] == name;
    }

    /// The result of verify(): the verified request, or nullopt with `res` answered (401 with
    /// the problem, or 503 when the provider itself could not decide).
    std::optional<oauth1::verify_result> answer(oauth1::verify_result r, const std::error_code& ec,
                                                ::httplib::Response& res) const
    {
        if (ec) {
            res.status = 503;
            res.set_content("The provider cannot verify requests now: " + ec.message() + "\n",
                            "text/plain");
            detail::current_problem() = "provider error";
            return std::nullopt;
        }
        if (!r) {
            oauth1::problem_report report =
                r.problem ? *r.problem : oauth1::problem_report(oauth1::problem::signature_invalid);
            if (report.code == oauth1::problem::signature_invalid &&
                report.signature_base_string.empty())
                report.signature_base_string = r.base_string;
            refuse(res, std::move(report));
            return std::nullopt;
        }
        return r;
    }

    // ---- the verifiers' callables ----
    struct consumer_lookup {
        const context* self;
        const oauth1::consumer_credentials* operator()(std::string_view key) const
        {
            const auto it = self->consumers_.find(key);
            return it == self->consumers_.end() ? nullptr : &it->second.credentials;
        }
    };
    struct token_lookup {
        const context* self;
        std::optional<oauth1::token_credentials> operator()(std::string_view consumer_key,
                                                            std::string_view token) const
        {
            (void)consumer_key; // the verifier refuses a token issued to another consumer
            return self->tokens_.credentials(token, self->now());
        }
    };
    /// The OAuth 1.0 exchange's lookup: only request tokens issued without oauth_callback,
    /// presented as the kind token_requirement::access expects (the `request` requirement
    /// insists on oauth_verifier). The verifier then checks, as for any token, that it was
    /// issued to this consumer and is still valid, and the signature with its secret; the
    /// exchange (token_store::exchange) checks the user's decision.
    struct oauth10_exchange_lookup {
        const context* self;
        std::optional<oauth1::token_credentials> operator()(std::string_view consumer_key,
                                                            std::string_view token) const
        {
            (void)consumer_key;
            if (!self->tokens_.issued_without_callback(token)) return std::nullopt;
            std::optional<oauth1::token_credentials> c =
                self->tokens_.credentials(token, self->now());
            if (c) c->kind = oauth1::token_kind::access;
            return c;
        }
    };
    struct offset_clock {
        const context* self;
        std::uint64_t operator()() const noexcept { return self->now(); }
    };
    using verifier_type = oauth1::request_verifier<consumer_lookup, token_lookup,
                                                   oauth1::memory_nonce_store, offset_clock>;
    using oauth10_verifier_type =
        oauth1::request_verifier<consumer_lookup, oauth10_exchange_lookup,
                                 oauth1::memory_nonce_store, offset_clock>;

    options opts_;
    std::atomic<std::int64_t> clock_offset_;
    std::map<std::string, consumer, std::less<>> consumers_;
    oauth1::memory_nonce_store nonces_;
    token_store tokens_;
    verifier_type verifier_;
    oauth10_verifier_type oauth10_verifier_;
    std::string base_url_;
    std::optional<oauth1::httplib::public_origin> origin_;
    std::vector<std::string> own_hosts_;
    std::string realm_;
    int port_ = 0;
};

} // namespace jira_provider

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_CONTEXT_HPP
