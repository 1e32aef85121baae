// oauth1/detail/beast_server.hpp - private to oauth1 (not a public header): the machinery behind
// oauth1/adapters/beast_server.hpp - oauth1/detail/origin.hpp's URL rules over a Beast request's
// fields (RFC 5849 §3.4.1.2), the repeated-field check and refusals.
#ifndef OAUTH1_DETAIL_BEAST_SERVER_HPP
#define OAUTH1_DETAIL_BEAST_SERVER_HPP

#include <oauth1/detail/origin.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/verify_result.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>

namespace oauth1::beast::detail {

/// Builds the absolute URL the client addressed into `url` (RFC 5849 §3.4.1.2); returns nullptr,
/// or why it cannot (the advice of the refusal).
template <class Fields>
const char* build_request_url(
    const ::boost::beast::http::request<::boost::beast::http::string_body, Fields>& req,
    const oauth1::detail::origin_rules& origin, std::string& url)
{
    // Beast's fields compare names case-insensitively.
    const auto fields = [&req](const char* name) {
        return [&req, name](auto&& visit) {
            const auto range = req.equal_range(name);
            for (auto it = range.first; it != range.second; ++it) {
                const auto v = it->value();
                visit(std::string_view(v.data(), v.size()));
            }
        };
    };
    const auto target = req.target();
    return oauth1::detail::build_origin_url(fields, std::string_view(target.data(), target.size()),
                                            origin, url);
}

/// Why `req` must be refused for a repeated field whose one value the verifier needs, or
/// nullptr.
template <class Fields>
const char* duplicate_field(
    const ::boost::beast::http::request<::boost::beast::http::string_body, Fields>& req)
{
    if (req.count(::boost::beast::http::field::authorization) > 1)
        return "more than one Authorization header";
    if (req.count(::boost::beast::http::field::content_type) > 1)
        return "more than one Content-Type header";
    return nullptr;
}

inline verify_result refused(std::string_view advice)
{
    verify_result r;
    r.problem = problem_report(problem::parameter_rejected);
    r.problem->advice.assign(advice);
    return r;
}

} // namespace oauth1::beast::detail

#endif // OAUTH1_DETAIL_BEAST_SERVER_HPP
