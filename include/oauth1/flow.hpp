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
//   // providers whose tokens expire (E*TRADE, the OAuth Session extension):
//   access = oauth1::renew_access_token(http, c, renew_endpoint, access);
//
// A failed step throws oauth1::flow_error (or, with the error_code overloads, fills a
// step_failure): the step, the HTTP status, the provider's problem report (oauth_problem,
// advice), advice a user can act on, and - when the provider echoes its signature base string,
// as JIRA does - how it differs from ours.
//
// The failure and the exception are declared in flow_error.hpp, the token answers and their
// parsing in token_answer.hpp; this header includes both.
#ifndef OAUTH1_FLOW_HPP
#define OAUTH1_FLOW_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/flow_exchange.hpp>
#include <oauth1/detail/token_expiry.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/flow_error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/token_answer.hpp>
#include <oauth1/transport.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
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

/// What the provider sent to the callback URI (2.2): oauth_token and oauth_verifier.
struct callback_parameters {
    /// oauth_token: the temporary credentials the user authorized (RFC 5849 §2.2).
    std::string token;
    /// oauth_verifier: the verification code (RFC 5849 §2.2).
    std::string verifier;
};

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

/// A fixed time of day at which access tokens expire, in a zone given by its standard UTC
/// offset and, optionally, the US daylight-saving rule (E*TRADE: midnight US Eastern,
/// us_eastern_midnight). No time-zone database is needed.
struct daily_expiry {
    int hour = 0;   ///< 0-23, local time
    int minute = 0; ///< 0-59
    /// The zone's standard-time offset from UTC in minutes (US Eastern: -300).
    int utc_offset_minutes = 0;
    /// Add one hour from 02:00 on the second Sunday of March to 02:00 on the first Sunday of
    /// November (the US rule since 2007).
    bool us_daylight_saving = false;

    /// The first such time after `now`.
    std::chrono::system_clock::time_point
    next_after(std::chrono::system_clock::time_point now) const
    {
        using std::chrono::seconds;
        const std::int64_t t = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
        const std::int64_t at =
            detail::next_local_time(t, std::int64_t{hour} * 3600 + std::int64_t{minute} * 60,
                                    std::int64_t{utc_offset_minutes} * 60, us_daylight_saving);
        return std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(seconds(at)));
    }
};

/// E*TRADE's access tokens expire at midnight US Eastern time (and after two hours without a
/// request, which renew_access_token also resets).
inline constexpr daily_expiry us_eastern_midnight{0, 0, -300, true};

/// When token credentials received at `now` expire: `now` + oauth_expires_in (OAuth Session
/// 1.0 draft) and, with `daily`, the next daily expiry - the earlier of the two - or nothing when
/// neither is known.
inline std::optional<std::chrono::system_clock::time_point>
token_expiry(const access_credentials& ac, std::chrono::system_clock::time_point now,
             const std::optional<daily_expiry>& daily = std::nullopt)
{
    std::optional<std::chrono::system_clock::time_point> at;
    if (ac.expires_in) {
        // Bounded so that a huge value cannot overflow the clock's representation.
        const auto secs = static_cast<std::int64_t>(
            std::min<std::uint64_t>(*ac.expires_in, std::uint64_t{100} * 365 * 86400));
        at = now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                       std::chrono::seconds(secs));
    }
    if (daily) {
        const auto d = daily->next_after(now);
        if (!at || d < *at) at = d;
    }
    return at;
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
    /// Extra form parameters of the request-token and access-token requests (x-www-form-urlencoded,
    /// encoded as sent).
    std::string_view form_body{};
    /// A fixed daily expiry of access tokens (us_eastern_midnight for E*TRADE), used with
    /// oauth_expires_in to set access_credentials::expires_at (token_expiry).
    std::optional<daily_expiry> expiry_time{};
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
    ac.expires_at = token_expiry(ac, std::chrono::system_clock::now(), o.expiry_time);
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

/// Options of renew_access_token.
struct renewal_options {
    /// The HTTP method: POST for the OAuth Session extension (a request to the Token Request
    /// URI), GET for E*TRADE (/oauth/renew_access_token).
    std::string_view method = "POST";
    /// realm for the Authorization header.
    std::optional<std::string_view> realm{};
    /// Further oauth_* parameters.
    std::vector<std::pair<std::string_view, std::string_view>> extra{};
    /// A fixed daily expiry (us_eastern_midnight for E*TRADE), see token_expiry.
    std::optional<daily_expiry> expiry_time{};
    /// The time the renewal counts from; the system clock when not given (tests set it).
    std::optional<std::chrono::system_clock::time_point> now{};
};

/// Renews access token credentials before or after they expire (OAuth Session 1.0 draft §4,
/// E*TRADE's renew_access_token): a request to `endpoint` signed with the consumer credentials
/// and `current` (its token and secret), with oauth_session_handle when `current` has one. Two
/// kinds of answer are accepted:
/// - new token credentials (oauth_token, oauth_token_secret and the optional oauth_expires_in,
///   oauth_authorization_expires_in, oauth_session_handle), parsed as parse_token_credentials
///   does; a session handle the answer leaves out is kept from `current`;
/// - any other 2xx answer without oauth_token (E*TRADE answers "Access Token has been renewed"):
///   the same credentials stay valid.
/// The result's expires_at is computed from the renewal time (token_expiry) and the client then
/// signs with the result. Errors as for request_token_credentials; errc::missing_parameter when
/// `current` has no token; on failure the client keeps signing with `current`.
template <class Transport, class Signer, class Clock, class Nonce>
access_credentials renew_access_token(Transport& t, basic_client<Signer, Clock, Nonce>& c,
                                      std::string_view endpoint, const access_credentials& current,
                                      const renewal_options& o, step_failure& failure,
                                      std::error_code& ec)
{
    failure.clear();
    failure.step = "access token renewal";
    ec.clear();
    if (current.token.empty()) {
        ec = make_error_code(errc::missing_parameter);
        failure.error = ec;
        failure.detail = "the access credentials to renew have no token";
        return {};
    }
    const auto now = o.now ? *o.now : std::chrono::system_clock::now();
    c.set_token(current.token, current.secret);
    http_request req;
    req.method.assign(o.method.empty() ? std::string_view("POST") : o.method);
    req.url.assign(endpoint);
    sign_options so;
    so.realm = o.realm;
    so.extra = o.extra;
    if (!current.session_handle.empty())
        so.extra.emplace_back("oauth_session_handle", current.session_handle);
    const http_response res = detail::signed_exchange(t, c, req, so, failure, ec);
    if (ec) return {};
    access_credentials out;
    if (detail::answer_carries_token(res.body)) {
        out = parse_token_credentials(res.body, ec, &failure.detail);
        if (ec) {
            failure.error = ec;
            failure.status = res.status;
            failure.body_excerpt = detail::redacted_excerpt(res.body);
            return {};
        }
        if (out.session_handle.empty()) out.session_handle = current.session_handle;
    } else {
        out = current; // renewed in place
    }
    out.expires_at = token_expiry(out, now, o.expiry_time);
    c.set_token(out.token, out.secret);
    return out;
}

/// As above with default options; throws oauth1::flow_error.
template <class Transport, class Signer, class Clock, class Nonce>
access_credentials renew_access_token(Transport& t, basic_client<Signer, Clock, Nonce>& c,
                                      std::string_view endpoint, const access_credentials& current,
                                      const renewal_options& o = {})
{
    step_failure f;
    std::error_code ec;
    access_credentials ac = renew_access_token(t, c, endpoint, current, o, f, ec);
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
