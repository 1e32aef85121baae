// libFuzzer target: the one auth-param scanner (oauth1::detail::auth_param_scanner,
// detail/auth_param.hpp) and the four readers built on it, all on the same input (the whole
// input is a header value):
// - the scanner: offsets inside the input, every returned view a part of it, the scheme check
//   (auth_scheme_end, the provider's) agrees with it;
// - parse_authorization_header (strict): refuses with the error of the first scanned parameter
//   that is followed badly, repeats the realm or has a malformed escape, else with
//   invalid_authorization_header when the scan ended in an error; when it accepts, its
//   parameters are the scanned ones recoded, and the header it rebuilds parses to the same realm
//   and parameters (what tests/fuzz/authorization.cpp checked before this target replaced it);
// - the challenge walker (lenient): exactly the scanned pairs whose name and value decode;
// - reencode_decoded_authorization (the httplib server adapter): returns its input or an
//   `OAuth ` header, and undoes one percent-decoding: the rebuilt header of an accepted input,
//   percent-decoded once as cpp-httplib before 0.44 does, re-encodes to a header that parses to
//   the same realm and parameters - unless a decoded name or value holds a delimiter that makes
//   the decoded text ambiguous ('"' in a value; '=', ',', SP, HTAB, '"' in a name) or the realm
//   holds a '%' (cpp-httplib decodes it and nothing can tell).
#include <oauth1/detail/auth_param.hpp>

#include <oauth1/authorization.hpp>
#include <oauth1/detail/problem_fields.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using oauth1::detail::auth_param;
using oauth1::detail::auth_param_error;
using oauth1::detail::auth_param_scanner;

void check(bool ok)
{
    if (!ok) __builtin_trap();
}

bool inside(std::string_view part, std::string_view whole)
{
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool has_any_of(std::string_view s, std::string_view set)
{
    return s.find_first_of(set) != std::string_view::npos;
}

/// The rebuilt header of an accepted input, through cpp-httplib's decoding and back.
void check_reencode_round_trip(const oauth1::parsed_authorization& parsed,
                               const std::string& rebuilt)
{
    if (parsed.realm && parsed.realm->find('%') != std::string::npos) return;
    bool first = true;
    for (const oauth1::parameter_view p : parsed.parameters) {
        std::error_code ec;
        const std::string name = oauth1::percent_decode(p.name, ec);
        check(!ec);
        const std::string value = oauth1::percent_decode(p.value, ec);
        check(!ec);
        if (has_any_of(name, std::string_view("=, \t\"", 5)) || has_any_of(value, "\"")) return;
        // A decoded value ends at '"' followed by ", oauth_...=" or ", realm=" (RFC 5849 §3.5.1
        // has no other parameters): the round trip holds for the parameters the RFC allows.
        if (!first && name.compare(0, 6, "oauth_") != 0) return;
        first = false;
    }
    std::string decoded; // what cpp-httplib (< 0.44) hands to handlers: every %XX decoded once
    std::error_code ec;
    oauth1::percent_decode_append(rebuilt, decoded, ec);
    check(!ec); // oauth1 writes only valid escapes, and the realm holds no '%'
    const std::string restored = oauth1::detail::reencode_decoded_authorization(decoded);
    const oauth1::parsed_authorization again = oauth1::parse_authorization_header(restored, ec);
    check(!ec);
    check(again.realm == parsed.realm);
    check(again.parameters.size() == parsed.parameters.size());
    for (std::size_t i = 0; i < parsed.parameters.size(); ++i) {
        check(again.parameters[i].name == parsed.parameters[i].name);
        check(again.parameters[i].value == parsed.parameters[i].value);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The scanner on its own.
    std::vector<auth_param> params;
    std::vector<std::string> values; // quoted-pairs undone
    auth_param_scanner scan(input, "OAuth");
    bool strict_refusal = false; // a parameter returned with missing_comma already set
    std::string buffer;
    for (auth_param p; scan.next(p);) {
        check(!p.name.empty() && inside(p.name, input) && inside(p.raw_value, input));
        check(p.quoted || !p.escaped);
        if (scan.error() != auth_param_error::none) {
            check(scan.error() == auth_param_error::missing_comma);
            strict_refusal = true;
        }
        params.push_back(p);
        values.emplace_back(p.value(buffer));
    }
    const auth_param_error error = scan.error();
    check(scan.error_offset() <= input.size());
    check(strict_refusal == (error == auth_param_error::missing_comma));
    check((error == auth_param_error::other_scheme) ==
          (oauth1::detail::auth_scheme_end(input, "OAuth") == std::string_view::npos));

    // The challenge walker: the scanned pairs whose name and value decode, in order.
    std::size_t walked = 0;
    std::size_t expected_index = 0;
    oauth1::detail::for_each_challenge_param(input, [&](const std::string& n, std::string v) {
        std::error_code ec;
        for (; expected_index < params.size(); ++expected_index) {
            const std::string en = oauth1::percent_decode(params[expected_index].name, ec);
            if (ec) continue;
            const std::string ev = oauth1::percent_decode(values[expected_index], ec);
            if (ec) continue;
            check(en == n && ev == v);
            break;
        }
        check(expected_index < params.size());
        ++expected_index;
        ++walked;
    });
    check(walked <= params.size());

    // The httplib server's re-encoding never crashes, and leaves what it cannot read alone.
    const std::string reencoded = oauth1::detail::reencode_decoded_authorization(input);
    check(reencoded == input || reencoded.compare(0, 6, "OAuth ") == 0);

    // parse_authorization_header reads the parameters in order and refuses at the first that
    // is followed badly (invalid_authorization_header), is a second realm
    // (duplicate_protocol_parameter) or has a malformed escape (invalid_percent_encoding); then
    // at a syntax error where the scan ended. Otherwise its parameters are the scanned ones,
    // recoded, and its realm the one scanned.
    std::optional<oauth1::errc> expected;
    std::optional<std::string> realm_seen;
    oauth1::parameter_list recoded;
    std::error_code ec;
    for (std::size_t i = 0; i < params.size() && !expected; ++i) {
        if (strict_refusal && i + 1 == params.size()) {
            expected = oauth1::errc::invalid_authorization_header;
        } else if (oauth1::detail::is_realm_name(params[i].name)) {
            if (realm_seen) expected = oauth1::errc::duplicate_protocol_parameter;
            realm_seen = values[i];
        } else {
            recoded.add_recoded(params[i].name, values[i], false, ec);
            if (ec) expected = oauth1::errc::invalid_percent_encoding;
        }
    }
    if (!expected && error != auth_param_error::none)
        expected = oauth1::errc::invalid_authorization_header;
    const oauth1::parsed_authorization parsed = oauth1::parse_authorization_header(input, ec);
    if (expected) {
        check(ec == *expected);
        check(parsed.parameters.empty() && !parsed.realm);
        return 0;
    }
    check(!ec);
    check(parsed.realm == realm_seen);
    check(recoded.size() == parsed.parameters.size());
    for (std::size_t i = 0; i < recoded.size(); ++i)
        check(recoded[i].name == parsed.parameters[i].name &&
              recoded[i].value == parsed.parameters[i].value);

    // A parameter whose *encoded* name is "realm" in any case (sent as %72ealm, %52EALM) cannot
    // be told apart from the realm once rebuilt, so the round trip is not defined for it.
    for (const oauth1::parameter_view p : parsed.parameters)
        if (oauth1::detail::is_realm_name(p.name)) return 0;
    std::string rebuilt;
    std::optional<std::string_view> realm;
    if (parsed.realm) realm = *parsed.realm;
    oauth1::authorization_header_append(parsed.parameters, realm, rebuilt, ec);
    check(!ec); // the scanner refuses CR, LF and NUL, so the realm is valid
    const oauth1::parsed_authorization again = oauth1::parse_authorization_header(rebuilt, ec);
    check(!ec);
    check(again.realm == parsed.realm);
    check(again.parameters.size() == parsed.parameters.size());
    check(again.parameters.normalized() == parsed.parameters.normalized());

    check_reencode_round_trip(parsed, rebuilt);
    return 0;
}
