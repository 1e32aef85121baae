// oauth1/detail/random_pool.hpp - random bytes for nonces (RFC 5849 §3.3) from OpenSSL's CSPRNG,
// drawn 4 KiB at a time per thread.
//
// RAND_bytes costs about 1.9 us per call on the project's machines whatever the size up to a few
// KiB (most of it fork detection - a getpid system call - and the DRBG's locking), so one call per
// 16-byte nonce made random nonces 3-5 times the cost of the rest of a signature. A per-thread
// pool filled by one RAND_bytes call of 4 KiB serves 256 nonces for the price of one call.
//
// Fork safety: a child created by fork() starts with a copy of the parent's pool, and handing out
// the same bytes in both processes would repeat nonces. A pthread_atfork child handler bumps a
// process-wide generation; each pool remembers the generation it was filled in and discards its
// bytes when they differ, so the child's first nonce comes from a fresh RAND_bytes call (OpenSSL
// reseeds its DRBG in the child). Where the handler cannot be registered (or on platforms
// without pthread_atfork) nothing is buffered: every nonce is one RAND_bytes call, as before.
//
// Library contexts: a thread that made its own OSSL_LIB_CTX its default (OSSL_LIB_CTX_set0_default)
// draws directly from that context's DRBG, never from bytes buffered in another context.
#ifndef OAUTH1_DETAIL_RANDOM_POOL_HPP
#define OAUTH1_DETAIL_RANDOM_POOL_HPP

#include <oauth1/detail/openssl.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <atomic>
#include <cstddef>
#include <cstring>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define OAUTH1_DETAIL_HAS_ATFORK 1
#else
#define OAUTH1_DETAIL_HAS_ATFORK 0
#endif

namespace oauth1::detail {

/// Incremented in every child process right after fork() (see fork_handler_registered).
inline std::atomic<unsigned>& fork_generation() noexcept
{
    static std::atomic<unsigned> generation{0};
    return generation;
}

extern "C" inline void oauth1_detail_on_fork_child() noexcept
{
    fork_generation().fetch_add(1, std::memory_order_relaxed);
}

/// Registers the fork handler once per process; false when that is impossible (then nothing
/// may be buffered).
inline bool fork_handler_registered() noexcept
{
#if OAUTH1_DETAIL_HAS_ATFORK
    static const bool registered =
        pthread_atfork(nullptr, nullptr, &oauth1_detail_on_fork_child) == 0;
    return registered;
#else
    return false;
#endif
}

/// One thread's buffer of CSPRNG output.
class random_pool {
public:
    static constexpr std::size_t capacity = 4096;

    random_pool() noexcept = default;
    random_pool(const random_pool&) = delete;
    random_pool& operator=(const random_pool&) = delete;
    ~random_pool() { OPENSSL_cleanse(buf_, sizeof buf_); }

    /// Writes `n` fresh random bytes to `out` (n <= capacity). False when the CSPRNG fails.
    bool take(unsigned char* out, std::size_t n) noexcept
    {
        if (n > capacity || !fork_handler_registered() || !using_global_libctx())
            return RAND_bytes(out, static_cast<int>(n)) == 1;
        const unsigned generation = fork_generation().load(std::memory_order_relaxed);
        if (generation != generation_) { // a forked child: the parent's bytes are not ours
            used_ = capacity;
            generation_ = generation;
        }
        if (capacity - used_ < n) {
            if (RAND_bytes(buf_, static_cast<int>(capacity)) != 1) {
                used_ = capacity;
                return false;
            }
            used_ = 0;
        }
        std::memcpy(out, buf_ + used_, n);
        // Bytes handed out are not kept: a later memory disclosure shows no nonce already used.
        std::memset(buf_ + used_, 0, n);
        used_ += n;
        return true;
    }

    /// Bytes still buffered (for tests).
    std::size_t available() const noexcept { return capacity - used_; }

private:
    unsigned char buf_[capacity] = {};
    std::size_t used_ = capacity;
    unsigned generation_ = 0;
};

/// The calling thread's pool.
inline random_pool& thread_random_pool() noexcept
{
    thread_local random_pool pool;
    return pool;
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_RANDOM_POOL_HPP
