// oauth1/detail/beast_io.hpp - private to oauth1 (not a public header): the synchronous exchange
// behind oauth1::beast::transport and tls_transport (oauth1/adapters/beast_transport.hpp) - the
// Beast request built from an oauth1::http_request, the connection with its deadlines
// (transport_options::connect_timeout and timeout), TLS set-up (SNI, host name verification, the
// trust store of transport_options::ca_file/ca_path), and the answer read within
// transport_options::max_response_body_bytes.
#ifndef OAUTH1_DETAIL_BEAST_IO_HPP
#define OAUTH1_DETAIL_BEAST_IO_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/detail/beast_sign.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/detail/transport_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/error_code.hpp>
#include <boost/url/url_view.hpp> // parse_request_url

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1::beast::detail {

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
/// target, Host from the URL's authority, the headers, `user_agent` (when not empty and the
/// headers have no User-Agent), Content-Type and body. `why` explains a refusal.
inline void build_request(const http_request& in, bool tls, std::string_view user_agent,
                          ::boost::beast::http::request<::boost::beast::http::string_body>& out,
                          endpoint_spec& ep, std::string& why, std::error_code& ec)
{
    namespace http = ::boost::beast::http;
    ec.clear();
    if (!is_valid_method(in.method)) {
        ec = make_error_code(errc::invalid_method);
        return;
    }
    std::string_view query;
    bool has_query = false;
    const auto u = oauth1::detail::parse_sendable_url(in.url, query, has_query, ec);
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
    const auto path = u.encoded_path(); // as written; the query below, no fragment
    std::string target;
    if (path.empty() || path.front() != '/') target.push_back('/'); // empty path: "/" (3.4.1.2)
    target.append(path.data(), path.size());
    if (has_query) { // '[' and ']' included, as written (sent as signed)
        target.push_back('?');
        target.append(query);
    }
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
    if (!user_agent.empty() && out.count(http::field::user_agent) == 0)
        out.set(http::field::user_agent, bsv(user_agent));
    if (!in.content_type.empty()) out.set(http::field::content_type, bsv(in.content_type));
    out.body() = in.body;
    out.prepare_payload();

    ep.is_ip = u.host_type() == ::boost::urls::host_type::ipv4 ||
               u.host_type() == ::boost::urls::host_type::ipv6;
    ep.host = u.host_address();
    ep.port = u.port().empty() ? std::string(tls ? "443" : "80") : std::string(u.port());
}

struct x509_store_deleter {
    void operator()(X509_STORE* s) const noexcept { X509_STORE_free(s); }
};
using x509_store_ptr = std::unique_ptr<X509_STORE, x509_store_deleter>;

/// The CA certificates of transport_options::ca_file and ca_path as one trust store, or null
/// with `why` (naming the file and OpenSSL's reason) when they cannot be loaded.
inline x509_store_ptr load_trust_store(const transport_options& opts, std::string& why)
{
    x509_store_ptr store(X509_STORE_new());
    if (!store) {
        why = "TLS trust store: out of memory";
        return nullptr;
    }
    if (!opts.ca_file.empty() && X509_STORE_load_file(store.get(), opts.ca_file.c_str()) != 1) {
        why = "cannot load transport_options::ca_file " + opts.ca_file + ": " +
              oauth1::detail::openssl_error_reasons();
        return nullptr;
    }
    if (!opts.ca_path.empty() && X509_STORE_load_path(store.get(), opts.ca_path.c_str()) != 1) {
        why = "cannot use transport_options::ca_path " + opts.ca_path + ": " +
              oauth1::detail::openssl_error_reasons();
        return nullptr;
    }
    return store;
}

template <class Stream>
inline constexpr bool is_ssl_stream_v = !std::is_same_v<Stream, ::boost::beast::tcp_stream>;

/// One request over a fresh connection, run to completion on `ioc`, within the limits of `opts`
/// (connect_timeout until the connection and TLS handshake are up, timeout for everything from
/// the start). `trust`, when not null, replaces the TLS context's trust store for this connection.
/// Returns the failing step ("resolve", "connect", ...) or nullptr.
template <class Stream>
const char* exchange(::boost::asio::io_context& ioc, Stream& stream, const endpoint_spec& ep,
                     const ::boost::beast::http::request<::boost::beast::http::string_body>& req,
                     const transport_options& opts, X509_STORE* trust,
                     ::boost::beast::http::response_parser<::boost::beast::http::string_body>& p,
                     ::boost::system::error_code& ec)
{
    namespace http = ::boost::beast::http;
    namespace net = ::boost::asio;
    ec.clear();
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = oauth1::detail::deadline_after(start, opts.timeout);
    const auto connected_by =
        std::min(deadline, oauth1::detail::deadline_after(start, opts.connect_timeout));
    net::ip::tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(ep.host, ep.port, ec);
    if (ec) return "resolve";
    if constexpr (is_ssl_stream_v<Stream>) {
        // SNI is for host names only (RFC 6066 3); the certificate is checked for names and IPs.
        if (!ep.is_ip && SSL_set_tlsext_host_name(stream.native_handle(), ep.host.c_str()) != 1) {
            ec.assign(static_cast<int>(ERR_get_error()), net::error::get_ssl_category());
            return "TLS server name";
        }
        if (trust && SSL_set1_verify_cert_store(stream.native_handle(), trust) != 1) {
            ec.assign(static_cast<int>(ERR_get_error()), net::error::get_ssl_category());
            return "TLS trust store";
        }
        stream.set_verify_mode(net::ssl::verify_peer);
        stream.set_verify_callback(net::ssl::host_name_verification(ep.host));
    }
    if (req.method() == http::verb::head) p.skip(true);
    p.body_limit(static_cast<std::uint64_t>(opts.max_response_body_bytes));
    ::boost::beast::flat_buffer buffer;
    const char* step = nullptr;
    auto& tcp = ::boost::beast::get_lowest_layer(stream);
    tcp.expires_at(connected_by);
    const auto fail = [&](const char* s, const ::boost::system::error_code& e) {
        step = s;
        ec = e;
    };
    const auto write_and_read = [&] {
        tcp.expires_at(deadline);
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
    why = oauth1::detail::transport_options_problem(
        opts, tls ? "oauth1::beast::tls_transport" : "oauth1::beast::transport",
        {/*proxy*/ false, /*follow_redirects*/ false, /*verify_peer_off*/ false,
         /*ca_file_with_ca_path*/ true});
    if (!why.empty()) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    http::request<http::string_body> req;
    endpoint_spec ep;
    build_request(in, tls, opts.user_agent, req, ep, why, ec);
    if (ec) return {};
    x509_store_ptr trust;
    if (tls && (!opts.ca_file.empty() || !opts.ca_path.empty())) {
        trust = load_trust_store(opts, why);
        if (!trust) {
            ec = make_error_code(errc::transport_failed);
            return {};
        }
    }
    ::boost::asio::io_context ioc(1);
    auto stream = make_stream(ioc);
    http::response_parser<http::string_body> parser;
    ::boost::system::error_code bec;
    const char* step = exchange(ioc, stream, ep, req, opts, trust.get(), parser, bec);
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
        if (bec == ::boost::beast::error::timeout) {
            const std::string_view s(step);
            const bool connecting = s == "connect" || s == "TLS handshake";
            const bool by_connect_limit = connecting && opts.connect_timeout < opts.timeout;
            const auto limit = by_connect_limit ? opts.connect_timeout : opts.timeout;
            why.append(" after ").append(std::to_string(limit.count())).append(" ms");
            why.append(by_connect_limit ? " (transport_options::connect_timeout)"
                                        : " (transport_options::timeout)");
        }
        ec = make_error_code(errc::transport_failed);
        return {};
    }
    return to_http_response(parser.release());
}

} // namespace oauth1::beast::detail

#endif // OAUTH1_DETAIL_BEAST_IO_HPP
