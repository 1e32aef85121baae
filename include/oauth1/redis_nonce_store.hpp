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
// Threads: a hiredis context must not be used by two threads at once, so the store keeps a small
// pool of connections (options.max_connections, 8 by default): each insert() takes an idle one,
// or opens a new one while fewer than the maximum exist, or waits for one to be returned (a
// command timeout bounds every holder). Threads verifying at once therefore make their round
// trips in parallel instead of queueing behind one connection. Each connection reconnects by
// itself after a failure and has its eviction policy checked before its first SET. While Redis is
// down every call makes one connection attempt on the connection it holds: keep connect_timeout
// short. A borrowed context is a pool of one.
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

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

/// Where and how redis_nonce_store keeps its entries.
struct redis_nonce_store_options {
    /// Redis server (host name or address) and TCP port. Not used with a borrowed context.
    std::string host = "127.0.0.1";
    /// TCP port of the Redis server.
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
    /// Connections kept open at most, one per insert() in flight (threads beyond that wait for
    /// one). At least 1. Not used with a borrowed context (one connection: the caller's).
    std::size_t max_connections = 8;
};

/// Nonce store in Redis (models the requirements of nonce_store.hpp). Not copyable or movable.
class redis_nonce_store {
public:
    /// Connects to opts.host:opts.port on first use (no I/O here), and checks the eviction
    /// policy on each new connection; call ping() at start-up to fail fast.
    explicit redis_nonce_store(redis_nonce_store_options opts = {}) : opts_(std::move(opts))
    {
        if (opts_.max_connections == 0) opts_.max_connections = 1;
    }

    /// Uses `borrowed`, a blocking context (redisConnect*, not *NonBlock) that the caller owns
    /// and keeps alive, and does not use elsewhere, while the store exists. The store applies
    /// opts.command_timeout to it and, after a failure, reconnects it in place (redisReconnect,
    /// with the context's own connect settings); it never frees it. opts.host, port and
    /// connect_timeout are not used. Throws oauth1::error(errc::invalid_argument) when
    /// `borrowed` is null or non-blocking.
    explicit redis_nonce_store(redisContext* borrowed, redis_nonce_store_options opts = {})
        : opts_(std::move(opts)), borrowed_(true)
    {
        if (borrowed == nullptr || (borrowed->flags & REDIS_BLOCK) == 0)
            detail::throw_if(make_error_code(errc::invalid_argument),
                             "redis_nonce_store needs a blocking redisContext");
        opts_.max_connections = 1;
        auto c = std::make_unique<connection>();
        c->ctx = borrowed;
        c->healthy = borrowed->err == 0 && apply_command_timeout(*c);
        idle_.push_back(c.get());
        all_.push_back(std::move(c));
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
            set_last_error("nonce store key longer than max_key_bytes (" +
                           std::to_string(opts_.max_key_bytes) + " bytes)");
            ec = make_error_code(errc::request_too_large);
            return false;
        }
        constexpr auto max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t expiry =
            timestamp > max - opts_.window ? max : timestamp + opts_.window;
        const std::uint64_t ttl = expiry > now ? expiry - now : 1;

        const lease c(*this);
        ec = ready(*c);
        if (ec) return false;
        const detail::redis_reply_ptr reply(
            static_cast<redisReply*>(redisCommand(c->ctx, "SET %b 1 NX EX %llu", k.data(), k.size(),
                                                  static_cast<unsigned long long>(ttl))));
        if (reply && detail::reply_is(*reply, REDIS_REPLY_STATUS, "OK")) return true;
        if (reply && reply->type == REDIS_REPLY_NIL) return false;
        fail(*c, reply.get());
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
        // A CONFIG SET since the last check must be seen: every connection checks again before
        // its next SET, this one now.
        policy_epoch_.fetch_add(1, std::memory_order_relaxed);
        const lease c(*this);
        ec = ready(*c);
        if (ec) return;
        const detail::redis_reply_ptr reply(static_cast<redisReply*>(redisCommand(c->ctx, "PING")));
        if (reply && detail::reply_is(*reply, REDIS_REPLY_STATUS, "PONG")) return;
        fail(*c, reply.get());
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
        const std::lock_guard<std::mutex> lock(error_mutex_);
        return last_error_;
    }

    /// The options given at construction.
    const redis_nonce_store_options& options() const noexcept { return opts_; }
    /// Seconds an entry is kept past its timestamp.
    std::uint64_t window() const noexcept { return opts_.window; }

    /// Connections the pool holds (connected or not), at most options().max_connections.
    std::size_t pool_size() const
    {
        const std::lock_guard<std::mutex> lock(pool_mutex_);
        return all_.size();
    }

private:
    // One hiredis connection of the pool; used by one thread at a time (see lease).
    struct connection {
        detail::redis_context_ptr owned;
        redisContext* ctx = nullptr; // owned.get() or the borrowed context
        bool healthy = false;
        bool policy_checked = false;     // this connection's eviction policy was found safe...
        std::uint64_t checked_epoch = 0; // ...as of this ping() epoch
    };

    // An idle connection taken from the pool (a new one while fewer than max_connections
    // exist, else waiting for one), given back on destruction.
    class lease {
    public:
        explicit lease(redis_nonce_store& store) : store_(store)
        {
            std::unique_lock<std::mutex> lock(store_.pool_mutex_);
            store_.idle_cv_.wait(lock, [this] {
                return !store_.idle_.empty() || store_.all_.size() < store_.opts_.max_connections;
            });
            if (!store_.idle_.empty()) {
                c_ = store_.idle_.back(); // the most recently used: keeps few connections warm
                store_.idle_.pop_back();
            } else {
                store_.all_.push_back(std::make_unique<connection>());
                c_ = store_.all_.back().get();
            }
        }
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease()
        {
            {
                const std::lock_guard<std::mutex> lock(store_.pool_mutex_);
                store_.idle_.push_back(c_);
            }
            store_.idle_cv_.notify_one();
        }
        connection& operator*() const noexcept { return *c_; }
        connection* operator->() const noexcept { return c_; }

    private:
        redis_nonce_store& store_;
        connection* c_ = nullptr;
    };

    void set_last_error(std::string text)
    {
        const std::lock_guard<std::mutex> lock(error_mutex_);
        last_error_ = std::move(text);
    }

    // The error for a configuration that may lose live nonces.
    static std::error_code misconfigured() noexcept
    {
        return make_error_code(errc::nonce_store_misconfigured);
    }

    // Makes a connection usable for a SET: connected and, unless the check is off, checked for an
    // eviction policy that could forget live nonces.
    std::error_code ready(connection& c)
    {
        if (!connect(c)) return make_error_code(errc::nonce_store_unavailable);
        const std::uint64_t epoch = policy_epoch_.load(std::memory_order_relaxed);
        if (!opts_.check_eviction_policy || (c.policy_checked && c.checked_epoch == epoch))
            return {};
        const std::error_code ec = check_policy(c);
        if (!ec) {
            c.policy_checked = true;
            c.checked_epoch = epoch;
        }
        return ec;
    }

    // Reads maxmemory and maxmemory-policy in one round trip (a pattern, which every Redis
    // version accepts; Redis 7 also answers maxmemory-clients etc., which are ignored).
    std::error_code check_policy(connection& c)
    {
        const detail::redis_reply_ptr reply(
            static_cast<redisReply*>(redisCommand(c.ctx, "CONFIG GET maxmemory*")));
        if (!reply) { // no answer: the connection is gone
            fail(c, nullptr);
            return make_error_code(errc::nonce_store_unavailable);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            set_last_error("cannot check that Redis will not evict live nonces: CONFIG GET was "
                           "refused (" +
                           std::string(detail::reply_text(*reply)) +
                           "); managed Redis services often disable or rename CONFIG. Make sure "
                           "maxmemory-policy is noeviction (or maxmemory 0), then set "
                           "redis_nonce_store_options::check_eviction_policy = false");
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
            set_last_error("cannot check that Redis will not evict live nonces: CONFIG GET "
                           "maxmemory* did not return maxmemory and maxmemory-policy");
            return misconfigured();
        }
        std::string risk = detail::redis_eviction_risk(maxmemory, policy);
        if (!risk.empty()) {
            set_last_error(std::move(risk));
            return misconfigured();
        }
        return {};
    }

    // Makes `c` usable: nothing when healthy, else one connection attempt.
    bool connect(connection& c)
    {
        if (c.healthy) return true;
        if (borrowed_) {
            if (redisReconnect(c.ctx) != REDIS_OK) {
                set_last_error(c.ctx->errstr);
                return false;
            }
        } else {
            c.ctx = nullptr;
            c.owned.reset(redisConnectWithTimeout(opts_.host.c_str(), opts_.port,
                                                  detail::to_timeval(opts_.connect_timeout)));
            if (!c.owned) {
                set_last_error("cannot allocate a Redis context");
                return false;
            }
            if (c.owned->err != 0) {
                set_last_error(c.owned->errstr);
                c.owned.reset();
                return false;
            }
            c.ctx = c.owned.get();
            // Detects a peer that vanished without closing (best effort: failure is harmless).
            (void)redisEnableKeepAlive(c.ctx);
        }
        if (!apply_command_timeout(c)) {
            set_last_error(c.ctx->errstr);
            return false;
        }
        c.healthy = true;
        c.policy_checked = false; // possibly another server now (a failover): check it again
        return true;
    }

    bool apply_command_timeout(connection& c)
    {
        return redisSetTimeout(c.ctx, detail::to_timeval(opts_.command_timeout)) == REDIS_OK;
    }

    // Records why a command failed; the connection is re-established before its next command.
    void fail(connection& c, const redisReply* reply)
    {
        if (reply == nullptr)
            set_last_error(c.ctx->errstr[0] != '\0' ? c.ctx->errstr : "no reply from Redis");
        else if (reply->type == REDIS_REPLY_ERROR && reply->str != nullptr)
            set_last_error(std::string(reply->str, reply->len));
        else
            set_last_error("unexpected reply from Redis");
        c.healthy = false;
    }

    redis_nonce_store_options opts_;
    bool borrowed_ = false;
    mutable std::mutex pool_mutex_;
    std::condition_variable idle_cv_;
    std::vector<std::unique_ptr<connection>> all_; // every connection, idle or leased
    std::vector<connection*> idle_;
    std::atomic<std::uint64_t> policy_epoch_{0}; // incremented by every ping()
    mutable std::mutex error_mutex_;
    std::string last_error_;
};

} // namespace oauth1

#endif // OAUTH1_REDIS_NONCE_STORE_HPP
