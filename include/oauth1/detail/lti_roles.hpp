// oauth1/detail/lti_roles.hpp - private to oauth1 (not a public header): the `roles` launch
// parameter of IMS LTI 1.1 (oauth1/lti.hpp): a comma-separated list of LIS role names, each a
// short context role ("Instructor"), a full context-role URN ("urn:lti:role:ims/lis/Instructor"),
// a sub-role URN ("urn:lti:role:ims/lis/Instructor/Lecturer") or an institution-role URN
// ("urn:lti:instrole:ims/lis/Faculty").
#ifndef OAUTH1_DETAIL_LTI_ROLES_HPP
#define OAUTH1_DETAIL_LTI_ROLES_HPP

#include <oauth1/detail/auth_param.hpp> // is_ows
#include <oauth1/detail/url_split.hpp>  // ascii_iequals

#include <cstddef>
#include <string_view>

namespace oauth1::detail {

/// The prefix of LTI 1.1 context-role URNs (LTI 1.1 Implementation Guide, appendix A).
inline constexpr std::string_view lti_context_role_urn = "urn:lti:role:ims/lis/";

/// Calls f(role) for each non-empty, whitespace-trimmed element of a `roles` value.
template <class F>
void for_each_lti_role(std::string_view roles, F&& f)
{
    while (!roles.empty()) {
        const std::size_t comma = roles.find(',');
        std::string_view role = roles.substr(0, comma);
        roles = comma == std::string_view::npos ? std::string_view{} : roles.substr(comma + 1);
        while (!role.empty() && is_ows(role.front())) role.remove_prefix(1);
        while (!role.empty() && is_ows(role.back())) role.remove_suffix(1);
        if (!role.empty()) f(role);
    }
}

/// Whether `role` is the context role `short_name` (any case: LMSs differ), written short
/// ("Instructor"), as a URN ("urn:lti:role:ims/lis/Instructor") or as one of its sub-roles
/// ("urn:lti:role:ims/lis/Instructor/Lecturer"). Institution roles (urn:lti:instrole:...) are
/// not context roles and never match.
constexpr bool lti_role_is(std::string_view role, std::string_view short_name) noexcept
{
    if (ascii_iequals(role, short_name)) return true;
    const std::size_t n = lti_context_role_urn.size();
    if (role.size() <= n || !ascii_iequals(role.substr(0, n), lti_context_role_urn)) return false;
    role.remove_prefix(n);
    const std::size_t slash = role.find('/');
    return ascii_iequals(role.substr(0, slash), short_name);
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_LTI_ROLES_HPP
