// Unit tests for the bounds of oauth1/nonce_store.hpp's memory_nonce_store (issue 11 item 4):
// the options and their defaults, the per-consumer quotas (entries and bytes), the store-wide
// byte budget, entries whose size does not depend on the nonce's, memory given back when entries
// expire, no allocation once warm, the keyed hash, and hash flooding (inputs that collide under
// std::hash cost a bounded number of probes).
#include <oauth1/nonce_store.hpp>

#include <doctest/doctest.h>

#include <oauth1/client.hpp>
#include <oauth1/provider.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <new>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

// Every allocation of this program goes through here, so a test can count the ones made while
// `counting` is set (the "allocates nothing once warm" test).
namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};
} // namespace

void* operator new(std::size_t n)
{
    if (counting.load(std::memory_order_relaxed))
        allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

using oauth1::errc;
using oauth1::memory_nonce_store;
using oauth1::memory_nonce_store_options;

constexpr std::uint64_t t0 = 1'700'000'000;

// Inserts and requires that the store could answer.
bool insert(memory_nonce_store& s, std::string_view ck, std::string_view tok, std::uint64_t ts,
            std::string_view nonce, std::uint64_t now)
{
    std::error_code ec = make_error_code(errc::crypto_failure); // must be cleared
    const bool fresh = s.insert(ck, tok, ts, nonce, now, ec);
    REQUIRE_FALSE(ec);
    return fresh;
}

// The error of an insert that must be refused.
std::error_code refusal(memory_nonce_store& s, std::string_view ck, std::string_view tok,
                        std::uint64_t ts, std::string_view nonce, std::uint64_t now)
{
    std::error_code ec;
    CHECK_FALSE(s.insert(ck, tok, ts, nonce, now, ec));
    return ec;
}

// The key as the store before issue 11 serialised it: each string field preceded by
// its decimal length and ':', the timestamp followed by ':'.
std::string serialised(std::string_view ck, std::string_view tok, std::uint64_t ts,
                       std::string_view nonce)
{
    std::string k;
    for (std::string_view field : {ck, tok})
        k.append(std::to_string(field.size())).append(":").append(field);
    k.append(std::to_string(ts)).append(":");
    k.append(std::to_string(nonce.size())).append(":").append(nonce);
    return k;
}

std::uint64_t unkeyed(std::string_view bytes)
{
    return std::hash<std::string_view>{}(bytes);
}

// The pre-issue-11 table: linear probing over a power-of-two table indexed by std::hash, at most
// half full. Counts the slots an insert examines, for the flood tests to compare with.
struct unkeyed_table {
    std::vector<std::uint64_t> slots; // 0: empty (the hashes here are never 0 in practice)
    std::size_t size = 0;
    std::uint64_t probes = 0;

    void insert(std::uint64_t h)
    {
        if ((size + 1) * 2 > slots.size()) {
            std::vector<std::uint64_t> old(slots.empty() ? 16 : slots.size() * 2, 0);
            old.swap(slots);
            for (const std::uint64_t x : old)
                if (x != 0) place(x);
        }
        place(h);
        ++size;
    }
    void place(std::uint64_t h)
    {
        const std::size_t mask = slots.size() - 1;
        std::size_t i = static_cast<std::size_t>(h) & mask;
        for (;; i = (i + 1) & mask) {
            ++probes;
            if (slots[i] == 0) break;
        }
        slots[i] = h;
    }
};

struct fixed_clock {
    std::uint64_t now;
    std::uint64_t operator()() const noexcept { return now; }
};

} // namespace

TEST_CASE("memory_nonce_store options: defaults, resolved quotas, the (window, max_entries) form")
{
    const memory_nonce_store d;
    CHECK(d.window() == 300);
    CHECK(d.max_entries() == 1'000'000);
    CHECK(d.options().max_bytes == 128U * 1024 * 1024);
    CHECK(d.options().max_per_consumer == 250'000);
    CHECK(d.options().max_bytes_per_consumer == 32U * 1024 * 1024);

    const memory_nonce_store legacy(60, 10);
    CHECK(legacy.window() == 60);
    CHECK(legacy.max_entries() == 10);
    CHECK(legacy.options().max_per_consumer == 2);
    const memory_nonce_store tiny(60, 1);
    CHECK(tiny.options().max_per_consumer == 1); // never 0: a consumer can always insert once

    memory_nonce_store_options o;
    o.window = 30;
    o.max_entries = 100;
    o.max_bytes = 5000;
    o.max_per_consumer = 7;
    o.max_bytes_per_consumer = 900;
    const memory_nonce_store explicit_bounds(o);
    CHECK(explicit_bounds.window() == 30);
    CHECK(explicit_bounds.options().max_bytes == 5000);
    CHECK(explicit_bounds.options().max_per_consumer == 7);
    CHECK(explicit_bounds.options().max_bytes_per_consumer == 900);

    // bytes() counts bytes_per_entry for each entry, plus bytes_per_consumer and the key once
    // for each consumer; an entry's record is a 16-byte digest, a consumer number and its slots.
    constexpr std::size_t per_entry = memory_nonce_store::bytes_per_entry;
    constexpr std::size_t per_consumer = memory_nonce_store::bytes_per_consumer;
    CHECK(per_entry >= 16 + 4 + 8 + 2 * 8);
    CHECK(per_entry <= 96);
    CHECK(per_consumer >= 32);
    memory_nonce_store s;
    CHECK(s.bytes() == 0);
    CHECK(insert(s, "ck", "tok", t0, "n", t0));
    CHECK(s.bytes() == per_entry + per_consumer + 2);
    CHECK(insert(s, "ck", "tok", t0, std::string(1000, 'm'), t0));
    CHECK(s.bytes() == 2 * per_entry + per_consumer + 2);
    CHECK(insert(s, "other", "tok", t0, "n", t0));
    CHECK(s.bytes() == 3 * per_entry + 2 * per_consumer + 2 + 5);
    CHECK(s.stats().bytes == s.bytes());
}

TEST_CASE("memory_nonce_store: one consumer at its entry quota is refused, the others are not")
{
    memory_nonce_store s(300, 8); // quota: a quarter, 2 entries per consumer
    CHECK(insert(s, "greedy", "", t0, "n1", t0));
    CHECK(insert(s, "greedy", "", t0, "n2", t0));
    CHECK(refusal(s, "greedy", "", t0, "n3", t0) == errc::nonce_quota_exceeded);
    CHECK(refusal(s, "greedy", "other-token", t0, "n4", t0) == errc::nonce_quota_exceeded);
    // A replay is still a replay, not a quota refusal; nothing was forgotten or added.
    CHECK_FALSE(insert(s, "greedy", "", t0, "n1", t0));
    CHECK(s.size() == 2);
    // Everybody else keeps working until the whole store is full.
    for (const char* ck : {"b", "c", "d"}) {
        CAPTURE(ck);
        CHECK(insert(s, ck, "", t0, "n1", t0));
        CHECK(insert(s, ck, "", t0, "n2", t0));
        CHECK(refusal(s, ck, "", t0, "n3", t0) == errc::nonce_quota_exceeded);
    }
    CHECK(s.size() == 8);
    CHECK(refusal(s, "e", "", t0, "n1", t0) == errc::nonce_store_full);
    // The consumer over its quota is told so even while the store is full.
    CHECK(refusal(s, "greedy", "", t0, "n3", t0) == errc::nonce_quota_exceeded);
    CHECK(s.stats().consumers == 4);

    // Once its entries expire, the consumer has its share again.
    CHECK(insert(s, "greedy", "", t0 + 301, "n3", t0 + 301));
    CHECK(s.size() == 1);
    CHECK(s.stats().consumers == 1);
}

TEST_CASE("memory_nonce_store: the verifier refuses a consumer over its quota, not the others")
{
    memory_nonce_store_options so;
    so.max_per_consumer = 1;
    memory_nonce_store store(so);
    const oauth1::consumer_credentials consumer{"cs", {}, oauth1::method_set::defaults()};
    const auto consumers = [&](std::string_view k) {
        return k == "a" || k == "b" ? &consumer : nullptr;
    };
    const auto tokens = [](std::string_view, std::string_view) {
        return static_cast<const oauth1::token_credentials*>(nullptr);
    };
    const oauth1::request_verifier v(consumers, tokens, store, fixed_clock{t0});
    oauth1::verify_options opts;
    opts.token = oauth1::token_requirement::optional;
    const auto request = [](const char* ck, const char* nonce) {
        oauth1::client c(ck, oauth1::hmac_sha256("cs"));
        oauth1::sign_options o;
        o.nonce = nonce;
        o.timestamp = t0;
        return std::string(c.sign({"GET", "http://example.com/r"}, o).authorization());
    };
    std::error_code ec;
    CHECK(v.verify({"GET", "http://example.com/r", {}, {}, request("a", "1")}, opts, ec).ok());
    CHECK_FALSE(ec);
    const auto over =
        v.verify({"GET", "http://example.com/r", {}, {}, request("a", "2")}, opts, ec);
    CHECK_FALSE(over.ok());
    CHECK(ec == errc::nonce_quota_exceeded);
    CHECK(v.verify({"GET", "http://example.com/r", {}, {}, request("b", "1")}, opts, ec).ok());
    CHECK_FALSE(ec);
}

TEST_CASE("memory_nonce_store: the byte budget refuses every consumer once reached")
{
    constexpr std::size_t per_entry = memory_nonce_store::bytes_per_entry;
    constexpr std::size_t per_consumer = memory_nonce_store::bytes_per_consumer;
    memory_nonce_store_options so;
    so.max_entries = 1000;
    so.max_per_consumer = 1000;
    // Consumer "a" and nine entries fit; a tenth is one byte short.
    so.max_bytes = per_consumer + 1 + 10 * per_entry - 1;
    so.max_bytes_per_consumer = so.max_bytes; // no byte quota: the store-wide budget is under test
    memory_nonce_store s(so);
    int stored = 0;
    std::error_code ec;
    while (s.insert("a", "", t0, "n" + std::to_string(stored), t0, ec)) ++stored;
    CHECK(ec == errc::nonce_store_full);
    CHECK(stored == 9);
    CHECK(s.bytes() == per_consumer + 1 + 9 * per_entry);
    CHECK(s.size() == 9);
    // Another consumer is refused too, whatever the size of its nonce.
    CHECK(refusal(s, "b", "", t0, "n", t0) == errc::nonce_store_full);
    CHECK(refusal(s, "b", "", t0, std::string(64, 'n'), t0) == errc::nonce_store_full);
    CHECK(s.bytes() <= so.max_bytes);
    CHECK(s.size() == 9);
    // A refused combination was not recorded: after the others expire it is new.
    CHECK(insert(s, "a", "", t0 + 400, "n9", t0 + 400));
    CHECK(s.bytes() == per_consumer + 1 + per_entry);
    // A budget that cannot hold one consumer and one entry refuses everything.
    memory_nonce_store_options none = so;
    none.max_bytes = per_consumer + per_entry; // "a" needs one byte more
    none.max_bytes_per_consumer = none.max_bytes;
    memory_nonce_store tiny(none);
    CHECK(refusal(tiny, "a", "", t0, "n", t0) == errc::nonce_store_full);
    CHECK(insert(tiny, "", "", t0, "n", t0)); // the empty consumer key fits exactly
}

TEST_CASE("memory_nonce_store: one consumer's byte quota leaves the rest of the budget to others")
{
    constexpr std::size_t per_entry = memory_nonce_store::bytes_per_entry;
    constexpr std::size_t per_consumer = memory_nonce_store::bytes_per_consumer;
    memory_nonce_store_options so;
    so.max_bytes = 100'000;
    so.max_bytes_per_consumer = per_consumer + 1 + 3 * per_entry; // three entries of "a"
    memory_nonce_store s(so);
    CHECK(insert(s, "a", "", t0, "n1", t0));
    CHECK(insert(s, "a", "", t0, std::string(1000, 'y'), t0));
    CHECK(insert(s, "a", "", t0, "n3", t0));
    CHECK(refusal(s, "a", "", t0, "n4", t0) == errc::nonce_quota_exceeded);
    CHECK(insert(s, "b", "", t0, "n1", t0));
    CHECK(insert(s, "b", "", t0, "n2", t0));
    // A consumer whose key alone is larger than a consumer's whole quota is refused as over
    // quota.
    CHECK(refusal(s, std::string(4 * per_entry + per_consumer, 'c'), "", t0, "n", t0) ==
          errc::nonce_quota_exceeded);
    CHECK(s.size() == 5);
}

TEST_CASE("memory_nonce_store: an entry takes the same memory whatever the size of its nonce")
{
    // What the byte budget was first introduced against: 64 nonces of 64 KiB each would keep
    // 4 MiB resident in a store that recorded whole combinations. Here they take what 64
    // one-byte nonces take.
    const std::size_t large = 64 * 1024;
    memory_nonce_store big(300);
    memory_nonce_store small(300);
    for (int i = 0; i < 64; ++i) {
        CHECK(insert(big, "ck", "tok", t0, std::to_string(i) + std::string(large, 'n'), t0));
        CHECK(insert(small, "ck", "tok", t0, std::to_string(i), t0));
    }
    const oauth1::memory_nonce_store_stats b = big.stats();
    const oauth1::memory_nonce_store_stats s = small.stats();
    CHECK(b.entries == 64);
    CHECK(b.bytes == s.bytes);
    CHECK(b.bytes ==
          64 * memory_nonce_store::bytes_per_entry + memory_nonce_store::bytes_per_consumer + 2);
    CHECK(b.capacity == s.capacity); // string storage: the consumer key only
    CHECK(b.capacity < memory_nonce_store::kept_capacity);
    CHECK(b.table_slots == s.table_slots);
    // And they are still told apart: each is a replay of itself only.
    for (int i = 0; i < 64; ++i) {
        CHECK_FALSE(insert(big, "ck", "tok", t0, std::to_string(i) + std::string(large, 'n'), t0));
        CHECK(insert(big, "ck", "tok", t0, std::to_string(i) + std::string(large - 1, 'n'), t0));
    }
}

TEST_CASE("memory_nonce_store: memory of long consumer keys goes back when their entries expire")
{
    memory_nonce_store s(300);
    const std::size_t long_key = 64 * 1024;
    std::size_t expected = 0;
    for (int i = 0; i < 16; ++i) {
        const std::string ck = std::to_string(i) + std::string(long_key, 'k');
        CHECK(insert(s, ck, "", t0, "n", t0));
        expected += memory_nonce_store::bytes_per_consumer + ck.size() +
                    memory_nonce_store::bytes_per_entry;
    }
    const oauth1::memory_nonce_store_stats full = s.stats();
    CHECK(s.bytes() == expected);
    CHECK(full.bytes == expected);
    CHECK(full.capacity >= 16 * long_key);

    SUBCASE("expire(now), as from a timer")
    {
        s.expire(t0 + 300); // still live at timestamp + window
        CHECK(s.size() == 16);
        s.expire(t0 + 301);
    }
    SUBCASE("the next insert")
    {
        CHECK(insert(s, "other", "", t0 + 301, "small", t0 + 301));
        CHECK(s.bytes() ==
              memory_nonce_store::bytes_per_entry + memory_nonce_store::bytes_per_consumer + 5);
        s.expire(t0 + 1000);
    }
    const oauth1::memory_nonce_store_stats after = s.stats();
    CHECK(after.entries == 0);
    CHECK(after.consumers == 0);
    CHECK(after.bytes == 0);
    CHECK(s.bytes() == 0);
    CHECK(after.pooled_entries >= 16);
    // Every pooled consumer key holds at most kept_capacity.
    CHECK(after.capacity <= 17 * memory_nonce_store::kept_capacity);
    CHECK(after.capacity < full.capacity / 100);
    MESSAGE("16 consumer keys of 64 KiB: " << full.capacity << " bytes of strings while live, "
                                           << after.capacity << " after they expired");
}

TEST_CASE("memory_nonce_store: after a burst the tables shrink and the pool is compacted")
{
    memory_nonce_store s(10);
    constexpr int burst = 20'000;
    for (int i = 0; i < burst; ++i)
        REQUIRE(insert(s, "c" + std::to_string(i % 8), "", t0, std::to_string(i), t0));
    // A hundred entries with later timestamps outlive the burst.
    for (int i = 0; i < 100; ++i) REQUIRE(insert(s, "late", "", t0 + 100, std::to_string(i), t0));
    const oauth1::memory_nonce_store_stats peak = s.stats();
    CHECK(peak.entries == burst + 100);
    CHECK(peak.table_slots >= 2 * (burst + 100));

    s.expire(t0 + 11);
    const oauth1::memory_nonce_store_stats after = s.stats();
    CHECK(after.entries == 100);
    CHECK(after.consumers == 1);
    // The entry table shrank to between 4 and 8 slots per live entry; the consumer table to 16.
    CHECK(after.table_slots <= 8 * 100 + 16);
    CHECK(after.table_slots < peak.table_slots / 32);
    CHECK(after.pooled_entries == 0); // compacted: the pool holds the live entries only
    // The survivors are all still there, and all still replays.
    for (int i = 0; i < 100; ++i)
        REQUIRE_FALSE(insert(s, "late", "", t0 + 100, std::to_string(i), t0 + 11));
    CHECK(insert(s, "late", "", t0 + 100, "new", t0 + 11));

    s.expire(t0 + 111);
    CHECK(s.stats().entries == 0);
    CHECK(s.stats().table_slots == 0);
    CHECK(s.bytes() == 0);
}

TEST_CASE("memory_nonce_store: per-consumer counters exist only for consumers with live entries")
{
    memory_nonce_store s(300);
    std::size_t key_bytes = 0;
    for (int i = 0; i < 1000; ++i) {
        const std::string ck = "consumer-" + std::to_string(i);
        REQUIRE(insert(s, ck, "", t0, "n", t0));
        key_bytes += ck.size() + memory_nonce_store::bytes_per_consumer +
                     memory_nonce_store::bytes_per_entry;
    }
    CHECK(s.stats().consumers == 1000);
    CHECK(s.bytes() == key_bytes);
    s.expire(t0 + 301);
    CHECK(s.stats().consumers == 0);
    CHECK(s.bytes() == 0);
}

TEST_CASE("memory_nonce_store: once warm, inserting normal-size nonces allocates nothing")
{
    // A steady load: 50 new nonces per second, each living window = 10 s, fixed-size keys.
    memory_nonce_store s(10);
    char nonce[16];
    std::uint32_t serial = 0;
    const auto second = [&](std::uint64_t now, bool& all_fresh) {
        for (int i = 0; i < 50; ++i) {
            std::snprintf(nonce, sizeof nonce, "n%08u", static_cast<unsigned>(serial++));
            std::error_code ec;
            all_fresh = s.insert("consumer", "token", now, nonce, now, ec) && !ec && all_fresh;
        }
    };
    bool fresh = true;
    for (std::uint64_t t = t0; t < t0 + 40; ++t) second(t, fresh); // warm: 4 windows
    REQUIRE(fresh);
    allocations = 0;
    counting = true;
    for (std::uint64_t t = t0 + 40; t < t0 + 80; ++t) second(t, fresh);
    counting = false;
    CHECK(fresh);
    CHECK(allocations.load() == 0);
    CHECK(s.size() == 50 * 11); // the entries of the last window + 1 seconds
}

TEST_CASE("memory_nonce_store: the hash is keyed, differently for each store")
{
    const memory_nonce_store a;
    const memory_nonce_store b;
    int differ = 0;
    for (int i = 0; i < 16; ++i) {
        const std::string nonce = "nonce-" + std::to_string(i);
        const std::uint64_t ha = a.keyed_hash("ck", "tok", t0, nonce);
        CHECK(ha == a.keyed_hash("ck", "tok", t0, nonce)); // a function of the combination
        CHECK(ha != a.keyed_hash("ck", "tok", t0 + 1, nonce));
        differ += ha != b.keyed_hash("ck", "tok", t0, nonce) ? 1 : 0;
        // Not std::hash of the stored key (what a client could compute for itself).
        CHECK(ha != unkeyed(serialised("ck", "tok", t0, nonce)));
    }
    CHECK(differ == 16); // a false failure has probability 16 / 2^64
}

TEST_CASE("memory_nonce_store: nonces chosen to collide under std::hash cost O(1) probes each")
{
    // The attack on the pre-issue-11 store: the client picks nonces whose std::hash (unkeyed,
    // public) puts them in the same 64 slots of the table, at every table size up to 8,192
    // slots, so each insert walks one ever longer probe run under the store's mutex.
    constexpr std::size_t n = 4000;
    constexpr std::uint64_t low_bits = 8191;
    std::vector<std::string> nonces;
    std::set<std::uint64_t> home_slots;
    for (std::uint64_t i = 0; nonces.size() < n; ++i) {
        const std::string nonce = "n" + std::to_string(i);
        const std::uint64_t h = unkeyed(serialised("ck", "", t0, nonce));
        if ((h & low_bits) >= 64) continue;
        nonces.push_back(nonce);
        home_slots.insert(h & low_bits);
    }
    REQUIRE(home_slots.size() <= 64);

    // What they cost the old scheme (its table, simulated here): quadratic.
    unkeyed_table old;
    for (const std::string& nonce : nonces) old.insert(unkeyed(serialised("ck", "", t0, nonce)));
    const double old_per_insert = static_cast<double>(old.probes) / n;
    CHECK(old_per_insert > 1000);

    memory_nonce_store s(300);
    const std::uint64_t before = s.stats().probes;
    for (const std::string& nonce : nonces) REQUIRE(insert(s, "ck", "", t0, nonce, t0));
    const oauth1::memory_nonce_store_stats after = s.stats();
    const double per_insert = static_cast<double>(after.probes - before) / n;
    // Each insert: a miss in the entry table, a hit in the consumer table, the placement, and
    // its share of the resizes; about 5 slots with a random hash at most half full.
    CHECK(per_insert < 12);
    CHECK(after.entries == n);
    for (const std::string& nonce : nonces) REQUIRE_FALSE(insert(s, "ck", "", t0, nonce, t0));
    MESSAGE(n << " nonces colliding under std::hash: " << old_per_insert
              << " probes per insert with std::hash, " << per_insert << " with the keyed hash");
}

TEST_CASE("memory_nonce_store: consumer keys colliding under std::hash cost O(1) probes each")
{
    // The per-consumer counters are a hash table too: consumer keys that would collide under
    // an unkeyed hash must not make it quadratic either.
    constexpr std::size_t n = 3000;
    std::vector<std::string> keys;
    for (std::uint64_t i = 0; keys.size() < n; ++i) {
        std::string ck = "consumer-" + std::to_string(i);
        if ((unkeyed(ck) & 8191) < 64) keys.push_back(std::move(ck));
    }
    unkeyed_table old;
    for (const std::string& ck : keys) old.insert(unkeyed(ck));
    CHECK(static_cast<double>(old.probes) / n > 500);

    memory_nonce_store s(300);
    for (const std::string& ck : keys) REQUIRE(insert(s, ck, "", t0, "n", t0));
    const oauth1::memory_nonce_store_stats st = s.stats();
    CHECK(st.consumers == n);
    const double per_insert = static_cast<double>(st.probes) / n;
    CHECK(per_insert < 16);
    MESSAGE(n << " consumer keys colliding under std::hash: " << static_cast<double>(old.probes) / n
              << " probes per insert with std::hash, " << per_insert
              << " with the keyed hash (both tables)");
}
