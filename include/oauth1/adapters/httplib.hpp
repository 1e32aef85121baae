// oauth1/adapters/httplib.hpp - signing requests sent with cpp-httplib through your own
// httplib::Client (RFC 5849 §3.4, the signature in the Authorization header, RFC 5849 §3.5.1).
// Part of the oauth1::httplib component (CMake target oauth1::httplib).
//
//   httplib::Client cli("https://jira.example.com");
//   httplib::Result res = oauth1::httplib::send(cli, client, "GET",
//                             "https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary");
//
//   httplib::Request req;                                  // or build the request yourself
//   req.method = "GET";
//   req.path = oauth1::httplib::with_query("/rest/api/2/search", {{"jql", "project = JJ"}});
//   oauth1::httplib::sign(req, client, {"https", "jira.example.com"});
//   httplib::Result res2 = oauth1::httplib::send(cli, req);
//
// Files of the oauth1::httplib component:
// - this header: server_origin, sign(), send(), with_query(), encode_params() and
//   request_line_target();
// - oauth1/adapters/httplib_transport.hpp: oauth1::httplib::transport, a transport for the
//   three-legged flow (flow.hpp) with oauth1::transport_options;
// - oauth1/adapters/httplib_server.hpp: verifying requests a cpp-httplib server receives
//   (RFC 5849 §3.2).
//   This header includes both at its end, so code written for the single httplib.hpp keeps
//   compiling; include them directly for one role;
// - oauth1/detail/httplib_*.hpp: the machinery (private).
//
// What cpp-httplib does to a request (0.11.4, checked by tests/unit/adapter_httplib.cpp against
// the installed library), and what this adapter does about it so that the bytes that are signed
// are the bytes that are sent:
//
//  * Request line: `METHOD path HTTP/1.1`, where path is Request::path up to its first NUL
//    (written with "%s"), passed through httplib's URL encoder unless set_url_encode(false). That
//    encoder (on by default) rewrites ' ' + , ; ' CR LF and bytes >= 0x80 as %XX, everywhere,
//    query included: "/a,b?q=a+b" goes out as "/a%2Cb?q=a%2Bb" - another path and, for '+'
//    (a space in a form-encoded query), another parameter value. The adapter sends with URL
//    encoding off (send() calls set_url_encode(false) on the client it is given; there is no
//    getter, so it stays off) and refuses targets it cannot send byte for byte: the target must be
//    origin-form ('/'...) and only visible ASCII without '#' (percent-encode the rest: with_query
//    does). request_line_target() models the request line for either setting.
//  * Params overloads (Get(path, params, headers), Post(path, params), ...): keys are not encoded
//    at all, values leave !*'() unencoded and the pairs are re-ordered by key. Not OAuth's encoding
//    (3.6); the adapter never uses them: build queries and form bodies with with_query() and
//    encode_params() (3.6), sign that exact string and send it. A client Request's `params` are
//    never sent by httplib: sign() refuses a Request whose params are not empty.
//  * Headers added when absent: Host (host, or host:port unless the port is the scheme's
//    default, from the Client's constructor), Accept: */*, User-Agent: cpp-httplib/0.11.4,
//    Connection: close (unless set_keep_alive(true)), Content-Length (also "0" for an empty
//    POST/PUT/PATCH), Content-Type: text/plain for a body without one, Authorization: Basic/Bearer
//    (set_basic_auth / set_bearer_token_auth: only when the request has no Authorization), and the
//    client's set_default_headers() (any name, Host and Content-Type included, when absent).
//    No Accept-Encoding is sent. Host and Content-Type change the signature (the base string URI
//    is built from Host; a form Content-Type adds the body's parameters), so sign() sets both
//    explicitly - Host from the origin the caller names, Content-Type: text/plain for a body
//    without one - and no default header can replace them. Accept, User-Agent, Connection,
//    Content-Length are not signed.
//  * Request::set_header() adds a header (it does not replace one) and silently drops a value
//    with CR or LF; headers put straight into Request::headers are written as they are. sign()
//    replaces any Authorization header and refuses (request_not_sendable) a request with two Host
//    or Content-Type headers, a Host other than the origin's, a header name that is not a token,
//    a value with CR, LF or NUL, or a Content-Length other than the body's size.
//  * Bodies: send(Request) writes Request::body as it is. set_compress(true) gzips only the bodies
//    of the Post/Put/Patch/Delete(path, body, content_type) overloads (adding Content-Encoding),
//    which the adapter does not use. A Request that already has a Content-Encoding is refused when
//    its body is signed (form body or oauth_body_hash): a server would verify the decoded body.
//  * Redirects: not followed by default (a 3xx is returned). With set_follow_location(true)
//    httplib re-sends the request, Authorization included, to the Location - another URL than
//    the one signed, possibly another host. send() calls set_follow_location(false).
//  * Digest auth: with set_digest_auth(), a 401 makes httplib re-send the request up to five times
//    with `Authorization: Digest ...` in place of the OAuth header and return the last answer; do
//    not set it on a client used for OAuth (it cannot be read back, so the adapter cannot check).
//  * Proxies: with set_proxy() (http) the request line carries the absolute form
//    "http://host:port/path"; Host and the path are unchanged, so the signature still holds.
//    https goes through a CONNECT tunnel, unchanged.
//  * Keep-alive: only decides Connection: close; it does not change what is signed.
//  * Reading: cpp-httplib before 0.44 percent-decodes every header value it reads, so response
//    headers (WWW-Authenticate, Location, ...) arrive decoded once; on the server side
//    httplib_server.hpp undoes that for the Authorization header before verifying.
// cpp-httplib 0.11.4 has no getter for the host, port or settings of a Client, so the caller
// names the origin (scheme://host[:port]) the client talks to: a Client constructed for another
// host would deliver a request signed for the origin named here (the Host header says which).
#ifndef OAUTH1_ADAPTERS_HTTPLIB_HPP
#define OAUTH1_ADAPTERS_HTTPLIB_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/httplib_request.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>

#include <httplib.h>

#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace httplib {

/// Where a client request is sent: the scheme and authority of the URL that sign() signs.
struct server_origin {
    /// "http" or "https".
    std::string_view scheme = "http";
    /// "host[:port]"; empty: the request's Host header.
    std::string_view authority{};
};

/// What cpp-httplib 0.11.4 writes as the request-target for Request::path `path`: `path` up to
/// its first NUL, and with `url_encode` (httplib's default, set_url_encode(true)) ' ' + , ; '
/// CR LF and bytes >= 0x80 as %XX (upper-case hex); everything else, '%' included, unchanged.
inline std::string request_line_target(std::string_view path, bool url_encode)
{
    path = path.substr(0, path.find('\0'));
    if (!url_encode) return std::string(path);
    std::string out;
    out.reserve(path.size());
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ' ' || c == '+' || c == ',' || c == ';' || c == '\'' || c == '\r' || c == '\n' ||
            u >= 0x80) {
            out.push_back('%');
            out.push_back(oauth1::detail::upper_hex[u >> 4]);
            out.push_back(oauth1::detail::upper_hex[u & 15U]);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// "name=value&..." with names and values encoded per RFC 5849 §3.6, in the order of `params`
/// (httplib::Params is sorted by name): for a query (with_query) or a form body, in place of
/// httplib's own encoder, which leaves names unencoded and !*'() in values.
inline std::string encode_params(const ::httplib::Params& params)
{
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out.push_back('&');
        percent_encode_append(name, out);
        out.push_back('=');
        percent_encode_append(value, out);
    }
    return out;
}

/// `path` with `params` (encode_params) added to its query.
/// @par Example
/// `with_query("/search", {{"q", "a+b c"}})` is `/search?q=a%2Bb%20c`.
inline std::string with_query(std::string_view path, const ::httplib::Params& params)
{
    std::string out(path);
    if (params.empty()) return out;
    if (out.find('?') == std::string::npos) {
        out.push_back('?');
    } else if (out.back() != '?' && out.back() != '&') {
        out.push_back('&');
    }
    out += encode_params(params);
    return out;
}

/// Signs the client request `req`, to be sent to `origin` (scheme and authority; an empty
/// authority takes the request's Host header), and sets its Authorization header (RFC 5849
/// 3.5.1), replacing any. The signed URL is origin.scheme://authority + req.path exactly.
/// Also sets, when absent, Host (the origin's authority) and, for a body, Content-Type:
/// text/plain, so that nothing httplib adds can change what was signed. Send it with URL
/// encoding off: send(cli, req) does that.
/// Errors: errc::request_not_sendable (nothing changed: see the top of this header), and the
/// errors of basic_client::sign().
template <class Signer, class Clock, class Nonce>
void sign(::httplib::Request& req, const basic_client<Signer, Clock, Nonce>& c,
          server_origin origin, const sign_options& opts, signed_request& out, std::error_code& ec)
{
    const bool form = is_form_urlencoded(detail::header_value(req.headers, "Content-Type"));
    std::string authority;
    if (!detail::check_request(req, origin.authority, form || opts.body_hash, authority, ec))
        return;
    detail::bound_request b{&req, origin.scheme, authority};
    oauth1::sign(b, c, opts, out, ec); // sets Authorization last, only when signed
    if (ec) return;
    if (detail::header_count(req.headers, "Host") == 0) req.headers.emplace("Host", authority);
    if (!req.body.empty() && detail::header_count(req.headers, "Content-Type") == 0)
        req.headers.emplace("Content-Type", "text/plain");
}

/// As above; returns the signed result (base string, ...). Throws oauth1::error.
template <class Signer, class Clock, class Nonce>
signed_request sign(::httplib::Request& req, const basic_client<Signer, Clock, Nonce>& c,
                    server_origin origin, const sign_options& opts = {})
{
    signed_request out;
    std::error_code ec;
    httplib::sign(req, c, origin, opts, out, ec);
    oauth1::detail::throw_if(ec, "signing httplib::Request");
    return out;
}

/// Sends a request signed with sign() through `cli` (an httplib::Client, ClientImpl or
/// SSLClient), exactly as it stands: turns the client's URL encoding and redirect following off
/// first (both stay off: cpp-httplib has no getters to restore them). When `req` cannot be sent
/// as it stands (no single Authorization, no Host, a target httplib would alter, ...: see the top
/// of this header) sets errc::request_not_sendable and sends nothing; the Result then has no
/// response. HTTP failures are the Result's, as with cli.send().
template <class HttplibClient>
::httplib::Result send(HttplibClient& cli, const ::httplib::Request& req, std::error_code& ec)
{
    static_assert(detail::is_httplib_client_v<HttplibClient>,
                  "oauth1::httplib::send needs an httplib::Client, ClientImpl or SSLClient");
    std::string authority;
    if (!detail::check_request(req, {}, false, authority, ec) ||
        detail::header_count(req.headers, "Authorization") != 1) {
        ec = make_error_code(errc::request_not_sendable);
        return detail::not_sent();
    }
    cli.set_url_encode(false);
    cli.set_follow_location(false);
    return cli.send(req);
}

/// As above; throws oauth1::error(errc::request_not_sendable) instead of sending an altered
/// request.
template <class HttplibClient>
::httplib::Result send(HttplibClient& cli, const ::httplib::Request& req)
{
    std::error_code ec;
    ::httplib::Result r = httplib::send(cli, req, ec);
    oauth1::detail::throw_if(ec, "sending httplib::Request");
    return r;
}

/// Signs and sends one request through `cli`: `url` is the absolute URL as signed and sent
/// (scheme://host[:port]/path?query; its Host is sent, and its path and query go on the request
/// line byte for byte, so percent-encode them: with_query() helps); `body` is sent with
/// `content_type` (a form body, application/x-www-form-urlencoded, is signed as parameters; a
/// JSON body with opts.body_hash). `cli` must be a client for that scheme, host and port. Turns
/// cli's URL encoding and redirect following off (see send(cli, req)).
/// Sets `ec` (and sends nothing) for signing errors and errc::request_not_sendable; HTTP
/// failures are reported by the Result, as by httplib.
template <class HttplibClient, class Signer, class Clock, class Nonce>
::httplib::Result send(HttplibClient& cli, const basic_client<Signer, Clock, Nonce>& c,
                       std::string_view method, std::string_view url, std::string_view body,
                       std::string_view content_type, const sign_options& opts, std::error_code& ec)
{
    detail::url_parts p;
    if (!detail::split_url(url, p, ec)) return detail::not_sent();
    if (!detail::is_field_value(content_type)) {
        ec = make_error_code(errc::request_not_sendable);
        return detail::not_sent();
    }
    ::httplib::Request req;
    req.method.assign(method);
    req.path = std::move(p.target);
    req.body.assign(body);
    if (!content_type.empty()) req.headers.emplace("Content-Type", std::string(content_type));
    signed_request signed_out;
    httplib::sign(req, c, server_origin{p.scheme, p.authority}, opts, signed_out, ec);
    if (ec) return detail::not_sent();
    return httplib::send(cli, req, ec);
}

/// As above; throws oauth1::error for signing errors and request_not_sendable.
template <class HttplibClient, class Signer, class Clock, class Nonce>
::httplib::Result send(HttplibClient& cli, const basic_client<Signer, Clock, Nonce>& c,
                       std::string_view method, std::string_view url, std::string_view body = {},
                       std::string_view content_type = {}, const sign_options& opts = {})
{
    std::error_code ec;
    ::httplib::Result r = httplib::send(cli, c, method, url, body, content_type, opts, ec);
    oauth1::detail::throw_if(ec, "sending signed request with cpp-httplib");
    return r;
}

} // namespace httplib
} // namespace oauth1

// Compatibility: #include <oauth1/adapters/httplib.hpp> gave the transport and the server side
// too before they moved.
#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/adapters/httplib_transport.hpp>

#endif // OAUTH1_ADAPTERS_HTTPLIB_HPP
