// libFuzzer target: oauth1::parse_problem_response. The input is split at its first NUL byte:
// the body before it, the WWW-Authenticate header value after it. Only checks for no crash.
#include <oauth1/problem.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view body = input.substr(0, nul);
    const std::string_view header =
        nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1);
    (void)oauth1::parse_problem_response(body, header);
    return 0;
}
