// Nonces from the per-thread CSPRNG pool (include/oauth1/detail/random_pool.hpp, used by
// oauth1::random_nonce): format, uniqueness across calls and threads, a forked child never
// handing out its parent's buffered bytes, and a thread's own library context bypassing the pool.
#include <oauth1/detail/random_pool.hpp>

#include <oauth1/client.hpp>

#include <doctest/doctest.h>

#include <openssl/provider.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

std::string nonce()
{
    std::string out;
    std::error_code ec;
    oauth1::random_nonce{}(out, ec);
    REQUIRE(!ec);
    return out;
}

bool lower_hex(const std::string& s)
{
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

TEST_CASE("random_nonce: 128 bits as 32 lower-case hex digits, never repeated")
{
    std::set<std::string> seen;
    // More than one pool's worth (256 nonces per 4 KiB refill).
    for (int i = 0; i < 3000; ++i) {
        const std::string n = nonce();
        CHECK(n.size() == 32);
        CHECK(lower_hex(n));
        CHECK(seen.insert(n).second);
    }
}

TEST_CASE("the pool serves nonces from one RAND_bytes call per 4 KiB")
{
    auto& pool = oauth1::detail::thread_random_pool();
    (void)nonce();
    REQUIRE(oauth1::detail::fork_handler_registered());
    const std::size_t before = pool.available();
    (void)nonce();
    if (before >= 16) {
        CHECK(pool.available() == before - 16);
    } else {
        CHECK(pool.available() == oauth1::detail::random_pool::capacity - 16); // refilled
    }
}

TEST_CASE("threads draw distinct nonces")
{
    constexpr int threads = 4;
    constexpr int per_thread = 1000;
    std::vector<std::vector<std::string>> got(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&got, t] {
            for (int i = 0; i < per_thread; ++i) {
                std::string out;
                std::error_code ec;
                oauth1::random_nonce{}(out, ec);
                got[static_cast<std::size_t>(t)].push_back(ec ? std::string() : out);
            }
        });
    }
    for (auto& th : pool)
        th.join();
    std::set<std::string> all;
    for (const auto& v : got)
        for (const auto& n : v) {
            CHECK(n.size() == 32);
            all.insert(n);
        }
    CHECK(all.size() == static_cast<std::size_t>(threads * per_thread));
}

TEST_CASE("a forked child never reuses its parent's buffered bytes")
{
    // The parent's pool holds bytes for its next nonces; a child that reused them would print
    // exactly the nonces the parent draws next.
    (void)nonce();
    REQUIRE(oauth1::detail::thread_random_pool().available() >= 4 * 16);
    for (int round = 0; round < 3; ++round) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            close(fds[0]);
            std::string all;
            for (int i = 0; i < 4; ++i) {
                std::string out;
                std::error_code ec;
                oauth1::random_nonce{}(out, ec);
                all += ec ? std::string(32, '-') : out;
            }
            const bool written = write(fds[1], all.data(), all.size()) ==
                                 static_cast<ssize_t>(all.size());
            _exit(written ? 0 : 1);
        }
        close(fds[1]);
        std::string from_child(4 * 32, '\0');
        std::size_t have = 0;
        while (have < from_child.size()) {
            const ssize_t r = read(fds[0], &from_child[have], from_child.size() - have);
            if (r <= 0) break;
            have += static_cast<std::size_t>(r);
        }
        close(fds[0]);
        int status = 0;
        REQUIRE(waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        REQUIRE(have == from_child.size());
        std::set<std::string> parent_next;
        for (int i = 0; i < 4; ++i)
            parent_next.insert(nonce());
        for (int i = 0; i < 4; ++i) {
            const std::string n = from_child.substr(static_cast<std::size_t>(i) * 32, 32);
            CAPTURE(n);
            CHECK(lower_hex(n));
            CHECK(parent_next.count(n) == 0);
        }
    }
}

TEST_CASE("a thread's own library context draws from its own DRBG, not from the pool")
{
    (void)nonce();
    auto& pool = oauth1::detail::thread_random_pool();
    const std::size_t before = pool.available();
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    REQUIRE(ctx != nullptr);
    OSSL_PROVIDER* prov = OSSL_PROVIDER_load(ctx, "default");
    REQUIRE(prov != nullptr);
    OSSL_LIB_CTX* previous = OSSL_LIB_CTX_set0_default(ctx);
    const std::string n = nonce();
    const std::size_t inside = pool.available();
    OSSL_LIB_CTX_set0_default(previous);
    OSSL_PROVIDER_unload(prov);
    OSSL_LIB_CTX_free(ctx);
    CHECK(n.size() == 32);
    CHECK(inside == before);
}
