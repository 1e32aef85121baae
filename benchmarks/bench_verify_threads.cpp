// benchmarks/bench_verify_threads.cpp - a verifier that scales out (issue 16 §3): W2 verified by
// 1, 2, 4 and 8 threads sharing ONE request_verifier and ONE nonce store, as a server's worker
// threads do, with the in-memory store and with redis_nonce_store (a Redis server that the
// benchmark starts on 127.0.0.1 with /usr/bin/redis-server and stops at exit).
//
// Rows: verify_mt/W2/HMAC-SHA1/<memory|redis>/real_time/threads:<n>; items/s is the total over
// the threads (wall-clock time). Each thread signs its own pool of requests with distinct nonces
// before the timed loop (nonce "t<thread>-g<generation>-<i>"); when its pool wraps, it signs a
// new generation with the timing paused, so no verification is a replay. Every result is checked.
// The Redis rows exist only where hiredis (the oauth1::redis component) and redis-server are
// found; redis_nonce_store keeps up to 8 connections, one per thread in flight.
#include "bench_common.hpp"

#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#if defined(OAUTH1_BENCH_REDIS)
#include <oauth1/redis_nonce_store.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace oauth1_bench {
namespace {

struct fixed_clock {
    std::uint64_t operator()() const noexcept { return timestamp; }
};

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

const oauth1::consumer_credentials& consumer()
{
    static const oauth1::consumer_credentials c{
        std::string(consumer_secret), {}, oauth1::method_set::defaults()};
    return c;
}

const oauth1::token_credentials& token_record()
{
    static const oauth1::token_credentials t{std::string(consumer_key), std::string(token_secret)};
    return t;
}

/// `n` W2 requests signed with distinct nonces for thread `thread`, generation `gen`.
std::vector<std::string> sign_pool(int thread, std::uint64_t gen, std::size_t n)
{
    oauth1::basic_client<oauth1::hmac_sha1> client{std::string(consumer_key),
                                                   oauth1::hmac_sha1(consumer_secret)};
    client.set_token(token, token_secret);
    const workload w = w2();
    oauth1::sign_options opts = fixed_options(w);
    oauth1::signed_request out;
    std::error_code ec;
    std::vector<std::string> pool;
    pool.reserve(n);
    const std::string prefix = "t" + std::to_string(thread) + "-g" + std::to_string(gen) + "-";
    std::string nonce_text;
    for (std::size_t i = 0; i < n; ++i) {
        nonce_text = prefix + std::to_string(i);
        opts.nonce = nonce_text;
        client.sign(w.request(), opts, out, ec);
        if (ec) throw std::runtime_error("signing the pool: " + ec.message());
        pool.emplace_back(out.authorization());
    }
    return pool;
}

/// The loop of one thread: verifies its pool against the shared verifier `v`.
template <class Verifier>
void verify_loop(benchmark::State& state, const Verifier& v, std::uint64_t& generation)
{
    const workload w = w2();
    constexpr std::size_t pool_size = 1U << 14;
    const int thread = state.thread_index();
    std::vector<std::string> pool = sign_pool(thread, generation++, pool_size);
    const oauth1::verify_options opts;
    oauth1::verify_result r;
    std::error_code ec;
    std::size_t i = 0;
    bool refused = false;
    for (auto _ : state) {
        if (i == pool.size()) {
            state.PauseTiming();
            pool = sign_pool(thread, generation++, pool_size);
            i = 0;
            state.ResumeTiming();
        }
        v.verify({w.method, w.url, {}, {}, pool[i++]}, opts, r, ec);
        refused |= !r.ok() || static_cast<bool>(ec);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    if (refused) state.SkipWithError("a request was refused (replay, or the store failed)");
}

/// The state one run of a row shares between its threads, made by the first thread to arrive
/// (runs of a row never overlap and each has state.threads() arrivals).
template <class State>
class per_run {
public:
    template <class Make>
    std::shared_ptr<State> join(const benchmark::State& st, Make make)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (arrived_ == 0) current_ = make();
        std::shared_ptr<State> mine = current_;
        if (++arrived_ == st.threads()) {
            arrived_ = 0;
            current_.reset();
        }
        return mine;
    }

private:
    std::mutex mutex_;
    int arrived_ = 0;
    std::shared_ptr<State> current_;
};

void register_memory()
{
    // A new store and verifier per run (the fixed clock never expires entries).
    struct run_state {
        static oauth1::memory_nonce_store_options bounds()
        {
            // One consumer signs everything here: no per-consumer quota, room for a run.
            oauth1::memory_nonce_store_options o;
            o.max_entries = 8'000'000;
            o.max_bytes = std::size_t{2} * 1024 * 1024 * 1024;
            o.max_per_consumer = o.max_entries;
            o.max_bytes_per_consumer = o.max_bytes;
            return o;
        }
        oauth1::memory_nonce_store store{bounds()};
        oauth1::request_verifier<consumer_lookup, token_lookup, oauth1::memory_nonce_store,
                                 fixed_clock>
            verifier{consumer_lookup{&consumer()}, token_lookup{&token_record()}, store};
    };
    auto runs = std::make_shared<per_run<run_state>>();
    benchmark::RegisterBenchmark("verify_mt/W2/HMAC-SHA1/memory",
                                 [runs](benchmark::State& st) {
                                     const auto s = runs->join(
                                         st, [] { return std::make_shared<run_state>(); });
                                     std::uint64_t generation = 0;
                                     verify_loop(st, s->verifier, generation);
                                 })
        ->Threads(1)
        ->Threads(2)
        ->Threads(4)
        ->Threads(8)
        ->UseRealTime();
}

#if defined(OAUTH1_BENCH_REDIS)
/// redis-server on a free loopback port for the process's lifetime (stopped at exit).
class redis_process {
public:
    redis_process()
    {
        if (access("/usr/bin/redis-server", X_OK) != 0) return;
        port_ = free_port();
        if (port_ == 0) return;
        pid_ = fork();
        if (pid_ == 0) {
            const int null = open("/dev/null", O_WRONLY);
            if (null >= 0) {
                dup2(null, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
            }
            const std::string port = std::to_string(port_);
            execl("/usr/bin/redis-server", "redis-server", "--port", port.c_str(), "--bind",
                  "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning",
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 100 && !ready(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    redis_process(const redis_process&) = delete;
    redis_process& operator=(const redis_process&) = delete;
    ~redis_process()
    {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            waitpid(pid_, nullptr, 0);
        }
    }
    bool running() const { return pid_ > 0 && ready(); }
    std::uint16_t port() const { return port_; }

private:
    static std::uint16_t free_port()
    {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        std::uint16_t p = 0;
        if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
            p = ntohs(a.sin_port);
        if (fd >= 0) close(fd);
        return p;
    }
    bool ready() const
    {
        oauth1::redis_nonce_store_options o;
        o.port = port_;
        o.connect_timeout = std::chrono::milliseconds(200);
        oauth1::redis_nonce_store probe(o);
        std::error_code ec;
        probe.ping(ec);
        return !ec;
    }

    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

void register_redis()
{
    static redis_process server; // lives until exit; started at registration
    if (!server.running()) {
        std::fprintf(stderr, "bench: redis-server could not be started: no Redis rows\n");
        return;
    }
    struct shared {
        explicit shared(std::uint16_t port) : store(options(port)) {}
        static oauth1::redis_nonce_store_options options(std::uint16_t port)
        {
            oauth1::redis_nonce_store_options o;
            o.port = port;
            return o;
        }
        oauth1::redis_nonce_store store;
        oauth1::request_verifier<consumer_lookup, token_lookup, oauth1::redis_nonce_store,
                                 fixed_clock>
            verifier{consumer_lookup{&consumer()}, token_lookup{&token_record()}, store};
        std::vector<std::uint64_t> generations = std::vector<std::uint64_t>(64, 1000000);
        std::mutex gen_mutex;
    };
    auto s = std::make_shared<shared>(server.port());
    benchmark::RegisterBenchmark(
        "verify_mt/W2/HMAC-SHA1/redis",
        [s](benchmark::State& st) {
            std::uint64_t* gen = nullptr;
            {
                const std::lock_guard<std::mutex> lock(s->gen_mutex);
                gen = &s->generations[static_cast<std::size_t>(st.thread_index())];
            }
            verify_loop(st, s->verifier, *gen);
        })
        ->Threads(1)
        ->Threads(2)
        ->Threads(4)
        ->Threads(8)
        ->UseRealTime();
}
#endif

} // namespace

void register_verify_thread_benchmarks()
{
    register_memory();
#if defined(OAUTH1_BENCH_REDIS)
    register_redis();
#endif
}

} // namespace oauth1_bench
