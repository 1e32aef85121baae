// oauth1/detail/rsa_key_facts.hpp - private to oauth1 (not a public header): what the RSA key
// policy (rsa_key_policy in oauth1/keys.hpp) looks at: the public facts of an RSA key (modulus
// parity, public exponent), the verdict of a check and its wording. The check against a policy,
// check_rsa_key_policy(), is in oauth1/impl/keys.ipp, next to the policy it reads.
#ifndef OAUTH1_DETAIL_RSA_KEY_FACTS_HPP
#define OAUTH1_DETAIL_RSA_KEY_FACTS_HPP

#include <oauth1/detail/openssl.hpp>

#include <openssl/bn.h>
#include <openssl/core.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace oauth1::detail {

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

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_RSA_KEY_FACTS_HPP
