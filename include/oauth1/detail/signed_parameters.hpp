// oauth1/detail/signed_parameters.hpp - private to oauth1 (not a public header): for the server
// adapters (httplib_server.hpp, poco_server.hpp, beast_server.hpp), the check that every
// parameter the server library parsed for a handler is one oauth1 verified
// (RFC 5849 §3.4.1.3.1: the query and a form body), and the refusal when one is not.
#ifndef OAUTH1_DETAIL_SIGNED_PARAMETERS_HPP
#define OAUTH1_DETAIL_SIGNED_PARAMETERS_HPP

#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/verify_result.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1::detail {

/// The parameters of a verified request as oauth1 parsed them: the query of `target` and, when
/// `form_body` (an application/x-www-form-urlencoded body, which is signed), the body; sorted
/// (name, value) pairs, percent-encoded as in the base string. Building it is O(n log n), each
/// lookup O(log n). Refers to its own storage: neither copied nor moved.
class signed_parameters {
public:
    signed_parameters(std::string_view target, std::string_view body, bool form_body)
    {
        std::error_code ec;
        const std::size_t q = target.find('?');
        if (q != std::string_view::npos) received_.add_form(target.substr(q + 1), ec);
        if (!ec && form_body) {
            parameter_list form;
            form.add_form(body, ec);
            received_.append(form);
        }
        parsed_ = !ec;
        known_.reserve(received_.size());
        for (const parameter_view p : received_) known_.emplace_back(p.name, p.value);
        std::sort(known_.begin(), known_.end());
    }
    signed_parameters(const signed_parameters&) = delete;
    signed_parameters& operator=(const signed_parameters&) = delete;

    /// False when the query or the form body could not be parsed (nothing then matches).
    bool parsed() const noexcept { return parsed_; }

    /// Whether (`name`, `value`), decoded as a server library hands them to a handler, is one
    /// of the parameters.
    bool contains(std::string_view name, std::string_view value)
    {
        if (!parsed_) return false;
        name_.clear();
        value_.clear();
        percent_encode_append(name, name_);
        percent_encode_append(value, value_);
        return std::binary_search(known_.begin(), known_.end(),
                                  std::pair<std::string_view, std::string_view>(name_, value_));
    }

private:
    parameter_list received_;
    std::vector<std::pair<std::string_view, std::string_view>> known_;
    std::string name_;
    std::string value_;
    bool parsed_ = false;
};

/// A refusal with problem::parameter_rejected and `advice`: what a server adapter answers for a
/// request that verified but would hand its handler something that was not signed.
inline verify_result parameter_rejected_result(std::string_view advice)
{
    verify_result r;
    r.problem = problem_report(problem::parameter_rejected);
    r.problem->advice.assign(advice);
    return r;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_SIGNED_PARAMETERS_HPP
