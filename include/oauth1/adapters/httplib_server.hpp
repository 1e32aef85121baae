// oauth1/adapters/httplib_server.hpp - verifying requests received by a cpp-httplib server with
// oauth1's provider side (RFC 5849 3.2). Part of the oauth1::httplib component.
//
//   svr.Get("/rest/api/2/issue/.*", [&](const httplib::Request& req, httplib::Response& res) {
//       const auto r = oauth1::httplib::verify(verifier, req);
//       if (!r) return oauth1::httplib::refuse(res, r, "JIRA");   // 401 + WWW-Authenticate
//       ...
//   });
//
// The URL that is verified is rebuilt from the request-target exactly as received
// (httplib::Request::target, not the decoded `path`), the Host header and the scheme the server
// runs on (or an origin the caller names, for servers behind a proxy).
#ifndef OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP
#define OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP

#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>

#include <httplib.h>

#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {
namespace httplib {

/// Where the server is reached, for rebuilding the absolute URL of a request.
struct server_origin {
    /// "http" or "https".
    std::string_view scheme = "http";
    /// "host[:port]"; empty: the request's Host header.
    std::string_view authority{};
};

/// The absolute URL the client addressed: scheme://authority + the request-target as received.
/// Empty when there is no authority (no Host header and none configured) or the Host header
/// holds characters a host cannot have.
inline std::string request_url(const ::httplib::Request& req, server_origin origin = {})
{
    std::string authority(origin.authority);
    if (authority.empty()) {
        if (req.get_header_value_count("Host") != 1) return {};
        authority = req.get_header_value("Host");
    }
    if (authority.empty() || authority.find_first_of("/?#@ \t\r\n\\") != std::string::npos) {
        return {};
    }
    std::string url(origin.scheme);
    url += "://";
    url += authority;
    if (req.target.empty() || req.target.front() != '/') return {};
    url += req.target;
    return url;
}

/// Verifies `req` with `v` (an oauth1::verifier). A request without a usable URL (no Host),
/// or with more than one Authorization header, is refused with parameter_rejected.
template <class Verifier>
verify_result verify(const Verifier& v, const ::httplib::Request& req, const verify_options& opts,
                     std::error_code& ec, server_origin origin = {})
{
    ec.clear();
    const std::string url = request_url(req, origin);
    const std::size_t auth_count = req.get_header_value_count("Authorization");
    if (url.empty() || auth_count > 1) {
        verify_result r;
        r.problem = problem_report(problem::parameter_rejected);
        r.problem->advice =
            url.empty() ? "the request has no usable Host" : "more than one Authorization header";
        return r;
    }
    const std::string content_type = req.get_header_value("Content-Type");
    const std::string authorization = req.get_header_value("Authorization");
    return v.verify(incoming_request{req.method, url, content_type, req.body, authorization}, opts,
                    ec);
}

/// As above; a provider-side failure (nonce store unreachable, ...) refuses the request too.
template <class Verifier>
verify_result verify(const Verifier& v, const ::httplib::Request& req,
                     const verify_options& opts = {}, server_origin origin = {})
{
    std::error_code ec;
    return verify(v, req, opts, ec, origin);
}

/// Answers a refused request as JIRA does: 401 (400 for parameter problems, 401 otherwise),
/// `WWW-Authenticate: OAuth realm="...", oauth_problem=...` and the problem as a form body.
inline void refuse(::httplib::Response& res, const verify_result& r, std::string_view realm)
{
    const problem_report report =
        r.problem ? *r.problem : problem_report(problem::signature_invalid);
    res.status = 401;
    if (report.code &&
        (*report.code == problem::parameter_absent || *report.code == problem::parameter_rejected ||
         *report.code == problem::version_rejected ||
         *report.code == problem::signature_method_rejected)) {
        res.status = 400;
    }
    res.set_header("WWW-Authenticate", www_authenticate(report, realm));
    res.set_content(problem_body(report), "application/x-www-form-urlencoded");
}

} // namespace httplib
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP
