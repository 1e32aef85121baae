// oauth1/signature_method.hpp - the signature methods of RFC 5849 §3.4: HMAC-SHA1 (3.4.2),
// RSA-SHA1 (3.4.3), PLAINTEXT (3.4.4), and their SHA-256/SHA-512 siblings, which are built the same
// way with another digest (as oauthlib and others name them: HMAC-SHA256, RSA-SHA512, ...).
//
// Each method is a small type modelling the signer requirements:
//   s.name()                              -> std::string_view, e.g. "HMAC-SHA1"
//   s.set_token_secret(ts)                -> the token secret changed (ignored by RSA)
//   s.sign(base_string, out, ec)          -> appends the oauth_signature value to `out`
//   s.verify(base_string, signature, ec)  -> true when `signature` is valid (constant time)
// checked by `is_signer_v<T>` (C++17) and the `oauth1::signer` concept (C++20). `any_signer`
// selects one at run time from a signature_method value, for configuration-driven programs.
#ifndef OAUTH1_SIGNATURE_METHOD_HPP
#define OAUTH1_SIGNATURE_METHOD_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/digest.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/detail/secret.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L && __has_include(<concepts>)
#include <concepts>
#define OAUTH1_HAS_CONCEPTS 1
#else
#define OAUTH1_HAS_CONCEPTS 0
#endif

namespace oauth1 {

/// The signature methods oauth1 implements (RFC 5849 §3.4).
enum class signature_method {
    hmac_sha1,
    hmac_sha256,
    hmac_sha512,
    rsa_sha1,
    rsa_sha256,
    rsa_sha512,
    plaintext
};

/// The protocol name of a method ("HMAC-SHA1", ...), as sent in oauth_signature_method.
constexpr std::string_view to_string(signature_method m) noexcept
{
    switch (m) {
    case signature_method::hmac_sha1: return "HMAC-SHA1";
    case signature_method::hmac_sha256: return "HMAC-SHA256";
    case signature_method::hmac_sha512: return "HMAC-SHA512";
    case signature_method::rsa_sha1: return "RSA-SHA1";
    case signature_method::rsa_sha256: return "RSA-SHA256";
    case signature_method::rsa_sha512: return "RSA-SHA512";
    case signature_method::plaintext: return "PLAINTEXT";
    }
    return {};
}

/// Parses a protocol name (exact, case-sensitive as on the wire); nullopt when unknown.
constexpr std::optional<signature_method> parse_signature_method(std::string_view name) noexcept
{
    constexpr signature_method all[] = {
        signature_method::hmac_sha1, signature_method::hmac_sha256, signature_method::hmac_sha512,
        signature_method::rsa_sha1,  signature_method::rsa_sha256,  signature_method::rsa_sha512,
        signature_method::plaintext};
    for (const signature_method m : all)
        if (to_string(m) == name) return m;
    return std::nullopt;
}

/// True for the RSA-SHA* methods (which sign with a private key, not with secrets).
constexpr bool is_rsa(signature_method m) noexcept
{
    return m == signature_method::rsa_sha1 || m == signature_method::rsa_sha256 ||
           m == signature_method::rsa_sha512;
}

namespace detail {

/// "enc(consumer_secret)&enc(token_secret)": the HMAC key (3.4.2) and PLAINTEXT signature (3.4.4).
inline std::string secret_pair(std::string_view consumer_secret, std::string_view token_secret)
{
    std::string key;
    key.reserve(percent_encoded_size(consumer_secret) + 1 + percent_encoded_size(token_secret));
    percent_encode_append(consumer_secret, key);
    key.push_back('&');
    percent_encode_append(token_secret, key);
    return key;
}

/// Writes "enc(consumer_secret)&enc(token_secret)" into `out` (the old content is wiped), with no
/// temporary copy of the secrets anywhere else.
inline void secret_pair_into(std::string_view consumer_secret, std::string_view token_secret,
                             secret_bytes& out)
{
    const std::size_t n =
        percent_encoded_size(consumer_secret) + 1 + percent_encoded_size(token_secret);
    char* p = percent_encode(consumer_secret, out.prepare(n));
    *p++ = '&';
    percent_encode(token_secret, p);
}

inline void wipe(std::string& s) noexcept
{
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

/// Constant-time equality of two strings whose lengths are not secret.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace detail

/// HMAC-SHA* (RFC 5849 §3.4.2): key = enc(consumer secret) "&" enc(token secret), the signature is
/// the base64 of HMAC(key, base string). The key schedule is computed once per secret pair.
///
/// Secrets: the signer keeps the consumer secret (to rekey with a new token secret) and the HMAC
/// key schedule, nothing else. Both are wiped with OPENSSL_cleanse on every path that drops them:
/// destruction, set_token_secret(), copy- and move-assignment over the signer, and a move out of
/// it. A moved-from signer holds no secret and no key: sign() and verify() fail with
/// errc::key_required (it never accepts a signature made with empty secrets) and
/// set_token_secret() leaves it so; assign a signer to it to use it again. Signing allocates
/// nothing and leaves no secret-derived bytes on the stack.
template <class Digest, signature_method Method>
class hmac_signer {
public:
    static constexpr signature_method method() noexcept { return Method; }

    explicit hmac_signer(std::string_view consumer_secret, std::string_view token_secret = {})
        : consumer_secret_(consumer_secret)
    {
        set_token_secret(token_secret);
    }
    hmac_signer(const hmac_signer&) = default;
    hmac_signer(hmac_signer&&) noexcept = default;
    hmac_signer& operator=(const hmac_signer&) = default;
    hmac_signer& operator=(hmac_signer&&) noexcept = default;
    ~hmac_signer() = default; // the members wipe themselves

    static constexpr std::string_view name() noexcept { return to_string(Method); }

    /// Rekeys with a new token secret (e.g. after obtaining token credentials, RFC 5849 §2.3).
    /// No effect on a moved-from signer.
    void set_token_secret(std::string_view token_secret)
    {
        if (!key_.keyed()) return; // moved from
        detail::secret_bytes pair;
        detail::secret_pair_into(consumer_secret_.view(), token_secret, pair);
        key_.set_key(pair.view());
    }

    /// Appends base64(HMAC(key, base_string)) to `out`.
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        if (!key_.keyed()) {
            ec = make_error_code(errc::key_required);
            return;
        }
        unsigned char mac[Digest::size];
        if (!key_.compute(base_string, mac)) {
            detail::clear_openssl_errors();
            ec = make_error_code(errc::crypto_failure);
            return;
        }
        detail::base64_append(mac, sizeof mac, out);
        OPENSSL_cleanse(mac, sizeof mac);
    }

    /// True when `signature` is the base64 HMAC of `base_string`; compared in constant time.
    /// The expected signature (valid for this base string) is wiped from the stack afterwards.
    bool verify(std::string_view base_string, std::string_view signature, std::error_code& ec) const
    {
        ec.clear();
        if (!key_.keyed()) {
            ec = make_error_code(errc::key_required);
            return false;
        }
        unsigned char mac[Digest::size];
        if (!key_.compute(base_string, mac)) {
            detail::clear_openssl_errors();
            ec = make_error_code(errc::crypto_failure);
            return false;
        }
        char expected[detail::base64_encoded_size(Digest::size)];
        detail::base64_encode(mac, sizeof mac, expected);
        const bool same =
            detail::constant_time_equal(std::string_view(expected, sizeof expected), signature);
        OPENSSL_cleanse(mac, sizeof mac);
        OPENSSL_cleanse(expected, sizeof expected);
        return same;
    }

private:
    detail::secret_bytes consumer_secret_;
    detail::hmac_key<Digest> key_;
};

using hmac_sha1 = hmac_signer<detail::sha1_digest, signature_method::hmac_sha1>;
using hmac_sha256 = hmac_signer<detail::sha256_digest, signature_method::hmac_sha256>;
using hmac_sha512 = hmac_signer<detail::sha512_digest, signature_method::hmac_sha512>;

/// PLAINTEXT (RFC 5849 §3.4.4): the signature is enc(consumer secret) "&" enc(token secret).
/// Only safe over TLS.
///
/// Secrets: the consumer secret and the signature (the secret pair) are kept and wiped as for
/// hmac_signer; a moved-from PLAINTEXT signer fails with errc::key_required.
class plaintext {
public:
    static constexpr signature_method method() noexcept { return signature_method::plaintext; }

    explicit plaintext(std::string_view consumer_secret, std::string_view token_secret = {})
        : consumer_secret_(consumer_secret)
    {
        detail::secret_pair_into(consumer_secret_.view(), token_secret, signature_);
    }
    plaintext(const plaintext&) = default;
    plaintext(plaintext&&) noexcept = default;
    plaintext& operator=(const plaintext&) = default;
    plaintext& operator=(plaintext&&) noexcept = default;
    ~plaintext() = default; // the members wipe themselves

    static constexpr std::string_view name() noexcept { return "PLAINTEXT"; }

    /// Changes the token secret. No effect on a moved-from signer.
    void set_token_secret(std::string_view token_secret)
    {
        if (signature_.empty()) return; // moved from: a signature is never empty ("&" at least)
        detail::secret_pair_into(consumer_secret_.view(), token_secret, signature_);
    }

    void sign(std::string_view /*base_string*/, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        if (signature_.empty()) {
            ec = make_error_code(errc::key_required);
            return;
        }
        out.append(signature_.view());
    }

    bool verify(std::string_view /*base_string*/, std::string_view signature,
                std::error_code& ec) const
    {
        ec.clear();
        if (signature_.empty()) {
            ec = make_error_code(errc::key_required);
            return false;
        }
        return detail::constant_time_equal(signature_.view(), signature);
    }

private:
    detail::secret_bytes consumer_secret_;
    detail::secret_bytes signature_;
};

namespace detail {

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
    static constexpr std::size_t slots = 4;

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
        for (std::size_t i = 0; i < slots; ++i)
            slots_[i].context = std::move(other.slots_[i].context);
    }

    std::array<slot, slots> slots_;
};

} // namespace detail

/// RSA-SHA* (RFC 5849 §3.4.3): RSASSA-PKCS1-v1_5 (RFC 3447 8.2) over the base string with the
/// consumer's RSA private key, base64-encoded. Secrets are not used. Built from a private key it
/// signs and verifies; built from a public key or certificate it only verifies.
/// A system crypto policy that refuses the digest (e.g. SHA-1 signatures disabled) is reported as
/// errc::crypto_policy_refused. verify() tells "the signature does not verify" (false, `ec`
/// clear) from "OpenSSL could not run the verification" (false and errc::crypto_failure: a fatal
/// OpenSSL error such as a failed allocation, an internal or provider error, or a failed context
/// set-up), so an operator sees a broken installation instead of a stream of bad signatures.
///
/// The key is checked against an rsa_key_policy when the signer is built (the default policy
/// unless one is given): a key outside it makes sign() and verify() fail with
/// errc::key_policy_violation (rsa_key_policy_violation() says why). The key itself is kept, so
/// key() and verification_key() still show what was given.
///
/// sign() and verify() reuse OpenSSL contexts prepared for this key on first use (a few, so that
/// concurrent calls from several threads each get one; calls beyond those, and calls from a thread
/// with its own default OSSL_LIB_CTX, prepare a context for that call). Like every const member
/// function here they may be called from several threads at once; copies prepare their own
/// contexts. The prepared contexts keep the provider implementations chosen when they were made:
/// default properties changed later (EVP_set_default_properties) apply to new signers and copies.
template <class Digest, signature_method Method>
class rsa_signer {
public:
    static constexpr signature_method method() noexcept { return Method; }

    /// Signs and verifies with `key`, which must conform to `policy`.
    explicit rsa_signer(private_key key, const rsa_key_policy& policy = {})
        : private_(std::move(key))
    {
        if (private_) public_ = private_.public_part();
        within_policy_ = conforms(private_.native_handle(), policy);
    }
    /// Only verifies (sign() gives errc::key_required), e.g. for a provider, which holds only the
    /// consumer's public key; `key` must conform to `policy`.
    explicit rsa_signer(public_key key, const rsa_key_policy& policy = {}) noexcept
        : public_(std::move(key)), within_policy_(conforms(public_.native_handle(), policy))
    {}

    static constexpr std::string_view name() noexcept { return to_string(Method); }

    void set_token_secret(std::string_view /*token_secret*/) noexcept {}

    const private_key& key() const noexcept { return private_; }
    const public_key& verification_key() const noexcept { return public_; }
    /// False when the key given at construction is outside the policy given there.
    bool key_within_policy() const noexcept { return within_policy_; }

    /// Appends base64(RSASSA-PKCS1-v1_5-SIGN(key, Digest(base_string))) to `out`.
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        EVP_PKEY* pkey = private_.native_handle();
        if (pkey == nullptr) {
            ec = make_error_code(errc::key_required);
            return;
        }
        if (!private_.is_rsa()) {
            ec = make_error_code(errc::key_not_rsa);
            return;
        }
        if (!within_policy_) {
            ec = make_error_code(errc::key_policy_violation);
            return;
        }
        // 16384-bit keys at most; the stack buffer keeps the signing path allocation-free.
        unsigned char sig[2048];
        const int size = EVP_PKEY_get_size(pkey);
        if (size <= 0 || static_cast<std::size_t>(size) > sizeof sig) {
            ec = make_error_code(errc::invalid_argument);
            return;
        }
        std::size_t len = sizeof sig;
        bool signed_ok = false;
        {
            detail::rsa_context_pool::lease op(sign_contexts_, pkey, Digest::openssl_name,
                                               detail::rsa_pkcs1_context::operation::sign);
            signed_ok = op.get() != nullptr && op.get()->sign(base_string, sig, len);
            if (!signed_ok) op.discard();
        }
        if (!signed_ok) {
            // No prepared context, or it failed: the one-shot path decides, as it always did.
            detail::clear_openssl_errors();
            len = sizeof sig;
            if (!digest_sign(pkey, base_string, sig, len)) {
                ec = refusal_or_failure();
                return;
            }
        }
        detail::base64_append(sig, len, out);
    }

    /// True when `signature` (base64) is a valid signature of `base_string` under the public key.
    /// A signature that is not valid base64 gives false with errc::invalid_signature_encoding.
    bool verify(std::string_view base_string, std::string_view signature, std::error_code& ec) const
    {
        ec.clear();
        EVP_PKEY* pkey = public_.native_handle();
        if (pkey == nullptr) {
            ec = make_error_code(errc::key_required);
            return false;
        }
        if (!public_.is_rsa()) {
            ec = make_error_code(errc::key_not_rsa);
            return false;
        }
        if (!within_policy_) {
            ec = make_error_code(errc::key_policy_violation);
            return false;
        }
        // Decoded on the stack (16384-bit keys at most, as in sign()): no allocation. A longer
        // signature cannot match any supported key, but its encoding is still checked.
        unsigned char raw_sig[2048];
        std::size_t raw_size = 0;
        bool too_long = false;
        if (!detail::base64_decode_each(signature, [&](unsigned char b) {
                if (raw_size < sizeof raw_sig) {
                    raw_sig[raw_size++] = b;
                } else {
                    too_long = true;
                }
            })) {
            ec = make_error_code(errc::invalid_signature_encoding);
            return false;
        }
        if (too_long) return false;
        int r = -1;
        {
            detail::rsa_context_pool::lease op(verify_contexts_, pkey, Digest::openssl_name,
                                               detail::rsa_pkcs1_context::operation::verify);
            if (op.get() != nullptr) {
                r = op.get()->verify(base_string, raw_sig, raw_size);
                // 0 is a mismatch only when OpenSSL could run the operation: with a fatal error
                // or a refusal in the queue, the context failed and the one-shot path decides.
                if (r == 0) {
                    const detail::openssl_error_kinds kinds = detail::drain_openssl_error_kinds();
                    if (kinds.fatal || kinds.policy_refusal) r = -1;
                }
            }
            if (r < 0) op.discard();
        }
        if (r < 0) {
            // No prepared context, or it failed (a mismatch is 0): the one-shot path decides.
            detail::clear_openssl_errors();
            bool init_failed = false;
            r = digest_verify(pkey, base_string, raw_sig, raw_size, init_failed);
            if (init_failed) {
                ec = refusal_or_failure();
                return false;
            }
        }
        if (r == 1) return true;
        // 0 with only data errors in the queue (wrong length, bad padding, value too large for
        // the modulus) is "does not verify". A negative result or a fatal error means OpenSSL
        // could not run the verification: the operator must hear of it (crypto_failure), unless
        // the policy refused the algorithm. The queue is drained either way, allocation-free.
        const detail::openssl_error_kinds kinds = detail::drain_openssl_error_kinds();
        if (kinds.policy_refusal)
            ec = make_error_code(errc::crypto_policy_refused);
        else if (r < 0 || kinds.fatal)
            ec = make_error_code(errc::crypto_failure);
        return false;
    }

private:
    // The one-shot EVP_DigestSign / EVP_DigestVerify path with a fresh context, for when no
    // prepared context can be made or one fails: a key that some provider only signs through
    // EVP_DigestSign still works, and errors are classified exactly as before.
    static bool digest_sign(EVP_PKEY* pkey, std::string_view data, unsigned char* sig,
                            std::size_t& len) noexcept
    {
        detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
        EVP_PKEY_CTX* pctx = nullptr;
        return ctx &&
               EVP_DigestSignInit_ex(ctx.get(), &pctx, Digest::openssl_name, nullptr, nullptr, pkey,
                                     nullptr) == 1 &&
               EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
               EVP_DigestSign(ctx.get(), sig, &len,
                              reinterpret_cast<const unsigned char*>(data.data()),
                              data.size()) == 1;
    }
    /// 1 when valid, 0 or negative when not; `init_failed` when no context could be set up.
    static int digest_verify(EVP_PKEY* pkey, std::string_view data, const unsigned char* sig,
                             std::size_t len, bool& init_failed) noexcept
    {
        detail::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
        EVP_PKEY_CTX* pctx = nullptr;
        init_failed = !ctx ||
                      EVP_DigestVerifyInit_ex(ctx.get(), &pctx, Digest::openssl_name, nullptr,
                                              nullptr, pkey, nullptr) != 1 ||
                      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1;
        if (init_failed) return -1;
        return EVP_DigestVerify(ctx.get(), sig, len,
                                reinterpret_cast<const unsigned char*>(data.data()), data.size());
    }

    /// Whether `key` conforms to `policy`; OpenSSL's error queue is left as it was.
    static bool conforms(EVP_PKEY* key, const rsa_key_policy& policy) noexcept
    {
        ERR_set_mark();
        const bool ok = !detail::check_rsa_key_policy(key, policy).violated();
        ERR_pop_to_mark();
        return ok;
    }

    static std::error_code refusal_or_failure()
    {
        const bool refused = detail::last_error_is_policy_refusal();
        detail::clear_openssl_errors();
        return make_error_code(refused ? errc::crypto_policy_refused : errc::crypto_failure);
    }

    private_key private_;
    public_key public_;
    bool within_policy_ = true;
    mutable detail::rsa_context_pool sign_contexts_;
    mutable detail::rsa_context_pool verify_contexts_;
};

using rsa_sha1 = rsa_signer<detail::sha1_digest, signature_method::rsa_sha1>;
using rsa_sha256 = rsa_signer<detail::sha256_digest, signature_method::rsa_sha256>;
using rsa_sha512 = rsa_signer<detail::sha512_digest, signature_method::rsa_sha512>;

/// C++17 detection of the signer requirements (see the top of this header).
template <class T, class = void>
struct is_signer : std::false_type {};

template <class T>
struct is_signer<
    T, std::void_t<decltype(std::string_view{std::declval<const T&>().name()}),
                   decltype(std::declval<T&>().set_token_secret(std::string_view{})),
                   decltype(std::declval<const T&>().sign(std::string_view{},
                                                          std::declval<std::string&>(),
                                                          std::declval<std::error_code&>())),
                   decltype(bool{std::declval<const T&>().verify(
                       std::string_view{}, std::string_view{}, std::declval<std::error_code&>())})>>
    : std::true_type {};

template <class T>
inline constexpr bool is_signer_v = is_signer<T>::value;

#if OAUTH1_HAS_CONCEPTS
/// C++20 form of the signer requirements.
template <class T>
concept signer = requires(T& s, const T& cs, std::string_view sv, std::string& out,
                          std::error_code& ec)
{
    {
        cs.name()
        } -> std::convertible_to<std::string_view>;
    s.set_token_secret(sv);
    cs.sign(sv, out, ec);
    {
        cs.verify(sv, sv, ec)
        } -> std::convertible_to<bool>;
};
#endif

/// A signer chosen at run time (e.g. from a configuration file's method name).
class any_signer {
public:
    using variant_type = std::variant<hmac_sha1, hmac_sha256, hmac_sha512, rsa_sha1, rsa_sha256,
                                      rsa_sha512, plaintext>;

    template <class Signer,
              class = std::enable_if_t<std::is_constructible_v<variant_type, Signer&&>>>
    any_signer(Signer s) : v_(std::move(s)) // NOLINT(google-explicit-constructor)
    {}

    /// Builds the signer for `method`: HMAC-SHA* and PLAINTEXT use the consumer secret (and no
    /// token secret yet: see set_token_secret), RSA-SHA* the key, checked against the default
    /// rsa_key_policy.
    /// errc::key_required when an RSA method has no key; errc::key_not_rsa for a non-RSA key;
    /// errc::key_policy_violation for an RSA key outside the policy.
    /// @par Specification RFC 5849 §3.4.
    static std::optional<any_signer> make(signature_method method, std::string_view consumer_secret,
                                          const private_key& key, std::error_code& ec)
    {
        return build(method, consumer_secret, {}, key, rsa_key_policy{}, ec);
    }

    /// Throwing form of make().
    static any_signer make(signature_method method, std::string_view consumer_secret,
                           const private_key& key = {})
    {
        std::error_code ec;
        auto s = build(method, consumer_secret, {}, key, rsa_key_policy{}, ec);
        if (ec) throw_make_error(method, key, rsa_key_policy{}, ec);
        return std::move(*s);
    }

    /// Builds the signer of `method` for one request from all its credentials: HMAC-SHA* and
    /// PLAINTEXT keyed with both secrets, RSA-SHA* with `key` (a private_key, or a public_key,
    /// which gives an RSA-SHA* signer that only verifies: what a provider holds and needs). The
    /// secrets are ignored for RSA-SHA*, the key for the other methods. An RSA key must conform
    /// to `policy`.
    /// @code
    /// // provider side: the verifier of the request's method
    /// std::optional<oauth1::any_signer> v = oauth1::any_signer::make(
    ///     method, consumer.secret, token.secret, consumer.rsa_key, ec); // rsa_key: public_key
    /// bool ok = v && v->verify(base_string, signature, ec);
    /// @endcode
    /// @param ec key_required (RSA method, empty key), key_not_rsa, key_policy_violation,
    ///        unsupported_signature_method.
    /// @par Specification RFC 5849 §3.4.2 - §3.4.4.
    template <class Key, class = std::enable_if_t<std::is_same_v<Key, private_key> ||
                                                  std::is_same_v<Key, public_key>>>
    static std::optional<any_signer> make(signature_method method, std::string_view consumer_secret,
                                          std::string_view token_secret, const Key& key,
                                          const rsa_key_policy& policy, std::error_code& ec)
    {
        return build(method, consumer_secret, token_secret, key, policy, ec);
    }

    /// As above, with the default rsa_key_policy.
    template <class Key, class = std::enable_if_t<std::is_same_v<Key, private_key> ||
                                                  std::is_same_v<Key, public_key>>>
    static std::optional<any_signer> make(signature_method method, std::string_view consumer_secret,
                                          std::string_view token_secret, const Key& key,
                                          std::error_code& ec)
    {
        return build(method, consumer_secret, token_secret, key, rsa_key_policy{}, ec);
    }

    /// As above, throwing oauth1::error (the message names the method and, for a key outside the
    /// policy, what is wrong with it).
    template <class Key, class = std::enable_if_t<std::is_same_v<Key, private_key> ||
                                                  std::is_same_v<Key, public_key>>>
    static any_signer make(signature_method method, std::string_view consumer_secret,
                           std::string_view token_secret, const Key& key,
                           const rsa_key_policy& policy = {})
    {
        std::error_code ec;
        auto s = build(method, consumer_secret, token_secret, key, policy, ec);
        if (ec) throw_make_error(method, key, policy, ec);
        return std::move(*s);
    }

    /// Same, with the method given by its protocol name; errc::unsupported_signature_method
    /// when the name is unknown.
    static std::optional<any_signer> make(std::string_view method_name,
                                          std::string_view consumer_secret, const private_key& key,
                                          std::error_code& ec)
    {
        const auto m = parse_signature_method(method_name);
        if (!m) {
            ec = make_error_code(errc::unsupported_signature_method);
            return std::nullopt;
        }
        return make(*m, consumer_secret, key, ec);
    }

    signature_method method() const noexcept
    {
        return std::visit([](const auto& s) { return std::decay_t<decltype(s)>::method(); }, v_);
    }
    std::string_view name() const noexcept { return to_string(method()); }

    void set_token_secret(std::string_view ts)
    {
        std::visit([ts](auto& s) { s.set_token_secret(ts); }, v_);
    }
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const
    {
        std::visit([&](const auto& s) { s.sign(base_string, out, ec); }, v_);
    }
    bool verify(std::string_view base_string, std::string_view signature, std::error_code& ec) const
    {
        return std::visit([&](const auto& s) { return s.verify(base_string, signature, ec); }, v_);
    }

    const variant_type& variant() const noexcept { return v_; }

private:
    template <class Key>
    static std::optional<any_signer>
    build(signature_method method, std::string_view consumer_secret, std::string_view token_secret,
          const Key& key, const rsa_key_policy& policy, std::error_code& ec)
    {
        ec.clear();
        if (is_rsa(method)) {
            if (!key) {
                ec = make_error_code(errc::key_required);
                return std::nullopt;
            }
            if (!key.is_rsa()) {
                ec = make_error_code(errc::key_not_rsa);
                return std::nullopt;
            }
        }
        switch (method) {
        case signature_method::hmac_sha1:
            return any_signer(hmac_sha1(consumer_secret, token_secret));
        case signature_method::hmac_sha256:
            return any_signer(hmac_sha256(consumer_secret, token_secret));
        case signature_method::hmac_sha512:
            return any_signer(hmac_sha512(consumer_secret, token_secret));
        case signature_method::rsa_sha1: return within_policy(rsa_sha1(key, policy), ec);
        case signature_method::rsa_sha256: return within_policy(rsa_sha256(key, policy), ec);
        case signature_method::rsa_sha512: return within_policy(rsa_sha512(key, policy), ec);
        case signature_method::plaintext:
            return any_signer(plaintext(consumer_secret, token_secret));
        }
        ec = make_error_code(errc::unsupported_signature_method);
        return std::nullopt;
    }

    template <class Rsa>
    static std::optional<any_signer> within_policy(Rsa&& signer, std::error_code& ec)
    {
        if (!signer.key_within_policy()) {
            ec = make_error_code(errc::key_policy_violation);
            return std::nullopt;
        }
        return any_signer(std::forward<Rsa>(signer));
    }

    template <class Key>
    [[noreturn]] static void throw_make_error(signature_method method, const Key& key,
                                              const rsa_key_policy& policy,
                                              const std::error_code& ec)
    {
        std::string what(to_string(method));
        if (what.empty()) what = "signature method";
        if (ec == errc::key_policy_violation) what += ": " + rsa_key_policy_violation(key, policy);
        detail::throw_error(ec, what);
    }

    variant_type v_;
};

/// Signs a finished base string with any signer; throws oauth1::error on failure.
template <class Signer>
std::string sign_base_string(const Signer& s, std::string_view base_string)
{
    static_assert(is_signer_v<Signer>, "Signer does not meet the oauth1 signer requirements");
    std::string out;
    std::error_code ec;
    s.sign(base_string, out, ec);
    detail::throw_if(ec, "signing");
    return out;
}

} // namespace oauth1

#endif // OAUTH1_SIGNATURE_METHOD_HPP
