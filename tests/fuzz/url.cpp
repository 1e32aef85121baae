// libFuzzer target: oauth1::base_string_uri (error_code overload).
// Invariant: on success the result starts with "http://" or "https://".
#include <oauth1/base_string.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::error_code ec;
    const std::string uri = oauth1::base_string_uri(input, ec);
    if (ec) return 0;
    const std::string_view u = uri;
    if (u.substr(0, 7) != "http://" && u.substr(0, 8) != "https://") __builtin_trap();
    return 0;
}
