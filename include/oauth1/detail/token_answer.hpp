// oauth1/detail/token_answer.hpp - private (not part of oauth1's API): the machinery of
// token_answer.hpp. Splitting a form-encoded token answer (RFC 5849 §2.1, §2.3) into decoded
// pairs, refusing repeated protocol parameters, the checks common to both answers, and the
// redacted excerpt of a refused answer that step_failure (flow_error.hpp) carries.
#ifndef OAUTH1_DETAIL_TOKEN_ANSWER_HPP
#define OAUTH1_DETAIL_TOKEN_ANSWER_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1::detail {

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

/// Whether a form-encoded answer has an oauth_token pair (a renewal answered with new
/// credentials rather than a message such as E*TRADE's "Access Token has been renewed").
/// Read from the raw text, so that a malformed answer with a token is still parsed (and refused)
/// as token credentials.
inline bool answer_carries_token(std::string_view body)
{
    constexpr std::string_view name = "oauth_token=";
    for (std::size_t at = body.find(name); at != std::string_view::npos;
         at = body.find(name, at + 1))
        if (at == 0 || body[at - 1] == '&') return true;
    return false;
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

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_TOKEN_ANSWER_HPP
