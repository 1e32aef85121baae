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
//
// This header declares; the long definitions are in oauth1/impl/signature_method.ipp (included
// at its end) and the machinery in oauth1/detail/signer_secrets.hpp and
// oauth1/detail/rsa_context.hpp (private).
#ifndef OAUTH1_SIGNATURE_METHOD_HPP
#define OAUTH1_SIGNATURE_METHOD_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/digest.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/detail/rsa_context.hpp>
#include <oauth1/detail/secret.hpp>
#include <oauth1/detail/signer_secrets.hpp>
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
    /// The signature method (RFC 5849 §3.4.2).
    static constexpr signature_method method() noexcept { return Method; }

    /// Keys HMAC with enc(consumer secret) "&" enc(token secret) (RFC 5849 §3.4.2).
    explicit hmac_signer(std::string_view consumer_secret, std::string_view token_secret = {})
        : consumer_secret_(consumer_secret)
    {
        set_token_secret(token_secret);
    }
    /// Copies the secrets and the key schedule.
    hmac_signer(const hmac_signer&) = default;
    /// Moves the secrets out; the moved-from signer holds none (see above).
    hmac_signer(hmac_signer&&) noexcept = default;
    /// Copies the secrets over (the old ones are wiped).
    hmac_signer& operator=(const hmac_signer&) = default;
    /// Moves the secrets over (the old ones are wiped).
    hmac_signer& operator=(hmac_signer&&) noexcept = default;
    ~hmac_signer() = default; // the members wipe themselves

    /// The name sent in oauth_signature_method, e.g. "HMAC-SHA1".
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
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const;

    /// True when `signature` is the base64 HMAC of `base_string`; compared in constant time.
    /// The expected signature (valid for this base string) is wiped from the stack afterwards.
    bool verify(std::string_view base_string, std::string_view signature,
                std::error_code& ec) const;

private:
    detail::secret_bytes consumer_secret_;
    detail::hmac_key<Digest> key_;
};

/// HMAC-SHA1 (RFC 5849 §3.4.2).
using hmac_sha1 = hmac_signer<detail::sha1_digest, signature_method::hmac_sha1>;
/// HMAC-SHA256 (RFC 5849 §3.4.2 with SHA-256, as providers such as NetSuite use it).
using hmac_sha256 = hmac_signer<detail::sha256_digest, signature_method::hmac_sha256>;
/// HMAC-SHA512 (RFC 5849 §3.4.2 with SHA-512).
using hmac_sha512 = hmac_signer<detail::sha512_digest, signature_method::hmac_sha512>;

/// PLAINTEXT (RFC 5849 §3.4.4): the signature is enc(consumer secret) "&" enc(token secret).
/// Only safe over TLS.
///
/// Secrets: the consumer secret and the signature (the secret pair) are kept and wiped as for
/// hmac_signer; a moved-from PLAINTEXT signer fails with errc::key_required.
class plaintext {
public:
    /// The signature method (RFC 5849 §3.4.4).
    static constexpr signature_method method() noexcept { return signature_method::plaintext; }

    /// The signature is enc(consumer secret) "&" enc(token secret) (RFC 5849 §3.4.4).
    explicit plaintext(std::string_view consumer_secret, std::string_view token_secret = {})
        : consumer_secret_(consumer_secret)
    {
        detail::secret_pair_into(consumer_secret_.view(), token_secret, signature_);
    }
    /// Copies the secrets.
    plaintext(const plaintext&) = default;
    /// Moves the secrets out; the moved-from signer holds none.
    plaintext(plaintext&&) noexcept = default;
    /// Copies the secrets over (the old ones are wiped).
    plaintext& operator=(const plaintext&) = default;
    /// Moves the secrets over (the old ones are wiped).
    plaintext& operator=(plaintext&&) noexcept = default;
    ~plaintext() = default; // the members wipe themselves

    /// "PLAINTEXT", as sent in oauth_signature_method.
    static constexpr std::string_view name() noexcept { return "PLAINTEXT"; }

    /// Changes the token secret. No effect on a moved-from signer.
    void set_token_secret(std::string_view token_secret)
    {
        if (signature_.empty()) return; // moved from: a signature is never empty ("&" at least)
        detail::secret_pair_into(consumer_secret_.view(), token_secret, signature_);
    }

    /// Appends the PLAINTEXT signature (the base string is not used, RFC 5849 §3.4.4).
    void sign(std::string_view /*base_string*/, std::string& out, std::error_code& ec) const
    {
        ec.clear();
        if (signature_.empty()) {
            ec = make_error_code(errc::key_required);
            return;
        }
        out.append(signature_.view());
    }

    /// True when `signature` is the secret pair, compared in constant time (RFC 5849 §3.4.4).
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
    /// The signature method (RFC 5849 §3.4.3).
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

    /// The name sent in oauth_signature_method, e.g. "RSA-SHA1".
    static constexpr std::string_view name() noexcept { return to_string(Method); }

    /// No effect: RSA-SHA* signatures do not use the token secret (RFC 5849 §3.4.3).
    void set_token_secret(std::string_view /*token_secret*/) noexcept {}

    /// The private key (empty for a verify-only signer).
    const private_key& key() const noexcept { return private_; }
    /// The public key signatures are verified with.
    const public_key& verification_key() const noexcept { return public_; }
    /// False when the key given at construction is outside the policy given there.
    bool key_within_policy() const noexcept { return within_policy_; }

    /// Appends base64(RSASSA-PKCS1-v1_5-SIGN(key, Digest(base_string))) to `out`.
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const;

    /// True when `signature` (base64) is a valid signature of `base_string` under the public key.
    /// A signature that is not valid base64 gives false with errc::invalid_signature_encoding.
    bool verify(std::string_view base_string, std::string_view signature,
                std::error_code& ec) const;

private:
    // The one-shot EVP_DigestSign / EVP_DigestVerify path with a fresh context, for when no
    // prepared context can be made or one fails: a key that some provider only signs through
    // EVP_DigestSign still works, and errors are classified exactly as before.
    static bool digest_sign(EVP_PKEY* pkey, std::string_view data, unsigned char* sig,
                            std::size_t& len) noexcept;
    /// 1 when valid, 0 or negative when not; `init_failed` when no context could be set up.
    static int digest_verify(EVP_PKEY* pkey, std::string_view data, const unsigned char* sig,
                             std::size_t len, bool& init_failed) noexcept;

    /// Whether `key` conforms to `policy`; OpenSSL's error queue is left as it was.
    static bool conforms(EVP_PKEY* key, const rsa_key_policy& policy) noexcept;

    static std::error_code refusal_or_failure();

    private_key private_;
    public_key public_;
    bool within_policy_ = true;
    mutable detail::rsa_context_pool sign_contexts_;
    mutable detail::rsa_context_pool verify_contexts_;
};

/// RSA-SHA1 (RFC 5849 §3.4.3: RSASSA-PKCS1-v1_5 with SHA-1), what JIRA uses.
using rsa_sha1 = rsa_signer<detail::sha1_digest, signature_method::rsa_sha1>;
/// RSA-SHA256 (RFC 5849 §3.4.3 with SHA-256).
using rsa_sha256 = rsa_signer<detail::sha256_digest, signature_method::rsa_sha256>;
/// RSA-SHA512 (RFC 5849 §3.4.3 with SHA-512).
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

/// Whether T meets the signer requirements (name, set_token_secret, sign, verify).
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
    /// Every signer any_signer can hold.
    using variant_type = std::variant<hmac_sha1, hmac_sha256, hmac_sha512, rsa_sha1, rsa_sha256,
                                      rsa_sha512, plaintext>;

    /// Holds `s`, one of the built-in signers (implicit: any signer converts).
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
    /// @param method the signature method (oauth_signature_method).
    /// @param consumer_secret the consumer secret (HMAC-SHA*, PLAINTEXT).
    /// @param token_secret the token secret (HMAC-SHA*, PLAINTEXT; empty when none).
    /// @param key the RSA key (private_key to sign, public_key to verify).
    /// @param policy what RSA keys are accepted.
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

    /// The signature method of the signer held (RFC 5849 §3.4).
    signature_method method() const noexcept
    {
        return std::visit([](const auto& s) { return std::decay_t<decltype(s)>::method(); }, v_);
    }
    /// The method's name as sent in oauth_signature_method (RFC 5849 §3.4).
    std::string_view name() const noexcept { return to_string(method()); }

    /// Rekeys with a new token secret (RFC 5849 §3.4.2; no effect for RSA-SHA*).
    void set_token_secret(std::string_view ts)
    {
        std::visit([ts](auto& s) { s.set_token_secret(ts); }, v_);
    }
    /// Appends the signature of `base_string` to `out` (RFC 5849 §3.4).
    void sign(std::string_view base_string, std::string& out, std::error_code& ec) const
    {
        std::visit([&](const auto& s) { s.sign(base_string, out, ec); }, v_);
    }
    /// True when `signature` is valid for `base_string` (RFC 5849 §3.4), compared in constant time.
    bool verify(std::string_view base_string, std::string_view signature, std::error_code& ec) const
    {
        return std::visit([&](const auto& s) { return s.verify(base_string, signature, ec); }, v_);
    }

    /// The signer held, as a std::variant.
    const variant_type& variant() const noexcept { return v_; }

private:
    template <class Key>
    static std::optional<any_signer>
    build(signature_method method, std::string_view consumer_secret, std::string_view token_secret,
          const Key& key, const rsa_key_policy& policy, std::error_code& ec);

    template <class Rsa>
    static std::optional<any_signer> within_policy(Rsa&& signer, std::error_code& ec);

    template <class Key>
    [[noreturn]] static void throw_make_error(signature_method method, const Key& key,
                                              const rsa_key_policy& policy,
                                              const std::error_code& ec);

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

// Definitions in both modes (the built-in signers are extern templates under
// OAUTH1_SEPARATE_COMPILATION: see client.hpp and src.hpp).
#include <oauth1/impl/signature_method.ipp>

#endif // OAUTH1_SIGNATURE_METHOD_HPP
