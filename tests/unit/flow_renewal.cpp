// Access-token renewal (oauth1/flow.hpp: renew_access_token, token_expiry, daily_expiry) against
// a real cpp-httplib server on 127.0.0.1 that verifies every request with oauth1's provider side
// and answers renewals as E*TRADE does (GET /oauth/renew_access_token: "Access Token has been
// renewed", the same token) and as the OAuth Session 1.0 draft does (POST to the access-token
// endpoint with oauth_session_handle: new token credentials with oauth_expires_in and a handle).
#include <oauth1/flow.hpp>

#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/adapters/httplib_transport.hpp>
#include <oauth1/client.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include "support/running_server.hpp"

#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace {

constexpr const char* consumer_key = "renewal-consumer";
constexpr const char* consumer_secret = "kd94hf93k423kf44";

/// A provider whose access tokens can be renewed both ways. Tokens it knows: token -> secret,
/// with the session handle each was issued under.
class renewal_server {
public:
    renewal_server()
    {
        tokens_["at-1"] = {"secret-1", "sh-1"};
        server_.Get("/oauth/renew_access_token",
                    [this](const httplib::Request& q, httplib::Response& r) { etrade(q, r); });
        server_.Post("/oauth/access_token",
                     [this](const httplib::Request& q, httplib::Response& r) { session(q, r); });
        server_.Get("/v1/accounts/list", [this](const httplib::Request& q, httplib::Response& r) {
            if (!verify(q, r)) return;
            r.set_content("{\"accounts\":[]}", "application/json");
        });
        running_.emplace(server_);
    }
    std::string origin() const { return running_->origin(); }
    int renewals() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return renewals_;
    }
    std::string last_handle() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return last_handle_;
    }

private:
    struct token_entry {
        std::string secret;
        std::string handle;
    };

    /// Verifies `q` (access token required); on refusal fills `r` and returns false.
    bool verify(const httplib::Request& q, httplib::Response& r,
                oauth1::verify_result* out = nullptr)
    {
        auto consumers = [this](std::string_view k) -> const oauth1::consumer_credentials* {
            return k == consumer_key ? &consumer_ : nullptr;
        };
        auto tokens = [this](std::string_view,
                             std::string_view t) -> std::optional<oauth1::token_credentials> {
            const std::lock_guard<std::mutex> lock(mutex_);
            const auto it = tokens_.find(std::string(t));
            if (it == tokens_.end()) return std::nullopt;
            return oauth1::token_credentials(consumer_key, it->second.secret);
        };
        const oauth1::request_verifier v(consumers, tokens, nonces_);
        oauth1::verify_result res = oauth1::httplib::verify(v, q, origin_, {});
        if (!res) {
            oauth1::httplib::refuse(r, res, "renewal");
            return false;
        }
        if (out) *out = std::move(res);
        return true;
    }

    void etrade(const httplib::Request& q, httplib::Response& r)
    {
        if (!verify(q, r)) return;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            ++renewals_;
        }
        r.set_content("Access Token has been renewed", "text/plain");
    }

    void session(const httplib::Request& q, httplib::Response& r)
    {
        oauth1::verify_result res;
        if (!verify(q, r, &res)) return;
        std::string handle;
        for (const auto& p : res.parameters)
            if (p.name == "oauth_session_handle") handle = oauth1::percent_decode(p.value);
        const std::lock_guard<std::mutex> lock(mutex_);
        last_handle_ = handle;
        const auto it = tokens_.find(res.token);
        if (it == tokens_.end() || handle.empty() || handle != it->second.handle) {
            r.status = 401;
            r.set_content("oauth_problem=parameter_rejected&oauth_parameters_rejected="
                          "oauth_session_handle",
                          "application/x-www-form-urlencoded");
            return;
        }
        ++renewals_;
        const std::string token = "at-" + std::to_string(renewals_ + 1);
        const std::string secret = "secret+" + std::to_string(renewals_ + 1);
        tokens_.erase(it); // the old token stops working
        tokens_[token] = {secret, handle};
        r.set_content("oauth_token=" + token +
                          "&oauth_token_secret=" + oauth1::percent_encode(secret) +
                          "&oauth_expires_in=3600&oauth_authorization_expires_in=86400",
                      "application/x-www-form-urlencoded");
    }

    const oauth1::consumer_credentials consumer_{consumer_secret, {}, oauth1::method_set::all()};
    const oauth1::httplib::public_origin origin_ =
        oauth1::httplib::public_origin::trust_host_header("http");
    oauth1::memory_nonce_store nonces_;
    mutable std::mutex mutex_;
    std::map<std::string, token_entry> tokens_;
    int renewals_ = 0;
    std::string last_handle_;
    httplib::Server server_;
    std::optional<oauth1_test::running_server> running_;
};

std::chrono::system_clock::time_point utc(int y, unsigned m, unsigned d, int hh, int mm)
{
    const std::int64_t days = oauth1::detail::days_from_civil(y, m, d);
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(days * 86400 + hh * 3600 + mm * 60)));
}

oauth1::access_credentials first_token()
{
    oauth1::access_credentials ac;
    ac.token = "at-1";
    ac.secret = "secret-1";
    ac.session_handle = "sh-1";
    return ac;
}

} // namespace

TEST_CASE("E*TRADE-style renewal: GET, a message, the same token, expiry at midnight US Eastern")
{
    renewal_server server;
    oauth1::httplib::transport http;
    oauth1::client c(consumer_key, oauth1::hmac_sha1(consumer_secret));
    oauth1::access_credentials current = first_token();
    current.session_handle.clear(); // E*TRADE has none

    oauth1::renewal_options o;
    o.method = "GET";
    o.expiry_time = oauth1::us_eastern_midnight;
    o.now = utc(2026, 7, 14, 15, 30); // 11:30 EDT
    const oauth1::access_credentials renewed = oauth1::renew_access_token(
        http, c, server.origin() + "/oauth/renew_access_token", current, o);
    CHECK(server.renewals() == 1);
    CHECK(renewed.token == "at-1");
    CHECK(renewed.secret == "secret-1");
    REQUIRE(renewed.expires_at);
    CHECK(*renewed.expires_at == utc(2026, 7, 15, 4, 0)); // midnight EDT = 04:00 UTC
    CHECK(c.token() == "at-1");

    // The renewed token signs protected requests.
    const oauth1::http_response list =
        oauth1::send_signed(http, c, {"GET", server.origin() + "/v1/accounts/list"});
    CHECK(list.status == 200);

    // A token the provider does not know: the failure names the problem, the client keeps it.
    oauth1::access_credentials bad = current;
    bad.token = "unknown";
    oauth1::step_failure f;
    std::error_code ec;
    (void)oauth1::renew_access_token(http, c, server.origin() + "/oauth/renew_access_token", bad, o,
                                     f, ec);
    CHECK(ec == oauth1::errc::oauth_problem);
    CHECK(f.step == "access token renewal");
    REQUIRE(f.problem);
    CHECK(f.problem->name == "token_rejected");
    CHECK(server.renewals() == 1);
}

TEST_CASE("OAuth Session renewal: oauth_session_handle sent, new credentials, expires_in")
{
    renewal_server server;
    oauth1::httplib::transport http;
    oauth1::client c(consumer_key, oauth1::hmac_sha1(consumer_secret));
    const std::string endpoint = server.origin() + "/oauth/access_token";

    oauth1::renewal_options o;
    o.now = utc(2026, 1, 10, 12, 0);
    const oauth1::access_credentials second =
        oauth1::renew_access_token(http, c, endpoint, first_token(), o);
    CHECK(server.last_handle() == "sh-1");
    CHECK(second.token == "at-2");
    CHECK(second.secret == "secret+2");
    CHECK(second.expires_in == 3600U);
    CHECK(second.authorization_expires_in == 86400U);
    CHECK(second.session_handle == "sh-1"); // not in the answer: kept
    REQUIRE(second.expires_at);
    CHECK(*second.expires_at == utc(2026, 1, 10, 13, 0));
    CHECK(c.token() == "at-2");
    CHECK(oauth1::send_signed(http, c, {"GET", server.origin() + "/v1/accounts/list"}).status ==
          200);

    // The old token was replaced: renewing it again is refused by the provider.
    oauth1::step_failure f;
    std::error_code ec;
    (void)oauth1::renew_access_token(http, c, endpoint, first_token(), o, f, ec);
    CHECK(ec == oauth1::errc::oauth_problem);
    CHECK(c.token() == "at-1"); // signing with what it was asked to renew

    // And again from the new credentials; the earlier of expires_in and a daily expiry.
    o.expiry_time = oauth1::daily_expiry{12, 30, 0, false}; // 12:30 UTC
    const oauth1::access_credentials third =
        oauth1::renew_access_token(http, c, endpoint, second, o);
    CHECK(third.token == "at-3");
    REQUIRE(third.expires_at);
    CHECK(*third.expires_at == utc(2026, 1, 10, 12, 30));

    // A renewal without a token is refused before anything is sent.
    (void)oauth1::renew_access_token(http, c, endpoint, oauth1::access_credentials{}, o, f, ec);
    CHECK(ec == oauth1::errc::missing_parameter);
}

TEST_CASE("daily_expiry: midnight US Eastern across the daylight-saving changes")
{
    const oauth1::daily_expiry et = oauth1::us_eastern_midnight;
    // Winter (EST, UTC-5): the next midnight is 05:00 UTC.
    CHECK(et.next_after(utc(2026, 1, 10, 12, 0)) == utc(2026, 1, 11, 5, 0));
    // 03:00 UTC on 10 January is still 9 January 22:00 EST.
    CHECK(et.next_after(utc(2026, 1, 10, 3, 0)) == utc(2026, 1, 10, 5, 0));
    // Exactly at the expiry: the next one.
    CHECK(et.next_after(utc(2026, 1, 10, 5, 0)) == utc(2026, 1, 11, 5, 0));
    // Summer (EDT, UTC-4).
    CHECK(et.next_after(utc(2026, 7, 14, 15, 30)) == utc(2026, 7, 15, 4, 0));
    // 2026: DST begins Sunday 8 March, ends Sunday 1 November.
    CHECK(et.next_after(utc(2026, 3, 7, 12, 0)) == utc(2026, 3, 8, 5, 0));    // still EST
    CHECK(et.next_after(utc(2026, 3, 8, 12, 0)) == utc(2026, 3, 9, 4, 0));    // EDT
    CHECK(et.next_after(utc(2026, 10, 31, 12, 0)) == utc(2026, 11, 1, 4, 0)); // EDT
    CHECK(et.next_after(utc(2026, 11, 1, 12, 0)) == utc(2026, 11, 2, 5, 0));  // EST
    // A leap day and a year end.
    CHECK(et.next_after(utc(2028, 2, 29, 12, 0)) == utc(2028, 3, 1, 5, 0));
    CHECK(et.next_after(utc(2026, 12, 31, 12, 0)) == utc(2027, 1, 1, 5, 0));
    // UTC+5:30, no daylight saving, 09:00 local.
    const oauth1::daily_expiry india{9, 0, 330, false};
    CHECK(india.next_after(utc(2026, 1, 10, 2, 0)) == utc(2026, 1, 10, 3, 30));
    CHECK(india.next_after(utc(2026, 1, 10, 4, 0)) == utc(2026, 1, 11, 3, 30));

    // token_expiry: nothing known, expires_in only.
    oauth1::access_credentials ac;
    CHECK_FALSE(oauth1::token_expiry(ac, utc(2026, 1, 10, 12, 0)));
    ac.expires_in = 7200;
    CHECK(oauth1::token_expiry(ac, utc(2026, 1, 10, 12, 0)) == utc(2026, 1, 10, 14, 0));
    CHECK(oauth1::token_expiry(ac, utc(2026, 1, 10, 12, 0), et) == utc(2026, 1, 10, 14, 0));
    CHECK(oauth1::token_expiry(ac, utc(2026, 1, 11, 4, 0), et) == utc(2026, 1, 11, 5, 0));
}
