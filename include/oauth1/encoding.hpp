// oauth1/encoding.hpp - percent-encoding as RFC 5849 §3.6 defines it, and the decoding of
// application/x-www-form-urlencoded text (RFC 5849 §3.4.1.3.1).
//
// Encoding: every byte except the unreserved set ALPHA / DIGIT / "-" / "." / "_" / "~" becomes
// "%" HEXDIG HEXDIG with upper-case hex (3.6). Input is taken as UTF-8 bytes, so U+3001 gives
// "%E3%80%81". Decoding rejects a "%" not followed by two hex digits
// (errc::invalid_percent_encoding) instead of passing it through.
//
// The scanners behind these functions (detail/percent_scan.hpp) read sixteen bytes at a time with
// SSE2; define OAUTH1_NO_SIMD to use the portable scan everywhere (the tests build it both ways).
#ifndef OAUTH1_ENCODING_HPP
#define OAUTH1_ENCODING_HPP

#include <oauth1/detail/percent_scan.hpp>
#include <oauth1/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {

/// True for the characters RFC 5849 §3.6 leaves unencoded.
constexpr bool is_unreserved(char c) noexcept
{
    return detail::unreserved.v[static_cast<unsigned char>(c)];
}

/// Length of the RFC 5849 §3.6 encoding of `in`.
constexpr std::size_t percent_encoded_size(std::string_view in) noexcept
{
    std::size_t n = 0;
    for (const char c : in) n += is_unreserved(c) ? 1 : 3;
    return n;
}

/// Writes the RFC 5849 §3.6 encoding of `in` to `out`, which must have room for
/// percent_encoded_size(in) characters; returns the end of what was written.
inline char* percent_encode(std::string_view in, char* out) noexcept
{
    for (const char c : in) out = detail::encode_byte(static_cast<unsigned char>(c), out);
    return out;
}

/// Appends the RFC 5849 §3.6 encoding of `in` to `out`.
/// @par Example
/// `percent_encode_append("a b&c", s)` appends `a%20b%26c`.
inline void percent_encode_append(std::string_view in, std::string& out)
{
    // Most values (keys, tokens, nonces) need no escape: one copy. Otherwise the exact size is
    // known, and the encoding is written through a pointer.
    const std::size_t n = percent_encoded_size(in);
    if (n == in.size()) {
        out.append(in);
        return;
    }
    const std::size_t old = out.size();
    out.resize(old + n);
    percent_encode(in, out.data() + old);
}

/// Returns the RFC 5849 §3.6 encoding of `in`.
inline std::string percent_encode(std::string_view in)
{
    std::string out;
    percent_encode_append(in, out);
    return out;
}

/// Options for percent_decode.
struct decode_opts {
    /// Decode '+' as a space, as application/x-www-form-urlencoded requires (RFC 5849 §3.4.1.3.1).
    bool plus_as_space = false;
};

/// Appends the percent-decoding of `in` to `out`. On a malformed escape sets
/// errc::invalid_percent_encoding and leaves `out` with what was decoded before it.
inline void percent_decode_append(std::string_view in, std::string& out, std::error_code& ec,
                                  decode_opts opts = {})
{
    ec.clear();
    // Text between escapes (and '+' when it means a space) is copied in runs.
    const char* p = in.data();
    const char* const end = p + in.size();
    const char* run = p;
    for (; p != end; ++p) {
        if (!opts.plus_as_space) { // only '%' is special: find it with memchr
            const void* q = std::memchr(p, '%', static_cast<std::size_t>(end - p));
            if (q == nullptr) {
                p = end;
                break;
            }
            p = static_cast<const char*>(q);
        }
        const char c = *p;
        if (c != '%' && (c != '+' || !opts.plus_as_space)) continue;
        if (p != run) out.append(run, static_cast<std::size_t>(p - run));
        if (c == '+') {
            out.push_back(' ');
            run = p + 1;
            continue;
        }
        if (end - p < 3) {
            ec = make_error_code(errc::invalid_percent_encoding);
            return;
        }
        const int hi = detail::hex_value(p[1]);
        const int lo = detail::hex_value(p[2]);
        if (hi < 0 || lo < 0) {
            ec = make_error_code(errc::invalid_percent_encoding);
            return;
        }
        out.push_back(static_cast<char>((hi << 4) | lo));
        p += 2;
        run = p + 1;
    }
    if (p != run) out.append(run, static_cast<std::size_t>(p - run));
}

/// Percent-decodes `in`; errc::invalid_percent_encoding on a malformed escape.
inline std::string percent_decode(std::string_view in, std::error_code& ec, decode_opts opts = {})
{
    std::string out;
    percent_decode_append(in, out, ec, opts);
    if (ec) out.clear();
    return out;
}

/// Percent-decodes `in`; throws oauth1::error on a malformed escape.
inline std::string percent_decode(std::string_view in, decode_opts opts = {})
{
    std::error_code ec;
    std::string out = percent_decode(in, ec, opts);
    detail::throw_if(ec, "percent_decode");
    return out;
}

/// Decodes one application/x-www-form-urlencoded name or value ('+' is a space).
inline std::string form_decode(std::string_view in, std::error_code& ec)
{
    return percent_decode(in, ec, decode_opts{true});
}

/// Decodes one application/x-www-form-urlencoded name or value ('+' is a space); throws.
inline std::string form_decode(std::string_view in)
{
    return percent_decode(in, decode_opts{true});
}

/// Appends the RFC 5849 §3.6 encoding of the percent-decoding of `in` (decode once, then encode
/// once: a pre-encoded "%2B" stays "%2B"; with plus_as_space, as in
/// application/x-www-form-urlencoded text, a '+' becomes "%20"). Normalises query, form and header
/// parameters (3.4.1.3.2) without a temporary. On a malformed escape sets
/// errc::invalid_percent_encoding and appends nothing.
inline void percent_recode_append(std::string_view in, std::string& out, std::error_code& ec,
                                  decode_opts opts = {true})
{
    ec.clear();
    const std::size_t old = out.size();
    out.resize(old + 3 * in.size());
    const char* p = in.data();
    char* o = out.data() + old;
    std::size_t pct = 0;
    if (!detail::recode_part(p, in.data() + in.size(), detail::stop_none, opts.plus_as_space, o,
                             pct, nullptr)) {
        ec = make_error_code(errc::invalid_percent_encoding);
        out.resize(old);
        return;
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
}

} // namespace oauth1

#endif // OAUTH1_ENCODING_HPP
