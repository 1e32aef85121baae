// oauth1/detail/key_loaders.hpp - private to oauth1 (not a public header): the format detection
// and decoding behind oauth1/keys.hpp's loaders (private keys, public keys, certificates), reading
// key files, and RSA key generation. The RSA key policy is applied by the public functions.
#ifndef OAUTH1_DETAIL_KEY_LOADERS_HPP
#define OAUTH1_DETAIL_KEY_LOADERS_HPP

#include <oauth1/detail/key_formats.hpp>
#include <oauth1/detail/key_holder.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/detail/pkcs12.hpp>
#include <oauth1/error.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h> // EVP_PKEY_CTX_set_rsa_keygen_bits (an EVP function, not RSA_*)
#include <openssl/x509.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::detail::keys_impl {

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

    // 2. A PKCS#12 container (its password is the passphrase): its one private key. (Version 3
    //    at the start is never a key; what does not parse as PKCS#12 is reported as DER.)
    if (looks_like_pkcs12(data) && parses_as_pkcs12(data)) {
        pkcs12_parts parts;
        if (!load_pkcs12_parts(data, passphrase, {}, parts, ec, fail)) return evp_pkey_ptr{};
        return std::move(parts.key);
    }

    // 3. Binary DER: a SEQUENCE (PKCS#8, encrypted PKCS#8 or PKCS#1).
    if (static_cast<unsigned char>(data.front()) == 0x30)
        return load_private_der(data, passphrase, ec, fail, "DER", errc::key_der_invalid);

    // 4. Headerless base64 of the DER, e.g. JIRA's config.properties private_key= value.
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

// ---- key generation ---------------------------------------------------------------------------

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

} // namespace oauth1::detail::keys_impl

#endif // OAUTH1_DETAIL_KEY_LOADERS_HPP
