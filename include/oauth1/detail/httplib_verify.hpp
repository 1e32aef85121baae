// oauth1/detail/httplib_verify.hpp - private to oauth1 (not a public header): the checks and
// answers behind oauth1::httplib::verify(), protect() and screen_request()
// (oauth1/adapters/httplib_server.hpp) - that every parameter cpp-httplib parsed into
// Request::params was signed (RFC 5849 §3.4.1.3.1), refusals, answers that close the connection,
// and which handler signatures protect() accepts.
#ifndef OAUTH1_DETAIL_HTTPLIB_VERIFY_HPP
#define OAUTH1_DETAIL_HTTPLIB_VERIFY_HPP

#include <oauth1/detail/signed_parameters.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>

#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace oauth1::httplib::detail {

/// Whether cpp-httplib 0.11 parses a body with this Content-Type into Request::params (its
/// test: the value starts with these exact lower-case bytes).
inline bool httplib_reads_form(std::string_view content_type) noexcept
{
    constexpr std::string_view form = "application/x-www-form-urlencoded";
    return content_type.substr(0, form.size()) == form;
}

/// Why a verified request's Request::params hold something oauth1 did not verify, or nullptr.
/// Every (name, value) cpp-httplib parsed must be one of the parameters oauth1 parsed from the
/// query and, for a form it signs, the body: those were all signed (RFC 5849 §3.4.1.3.1) but
/// oauth_signature, which is then the one verified (protocol parameters come from one place
/// only, unrepeated). O(n log n).
inline const char* unsigned_parameter(const ::httplib::Request& req)
{
    if (req.params.empty()) return nullptr;
    const std::string content_type = req.get_header_value("Content-Type");
    const bool signed_form = is_form_urlencoded(content_type);
    const char* const differs = "a parameter as cpp-httplib parsed it (Request::params) was not "
                                "signed";
    oauth1::detail::signed_parameters known(req.target, req.body, signed_form);
    if (!known.parsed()) return differs;
    for (const auto& [n, val] : req.params) {
        if (!known.contains(n, val)) {
            if (!signed_form && httplib_reads_form(content_type))
                return "cpp-httplib parsed the body as form parameters, but its Content-Type is "
                       "not application/x-www-form-urlencoded: they were not signed";
            return differs;
        }
    }
    return nullptr;
}

/// Answers `status` with `text` and makes cpp-httplib close the connection after the answer:
/// a content provider that reports failure once it has written everything is cpp-httplib's
/// only way (0.11) for a handler to end a keep-alive connection, and an unread body must not
/// be parsed as the next request.
inline void answer_and_close(::httplib::Response& res, int status, std::string text)
{
    res.status = status;
    res.set_header("Connection", "close");
    auto body = std::make_shared<const std::string>(std::move(text));
    res.set_content_provider(
        body->size(), "text/plain",
        [body](std::size_t offset, std::size_t length, ::httplib::DataSink& sink) {
            if (offset < body->size())
                sink.write(body->data() + offset, std::min(length, body->size() - offset));
            return false;
        });
}

template <class Handler>
inline constexpr bool takes_verify_result_v =
    std::is_invocable_v<Handler&, const ::httplib::Request&, ::httplib::Response&,
                        const verify_result&>;

template <class Handler>
inline constexpr bool takes_request_v =
    std::is_invocable_v<Handler&, const ::httplib::Request&, ::httplib::Response&>;

} // namespace oauth1::httplib::detail

#endif // OAUTH1_DETAIL_HTTPLIB_VERIFY_HPP
