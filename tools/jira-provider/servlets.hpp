// servlets.hpp - jira-provider's OAuth endpoints, answered the way JIRA's OAuth servlets do:
//
//   POST /plugins/servlet/oauth/request-token   temporary credentials (RFC 5849 2.1); without
//                                                oauth_callback OAuth 1.0's (see context.hpp)
//   GET  /plugins/servlet/oauth/authorize        resource owner authorization page (2.2)
//   POST /plugins/servlet/oauth/authorize        the Allow / Deny decision (with a callback
//                                                URL both redirect there; Deny with
//                                                oauth_verifier=denied, as JIRA does)
//   POST /plugins/servlet/oauth/access-token    token credentials (2.3)
//   GET|POST /admin/revoke                       NOT JIRA: a page and its form that revoke an
//                                                access token (tests; loopback peers only)
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_SERVLETS_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_SERVLETS_HPP

#include "context.hpp"
#include "pages.hpp"
#include "token_store.hpp"

#include <oauth1/encoding.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>

#include <boost/url/parse.hpp>

#include <httplib.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace jira_provider {

namespace detail {

/// An absolute http(s) URL usable as an OAuth callback (RFC 5849 2.1); a fragment is allowed.
inline bool is_callback_url(std::string_view s)
{
    const auto u = boost::urls::parse_uri(s);
    if (!u) return false;
    const auto scheme = u->scheme_id();
    return (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) &&
           u->has_authority() && !u->encoded_host().empty();
}

/// `callback` with oauth_token and oauth_verifier added to its query (before any fragment).
inline std::string callback_with(std::string_view callback, std::string_view token,
                                 std::string_view verifier)
{
    const std::size_t hash = callback.find('#');
    const std::string_view head = callback.substr(0, hash);
    std::string out(head);
    if (head.find('?') == std::string_view::npos)
        out.push_back('?');
    else if (out.back() != '?' && out.back() != '&')
        out.push_back('&');
    out += "oauth_token=";
    oauth1::percent_encode_append(token, out);
    out += "&oauth_verifier=";
    oauth1::percent_encode_append(verifier, out);
    if (hash != std::string_view::npos) out.append(callback.substr(hash));
    return out;
}

/// An application/x-www-form-urlencoded body.
inline std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> kv)
{
    std::string out;
    for (const auto& [k, v] : kv) {
        if (!out.empty()) out.push_back('&');
        oauth1::percent_encode_append(k, out);
        out.push_back('=');
        oauth1::percent_encode_append(v, out);
    }
    return out;
}

} // namespace detail

/// The OAuth endpoints and the revoke page, on the provider's shared context.
class servlets {
public:
    explicit servlets(context& ctx) noexcept : ctx_(ctx) {}

    void request_token(const ::httplib::Request& req, ::httplib::Response& res)
    {
        const auto r = ctx_.authenticate_temporary(req, res);
        if (!r) return;
        // No callback: OAuth 1.0 (context.hpp), which options::oauth10a_only refuses.
        const bool oauth10 = r->callback.empty();
        if (!oauth10 && r->callback != "oob" && !detail::is_callback_url(r->callback)) {
            oauth1::problem_report report(oauth1::problem::parameter_rejected);
            report.advice = "oauth_callback must be 'oob' or an absolute http(s) URL";
            report.parameters_rejected = {"oauth_callback"};
            ctx_.refuse(res, std::move(report));
            return;
        }
        const token_store::issued t = ctx_.tokens().add_request_token(
            r->consumer_key, r->callback, ctx_.now(), ctx_.opts().request_token_lifetime);
        res.status = 200;
        // oauth_callback_confirmed tells a client that the provider speaks OAuth 1.0a; it
        // confirms a callback, so a token issued without one is answered without it.
        res.set_content(
            oauth10 ? detail::form({{"oauth_token", t.token}, {"oauth_token_secret", t.secret}})
                    : detail::form({{"oauth_token", t.token},
                                    {"oauth_token_secret", t.secret},
                                    {"oauth_callback_confirmed", "true"}}),
            "application/x-www-form-urlencoded");
    }

    void authorize_get(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!pages::own_host(ctx_, req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        token_entry t;
        if (!authorizable(token, res, t)) return;
        if (ctx_.opts().auto_approve) {
            decide(token, true, res);
            return;
        }
        pages::authorize(res, ctx_.consumer_name(t.consumer_key), token, t);
    }

    void authorize_post(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!pages::own_host(ctx_, req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        std::string choice = req.get_param_value("decision");
        // JIRA's own form posts approve=Allow or deny=Deny.
        if (choice.empty() && req.has_param("approve")) choice = "allow";
        if (choice.empty() && req.has_param("deny")) choice = "deny";
        if (choice != "allow" && choice != "approve" && choice != "deny") {
            detail::current_problem() = "no decision";
            pages::page(res, 400, "Bad Request",
                        "<p>The form must carry decision=allow or decision=deny.</p>\n");
            return;
        }
        token_entry t;
        if (!authorizable(token, res, t)) return;
        if (!pages::page_token_matches(t, req, res)) return;
        decide(token, choice != "deny", res);
    }

    void access_token(const ::httplib::Request& req, ::httplib::Response& res)
    {
        const auto r = ctx_.authenticate_exchange(req, res);
        if (!r) return;
        const options& o = ctx_.opts();
        const token_store::exchange_result x =
            ctx_.tokens().exchange(r->token, r->verifier, r->consumer_key, ctx_.now(),
                                   o.access_token_lifetime, o.max_verifier_attempts);
        if (x.problem) return ctx_.refuse(res, *x.problem, x.advice);
        const std::string expires = std::to_string(o.access_token_lifetime);
        // JIRA reports the authorization as outliving the token by 30 days.
        const std::string auth_expires =
            std::to_string(detail::add_saturated(o.access_token_lifetime, 2592000));
        res.status = 200;
        res.set_content(detail::form({{"oauth_token", x.access.token},
                                      {"oauth_token_secret", x.access.secret},
                                      {"oauth_expires_in", expires},
                                      {"oauth_session_handle", x.session},
                                      {"oauth_authorization_expires_in", auth_expires}}),
                        "application/x-www-form-urlencoded");
    }

    /// GET /admin/revoke?oauth_token=...: a page whose form revokes that access token.
    void revoke_page(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!pages::loopback_peer(req, res) || !pages::own_host(ctx_, req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        const auto t = ctx_.tokens().access_entry(token);
        if (!t || t->revoked || t->page_token.empty()) {
            res.status = 404;
            res.set_content("No such access token\n", "text/plain");
            return;
        }
        pages::revoke(res, token, t->page_token);
    }

    /// POST /admin/revoke with oauth_token and the page's atl_token.
    void revoke(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!pages::loopback_peer(req, res) || !pages::own_host(ctx_, req, res)) return;
        const std::string token = req.get_param_value("oauth_token");
        if (token.empty()) {
            res.status = 400;
            res.set_content("Send the form of GET /admin/revoke?oauth_token=<access token>\n",
                            "text/plain");
            return;
        }
        const auto t = ctx_.tokens().access_entry(token);
        if (!t) {
            res.status = 404;
            res.set_content("No such access token\n", "text/plain");
            return;
        }
        if (!pages::page_token_matches(*t, req, res)) return;
        ctx_.tokens().revoke(token);
        res.status = 204;
    }

private:
    /// Looks up a request token for the authorize page; on failure answers it and returns false.
    bool authorizable(const std::string& token, ::httplib::Response& res, token_entry& out) const
    {
        using check = token_store::page_check;
        if (token.empty()) {
            pages::problem_page(ctx_, res, oauth1::problem::parameter_absent,
                                "The request has no oauth_token parameter.");
            return false;
        }
        switch (ctx_.tokens().authorizable(token, ctx_.now(), out)) {
        case check::ok: return true;
        case check::unknown:
            pages::problem_page(ctx_, res, oauth1::problem::token_rejected,
                                "The request token is unknown.");
            return false;
        case check::rejected:
            pages::problem_page(ctx_, res, oauth1::problem::token_rejected,
                                "The request token was rejected after too many wrong verifiers.");
            return false;
        case check::decided:
            pages::problem_page(ctx_, res, oauth1::problem::token_used,
                                "The request token has already been authorized or denied.");
            return false;
        case check::expired:
            pages::problem_page(ctx_, res, oauth1::problem::token_expired,
                                "The request token has expired.");
            return false;
        }
        return false;
    }

    /// Records the user's decision on a (checked) pending request token and answers the page.
    void decide(const std::string& token, bool allow, ::httplib::Response& res)
    {
        const std::optional<token_entry> t = ctx_.tokens().decide(token, allow);
        if (!t) {
            // Decided by a concurrent request in the meantime.
            pages::problem_page(ctx_, res, oauth1::problem::token_used,
                                "The request token has already been authorized or denied.");
            return;
        }
        const std::string app = ctx_.consumer_name(t->consumer_key);
        if (!allow) {
            // As JIRA: a client with a callback learns of the denial there, with
            // oauth_verifier=denied (no verifier exists: the exchange is refused anyway).
            if (!t->callback.empty() && t->callback != "oob") {
                detail::current_problem() = "denied by user";
                res.status = 302;
                res.set_header("Location", detail::callback_with(t->callback, token, "denied"));
                return;
            }
            return pages::denied(res, app);
        }
        if (t->callback.empty()) return pages::approved_oauth10(res, app);
        if (t->callback != "oob") {
            res.status = 302;
            res.set_header("Location", detail::callback_with(t->callback, token, t->verifier));
            return;
        }
        pages::approved(res, app, t->verifier);
    }

    context& ctx_;
};

} // namespace jira_provider

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_SERVLETS_HPP
