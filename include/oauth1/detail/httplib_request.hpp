// oauth1/detail/httplib_request.hpp - private to oauth1 (not a public header): the checks behind
// oauth1::httplib::sign() and send() (oauth1/adapters/httplib.hpp) that cpp-httplib sends a client
// request exactly as signed (URL encoding off; RFC 5849 §3.4.1), the request_traits that let
// oauth1::sign() sign an httplib::Request bound to its origin, and the split of an absolute URL
// into what goes on the wire.
#ifndef OAUTH1_DETAIL_HTTPLIB_REQUEST_HPP
#define OAUTH1_DETAIL_HTTPLIB_REQUEST_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/detail/wire_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>

#include <httplib.h>

#include <boost/url/url_view.hpp> // parse_request_url

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1 {
namespace httplib::detail {

// Targets and header fields the library writes as given (detail/wire_checks.hpp).
using oauth1::detail::is_field_name;
using oauth1::detail::is_field_value;
using oauth1::detail::is_wire_target;

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

template <class C>
inline constexpr bool is_httplib_client_v =
    std::is_same_v<C, ::httplib::Client> || std::is_base_of_v<::httplib::ClientImpl, C>;

/// A Result that carries no response (nothing was sent).
inline ::httplib::Result not_sent()
{
    return {nullptr, ::httplib::Error::Canceled};
}

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
    std::string_view query;
    bool has_query = false;
    const auto u = oauth1::detail::parse_sendable_url(url, query, has_query, ec);
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
    const auto path = u.encoded_path();
    p.target.assign(path.data(), path.size());
    if (p.target.empty() || p.target.front() != '/') p.target.insert(0, 1, '/');
    if (has_query) { // '[' and ']' included, as written (sent as signed)
        p.target.push_back('?');
        p.target.append(query);
    }
    if (!is_wire_target(p.target)) {
        ec = make_error_code(errc::request_not_sendable);
        return false;
    }
    return true;
}

} // namespace httplib::detail

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

} // namespace oauth1

#endif // OAUTH1_DETAIL_HTTPLIB_REQUEST_HPP
