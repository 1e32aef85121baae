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
//
// The failure and the exception are declared in flow_error.hpp, the token answers and their
// parsing in token_answer.hpp; this header includes both.
#ifndef OAUTH1_FLOW_HPP
#define OAUTH1_FLOW_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/flow_exchange.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/flow_error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/token_answer.hpp>
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
