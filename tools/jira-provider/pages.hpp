// pages.hpp - jira-provider's HTML: the page frame, the OAuth error page, the authorize page
// (Allow / Deny) and its outcomes, the revoke page (not JIRA), and the checks every page with a
// form makes: the Host names this provider (no DNS rebinding), the form's anti-CSRF atl_token is
// the one of its page (constant time), the admin pages answer loopback peers only.
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_PAGES_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_PAGES_HPP

#include "context.hpp"
#include "token_store.hpp"

#include <oauth1/encoding.hpp>
#include <oauth1/problem.hpp>

#include <httplib.h>

#include <string>
#include <string_view>

namespace jira_provider::pages {

inline std::string html_escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

/// Answers an HTML page: `title` as title and heading, then `body_html`.
inline void page(::httplib::Response& res, int status, const std::string& title,
                 const std::string& body_html)
{
    res.status = status;
    res.set_content("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                        html_escape(title) + " - jira-provider</title></head>\n<body>\n<h1>" +
                        html_escape(title) + "</h1>\n" + body_html + "</body></html>\n",
                    "text/html;charset=UTF-8");
}

/// JIRA's OAuth error page: 401, the problem in WWW-Authenticate and on the page.
inline void problem_page(const context& ctx, ::httplib::Response& res, oauth1::problem p,
                         const std::string& what)
{
    detail::current_problem() = std::string(oauth1::to_string(p));
    res.set_header("WWW-Authenticate",
                   oauth1::www_authenticate(oauth1::problem_report(p), ctx.realm()));
    page(res, 401, "OAuth Error",
         "<p>" + html_escape(what) + "</p>\n<p>oauth_problem=" + html_escape(oauth1::to_string(p)) +
             "</p>\n");
}

/// The pages with forms answer only requests addressed to this provider by name: a page of
/// another site whose name resolves to 127.0.0.1 (DNS rebinding) must not read them.
inline bool own_host(const context& ctx, const ::httplib::Request& req, ::httplib::Response& res)
{
    if (req.get_header_value_count("Host") == 1) {
        const std::string host = req.get_header_value("Host");
        for (const std::string& h : ctx.own_hosts())
            if (oauth1::detail::ascii_iequals(host, h)) return true;
    }
    detail::current_problem() = "not this host";
    page(res, 421, "Misdirected Request",
         "<p>Open this page at " + html_escape(ctx.base_url()) + ".</p>\n");
    return false;
}

/// The form's atl_token is the page token of `t` (constant time); otherwise answers 403.
inline bool page_token_matches(const token_entry& t, const ::httplib::Request& req,
                               ::httplib::Response& res)
{
    const std::string sent =
        req.get_param_value_count("atl_token") == 1 ? req.get_param_value("atl_token") : "";
    if (!t.page_token.empty() && detail::secret_equals(sent, t.page_token)) return true;
    detail::current_problem() = "bad atl_token";
    page(res, 403, "Forbidden",
         "<p>The form did not come from this provider's page (missing or wrong atl_token). "
         "Open the page again and submit its form.</p>\n");
    return false;
}

inline bool is_loopback(const std::string& addr)
{
    return addr == "127.0.0.1" || addr == "::1" || addr.rfind("127.", 0) == 0 ||
           addr == "::ffff:127.0.0.1";
}

/// The admin pages answer loopback peers only.
inline bool loopback_peer(const ::httplib::Request& req, ::httplib::Response& res)
{
    if (is_loopback(req.remote_addr)) return true;
    detail::current_problem() = "not loopback";
    res.status = 403;
    res.set_content("Loopback only\n", "text/plain");
    return false;
}

/// The authorize page of request token `token` (entry `t`) for application `app`.
inline void authorize(::httplib::Response& res, const std::string& app, const std::string& token,
                      const token_entry& t)
{
    // Without the 1.0a verifier, whoever holds the request token gets the access once it is
    // allowed (session fixation): the user should allow only a request they started themselves.
    const std::string oauth10_note =
        t.callback.empty() ? "<p>This application uses OAuth 1.0 (no verification code): allow "
                             "only a request you started yourself, just now.</p>\n"
                           : "";
    page(res, 200, "Welcome to JIRA",
         "<p>" + html_escape(app) +
             " would like to read and write data in JIRA on your behalf.</p>\n"
             "<p>Application: <b>" +
             html_escape(app) + "</b><br>Consumer key: <code>" + html_escape(t.consumer_key) +
             "</code></p>\n" + oauth10_note +
             "<form method=\"post\" action=\"/plugins/servlet/oauth/authorize\">\n"
             "<input type=\"hidden\" name=\"oauth_token\" value=\"" +
             html_escape(token) +
             "\">\n"
             "<input type=\"hidden\" name=\"atl_token\" value=\"" +
             html_escape(t.page_token) +
             "\">\n"
             "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n"
             "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n"
             "</form>\n");
}

/// The answer to Deny.
inline void denied(::httplib::Response& res, const std::string& app)
{
    detail::current_problem() = "denied by user";
    page(res, 200, "Access Denied",
         "<p>You have denied " + html_escape(app) + " access to your data.</p>\n");
}

/// The answer to Allow for an oob callback: the verification code, worded as JIRA does.
inline void approved(::httplib::Response& res, const std::string& app, const std::string& verifier)
{
    page(res, 200, "Access Approved",
         "<p>You have successfully authorized '" + html_escape(app) +
             "'. Your verification code is '" + html_escape(verifier) +
             "'. You will need to enter this exact text when prompted. You should write "
             "this value down before closing the browser window.</p>\n");
}

/// The answer to Allow for a request token issued without a callback (OAuth 1.0): no
/// verification code, the client exchanges the token without one.
inline void approved_oauth10(::httplib::Response& res, const std::string& app)
{
    page(res, 200, "Access Approved",
         "<p>You have successfully authorized '" + html_escape(app) +
             "'. Please close this browser window and click continue in the client.</p>\n");
}

/// The page whose form revokes access token `token` (not JIRA).
inline void revoke(::httplib::Response& res, const std::string& token,
                   const std::string& page_token)
{
    page(res, 200, "Revoke access token",
         "<form method=\"post\" action=\"/admin/revoke\">\n"
         "<input type=\"hidden\" name=\"oauth_token\" value=\"" +
             html_escape(token) +
             "\">\n"
             "<input type=\"hidden\" name=\"atl_token\" value=\"" +
             html_escape(page_token) +
             "\">\n"
             "<button type=\"submit\">Revoke</button>\n"
             "</form>\n");
}

} // namespace jira_provider::pages

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_PAGES_HPP
