// libFuzzer target: oauth1::parameter_list::add_form and oauth1::percent_decode.
// Invariants: percent_decode(percent_encode(x)) == x for the raw input; add_form either fails and
// adds nothing, or yields names and values that are valid, already-normalised 3.6 encodings;
// sort() agrees with std::sort, and first_repeated_name agrees before and after sorting.
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::error_code ec;

    // Round trip of the raw bytes.
    const std::string encoded = oauth1::percent_encode(input);
    if (encoded.size() != oauth1::percent_encoded_size(input)) __builtin_trap();
    const std::string decoded = oauth1::percent_decode(encoded, ec);
    if (ec || decoded != input) __builtin_trap();

    // Decoding the raw input: must not crash, whatever it holds.
    (void)oauth1::percent_decode(input, ec);
    (void)oauth1::percent_decode(input, ec, oauth1::decode_opts{true});

    oauth1::parameter_list params;
    params.add_form(input, ec);
    if (ec) {
        if (params.size() != 0) __builtin_trap();
        return 0;
    }
    for (const oauth1::parameter_view p : params) {
        for (const std::string_view s : {p.name, p.value}) {
            const std::string raw = oauth1::percent_decode(s, ec);
            if (ec) __builtin_trap();
            if (oauth1::percent_encode(raw) != s) __builtin_trap();
        }
    }
    // sort() (a natural merge sort) agrees with std::sort of the pairs, and the repeated-name
    // search gives the same answer on the list before and after sorting (two code paths).
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    for (const oauth1::parameter_view p : params) pairs.emplace_back(p.name, p.value);
    std::vector<std::size_t> scratch;
    const std::string before(params.first_repeated_name("", scratch));
    params.sort();
    std::sort(pairs.begin(), pairs.end());
    for (std::size_t i = 0; i < pairs.size(); ++i)
        if (params[i].name != pairs[i].first || params[i].value != pairs[i].second)
            __builtin_trap();
    const std::string_view after = params.first_repeated_name("", scratch);
    // (A repeated empty name cannot be told from "none": only lists without one compare.)
    for (const auto& p : pairs)
        if (p.first.empty()) return 0;
    if (before.empty() != after.empty()) __builtin_trap();
    // Unsorted: the repeated name met first in list order; sorted: the smallest repeated one.
    for (std::size_t i = 1; i < pairs.size() && !after.empty(); ++i) {
        if (pairs[i].first == pairs[i - 1].first) {
            if (after != pairs[i].first) __builtin_trap();
            break;
        }
    }
    (void)params.normalized();
    return 0;
}
