// oauth1/impl/keys.ipp - private to oauth1: the definitions of oauth1/keys.hpp's functions and
// the check of a key against an rsa_key_policy. Included at the end of oauth1/keys.hpp in both
// modes (everything here is inline; none of it is compiled separately by oauth1/src.hpp).
#ifndef OAUTH1_IMPL_KEYS_IPP
#define OAUTH1_IMPL_KEYS_IPP

#include <oauth1/keys.hpp>

#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/key_diagnosis.hpp>
#include <oauth1/detail/key_formats.hpp>
#include <oauth1/detail/key_holder.hpp>
#include <oauth1/detail/key_loaders.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/detail/pkcs12.hpp>
#include <oauth1/detail/rsa_key_facts.hpp>
#include <oauth1/error.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

// ---- key objects ------------------------------------------------------------------------------

inline std::string private_key::to_pem() const
{
    std::string out;
    encode("PEM", out);
    return out;
}

inline std::vector<unsigned char> private_key::to_der() const
{
    std::vector<unsigned char> out;
    encode("DER", out);
    return out;
}

inline std::string private_key::to_pkcs8_base64() const
{
    std::vector<unsigned char> der;
    encode("DER", der);
    std::string out;
    detail::base64_append(der.data(), der.size(), out);
    OPENSSL_cleanse(der.data(), der.size());
    return out;
}

inline std::string public_key::to_pem() const
{
    std::string out;
    encode("PEM", out);
    return out;
}

inline std::vector<unsigned char> public_key::to_der() const
{
    std::vector<unsigned char> out;
    encode("DER", out);
    return out;
}

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

namespace detail {

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

inline std::string rsa_key_policy_violation(const public_key& key, const rsa_key_policy& policy)
{
    const detail::rsa_policy_verdict v = detail::check_rsa_key_policy(key.native_handle(), policy);
    std::string what = detail::describe_rsa_policy_verdict(v);
    ERR_clear_error();
    return what;
}

inline std::string rsa_key_policy_violation(const private_key& key, const rsa_key_policy& policy)
{
    const detail::rsa_policy_verdict v = detail::check_rsa_key_policy(key.native_handle(), policy);
    std::string what = detail::describe_rsa_policy_verdict(v);
    ERR_clear_error();
    return what;
}

// ---- private key loading ----------------------------------------------------------------------

inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    const rsa_key_policy& policy, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return private_key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_private(data, passphrase, ec, {}), policy, ec, nullptr)};
}

inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    std::error_code& ec) noexcept
{
    return load_private_key(data, passphrase, rsa_key_policy{}, ec);
}

inline private_key load_private_key(std::string_view data, std::error_code& ec) noexcept
{
    return load_private_key(data, std::string_view{}, rsa_key_policy{}, ec);
}

inline private_key load_private_key(std::string_view data, std::string_view passphrase,
                                    const rsa_key_policy& policy)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    private_key key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_private(data, passphrase, ec, {&why}), policy, ec, &why)};
    if (ec)
        detail::throw_error(ec, detail::key_error_message("loading private key", why, data, ec,
                                                          !passphrase.empty()));
    return key;
}

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

inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         std::error_code& ec) noexcept
{
    return load_private_key_file(path, passphrase, rsa_key_policy{}, ec);
}

inline private_key load_private_key_file(const std::string& path, std::string_view passphrase,
                                         const rsa_key_policy& policy)
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
        detail::throw_error(
            ec, detail::key_error_message(
                    detail::keys_impl::file_context("loading private key", path).c_str(), why,
                    bytes.view(), ec, !passphrase.empty()));
    return key;
}

// ---- PKCS#12 ----------------------------------------------------------------------------------

namespace detail {

/// The entry of `parts`, the key checked against `policy` (its certificate shares the key).
inline pkcs12_entry make_pkcs12_entry(keys_impl::pkcs12_parts&& parts, const rsa_key_policy& policy,
                                      std::error_code& ec, std::string* why)
{
    pkcs12_entry e;
    e.key = private_key{enforce_rsa_key_policy(std::move(parts.key), policy, ec, why)};
    if (ec) return pkcs12_entry{};
    e.certificate_der = std::move(parts.certificate_der);
    e.certificate_key = public_key{std::move(parts.certificate_key)};
    e.alias = std::move(parts.alias);
    return e;
}

} // namespace detail

inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::string_view alias, const rsa_key_policy& policy,
                                std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::pkcs12_parts parts;
    if (!detail::keys_impl::load_pkcs12_parts(bytes, password, alias, parts, ec, {}))
        return pkcs12_entry{};
    return detail::make_pkcs12_entry(std::move(parts), policy, ec, nullptr);
}

inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::string_view alias, std::error_code& ec) noexcept
{
    return load_pkcs12(bytes, password, alias, rsa_key_policy{}, ec);
}

inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::error_code& ec) noexcept
{
    return load_pkcs12(bytes, password, std::string_view{}, rsa_key_policy{}, ec);
}

inline pkcs12_entry load_pkcs12(std::string_view bytes, std::string_view password,
                                std::string_view alias, const rsa_key_policy& policy)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    detail::keys_impl::pkcs12_parts parts;
    pkcs12_entry e;
    if (detail::keys_impl::load_pkcs12_parts(bytes, password, alias, parts, ec, {&why}))
        e = detail::make_pkcs12_entry(std::move(parts), policy, ec, &why);
    if (ec) detail::throw_error(ec, "loading PKCS#12" + why);
    return e;
}

inline pkcs12_entry load_pkcs12_file(const std::string& path, std::string_view password,
                                     std::string_view alias, const rsa_key_policy& policy,
                                     std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    ec.clear();
    if (!detail::keys_impl::read_file(path, bytes, ec, nullptr)) return pkcs12_entry{};
    return load_pkcs12(bytes.view(), password, alias, policy, ec);
}

inline pkcs12_entry load_pkcs12_file(const std::string& path, std::string_view password,
                                     std::string_view alias, std::error_code& ec) noexcept
{
    return load_pkcs12_file(path, password, alias, rsa_key_policy{}, ec);
}

inline pkcs12_entry load_pkcs12_file(const std::string& path, std::string_view password,
                                     std::string_view alias, const rsa_key_policy& policy)
{
    const detail::keys_impl::error_queue_scope scope;
    detail::keys_impl::wiped_bytes bytes;
    std::error_code ec;
    std::string why;
    if (!detail::keys_impl::read_file(path, bytes, ec, &why))
        detail::throw_error(ec, detail::keys_impl::file_context("loading PKCS#12", path) + why);
    detail::keys_impl::pkcs12_parts parts;
    pkcs12_entry e;
    if (detail::keys_impl::load_pkcs12_parts(bytes.view(), password, alias, parts, ec, {&why}))
        e = detail::make_pkcs12_entry(std::move(parts), policy, ec, &why);
    if (ec) detail::throw_error(ec, detail::keys_impl::file_context("loading PKCS#12", path) + why);
    return e;
}

inline private_key load_private_key_pkcs12(std::string_view bytes, std::string_view password,
                                           std::string_view alias, std::error_code& ec) noexcept
{
    return load_pkcs12(bytes, password, alias, rsa_key_policy{}, ec).key;
}

inline private_key load_private_key_pkcs12(std::string_view bytes, std::string_view password,
                                           std::string_view alias, const rsa_key_policy& policy)
{
    return load_pkcs12(bytes, password, alias, policy).key;
}

inline private_key load_private_key_pkcs12_file(const std::string& path,
                                                std::string_view password,
                                                std::string_view alias,
                                                std::error_code& ec) noexcept
{
    return load_pkcs12_file(path, password, alias, rsa_key_policy{}, ec).key;
}

inline private_key load_private_key_pkcs12_file(const std::string& path,
                                                std::string_view password,
                                                std::string_view alias,
                                                const rsa_key_policy& policy)
{
    return load_pkcs12_file(path, password, alias, policy).key;
}

// ---- public key loading -----------------------------------------------------------------------

inline public_key load_public_key(std::string_view data, const rsa_key_policy& policy,
                                  std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return public_key{detail::enforce_rsa_key_policy(detail::keys_impl::load_public(data, ec, {}),
                                                     policy, ec, nullptr)};
}

inline public_key load_public_key(std::string_view data, std::error_code& ec) noexcept
{
    return load_public_key(data, rsa_key_policy{}, ec);
}

inline public_key load_public_key(std::string_view data, const rsa_key_policy& policy)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    public_key key{detail::enforce_rsa_key_policy(detail::keys_impl::load_public(data, ec, {&why}),
                                                  policy, ec, &why)};
    if (ec) detail::throw_error(ec, "loading public key" + why);
    return key;
}

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

inline public_key load_public_key_file(const std::string& path, std::error_code& ec) noexcept
{
    return load_public_key_file(path, rsa_key_policy{}, ec);
}

inline public_key load_public_key_file(const std::string& path, const rsa_key_policy& policy)
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

inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              const rsa_key_policy& policy,
                                              std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return public_key{detail::enforce_rsa_key_policy(
        detail::keys_impl::load_certificate_key(pem_or_der, ec, {}), policy, ec, nullptr)};
}

inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              std::error_code& ec) noexcept
{
    return public_key_from_certificate(pem_or_der, rsa_key_policy{}, ec);
}

inline public_key public_key_from_certificate(std::string_view pem_or_der,
                                              const rsa_key_policy& policy)
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

inline private_key generate_rsa_key(unsigned bits, std::error_code& ec) noexcept
{
    const detail::keys_impl::error_queue_scope scope;
    return private_key{detail::keys_impl::generate_rsa(bits, ec, {})};
}

inline private_key generate_rsa_key(unsigned bits)
{
    const detail::keys_impl::error_queue_scope scope;
    std::error_code ec;
    std::string why;
    private_key key{detail::keys_impl::generate_rsa(bits, ec, {&why})};
    if (ec) detail::throw_error(ec, "generating key" + why);
    return key;
}

} // namespace oauth1

#endif // OAUTH1_IMPL_KEYS_IPP
