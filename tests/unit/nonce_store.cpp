// Unit tests for oauth1/nonce_store.hpp: the nonce-store requirements (is_nonce_store_v) and
// memory_nonce_store (replay detection, distinct keys, eviction by time, the memory bound and
// failing closed when full, thread safety, a reference model of every bound). The byte budget,
// per-consumer quotas, memory release, allocation and hash-flooding tests are in
// nonce_store_bounds.cpp.
#include <oauth1/nonce_store.hpp>

#include <doctest/doctest.h>

#include <oauth1/client.hpp>
#include <oauth1/provider.hpp>

#include "support/xorshift.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

using namespace std::string_view_literals;

namespace {

using oauth1::errc;
using oauth1::memory_nonce_store;

// Inserts and requires that the store could answer.
bool insert(memory_nonce_store& s, std::string_view ck, std::string_view tok, std::uint64_t ts,
            std::string_view nonce, std::uint64_t now)
{
    std::error_code ec = make_error_code(errc::crypto_failure); // must be cleared
    const bool fresh = s.insert(ck, tok, ts, nonce, now, ec);
    REQUIRE_FALSE(ec);
    return fresh;
}

// Stores for the requirement checks.
struct good_store {
    bool insert(std::string_view, std::string_view, std::uint64_t, std::string_view, std::uint64_t,
                std::error_code&)
    {
        return true;
    }
};
struct void_store {
    void insert(std::string_view, std::string_view, std::uint64_t, std::string_view, std::uint64_t,
                std::error_code&)
    {}
};
struct no_ec_store {
    bool insert(std::string_view, std::string_view, std::uint64_t, std::string_view, std::uint64_t)
    {
        return true;
    }
};
struct string_store {
    std::string insert(std::string_view, std::string_view, std::uint64_t, std::string_view,
                       std::uint64_t, std::error_code&)
    {
        return {};
    }
};

struct fixed_clock {
    std::uint64_t now;
    std::uint64_t operator()() const noexcept { return now; }
};

} // namespace

TEST_CASE("is_nonce_store_v")
{
    static_assert(oauth1::is_nonce_store_v<memory_nonce_store>);
    static_assert(oauth1::is_nonce_store_v<good_store>);
    static_assert(!oauth1::is_nonce_store_v<void_store>);
    static_assert(!oauth1::is_nonce_store_v<no_ec_store>);
    static_assert(!oauth1::is_nonce_store_v<string_store>);
    static_assert(!oauth1::is_nonce_store_v<int>);
    static_assert(!oauth1::is_nonce_store_v<std::string>);
    CHECK(oauth1::is_nonce_store<good_store>::value);
    CHECK_FALSE(oauth1::is_nonce_store<void_store>::value);
}

TEST_CASE("memory_nonce_store: insert, then replay")
{
    memory_nonce_store s;
    CHECK(s.window() == 300);
    CHECK(s.max_entries() == 1'000'000);
    CHECK(s.size() == 0);
    CHECK(insert(s, "ck", "tok", 1000, "n1", 1000));
    CHECK(s.size() == 1);
    CHECK_FALSE(insert(s, "ck", "tok", 1000, "n1", 1000));
    CHECK_FALSE(insert(s, "ck", "tok", 1000, "n1", 1100)); // still within the window
    CHECK(s.size() == 1);
    CHECK(insert(s, "ck", "tok", 1000, "n2", 1000));
    CHECK(s.size() == 2);
}

TEST_CASE("memory_nonce_store: consumer, token, timestamp and nonce each make distinct entries")
{
    memory_nonce_store s;
    const std::uint64_t now = 5000;
    CHECK(insert(s, "ck", "tok", now, "n", now));
    CHECK(insert(s, "ck2", "tok", now, "n", now));
    CHECK(insert(s, "ck", "tok2", now, "n", now));
    CHECK(insert(s, "ck", "", now, "n", now)); // two-legged: no token
    CHECK(insert(s, "ck", "tok", now - 1, "n", now));
    CHECK(insert(s, "ck", "tok", now, "N", now)); // nonces are case-sensitive
    CHECK(insert(s, "ck", "tok", now, "", now));  // PLAINTEXT may omit the nonce
    CHECK(s.size() == 7);
    struct entry {
        std::string ck;
        std::string tok;
        std::uint64_t ts;
        std::string nonce;
    };
    for (const entry& e : std::vector<entry>{{"ck", "tok", now, "n"},
                                             {"ck2", "tok", now, "n"},
                                             {"ck", "tok2", now, "n"},
                                             {"ck", "", now, "n"},
                                             {"ck", "tok", now - 1, "n"},
                                             {"ck", "tok", now, "N"},
                                             {"ck", "tok", now, ""}}) {
        CAPTURE(e.ck);
        CAPTURE(e.tok);
        CAPTURE(e.ts);
        CAPTURE(e.nonce);
        CHECK_FALSE(insert(s, e.ck, e.tok, e.ts, e.nonce, now));
    }
    CHECK(s.size() == 7);
}

TEST_CASE("memory_nonce_store: values holding separators or NULs never alias another entry")
{
    // Decoded protocol values may contain any byte (%00 included). Two different combinations must
    // never be taken for one another, or a fresh request would be refused as a replay.
    memory_nonce_store s;
    const std::uint64_t now = 7000;
    const std::string_view nul_a = "a\0b"sv; // consumer key "a<NUL>b", no token
    const std::string_view nul_b = "b\0"sv;  // token "b<NUL>"
    CHECK(insert(s, nul_a, "", now, "n", now));
    CHECK(insert(s, "a", nul_b, now, "n", now));
    CHECK(insert(s, "a", "b", now, "\0n"sv, now));
    CHECK(insert(s, "a\0b\0"sv, "", now, "n", now));
    CHECK(insert(s, "ck", "", now, "7000\0n"sv, now));
    CHECK(insert(s, "ck", "", now, "n", now));
    CHECK(insert(s, "ck:1", "", now, "n", now));
    CHECK(insert(s, "ck", ":1", now, "n", now));
    CHECK(s.size() == 8);
}

TEST_CASE("memory_nonce_store: entries expire at timestamp + window")
{
    memory_nonce_store s(300);
    const std::uint64_t t0 = 1'000'000;
    CHECK(insert(s, "ck", "tok", t0, "old", t0));
    CHECK(insert(s, "ck", "tok", t0 + 100, "mid", t0 + 100));
    CHECK(s.size() == 2);

    // At exactly t0 + 300 the verifier still accepts oauth_timestamp t0 (|now - ts| <= window), so
    // the store must still remember it.
    CHECK_FALSE(insert(s, "ck", "tok", t0, "old", t0 + 300));
    CHECK(s.size() == 2);

    // One second later the entry for t0 is gone (size drops) and the same nonce is accepted again.
    CHECK(insert(s, "ck", "tok", t0 + 301, "new", t0 + 301));
    CHECK(s.size() == 2); // "old" evicted, "new" added
    CHECK(insert(s, "ck", "tok", t0, "old", t0 + 301));
    // This is safe: the store is only asked after the verifier's timestamp check, which refuses
    // oauth_timestamp t0 at t0 + 301 (timestamp_refused) before the nonce is ever looked at. The
    // verifier below shows it: same store, same window, a correctly signed replay of "old".
    {
        oauth1::client c("ck", oauth1::hmac_sha1("cs"));
        c.set_token("tok", "ts");
        oauth1::sign_options o;
        o.nonce = "old";
        o.timestamp = t0;
        const auto signed_req = c.sign({"GET", "http://example.com/r"}, o);
        const oauth1::consumer_credentials consumer{"cs", {}, oauth1::method_set::all()};
        const oauth1::token_credentials token{"ck", "ts", oauth1::token_kind::access,
                                              oauth1::token_state::valid};
        const auto consumers = [&](std::string_view k) { return k == "ck" ? &consumer : nullptr; };
        const auto tokens = [&](std::string_view, std::string_view t) {
            return t == "tok" ? &token : nullptr;
        };
        memory_nonce_store fresh(300);
        const oauth1::request_verifier late(consumers, tokens, fresh, fixed_clock{t0 + 301});
        const std::size_t before = fresh.size();
        const auto r =
            late.verify({"GET", "http://example.com/r", {}, {}, signed_req.authorization()}, {});
        CHECK_FALSE(r.ok());
        REQUIRE(r.problem.has_value());
        CHECK(r.problem->code == oauth1::problem::timestamp_refused);
        CHECK(fresh.size() == before); // never reached the store
        // Within the window the same request is accepted once, then refused as a replay.
        memory_nonce_store store(300);
        const oauth1::request_verifier in_time(consumers, tokens, store, fixed_clock{t0 + 300});
        CHECK(in_time.verify({"GET", "http://example.com/r", {}, {}, signed_req.authorization()})
                  .ok());
        const auto replay =
            in_time.verify({"GET", "http://example.com/r", {}, {}, signed_req.authorization()});
        REQUIRE(replay.problem.has_value());
        CHECK(replay.problem->code == oauth1::problem::nonce_used);
    }

    // Far in the future everything has expired.
    CHECK(insert(s, "x", "", t0 + 10'000, "z", t0 + 10'000));
    CHECK(s.size() == 1);
}

TEST_CASE("memory_nonce_store: future timestamps live until their own expiry")
{
    memory_nonce_store s(300);
    const std::uint64_t now = 50'000;
    // A client clock up to `window` ahead is accepted by the verifier: the entry must outlive it.
    CHECK(insert(s, "ck", "", now + 300, "ahead", now));
    CHECK(insert(s, "ck", "", now - 300, "behind", now));
    CHECK(s.size() == 2);
    CHECK_FALSE(insert(s, "ck", "", now + 300, "ahead", now + 600));
    CHECK(s.size() == 1); // "behind" expired at now, "ahead" lives until now + 600
    CHECK(insert(s, "ck", "", now + 300, "ahead", now + 601));
}

TEST_CASE("memory_nonce_store: expiry does not wrap around near the end of time")
{
    memory_nonce_store s(300);
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    CHECK(insert(s, "ck", "", max, "n", 0));
    CHECK(insert(s, "ck", "", max - 100, "m", 0));
    CHECK(insert(s, "other", "", 1000, "x", 1000)); // evicts what has expired by t = 1000
    CHECK(s.size() == 3);
    CHECK_FALSE(insert(s, "ck", "", max, "n", 1000));
    CHECK_FALSE(insert(s, "ck", "", max - 100, "m", 1000));
}

TEST_CASE("memory_nonce_store: memory stays bounded under a flood of unique nonces")
{
    constexpr std::uint64_t window = 300;
    constexpr std::size_t per_second = 100;
    constexpr std::size_t total = 200'000;
    const std::uint64_t t0 = 1'700'000'000;
    const std::size_t bound = per_second * (window + 1); // the entries of the last window
    SUBCASE("timestamps in order")
    {
        memory_nonce_store s(window);
        std::size_t peak = 0;
        for (std::size_t i = 0; i < total; ++i) {
            const std::uint64_t now = t0 + i / per_second;
            REQUIRE(insert(s, "ck", "tok", now, std::to_string(i), now));
            peak = std::max(peak, s.size());
        }
        peak = std::max(peak, s.size());
        CHECK(peak <= bound);
        // Nothing of the last window was evicted too early: exactly its entries remain.
        CHECK(s.size() == bound);
    }
    SUBCASE("timestamps spread over the whole window (clients with skewed clocks)")
    {
        // Every request carries a timestamp up to `window` seconds behind or ahead of the clock,
        // as the verifier allows. Entries must still leave once expired, and quickly: a store that
        // keeps its expiry queue sorted by moving elements one by one would take quadratic time.
        memory_nonce_store s(window);
        std::mt19937_64 rng(42);
        std::uniform_int_distribution<std::uint64_t> skew(0, 2 * window);
        std::size_t peak = 0;
        for (std::size_t i = 0; i < total; ++i) {
            const std::uint64_t now = t0 + i / per_second;
            const std::uint64_t ts = now - window + skew(rng);
            REQUIRE(insert(s, "ck", "", ts, std::to_string(i), now));
            peak = std::max(peak, s.size());
        }
        // Live entries have expiry ts + window >= now, with ts received at most 2*window seconds
        // earlier: at most per_second * (2*window + 1) of them.
        CHECK(peak <= per_second * (2 * window + 1));
        CHECK(s.size() > per_second * window / 2); // and the store is not simply dropping them
    }
}

TEST_CASE("memory_nonce_store: full of live entries, it refuses (fail closed) instead of growing")
{
    // The store-wide bound, reached by one consumer: its quota is the whole store (no quota).
    oauth1::memory_nonce_store_options so;
    so.window = 300;
    so.max_entries = 10;
    so.max_per_consumer = 10;
    memory_nonce_store s(so);
    const std::uint64_t now = 9'000;
    for (int i = 0; i < 10; ++i) CHECK(insert(s, "ck", "", now, "n" + std::to_string(i), now));
    CHECK(s.size() == 10);

    std::error_code ec;
    CHECK_FALSE(s.insert("ck", "", now, "n10", now, ec));
    CHECK(ec == errc::nonce_store_full);
    CHECK(s.size() == 10);
    // A replay is still recognised as a replay (not as "full") and no entry was forgotten.
    for (int i = 0; i < 10; ++i)
        CHECK_FALSE(insert(s, "ck", "", now, "n" + std::to_string(i), now));
    // And again for the next new nonce.
    CHECK_FALSE(s.insert("ck", "", now, "n11", now, ec));
    CHECK(ec == errc::nonce_store_full);

    // Once the entries expire there is room again.
    CHECK(insert(s, "ck", "", now + 301, "n10", now + 301));
    CHECK(s.size() == 1);

    // The verifier turns "full" into a refused request with the error code set.
    memory_nonce_store tiny(300, 1);
    CHECK(insert(tiny, "other", "", now, "x", now));
    oauth1::client c("ck", oauth1::hmac_sha1("cs"));
    oauth1::sign_options o;
    o.nonce = "n";
    o.timestamp = now;
    const auto signed_req = c.sign({"GET", "http://example.com/"}, o);
    const oauth1::consumer_credentials consumer{"cs", {}, oauth1::method_set::all()};
    const oauth1::request_verifier v([&](std::string_view) { return &consumer; },
                                     [](std::string_view, std::string_view) {
                                         return static_cast<const oauth1::token_credentials*>(
                                             nullptr);
                                     },
                                     tiny, fixed_clock{now});
    oauth1::verify_options opts;
    opts.token = oauth1::token_requirement::optional;
    std::error_code vec;
    const auto r =
        v.verify({"GET", "http://example.com/", {}, {}, signed_req.authorization()}, opts, vec);
    CHECK(vec == errc::nonce_store_full);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(static_cast<bool>(r));
}

TEST_CASE("memory_nonce_store: concurrent inserts of the same nonces succeed exactly once")
{
    memory_nonce_store s(300);
    constexpr int threads = 8;
    constexpr int nonces = 5'000;
    const std::uint64_t now = 123'456;
    std::vector<std::atomic<int>> wins(nonces);
    std::atomic<int> errors{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int k = 0; k < nonces; ++k) {
                const int i = (k + t * (nonces / threads)) % nonces; // different starting points
                std::error_code ec;
                if (s.insert("ck", "tok", now, std::to_string(i), now, ec))
                    wins[static_cast<std::size_t>(i)]++;
                if (ec) errors++;
            }
        });
    }
    for (std::thread& th : pool) th.join();
    CHECK(errors.load() == 0);
    int total = 0;
    int not_once = 0;
    for (const std::atomic<int>& w : wins) {
        total += w.load();
        not_once += w.load() == 1 ? 0 : 1;
    }
    CHECK(total == nonces);
    CHECK(not_once == 0);
    CHECK(s.size() == static_cast<std::size_t>(nonces));
}

TEST_CASE("memory_nonce_store: agrees with a reference model on a long random workload")
{
    // A std::map of key -> expiry is the specification: an entry is live while now <= expiry;
    // a live key is a replay; a consumer at its quota (entries or bytes) is refused with
    // nonce_quota_exceeded; otherwise a store at its bound (entries or bytes) is refused with
    // nonce_store_full. The open-addressing table with its backward-shift deletions, resizes,
    // reused pool entries and per-consumer counters must give exactly the same answers.
    struct config {
        std::string name;
        std::size_t max_entries;
        std::size_t max_per_consumer;
        std::size_t max_bytes;
        std::size_t max_bytes_per_consumer;
    };
    const std::size_t lots = std::numeric_limits<std::size_t>::max();
    const config configs[] = {
        {"entries only (no quota)", 500, 500, lots, lots},
        {"per-consumer entry quota", 500, 240, lots, lots},
        {"byte budget and per-consumer byte quota", 500, 500,
         400 * memory_nonce_store::bytes_per_entry, 200 * memory_nonce_store::bytes_per_entry},
    };
    for (const config& cfg : configs) {
        CAPTURE(cfg.name);
        constexpr std::uint64_t window = 50;
        oauth1::memory_nonce_store_options so;
        so.window = window;
        so.max_entries = cfg.max_entries;
        so.max_per_consumer = cfg.max_per_consumer;
        so.max_bytes = cfg.max_bytes;
        so.max_bytes_per_consumer = cfg.max_bytes_per_consumer;
        memory_nonce_store s(so);
        using key_type = std::tuple<std::string, std::string, std::uint64_t, std::string>;
        std::map<key_type, std::uint64_t> model;
        std::multimap<std::uint64_t, key_type> by_expiry;
        struct held {
            std::size_t entries = 0;
            std::size_t bytes = 0;
        };
        std::map<std::string, held> per_consumer;
        std::size_t model_bytes = 0;
        // Every entry costs the same; a consumer's first one also its record and its key.
        const auto cost_of = [](const key_type&) { return memory_nonce_store::bytes_per_entry; };
        const auto consumer_cost = [](const std::string& ck) {
            return memory_nonce_store::bytes_per_consumer + ck.size();
        };
        oauth1_test::xorshift32 next(0x9e3779b9U);
        std::uint64_t now = 1'000'000;
        std::size_t fresh_count = 0;
        std::size_t replay_count = 0;
        std::size_t full_count = 0;
        std::size_t quota_count = 0;
        for (int i = 0; i < 200'000; ++i) {
            if (next() % 8 == 0) now += next() % 3; // time moves on, entries expire
            // Consumer c0 sends half of the requests, c1 a third, c2 a sixth.
            const std::uint32_t who = next() % 6;
            const std::string ck = who < 3 ? "c0" : who < 5 ? "c1" : "c2";
            const std::string tok =
                next() % 4 == 0 ? std::string() : "t" + std::to_string(next() % 2);
            const std::uint64_t ts = now - 2 + next() % 5; // skewed both ways
            const std::string nonce = std::string(next() % 3, 'n') + std::to_string(next() % 40);
            while (!by_expiry.empty() && by_expiry.begin()->first < now) { // evict expired
                const key_type gone = by_expiry.begin()->second;
                by_expiry.erase(by_expiry.begin());
                model.erase(gone);
                const std::string& owner = std::get<0>(gone);
                held& h = per_consumer[owner];
                const std::size_t c = cost_of(gone);
                h.entries -= 1;
                h.bytes -= c;
                model_bytes -= c;
                if (h.entries == 0) {
                    model_bytes -= consumer_cost(owner);
                    per_consumer.erase(owner);
                }
            }
            const key_type key = std::make_tuple(ck, tok, ts, nonce);
            const bool known_consumer = per_consumer.count(ck) != 0;
            const held h = known_consumer ? per_consumer[ck] : held{};
            const std::size_t cost = cost_of(key) + (known_consumer ? 0 : consumer_cost(ck));
            errc expected_error = errc::ok;
            bool expected_fresh = model.find(key) == model.end();
            // A quota as large as the store's bound is no quota.
            const bool entry_quota = cfg.max_per_consumer < cfg.max_entries;
            const bool byte_quota = cfg.max_bytes_per_consumer < cfg.max_bytes;
            if (expected_fresh && ((entry_quota && h.entries >= cfg.max_per_consumer) ||
                                   (byte_quota && h.bytes + cost > cfg.max_bytes_per_consumer)))
                expected_error = errc::nonce_quota_exceeded;
            else if (expected_fresh &&
                     (model.size() >= cfg.max_entries || model_bytes + cost > cfg.max_bytes))
                expected_error = errc::nonce_store_full;
            if (expected_error != errc::ok) expected_fresh = false;
            std::error_code ec;
            const bool fresh = s.insert(ck, tok, ts, nonce, now, ec);
            CAPTURE(i);
            REQUIRE(fresh == expected_fresh);
            if (expected_error == errc::ok)
                REQUIRE_FALSE(ec);
            else
                REQUIRE(ec == expected_error);
            if (expected_fresh) {
                model.emplace(key, ts + window);
                by_expiry.emplace(ts + window, key);
                held& mine = per_consumer[ck];
                mine.entries += 1;
                mine.bytes += cost;
                model_bytes += cost;
            }
            fresh_count += fresh ? 1 : 0;
            replay_count += !fresh && !ec ? 1 : 0;
            full_count += ec == errc::nonce_store_full ? 1 : 0;
            quota_count += ec == errc::nonce_quota_exceeded ? 1 : 0;
            if (i % 1000 == 0) {
                REQUIRE(s.size() == model.size());
                REQUIRE(s.bytes() == model_bytes);
                REQUIRE(s.stats().consumers == per_consumer.size());
            }
        }
        // The workload exercised every path of its configuration.
        CHECK(fresh_count > 10'000);
        CHECK(replay_count > 500);
        CHECK(full_count > 1'000);
        if (cfg.max_per_consumer < cfg.max_entries || cfg.max_bytes_per_consumer < cfg.max_bytes)
            CHECK(quota_count > 1'000);
        else
            CHECK(quota_count == 0);
        MESSAGE(cfg.name << ": " << fresh_count << " fresh, " << replay_count << " replays, "
                         << full_count << " refused (full), " << quota_count << " refused (quota)");
    }
}
