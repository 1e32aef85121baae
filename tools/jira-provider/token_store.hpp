// token_store.hpp - jira-provider's tokens: request tokens (callback, the user's decision, the
// verifier and the count of wrong verifiers tried), access tokens (expiry, revocation), the
// anti-CSRF page token (atl_token) of each, and the pruning of long-expired request tokens.
// Thread-safe: one mutex guards the table. Token values and secrets come from OpenSSL's CSPRNG.
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_TOKEN_STORE_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_TOKEN_STORE_HPP

#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace jira_provider {

namespace detail {

/// `n` characters from [A-Za-z0-9], from OpenSSL's CSPRNG without modulo bias.
inline std::string random_alnum(std::size_t n)
{
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(n);
    unsigned char buf[64];
    while (out.size() < n) {
        if (RAND_bytes(buf, static_cast<int>(sizeof buf)) != 1)
            throw std::runtime_error("the CSPRNG (RAND_bytes) failed");
        for (const unsigned char b : buf) {
            // 248 = 4 * 62: bytes above it are dropped so that every character is equally likely.
            if (b >= 248) continue;
            out.push_back(alphabet[b % 62]);
            if (out.size() == n) break;
        }
    }
    return out;
}

/// a + b, or the largest value when that overflows (lifetimes may be given as huge numbers).
inline std::uint64_t add_saturated(std::uint64_t a, std::uint64_t b) noexcept
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/// Equal strings, compared in constant time (for secrets: verifiers, page tokens).
inline bool secret_equals(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace detail

/// The resource owner's decision on a request token.
enum class decision { pending, approved, denied };

/// One token, request or access.
struct token_entry {
    std::string consumer_key;
    std::string secret;
    oauth1::token_kind kind = oauth1::token_kind::request;
    std::uint64_t expires = 0;
    bool used = false;    // request token exchanged
    bool revoked = false; // access token revoked
    // The anti-CSRF token of this token's page (authorize or revoke): 32 characters from
    // RAND_bytes, shown only on that page.
    std::string page_token;
    // request tokens only:
    std::string callback; // empty: issued without oauth_callback (OAuth 1.0, no verifier)
    decision state = decision::pending;
    std::string verifier;
    unsigned wrong_verifiers = 0;
    bool rejected = false; // too many wrong verifiers
};

class token_store {
public:
    /// A token and its secret, as issued.
    struct issued {
        std::string token;
        std::string secret;
    };

    /// Issues a request token for `consumer_key` with `callback` (empty: OAuth 1.0's, issued
    /// without one), valid `lifetime` seconds.
    issued add_request_token(const std::string& consumer_key, const std::string& callback,
                             std::uint64_t now, std::uint64_t lifetime)
    {
        token_entry t;
        t.consumer_key = consumer_key;
        t.secret = detail::random_alnum(32);
        t.kind = oauth1::token_kind::request;
        t.callback = callback;
        t.page_token = detail::random_alnum(32);
        t.expires = detail::add_saturated(now, lifetime);
        issued out{detail::random_alnum(32), t.secret};
        const std::lock_guard<std::mutex> lock(mutex_);
        prune(now);
        tokens_.insert_or_assign(out.token, std::move(t));
        return out;
    }

    /// The verifier's view of `token` (its state at `now`), or nullopt when unknown or rejected.
    std::optional<oauth1::token_credentials> credentials(std::string_view token,
                                                         std::uint64_t now) const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it == tokens_.end() || it->second.rejected) return std::nullopt;
        const token_entry& t = it->second;
        oauth1::token_credentials c(t.consumer_key, t.secret, t.kind);
        if (t.revoked)
            c.state = oauth1::token_state::revoked;
        else if (t.used)
            c.state = oauth1::token_state::used;
        else if (now >= t.expires)
            c.state = oauth1::token_state::expired;
        return c;
    }

    /// Whether `token` is a request token issued without oauth_callback (OAuth 1.0).
    bool issued_without_callback(std::string_view token) const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        return it != tokens_.end() && it->second.kind == oauth1::token_kind::request &&
               it->second.callback.empty();
    }

    /// Whether a request token may be shown on the authorize page.
    enum class page_check { ok, unknown, rejected, decided, expired };

    /// Checks `token` for the authorize page; on ok copies its entry to `out`.
    page_check authorizable(const std::string& token, std::uint64_t now, token_entry& out) const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it == tokens_.end() || it->second.kind != oauth1::token_kind::request)
            return page_check::unknown;
        if (it->second.rejected) return page_check::rejected;
        if (it->second.used || it->second.state != decision::pending) return page_check::decided;
        if (now >= it->second.expires) return page_check::expired;
        out = it->second;
        return page_check::ok;
    }

    /// Records the user's decision on a pending request token (with a new verifier when it is
    /// allowed, but for OAuth 1.0's, which has none) and returns the updated entry; nullopt when
    /// it was decided meanwhile.
    std::optional<token_entry> decide(const std::string& token, bool allow)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it == tokens_.end() || it->second.state != decision::pending) return std::nullopt;
        it->second.state = allow ? decision::approved : decision::denied;
        if (allow && !it->second.callback.empty()) it->second.verifier = detail::random_alnum(6);
        return it->second;
    }

    /// The outcome of exchanging a request token for an access token.
    struct exchange_result {
        /// Set when refused, with the advice for the client.
        std::optional<oauth1::problem> problem;
        std::string advice;
        issued access;
        std::string session;
    };

    /// Exchanges the (verified) request token `request_token` with `verifier` for a new access
    /// token of `consumer_key`. After `max_attempts` wrong verifiers (0 counts as 1) the request
    /// token is rejected for good. A request token issued without a callback (OAuth 1.0) has no
    /// verifier: `verifier` is not read (JIRA does not check one for such a token either).
    exchange_result exchange(const std::string& request_token, std::string_view verifier,
                             const std::string& consumer_key, std::uint64_t now,
                             std::uint64_t access_lifetime, unsigned max_attempts)
    {
        exchange_result r;
        token_entry access;
        r.access = {detail::random_alnum(32), detail::random_alnum(32)};
        access.consumer_key = consumer_key;
        access.secret = r.access.secret;
        access.kind = oauth1::token_kind::access;
        access.expires = detail::add_saturated(now, access_lifetime);
        access.page_token = detail::random_alnum(32);
        r.session = detail::random_alnum(32);
        const auto refuse = [&r](oauth1::problem p, std::string advice = {}) {
            r.problem = p;
            r.advice = std::move(advice);
            return std::move(r);
        };
        // Checked again under the lock: two exchanges of one token may race past verify().
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(request_token);
        if (it == tokens_.end()) return refuse(oauth1::problem::token_rejected);
        token_entry& t = it->second;
        if (t.used) return refuse(oauth1::problem::token_used);
        if (now >= t.expires) return refuse(oauth1::problem::token_expired);
        if (t.state == decision::pending)
            return refuse(oauth1::problem::permission_unknown,
                          "the request token has not been authorized");
        if (t.state == decision::denied)
            return refuse(oauth1::problem::permission_denied, "the user denied access");
        if (t.rejected) return refuse(oauth1::problem::token_rejected);
        if (!t.callback.empty() && !detail::secret_equals(t.verifier, verifier)) {
            // Six characters from 62 are guessable with enough tries: a few, then no more.
            const unsigned limit = std::max(1U, max_attempts);
            if (++t.wrong_verifiers < limit)
                return refuse(oauth1::problem::token_rejected, "oauth_verifier does not match");
            t.rejected = true;
            return refuse(oauth1::problem::token_rejected,
                          "oauth_verifier does not match; after " + std::to_string(limit) +
                              " wrong verifiers the request token is rejected");
        }
        t.used = true;
        tokens_.insert_or_assign(r.access.token, std::move(access));
        return r;
    }

    /// A copy of the entry of access token `token` (revoked or not), or nullopt.
    std::optional<token_entry> access_entry(const std::string& token) const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it == tokens_.end() || it->second.kind != oauth1::token_kind::access)
            return std::nullopt;
        return it->second;
    }

    /// Revokes access token `token` (no-op when unknown).
    void revoke(const std::string& token)
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto it = tokens_.find(token);
        if (it != tokens_.end()) it->second.revoked = true;
    }

private:
    // Forgets request tokens long past their expiry (kept for an hour so that late exchanges are
    // told token_expired rather than token_rejected). Caller holds mutex_.
    void prune(std::uint64_t now)
    {
        for (auto it = tokens_.begin(); it != tokens_.end();) {
            const token_entry& t = it->second;
            if (t.kind == oauth1::token_kind::request &&
                detail::add_saturated(t.expires, 3600) < now)
                it = tokens_.erase(it);
            else
                ++it;
        }
    }

    mutable std::mutex mutex_;
    std::map<std::string, token_entry, std::less<>> tokens_;
};

} // namespace jira_provider

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_TOKEN_STORE_HPP
