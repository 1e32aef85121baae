// oauth1/detail/httplib_headers.hpp - private to oauth1 (not a public header): how the cpp-httplib
// in use reads header values (before 0.44 it percent-decodes them). The pieces of header syntax
// oauth1/adapters/httplib_server.hpp reads (lists outside quoted-strings, RFC 7230 §3.2.6) are
// oauth1/detail/origin.hpp's, shared by every server adapter.
#ifndef OAUTH1_DETAIL_HTTPLIB_HEADERS_HPP
#define OAUTH1_DETAIL_HTTPLIB_HEADERS_HPP

#include <oauth1/detail/origin.hpp>

#include <httplib.h>

namespace oauth1::httplib::detail {

/// Whether cpp-httplib version `v` ("major.minor.patch") is older than major.minor.
constexpr bool httplib_version_below(const char* v, int major, int minor) noexcept
{
    int parts[2] = {0, 0};
    for (int i = 0; i < 2 && *v; ++i) {
        while (*v >= '0' && *v <= '9') parts[i] = parts[i] * 10 + (*v++ - '0');
        if (*v == '.') ++v;
    }
    return parts[0] < major || (parts[0] == major && parts[1] < minor);
}

#if defined(OAUTH1_HTTPLIB_DECODES_HEADER_VALUES)
inline constexpr bool decodes_header_values = OAUTH1_HTTPLIB_DECODES_HEADER_VALUES != 0;
#elif defined(CPPHTTPLIB_VERSION)
/// cpp-httplib decoded header values from 0.7 (issue #576) until 0.44.0.
inline constexpr bool decodes_header_values = httplib_version_below(CPPHTTPLIB_VERSION, 0, 44);
#else
inline constexpr bool decodes_header_values = true; // older than CPPHTTPLIB_VERSION itself
#endif

using oauth1::detail::split_outside_quotes;
using oauth1::detail::trim_ows;

} // namespace oauth1::httplib::detail

#endif // OAUTH1_DETAIL_HTTPLIB_HEADERS_HPP
