// benchmarks/bench_sign.cpp - full signing of the workloads with oauth1, and the OpenSSL limit on
// the same base string, in one binary (issue 6's ratios are ours / limit from one run).
//
// Full signing = sign() into a reused signed_request: parameters collected from the URL query,
// the form body and the protocol parameters, encoded, sorted, the base string built, signed,
// base64-encoded and the Authorization header written. Two variants: "oauth1_production" with the
// default sign_options, as a program signs - a fresh nonce from the CSPRNG and the clock on every
// call (the headline rows) -, and "oauth1" with a fixed nonce and timestamp (a component: the
// signing pipeline without nonce and clock).
//
// The limits (implementation "openssl"), each fed the base string of a first signing run:
//   HMAC-SHA*: EVP_MAC_fetch("HMAC") once; per signature EVP_MAC_CTX_new, EVP_MAC_init with the key
//              ("enc(consumer secret)&enc(token secret)") and the digest name, EVP_MAC_update,
//              EVP_MAC_final, EVP_MAC_CTX_free, then EVP_EncodeBlock (base64): "key set per call".
//   RSA-SHA*:  a key loaded once (the same EVP_PKEY that oauth1 uses); per signature
//   EVP_MD_CTX_new,
//              EVP_DigestSignInit_ex(digest name), EVP_DigestSign, EVP_MD_CTX_free,
//              EVP_EncodeBlock.
//   large body: EVP_Q_digest of the body + EVP_EncodeBlock, then the HMAC limit above.
//   HMAC-SHA* key kept ("openssl_keyed", issue 16 §1): the cryptography alone with the key
//              schedule computed once - EVP_MAC_CTX_dup of a keyed context, update, final, free,
//              EVP_EncodeBlock. The production rows' targets are ratios to this limit.
// "oauth1_production_provider" (HMAC workloads, issue 16 §1b): the production path with this
// thread's default library context replaced by one of its own (the default provider loaded into
// it), so that oauth1 computes HMAC through the providers (EVP_Q_mac per signature), as it does in
// a FIPS-mode process or under a caller's library context, instead of on its kept low-level
// SHA key schedule.
// Every benchmark first checks that its signature equals the limit's; a mismatch skips the row
// with an error instead of timing a wrong answer.
//
// Thread scaling: sign_mt/W2/HMAC-SHA1/oauth1/real_time/threads:{1,2} sign W2 in 1 and 2 threads,
// each thread with its own client and signed_request (report.py's "Thread scaling" table);
// sign_mt/W2/HMAC-SHA1/cpu_control/... is pure arithmetic in 1 and 2 threads: how well the
// machine itself scales at that moment (other processes take cores from the second thread).
#include "bench_common.hpp"

#include <oauth1/keys.hpp>
#include <oauth1/signature_method.hpp>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace oauth1_bench {
namespace {

using hmac_client = oauth1::basic_client<oauth1::hmac_sha1>;

/// base64 of `n` bytes with OpenSSL's encoder, into `out` (room for 4 * ceil(n / 3) + 1).
std::size_t openssl_base64(const unsigned char* in, std::size_t n, unsigned char* out)
{
    return static_cast<std::size_t>(EVP_EncodeBlock(out, in, static_cast<int>(n)));
}

/// The HMAC limit: EVP_MAC fetched once, a context keyed per call.
class openssl_hmac {
public:
    openssl_hmac() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr))
    {
        if (mac_ == nullptr) throw std::runtime_error("EVP_MAC_fetch(HMAC) failed");
    }
    openssl_hmac(const openssl_hmac&) = delete;
    openssl_hmac& operator=(const openssl_hmac&) = delete;
    ~openssl_hmac() { EVP_MAC_free(mac_); }

    /// base64(HMAC-digest(key, data)) into `out` (at least 89 bytes); returns its length, 0 on
    /// error.
    std::size_t sign(const char* digest, std::string_view key, std::string_view data,
                     unsigned char* out) const
    {
        EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_);
        if (ctx == nullptr) return 0;
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
            OSSL_PARAM_construct_end()};
        unsigned char md[EVP_MAX_MD_SIZE];
        std::size_t n = 0;
        const bool ok = EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                     key.size(), params) == 1 &&
                        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()),
                                       data.size()) == 1 &&
                        EVP_MAC_final(ctx, md, &n, sizeof md) == 1;
        EVP_MAC_CTX_free(ctx);
        return ok ? openssl_base64(md, n, out) : 0;
    }

private:
    EVP_MAC* mac_;
};

/// The key-kept HMAC limit (issue 16 §1): the cryptography alone with the key schedule computed
/// once, as oauth1 keeps it. A context keyed once (EVP_MAC_init with the key and digest); per
/// signature EVP_MAC_CTX_dup of it, EVP_MAC_update with the base string, EVP_MAC_final,
/// EVP_MAC_CTX_free and EVP_EncodeBlock. Read-only after construction (threads may share it).
class openssl_keyed_hmac {
public:
    openssl_keyed_hmac(const char* digest, std::string_view key)
    {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        if (mac == nullptr) throw std::runtime_error("EVP_MAC_fetch(HMAC) failed");
        ctx_ = EVP_MAC_CTX_new(mac);
        EVP_MAC_free(mac);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
            OSSL_PARAM_construct_end()};
        if (ctx_ == nullptr ||
            EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                         params) != 1)
            throw std::runtime_error("keyed EVP_MAC_init failed");
    }
    openssl_keyed_hmac(const openssl_keyed_hmac&) = delete;
    openssl_keyed_hmac& operator=(const openssl_keyed_hmac&) = delete;
    ~openssl_keyed_hmac() { EVP_MAC_CTX_free(ctx_); }

    /// base64(HMAC(key, data)) into `out` (at least 89 bytes); its length, 0 on error.
    std::size_t sign(std::string_view data, unsigned char* out) const
    {
        EVP_MAC_CTX* c = EVP_MAC_CTX_dup(ctx_);
        if (c == nullptr) return 0;
        unsigned char md[EVP_MAX_MD_SIZE];
        std::size_t n = 0;
        const bool ok = EVP_MAC_update(c, reinterpret_cast<const unsigned char*>(data.data()),
                                       data.size()) == 1 &&
                        EVP_MAC_final(c, md, &n, sizeof md) == 1;
        EVP_MAC_CTX_free(c);
        return ok ? openssl_base64(md, n, out) : 0;
    }

private:
    EVP_MAC_CTX* ctx_ = nullptr;
};

/// The RSA limit: EVP_DigestSign with a loaded key, a fresh EVP_MD_CTX per call. `out` needs
/// 4 * ceil(key bytes / 3) + 1 bytes (700 for 4096-bit keys). Returns the length, 0 on error.
std::size_t openssl_rsa_sign(EVP_PKEY* key, const char* digest, std::string_view data,
                             unsigned char* out)
{
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) return 0;
    unsigned char sig[512];
    std::size_t len = sizeof sig;
    const bool ok =
        EVP_DigestSignInit_ex(ctx, nullptr, digest, nullptr, nullptr, key, nullptr) == 1 &&
        EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? openssl_base64(sig, len, out) : 0;
}

std::string as_string(const unsigned char* p, std::size_t n)
{
    return std::string(reinterpret_cast<const char*>(p), n);
}

/// Full signing with `client` into a reused signed_request.
template <class Client>
void bench_client(benchmark::State& state, const Client& client, const workload& w,
                  const std::string& expected)
{
    const oauth1::request req = w.request();
    const oauth1::sign_options opts = fixed_options(w);
    oauth1::signed_request out;
    std::error_code ec;
    client.sign(req, opts, out, ec); // first use: the buffers grow to this request's size
    if (ec) {
        std::fprintf(stderr, "%s: %s\n", w.name.c_str(), ec.message().c_str());
        state.SkipWithError("signing failed");
        return;
    }
    if (out.signature() != expected) {
        state.SkipWithError("signature differs from OpenSSL's on the same base string");
        return;
    }
    const alloc_snapshot before = allocations();
    for (auto _ : state) {
        client.sign(req, opts, out, ec);
        benchmark::DoNotOptimize(out.authorization().data());
        benchmark::ClobberMemory();
    }
    finish(state, before);
    if (ec) state.SkipWithError("signing failed");
}

/// The production path: sign() with default sign_options - a fresh 128-bit nonce from the client's
/// nonce source (OpenSSL's CSPRNG) and the client's clock on every call - into a reused
/// signed_request. The signature is checked once against `limit` on the request's own base
/// string (nonce and timestamp differ per call, so there is no fixed expected value).
template <class Client, class Limit>
void bench_client_production(benchmark::State& state, const Client& client, const workload& w,
                             const Limit& limit)
{
    const oauth1::request req = w.request();
    oauth1::sign_options opts;
    opts.body_hash = w.body_hash;
    oauth1::signed_request out;
    std::error_code ec;
    client.sign(req, opts, out, ec);
    unsigned char b64[700]; // an RSA-4096 signature in base64 fits
    if (ec || as_string(b64, limit(out.base_string(), b64)) != out.signature()) {
        state.SkipWithError("production signature differs from OpenSSL's on its base string");
        return;
    }
    const alloc_snapshot before = allocations();
    for (auto _ : state) {
        client.sign(req, opts, out, ec);
        benchmark::DoNotOptimize(out.authorization().data());
        benchmark::ClobberMemory();
    }
    finish(state, before);
    if (ec) state.SkipWithError("signing failed");
}

/// For its lifetime, this thread's default library context is one of its own with the default
/// provider loaded: oauth1's HMAC then goes through the providers (detail/digest.hpp).
class own_libctx_scope {
public:
    own_libctx_scope() : ctx_(OSSL_LIB_CTX_new())
    {
        if (ctx_ != nullptr) provider_ = OSSL_PROVIDER_load(ctx_, "default");
        if (provider_ != nullptr) previous_ = OSSL_LIB_CTX_set0_default(ctx_);
    }
    own_libctx_scope(const own_libctx_scope&) = delete;
    own_libctx_scope& operator=(const own_libctx_scope&) = delete;
    ~own_libctx_scope()
    {
        if (previous_ != nullptr) OSSL_LIB_CTX_set0_default(previous_);
        if (provider_ != nullptr) OSSL_PROVIDER_unload(provider_);
        OSSL_LIB_CTX_free(ctx_);
    }
    bool active() const noexcept { return previous_ != nullptr; }

private:
    OSSL_LIB_CTX* ctx_ = nullptr;
    OSSL_PROVIDER* provider_ = nullptr;
    OSSL_LIB_CTX* previous_ = nullptr;
};

/// The library's signer alone on a finished base string (the crypto part of a signature).
template <class Signer>
void bench_signer(benchmark::State& state, const Signer& signer, const std::string& base,
                  const std::string& expected)
{
    std::string out;
    out.reserve(1024);
    std::error_code ec;
    signer.sign(base, out, ec);
    if (ec || out != expected) {
        state.SkipWithError("signer output differs from OpenSSL's");
        return;
    }
    const alloc_snapshot before = allocations();
    for (auto _ : state) {
        out.clear();
        signer.sign(base, out, ec);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    finish(state, before);
    if (ec) state.SkipWithError("signing failed");
}

/// Signs once with `client` (fixed nonce and timestamp) and returns the base string.
template <class Client>
std::string first_base_string(const Client& client, const workload& w)
{
    return std::string(client.sign(w.request(), fixed_options(w)).base_string());
}

void register_hmac(const std::shared_ptr<const openssl_hmac>& limit, const workload& w,
                   bool with_components)
{
    auto typed = std::make_shared<hmac_client>(std::string(consumer_key),
                                               oauth1::hmac_sha1(consumer_secret));
    typed->set_token(token, token_secret);
    auto any = std::make_shared<oauth1::client>(std::string(consumer_key),
                                                oauth1::hmac_sha1(consumer_secret));
    any->set_token(token, token_secret);

    const std::string key =
        oauth1::percent_encode(consumer_secret) + "&" + oauth1::percent_encode(token_secret);
    const std::string base = first_base_string(*typed, w);
    unsigned char b64[128];
    const std::size_t n = limit->sign("SHA1", key, base, b64);
    if (n == 0) throw std::runtime_error("OpenSSL HMAC-SHA1 failed");
    const std::string expected = as_string(b64, n);

    const std::string prefix = "sign/" + w.name + "/HMAC-SHA1/";
    auto keyed = std::make_shared<const openssl_keyed_hmac>("SHA1", key);
    if (as_string(b64, keyed->sign(base, b64)) != expected)
        throw std::runtime_error("the key-kept HMAC limit differs from the one-shot one");
    benchmark::RegisterBenchmark((prefix + "oauth1_production").c_str(), [=](benchmark::State& st) {
        bench_client_production(st, *typed, w, [keyed](std::string_view b, unsigned char* out) {
            return keyed->sign(b, out);
        });
    });
    benchmark::RegisterBenchmark(
        (prefix + "oauth1_production_provider").c_str(), [=](benchmark::State& st) {
            const own_libctx_scope scope;
            if (!scope.active()) {
                st.SkipWithError("no library context of its own");
                return;
            }
            bench_client_production(st, *typed, w, [keyed](std::string_view b, unsigned char* out) {
                return keyed->sign(b, out);
            });
        });
    benchmark::RegisterBenchmark((prefix + "openssl_keyed").c_str(), [=](benchmark::State& st) {
        unsigned char out[128];
        const alloc_snapshot before = allocations();
        for (auto _ : st) {
            benchmark::DoNotOptimize(keyed->sign(base, out));
            benchmark::ClobberMemory();
        }
        finish(st, before);
    });
    benchmark::RegisterBenchmark((prefix + "oauth1").c_str(), [=](benchmark::State& st) {
        bench_client(st, *typed, w, expected);
    });
    benchmark::RegisterBenchmark((prefix + "oauth1_any").c_str(), [=](benchmark::State& st) {
        bench_client(st, *any, w, expected);
    });
    benchmark::RegisterBenchmark((prefix + "openssl").c_str(), [=](benchmark::State& st) {
        unsigned char out[128];
        if (as_string(out, limit->sign("SHA1", key, base, out)) != expected) {
            st.SkipWithError("OpenSSL HMAC failed");
            return;
        }
        const alloc_snapshot before = allocations();
        for (auto _ : st) {
            benchmark::DoNotOptimize(limit->sign("SHA1", key, base, out));
            benchmark::ClobberMemory();
        }
        finish(st, before);
    });
    if (with_components) {
        benchmark::RegisterBenchmark(
            ("component/signer/HMAC-SHA1/" + w.name).c_str(),
            [=](benchmark::State& st) { bench_signer(st, typed->signer(), base, expected); });
    }
}

/// sign_mt/W2/HMAC-SHA1/oauth1 at 1 and 2 threads (real time: items/s is the total of all threads
/// over the wall-clock time). Each benchmark thread builds its own basic_client<hmac_sha1> and,
/// in bench_client, its own request, options and signed_request before the loop; the threads
/// share only the workload and the expected signature, read-only. The allocation counters are
/// thread-local, so each thread counts its own calls and Google Benchmark sums the per-thread
/// counters over the total iterations (allocs/op stays per signature).
void register_sign_mt(const std::shared_ptr<const openssl_hmac>& limit)
{
    const workload w = w2();
    hmac_client reference{std::string(consumer_key), oauth1::hmac_sha1(consumer_secret)};
    reference.set_token(token, token_secret);
    const std::string key =
        oauth1::percent_encode(consumer_secret) + "&" + oauth1::percent_encode(token_secret);
    const std::string base = first_base_string(reference, w);
    unsigned char b64[128];
    const std::size_t n = limit->sign("SHA1", key, base, b64);
    if (n == 0) throw std::runtime_error("OpenSSL HMAC-SHA1 failed");
    const std::string expected = as_string(b64, n);

    benchmark::RegisterBenchmark(
        ("sign_mt/" + w.name + "/HMAC-SHA1/oauth1").c_str(),
        [w, expected](benchmark::State& st) {
            hmac_client client{std::string(consumer_key), oauth1::hmac_sha1(consumer_secret)};
            client.set_token(token, token_secret);
            bench_client(st, client, w, expected);
        })
        ->Threads(1)
        ->Threads(2)
        ->UseRealTime();
    // The machine's own scaling at the same moment: about 1 us of dependent integer arithmetic
    // per item, no memory traffic, no library, nothing shared. On a loaded machine its ratio
    // falls below 2 as well; oauth1's ratio is to be read against it.
    benchmark::RegisterBenchmark(("sign_mt/" + w.name + "/HMAC-SHA1/cpu_control").c_str(),
                                 [](benchmark::State& st) {
                                     std::uint64_t x = 1;
                                     const alloc_snapshot before = allocations();
                                     for (auto _ : st) {
                                         for (int i = 0; i < 1000; ++i) {
                                             x = x * 6364136223846793005ULL +
                                                 1442695040888963407ULL;
                                             benchmark::DoNotOptimize(x);
                                         }
                                     }
                                     finish(st, before);
                                 })
        ->Threads(1)
        ->Threads(2)
        ->UseRealTime();
}

void register_rsa(const std::string& key_file, int bits, bool sha256)
{
    const oauth1::private_key key = oauth1::load_private_key_file(data_path(key_file));
    if (!key || key.bits() != bits) throw std::runtime_error("unexpected key in " + key_file);
    const workload base_w = w2();
    workload w = base_w;
    w.name = "W1-" + std::to_string(bits);
    const char* digest = sha256 ? "SHA256" : "SHA1";
    const std::string method = sha256 ? "RSA-SHA256" : "RSA-SHA1";
    const std::string prefix = "sign/" + w.name + "/" + method + "/";

    auto register_with = [&](auto signer) {
        using signer_type = decltype(signer);
        auto client = std::make_shared<oauth1::basic_client<signer_type>>(std::string(consumer_key),
                                                                          std::move(signer));
        client->set_token(token, token_secret);
        const std::string base = first_base_string(*client, w);
        EVP_PKEY* pkey = key.native_handle();
        unsigned char b64[700];
        const std::size_t n = openssl_rsa_sign(pkey, digest, base, b64);
        if (n == 0) throw std::runtime_error("OpenSSL EVP_DigestSign failed for " + prefix);
        const std::string expected = as_string(b64, n);

        benchmark::RegisterBenchmark((prefix + "oauth1").c_str(), [=](benchmark::State& st) {
            bench_client(st, *client, w, expected);
        });
        benchmark::RegisterBenchmark(
            (prefix + "oauth1_production").c_str(), [=](benchmark::State& st) {
                bench_client_production(
                    st, *client, w, [key, digest](std::string_view b, unsigned char* out) {
                        return openssl_rsa_sign(key.native_handle(), digest, b, out);
                    });
            });
        // `key` is captured by value: the lambda owns a reference to the EVP_PKEY.
        benchmark::RegisterBenchmark((prefix + "openssl").c_str(), [=](benchmark::State& st) {
            unsigned char out[700];
            if (as_string(out, openssl_rsa_sign(key.native_handle(), digest, base, out)) !=
                expected) {
                st.SkipWithError("OpenSSL EVP_DigestSign failed");
                return;
            }
            const alloc_snapshot before = allocations();
            for (auto _ : st) {
                benchmark::DoNotOptimize(openssl_rsa_sign(key.native_handle(), digest, base, out));
                benchmark::ClobberMemory();
            }
            finish(st, before);
        });
        benchmark::RegisterBenchmark(
            ("component/signer/" + method + "-" + std::to_string(bits) + "/W2").c_str(),
            [=](benchmark::State& st) { bench_signer(st, client->signer(), base, expected); });
    };
    if (sha256) {
        register_with(oauth1::rsa_sha256(key));
    } else {
        register_with(oauth1::rsa_sha1(key));
    }
}

void register_large_body(const std::shared_ptr<const openssl_hmac>& limit)
{
    const workload w = large_body();
    auto client = std::make_shared<hmac_client>(std::string(consumer_key),
                                                oauth1::hmac_sha1(consumer_secret));
    client->set_token(token, token_secret);
    const std::string key =
        oauth1::percent_encode(consumer_secret) + "&" + oauth1::percent_encode(token_secret);
    const std::string base = first_base_string(*client, w);

    // The limit: SHA-1 of the body, base64 (into `hash`, 29 bytes), then HMAC-SHA1 of the base
    // string, base64 (into `out`, 29 bytes); returns the signature's length, 0 on error.
    auto openssl_sign = [limit, key, base, body = w.body](unsigned char* out, unsigned char* hash,
                                                          std::size_t& hash_len) {
        unsigned char md[EVP_MAX_MD_SIZE];
        std::size_t n = 0;
        if (EVP_Q_digest(nullptr, "SHA1", nullptr, body.data(), body.size(), md, &n) != 1)
            return std::size_t{0};
        hash_len = openssl_base64(md, n, hash);
        return limit->sign("SHA1", key, base, out);
    };
    unsigned char out[128];
    unsigned char hash[128];
    std::size_t hash_len = 0;
    const std::size_t n = openssl_sign(out, hash, hash_len);
    if (n == 0) throw std::runtime_error("OpenSSL large-body limit failed");
    const std::string expected = as_string(out, n);
    const std::string expected_hash = oauth1::percent_encode(as_string(hash, hash_len));
    std::string_view our_hash;
    const oauth1::signed_request first = client->sign(w.request(), fixed_options(w));
    if (!first.protocol_parameters().find("oauth_body_hash", our_hash) || our_hash != expected_hash)
        throw std::runtime_error("oauth_body_hash differs from OpenSSL's SHA-1 of the body");

    const std::string prefix = "sign/" + w.name + "/HMAC-SHA1/";
    benchmark::RegisterBenchmark((prefix + "oauth1").c_str(), [=](benchmark::State& st) {
        bench_client(st, *client, w, expected);
    });
    benchmark::RegisterBenchmark((prefix + "openssl").c_str(), [=](benchmark::State& st) {
        unsigned char sig[128];
        unsigned char h[128];
        std::size_t h_len = 0;
        const alloc_snapshot before = allocations();
        for (auto _ : st) {
            benchmark::DoNotOptimize(openssl_sign(sig, h, h_len));
            benchmark::ClobberMemory();
        }
        finish(st, before);
    });
}

} // namespace

void register_sign_benchmarks()
{
    const auto limit = std::make_shared<const openssl_hmac>();
    register_hmac(limit, w2(), true);
    register_sign_mt(limit);
    register_hmac(limit, w3(), false);
    register_hmac(limit, w3_50q(), true);
    for (const bool sha256 : {false, true}) {
        register_rsa("keys/bench_rsa1024.pem", 1024, sha256);
        register_rsa("keys/bench_rsa2048.pem", 2048, sha256);
    }
    register_large_body(limit);
}

} // namespace oauth1_bench
