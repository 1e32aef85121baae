// oauth1/adapters/httplib_server.hpp - verifying requests received by a cpp-httplib server with
// oauth1's provider side (RFC 5849 3.2). Part of the oauth1::httplib component.
//
//   svr.Get("/rest/api/2/issue/.*", [&](const httplib::Request& req, httplib::Response& res) {
//       const auto r = oauth1::httplib::verify(verifier, req);
//       if (!r) return oauth1::httplib::refuse(res, r, "JIRA");   // 401 + WWW-Authenticate
//       ...
//   });
//
// or, for every route at once, a handler that verifies first:
//
//   svr.Get("/rest/api/2/issue/.*", oauth1::httplib::protect(verifier,
//       [](const httplib::Request& req, httplib::Response& res, const oauth1::verify_result& r) {
//           res.set_content("hello " + r.consumer_key, "text/plain");
//       }, opts, "JIRA"));
//
// The URL that is verified is rebuilt from the request-target exactly as received
// (httplib::Request::target, not the decoded `path`), the Host header and the scheme the server
// runs on (or an origin the caller names, for servers behind a proxy).
//
// Behind a reverse proxy (TLS terminated in front, Host rewritten, a path prefix added...), name
// the public origin with server_origin{"https", "api.example.com"}: the client signed the public
// URL. X-Forwarded-* headers are never trusted (any client could send them). cpp-httplib itself
// answers 400 before any handler runs for a request-target with two '?' (a raw '?' in a query
// value: clients should send it as %3F), and decompresses gzip/br request bodies before the
// handler sees them, so the body verified is the decoded one.
//
// cpp-httplib before 0.44.0 percent-decodes every header value it reads (a request's as the
// server parses it, a response's as the client does): the Authorization header reaches handlers
// with its parameter values decoded once. RFC 5849 3.5.1 has those values 3.6-encoded, so
// verify() encodes them again (exactly undoing the decoding for every conforming client) before
// verifying; without that an oauth_callback such as "https://app/cb?s=a%20b" would be decoded
// twice and the signature refused. The realm (a quoted-string, not encoded) cannot be restored:
// a '%XX' in it arrives decoded. Define OAUTH1_HTTPLIB_DECODES_HEADER_VALUES to 0 or 1 to
// override the detection from CPPHTTPLIB_VERSION (for a patched cpp-httplib).
#ifndef OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP
#define OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>

#include <httplib.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {
namespace httplib {

namespace detail {

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

/// Undoes cpp-httplib's percent-decoding of an `OAuth ...` Authorization value: re-encodes each
/// parameter name and value per RFC 5849 3.6 (the realm is kept as it is). Anything that is
/// not an OAuth header, or that does not parse, is returned unchanged (and then refused).
inline std::string reencode_authorization(std::string_view v)
{
    const auto ows = [](char c) { return c == ' ' || c == '\t'; };
    // Whether v[k...] is OWS up to the end, or OWS ',' OWS and a parameter name, OWS '='.
    const auto closes_value = [&ows](std::string_view s, std::size_t k) {
        while (k < s.size() && ows(s[k])) ++k;
        if (k == s.size()) return true;
        if (s[k] != ',') return false;
        ++k;
        while (k < s.size() && (ows(s[k]) || s[k] == ',')) ++k;
        const std::size_t name_begin = k;
        while (k < s.size() && s[k] != '=' && !ows(s[k]) && s[k] != ',' && s[k] != '"') ++k;
        const std::string_view n = s.substr(name_begin, k - name_begin);
        while (k < s.size() && ows(s[k])) ++k;
        return k < s.size() && s[k] == '=' &&
               (n.substr(0, 6) == "oauth_" || oauth1::detail::ascii_iequals(n, "realm"));
    };
    std::size_t i = 0;
    while (i < v.size() && ows(v[i])) ++i;
    if (v.size() - i < 5 || !oauth1::detail::ascii_iequals(v.substr(i, 5), "OAuth") ||
        (v.size() > i + 5 && !ows(v[i + 5])))
        return std::string(v);
    i += 5;
    std::string out = "OAuth ";
    bool first = true;
    for (;;) {
        while (i < v.size() && (ows(v[i]) || v[i] == ',')) ++i;
        if (i == v.size()) break;
        const std::size_t name_begin = i;
        while (i < v.size() && v[i] != '=' && !ows(v[i]) && v[i] != ',') ++i;
        const std::string_view name = v.substr(name_begin, i - name_begin);
        while (i < v.size() && ows(v[i])) ++i;
        if (name.empty() || i == v.size() || v[i] != '=') return std::string(v);
        ++i;
        while (i < v.size() && ows(v[i])) ++i;
        const bool is_realm = oauth1::detail::ascii_iequals(name, "realm");
        std::string_view value;
        if (i < v.size() && v[i] == '"') {
            // The closing quote: for the realm (a quoted-string) the first unescaped '"'; for
            // a decoded parameter value, which may itself hold quotes, commas and backslashes,
            // the first '"' followed by the end or by ", oauth_...=" / ", realm=" (3.5.1 allows
            // no other parameters).
            std::size_t j = i + 1;
            for (;; ++j) {
                if (is_realm) {
                    while (j < v.size() && v[j] != '"') j += v[j] == '\\' ? 2 : 1;
                    if (j >= v.size()) return std::string(v);
                    break;
                }
                j = v.find('"', j);
                if (j == std::string_view::npos) return std::string(v);
                if (closes_value(v, j + 1)) break;
            }
            value = v.substr(i + 1, j - i - 1);
            i = j + 1;
        } else {
            const std::size_t value_begin = i;
            while (i < v.size() && v[i] != ',' && !ows(v[i])) ++i;
            value = v.substr(value_begin, i - value_begin);
        }
        while (i < v.size() && ows(v[i])) ++i;
        if (i < v.size() && v[i] != ',') return std::string(v);
        if (!first) out += ", ";
        first = false;
        if (is_realm) {
            out.append(name);
            out += "=\"";
            out.append(value); // still in its quoted-string form
            out += '"';
        } else {
            percent_encode_append(name, out);
            out += "=\"";
            percent_encode_append(value, out);
            out += '"';
        }
    }
    return out;
}

} // namespace detail

/// Where the server is reached, for rebuilding the absolute URL of a request.
struct server_origin {
    /// "http" or "https".
    std::string_view scheme = "http";
    /// "host[:port]"; empty: the request's Host header.
    std::string_view authority{};
};

/// The absolute URL the client addressed: scheme://authority + the request-target as received.
/// Empty when there is no authority (no Host header and none configured) or the Host header
/// holds characters a host cannot have.
inline std::string request_url(const ::httplib::Request& req, server_origin origin = {})
{
    std::string authority(origin.authority);
    if (authority.empty()) {
        if (req.get_header_value_count("Host") != 1) return {};
        authority = req.get_header_value("Host");
    }
    if (authority.empty() || authority.find_first_of("/?#@ \t\r\n\\") != std::string::npos) {
        return {};
    }
    std::string url(origin.scheme);
    url += "://";
    url += authority;
    if (req.target.empty() || req.target.front() != '/') return {};
    url += req.target;
    return url;
}

/// Verifies `req` with `v` (an oauth1::verifier). A request without a usable URL (no Host, or
/// not one), or with more than one Authorization or Content-Type header, is refused with
/// parameter_rejected (which of them a client or proxy would have used is anyone's guess).
template <class Verifier>
verify_result verify(const Verifier& v, const ::httplib::Request& req, const verify_options& opts,
                     std::error_code& ec, server_origin origin = {})
{
    ec.clear();
    const std::string url = request_url(req, origin);
    const char* ambiguity = nullptr;
    if (url.empty()) {
        ambiguity = "the request has no usable Host";
    } else if (req.get_header_value_count("Authorization") > 1) {
        ambiguity = "more than one Authorization header";
    } else if (req.get_header_value_count("Content-Type") > 1) {
        ambiguity = "more than one Content-Type header";
    }
    if (ambiguity) {
        verify_result r;
        r.problem = problem_report(problem::parameter_rejected);
        r.problem->advice = ambiguity;
        return r;
    }
    const std::string content_type = req.get_header_value("Content-Type");
    std::string authorization = req.get_header_value("Authorization");
    if constexpr (detail::decodes_header_values)
        authorization = detail::reencode_authorization(authorization);
    return v.verify(incoming_request{req.method, url, content_type, req.body, authorization}, opts,
                    ec);
}

/// As above; a provider-side failure (nonce store unreachable, ...) refuses the request too.
template <class Verifier>
verify_result verify(const Verifier& v, const ::httplib::Request& req,
                     const verify_options& opts = {}, server_origin origin = {})
{
    std::error_code ec;
    return verify(v, req, opts, ec, origin);
}

/// Answers a refused request as JIRA does: 401 (400 for parameter problems, 401 otherwise),
/// `WWW-Authenticate: OAuth realm="...", oauth_problem=...` and the problem as a form body.
inline void refuse(::httplib::Response& res, const verify_result& r, std::string_view realm)
{
    const problem_report report =
        r.problem ? *r.problem : problem_report(problem::signature_invalid);
    res.status = 401;
    if (report.code &&
        (*report.code == problem::parameter_absent || *report.code == problem::parameter_rejected ||
         *report.code == problem::version_rejected ||
         *report.code == problem::signature_method_rejected)) {
        res.status = 400;
    }
    res.set_header("WWW-Authenticate", www_authenticate(report, realm));
    res.set_content(problem_body(report), "application/x-www-form-urlencoded");
}

namespace detail {

template <class Handler>
inline constexpr bool takes_verify_result_v =
    std::is_invocable_v<Handler&, const ::httplib::Request&, ::httplib::Response&,
                        const verify_result&>;

template <class Handler>
inline constexpr bool takes_request_v =
    std::is_invocable_v<Handler&, const ::httplib::Request&, ::httplib::Response&>;

} // namespace detail

/// A cpp-httplib handler that verifies each request with `v` and then either refuses it
/// (refuse(): 401/400 with WWW-Authenticate and the problem as a form body) or calls `handler`
/// with the request, the response and the verify_result (consumer key, token, ...); a handler
/// taking only (request, response) works too. When the provider itself cannot decide (e.g. the
/// nonce store is unreachable) the answer is 503 and the handler is not called.
///
/// `v` and `handler` are copied into the returned handler (an oauth1::verifier is cheap to copy:
/// its lookups and a pointer to the nonce store, which must outlive the server). `realm` and
/// `origin` are copied too.
template <class Verifier, class Handler>
::httplib::Server::Handler protect(Verifier v, Handler handler, verify_options opts = {},
                                   std::string_view realm = {}, server_origin origin = {})
{
    static_assert(detail::takes_verify_result_v<Handler> || detail::takes_request_v<Handler>,
                  "oauth1::httplib::protect: the handler must be callable as "
                  "handler(const httplib::Request&, httplib::Response&, const "
                  "oauth1::verify_result&) or handler(const httplib::Request&, "
                  "httplib::Response&)");
    struct state {
        Verifier verifier;
        Handler handler;
        verify_options opts;
        std::string realm;
        std::string scheme;
        std::string authority;
    };
    auto s =
        std::make_shared<state>(state{std::move(v), std::move(handler), opts, std::string(realm),
                                      std::string(origin.scheme), std::string(origin.authority)});
    return [s](const ::httplib::Request& req, ::httplib::Response& res) {
        std::error_code ec;
        const verify_result r =
            httplib::verify(s->verifier, req, s->opts, ec, server_origin{s->scheme, s->authority});
        if (ec) {
            res.status = 503;
            res.set_content("the request could not be verified now; try again later", "text/plain");
            return;
        }
        if (!r) {
            refuse(res, r, s->realm);
            return;
        }
        if constexpr (detail::takes_verify_result_v<Handler>) {
            s->handler(req, res, r);
        } else {
            s->handler(req, res);
        }
    };
}

} // namespace httplib
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP
