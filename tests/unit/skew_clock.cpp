// Unit tests for oauth1/skew_clock.hpp: the HTTP date parser (RFC 7231 §7.1.1.1), the offset
// learned from a refused timestamp (oauth_acceptable_timestamps, else Date), the message, and
// the flow's one retry (flow.hpp) against a provider whose clock is an hour ahead. The same
// against jira-provider --clock-offset is tests/tools/skew_clock_jira.cpp.
#include <oauth1/skew_clock.hpp>

#include <oauth1/client.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/transport.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

TEST_CASE("parse_http_date: IMF-fixdate only, exact seconds")
{
    using oauth1::detail::parse_http_date;
    // RFC 7231 §7.1.1.1's example.
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
    CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
    CHECK(parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT") == 1835481599);
    CHECK(parse_http_date("Sat, 05 Dec 2026 19:00:00 GMT") == 1796497200);
    // Not IMF-fixdate: refused rather than guessed.
    CHECK_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT")); // RFC 850
    CHECK_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994"));       // asctime
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
    CHECK_FALSE(parse_http_date("Sun, 06 Noe 1994 08:49:37 GMT"));
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT"));
    CHECK_FALSE(parse_http_date("Sun, 0x Nov 1994 08:49:37 GMT"));
    CHECK_FALSE(parse_http_date(""));
}

TEST_CASE("describe_clock_offset: the message jira-oauth prints")
{
    CHECK(oauth1::describe_clock_offset(3600) == "your clock is 3,600 s behind the provider's");
    CHECK(oauth1::describe_clock_offset(-75) == "your clock is 75 s ahead of the provider's");
    CHECK(oauth1::describe_clock_offset(-1234567) ==
          "your clock is 1,234,567 s ahead of the provider's");
    CHECK(oauth1::describe_clock_offset(0) == "your clock agrees with the provider's");
}

TEST_CASE("skew_clock: learns from oauth_acceptable_timestamps, else from Date; copies share")
{
    const oauth1::skew_clock clock;
    const oauth1::skew_clock copy = clock;
    CHECK(clock.offset() == 0);
    const std::int64_t now = oauth1::detail::system_seconds();

    oauth1::problem_report p(oauth1::problem::timestamp_refused);
    p.acceptable_timestamps = {static_cast<std::uint64_t>(now + 3600 - 300),
                               static_cast<std::uint64_t>(now + 3600 + 300)};
    const auto learned = clock.learn(&p, "Thu, 01 Jan 1970 00:00:00 GMT"); // the range wins
    REQUIRE(learned);
    CHECK(*learned >= 3599);
    CHECK(*learned <= 3601);
    CHECK(copy.offset() == *learned);
    const std::int64_t t = static_cast<std::int64_t>(copy());
    CHECK(t - now >= 3599);
    CHECK(t - now <= 3602);

    // No range: the Date header (here a day behind).
    oauth1::problem_report bare(oauth1::problem::timestamp_refused);
    const std::int64_t day_ago = now - 86400;
    const std::int64_t days = day_ago / 86400;
    // Build an IMF-fixdate for day_ago by searching the parser (no formatter in the library).
    std::string date;
    {
        static const char* names[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
        const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        for (int y = 2020; y < 2100 && date.empty(); ++y)
            for (unsigned m = 1; m <= 12 && date.empty(); ++m)
                for (unsigned d = 1; d <= 31 && date.empty(); ++d)
                    if (oauth1::detail::days_from_civil(y, m, d) == days) {
                        const std::int64_t s = day_ago % 86400;
                        char buf[40];
                        std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                                      names[days % 7], d, months[m - 1], y,
                                      static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                                      static_cast<int>(s % 60));
                        date = buf;
                    }
    }
    REQUIRE(date.size() == 29);
    const auto from_date = clock.learn(&bare, date);
    REQUIRE(from_date);
    CHECK(*from_date >= -86402);
    CHECK(*from_date <= -86399);

    // Nothing usable: unchanged.
    CHECK_FALSE(clock.learn(&bare, "yesterday"));
    CHECK_FALSE(clock.learn(nullptr, {}));
    CHECK(clock.offset() == *from_date);

    // Absurd answers are not learned; set_offset clamps.
    oauth1::problem_report absurd(oauth1::problem::timestamp_refused);
    absurd.acceptable_timestamps = {1, 2};
    CHECK(clock.learn(&absurd, {}).has_value()); // 1970 is far, but within a century
    absurd.acceptable_timestamps = {~std::uint64_t{0} - 1, ~std::uint64_t{0}};
    CHECK_FALSE(clock.learn(&absurd, {}));
    clock.set_offset(INT64_MAX);
    CHECK(clock.offset() == oauth1::skew_clock::max_offset);
    clock.set_offset(0);
}

namespace {

/// A provider whose clock is `ahead` seconds ahead: refuses a timestamp more than 300 s from its
/// own time with timestamp_refused (and the range, unless `range` is false; then a Date header).
struct ahead_provider {
    std::int64_t ahead = 3600;
    bool range = true;
    int calls = 0;
    int refused = 0;

    oauth1::http_response operator()(const oauth1::http_request& req, std::error_code& ec)
    {
        ec.clear();
        ++calls;
        const std::string_view auth = req.header("Authorization");
        const std::size_t at = auth.find("oauth_timestamp=\"");
        REQUIRE(at != std::string_view::npos);
        const std::int64_t ts = std::stoll(std::string(auth.substr(at + 17, 10)));
        const std::int64_t mine = oauth1::detail::system_seconds() + ahead;
        if (ts < mine - 300 || ts > mine + 300) {
            ++refused;
            oauth1::problem_report p(oauth1::problem::timestamp_refused);
            oauth1::http_response res{401, {}, {}};
            if (range)
                p.acceptable_timestamps = {static_cast<std::uint64_t>(mine - 300),
                                           static_cast<std::uint64_t>(mine + 300)};
            else
                res.headers.push_back({"Date", date_of(mine)});
            res.headers.push_back({"WWW-Authenticate", oauth1::www_authenticate(p, "test")});
            res.body = oauth1::problem_body(p);
            return res;
        }
        return {200, {{"Content-Type", "text/plain"}}, "ok"};
    }

    static std::string date_of(std::int64_t t)
    {
        // The IMF-fixdate of t (test helper; the library only parses dates).
        const std::int64_t days = t / 86400;
        const std::int64_t z = days + 719468;
        const std::int64_t era = z / 146097;
        const std::int64_t doe = z - era * 146097;
        const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const std::int64_t mp = (5 * doy + 2) / 153;
        const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
        const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
        const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        static const char* names[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
        static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        char buf[40];
        std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", names[days % 7],
                      static_cast<int>(d), months[m - 1], static_cast<int>(y),
                      static_cast<int>(t % 86400 / 3600), static_cast<int>(t % 3600 / 60),
                      static_cast<int>(t % 60));
        return buf;
    }
};

} // namespace

TEST_CASE("skew_clock in the flow: one retry with the learned offset, then none")
{
    for (const bool range : {true, false}) {
        CAPTURE(range);
        ahead_provider provider;
        provider.range = range;
        REQUIRE(oauth1::detail::parse_http_date(ahead_provider::date_of(784111777)) == 784111777);
        oauth1::skew_clock clock;
        oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock> c(
            "k", oauth1::any_signer(oauth1::hmac_sha1("s")), clock);
        oauth1::step_failure f;
        std::error_code ec;
        auto res = oauth1::send_signed(provider, c, {"GET", "http://127.0.0.1:1/r"}, {}, f, ec);
        CHECK_FALSE(ec);
        CHECK(res.status == 200);
        CHECK(provider.calls == 2);
        CHECK(provider.refused == 1);
        REQUIRE(f.clock_offset);
        CHECK(*f.clock_offset >= 3599);
        CHECK(*f.clock_offset <= 3601);
        CHECK(clock.offset() == *f.clock_offset);
        // Later requests start right.
        f.clear();
        res = oauth1::send_signed(provider, c, {"GET", "http://127.0.0.1:1/r"}, {}, f, ec);
        CHECK(res.status == 200);
        CHECK(provider.calls == 3);
        CHECK(provider.refused == 1);
        CHECK_FALSE(f.clock_offset);
    }

    // A plain client: refused once, no retry; the message states the offset, not epoch bounds.
    ahead_provider provider;
    const oauth1::client plain("k", oauth1::hmac_sha1("s"));
    oauth1::step_failure f;
    std::error_code ec;
    (void)oauth1::send_signed(provider, plain, {"GET", "http://127.0.0.1:1/r"}, {}, f, ec);
    CHECK(ec == oauth1::errc::oauth_problem);
    CHECK(provider.calls == 1);
    const std::string d = f.describe();
    CAPTURE(d);
    CHECK((d.find("your clock is 3,600 s behind the provider's") != std::string::npos ||
           d.find("your clock is 3,599 s behind the provider's") != std::string::npos ||
           d.find("your clock is 3,601 s behind the provider's") != std::string::npos));

    // A fixed timestamp (sign_options::timestamp) is the caller's: never retried.
    ahead_provider fixed;
    oauth1::skew_clock clock;
    oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock> c(
        "k", oauth1::any_signer(oauth1::hmac_sha1("s")), clock);
    oauth1::sign_options o;
    o.timestamp = 1000000000;
    (void)oauth1::send_signed(fixed, c, {"GET", "http://127.0.0.1:1/r"}, o, f, ec);
    CHECK(ec == oauth1::errc::oauth_problem);
    CHECK(fixed.calls == 1);
    CHECK(clock.offset() == 0);

    // A provider that stays wrong: one retry only, and the message says so.
    struct always_refuses {
        int calls = 0;
        oauth1::http_response operator()(const oauth1::http_request&, std::error_code& e)
        {
            e.clear();
            ++calls;
            oauth1::problem_report p(oauth1::problem::timestamp_refused);
            const auto now = static_cast<std::uint64_t>(oauth1::detail::system_seconds());
            p.acceptable_timestamps = {now + 7200 - 300, now + 7200 + 300};
            return {401, {{"WWW-Authenticate", oauth1::www_authenticate(p, "x")}}, {}};
        }
    } stubborn;
    oauth1::skew_clock clock2;
    oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock> c2(
        "k", oauth1::any_signer(oauth1::hmac_sha1("s")), clock2);
    f.clear();
    (void)oauth1::send_signed(stubborn, c2, {"GET", "http://127.0.0.1:1/r"}, {}, f, ec);
    CHECK(ec == oauth1::errc::oauth_problem);
    CHECK(stubborn.calls == 2);
    REQUIRE(f.clock_offset);
    CHECK(f.describe().find("even after one retry with the provider's time") != std::string::npos);
}
