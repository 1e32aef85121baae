// oauth1/oauth1.hpp - the whole core of oauth1 (RFC 5849): client side (signing, the three-legged
// flow over any transport, any request type through request_traits) and provider side. Not
// included: the optional components, each with its own library (the HTTP client adapters in
// oauth1/adapters/, the Redis nonce store), and oauth1/src.hpp (separate compilation).
#ifndef OAUTH1_OAUTH1_HPP
#define OAUTH1_OAUTH1_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/config.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/flow_error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/loopback_callback.hpp>
#include <oauth1/lti.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/profiles.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/public_origin.hpp>
#include <oauth1/refusal.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/skew_clock.hpp>
#include <oauth1/token_answer.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>
#include <oauth1/version.hpp>

#endif // OAUTH1_OAUTH1_HPP
