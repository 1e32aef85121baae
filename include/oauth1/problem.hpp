// oauth1/problem.hpp - OAuth Problem Reporting (the OAuth 1.0 extension that JIRA and most
// providers use): the `oauth_problem` codes, rendering them as a form-encoded body and a
// `WWW-Authenticate: OAuth ...` header value, and parsing a provider's problem answer on the
// client side, including JIRA's echoed `oauth_signature_base_string`, with a helper that shows
// where the server's base string differs from ours.
#ifndef OAUTH1_PROBLEM_HPP
#define OAUTH1_PROBLEM_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/detail/base_string_diff.hpp>
#include <oauth1/detail/problem_fields.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>

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

namespace oauth1 {

/// The oauth_problem values of OAuth Problem Reporting.
enum class problem {
    version_rejected,
    parameter_absent,
    parameter_rejected,
    timestamp_refused,
    nonce_used,
    signature_method_rejected,
    signature_invalid,
    consumer_key_unknown,
    consumer_key_rejected,
    consumer_key_refused,
    token_used,
    token_expired,
    token_revoked,
    token_rejected,
    additional_authorization_required,
    permission_unknown,
    permission_denied,
    user_refused,
};

/// The wire name of a problem ("signature_invalid", ...).
constexpr std::string_view to_string(problem p) noexcept
{
    switch (p) {
    case problem::version_rejected: return "version_rejected";
    case problem::parameter_absent: return "parameter_absent";
    case problem::parameter_rejected: return "parameter_rejected";
    case problem::timestamp_refused: return "timestamp_refused";
    case problem::nonce_used: return "nonce_used";
    case problem::signature_method_rejected: return "signature_method_rejected";
    case problem::signature_invalid: return "signature_invalid";
    case problem::consumer_key_unknown: return "consumer_key_unknown";
    case problem::consumer_key_rejected: return "consumer_key_rejected";
    case problem::consumer_key_refused: return "consumer_key_refused";
    case problem::token_used: return "token_used";
    case problem::token_expired: return "token_expired";
    case problem::token_revoked: return "token_revoked";
    case problem::token_rejected: return "token_rejected";
    case problem::additional_authorization_required: return "additional_authorization_required";
    case problem::permission_unknown: return "permission_unknown";
    case problem::permission_denied: return "permission_denied";
    case problem::user_refused: return "user_refused";
    }
    return {};
}

/// Parses a wire name; nullopt for names this library does not know.
constexpr std::optional<problem> parse_problem(std::string_view name) noexcept
{
    for (int i = 0; i <= static_cast<int>(problem::user_refused); ++i) {
        const auto p = static_cast<problem>(i);
        if (to_string(p) == name) return p;
    }
    return std::nullopt;
}

/// A problem report: what a provider says went wrong, with its optional details.
struct problem_report {
    /// The oauth_problem text as received or sent (kept even when not a known code).
    std::string name;
    /// The typed code, when `name` is one this library knows.
    std::optional<problem> code;
    /// oauth_problem_advice: human-readable advice.
    std::string advice;
    /// oauth_parameters_absent / oauth_parameters_rejected (parameter names).
    std::vector<std::string> parameters_absent;
    /// oauth_parameters_rejected: the parameters that were refused.
    std::vector<std::string> parameters_rejected;
    /// oauth_acceptable_timestamps "min-max" (for timestamp_refused).
    std::optional<std::pair<std::uint64_t, std::uint64_t>> acceptable_timestamps;
    /// oauth_acceptable_versions "min-max" (for version_rejected).
    std::string acceptable_versions;
    /// The provider's base string when it echoes one (JIRA's oauth_signature_base_string).
    std::string signature_base_string;

    problem_report() = default;
    /// The report of `p`, with no details yet.
    explicit problem_report(problem p) : name(to_string(p)), code(p) {}

    /// One line for logs and error messages: "signature_invalid (advice...)".
    std::string summary() const
    {
        std::string s = name.empty() ? std::string("unknown problem") : name;
        if (!advice.empty()) s += ": " + advice;
        const auto join = [&s](const char* label, const std::vector<std::string>& v) {
            if (v.empty()) return;
            s += "; ";
            s += label;
            for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : " ") + v[i];
        };
        join("absent:", parameters_absent);
        join("rejected:", parameters_rejected);
        if (acceptable_timestamps)
            s += "; acceptable timestamps " + std::to_string(acceptable_timestamps->first) + "-" +
                 std::to_string(acceptable_timestamps->second);
        return s;
    }
};

/// The problem as an application/x-www-form-urlencoded body ("oauth_problem=...&...").
/// `include_base_string` adds oauth_signature_base_string (useful while debugging; it contains
/// no secrets, but it does reveal the request's parameters).
inline std::string problem_body(const problem_report& r, bool include_base_string = false)
{
    std::string out;
    detail::append_param(out, "oauth_problem", r.name);
    if (!r.advice.empty()) detail::append_param(out, "oauth_problem_advice", r.advice);
    if (!r.parameters_absent.empty())
        detail::append_param(out, "oauth_parameters_absent",
                             detail::join_names(r.parameters_absent));
    if (!r.parameters_rejected.empty())
        detail::append_param(out, "oauth_parameters_rejected",
                             detail::join_names(r.parameters_rejected));
    if (r.acceptable_timestamps)
        detail::append_param(out, "oauth_acceptable_timestamps",
                             std::to_string(r.acceptable_timestamps->first) + "-" +
                                 std::to_string(r.acceptable_timestamps->second));
    if (!r.acceptable_versions.empty())
        detail::append_param(out, "oauth_acceptable_versions", r.acceptable_versions);
    if (include_base_string && !r.signature_base_string.empty())
        detail::append_param(out, "oauth_signature_base_string", r.signature_base_string);
    return out;
}

/// The WWW-Authenticate header value: `OAuth realm="...", oauth_problem="..."` (plus the
/// details, 3.6-encoded and quoted). CR/LF in the realm are dropped.
inline std::string www_authenticate(const problem_report& r, std::string_view realm)
{
    std::string out = "OAuth realm=";
    std::string clean;
    for (const char c : realm)
        if (c != '\r' && c != '\n' && c != '\0') clean.push_back(c);
    detail::quoted_string_append(clean, out);
    const auto add = [&out](std::string_view n, std::string_view v) {
        out += ", ";
        out += n;
        out += "=\"";
        percent_encode_append(v, out);
        out += '"';
    };
    add("oauth_problem", r.name);
    if (!r.advice.empty()) add("oauth_problem_advice", r.advice);
    if (!r.parameters_absent.empty())
        add("oauth_parameters_absent", detail::join_names(r.parameters_absent));
    if (!r.parameters_rejected.empty())
        add("oauth_parameters_rejected", detail::join_names(r.parameters_rejected));
    if (r.acceptable_timestamps)
        add("oauth_acceptable_timestamps", std::to_string(r.acceptable_timestamps->first) + "-" +
                                               std::to_string(r.acceptable_timestamps->second));
    if (!r.acceptable_versions.empty()) add("oauth_acceptable_versions", r.acceptable_versions);
    return out;
}

namespace detail {

inline void apply_problem_field(problem_report& r, std::string_view name, std::string value)
{
    if (name == "oauth_problem") {
        r.code = parse_problem(value);
        r.name = std::move(value);
    } else if (name == "oauth_problem_advice") {
        r.advice = std::move(value);
    } else if (name == "oauth_parameters_absent") {
        r.parameters_absent = split_names(value);
    } else if (name == "oauth_parameters_rejected") {
        r.parameters_rejected = split_names(value);
    } else if (name == "oauth_acceptable_timestamps") {
        std::pair<std::uint64_t, std::uint64_t> range{};
        if (parse_range(value, range)) r.acceptable_timestamps = range;
    } else if (name == "oauth_acceptable_versions") {
        r.acceptable_versions = std::move(value);
    } else if (name == "oauth_signature_base_string") {
        r.signature_base_string = std::move(value);
    }
}

} // namespace detail

/// Parses a provider's problem answer: the form-encoded body and/or the WWW-Authenticate header
/// value (either may be empty; the body wins where both carry a field). Returns nullopt when
/// neither carries oauth_problem (e.g. a plain 500 page). Malformed escapes are skipped, never
/// fatal: a problem answer is diagnostic information.
inline std::optional<problem_report>
parse_problem_response(std::string_view body, std::string_view www_authenticate_value = {})
{
    problem_report r;
    bool found = false;
    const auto field = [&](const std::string& n, std::string v) {
        if (n == "oauth_problem") found = true;
        detail::apply_problem_field(r, n, std::move(v));
    };
    detail::for_each_challenge_param(www_authenticate_value, field);
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) amp = body.size();
        const std::string_view pair = body.substr(pos, amp - pos);
        pos = amp + 1;
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        std::error_code dec;
        std::string n = form_decode(pair.substr(0, eq), dec);
        if (dec) continue;
        std::string v = form_decode(pair.substr(eq + 1), dec);
        if (dec) continue;
        if (n == "oauth_problem") found = true;
        detail::apply_problem_field(r, n, std::move(v));
    }
    if (!found) return std::nullopt;
    return r;
}

/// The most parameters explain_base_string_difference() lists, both sides together; the rest
/// are counted ("... and 123 more parameters only in theirs").
inline constexpr std::size_t base_string_difference_max_listed = 16;
/// The longest text (method, URI, parameter) it quotes whole; a longer one is cut to its first
/// 100 bytes (at a UTF-8 boundary) and its size: "abc... (1048576 bytes)".
inline constexpr std::size_t base_string_difference_max_quoted = 120;
/// What its output never exceeds, in bytes, whatever the inputs (4 KiB). By construction it
/// stays below 3.3 KB: a quoted text takes at most 132 bytes (100 + "... (N bytes)"), so 16
/// parameter lines take at most 16 x 159, the method and URI lines 291 and 288, the two count
/// lines 60 each.
inline constexpr std::size_t base_string_difference_max_bytes = 4096;

namespace detail {

/// `s` whole, or when longer than base_string_difference_max_quoted, its first 100 bytes (not
/// splitting a UTF-8 sequence) and its size.
inline std::string quoted_excerpt(std::string_view s)
{
    if (s.size() <= base_string_difference_max_quoted) return std::string(s);
    std::size_t cut = 100;
    // Back to the start of a UTF-8 sequence (at most 3 continuation bytes).
    while (cut > 97 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) --cut;
    return std::string(s.substr(0, cut)) + "... (" + std::to_string(s.size()) + " bytes)";
}

} // namespace detail

/// Explains where two signature base strings (RFC 5849 §3.4.1.1) differ, part by part: method,
/// URI, then the parameters that only one side has (compared as multisets of decoded
/// "name=value" items, so "a=1&a=1" and "a=1" differ by one "a=1"), each side's listed in its
/// own order; for "signature_invalid" answers that echo the provider's base string. Returns an
/// empty string when they are equal.
///
/// Bounded for hostile input (the provider's base string is foreign): O(n log n) time in the
/// number of parameters, at most base_string_difference_max_listed parameters listed (then
/// "... and K more parameters only in ours/theirs"), each quoted text cut past
/// base_string_difference_max_quoted bytes, and the whole output at most
/// base_string_difference_max_bytes (4 KiB).
inline std::string explain_base_string_difference(std::string_view ours, std::string_view theirs)
{
    if (ours == theirs) return {};
    const auto split3 = [](std::string_view s, std::string_view parts[3]) {
        const std::size_t a = s.find('&');
        const std::size_t b = a == std::string_view::npos ? a : s.find('&', a + 1);
        parts[0] = s.substr(0, a);
        parts[1] = a == std::string_view::npos ? std::string_view{} : s.substr(a + 1, b - a - 1);
        parts[2] = b == std::string_view::npos ? std::string_view{} : s.substr(b + 1);
    };
    std::string_view o[3];
    std::string_view t[3];
    split3(ours, o);
    split3(theirs, t);
    std::string out;
    const auto decoded = [](std::string_view s) {
        std::error_code ec;
        std::string d = percent_decode(s, ec);
        return ec ? std::string(s) : d;
    };
    using detail::quoted_excerpt;
    if (o[0] != t[0])
        out +=
            "method: ours '" + quoted_excerpt(o[0]) + "', theirs '" + quoted_excerpt(t[0]) + "'\n";
    if (o[1] != t[1])
        out += "URI: ours '" + quoted_excerpt(decoded(o[1])) + "', theirs '" +
               quoted_excerpt(decoded(t[1])) + "'\n";
    if (o[2] != t[2]) {
        const std::string ours_params = decoded(o[2]);
        const std::string theirs_params = decoded(t[2]);
        const std::vector<std::string_view> po = detail::split_parameters(ours_params);
        const std::vector<std::string_view> pt = detail::split_parameters(theirs_params);
        std::vector<bool> po_matched;
        std::vector<bool> pt_matched;
        detail::match_multisets(po, pt, po_matched, pt_matched);
        const auto unmatched = [](const std::vector<bool>& m) {
            return static_cast<std::size_t>(std::count(m.begin(), m.end(), false));
        };
        const std::size_t only_ours = unmatched(po_matched);
        const std::size_t only_theirs = unmatched(pt_matched);
        // Share the listing budget: half each, and what one side does not use goes to the other.
        constexpr std::size_t budget = base_string_difference_max_listed;
        std::size_t list_ours = std::min(only_ours, budget / 2);
        std::size_t list_theirs = std::min(only_theirs, budget / 2);
        list_ours += std::min(only_ours - list_ours, budget - list_ours - list_theirs);
        list_theirs += std::min(only_theirs - list_theirs, budget - list_ours - list_theirs);
        const auto list = [&out](const char* side, const std::vector<std::string_view>& p,
                                 const std::vector<bool>& matched, std::size_t listed,
                                 std::size_t total) {
            std::size_t n = 0;
            for (std::size_t k = 0; k < p.size() && n < listed; ++k) {
                if (matched[k]) continue;
                out += "parameter only in ";
                out += side;
                out += ": " + quoted_excerpt(p[k]) + "\n";
                ++n;
            }
            if (total > listed)
                out += "... and " + std::to_string(total - listed) + " more parameters only in " +
                       side + "\n";
        };
        list("ours", po, po_matched, list_ours, only_ours);
        list("theirs", pt, pt_matched, list_theirs, only_theirs);
        if (only_ours == 0 && only_theirs == 0 && po != pt)
            out += "parameters: same set, different order\n";
    }
    if (out.empty()) out = "base strings differ in separators\n";
    return out;
}

} // namespace oauth1

#endif // OAUTH1_PROBLEM_HPP
