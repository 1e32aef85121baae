// benchmarks/bench_main.cpp - main(), the workloads, and allocation counting for oauth1_bench.
//
// Allocation counting: this executable replaces the global operator new (every form) with a
// version that counts calls per thread, and installs counting allocators in OpenSSL with
// CRYPTO_set_mem_functions. OpenSSL accepts that only before its first allocation, so main()
// does it before anything else and registers the benchmarks (which load keys) afterwards.
// The counters cost one thread-local increment per allocation, in every row alike.
#include "bench_common.hpp"

#include <oauth1/version.hpp>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <new>
#include <sstream>
#include <stdexcept>

namespace {

thread_local std::uint64_t cxx_allocs = 0;
thread_local std::uint64_t ossl_allocs = 0;
bool ossl_installed = false;

void* ossl_malloc(std::size_t n, const char* /*file*/, int /*line*/)
{
    ++ossl_allocs;
    return std::malloc(n);
}

void* ossl_realloc(void* p, std::size_t n, const char* /*file*/, int /*line*/)
{
    ++ossl_allocs;
    return std::realloc(p, n);
}

void ossl_free(void* p, const char* /*file*/, int /*line*/)
{
    std::free(p);
}

#if !defined(OAUTH1_BENCH_NO_NEW_COUNT)
void* counted_new(std::size_t n)
{
    ++cxx_allocs;
    if (n == 0) n = 1;
    for (;;) {
        if (void* p = std::malloc(n)) return p;
        const std::new_handler h = std::get_new_handler();
        if (h == nullptr) throw std::bad_alloc();
        h();
    }
}

void* counted_new(std::size_t n, std::align_val_t al)
{
    ++cxx_allocs;
    const auto a = static_cast<std::size_t>(al);
    if (n == 0) n = 1;
    n = (n + a - 1) / a * a; // aligned_alloc wants a multiple of the alignment
    for (;;) {
        if (void* p = std::aligned_alloc(a, n)) return p;
        const std::new_handler h = std::get_new_handler();
        if (h == nullptr) throw std::bad_alloc();
        h();
    }
}
#endif

} // namespace

#if !defined(OAUTH1_BENCH_NO_NEW_COUNT)
void* operator new(std::size_t n)
{
    return counted_new(n);
}
void* operator new[](std::size_t n)
{
    return counted_new(n);
}
void* operator new(std::size_t n, std::align_val_t a)
{
    return counted_new(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a)
{
    return counted_new(n, a);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept
{
    try {
        return counted_new(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept
{
    try {
        return counted_new(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept
{
    try {
        return counted_new(n, a);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept
{
    try {
        return counted_new(n, a);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept
{
    std::free(p);
}
#endif

namespace oauth1_bench {

alloc_snapshot allocations() noexcept
{
    return {cxx_allocs, ossl_allocs};
}
bool ossl_counting() noexcept
{
    return ossl_installed;
}
bool cxx_counting() noexcept
{
#if defined(OAUTH1_BENCH_NO_NEW_COUNT)
    return false;
#else
    return true;
#endif
}

void finish(benchmark::State& state, const alloc_snapshot& before)
{
    const alloc_snapshot after = allocations();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    if (cxx_counting())
        state.counters["allocs/op"] = benchmark::Counter(
            static_cast<double>(after.cxx - before.cxx), benchmark::Counter::kAvgIterations);
    if (ossl_counting())
        state.counters["ossl_allocs/op"] = benchmark::Counter(
            static_cast<double>(after.ossl - before.ossl), benchmark::Counter::kAvgIterations);
}

std::string data_path(std::string_view relative)
{
    std::string p = OAUTH1_BENCH_DATA_DIR;
    p.push_back('/');
    p.append(relative);
    return p;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

workload w2()
{
    return {"W2", "GET", "https://example-dev1.atlassian.net/rest/api/latest/issue/JJ-2",
            "",   "",    false};
}

workload w3()
{
    return {"W3",
            "POST",
            "https://api.example.com/1/statuses/update.json?include_entities=true",
            "application/x-www-form-urlencoded",
            "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21",
            false};
}

workload w3_50q()
{
    workload w = w3();
    w.name = "W3-50q";
    // 50 parameters "q00".."q49" in a shuffled order (17 is coprime with 50), each with a
    // 20-character alphanumeric value from a fixed linear congruential sequence.
    constexpr std::string_view alnum =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::uint32_t x = 12345;
    for (unsigned i = 0; i < 50; ++i) {
        const unsigned k = i * 17U % 50U;
        w.url += "&q";
        w.url.push_back(static_cast<char>('0' + k / 10));
        w.url.push_back(static_cast<char>('0' + k % 10));
        w.url.push_back('=');
        for (int j = 0; j < 20; ++j) {
            x = x * 1103515245U + 12345U;
            w.url.push_back(alnum[(x >> 16) % alnum.size()]);
        }
    }
    return w;
}

workload large_body()
{
    workload w{"LargeBody-64KiB",  "POST", "https://example-dev1.atlassian.net/rest/api/2/issue",
               "application/json", "",     true};
    // A JSON-looking body of exactly 64 KiB.
    std::string& b = w.body;
    b = "{\"fields\":{\"description\":\"";
    while (b.size() < 65536 - 3) b += "Lorem ipsum dolor sit amet, consectetur adipiscing. ";
    b.resize(65536 - 3);
    b += "\"}}";
    return w;
}

oauth1::sign_options fixed_options(const workload& w)
{
    oauth1::sign_options o;
    o.nonce = nonce;
    o.timestamp = timestamp;
    o.body_hash = w.body_hash;
    return o;
}

} // namespace oauth1_bench

int main(int argc, char** argv)
{
    // First OpenSSL call of the process: nothing may have allocated through OpenSSL before.
    ossl_installed = CRYPTO_set_mem_functions(&ossl_malloc, &ossl_realloc, &ossl_free) == 1;
    if (!ossl_installed)
        std::fputs("oauth1_bench: OpenSSL had already allocated; ossl_allocs/op not reported\n",
                   stderr);

    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    benchmark::AddCustomContext("oauth1_version", std::to_string(OAUTH1_VERSION_MAJOR) + "." +
                                                      std::to_string(OAUTH1_VERSION_MINOR) + "." +
                                                      std::to_string(OAUTH1_VERSION_PATCH));
    benchmark::AddCustomContext("openssl_version", OpenSSL_version(OPENSSL_VERSION));
#if defined(OAUTH1_HAVE_LIBOAUTH)
    benchmark::AddCustomContext("liboauth", "yes");
#else
    benchmark::AddCustomContext("liboauth", "no");
#endif
    benchmark::AddCustomContext("alloc_counting",
                                std::string(oauth1_bench::cxx_counting() ? "operator new" : "") +
                                    (oauth1_bench::ossl_counting() ? " +OpenSSL" : ""));
    try {
        oauth1_bench::register_sign_benchmarks();
        oauth1_bench::register_component_benchmarks();
        oauth1_bench::register_liboauth_benchmarks();
        oauth1_bench::register_peer_benchmarks();
        oauth1_bench::register_verify_thread_benchmarks();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "oauth1_bench: set-up failed: %s\n", e.what());
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
