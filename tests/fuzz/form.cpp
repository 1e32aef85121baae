// libFuzzer target: oauth1::parameter_list::add_form and oauth1::percent_decode.
// Invariants: percent_decode(percent_encode(x)) == x for the raw input; add_form either fails and
// adds nothing, or yields names and values that are valid, already-normalised 3.6 encodings.
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
    params.sort();
    (void)params.normalized();
    return 0;
}
