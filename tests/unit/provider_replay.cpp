// Unit tests for oauth1/provider.hpp (oauth1::request_verifier, RFC 5849 §3.3): replay
// protection. The timestamp window and the acceptable range reported, nonces used once in any
// transmission (refused requests use up none), oauth_nonce and oauth_timestamp required even with
// PLAINTEXT, failing closed when the nonce store cannot answer or forgets too early, and 8 threads
// accepting each nonce exactly once. Helpers: support/provider_fixture.hpp.
#include <oauth1/provider.hpp>

#include <doctest/doctest.h>

#include "support/provider_fixture.hpp"

#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

using namespace oauth1_test;

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
