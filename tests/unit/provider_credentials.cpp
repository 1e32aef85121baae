// Unit tests for oauth1/provider.hpp (oauth1::request_verifier, RFC 5849 §3.2): the credentials
// a request is checked with. Wrong consumer and token secrets, wrong and unusable RSA keys, one
// verify_result reused across RSA consumers and keys, unknown consumers, the signature methods a
// consumer may use (method_set), and token states and kinds (used, expired, revoked; request or
// access token; a token where none is expected). Helpers: support/provider_fixture.hpp.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include "support/provider_fixture.hpp"

#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

using namespace oauth1_test;

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
