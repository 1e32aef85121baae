// oauth1/detail/httplib_exchange.hpp - private to oauth1 (not a public header): one exchange of
// oauth1::httplib::transport (oauth1/adapters/httplib_transport.hpp) - the httplib::Request built
// from an oauth1::http_request exactly as given, a client per call configured from
// oauth1::transport_options, a deadline on the whole exchange, and the answer read within
// transport_options::max_response_body_bytes.
#ifndef OAUTH1_DETAIL_HTTPLIB_EXCHANGE_HPP
#define OAUTH1_DETAIL_HTTPLIB_EXCHANGE_HPP

#include <oauth1/detail/deadline_watch.hpp>
#include <oauth1/detail/httplib_request.hpp>
#include <oauth1/detail/transport_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1::httplib::detail {

inline std::string origin_of(const url_parts& p)
{
    return p.scheme + "://" + p.authority;
}

/// The httplib request for `req` (target `p.target`, Host `p.authority`, `user_agent` unless the
/// request has a User-Agent), or errc::request_not_sendable with `what` saying why.
inline bool build_request(const http_request& req, url_parts& p, std::string_view user_agent,
                          ::httplib::Request& hr, std::error_code& ec, std::string& what)
{
    const auto refuse = [&](const char* why) {
        ec = make_error_code(errc::request_not_sendable);
        what = why;
        return false;
    };
    if (!is_valid_method(req.method)) return refuse("invalid HTTP method");
    if (!is_field_value(req.content_type)) return refuse("invalid Content-Type");
    hr.method = req.method;
    hr.path = std::move(p.target);
    hr.body = req.body;
    bool has_content_type = false;
    bool has_user_agent = false;
    for (const http_header& h : req.headers) {
        if (!is_field_name(h.name) || !is_field_value(h.value))
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
        if (oauth1::detail::ascii_iequals(h.name, "User-Agent")) has_user_agent = true;
        hr.headers.emplace(h.name, h.value);
    }
    hr.headers.emplace("Host", p.authority);
    if (!req.content_type.empty() && !has_content_type)
        hr.headers.emplace("Content-Type", req.content_type);
    if (!user_agent.empty() && !has_user_agent)
        hr.headers.emplace("User-Agent", std::string(user_agent));
    return true;
}

/// The client for one exchange with `p`'s scheme, host and port, configured from `o`; null
/// with errc::transport_failed and `what` when it cannot be made.
inline std::unique_ptr<::httplib::ClientImpl>
make_client(const url_parts& p, const transport_options& o, std::error_code& ec, std::string& what)
{
    std::unique_ptr<::httplib::ClientImpl> cli;
    if (p.scheme == "https") {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
        auto ssl = std::make_unique<::httplib::SSLClient>(p.host, p.port);
        if (!o.ca_file.empty() || !o.ca_path.empty()) ssl->set_ca_cert_path(o.ca_file, o.ca_path);
        ssl->enable_server_certificate_verification(o.verify_peer);
        cli = std::move(ssl);
#else
        ec = make_error_code(errc::transport_failed);
        what = "cpp-httplib: https needs cpp-httplib built with CPPHTTPLIB_OPENSSL_SUPPORT";
        return nullptr;
#endif
    } else {
        cli = std::make_unique<::httplib::ClientImpl>(p.host, p.port);
    }
    if (!cli->is_valid()) {
        ec = make_error_code(errc::transport_failed);
        what = "cpp-httplib: client could not be set up for " + origin_of(p);
        return nullptr;
    }
    cli->set_url_encode(false);
    cli->set_follow_location(false);
    cli->set_keep_alive(false);
    // cpp-httplib applies the connection timeout to the connect and the TLS handshake, and the
    // read and write timeouts to each wait for the socket.
    cli->set_connection_timeout(std::min(o.connect_timeout, o.timeout));
    cli->set_read_timeout(o.timeout);
    cli->set_write_timeout(o.timeout);
    return cli;
}

/// Why the exchange failed: cpp-httplib's error, and which limit passed when it was a timeout.
inline std::string failure(const ::httplib::Result& res, bool timed_out,
                           std::chrono::steady_clock::duration took, const transport_options& o,
                           const std::string& method, const url_parts& p)
{
    std::string what = "cpp-httplib: " + ::httplib::to_string(res.error()) + " (" +
                       std::to_string(static_cast<int>(res.error())) + ")";
    const bool connecting = res.error() == ::httplib::Error::Connection ||
                            res.error() == ::httplib::Error::SSLConnection;
    if (timed_out || took >= o.timeout) {
        what += ": timed out after " + std::to_string(o.timeout.count()) +
                " ms (transport_options::timeout)";
    } else if (connecting && took >= o.connect_timeout) {
        what += ": timed out after " + std::to_string(o.connect_timeout.count()) +
                " ms (transport_options::connect_timeout)";
    }
    return what + " for " + method + " " + origin_of(p);
}

/// One exchange of oauth1::httplib::transport (see there).
inline http_response exchange(const http_request& req, const transport_options& o,
                              std::error_code& ec, std::string& what)
{
    ec.clear();
    what = oauth1::detail::transport_options_problem(o, "oauth1::httplib::transport",
                                                     {/*proxy*/ false, /*follow_redirects*/ false,
                                                      /*verify_peer_off*/ true,
                                                      /*ca_file_with_ca_path*/ false});
    if (!what.empty()) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    url_parts p;
    if (!split_url(req.url, p, ec)) {
        what = ec == errc::request_not_sendable ? "the URL cannot be sent as it is"
                                                : "invalid request URL";
        return {};
    }
    ::httplib::Request hr;
    if (!build_request(req, p, o.user_agent, hr, ec, what)) return {};
    const std::unique_ptr<::httplib::ClientImpl> cli = make_client(p, o, ec, what);
    if (!cli) return {};

    // The body goes through this receiver, not into Response::body: it keeps at most the limit
    // and cancels the read at the first byte beyond (httplib then returns no response,
    // Error::Canceled).
    std::string body;
    bool too_large = false;
    const std::size_t limit = o.max_response_body_bytes;
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
    const auto start = std::chrono::steady_clock::now();
    // cpp-httplib 0.11 bounds each wait for the socket, not the exchange: at the deadline
    // ClientImpl::stop() shuts the socket down under the request in flight (what it is made for;
    // it waits for a connect or TLS handshake under way, which the connection timeout bounds).
    ::httplib::ClientImpl* const client = cli.get();
    oauth1::detail::deadline_watch deadline(oauth1::detail::deadline_after(start, o.timeout),
                                            [client] { client->stop(); });
    ::httplib::Result res = cli->send(hr);
    const bool timed_out = deadline.finish();
    if (too_large) {
        ec = make_error_code(errc::response_too_large);
        what = "cpp-httplib: the response body is larger than " + std::to_string(limit) +
               " bytes (transport_options::max_response_body_bytes) for " + hr.method + " " +
               origin_of(p);
        return {};
    }
    if (!res) {
        ec = make_error_code(errc::transport_failed);
        what = failure(res, timed_out, std::chrono::steady_clock::now() - start, o, hr.method, p);
        return {};
    }
    http_response out;
    out.status = res->status;
    out.headers.reserve(res->headers.size());
    for (const auto& [name, value] : res->headers) out.headers.push_back({name, value});
    out.body = std::move(body);
    return out;
}

} // namespace oauth1::httplib::detail

#endif // OAUTH1_DETAIL_HTTPLIB_EXCHANGE_HPP
