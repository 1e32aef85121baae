// tools/jira-oauth/output.hpp - what jira-oauth prints. Everything that came from the network or a
// file (tokens, the provider's oauth_problem_advice and error pages, answer bodies, values and
// keys read from config.properties) goes through terminal_safe() first: a hostile or broken
// server must not be able to move the cursor, retitle the window, rewrite what was printed
// before ("\r") or hide text, which terminals do for control characters and escape sequences.
#ifndef JIRA_OAUTH_OUTPUT_HPP
#define JIRA_OAUTH_OUTPUT_HPP

#include "config.hpp"

#include <oauth1/error.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace jira_oauth {

/// How terminal_safe() treats line breaks.
enum class text_layout {
    line,       ///< one line: '\n' and '\t' are escaped too
    multi_line, ///< '\n' and '\t' kept, "\r\n" printed as '\n' (a lone '\r' is escaped)
};

namespace detail {

inline void append_hex_escape(unsigned char b, std::string& out)
{
    constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15U]);
}

/// The length of the well-formed UTF-8 sequence at s[i] (2 to 4 bytes) and its code point, or
/// 0 when there is none (a stray continuation byte, an overlong form, a surrogate, > U+10FFFF,
/// or a truncated sequence).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i, std::uint32_t& cp) noexcept
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        cp = b0 & 0x1FU;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        cp = b0 & 0x0FU;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        cp = b0 & 0x07U;
    } else {
        return 0;
    }
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0U) != 0x80U) return 0;
        cp = (cp << 6) | (b & 0x3FU);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/// Code points a terminal acts on rather than shows: C1 controls (U+0080..U+009F, e.g. U+009B,
/// CSI) and the bidirectional formatting characters, which reorder what is displayed (text
/// that reads differently from what it is).
constexpr bool is_invisible_control(std::uint32_t cp) noexcept
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

} // namespace detail

/// `text` (from the network or a file) made safe to print on a terminal: bytes of C0 controls
/// (ESC, BEL, CR, NUL, ...), DEL, bytes that are not well-formed UTF-8 (0x9B alone is CSI on
/// some terminals) and C1 / bidirectional control characters written as UTF-8 become visible
/// escapes ("\x1b", "\r", "\u{9b}"), so an escape sequence such as "\x1b]0;title\x07" is shown,
/// never acted on. Printable ASCII and well-formed UTF-8 text are kept as they are; with
/// text_layout::multi_line so are '\n' and '\t' (and "\r\n" becomes "\n").
inline std::string terminal_safe(std::string_view text, text_layout layout = text_layout::line)
{
    std::string out;
    out.reserve(text.size());
    const bool multi = layout == text_layout::multi_line;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b >= 0x20 && b < 0x7F) {
            out.push_back(static_cast<char>(b));
            ++i;
            continue;
        }
        if (b < 0x80) { // C0 or DEL
            if (multi && (b == '\n' || b == '\t')) {
                out.push_back(static_cast<char>(b));
            } else if (multi && b == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                // the '\n' follows on the next round
            } else if (b == '\n') {
                out += "\\n";
            } else if (b == '\r') {
                out += "\\r";
            } else if (b == '\t') {
                out += "\\t";
            } else {
                detail::append_hex_escape(b, out);
            }
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        const std::size_t n = detail::utf8_sequence(text, i, cp);
        if (n == 0) {
            detail::append_hex_escape(b, out);
            ++i;
        } else if (detail::is_invisible_control(cp)) {
            constexpr char hex[] = "0123456789abcdef";
            std::string digits;
            for (std::uint32_t v = cp; v != 0; v >>= 4) digits.insert(digits.begin(), hex[v & 15U]);
            out += "\\u{" + digits + "}";
            i += n;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

/// Writes an error message to `err` (stderr) as "jira-oauth: MESSAGE\n", made terminal-safe:
/// messages quote the provider (advice, error pages, base strings) and config.properties.
inline void print_error(std::ostream& err, std::string_view message)
{
    err << "jira-oauth: " << terminal_safe(message, text_layout::multi_line) << '\n';
}

/// Writes the body of a `request` answer to `out`: as received when `out` is not a terminal
/// (`to_terminal` false: a file or a pipe into jq gets the exact bytes), terminal-safe (lines
/// kept) when it is; followed by a newline when it does not end with one.
inline void print_body(std::ostream& out, std::string_view body, bool to_terminal)
{
    if (to_terminal) {
        out << terminal_safe(body, text_layout::multi_line);
    } else {
        out << body;
    }
    if (!body.empty() && body.back() != '\n') out << '\n';
}

/// A failed step as one paragraph: oauth1's explanation (the provider's oauth_problem, advice,
/// the difference of base strings), plus what the HTTP client said (`transport_error`), what an
/// identical base string means, and a hint for SHA-1 refusals. Never a secret: step_failure
/// holds none, and the transports' messages hold no headers. Not yet terminal-safe: print it
/// with print_error().
inline std::string failure_message(const oauth1::step_failure& f, std::string_view transport_error,
                                   const settings& s)
{
    std::string msg = f.describe();
    const bool echoed = f.problem && !f.problem->signature_base_string.empty();
    if (echoed && f.problem->code == oauth1::problem::signature_invalid &&
        f.base_string_difference.empty()) {
        // JIRA echoes the base string it verified: when it is ours, describe() says the key
        // differs; name the key in this program's terms.
        msg += "\nthat is: ";
        msg += oauth1::is_rsa(oauth1::parse_signature_method(s.signature_method)
                                  .value_or(oauth1::signature_method::rsa_sha1))
                   ? "the public key registered for consumer '" + s.consumer_key +
                         "' (JIRA: the application link's Incoming Authentication) is not the "
                         "public half of private_key (jira_publickey.pem made with it by "
                         "'jira-oauth keygen')"
                   : "consumer_secret (or the token secret) is not the provider's";
    }
    if (f.error == oauth1::errc::transport_failed) {
        if (!transport_error.empty()) msg += " (" + std::string(transport_error) + ")";
        msg += "; check jira_home and that the server is reachable";
    } else if (f.error == oauth1::errc::response_too_large) {
        if (!transport_error.empty()) msg += " (" + std::string(transport_error) + ")";
    } else if (f.error == oauth1::errc::crypto_policy_refused) {
        msg += ": pass --signature-method RSA-SHA256 (or put signature_method=RSA-SHA256 in "
               "config.properties) if the server accepts it";
    }
    return msg;
}

} // namespace jira_oauth

#endif // JIRA_OAUTH_OUTPUT_HPP
