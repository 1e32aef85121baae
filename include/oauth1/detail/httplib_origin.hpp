// oauth1/detail/httplib_origin.hpp - private to oauth1 (not a public header): how
// oauth1/adapters/httplib_server.hpp rebuilds the absolute URL a client signed (RFC 5849
// §3.4.1.2): oauth1/detail/origin.hpp's rules over a cpp-httplib request's header fields.
#ifndef OAUTH1_DETAIL_HTTPLIB_ORIGIN_HPP
#define OAUTH1_DETAIL_HTTPLIB_ORIGIN_HPP

#include <oauth1/detail/origin.hpp>

#include <httplib.h>

#include <string>
#include <string_view>

namespace oauth1::httplib::detail {

/// Builds the absolute URL the client addressed into `url` (RFC 5849 §3.4.1.2); returns nullptr,
/// or why it cannot (the advice of the refusal).
inline const char* build_request_url(const ::httplib::Request& req,
                                     const oauth1::detail::origin_rules& origin, std::string& url)
{
    // cpp-httplib's header map compares names case-insensitively.
    const auto fields = [&req](const char* name) {
        return [&req, name](auto&& visit) {
            const auto range = req.headers.equal_range(name);
            for (auto it = range.first; it != range.second; ++it)
                visit(std::string_view(it->second));
        };
    };
    return oauth1::detail::build_origin_url(fields, req.target, origin, url);
}

} // namespace oauth1::httplib::detail

#endif // OAUTH1_DETAIL_HTTPLIB_ORIGIN_HPP
