// oauth1/detail/auth_param.hpp - private (not part of oauth1's API): the one scanner of the
// RFC 7235 §2.1 auth-param syntax, behind every reader of an `OAuth ...` header value:
// parse_authorization_header (authorization.hpp), the provider's scheme check (provider.hpp),
// the WWW-Authenticate challenge walker (detail/problem_fields.hpp) and the cpp-httplib server
// adapter's undoing of that library's header decoding (reencode_decoded_authorization below).
//
//   credentials   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]           RFC 7235 §2.1
//   auth-param    = token BWS "=" BWS ( token / quoted-string )
//   #auth-param   = [ auth-param ] *( OWS "," OWS [ auth-param ] )            RFC 7230 §7
//   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, quoted-pair = "\" octet
//
// What the scanner accepts, exactly (the RFC 5849 §3.5.1 header, read as every oauth1 reader
// read it before there was one scanner):
// - OWS (SP, HTAB) before the scheme; the scheme in any case, then SP or HTAB or the end;
// - list elements separated by ",", with OWS around them; empty elements are skipped;
// - a name: one or more bytes other than SP, HTAB, ",", "=" - wider than RFC 7230's tchar (every
//   byte that cannot end a name is part of it), so a 3.6-encoded name is always one;
// - BWS "=" BWS, then a quoted-string, or a bare value: zero or more bytes other than SP, HTAB,
//   "," (an empty bare value is accepted: `a=, b="1"`);
// - after a value, OWS and then "," or the end;
// - CR, LF and NUL nowhere (they end or split a header field: RFC 7230 §3.2), not even escaped.
// OAuth has no token68 form: a token68 is a name without "=" (missing_equals). Every step is one
// forward pass over the bytes: linear time, no allocation.
#ifndef OAUTH1_DETAIL_AUTH_PARAM_HPP
#define OAUTH1_DETAIL_AUTH_PARAM_HPP

#include <oauth1/detail/percent_scan.hpp>
#include <oauth1/encoding.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace oauth1::detail {

/// OWS (RFC 7230 §3.2.3): SP or HTAB.
constexpr bool is_ows(char c) noexcept
{
    return c == ' ' || c == '\t';
}

/// "realm" in any case: auth-param names are case-insensitive (RFC 7235 §2.1).
constexpr bool is_realm_name(std::string_view name) noexcept
{
    constexpr std::string_view realm = "realm";
    if (name.size() != realm.size()) return false;
    for (std::size_t i = 0; i < realm.size(); ++i)
        if ((name[i] | 0x20) != realm[i]) return false;
    return true;
}

/// Appends `s` as a quoted-string: '"' and '\' escaped with '\'.
inline void quoted_string_append(std::string_view s, std::string& out)
{
    out.push_back('"');
    for (const char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

/// The offset just past `scheme` when `v` is OWS, then `scheme` in any (ASCII) case, then SP,
/// HTAB or the end; std::string_view::npos otherwise (another scheme, or none).
constexpr std::size_t auth_scheme_end(std::string_view v, std::string_view scheme) noexcept
{
    std::size_t i = 0;
    while (i < v.size() && is_ows(v[i])) ++i;
    if (v.size() - i < scheme.size()) return std::string_view::npos;
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (std::size_t k = 0; k < scheme.size(); ++k)
        if (lower(v[i + k]) != lower(scheme[k])) return std::string_view::npos;
    i += scheme.size();
    if (i < v.size() && !is_ows(v[i])) return std::string_view::npos;
    return i;
}

/// Why a scan ended early.
enum class auth_param_error : unsigned char {
    none,
    other_scheme,       ///< not the expected auth-scheme followed by SP, HTAB or the end
    empty_name,         ///< an element that starts with "="
    missing_equals,     ///< a name without BWS "=" after it (a token68, a stray word)
    unterminated_quote, ///< the input ends inside a quoted-string (or a quoted-pair)
    forbidden_byte,     ///< CR, LF or NUL
    missing_comma,      ///< after a value, something other than OWS and then "," or the end
};

/// What the scanner reads.
enum class auth_param_text : unsigned char {
    /// A header field value as received: the grammar above.
    header,
    /// The value after cpp-httplib (before 0.44) percent-decoded it once: names and bare values
    /// may then hold any byte but their delimiters (CR, LF, NUL included: they were %0D, %0A,
    /// %00), a realm's quoted-string too, and the quoted value of any other parameter ends at
    /// the first '"' followed by the end or by ", oauth_...=" / ", realm=" (RFC 5849 §3.5.1
    /// allows no other parameters): a decoded value may itself hold '"', ',' and '\'. A
    /// backslash there is an ordinary byte (it was %5C), never a quoted-pair.
    decoded,
};

/// One auth-param as it stands in the input (both views point into it).
struct auth_param {
    std::string_view name;
    /// A bare value as is; a quoted-string's content between its quotes, quoted-pairs still
    /// escaped.
    std::string_view raw_value;
    bool quoted = false;
    /// raw_value holds a quoted-pair (header text only).
    bool escaped = false;

    /// The value with its quoted-pairs undone: raw_value itself when it has none, else the
    /// unescaped copy made in `buffer`.
    std::string_view value(std::string& buffer) const
    {
        if (!escaped) return raw_value;
        buffer.clear();
        for (std::size_t k = 0; k < raw_value.size(); ++k) {
            // The scanner guarantees that a '\' inside a quoted-string escapes one more byte.
            if (raw_value[k] == '\\' && k + 1 < raw_value.size()) ++k;
            buffer.push_back(raw_value[k]);
        }
        return buffer;
    }
};

/// Scans an auth-scheme and its list of auth-params, one param per next() call.
///
///   auth_param_scanner s(header_value, "OAuth");
///   for (auth_param p; s.next(p);) {
///       if (s.error() != auth_param_error::none) break; // strict: refuse what follows badly
///       ... p.name, p.value(buffer) ...
///   }
///   if (s.error() != auth_param_error::none) ... s.error_offset() ...
class auth_param_scanner {
public:
    /// Starts scanning `input`: OWS, `scheme` in any case, then SP, HTAB or the end. Anything
    /// else sets error other_scheme (at the offset where the scheme should begin).
    auth_param_scanner(std::string_view input, std::string_view scheme,
                       auth_param_text text = auth_param_text::header) noexcept
        : in_(input), text_(text)
    {
        pos_ = auth_scheme_end(input, scheme);
        if (pos_ == std::string_view::npos) {
            std::size_t i = 0;
            while (i < in_.size() && is_ows(in_[i])) ++i;
            fail(auth_param_error::other_scheme, i);
        }
    }

    /// The next auth-param into `out`: true when one was read, false at the end of the list or
    /// at an error (see error()). An auth-param followed by something other than OWS and "," or
    /// the end is still returned - its value is complete - with error() already set to
    /// missing_comma, and the scan ends there: a strict reader checks error() after every call,
    /// a lenient one keeps what came before the error.
    bool next(auth_param& out) noexcept
    {
        // One branch per parameter; each scan below is compiled for its kind of text.
        return text_ == auth_param_text::header ? next_in<auth_param_text::header>(out)
                                                : next_in<auth_param_text::decoded>(out);
    }

    /// auth_param_error::none while scanning and after a clean end.
    auth_param_error error() const noexcept { return error_; }
    /// Where error() was found: the offset of the offending byte, or the input's size when the
    /// input ended too early (in a name, a quoted-string, or before "=").
    std::size_t error_offset() const noexcept { return error_offset_; }

private:
    template <auth_param_text Text>
    bool next_in(auth_param& out) noexcept
    {
        if (done_) return false;
        skip_separators();
        if (pos_ == in_.size()) {
            done_ = true;
            return false;
        }
        if (!scan_name<Text>(out.name)) return false;
        while (pos_ < in_.size() && is_ows(in_[pos_])) ++pos_;
        if (pos_ == in_.size() || in_[pos_] != '=')
            return fail(auth_param_error::missing_equals, pos_);
        ++pos_;
        while (pos_ < in_.size() && is_ows(in_[pos_])) ++pos_;
        out.quoted = pos_ < in_.size() && in_[pos_] == '"';
        out.escaped = false;
        if (!(out.quoted ? scan_quoted<Text>(out) : scan_bare<Text>(out.raw_value))) return false;
        while (pos_ < in_.size() && is_ows(in_[pos_])) ++pos_;
        if (pos_ < in_.size() && in_[pos_] != ',') fail(auth_param_error::missing_comma, pos_);
        return true;
    }

    bool fail(auth_param_error e, std::size_t at) noexcept
    {
        error_ = e;
        error_offset_ = at;
        done_ = true;
        return false;
    }

    static constexpr bool breaks_header(char c) noexcept
    {
        return c == '\r' || c == '\n' || c == '\0';
    }

    /// OWS and "," (empty list elements).
    void skip_separators() noexcept
    {
        while (pos_ < in_.size() && (is_ows(in_[pos_]) || in_[pos_] == ',')) ++pos_;
    }

    template <auth_param_text Text>
    bool scan_name(std::string_view& name) noexcept
    {
        const std::size_t begin = pos_;
        const char* const p = in_.data() + pos_;
        const char* const end = in_.data() + in_.size();
        if constexpr (Text == auth_param_text::header) {
            pos_ += find_first_of_bytes<'=', ',', ' ', '\t', '\r', '\n', '\0'>(p, end);
            if (pos_ < in_.size() && breaks_header(in_[pos_]))
                return fail(auth_param_error::forbidden_byte, pos_);
        } else {
            pos_ += find_first_of_bytes<'=', ',', ' ', '\t'>(p, end);
        }
        if (pos_ == begin) return fail(auth_param_error::empty_name, pos_);
        name = in_.substr(begin, pos_ - begin);
        return true;
    }

    template <auth_param_text Text>
    bool scan_bare(std::string_view& value) noexcept
    {
        const std::size_t begin = pos_;
        const char* const p = in_.data() + pos_;
        const char* const end = in_.data() + in_.size();
        if constexpr (Text == auth_param_text::header) {
            pos_ += find_first_of_bytes<',', ' ', '\t', '\r', '\n', '\0'>(p, end);
            if (pos_ < in_.size() && breaks_header(in_[pos_]))
                return fail(auth_param_error::forbidden_byte, pos_);
        } else {
            pos_ += find_first_of_bytes<',', ' ', '\t'>(p, end);
        }
        value = in_.substr(begin, pos_ - begin);
        return true;
    }

    /// A quoted-string (pos_ at its opening '"'); in decoded text, see auth_param_text.
    template <auth_param_text Text>
    bool scan_quoted(auth_param& out) noexcept
    {
        const std::size_t begin = ++pos_;
        const std::size_t n = in_.size();
        if (Text == auth_param_text::decoded && !is_realm_name(out.name)) {
            for (;; ++pos_) {
                pos_ = in_.find('"', pos_);
                if (pos_ == std::string_view::npos)
                    return fail(auth_param_error::unterminated_quote, n);
                if (closes_decoded_value(pos_ + 1)) break;
            }
        } else {
            constexpr bool header = Text == auth_param_text::header;
            for (;;) {
                // Most values hold no '"' or '\' before their end: skip to the next of either.
                pos_ += header ? find_first_of_bytes<'"', '\\', '\r', '\n', '\0'>(in_.data() + pos_,
                                                                                  in_.data() + n)
                               : find_first_of_bytes<'"', '\\'>(in_.data() + pos_, in_.data() + n);
                if (pos_ == n) return fail(auth_param_error::unterminated_quote, n);
                const char c = in_[pos_];
                if (c == '"') break;
                if (c != '\\') return fail(auth_param_error::forbidden_byte, pos_);
                out.escaped = header;
                if (++pos_ == n) return fail(auth_param_error::unterminated_quote, n);
                if (header && breaks_header(in_[pos_]))
                    return fail(auth_param_error::forbidden_byte, pos_);
                ++pos_;
            }
        }
        out.raw_value = in_.substr(begin, pos_ - begin);
        ++pos_; // the closing '"'
        return true;
    }

    /// Decoded text: whether in_[k...] is OWS up to the end, or OWS "," (OWS and empty
    /// elements) then a name that starts with "oauth_" or is "realm" in any case, BWS "=". The
    /// name here also stops at '"', so each look-ahead ends before the next '"' and all of them
    /// together read each byte at most once more.
    bool closes_decoded_value(std::size_t k) const noexcept
    {
        const std::size_t n = in_.size();
        while (k < n && is_ows(in_[k])) ++k;
        if (k == n) return true;
        if (in_[k] != ',') return false;
        ++k;
        while (k < n && (is_ows(in_[k]) || in_[k] == ',')) ++k;
        const std::size_t name_begin = k;
        while (k < n && in_[k] != '=' && !is_ows(in_[k]) && in_[k] != ',' && in_[k] != '"') ++k;
        const std::string_view name = in_.substr(name_begin, k - name_begin);
        while (k < n && is_ows(in_[k])) ++k;
        return k < n && in_[k] == '=' && (name.substr(0, 6) == "oauth_" || is_realm_name(name));
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    std::size_t error_offset_ = 0;
    auth_param_text text_;
    auth_param_error error_ = auth_param_error::none;
    bool done_ = false;
};

/// Undoes cpp-httplib's percent-decoding of an `OAuth ...` Authorization value (read as
/// auth_param_text::decoded): re-encodes each parameter name and value per RFC 5849 §3.6. The
/// realm - the parameter whose name is "realm" in any case, exactly as
/// oauth1::parse_authorization_header() decides - is kept as it is, quoted or not. Anything that
/// is not an OAuth header, or that does not parse, is returned unchanged (and then refused).
inline std::string reencode_decoded_authorization(std::string_view v)
{
    auth_param_scanner s(v, "OAuth", auth_param_text::decoded);
    std::string out = "OAuth ";
    bool first = true;
    for (auth_param p; s.next(p);) {
        if (!first) out += ", ";
        first = false;
        if (is_realm_name(p.name)) {
            // As received: a quoted-string stays one (escapes and all), a token stays a token.
            out.append(p.name);
            out += '=';
            if (p.quoted) out += '"';
            out.append(p.raw_value);
            if (p.quoted) out += '"';
        } else {
            percent_encode_append(p.name, out);
            out += "=\"";
            percent_encode_append(p.raw_value, out);
            out += '"';
        }
    }
    if (s.error() != auth_param_error::none) return std::string(v);
    return out;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_AUTH_PARAM_HPP
