// Test support: an RSA public key with exactly the modulus n and exponent e given, built with
// EVP_PKEY_fromdata. No openssl command makes keys such as e = 1 or an even modulus, and OpenSSL
// does not check a key when it builds it this way: the tests of the RSA key policy (keys.cpp,
// signature_method.cpp) need exactly such keys. A failing OpenSSL call fails the test.
#ifndef OAUTH1_TEST_RSA_PUBLIC_FROM_HPP
#define OAUTH1_TEST_RSA_PUBLIC_FROM_HPP

#include <oauth1/detail/openssl.hpp>
#include <oauth1/keys.hpp>

#include <doctest/doctest.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace oauth1_test {

inline oauth1::public_key rsa_public_from(const BIGNUM* n, const BIGNUM* e)
{
    struct bld_free {
        void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
    };
    struct params_free {
        void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
    };
    const std::unique_ptr<OSSL_PARAM_BLD, bld_free> bld{OSSL_PARAM_BLD_new()};
    REQUIRE(bld);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n) == 1);
    REQUIRE(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e) == 1);
    const std::unique_ptr<OSSL_PARAM, params_free> params{OSSL_PARAM_BLD_to_param(bld.get())};
    REQUIRE(params);
    const oauth1::detail::evp_pkey_ctx_ptr ctx{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    EVP_PKEY* raw = nullptr;
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) == 1);
    return oauth1::public_key{oauth1::detail::evp_pkey_ptr{raw}};
}

} // namespace oauth1_test

#endif // OAUTH1_TEST_RSA_PUBLIC_FROM_HPP
