// oauth1/keys.hpp - RSA (and other) keys for the RSA-SHA* signature methods (RFC 5849 §3.4.3):
// loading private and public keys in every format a consumer or provider meets, generating a key
// pair and exporting it (PEM, DER, and the one-line base64 that JIRA's config.properties holds).
//
// Formats are detected from the bytes, never from a file name. Messages of thrown errors name the
// format tried and OpenSSL's reason strings only: never key bytes, base64 text or a passphrase.
// OpenSSL is never allowed to prompt for a passphrase on the terminal.
//
// Every loader refuses an RSA key outside an rsa_key_policy (by default: a 1024..16384-bit odd
// modulus and an odd public exponent 3 <= e < 2^32) with errc::key_policy_violation, since such a
// key lets anyone forge signatures (e = 1), is no RSA key at all (even modulus or exponent), is
// factorable (512 bits) or makes every verification expensive (a huge modulus).
#ifndef OAUTH1_KEYS_HPP
#define OAUTH1_KEYS_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/error.hpp>

#include <openssl/bn.h>
#include <openssl/core.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h> // EVP_PKEY_CTX_set_rsa_keygen_bits (an EVP function, not RSA_*)
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

namespace detail {

/// A new owning reference to `key` (EVP_PKEY_up_ref), or null.
inline evp_pkey_ptr share_pkey(EVP_PKEY* key) noexcept
{
    if (key == nullptr || EVP_PKEY_up_ref(key) != 1) return evp_pkey_ptr{};
    return evp_pkey_ptr{key};
}

/// A new EVP_PKEY holding only the public half of `key` (via SubjectPublicKeyInfo DER).
inline evp_pkey_ptr public_half(EVP_PKEY* key) noexcept
{
    if (key == nullptr) return evp_pkey_ptr{};
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    const openssl_bytes_ptr owner{der};
    if (len <= 0 || der == nullptr) return evp_pkey_ptr{};
    const unsigned char* p = der;
    return evp_pkey_ptr{d2i_PUBKEY(nullptr, &p, static_cast<long>(len))};
}

/// Encodes `key` with an OSSL_ENCODER (`type` "PEM" or "DER", `structure` e.g.
/// "PrivateKeyInfo"). Private output is wiped from OpenSSL's buffer after the copy.
template <class Out>
bool encode_pkey(EVP_PKEY* key, int selection, const char* type, const char* structure, Out& out)
{
    const ossl_encoder_ctx_ptr ctx{
        OSSL_ENCODER_CTX_new_for_pkey(key, selection, type, structure, nullptr)};
    if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0) return false;
    unsigned char* data = nullptr;
    std::size_t len = 0;
    if (OSSL_ENCODER_to_data(ctx.get(), &data, &len) != 1 || data == nullptr) return false;
    struct wipe_and_free {
        unsigned char* p;
        std::size_t n;
        ~wipe_and_free() { OPENSSL_clear_free(p, n); }
    } const guard{data, len};
    out.assign(data, data + len);
    return true;
}

[[noreturn]] inline void throw_error(const std::error_code& ec, const std::string& what)
{
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
    throw error(ec, what);
#else
    (void)ec;
    (void)what;
    std::abort();
#endif
}

/// What private_key and public_key share: one reference to an OpenSSL `EVP_PKEY` (copies
/// share it through EVP_PKEY_up_ref and never throw; moves leave the source empty), the
/// accessors, and export through an OSSL_ENCODER.
class pkey_holder {
public:
    /// The OpenSSL key, still owned by this object (null when empty).
    EVP_PKEY* native_handle() const noexcept { return key_.get(); }
    explicit operator bool() const noexcept { return key_ != nullptr; }
    /// Size of the key in bits (modulus size for RSA); 0 when empty.
    int bits() const noexcept { return key_ ? EVP_PKEY_get_bits(key_.get()) : 0; }
    /// True for an RSA key (PKCS#1 v1.5, RFC 5849 §3.4.3); false when empty.
    bool is_rsa() const noexcept { return key_ && EVP_PKEY_is_a(key_.get(), "RSA") == 1; }
    /// OpenSSL's name of the key type ("RSA", "EC", ...); "" when empty.
    const char* type_name() const noexcept
    {
        const char* name = key_ ? EVP_PKEY_get0_type_name(key_.get()) : nullptr;
        return name != nullptr ? name : "";
    }

protected:
    pkey_holder() noexcept = default;
    explicit pkey_holder(evp_pkey_ptr key) noexcept : key_(std::move(key)) {}
    pkey_holder(const pkey_holder& other) noexcept : key_(share_pkey(other.key_.get())) {}
    pkey_holder(pkey_holder&&) noexcept = default;
    pkey_holder& operator=(const pkey_holder& other) noexcept
    {
        if (this != &other) key_ = share_pkey(other.key_.get());
        return *this;
    }
    pkey_holder& operator=(pkey_holder&&) noexcept = default;
    ~pkey_holder() = default;

    /// Exports the key's `selection` as `structure` in `type` ("PEM" or "DER") into `out`;
    /// throws oauth1::error naming `what` ("private key") and `as` ("as PKCS#8 "):
    /// invalid_argument when empty, crypto_failure with OpenSSL's reasons.
    template <class Out>
    void encode(int selection, const char* structure, const char* what, const char* as,
                const char* type, Out& out) const
    {
        if (!key_)
            throw_error(make_error_code(errc::invalid_argument),
                        std::string("exporting ") + what + ": the key is empty");
        clear_openssl_errors();
        if (!encode_pkey(key_.get(), selection, type, structure, out)) {
            const std::string why = openssl_error_reasons();
            throw_error(make_error_code(errc::crypto_failure), std::string("exporting ") + what +
                                                                   " " + as + type +
                                                                   (why.empty() ? "" : ": " + why));
        }
    }

    evp_pkey_ptr key_;
};

} // namespace detail

class public_key;

/// A private key (normally RSA) for signing: owns one reference to an OpenSSL `EVP_PKEY`.
///
/// Copies share the same `EVP_PKEY` (reference counted with EVP_PKEY_up_ref) and never throw;
/// moves are noexcept and leave the source empty. A key is immutable once loaded, so one key may
/// sign from many threads at once. OpenSSL wipes the key material when the last reference goes.
/// Obtain one from load_private_key(), load_private_key_file() or generate_rsa_key().
class private_key : public detail::pkey_holder {
public:
    /// An empty key (`!key`); every loader failure returns one.
    private_key() noexcept = default;
    /// Adopts `key`, which must hold a private key (it is not checked).
    explicit private_key(detail::evp_pkey_ptr key) noexcept : pkey_holder(std::move(key)) {}

    /// The public half, for verification (e.g. by a provider). Empty when this key is empty.
    /// @throws oauth1::error (crypto_failure) if OpenSSL cannot extract it.
    inline public_key public_part() const;
    /// As above; sets `ec` (crypto_failure) instead of throwing.
    inline public_key public_part(std::error_code& ec) const noexcept;

    /// PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), unencrypted, with a trailing newline.
    /// @throws oauth1::error (invalid_argument when empty, crypto_failure).
    std::string to_pem() const
    {
        std::string out;
        encode("PEM", out);
        return out;
    }
    /// PKCS#8 DER (PrivateKeyInfo). @throws oauth1::error (invalid_argument, crypto_failure).
    std::vector<unsigned char> to_der() const
    {
        std::vector<unsigned char> out;
        encode("DER", out);
        return out;
    }
    /// Base64 of the PKCS#8 DER on one line without header, footer or newline: exactly the
    /// `private_key=` value of JIRA's OAuth `config.properties`.
    /// @throws oauth1::error (invalid_argument when empty, crypto_failure).
    std::string to_pkcs8_base64() const
    {
        std::vector<unsigned char> der;
        encode("DER", der);
        std::string out;
        detail::base64_append(der.data(), der.size(), out);
        OPENSSL_cleanse(der.data(), der.size());
        return out;
    }

private:
    template <class Out>
    void encode(const char* type, Out& out) const
    {
        pkey_holder::encode(EVP_PKEY_KEYPAIR, "PrivateKeyInfo", "private key", "as PKCS#8 ", type,
                            out);
    }
};

/// A public key for verifying signatures: owns one reference to an OpenSSL `EVP_PKEY` that
/// holds no private material. Copy, move and thread-safety as for private_key.
class public_key : public detail::pkey_holder {
public:
    public_key() noexcept = default;
    /// Adopts `key`. If it also holds a private key, prefer private_key::public_part().
    explicit public_key(detail::evp_pkey_ptr key) noexcept : pkey_holder(std::move(key)) {}

    /// SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"), with a trailing newline.
    /// @throws oauth1::error (invalid_argument when empty, crypto_failure).
    std::string to_pem() const
    {
        std::string out;
        encode("PEM", out);
        return out;
    }
    /// SubjectPublicKeyInfo DER. @throws oauth1::error (invalid_argument, crypto_failure).
    std::vector<unsigned char> to_der() const
    {
        std::vector<unsigned char> out;
        encode("DER", out);
        return out;
    }

private:
    template <class Out>
    void encode(const char* type, Out& out) const
    {
        pkey_holder::encode(EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo", "public key", "as ", type,
                            out);
    }
};

inline public_key private_key::public_part(std::error_code& ec) const noexcept
{
    ec.clear();
    if (!key_) return public_key{};
    detail::evp_pkey_ptr pub = detail::public_half(key_.get());
    detail::clear_openssl_errors();
    if (!pub) ec = make_error_code(errc::crypto_failure);
    return public_key{std::move(pub)};
}

inline public_key private_key::public_part() const
{
    std::error_code ec;
    public_key pub = public_part(ec);
    if (ec) detail::throw_error(ec, "extracting the public key");
    return pub;
}

// ---- RSA key policy ---------------------------------------------------------------------------

/// Which RSA keys are accepted, checked when a key is loaded (load_private_key, load_public_key,
/// public_key_from_certificate and their _file forms) and when an RSA-SHA* signer is built from a
/// key (rsa_signer, any_signer::make). Keys of other types are not checked here (the RSA-SHA*
/// signers refuse them with errc::key_not_rsa); RSA-PSS keys are checked like RSA keys.
///
/// The defaults refuse what lets anyone forge or hurt a verifier: e = 1 (every signature is its
/// own padded digest), an even e or an even modulus (no RSA key), moduli under 1024 bits
/// (512-bit keys are factored in hours) and over 16384 bits (OpenSSL's own maximum,
/// OPENSSL_RSA_MAX_MODULUS_BITS: larger moduli are refused by its RSA operations anyway, and a
/// hostile key could otherwise make every verification slow), and exponents of more than 32 bits
/// (e < 2^32: OpenSSL allows up to 64 bits for moduli over 3072 bits and any e < n below that,
/// but every real key uses 3, 17 or 65537 and many verifiers, e.g. Windows CNG, take no more than
/// 32 bits). Two rules are not configurable: the modulus and the exponent must be odd, and
/// e >= 3 (a smaller min_public_exponent counts as 3; a max_modulus_bits over 16384 as 16384).
///
/// Example, a provider that must accept one legacy partner's 768-bit key (discouraged):
/// @code
/// oauth1::rsa_key_policy legacy;
/// legacy.min_modulus_bits = 768;
/// oauth1::public_key k = oauth1::load_public_key_file("partner.pem", legacy);
/// oauth1::rsa_sha1 verifier(k, legacy); // the signer checks against the same policy
/// @endcode
/// @par Specification RFC 5849 §3.4.3 (RSASSA-PKCS1-v1_5, RFC 3447 §3.1 / §8.2).
struct rsa_key_policy {
    /// Smallest modulus accepted, in bits.
    unsigned min_modulus_bits = 1024;
    /// Largest modulus accepted, in bits (at most 16384).
    unsigned max_modulus_bits = 16384;
    /// Smallest public exponent accepted (at least 3). NIST SP 800-56B asks for 65537.
    std::uint64_t min_public_exponent = 3;
    /// Largest size of the public exponent, in bits: e < 2^max_public_exponent_bits.
    unsigned max_public_exponent_bits = 32;
    /// Also run OpenSSL's own public key check (EVP_PKEY_public_check: SP 800-56B, i.e. no
    /// factor below 752 and the modulus not a prime or a prime power). Off by default: its
    /// Miller-Rabin test of the modulus costs about 4 ms at 2048 bits, 130 ms at 8192 bits and
    /// about a second at 16384 bits, at every load and every signer construction.
    bool openssl_public_check = false;
};

namespace detail {

/// The outcome of checking one key against an rsa_key_policy; holds sizes, never key material.
struct rsa_policy_verdict {
    enum class problem {
        none,
        unreadable,        // the modulus or exponent could not be read from the key
        modulus_too_small, // bits < limit
        modulus_too_large, // bits > limit
        modulus_even,
        exponent_even,
        exponent_too_small, // e < limit
        exponent_too_large, // bits > limit
        openssl_check,      // EVP_PKEY_public_check failed
    };
    problem what = problem::none;
    int bits = 0;            // the modulus' or exponent's size, when the problem is about it
    std::uint64_t limit = 0; // the policy's bound that was crossed

    bool violated() const noexcept { return what != problem::none; }
};

/// The public facts of an RSA key that the policy looks at.
struct rsa_public_facts {
    bool odd_modulus = false;
    bool odd_exponent = false;
    int exponent_bits = 0;
    std::uint64_t exponent = 0; // meaningful when exponent_bits <= 64
};

/// Reads n's parity and e from `key`, whose modulus has `n_bits` (1..16384) bits. The fast path
/// asks for both in one EVP_PKEY_get_params call with buffers of exactly the needed size (n's
/// bytes and 8 for e): OpenSSL pads into a buffer in constant time, so EVP_PKEY_get_bn_param's
/// 2 KiB buffer costs microseconds per call. An e over 64 bits takes the BIGNUM path.
inline bool read_rsa_public_facts(EVP_PKEY* key, int n_bits, rsa_public_facts& facts) noexcept
{
    unsigned char n[2048];
    unsigned char e[sizeof(std::uint64_t)] = {};
    const std::size_t n_size = (static_cast<std::size_t>(n_bits) + 7) / 8;
    if (n_size == 0 || n_size > sizeof n) return false;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_N, n, n_size),
                           OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_RSA_E, e, sizeof e),
                           OSSL_PARAM_construct_end()};
    ERR_set_mark(); // a failure here only means "take the BIGNUM path"
    const bool fast = EVP_PKEY_get_params(key, params) == 1;
    ERR_pop_to_mark();
    if (fast) {
        // Native byte order: the least significant byte is first on a little-endian machine.
        const std::uint16_t probe = 1;
        unsigned char first = 0;
        std::memcpy(&first, &probe, 1);
        const bool little = first == 1;
        facts.odd_modulus = ((little ? n[0] : n[n_size - 1]) & 1U) != 0;
        std::memcpy(&facts.exponent, e, sizeof e);
        facts.odd_exponent = (facts.exponent & 1U) != 0;
        int bits = 0;
        for (std::uint64_t v = facts.exponent; v != 0; v >>= 1U) ++bits;
        facts.exponent_bits = bits;
        return true;
    }
    BIGNUM* raw_n = nullptr;
    BIGNUM* raw_e = nullptr;
    const int got_n = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &raw_n);
    const bignum_ptr big_n{raw_n};
    const int got_e = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &raw_e);
    const bignum_ptr big_e{raw_e};
    if (got_n != 1 || got_e != 1 || !big_n || !big_e) return false;
    facts.odd_modulus = BN_is_odd(big_n.get()) == 1;
    facts.odd_exponent = BN_is_odd(big_e.get()) == 1;
    facts.exponent_bits = BN_num_bits(big_e.get());
    facts.exponent = facts.exponent_bits <= 64 ? BN_get_word(big_e.get()) : 0;
    return true;
}

/// Checks `key` against `policy` without allocating any text. Keys that are not RSA (or RSA-PSS)
/// and null keys pass. May leave reasons in OpenSSL's error queue on a violation (which
/// describe_rsa_policy_verdict() reads for openssl_check); callers clear it.
inline rsa_policy_verdict check_rsa_key_policy(EVP_PKEY* key, const rsa_key_policy& policy) noexcept
{
    using problem = rsa_policy_verdict::problem;
    rsa_policy_verdict v;
    if (key == nullptr || (EVP_PKEY_is_a(key, "RSA") != 1 && EVP_PKEY_is_a(key, "RSA-PSS") != 1))
        return v;
    constexpr unsigned openssl_max_bits = 16384; // OPENSSL_RSA_MAX_MODULUS_BITS
    const unsigned max_bits = std::min(policy.max_modulus_bits, openssl_max_bits);
    const std::uint64_t min_e = std::max<std::uint64_t>(policy.min_public_exponent, 3);
    // The size first (EVP_PKEY_get_bits is cached in the key): an oversized modulus is never read.
    const int n_bits = EVP_PKEY_get_bits(key);
    rsa_public_facts facts;
    if (n_bits <= 0) {
        v.what = problem::unreadable;
    } else if (static_cast<unsigned>(n_bits) < policy.min_modulus_bits) {
        v = {problem::modulus_too_small, n_bits, policy.min_modulus_bits};
    } else if (static_cast<unsigned>(n_bits) > max_bits) {
        v = {problem::modulus_too_large, n_bits, max_bits};
    } else if (!read_rsa_public_facts(key, n_bits, facts)) {
        v.what = problem::unreadable;
    } else if (!facts.odd_modulus) {
        v = {problem::modulus_even, n_bits, 0};
    } else if (!facts.odd_exponent) {
        v = {problem::exponent_even, facts.exponent_bits, 0};
    } else if (facts.exponent_bits <= 64 && facts.exponent < min_e) {
        v = {problem::exponent_too_small, facts.exponent_bits, min_e};
    } else if (static_cast<unsigned>(facts.exponent_bits) > policy.max_public_exponent_bits) {
        v = {problem::exponent_too_large, facts.exponent_bits, policy.max_public_exponent_bits};
    } else if (policy.openssl_public_check) {
        const evp_pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr)};
        if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1) v = {problem::openssl_check, n_bits, 0};
    }
    return v;
}

/// What is wrong, as a sentence for an error message: sizes and policy bounds only.
inline std::string describe_rsa_policy_verdict(const rsa_policy_verdict& v)
{
    using problem = rsa_policy_verdict::problem;
    const std::string bits = std::to_string(v.bits);
    const std::string limit = std::to_string(v.limit);
    switch (v.what) {
    case problem::none: return {};
    case problem::unreadable: return "the RSA modulus and public exponent cannot be read";
    case problem::modulus_too_small:
        return "RSA modulus of " + bits + " bits is below the policy minimum of " + limit;
    case problem::modulus_too_large:
        return "RSA modulus of " + bits + " bits is above the policy maximum of " + limit;
    case problem::modulus_even: return "RSA modulus is even (an RSA modulus is odd)";
    case problem::exponent_even: return "RSA public exponent is even (an RSA exponent is odd)";
    case problem::exponent_too_small:
        return "RSA public exponent is below the policy minimum of " + limit;
    case problem::exponent_too_large:
        return "RSA public exponent of " + bits + " bits is above the policy maximum of " + limit +
               " bits";
    case problem::openssl_check: {
        const std::string why = drain_openssl_errors().reasons;
        return "RSA public key fails OpenSSL's public key check" + (why.empty() ? "" : ": " + why);
    }
    }
    return {};
}

/// Keeps `key` when it conforms to `policy`; otherwise sets `ec` to key_policy_violation, `*why`
/// (when wanted) to ": <what is wrong>", and returns null. OpenSSL's error queue is left empty.
inline evp_pkey_ptr enforce_rsa_key_policy(evp_pkey_ptr key, const rsa_key_policy& policy,
                                           std::error_code& ec, std::string* why)
{
    if (!key) return key;
    const rsa_policy_verdict v = check_rsa_key_policy(key.get(), policy);
    if (!v.violated()) return key;
    ec = make_error_code(errc::key_policy_violation);
    if (why != nullptr) *why = ": " + describe_rsa_policy_verdict(v);
    ERR_clear_error();
    return evp_pkey_ptr{};
}

} // namespace detail

/// Checks an RSA key against `policy` (see rsa_key_policy; keys of other types and empty keys
/// pass). For keys made by other means than this header's loaders, e.g. from an EVP_PKEY.
/// @return empty when the key conforms; otherwise what is wrong, e.g. "RSA modulus of 512 bits
///         is below the policy minimum of 1024" (sizes and bounds only, never key material).
/// @par Specification RFC 5849 §3.4.3.
inline std::string rsa_key_policy_violation(const public_key& key,
                                            const rsa_key_policy& policy = {})
{
    const detail::rsa_policy_verdict v = detail::check_rsa_key_policy(key.native_handle(), policy);
    std::string what = detail::describe_rsa_policy_verdict(v);
    ERR_clear_error();
    return what;
}

/// As above, for a private key (its public modulus and exponent are checked).
inline std::string rsa_key_policy_violation(const private_key& key,
                                            const rsa_key_policy& policy = {})
{
    const detail::rsa_policy_verdict v = detail::check_rsa_key_policy(key.native_handle(), policy);
    std::string what = detail::describe_rsa_policy_verdict(v);
    ERR_clear_error();
    return what;
}

namespace detail::keys_impl {

/// Inputs larger than this are refused before any parsing (a key or certificate is a few KiB).
inline constexpr std::size_t max_input_size = std::size_t{8} << 20;

/// Clears the OpenSSL error queue on entry and on every exit path.
struct error_queue_scope {
    error_queue_scope() noexcept { ERR_clear_error(); }
    ~error_queue_scope() { ERR_clear_error(); }
    error_queue_scope(const error_queue_scope&) = delete;
    error_queue_scope& operator=(const error_queue_scope&) = delete;
};

/// Bytes that may hold key material: wiped before release. Capacity is fixed up front (or grown
/// by hand, wiping the old block) so no unwiped copy is left behind by a reallocation.
class wiped_bytes {
public:
    wiped_bytes() = default;
    wiped_bytes(const wiped_bytes&) = delete;
    wiped_bytes& operator=(const wiped_bytes&) = delete;
    ~wiped_bytes() { wipe(bytes_); }

    std::string& str() noexcept { return bytes_; }
    std::string_view view() const noexcept { return bytes_; }
    void append(const char* p, std::size_t n)
    {
        if (bytes_.size() + n > bytes_.capacity()) {
            std::string bigger;
            bigger.reserve(2 * (bytes_.size() + n));
            bigger.append(bytes_);
            wipe(bytes_);
            bytes_.swap(bigger);
        }
        bytes_.append(p, n);
    }

private:
    static void wipe(std::string& s) noexcept
    {
        if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    }
    std::string bytes_;
};

/// Where a load failed: the error code, a short format name for messages, and (only when the
/// caller wants a message) OpenSSL's reasons, drained right at the failure.
struct failure_info {
    std::string* why = nullptr; // null: the error_code overloads, which build no text
    void set(std::error_code& ec, errc code, std::string_view format,
             std::string_view note = {}) const
    {
        ec = make_error_code(code);
        if (why == nullptr) {
            ERR_clear_error();
            return;
        }
        openssl_error_info info = drain_openssl_errors();
        *why = " (";
        why->append(format);
        why->append(")");
        if (!note.empty()) {
            why->append(": ");
            why->append(note);
        }
        if (!info.reasons.empty()) {
            why->append(": ");
            why->append(info.reasons);
        }
    }
};

/// Supplies the caller's passphrase to OpenSSL and records whether one was asked for. An empty
/// passphrase means "none": the callback then fails, so OpenSSL never falls back to a prompt.
struct passphrase_source {
    std::string_view passphrase;
    int requests = 0;
};

inline int passphrase_callback(char* buf, std::size_t size, std::size_t* len,
                               const OSSL_PARAM /*params*/[], void* arg) noexcept
{
    auto* src = static_cast<passphrase_source*>(arg);
    ++src->requests;
    if (src->passphrase.empty() || src->passphrase.size() > size) return 0;
    std::memcpy(buf, src->passphrase.data(), src->passphrase.size());
    *len = src->passphrase.size();
    return 1;
}

/// Runs an OSSL_DECODER over `data`. `input` is "PEM" or "DER"; `structure` may be null (any).
inline evp_pkey_ptr decode_pkey(std::string_view data, const char* input, const char* structure,
                                int selection, passphrase_source& pass) noexcept
{
    EVP_PKEY* raw = nullptr;
    const ossl_decoder_ctx_ptr ctx{OSSL_DECODER_CTX_new_for_pkey(&raw, input, structure, nullptr,
                                                                 selection, nullptr, nullptr)};
    if (!ctx || OSSL_DECODER_CTX_get_num_decoders(ctx.get()) == 0) return evp_pkey_ptr{};
    if (OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), &passphrase_callback, &pass) != 1)
        return evp_pkey_ptr{};
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    std::size_t len = data.size();
    const int ok = OSSL_DECODER_from_data(ctx.get(), &p, &len);
    evp_pkey_ptr key{raw};
    if (ok != 1) key.reset();
    return key;
}

inline x509_ptr read_certificate_pem(std::string_view block) noexcept
{
    const bio_ptr bio{BIO_new_mem_buf(block.data(), static_cast<int>(block.size()))};
    if (!bio) return x509_ptr{};
    passphrase_source none;
    return x509_ptr{PEM_read_bio_X509(
        bio.get(), nullptr, [](char*, int, int, void*) noexcept { return 0; }, &none)};
}

inline x509_ptr read_certificate_der(std::string_view der) noexcept
{
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    return x509_ptr{d2i_X509(nullptr, &p, static_cast<long>(der.size()))};
}

inline bool is_base64_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// True when `text` has at least one base64 character and only base64 characters and spaces.
inline bool looks_like_base64(std::string_view text) noexcept
{
    bool any = false;
    for (const char c : text) {
        if (is_base64_space(c)) continue;
        if (c != '=' && base64_value(c) < 0) return false;
        any = true;
    }
    return any;
}

inline bool is_blank(std::string_view text) noexcept
{
    for (const char c : text)
        if (!is_base64_space(c)) return false;
    return true;
}

inline bool decode_base64(std::string_view text, wiped_bytes& out)
{
    out.str().reserve(text.size() / 4 * 3 + 3); // never reallocates while decoding
    return base64_decode_append(text, out.str(), /*skip_whitespace=*/true);
}

// ---- PEM armour -------------------------------------------------------------------------------

enum class pem_kind {
    other,
    pkcs8,           // PRIVATE KEY
    pkcs8_encrypted, // ENCRYPTED PRIVATE KEY
    pkcs1,           // RSA PRIVATE KEY
    traditional,     // EC PRIVATE KEY, DSA PRIVATE KEY, ...
    spki,            // PUBLIC KEY
    pkcs1_public,    // RSA PUBLIC KEY
    certificate,     // CERTIFICATE, X509 CERTIFICATE
};

struct pem_block {
    std::string_view label;
    std::string_view text; // from "-----BEGIN" to the end of the END line (or of the input)
    bool complete = false; // an END line with the same label was found
    pem_kind kind = pem_kind::other;
};

inline bool ends_with(std::string_view s, std::string_view suffix) noexcept
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

inline pem_kind classify_label(std::string_view label) noexcept
{
    if (label == "PRIVATE KEY") return pem_kind::pkcs8;
    if (label == "ENCRYPTED PRIVATE KEY") return pem_kind::pkcs8_encrypted;
    if (label == "RSA PRIVATE KEY") return pem_kind::pkcs1;
    if (label == "PUBLIC KEY") return pem_kind::spki;
    if (label == "RSA PUBLIC KEY") return pem_kind::pkcs1_public;
    if (label == "CERTIFICATE" || label == "X509 CERTIFICATE") return pem_kind::certificate;
    if (ends_with(label, " PRIVATE KEY") && label.size() <= 32) return pem_kind::traditional;
    return pem_kind::other;
}

/// Finds the next "-----BEGIN <label>-----" at or after `from`; false when there is none.
inline bool next_pem_block(std::string_view data, std::size_t& from, pem_block& block) noexcept
{
    constexpr std::string_view begin_marker = "-----BEGIN ";
    constexpr std::string_view dashes = "-----";
    const std::size_t begin = data.find(begin_marker, from);
    if (begin == std::string_view::npos) return false;
    const std::size_t label_start = begin + begin_marker.size();
    std::size_t label_end = data.find(dashes, label_start);
    const std::size_t eol = data.find('\n', label_start);
    block = pem_block{};
    if (label_end == std::string_view::npos || (eol != std::string_view::npos && eol < label_end)) {
        // Not a well-formed BEGIN line: report it as an incomplete block of unknown kind.
        block.text = data.substr(begin);
        from = label_start;
        return true;
    }
    block.label = data.substr(label_start, label_end - label_start);
    block.kind = classify_label(block.label);
    const std::size_t body = label_end + dashes.size();
    // Look for "-----END <label>-----".
    std::size_t pos = body;
    for (;;) {
        const std::size_t end = data.find("-----END ", pos);
        if (end == std::string_view::npos) {
            block.text = data.substr(begin);
            from = body;
            return true;
        }
        const std::size_t end_label = end + 9;
        if (data.substr(end_label, block.label.size()) == block.label &&
            data.substr(end_label + block.label.size(), dashes.size()) == dashes) {
            const std::size_t stop = end_label + block.label.size() + dashes.size();
            block.text = data.substr(begin, stop - begin);
            block.complete = true;
            from = stop;
            return true;
        }
        pos = end_label;
    }
}

/// True when the block has an RFC 1421 "Proc-Type: 4,ENCRYPTED" header (legacy OpenSSL
/// encryption of a traditional key, e.g. `openssl rsa -aes256 -traditional`).
inline bool has_encryption_header(const pem_block& block) noexcept
{
    const std::size_t header = block.text.find("\nProc-Type:");
    if (header == std::string_view::npos) return false;
    const std::size_t eol = block.text.find('\n', header + 1);
    return block.text.substr(header, eol - header).find("ENCRYPTED") != std::string_view::npos;
}

inline const char* pem_format_name(const pem_block& block, bool legacy_encrypted) noexcept
{
    switch (block.kind) {
    case pem_kind::pkcs8: return "PEM PKCS#8";
    case pem_kind::pkcs8_encrypted: return "PEM encrypted PKCS#8";
    case pem_kind::pkcs1: return legacy_encrypted ? "PEM encrypted PKCS#1" : "PEM PKCS#1";
    case pem_kind::traditional: return "PEM traditional private key";
    case pem_kind::spki: return "PEM SubjectPublicKeyInfo";
    case pem_kind::pkcs1_public: return "PEM PKCS#1 public key";
    case pem_kind::certificate: return "PEM X.509 certificate";
    case pem_kind::other: break;
    }
    return "PEM";
}

inline bool is_private_kind(pem_kind k) noexcept
{
    return k == pem_kind::pkcs8 || k == pem_kind::pkcs8_encrypted || k == pem_kind::pkcs1 ||
           k == pem_kind::traditional;
}

inline bool is_public_kind(pem_kind k) noexcept
{
    return k == pem_kind::spki || k == pem_kind::pkcs1_public || k == pem_kind::certificate;
}

// ---- private keys -----------------------------------------------------------------------------

/// Decodes DER bytes (binary input or decoded headerless base64) as a private key.
inline evp_pkey_ptr load_private_der(std::string_view der, std::string_view passphrase,
                                     std::error_code& ec, const failure_info& fail,
                                     const char* format, errc invalid)
{
    passphrase_source pass{passphrase};
    evp_pkey_ptr key = decode_pkey(der, "DER", nullptr, EVP_PKEY_KEYPAIR, pass);
    if (key) return key;
    if (pass.requests > 0) { // an EncryptedPrivateKeyInfo in DER
        fail.set(ec,
                 passphrase.empty() ? errc::key_passphrase_required : errc::key_passphrase_wrong,
                 format);
        return evp_pkey_ptr{};
    }
    // Say "this is a public key" rather than "invalid" when that is what it is.
    ERR_set_mark();
    passphrase_source none;
    const bool is_public =
        static_cast<bool>(decode_pkey(der, "DER", nullptr, EVP_PKEY_PUBLIC_KEY, none)) ||
        static_cast<bool>(read_certificate_der(der));
    ERR_pop_to_mark();
    fail.set(ec, is_public ? errc::key_not_private : invalid, format,
             is_public ? "a public key or certificate was given" : "");
    return evp_pkey_ptr{};
}

inline evp_pkey_ptr load_private(std::string_view data, std::string_view passphrase,
                                 std::error_code& ec, const failure_info& fail)
{
    ec.clear();
    if (data.size() > max_input_size) {
        fail.set(ec, errc::key_format_unrecognized, "input", "larger than 8 MiB");
        return evp_pkey_ptr{};
    }
    if (is_blank(data)) {
        fail.set(ec, errc::key_format_unrecognized, "input", "empty");
        return evp_pkey_ptr{};
    }

    // 1. PEM armour: the first block whose label names a private key.
    if (data.find("-----BEGIN ") != std::string_view::npos) {
        pem_block block;
        bool found = false;
        bool any_public = false;
        bool any_broken = false;
        for (std::size_t from = 0; next_pem_block(data, from, block);) {
            if (is_private_kind(block.kind)) {
                found = true;
                break;
            }
            any_public = any_public || is_public_kind(block.kind);
            any_broken = any_broken || block.label.empty();
        }
        if (!found) {
            if (any_public)
                fail.set(ec, errc::key_not_private, "PEM", "a public key or certificate was given");
            else if (any_broken)
                fail.set(ec, errc::key_pem_invalid, "PEM", "malformed BEGIN line");
            else
                fail.set(ec, errc::key_format_unrecognized, "PEM", "no private key label");
            return evp_pkey_ptr{};
        }
        const bool legacy_encrypted = block.kind == pem_kind::pkcs1 && has_encryption_header(block);
        const bool encrypted = legacy_encrypted || block.kind == pem_kind::pkcs8_encrypted;
        const char* format = pem_format_name(block, legacy_encrypted);
        if (!block.complete) {
            fail.set(ec, errc::key_pem_invalid, format, "truncated (no matching END line)");
            return evp_pkey_ptr{};
        }
        if (encrypted && passphrase.empty()) {
            fail.set(ec, errc::key_passphrase_required, format);
            return evp_pkey_ptr{};
        }
        passphrase_source pass{passphrase};
        evp_pkey_ptr key = decode_pkey(block.text, "PEM", nullptr, EVP_PKEY_KEYPAIR, pass);
        if (key) return key;
        if (pass.requests > 0)
            fail.set(
                ec, passphrase.empty() ? errc::key_passphrase_required : errc::key_passphrase_wrong,
                format);
        else
            fail.set(ec, errc::key_pem_invalid, format);
        return evp_pkey_ptr{};
    }

    // 2. Binary DER: a SEQUENCE (PKCS#8, encrypted PKCS#8 or PKCS#1).
    if (static_cast<unsigned char>(data.front()) == 0x30)
        return load_private_der(data, passphrase, ec, fail, "DER", errc::key_der_invalid);

    // 3. Headerless base64 of the DER, e.g. JIRA's config.properties private_key= value.
    if (looks_like_base64(data)) {
        wiped_bytes der;
        if (!decode_base64(data, der)) {
            fail.set(ec, errc::key_base64_invalid, "headerless base64");
            return evp_pkey_ptr{};
        }
        if (der.view().empty() || static_cast<unsigned char>(der.view().front()) != 0x30) {
            fail.set(ec, errc::key_der_invalid, "headerless base64 DER", "not a DER SEQUENCE");
            return evp_pkey_ptr{};
        }
        return load_private_der(der.view(), passphrase, ec, fail, "headerless base64 DER",
                                errc::key_der_invalid);
    }

    fail.set(ec, errc::key_format_unrecognized, "PEM, DER, headerless base64");
    return evp_pkey_ptr{};
}

// ---- public keys and certificates -------------------------------------------------------------

inline evp_pkey_ptr key_of_certificate(const x509_ptr& cert) noexcept
{
    return cert ? evp_pkey_ptr{X509_get_pubkey(cert.get())} : evp_pkey_ptr{};
}

inline evp_pkey_ptr load_public_der(std::string_view der, std::error_code& ec,
                                    const failure_info& fail, const char* format)
{
    passphrase_source none;
    evp_pkey_ptr key = decode_pkey(der, "DER", nullptr, EVP_PKEY_PUBLIC_KEY, none);
    if (!key) key = key_of_certificate(read_certificate_der(der));
    if (!key) // an unencrypted private key also holds its public key
        key = decode_pkey(der, "DER", nullptr, EVP_PKEY_KEYPAIR, none);
    if (key) {
        ERR_clear_error();
        return public_half(key.get());
    }
    fail.set(ec, errc::key_der_invalid, format);
    return evp_pkey_ptr{};
}

inline evp_pkey_ptr load_public(std::string_view data, std::error_code& ec,
                                const failure_info& fail)
{
    ec.clear();
    if (data.size() > max_input_size) {
        fail.set(ec, errc::key_format_unrecognized, "input", "larger than 8 MiB");
        return evp_pkey_ptr{};
    }
    if (is_blank(data)) {
        fail.set(ec, errc::key_format_unrecognized, "input", "empty");
        return evp_pkey_ptr{};
    }

    if (data.find("-----BEGIN ") != std::string_view::npos) {
        pem_block block;
        bool found = false;
        bool any_broken = false;
        for (std::size_t from = 0; next_pem_block(data, from, block);) {
            if (is_public_kind(block.kind) || is_private_kind(block.kind)) {
                found = true;
                break;
            }
            any_broken = any_broken || block.label.empty();
        }
        if (!found) {
            fail.set(ec, any_broken ? errc::key_pem_invalid : errc::key_format_unrecognized, "PEM",
                     any_broken ? "malformed BEGIN line" : "no public key or certificate label");
            return evp_pkey_ptr{};
        }
        const char* format = pem_format_name(block, false);
        const errc invalid =
            block.kind == pem_kind::certificate ? errc::certificate_invalid : errc::key_pem_invalid;
        if (!block.complete) {
            fail.set(ec, invalid, format, "truncated (no matching END line)");
            return evp_pkey_ptr{};
        }
        if (is_private_kind(block.kind)) {
            // The public half of a private key (encrypted keys need load_private_key).
            evp_pkey_ptr priv = load_private(block.text, {}, ec, fail);
            return priv ? public_half(priv.get()) : evp_pkey_ptr{};
        }
        evp_pkey_ptr key;
        if (block.kind == pem_kind::certificate) {
            key = key_of_certificate(read_certificate_pem(block.text));
        } else {
            passphrase_source none;
            key = decode_pkey(block.text, "PEM", nullptr, EVP_PKEY_PUBLIC_KEY, none);
        }
        if (!key) {
            fail.set(ec, invalid, format);
            return evp_pkey_ptr{};
        }
        return public_half(key.get());
    }

    if (static_cast<unsigned char>(data.front()) == 0x30)
        return load_public_der(data, ec, fail, "DER");

    if (looks_like_base64(data)) {
        wiped_bytes der;
        if (!decode_base64(data, der)) {
            fail.set(ec, errc::key_base64_invalid, "headerless base64");
            return evp_pkey_ptr{};
        }
        if (der.view().empty() || static_cast<unsigned char>(der.view().front()) != 0x30) {
            fail.set(ec, errc::key_der_invalid, "headerless base64 DER", "not a DER SEQUENCE");
            return evp_pkey_ptr{};
        }
        return load_public_der(der.view(), ec, fail, "headerless base64 DER");
    }

    fail.set(ec, errc::key_format_unrecognized, "PEM, DER, headerless base64");
    return evp_pkey_ptr{};
}

inline evp_pkey_ptr load_certificate_key(std::string_view data, std::error_code& ec,
                                         const failure_info& fail)
{
    ec.clear();
    if (data.size() > max_input_size || is_blank(data)) {
        fail.set(ec, errc::certificate_invalid, "input",
                 data.size() > max_input_size ? "larger than 8 MiB" : "empty");
        return evp_pkey_ptr{};
    }
    x509_ptr cert;
    const char* format = "DER X.509 certificate";
    if (data.find("-----BEGIN ") != std::string_view::npos) {
        format = "PEM X.509 certificate";
        pem_block block;
        bool found = false;
        for (std::size_t from = 0; next_pem_block(data, from, block);)
            if (block.kind == pem_kind::certificate) {
                found = true;
                break;
            }
        if (!found || !block.complete) {
            fail.set(ec, errc::certificate_invalid, format,
                     found ? "truncated (no matching END line)" : "no CERTIFICATE label");
            return evp_pkey_ptr{};
        }
        cert = read_certificate_pem(block.text);
    } else if (static_cast<unsigned char>(data.front()) == 0x30) {
        cert = read_certificate_der(data);
    } else if (looks_like_base64(data)) {
        format = "headerless base64 X.509 certificate";
        wiped_bytes der;
        if (decode_base64(data, der)) cert = read_certificate_der(der.view());
    }
    evp_pkey_ptr key = key_of_certificate(cert);
    if (!key) {
        fail.set(ec, errc::certificate_invalid, format);
        return evp_pkey_ptr{};
    }
    return key;
}

// ---- files ------------------------------------------------------------------------------------

struct file_closer {
    void operator()(std::FILE* f) const noexcept { (void)std::fclose(f); }
};

/// Reads a whole file (at most max_input_size bytes) into `out`. On failure sets `ec` to
/// file_unreadable and, when wanted, `*why` to the system's reason.
inline bool read_file(const std::string& path, wiped_bytes& out, std::error_code& ec,
                      std::string* why)
{
    errno = 0;
    const std::unique_ptr<std::FILE, file_closer> file{std::fopen(path.c_str(), "rb")};
    if (!file) {
        const int err = errno;
        ec = make_error_code(errc::file_unreadable);
        if (why != nullptr) *why = ": cannot open: " + std::generic_category().message(err);
        return false;
    }
    char chunk[4096];
    bool ok = true;
    std::string reason;
    for (;;) {
        const std::size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
        if (out.view().size() + n > max_input_size) {
            ok = false;
            reason = "larger than 8 MiB";
            break;
        }
        out.append(chunk, n);
        if (n < sizeof chunk) {
            if (std::ferror(file.get()) != 0) {
                ok = false;
                reason = "read error: " + std::generic_category().message(errno);
            }
            break;
        }
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    if (!ok) {
        ec = make_error_code(errc::file_unreadable);
        if (why != nullptr) *why = ": " + reason;
    }
    return ok;
}

inline std::string file_context(const char* what, const std::string& path)
{
    return std::string(what) + " from file '" + path + "'";
}

} // namespace detail::keys_impl

// ---- private key loading ----------------------------------------------------------------------

/// Loads a private key from memory, detecting the format in this order:
///  1. PEM armour, by label: `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1, also the legacy
///     `Proc-Type: 4,ENCRYPTED` form), `ENCRYPTED PRIVATE KEY` (PKCS#8 with PBES2), and other
///     `... PRIVATE KEY` labels OpenSSL knows (EC, DSA). Text around the block is ignored; with
///     several blocks the first private key is used.
///  2. binary DER starting with a SEQUENCE: PKCS#8, encrypted PKCS#8 or PKCS#1.
///  3. headerless base64 (base64 characters and whitespace only) of such DER: the one-line
///     `private_key=` value of JIRA's `config.properties`.
///
/// `passphrase` decrypts an encrypted key and is ignored otherwise; empty means "none given"
/// (OpenSSL is never allowed to prompt for one). Keys need not be RSA: check is_rsa(). An RSA key
/// outside `policy` is refused (see rsa_key_policy).
/// @param ec set to exactly one of key_format_unrecognized, key_pem_invalid, key_der_invalid,
///        key_base64_invalid, key_passphrase_required, key_passphrase_wrong, key_not_private,
///        key_policy_violation.
/// @return the key, or an empty key on failure. Never throws; the OpenSSL error queue is empty
///         on return. (Only running out of memory terminates, as in any noexcept function.)
/// @par Specification RFC 5849 §3.4.3 (RSA-SHA1 needs the consumer's RSA private key).
inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    const rsa_key_policy& policy, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return private_key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_private(data, passphrase, ec, {}), policy, ec, nullptr)};
}

/// As above, with the default rsa_key_policy.
inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    std::error_code& ec) noexcept
{
    return load_private_key(data, passphrase, rsa_key_policy{}, ec);
}

/// As above, for an unencrypted key.
inline private_key load_private_key(std::string_view data, std::error_code& ec) noexcept
{
    return load_private_key(data, std::string_view{}, rsa_key_policy{}, ec);
}

/// As above, throwing instead.
/// @throws oauth1::error with the error code above and a message naming the format tried and
///         OpenSSL's reasons, e.g. "loading private key (PEM encrypted PKCS#1): bad decrypt", or
///         what is outside the policy, e.g. "loading private key: RSA modulus of 512 bits is
///         below the policy minimum of 1024". Never key bytes or the passphrase.
inline private_key load_private_key(std::string_view data, std::string_view passphrase = {},
                                    const rsa_key_policy& policy = {})
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    private_key key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_private(data, passphrase, ec, {&why}), policy, ec, &why)};
    if (ec) detail::throw_error(ec, "loading private key" + why);
    return key;
}

/// Reads a file and loads it as load_private_key() does; an unreadable or missing file (or
/// one over 8 MiB) gives file_unreadable. The bytes read are wiped before returning.
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         const rsa_key_policy& policy, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    ec.clear();
    if (!detail::keys_impl::read_file(path, bytes, ec, nullptr)) return private_key{};
    return private_key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_private(bytes.view(), passphrase, ec, {}), policy, ec, nullptr)};
}

/// As above, with the default rsa_key_policy.
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         std::error_code& ec) noexcept
{
    return load_private_key_file(path, passphrase, rsa_key_policy{}, ec);
}

/// As above, throwing oauth1::error (the message names the file, never its content).
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase = {},
                                         const rsa_key_policy& policy = {})
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    std::error_code ec;
    std::string why;
    if (!detail::keys_impl::read_file(path, bytes, ec, &why))
        detail::throw_error(ec, detail::keys_impl::file_context("loading private key", path) + why);
    private_key key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_private(bytes.view(), passphrase, ec, {&why}), policy, ec, &why)};
    if (ec)
        detail::throw_error(ec, detail::keys_impl::file_context("loading private key", path) + why);
    return key;
}

// ---- public key loading -----------------------------------------------------------------------

/// Loads a public key (for verifying RSA-SHA* signatures, RFC 5849 §3.4.3) from memory:
/// PEM `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1), `CERTIFICATE` (X.509: its
/// subject public key; the certificate itself is not validated); DER SubjectPublicKeyInfo, DER
/// PKCS#1 RSAPublicKey or DER certificate; or headerless base64 of those. An unencrypted private
/// key is accepted too and only its public half is kept. An RSA key outside `policy` is refused
/// (see rsa_key_policy).
/// @param ec set to one of key_format_unrecognized, key_pem_invalid, key_der_invalid,
///        key_base64_invalid, certificate_invalid (or a private-key error for a private key),
///        key_policy_violation.
/// @return the key, or an empty key on failure. Never throws.
/// @par Specification RFC 5849 §3.4.3.
inline public_key load_public_key(std::string_view data, const rsa_key_policy& policy,
                                  std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return public_key{detail::enforce_rsa_key_policy(detail::keys_impl::load_public(data, ec, {}),
                                                     policy, ec, nullptr)};
}

/// As above, with the default rsa_key_policy.
inline public_key load_public_key(std::string_view data, std::error_code& ec) noexcept
{
    return load_public_key(data, rsa_key_policy{}, ec);
}

/// As above, throwing oauth1::error ("loading public key (<format>): <reasons>", or "loading
/// public key: <what is outside the policy>").
inline public_key load_public_key(std::string_view data, const rsa_key_policy& policy = {})
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    public_key key{detail::enforce_rsa_key_policy(detail::keys_impl::load_public(data, ec, {&why}),
                                                  policy, ec, &why)};
    if (ec) detail::throw_error(ec, "loading public key" + why);
    return key;
}

/// Reads a file and loads it as load_public_key() does (file_unreadable when it cannot be read).
inline public_key load_public_key_file(const std::string& path, const rsa_key_policy& policy,
                                       std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    ec.clear();
    if (!detail::keys_impl::read_file(path, bytes, ec, nullptr)) return public_key{};
    return public_key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_public(bytes.view(), ec, {}), policy, ec, nullptr)};
}

/// As above, with the default rsa_key_policy.
inline public_key load_public_key_file(const std::string& path, std::error_code& ec) noexcept
{
    return load_public_key_file(path, rsa_key_policy{}, ec);
}

/// As above, throwing oauth1::error.
inline public_key load_public_key_file(const std::string& path, const rsa_key_policy& policy = {})
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    std::error_code ec;
    std::string why;
    if (!detail::keys_impl::read_file(path, bytes, ec, &why))
        detail::throw_error(ec, detail::keys_impl::file_context("loading public key", path) + why);
    public_key key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_public(bytes.view(), ec, {&why}), policy, ec, &why)};
    if (ec)
        detail::throw_error(ec, detail::keys_impl::file_context("loading public key", path) + why);
    return key;
}

/// The subject public key of an X.509 certificate given as PEM (`CERTIFICATE`), DER, or
/// headerless base64 DER. The certificate is parsed, not validated (no chain, dates or purpose):
/// OAuth providers register a consumer's certificate out of band. Its key must conform to
/// `policy` (see rsa_key_policy).
/// @param ec set to certificate_invalid or key_policy_violation on failure. Never throws.
/// @par Specification RFC 5849 §3.4.3.
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              const rsa_key_policy& policy,
                                              std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return public_key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_certificate_key(pem_or_der, ec, {}), policy, ec, nullptr)};
}

/// As above, with the default rsa_key_policy.
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              std::error_code& ec) noexcept
{
    return public_key_from_certificate(pem_or_der, rsa_key_policy{}, ec);
}

/// As above, throwing oauth1::error (certificate_invalid, key_policy_violation).
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              const rsa_key_policy& policy = {})
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    public_key key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_certificate_key(pem_or_der, ec, {&why}), policy, ec, &why)};
    if (ec) detail::throw_error(ec, "loading certificate" + why);
    return key;
}

// ---- key generation ---------------------------------------------------------------------------

namespace detail::keys_impl {

inline evp_pkey_ptr generate_rsa(unsigned bits, std::error_code& ec, const failure_info& fail)
{
    ec.clear();
    if (bits < 1024 || bits > 16384) {
        fail.set(ec, errc::invalid_argument, "RSA", "bits must be between 1024 and 16384");
        return evp_pkey_ptr{};
    }
    const evp_pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) <= 0 ||
        EVP_PKEY_generate(ctx.get(), &raw) <= 0) {
        EVP_PKEY_free(raw);
        fail.set(
            ec, last_error_is_policy_refusal() ? errc::crypto_policy_refused : errc::crypto_failure,
            "RSA");
        return evp_pkey_ptr{};
    }
    return evp_pkey_ptr{raw};
}

} // namespace detail::keys_impl

/// Generates an RSA key pair (public exponent 65537) with the default CSPRNG, e.g. for the
/// consumer to register with a JIRA application link: export it with to_pkcs8_base64() for
/// `config.properties` and public_part().to_pem() for JIRA.
/// @param bits modulus size, 1024 to 16384 (2048 or more recommended; 1024 only for legacy
///        providers).
/// @param ec invalid_argument for an out-of-range size, crypto_policy_refused or crypto_failure.
inline private_key generate_rsa_key(unsigned bits, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return private_key{detail::keys_impl::generate_rsa(bits, ec, {})};
}

/// As above, throwing oauth1::error.
inline private_key generate_rsa_key(unsigned bits = 2048)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    private_key key{detail::keys_impl::generate_rsa(bits, ec, {&why})};
    if (ec) detail::throw_error(ec, "generating key" + why);
    return key;
}

} // namespace oauth1

#endif // OAUTH1_KEYS_HPP
