// oauth1/detail/beast_server.hpp - private to oauth1 (not a public header): the machinery behind
// oauth1/adapters/beast_server.hpp - oauth1/detail/origin.hpp's URL rules over a Beast request's
// fields (RFC 5849 §3.4.1.2), the repeated-field, transfer-coding and form-body checks and
// refusals.
#ifndef OAUTH1_DETAIL_BEAST_SERVER_HPP
#define OAUTH1_DETAIL_BEAST_SERVER_HPP

#include <oauth1/detail/origin.hpp>
#include <oauth1/detail/signed_parameters.hpp> // parameter_rejected_result
#include <oauth1/parameters.hpp>               // is_form_urlencoded
#include <oauth1/problem.hpp>
#include <oauth1/verify_result.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
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
const char*
duplicate_field(const ::boost::beast::http::request<::boost::beast::http::string_body, Fields>& req)
{
    if (req.count(::boost::beast::http::field::authorization) > 1)
        return "more than one Authorization header";
    if (req.count(::boost::beast::http::field::content_type) > 1)
        return "more than one Content-Type header";
    return nullptr;
}

/// Why the body reached verify() still transfer-coded, or nullptr: Beast's parser decodes chunked
/// and nothing else, so after `Transfer-Encoding: gzip, chunked` body() holds gzip bytes - which
/// neither the form parser nor the body hash reads as the client meant them, and which a handler
/// inflating them would read unsigned.
template <class Fields>
const char* undecoded_transfer_coding(
    const ::boost::beast::http::request<::boost::beast::http::string_body, Fields>& req)
{
    bool other = false;
    const auto codings = req.equal_range(::boost::beast::http::field::transfer_encoding);
    for (auto it = codings.first; it != codings.second; ++it) {
        const auto v = it->value();
        oauth1::detail::split_outside_quotes(
            std::string_view(v.data(), v.size()), ',', [&other](std::string_view c) {
                if (!c.empty() && !oauth1::detail::ascii_iequals(c, "chunked")) other = true;
            });
    }
    return other ? "a Transfer-Encoding other than chunked: the body is not the one signed (send "
                   "it with Content-Length, or chunked only)"
                 : nullptr;
}

/// Whether a media type's first bytes name application/x-www-form-urlencoded in any case (what a
/// lax form parser, a framework's or the handler's own, may take for a form).
constexpr bool looks_like_form(std::string_view content_type) noexcept
{
    constexpr std::string_view form = "application/x-www-form-urlencoded";
    while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t'))
        content_type.remove_prefix(1);
    if (content_type.size() < form.size()) return false;
    for (std::size_t i = 0; i < form.size(); ++i) {
        char c = content_type[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != form[i]) return false;
    }
    return true;
}

/// Why a body would give a form parser parameters that were not signed, or nullptr. A form body
/// is signed parameter by parameter only when its Content-Type is exactly
/// application/x-www-form-urlencoded (RFC 5849 §3.4.1.3.1; parameters may follow ';'), and only
/// as the bytes received: one whose Content-Type merely starts so
/// ("application/x-www-form-urlencodedX", "application/x-www-form-urlencoded, text/plain") or
/// that is compressed (a Content-Encoding other than identity) is refused rather than left for
/// a lax parser to read as a form.
template <class Fields>
const char*
unsigned_form(const ::boost::beast::http::request<::boost::beast::http::string_body, Fields>& req)
{
    namespace http = ::boost::beast::http;
    if (req.body().empty()) return nullptr;
    const auto ct = req[http::field::content_type];
    const std::string_view type(ct.data(), ct.size());
    if (!looks_like_form(type)) return nullptr;
    if (!is_form_urlencoded(type))
        return "the body's Content-Type is not application/x-www-form-urlencoded but starts like "
               "it: its parameters would not be signed";
    bool identity_only = true;
    const auto codings = req.equal_range(http::field::content_encoding);
    for (auto it = codings.first; it != codings.second; ++it) {
        const auto v = it->value();
        oauth1::detail::split_outside_quotes(
            std::string_view(v.data(), v.size()), ',', [&identity_only](std::string_view c) {
                if (!c.empty() && !oauth1::detail::ascii_iequals(c, "identity"))
                    identity_only = false;
            });
    }
    return identity_only ? nullptr
                         : "a form body with a Content-Encoding: its parameters are signed as "
                           "sent, not compressed";
}

} // namespace oauth1::beast::detail

#endif // OAUTH1_DETAIL_BEAST_SERVER_HPP
