// oauth1/detail/base_string_diff.hpp - private (not part of oauth1's API): the machinery of
// problem.hpp's explain_base_string_difference: splitting the parameter part of a signature base
// string (RFC 5849 §3.4.1.1) into its items and matching two lists of them as multisets.
#ifndef OAUTH1_DETAIL_BASE_STRING_DIFF_HPP
#define OAUTH1_DETAIL_BASE_STRING_DIFF_HPP

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace oauth1::detail {

/// The '&'-separated items of `s` (empty ones skipped), as views into it.
inline std::vector<std::string_view> split_parameters(std::string_view s)
{
    std::vector<std::string_view> v;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t amp = s.find('&', pos);
        if (amp == std::string_view::npos) amp = s.size();
        if (amp > pos) v.push_back(s.substr(pos, amp - pos));
        pos = amp + 1;
    }
    return v;
}

/// Marks, in `a_matched` and `b_matched`, the items of `a` and `b` that the other side also
/// has, as multisets: within a run of equal items, the first k of each side are matched, where
/// k is the smaller count. O((|a| + |b|) log(|a| + |b|)): both sides are sorted (by value, then
/// position) and merged, never compared pairwise.
inline void match_multisets(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b, std::vector<bool>& a_matched,
                            std::vector<bool>& b_matched)
{
    using item = std::pair<std::string_view, std::size_t>;
    const auto sorted = [](const std::vector<std::string_view>& v) {
        std::vector<item> s;
        s.reserve(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) s.emplace_back(v[i], i);
        // Parameters of a base string are normally sorted already (RFC 5849 §3.4.1.3.2).
        if (!std::is_sorted(s.begin(), s.end())) std::sort(s.begin(), s.end());
        return s;
    };
    const std::vector<item> sa = sorted(a);
    const std::vector<item> sb = sorted(b);
    a_matched.assign(a.size(), false);
    b_matched.assign(b.size(), false);
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < sa.size() && j < sb.size()) {
        const int c = sa[i].first.compare(sb[j].first);
        if (c < 0) {
            ++i;
        } else if (c > 0) {
            ++j;
        } else {
            a_matched[sa[i++].second] = true;
            b_matched[sb[j++].second] = true;
        }
    }
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_BASE_STRING_DIFF_HPP
