// oauth1/detail/rsa_context.hpp - private to oauth1 (not a public header): the prepared OpenSSL
// contexts of the RSA-SHA* signers (oauth1/signature_method.hpp): one RSASSA-PKCS1-v1_5 operation
// set up once (rsa_pkcs1_context) and the per-signer pool of them that concurrent calls share.
#ifndef OAUTH1_DETAIL_RSA_CONTEXT_HPP
#define OAUTH1_DETAIL_RSA_CONTEXT_HPP

#include <oauth1/detail/openssl.hpp>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <string_view>
#include <utility>

namespace oauth1::detail {

/// One RSASSA-PKCS1-v1_5 operation (RFC 3447 8.2), signing or verifying with one key and digest,
/// set up once: the digest fetched, a digest context, and an EVP_PKEY_CTX after
/// EVP_PKEY_{sign,verify}_init, the PKCS#1 v1.5 padding and the signature digest. Each use then
/// only hashes the data and runs the RSA operation, without the fetches, context creations and
/// context duplication that EVP_DigestSignInit / EVP_DigestSign repeat per call. The bytes are
/// the same (PKCS#1 v1.5 signatures are deterministic). One user at a time: see rsa_context_pool.
class rsa_pkcs1_context {
public:
    enum class operation { sign, verify };

    /// False when OpenSSL refuses the key, digest or padding (e.g. a policy refusing SHA-1
    /// signatures); its error queue says why and the context stays empty.
    bool prepare(EVP_PKEY* key, const char* digest, operation op) noexcept
    {
        md_.reset(EVP_MD_fetch(nullptr, digest, nullptr));
        hash_.reset(md_ ? EVP_MD_CTX_new() : nullptr);
        pkey_.reset(hash_ ? EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr) : nullptr);
        const bool ok = pkey_ &&
                        (op == operation::sign ? EVP_PKEY_sign_init(pkey_.get())
                                               : EVP_PKEY_verify_init(pkey_.get())) == 1 &&
                        EVP_PKEY_CTX_set_rsa_padding(pkey_.get(), RSA_PKCS1_PADDING) == 1 &&
                        EVP_PKEY_CTX_set_signature_md(pkey_.get(), md_.get()) == 1;
        if (!ok) reset();
        return ok;
    }
    bool ready() const noexcept { return pkey_ != nullptr; }
    void reset() noexcept
    {
        pkey_.reset();
        hash_.reset();
        md_.reset();
    }

    /// Signs `data`; `len` is the room at `sig` on entry and the signature's size on return.
    bool sign(std::string_view data, unsigned char* sig, std::size_t& len) noexcept
    {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        return hash(data, md, n) && EVP_PKEY_sign(pkey_.get(), sig, &len, md, n) == 1;
    }

    /// 1 when `sig` is a valid signature of `data`, 0 when not, negative on an OpenSSL error.
    int verify(std::string_view data, const unsigned char* sig, std::size_t len) noexcept
    {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (!hash(data, md, n)) return -1;
        return EVP_PKEY_verify(pkey_.get(), sig, len, md, n);
    }

private:
    bool hash(std::string_view data, unsigned char* md, unsigned int& n) noexcept
    {
        return EVP_DigestInit_ex2(hash_.get(), md_.get(), nullptr) == 1 &&
               EVP_DigestUpdate(hash_.get(), data.data(), data.size()) == 1 &&
               EVP_DigestFinal_ex(hash_.get(), md, &n) == 1;
    }

    evp_md_ptr md_;
    evp_md_ctx_ptr hash_;
    evp_pkey_ctx_ptr pkey_;
};

/// The prepared contexts of one RSA signer (one key, digest and operation), used by its const
/// sign() or verify(), which several threads may call at once. A call takes a free slot without
/// blocking (an atomic flag per slot) and prepares the slot's context on first use; when every
/// slot is taken, or when the thread has its own default library context (using_global_libctx),
/// the call prepares a context for itself alone. A context that failed is dropped, to be
/// prepared again by the next call. Copies start empty (each copy prepares its own contexts);
/// moves take the source's.
class rsa_context_pool {
    struct slot {
        std::atomic<bool> busy{false};
        rsa_pkcs1_context context;
    };

public:
    static constexpr std::size_t slot_count = 4;

    rsa_context_pool() noexcept = default;
    rsa_context_pool(const rsa_context_pool& /*other*/) noexcept {}
    rsa_context_pool(rsa_context_pool&& other) noexcept { take(other); }
    rsa_context_pool& operator=(const rsa_context_pool& other) noexcept
    {
        if (this != &other) clear();
        return *this;
    }
    rsa_context_pool& operator=(rsa_context_pool&& other) noexcept
    {
        if (this != &other) take(other);
        return *this;
    }
    ~rsa_context_pool() = default;

    /// A context for one call: a slot's, or the lease's own when none is free.
    class lease {
    public:
        lease(rsa_context_pool& pool, EVP_PKEY* key, const char* digest,
              rsa_pkcs1_context::operation op) noexcept
        {
            if (using_global_libctx()) slot_ = pool.try_take();
            rsa_pkcs1_context& c = slot_ != nullptr ? slot_->context : own_;
            if (c.ready() || c.prepare(key, digest, op)) context_ = &c;
        }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease()
        {
            if (slot_ == nullptr) return;
            if (failed_) slot_->context.reset();
            slot_->busy.store(false, std::memory_order_release);
        }

        /// The prepared context; null when preparing failed (OpenSSL's error queue says why).
        rsa_pkcs1_context* get() const noexcept { return context_; }
        /// After an OpenSSL failure: the slot's context is not used again.
        void discard() noexcept { failed_ = true; }

    private:
        slot* slot_ = nullptr;
        rsa_pkcs1_context own_;
        rsa_pkcs1_context* context_ = nullptr;
        bool failed_ = false;
    };

private:
    slot* try_take() noexcept
    {
        for (slot& s : slots_)
            if (!s.busy.load(std::memory_order_relaxed) &&
                !s.busy.exchange(true, std::memory_order_acquire))
                return &s;
        return nullptr;
    }
    // Assignment and moves need exclusive access to both pools (no call may be running), as any
    // non-const operation does.
    void clear() noexcept
    {
        for (slot& s : slots_) s.context.reset();
    }
    void take(rsa_context_pool& other) noexcept
    {
        for (std::size_t i = 0; i < slot_count; ++i)
            slots_[i].context = std::move(other.slots_[i].context);
    }

    std::array<slot, slot_count> slots_;
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_RSA_CONTEXT_HPP
