// Unit tests for oauth1/provider.hpp (oauth1::request_verifier, RFC 5849 §3.2): signed requests
// that must verify. The public vectors of ../shared/conformance/VECTORS.md and the [request]
// records of tests/data/vectors/signatures.txt as requests in every transmission (header, query,
// form body), the method name as part of what is signed, the base string echoed on
// signature_invalid and kept on request, one request sent three ways, and oauth_body_hash.
// Helpers: support/provider_fixture.hpp.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include "support/provider_fixture.hpp"

#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace oauth1_test;

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
