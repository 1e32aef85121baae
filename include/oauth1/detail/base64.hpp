// oauth1/detail/base64.hpp - RFC 4648 base64 (standard alphabet, padded), used for signatures
// (RFC 5849 §3.4.2, 3.4.3) and headerless keys.
#ifndef OAUTH1_DETAIL_BASE64_HPP
#define OAUTH1_DETAIL_BASE64_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace oauth1::detail {

inline constexpr char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::size_t base64_encoded_size(std::size_t n) noexcept
{
    return (n + 2) / 3 * 4;
}

/// Writes the base64 form of [data, data+n) to `out` (base64_encoded_size(n) chars); returns end.
inline char* base64_encode(const unsigned char* data, std::size_t n, char* out) noexcept
{
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) |
                                std::uint32_t{data[i + 2]};
        *out++ = base64_alphabet[(v >> 18) & 63U];
        *out++ = base64_alphabet[(v >> 12) & 63U];
        *out++ = base64_alphabet[(v >> 6) & 63U];
        *out++ = base64_alphabet[v & 63U];
    }
    if (n - i == 1) {
        const std::uint32_t v = std::uint32_t{data[i]} << 16;
        *out++ = base64_alphabet[(v >> 18) & 63U];
        *out++ = base64_alphabet[(v >> 12) & 63U];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
        *out++ = base64_alphabet[(v >> 18) & 63U];
        *out++ = base64_alphabet[(v >> 12) & 63U];
        *out++ = base64_alphabet[(v >> 6) & 63U];
        *out++ = '=';
    }
    return out;
}

/// Appends the base64 form of the bytes to `out`.
inline void base64_append(const unsigned char* data, std::size_t n, std::string& out)
{
    const std::size_t old = out.size();
    out.resize(old + base64_encoded_size(n));
    base64_encode(data, n, out.data() + old);
}

inline int base64_value(char c) noexcept
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/// Strict decoding: the standard alphabet, length a multiple of 4 after skipping ASCII whitespace
/// when `skip_whitespace`, padding only at the end. Calls `sink(byte)` for each decoded byte, in
/// order; returns false on bad input (after the bytes before the fault).
template <class Sink>
bool base64_decode_each(std::string_view in, Sink&& sink, bool skip_whitespace = false)
{
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t count = 0;
    std::size_t pad = 0;
    for (const char c : in) {
        if (skip_whitespace && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) continue;
        ++count;
        if (c == '=') {
            ++pad;
            if (pad > 2) return false;
            continue;
        }
        if (pad != 0) return false; // data after padding
        const int v = base64_value(c);
        if (v < 0) return false;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            sink(static_cast<unsigned char>((acc >> bits) & 0xFFU));
        }
    }
    if (count % 4 != 0) return false;
    // Non-zero leftover bits mean a non-canonical encoding.
    return (acc & ((1U << bits) - 1U)) == 0;
}

/// As base64_decode_each, appending the bytes to `out`.
inline bool base64_decode_append(std::string_view in, std::string& out,
                                 bool skip_whitespace = false)
{
    return base64_decode_each(
        in, [&out](unsigned char b) { out.push_back(static_cast<char>(b)); }, skip_whitespace);
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_BASE64_HPP
