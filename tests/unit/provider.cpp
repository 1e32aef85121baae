// Unit tests for oauth1/provider.hpp: the verifier of signed requests (RFC 5849 3.2), with the
// public vectors of ../shared/conformance/VECTORS.md expressed as requests, every way to break
// them, transmission in the header, query and form body, replay protection, failing closed, problem
// rendering, concurrency, and a two-direction cross-check with python3-oauthlib
// (tests/interop/oauthlib_provider.py). Expected values come from VECTORS.md, the RFC or oauthlib.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
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

namespace {

using oauth1::problem;
using oauth1::token_requirement;
using strings = std::vector<std::string>;

std::string data_path(const std::string& rel)
{
    return std::string(OAUTH1_TEST_DATA_DIR) + "/" + rel;
}

std::string read_file(const std::string& path)
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

oauth1::verify_options options(token_requirement t, bool keep_base_string = false,
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
oauth1::verify_result verify_once(const directory& d, const oauth1::incoming_request& req,
                                  std::uint64_t now, const oauth1::verify_options& opts)
{
    oauth1::memory_nonce_store store;
    const test_verifier<> v(d.consumer_fn(), d.token_fn(), store, fixed_clock{now});
    std::error_code ec;
    oauth1::verify_result r = v.verify(req, opts, ec);
    CHECK_FALSE(ec);
    return r;
}

std::string describe(const oauth1::verify_result& r)
{
    if (r.ok()) return "ok";
    return r.problem ? r.problem->summary() : std::string("refused without a problem");
}

/// `expected` nullopt: the request must verify; otherwise it must be refused with that problem.
void check_outcome(const oauth1::verify_result& r, std::optional<problem> expected)
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

const char* transport_name(transport t)
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

std::string protocol_form(const std::vector<param>& ps)
{
    std::string s;
    for (const param& p : ps) {
        if (!s.empty()) s += '&';
        s += oauth1::percent_encode(p.first) + "=" + oauth1::percent_encode(p.second);
    }
    return s;
}

std::string oauth_header(const std::vector<param>& ps, const std::optional<std::string>& realm)
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

constexpr std::string_view form_type = "application/x-www-form-urlencoded";

built_request build(const wire_request& w, transport t = transport::header)
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

bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Another character of the same class (digit, lower, upper): "one flipped byte" that keeps the
/// request well-formed, so the flip is caught by the check that is meant to catch it.
char flip(char c)
{
    if (c == '9') return '0';
    if (c == 'z') return 'a';
    if (c == 'Z') return 'A';
    return static_cast<char>(c + 1);
}

std::string replace_all(std::string s, std::string_view from, std::string_view to)
{
    for (std::size_t pos = s.find(from); pos != std::string::npos;
         pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

// ---------------------------------------------------------------------------------------------
// VECTORS.md, as requests.

constexpr std::string_view rfc_consumer_key = "9djdj82h48djs9d2";
constexpr std::string_view rfc_consumer_secret = "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ";
constexpr std::string_view rfc_token = "kkk9d7dh3k39sjv7";
constexpr std::string_view rfc_token_secret = "just-a-string    asdasd";
constexpr std::string_view rfc_base_string =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%"
    "25253D"
    "%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26"
    "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%"
    "3Dkkk9d7dh3k39sjv7";
constexpr std::string_view rfc_normalized =
    "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce="
    "7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token="
    "kkk9d7dh3k39sjv7";
constexpr std::string_view wiki_hmac_base_string =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%"
    "3Ddpf43f3p2"
    "l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_"
    "timestamp%3D"
    "1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
constexpr std::string_view wiki_rsa_base_string =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%"
    "3Ddpf43f3p2"
    "l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_"
    "timestamp%3D"
    "1196666512%26oauth_version%3D1.0%26size%3Doriginal";
constexpr std::string_view wiki_rsa_signature =
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

wire_request rfc_example(std::string_view method, std::string_view signature)
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

std::vector<vector_case> signing_vectors()
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

const directory& vector_directory()
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

oauth1::verify_result verify_vector(const vector_case& vc, const wire_request& w,
                                    transport t = transport::header, const directory* d = nullptr,
                                    bool keep_base_string = false)
{
    const built_request b = build(w, t);
    return verify_once(d ? *d : vector_directory(), b.view(), vc.now,
                       options(vc.requirement, keep_base_string));
}

bool is_known_method_name(std::string_view n)
{
    for (const char* m : {"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256",
                          "RSA-SHA512", "PLAINTEXT"})
        if (n == m) return true;
    return false;
}

/// The answer expected when protocol parameter `name` of `vc` is given `value` instead.
std::optional<problem> expected_after_change(const vector_case& vc, std::string_view name,
                                             const std::string& value)
{
    if (name == "oauth_consumer_key") return problem::consumer_key_unknown;
    if (name == "oauth_token") return problem::token_rejected;
    if (name == "oauth_signature_method") {
        REQUIRE_FALSE(is_known_method_name(value)); // the flips never land on another method
        return problem::signature_method_rejected;
    }
    if (name == "oauth_version") return problem::version_rejected;
    if (name == "oauth_signature") return problem::signature_invalid;
    if (name == "oauth_timestamp") {
        const std::uint64_t ts = std::stoull(value);
        const std::uint64_t diff = ts > vc.now ? ts - vc.now : vc.now - ts;
        if (diff > 300) return problem::timestamp_refused;
    }
    // Everything else is covered by the signature, except with PLAINTEXT, which signs nothing.
    if (vc.plaintext) return std::nullopt;
    return problem::signature_invalid;
}

} // namespace

// =============================================================================================
TEST_CASE("VECTORS.md signing vectors verify as requests, in every transmission")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        std::vector<transport> ways = {transport::header, transport::query};
        if (vc.request.method == "POST") ways.push_back(transport::form);
        for (const transport t : ways) {
            CAPTURE(transport_name(t));
            const oauth1::verify_result r = verify_vector(vc, vc.request, t, nullptr, true);
            check_outcome(r, std::nullopt);
            // What the verifier reports, decoded.
            const wire_request& w = vc.request;
            CHECK(r.consumer_key == w.value("oauth_consumer_key"));
            CHECK(r.token == w.value("oauth_token"));
            CHECK(r.nonce == w.value("oauth_nonce"));
            CHECK(r.callback == w.value("oauth_callback"));
            CHECK(r.verifier == w.value("oauth_verifier"));
            CHECK(r.timestamp == vc.now);
            REQUIRE(r.method.has_value());
            CHECK(oauth1::to_string(*r.method) == w.value("oauth_signature_method"));
            if (t == transport::header)
                CHECK(r.realm == w.realm);
            else
                CHECK_FALSE(r.realm.has_value());
            if (!vc.base_string.empty()) CHECK(r.base_string == vc.base_string);
            CHECK(r.parameters.count("oauth_signature") == 0);
        }
    }
    // Section 4 also gives the normalised parameters.
    const vector_case rfc = signing_vectors().front();
    const oauth1::verify_result r = verify_vector(rfc, rfc.request);
    REQUIRE(r.ok());
    CHECK(r.parameters.normalized() == rfc_normalized);
    // The wiki RSA vector verifies with the SubjectPublicKeyInfo file as well as the certificate.
    directory spki = vector_directory();
    spki.consumers["dpf43f3p2l4k3l03"].rsa_key =
        oauth1::load_public_key_file(data_path("keys/wiki_pub.pem"));
    const vector_case wiki_rsa = signing_vectors().back();
    check_outcome(verify_vector(wiki_rsa, wiki_rsa.request, transport::header, &spki),
                  std::nullopt);
}

namespace {

/// The [request] records of tests/data/vectors/signatures.txt (see its header for the format).
std::vector<std::map<std::string, std::string>> request_records()
{
    std::vector<std::map<std::string, std::string>> out;
    std::istringstream in(read_file(data_path("vectors/signatures.txt")));
    bool in_request = false;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '[') {
            in_request = line.rfind("[request ", 0) == 0;
            if (in_request) out.push_back({{"id", line.substr(9, line.size() - 10)}});
            continue;
        }
        if (!in_request) continue;
        const std::size_t colon = line.find(':');
        REQUIRE(colon != std::string::npos);
        out.back()[line.substr(0, colon)] = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    }
    return out;
}

} // namespace

TEST_CASE("every [request] record of tests/data/vectors/signatures.txt verifies")
{
    // Signatures there come from VECTORS.md or were computed with python3-oauthlib (marked), never
    // with this library; that includes section 4 signed with its own method name for every method.
    std::size_t verified = 0;
    for (const auto& rec : request_records()) {
        const auto get = [&rec](const char* k) {
            const auto it = rec.find(k);
            return it == rec.end() ? std::string() : it->second;
        };
        const std::string id = get("id");
        CAPTURE(id);
        const std::string method = get("method");
        const bool rsa = method.rfind("RSA-", 0) == 0;
        wire_request w;
        w.method = get("http_method");
        w.url = get("url");
        w.content_type = get("content_type");
        w.body = get("body");
        if (rec.count("realm")) w.realm = get("realm");
        w.protocol = {{"oauth_consumer_key", get("consumer_key")},
                      {"oauth_signature_method", method},
                      {"oauth_timestamp", get("timestamp")},
                      {"oauth_nonce", get("nonce")}};
        if (!get("token").empty()) w.protocol.emplace_back("oauth_token", get("token"));
        if (get("include_version") == "1") w.protocol.emplace_back("oauth_version", "1.0");
        if (rec.count("callback")) w.protocol.emplace_back("oauth_callback", get("callback"));
        if (rec.count("verifier")) w.protocol.emplace_back("oauth_verifier", get("verifier"));
        w.protocol.emplace_back("oauth_signature", get("signature"));
        const token_requirement requirement = rec.count("callback")   ? token_requirement::none
                                              : rec.count("verifier") ? token_requirement::request
                                              : !get("token").empty() ? token_requirement::access
                                                                      : token_requirement::optional;
        directory d;
        d.consumers[get("consumer_key")] = {
            get("consumer_secret"),
            rsa ? oauth1::load_private_key_file(data_path("keys/" + get("key")), get("passphrase"))
                      .public_part()
                : oauth1::public_key{},
            oauth1::method_set::all()};
        if (!get("token").empty())
            d.tokens[{get("consumer_key"), get("token")}] = {
                get("consumer_key"), get("token_secret"),
                requirement == token_requirement::request ? oauth1::token_kind::request
                                                          : oauth1::token_kind::access,
                oauth1::token_state::valid};
        const std::uint64_t now = std::stoull(get("timestamp"));
        for (const transport t : {transport::header, transport::query, transport::form}) {
            if (t == transport::form && w.method != "POST") continue;
            CAPTURE(transport_name(t));
            const oauth1::verify_result r =
                verify_once(d, build(w, t).view(), now, options(requirement, true));
            check_outcome(r, std::nullopt);
            CHECK(r.base_string == get("base_string"));
            ++verified;
        }
        // And one flipped byte of the signature is refused.
        wire_request bad = w;
        std::string sig = get("signature");
        sig[0] = flip(sig[0]);
        bad.set("oauth_signature", sig);
        check_outcome(verify_once(d, build(bad).view(), now, options(requirement)),
                      problem::signature_invalid);
    }
    CHECK(verified >= 30);
}

TEST_CASE("VECTORS.md section 4, other methods: the method name is part of what is signed")
{
    // The section 4 table signs one base string that names HMAC-SHA1 for every method. Sent with
    // its own method name, such a signature must fail, and the provider's base string must differ
    // from the vector's exactly in oauth_signature_method. The same request signed by oauth1's
    // client with that method verifies.
    struct row {
        oauth1::signature_method method;
        const char* signature;
    };
    const row rows[] = {
        {oauth1::signature_method::hmac_sha256, "wdfdHUKXHbOnOGZP8WFAWMSAmWzN3EVBWWgXGlC/Eo4="},
        {oauth1::signature_method::hmac_sha512,
         "u/vlyZFDxOWOZ9UUXwRBJHvq8/"
         "T4jCA74ocRmn2ECnjUBTAeJiZIRU8hDTjS88Tz1fGONffMpdZxUkUTW3k1kg=="},
        {oauth1::signature_method::rsa_sha1,
         "mFY2KOEnlYWsTvUA+5kxuBIcvBYXu+ljw9ttVJQxKduMueGSVPCB1tK1PlqVLK738HK0t19ecBJfb6rMxUwrriw+"
         "MlBO+"
         "jpojkZIWccw1J4cAb4qu4M81DbpUAq4j/1w/QyTR4TWCODlEfN7Zfgy8+pf+TjiXfIwRC1jEWbuL1E="},
        {oauth1::signature_method::rsa_sha256,
         "jqKl6m0WS69tiVJV8ZQ6aQEfJqISoZkiPBXRv6Al2+iFSaDpfeXjYm+Hbx6m1azRdrZ/35PM3cvuid3LwW/"
         "siAkzb0xQcG"
         "nTyAPH8YcGWzmnKGY7LsB7fkqThchNxvRK/N7s9M1WMnfZZ+1dQbbwtTs1TG1+iexUcV7r3M7Heec="},
        {oauth1::signature_method::rsa_sha512,
         "jL1CnjlsNd25qoZVHZ2oJft47IRYTjpF5CvCUjL3LY0NTnbEeVhE4amWXUFBe9GLDWdUh/"
         "79ZWNOrCirBFIP26cHLApjYd"
         "t4ZG7EVK0/GubS2v8wT1QPRsog8zyiMZkmg4JXdWCGXG8YRvRJTg+QKhXuXwS6TcMNakrgzgFIVhA="},
    };
    const oauth1::private_key rsa =
        oauth1::load_private_key_file(data_path("keys/oauthlib_key.pem"));
    for (const row& rw : rows) {
        const std::string name(oauth1::to_string(rw.method));
        CAPTURE(name);
        const vector_case vc{
            name, rfc_example(name, rw.signature), token_requirement::access, 137131201, false, {}};
        const std::string expected_base =
            replace_all(std::string(rfc_base_string), "HMAC-SHA1", name);
        const oauth1::verify_result r = verify_vector(vc, vc.request);
        check_outcome(r, problem::signature_invalid);
        REQUIRE(r.problem.has_value());
        CHECK(r.problem->signature_base_string == expected_base);
        CHECK(oauth1::explain_base_string_difference(rfc_base_string,
                                                     r.problem->signature_base_string) ==
              "parameter only in ours: oauth_signature_method=HMAC-SHA1\n"
              "parameter only in theirs: oauth_signature_method=" +
                  name + "\n");

        oauth1::client c(std::string(rfc_consumer_key),
                         oauth1::any_signer::make(rw.method, rfc_consumer_secret, rsa));
        c.set_token(rfc_token, rfc_token_secret);
        c.set_include_version(false);
        oauth1::sign_options o;
        o.realm = "Example";
        o.nonce = "7d8f3e4a";
        o.timestamp = 137131201;
        const auto s = c.sign(
            {vc.request.method, vc.request.url, vc.request.content_type, vc.request.body}, o);
        CHECK(s.base_string() == expected_base);
        const oauth1::verify_result ok =
            verify_once(vector_directory(),
                        {vc.request.method, vc.request.url, vc.request.content_type,
                         vc.request.body, s.authorization()},
                        137131201, options(token_requirement::access, true));
        check_outcome(ok, std::nullopt);
        CHECK(ok.base_string == expected_base);
    }
}

TEST_CASE("one flipped byte in a protocol parameter is refused with the right problem")
{
    std::size_t checked = 0;
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const param& p : vc.request.protocol) {
            for (std::size_t i = 0; i < p.second.size(); ++i) {
                if (!is_alnum(p.second[i])) continue;
                std::string changed = p.second;
                changed[i] = flip(changed[i]);
                CAPTURE(p.first);
                CAPTURE(changed);
                wire_request w = vc.request;
                w.set(p.first, changed);
                check_outcome(verify_vector(vc, w), expected_after_change(vc, p.first, changed));
                ++checked;
            }
        }
        // The realm is not signed (3.4.1.3.1): changing it changes nothing but the reported realm.
        if (vc.request.realm) {
            wire_request w = vc.request;
            w.realm = *w.realm + "x";
            const oauth1::verify_result r = verify_vector(vc, w);
            check_outcome(r, std::nullopt);
            CHECK(r.realm == w.realm);
        }
    }
    CHECK(checked > 500);

    // The timestamp in particular: near the clock the signature catches it, far away the window.
    const vector_case vc = signing_vectors()[4]; // 5 protected resource, oauth_timestamp 137131202
    for (const auto& change : std::vector<std::pair<std::string, problem>>{
             {"137131203", problem::signature_invalid},
             {"137131102", problem::signature_invalid},
             {"137131502", problem::signature_invalid},
             {"137131503", problem::timestamp_refused},
             {"137130901", problem::timestamp_refused},
             {"237131202", problem::timestamp_refused},
             {"0137131202",
              problem::signature_invalid}, // same number, other text: signed text differs
             {"13713120a", problem::parameter_rejected},
             {"+137131202", problem::parameter_rejected},
             {"-137131202", problem::parameter_rejected},
             {" 137131202", problem::parameter_rejected},
             {"1.37131202e8", problem::parameter_rejected},
             {"99999999999999999999", problem::parameter_rejected},
             {"", problem::parameter_rejected}}) {
        const std::string& ts = change.first;
        const problem expected = change.second;
        CAPTURE(ts);
        wire_request w = vc.request;
        w.set("oauth_timestamp", ts);
        const oauth1::verify_result r = verify_vector(vc, w);
        check_outcome(r, expected);
        if (expected == problem::parameter_rejected)
            CHECK(r.problem->parameters_rejected == strings{"oauth_timestamp"});
    }
}

TEST_CASE("one flipped byte in the method, URL, query or body is refused")
{
    std::size_t checked = 0;
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        // PLAINTEXT signs nothing of the request: the same flips are accepted, as RFC 5849 3.4.4
        // warns (PLAINTEXT is only for TLS).
        const std::optional<problem> expected =
            vc.plaintext ? std::nullopt : std::optional<problem>(problem::signature_invalid);
        for (std::size_t i = 0; i < vc.request.method.size(); ++i) {
            wire_request w = vc.request;
            w.method[i] = flip(w.method[i]);
            CAPTURE(w.method);
            check_outcome(verify_vector(vc, w), expected);
            ++checked;
        }
        // Host, path and query (flipping the scheme would make it another scheme or no URL at all).
        for (std::size_t i = vc.request.url.find("://") + 3; i < vc.request.url.size(); ++i) {
            if (!is_alnum(vc.request.url[i])) continue;
            wire_request w = vc.request;
            w.url[i] = flip(w.url[i]);
            CAPTURE(w.url);
            check_outcome(verify_vector(vc, w), expected);
            ++checked;
        }
        for (std::size_t i = 0; i < vc.request.body.size(); ++i) {
            if (!is_alnum(vc.request.body[i])) continue;
            wire_request w = vc.request;
            w.body[i] = flip(w.body[i]);
            CAPTURE(w.body);
            check_outcome(verify_vector(vc, w), expected);
            ++checked;
        }
        // The same body sent as another content type is no longer a parameter source.
        if (!vc.request.body.empty()) {
            wire_request w = vc.request;
            w.content_type = "text/plain";
            check_outcome(verify_vector(vc, w), expected);
        }
        // An extra query parameter, or one removed.
        {
            wire_request w = vc.request;
            w.url += w.url.find('?') == std::string::npos ? "?x=1" : "&x=1";
            check_outcome(verify_vector(vc, w), expected);
        }
        // Case of the scheme and host and an explicit default port do not matter (3.4.1.2).
        {
            wire_request w = vc.request;
            const std::size_t slash = w.url.find('/', w.url.find("://") + 3);
            const bool https = w.url.rfind("https", 0) == 0;
            w.url.insert(std::min(slash, w.url.find('?')), https ? ":443" : ":80");
            for (std::size_t i = 0; i < w.url.find("://"); ++i)
                w.url[i] = static_cast<char>(w.url[i] - 'a' + 'A');
            CAPTURE(w.url);
            check_outcome(verify_vector(vc, w), std::nullopt);
        }
        // The method's case does not matter either: the base string upper-cases it (3.4.1.1).
        {
            wire_request w = vc.request;
            std::transform(w.method.begin(), w.method.end(), w.method.begin(),
                           [](char c) { return static_cast<char>(c - 'A' + 'a'); });
            check_outcome(verify_vector(vc, w), std::nullopt);
        }
    }
    CHECK(checked > 150);
}

TEST_CASE("wrong secrets and wrong keys")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        const std::string ck = vc.request.value("oauth_consumer_key");
        const std::string tok = vc.request.value("oauth_token");
        if (vc.request.value("oauth_signature_method") == "RSA-SHA1") {
            directory d = vector_directory();
            d.consumers[ck].rsa_key =
                oauth1::load_public_key_file(data_path("keys/bench_rsa1024_pub.pem"));
            const oauth1::verify_result r = verify_vector(vc, vc.request, transport::header, &d);
            check_outcome(r, problem::signature_invalid);
            CHECK(r.problem->signature_base_string == vc.base_string);
            // The shared secret plays no part in RSA-SHA1.
            d = vector_directory();
            d.consumers[ck].secret = "another secret";
            check_outcome(verify_vector(vc, vc.request, transport::header, &d), std::nullopt);
            // No RSA key registered, or a key that is not RSA: the method cannot be used.
            d.consumers[ck].rsa_key = {};
            check_outcome(verify_vector(vc, vc.request, transport::header, &d),
                          problem::signature_method_rejected);
            d.consumers[ck].rsa_key = oauth1::load_public_key_file(data_path("keys/ec_p256.pem"));
            check_outcome(verify_vector(vc, vc.request, transport::header, &d),
                          problem::signature_method_rejected);
            continue;
        }
        {
            directory d = vector_directory();
            d.consumers[ck].secret += "x";
            const oauth1::verify_result r = verify_vector(vc, vc.request, transport::header, &d);
            check_outcome(r, problem::signature_invalid);
            if (!vc.base_string.empty()) CHECK(r.problem->signature_base_string == vc.base_string);
        }
        {
            directory d = vector_directory();
            d.consumers[ck].secret.pop_back();
            check_outcome(verify_vector(vc, vc.request, transport::header, &d),
                          problem::signature_invalid);
        }
        if (!tok.empty()) {
            directory d = vector_directory();
            d.tokens[{ck, tok}].secret += " ";
            check_outcome(verify_vector(vc, vc.request, transport::header, &d),
                          problem::signature_invalid);
            d.tokens[{ck, tok}].secret.clear();
            check_outcome(verify_vector(vc, vc.request, transport::header, &d),
                          problem::signature_invalid);
        }
    }
}

TEST_CASE(
    "signature_invalid carries the provider's base string; keep_base_string gives it on success")
{
    const vector_case rfc = signing_vectors().front();
    wire_request w = rfc.request;
    w.set("oauth_signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const oauth1::verify_result bad = verify_vector(rfc, w);
    check_outcome(bad, problem::signature_invalid);
    CHECK(bad.problem->signature_base_string == rfc_base_string);
    CHECK(bad.base_string.empty()); // not asked for
    CHECK(oauth1::problem_body(*bad.problem, true) ==
          "oauth_problem=signature_invalid&oauth_signature_base_string=" +
              oauth1::percent_encode(rfc_base_string));
    // A client holding the echoed base string finds no difference with its own.
    const auto parsed = oauth1::parse_problem_response(oauth1::problem_body(*bad.problem, true));
    REQUIRE(parsed.has_value());
    CHECK(oauth1::explain_base_string_difference(rfc_base_string, parsed->signature_base_string)
              .empty());

    // keep_base_string returns exactly the base string the client signed.
    oauth1::client c("ck", oauth1::hmac_sha1("cs"));
    c.set_token("tok", "ts");
    oauth1::sign_options o;
    o.realm = "r";
    o.timestamp = 1'700'000'000;
    const std::string url = "https://Example.COM:443/a%20b/c?x=1&y=%7E&z=a+b&x=0";
    const std::string body = "b=2&a=%C3%A9&c";
    const auto s =
        c.sign({"post", url, "application/x-www-form-urlencoded; charset=UTF-8", body}, o);
    directory d;
    d.consumers["ck"] = {"cs", {}, oauth1::method_set::all()};
    d.tokens[{"ck", "tok"}] = {"ck", "ts", oauth1::token_kind::access, oauth1::token_state::valid};
    const oauth1::incoming_request req{
        "post", url, "application/x-www-form-urlencoded; charset=UTF-8", body, s.authorization()};
    const oauth1::verify_result kept =
        verify_once(d, req, 1'700'000'000, options(token_requirement::access, true));
    check_outcome(kept, std::nullopt);
    CHECK(kept.base_string == s.base_string());
    CHECK_FALSE(kept.base_string.empty());
    const oauth1::verify_result not_kept =
        verify_once(d, req, 1'700'000'000, options(token_requirement::access));
    check_outcome(not_kept, std::nullopt);
    CHECK(not_kept.base_string.empty());
    // Kept on failure too.
    d.consumers["ck"].secret = "other";
    const oauth1::verify_result failed =
        verify_once(d, req, 1'700'000'000, options(token_requirement::access, true));
    check_outcome(failed, problem::signature_invalid);
    CHECK(failed.base_string == s.base_string());
    CHECK(failed.problem->signature_base_string == s.base_string());
}

TEST_CASE("one verify_result reused across RSA consumers, keys and methods")
{
    // verify(req, opts, result, ec) keeps the last RSA verifier (and its prepared OpenSSL
    // contexts) in the result while the method and the public key repeat; a change of either
    // must never verify with the previous key.
    const oauth1::private_key key_a =
        oauth1::load_private_key_file(data_path("keys/bench_rsa1024.pem"));
    const oauth1::private_key key_b =
        oauth1::load_private_key_file(data_path("keys/bench_rsa2048.pem"));
    directory d;
    d.consumers["a"] = {"", key_a.public_part(), oauth1::method_set::all()};
    d.consumers["b"] = {"", key_b.public_part(), oauth1::method_set::all()};
    oauth1::memory_nonce_store store;
    const std::uint64_t now = 1'700'000'000;
    const test_verifier<> v(d.consumer_fn(), d.token_fn(), store, fixed_clock{now});
    oauth1::verify_result r;
    int nonce = 0;
    const auto check = [&](const std::string& consumer, const oauth1::private_key& key,
                           oauth1::signature_method m, std::optional<problem> expected) {
        oauth1::client c(consumer, oauth1::any_signer::make(m, {}, key));
        oauth1::sign_options o;
        const std::string n = "nonce" + std::to_string(++nonce);
        o.nonce = n;
        o.timestamp = now;
        const std::string url = "https://jira.example.com/rest/api/2/issue/JJ-2";
        const auto s = c.sign({"GET", url}, o);
        std::error_code ec;
        v.verify({"GET", url, {}, {}, s.authorization()}, options(token_requirement::optional), r,
                 ec);
        CHECK_FALSE(ec);
        INFO(consumer << " " << oauth1::to_string(m));
        check_outcome(r, expected);
    };
    check("a", key_a, oauth1::signature_method::rsa_sha1, std::nullopt);
    check("a", key_a, oauth1::signature_method::rsa_sha1, std::nullopt);
    check("a", key_a, oauth1::signature_method::rsa_sha256, std::nullopt);
    check("b", key_b, oauth1::signature_method::rsa_sha256, std::nullopt);
    // Signed with a's key but sent as b right after b: b's key decides.
    check("b", key_a, oauth1::signature_method::rsa_sha256, problem::signature_invalid);
    check("a", key_a, oauth1::signature_method::rsa_sha512, std::nullopt);
    check("a", key_b, oauth1::signature_method::rsa_sha512, problem::signature_invalid);
    // b's key replaced by a's (a new public_key object): the new key decides.
    d.consumers["b"].rsa_key = key_a.public_part();
    check("b", key_a, oauth1::signature_method::rsa_sha1, std::nullopt);
    check("b", key_b, oauth1::signature_method::rsa_sha1, problem::signature_invalid);
}

TEST_CASE("timestamps outside the window are refused with the acceptable range")
{
    const vector_case vc = signing_vectors()[4]; // 5 protected resource
    const std::uint64_t ts = vc.now;
    const built_request b = build(vc.request);
    struct when {
        std::uint64_t now;
        std::uint64_t window;
        bool accepted;
    };
    for (const when& w : std::vector<when>{{ts + 300, 300, true},
                                           {ts - 300, 300, true},
                                           {ts + 301, 300, false},
                                           {ts - 301, 300, false},
                                           {ts + 100'000, 300, false},
                                           {ts + 10, 10, true},
                                           {ts + 11, 10, false},
                                           {ts - 11, 10, false},
                                           {ts, 0, true},
                                           {ts + 1, 0, false}}) {
        CAPTURE(w.now);
        CAPTURE(w.window);
        const oauth1::verify_result r = verify_once(vector_directory(), b.view(), w.now,
                                                    options(vc.requirement, false, w.window));
        if (w.accepted) {
            check_outcome(r, std::nullopt);
            continue;
        }
        check_outcome(r, problem::timestamp_refused);
        REQUIRE(r.problem->acceptable_timestamps.has_value());
        CHECK(r.problem->acceptable_timestamps->first == w.now - w.window);
        CHECK(r.problem->acceptable_timestamps->second == w.now + w.window);
        CHECK(oauth1::www_authenticate(*r.problem, "JIRA") ==
              "OAuth realm=\"JIRA\", oauth_problem=\"timestamp_refused\", "
              "oauth_acceptable_timestamps=\"" +
                  std::to_string(w.now - w.window) + "-" + std::to_string(w.now + w.window) + "\"");
        CHECK(oauth1::problem_body(*r.problem) ==
              "oauth_problem=timestamp_refused&oauth_acceptable_timestamps=" +
                  std::to_string(w.now - w.window) + "-" + std::to_string(w.now + w.window));
    }
    // Near the epoch the range does not wrap around.
    oauth1::client c("ck", oauth1::hmac_sha1("cs"));
    oauth1::sign_options o;
    o.timestamp = 1000;
    o.nonce = "n";
    directory d;
    d.consumers["ck"] = {"cs", {}, oauth1::method_set::all()};
    const auto s = c.sign({"GET", "http://example.com/"}, o);
    const oauth1::verify_result r =
        verify_once(d, {"GET", "http://example.com/", {}, {}, s.authorization()}, 100,
                    options(token_requirement::optional));
    check_outcome(r, problem::timestamp_refused);
    REQUIRE(r.problem->acceptable_timestamps.has_value());
    CHECK(r.problem->acceptable_timestamps->first == 0);
    CHECK(r.problem->acceptable_timestamps->second == 400);
}

TEST_CASE("a replayed nonce is refused, in any transmission; refused requests use up no nonce")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        oauth1::memory_nonce_store store;
        const test_verifier<> v(vector_directory().consumer_fn(), vector_directory().token_fn(),
                                store, fixed_clock{vc.now});
        const auto opts = options(vc.requirement);
        // A forged signature first: refused, and it must not burn the genuine request's nonce.
        wire_request forged = vc.request;
        forged.set("oauth_signature", "Zm9yZ2Vk");
        check_outcome(v.verify(build(forged).view(), opts), problem::signature_invalid);
        CHECK(store.size() == 0);
        check_outcome(v.verify(build(vc.request).view(), opts), std::nullopt);
        CHECK(store.size() == 1);
        const oauth1::verify_result again = v.verify(build(vc.request).view(), opts);
        check_outcome(again, problem::nonce_used);
        CHECK(oauth1::www_authenticate(*again.problem, "JIRA") ==
              R"(OAuth realm="JIRA", oauth_problem="nonce_used")");
        check_outcome(v.verify(build(vc.request, transport::query).view(), opts),
                      problem::nonce_used);
        if (vc.request.method == "POST")
            check_outcome(v.verify(build(vc.request, transport::form).view(), opts),
                          problem::nonce_used);
        CHECK(store.size() == 1);
    }
}

TEST_CASE("missing protocol parameters are reported by name")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const param& p : vc.request.protocol) {
            CAPTURE(p.first);
            wire_request w = vc.request;
            w.erase(p.first);
            const oauth1::verify_result r = verify_vector(vc, w);
            const std::string& n = p.first;
            const bool required =
                n == "oauth_consumer_key" || n == "oauth_signature_method" ||
                n == "oauth_signature" || n == "oauth_timestamp" || n == "oauth_nonce" ||
                (n == "oauth_token" && (vc.requirement == token_requirement::access ||
                                        vc.requirement == token_requirement::request)) ||
                (n == "oauth_callback" && vc.requirement == token_requirement::none) ||
                (n == "oauth_verifier" && vc.requirement == token_requirement::request);
            if (required) {
                check_outcome(r, problem::parameter_absent);
                CHECK(r.problem->parameters_absent == strings{n});
            } else {
                // Optional parameters (oauth_version) may be left out, but they were signed
                // (PLAINTEXT signs nothing of the request).
                check_outcome(r, vc.plaintext ? std::nullopt
                                              : std::optional<problem>(problem::signature_invalid));
            }
        }
        // Two missing at once.
        wire_request w = vc.request;
        w.erase("oauth_nonce");
        w.erase("oauth_consumer_key");
        const oauth1::verify_result r = verify_vector(vc, w);
        check_outcome(r, problem::parameter_absent);
        CHECK(r.problem->parameters_absent == strings{"oauth_consumer_key", "oauth_nonce"});
    }
}

TEST_CASE("no protocol parameters at all: every required name is listed")
{
    const strings base = {"oauth_consumer_key", "oauth_signature_method", "oauth_signature",
                          "oauth_timestamp", "oauth_nonce"};
    const auto with = [&base](strings extra) {
        strings s = base;
        s.insert(s.end(), extra.begin(), extra.end());
        return s;
    };
    const std::vector<std::pair<token_requirement, strings>> cases = {
        {token_requirement::none, with({"oauth_callback"})},
        {token_requirement::request, with({"oauth_token", "oauth_verifier"})},
        {token_requirement::access, with({"oauth_token"})},
        {token_requirement::optional, base},
    };
    for (const auto& c : cases) {
        const token_requirement requirement = c.first;
        const strings& expected = c.second;
        CAPTURE(static_cast<int>(requirement));
        for (const std::string authorization :
             {"", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "OAuth realm=\"Photos\"", "Bearer abc"}) {
            CAPTURE(authorization);
            const oauth1::verify_result r = verify_once(
                vector_directory(),
                {"GET", "http://photos.example.net/photos?file=a", {}, {}, authorization}, 1000,
                options(requirement));
            check_outcome(r, problem::parameter_absent);
            CHECK(r.problem->parameters_absent == expected);
        }
    }
    // Rendered as JIRA does.
    const oauth1::verify_result r =
        verify_once(vector_directory(), {"GET", "http://photos.example.net/", {}, {}, {}}, 1000,
                    options(token_requirement::optional));
    REQUIRE(r.problem.has_value());
    CHECK(
        oauth1::www_authenticate(*r.problem, "JIRA") ==
        R"(OAuth realm="JIRA", oauth_problem="parameter_absent", oauth_parameters_absent=")"
        R"(oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_nonce")");
    CHECK(oauth1::problem_body(*r.problem) ==
          "oauth_problem=parameter_absent&oauth_parameters_absent="
          "oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_"
          "nonce");
}

TEST_CASE("a duplicated protocol parameter is rejected by name")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const param& p : vc.request.protocol) {
            CAPTURE(p.first);
            for (const bool same_value : {true, false}) {
                for (const transport t : {transport::header, transport::query}) {
                    wire_request w = vc.request;
                    w.protocol.emplace_back(p.first, same_value ? p.second : p.second + "1");
                    const oauth1::verify_result r = verify_vector(vc, w, t);
                    check_outcome(r, problem::parameter_rejected);
                    CHECK(r.problem->parameters_rejected == strings{p.first});
                }
            }
        }
    }
    // A second realm makes the header itself malformed.
    const vector_case vc = signing_vectors().front();
    built_request b = build(vc.request);
    b.authorization += ", realm=\"Other\"";
    check_outcome(verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement)),
                  problem::parameter_rejected);
}

TEST_CASE("protocol parameters in more than one place are rejected")
{
    const vector_case vc = signing_vectors().front(); // POST with query and form body
    const built_request header = build(vc.request, transport::header);
    const built_request query = build(vc.request, transport::query);
    const built_request form = build(vc.request, transport::form);
    const auto check_rejected = [&](const built_request& b) {
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, problem::parameter_rejected);
        CHECK(r.problem->advice == "protocol parameters must be sent in exactly one place");
    };
    {
        built_request b = header; // header + the whole set again in the query
        b.url = query.url;
        check_rejected(b);
    }
    {
        built_request b = header; // header + one parameter in the query
        b.url += "&oauth_nonce=7d8f3e4a";
        check_rejected(b);
    }
    {
        built_request b = query; // query + form body
        b.body = form.body;
        check_rejected(b);
    }
    {
        built_request b = form; // form body + header
        b.authorization = header.authorization;
        check_rejected(b);
    }
}

TEST_CASE("an Authorization header of another scheme is ignored: protocol parameters in the query")
{
    for (const vector_case& vc : signing_vectors()) {
        CAPTURE(vc.id);
        for (const char* other :
             {"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Bearer x.y.z", "OAuthX a=\"b\""}) {
            CAPTURE(other);
            built_request b = build(vc.request, transport::query);
            b.authorization = other;
            const oauth1::verify_result r =
                verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
            check_outcome(r, std::nullopt);
            CHECK_FALSE(r.realm.has_value());
        }
        // An OAuth header with a realm only, parameters in the query: the realm is reported.
        built_request b = build(vc.request, transport::query);
        b.authorization = "OAuth realm=\"R\"";
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, std::nullopt);
        CHECK(r.realm == std::optional<std::string>("R"));
    }
}

TEST_CASE("unknown consumers and methods the consumer may not use")
{
    const vector_case hmac = signing_vectors()[5]; // 6 wiki HMAC-SHA1
    const vector_case rsa = signing_vectors()[6];  // 7 wiki RSA-SHA1
    {
        directory d = vector_directory();
        d.consumers.erase("dpf43f3p2l4k3l03");
        const oauth1::verify_result r = verify_vector(hmac, hmac.request, transport::header, &d);
        check_outcome(r, problem::consumer_key_unknown);
        CHECK(oauth1::www_authenticate(*r.problem, "JIRA") ==
              R"(OAuth realm="JIRA", oauth_problem="consumer_key_unknown")");
        CHECK(oauth1::problem_body(*r.problem) == "oauth_problem=consumer_key_unknown");
        check_outcome(verify_vector(rsa, rsa.request, transport::header, &d),
                      problem::consumer_key_unknown);
    }
    {
        // JIRA's configuration: RSA-SHA1 only.
        directory d = vector_directory();
        d.consumers["dpf43f3p2l4k3l03"].methods = {oauth1::signature_method::rsa_sha1};
        check_outcome(verify_vector(hmac, hmac.request, transport::header, &d),
                      problem::signature_method_rejected);
        check_outcome(verify_vector(rsa, rsa.request, transport::header, &d), std::nullopt);
        d.consumers["dpf43f3p2l4k3l03"].methods = {oauth1::signature_method::hmac_sha1};
        check_outcome(verify_vector(hmac, hmac.request, transport::header, &d), std::nullopt);
        check_outcome(verify_vector(rsa, rsa.request, transport::header, &d),
                      problem::signature_method_rejected);
        d.consumers["dpf43f3p2l4k3l03"].methods = {};
        check_outcome(verify_vector(hmac, hmac.request, transport::header, &d),
                      problem::signature_method_rejected);
        check_outcome(verify_vector(rsa, rsa.request, transport::header, &d),
                      problem::signature_method_rejected);
    }
    {
        // The PLAINTEXT vector, for a consumer that does not allow PLAINTEXT.
        const vector_case plain = signing_vectors()[1];
        directory d = vector_directory();
        d.consumers[std::string(rfc_consumer_key)].methods = oauth1::method_set{
            oauth1::signature_method::hmac_sha1, oauth1::signature_method::hmac_sha256};
        check_outcome(verify_vector(plain, plain.request, transport::header, &d),
                      problem::signature_method_rejected);
    }
    // method_set itself.
    constexpr oauth1::method_set jira{oauth1::signature_method::rsa_sha1};
    static_assert(jira.contains(oauth1::signature_method::rsa_sha1));
    static_assert(!jira.contains(oauth1::signature_method::rsa_sha256));
    static_assert(!jira.contains(oauth1::signature_method::plaintext));
    static_assert(oauth1::method_set{}.empty());
    static_assert(oauth1::method_set::all().contains(oauth1::signature_method::plaintext));
    static_assert(oauth1::method_set::all().contains(oauth1::signature_method::hmac_sha512));
    CHECK_FALSE(jira.empty());
}

TEST_CASE("token states and kinds")
{
    const vector_case resource = signing_vectors()[4];   // access token nnch734d00sl2jdk
    const vector_case token_step = signing_vectors()[3]; // request token hh5s93j4hdidpola
    const std::pair<std::string, std::string> access_key{"dpf43f3p2l4k3l03", "nnch734d00sl2jdk"};
    const std::pair<std::string, std::string> request_key{"dpf43f3p2l4k3l03", "hh5s93j4hdidpola"};
    for (const auto& c : std::vector<std::pair<oauth1::token_state, problem>>{
             {oauth1::token_state::used, problem::token_used},
             {oauth1::token_state::expired, problem::token_expired},
             {oauth1::token_state::revoked, problem::token_revoked}}) {
        const oauth1::token_state state = c.first;
        const problem expected = c.second;
        CAPTURE(static_cast<int>(state));
        directory d = vector_directory();
        d.tokens[access_key].state = state;
        check_outcome(verify_vector(resource, resource.request, transport::header, &d), expected);
        d = vector_directory();
        d.tokens[request_key].state = state;
        check_outcome(verify_vector(token_step, token_step.request, transport::header, &d),
                      expected);
    }
    {
        directory d = vector_directory();
        d.tokens.erase(access_key);
        const oauth1::verify_result r =
            verify_vector(resource, resource.request, transport::header, &d);
        check_outcome(r, problem::token_rejected);
        CHECK(oauth1::www_authenticate(*r.problem, "JIRA") ==
              R"(OAuth realm="JIRA", oauth_problem="token_rejected")");
        // A token of another consumer is unknown to this one.
        d.tokens[{"someone-else", "nnch734d00sl2jdk"}] = {"someone-else", "pfkkdhi9sl3r4s00",
                                                          oauth1::token_kind::access,
                                                          oauth1::token_state::valid};
        check_outcome(verify_vector(resource, resource.request, transport::header, &d),
                      problem::token_rejected);
    }
    {
        // Wrong kind: a request token at a protected resource, an access token at the token
        // endpoint.
        vector_case at_resource = token_step;
        at_resource.requirement = token_requirement::access;
        check_outcome(verify_vector(at_resource, at_resource.request), problem::token_rejected);
        at_resource.requirement = token_requirement::optional;
        check_outcome(verify_vector(at_resource, at_resource.request), problem::token_rejected);
        directory d = vector_directory();
        d.tokens[request_key].kind = oauth1::token_kind::access;
        check_outcome(verify_vector(token_step, token_step.request, transport::header, &d),
                      problem::token_rejected);
        // (A resource request at the token endpoint lacks oauth_verifier first.)
        vector_case at_token = resource;
        at_token.requirement = token_requirement::request;
        const oauth1::verify_result r = verify_vector(at_token, at_token.request);
        check_outcome(r, problem::parameter_absent);
        CHECK(r.problem->parameters_absent == strings{"oauth_verifier"});
    }
    {
        // optional: a token, when present, is checked like an access token.
        vector_case two_legged_ok = resource;
        two_legged_ok.requirement = token_requirement::optional;
        check_outcome(verify_vector(two_legged_ok, two_legged_ok.request), std::nullopt);
        directory d = vector_directory();
        d.tokens[access_key].state = oauth1::token_state::revoked;
        check_outcome(verify_vector(two_legged_ok, two_legged_ok.request, transport::header, &d),
                      problem::token_revoked);
    }
    {
        // A token where none is expected (temporary-credential request).
        oauth1::client c("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
        c.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
        oauth1::sign_options o;
        o.callback = "oob";
        o.timestamp = 137131200;
        const auto s = c.sign({"POST", "https://photos.example.net/initiate"}, o);
        const oauth1::verify_result r =
            verify_once(vector_directory(),
                        {"POST", "https://photos.example.net/initiate", {}, {}, s.authorization()},
                        137131200, options(token_requirement::none));
        check_outcome(r, problem::parameter_rejected);
        CHECK(r.problem->parameters_rejected == strings{"oauth_token"});
        // An empty oauth_token (sent by some clients on the first leg) is no token: it is not
        // refused as one, but reaches the signature check (and it is signed: this vector was signed
        // without).
        vector_case initiate = signing_vectors()[2];
        wire_request w = initiate.request;
        w.protocol.emplace_back("oauth_token", "");
        check_outcome(verify_vector(initiate, w), problem::signature_invalid);
    }
}

TEST_CASE("oauth_body_hash: checked against the body when present")
{
    const oauth1::private_key rsa =
        oauth1::load_private_key_file(data_path("keys/oauthlib_key.pem"));
    directory d;
    d.consumers["ck"] = {"cs", rsa.public_part(), oauth1::method_set::all()};
    d.tokens[{"ck", "tok"}] = {"ck", "ts", oauth1::token_kind::access, oauth1::token_state::valid};
    const std::string url = "https://jira.example.com/rest/api/2/issue";
    const std::string json =
        R"({"fields":{"project":{"key":"JJ"},"summary":"caf\u00e9","issuetype":{"name":"Bug"}}})";
    const std::uint64_t now = 1'700'000'000;
    for (const oauth1::signature_method m :
         {oauth1::signature_method::hmac_sha1, oauth1::signature_method::hmac_sha256,
          oauth1::signature_method::hmac_sha512, oauth1::signature_method::rsa_sha1,
          oauth1::signature_method::rsa_sha256, oauth1::signature_method::rsa_sha512}) {
        CAPTURE(oauth1::to_string(m));
        oauth1::client c("ck", oauth1::any_signer::make(m, "cs", rsa));
        c.set_token("tok", "ts");
        oauth1::sign_options o;
        o.body_hash = true;
        o.timestamp = now;
        const auto s = c.sign({"POST", url, "application/json", json}, o);
        REQUIRE(s.authorization().find("oauth_body_hash=") != std::string_view::npos);
        const oauth1::incoming_request good{"POST", url, "application/json", json,
                                            s.authorization()};
        check_outcome(verify_once(d, good, now, options(token_requirement::access)), std::nullopt);
        // The body changed in transit: the signature still matches, the hash does not.
        std::string tampered = json;
        tampered[tampered.find("Bug")] = 'b';
        const oauth1::verify_result r =
            verify_once(d, {"POST", url, "application/json", tampered, s.authorization()}, now,
                        options(token_requirement::access));
        check_outcome(r, problem::signature_invalid);
        CHECK(r.problem->advice == "oauth_body_hash does not match the body");
        check_outcome(verify_once(d, {"POST", url, "application/json", "", s.authorization()}, now,
                                  options(token_requirement::access)),
                      problem::signature_invalid);
    }
    // The value sent must be the base64 SHA-1 of the body for *-SHA1, written out here by hand:
    // SHA-1("") = da39a3ee5e6b4b0d3255bfef95601890afd80709.
    {
        oauth1::client c("ck", oauth1::hmac_sha1("cs"));
        oauth1::sign_options o;
        o.timestamp = now;
        o.extra = {{"oauth_body_hash", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="}};
        const auto s = c.sign({"PUT", url, "text/plain", ""}, o);
        check_outcome(verify_once(d, {"PUT", url, "text/plain", "", s.authorization()}, now,
                                  options(token_requirement::optional)),
                      std::nullopt);
        check_outcome(verify_once(d, {"PUT", url, "text/plain", "x", s.authorization()}, now,
                                  options(token_requirement::optional)),
                      problem::signature_invalid);
    }
    // Not allowed with a form body (the body's parameters are signed already).
    {
        oauth1::client c("ck", oauth1::hmac_sha1("cs"));
        oauth1::sign_options o;
        o.timestamp = now;
        o.extra = {{"oauth_body_hash", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="}};
        const auto s = c.sign({"POST", url, std::string(form_type), "a=1"}, o);
        const oauth1::verify_result r =
            verify_once(d, {"POST", url, form_type, "a=1", s.authorization()}, now,
                        options(token_requirement::optional));
        check_outcome(r, problem::parameter_rejected);
    }
    // Without oauth_body_hash a non-form body is not covered (RFC 5849 3.4.1.3.1): any body passes.
    {
        oauth1::client c("ck", oauth1::hmac_sha1("cs"));
        oauth1::sign_options o;
        o.timestamp = now;
        const auto s = c.sign({"POST", url, "application/json", json}, o);
        check_outcome(verify_once(d, {"POST", url, "application/json", "{}", s.authorization()},
                                  now, options(token_requirement::optional)),
                      std::nullopt);
    }
}

TEST_CASE("PLAINTEXT without oauth_nonce and oauth_timestamp is refused (replayable for ever)")
{
    // RFC 5849 §3.1 lets PLAINTEXT omit both, but such a request could be replayed for ever: the
    // verifier requires them for every method.
    for (const vector_case& vc : {signing_vectors()[1], signing_vectors()[0]}) {
        CAPTURE(vc.id);
        wire_request w = vc.request;
        w.erase("oauth_nonce");
        w.erase("oauth_timestamp");
        oauth1::memory_nonce_store store;
        const test_verifier<> v(vector_directory().consumer_fn(), vector_directory().token_fn(),
                                store, fixed_clock{2'000'000'000});
        const oauth1::verify_result r = v.verify(build(w).view(), options(vc.requirement));
        check_outcome(r, problem::parameter_absent);
        CHECK(r.problem->parameters_absent == strings{"oauth_timestamp", "oauth_nonce"});
        CHECK(store.size() == 0);
    }
}

TEST_CASE("transmission: the same signed request via header, query and form body")
{
    const oauth1::private_key rsa =
        oauth1::load_private_key_file(data_path("keys/oauthlib_key.pem"));
    directory d;
    d.consumers["consumer key"] = {"consumer&secret", rsa.public_part(), oauth1::method_set::all()};
    d.tokens[{"consumer key", "to ken"}] = {"consumer key", "token secret%",
                                            oauth1::token_kind::access, oauth1::token_state::valid};
    const std::uint64_t now = 1'700'000'123;
    for (const oauth1::signature_method m :
         {oauth1::signature_method::hmac_sha1, oauth1::signature_method::rsa_sha1,
          oauth1::signature_method::hmac_sha256, oauth1::signature_method::plaintext}) {
        CAPTURE(oauth1::to_string(m));
        for (const char* url : {"https://api.example.com/v1/items?q=a+b&x=%2B&q=1#frag",
                                "http://API.example.com:8080/a%2Fb/", "https://example.com"}) {
            CAPTURE(url);
            oauth1::client c("consumer key", oauth1::any_signer::make(m, "consumer&secret", rsa));
            c.set_token("to ken", "token secret%");
            oauth1::sign_options o;
            o.realm = "Example";
            o.timestamp = now;
            const std::string body = "name=J%C3%BCrgen&flag&sum=1+2";
            const auto s = c.sign({"POST", url, std::string(form_type), body}, o);
            const std::vector<std::pair<const char*, built_request>> ways = {
                {"header",
                 {"POST", url, std::string(form_type), body, std::string(s.authorization())}},
                {"query",
                 {"POST", s.url_with_protocol_query(url), std::string(form_type), body, {}}},
                {"form",
                 {"POST", url, std::string(form_type), s.form_with_protocol_parameters(body), {}}},
            };
            oauth1::memory_nonce_store shared;
            const test_verifier<> v(d.consumer_fn(), d.token_fn(), shared, fixed_clock{now});
            bool first = true;
            for (const auto& w : ways) {
                const char* way = w.first;
                const built_request& b = w.second;
                CAPTURE(way);
                const oauth1::verify_result r =
                    verify_once(d, b.view(), now, options(token_requirement::access, true));
                check_outcome(r, std::nullopt);
                CHECK(r.base_string == s.base_string());
                CHECK(r.consumer_key == "consumer key");
                CHECK(r.token == "to ken");
                // One nonce store across the three: only the first one counts.
                check_outcome(v.verify(b.view(), options(token_requirement::access)),
                              first ? std::nullopt : std::optional<problem>(problem::nonce_used));
                first = false;
            }
        }
    }
}

TEST_CASE("malformed requests are refused, not misread")
{
    const vector_case vc = signing_vectors()[5]; // 6 wiki HMAC-SHA1
    const built_request good = build(vc.request);
    const auto refused = [&](built_request b, problem expected) {
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, expected);
        return r;
    };
    {
        built_request b = good;
        b.method = "GE T";
        refused(b, problem::parameter_rejected);
        b.method = "";
        refused(b, problem::parameter_rejected);
    }
    for (const char* url :
         {"ftp://photos.example.net/photos", "/photos?file=vacation.jpg", "http:///photos",
          "http://photos.example.net:99999/photos", "not a url"}) {
        CAPTURE(url);
        built_request b = good;
        b.url = url;
        refused(b, problem::parameter_rejected);
    }
    {
        built_request b = good;
        b.url += "&bad=%ZZ";
        refused(b, problem::parameter_rejected);
    }
    {
        built_request b = good;
        b.content_type = form_type;
        b.body = "a=%4";
        refused(b, problem::parameter_rejected);
    }
    for (const char* header :
         {R"(OAuth oauth_consumer_key="dpf43f3p2l4k3l03)", R"(OAuth oauth_nonce="%G0")",
          "OAuth oauth_nonce=\"a\r\nb\"", R"(OAuth =x)"}) {
        CAPTURE(header);
        built_request b = good;
        b.authorization = header;
        refused(b, problem::parameter_rejected);
    }
    {
        // oauth_version other than 1.0.
        for (const char* version : {"1.0a", "2.0", "1", ""}) {
            CAPTURE(version);
            wire_request w = vc.request;
            w.set("oauth_version", version);
            const oauth1::verify_result r = verify_vector(vc, w);
            check_outcome(r, problem::version_rejected);
            CHECK(r.problem->acceptable_versions == "1.0-1.0");
            CHECK(oauth1::problem_body(*r.problem) ==
                  "oauth_problem=version_rejected&oauth_acceptable_versions=1.0-1.0");
        }
    }
    {
        // Case and spacing of the scheme name are free (RFC 7235); parameter names are not.
        built_request b = good;
        b.authorization = "  oauth " + good.authorization.substr(6);
        check_outcome(verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement)),
                      std::nullopt);
        b.authorization = replace_all(good.authorization, "oauth_nonce", "OAUTH_NONCE");
        const oauth1::verify_result r =
            verify_once(vector_directory(), b.view(), vc.now, options(vc.requirement));
        check_outcome(r, problem::parameter_absent);
        CHECK(r.problem->parameters_absent == strings{"oauth_nonce"});
    }
    {
        // Unknown signature method names.
        for (const char* m : {"HMAC-SHA1 ", "hmac-sha1", "RSA-SHA384", "HMAC_SHA1"}) {
            CAPTURE(m);
            wire_request w = vc.request;
            w.set("oauth_signature_method", m);
            check_outcome(verify_vector(vc, w), problem::signature_method_rejected);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Failing closed.

namespace {

struct failing_store {
    int calls = 0;
    bool insert(std::string_view, std::string_view, std::uint64_t, std::string_view, std::uint64_t,
                std::error_code& ec)
    {
        ++calls;
        ec = make_error_code(oauth1::errc::nonce_store_unavailable);
        return true; // a store that says "new" AND reports an error must not be trusted
    }
};

} // namespace

TEST_CASE("a nonce store that cannot answer: the request is refused (fail closed)")
{
    static_assert(oauth1::is_nonce_store_v<failing_store>);
    const vector_case vc = signing_vectors()[5];
    failing_store store;
    const test_verifier<failing_store> v(vector_directory().consumer_fn(),
                                         vector_directory().token_fn(), store, fixed_clock{vc.now});
    std::error_code ec;
    const oauth1::verify_result r = v.verify(build(vc.request).view(), options(vc.requirement), ec);
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(static_cast<bool>(r));
    CHECK(store.calls == 1);

    // The throwing overload throws oauth1::error with the store's code.
    bool thrown = false;
    try {
        (void)v.verify(build(vc.request).view(), options(vc.requirement));
    } catch (const oauth1::error& e) {
        thrown = true;
        CHECK(e.code() == oauth1::errc::nonce_store_unavailable);
    }
    CHECK(thrown);
    CHECK(store.calls == 2);

    // Requests refused before the nonce check never reach the store, and set no error code.
    wire_request forged = vc.request;
    forged.set("oauth_signature", "Zm9yZ2Vk");
    const oauth1::verify_result rf = v.verify(build(forged).view(), options(vc.requirement), ec);
    CHECK_FALSE(ec);
    check_outcome(rf, problem::signature_invalid);
    CHECK(store.calls == 2);
}

TEST_CASE("a nonce store that forgets entries before the timestamp window closes is refused")
{
    // memory_nonce_store(300) forgets an entry at timestamp + 300 s; a verifier accepting 600 s
    // would then take a replay at timestamp + 400 s. The verifier refuses to work that way.
    const vector_case vc = signing_vectors()[5];
    oauth1::memory_nonce_store store(300);
    const test_verifier<> v(vector_directory().consumer_fn(), vector_directory().token_fn(), store,
                            fixed_clock{vc.now});
    std::error_code ec;
    const oauth1::verify_result r =
        v.verify(build(vc.request).view(), options(vc.requirement, false, 600), ec);
    CHECK(ec == oauth1::errc::invalid_argument);
    CHECK_FALSE(r.ok());
    CHECK(store.size() == 0);
    CHECK_THROWS_AS((void)v.verify(build(vc.request).view(), options(vc.requirement, false, 301)),
                    oauth1::error);
    // Equal or shorter verifier windows are fine.
    check_outcome(v.verify(build(vc.request).view(), options(vc.requirement, false, 300), ec),
                  std::nullopt);
    CHECK_FALSE(ec);
    oauth1::memory_nonce_store long_store(3600);
    const test_verifier<> lv(vector_directory().consumer_fn(), vector_directory().token_fn(),
                             long_store, fixed_clock{vc.now});
    check_outcome(lv.verify(build(vc.request).view(), options(vc.requirement, false, 600), ec),
                  std::nullopt);
    CHECK_FALSE(ec);
}

// ---------------------------------------------------------------------------------------------
// Concurrency.

TEST_CASE("8 threads verifying the same 2,000 requests accept each nonce exactly once")
{
    constexpr std::size_t requests = 2000;
    constexpr std::size_t threads = 8;
    const std::uint64_t now = 1'700'000'000;
    directory d;
    d.consumers["ck"] = {"cs", {}, oauth1::method_set::all()};
    d.tokens[{"ck", "tok"}] = {"ck", "ts", oauth1::token_kind::access, oauth1::token_state::valid};
    oauth1::client c("ck", oauth1::hmac_sha1("cs"));
    c.set_token("tok", "ts");
    std::vector<built_request> reqs;
    for (std::size_t i = 0; i < requests; ++i) {
        oauth1::sign_options o;
        const std::string nonce = "nonce-" + std::to_string(i);
        o.nonce = nonce;
        o.timestamp = now - i % 200; // a few different timestamps
        const std::string url =
            "https://example.com/items/" + std::to_string(i % 17) + "?page=" + std::to_string(i);
        const auto s = c.sign({"GET", url}, o);
        reqs.push_back({"GET", url, {}, {}, std::string(s.authorization())});
    }
    oauth1::memory_nonce_store store;
    const test_verifier<> v(d.consumer_fn(), d.token_fn(), store, fixed_clock{now});
    std::vector<std::atomic<int>> accepted(requests);
    std::atomic<std::size_t> ok{0};
    std::atomic<std::size_t> replays{0};
    std::atomic<std::size_t> other{0};
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (std::size_t k = 0; k < requests; ++k) {
                // Every thread offers every request, starting at different places and some in
                // reverse, so that the same nonce is often in flight in several threads at once.
                const std::size_t j = (k + t * 37) % requests;
                const std::size_t i = t % 2 == 0 ? j : requests - 1 - j;
                std::error_code ec;
                const oauth1::verify_result r =
                    v.verify(reqs[i].view(), options(token_requirement::access), ec);
                if (ec) {
                    ++other;
                } else if (r.ok()) {
                    ++ok;
                    ++accepted[i];
                } else if (r.problem && r.problem->code == problem::nonce_used) {
                    ++replays;
                } else {
                    ++other;
                }
            }
        });
    }
    for (std::thread& th : pool) th.join();
    CHECK(ok.load() == requests);
    CHECK(replays.load() == requests * (threads - 1));
    CHECK(other.load() == 0);
    std::size_t not_once = 0;
    for (const std::atomic<int>& a : accepted) not_once += a.load() == 1 ? 0 : 1;
    CHECK(not_once == 0);
    CHECK(store.size() == requests);
}

// ---------------------------------------------------------------------------------------------
// Cross-check with python3-oauthlib (tests/interop/oauthlib_provider.py), both directions.

namespace {

std::string to_hex(std::string_view s)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() * 2);
    for (const char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15U]);
    }
    return out;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string from_hex(std::string_view h)
{
    REQUIRE(h.size() % 2 == 0);
    std::string out;
    for (std::size_t i = 0; i < h.size(); i += 2) {
        const int hi = hex_digit(h[i]);
        const int lo = hex_digit(h[i + 1]);
        REQUIRE((hi >= 0 && lo >= 0));
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

std::vector<std::vector<std::string>> read_records(const std::string& text, std::size_t fields)
{
    std::vector<std::vector<std::string>> records;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> f;
        std::size_t pos = 0;
        while (true) {
            const std::size_t tab = line.find('\t', pos);
            f.push_back(from_hex(
                std::string_view(line).substr(pos, tab == std::string::npos ? tab : tab - pos)));
            if (tab == std::string::npos) break;
            pos = tab + 1;
        }
        REQUIRE(f.size() == fields);
        records.push_back(std::move(f));
    }
    return records;
}

std::string shell_quote(const std::string& s)
{
    return "'" + replace_all(s, "'", "'\\''") + "'";
}

/// A file in the temporary directory, removed at the end of the scope.
struct temp_file {
    std::filesystem::path path;
    explicit temp_file(const char* stem)
    {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() /
               (std::string("oauth1_") + stem + "_" + std::to_string(rd()) + std::to_string(rd()) +
                ".tsv");
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file()
    {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

/// Runs tests/interop/oauthlib_provider.py with `args`; returns its standard output.
std::string run_oauthlib(const std::string& args)
{
    const temp_file out("oauthlib_out");
    const std::string script =
        std::string(OAUTH1_TEST_SOURCE_DIR) + "/interop/oauthlib_provider.py";
    const std::string command = shell_quote(OAUTH1_PYTHON) + " " + shell_quote(script) + " " +
                                args + " > " + shell_quote(out.path.string());
    INFO("command: " << command);
    const int rc = std::system(command.c_str());
    REQUIRE(rc == 0);
    return read_file(out.path.string());
}

token_requirement parse_requirement(const std::string& s)
{
    if (s == "none") return token_requirement::none;
    if (s == "request") return token_requirement::request;
    if (s == "access") return token_requirement::access;
    REQUIRE(s == "optional");
    return token_requirement::optional;
}

} // namespace

TEST_CASE("oauthlib signs, oauth1 verifies (HMAC-SHA1/256/512, RSA-SHA1/256/512, PLAINTEXT)")
{
    constexpr std::uint64_t t0 = 1'700'000'000; // oauthlib's timestamps are t0 .. t0+99
    const std::string out =
        run_oauthlib("sign --count 350 --seed 7 --timestamp " + std::to_string(t0) + " --rsa-key " +
                     shell_quote(data_path("keys/oauthlib_key.pem")));
    const auto records = read_records(out, 17);
    REQUIRE(records.size() == 350);
    const oauth1::public_key rsa_pub =
        oauth1::load_public_key_file(data_path("keys/oauthlib_pub.pem"));
    oauth1::memory_nonce_store store; // one store for all: every nonce is different
    std::map<std::string, std::size_t> verified_by_method;
    std::map<std::string, std::size_t> by_transport;
    std::size_t with_body_hash = 0;
    std::size_t tamper_checked = 0;
    for (std::size_t n = 0; n < records.size(); ++n) {
        const std::vector<std::string>& f = records[n];
        const std::string& method_name = f[9];
        const std::string& transport_used = f[11];
        CAPTURE(n);
        CAPTURE(method_name);
        CAPTURE(transport_used);
        CAPTURE(f[0]);
        CAPTURE(f[1]);
        CAPTURE(f[2]);
        CAPTURE(f[3]);
        CAPTURE(f[4]);
        const token_requirement requirement = parse_requirement(f[10]);
        directory d;
        d.consumers[f[5]] = {f[6], rsa_pub, oauth1::method_set::all()};
        if (!f[7].empty())
            d.tokens[{f[5], f[7]}] = {f[5], f[8],
                                      requirement == token_requirement::request
                                          ? oauth1::token_kind::request
                                          : oauth1::token_kind::access,
                                      oauth1::token_state::valid};
        const test_verifier<> v(d.consumer_fn(), d.token_fn(), store, fixed_clock{t0 + 50});
        const oauth1::incoming_request req{f[0], f[1], f[2], f[3], f[4]};
        std::error_code ec;
        const oauth1::verify_result r = v.verify(req, options(requirement, true), ec);
        REQUIRE_FALSE(ec);
        INFO("our base string: " << r.base_string);
        check_outcome(r, std::nullopt);
        if (!r.ok()) continue;
        CHECK(r.consumer_key == f[5]);
        CHECK(r.token == f[7]);
        CHECK(r.callback == f[13]);
        CHECK(r.verifier == f[14]);
        CHECK(r.nonce == f[15]);
        CHECK(std::to_string(r.timestamp) == f[16]);
        REQUIRE(r.method.has_value());
        CHECK(oauth1::to_string(*r.method) == method_name);
        if (f[12].empty())
            CHECK_FALSE(r.realm.has_value());
        else
            CHECK(r.realm == std::optional<std::string>(f[12]));
        ++verified_by_method[method_name];
        ++by_transport[transport_used];
        if (f[4].find("oauth_body_hash") != std::string::npos) ++with_body_hash;

        // The same request once more: a replay.
        check_outcome(v.verify(req, options(requirement)), problem::nonce_used);
        // Tampered copies (fresh stores, so the nonce is not what refuses them).
        if (method_name != "PLAINTEXT") {
            std::string url = f[1];
            const std::size_t host = url.find("://") + 3;
            const auto pos = std::find_if(url.begin() + static_cast<std::ptrdiff_t>(host),
                                          url.end(), [](char ch) { return is_alnum(ch); });
            REQUIRE(pos != url.end());
            *pos = flip(*pos);
            check_outcome(
                verify_once(d, {f[0], url, f[2], f[3], f[4]}, t0 + 50, options(requirement)),
                problem::signature_invalid);
            if (!f[3].empty()) {
                std::string body = f[3];
                const auto bpos =
                    std::find_if(body.begin(), body.end(), [](char ch) { return is_alnum(ch); });
                if (bpos != body.end()) {
                    *bpos = flip(*bpos);
                    check_outcome(verify_once(d, {f[0], f[1], f[2], body, f[4]}, t0 + 50,
                                              options(requirement)),
                                  problem::signature_invalid);
                }
            }
            ++tamper_checked;
        }
    }
    MESSAGE("oauthlib -> oauth1: verified per method: HMAC-SHA1 "
            << verified_by_method["HMAC-SHA1"] << ", RSA-SHA1 " << verified_by_method["RSA-SHA1"]
            << ", HMAC-SHA256 " << verified_by_method["HMAC-SHA256"] << ", HMAC-SHA512 "
            << verified_by_method["HMAC-SHA512"] << ", RSA-SHA256 "
            << verified_by_method["RSA-SHA256"] << ", RSA-SHA512 "
            << verified_by_method["RSA-SHA512"] << ", PLAINTEXT " << verified_by_method["PLAINTEXT"]
            << "; header " << by_transport["header"] << ", query " << by_transport["query"]
            << ", body " << by_transport["body"] << "; with oauth_body_hash " << with_body_hash);
    std::size_t total = 0;
    for (const auto& m : verified_by_method) total += m.second;
    CHECK(total == records.size());
    CHECK(verified_by_method["HMAC-SHA1"] >= 50);
    CHECK(verified_by_method["RSA-SHA1"] >= 50);
    CHECK(by_transport["header"] > 0);
    CHECK(by_transport["query"] > 0);
    CHECK(by_transport["body"] > 0);
    CHECK(with_body_hash > 0);
    CHECK(tamper_checked >= 250);
    CHECK(store.size() == records.size());
}

namespace {

struct generated_request {
    std::string signature_method; // not sent: for the counts
    std::string method;
    std::string url;
    std::string content_type;
    std::string body;
    std::string authorization;
    std::string consumer_key;
    std::string consumer_secret;
    std::string token;
    std::string token_secret;

    std::string record() const
    {
        return to_hex(method) + "\t" + to_hex(url) + "\t" + to_hex(content_type) + "\t" +
               to_hex(body) + "\t" + to_hex(authorization) + "\t" + to_hex(consumer_key) + "\t" +
               to_hex(consumer_secret) + "\t" + to_hex(token) + "\t" + to_hex(token_secret) + "\n";
    }
};

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& v)
{
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

bool chance(std::mt19937& rng, int percent)
{
    return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
}

/// application/x-www-form-urlencoded text in the spellings oauthlib's urldecode accepts (no raw
/// characters outside its whitelist, valid UTF-8, no empty pairs: README D3, D5, D6).
std::string form_text(std::mt19937& rng, int pairs)
{
    static const std::vector<std::string> names = {
        "a", "b", "file", "size", "q", "a2", "A", "x-y", "c@", "\xC3\xA4", "sp ace", "amp&", "eq="};
    static const std::vector<std::string> values = {"",
                                                    "1",
                                                    "vacation.jpg",
                                                    "original",
                                                    "r b",
                                                    "2 q",
                                                    "=%3D",
                                                    "a+b",
                                                    "100%",
                                                    "x/y?z#w",
                                                    "\xC3\xBCn\xC3\xAF",
                                                    "\xE6\x97\xA5\xE6\x9C\xAC",
                                                    "project = JJ AND status != Done",
                                                    "~-._",
                                                    "it's",
                                                    "\t\n"};
    std::string s;
    for (int i = 0; i < pairs; ++i) {
        if (i) s += '&';
        const std::string& n = pick(rng, names);
        const std::string& v = pick(rng, values);
        std::string en = oauth1::percent_encode(n);
        std::string ev = oauth1::percent_encode(v);
        if (chance(rng, 30)) { // spaces as '+'
            en = replace_all(en, "%20", "+");
            ev = replace_all(ev, "%20", "+");
        }
        s += en;
        if (!v.empty() || chance(rng, 50)) s += "=" + ev;
    }
    return s;
}

std::vector<generated_request> generate_for_oauthlib(std::size_t count,
                                                     const oauth1::private_key& rsa)
{
    std::mt19937 rng(20240601);
    const std::vector<oauth1::signature_method> methods = {
        oauth1::signature_method::hmac_sha1,   oauth1::signature_method::rsa_sha1,
        oauth1::signature_method::hmac_sha256, oauth1::signature_method::hmac_sha512,
        oauth1::signature_method::rsa_sha256,  oauth1::signature_method::rsa_sha512,
        oauth1::signature_method::plaintext};
    const std::vector<std::string> http_methods = {"GET", "POST", "POST", "PUT", "DELETE"};
    const std::vector<std::string> hosts = {
        "photos.example.net", "Photos.Example.NET", "localhost", "127.0.0.1", "[::1]",
        "jira.example.com"};
    const std::vector<std::string> ports = {"", "", "", ":80", ":443", ":8080"};
    const std::vector<std::string> segments = {
        "photos",    "rest",  "api",   "2",   "issue", "JJ-2", "a.b", "x_y~z",
        "caf%C3%A9", "a%20b", "a%2Fb", "(x)", "a+b",   "k=v",  "@me", "!"};
    // Keys and secrets: with protocol parameters in the query or body, oauthlib decodes oauth_*
    // values twice (README D4), so there only values without '%' after decoding are used.
    const std::vector<std::string> plain_keys = {"dpf43f3p2l4k3l03", "OauthKey", "consumer-1",
                                                 "ck.with~marks"};
    const std::vector<std::string> special_keys = {"key with spaces", "k&e=y", "\xC3\xBC\xC3\xB1",
                                                   "a%20b", "a+b/c"};
    const std::vector<std::string> secrets = {
        "kd94hf93k423kf44",       "s e c r e t", "&=%+", "\xC3\xBC\xE2\x82\xAC", "",
        "just-a-string    asdasd"};
    const std::vector<std::string> plain_secrets = {"kd94hf93k423kf44", "secret-1", "",
                                                    "ABC_xyz.0~"};
    const std::vector<std::optional<std::string>> realms = {std::nullopt, std::nullopt, "Example",
                                                            "JIRA", "http://sp.example.com/"};
    std::vector<generated_request> out;
    for (std::size_t i = 0; i < count; ++i) {
        const oauth1::signature_method m = methods[i % methods.size()];
        generated_request g;
        g.signature_method = std::string(oauth1::to_string(m));
        g.method = pick(rng, http_methods);
        const bool has_body = g.method == "POST" || g.method == "PUT";
        std::string base_url = std::string(chance(rng, 50) ? "https" : "http") + "://" +
                               pick(rng, hosts) + pick(rng, ports);
        const int depth = std::uniform_int_distribution<int>(0, 3)(rng);
        for (int k = 0; k < depth; ++k) base_url += "/" + pick(rng, segments);
        if (chance(rng, 60))
            base_url += "?" + form_text(rng, std::uniform_int_distribution<int>(1, 3)(rng));
        g.url = base_url;
        int body_kind = 0; // 0 none, 1 form, 2 json (+ body hash), 3 text
        if (has_body) body_kind = std::uniform_int_distribution<int>(1, 3)(rng);
        bool body_hash = false;
        if (body_kind == 1) {
            g.content_type = chance(rng, 70) ? "application/x-www-form-urlencoded"
                                             : "application/x-www-form-urlencoded; charset=UTF-8";
            g.body = form_text(rng, std::uniform_int_distribution<int>(1, 4)(rng));
        } else if (body_kind == 2) {
            g.content_type = "application/json";
            g.body = R"({"fields":{"summary":"caf)"
                     "\xC3\xA9"
                     R"(","n":)" +
                     std::to_string(i) + "}}";
            body_hash = m != oauth1::signature_method::plaintext;
        } else if (body_kind == 3) {
            g.content_type = "text/plain";
            g.body = "a=1&b=2"; // looks like a form, but is not one: not signed
        }
        // 0 header, 1 query, 2 form body (only with a form body)
        const int where = body_kind == 1 ? std::uniform_int_distribution<int>(0, 2)(rng)
                                         : (chance(rng, 70) ? 0 : 1);
        const bool plain_only = where != 0;
        g.consumer_key =
            pick(rng, plain_only ? plain_keys : (chance(rng, 50) ? plain_keys : special_keys));
        const bool plaintext_in_url = plain_only && m == oauth1::signature_method::plaintext;
        g.consumer_secret = pick(rng, plaintext_in_url ? plain_secrets : secrets);
        if (chance(rng, 60)) {
            g.token =
                pick(rng, plain_only ? plain_keys : (chance(rng, 50) ? plain_keys : special_keys)) +
                "-tok" + std::to_string(i);
            g.token_secret = pick(rng, plaintext_in_url ? plain_secrets : secrets);
        }
        oauth1::client c(g.consumer_key, oauth1::any_signer::make(m, g.consumer_secret, rsa));
        if (!g.token.empty()) c.set_token(g.token, g.token_secret);
        c.set_include_version(chance(rng, 70));
        oauth1::sign_options o;
        const std::optional<std::string> realm = where == 0 ? pick(rng, realms) : std::nullopt;
        if (realm) o.realm = *realm;
        const std::string callback = chance(rng, 20)
                                         ? (plain_only ? "http://printer.example.com/ready"
                                                       : "http://printer.example.com/ready?x=a%20b")
                                         : "";
        o.callback = callback;
        const std::string verifier = chance(rng, 15) ? "hfdp7dh39dks9884" : "";
        o.verifier = verifier;
        o.body_hash = body_hash;
        // Nonce and timestamp: the client's own (random_nonce, system_clock), as in production;
        // oauthlib's endpoint compares the timestamp with the real clock.
        const auto s = c.sign({g.method, g.url, g.content_type, g.body}, o);
        if (where == 0) {
            g.authorization = std::string(s.authorization());
        } else if (where == 1) {
            g.url = s.url_with_protocol_query(g.url);
        } else {
            g.body = s.form_with_protocol_parameters(g.body);
        }
        out.push_back(std::move(g));
    }
    return out;
}

} // namespace

TEST_CASE("oauth1 signs, oauthlib's SignatureOnlyEndpoint verifies (HMAC, RSA, PLAINTEXT)")
{
    constexpr std::size_t count = 280;
    const oauth1::private_key rsa =
        oauth1::load_private_key_file(data_path("keys/oauthlib_key.pem"));
    std::vector<generated_request> reqs = generate_for_oauthlib(count + 7, rsa);
    // The last 7 (one per method, each with its own nonce) become negative controls below.
    std::vector<generated_request> spare(reqs.begin() + count, reqs.end());
    reqs.resize(count);
    // Our own verifier agrees first (with the real clock, as oauthlib).
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        const generated_request& g = reqs[i];
        CAPTURE(i);
        directory d;
        d.consumers[g.consumer_key] = {g.consumer_secret, rsa.public_part(),
                                       oauth1::method_set::all()};
        if (!g.token.empty())
            d.tokens[{g.consumer_key, g.token}] = {g.consumer_key, g.token_secret,
                                                   oauth1::token_kind::access,
                                                   oauth1::token_state::valid};
        oauth1::memory_nonce_store store;
        const oauth1::request_verifier v(d.consumer_fn(), d.token_fn(), store); // system_clock
        check_outcome(v.verify({g.method, g.url, g.content_type, g.body, g.authorization},
                               options(token_requirement::optional)),
                      std::nullopt);
    }
    // Negative controls, which oauthlib must refuse: a wrong consumer secret (HMAC-SHA1), a path
    // that changed (RSA-SHA1), an added query parameter (HMAC-SHA256), and a replay of request 0.
    std::vector<generated_request> controls;
    for (generated_request g : spare) {
        if (g.signature_method == "HMAC-SHA1") {
            g.consumer_secret += "x";
            controls.push_back(g);
        } else if (g.signature_method == "RSA-SHA1") {
            const std::size_t path = g.url.find_first_of("/?", g.url.find("://") + 3);
            g.url.insert(path == std::string::npos ? g.url.size() : path, "/extra");
            controls.push_back(g);
        } else if (g.signature_method == "HMAC-SHA256") {
            g.url = g.url.find('?') == std::string::npos ? g.url + "?zz=1" : g.url + "&zz=1";
            controls.push_back(g);
        }
    }
    REQUIRE(controls.size() == 3);
    controls.push_back(reqs[0]); // same consumer, token, timestamp and nonce

    const temp_file file("oauth1_signed");
    {
        std::ofstream o(file.path, std::ios::binary);
        for (const generated_request& g : reqs) o << g.record();
        for (const generated_request& g : controls) o << g.record();
        REQUIRE(o.good());
    }
    const std::string out =
        run_oauthlib("verify " + shell_quote(file.path.string()) + " --rsa-pub " +
                     shell_quote(data_path("keys/oauthlib_pub.pem")));
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    REQUIRE(lines.size() == reqs.size() + controls.size());
    std::size_t ok = 0;
    std::map<std::string, std::size_t> ok_by_method;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        const generated_request& g = reqs[i];
        CAPTURE(i);
        CAPTURE(g.signature_method);
        CAPTURE(g.method);
        CAPTURE(g.url);
        CAPTURE(g.content_type);
        CAPTURE(g.body);
        CAPTURE(g.authorization);
        CHECK(lines[i] == "ok");
        if (lines[i] == "ok") {
            ++ok;
            ++ok_by_method[g.signature_method];
        }
    }
    for (std::size_t k = 0; k < controls.size(); ++k) {
        CAPTURE(k);
        CHECK(lines[reqs.size() + k].rfind("fail", 0) == 0);
    }
    MESSAGE("oauth1 -> oauthlib: "
            << ok << " of " << reqs.size() << " verified by SignatureOnlyEndpoint (HMAC-SHA1 "
            << ok_by_method["HMAC-SHA1"] << ", RSA-SHA1 " << ok_by_method["RSA-SHA1"]
            << ", HMAC-SHA256 " << ok_by_method["HMAC-SHA256"] << ", HMAC-SHA512 "
            << ok_by_method["HMAC-SHA512"] << ", RSA-SHA256 " << ok_by_method["RSA-SHA256"]
            << ", RSA-SHA512 " << ok_by_method["RSA-SHA512"] << ", PLAINTEXT "
            << ok_by_method["PLAINTEXT"] << "); " << controls.size()
            << " tampered controls refused");
    CHECK(ok == reqs.size());
    CHECK(ok >= 200);
    CHECK(ok_by_method["HMAC-SHA1"] >= 40);
    CHECK(ok_by_method["RSA-SHA1"] >= 40);
}
