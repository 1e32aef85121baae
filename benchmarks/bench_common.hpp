// benchmarks/bench_common.hpp - workloads, credentials and allocation counting shared by the
// benchmark translation units (one executable, oauth1_bench; main() is in bench_main.cpp).
//
// Benchmark names follow one scheme that benchmarks/report.py parses:
//   sign/<workload>/<signature method>/<implementation>   implementation: oauth1 (basic_client<S>),
//       oauth1_any (oauth1::client, any_signer), openssl (the raw primitive on the same base
//       string: the limit), liboauth (Debian's liboauth signing the same request)
//   sign_mt/<workload>/<signature method>/oauth1/real_time/threads:<n>
//                                                          the oauth1 row in n threads at once,
//                                                          each thread with its own client
//                                                          (scaling)
//   verify/<workload>/<signature method>/oauth1            provider-side verification
//   component/<part>/<input>                               one stage of the signing pipeline
#ifndef OAUTH1_BENCH_COMMON_HPP
#define OAUTH1_BENCH_COMMON_HPP

#include <oauth1/client.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#ifndef OAUTH1_BENCH_DATA_DIR
#error "OAUTH1_BENCH_DATA_DIR must name the tests/data directory"
#endif

namespace oauth1_bench {

// Credentials of every workload. The consumer key is the JIRA tutorial's; the token has the
// length of a JIRA access token.
inline constexpr std::string_view consumer_key = "OauthKey";
inline constexpr std::string_view consumer_secret = "kd94hf93k423kf44";
inline constexpr std::string_view token = "tZdRDuLnz8F1uTC0UEGuvUCxJNdOhqsd";
inline constexpr std::string_view token_secret = "pfkkdhi9sl3r4s00";
// Fixed protocol values, so that every run signs the same bytes.
inline constexpr std::string_view nonce = "kllo9940pd9333jh";
inline constexpr std::uint64_t timestamp = 1191242096;

/// One request shape (issue 6's workloads W1, W2, W3, W3-50q and the large-body case).
struct workload {
    std::string name;
    std::string method;
    std::string url;
    std::string content_type;
    std::string body;
    bool body_hash = false;
    oauth1::request request() const { return {method, url, content_type, body}; }
};

/// W2: the JIRA tutorial's REST call (GET, no query).
workload w2();
/// W3: a POST with a query parameter and a form body (the Twitter example of RFC-era docs).
workload w3();
/// W3-50q: W3 plus 50 query parameters with 20-character values (names in shuffled order).
workload w3_50q();
/// A 64 KiB JSON POST signed with oauth_body_hash (the large-body case).
workload large_body();

/// sign_options with the fixed nonce and timestamp (and body_hash when the workload wants it).
oauth1::sign_options fixed_options(const workload& w);

/// Path of a file under tests/data (OAUTH1_BENCH_DATA_DIR).
std::string data_path(std::string_view relative);
/// Whole content of a file; throws std::runtime_error when it cannot be read.
std::string read_file(const std::string& path);

/// Allocation counts of the calling thread since the start: global operator new (all forms)
/// and OpenSSL's allocator (CRYPTO_malloc/CRYPTO_realloc, through CRYPTO_set_mem_functions).
/// The counters are thread_local: threads of a multi-threaded row never race on them, and each
/// thread's difference covers its own calls only.
struct alloc_snapshot {
    std::uint64_t cxx = 0;
    std::uint64_t ossl = 0;
};
alloc_snapshot allocations() noexcept;
/// False when the OpenSSL allocator could not be installed (OpenSSL had already allocated).
bool ossl_counting() noexcept;
/// False when operator new is not replaced (sanitizer builds).
bool cxx_counting() noexcept;

/// Reports signatures per second (items_per_second) and, since `before`, allocations per
/// iteration as the user counters "allocs/op" and "ossl_allocs/op".
void finish(benchmark::State& state, const alloc_snapshot& before);

// Registration, called from main() after OpenSSL's allocator is installed (keys are loaded and
// reference signatures computed here, so no OpenSSL call may happen earlier).
void register_sign_benchmarks();
void register_component_benchmarks();
void register_liboauth_benchmarks();      // no-op without OAUTH1_HAVE_LIBOAUTH
void register_peer_benchmarks();          // Poco and Qt 6 where found (bench_peers.cpp)
void register_verify_thread_benchmarks(); // verify_mt/...: 1-8 threads, memory and Redis stores

} // namespace oauth1_bench

#endif // OAUTH1_BENCH_COMMON_HPP
