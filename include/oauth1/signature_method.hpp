// oauth1/signature_method.hpp - the signature methods of RFC 5849 3.4: HMAC-SHA1 (3.4.2),
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

/// The signature methods oauth1 implements (RFC 5849 3.4).
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

/// HMAC-SHA* (RFC 5849 3.4.2): key = enc(consumer secret) "&" enc(token secret), the signature is
/// the base64 of HMAC(key, base string). The key schedule is computed once per secret pair.
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
    ~hmac_signer() { detail::wipe(consumer_secret_); }

    static constexpr std::string_view name() noexcept { return to_string(Method); }

    /// Rekeys with a new token secret (e.g. after obtaining token credentials, RFC 5849 2.3).
    void set_token_secret(std::string_view token_secret)
    {
        std::string pair = detail::secret_pair(consumer_secret_, token_secret);
        key_.set_key(pair);
        detail::wipe(pair);
    }

    /// Appends base64(HMAC(key, base_string)) to `out`.
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        unsigned char mac[Digest::size];
        if (!key_.compute(base_string, mac)) {
            detail::clear_openssl_errors();
            ec = make_error_code(errc::crypto_failure);
            return;
        }
        detail::base64_append(mac, sizeof mac, out);
    }

    /// True when `signature` is the base64 HMAC of `base_string`; compared in constant time.
    bool verify(std::string_view base_string, std::string_view signature, std::error_code& ec) const
    {
        ec.clear();
        unsigned char mac[Digest::size];
        if (!key_.compute(base_string, mac)) {
            detail::clear_openssl_errors();
            ec = make_error_code(errc::crypto_failure);
            return false;
        }
        char expected[detail::base64_encoded_size(Digest::size)];
        detail::base64_encode(mac, sizeof mac, expected);
        return detail::constant_time_equal(std::string_view(expected, sizeof expected), signature);
    }

private:
    std::string consumer_secret_;
    detail::hmac_key<Digest> key_;
};

using hmac_sha1 = hmac_signer<detail::sha1_digest, signature_method::hmac_sha1>;
using hmac_sha256 = hmac_signer<detail::sha256_digest, signature_method::hmac_sha256>;
using hmac_sha512 = hmac_signer<detail::sha512_digest, signature_method::hmac_sha512>;

/// PLAINTEXT (RFC 5849 3.4.4): the signature is enc(consumer secret) "&" enc(token secret).
/// Only safe over TLS.
class plaintext {
public:
    static constexpr signature_method method() noexcept { return signature_method::plaintext; }

    explicit plaintext(std::string_view consumer_secret, std::string_view token_secret = {})
        : consumer_secret_(consumer_secret)
    {
        set_token_secret(token_secret);
    }
    plaintext(const plaintext&) = default;
    plaintext(plaintext&&) noexcept = default;
    plaintext& operator=(const plaintext&) = default;
    plaintext& operator=(plaintext&&) noexcept = default;
    ~plaintext()
    {
        detail::wipe(consumer_secret_);
        detail::wipe(signature_);
    }

    static constexpr std::string_view name() noexcept { return "PLAINTEXT"; }

    void set_token_secret(std::string_view token_secret)
    {
        detail::wipe(signature_);
        signature_ = detail::secret_pair(consumer_secret_, token_secret);
    }

    void sign(std::string_view /*base_string*/, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        out.append(signature_);
    }

    bool verify(std::string_view /*base_string*/, std::string_view signature,
                std::error_code& ec) const
    {
        ec.clear();
        return detail::constant_time_equal(signature_, signature);
    }

private:
    std::string consumer_secret_;
    std::string signature_;
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

/// RSA-SHA* (RFC 5849 3.4.3): RSASSA-PKCS1-v1_5 (RFC 3447 8.2) over the base string with the
/// consumer's RSA private key, base64-encoded. Secrets are not used. Built from a private key it
/// signs and verifies; built from a public key or certificate it only verifies.
/// A system crypto policy that refuses the digest (e.g. SHA-1 signatures disabled) is reported as
/// errc::crypto_policy_refused.
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

    explicit rsa_signer(private_key key) : private_(std::move(key))
    {
        if (private_) public_ = private_.public_part();
    }
    explicit rsa_signer(public_key key) noexcept : public_(std::move(key)) {}

    static constexpr std::string_view name() noexcept { return to_string(Method); }

    void set_token_secret(std::string_view /*token_secret*/) noexcept {}

    const private_key& key() const noexcept { return private_; }
    const public_key& verification_key() const noexcept { return public_; }

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
            if (op.get() != nullptr) r = op.get()->verify(base_string, raw_sig, raw_size);
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
        // 0 is "signature does not match"; negative values are errors, which count as a mismatch
        // unless the policy refused the algorithm.
        if (r != 1) {
            if (detail::last_error_is_policy_refusal())
                ec = make_error_code(errc::crypto_policy_refused);
            detail::clear_openssl_errors();
            return false;
        }
        return true;
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

    static std::error_code refusal_or_failure()
    {
        const bool refused = detail::last_error_is_policy_refusal();
        detail::clear_openssl_errors();
        return make_error_code(refused ? errc::crypto_policy_refused : errc::crypto_failure);
    }

    private_key private_;
    public_key public_;
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

    /// Builds the signer for `method`: HMAC-SHA* and PLAINTEXT use the secrets, RSA-SHA* the key.
    /// errc::key_required when an RSA method has no key; errc::key_not_rsa for a non-RSA key.
    static std::optional<any_signer> make(signature_method method, std::string_view consumer_secret,
                                          const private_key& key, std::error_code& ec)
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
        case signature_method::hmac_sha1: return any_signer(hmac_sha1(consumer_secret));
        case signature_method::hmac_sha256: return any_signer(hmac_sha256(consumer_secret));
        case signature_method::hmac_sha512: return any_signer(hmac_sha512(consumer_secret));
        case signature_method::rsa_sha1: return any_signer(rsa_sha1(key));
        case signature_method::rsa_sha256: return any_signer(rsa_sha256(key));
        case signature_method::rsa_sha512: return any_signer(rsa_sha512(key));
        case signature_method::plaintext: return any_signer(plaintext(consumer_secret));
        }
        ec = make_error_code(errc::unsupported_signature_method);
        return std::nullopt;
    }

    /// Throwing form of make().
    static any_signer make(signature_method method, std::string_view consumer_secret,
                           const private_key& key = {})
    {
        std::error_code ec;
        auto s = make(method, consumer_secret, key, ec);
        detail::throw_if(ec, to_string(method).data());
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
