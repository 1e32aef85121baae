// oauth1/detail/key_holder.hpp - private to oauth1 (not a public header): what private_key and
// public_key share (pkey_holder: one reference to an EVP_PKEY, its accessors and export through an
// OSSL_ENCODER), the EVP_PKEY helpers behind it, and detail::throw_error.
#ifndef OAUTH1_DETAIL_KEY_HOLDER_HPP
#define OAUTH1_DETAIL_KEY_HOLDER_HPP

#include <oauth1/detail/openssl.hpp>
#include <oauth1/error.hpp>

#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdlib>
#include <string>
#include <system_error>
#include <utility>

namespace oauth1::detail {

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

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_KEY_HOLDER_HPP
