// oauth1/adapters/httplib.hpp - signing requests sent with cpp-httplib (RFC 5849 §3.4, sent in
// the Authorization header, 3.5.1), a transport for the three-legged flow over cpp-httplib, and
// (through httplib_server.hpp, included here) verifying requests a cpp-httplib server receives.
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

#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <httplib.h>

#include <boost/url/url_view.hpp> // parse_request_url

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {
namespace httplib {

namespace detail {

/// A target that cpp-httplib writes on the request line byte for byte (URL encoding off) and
/// that is valid there: origin-form, visible ASCII only, no fragment.
constexpr bool is_wire_target(std::string_view t) noexcept
{
    if (t.empty() || t.front() != '/') return false;
    for (const char c : t) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F || c == '#') return false;
    }
    return true;
}

/// RFC 7230 field-name (token).
constexpr bool is_field_name(std::string_view n) noexcept
{
    return !n.empty() && is_valid_method(n); // a method is a token too
}

constexpr bool is_field_value(std::string_view v) noexcept
{
    for (const char c : v)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

inline std::size_t header_count(const ::httplib::Headers& hs, const std::string& name)
{
    return hs.count(name); // Headers compares names case-insensitively
}

/// Replaces every header `name` by one with `value` (Request::set_header would add one).
inline void replace_header(::httplib::Headers& hs, const std::string& name, std::string value)
{
    hs.erase(name);
    hs.emplace(name, std::move(value));
}

inline std::string header_value(const ::httplib::Headers& hs, const std::string& name)
{
    const auto it = hs.find(name);
    return it == hs.end() ? std::string() : it->second;
}

/// Checks that cpp-httplib sends `req` as it stands (URL encoding off); see the top of this
/// header. Sets `authority` to the Host the request goes out with.
inline bool check_request(const ::httplib::Request& req, std::string_view origin_authority,
                          bool body_signed, std::string& authority, std::error_code& ec)
{
    ec = make_error_code(errc::request_not_sendable);
    if (!req.params.empty() || !is_wire_target(req.path)) return false;
    for (const auto& [name, value] : req.headers)
        if (!is_field_name(name) || !is_field_value(value)) return false;
    const std::size_t hosts = header_count(req.headers, "Host");
    if (hosts > 1 || header_count(req.headers, "Content-Type") > 1) return false;
    if (!origin_authority.empty()) {
        if (hosts == 1 && header_value(req.headers, "Host") != origin_authority) return false;
        authority.assign(origin_authority);
    } else {
        if (hosts == 0) return false; // httplib would name the Client's host: unknown here
        authority = header_value(req.headers, "Host");
    }
    const std::size_t lengths = header_count(req.headers, "Content-Length");
    if (lengths > 1 || (lengths == 1 && header_value(req.headers, "Content-Length") !=
                                            std::to_string(req.body.size())))
        return false;
    if (body_signed && !req.body.empty()) {
        const std::string enc = header_value(req.headers, "Content-Encoding");
        if (!enc.empty() && !oauth1::detail::ascii_iequals(enc, "identity")) return false;
    }
    ec.clear();
    return true;
}

/// A client Request bound to the origin it is sent to: the request_traits below let
/// oauth1::sign() sign it (scheme and host from the caller, target from Request::path).
struct bound_request {
    ::httplib::Request* req;
    std::string_view scheme;
    std::string_view host;
};

} // namespace detail

} // namespace httplib

template <>
struct request_traits<httplib::detail::bound_request> {
    using bound = httplib::detail::bound_request;
    static std::string_view method(const bound& b) noexcept { return b.req->method; }
    static std::string_view scheme(const bound& b) noexcept { return b.scheme; }
    static std::string_view host(const bound& b) noexcept { return b.host; }
    static std::string_view target(const bound& b) noexcept { return b.req->path; }
    static std::string content_type(const bound& b)
    {
        return httplib::detail::header_value(b.req->headers, "Content-Type");
    }
    static std::string_view body(const bound& b) noexcept { return b.req->body; }
    static void set_header(bound& b, std::string_view name, std::string_view value)
    {
        httplib::detail::replace_header(b.req->headers, std::string(name), std::string(value));
    }
};

namespace httplib {

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

namespace detail {

template <class C>
inline constexpr bool is_httplib_client_v =
    std::is_same_v<C, ::httplib::Client> || std::is_base_of_v<::httplib::ClientImpl, C>;

/// A Result that carries no response (nothing was sent).
inline ::httplib::Result not_sent()
{
    return {nullptr, ::httplib::Error::Canceled};
}

} // namespace detail

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

namespace detail {

/// Splits an absolute http(s) URL into what goes on the wire: scheme, Host (host[:port] as
/// written) and request-target (path and query as written, "/" for an empty path, no fragment).
/// errc::invalid_url for a URL that cannot be signed, errc::request_not_sendable for userinfo or
/// a target httplib cannot send byte for byte.
struct url_parts {
    std::string scheme;
    std::string authority;
    std::string host; ///< without brackets for IPv6, for connecting
    int port = 0;
    std::string target;
};

inline bool split_url(std::string_view url, url_parts& p, std::error_code& ec)
{
    const auto u = parse_request_url(url, ec);
    if (ec) return false;
    if (u.has_userinfo()) {
        ec = make_error_code(errc::request_not_sendable);
        return false;
    }
    p.scheme.clear();
    for (const char ch : u.scheme()) p.scheme.push_back(oauth1::detail::ascii_lower(ch));
    const auto hp = u.encoded_host_and_port();
    p.authority.assign(hp.data(), hp.size());
    p.host = u.host_address();
    p.port = u.has_port() && !u.port().empty() ? static_cast<int>(u.port_number())
                                               : (p.scheme == "https" ? 443 : 80);
    const auto t = u.encoded_target();
    p.target.assign(t.data(), t.size());
    if (p.target.empty() || p.target.front() != '/') p.target.insert(0, 1, '/');
    if (!is_wire_target(p.target)) {
        ec = make_error_code(errc::request_not_sendable);
        return false;
    }
    return true;
}

} // namespace detail

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

/// Settings of oauth1::httplib::transport.
struct transport_options {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds read_timeout{30'000};
    std::chrono::milliseconds write_timeout{30'000};
    /// https: PEM file of trusted CA certificates; empty (with ca_cert_dir empty too): OpenSSL's
    /// default verify paths (on Debian /etc/ssl/certs, from the ca-certificates package).
    std::string ca_cert_file{};
    /// https: directory of hashed CA certificates (c_rehash layout).
    std::string ca_cert_dir{};
    /// https: check the server's certificate chain and host name (switch off only in tests).
    bool verify_server_certificate = true;
    /// Largest response body buffered, in bytes, counted after cpp-httplib's chunked decoding
    /// and decompression (the same member, with the same default, as the other adapters'
    /// transport_options); a larger one stops the read with errc::response_too_large.
    std::size_t max_response_body_bytes = default_max_response_body_bytes;
};

/// An oauth1 transport (see transport.hpp) over cpp-httplib: sends an http_request exactly as
/// given and returns the answer (any status; a 4xx/5xx is a response, not an error).
///
/// Each call makes its own httplib client for the URL's scheme://host:port and closes it after
/// the answer (no connection reuse, nothing shared: calls from several threads are safe). URL
/// encoding off, redirects not followed, Connection: close; Host is the URL's host[:port] as
/// written, the request-target its path and query as written (no fragment). https needs
/// cpp-httplib built with CPPHTTPLIB_OPENSSL_SUPPORT (Debian's is, and its cpp-httplib.pc says
/// so); certificates are verified against transport_options' CA file/directory or OpenSSL's
/// defaults. The response body is decompressed when the server sent Content-Encoding gzip/br;
/// response header values arrive percent-decoded by cpp-httplib before 0.44 (see the top).
/// The body is received through a content receiver that keeps at most
/// transport_options::max_response_body_bytes (decompressed) and stops the read at the first
/// byte beyond them: errc::response_too_large, and nothing more is buffered.
///
/// Errors: errc::invalid_url, errc::request_not_sendable (userinfo in the URL, a target that
/// cannot go on the request line as it is, a header name that is not a token or a value with
/// CR/LF/NUL, a Host header other than the URL's, a Content-Type header other than
/// `content_type`, a Content-Length other than the body's size, Transfer-Encoding),
/// errc::response_too_large (see above), and
/// errc::transport_failed when no answer was received (the three-argument form also says why,
/// e.g. "cpp-httplib: Connection (2) for GET http://127.0.0.1:1" - scheme, host and port only,
/// never the query or headers).
class transport {
public:
    transport() = default;
    explicit transport(transport_options options) : options_(std::move(options)) {}

    const transport_options& options() const noexcept { return options_; }

    http_response operator()(const http_request& req, std::error_code& ec) const
    {
        std::string what;
        return (*this)(req, ec, what);
    }

    /// As above; `what` receives a one-line description of a failure (no secrets).
    http_response operator()(const http_request& req, std::error_code& ec, std::string& what) const
    {
        ec.clear();
        what.clear();
        http_response out;
        detail::url_parts p;
        if (!detail::split_url(req.url, p, ec)) {
            what = ec == errc::request_not_sendable ? "the URL cannot be sent as it is"
                                                    : "invalid request URL";
            return out;
        }
        ::httplib::Request hr;
        if (!build(req, p, hr, ec, what)) return out;

        std::unique_ptr<::httplib::ClientImpl> cli;
        if (p.scheme == "https") {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
            auto ssl = std::make_unique<::httplib::SSLClient>(p.host, p.port);
            if (!options_.ca_cert_file.empty() || !options_.ca_cert_dir.empty())
                ssl->set_ca_cert_path(options_.ca_cert_file, options_.ca_cert_dir);
            ssl->enable_server_certificate_verification(options_.verify_server_certificate);
            cli = std::move(ssl);
#else
            ec = make_error_code(errc::transport_failed);
            what = "cpp-httplib: https needs cpp-httplib built with CPPHTTPLIB_OPENSSL_SUPPORT";
            return out;
#endif
        } else {
            cli = std::make_unique<::httplib::ClientImpl>(p.host, p.port);
        }
        if (!cli->is_valid()) {
            ec = make_error_code(errc::transport_failed);
            what = "cpp-httplib: client could not be set up for " + origin_of(p);
            return out;
        }
        cli->set_url_encode(false);
        cli->set_follow_location(false);
        cli->set_keep_alive(false);
        cli->set_connection_timeout(options_.connect_timeout);
        cli->set_read_timeout(options_.read_timeout);
        cli->set_write_timeout(options_.write_timeout);

        // The body goes through this receiver, not into Response::body: it keeps at most the
        // limit and cancels the read at the first byte beyond (httplib then returns no
        // response, Error::Canceled).
        std::string body;
        bool too_large = false;
        const std::size_t limit = options_.max_response_body_bytes;
        hr.content_receiver = [&body, &too_large, limit](const char* data, std::size_t len,
                                                         std::uint64_t /*offset*/,
                                                         std::uint64_t /*length*/) {
            if (len > limit - body.size()) {
                too_large = true;
                return false;
            }
            body.append(data, len);
            return true;
        };
        ::httplib::Result res = cli->send(hr);
        if (too_large) {
            ec = make_error_code(errc::response_too_large);
            what = "cpp-httplib: the response body is larger than " + std::to_string(limit) +
                   " bytes (transport_options::max_response_body_bytes) for " + hr.method + " " +
                   origin_of(p);
            return out;
        }
        if (!res) {
            ec = make_error_code(errc::transport_failed);
            what = "cpp-httplib: " + ::httplib::to_string(res.error()) + " (" +
                   std::to_string(static_cast<int>(res.error())) + ") for " + hr.method + " " +
                   origin_of(p);
            return out;
        }
        out.status = res->status;
        out.headers.reserve(res->headers.size());
        for (const auto& [name, value] : res->headers) out.headers.push_back({name, value});
        out.body = std::move(body);
        return out;
    }

    /// As above; throws oauth1::error with the description of a failure.
    http_response operator()(const http_request& req) const
    {
        std::error_code ec;
        std::string what;
        http_response r = (*this)(req, ec, what);
        if (ec) {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
            throw error(ec, what);
#else
            std::abort();
#endif
        }
        return r;
    }

private:
    static std::string origin_of(const detail::url_parts& p)
    {
        return p.scheme + "://" + p.authority;
    }

    /// The httplib request for `req`, or request_not_sendable.
    static bool build(const http_request& req, detail::url_parts& p, ::httplib::Request& hr,
                      std::error_code& ec, std::string& what)
    {
        const auto refuse = [&](const char* why) {
            ec = make_error_code(errc::request_not_sendable);
            what = why;
            return false;
        };
        if (!is_valid_method(req.method)) return refuse("invalid HTTP method");
        if (!detail::is_field_value(req.content_type)) return refuse("invalid Content-Type");
        hr.method = req.method;
        hr.path = std::move(p.target);
        hr.body = req.body;
        bool has_content_type = false;
        for (const http_header& h : req.headers) {
            if (!detail::is_field_name(h.name) || !detail::is_field_value(h.value))
                return refuse("a header name is not a token or a value holds CR, LF or NUL");
            if (oauth1::detail::ascii_iequals(h.name, "Host")) {
                if (h.value != p.authority) return refuse("a Host header other than the URL's");
                continue; // set below, once
            }
            if (oauth1::detail::ascii_iequals(h.name, "Content-Type")) {
                // The signer saw only `content_type`: a header saying otherwise would change
                // what the server verifies (a form body's parameters are signed).
                if (has_content_type || h.value != req.content_type)
                    return refuse("a Content-Type header other than content_type");
                has_content_type = true;
            }
            if (oauth1::detail::ascii_iequals(h.name, "Content-Length") &&
                h.value != std::to_string(req.body.size()))
                return refuse("a Content-Length other than the body's size");
            if (oauth1::detail::ascii_iequals(h.name, "Transfer-Encoding"))
                return refuse("Transfer-Encoding is the transport's business");
            hr.headers.emplace(h.name, h.value);
        }
        hr.headers.emplace("Host", p.authority);
        if (!req.content_type.empty() && !has_content_type)
            hr.headers.emplace("Content-Type", req.content_type);
        return true;
    }

    transport_options options_{};
};

} // namespace httplib
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_HTTPLIB_HPP
