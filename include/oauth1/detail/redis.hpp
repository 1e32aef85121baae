// oauth1/detail/redis.hpp - private to oauth1 (not a public header): hiredis ownership, reply
// helpers, the key's field framing and the eviction-policy check behind oauth1::redis_nonce_store
// (oauth1/redis_nonce_store.hpp; RFC 5849 §3.3). Needs hiredis (the optional component "redis").
#ifndef OAUTH1_DETAIL_REDIS_HPP
#define OAUTH1_DETAIL_REDIS_HPP

#include <hiredis/hiredis.h>

#include <sys/time.h>

#include <charconv>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::detail {

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

inline std::string_view reply_text(const redisReply& r) noexcept
{
    return r.str != nullptr ? std::string_view(r.str, r.len) : std::string_view();
}

/// Why Redis's memory settings are unsafe for a nonce store, or empty when they are safe (see
/// "Eviction" in redis_nonce_store.hpp): safe when maxmemory is 0 or the policy is noeviction.
inline std::string redis_eviction_risk(std::string_view maxmemory, std::string_view policy)
{
    unsigned long long limit = 0;
    const auto parsed =
        std::from_chars(maxmemory.data(), maxmemory.data() + maxmemory.size(), limit);
    if (parsed.ec != std::errc() || parsed.ptr != maxmemory.data() + maxmemory.size())
        return "cannot read Redis's maxmemory (\"" + std::string(maxmemory) + "\")";
    if (limit == 0 || policy == "noeviction") return {};
    return "Redis may evict live nonce keys, which lets their requests be replayed: "
           "maxmemory-policy is " +
           std::string(policy) + " with maxmemory " + std::string(maxmemory) +
           "; set maxmemory-policy noeviction (or maxmemory 0)";
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_REDIS_HPP
