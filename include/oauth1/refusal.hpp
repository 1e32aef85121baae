// oauth1/refusal.hpp - the answer to a refused request, as JIRA gives it (RFC 5849 §3.2; the
// problem vocabulary of the OAuth Problem Reporting extension, problem.hpp): the status, the
// `WWW-Authenticate: OAuth realm="...", oauth_problem=...` challenge and the problem as a form
// body. Every server adapter's refuse() writes this into its own response type.
#ifndef OAUTH1_REFUSAL_HPP
#define OAUTH1_REFUSAL_HPP

#include <oauth1/problem.hpp>
#include <oauth1/verify_result.hpp>

#include <string>
#include <string_view>

namespace oauth1 {

/// What to answer a refused request with.
struct refusal {
    /// 400 for a malformed request (parameter_absent, parameter_rejected, version_rejected,
    /// signature_method_rejected), 401 otherwise (RFC 5849 §3.2).
    int status = 401;
    /// The WWW-Authenticate field value: `OAuth realm="<realm>", oauth_problem="..."`.
    std::string www_authenticate;
    /// The problem as an application/x-www-form-urlencoded body (problem_body()).
    std::string body;
    /// The body's Content-Type.
    static constexpr const char* content_type = "application/x-www-form-urlencoded";
};

/// The refusal of `r` (a failed verification; a verify_result without a problem is answered as
/// signature_invalid). `realm` is the protection space named in the challenge.
inline refusal refusal_for(const verify_result& r, std::string_view realm)
{
    const problem_report report =
        r.problem ? *r.problem : problem_report(problem::signature_invalid);
    refusal out;
    if (report.code &&
        (*report.code == problem::parameter_absent || *report.code == problem::parameter_rejected ||
         *report.code == problem::version_rejected ||
         *report.code == problem::signature_method_rejected)) {
        out.status = 400;
    }
    out.www_authenticate = www_authenticate(report, realm);
    out.body = problem_body(report);
    return out;
}

} // namespace oauth1

#endif // OAUTH1_REFUSAL_HPP
