// oauth1/detail/problem_fields.hpp - private (not part of oauth1's API): the machinery of
// problem.hpp's wire format (OAuth Problem Reporting). Writing and reading its form-encoded fields
// (parameter name lists joined with '&', timestamp ranges "a-b") and walking the auth-params of an
// `OAuth ...` WWW-Authenticate challenge (RFC 7235 §2.1, RFC 5849 §3.5.1).
#ifndef OAUTH1_DETAIL_PROBLEM_FIELDS_HPP
#define OAUTH1_DETAIL_PROBLEM_FIELDS_HPP

#include <oauth1/detail/auth_param.hpp>
#include <oauth1/encoding.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1::detail {

/// Appends "name=value", both RFC 5849 §3.6-encoded, to a form body (with a '&' if needed).
inline void append_param(std::string& out, std::string_view name, std::string_view value)
{
    if (!out.empty()) out.push_back('&');
    percent_encode_append(name, out);
    out.push_back('=');
    percent_encode_append(value, out);
}

/// The parameter names of oauth_parameters_absent / oauth_parameters_rejected, joined.
inline std::string join_names(const std::vector<std::string>& names)
{
    // The extension joins parameter names with '&' inside one (then encoded) value.
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) s.push_back('&');
        s += names[i];
    }
    return s;
}

/// The names of a joined list (empty ones skipped).
inline std::vector<std::string> split_names(std::string_view v)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= v.size()) {
        std::size_t amp = v.find('&', pos);
        if (amp == std::string_view::npos) amp = v.size();
        if (amp > pos) out.emplace_back(v.substr(pos, amp - pos));
        pos = amp + 1;
    }
    return out;
}

/// Parses oauth_acceptable_timestamps ("a-b", both decimal); false when malformed.
inline bool parse_range(std::string_view v, std::pair<std::uint64_t, std::uint64_t>& out) noexcept
{
    const std::size_t dash = v.find('-');
    if (dash == std::string_view::npos) return false;
    const auto a = v.substr(0, dash);
    const auto b = v.substr(dash + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), out.first);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), out.second);
    return r1.ec == std::errc{} && r1.ptr == a.data() + a.size() && r2.ec == std::errc{} &&
           r2.ptr == b.data() + b.size() && !a.empty() && !b.empty();
}

/// Calls f(name, value) for each auth-param of an `OAuth ...` challenge (RFC 7235 §2.1, read by
/// auth_param_scanner), with quoted-string values unquoted and names and values percent-decoded
/// once (RFC 5849 §3.5.1). A pair whose name or value has a malformed escape is skipped; a
/// syntax error ends the list (what came before it is kept, and so is a complete pair followed
/// by something other than ','): a problem answer is diagnostic information, parsed leniently.
template <class F>
void for_each_challenge_param(std::string_view v, F&& f)
{
    auth_param_scanner scan(v, "OAuth");
    std::string buffer;
    for (auth_param p; scan.next(p);) {
        std::error_code dec;
        std::string decoded_name = percent_decode(p.name, dec);
        if (dec) continue;
        std::string decoded_value = percent_decode(p.value(buffer), dec);
        if (dec) continue;
        f(decoded_name, std::move(decoded_value));
    }
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_PROBLEM_FIELDS_HPP
