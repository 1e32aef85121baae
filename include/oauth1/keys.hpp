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
//
// This header declares; the definitions are in oauth1/impl/keys.ipp (included at its end) and
// the machinery in oauth1/detail/key_*.hpp and oauth1/detail/rsa_key_facts.hpp (private).
#ifndef OAUTH1_KEYS_HPP
#define OAUTH1_KEYS_HPP

#include <oauth1/detail/key_holder.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/error.hpp>

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace oauth1 {

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
    inline std::string to_pem() const;
    /// PKCS#8 DER (PrivateKeyInfo). @throws oauth1::error (invalid_argument, crypto_failure).
    inline std::vector<unsigned char> to_der() const;
    /// Base64 of the PKCS#8 DER on one line without header, footer or newline: exactly the
    /// `private_key=` value of JIRA's OAuth `config.properties`.
    /// @throws oauth1::error (invalid_argument when empty, crypto_failure).
    inline std::string to_pkcs8_base64() const;

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
    inline std::string to_pem() const;
    /// SubjectPublicKeyInfo DER. @throws oauth1::error (invalid_argument, crypto_failure).
    inline std::vector<unsigned char> to_der() const;

private:
    template <class Out>
    void encode(const char* type, Out& out) const
    {
        pkey_holder::encode(EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo", "public key", "as ", type,
                            out);
    }
};
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

/// Checks an RSA key against `policy` (see rsa_key_policy; keys of other types and empty keys
/// pass). For keys made by other means than this header's loaders, e.g. from an EVP_PKEY.
/// @return empty when the key conforms; otherwise what is wrong, e.g. "RSA modulus of 512 bits
///         is below the policy minimum of 1024" (sizes and bounds only, never key material).
/// @par Specification RFC 5849 §3.4.3.
inline std::string rsa_key_policy_violation(const public_key& key,
                                            const rsa_key_policy& policy = {});

/// As above, for a private key (its public modulus and exponent are checked).
inline std::string rsa_key_policy_violation(const private_key& key,
                                            const rsa_key_policy& policy = {});

// ---- private key loading ----------------------------------------------------------------------

/// Loads a private key from memory, detecting the format in this order:
///  1. PEM armour, by label: `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1, also the legacy
///     `Proc-Type: 4,ENCRYPTED` form), `ENCRYPTED PRIVATE KEY` (PKCS#8 with PBES2), and other
///     `... PRIVATE KEY` labels OpenSSL knows (EC, DSA). Text around the block is ignored; with
///     several blocks the first private key is used.
///  2. binary DER starting with a SEQUENCE: PKCS#8, encrypted PKCS#8 or PKCS#1.
///  3. headerless base64 (base64 characters and whitespace only) of such DER: the one-line
///     `private_key=` value of JIRA's `config.properties`. Base64 wrapped over several lines
///     (as `openssl base64` writes it) is accepted too.
///  4. a PKCS#12 container (.p12/.pfx, binary DER): read as load_pkcs12() does with
///     `passphrase` as its password; it must hold exactly one private key (else
///     pkcs12_alias_required: call load_private_key_pkcs12() with an alias).
///
/// `passphrase` decrypts an encrypted key and is ignored otherwise; empty means "none given"
/// (OpenSSL is never allowed to prompt for one). Keys need not be RSA: check is_rsa(). An RSA key
/// outside `policy` is refused (see rsa_key_policy).
/// @param data the key: PEM, DER, or headerless base64 DER (JIRA's one line).
/// @param passphrase for an encrypted key (empty: none).
/// @param policy what RSA keys are accepted (size, exponent).
/// @param ec set to exactly one of key_format_unrecognized, key_pem_invalid, key_der_invalid,
///        key_base64_invalid, key_passphrase_required, key_passphrase_wrong, key_not_private,
///        key_policy_violation (or, for a PKCS#12 container, one of load_pkcs12()'s codes).
/// @return the key, or an empty key on failure. Never throws; the OpenSSL error queue is empty
///         on return. (Only running out of memory terminates, as in any noexcept function.)
/// @par Specification RFC 5849 §3.4.3 (RSA-SHA1 needs the consumer's RSA private key).
inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    const rsa_key_policy& policy, std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    std::error_code& ec) noexcept;

/// As above, for an unencrypted key.
inline private_key load_private_key(std::string_view data, std::error_code& ec) noexcept;

/// As above, throwing instead.
/// @throws oauth1::error with the error code above and a message naming the format tried and
///         OpenSSL's reasons, e.g. "loading private key (PEM encrypted PKCS#1): bad decrypt", or
///         what is outside the policy, e.g. "loading private key: RSA modulus of 512 bits is
///         below the policy minimum of 1024". Where the mistake is a common one, the message
///         says what it is and what to do (detail/key_diagnosis.hpp): the key in quotes, a PEM
///         whose line breaks were lost or written as `\n`, a public key or a certificate
///         instead of the private key, an encrypted key without a passphrase (and how to decrypt
///         it once). Never key bytes or the passphrase.
inline private_key load_private_key(std::string_view data, std::string_view passphrase = {},
                                    const rsa_key_policy& policy = {});

/// Reads a file and loads it as load_private_key() does; an unreadable or missing file (or
/// one over 8 MiB) gives file_unreadable. The bytes read are wiped before returning.
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         const rsa_key_policy& policy,
                                         std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         std::error_code& ec) noexcept;

/// As above, throwing oauth1::error (the message names the file, never its content).
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase = {},
                                         const rsa_key_policy& policy = {});

// ---- PKCS#12 (.p12 / .pfx) -------------------------------------------------------------------

/// What load_pkcs12() reads from a PKCS#12 container (RFC 7292): one private key, the
/// certificate made for it when the container holds one, and the key's alias.
struct pkcs12_entry {
    /// The private key (for signing, RFC 5849 §3.4.3).
    private_key key;
    /// DER of the X.509 certificate whose public key matches `key`; empty when the container
    /// holds none. (Parsed, not validated: no chain, dates or purpose.)
    std::vector<unsigned char> certificate_der;
    /// The certificate's subject public key, for verification (e.g. by a test provider); empty
    /// when there is no certificate.
    public_key certificate_key;
    /// The key's friendlyName attribute (the "alias" of a Java keystore, `openssl pkcs12 -name`),
    /// or the certificate's when the key has none; "" when neither has one.
    std::string alias;

    /// True when the container held a certificate for the key.
    bool has_certificate() const noexcept { return !certificate_der.empty(); }
};

/// Loads a private key and its certificate from a PKCS#12 container (.p12, .pfx; RFC 7292), as
/// payment and enterprise APIs hand out consumer keys. `password` is the container's (integrity
/// and privacy) password; empty means none (tried as both an empty and an absent password).
///
/// Several private keys: `alias` (a friendlyName, compared exactly) picks one; without it the
/// load fails with pkcs12_alias_required, and a name no key has gives pkcs12_alias_not_found.
/// The message of either lists the aliases found (they are names, not secrets).
///
/// Legacy containers (RC2-40 certificate bags, 3DES keys, as `openssl pkcs12 -legacy` and older
/// Java and Windows tools write them) need ciphers that OpenSSL 3 keeps in its legacy provider.
/// When the first attempt finds such a cipher missing, the container is read once more in a
/// private library context with the legacy provider loaded, for this call only: the default
/// context and its providers are left as they are (and nothing is retried when the default
/// properties ask for FIPS). If the legacy provider cannot be loaded (not installed, or
/// OPENSSL_MODULES points elsewhere) the load fails with pkcs12_legacy_unavailable,
/// whose message gives the one-time conversion:
/// `openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export -out new.p12`.
///
/// A wrong password is key_passphrase_wrong and a missing one key_passphrase_required (the
/// container's MAC tells them from damage), as for encrypted PEM keys; data that is not PKCS#12,
/// or a container without a private key, is pkcs12_invalid. The key must conform to `policy`.
/// The decrypted key bytes are wiped; messages never contain the password or key material.
/// @param bytes the container (DER, as a .p12/.pfx file holds it).
/// @param password the container's password (empty: none).
/// @param alias the friendlyName of the key to load (empty: the container's only key).
/// @param policy what RSA keys are accepted (size, exponent).
/// @param ec set to one of pkcs12_invalid, pkcs12_legacy_unavailable, pkcs12_alias_required,
///        pkcs12_alias_not_found, key_passphrase_required, key_passphrase_wrong, key_der_invalid,
///        key_policy_violation. Never throws (only running out of memory terminates).
/// @par Specification RFC 5849 §3.4.3 (the RSA private key), RFC 7292 (PKCS#12).
inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::string_view alias, const rsa_key_policy& policy,
                                std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::string_view alias, std::error_code& ec) noexcept;

/// As above, without an alias.
inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::error_code& ec) noexcept;

/// As above, throwing oauth1::error with the code above and a message that names the problem,
/// e.g. "loading PKCS#12 (PKCS#12): the password does not match the container's integrity
/// check (MAC): a wrong password (or a damaged container)". (The MAC covers the whole content,
/// so a damaged container cannot be told from a wrong password: both are key_passphrase_wrong.)
inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::string_view alias = {}, const rsa_key_policy& policy = {});

/// load_pkcs12() of a file (file_unreadable when it cannot be read; the bytes are wiped).
inline pkcs12_entry load_pkcs12_file(const std::string& path, std::string_view password,
                                     std::string_view alias, const rsa_key_policy& policy,
                                     std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline pkcs12_entry load_pkcs12_file(const std::string& path, std::string_view password,
                                     std::string_view alias, std::error_code& ec) noexcept;

/// As above, throwing oauth1::error (the message names the file, never its content).
inline pkcs12_entry load_pkcs12_file(const std::string& path, std::string_view password,
                                     std::string_view alias = {},
                                     const rsa_key_policy& policy = {});

/// Only the private key of load_pkcs12().
inline private_key load_private_key_pkcs12(std::string_view bytes, std::string_view password,
                                           std::string_view alias, std::error_code& ec) noexcept;

/// As above, throwing oauth1::error.
inline private_key load_private_key_pkcs12(std::string_view bytes, std::string_view password,
                                           std::string_view alias = {},
                                           const rsa_key_policy& policy = {});

/// Only the private key of load_pkcs12_file().
inline private_key load_private_key_pkcs12_file(const std::string& path, std::string_view password,
                                                std::string_view alias,
                                                std::error_code& ec) noexcept;

/// As above, throwing oauth1::error.
inline private_key load_private_key_pkcs12_file(const std::string& path, std::string_view password,
                                                std::string_view alias = {},
                                                const rsa_key_policy& policy = {});

// ---- public key loading -----------------------------------------------------------------------

/// Loads a public key (for verifying RSA-SHA* signatures, RFC 5849 §3.4.3) from memory:
/// PEM `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1), `CERTIFICATE` (X.509: its
/// subject public key; the certificate itself is not validated); DER SubjectPublicKeyInfo, DER
/// PKCS#1 RSAPublicKey or DER certificate; or headerless base64 of those. An unencrypted private
/// key is accepted too and only its public half is kept. An RSA key outside `policy` is refused
/// (see rsa_key_policy).
/// @param data the key or certificate: PEM, DER, or headerless base64 DER.
/// @param policy what RSA keys are accepted (size, exponent).
/// @param ec set to one of key_format_unrecognized, key_pem_invalid, key_der_invalid,
///        key_base64_invalid, certificate_invalid (or a private-key error for a private key),
///        key_policy_violation.
/// @return the key, or an empty key on failure. Never throws.
/// @par Specification RFC 5849 §3.4.3.
inline public_key load_public_key(std::string_view data, const rsa_key_policy& policy,
                                  std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline public_key load_public_key(std::string_view data, std::error_code& ec) noexcept;

/// As above, throwing oauth1::error ("loading public key (<format>): <reasons>", or "loading
/// public key: <what is outside the policy>").
inline public_key load_public_key(std::string_view data, const rsa_key_policy& policy = {});

/// Reads a file and loads it as load_public_key() does (file_unreadable when it cannot be read).
inline public_key load_public_key_file(const std::string& path, const rsa_key_policy& policy,
                                       std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline public_key load_public_key_file(const std::string& path, std::error_code& ec) noexcept;

/// As above, throwing oauth1::error.
inline public_key load_public_key_file(const std::string& path, const rsa_key_policy& policy = {});

/// The subject public key of an X.509 certificate given as PEM (`CERTIFICATE`), DER, or
/// headerless base64 DER. The certificate is parsed, not validated (no chain, dates or purpose):
/// OAuth providers register a consumer's certificate out of band. Its key must conform to
/// `policy` (see rsa_key_policy).
/// @param pem_or_der the certificate: PEM, DER or headerless base64 DER.
/// @param policy what RSA keys are accepted (size, exponent).
/// @param ec set to certificate_invalid or key_policy_violation on failure. Never throws.
/// @par Specification RFC 5849 §3.4.3.
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              const rsa_key_policy& policy,
                                              std::error_code& ec) noexcept;

/// As above, with the default rsa_key_policy.
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              std::error_code& ec) noexcept;

/// As above, throwing oauth1::error (certificate_invalid, key_policy_violation).
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              const rsa_key_policy& policy = {});

// ---- key generation ---------------------------------------------------------------------------

/// Generates an RSA key pair (public exponent 65537) with the default CSPRNG, e.g. for the
/// consumer to register with a JIRA application link: export it with to_pkcs8_base64() for
/// `config.properties` and public_part().to_pem() for JIRA.
/// @param bits modulus size, 1024 to 16384 (2048 or more recommended; 1024 only for legacy
///        providers).
/// @param ec invalid_argument for an out-of-range size, crypto_policy_refused or crypto_failure.
inline private_key generate_rsa_key(unsigned bits, std::error_code& ec) noexcept;

/// As above, throwing oauth1::error.
inline private_key generate_rsa_key(unsigned bits = 2048);

} // namespace oauth1

// Definitions in both modes: nothing in this header is compiled separately (see config.hpp).
#include <oauth1/impl/keys.ipp>

#endif // OAUTH1_KEYS_HPP
