// oauth1/skew_clock.hpp - a client clock that learns the provider's clock (RFC 5849 §3.3).
//
// After a bad key, a wrong clock is the most common failure: the provider refuses
// oauth_timestamp (oauth_problem=timestamp_refused) because this machine's clock is off. A
// skew_clock is opt-in: give it to the client, and the flow's signed requests (flow.hpp: the
// token steps and send_signed) learn the offset from the refusal - the provider's
// oauth_acceptable_timestamps range (OAuth Problem Reporting) or else the answer's Date header
// (RFC 7231 §7.1.1.2) - and retry the refused request ONCE, signed anew with the corrected
// timestamp and a new nonce. Later requests use the learned offset from the start.
//
//   oauth1::skew_clock clock;
//   oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock> c("OauthKey", signer, clock);
//   ... the flow as usual ...
//   if (clock.offset() != 0) std::cout << oauth1::describe_clock_offset(clock.offset()) << '\n';
//
// Copies share one offset (the client keeps a copy; the caller keeps the handle to read it), so a
// skew_clock is cheap to copy and safe to use from several threads (an atomic). The offset only
// moves when the provider refused a timestamp: a provider that answers normally never changes it.
#ifndef OAUTH1_SKEW_CLOCK_HPP
#define OAUTH1_SKEW_CLOCK_HPP

#include <oauth1/problem.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace oauth1 {

namespace detail {

/// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// Parses an RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into seconds since the epoch.
inline std::optional<std::int64_t> parse_http_date(std::string_view s) noexcept
{
    // "Www, DD Mon YYYY HH:MM:SS GMT": 29 bytes.
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
        return std::nullopt;
    const auto num = [&s](std::size_t at, std::size_t n, int& out) {
        out = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const std::size_t m = months.find(s.substr(8, 3));
    int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
    if (m == std::string_view::npos || m % 3 != 0 || !num(5, 2, day) || !num(12, 4, year) ||
        !num(17, 2, hh) || !num(20, 2, mm) || !num(23, 2, ss) || day < 1 || day > 31 || hh > 23 ||
        mm > 59 || ss > 60)
        return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(m / 3 + 1), static_cast<unsigned>(day)) *
               86400 +
           hh * 3600 + mm * 60 + ss;
}

/// Seconds since the epoch from the system clock.
inline std::int64_t system_seconds() noexcept
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace detail

/// A client clock (RFC 5849 §3.3) = the system clock + an offset learned from the provider.
class skew_clock {
public:
    /// Largest offset accepted from a provider, either way (a century: beyond it the answer is
    /// nonsense, and the arithmetic stays far from overflow).
    static constexpr std::int64_t max_offset = 100LL * 366 * 86400;

    skew_clock() : offset_(std::make_shared<std::atomic<std::int64_t>>(0)) {}

    /// The timestamp to sign with: the system clock + offset() (never before the epoch).
    std::uint64_t operator()() const noexcept
    {
        const std::int64_t t = detail::system_seconds() + offset();
        return t > 0 ? static_cast<std::uint64_t>(t) : 0;
    }

    /// Seconds to add to this machine's clock (positive: it is behind the provider's).
    std::int64_t offset() const noexcept { return offset_->load(std::memory_order_relaxed); }

    /// Sets the offset (e.g. one saved from an earlier run); shared by every copy.
    void set_offset(std::int64_t seconds) const noexcept
    {
        if (seconds > max_offset) seconds = max_offset;
        if (seconds < -max_offset) seconds = -max_offset;
        offset_->store(seconds, std::memory_order_relaxed);
    }

    /// Learns the offset from a refused timestamp: the middle of the provider's
    /// oauth_acceptable_timestamps when `problem` has it, else the answer's `date_header`
    /// (IMF-fixdate). Returns the new offset, or nullopt when neither tells the provider's time
    /// (the offset is then unchanged).
    std::optional<std::int64_t> learn(const problem_report* problem,
                                      std::string_view date_header) const noexcept
    {
        std::optional<std::int64_t> provider_now;
        if (problem && problem->acceptable_timestamps) {
            const auto [lo, hi] = *problem->acceptable_timestamps;
            if (lo <= hi && hi <= static_cast<std::uint64_t>(max_offset) * 4)
                provider_now = static_cast<std::int64_t>(lo + (hi - lo) / 2);
        }
        if (!provider_now) provider_now = detail::parse_http_date(date_header);
        if (!provider_now) return std::nullopt;
        const std::int64_t off = *provider_now - detail::system_seconds();
        if (off > max_offset || off < -max_offset) return std::nullopt;
        set_offset(off);
        return off;
    }

private:
    std::shared_ptr<std::atomic<std::int64_t>> offset_;
};

/// "your clock is 3,600 s behind the provider's" (or "ahead of"), for messages.
inline std::string describe_clock_offset(std::int64_t offset)
{
    if (offset == 0) return "your clock agrees with the provider's";
    const std::uint64_t n = offset < 0 ? static_cast<std::uint64_t>(-(offset + 1)) + 1
                                       : static_cast<std::uint64_t>(offset);
    std::string digits = std::to_string(n);
    for (std::size_t i = digits.size(); i > 3; i -= 3) digits.insert(i - 3, ",");
    return "your clock is " + digits + " s " + (offset > 0 ? "behind" : "ahead of") +
           " the provider's";
}

} // namespace oauth1

#endif // OAUTH1_SKEW_CLOCK_HPP
