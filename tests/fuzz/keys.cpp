// libFuzzer target: oauth1::load_private_key and oauth1::load_public_key (error_code overloads).
// Only checks that arbitrary PEM/DER/JIRA-style input never crashes.
#include <oauth1/keys.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::error_code ec;
    (void)oauth1::load_private_key(input, "pass", ec);
    (void)oauth1::load_public_key(input, ec);
    return 0;
}
