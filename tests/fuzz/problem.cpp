// libFuzzer target: oauth1::parse_problem_response and oauth1::explain_base_string_difference.
// The input is split at its first NUL byte: the body before it, the WWW-Authenticate header value
// after it; the same two parts are compared as "our" and "their" signature base strings.
// Invariants: no crash; the difference is empty exactly when the two are equal, and never longer
// than base_string_difference_max_bytes.
#include <oauth1/problem.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view body = input.substr(0, nul);
    const std::string_view header =
        nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1);
    (void)oauth1::parse_problem_response(body, header);
    const std::string d = oauth1::explain_base_string_difference(body, header);
    if (d.empty() != (body == header)) __builtin_trap();
    if (d.size() > oauth1::base_string_difference_max_bytes) __builtin_trap();
    return 0;
}
