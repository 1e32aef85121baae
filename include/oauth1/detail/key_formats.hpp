// oauth1/detail/key_formats.hpp - private to oauth1 (not a public header): the building blocks
// of key loading (oauth1/keys.hpp): wiped buffers, failure reporting, the passphrase callback,
// OSSL_DECODER and X.509 readers, headerless base64 detection and PEM armour parsing.
#ifndef OAUTH1_DETAIL_KEY_FORMATS_HPP
#define OAUTH1_DETAIL_KEY_FORMATS_HPP

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/error.hpp>

#include <openssl/core.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::detail::keys_impl {

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

} // namespace oauth1::detail::keys_impl

#endif // OAUTH1_DETAIL_KEY_FORMATS_HPP
