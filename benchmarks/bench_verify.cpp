// benchmarks/bench_verify.cpp - provider-side verification throughput (oauth1::request_verifier) of the W2
// request, next to its signing rows in the same binary (report.py's "verification" table divides
// verify/<workload>/<method>/oauth1 by sign/<workload>/<method>/oauth1).
//
// Rows: verify/W2/HMAC-SHA1/oauth1, verify/W1-1024/RSA-SHA1/oauth1, verify/W1-2048/RSA-SHA1/oauth1,
// verify/W2-steady/HMAC-SHA1/oauth1 (below: a warm store in its steady state)
// (the bench_rsa{1024,2048}.pem keys; the provider holds private_key::public_part()). One
// verification = the full verify(): header parsed, parameters collected and sorted, consumer and
// token looked up (in-memory, by pointer), timestamp window, base string, signature check, and the
// nonce recorded in an oauth1::memory_nonce_store (the default store), into one verify_result
// reused across calls (request_verifier::verify(req, opts, result, ec)), as a server thread would.
//
// Nonces: every accepted request needs a fresh nonce, so each row pre-signs a pool of requests
// with distinct nonces (16 characters, like the signing rows' nonce) and the fixed timestamp, once,
// outside any timing; the verifier's Clock returns that timestamp, so nothing expires. The loop
// cycles through the pool; when it wraps, the store (and the verifier that references it) is
// replaced by a new, empty one between PauseTiming() and ResumeTiming(), so no verification is a
// replay and the store never holds more than the pool (2^16 entries for HMAC, 2^12 for RSA, whose
// signing makes big pools slow to build). Each call of a row's function starts with a new store
// too. The timed store therefore grows from empty to the pool's size, rehashing on the way, as a
// real store does. Every verification's result is checked: a refusal turns the row into an error.
//
// Self-registered at static initialisation, without any OpenSSL call (keys are loaded and the pool
// signed on a row's first run), so main()'s OpenSSL allocator installation still comes first.
#include "bench_common.hpp"

#include <oauth1/keys.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace oauth1_bench {
namespace {

/// The provider's clock: the pool's fixed timestamp.
struct fixed_clock {
    std::uint64_t operator()() const noexcept { return timestamp; }
};

/// In-memory lookups, by pointer (no copy of the credentials per request).
struct consumer_lookup {
    const oauth1::consumer_credentials* consumer;
    const oauth1::consumer_credentials* operator()(std::string_view key) const noexcept
    {
        return key == consumer_key ? consumer : nullptr;
    }
};

struct token_lookup {
    const oauth1::token_credentials* credentials;
    const oauth1::token_credentials* operator()(std::string_view /*consumer*/,
                                                std::string_view t) const noexcept
    {
        return t == token ? credentials : nullptr;
    }
};

using bench_verifier = oauth1::request_verifier<consumer_lookup, token_lookup,
                                                oauth1::memory_nonce_store, fixed_clock>;

/// What a row needs, built on its first run: the provider's records and the signed pool.
struct verify_setup {
    oauth1::consumer_credentials consumer;
    oauth1::token_credentials token_record;
    std::vector<std::string> authorizations; // one Authorization header per distinct nonce
};

/// Signs `n` copies of `w` with `client`, nonces "nonce-0000000000" + i (16 characters).
template <class Client>
std::vector<std::string> sign_pool(const Client& client, const workload& w, std::size_t n)
{
    std::vector<std::string> pool;
    pool.reserve(n);
    oauth1::sign_options opts = fixed_options(w);
    oauth1::signed_request out;
    std::string nonce_text;
    std::error_code ec;
    for (std::size_t i = 0; i < n; ++i) {
        nonce_text = std::to_string(i);
        nonce_text.insert(0, 16 - nonce_text.size(), '0');
        nonce_text.replace(0, 6, "nonce-");
        opts.nonce = nonce_text;
        client.sign(w.request(), opts, out, ec);
        if (ec) throw std::runtime_error("signing the verification pool: " + ec.message());
        pool.emplace_back(out.authorization());
    }
    return pool;
}

void bench_verify(benchmark::State& state, const verify_setup& s, const workload& w)
{
    const std::vector<std::string>& pool = s.authorizations;
    const oauth1::verify_options opts;
    auto store = std::make_unique<oauth1::memory_nonce_store>(opts.timestamp_window);
    std::optional<bench_verifier> v;
    v.emplace(consumer_lookup{&s.consumer}, token_lookup{&s.token_record}, *store);
    std::error_code ec;
    oauth1::verify_result r; // reused: the allocation-free path (one per thread in a server)
    std::size_t i = 0;
    bool refused = false;
    const alloc_snapshot before = allocations();
    for (auto _ : state) {
        if (i == pool.size()) { // wrapped: a new, empty store, outside the timed region
            state.PauseTiming();
            v.reset();
            store = std::make_unique<oauth1::memory_nonce_store>(opts.timestamp_window);
            v.emplace(consumer_lookup{&s.consumer}, token_lookup{&s.token_record}, *store);
            i = 0;
            state.ResumeTiming();
        }
        v->verify({w.method, w.url, {}, {}, pool[i++]}, opts, r, ec);
        refused |= !r.ok();
        benchmark::DoNotOptimize(r.consumer_key.data());
    }
    finish(state, before);
    if (refused) state.SkipWithError("a request was refused (bad signature or replayed nonce)");
}

/// Registers verify/<name>/<method>/oauth1; `make` builds the setup on the row's first run.
template <class Make>
void register_row(const std::string& name, const char* method, Make make)
{
    auto cache = std::make_shared<std::shared_ptr<const verify_setup>>();
    workload w = w2();
    w.name = name;
    benchmark::RegisterBenchmark(("verify/" + name + "/" + method + "/oauth1").c_str(),
                                 [cache, make, w](benchmark::State& st) {
                                     try {
                                         if (!*cache) *cache = make(w);
                                     } catch (const std::exception& e) {
                                         std::fprintf(stderr, "%s: %s\n", w.name.c_str(), e.what());
                                         st.SkipWithError("set-up failed");
                                         return;
                                     }
                                     bench_verify(st, **cache, w);
                                 });
}

std::shared_ptr<const verify_setup> hmac_setup(const workload& w)
{
    auto s = std::make_shared<verify_setup>();
    s->consumer.secret = consumer_secret;
    s->consumer.methods = {oauth1::signature_method::hmac_sha1};
    s->token_record = {std::string(consumer_key), std::string(token_secret)};
    oauth1::basic_client<oauth1::hmac_sha1> client{std::string(consumer_key),
                                                   oauth1::hmac_sha1(consumer_secret)};
    client.set_token(token, token_secret);
    s->authorizations = sign_pool(client, w, std::size_t{1} << 16);
    return s;
}

std::shared_ptr<const verify_setup> rsa_setup(const workload& w, const char* key_file)
{
    const oauth1::private_key key = oauth1::load_private_key_file(data_path(key_file));
    auto s = std::make_shared<verify_setup>();
    s->consumer.rsa_key = key.public_part();
    s->consumer.methods = {oauth1::signature_method::rsa_sha1};
    s->token_record = {std::string(consumer_key), std::string(token_secret)};
    oauth1::basic_client<oauth1::rsa_sha1> client{std::string(consumer_key), oauth1::rsa_sha1(key)};
    client.set_token(token, token_secret);
    s->authorizations = sign_pool(client, w, std::size_t{1} << 12);
    return s;
}

// ---------------------------------------------------------------------------------------------
// A long-running provider (issue 11): verify/W2-steady/HMAC-SHA1/oauth1 verifies the W2 request
// against one memory_nonce_store that lives for the whole row, in its steady state: the requests'
// timestamps advance one second every 64 requests and the provider's clock follows them, so with
// the default 300 s window about 19,200 entries are live and every insert evicts about one
// expired entry. The rows above start from an empty store every 2^16 requests and so measure a
// store growing (and the allocator giving its memory back between stores); this one measures
// what a server does all day. The pool of 2^16 requests is signed again with the next timestamps
// whenever it wraps (between PauseTiming() and ResumeTiming()), and one whole pool is verified
// before timing starts, so the store is warm.

constexpr std::uint64_t steady_rate = 64; // requests per second of the provider's clock

/// The provider's clock: the timestamp of the request being verified.
struct moving_clock {
    const std::uint64_t* now;
    std::uint64_t operator()() const noexcept { return *now; }
};

using steady_verifier = oauth1::request_verifier<consumer_lookup, token_lookup,
                                                 oauth1::memory_nonce_store, moving_clock>;

/// Signs the pool for requests first .. first + 2^16 - 1: timestamp + request / steady_rate,
/// nonces as sign_pool's (each combination of timestamp and nonce is used once).
void sign_steady_pool(std::vector<std::string>& pool, std::vector<std::uint64_t>& times,
                      const workload& w, std::uint64_t first)
{
    oauth1::basic_client<oauth1::hmac_sha1> client{std::string(consumer_key),
                                                   oauth1::hmac_sha1(consumer_secret)};
    client.set_token(token, token_secret);
    oauth1::sign_options opts = fixed_options(w);
    oauth1::signed_request out;
    std::string nonce_text;
    std::error_code ec;
    for (std::size_t i = 0; i < pool.size(); ++i) {
        nonce_text = std::to_string(i);
        nonce_text.insert(0, 16 - nonce_text.size(), '0');
        nonce_text.replace(0, 6, "nonce-");
        opts.nonce = nonce_text;
        times[i] = timestamp + (first + i) / steady_rate;
        opts.timestamp = times[i];
        client.sign(w.request(), opts, out, ec);
        if (ec) throw std::runtime_error("signing the verification pool: " + ec.message());
        pool[i] = out.authorization();
    }
}

void bench_verify_steady(benchmark::State& state, const workload& w)
{
    oauth1::consumer_credentials consumer;
    consumer.secret = consumer_secret;
    consumer.methods = {oauth1::signature_method::hmac_sha1};
    oauth1::token_credentials token_record;
    token_record = {std::string(consumer_key), std::string(token_secret)};
    std::vector<std::string> pool(std::size_t{1} << 16);
    std::vector<std::uint64_t> times(pool.size());
    std::uint64_t first = 0;
    std::uint64_t now = timestamp;
    const oauth1::verify_options opts;
    oauth1::memory_nonce_store store(opts.timestamp_window);
    const steady_verifier v(consumer_lookup{&consumer}, token_lookup{&token_record}, store,
                            moving_clock{&now});
    std::error_code ec;
    oauth1::verify_result r;
    bool refused = false;
    try {
        sign_steady_pool(pool, times, w, first); // warm-up: one whole pool, untimed
        for (std::size_t i = 0; i < pool.size(); ++i) {
            now = times[i];
            v.verify({w.method, w.url, {}, {}, pool[i]}, opts, r, ec);
            refused |= !r.ok();
        }
        first += pool.size();
        sign_steady_pool(pool, times, w, first);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", w.name.c_str(), e.what());
        state.SkipWithError("set-up failed");
        return;
    }
    std::size_t i = 0;
    alloc_snapshot before = allocations();
    for (auto _ : state) {
        if (i == pool.size()) { // wrapped: the next timestamps, outside the timed region
            state.PauseTiming();
            const alloc_snapshot signing = allocations();
            first += pool.size();
            sign_steady_pool(pool, times, w, first);
            const alloc_snapshot signed_ = allocations();
            // The signing's allocations are not the verifier's: left out of allocs/op.
            before.cxx += signed_.cxx - signing.cxx;
            before.ossl += signed_.ossl - signing.ossl;
            i = 0;
            state.ResumeTiming();
        }
        now = times[i];
        v.verify({w.method, w.url, {}, {}, pool[i++]}, opts, r, ec);
        refused |= !r.ok();
        benchmark::DoNotOptimize(r.consumer_key.data());
    }
    finish(state, before);
    // About 300 * steady_rate entries are live (not a counter: the CSV reporter wants the same
    // counters in every row).
    if (store.size() < 250 * steady_rate || store.size() > 350 * steady_rate)
        state.SkipWithError("the store is not in its steady state");
    if (refused) state.SkipWithError("a request was refused (bad signature or replayed nonce)");
}

// ---------------------------------------------------------------------------------------------
// Scaling with the request's size (issue 11): verify_scale/<n>/HMAC-SHA1/oauth1 verifies one
// correctly signed form POST whose body carries the protocol parameters and n more parameters
// named oauth_zz0000000.. (all sharing their first 8 bytes: the input that made the old duplicate
// check quadratic), with the limits raised to admit it. The nonce store accepts every nonce
// (one request is verified again and again; replay protection is not what is measured here),
// so each iteration runs every step of verify(). report.py prints the time per decade of n.

struct accept_all_nonces {
    bool insert(std::string_view, std::string_view, std::uint64_t, std::string_view, std::uint64_t,
                std::error_code& ec) const noexcept
    {
        ec.clear();
        return true;
    }
};

using scale_verifier =
    oauth1::request_verifier<consumer_lookup, token_lookup, accept_all_nonces, fixed_clock>;

struct scale_setup {
    oauth1::consumer_credentials consumer;
    oauth1::token_credentials token_record;
    std::string body;
};

void bench_verify_scale(benchmark::State& state, std::size_t n)
{
    static std::map<std::size_t, std::shared_ptr<const scale_setup>> cache;
    std::shared_ptr<const scale_setup>& s = cache[n];
    const std::string url = "https://jira.example.com/rest/api/2/issue";
    if (!s) {
        auto built = std::make_shared<scale_setup>();
        built->consumer.secret = consumer_secret;
        built->consumer.methods = {oauth1::signature_method::hmac_sha1};
        built->token_record = {std::string(consumer_key), std::string(token_secret)};
        std::string form;
        char name[] = "oauth_zz0000000";
        for (std::size_t i = 0; i < n; ++i) {
            std::size_t v = i;
            for (std::size_t k = sizeof name - 2; k >= 8; --k, v /= 10)
                name[k] = static_cast<char>('0' + v % 10);
            if (!form.empty()) form += '&';
            form += name;
            form += "=1";
        }
        oauth1::basic_client<oauth1::hmac_sha1> client{std::string(consumer_key),
                                                       oauth1::hmac_sha1(consumer_secret)};
        client.set_token(token, token_secret);
        oauth1::sign_options o;
        o.nonce = "nonce-0000000001";
        o.timestamp = timestamp;
        const oauth1::signed_request sr =
            client.sign({"POST", url, "application/x-www-form-urlencoded", form}, o);
        built->body = sr.form_with_protocol_parameters(form);
        s = built;
    }
    oauth1::verify_options opts;
    opts.limits.max_parameters = n + 100;
    opts.limits.max_body_bytes = s->body.size();
    accept_all_nonces nonces;
    const scale_verifier v(consumer_lookup{&s->consumer}, token_lookup{&s->token_record}, nonces);
    oauth1::verify_result r;
    std::error_code ec;
    bool refused = false;
    const alloc_snapshot before = allocations();
    for (auto _ : state) {
        v.verify({"POST", url, "application/x-www-form-urlencoded", s->body, {}}, opts, r, ec);
        refused |= !r.ok();
        benchmark::DoNotOptimize(r.consumer_key.data());
    }
    finish(state, before);
    state.counters["parameters"] = static_cast<double>(n);
    if (refused) state.SkipWithError(("refused: " + r.problem->summary()).c_str());
}

const bool registered = [] {
    for (const std::size_t n : {std::size_t{1000}, std::size_t{10000}, std::size_t{100000}}) {
        benchmark::RegisterBenchmark(
            ("verify_scale/" + std::to_string(n) + "/HMAC-SHA1/oauth1").c_str(),
            [n](benchmark::State& st) { bench_verify_scale(st, n); })
            ->Unit(benchmark::kMicrosecond);
    }
    register_row("W2", "HMAC-SHA1", [](const workload& w) { return hmac_setup(w); });
    benchmark::RegisterBenchmark("verify/W2-steady/HMAC-SHA1/oauth1", [](benchmark::State& st) {
        workload w = w2();
        w.name = "W2-steady";
        bench_verify_steady(st, w);
    });
    register_row("W1-1024", "RSA-SHA1",
                 [](const workload& w) { return rsa_setup(w, "keys/bench_rsa1024.pem"); });
    register_row("W1-2048", "RSA-SHA1",
                 [](const workload& w) { return rsa_setup(w, "keys/bench_rsa2048.pem"); });
    return true;
}();

} // namespace
} // namespace oauth1_bench
