// libFuzzer target: undoing cpp-httplib's percent-decoding of the Authorization header
// (oauth1::httplib::detail::reencode_authorization, httplib_server.hpp).
// The input is split at NUL bytes into up to four parameter values (any bytes). Invariant: the
// header oauth1 builds for them (authorization_header_append, 3.5.1), percent-decoded once as
// cpp-httplib before 0.44 does to every header value, then re-encoded, parses to exactly the
// parameters it was built from - unless a value holds a '"': once decoded, `a", oauth_x="b` is
// indistinguishable from two parameters (the one ambiguity of undoing the decoding, which only
// the sender of such a value can cause, to its own request). Re-encoding any text never crashes.
#include <oauth1/adapters/httplib_server.hpp>

#include <oauth1/authorization.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)oauth1::httplib::detail::reencode_authorization(input);

    oauth1::parameter_list params;
    static const char* const names[] = {"oauth_callback", "oauth_nonce", "oauth_token",
                                        "oauth_signature"};
    std::size_t pos = 0;
    bool quote = false;
    for (const char* name : names) {
        if (pos > input.size()) break;
        std::size_t nul = input.find('\0', pos);
        if (nul == std::string_view::npos) nul = input.size();
        const std::string_view value = input.substr(pos, nul - pos);
        quote = quote || value.find('"') != std::string_view::npos;
        params.add(name, value); // 3.6-encoded: any byte is allowed
        pos = nul + 1;
    }
    std::string header;
    std::error_code ec;
    oauth1::authorization_header_append(params, std::string_view("Example"), header, ec);
    if (ec) return 0;

    // What cpp-httplib (< 0.44) hands to handlers: every %XX decoded once, '+' kept.
    std::string decoded;
    oauth1::percent_decode_append(header, decoded, ec);
    if (ec) __builtin_trap(); // oauth1 writes only valid escapes
    const std::string restored = oauth1::httplib::detail::reencode_authorization(decoded);
    const oauth1::parsed_authorization parsed = oauth1::parse_authorization_header(restored, ec);
    if (quote) return 0;
    if (ec || !parsed.realm || *parsed.realm != "Example") __builtin_trap();
    if (parsed.parameters.size() != params.size()) __builtin_trap();
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (parsed.parameters[i].name != params[i].name ||
            parsed.parameters[i].value != params[i].value)
            __builtin_trap();
    }
    return 0;
}
