// libFuzzer target: the three-legged flow's answer parsers (oauth1/flow.hpp):
// parse_temporary_credentials, parse_token_credentials and parse_callback on the same input.
// Invariants: an accepted answer has a non-empty token and no CR, LF or NUL in the token or the
// secret (they go into later Authorization headers); an accepted temporary answer confirmed the
// callback; an accepted callback has a non-empty token and verifier.
#include <oauth1/flow.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace {
bool header_safe(std::string_view s)
{
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::error_code ec;
    const oauth1::temporary_credentials t = oauth1::parse_temporary_credentials(input, ec);
    if (!ec && (t.token.empty() || !t.callback_confirmed || !header_safe(t.token) ||
                !header_safe(t.secret)))
        __builtin_trap();
    const oauth1::access_credentials a = oauth1::parse_token_credentials(input, ec);
    if (!ec && (a.token.empty() || !header_safe(a.token) || !header_safe(a.secret)))
        __builtin_trap();
    const oauth1::callback_parameters c = oauth1::parse_callback(input, ec);
    if (!ec && (c.token.empty() || c.verifier.empty())) __builtin_trap();
    return 0;
}
