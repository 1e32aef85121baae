// oauth1/detail/percent_scan.hpp - private (not part of oauth1's API): the machinery of
// encoding.hpp. Character tables (the RFC 5849 §3.6 unreserved set, RFC 3986 URI classes), hex
// digits, the byte scanners (SSE2 when available, portable otherwise), the short-run copy and the
// decode-once-encode-once loop (recode_part) behind percent_recode_append and the parameter
// normalisation of RFC 5849 §3.4.1.3.2.
#ifndef OAUTH1_DETAIL_PERCENT_SCAN_HPP
#define OAUTH1_DETAIL_PERCENT_SCAN_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>

// OAUTH1_NO_SIMD: use the portable scan everywhere (the tests build it both ways).
#if !defined(OAUTH1_NO_SIMD) &&                                                                    \
    (defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2))
#include <emmintrin.h>
#define OAUTH1_DETAIL_SSE2 1
#endif

namespace oauth1::detail {

struct unreserved_table {
    bool v[256];
    constexpr unreserved_table() : v{}
    {
        for (int c = 'A'; c <= 'Z'; ++c) v[c] = true;
        for (int c = 'a'; c <= 'z'; ++c) v[c] = true;
        for (int c = '0'; c <= '9'; ++c) v[c] = true;
        v[static_cast<unsigned char>('-')] = true;
        v[static_cast<unsigned char>('.')] = true;
        v[static_cast<unsigned char>('_')] = true;
        v[static_cast<unsigned char>('~')] = true;
    }
};

inline constexpr unreserved_table unreserved{};
inline constexpr char upper_hex[] = "0123456789ABCDEF";

constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/// Writes the 3.6 encoding of byte `b` at `out`; returns the new end.
inline char* encode_byte(unsigned char b, char* out) noexcept
{
    if (unreserved.v[b]) {
        *out++ = static_cast<char>(b);
    } else {
        *out++ = '%';
        *out++ = upper_hex[b >> 4];
        *out++ = upper_hex[b & 15U];
    }
    return out;
}

/// Character classes of RFC 3986: 1 = reg-name subset (ALPHA DIGIT '-' '.'), 2 = pchar
/// without pct-encoded, plus '/', 4 = fragment characters (pchar, '/', '?'), 8 = the query
/// characters oauth1 accepts: class 4 plus '[' and ']' (query_char_mask).
struct uri_char_table {
    unsigned char v[256];
    constexpr uri_char_table() : v{}
    {
        for (int c = 'A'; c <= 'Z'; ++c) v[c] = 15;
        for (int c = 'a'; c <= 'z'; ++c) v[c] = 15;
        for (int c = '0'; c <= '9'; ++c) v[c] = 15;
        v[static_cast<unsigned char>('-')] = 15;
        v[static_cast<unsigned char>('.')] = 15;
        for (const char c :
             {'_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '/'})
            v[static_cast<unsigned char>(c)] = 14;
        v[static_cast<unsigned char>('?')] = 12;
        v[static_cast<unsigned char>('[')] = 8;
        v[static_cast<unsigned char>(']')] = 8;
    }
};
inline constexpr uri_char_table uri_chars{};

/// The class of uri_chars a query may hold. RFC 3986 §3.4 leaves '[' and ']' out of a query, but
/// PHP-style bracketed names (Magento 2's `searchCriteria[pageSize]=10`) are sent with them raw
/// by browsers, curl, Qt and Magento's own clients, and a server decodes them like %5B and %5D:
/// oauth1 accepts them there (never in the host, path, userinfo or fragment) and signs the name
/// as that server does, `searchCriteria%5BpageSize%5D` (RFC 5849 §3.4.1.3.2 encodes them).
inline constexpr unsigned query_char_mask = 8U;

/// True when [first, last) holds '[' or ']': a query that Boost.URL refuses but oauth1 accepts.
inline bool has_square_bracket(const char* first, const char* last) noexcept
{
    for (; first != last; ++first)
        if (*first == '[' || *first == ']') return true;
    return false;
}

#if defined(OAUTH1_DETAIL_SSE2)
/// Index of the lowest set bit of `mask` (not 0): the first matching byte of a 16-byte movemask.
inline unsigned lowest_set_bit(unsigned mask) noexcept
{
#if defined(__GNUC__) || defined(__clang__)
    return static_cast<unsigned>(__builtin_ctz(mask));
#else
    unsigned i = 0;
    while (((mask >> i) & 1U) == 0) ++i;
    return i;
#endif
}
#endif

/// Length of the run of unreserved characters at the start of [p, end), up to the first byte that
/// is not unreserved (or `end`). Sixteen bytes at a time with SSE2, four at a time otherwise.
inline std::size_t unreserved_run(const char* p, const char* end) noexcept
{
    const char* const begin = p;
#if defined(OAUTH1_DETAIL_SSE2)
    // ALPHA (folded to lower case with | 0x20), DIGIT, '-', '.', '_', '~'. Signed byte compares:
    // bytes >= 0x80 are negative, outside every range.
    const __m128i fold = _mm_set1_epi8(0x20);
    const __m128i a_1 = _mm_set1_epi8('a' - 1);
    const __m128i z_1 = _mm_set1_epi8('z' + 1);
    const __m128i d0_1 = _mm_set1_epi8('0' - 1);
    const __m128i d9_1 = _mm_set1_epi8('9' + 1);
    const __m128i dash = _mm_set1_epi8('-');
    const __m128i dot = _mm_set1_epi8('.');
    const __m128i under = _mm_set1_epi8('_');
    const __m128i tilde = _mm_set1_epi8('~');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i lower = _mm_or_si128(v, fold);
        const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, a_1), _mm_cmplt_epi8(lower, z_1));
        const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d0_1), _mm_cmplt_epi8(v, d9_1));
        const __m128i mark =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dash), _mm_cmpeq_epi8(v, dot)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, under), _mm_cmpeq_epi8(v, tilde)));
        const auto ok = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), mark)));
        if (ok != 0xFFFFU) {
            // The first byte that is not unreserved.
            return static_cast<std::size_t>(p - begin) + lowest_set_bit(~ok & 0xFFFFU);
        }
        p += 16;
    }
#endif
    while (end - p >= 4 && (unreserved.v[static_cast<unsigned char>(p[0])] &
                            unreserved.v[static_cast<unsigned char>(p[1])] &
                            unreserved.v[static_cast<unsigned char>(p[2])] &
                            unreserved.v[static_cast<unsigned char>(p[3])]))
        p += 4;
    while (p != end && unreserved.v[static_cast<unsigned char>(*p)]) ++p;
    return static_cast<std::size_t>(p - begin);
}

/// Offset of the first byte in [p, end) equal to one of `Stops` (end - p when there is none).
/// Sixteen bytes at a time with SSE2.
template <char... Stops>
inline std::size_t find_first_of_bytes(const char* p, const char* end) noexcept
{
    const char* const begin = p;
#if defined(OAUTH1_DETAIL_SSE2)
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i hit = _mm_setzero_si128();
        ((hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(Stops)))), ...);
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
        if (mask != 0) return static_cast<std::size_t>(p - begin) + lowest_set_bit(mask);
        p += 16;
    }
#endif
    while (p != end && ((*p != Stops) && ...)) ++p;
    return static_cast<std::size_t>(p - begin);
}

/// Copies `n` bytes from `src` to `dst` (not overlapping) and returns dst + n. Runs of up to 32
/// bytes (most parameter names and values) are copied inline with overlapping 8-byte moves
/// instead of a call to memcpy.
inline char* copy_run(char* dst, const char* src, std::size_t n) noexcept
{
    if (n > 32) {
        std::memcpy(dst, src, n);
        return dst + n;
    }
    if (n >= 8) {
        const auto move8 = [](char* d, const char* s) {
            std::uint64_t w;
            std::memcpy(&w, s, 8);
            std::memcpy(d, &w, 8);
        };
        if (n > 16) {
            move8(dst, src);
            move8(dst + 8, src + 8);
            move8(dst + n - 16, src + n - 16);
            move8(dst + n - 8, src + n - 8);
        } else {
            move8(dst, src);
            move8(dst + n - 8, src + n - 8);
        }
        return dst + n;
    }
    if (n >= 4) {
        std::uint32_t a;
        std::uint32_t b;
        std::memcpy(&a, src, 4);
        std::memcpy(&b, src + n - 4, 4);
        std::memcpy(dst, &a, 4);
        std::memcpy(dst + n - 4, &b, 4);
        return dst + n;
    }
    if (n != 0) {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
    return dst + n;
}

/// Where recode_part stops.
enum recode_stop : unsigned { stop_none = 0, stop_amp = 1, stop_eq = 2 };

/// Decodes once and encodes once (3.6) the text from `pos` up to the first '&' (stop_amp) or
/// '=' (stop_eq) or `end`, writing at `out` (room for three times the input); leaves `pos` at the
/// stop character and `out` past what was written. Characters whose output equals the input
/// are copied in runs. Adds the number of '%' written to `pct`. When `bad_query_char` is given,
/// sets it on a byte RFC 3986 does not allow in a query. Returns false on a malformed escape.
inline bool recode_part(const char*& pos, const char* end, unsigned stops, bool plus_as_space,
                        char*& out, std::size_t& pct, bool* bad_query_char)
{
    const char* p = pos; // local cursors: the scan loop then stays in registers
    char* o = out;
    const char* run = p;
    const auto flush = [&] { o = copy_run(o, run, static_cast<std::size_t>(p - run)); };
    while (p != end) {
        p += unreserved_run(p, end); // runs of unreserved characters, many at a time
        if (p == end) break;
        const auto b = static_cast<unsigned char>(*p);
        if ((b == '&' && (stops & stop_amp) != 0) || (b == '=' && (stops & stop_eq) != 0)) break;
        if (b == '%') {
            if (end - p < 3) {
                pos = p;
                return false;
            }
            const int hi = hex_value(p[1]);
            const int lo = hex_value(p[2]);
            if (hi < 0 || lo < 0) {
                pos = p;
                return false;
            }
            const auto d = static_cast<unsigned char>((hi << 4) | lo);
            if (!unreserved.v[d] && p[1] == upper_hex[d >> 4] && p[2] == upper_hex[d & 15U]) {
                p += 3; // already canonical: part of the run
                ++pct;
                continue;
            }
            flush();
            if (unreserved.v[d]) {
                *o++ = static_cast<char>(d);
            } else {
                *o++ = '%';
                *o++ = upper_hex[d >> 4];
                *o++ = upper_hex[d & 15U];
                ++pct;
            }
            p += 3;
            run = p;
            continue;
        }
        if (bad_query_char != nullptr && (uri_chars.v[b] & query_char_mask) == 0)
            *bad_query_char = true;
        flush();
        *o++ = '%';
        if (b == '+' && plus_as_space) {
            *o++ = '2';
            *o++ = '0';
        } else {
            *o++ = upper_hex[b >> 4];
            *o++ = upper_hex[b & 15U];
        }
        ++pct;
        ++p;
        run = p;
    }
    flush();
    pos = p;
    out = o;
    return true;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_PERCENT_SCAN_HPP
