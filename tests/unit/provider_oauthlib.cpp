// Unit tests for oauth1/provider.hpp (oauth1::request_verifier): a two-direction cross-check with
// python3-oauthlib (tests/interop/oauthlib_provider.py). oauthlib signs 350 requests (every
// method, every transmission, some with oauth_body_hash) that oauth1 must verify, refusing their
// replays and tampered copies; oauth1 signs 280 generated requests that oauthlib's
// SignatureOnlyEndpoint must verify, and 4 tampered controls it must refuse. Needs /usr/bin/python3
// with python3-oauthlib and python3-cryptography; without them it FAILS, saying so.
// Helpers: support/provider_fixture.hpp.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include "support/provider_fixture.hpp"

#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

using namespace oauth1_test;

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
