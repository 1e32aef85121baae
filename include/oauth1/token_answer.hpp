// oauth1/token_answer.hpp - the provider's answers to the two token requests of the flow
// (flow.hpp): Temporary Credentials (RFC 5849 §2.1) and Token Credentials (RFC 5849 §2.3), the
// credentials they carry and their strict parsing (each protocol parameter at most once, no
// CR/LF/NUL in a token or secret).
#ifndef OAUTH1_TOKEN_ANSWER_HPP
#define OAUTH1_TOKEN_ANSWER_HPP

#include <oauth1/detail/token_answer.hpp>
#include <oauth1/error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

/// Temporary credentials (2.1).
struct temporary_credentials {
    /// oauth_token: the temporary credentials identifier (RFC 5849 §2.1).
    std::string token;
    /// oauth_token_secret: the temporary credentials shared secret.
    std::string secret;
    /// oauth_callback_confirmed was "true" (required by RFC 5849 §2.1).
    bool callback_confirmed = false;
    /// Any further parameters of the answer (decoded), in order.
    std::vector<std::pair<std::string, std::string>> extra;
};

/// Token credentials (2.3), with the optional fields of the OAuth Session 1.0 draft extension
/// (oauth_expires_in, oauth_authorization_expires_in, oauth_session_handle) that JIRA, Yahoo and
/// others send.
struct access_credentials {
    /// oauth_token: the token identifier (RFC 5849 §2.3).
    std::string token;
    /// oauth_token_secret: the token shared secret.
    std::string secret;
    std::optional<std::uint64_t> expires_in;               ///< oauth_expires_in (seconds)
    std::optional<std::uint64_t> authorization_expires_in; ///< oauth_authorization_expires_in
    std::string session_handle;                            ///< oauth_session_handle
    /// When the token stops working, when known: set by the flow (request_token_credentials,
    /// renew_access_token) from oauth_expires_in or a fixed daily expiry (token_expiry in
    /// flow.hpp); never by parse_token_credentials, which has no clock.
    std::optional<std::chrono::system_clock::time_point> expires_at;
    /// Every other parameter of the answer, decoded, in the order received.
    std::vector<std::pair<std::string, std::string>> extra;
};

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
} // namespace oauth1

#endif // OAUTH1_TOKEN_ANSWER_HPP
