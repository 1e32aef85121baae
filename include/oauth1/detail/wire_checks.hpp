// oauth1/detail/wire_checks.hpp - private to oauth1 (not a public header): what a request must
// look like for an HTTP library that writes it on the wire as given (cpp-httplib with URL
// encoding off, Poco): a request-target and header fields that go out byte for byte, so that what
// was signed (RFC 5849 §3.4.1) is what is sent.
#ifndef OAUTH1_DETAIL_WIRE_CHECKS_HPP
#define OAUTH1_DETAIL_WIRE_CHECKS_HPP

#include <oauth1/base_string.hpp> // is_valid_method

#include <string_view>

namespace oauth1::detail {

/// A request-target the library writes on the request line byte for byte and that is valid
/// there: origin-form, visible ASCII only, no fragment ('#').
constexpr bool is_wire_target(std::string_view t) noexcept
{
    if (t.empty() || t.front() != '/') return false;
    for (const char c : t) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '#') return false;
    }
    return true;
}

/// RFC 7230 field-name (token).
constexpr bool is_field_name(std::string_view n) noexcept
{
    return !n.empty() && is_valid_method(n); // a method is a token too
}

/// A field value that cannot split the header: no CR, LF or NUL.
constexpr bool is_field_value(std::string_view v) noexcept
{
    for (const char c : v)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_WIRE_CHECKS_HPP
