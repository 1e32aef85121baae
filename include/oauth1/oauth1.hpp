// oauth1/oauth1.hpp - the whole core of oauth1 (RFC 5849): client and provider side, without the
// HTTP client adapters and the Redis nonce store (optional components).
#ifndef OAUTH1_OAUTH1_HPP
#define OAUTH1_OAUTH1_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/version.hpp>

#endif // OAUTH1_OAUTH1_HPP
