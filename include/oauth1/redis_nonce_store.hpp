// oauth1/redis_nonce_store.hpp - a nonce store in Redis, shared by every machine of a provider
// (RFC 5849 §3.3: the nonce/timestamp/token combination must not have been used before).
//
//   oauth1::redis_nonce_store_options opts;
//   opts.host = "10.0.0.5";
//   oauth1::redis_nonce_store nonces(opts);
//   nonces.ping();              // recommended: fail fast at start-up (unreachable or evicting)
//   oauth1::request_verifier v(lookup_consumer, lookup_token, nonces);
//
// Optional component: link oauth1::redis (CMake, `find_package(oauth1 COMPONENTS redis)`) or
// Meson's oauth1_redis_dep; it needs hiredis (Debian: libhiredis-dev, 0.14 or later).
//
// Each insert() is ONE command, `SET <prefix><key> 1 NX EX <ttl>`, so the check and the record are
// atomic in Redis even with many providers racing on the same nonce. The reply decides:
// OK -> new, nil -> seen. Anything else - an error reply, a timeout, a lost or refused connection -
// sets errc::nonce_store_unavailable and returns false, so the verifier refuses the request
// (fails closed) instead of accepting one it could not check. The failed command is never
// retried: a lost reply leaves unknown whether the SET happened. The next call reconnects once.
//
// Thread safety: a hiredis context must not be used by two threads at once, so one mutex
// serialises the store's commands (each holds it for one round trip; a command timeout bounds
// that). Throughput is therefore one connection's; a connection pool is future work. While Redis
// is down every call makes its one connection attempt under that mutex: keep connect_timeout short.
//
// hiredis writes with write(2); the store never writes twice to a failed connection, but a
// server process usually ignores SIGPIPE anyway.
//
// Eviction. A Redis that evicts keys under memory pressure silently forgets live nonces, and
// every forgotten nonce can be replayed until its timestamp leaves the window. So the store reads
// `CONFIG GET maxmemory*` on every new connection (before its first SET) and in every ping(),
// and accepts only:
//   - maxmemory 0 (no memory limit: Redis never evicts; it may run out of memory instead, and
//     then fails writes or dies - both fail closed here), or
//   - maxmemory-policy noeviction (at the limit Redis refuses writes with "-OOM", which fails
//     closed: nonce_store_unavailable).
// Every allkeys-* policy is refused, and so is every volatile-* policy: all of this store's keys
// carry a TTL, so volatile-lru/-lfu/-random/-ttl evict exactly our live nonces (volatile-ttl the
// ones closest to expiry first - still live, still replayable). A refused configuration makes
// ping() and insert() fail (fail closed) with errc::nonce_store_misconfigured and last_error()
// naming the policy, e.g. "Redis may evict live nonce keys ...: maxmemory-policy is allkeys-lru
// with maxmemory 1048576". The check is repeated by ping() (a periodic health check also catches a
// CONFIG SET at run time); a failed check is repeated before every insert until it passes.
// Managed Redis services often disable or rename CONFIG: the check then fails with a message
// saying so. Set options.check_eviction_policy = false only after making sure by other means
// that the policy is noeviction (the risk of skipping it: replays after an eviction).
// (Replication has a similar gap: a replica promoted before it received the latest SETs has
// forgotten them. Use WAIT, or accept that window, when failing over.)
//
// Key size. The nonce (like the consumer key and token) is part of the Redis key, and Redis
// keeps the key for the whole window: options.max_key_bytes (default 1,024, prefix included)
// bounds it. A longer combination is not stored and insert() fails closed with
// errc::request_too_large. The verifier's own nonce limit (request_limits::max_nonce_bytes, 64 by
// default) normally refuses such a request first.
//
// The hiredis wrappers and helpers are in oauth1/detail/redis.hpp (private).
#ifndef OAUTH1_REDIS_NONCE_STORE_HPP
#define OAUTH1_REDIS_NONCE_STORE_HPP

#include <oauth1/detail/redis.hpp>
#include <oauth1/error.hpp>

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {

/// Where and how redis_nonce_store keeps its entries.
struct redis_nonce_store_options {
    /// Redis server (host name or address) and TCP port. Not used with a borrowed context.
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    /// Prepended to every key, so that the entries can share a database with other data.
    std::string key_prefix = "oauth1:nonce:";
    /// Seconds an entry lives past its timestamp: use the verifier's timestamp window.
    std::uint64_t window = 300;
    /// Bound on establishing a connection. Not used with a borrowed context.
    std::chrono::milliseconds connect_timeout{1000};
    /// Bound on each command's send and receive (0: none). Also applied to a borrowed context.
    std::chrono::milliseconds command_timeout{1000};
    /// Refuse a Redis whose maxmemory / maxmemory-policy may evict live nonces (see "Eviction"
    /// at the top of redis_nonce_store.hpp). Turn off only where CONFIG GET is unavailable and
    /// the policy is known to be noeviction: an evicted nonce can be replayed.
    bool check_eviction_policy = true;
    /// Longest Redis key the store writes, key_prefix included; a longer combination is refused
    /// with errc::request_too_large (fail closed).
    std::size_t max_key_bytes = 1024;
};

/// Nonce store in Redis (models the requirements of nonce_store.hpp). Not copyable or movable.
class redis_nonce_store {
public:
    /// Connects to opts.host:opts.port on first use (no I/O here), and checks the eviction
    /// policy on each new connection; call ping() at start-up to fail fast.
    explicit redis_nonce_store(redis_nonce_store_options opts = {}) : opts_(std::move(opts)) {}

    /// Uses `borrowed`, a blocking context (redisConnect*, not *NonBlock) that the caller owns
    /// and keeps alive, and does not use elsewhere, while the store exists. The store applies
    /// opts.command_timeout to it and, after a failure, reconnects it in place (redisReconnect,
    /// with the context's own connect settings); it never frees it. opts.host, port and
    /// connect_timeout are not used. Throws oauth1::error(errc::invalid_argument) when
    /// `borrowed` is null or non-blocking.
    explicit redis_nonce_store(redisContext* borrowed, redis_nonce_store_options opts = {})
        : opts_(std::move(opts)), ctx_(borrowed), borrowed_(true)
    {
        if (borrowed == nullptr || (borrowed->flags & REDIS_BLOCK) == 0)
            detail::throw_if(make_error_code(errc::invalid_argument),
                             "redis_nonce_store needs a blocking redisContext");
        healthy_ = borrowed->err == 0 && apply_command_timeout();
    }

    redis_nonce_store(const redis_nonce_store&) = delete;
    redis_nonce_store& operator=(const redis_nonce_store&) = delete;
    ~redis_nonce_store() = default;

    /// Records (consumer_key, token, timestamp, nonce) until timestamp + window (at least one
    /// second from `now`); true when it was not seen before (RFC 5849 §3.3). Fails closed
    /// (false and `ec` set): errc::nonce_store_unavailable when Redis cannot answer;
    /// errc::nonce_store_misconfigured when Redis may evict live nonces (see "Eviction" above;
    /// last_error() says why); errc::request_too_large when the key would exceed
    /// options().max_key_bytes.
    bool insert(std::string_view consumer_key, std::string_view token, std::uint64_t timestamp,
                std::string_view nonce, std::uint64_t now, std::error_code& ec)
    {
        ec.clear();
        // The fields alone already too long: refused before building the key.
        const std::size_t least =
            opts_.key_prefix.size() + consumer_key.size() + token.size() + nonce.size();
        const std::string k = least > opts_.max_key_bytes
                                  ? std::string()
                                  : key(consumer_key, token, timestamp, nonce);
        if (least > opts_.max_key_bytes || k.size() > opts_.max_key_bytes) {
            const std::lock_guard<std::mutex> lock(mutex_);
            last_error_ = "nonce store key longer than max_key_bytes (" +
                          std::to_string(opts_.max_key_bytes) + " bytes)";
            ec = make_error_code(errc::request_too_large);
            return false;
        }
        constexpr auto max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t expiry =
            timestamp > max - opts_.window ? max : timestamp + opts_.window;
        const std::uint64_t ttl = expiry > now ? expiry - now : 1;

        const std::lock_guard<std::mutex> lock(mutex_);
        ec = ready_locked();
        if (ec) return false;
        const detail::redis_reply_ptr reply(
            static_cast<redisReply*>(redisCommand(ctx_, "SET %b 1 NX EX %llu", k.data(), k.size(),
                                                  static_cast<unsigned long long>(ttl))));
        if (reply && detail::reply_is(*reply, REDIS_REPLY_STATUS, "OK")) return true;
        if (reply && reply->type == REDIS_REPLY_NIL) return false;
        fail_locked(reply.get());
        ec = make_error_code(errc::nonce_store_unavailable);
        return false;
    }

    /// Connects if needed, sends PING and checks again that Redis will not evict live nonces
    /// (unless options().check_eviction_policy is false). For start-up and periodic health
    /// checks. errc::nonce_store_unavailable unless Redis answers; errc::nonce_store_misconfigured
    /// when its configuration may evict live nonces or cannot be read (last_error() says which).
    void ping(std::error_code& ec)
    {
        ec.clear();
        const std::lock_guard<std::mutex> lock(mutex_);
        policy_checked_ = false; // a CONFIG SET since the last check must be seen
        ec = ready_locked();
        if (ec) return;
        const detail::redis_reply_ptr reply(static_cast<redisReply*>(redisCommand(ctx_, "PING")));
        if (reply && detail::reply_is(*reply, REDIS_REPLY_STATUS, "PONG")) return;
        fail_locked(reply.get());
        ec = make_error_code(errc::nonce_store_unavailable);
    }

    /// Same; throws oauth1::error (its what() includes last_error()).
    void ping()
    {
        std::error_code ec;
        ping(ec);
        if (ec) {
            const std::string context = "pinging the Redis nonce store: " + last_error();
            detail::throw_if(ec, context.c_str());
        }
    }

    /// The Redis key of a combination: the prefix, then consumer key, token, timestamp and nonce,
    /// each string field preceded by its length ("3:key:0::1700000000:5:nonce:"), so that no
    /// two combinations share a key whatever bytes they contain.
    std::string key(std::string_view consumer_key, std::string_view token, std::uint64_t timestamp,
                    std::string_view nonce) const
    {
        std::string k;
        k.reserve(opts_.key_prefix.size() + consumer_key.size() + token.size() + nonce.size() + 48);
        k.append(opts_.key_prefix);
        detail::append_length_prefixed(k, consumer_key);
        detail::append_length_prefixed(k, token);
        k.append(std::to_string(timestamp)).push_back(':');
        detail::append_length_prefixed(k, nonce);
        return k;
    }

    /// hiredis's or Redis's description of the latest failure (e.g. "Connection refused"), or
    /// why Redis's configuration was refused (naming its maxmemory-policy), for logs; empty
    /// until a failure happens. Holds no secrets (nonces and keys are not secret).
    std::string last_error() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_error_;
    }

    const redis_nonce_store_options& options() const noexcept { return opts_; }
    std::uint64_t window() const noexcept { return opts_.window; }

private:
    // The error for a configuration that may lose live nonces.
    static std::error_code misconfigured() noexcept
    {
        return make_error_code(errc::nonce_store_misconfigured);
    }

    // Makes ctx_ usable for a SET: connected and, unless the check is off, checked for an
    // eviction policy that could forget live nonces.
    std::error_code ready_locked()
    {
        if (!connect_locked()) return make_error_code(errc::nonce_store_unavailable);
        if (!opts_.check_eviction_policy || policy_checked_) return {};
        return check_policy_locked();
    }

    // Reads maxmemory and maxmemory-policy in one round trip (a pattern, which every Redis
    // version accepts; Redis 7 also answers maxmemory-clients etc., which are ignored).
    std::error_code check_policy_locked()
    {
        const detail::redis_reply_ptr reply(
            static_cast<redisReply*>(redisCommand(ctx_, "CONFIG GET maxmemory*")));
        if (!reply) { // no answer: the connection is gone
            fail_locked(nullptr);
            return make_error_code(errc::nonce_store_unavailable);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            last_error_ = "cannot check that Redis will not evict live nonces: CONFIG GET was "
                          "refused (" +
                          std::string(detail::reply_text(*reply)) +
                          "); managed Redis services often disable or rename CONFIG. Make sure "
                          "maxmemory-policy is noeviction (or maxmemory 0), then set "
                          "redis_nonce_store_options::check_eviction_policy = false";
            return misconfigured();
        }
        bool pairs = reply->type == REDIS_REPLY_ARRAY;
#ifdef REDIS_REPLY_MAP
        pairs = pairs || reply->type == REDIS_REPLY_MAP; // RESP3 (a borrowed context)
#endif
        std::string_view maxmemory;
        std::string_view policy;
        bool has_maxmemory = false;
        bool has_policy = false;
        for (std::size_t i = 0; pairs && i + 1 < reply->elements; i += 2) {
            const redisReply* name = reply->element[i];
            const redisReply* value = reply->element[i + 1];
            if (name == nullptr || value == nullptr || value->str == nullptr) continue;
            if (detail::reply_text(*name) == "maxmemory") {
                maxmemory = detail::reply_text(*value);
                has_maxmemory = true;
            } else if (detail::reply_text(*name) == "maxmemory-policy") {
                policy = detail::reply_text(*value);
                has_policy = true;
            }
        }
        if (!has_maxmemory || !has_policy) {
            last_error_ = "cannot check that Redis will not evict live nonces: CONFIG GET "
                          "maxmemory* did not return maxmemory and maxmemory-policy";
            return misconfigured();
        }
        std::string risk = detail::redis_eviction_risk(maxmemory, policy);
        if (!risk.empty()) {
            last_error_ = std::move(risk);
            return misconfigured();
        }
        policy_checked_ = true;
        return {};
    }

    // Makes ctx_ usable: nothing when healthy, else one connection attempt.
    bool connect_locked()
    {
        if (healthy_) return true;
        if (borrowed_) {
            if (redisReconnect(ctx_) != REDIS_OK) {
                last_error_ = ctx_->errstr;
                return false;
            }
        } else {
            ctx_ = nullptr;
            owned_.reset(redisConnectWithTimeout(opts_.host.c_str(), opts_.port,
                                                 detail::to_timeval(opts_.connect_timeout)));
            if (!owned_) {
                last_error_ = "cannot allocate a Redis context";
                return false;
            }
            if (owned_->err != 0) {
                last_error_ = owned_->errstr;
                owned_.reset();
                return false;
            }
            ctx_ = owned_.get();
            // Detects a peer that vanished without closing (best effort: failure is harmless).
            (void)redisEnableKeepAlive(ctx_);
        }
        if (!apply_command_timeout()) {
            last_error_ = ctx_->errstr;
            return false;
        }
        healthy_ = true;
        policy_checked_ = false; // possibly another server now (a failover): check it again
        return true;
    }

    bool apply_command_timeout()
    {
        return redisSetTimeout(ctx_, detail::to_timeval(opts_.command_timeout)) == REDIS_OK;
    }

    // Records why a command failed; the connection is re-established before the next command.
    void fail_locked(const redisReply* reply)
    {
        if (reply == nullptr)
            last_error_ = ctx_->errstr[0] != '\0' ? ctx_->errstr : "no reply from Redis";
        else if (reply->type == REDIS_REPLY_ERROR && reply->str != nullptr)
            last_error_.assign(reply->str, reply->len);
        else
            last_error_ = "unexpected reply from Redis";
        healthy_ = false;
    }

    redis_nonce_store_options opts_;
    mutable std::mutex mutex_;
    detail::redis_context_ptr owned_;
    redisContext* ctx_ = nullptr; // owned_.get() or the borrowed context
    bool borrowed_ = false;
    bool healthy_ = false;
    bool policy_checked_ = false; // this connection's eviction policy was found safe
    std::string last_error_;
};

} // namespace oauth1

#endif // OAUTH1_REDIS_NONCE_STORE_HPP
