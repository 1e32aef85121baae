// oauth1/redis_nonce_store.hpp - a nonce store in Redis, shared by every machine of a provider
// (RFC 5849 3.3: the nonce/timestamp/token combination must not have been used before).
//
//   oauth1::redis_nonce_store_options opts;
//   opts.host = "10.0.0.5";
//   oauth1::redis_nonce_store nonces(opts);
//   nonces.ping();                                  // optional: fail fast at start-up
//   oauth1::verifier v(lookup_consumer, lookup_token, nonces);
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
#ifndef OAUTH1_REDIS_NONCE_STORE_HPP
#define OAUTH1_REDIS_NONCE_STORE_HPP

#include <oauth1/error.hpp>

#include <hiredis/hiredis.h>

#include <sys/time.h>

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
};

namespace detail {

struct redis_context_deleter {
    void operator()(redisContext* c) const noexcept { redisFree(c); }
};
struct redis_reply_deleter {
    void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using redis_context_ptr = std::unique_ptr<redisContext, redis_context_deleter>;
using redis_reply_ptr = std::unique_ptr<redisReply, redis_reply_deleter>;

inline timeval to_timeval(std::chrono::milliseconds d) noexcept
{
    const auto ms = d.count() < 0 ? 0 : d.count();
    timeval tv{};
    tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms / 1000);
    tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms % 1000) * 1000);
    return tv;
}

/// "<length>:<bytes>:" - a field that cannot run into the next one, whatever bytes it holds.
inline void append_length_prefixed(std::string& out, std::string_view field)
{
    out.append(std::to_string(field.size())).push_back(':');
    out.append(field).push_back(':');
}

inline bool reply_is(const redisReply& r, int type, std::string_view text) noexcept
{
    return r.type == type && r.str != nullptr && std::string_view(r.str, r.len) == text;
}

} // namespace detail

/// Nonce store in Redis (models the requirements of nonce_store.hpp). Not copyable or movable.
class redis_nonce_store {
public:
    /// Connects to opts.host:opts.port on first use (no I/O here); see ping() to fail fast.
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
    /// second from `now`); true when it was not seen before. When Redis cannot answer: false
    /// and errc::nonce_store_unavailable (fail closed). RFC 5849 3.3.
    bool insert(std::string_view consumer_key, std::string_view token, std::uint64_t timestamp,
                std::string_view nonce, std::uint64_t now, std::error_code& ec)
    {
        ec.clear();
        const std::string k = key(consumer_key, token, timestamp, nonce);
        constexpr auto max = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t expiry =
            timestamp > max - opts_.window ? max : timestamp + opts_.window;
        const std::uint64_t ttl = expiry > now ? expiry - now : 1;

        const std::lock_guard<std::mutex> lock(mutex_);
        if (!connect_locked()) {
            ec = make_error_code(errc::nonce_store_unavailable);
            return false;
        }
        const detail::redis_reply_ptr reply(
            static_cast<redisReply*>(redisCommand(ctx_, "SET %b 1 NX EX %llu", k.data(), k.size(),
                                                  static_cast<unsigned long long>(ttl))));
        if (reply && detail::reply_is(*reply, REDIS_REPLY_STATUS, "OK")) return true;
        if (reply && reply->type == REDIS_REPLY_NIL) return false;
        fail_locked(reply.get());
        ec = make_error_code(errc::nonce_store_unavailable);
        return false;
    }

    /// Connects if needed and sends PING: errc::nonce_store_unavailable unless Redis answers.
    /// For start-up and health checks.
    void ping(std::error_code& ec)
    {
        ec.clear();
        const std::lock_guard<std::mutex> lock(mutex_);
        if (connect_locked()) {
            const detail::redis_reply_ptr reply(
                static_cast<redisReply*>(redisCommand(ctx_, "PING")));
            if (reply && detail::reply_is(*reply, REDIS_REPLY_STATUS, "PONG")) return;
            fail_locked(reply.get());
        }
        ec = make_error_code(errc::nonce_store_unavailable);
    }

    /// Same; throws oauth1::error.
    void ping()
    {
        std::error_code ec;
        ping(ec);
        detail::throw_if(ec, "pinging the Redis nonce store");
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

    /// hiredis's or Redis's description of the latest failure (e.g. "Connection refused"), for
    /// logs; empty until a failure happens. Holds no secrets (nonces and keys are not secret).
    std::string last_error() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_error_;
    }

    const redis_nonce_store_options& options() const noexcept { return opts_; }
    std::uint64_t window() const noexcept { return opts_.window; }

private:
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
    std::string last_error_;
};

} // namespace oauth1

#endif // OAUTH1_REDIS_NONCE_STORE_HPP
