// oauth1/detail/poco_request.hpp - private to oauth1 (not a public header): the checks behind
// oauth1::poco::sign() (oauth1/adapters/poco.hpp) that Poco sends a Poco::Net::HTTPRequest
// exactly as signed (RFC 5849 §3.4.1), the origin ("https://host[:port]") it is sent to, and the
// request_traits that let oauth1::sign() sign a request bound to its origin and body.
#ifndef OAUTH1_DETAIL_POCO_REQUEST_HPP
#define OAUTH1_DETAIL_POCO_REQUEST_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/detail/origin.hpp>
#include <oauth1/detail/wire_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>

#include <Poco/Net/HTTPMessage.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {
namespace poco::detail {

// Targets and header fields the library writes as given (detail/wire_checks.hpp).
using oauth1::detail::is_field_name;
using oauth1::detail::is_field_value;
using oauth1::detail::is_wire_target;

/// How many fields named `name` (any case: Poco's NameValueCollection compares so) `m` has.
inline std::size_t header_count(const Poco::Net::HTTPMessage& m, std::string_view name)
{
    std::size_t n = 0;
    for (const auto& [k, v] : m)
        if (oauth1::detail::ascii_iequals(k, name)) ++n;
    return n;
}

/// The first field named `name`, or "".
inline std::string header_value(const Poco::Net::HTTPMessage& m, std::string_view name)
{
    for (const auto& [k, v] : m)
        if (oauth1::detail::ascii_iequals(k, name)) return v;
    return {};
}

/// Replaces every field `name` by one with `value` (NameValueCollection::set replaces only
/// the first).
inline void replace_header(Poco::Net::HTTPMessage& m, const std::string& name,
                           const std::string& value)
{
    m.erase(name); // erases every field of that name
    m.add(name, value);
}

/// "scheme://host[:port]" split into a lower-case scheme and the authority as written;
/// errc::invalid_url for anything else (a path, userinfo, another scheme).
inline bool split_origin(std::string_view origin, std::string& scheme, std::string& authority,
                         std::error_code& ec)
{
    const std::size_t sep = origin.find("://");
    if (sep != std::string_view::npos) {
        scheme = oauth1::detail::normal_scheme(origin.substr(0, sep));
        authority.assign(origin.substr(sep + 3));
    }
    if (sep == std::string_view::npos || scheme.empty() ||
        !oauth1::detail::is_plausible_authority(authority)) {
        ec = make_error_code(errc::invalid_url);
        return false;
    }
    return true;
}

/// Why Poco would not send `req` (with `body`) as it stands, or nullptr; see the top of
/// oauth1/adapters/poco.hpp. `body_signed`: the body's bytes are signed (a form body, or
/// oauth_body_hash).
inline const char* unsendable(const Poco::Net::HTTPRequest& req, std::string_view body,
                              std::string_view authority, bool body_signed)
{
    if (!is_valid_method(req.getMethod())) return "the method is not a token";
    if (!is_wire_target(req.getURI()))
        return "the URI is not a path Poco sends as it is (origin-form, visible ASCII without "
               "'#': percent-encode the rest)";
    for (const auto& [name, value] : req)
        if (!is_field_name(name) || !is_field_value(value))
            return "a header name is not a token or a value holds CR, LF or NUL";
    const std::size_t hosts = header_count(req, "Host");
    if (hosts > 1 || (hosts == 1 && header_value(req, "Host") != authority))
        return "a Host header other than the origin's authority";
    if (header_count(req, "Content-Type") > 1) return "more than one Content-Type header";
    const std::size_t lengths = header_count(req, "Content-Length");
    if (lengths > 1 ||
        (lengths == 1 && header_value(req, "Content-Length") != std::to_string(body.size())))
        return "a Content-Length other than the body's size";
    if (lengths == 1 && req.getChunkedTransferEncoding())
        return "both Content-Length and chunked Transfer-Encoding";
    const std::size_t codings = header_count(req, "Transfer-Encoding");
    if (codings > 1 || (codings == 1 && !req.getChunkedTransferEncoding()))
        return "a Transfer-Encoding other than chunked";
    if (body_signed && !body.empty()) {
        const std::string enc = header_value(req, "Content-Encoding");
        if (!enc.empty() && !oauth1::detail::ascii_iequals(enc, "identity"))
            return "a Content-Encoding on a signed body (the server verifies the decoded body)";
    }
    return nullptr;
}

/// A Poco request bound to its origin and body: the request_traits below let oauth1::sign()
/// sign it (scheme and authority from the caller, target from HTTPRequest::getURI()).
struct bound_request {
    Poco::Net::HTTPRequest* req;
    std::string_view scheme;
    std::string_view host;
    std::string_view body;
};

} // namespace poco::detail

template <>
struct request_traits<poco::detail::bound_request> {
    using bound = poco::detail::bound_request;
    static std::string_view method(const bound& b) noexcept { return b.req->getMethod(); }
    static std::string_view scheme(const bound& b) noexcept { return b.scheme; }
    static std::string_view host(const bound& b) noexcept { return b.host; }
    static std::string_view target(const bound& b) noexcept { return b.req->getURI(); }
    static std::string content_type(const bound& b)
    {
        return poco::detail::header_value(*b.req, "Content-Type");
    }
    static std::string_view body(const bound& b) noexcept { return b.body; }
    static void set_header(bound& b, std::string_view name, std::string_view value)
    {
        poco::detail::replace_header(*b.req, std::string(name), std::string(value));
    }
};

} // namespace oauth1

#endif // OAUTH1_DETAIL_POCO_REQUEST_HPP
