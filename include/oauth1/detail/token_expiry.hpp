// oauth1/detail/token_expiry.hpp - private (not part of oauth1's API): the machinery of
// flow.hpp's token expiry (daily_expiry, token_expiry). Civil-date arithmetic on Unix seconds
// (the proleptic Gregorian calendar, no leap seconds, as std::chrono::system_clock counts) and
// the US daylight-saving rule, so that "midnight US Eastern" (E*TRADE's daily expiry) needs no
// time-zone database and no process-wide TZ setting.
#ifndef OAUTH1_DETAIL_TOKEN_EXPIRY_HPP
#define OAUTH1_DETAIL_TOKEN_EXPIRY_HPP

#include <oauth1/skew_clock.hpp> // detail::days_from_civil

#include <cstdint>

namespace oauth1::detail {

constexpr std::int64_t seconds_per_day = 86400;

/// floor(a / b) for b > 0.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// The Gregorian year of a day counted from 1970-01-01.
constexpr std::int64_t year_of_days(std::int64_t z) noexcept
{
    z += 719468;
    const std::int64_t era = floor_div(z, 146097);
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460U + doe / 36524U - doe / 146096U) / 365U;
    const unsigned doy = doe - (365U * yoe + yoe / 4U - yoe / 100U);
    const unsigned mp = (5U * doy + 2U) / 153U; // March = 0
    return static_cast<std::int64_t>(yoe) + era * 400 + (mp >= 10 ? 1 : 0);
}

/// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
constexpr unsigned weekday_of_days(std::int64_t z) noexcept
{
    return static_cast<unsigned>(z - floor_div(z + 4, 7) * 7 + 4);
}

/// The day of the n-th (1-based) Sunday of a month.
constexpr std::int64_t nth_sunday(std::int64_t y, unsigned m, unsigned n) noexcept
{
    const std::int64_t first = days_from_civil(y, m, 1);
    return first + static_cast<std::int64_t>((7U - weekday_of_days(first)) % 7U + 7U * (n - 1U));
}

/// Whether US daylight saving time is in force at Unix time `utc` for a zone whose standard
/// offset is `std_offset` seconds: from 02:00 standard time on the second Sunday of March to
/// 02:00 daylight time on the first Sunday of November (the rule since 2007).
constexpr bool us_daylight_saving_at(std::int64_t utc, std::int64_t std_offset) noexcept
{
    const std::int64_t year = year_of_days(floor_div(utc + std_offset, seconds_per_day));
    const std::int64_t begin = nth_sunday(year, 3, 2) * seconds_per_day + 7200 - std_offset;
    const std::int64_t end = nth_sunday(year, 11, 1) * seconds_per_day + 7200 - (std_offset + 3600);
    return utc >= begin && utc < end;
}

/// The first Unix time after `now` at which the local clock of a zone (standard offset
/// `std_offset` seconds, optionally with US daylight saving) reads `second_of_day`.
constexpr std::int64_t next_local_time(std::int64_t now, std::int64_t second_of_day,
                                       std::int64_t std_offset, bool us_dst) noexcept
{
    const auto offset_at = [&](std::int64_t utc) {
        return std_offset + (us_dst && us_daylight_saving_at(utc, std_offset) ? 3600 : 0);
    };
    std::int64_t day = floor_div(now + offset_at(now), seconds_per_day);
    for (int i = 0; i < 3; ++i, ++day) {
        const std::int64_t local = day * seconds_per_day + second_of_day;
        // The offset in force then (taken at the standard-time reading; the hour a clock skips
        // or repeats at a change never holds a daily expiry such as midnight).
        const std::int64_t utc = local - offset_at(local - std_offset);
        if (utc > now) return utc;
    }
    return now + seconds_per_day; // not reached
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_TOKEN_EXPIRY_HPP
