// oauth1/detail/poco_exchange.hpp - private to oauth1 (not a public header): one exchange of
// oauth1::poco::transport (oauth1/adapters/poco_transport.hpp) - the Poco::Net::HTTPRequest built
// from an oauth1::http_request exactly as given, a session per call configured from
// oauth1::transport_options, a deadline on the whole exchange, and the answer read within
// transport_options::max_response_body_bytes.
#ifndef OAUTH1_DETAIL_POCO_EXCHANGE_HPP
#define OAUTH1_DETAIL_POCO_EXCHANGE_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/detail/deadline_watch.hpp>
#include <oauth1/detail/poco_request.hpp>
#include <oauth1/detail/transport_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Timespan.h>

#include <openssl/ssl.h>

#include <boost/url/url_view.hpp> // parse_sendable_url

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1::poco::detail {

/// An absolute http(s) URL split into what goes on the wire.
struct url_parts {
    std::string scheme;
    std::string authority; ///< Host, as written
    std::string host;      ///< without brackets for IPv6, for connecting
    unsigned short port = 0;
    std::string target; ///< path and query as written, "/" for an empty path, no fragment
};

inline bool split_url(std::string_view url, url_parts& p, std::error_code& ec)
{
    std::string_view query;
    bool has_query = false;
    const auto u =
        oauth1::detail::parse_sendable_url(url, query, has_query, ec); // '[' ']' in the query too
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
    p.port = u.has_port() && !u.port().empty()
                 ? static_cast<unsigned short>(u.port_number())
                 : static_cast<unsigned short>(p.scheme == "https" ? 443 : 80);
    const auto path = u.encoded_path();
    p.target.assign(path.data(), path.size());
    if (p.target.empty() || p.target.front() != '/') p.target.insert(0, 1, '/');
    if (has_query) { // as written, brackets included: sent as signed
        p.target.push_back('?');
        p.target.append(query);
    }
    if (!is_wire_target(p.target)) {
        ec = make_error_code(errc::request_not_sendable);
        return false;
    }
    return true;
}

/// The Poco request for `req`, or errc::request_not_sendable with `what` saying why.
inline bool build_request(const http_request& req, url_parts& p, std::string_view user_agent,
                          Poco::Net::HTTPRequest& hr, std::error_code& ec, std::string& what)
{
    const auto refuse = [&](const char* why) {
        ec = make_error_code(errc::request_not_sendable);
        what = why;
        return false;
    };
    if (!is_valid_method(req.method)) return refuse("invalid HTTP method");
    if (!is_field_value(req.content_type)) return refuse("invalid Content-Type");
    hr.setMethod(req.method);
    hr.setURI(p.target);
    hr.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
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
            if (has_content_type || h.value != req.content_type)
                return refuse("a Content-Type header other than content_type");
            has_content_type = true;
        }
        if (oauth1::detail::ascii_iequals(h.name, "Content-Length")) {
            if (h.value != std::to_string(req.body.size()))
                return refuse("a Content-Length other than the body's size");
            continue; // set below, once
        }
        if (oauth1::detail::ascii_iequals(h.name, "Transfer-Encoding"))
            return refuse("Transfer-Encoding is the transport's business");
        if (oauth1::detail::ascii_iequals(h.name, "User-Agent")) has_user_agent = true;
        hr.add(h.name, h.value);
    }
    hr.setHost(p.authority);
    if (!req.content_type.empty() && !has_content_type) hr.setContentType(req.content_type);
    if (!user_agent.empty() && !has_user_agent) hr.set("User-Agent", std::string(user_agent));
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH")
        hr.setContentLength64(static_cast<Poco::Int64>(req.body.size()));
    hr.setKeepAlive(false);
    return true;
}

/// The session for one exchange with `p`'s scheme, host and port, configured from `o`.
/// Throws Poco::Exception (a context that cannot load the CA files, ...).
inline std::unique_ptr<Poco::Net::HTTPClientSession> make_session(const url_parts& p,
                                                                  const transport_options& o)
{
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    if (p.scheme == "https") {
        const bool own_cas = !o.ca_file.empty() || !o.ca_path.empty();
        // VERIFY_STRICT: Poco skips the host name check for "localhost"/127.0.0.1 otherwise.
        Poco::Net::Context::Ptr ctx = new Poco::Net::Context(
            Poco::Net::Context::CLIENT_USE, "",
            o.verify_peer ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE, 9,
            /*loadDefaultCAs*/ !own_cas);
        if (own_cas && SSL_CTX_load_verify_locations(
                           ctx->sslContext(), o.ca_file.empty() ? nullptr : o.ca_file.c_str(),
                           o.ca_path.empty() ? nullptr : o.ca_path.c_str()) != 1)
            throw Poco::IOException("cannot load transport_options::ca_file / ca_path");
        s = std::make_unique<Poco::Net::HTTPSClientSession>(p.host, p.port, ctx);
    } else {
        s = std::make_unique<Poco::Net::HTTPClientSession>(p.host, p.port);
    }
    s->setKeepAlive(false);
    const auto ms = [](std::chrono::milliseconds d) {
        return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(d.count()) * 1000);
    };
    s->setTimeout(ms(std::min(o.connect_timeout, o.timeout)), ms(o.timeout), ms(o.timeout));
    return s;
}

/// One exchange of oauth1::poco::transport (see there).
inline http_response exchange(const http_request& req, const transport_options& o,
                              std::error_code& ec, std::string& what)
{
    ec.clear();
    what = oauth1::detail::transport_options_problem(o, "oauth1::poco::transport",
                                                     {/*proxy*/ false, /*follow_redirects*/ false,
                                                      /*verify_peer_off*/ true,
                                                      /*ca_file_with_ca_path*/ true});
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
    Poco::Net::HTTPRequest hr;
    if (!build_request(req, p, o.user_agent, hr, ec, what)) return {};
    const std::string where = " for " + req.method + " " + p.scheme + "://" + p.authority;
    const std::size_t limit = o.max_response_body_bytes;
    const auto start = std::chrono::steady_clock::now();
    bool timed_out = false;
    try {
        const std::unique_ptr<Poco::Net::HTTPClientSession> s = make_session(p, o);
        // Poco bounds each wait for the socket, not the exchange: at the deadline the session's
        // socket is shut down under the exchange in flight (the blocked read then ends; not
        // close(): this thread still uses it). A connect under way is bounded by the connection
        // timeout.
        Poco::Net::HTTPClientSession* const session = s.get();
        oauth1::detail::deadline_watch deadline(oauth1::detail::deadline_after(start, o.timeout),
                                                [session] {
                                                    try {
                                                        session->socket().shutdown();
                                                    } catch (const Poco::Exception&) {
                                                        // Not connected yet: the connection timeout bounds the connect.
                                                    }
                                                });
        http_response out;
        bool too_large = false;
        try {
            std::ostream& body_out = s->sendRequest(hr);
            body_out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
            Poco::Net::HTTPResponse res;
            std::istream& in = s->receiveResponse(res);
            if (res.hasContentLength() && res.getContentLength64() >= 0 &&
                static_cast<unsigned long long>(res.getContentLength64()) > limit) {
                too_large = true;
            } else {
                char buf[16384];
                while (in) {
                    in.read(buf, sizeof buf);
                    const auto n = static_cast<std::size_t>(in.gcount());
                    if (n > limit - out.body.size()) {
                        too_large = true;
                        break;
                    }
                    out.body.append(buf, n);
                }
            }
            out.status = static_cast<int>(res.getStatus());
            for (const auto& [name, value] : res) out.headers.push_back({name, value});
        } catch (...) {
            timed_out = deadline.finish();
            throw;
        }
        timed_out = deadline.finish();
        if (too_large) {
            ec = make_error_code(errc::response_too_large);
            what = "Poco: the response body is larger than " + std::to_string(limit) +
                   " bytes (transport_options::max_response_body_bytes)" + where;
            return {};
        }
        if (timed_out) {
            // The socket was shut down under the read: what was read is not the whole answer.
            ec = make_error_code(errc::transport_failed);
            what = "Poco: timed out after " + std::to_string(o.timeout.count()) +
                   " ms (transport_options::timeout)" + where;
            return {};
        }
        return out;
    } catch (const Poco::Exception& e) {
        ec = make_error_code(errc::transport_failed);
        const auto took = std::chrono::steady_clock::now() - start;
        what = std::string("Poco: ") + e.name();
        if (timed_out || took >= o.timeout)
            what += ": timed out after " + std::to_string(o.timeout.count()) +
                    " ms (transport_options::timeout)";
        else if (dynamic_cast<const Poco::TimeoutException*>(&e) && took >= o.connect_timeout)
            what += ": timed out after " + std::to_string(o.connect_timeout.count()) +
                    " ms (transport_options::connect_timeout)";
        what += where;
        return {};
    } catch (const std::exception&) {
        ec = make_error_code(errc::transport_failed);
        what = "Poco: the exchange failed" + where;
        return {};
    }
}

} // namespace oauth1::poco::detail

#endif // OAUTH1_DETAIL_POCO_EXCHANGE_HPP
