// oauth1/detail/pkcs12.hpp - private to oauth1 (not a public header): reading PKCS#12 containers
// (.p12/.pfx, RFC 7292) for oauth1/keys.hpp's load_pkcs12(): the MAC check, the safe bags (key
// bags, shrouded key bags, certificate bags, nested safe contents), friendly names, and the retry
// in a private OpenSSL library context with the legacy provider for RC2-40 / 3DES containers.
//
// Everything is read into plain bytes (PKCS#8 DER of each key, DER of each certificate), wiped
// when dropped, and decoded afterwards in the caller's library context: no OpenSSL object made in
// the temporary legacy context outlives it.
#ifndef OAUTH1_DETAIL_PKCS12_HPP
#define OAUTH1_DETAIL_PKCS12_HPP

#include <oauth1/detail/key_formats.hpp>
#include <oauth1/detail/openssl.hpp>
#include <oauth1/error.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include <climits>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace oauth1::detail::keys_impl {

struct pkcs12_deleter {
    void operator()(PKCS12* p) const noexcept { PKCS12_free(p); }
};
struct pkcs7_stack_deleter {
    void operator()(STACK_OF(PKCS7) * p) const noexcept { sk_PKCS7_pop_free(p, PKCS7_free); }
};
struct safebag_stack_deleter {
    void operator()(STACK_OF(PKCS12_SAFEBAG) * p) const noexcept
    {
        sk_PKCS12_SAFEBAG_pop_free(p, PKCS12_SAFEBAG_free);
    }
};
struct p8inf_deleter {
    void operator()(PKCS8_PRIV_KEY_INFO* p) const noexcept { PKCS8_PRIV_KEY_INFO_free(p); }
};
using pkcs12_ptr = std::unique_ptr<PKCS12, pkcs12_deleter>;
using pkcs7_stack_ptr = std::unique_ptr<STACK_OF(PKCS7), pkcs7_stack_deleter>;
using safebag_stack_ptr = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), safebag_stack_deleter>;
using p8inf_ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, p8inf_deleter>;

/// One bag read from a container: a key (PKCS#8 DER, wiped) or a certificate (DER).
struct pkcs12_bag {
    bool is_key = false;
    std::unique_ptr<wiped_bytes> der = std::make_unique<wiped_bytes>();
    std::string alias; ///< the friendlyName attribute (UTF-8), "" when none
};

/// The outcome of reading a container once (in one library context).
enum class pkcs12_read { ok, not_pkcs12, password_wrong, password_required, needs_legacy, failed };

/// True when `data` starts like a PKCS#12 PFX: SEQUENCE { INTEGER 3, SEQUENCE (ContentInfo) ...
/// (RFC 7292 §4). Cheap: for load_private_key()'s format detection.
inline bool looks_like_pkcs12(std::string_view data) noexcept
{
    const auto at = [&data](std::size_t i) -> int {
        return i < data.size() ? static_cast<unsigned char>(data[i]) : -1;
    };
    if (at(0) != 0x30) return false;
    std::size_t i = 1;
    const int len = at(i);
    if (len < 0) return false;
    if (len & 0x80) {
        const int n = len & 0x7F;
        if (n == 0 || n > 4) return false;
        i += static_cast<std::size_t>(n);
    }
    ++i;
    return at(i) == 0x02 && at(i + 1) == 0x01 && at(i + 2) == 0x03 && at(i + 3) == 0x30;
}

/// True when `data` parses as a PKCS#12 PFX (DER), whatever its content; the queue is cleared.
inline bool parses_as_pkcs12(std::string_view data) noexcept
{
    if (data.size() > static_cast<std::size_t>(LONG_MAX)) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const pkcs12_ptr p12{d2i_PKCS12(nullptr, &p, static_cast<long>(data.size()))};
    ERR_clear_error();
    return static_cast<bool>(p12);
}

class pkcs12_reader {
public:
    pkcs12_reader(std::string_view password, std::vector<pkcs12_bag>& out) noexcept
        : password_(password), out_(out)
    {}

    /// Reads `data` in the thread's current default library context.
    pkcs12_read read(std::string_view data)
    {
        if (data.size() > static_cast<std::size_t>(LONG_MAX)) return pkcs12_read::not_pkcs12;
        const auto* p = reinterpret_cast<const unsigned char*>(data.data());
        const pkcs12_ptr p12{d2i_PKCS12(nullptr, &p, static_cast<long>(data.size()))};
        if (!p12) return pkcs12_read::not_pkcs12;
        // The MAC tells a wrong password from anything else. An empty password is tried as
        // both "" and none (OpenSSL writes either, depending on the tool).
        if (PKCS12_mac_present(p12.get()) == 1) {
            if (password_.empty()) {
                if (PKCS12_verify_mac(p12.get(), "", 0) == 1)
                    pass_ = "";
                else if (PKCS12_verify_mac(p12.get(), nullptr, 0) == 1)
                    pass_ = nullptr;
                else
                    return mac_failure(pkcs12_read::password_required);
            } else if (password_.size() > INT_MAX ||
                       PKCS12_verify_mac(p12.get(), password_.data(),
                                         static_cast<int>(password_.size())) != 1) {
                return mac_failure(pkcs12_read::password_wrong);
            } else {
                pass_ = password_.data();
            }
        } else {
            pass_ = password_.empty() ? "" : password_.data();
        }
        passlen_ = pass_ == nullptr ? 0 : static_cast<int>(password_.size());
        const pkcs7_stack_ptr safes{PKCS12_unpack_authsafes(p12.get())};
        if (!safes) return failure();
        for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
            PKCS7* safe = sk_PKCS7_value(safes.get(), i);
            const int nid = OBJ_obj2nid(safe->type);
            safebag_stack_ptr bags;
            if (nid == NID_pkcs7_data)
                bags.reset(PKCS12_unpack_p7data(safe));
            else if (nid == NID_pkcs7_encrypted)
                bags.reset(PKCS12_unpack_p7encdata(safe, pass_, passlen_));
            else
                continue; // public-key-encrypted (enveloped) safes are not supported
            if (!bags || !read_bags(bags.get(), 0)) return failure();
        }
        ERR_clear_error();
        return pkcs12_read::ok;
    }

private:
    pkcs12_read mac_failure(pkcs12_read what) noexcept
    {
        // A MAC whose digest no provider offers is no password problem.
        if (last_error_is_policy_refusal()) return pkcs12_read::needs_legacy;
        ERR_clear_error();
        return what;
    }

    pkcs12_read failure() noexcept
    {
        // RC2-40 and friends: OpenSSL's default provider has no such cipher ("unsupported").
        const openssl_error_kinds kinds = drain_openssl_error_kinds();
        return kinds.policy_refusal ? pkcs12_read::needs_legacy : pkcs12_read::failed;
    }

    bool read_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, int depth)
    {
        for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
            const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
            switch (PKCS12_SAFEBAG_get_nid(bag)) {
            case NID_keyBag: {
                const PKCS8_PRIV_KEY_INFO* p8 = PKCS12_SAFEBAG_get0_p8inf(bag);
                if (p8 == nullptr || !add_key(p8, bag)) return false;
                break;
            }
            case NID_pkcs8ShroudedKeyBag: {
                const p8inf_ptr p8{PKCS12_decrypt_skey(bag, pass_, passlen_)};
                if (!p8 || !add_key(p8.get(), bag)) return false;
                break;
            }
            case NID_certBag: {
                if (PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate) break;
                const x509_ptr cert{PKCS12_SAFEBAG_get1_cert(bag)};
                if (!cert) return false;
                unsigned char* der = nullptr;
                const int len = i2d_X509(cert.get(), &der);
                const openssl_bytes_ptr owner{der};
                if (len <= 0) return false;
                pkcs12_bag& b = add(bag, false);
                b.der->append(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
                break;
            }
            case NID_safeContentsBag:
                if (depth >= 4) return false; // nesting is legal, deep nesting is hostile
                if (!read_bags(PKCS12_SAFEBAG_get0_safes(bag), depth + 1)) return false;
                break;
            default: break; // CRL and secret bags: not needed
            }
        }
        return true;
    }

    bool add_key(const PKCS8_PRIV_KEY_INFO* p8, const PKCS12_SAFEBAG* bag)
    {
        unsigned char* der = nullptr;
        const int len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
        if (len <= 0 || der == nullptr) return false;
        struct wipe_and_free {
            unsigned char* p;
            int n;
            ~wipe_and_free() { OPENSSL_clear_free(p, static_cast<std::size_t>(n)); }
        } const guard{der, len};
        pkcs12_bag& b = add(bag, true);
        b.der->str().reserve(static_cast<std::size_t>(len));
        b.der->append(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
        return true;
    }

    pkcs12_bag& add(const PKCS12_SAFEBAG* bag, bool is_key)
    {
        pkcs12_bag b;
        b.is_key = is_key;
        // PKCS12_get_friendlyname takes a non-const bag but does not change it.
        char* name = PKCS12_get_friendlyname(const_cast<PKCS12_SAFEBAG*>(bag));
        if (name != nullptr) {
            b.alias = name;
            OPENSSL_free(name);
        }
        out_.push_back(std::move(b));
        return out_.back();
    }

    std::string_view password_;
    const char* pass_ = nullptr;
    int passlen_ = 0;
    std::vector<pkcs12_bag>& out_;
};

struct lib_ctx_deleter {
    void operator()(OSSL_LIB_CTX* p) const noexcept { OSSL_LIB_CTX_free(p); }
};
struct provider_unloader {
    void operator()(OSSL_PROVIDER* p) const noexcept { (void)OSSL_PROVIDER_unload(p); }
};

/// A private library context with OpenSSL's legacy and default providers, made the thread's
/// default for its lifetime (the previous default is restored, the providers unloaded and the
/// context freed on destruction). The process-wide default context is never touched.
class legacy_context_scope {
public:
    legacy_context_scope() noexcept
    {
        ctx_.reset(OSSL_LIB_CTX_new());
        if (!ctx_) return;
        legacy_.reset(OSSL_PROVIDER_load(ctx_.get(), "legacy"));
        if (!legacy_) return;
        default_.reset(OSSL_PROVIDER_load(ctx_.get(), "default"));
        if (!default_) return;
        previous_ = OSSL_LIB_CTX_set0_default(ctx_.get());
        active_ = previous_ != nullptr;
    }
    ~legacy_context_scope()
    {
        if (active_) (void)OSSL_LIB_CTX_set0_default(previous_);
        default_.reset();
        legacy_.reset();
        ctx_.reset();
    }
    legacy_context_scope(const legacy_context_scope&) = delete;
    legacy_context_scope& operator=(const legacy_context_scope&) = delete;

    /// Whether the legacy provider could be loaded (and the context is in use).
    bool active() const noexcept { return active_; }

private:
    std::unique_ptr<OSSL_LIB_CTX, lib_ctx_deleter> ctx_;
    std::unique_ptr<OSSL_PROVIDER, provider_unloader> legacy_;
    std::unique_ptr<OSSL_PROVIDER, provider_unloader> default_;
    OSSL_LIB_CTX* previous_ = nullptr;
    bool active_ = false;
};

/// Reads every bag of a container: first in the caller's library context, then, if a cipher
/// was missing, once more with the legacy provider. Sets `ec` (pkcs12_invalid,
/// key_passphrase_required, key_passphrase_wrong, pkcs12_legacy_unavailable) on failure.
inline bool read_pkcs12_bags(std::string_view data, std::string_view password,
                             std::vector<pkcs12_bag>& bags, std::error_code& ec,
                             const failure_info& fail)
{
    pkcs12_read r;
    {
        pkcs12_reader reader{password, bags};
        r = reader.read(data);
    }
    bool legacy_tried = false;
    // Never around a FIPS configuration: the caller chose to refuse these ciphers.
    const bool fips = EVP_default_properties_is_fips_enabled(nullptr) == 1;
    if (r == pkcs12_read::needs_legacy && !fips) {
        bags.clear();
        ERR_clear_error();
        const legacy_context_scope legacy;
        if (legacy.active()) {
            legacy_tried = true;
            pkcs12_reader reader{password, bags};
            r = reader.read(data);
        }
    }
    switch (r) {
    case pkcs12_read::ok: return true;
    case pkcs12_read::not_pkcs12:
        fail.set(ec, errc::pkcs12_invalid, "PKCS#12", "not PKCS#12");
        break;
    case pkcs12_read::password_required:
        fail.set(ec, errc::key_passphrase_required, "PKCS#12",
                 "the container is protected by a password: give it as the passphrase");
        break;
    case pkcs12_read::password_wrong:
        fail.set(ec, errc::key_passphrase_wrong, "PKCS#12",
                 "the password does not match the container's integrity check (MAC): a wrong "
                 "password (or a damaged container)");
        break;
    case pkcs12_read::needs_legacy:
        fail.set(ec, errc::pkcs12_legacy_unavailable, "PKCS#12",
                 legacy_tried ? "even OpenSSL's legacy provider cannot decrypt it"
                 : fips       ? "the container uses legacy encryption (RC2-40/3DES), which FIPS "
                                "mode refuses; convert it once: openssl pkcs12 -legacy -in old.p12 "
                                "-nodes | openssl pkcs12 -export -out new.p12"
                              : "the container uses legacy encryption (RC2-40/3DES) and OpenSSL's "
                                "legacy provider is not available (see OPENSSL_MODULES); convert "
                                "it once: openssl pkcs12 -legacy -in old.p12 -nodes | openssl "
                                "pkcs12 -export -out new.p12");
        break;
    case pkcs12_read::failed: fail.set(ec, errc::pkcs12_invalid, "PKCS#12"); break;
    }
    bags.clear();
    return false;
}

/// What load_pkcs12() returns, before the key policy: all in the caller's library context.
struct pkcs12_parts {
    evp_pkey_ptr key;
    std::vector<unsigned char> certificate_der;
    evp_pkey_ptr certificate_key;
    std::string alias;
};

/// "'a', 'b'" (or "none") for messages: aliases are names, not secrets.
inline std::string pkcs12_alias_list(const std::vector<pkcs12_bag>& bags)
{
    std::string list;
    for (const pkcs12_bag& b : bags) {
        if (!b.is_key) continue;
        if (!list.empty()) list += ", ";
        list += b.alias.empty() ? std::string("(a key without alias)") : "'" + b.alias + "'";
    }
    return list.empty() ? std::string("none") : list;
}

/// Reads a container and picks its key (by `alias` when given) and the matching certificate.
inline bool load_pkcs12_parts(std::string_view data, std::string_view password,
                              std::string_view alias, pkcs12_parts& out, std::error_code& ec,
                              const failure_info& fail)
{
    ec.clear();
    if (data.size() > max_input_size || is_blank(data)) {
        fail.set(ec, errc::pkcs12_invalid, "PKCS#12",
                 data.size() > max_input_size ? "larger than 8 MiB" : "empty");
        return false;
    }
    std::vector<pkcs12_bag> bags;
    if (!read_pkcs12_bags(data, password, bags, ec, fail)) return false;
    const pkcs12_bag* chosen = nullptr;
    std::size_t keys = 0;
    for (const pkcs12_bag& b : bags) {
        if (!b.is_key) continue;
        ++keys;
        if (alias.empty() ? chosen == nullptr : b.alias == alias) chosen = &b;
    }
    if (keys == 0) {
        fail.set(ec, errc::pkcs12_invalid, "PKCS#12",
                 "the container holds no private key (only certificates?)");
        return false;
    }
    if (!alias.empty() && chosen == nullptr) {
        fail.set(ec, errc::pkcs12_alias_not_found, "PKCS#12",
                 "no key has that alias; the container's aliases: " + pkcs12_alias_list(bags));
        return false;
    }
    if (alias.empty() && keys > 1) {
        fail.set(ec, errc::pkcs12_alias_required, "PKCS#12",
                 "the container holds " + std::to_string(keys) +
                     " private keys: name one by its alias: " + pkcs12_alias_list(bags));
        return false;
    }
    passphrase_source none;
    out.key = decode_pkey(chosen->der->view(), "DER", "PrivateKeyInfo", EVP_PKEY_KEYPAIR, none);
    if (!out.key) {
        fail.set(ec, errc::key_der_invalid, "PKCS#12 key bag");
        return false;
    }
    out.alias = chosen->alias;
    for (const pkcs12_bag& b : bags) {
        if (b.is_key) continue;
        x509_ptr cert = read_certificate_der(b.der->view());
        evp_pkey_ptr pub{cert ? X509_get_pubkey(cert.get()) : nullptr};
        if (!pub || EVP_PKEY_eq(pub.get(), out.key.get()) != 1) continue;
        const auto* p = reinterpret_cast<const unsigned char*>(b.der->view().data());
        out.certificate_der.assign(p, p + b.der->view().size());
        out.certificate_key = std::move(pub);
        if (out.alias.empty()) out.alias = b.alias;
        break;
    }
    ERR_clear_error();
    return true;
}

} // namespace oauth1::detail::keys_impl

#endif // OAUTH1_DETAIL_PKCS12_HPP
