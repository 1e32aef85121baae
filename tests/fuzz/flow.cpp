// libFuzzer target: the three-legged flow's answer parsers (oauth1/flow.hpp):
// parse_temporary_credentials, parse_token_credentials and parse_callback on the same input.
// Invariants: an accepted answer has a non-empty token and no CR, LF or NUL in the token or the
// secret (they go into later Authorization headers) and holds no protocol parameter (oauth_*)
// twice; an accepted temporary answer confirmed the callback; a refused answer says why, in a
// message of bounded size; an accepted callback has a non-empty token and verifier.
#include <oauth1/flow.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {
bool header_safe(std::string_view s)
{
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

/// Whether the form body repeats a name starting "oauth_" (after decoding), checked apart from
/// the parser under test.
bool repeats_protocol_parameter(std::string_view body)
{
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!oauth1::detail::parse_form_pairs(body, pairs)) return false;
    std::vector<std::string> names;
    for (auto& p : pairs)
        if (p.first.rfind("oauth_", 0) == 0) names.push_back(std::move(p.first));
    std::sort(names.begin(), names.end());
    return std::adjacent_find(names.begin(), names.end()) != names.end();
}

/// The reason of a refusal: present, and short whatever the input (a name is cut at 64 bytes).
bool good_reason(const std::string& why)
{
    return !why.empty() && why.size() <= 160;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const bool repeated = repeats_protocol_parameter(input);
    std::error_code ec;
    std::string why;
    const oauth1::temporary_credentials t = oauth1::parse_temporary_credentials(input, ec, &why);
    if (!ec && (t.token.empty() || !t.callback_confirmed || !header_safe(t.token) ||
                !header_safe(t.secret) || repeated || !why.empty()))
        __builtin_trap();
    if (ec && !good_reason(why)) __builtin_trap();
    const oauth1::access_credentials a = oauth1::parse_token_credentials(input, ec, &why);
    if (!ec && (a.token.empty() || !header_safe(a.token) || !header_safe(a.secret) || repeated ||
                !why.empty()))
        __builtin_trap();
    if (ec && !good_reason(why)) __builtin_trap();
    const oauth1::callback_parameters c = oauth1::parse_callback(input, ec);
    if (!ec && (c.token.empty() || c.verifier.empty())) __builtin_trap();
    return 0;
}
