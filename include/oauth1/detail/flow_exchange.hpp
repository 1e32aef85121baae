// oauth1/detail/flow_exchange.hpp - private (not part of oauth1's API): the machinery of
// flow.hpp's steps. Calling a transport of either form, and one signed exchange: sign (RFC 5849
// §3.5.1), send, and classify the answer into a step_failure (flow_error.hpp).
#ifndef OAUTH1_DETAIL_FLOW_EXCHANGE_HPP
#define OAUTH1_DETAIL_FLOW_EXCHANGE_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/url_diagnosis.hpp>
#include <oauth1/error.hpp>
#include <oauth1/flow_error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace oauth1::detail {

/// Calls a transport: either form `r(req, ec)` or (throwing) `r(req)`.
template <class Transport>
http_response call_transport(Transport& t, const http_request& req, std::error_code& ec)
{
    if constexpr (is_transport_v<Transport>) {
        return t(req, ec);
    } else {
        static_assert(std::is_invocable_r_v<http_response, Transport&, const http_request&>,
                      "a transport must be callable as http_response(const http_request&, "
                      "std::error_code&) or http_response(const http_request&)");
        ec.clear();
        return t(req);
    }
}

/// Fills `f` from a non-2xx answer (or a 2xx answer that carries oauth_problem), whose problem
/// report (parse_problem_response) is `problem`.
inline void describe_answer(const http_response& res, std::string_view our_base,
                            std::optional<problem_report> problem, step_failure& f)
{
    f.status = res.status;
    f.body_excerpt = res.body.substr(0, 1000);
    f.problem = std::move(problem);
    if (f.problem && !f.problem->signature_base_string.empty()) {
        f.base_string_difference =
            explain_base_string_difference(our_base, f.problem->signature_base_string);
    }
    f.error = make_error_code(f.problem ? errc::oauth_problem : errc::http_status);
}

/// Whether Clock learns the provider's time from a refused timestamp (skew_clock).
template <class Clock, class = void>
struct learns_time : std::false_type {};
template <class Clock>
struct learns_time<Clock, std::void_t<decltype(std::declval<const Clock&>().learn(
                              static_cast<const problem_report*>(nullptr), std::string_view()))>>
    : std::true_type {};

/// One attempt of signed_exchange(): sign, send, classify.
template <class Transport, class Signer, class Clock, class Nonce>
http_response signed_attempt(Transport& t, const basic_client<Signer, Clock, Nonce>& c,
                             http_request& req, const sign_options& opts, step_failure& f,
                             std::error_code& ec)
{
    signed_request s;
    f.consumer_key.assign(c.consumer_key());
    oauth1::sign(req, c, opts, s, ec);
    if (ec) {
        f.error = ec;
        if (ec == errc::invalid_url || ec == errc::invalid_percent_encoding)
            f.detail = describe_url_problem(req.url);
        return {};
    }
    f.base_string.assign(s.base_string());
    http_response res = call_transport(t, req, ec);
    if (ec) {
        f.error = ec;
        return res;
    }
    std::optional<problem_report> problem =
        parse_problem_response(res.body, res.header("WWW-Authenticate"));
    if (!res.ok() || problem) {
        describe_answer(res, f.base_string, std::move(problem), f);
        ec = f.error;
    }
    return res;
}

/// Signs `req` with `c` (Authorization header), sends it, and classifies the answer. Returns the
/// answer; `ec` is set for signing and transport errors, an OAuth problem, or a non-2xx status.
/// With a clock that learns the provider's time (skew_clock), a refused timestamp
/// (timestamp_refused) teaches it the offset and the request is signed anew and sent once more.
template <class Transport, class Signer, class Clock, class Nonce>
http_response signed_exchange(Transport& t, const basic_client<Signer, Clock, Nonce>& c,
                              http_request& req, const sign_options& opts, step_failure& f,
                              std::error_code& ec)
{
    http_response res = signed_attempt(t, c, req, opts, f, ec);
    if constexpr (learns_time<Clock>::value) {
        if (ec == errc::oauth_problem && f.problem &&
            f.problem->code == problem::timestamp_refused && !opts.timestamp) {
            if (const auto offset = c.clock().learn(&*f.problem, res.header("Date"))) {
                // The Authorization header of the refused attempt is replaced when signing.
                f.clear();
                ec.clear();
                res = signed_attempt(t, c, req, opts, f, ec);
                f.clock_offset = *offset;
            }
        }
    }
    return res;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_FLOW_EXCHANGE_HPP
