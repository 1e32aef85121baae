#!/bin/sh
# Makes the PKCS#12 test containers of tests/unit/keys_pkcs12.cpp from wiki_key.pem and
# wiki_cert.pem (the OAuth wiki RSA-SHA1 test case). Run once in this directory with the OpenSSL 3
# `openssl` CLI; the outputs are committed. Test-only: the password of each is `oauth1-test`.
# (A container with several keys is built by the test itself with the OpenSSL C API.)
set -eu
cd "$(dirname "$0")"

# Modern: AES-256-CBC with PBKDF2 for the key and the certificate, HMAC-SHA256 MAC (OpenSSL 3's
# default for -export).
openssl pkcs12 -export -inkey wiki_key.pem -in wiki_cert.pem \
    -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256 \
    -passout pass:oauth1-test -out wiki_modern.p12

# The same with a friendly name (the alias a Java keystore shows).
openssl pkcs12 -export -inkey wiki_key.pem -in wiki_cert.pem -name "oauth1 wiki key" \
    -passout pass:oauth1-test -out wiki_alias.p12

# Legacy, as payment APIs still hand out: the certificate bag in RC2-40, the key in 3DES, MAC
# SHA-1. OpenSSL 3 reads it only with its legacy provider (hence -legacy here too).
openssl pkcs12 -export -legacy -inkey wiki_key.pem -in wiki_cert.pem \
    -passout pass:oauth1-test -out wiki_legacy.p12

# Only the key, no certificate.
openssl pkcs12 -export -nocerts -inkey wiki_key.pem \
    -passout pass:oauth1-test -out wiki_nocert.p12
