// oauth1/detail/transport_checks.hpp - private to oauth1 (not a public header): what every
// transport checks in its transport_options before sending (transport_options.hpp), so that a
// setting a transport cannot honour is refused with the same words everywhere, and deadline
// arithmetic that does not overflow.
#ifndef OAUTH1_DETAIL_TRANSPORT_CHECKS_HPP
#define OAUTH1_DETAIL_TRANSPORT_CHECKS_HPP

#include <oauth1/authorization.hpp> // has_header_breaking_char
#include <oauth1/transport_options.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace oauth1::detail {

/// The transport_options members that not every transport supports.
struct transport_support {
    bool proxy = false;
    bool follow_redirects = false;
    bool verify_peer_off = false;
    bool ca_file_with_ca_path = true;
};

/// Why `transport` cannot honour `o`, naming the member; empty when it can.
inline std::string transport_options_problem(const transport_options& o, std::string_view transport,
                                             const transport_support& can)
{
    const auto refuse = [&transport](std::string_view what) {
        std::string why(transport);
        why.append(": transport_options::").append(what);
        return why;
    };
    if (o.timeout.count() <= 0) return refuse("timeout must be positive (there is no \"none\")");
    if (o.connect_timeout.count() <= 0)
        return refuse("connect_timeout must be positive (there is no \"none\")");
    if (has_header_breaking_char(o.user_agent)) return refuse("user_agent holds CR, LF or NUL");
    if (!o.proxy.empty() && !can.proxy)
        return refuse("proxy is not supported (only oauth1::curl::transport uses a proxy)");
    if (o.follow_redirects && !can.follow_redirects)
        return refuse("follow_redirects is not supported (only "
                      "oauth1::curl::transport::sign_and_perform follows redirects)");
    if (!o.verify_peer && !can.verify_peer_off)
        return refuse("verify_peer = false is not supported (this transport cannot turn "
                      "certificate verification off)");
    if (!o.ca_file.empty() && !o.ca_path.empty() && !can.ca_file_with_ca_path)
        return refuse("ca_file and ca_path together are not supported (cpp-httplib reads only "
                      "one of them)");
    return {};
}

/// `now + d`, or the clock's largest time point when that would overflow.
inline std::chrono::steady_clock::time_point
deadline_after(std::chrono::steady_clock::time_point now, std::chrono::milliseconds d) noexcept
{
    using clock = std::chrono::steady_clock;
    const auto room =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::time_point::max() - now);
    if (d >= room) return clock::time_point::max();
    return now + d;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_TRANSPORT_CHECKS_HPP
