// oauth1/detail/origin.hpp - private to oauth1 (not a public header): how a server adapter
// rebuilds the absolute URL a client signed (RFC 5849 §3.4.1.2) from the configured origin, the
// Host header when trusted, and the forwarding headers of a trusted proxy (RFC 7239 Forwarded,
// or X-Forwarded-Proto / X-Forwarded-Host), whatever the server library's request type: the
// adapter passes a callable that visits the values of the fields of one name, in order. Also the
// small pieces of header syntax that needs: optional whitespace, lists outside quoted-strings
// (RFC 7230 §3.2.6) and the last element of a list over repeated fields.
#ifndef OAUTH1_DETAIL_ORIGIN_HPP
#define OAUTH1_DETAIL_ORIGIN_HPP

#include <oauth1/detail/auth_param.hpp> // is_ows
#include <oauth1/detail/url_split.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace oauth1::detail {

constexpr std::string_view trim_ows(std::string_view s) noexcept
{
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

/// Calls f(piece) for each OWS-trimmed piece of `s` between `sep` bytes outside quoted-strings
/// (RFC 7230 §3.2.6). Returns false when a quoted-string is not closed.
template <class F>
bool split_outside_quotes(std::string_view s, char sep, F&& f)
{
    std::size_t begin = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == sep) {
            f(trim_ows(s.substr(begin, i - begin)));
            begin = i + 1;
        }
    }
    if (quoted) return false;
    f(trim_ows(s.substr(std::min(begin, s.size()))));
    return true;
}

/// The last non-empty list element over every field visited by `fields` (called with a
/// callable taking each field value, in order): the one the nearest proxy added. False when a
/// quoted-string in them is not closed. `out` views the visited values.
template <class Fields>
bool last_list_element(const Fields& fields, std::string_view& out)
{
    out = {};
    bool ok = true;
    fields([&](std::string_view value) {
        ok = ok && split_outside_quotes(value, ',', [&out](std::string_view e) {
                 if (!e.empty()) out = e;
             });
    });
    return ok;
}

/// A forwarded-pair value (RFC 7239 §4): a token as it is, or a quoted-string unquoted.
inline bool unquote(std::string_view v, std::string& out)
{
    out.clear();
    if (v.empty() || v.front() != '"') {
        out.assign(v);
        return true;
    }
    if (v.size() < 2 || v.back() != '"') return false;
    v = v.substr(1, v.size() - 2);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\') {
            if (++i == v.size()) return false;
        } else if (v[i] == '"') {
            return false;
        }
        out.push_back(v[i]);
    }
    return true;
}

/// Whether `authority` could be a URI authority (host[:port]) as sent in Host or by a proxy:
/// not empty, no whitespace, control bytes, or delimiters that would change the URL.
constexpr bool is_plausible_authority(std::string_view authority) noexcept
{
    if (authority.empty()) return false;
    for (const char c : authority) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\' ||
            c == '"' || c == ',')
            return false;
    }
    return true;
}

/// "http" or "https" in any case, lower-cased; empty when it is neither.
inline std::string normal_scheme(std::string_view s)
{
    if (ascii_iequals(s, "http")) return "http";
    if (ascii_iequals(s, "https")) return "https";
    return {};
}

/// What build_origin_url() reads of an oauth1::public_origin, for one request.
struct origin_rules {
    std::string_view scheme;    ///< "http" or "https"
    std::string_view authority; ///< host[:port]; unused when trust_host
    bool trust_host = false;    ///< the authority is the Host header
    bool trusted_peer = false;  ///< the request's TCP peer is a trusted proxy
    bool rfc7239 = true;        ///< its forwarding header is Forwarded, else X-Forwarded-*
};

/// Reads Forwarded (RFC 7239) proto= and host= of the last element into proto/host; nullptr or
/// why not.
template <class Fields>
const char* read_forwarded(const Fields& forwarded, std::string& proto, std::string& host,
                           bool& seen_proto, bool& seen_host)
{
    constexpr const char* malformed = "malformed Forwarded header from a trusted proxy";
    std::string_view element;
    if (!last_list_element(forwarded, element)) return malformed;
    bool ok = true;
    std::string value;
    ok = split_outside_quotes(element, ';',
                              [&](std::string_view pair) {
                                  if (!ok || pair.empty()) return;
                                  const std::size_t eq = pair.find('=');
                                  if (eq == std::string_view::npos ||
                                      !unquote(pair.substr(eq + 1), value)) {
                                      ok = false;
                                      return;
                                  }
                                  const std::string_view name = pair.substr(0, eq);
                                  if (ascii_iequals(name, "proto")) {
                                      ok = !seen_proto;
                                      seen_proto = true;
                                      proto = value;
                                  } else if (ascii_iequals(name, "host")) {
                                      ok = !seen_host;
                                      seen_host = true;
                                      host = value;
                                  }
                              }) &&
         ok;
    if (!ok) return malformed;
    if (seen_proto && proto.empty()) return malformed;
    if (seen_host && host.empty()) return malformed;
    return nullptr;
}

/// Builds the absolute URL the client addressed into `url` (RFC 5849 §3.4.1.2): the origin's
/// scheme and authority (or the Host header, or a trusted proxy's forwarding headers, as
/// `origin` allows) + `target` (the request-target as received). `fields(name)` returns a
/// callable that visits the values of the request's header fields named `name` (any case), in
/// order. Returns nullptr, or why the URL cannot be built (the advice of the refusal).
template <class FieldsOf>
const char* build_origin_url(const FieldsOf& fields, std::string_view target,
                             const origin_rules& origin, std::string& url)
{
    url.clear();
    std::string scheme(origin.scheme);
    std::string authority(origin.authority);
    if (origin.trust_host) {
        std::size_t hosts = 0;
        fields("Host")([&](std::string_view v) {
            if (++hosts == 1) authority.assign(v);
        });
        if (hosts != 1 || !is_plausible_authority(authority))
            return "the request has no usable Host";
    }
    if (origin.trusted_peer) {
        std::string proto_text;
        std::string host_text;
        if (origin.rfc7239) {
            bool seen_proto = false;
            bool seen_host = false;
            if (const char* why = read_forwarded(fields("Forwarded"), proto_text, host_text,
                                                 seen_proto, seen_host))
                return why;
        } else {
            std::string_view proto;
            std::string_view host;
            if (!last_list_element(fields("X-Forwarded-Proto"), proto) ||
                !last_list_element(fields("X-Forwarded-Host"), host))
                return "malformed X-Forwarded-* header from a trusted proxy";
            proto_text.assign(proto);
            host_text.assign(host);
        }
        if (!proto_text.empty()) {
            scheme = normal_scheme(proto_text);
            if (scheme.empty()) return "a trusted proxy forwarded a scheme other than http/https";
        }
        if (!host_text.empty()) {
            if (!is_plausible_authority(host_text))
                return "a trusted proxy forwarded an invalid host";
            authority = std::move(host_text);
        }
    }
    if (target.empty() || target.front() != '/')
        return "the request-target is not a path (origin-form)";
    url.reserve(scheme.size() + 3 + authority.size() + target.size());
    url += scheme;
    url += "://";
    url += authority;
    url += target;
    return nullptr;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_ORIGIN_HPP
