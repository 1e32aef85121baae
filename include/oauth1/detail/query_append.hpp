// oauth1/detail/query_append.hpp - private to oauth1 (not a public header): adding parameters to
// a URL's query before its fragment, for the protocol parameters sent in the query
// (RFC 5849 §3.5.3, oauth1/client.hpp) and the authorization URL (oauth1/flow.hpp).
#ifndef OAUTH1_DETAIL_QUERY_APPEND_HPP
#define OAUTH1_DETAIL_QUERY_APPEND_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace oauth1::detail {

/// Copies `url` without its fragment into `out`, followed by the '?' or '&' that one more query
/// parameter needs; returns the fragment ("#..." or empty) to append after the parameters.
inline std::string_view begin_query_append(std::string_view url, std::string& out)
{
    const std::size_t hash = url.find('#');
    const std::string_view head = url.substr(0, hash);
    out.assign(head);
    if (head.find('?') == std::string_view::npos) {
        out.push_back('?');
    } else if (out.back() != '?' && out.back() != '&') {
        out.push_back('&');
    }
    return hash == std::string_view::npos ? std::string_view{} : url.substr(hash);
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_QUERY_APPEND_HPP
