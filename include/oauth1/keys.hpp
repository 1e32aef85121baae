// oauth1/keys.hpp - RSA (and other) keys for the RSA-SHA* signature methods (RFC 5849 3.4.3):
// loading private and public keys in every format a consumer or provider meets, generating a key
// pair and exporting it (PEM, DER, and the one-line base64 that JIRA's config.properties holds).
//
// Formats are detected from the bytes, never from a file name. Messages of thrown errors name the
// format tried and OpenSSL's reason strings only: never key bytes, base64 text or a passphrase.
// OpenSSL is never allowed to prompt for a passphrase on the terminal.
#ifndef OAUTH1_KEYS_HPP
#define OAUTH1_KEYS_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/error.hpp>

#include <openssl/core.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h> // EVP_PKEY_CTX_set_rsa_keygen_bits (an EVP function, not RSA_*)
#include <openssl/x509.h>

#include <cerrno>
#include <cstddef>
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
    /// True for an RSA key (PKCS#1 v1.5, RFC 5849 3.4.3); false when empty.
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
/// (OpenSSL is never allowed to prompt for one). Keys need not be RSA: check is_rsa().
/// @param ec set to exactly one of key_format_unrecognized, key_pem_invalid, key_der_invalid,
///        key_base64_invalid, key_passphrase_required, key_passphrase_wrong, key_not_private.
/// @return the key, or an empty key on failure. Never throws; the OpenSSL error queue is empty
///         on return. (Only running out of memory terminates, as in any noexcept function.)
/// @par Specification RFC 5849 3.4.3 (RSA-SHA1 needs the consumer's RSA private key).
inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return private_key{detail::keys_impl::load_private(data, passphrase, ec, {})};
}

/// As above, for an unencrypted key.
inline private_key load_private_key(std::string_view data, std::error_code& ec) noexcept
{
    return load_private_key(data, std::string_view{}, ec);
}

/// As above, throwing instead.
/// @throws oauth1::error with the error code above and a message naming the format tried and
///         OpenSSL's reasons, e.g. "loading private key (PEM encrypted PKCS#1): bad decrypt".
///         The message never contains key bytes or the passphrase.
inline private_key load_private_key(std::string_view data, std::string_view passphrase = {})
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    private_key key{detail::keys_impl::load_private(data, passphrase, ec, {&why})};
    if (ec) detail::throw_error(ec, "loading private key" + why);
    return key;
}

/// Reads a file and loads it as load_private_key() does; an unreadable or missing file (or
/// one over 8 MiB) gives file_unreadable. The bytes read are wiped before returning.
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    ec.clear();
    if (!detail::keys_impl::read_file(path, bytes, ec, nullptr)) return private_key{};
    return private_key{detail::keys_impl::load_private(bytes.view(), passphrase, ec, {})};
}

/// As above, throwing oauth1::error (the message names the file, never its content).
inline private_key load_private_key_file(const std::string& path, std::string_view passphrase = {})
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    std::error_code ec;
    std::string why;
    if (!detail::keys_impl::read_file(path, bytes, ec, &why))
        detail::throw_error(ec, detail::keys_impl::file_context("loading private key", path) + why);
    private_key key{detail::keys_impl::load_private(bytes.view(), passphrase, ec, {&why})};
    if (ec)
        detail::throw_error(ec, detail::keys_impl::file_context("loading private key", path) + why);
    return key;
}

// ---- public key loading -----------------------------------------------------------------------

/// Loads a public key (for verifying RSA-SHA* signatures, RFC 5849 3.4.3) from memory:
/// PEM `PUBLIC KEY` (SubjectPublicKeyInfo), `RSA PUBLIC KEY` (PKCS#1), `CERTIFICATE` (X.509: its
/// subject public key; the certificate itself is not validated); DER SubjectPublicKeyInfo, DER
/// PKCS#1 RSAPublicKey or DER certificate; or headerless base64 of those. An unencrypted private
/// key is accepted too and only its public half is kept.
/// @param ec set to one of key_format_unrecognized, key_pem_invalid, key_der_invalid,
///        key_base64_invalid, certificate_invalid (or a private-key error for a private key).
/// @return the key, or an empty key on failure. Never throws.
inline public_key load_public_key(std::string_view data, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return public_key{detail::keys_impl::load_public(data, ec, {})};
}

/// As above, throwing oauth1::error ("loading public key (<format>): <reasons>").
inline public_key load_public_key(std::string_view data)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    public_key key{detail::keys_impl::load_public(data, ec, {&why})};
    if (ec) detail::throw_error(ec, "loading public key" + why);
    return key;
}

/// Reads a file and loads it as load_public_key() does (file_unreadable when it cannot be read).
inline public_key load_public_key_file(const std::string& path, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    ec.clear();
    if (!detail::keys_impl::read_file(path, bytes, ec, nullptr)) return public_key{};
    return public_key{detail::keys_impl::load_public(bytes.view(), ec, {})};
}

/// As above, throwing oauth1::error.
inline public_key load_public_key_file(const std::string& path)
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    std::error_code ec;
    std::string why;
    if (!detail::keys_impl::read_file(path, bytes, ec, &why))
        detail::throw_error(ec, detail::keys_impl::file_context("loading public key", path) + why);
    public_key key{detail::keys_impl::load_public(bytes.view(), ec, {&why})};
    if (ec)
        detail::throw_error(ec, detail::keys_impl::file_context("loading public key", path) + why);
    return key;
}

/// The subject public key of an X.509 certificate given as PEM (`CERTIFICATE`), DER, or
/// headerless base64 DER. The certificate is parsed, not validated (no chain, dates or purpose):
/// OAuth providers register a consumer's certificate out of band.
/// @param ec set to certificate_invalid on any failure. Never throws.
inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return public_key{detail::keys_impl::load_certificate_key(pem_or_der, ec, {})};
}

/// As above, throwing oauth1::error (certificate_invalid).
inline public_key public_key_from_certificate(std::string_view pem_or_der)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    public_key key{detail::keys_impl::load_certificate_key(pem_or_der, ec, {&why})};
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
