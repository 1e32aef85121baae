// Test support for the provider side (oauth1::request_verifier, include/oauth1/provider.hpp),
// shared by the tests/unit/provider_*.cpp files (provider_hostile.cpp uses its first part):
//   - the provider's "database" (directory: consumers by key, tokens by consumer key and token),
//     a fixed clock, test_verifier, options() and verify_once() (a fresh nonce store each time),
//     and check_outcome(): the request verifies, or is refused with exactly that oauth_problem;
//   - requests on the wire (wire_request: the protocol parameters decoded, in wire order) and
//     build() into the Authorization header, the query or a form body; flip() changes one byte
//     and keeps the request well-formed;
//   - the public vectors of ../shared/conformance/VECTORS.md as requests (signing_vectors(),
//     vector_directory(), verify_vector()). Expected values come from VECTORS.md, the RFC or
//     python3-oauthlib, never from this library.
#ifndef OAUTH1_TEST_PROVIDER_FIXTURE_HPP
#define OAUTH1_TEST_PROVIDER_FIXTURE_HPP

#include <oauth1/encoding.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <ios>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// Readable failure messages for lists of parameter names.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v)
    {
        std::string s = "{";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
        s += "}";
        return String(s.c_str());
    }
};
} // namespace doctest

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif
#ifndef OAUTH1_TEST_SOURCE_DIR
#define OAUTH1_TEST_SOURCE_DIR "tests"
#endif
#ifndef OAUTH1_PYTHON
#define OAUTH1_PYTHON "/usr/bin/python3"
#endif

namespace oauth1_test {

using oauth1::problem;
using oauth1::token_requirement;
using strings = std::vector<std::string>;

inline std::string data_path(const std::string& rel)
{
    return std::string(OAUTH1_TEST_DATA_DIR) + "/" + rel;
}

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The provider's clock, fixed at a vector's timestamp.
struct fixed_clock {
    std::uint64_t now;
    std::uint64_t operator()() const noexcept { return now; }
};

using consumer_lookup = std::function<const oauth1::consumer_credentials*(std::string_view)>;
using token_lookup =
    std::function<const oauth1::token_credentials*(std::string_view, std::string_view)>;

/// The provider's "database": consumers by key, tokens by (consumer key, token).
struct directory {
    std::map<std::string, oauth1::consumer_credentials, std::less<>> consumers;
    std::map<std::pair<std::string, std::string>, oauth1::token_credentials> tokens;

    consumer_lookup consumer_fn() const
    {
        return [this](std::string_view key) -> const oauth1::consumer_credentials* {
            const auto it = consumers.find(key);
            return it == consumers.end() ? nullptr : &it->second;
        };
    }
    token_lookup token_fn() const
    {
        return
            [this](std::string_view ck, std::string_view tok) -> const oauth1::token_credentials* {
                const auto it = tokens.find({std::string(ck), std::string(tok)});
                return it == tokens.end() ? nullptr : &it->second;
            };
    }
};

template <class Store = oauth1::memory_nonce_store>
using test_verifier = oauth1::request_verifier<consumer_lookup, token_lookup, Store, fixed_clock>;

inline oauth1::verify_options options(token_requirement t, bool keep_base_string = false,
                                      std::uint64_t window = 300)
{
    oauth1::verify_options o;
    o.token = t;
    o.keep_base_string = keep_base_string;
    o.timestamp_window = window;
    // The public vectors include PLAINTEXT requests to http:// URLs: accepted here so that they
    // check the signature; the https-only default has its own tests.
    o.allow_plaintext_over_http = true;
    return o;
}

/// Verifies with a fresh nonce store; the provider itself must always be able to decide.
inline oauth1::verify_result verify_once(const directory& d, const oauth1::incoming_request& req,
                                         std::uint64_t now, const oauth1::verify_options& opts)
{
    oauth1::memory_nonce_store store;
    const test_verifier<> v(d.consumer_fn(), d.token_fn(), store, fixed_clock{now});
    std::error_code ec;
    oauth1::verify_result r = v.verify(req, opts, ec);
    CHECK_FALSE(ec);
    return r;
}

inline std::string describe(const oauth1::verify_result& r)
{
    if (r.ok()) return "ok";
    return r.problem ? r.problem->summary() : std::string("refused without a problem");
}

/// `expected` nullopt: the request must verify; otherwise it must be refused with that problem.
inline void check_outcome(const oauth1::verify_result& r, std::optional<problem> expected)
{
    const std::string got = describe(r);
    INFO("result: " << got);
    if (!expected) {
        CHECK(r.ok());
        CHECK(static_cast<bool>(r));
        CHECK_FALSE(r.problem.has_value());
        return;
    }
    const std::string want(oauth1::to_string(*expected));
    INFO("expected: " << want);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(static_cast<bool>(r));
    REQUIRE(r.problem.has_value());
    CHECK(r.problem->code == expected);
    CHECK(r.problem->name == want);
}

// ---------------------------------------------------------------------------------------------
// Requests on the wire, with the protocol parameters as plain (decoded) values in wire order.

enum class transport { header, query, form };

inline const char* transport_name(transport t)
{
    switch (t) {
    case transport::header: return "header";
    case transport::query: return "query";
    case transport::form: return "form";
    }
    return "?";
}

using param = std::pair<std::string, std::string>;

struct wire_request {
    std::string method;
    std::string url;
    std::string content_type;
    std::string body;
    std::optional<std::string> realm;
    std::vector<param> protocol;

    const std::string* find(std::string_view name) const
    {
        for (const param& p : protocol)
            if (p.first == name) return &p.second;
        return nullptr;
    }
    std::string value(std::string_view name) const
    {
        const std::string* v = find(name);
        return v ? *v : std::string();
    }
    void set(std::string_view name, std::string value)
    {
        for (param& p : protocol)
            if (p.first == name) p.second = std::move(value);
    }
    void erase(std::string_view name)
    {
        protocol.erase(std::remove_if(protocol.begin(), protocol.end(),
                                      [&](const param& p) { return p.first == name; }),
                       protocol.end());
    }
};

struct built_request {
    std::string method;
    std::string url;
    std::string content_type;
    std::string body;
    std::string authorization;

    oauth1::incoming_request view() const
    {
        return {method, url, content_type, body, authorization};
    }
};

inline std::string protocol_form(const std::vector<param>& ps)
{
    std::string s;
    for (const param& p : ps) {
        if (!s.empty()) s += '&';
        s += oauth1::percent_encode(p.first) + "=" + oauth1::percent_encode(p.second);
    }
    return s;
}

inline std::string oauth_header(const std::vector<param>& ps,
                                const std::optional<std::string>& realm)
{
    std::string h = "OAuth ";
    bool first = true;
    if (realm) {
        h += "realm=\"" + *realm + "\"";
        first = false;
    }
    for (const param& p : ps) {
        if (!first) h += ", ";
        first = false;
        h += oauth1::percent_encode(p.first) + "=\"" + oauth1::percent_encode(p.second) + "\"";
    }
    return h;
}

inline constexpr std::string_view form_type = "application/x-www-form-urlencoded";

inline built_request build(const wire_request& w, transport t = transport::header)
{
    built_request b{w.method, w.url, w.content_type, w.body, {}};
    switch (t) {
    case transport::header: b.authorization = oauth_header(w.protocol, w.realm); break;
    case transport::query:
        b.url += (b.url.find('?') == std::string::npos ? "?" : "&") + protocol_form(w.protocol);
        break;
    case transport::form:
        if (b.content_type.empty()) b.content_type = form_type;
        if (!b.body.empty()) b.body += '&';
        b.body += protocol_form(w.protocol);
        break;
    }
    return b;
}

inline bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Another character of the same class (digit, lower, upper): "one flipped byte" that keeps the
/// request well-formed, so the flip is caught by the check that is meant to catch it.
inline char flip(char c)
{
    if (c == '9') return '0';
    if (c == 'z') return 'a';
    if (c == 'Z') return 'A';
    return static_cast<char>(c + 1);
}

inline std::string replace_all(std::string s, std::string_view from, std::string_view to)
{
    for (std::size_t pos = s.find(from); pos != std::string::npos;
         pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

// ---------------------------------------------------------------------------------------------
// VECTORS.md, as requests.

inline constexpr std::string_view rfc_consumer_key = "9djdj82h48djs9d2";
inline constexpr std::string_view rfc_consumer_secret = "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ";
inline constexpr std::string_view rfc_token = "kkk9d7dh3k39sjv7";
inline constexpr std::string_view rfc_token_secret = "just-a-string    asdasd";
inline constexpr std::string_view rfc_base_string =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%"
    "25253D"
    "%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26"
    "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%"
    "3Dkkk9d7dh3k39sjv7";
inline constexpr std::string_view rfc_normalized =
    "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce="
    "7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token="
    "kkk9d7dh3k39sjv7";
inline constexpr std::string_view wiki_hmac_base_string =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%"
    "3Ddpf43f3p2"
    "l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_"
    "timestamp%3D"
    "1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
inline constexpr std::string_view wiki_rsa_base_string =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%"
    "3Ddpf43f3p2"
    "l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_"
    "timestamp%3D"
    "1196666512%26oauth_version%3D1.0%26size%3Doriginal";
inline constexpr std::string_view wiki_rsa_signature =
    "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/"
    "9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTG"
    "liMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=";

struct vector_case {
    std::string id;
    wire_request request;
    token_requirement requirement;
    std::uint64_t now; // the provider's clock: the vector's timestamp
    bool plaintext;
    std::string base_string; // as printed in VECTORS.md; empty when it gives none
};

inline wire_request rfc_example(std::string_view method, std::string_view signature)
{
    return {"POST",
            "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
            std::string(form_type),
            "c2&a3=2+q",
            std::string("Example"),
            {{"oauth_consumer_key", std::string(rfc_consumer_key)},
             {"oauth_token", std::string(rfc_token)},
             {"oauth_signature_method", std::string(method)},
             {"oauth_timestamp", "137131201"},
             {"oauth_nonce", "7d8f3e4a"},
             {"oauth_signature", std::string(signature)}}};
}

inline std::vector<vector_case> signing_vectors()
{
    std::vector<vector_case> v;
    // Section 4: the RFC 5849 3.4.1 worked example (the HMAC-SHA1 and PLAINTEXT rows; the other
    // rows sign a base string naming HMAC-SHA1, which no request with another method name has).
    v.push_back({"4 HMAC-SHA1", rfc_example("HMAC-SHA1", "wsdNmjGB7lvis0UJuPAmjvX/PXw="),
                 token_requirement::access, 137131201, false, std::string(rfc_base_string)});
    v.push_back(
        {"4 PLAINTEXT",
         rfc_example("PLAINTEXT",
                     "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ&just-a-string%20%20%20%20asdasd"),
         token_requirement::access,
         137131201,
         true,
         {}});
    // Section 5: RFC 5849 1.2, the three legs (no oauth_version; realm not signed).
    v.push_back({"5 temporary credentials",
                 {"POST",
                  "https://photos.example.net/initiate",
                  {},
                  {},
                  std::string("Photos"),
                  {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_timestamp", "137131200"},
                   {"oauth_nonce", "wIjqoS"},
                   {"oauth_callback", "http://printer.example.com/ready"},
                   {"oauth_signature", "74KNZJeDHnMBp0EMJ9ZHt/XKycU="}}},
                 token_requirement::none,
                 137131200,
                 false,
                 {}});
    v.push_back({"5 token credentials",
                 {"POST",
                  "https://photos.example.net/token",
                  {},
                  {},
                  std::string("Photos"),
                  {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                   {"oauth_token", "hh5s93j4hdidpola"},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_timestamp", "137131201"},
                   {"oauth_nonce", "walatlh"},
                   {"oauth_verifier", "hfdp7dh39dks9884"},
                   {"oauth_signature", "gKgrFCywp7rO0OXSjdot/IHF7IU="}}},
                 token_requirement::request,
                 137131201,
                 false,
                 {}});
    v.push_back({"5 protected resource",
                 {"GET",
                  "http://photos.example.net/photos?file=vacation.jpg&size=original",
                  {},
                  {},
                  std::string("Photos"),
                  {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                   {"oauth_token", "nnch734d00sl2jdk"},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_timestamp", "137131202"},
                   {"oauth_nonce", "chapoH"},
                   {"oauth_signature", "MdpQcU8iPSUjWoN/UDMsK2sui9I="}}},
                 token_requirement::access,
                 137131202,
                 false,
                 {}});
    // Section 6: the OAuth wiki's HMAC-SHA1 resource request (the "bs" rows are not requests).
    v.push_back({"6 wiki HMAC-SHA1",
                 {"GET",
                  "http://photos.example.net/photos?file=vacation.jpg&size=original",
                  {},
                  {},
                  std::nullopt,
                  {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                   {"oauth_token", "nnch734d00sl2jdk"},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_timestamp", "1191242096"},
                   {"oauth_nonce", "kllo9940pd9333jh"},
                   {"oauth_version", "1.0"},
                   {"oauth_signature", "tR3+Ty81lMeYAr/Fid0kMTYa/WM="}}},
                 token_requirement::access,
                 1191242096,
                 false,
                 std::string(wiki_hmac_base_string)});
    // Section 7: the OAuth wiki's RSA-SHA1 request, consumer-only, checked with the certificate.
    v.push_back({"7 wiki RSA-SHA1",
                 {"GET",
                  "http://photos.example.net/photos?file=vacaction.jpg&size=original",
                  {},
                  {},
                  std::string("http://photos.example.net/"),
                  {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                   {"oauth_signature_method", "RSA-SHA1"},
                   {"oauth_timestamp", "1196666512"},
                   {"oauth_nonce", "13917289812797014437"},
                   {"oauth_version", "1.0"},
                   {"oauth_signature", std::string(wiki_rsa_signature)}}},
                 token_requirement::optional,
                 1196666512,
                 false,
                 std::string(wiki_rsa_base_string)});
    return v;
}

inline const directory& vector_directory()
{
    static const directory d = [] {
        directory r;
        r.consumers[std::string(rfc_consumer_key)] = {
            std::string(rfc_consumer_secret),
            oauth1::load_public_key_file(data_path("keys/oauthlib_pub.pem")),
            oauth1::method_set::all()};
        r.tokens[{std::string(rfc_consumer_key), std::string(rfc_token)}] = {
            std::string(rfc_consumer_key), std::string(rfc_token_secret),
            oauth1::token_kind::access, oauth1::token_state::valid};
        r.consumers["dpf43f3p2l4k3l03"] = {
            "kd94hf93k423kf44",
            oauth1::public_key_from_certificate(read_file(data_path("keys/wiki_cert.pem"))),
            oauth1::method_set::all()};
        r.tokens[{"dpf43f3p2l4k3l03", "hh5s93j4hdidpola"}] = {
            "dpf43f3p2l4k3l03", "hdhd0244k9j7ao03", oauth1::token_kind::request,
            oauth1::token_state::valid};
        r.tokens[{"dpf43f3p2l4k3l03", "nnch734d00sl2jdk"}] = {
            "dpf43f3p2l4k3l03", "pfkkdhi9sl3r4s00", oauth1::token_kind::access,
            oauth1::token_state::valid};
        return r;
    }();
    return d;
}

inline oauth1::verify_result verify_vector(const vector_case& vc, const wire_request& w,
                                           transport t = transport::header,
                                           const directory* d = nullptr,
                                           bool keep_base_string = false)
{
    const built_request b = build(w, t);
    return verify_once(d ? *d : vector_directory(), b.view(), vc.now,
                       options(vc.requirement, keep_base_string));
}

} // namespace oauth1_test

#endif // OAUTH1_TEST_PROVIDER_FIXTURE_HPP
