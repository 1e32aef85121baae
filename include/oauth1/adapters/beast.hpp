// oauth1/adapters/beast.hpp - Boost.Beast adapter (Boost 1.81, header-only): signs
// boost::beast::http::request objects in place (RFC 5849 §3.4, 3.5.1), a synchronous transport
// over plain TCP and one over TLS for the three-legged flow, and an asynchronous
// sign-write-read operation for Asio completion tokens. Part of the oauth1::beast component.
//
//   namespace http = boost::beast::http;
//   http::request<http::string_body> req{http::verb::post, "/rest/api/2/issue?notify=false", 11};
//   req.set(http::field::host, "jira.example.com");
//   req.set(http::field::content_type, "application/json");
//   req.body() = R"({"fields":{}})";                      // the body must be final here
//   oauth1::sign_options opts;
//   opts.body_hash = true;                                 // cover the JSON body
//   oauth1::beast::sign(req, client, opts);                // https://jira.example.com/rest/...
//   req.prepare_payload();                                 // fine: Content-Length is not signed
//   http::write(stream, req);
//
// What is signed is what Beast sends. Beast writes the request-target (target()) byte for byte
// and adds no header of its own; prepare_payload() sets only Content-Length or
// Transfer-Encoding. target() has no scheme or host, so sign() builds the URL from an `origin`:
// the scheme (default "https") and the authority (default: the request's Host field; when the
// origin names one and the request has no Host, sign() sets it). Because the signature covers
// method, target, Host, Content-Type and (form or body-hashed) body, sign last: change none of
// them after signing. A request whose target is not in origin-form ("/path?query") or
// absolute-form ("https://host/path"), holds a '#', has two Host or two Content-Type fields, or
// whose Host disagrees with the origin, is refused (errc::request_not_sendable or
// errc::invalid_url) rather than signed differently from how it will be sent.
//
// Transports (oauth1::is_transport_v): oauth1::beast::transport sends http:// URLs over
// boost::beast::tcp_stream, oauth1::beast::tls_transport sends https:// URLs over
// boost::beast::ssl_stream with the caller's boost::asio::ssl::context (SNI and host name
// verification are set up for every connection). Each request uses a fresh connection that is
// closed after the answer, so a request is never retried on a stale kept-alive connection (a retry
// would repeat its nonce). TLS code is instantiated only when tls_transport is used: programs that
// do not use it need libcrypto (as the core does) but not libssl. A response body larger than
// transport_options::max_response_body_bytes (default 8 MiB) is errc::response_too_large.
//
// Asynchronous: oauth1::beast::async_send_signed(stream, req, client, opts, token) signs, then
// http::async_write + http::async_read on any connected Beast/Asio stream, completing with
// (boost::system::error_code, http::response<string_body>).
#ifndef OAUTH1_ADAPTERS_BEAST_HPP
#define OAUTH1_ADAPTERS_BEAST_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/error_code.hpp>
#include <boost/url/url_view.hpp> // parse_request_url

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {
namespace beast {

/// Where a Beast request goes, for the parts of the URL that target() does not hold
/// (RFC 5849 §3.4.1.2 signs scheme and authority).
struct origin {
    /// "https" or "http".
    std::string_view scheme = "https";
    /// "host[:port]"; empty: the request's Host field.
    std::string_view host{};
};

namespace detail {

template <class T>
inline constexpr bool is_byte_v = std::is_same_v<T, char> || std::is_same_v<T, unsigned char> ||
                                  std::is_same_v<T, signed char> || std::is_same_v<T, std::byte>;

template <class V, class = void>
struct is_byte_range : std::false_type {};
template <class V>
struct is_byte_range<V, std::void_t<decltype(std::data(std::declval<const V&>())),
                                    decltype(std::size(std::declval<const V&>()))>>
    : std::bool_constant<std::is_pointer_v<decltype(std::data(std::declval<const V&>()))> &&
                         is_byte_v<std::remove_cv_t<std::remove_pointer_t<decltype(std::data(
                             std::declval<const V&>()))>>>> {};

template <class Body, class = void>
struct is_signable_body : std::false_type {};
template <class Body>
struct is_signable_body<Body, std::void_t<typename Body::value_type>>
    : std::bool_constant<std::is_same_v<Body, ::boost::beast::http::empty_body> ||
                         is_byte_range<typename Body::value_type>::value> {};

inline std::string_view sv(::boost::beast::string_view s) noexcept
{
    return {s.data(), s.size()};
}
inline ::boost::beast::string_view bsv(std::string_view s) noexcept
{
    return {s.data(), s.size()};
}

} // namespace detail

/// Whether a request with this Body type can be signed: its body is one contiguous range of
/// char-sized elements (http::string_body, http::vector_body<char>, http::span_body<char>, ...)
/// or http::empty_body. dynamic_body, buffer_body and file_body cannot be viewed as one range.
template <class Body>
inline constexpr bool is_signable_body_v = detail::is_signable_body<Body>::value;

/// The body of `req` as bytes (empty for http::empty_body).
template <class Body, class Fields>
std::string_view body_view(const ::boost::beast::http::request<Body, Fields>& req) noexcept
{
    static_assert(is_signable_body_v<Body>,
                  "oauth1::beast: the request's Body type does not hold its body as one "
                  "contiguous range of char-sized elements (Body::value_type with std::data() and "
                  "std::size()); use http::string_body, http::vector_body<char>, "
                  "http::span_body<char> or http::empty_body, or copy the body into one of them "
                  "before signing");
    if constexpr (std::is_same_v<Body, ::boost::beast::http::empty_body> ||
                  !is_signable_body_v<Body>) {
        return {};
    } else {
        const auto& v = req.body();
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes viewed as chars
        return {reinterpret_cast<const char*>(std::data(v)), std::size(v)};
    }
}

/// A Beast request bound to its absolute URL: what oauth1::request_traits reads (see the
/// specialisation below). oauth1::beast::sign() makes one; `url` must be what Beast will send.
template <class Body, class Fields>
struct request_ref {
    ::boost::beast::http::request<Body, Fields>& request;
    std::string url;
};

namespace detail {

/// Whether two authorities name the same origin for signing purposes (RFC 5849 §3.4.1.2: host
/// case-insensitive, default port dropped), e.g. "Example.com:443" and "example.com" for https.
inline bool same_authority(std::string_view scheme, std::string_view a, std::string_view b)
{
    if (a == b) return true;
    std::error_code ea;
    std::error_code eb;
    const std::string ua = base_string_uri(std::string(scheme) + "://" + std::string(a) + "/", ea);
    const std::string ub = base_string_uri(std::string(scheme) + "://" + std::string(b) + "/", eb);
    return !ea && !eb && ua == ub;
}

inline bool is_bad_authority(std::string_view a) noexcept
{
    return a.empty() || a.find_first_of("/?#@ \t\r\n\\") != std::string_view::npos ||
           oauth1::detail::has_header_breaking_char(a);
}

inline bool starts_with_ci(std::string_view s, std::string_view prefix) noexcept
{
    return s.size() >= prefix.size() &&
           oauth1::detail::ascii_iequals(s.substr(0, prefix.size()), prefix);
}

/// The absolute URL Beast will address with `req`; `host_to_set` receives the origin's host
/// when the request has no Host field and one must be added.
template <class Body, class Fields>
void request_url(const ::boost::beast::http::request<Body, Fields>& req, const origin& o,
                 std::string& url, std::string_view& host_to_set, std::error_code& ec)
{
    namespace http = ::boost::beast::http;
    ec.clear();
    host_to_set = {};
    const std::string_view target = sv(req.target());
    // A fragment is never part of a request-target (RFC 9112 3.2); Beast would send it anyway.
    if (target.empty() || target.find('#') != std::string_view::npos ||
        req.count(http::field::host) > 1 || req.count(http::field::content_type) > 1) {
        ec = make_error_code(errc::request_not_sendable);
        return;
    }
    const std::string_view host_field = sv(req[http::field::host]);
    if (target.front() != '/') {
        // absolute-form (requests to a proxy): the target is the URL.
        if (!starts_with_ci(target, "http://") && !starts_with_ci(target, "https://")) {
            ec = make_error_code(errc::invalid_url); // "*" or authority-form: nothing to sign
            return;
        }
        url.assign(target);
        return;
    }
    if (!oauth1::detail::is_http_scheme(o.scheme)) {
        ec = make_error_code(errc::invalid_url);
        return;
    }
    std::string_view authority = o.host;
    if (authority.empty()) {
        authority = host_field;
    } else if (host_field.empty()) {
        host_to_set = o.host;
    } else if (!same_authority(o.scheme, o.host, host_field)) {
        ec = make_error_code(errc::request_not_sendable); // Host names another server
        return;
    }
    if (is_bad_authority(authority)) {
        ec = make_error_code(errc::invalid_url);
        return;
    }
    url.clear();
    url.reserve(o.scheme.size() + 3 + authority.size() + target.size());
    url.append(o.scheme).append("://").append(authority).append(target);
}

} // namespace detail

/// Signs a Beast request in place (RFC 5849 §3.4) and sets its Authorization field, replacing any
/// (3.5.1). The URL signed is `o.scheme` + "://" + (`o.host` or the Host field) + target();
/// an absolute-form target is signed as is. When `o.host` is given and the request has no Host
/// field, Host is set to it. Method, target, Host, Content-Type and body must be final: change
/// none of them afterwards (prepare_payload() is fine). `out` receives the signed result.
/// Errors: those of basic_client::sign(); errc::invalid_url (no authority, bad scheme or target
/// form); errc::request_not_sendable (empty target, a '#' in it, two Host or Content-Type
/// fields, a Host that differs from `o.host`). On error `req` is unchanged. Fields: http::fields
/// or another http::basic_fields.
template <class Body, class Fields, class Signer, class Clock, class Nonce>
void sign(::boost::beast::http::request<Body, Fields>& req,
          const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          signed_request& out, std::error_code& ec, origin o = {})
{
    static_assert(is_signable_body_v<Body>,
                  "oauth1::beast::sign: the request's Body type does not hold its body as one "
                  "contiguous range of char-sized elements; use http::string_body, "
                  "http::vector_body<char>, http::span_body<char> or http::empty_body");
    if constexpr (is_signable_body_v<Body>) { // nothing more to report otherwise
        std::string_view host_to_set;
        request_ref<Body, Fields> ref{req, {}};
        detail::request_url(req, o, ref.url, host_to_set, ec);
        if (ec) return;
        oauth1::sign(ref, c, opts, out, ec);
        if (ec) return;
        if (!host_to_set.empty()) {
            req.set(::boost::beast::http::field::host, detail::bsv(host_to_set));
        }
    }
}

/// As above, without the signed result.
template <class Body, class Fields, class Signer, class Clock, class Nonce>
void sign(::boost::beast::http::request<Body, Fields>& req,
          const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
          std::error_code& ec, origin o = {})
{
    signed_request out;
    beast::sign(req, c, opts, out, ec, o);
}

/// Signs a Beast request in place and returns the signed result; throws oauth1::error.
template <class Body, class Fields, class Signer, class Clock, class Nonce>
signed_request sign(::boost::beast::http::request<Body, Fields>& req,
                    const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts = {},
                    origin o = {})
{
    signed_request out;
    std::error_code ec;
    beast::sign(req, c, opts, out, ec, o);
    oauth1::detail::throw_if(ec, "signing Beast request");
    return out;
}

// ---------------------------------------------------------------------------------------------
// Synchronous transports.

/// Settings of a transport.
struct transport_options {
    /// Deadline of one request: connect, TLS handshake, write and read (Beast's expires_after).
    /// Name resolution is the system resolver's (getaddrinfo cannot be interrupted).
    std::chrono::steady_clock::duration timeout = std::chrono::seconds(30);
    /// Largest response body accepted, in bytes (Beast's parser body_limit: a Content-Length
    /// above it is refused before the body is read, a chunked body when it grows past it); the
    /// same member, with the same default, as the other adapters' transport_options. A larger
    /// body fails the call with errc::response_too_large.
    std::size_t max_response_body_bytes = default_max_response_body_bytes;
};

namespace detail {

/// Where to connect, from the request URL.
struct endpoint_spec {
    std::string host; ///< for the resolver, SNI and certificate checks (no IPv6 brackets)
    std::string port;
    bool is_ip = false;
};

inline bool is_token(std::string_view s) noexcept
{
    if (s.empty()) return false;
    for (const char c : s)
        if (!oauth1::detail::is_tchar(c)) return false;
    return true;
}

/// Builds the Beast request for `in`: method, the URL's path and query byte for byte as the
/// target, Host from the URL's authority, the headers, Content-Type and body. `why` explains a
/// refusal.
inline void build_request(const http_request& in, bool tls,
                          ::boost::beast::http::request<::boost::beast::http::string_body>& out,
                          endpoint_spec& ep, std::string& why, std::error_code& ec)
{
    namespace http = ::boost::beast::http;
    ec.clear();
    if (!is_valid_method(in.method)) {
        ec = make_error_code(errc::invalid_method);
        return;
    }
    const auto u = parse_request_url(in.url, ec);
    if (ec) return;
    const std::string_view scheme(u.scheme().data(), u.scheme().size());
    if (oauth1::detail::ascii_iequals(scheme, "https") != tls) {
        why = tls ? "oauth1::beast::tls_transport sends only https URLs"
                  : "oauth1::beast::transport sends only http URLs; use tls_transport for https";
        ec = make_error_code(errc::request_not_sendable);
        return;
    }
    if (u.has_userinfo()) {
        why = "the URL has userinfo, which would not be sent";
        ec = make_error_code(errc::request_not_sendable);
        return;
    }
    const auto host_port = u.encoded_host_and_port();
    const std::string_view authority(host_port.data(), host_port.size());
    const auto t = u.encoded_target(); // path and query as written, no fragment
    std::string target;
    if (t.empty() || t.front() != '/') target.push_back('/'); // empty path: "/" (3.4.1.2)
    target.append(t.data(), t.size());
    if (oauth1::detail::has_header_breaking_char(in.content_type)) {
        ec = make_error_code(errc::header_injection);
        return;
    }

    out = {};
    out.version(11);
    const http::verb v = http::string_to_verb(bsv(in.method));
    if (v == http::verb::unknown) {
        out.method_string(bsv(in.method));
    } else {
        out.method(v);
    }
    out.target(target);
    out.set(http::field::host, bsv(authority));
    for (const http_header& h : in.headers) {
        if (oauth1::detail::has_header_breaking_char(h.name) ||
            oauth1::detail::has_header_breaking_char(h.value)) {
            ec = make_error_code(errc::header_injection);
            return;
        }
        if (!is_token(h.name)) {
            why = "a header name is not an HTTP token";
            ec = make_error_code(errc::invalid_argument);
            return;
        }
        if (oauth1::detail::ascii_iequals(h.name, "Host")) {
            if (!same_authority(scheme, h.value, authority)) {
                why = "a Host header names another server than the URL";
                ec = make_error_code(errc::request_not_sendable);
                return;
            }
            continue; // sent once, from the URL
        }
        if (oauth1::detail::ascii_iequals(h.name, "Content-Type")) {
            if (h.value != in.content_type) {
                why = "a Content-Type header differs from http_request::content_type";
                ec = make_error_code(errc::request_not_sendable);
                return;
            }
            continue;
        }
        // Framing comes from the body (prepare_payload below).
        if (oauth1::detail::ascii_iequals(h.name, "Content-Length") ||
            oauth1::detail::ascii_iequals(h.name, "Transfer-Encoding")) {
            continue;
        }
        out.insert(bsv(h.name), bsv(h.value));
    }
    if (!in.content_type.empty()) out.set(http::field::content_type, bsv(in.content_type));
    out.body() = in.body;
    out.prepare_payload();

    ep.is_ip = u.host_type() == ::boost::urls::host_type::ipv4 ||
               u.host_type() == ::boost::urls::host_type::ipv6;
    ep.host = u.host_address();
    ep.port = u.port().empty() ? std::string(tls ? "443" : "80") : std::string(u.port());
}

template <class Stream>
inline constexpr bool is_ssl_stream_v = !std::is_same_v<Stream, ::boost::beast::tcp_stream>;

/// One request over a fresh connection, run to completion on `ioc`. Returns the failing step
/// ("resolve", "connect", ...) or nullptr.
template <class Stream>
const char* exchange(::boost::asio::io_context& ioc, Stream& stream, const endpoint_spec& ep,
                     const ::boost::beast::http::request<::boost::beast::http::string_body>& req,
                     const transport_options& opts,
                     ::boost::beast::http::response_parser<::boost::beast::http::string_body>& p,
                     ::boost::system::error_code& ec)
{
    namespace http = ::boost::beast::http;
    namespace net = ::boost::asio;
    ec.clear();
    net::ip::tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(ep.host, ep.port, ec);
    if (ec) return "resolve";
    if constexpr (is_ssl_stream_v<Stream>) {
        // SNI is for host names only (RFC 6066 3); the certificate is checked for names and IPs.
        if (!ep.is_ip && SSL_set_tlsext_host_name(stream.native_handle(), ep.host.c_str()) != 1) {
            ec.assign(static_cast<int>(ERR_get_error()), net::error::get_ssl_category());
            return "TLS server name";
        }
        stream.set_verify_mode(net::ssl::verify_peer);
        stream.set_verify_callback(net::ssl::host_name_verification(ep.host));
    }
    if (req.method() == http::verb::head) p.skip(true);
    p.body_limit(static_cast<std::uint64_t>(opts.max_response_body_bytes));
    ::boost::beast::flat_buffer buffer;
    const char* step = nullptr;
    auto& tcp = ::boost::beast::get_lowest_layer(stream);
    tcp.expires_after(opts.timeout); // one deadline for everything below
    const auto fail = [&](const char* s, const ::boost::system::error_code& e) {
        step = s;
        ec = e;
    };
    const auto write_and_read = [&] {
        http::async_write(stream, req, [&](const ::boost::system::error_code& e, std::size_t) {
            if (e) return fail("write", e);
            http::async_read(stream, buffer, p,
                             [&](const ::boost::system::error_code& e2, std::size_t) {
                                 if (e2) fail("read", e2);
                             });
        });
    };
    tcp.async_connect(endpoints,
                      [&](const ::boost::system::error_code& e, const net::ip::tcp::endpoint&) {
                          if (e) return fail("connect", e);
                          if constexpr (is_ssl_stream_v<Stream>) {
                              stream.async_handshake(net::ssl::stream_base::client,
                                                     [&](const ::boost::system::error_code& e2) {
                                                         if (e2) return fail("TLS handshake", e2);
                                                         write_and_read();
                                                     });
                          } else {
                              write_and_read();
                          }
                      });
    ioc.run();
    // The answer is complete (its framing says so): close without a TLS close_notify exchange.
    ::boost::system::error_code ignored;
    tcp.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    tcp.close();
    return step;
}

inline http_response
to_http_response(::boost::beast::http::response<::boost::beast::http::string_body>&& res)
{
    http_response r;
    r.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
        r.headers.push_back({std::string(f.name_string()), std::string(f.value())});
    r.body = std::move(res.body());
    return r;
}

/// The body of both transports; `make_stream(ioc)` returns the unconnected stream.
template <class MakeStream>
http_response send(const http_request& in, bool tls, const transport_options& opts,
                   MakeStream&& make_stream, std::string& why, std::error_code& ec)
{
    namespace http = ::boost::beast::http;
    why.clear();
    http::request<http::string_body> req;
    endpoint_spec ep;
    build_request(in, tls, req, ep, why, ec);
    if (ec) return {};
    ::boost::asio::io_context ioc(1);
    auto stream = make_stream(ioc);
    http::response_parser<http::string_body> parser;
    ::boost::system::error_code bec;
    const char* step = exchange(ioc, stream, ep, req, opts, parser, bec);
    if (step != nullptr && bec == http::error::body_limit) {
        why.assign("the response body from ").append(ep.host).append(":").append(ep.port);
        why.append(" is larger than ").append(std::to_string(opts.max_response_body_bytes));
        why.append(" bytes (transport_options::max_response_body_bytes)");
        ec = make_error_code(errc::response_too_large);
        return {};
    }
    if (step != nullptr) {
        // Asio's message (e.g. "Connection refused"); the URL's path and query are not repeated.
        why.assign(step).append(" ").append(ep.host).append(":").append(ep.port).append(": ");
        why.append(bec.message());
        ec = make_error_code(errc::transport_failed);
        return {};
    }
    return to_http_response(parser.release());
}

} // namespace detail

/// Sends oauth1::http_request values to http:// URLs over boost::beast::tcp_stream: a transport
/// for the three-legged flow (oauth1::is_transport_v). One connection per request, closed after
/// the answer. The request-target is the URL's path and query byte for byte (no fragment), Host
/// its authority, then the headers (a Host or Content-Type header must agree with the URL and
/// `content_type`; Content-Length and Transfer-Encoding are computed from the body).
/// A 4xx/5xx answer is a response. Errors: errc::transport_failed (no answer: last_error() holds
/// the step and Asio's message), errc::response_too_large (a body larger than
/// transport_options::max_response_body_bytes), errc::request_not_sendable (an https URL,
/// userinfo, a disagreeing Host or Content-Type header), errc::invalid_url,
/// errc::invalid_method, errc::header_injection, errc::invalid_argument (a header name that is
/// not a token).
class transport {
public:
    transport() = default;
    explicit transport(transport_options opts) : opts_(opts) {}

    http_response operator()(const http_request& req, std::error_code& ec)
    {
        return detail::send(
            req, false, opts_,
            [](::boost::asio::io_context& ioc) { return ::boost::beast::tcp_stream(ioc); },
            last_error_, ec);
    }

    /// Throws oauth1::error whose what() includes last_error().
    http_response operator()(const http_request& req)
    {
        std::error_code ec;
        http_response r = (*this)(req, ec);
        if (ec) {
            const std::string what = last_error_.empty() ? std::string("beast transport")
                                                         : "beast transport: " + last_error_;
            oauth1::detail::throw_if(ec, what.c_str());
        }
        return r;
    }

    /// Why the last call failed: the step ("connect 127.0.0.1:8080: Connection refused") or the
    /// reason a request was refused; empty after a success. Never holds secrets (no headers, no
    /// path or query).
    const std::string& last_error() const noexcept { return last_error_; }
    const transport_options& options() const noexcept { return opts_; }

private:
    transport_options opts_{};
    std::string last_error_;
};

/// As oauth1::beast::transport, for https:// URLs over boost::beast::ssl_stream<tcp_stream>.
/// `ctx` is the caller's (trust store: e.g. ctx.set_default_verify_paths() or
/// add_certificate_authority()) and must outlive the transport. Every connection sends SNI (for
/// host names) and verifies the peer's certificate chain and that it names the URL's host
/// (verify_peer + host_name_verification), whatever the context's own verify mode. Needs libssl
/// (the oauth1::beast CMake component and the Meson dependency link it).
class tls_transport {
public:
    explicit tls_transport(::boost::asio::ssl::context& ctx, transport_options opts = {})
        : ctx_(&ctx), opts_(opts)
    {}

    http_response operator()(const http_request& req, std::error_code& ec)
    {
        ::boost::asio::ssl::context& ctx = *ctx_;
        return detail::send(
            req, true, opts_,
            [&ctx](::boost::asio::io_context& ioc) {
                return ::boost::beast::ssl_stream<::boost::beast::tcp_stream>(ioc, ctx);
            },
            last_error_, ec);
    }

    /// Throws oauth1::error whose what() includes last_error().
    http_response operator()(const http_request& req)
    {
        std::error_code ec;
        http_response r = (*this)(req, ec);
        if (ec) {
            const std::string what = last_error_.empty() ? std::string("beast TLS transport")
                                                         : "beast TLS transport: " + last_error_;
            oauth1::detail::throw_if(ec, what.c_str());
        }
        return r;
    }

    /// As transport::last_error(); TLS failures name OpenSSL's reason ("certificate verify
    /// failed").
    const std::string& last_error() const noexcept { return last_error_; }
    const transport_options& options() const noexcept { return opts_; }

private:
    ::boost::asio::ssl::context* ctx_;
    transport_options opts_{};
    std::string last_error_;
};

// ---------------------------------------------------------------------------------------------
// Asynchronous sign, write and read.

namespace detail {

template <class Stream, class Body, class Fields, class ResponseBody>
class send_signed_op {
public:
    send_signed_op(Stream& s, ::boost::beast::http::request<Body, Fields>& r,
                   ::boost::system::error_code sign_error)
        : stream_(s), req_(r), sign_error_(sign_error), state_(std::make_unique<state>())
    {}

    template <class Self>
    void operator()(Self& self, ::boost::system::error_code ec = {}, std::size_t = 0)
    {
        namespace http = ::boost::beast::http;
        switch (step_) {
        case step::start:
            if (sign_error_) {
                // Never complete inside the initiating call.
                step_ = step::sign_failed;
                ::boost::asio::post(stream_.get_executor(), std::move(self));
                return;
            }
            step_ = step::writing;
            http::async_write(stream_, req_, std::move(self));
            return;
        case step::sign_failed: self.complete(sign_error_, http::response<ResponseBody>{}); return;
        case step::writing:
            if (ec) {
                self.complete(ec, http::response<ResponseBody>{});
                return;
            }
            step_ = step::reading;
            if (req_.method() == http::verb::head) state_->parser.skip(true);
            http::async_read(stream_, state_->buffer, state_->parser, std::move(self));
            return;
        case step::reading:
            if (ec) {
                self.complete(ec, http::response<ResponseBody>{});
                return;
            }
            self.complete(ec, state_->parser.release());
            return;
        }
    }

private:
    enum class step { start, sign_failed, writing, reading };
    struct state {
        ::boost::beast::flat_buffer buffer;
        ::boost::beast::http::response_parser<ResponseBody> parser;
    };
    Stream& stream_;
    ::boost::beast::http::request<Body, Fields>& req_;
    ::boost::system::error_code sign_error_;
    std::unique_ptr<state> state_; // stable address while reads are pending
    step step_ = step::start;
};

} // namespace detail

/// Signs `req` in place (as oauth1::beast::sign, synchronously: CPU only), then writes it to the
/// connected `stream` and reads the answer (http::async_write, http::async_read; any Beast/Asio
/// stream: tcp_stream, ssl_stream, ...). Completes with
/// `void(boost::system::error_code, http::response<ResponseBody>)`; a signing error (oauth1's
/// category, wrapped) completes the operation without writing. `stream` and `req` must outlive
/// the operation; timeouts are the stream's (e.g. tcp_stream::expires_after before the call).
/// The response is read with its own buffer: bytes after it are not kept. The request is signed
/// when this function is called (with asio::deferred too, not when the operation is launched).
template <class ResponseBody = ::boost::beast::http::string_body, class AsyncStream, class Body,
          class Fields, class Signer, class Clock, class Nonce, class CompletionToken>
auto async_send_signed(AsyncStream& stream, ::boost::beast::http::request<Body, Fields>& req,
                       const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
                       origin o, CompletionToken&& token)
{
    std::error_code ec;
    beast::sign(req, c, opts, ec, o);
    return ::boost::asio::async_compose<CompletionToken,
                                        void(::boost::system::error_code,
                                             ::boost::beast::http::response<ResponseBody>)>(
        detail::send_signed_op<AsyncStream, Body, Fields, ResponseBody>(
            stream, req, ::boost::system::error_code(ec)),
        token, stream); // Asio 1.81 takes the token as CompletionToken& and forwards it
}

/// As above with the default origin (https, the Host field).
template <class ResponseBody = ::boost::beast::http::string_body, class AsyncStream, class Body,
          class Fields, class Signer, class Clock, class Nonce, class CompletionToken>
auto async_send_signed(AsyncStream& stream, ::boost::beast::http::request<Body, Fields>& req,
                       const basic_client<Signer, Clock, Nonce>& c, const sign_options& opts,
                       CompletionToken&& token)
{
    return beast::async_send_signed<ResponseBody>(stream, req, c, opts, origin{},
                                                  std::forward<CompletionToken>(token));
}

} // namespace beast

/// request_traits of a Beast request bound to its URL (oauth1::beast::request_ref).
template <class Body, class Fields>
struct request_traits<beast::request_ref<Body, Fields>> {
    using ref = beast::request_ref<Body, Fields>;
    static std::string_view method(const ref& r) noexcept
    {
        return beast::detail::sv(r.request.method_string());
    }
    static std::string_view url(const ref& r) noexcept { return r.url; }
    static std::string_view content_type(const ref& r) noexcept
    {
        return beast::detail::sv(r.request[::boost::beast::http::field::content_type]);
    }
    static std::string_view body(const ref& r) noexcept { return beast::body_view(r.request); }
    static void set_header(ref& r, std::string_view name, std::string_view value)
    {
        r.request.set(beast::detail::bsv(name), beast::detail::bsv(value));
    }
};

} // namespace oauth1

#endif // OAUTH1_ADAPTERS_BEAST_HPP
