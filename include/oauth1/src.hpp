// oauth1/src.hpp - oauth1's non-template code, for separate compilation (see oauth1/config.hpp).
//
// With OAUTH1_SEPARATE_COMPILATION defined for the whole program, include this header in exactly
// one source file. (CMake's oauth1::separate target and Meson's oauth1_separate_dep do this.)
#ifndef OAUTH1_SRC_HPP
#define OAUTH1_SRC_HPP

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#error "oauth1/src.hpp is for OAUTH1_SEPARATE_COMPILATION; header-only programs do not need it"
#endif

#include <oauth1/oauth1.hpp>

#include <oauth1/impl/base_string.ipp>
#include <oauth1/impl/client.ipp>
#include <oauth1/impl/error.ipp>

namespace oauth1 {
// The instantiations client.hpp declares extern under OAUTH1_SEPARATE_COMPILATION.
template class hmac_signer<detail::sha1_digest, signature_method::hmac_sha1>;
template class hmac_signer<detail::sha256_digest, signature_method::hmac_sha256>;
template class hmac_signer<detail::sha512_digest, signature_method::hmac_sha512>;
template class rsa_signer<detail::sha1_digest, signature_method::rsa_sha1>;
template class rsa_signer<detail::sha256_digest, signature_method::rsa_sha256>;
template class rsa_signer<detail::sha512_digest, signature_method::rsa_sha512>;
template class basic_client<any_signer>;
template class basic_client<hmac_sha1>;
template class basic_client<hmac_sha256>;
template class basic_client<hmac_sha512>;
template class basic_client<plaintext>;
template class basic_client<rsa_sha1>;
template class basic_client<rsa_sha256>;
template class basic_client<rsa_sha512>;
} // namespace oauth1

#endif // OAUTH1_SRC_HPP
