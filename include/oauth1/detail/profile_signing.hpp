// oauth1/detail/profile_signing.hpp - private to oauth1 (not a public header): the machinery of
// oauth1/profiles.hpp. Nonces drawn from a profile's alphabet, the next midnight in US Eastern
// time (E*TRADE's token expiry), and the signature base string of Mastercard's published signers
// (github.com/Mastercard/oauth1-signer-java and -python), which is not RFC 5849 §3.4.1's: see
// README.md, "Service profiles", for each deviation.
#ifndef OAUTH1_DETAIL_PROFILE_SIGNING_HPP
#define OAUTH1_DETAIL_PROFILE_SIGNING_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/detail/signing_core.hpp>
#include <oauth1/detail/token_expiry.hpp>
#include <oauth1/detail/url_split.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/skew_clock.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {
namespace detail {

/// Appends `length` characters drawn uniformly from `alphabet` (CSPRNG, rejection sampling).
inline void random_from_alphabet(std::size_t length, std::string_view alphabet, std::string& out,
                                 std::error_code& ec)
{
    ec.clear();
    const std::size_t n = alphabet.size();
    if (n == 0 || n > 256 || length == 0) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    // Bytes at or above `limit` would favour the first characters: drawn again.
    const std::size_t limit = 256 - 256 % n;
    unsigned char raw[64];
    std::size_t done = 0;
    while (done < length) {
        if (RAND_bytes(raw, static_cast<int>(sizeof raw)) != 1) {
            ec = make_error_code(errc::nonce_source_failed);
            return;
        }
        for (const unsigned char b : raw) {
            if (b >= limit) continue;
            out.push_back(alphabet[b % n]);
            if (++done == length) break;
        }
    }
}

// year_of_days and nth_sunday are shared with the flow's expiry rules (detail/token_expiry.hpp).

/// Whether US daylight saving time (since 2007: from the second Sunday of March to the first
/// Sunday of November, switching at 02:00 local) is in effect at 00:00 local time of `day`.
constexpr bool us_dst_at_midnight(std::int64_t day) noexcept
{
    const std::int64_t y = year_of_days(day);
    return day > nth_sunday(y, 3, 2) && day <= nth_sunday(y, 11, 1);
}

/// The first midnight in US Eastern time (America/New_York) strictly after `unix_seconds`.
inline std::uint64_t next_midnight_us_eastern(std::uint64_t unix_seconds) noexcept
{
    const auto t = static_cast<std::int64_t>(unix_seconds);
    // Midnight is never inside a switch hour, so each day's midnight has one offset.
    for (std::int64_t day = t / 86400 - 1;; ++day) {
        const std::int64_t offset = us_dst_at_midnight(day) ? 4 * 3600 : 5 * 3600;
        const std::int64_t midnight = day * 86400 + offset; // local 00:00 in UTC seconds
        if (midnight > t) return static_cast<std::uint64_t>(midnight);
    }
}

/// Signing with a base string that is not RFC 5849's (friend of signed_request).
struct profile_signing {
    /// Mastercard's signers (OAuth.java getAuthorizationHeader, the reference; oauth.py agrees
    /// except where README.md says): parameters are the query and the protocol parameters (never
    /// a body: oauth_body_hash covers it, SHA-256, the empty string's when there is none);
    /// protocol values enter the parameter string unencoded; query pairs are decoded and
    /// re-encoded only when the raw query holds a percent escape, else kept as written; the
    /// parameter string is percent-encoded once. The header carries the values as those signers
    /// send them: unencoded, except the signature.
    static void mastercard(const request& req, const sign_options& opts,
                           std::string_view consumer_key, std::string_view method_name,
                           signed_request& out, std::error_code& ec)
    {
        ec.clear();
        if (!is_valid_method(req.method)) {
            ec = make_error_code(errc::invalid_method);
            return;
        }
        for (const char c : consumer_key) {
            if (c == '\r' || c == '\n' || c == '\0' || c == '"' || c == '\\') {
                ec = make_error_code(errc::header_injection);
                return;
            }
        }
        if (has_header_breaking_char(out.nonce_) || out.nonce_.find('"') != std::string::npos) {
            ec = make_error_code(errc::header_injection);
            return;
        }
        if (!opts.callback.empty() || !opts.verifier.empty() || !opts.extra.empty()) {
            ec = make_error_code(errc::invalid_parameter); // none of these in Mastercard's signer
            return;
        }
        url_parts url;
        if (!split_request_url(req.url, url, ec)) return;

        std::map<std::string, std::vector<std::string>> params;
        if (url.has_query && !url.query.empty()) {
            query_pairs(url.query, params, ec);
            if (ec) return;
        }
        std::string body_hash;
        if (!body_hash_append(signature_method::rsa_sha256, req.body, body_hash)) {
            ec = make_error_code(errc::crypto_failure);
            return;
        }
        char ts[24];
        const auto tr = std::to_chars(ts, ts + sizeof ts, out.timestamp_);
        const std::string_view timestamp(ts, static_cast<std::size_t>(tr.ptr - ts));
        const std::pair<std::string_view, std::string_view> protocol[] = {
            {"oauth_body_hash", body_hash}, {"oauth_consumer_key", consumer_key},
            {"oauth_nonce", out.nonce_},    {"oauth_signature_method", method_name},
            {"oauth_timestamp", timestamp}, {"oauth_version", "1.0"}};
        out.header_ = "OAuth ";
        for (const auto& [name, value] : protocol) {
            params[std::string(name)].emplace_back(value);
            out.protocol_.add(name, value);
            if (out.header_.size() > 6) out.header_.push_back(',');
            out.header_.append(name).append("=\"").append(value).push_back('"');
        }

        std::string param_string;
        for (auto& [name, values] : params) {
            if (values.size() > 1) std::sort(values.begin(), values.end());
            for (const std::string& v : values) {
                if (!param_string.empty()) param_string.push_back('&');
                param_string += name;
                param_string.push_back('=');
                param_string += v;
                out.all_.add_encoded(name, v);
            }
        }
        base_string_uri_append(url, out.base_uri_);
        std::string base;
        for (const char c : req.method)
            base.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
        base.push_back('&');
        percent_encode_append(out.base_uri_, base);
        base.push_back('&');
        percent_encode_append(param_string, base);
        out.base_.resize(base.size());
        std::copy(base.begin(), base.end(), out.base_.data());
    }

    /// After the signer wrote out.signature_: oauth_signature, and the header as Mastercard's
    /// signers write it (`OAuth k="v",k="v"`, only the signature percent-encoded).
    static void mastercard_finish(signed_request& out)
    {
        out.protocol_.add("oauth_signature", out.signature_);
        out.header_.append(",oauth_signature=\"");
        percent_encode_append(out.signature_, out.header_);
        out.header_.push_back('"');
    }

    template <class Client>
    static void sign_mastercard(const Client& c, const request& req, const sign_options& opts,
                                std::string_view nonce, signed_request& out, std::error_code& ec)
    {
        out.reset();
        out.nonce_.assign(nonce);
        out.timestamp_ = opts.timestamp ? *opts.timestamp : c.clock()();
        mastercard(req, opts, c.consumer_key(), c.signer().name(), out, ec);
        if (ec) return;
        c.signer().sign(out.base_.view(), out.signature_, ec);
        if (ec) return;
        mastercard_finish(out);
    }

private:
    // OAuth.java extractQueryParams: java.net.URI.getQuery() (percent escapes decoded, '+'
    // kept), split on '&' after decoding (trailing empty pieces dropped, as String.split does),
    // names and values percent-encoded (RFC 3986) only when decoding changed the query. A name
    // that the encoding changes restarts its list at each occurrence (only its last value stays),
    // as in the Java code.
    static void query_pairs(std::string_view raw,
                            std::map<std::string, std::vector<std::string>>& m, std::error_code& ec)
    {
        const std::string decoded = percent_decode(raw, ec);
        if (ec) return;
        const bool must_encode = decoded != raw;
        std::vector<std::string_view> pieces;
        std::string_view rest = decoded;
        for (;;) {
            const std::size_t amp = rest.find('&');
            pieces.push_back(rest.substr(0, amp));
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
        while (!pieces.empty() && pieces.back().empty()) pieces.pop_back();
        for (const std::string_view pair : pieces) {
            const std::size_t eq = pair.find('=');
            const bool split = eq != std::string_view::npos && eq > 0;
            std::string key(split ? pair.substr(0, eq) : pair);
            if (m.count(key) == 0) {
                if (must_encode) key = percent_encode(key);
                m[key].clear();
            }
            std::string value(split && pair.size() > eq + 1 ? pair.substr(eq + 1)
                                                            : std::string_view{});
            if (must_encode) value = percent_encode(value);
            m[key].push_back(std::move(value));
        }
    }
};

} // namespace detail
} // namespace oauth1

#endif // OAUTH1_DETAIL_PROFILE_SIGNING_HPP
