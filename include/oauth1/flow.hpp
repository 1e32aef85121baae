// oauth1/flow.hpp - the three-legged flow, client side (RFC 5849 §2): temporary credentials
// (2.1), resource owner authorization (2.2), token credentials (2.3), then signed requests with
// the token credentials (3). Transport-independent: each step takes a transport (see
// transport.hpp; the adapters in oauth1/adapters/ provide ready ones).
//
//   oauth1::client c("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key(pkcs8_line)));
//   oauth1::curl::transport http;
//   const auto ep = oauth1::jira_endpoints("https://jira.example.com");
//   auto temp = oauth1::request_temporary_credentials(http, c, ep.request_token);   // oob
//   std::cout << "go to " << oauth1::authorization_url(ep.authorize, temp.token) << '\n';
//   auto access = oauth1::request_token_credentials(http, c, ep.access_token, temp, verifier);
//   // c now signs with the access token:
//   auto issue = oauth1::send_signed(http, c, {"GET", jira + "/rest/api/2/issue/JJ-2"});
//
// A failed step throws oauth1::flow_error (or, with the error_code overloads, fills a
// step_failure): the step, the HTTP status, the provider's problem report (oauth_problem,
// advice), advice a user can act on, and - when the provider echoes its signature base string,
// as JIRA does - how it differs from ours.
#ifndef OAUTH1_FLOW_HPP
#define OAUTH1_FLOW_HPP

#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace oauth1 {

/// The three endpoints of a provider (RFC 5849 §2), as absolute URLs.
struct service_endpoints {
    std::string request_token; ///< Temporary Credential Request URI (2.1)
    std::string authorize;     ///< Resource Owner Authorization URI (2.2)
    std::string access_token;  ///< Token Request URI (2.3)
};

/// JIRA's endpoints under its base URL ("https://jira.example.com" or ".../jira"): the
/// /plugins/servlet/oauth/{request-token,authorize,access-token} servlets. JIRA expects
/// RSA-SHA1 (jira_default_method), consumer key "OauthKey" in Atlassian's tutorial.
inline service_endpoints jira_endpoints(std::string_view base_url)
{
    while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
    const std::string b(base_url);
    return {b + "/plugins/servlet/oauth/request-token", b + "/plugins/servlet/oauth/authorize",
            b + "/plugins/servlet/oauth/access-token"};
}

/// The signature method JIRA application links use.
inline constexpr signature_method jira_default_method = signature_method::rsa_sha1;

/// Temporary credentials (2.1).
struct temporary_credentials {
    std::string token;
    std::string secret;
    bool callback_confirmed = false;
    /// Any further parameters of the answer (decoded), in order.
    std::vector<std::pair<std::string, std::string>> extra;
};

/// Token credentials (2.3), with the optional fields of the Session extension that JIRA sends.
struct access_credentials {
    std::string token;
    std::string secret;
    std::optional<std::uint64_t> expires_in;               ///< oauth_expires_in (seconds)
    std::optional<std::uint64_t> authorization_expires_in; ///< oauth_authorization_expires_in
    std::string session_handle;                            ///< oauth_session_handle
    std::vector<std::pair<std::string, std::string>> extra;
};

/// What the provider sent to the callback URI (2.2): oauth_token and oauth_verifier.
struct callback_parameters {
    std::string token;
    std::string verifier;
};

/// Everything known about a failed step, for messages a user can act on.
struct step_failure {
    /// "temporary credentials", "token credentials", "request", ...
    std::string step;
    /// The error (transport, HTTP status, OAuth problem, malformed answer, signing error).
    std::error_code error;
    /// HTTP status of the answer; 0 when none was received.
    int status = 0;
    /// The provider's problem report, when it sent one (oauth_problem in the body or in
    /// WWW-Authenticate).
    std::optional<problem_report> problem;
    /// Our signature base string for the failed request (no secrets in it).
    std::string base_string;
    /// When the provider echoed its base string: where it differs from ours (empty: same).
    std::string base_string_difference;
    /// The start of the answer's body (at most 1000 bytes), for anything else. For a refused
    /// token answer the value of oauth_token_secret is replaced by "[redacted]".
    std::string body_excerpt;
    /// Why an answer that arrived was refused (e.g. "the answer repeats oauth_token"); names
    /// parameters, never their values. Empty otherwise.
    std::string detail;

    void clear() { *this = step_failure{}; }

    /// A paragraph: what failed, why, and what to do.
    std::string describe() const;
};

/// Advice for the user of a client, per problem (what to change to make it work).
inline std::string_view client_advice(problem p) noexcept
{
    switch (p) {
    case problem::signature_invalid:
        return "the provider could not verify the signature: check that the consumer key and "
               "the public key registered with the provider (JIRA: the application link) "
               "belong to your private key or secret, and that the URL you use is the one the "
               "provider sees";
    case problem::timestamp_refused:
        return "your clock and the provider's differ too much: synchronise the clock (NTP)";
    case problem::nonce_used: return "the request was a replay: sign every request anew";
    case problem::consumer_key_unknown:
        return "the provider does not know this consumer key: register it (JIRA: Application "
               "Links, incoming authentication)";
    case problem::consumer_key_rejected:
    case problem::consumer_key_refused:
        return "the provider refuses this consumer key: ask its administrator";
    case problem::signature_method_rejected:
        return "the provider does not accept this signature method (JIRA accepts RSA-SHA1; "
               "some servers also RSA-SHA256 or HMAC-SHA1): choose another";
    case problem::token_expired:
        return "the token expired (JIRA request tokens live 10 minutes): start the dance again";
    case problem::token_used:
        return "the request token was already exchanged: start the dance again";
    case problem::token_revoked:
        return "the access token was revoked: run the dance again to get a new one";
    case problem::token_rejected:
        return "the token is unknown, or the verification code is wrong: check the code, or "
               "start the dance again";
    case problem::permission_unknown:
        return "the request token has not been authorized yet: open the authorization URL and "
               "allow access first";
    case problem::permission_denied:
    case problem::user_refused: return "access was denied by the user";
    case problem::additional_authorization_required:
        return "the token does not grant access to this resource";
    case problem::version_rejected: return "the provider refuses oauth_version 1.0";
    case problem::parameter_absent:
    case problem::parameter_rejected:
        return "the provider refused the request's parameters (see the names it lists)";
    }
    return {};
}

inline std::string step_failure::describe() const
{
    std::string s = step.empty() ? std::string("request") : step;
    s += " failed: ";
    if (problem) {
        s += "the provider answered ";
        if (status) s += "HTTP " + std::to_string(status) + " with ";
        s += "oauth_problem=" + problem->name;
        if (!problem->advice.empty()) s += " (\"" + problem->advice + "\")";
        if (!problem->parameters_absent.empty() || !problem->parameters_rejected.empty() ||
            problem->acceptable_timestamps) {
            const std::string summary = problem->summary();
            const std::size_t semi = summary.find("; ");
            if (semi != std::string::npos) s += " [" + summary.substr(semi + 2) + "]";
        }
        if (problem->code) {
            const std::string_view a = client_advice(*problem->code);
            if (!a.empty()) {
                s += ". ";
                s += static_cast<char>(a[0] >= 'a' && a[0] <= 'z' ? a[0] - 'a' + 'A' : a[0]);
                s += a.substr(1);
            }
        }
    } else if (status && error && error != make_error_code(errc::http_status)) {
        // An answer arrived (2xx) but is not what the step needs.
        s += error.message();
        if (!detail.empty()) s += ": " + detail;
        s += " (HTTP " + std::to_string(status) + ")";
        if (!body_excerpt.empty()) {
            std::string line = body_excerpt.substr(0, 200);
            for (char& c : line)
                if (c == '\r' || c == '\n' || c == '\t') c = ' ';
            s += "; the answer begins: " + line;
        }
    } else if (status) {
        s += "the provider answered HTTP " + std::to_string(status);
        if (!body_excerpt.empty()) {
            std::string line = body_excerpt.substr(0, 200);
            for (char& c : line)
                if (c == '\r' || c == '\n' || c == '\t') c = ' ';
            s += ": " + line;
        }
    } else {
        s += error ? error.message() : std::string("unknown error");
    }
    if (problem && error && error != make_error_code(errc::oauth_problem)) {
        s += " (" + error.message() + ")";
    }
    if (!base_string_difference.empty()) {
        s += "\nthe provider's signature base string differs from ours:\n";
        s += base_string_difference;
        if (!s.empty() && s.back() == '\n') s.pop_back();
    } else if (problem && problem->code == oauth1::problem::signature_invalid &&
               !problem->signature_base_string.empty() && !base_string.empty()) {
        // The provider verified the very text we signed: only the key can be wrong.
        s += "\nthe provider's signature base string is the same as ours, so the key is what "
             "differs: the provider's public key or secret for this consumer does not match the "
             "one signing";
    }
    return s;
}

/// The exception thrown by the flow's throwing overloads: an oauth1::error whose what() is
/// step_failure::describe(), with the failure attached.
class flow_error : public error {
public:
    explicit flow_error(step_failure f)
        : error(f.error), failure_(std::move(f)), what_(failure_.describe())
    {}
    const step_failure& failure() const noexcept { return failure_; }
    /// step_failure::describe().
    const char* what() const noexcept override { return what_.c_str(); }

private:
    step_failure failure_;
    std::string what_;
};

namespace detail {

/// Calls a transport: either form `r(req, ec)` or (throwing) `r(req)`.
template <class Transport>
http_response call_transport(Transport& t, const http_request& req, std::error_code& ec)
{
    if constexpr (is_transport_v<Transport>) {
        return t(req, ec);
    } else {
        static_assert(std::is_invocable_r_v<http_response, Transport&, const http_request&>,
                      "a transport must be callable as http_response(const http_request&, "
                      "std::error_code&) or http_response(const http_request&)");
        ec.clear();
        return t(req);
    }
}

/// Splits a form-encoded body into decoded pairs; false on a malformed escape.
inline bool parse_form_pairs(std::string_view body,
                             std::vector<std::pair<std::string, std::string>>& out)
{
    out.clear();
    std::size_t pos = 0;
    // Tolerate a trailing newline some servers add.
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    while (pos < body.size()) {
        std::size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) amp = body.size();
        const std::string_view pair = body.substr(pos, amp - pos);
        pos = amp + 1;
        if (pair.empty()) continue;
        const std::size_t eq = pair.find('=');
        std::error_code dec;
        std::string n = form_decode(pair.substr(0, eq), dec);
        if (dec) return false;
        std::string v;
        if (eq != std::string_view::npos) {
            v = form_decode(pair.substr(eq + 1), dec);
            if (dec) return false;
        }
        out.emplace_back(std::move(n), std::move(v));
    }
    return true;
}

inline std::optional<std::uint64_t> parse_seconds(std::string_view s) noexcept
{
    std::uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

/// Fills `f` from a non-2xx answer (or a 2xx answer that carries oauth_problem), whose problem
/// report (parse_problem_response) is `problem`.
inline void describe_answer(const http_response& res, std::string_view our_base,
                            std::optional<problem_report> problem, step_failure& f)
{
    f.status = res.status;
    f.body_excerpt = res.body.substr(0, 1000);
    f.problem = std::move(problem);
    if (f.problem && !f.problem->signature_base_string.empty()) {
        f.base_string_difference =
            explain_base_string_difference(our_base, f.problem->signature_base_string);
    }
    f.error = make_error_code(f.problem ? errc::oauth_problem : errc::http_status);
}

/// Signs `req` with `c` (Authorization header), sends it, and classifies the answer. Returns the
/// answer; `ec` is set for signing and transport errors, an OAuth problem, or a non-2xx status.
template <class Transport, class Signer, class Clock, class Nonce>
http_response signed_exchange(Transport& t, const basic_client<Signer, Clock, Nonce>& c,
                              http_request& req, const sign_options& opts, step_failure& f,
                              std::error_code& ec)
{
    signed_request s;
    oauth1::sign(req, c, opts, s, ec);
    if (ec) {
        f.error = ec;
        return {};
    }
    f.base_string.assign(s.base_string());
    http_response res = call_transport(t, req, ec);
    if (ec) {
        f.error = ec;
        return res;
    }
    std::optional<problem_report> problem =
        parse_problem_response(res.body, res.header("WWW-Authenticate"));
    if (!res.ok() || problem) {
        describe_answer(res, f.base_string, std::move(problem), f);
        ec = f.error;
    }
    return res;
}

} // namespace detail

namespace detail {

/// A parameter name for a message: at most 64 bytes of it.
inline std::string name_for_message(std::string_view n)
{
    constexpr std::size_t max = 64;
    if (n.size() <= max) return std::string(n);
    return std::string(n.substr(0, max)) + "...";
}

/// Why a token answer is refused, or nothing.
struct answer_error {
    errc code{};
    std::string message; ///< names parameters, never values
    explicit operator bool() const noexcept { return code != errc{}; }
};

/// The first protocol parameter (name starting "oauth_") that `pairs` holds more than once, or
/// "": O(n log n), whatever the answer's size.
inline std::string_view
first_repeated_protocol_name(const std::vector<std::pair<std::string, std::string>>& pairs)
{
    std::vector<std::string_view> names;
    for (const auto& p : pairs)
        if (p.first.compare(0, 6, "oauth_") == 0) names.emplace_back(p.first);
    std::sort(names.begin(), names.end());
    const auto it = std::adjacent_find(names.begin(), names.end());
    return it == names.end() ? std::string_view{} : *it;
}

/// Splits a token answer (2.1, 2.3) into `token` and `secret`: oauth_token and
/// oauth_token_secret, the token not empty and neither holding CR, LF or NUL; no protocol
/// parameter (oauth_*) may appear twice - a repeated one is refused rather than read as its
/// first or last value, since the two would mean different things (oauth_callback_confirmed
/// false then true, two tokens). Every other pair goes to `other(name, value)`, which returns
/// an empty string to accept it or the reason to refuse the answer.
template <class Other>
answer_error parse_token_answer(std::string_view body, std::string& token, std::string& secret,
                                Other&& other)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!parse_form_pairs(body, pairs))
        return {errc::invalid_token_response,
                "the answer is not form-encoded (a malformed %-escape)"};
    const std::string_view repeated = first_repeated_protocol_name(pairs);
    if (!repeated.empty())
        return {errc::invalid_token_response, "the answer repeats " + name_for_message(repeated)};
    bool has_token = false;
    bool has_secret = false;
    for (auto& [n, v] : pairs) {
        if (n == "oauth_token") {
            token = std::move(v);
            has_token = true;
        } else if (n == "oauth_token_secret") {
            secret = std::move(v);
            has_secret = true;
        } else {
            std::string why = other(std::move(n), std::move(v));
            if (!why.empty()) return {errc::invalid_token_response, std::move(why)};
        }
    }
    if (!has_token) return {errc::invalid_token_response, "the answer has no oauth_token"};
    if (!has_secret) return {errc::invalid_token_response, "the answer has no oauth_token_secret"};
    if (token.empty()) return {errc::invalid_token_response, "oauth_token is empty"};
    if (has_header_breaking_char(token))
        return {errc::invalid_token_response, "oauth_token holds CR, LF or NUL"};
    if (has_header_breaking_char(secret))
        return {errc::invalid_token_response, "oauth_token_secret holds CR, LF or NUL"};
    return {};
}

/// Sets `ec` (and `message`) from `e`; true when there was an error.
inline bool report_answer_error(answer_error&& e, std::error_code& ec, std::string* message)
{
    if (!e) return false;
    ec = make_error_code(e.code);
    if (message) *message = std::move(e.message);
    return true;
}

/// The start of a refused answer's body for step_failure::body_excerpt: at most 1000 bytes,
/// the value of any oauth_token_secret pair replaced by "[redacted]" (a malformed answer may
/// still carry a real secret, and the excerpt ends up in messages and logs).
inline std::string redacted_excerpt(std::string_view body)
{
    const std::string_view head = body.substr(0, 1000);
    std::string out;
    out.reserve(head.size());
    std::size_t pos = 0;
    while (pos <= head.size()) {
        std::size_t amp = head.find('&', pos);
        if (amp == std::string_view::npos) amp = head.size();
        const std::string_view pair = head.substr(pos, amp - pos);
        const std::size_t eq = pair.find('=');
        std::error_code dec;
        const std::string name =
            eq == std::string_view::npos ? std::string() : form_decode(pair.substr(0, eq), dec);
        if (eq != std::string_view::npos && !dec && name == "oauth_token_secret") {
            out.append(pair.substr(0, eq + 1)).append("[redacted]");
        } else {
            out.append(pair);
        }
        if (amp < head.size()) out.push_back('&');
        pos = amp + 1;
    }
    return out;
}

} // namespace detail

/// Parses a Temporary Credentials answer (RFC 5849 §2.1): oauth_token, oauth_token_secret and
/// oauth_callback_confirmed=true, each exactly once. Errors: errc::invalid_token_response
/// (missing token or secret, an empty token, CR/LF/NUL in either, any oauth_* parameter
/// repeated - oauth_callback_confirmed included -, malformed encoding),
/// errc::callback_not_confirmed (oauth_callback_confirmed absent or not "true"). `message`,
/// when given, receives the reason, naming the parameter (never a value).
inline temporary_credentials parse_temporary_credentials(std::string_view body, std::error_code& ec,
                                                         std::string* message = nullptr)
{
    ec.clear();
    if (message) message->clear();
    temporary_credentials out;
    std::optional<std::string> confirmed;
    detail::answer_error e =
        detail::parse_token_answer(body, out.token, out.secret, [&](std::string n, std::string v) {
            if (n == "oauth_callback_confirmed")
                confirmed = std::move(v);
            else
                out.extra.emplace_back(std::move(n), std::move(v));
            return std::string();
        });
    if (!e && !(confirmed && *confirmed == "true")) {
        e = {errc::callback_not_confirmed, confirmed
                                               ? "oauth_callback_confirmed is not \"true\""
                                               : "the answer has no oauth_callback_confirmed"};
    }
    if (detail::report_answer_error(std::move(e), ec, message)) return {};
    out.callback_confirmed = true;
    return out;
}

/// Parses a Token Credentials answer (RFC 5849 §2.3): oauth_token and oauth_token_secret, and
/// the optional oauth_expires_in, oauth_authorization_expires_in (decimal seconds) and
/// oauth_session_handle, each at most once. Errors: errc::invalid_token_response (as for
/// parse_temporary_credentials, or an expiry that is not a number); `message`, when given,
/// receives the reason, naming the parameter (never a value).
inline access_credentials parse_token_credentials(std::string_view body, std::error_code& ec,
                                                  std::string* message = nullptr)
{
    ec.clear();
    if (message) message->clear();
    access_credentials out;
    detail::answer_error e = detail::parse_token_answer(
        body, out.token, out.secret, [&out](std::string n, std::string v) -> std::string {
            if (n == "oauth_expires_in") {
                out.expires_in = detail::parse_seconds(v);
                if (!out.expires_in) return "oauth_expires_in is not a number of seconds";
            } else if (n == "oauth_authorization_expires_in") {
                out.authorization_expires_in = detail::parse_seconds(v);
                if (!out.authorization_expires_in)
                    return "oauth_authorization_expires_in is not a number of seconds";
            } else if (n == "oauth_session_handle") {
                out.session_handle = std::move(v);
            } else {
                out.extra.emplace_back(std::move(n), std::move(v));
            }
            return {};
        });
    if (detail::report_answer_error(std::move(e), ec, message)) return {};
    return out;
}

/// The URL to send the user to (2.2): `authorize_endpoint` with oauth_token added to its
/// query (3.6-encoded), before any fragment. Errors: errc::invalid_url when the endpoint is
/// not an absolute http(s) URL.
inline std::string authorization_url(std::string_view authorize_endpoint, std::string_view token,
                                     std::error_code& ec)
{
    ec.clear();
    detail::url_parts parts;
    if (!detail::split_request_url(authorize_endpoint, parts, ec)) return {};
    std::string s;
    const std::string_view fragment = detail::begin_query_append(authorize_endpoint, s);
    s += "oauth_token=";
    percent_encode_append(token, s);
    s.append(fragment);
    return s;
}

/// As above; throws oauth1::error.
inline std::string authorization_url(std::string_view authorize_endpoint, std::string_view token)
{
    std::error_code ec;
    std::string s = authorization_url(authorize_endpoint, token, ec);
    detail::throw_if(ec, "building the authorization URL");
    return s;
}

/// Parses the redirect to the callback (2.2): a full URL or just its query, with oauth_token and
/// oauth_verifier. Errors: errc::missing_parameter (either absent),
/// errc::duplicate_protocol_parameter, errc::invalid_percent_encoding.
inline callback_parameters parse_callback(std::string_view url_or_query, std::error_code& ec)
{
    ec.clear();
    std::string_view q = url_or_query;
    const std::size_t hash = q.find('#');
    q = q.substr(0, hash);
    const std::size_t qm = q.find('?');
    if (qm != std::string_view::npos) {
        q = q.substr(qm + 1);
    } else if (q.find("://") != std::string_view::npos) {
        q = {};
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!detail::parse_form_pairs(q, pairs)) {
        ec = make_error_code(errc::invalid_percent_encoding);
        return {};
    }
    callback_parameters out;
    int tokens = 0;
    int verifiers = 0;
    for (auto& [n, v] : pairs) {
        if (n == "oauth_token") {
            out.token = std::move(v);
            ++tokens;
        } else if (n == "oauth_verifier") {
            out.verifier = std::move(v);
            ++verifiers;
        }
    }
    if (tokens > 1 || verifiers > 1) {
        ec = make_error_code(errc::duplicate_protocol_parameter);
        return {};
    }
    if (tokens == 0 || verifiers == 0 || out.token.empty() || out.verifier.empty()) {
        ec = make_error_code(errc::missing_parameter);
        return {};
    }
    return out;
}

/// As above; throws oauth1::error.
inline callback_parameters parse_callback(std::string_view url_or_query)
{
    std::error_code ec;
    callback_parameters p = parse_callback(url_or_query, ec);
    detail::throw_if(ec, "parsing the callback");
    return p;
}

/// Options of the token requests.
struct flow_options {
    /// oauth_callback of the temporary-credential request: "oob" (out of band: the user copies
    /// the verification code) or an absolute URL.
    std::string_view callback = "oob";
    /// realm for the Authorization header.
    std::optional<std::string_view> realm{};
    /// Further oauth_* parameters, and a form body for providers that want one (e.g. scope).
    std::vector<std::pair<std::string_view, std::string_view>> extra{};
    std::string_view form_body{};
};

/// Step 1 (2.1): a POST to `endpoint` signed with the consumer credentials alone (the client's
/// token is cleared) with oauth_callback. On failure `ec` is set (errc::transport_failed,
/// errc::oauth_problem, errc::http_status, errc::invalid_token_response,
/// errc::callback_not_confirmed, or a signing error such as errc::crypto_policy_refused) and
/// `failure` tells the details.
template <class Transport, class Signer, class Clock, class Nonce>
temporary_credentials
request_temporary_credentials(Transport& t, basic_client<Signer, Clock, Nonce>& c,
                              std::string_view endpoint, const flow_options& o,
                              step_failure& failure, std::error_code& ec)
{
    failure.clear();
    failure.step = "temporary credentials (request token)";
    c.clear_token();
    http_request req;
    req.method = "POST";
    req.url.assign(endpoint);
    if (!o.form_body.empty()) {
        req.content_type = "application/x-www-form-urlencoded";
        req.body.assign(o.form_body);
    }
    sign_options so;
    so.callback = o.callback.empty() ? std::string_view("oob") : o.callback;
    so.realm = o.realm;
    so.extra = o.extra;
    const http_response res = detail::signed_exchange(t, c, req, so, failure, ec);
    if (ec) return {};
    temporary_credentials tc = parse_temporary_credentials(res.body, ec, &failure.detail);
    if (ec) {
        failure.error = ec;
        failure.status = res.status;
        failure.body_excerpt = detail::redacted_excerpt(res.body);
    }
    return tc;
}

/// As above with default options; throws oauth1::flow_error.
template <class Transport, class Signer, class Clock, class Nonce>
temporary_credentials
request_temporary_credentials(Transport& t, basic_client<Signer, Clock, Nonce>& c,
                              std::string_view endpoint, const flow_options& o = {})
{
    step_failure f;
    std::error_code ec;
    temporary_credentials tc = request_temporary_credentials(t, c, endpoint, o, f, ec);
    if (ec) throw flow_error(std::move(f));
    return tc;
}

/// Step 3 (2.3): a POST to `endpoint` signed with the temporary credentials, with
/// oauth_verifier. On success the client signs with the new token credentials from then on; on
/// failure it has no token. Errors as for request_temporary_credentials (except
/// callback_not_confirmed).
template <class Transport, class Signer, class Clock, class Nonce>
access_credentials request_token_credentials(Transport& t, basic_client<Signer, Clock, Nonce>& c,
                                             std::string_view endpoint,
                                             const temporary_credentials& temp,
                                             std::string_view verifier, const flow_options& o,
                                             step_failure& failure, std::error_code& ec)
{
    failure.clear();
    failure.step = "token credentials (access token)";
    if (verifier.empty()) {
        ec = make_error_code(errc::missing_parameter);
        failure.error = ec;
        return {};
    }
    c.set_token(temp.token, temp.secret);
    http_request req;
    req.method = "POST";
    req.url.assign(endpoint);
    if (!o.form_body.empty()) {
        req.content_type = "application/x-www-form-urlencoded";
        req.body.assign(o.form_body);
    }
    sign_options so;
    so.verifier = verifier;
    so.realm = o.realm;
    so.extra = o.extra;
    const http_response res = detail::signed_exchange(t, c, req, so, failure, ec);
    if (ec) {
        c.clear_token();
        return {};
    }
    access_credentials ac = parse_token_credentials(res.body, ec, &failure.detail);
    if (ec) {
        c.clear_token();
        failure.error = ec;
        failure.status = res.status;
        failure.body_excerpt = detail::redacted_excerpt(res.body);
        return {};
    }
    c.set_token(ac.token, ac.secret);
    return ac;
}

/// As above with default options; throws oauth1::flow_error.
template <class Transport, class Signer, class Clock, class Nonce>
access_credentials request_token_credentials(Transport& t, basic_client<Signer, Clock, Nonce>& c,
                                             std::string_view endpoint,
                                             const temporary_credentials& temp,
                                             std::string_view verifier, const flow_options& o = {})
{
    step_failure f;
    std::error_code ec;
    access_credentials ac = request_token_credentials(t, c, endpoint, temp, verifier, o, f, ec);
    if (ec) throw flow_error(std::move(f));
    return ac;
}

/// A request to a protected resource (3), signed with the client's current credentials and
/// sent with `t`. Returns the answer; `ec` is set for signing and transport errors,
/// errc::oauth_problem when the provider refused the request with an oauth_problem, and
/// errc::http_status for any other non-2xx answer (the answer is still returned).
template <class Transport, class Signer, class Clock, class Nonce>
http_response send_signed(Transport& t, const basic_client<Signer, Clock, Nonce>& c,
                          http_request req, const sign_options& opts, step_failure& failure,
                          std::error_code& ec)
{
    failure.clear();
    failure.step = std::string(req.method) + " " + req.url.substr(0, req.url.find('?'));
    return detail::signed_exchange(t, c, req, opts, failure, ec);
}

/// As above; throws oauth1::flow_error for signing/transport errors and OAuth problems, and
/// returns other answers (check status()).
template <class Transport, class Signer, class Clock, class Nonce>
http_response send_signed(Transport& t, const basic_client<Signer, Clock, Nonce>& c,
                          http_request req, const sign_options& opts = {})
{
    step_failure f;
    std::error_code ec;
    http_response res = send_signed(t, c, std::move(req), opts, f, ec);
    if (ec && ec != make_error_code(errc::http_status)) throw flow_error(std::move(f));
    return res;
}

} // namespace oauth1

#endif // OAUTH1_FLOW_HPP
