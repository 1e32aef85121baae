// oauth1-sign --bench: signs the request given on the command line over and over, as a program
// signs in production (a fresh CSPRNG nonce and the clock on every call, into one reused
// signed_request per thread), and measures in the same run the OpenSSL limit for the same base
// string and method - HMAC-SHA* from a context keyed once (EVP_MAC_CTX_dup per signature), RSA-SHA*
// with EVP_DigestSign and the same key. Prints signatures/s, ns per signature, allocations per
// signature (operator new, counted by main.cpp) and the ratio; a progress line on a terminal.
#ifndef OAUTH1_SIGN_BENCH_HPP
#define OAUTH1_SIGN_BENCH_HPP

#include <oauth1/oauth1.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace oauth1_sign {

/// Allocations (global operator new) made by the calling thread so far (main.cpp counts them).
std::uint64_t thread_allocations() noexcept;

/// What one timed run measured.
struct bench_run {
    double seconds = 0;
    std::uint64_t operations = 0;
    std::uint64_t allocations = 0;
    double per_second() const { return seconds > 0 ? static_cast<double>(operations) / seconds : 0; }
};

/// Runs `threads` copies of the loop `make_worker()` returns (a callable doing one operation and
/// returning false on failure) for `seconds`; `label` names it on the progress line.
inline bench_run timed(const char* label, double seconds, unsigned threads,
                       const std::function<std::function<bool()>()>& make_worker)
{
    std::atomic<bool> stop{false};
    std::atomic<bool> failed{false};
    std::atomic<std::uint64_t> total{0};
    std::atomic<std::uint64_t> allocs{0};
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            std::function<bool()> work = make_worker();
            if (!work()) failed = true; // first call: buffers grow to this request's size
            const std::uint64_t a0 = thread_allocations();
            std::uint64_t n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                for (int i = 0; i < 64; ++i)
                    if (!work()) failed = true;
                n += 64;
            }
            allocs += thread_allocations() - a0;
            total += n;
        });
    }
    const bool tty = isatty(STDERR_FILENO) == 1;
    const auto deadline = start + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (tty) {
            const double done =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::fprintf(stderr, "\roauth1-sign: measuring %s %.1f/%.1f s ", label,
                         done < seconds ? done : seconds, seconds);
            std::fflush(stderr);
        }
    }
    stop = true;
    for (auto& th : pool)
        th.join();
    if (tty) std::fprintf(stderr, "\r%60s\r", "");
    if (failed) throw std::runtime_error(std::string(label) + ": an operation failed");
    bench_run r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.operations = total;
    r.allocations = allocs;
    return r;
}

/// The OpenSSL limit of one signature over `base` with `method`, or nullptr for PLAINTEXT
/// (no cryptography). HMAC: `hmac_key` is enc(consumer secret) "&" enc(token secret).
inline std::function<std::function<bool()>()>
openssl_limit(oauth1::signature_method method, const std::string& base,
              const std::string& hmac_key, const oauth1::private_key& key)
{
    const char* digest = "SHA1";
    if (method == oauth1::signature_method::hmac_sha256 ||
        method == oauth1::signature_method::rsa_sha256)
        digest = "SHA256";
    if (method == oauth1::signature_method::hmac_sha512 ||
        method == oauth1::signature_method::rsa_sha512)
        digest = "SHA512";
    if (method == oauth1::signature_method::plaintext) return nullptr;
    if (oauth1::is_rsa(method)) {
        return [&base, &key, digest] {
            return std::function<bool()>([&base, &key, digest] {
                EVP_MD_CTX* ctx = EVP_MD_CTX_new();
                unsigned char sig[1024];
                std::size_t n = sizeof sig;
                const bool ok =
                    ctx != nullptr &&
                    EVP_DigestSignInit_ex(ctx, nullptr, digest, nullptr, nullptr,
                                          key.native_handle(), nullptr) == 1 &&
                    EVP_DigestSign(ctx, sig, &n, reinterpret_cast<const unsigned char*>(base.data()),
                                   base.size()) == 1;
                EVP_MD_CTX_free(ctx);
                unsigned char b64[1400];
                if (ok) EVP_EncodeBlock(b64, sig, static_cast<int>(n));
                return ok;
            });
        };
    }
    return [&base, &hmac_key, digest] {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        std::shared_ptr<EVP_MAC_CTX> keyed(mac ? EVP_MAC_CTX_new(mac) : nullptr, EVP_MAC_CTX_free);
        EVP_MAC_free(mac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
            OSSL_PARAM_construct_end()};
        const bool keyed_ok =
            keyed && EVP_MAC_init(keyed.get(), reinterpret_cast<const unsigned char*>(hmac_key.data()),
                                  hmac_key.size(), params) == 1;
        return std::function<bool()>([&base, keyed, keyed_ok] {
            if (!keyed_ok) return false;
            EVP_MAC_CTX* c = EVP_MAC_CTX_dup(keyed.get());
            unsigned char md[EVP_MAX_MD_SIZE];
            std::size_t n = 0;
            const bool ok = c != nullptr &&
                            EVP_MAC_update(c, reinterpret_cast<const unsigned char*>(base.data()),
                                           base.size()) == 1 &&
                            EVP_MAC_final(c, md, &n, sizeof md) == 1;
            EVP_MAC_CTX_free(c);
            unsigned char b64[100];
            if (ok) EVP_EncodeBlock(b64, md, static_cast<int>(n));
            return ok;
        });
    };
}

/// "1,234,567"
inline std::string grouped(double v)
{
    std::string digits = std::to_string(static_cast<std::uint64_t>(v + 0.5));
    for (std::size_t i = digits.size(); i > 3; i -= 3)
        digits.insert(i - 3, ",");
    return digits;
}

/// Prints one result line: name, signatures/s, ns per signature per thread, allocations.
inline void print_run(const char* name, const bench_run& r, unsigned threads, bool allocs)
{
    const double rate = r.per_second();
    const double ns = rate > 0 ? 1e9 * threads / rate : 0;
    std::printf("%-15s %12s signs/s %9.0f ns/sign", name, grouped(rate).c_str(), ns);
    if (allocs)
        std::printf("   %.2f allocs/sign",
                    r.operations ? static_cast<double>(r.allocations) /
                                       static_cast<double>(r.operations)
                                 : 0.0);
    std::printf("\n");
}

} // namespace oauth1_sign

#endif // OAUTH1_SIGN_BENCH_HPP
