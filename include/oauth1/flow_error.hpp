// oauth1/flow_error.hpp - how a step of the three-legged flow (flow.hpp, RFC 5849 §2) failed:
// step_failure (the step, the HTTP status, the provider's problem report, our signature base
// string and how the provider's differs from it), client_advice (what a user can do about each
// OAuth problem) and flow_error, the exception of the flow's throwing overloads.
#ifndef OAUTH1_FLOW_ERROR_HPP
#define OAUTH1_FLOW_ERROR_HPP

#include <oauth1/error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/skew_clock.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {

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
    /// parameters, never their values. For a URL that could not be signed: what is wrong with
    /// it (the character and its position). Empty otherwise.
    std::string detail;
    /// The consumer key the request was signed with (not a secret), repeated in the message of
    /// consumer_key_unknown: keys are case-sensitive, and "OAuthKey" vs "OauthKey" is the usual
    /// mistake.
    std::string consumer_key;
    /// With a skew_clock: the offset learned from a refused timestamp, with which the request
    /// was signed and sent once more (this failure is then the second attempt's, if any).
    std::optional<std::int64_t> clock_offset;

    /// Back to no failure.
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
        if (problem->code == oauth1::problem::consumer_key_unknown && !consumer_key.empty())
            s += " for the consumer key \"" + consumer_key.substr(0, 200) +
                 "\" (consumer keys are case-sensitive)";
        if (problem->code == oauth1::problem::timestamp_refused) {
            if (clock_offset)
                s += " even after one retry with the provider's time (" +
                     describe_clock_offset(*clock_offset) + ")";
            else if (problem->acceptable_timestamps && problem->acceptable_timestamps->second >=
                                                           problem->acceptable_timestamps->first)
                s += " (" +
                     describe_clock_offset(
                         static_cast<std::int64_t>(problem->acceptable_timestamps->first +
                                                   (problem->acceptable_timestamps->second -
                                                    problem->acceptable_timestamps->first) /
                                                       2) -
                         detail::system_seconds()) +
                     ")";
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
        if (!detail.empty()) s += ": " + detail;
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
    /// The exception of a failed step.
    explicit flow_error(step_failure f)
        : error(f.error), failure_(std::move(f)), what_(failure_.describe())
    {}
    /// What failed, and what the provider said.
    const step_failure& failure() const noexcept { return failure_; }
    /// step_failure::describe().
    const char* what() const noexcept override { return what_.c_str(); }

private:
    step_failure failure_;
    std::string what_;
};

} // namespace oauth1

#endif // OAUTH1_FLOW_ERROR_HPP
