// oauth1/authorization.hpp - transmitting protocol parameters (RFC 5849 §3.5): the
// "Authorization: OAuth ..." header value (3.5.1), and the query / form-body form (3.5.2, 3.5.3);
// and parsing an Authorization header back into parameters.
//
// Header values: each parameter name and value is encoded per 3.6 and double-quoted, pairs are
// separated by ", ". The optional realm comes first, as an RFC 2617 quoted-string (it is not
// percent-encoded and never signed). Parsing percent-decodes each value once and re-encodes it
// per 3.6, so the result can go straight into the signature base string.
#ifndef OAUTH1_AUTHORIZATION_HPP
#define OAUTH1_AUTHORIZATION_HPP

#include <oauth1/detail/auth_param.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {

namespace detail {

/// True when `s` holds a CR, LF or NUL (a value that could split or end an HTTP header).
constexpr bool has_header_breaking_char(std::string_view s) noexcept
{
    for (const char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return true;
    return false;
}

} // namespace detail

/// Appends an Authorization header value (RFC 5849 §3.5.1) — "OAuth " followed by the optional
/// realm and the (already 3.6-encoded) protocol parameters in their current order.
/// errc::header_injection when the realm contains CR, LF or NUL.
inline void authorization_header_append(const parameter_list& protocol_params,
                                        std::optional<std::string_view> realm, std::string& out,
                                        std::error_code& ec)
{
    ec.clear();
    if (realm && detail::has_header_breaking_char(*realm)) {
        ec = make_error_code(errc::header_injection);
        return;
    }
    out.append("OAuth ", 6);
    bool first = true;
    if (realm) {
        out.append("realm=", 6);
        detail::quoted_string_append(*realm, out);
        first = false;
    }
    // One resize (no allocation once `out` has grown to this size) and plain copies: a header is
    // five pieces per parameter, and appending them one by one cost a fifth of a signature.
    std::size_t size = 0;
    for (const parameter_view p : protocol_params)
        size += 2 + p.name.size() + 2 + p.value.size() + 1;
    if (first && size >= 2) size -= 2;
    const std::size_t at = out.size();
    out.resize(at + size);
    char* w = &out[at];
    const auto put = [&w](std::string_view piece) {
        if (!piece.empty()) std::memcpy(w, piece.data(), piece.size());
        w += piece.size();
    };
    for (const parameter_view p : protocol_params) {
        if (!first) put(", ");
        first = false;
        put(p.name);
        put("=\"");
        put(p.value);
        *w++ = '"';
    }
}

/// Returns the Authorization header value for `protocol_params`; throws on a bad realm.
inline std::string authorization_header(const parameter_list& protocol_params,
                                        std::optional<std::string_view> realm = std::nullopt)
{
    std::string out;
    std::error_code ec;
    authorization_header_append(protocol_params, realm, out, ec);
    detail::throw_if(ec, "Authorization header");
    return out;
}

/// Appends the parameters as "name=value&..." — valid both as a URL query (3.5.3) and as an
/// application/x-www-form-urlencoded body (3.5.2), since 3.6 encoding leaves nothing ambiguous.
inline void form_append(const parameter_list& params, std::string& out)
{
    params.normalize_append(out);
}

/// A parsed Authorization header (RFC 5849 §3.5.1).
struct parsed_authorization {
    /// The realm, when the header had one (decoded from its quoted-string form).
    std::optional<std::string> realm;
    /// Every other parameter, in header order, re-encoded per 3.6 (oauth_signature included).
    parameter_list parameters;
};

/// Parses an Authorization header value with the "OAuth" scheme (case-insensitive). Accepts
/// quoted-string values (the RFC's form) and bare token values, optional whitespace around "="
/// and ",", and empty list elements. errc::invalid_authorization_header for another scheme or
/// bad syntax, errc::invalid_percent_encoding for a malformed escape in a value.
inline void parse_authorization_header(std::string_view value, parsed_authorization& result,
                                       std::error_code& ec)
{
    ec.clear();
    result.realm.reset();
    result.parameters.clear();
    const auto fail = [&](errc e) {
        ec = make_error_code(e);
        result.realm.reset();
        result.parameters.clear();
    };
    detail::auth_param_scanner scan(value, "OAuth");
    std::string escaped; // only for quoted-strings with quoted-pairs
    for (detail::auth_param p; scan.next(p);) {
        // Strict: a parameter followed by anything but ',' refuses the header, before its value
        // is used.
        if (scan.error() != detail::auth_param_error::none) break;
        const std::string_view unquoted = p.value(escaped);
        if (detail::is_realm_name(p.name)) {
            if (result.realm) return fail(errc::duplicate_protocol_parameter);
            result.realm.emplace(unquoted);
            continue;
        }
        // Names and values are 3.6-encoded on the wire; '+' is a literal plus here.
        result.parameters.add_recoded(p.name, unquoted, false, ec);
        if (ec) return fail(errc::invalid_percent_encoding);
    }
    if (scan.error() != detail::auth_param_error::none)
        return fail(errc::invalid_authorization_header);
}

/// As above, returning the result.
inline parsed_authorization parse_authorization_header(std::string_view value, std::error_code& ec)
{
    parsed_authorization result;
    parse_authorization_header(value, result, ec);
    return result;
}

/// Throwing form of parse_authorization_header.
inline parsed_authorization parse_authorization_header(std::string_view value)
{
    std::error_code ec;
    parsed_authorization r = parse_authorization_header(value, ec);
    detail::throw_if(ec, "parsing Authorization header");
    return r;
}

} // namespace oauth1

#endif // OAUTH1_AUTHORIZATION_HPP
