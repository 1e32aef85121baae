// oauth1/detail/digest.hpp - SHA-1/SHA-256/SHA-512 and HMAC (RFC 2104) with the key schedule
// computed once, for HMAC-SHA* signatures (RFC 5849 §3.4.2) and oauth_body_hash.
//
// Two paths compute the same bytes:
// - the fast path uses OpenSSL's fixed-size digest contexts (SHA_CTX, ...): the inner and outer
//   padded-key states are absorbed once per key and copied per signature, so signing costs the
//   hashing of the base string plus one outer block, with no allocation and no provider lookup.
//   Those functions are deprecated in OpenSSL 3 (not removed) and bypass the providers;
// - the provider path (EVP_Q_mac / EVP_Q_digest in the thread's library context with its default
//   properties), which obeys FIPS mode, a library context without SHA-1, or properties that pick
//   another provider - and then fails where the policy refuses the digest (reported by the
//   signers as errc::crypto_policy_refused, as RSA-SHA* is).
// The fast path is taken only where it is equivalent (lowlevel_sha_allowed): in OpenSSL's global
// default library context, not in FIPS mode, with the digest that context fetches coming from
// the default provider. Without deprecated APIs (OPENSSL_NO_DEPRECATED_3_0) only the provider
// path exists.
#ifndef OAUTH1_DETAIL_DIGEST_HPP
#define OAUTH1_DETAIL_DIGEST_HPP

#include <oauth1/detail/openssl.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslconf.h>
#include <openssl/provider.h>
#include <openssl/sha.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#define OAUTH1_DETAIL_LOWLEVEL_SHA 1
#else
#define OAUTH1_DETAIL_LOWLEVEL_SHA 0
#endif

#if OAUTH1_DETAIL_LOWLEVEL_SHA && (defined(__GNUC__) || defined(__clang__))
#define OAUTH1_DETAIL_SUPPRESS_DEPRECATED_BEGIN                                                    \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wdeprecated-declarations\"")
#define OAUTH1_DETAIL_SUPPRESS_DEPRECATED_END _Pragma("GCC diagnostic pop")
#else
#define OAUTH1_DETAIL_SUPPRESS_DEPRECATED_BEGIN
#define OAUTH1_DETAIL_SUPPRESS_DEPRECATED_END
#endif

namespace oauth1::detail {

OAUTH1_DETAIL_SUPPRESS_DEPRECATED_BEGIN

struct sha1_digest {
    static constexpr std::size_t block_size = 64;
    static constexpr std::size_t size = 20;
    static constexpr const char* openssl_name = "SHA1";
#if OAUTH1_DETAIL_LOWLEVEL_SHA
    using context = SHA_CTX;
    static void init(context& c) noexcept
    {
        SHA1_Init(&c);
    }
    static void update(context& c, const void* p, std::size_t n) noexcept
    {
        SHA1_Update(&c, p, n);
    }
    static void final(context& c, unsigned char* out) noexcept
    {
        SHA1_Final(out, &c);
    }
#endif
};

struct sha256_digest {
    static constexpr std::size_t block_size = 64;
    static constexpr std::size_t size = 32;
    static constexpr const char* openssl_name = "SHA256";
#if OAUTH1_DETAIL_LOWLEVEL_SHA
    using context = SHA256_CTX;
    static void init(context& c) noexcept
    {
        SHA256_Init(&c);
    }
    static void update(context& c, const void* p, std::size_t n) noexcept
    {
        SHA256_Update(&c, p, n);
    }
    static void final(context& c, unsigned char* out) noexcept
    {
        SHA256_Final(out, &c);
    }
#endif
};

struct sha512_digest {
    static constexpr std::size_t block_size = 128;
    static constexpr std::size_t size = 64;
    static constexpr const char* openssl_name = "SHA512";
#if OAUTH1_DETAIL_LOWLEVEL_SHA
    using context = SHA512_CTX;
    static void init(context& c) noexcept
    {
        SHA512_Init(&c);
    }
    static void update(context& c, const void* p, std::size_t n) noexcept
    {
        SHA512_Update(&c, p, n);
    }
    static void final(context& c, unsigned char* out) noexcept
    {
        SHA512_Final(out, &c);
    }
#endif
};

/// True when the low-level SHA functions may stand in for the providers' `Digest` in this thread
/// now: the thread uses OpenSSL's global default library context (not one of its own, see
/// using_global_libctx), that context is not in FIPS mode (default properties "fips=yes"), and the
/// digest it fetches is the default provider's (checked once per process: a program that changes
/// the global default properties or providers at run time should do so before creating its
/// signers). The checks cost tens of nanoseconds; hmac_key makes them once per key.
template <class Digest>
bool lowlevel_sha_allowed() noexcept
{
#if OAUTH1_DETAIL_LOWLEVEL_SHA
    if (!using_global_libctx()) return false;
    if (EVP_default_properties_is_fips_enabled(nullptr) == 1) return false;
    static const bool from_default_provider = [] {
        EVP_MD* md = EVP_MD_fetch(nullptr, Digest::openssl_name, nullptr);
        bool ok = false;
        if (md != nullptr) {
            const OSSL_PROVIDER* prov = EVP_MD_get0_provider(md);
            const char* name = prov != nullptr ? OSSL_PROVIDER_get0_name(prov) : nullptr;
            ok = name != nullptr && std::strcmp(name, "default") == 0;
            EVP_MD_free(md);
        }
        ERR_clear_error();
        return ok;
    }();
    return from_default_provider;
#else
    return false;
#endif
}

/// One-shot digest of `data` into `out` (Digest::size bytes), through the providers unless the
/// low-level functions are equivalent (lowlevel_sha_allowed). Returns false on failure (the
/// OpenSSL error queue then says why, e.g. a policy refusal).
template <class Digest>
bool digest(std::string_view data, unsigned char* out) noexcept
{
#if OAUTH1_DETAIL_LOWLEVEL_SHA
    if (lowlevel_sha_allowed<Digest>()) {
        typename Digest::context c;
        Digest::init(c);
        Digest::update(c, data.data(), data.size());
        Digest::final(c, out);
        OPENSSL_cleanse(&c, sizeof c);
        return true;
    }
#endif
    std::size_t n = 0;
    return EVP_Q_digest(nullptr, Digest::openssl_name, nullptr, data.data(), data.size(), out,
                        &n) == 1;
}

/// HMAC with a precomputed key schedule (the inner and outer padded-key digest states, which are
/// as good as the key: whoever has them can compute the HMAC).
///
/// Every path that drops a schedule wipes it with OPENSSL_cleanse: the destructor, set_key(),
/// clear(), copy- and move-assignment over it, and a move out of it. A moved-from or cleared
/// object holds no key (keyed() is false) and compute() fails until set_key() is called again.
template <class Digest>
class hmac_key {
public:
    /// Keyed with the empty key.
    hmac_key() noexcept { set_key({}); }
    explicit hmac_key(std::string_view key) noexcept { set_key(key); }
    hmac_key(const hmac_key& other) noexcept { copy_from(other); }
    hmac_key(hmac_key&& other) noexcept
    {
        copy_from(other);
        other.clear();
    }
    hmac_key& operator=(const hmac_key& other) noexcept
    {
        if (this != &other) copy_from(other);
        return *this;
    }
    hmac_key& operator=(hmac_key&& other) noexcept
    {
        if (this != &other) {
            copy_from(other);
            other.clear();
        }
        return *this;
    }
    ~hmac_key() { wipe(); }

    /// Sets the key (RFC 2104: a key longer than a block is hashed first) and decides whether
    /// compute() may take the low-level path (lowlevel_sha_allowed). If hashing a long key fails
    /// (a policy refusing the digest), the key is unusable and compute() fails.
    void set_key(std::string_view key) noexcept
    {
        wipe();
        if (key.size() > Digest::block_size) {
            key_size_ = digest<Digest>(key, key_) ? Digest::size : unusable;
        } else {
            if (!key.empty()) std::memcpy(key_, key.data(), key.size());
            key_size_ = key.size();
        }
#if OAUTH1_DETAIL_LOWLEVEL_SHA
        lowlevel_ = key_size_ != unusable && lowlevel_sha_allowed<Digest>();
        if (lowlevel_) {
            unsigned char pad[Digest::block_size];
            for (std::size_t i = 0; i < Digest::block_size; ++i)
                pad[i] = static_cast<unsigned char>(key_[i] ^ 0x36U); // key_ is zero-padded
            Digest::init(inner_);
            Digest::update(inner_, pad, sizeof pad);
            for (std::size_t i = 0; i < Digest::block_size; ++i)
                pad[i] = static_cast<unsigned char>(key_[i] ^ 0x5cU);
            Digest::init(outer_);
            Digest::update(outer_, pad, sizeof pad);
            OPENSSL_cleanse(pad, sizeof pad);
        }
#endif
        keyed_ = true;
    }

    /// Wipes the schedule; keyed() is false afterwards.
    void clear() noexcept
    {
        wipe();
        keyed_ = false;
    }

    /// False after a move out of this object or clear(), until set_key().
    bool keyed() const noexcept
    {
        return keyed_;
    }

    /// True when compute() would take the low-level path now (decided by set_key, and only
    /// while this thread stays in OpenSSL's global library context).
    bool lowlevel() const noexcept
    {
#if OAUTH1_DETAIL_LOWLEVEL_SHA
        return keyed_ && lowlevel_ && using_global_libctx();
#else
        return false;
#endif
    }

    /// Writes HMAC(key, data) (Digest::size bytes) to `out`. Returns false on failure (the
    /// OpenSSL error queue then says why) and when no key is set.
    bool compute(std::string_view data, unsigned char* out) const noexcept
    {
        if (!keyed_ || key_size_ == unusable) return false;
#if OAUTH1_DETAIL_LOWLEVEL_SHA
        // A thread that made its own library context its default after set_key() gets the
        // provider path: that context's policy applies to it.
        if (lowlevel_ && using_global_libctx()) {
            typename Digest::context c = inner_;
            Digest::update(c, data.data(), data.size());
            unsigned char inner_hash[Digest::size];
            Digest::final(c, inner_hash);
            c = outer_;
            Digest::update(c, inner_hash, sizeof inner_hash);
            Digest::final(c, out);
            OPENSSL_cleanse(&c, sizeof c);
            OPENSSL_cleanse(inner_hash, sizeof inner_hash);
            return true;
        }
#endif
        std::size_t n = 0;
        return EVP_Q_mac(nullptr, "HMAC", nullptr, Digest::openssl_name, nullptr, key_, key_size_,
                         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                         Digest::size, &n) != nullptr;
    }

private:
    // The whole state is overwritten, so nothing of the old schedule survives an assignment.
    void copy_from(const hmac_key& other) noexcept
    {
        wipe();
#if OAUTH1_DETAIL_LOWLEVEL_SHA
        std::memcpy(&inner_, &other.inner_, sizeof inner_);
        std::memcpy(&outer_, &other.outer_, sizeof outer_);
        lowlevel_ = other.lowlevel_;
#endif
        std::memcpy(key_, other.key_, sizeof key_);
        key_size_ = other.key_size_;
        keyed_ = other.keyed_;
    }

    void wipe() noexcept
    {
#if OAUTH1_DETAIL_LOWLEVEL_SHA
        OPENSSL_cleanse(&inner_, sizeof inner_);
        OPENSSL_cleanse(&outer_, sizeof outer_);
        lowlevel_ = false;
#endif
        OPENSSL_cleanse(key_, sizeof key_);
        key_size_ = 0;
    }

#if OAUTH1_DETAIL_LOWLEVEL_SHA
    typename Digest::context inner_{};
    typename Digest::context outer_{};
    bool lowlevel_ = false;
#endif
    static constexpr std::size_t unusable = static_cast<std::size_t>(-1);
    unsigned char key_[Digest::block_size] = {}; // zero-padded; the digest of a long key
    std::size_t key_size_ = 0;
    bool keyed_ = false;
};

OAUTH1_DETAIL_SUPPRESS_DEPRECATED_END

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_DIGEST_HPP
