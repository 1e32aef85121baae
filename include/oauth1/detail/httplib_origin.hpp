// oauth1/detail/httplib_origin.hpp - private to oauth1 (not a public header): how
// oauth1/adapters/httplib_server.hpp rebuilds the absolute URL a client signed (RFC 5849
// §3.4.1.2) from the configured origin, the Host header when trusted, and the forwarding headers
// of a trusted proxy (RFC 7239 Forwarded, or X-Forwarded-Proto / X-Forwarded-Host).
#ifndef OAUTH1_DETAIL_HTTPLIB_ORIGIN_HPP
#define OAUTH1_DETAIL_HTTPLIB_ORIGIN_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/detail/httplib_headers.hpp>

#include <httplib.h>

#include <string>
#include <string_view>

namespace oauth1::httplib::detail {

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
    if (oauth1::detail::ascii_iequals(s, "http")) return "http";
    if (oauth1::detail::ascii_iequals(s, "https")) return "https";
    return {};
}

/// What build_request_url() reads of an oauth1::httplib::public_origin, for one request.
struct origin_rules {
    std::string_view scheme;    ///< "http" or "https"
    std::string_view authority; ///< host[:port]; unused when trust_host
    bool trust_host = false;    ///< the authority is the Host header
    bool trusted_peer = false;  ///< the request's TCP peer is a trusted proxy
    bool rfc7239 = true;        ///< its forwarding header is Forwarded, else X-Forwarded-*
};

/// Builds the absolute URL the client addressed into `url` (RFC 5849 §3.4.1.2); returns nullptr,
/// or why it cannot (the advice of the refusal).
inline const char* build_request_url(const ::httplib::Request& req, const origin_rules& origin,
                                     std::string& url)
{
    url.clear();
    std::string scheme(origin.scheme);
    std::string authority(origin.authority);
    if (origin.trust_host) {
        if (req.get_header_value_count("Host") != 1) return "the request has no usable Host";
        authority = req.get_header_value("Host");
        if (!is_plausible_authority(authority)) return "the request has no usable Host";
    }
    if (origin.trusted_peer) {
        std::string_view proto;
        std::string_view host;
        std::string proto_text;
        std::string host_text;
        if (origin.rfc7239) {
            std::string_view element;
            if (!last_list_element(req, "Forwarded", element))
                return "malformed Forwarded header from a trusted proxy";
            bool ok = true;
            bool seen_proto = false;
            bool seen_host = false;
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
                                          if (oauth1::detail::ascii_iequals(name, "proto")) {
                                              ok = !seen_proto;
                                              seen_proto = true;
                                              proto_text = value;
                                          } else if (oauth1::detail::ascii_iequals(name, "host")) {
                                              ok = !seen_host;
                                              seen_host = true;
                                              host_text = value;
                                          }
                                      }) &&
                 ok;
            if (!ok) return "malformed Forwarded header from a trusted proxy";
            if (seen_proto) proto = proto_text;
            if (seen_host) host = host_text;
            if (seen_proto && proto.empty())
                return "malformed Forwarded header from a trusted proxy";
            if (seen_host && host.empty()) return "malformed Forwarded header from a trusted proxy";
        } else {
            if (!last_list_element(req, "X-Forwarded-Proto", proto) ||
                !last_list_element(req, "X-Forwarded-Host", host))
                return "malformed X-Forwarded-* header from a trusted proxy";
        }
        if (!proto.empty()) {
            scheme = normal_scheme(proto);
            if (scheme.empty()) return "a trusted proxy forwarded a scheme other than http/https";
        }
        if (!host.empty()) {
            if (!is_plausible_authority(host)) return "a trusted proxy forwarded an invalid host";
            authority.assign(host);
        }
    }
    if (req.target.empty() || req.target.front() != '/')
        return "the request-target is not a path (origin-form)";
    url.reserve(scheme.size() + 3 + authority.size() + req.target.size());
    url += scheme;
    url += "://";
    url += authority;
    url += req.target;
    return nullptr;
}

} // namespace oauth1::httplib::detail

#endif // OAUTH1_DETAIL_HTTPLIB_ORIGIN_HPP
