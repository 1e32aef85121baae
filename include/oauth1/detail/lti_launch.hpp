// oauth1/detail/lti_launch.hpp - private to oauth1 (not a public header): the machinery behind
// oauth1::lti::launch_verifier (oauth1/lti.hpp): the consumer lookup it hands the request
// verifier (a secret or consumer_credentials, restricted to the tool's signature methods, the
// copy wiped when dropped), the launch URL rebuilt from a public_origin over a launch_request's
// header list, the checks of the required LTI 1.1 parameters, the operator's diagnosis of a
// signature checked against the wrong URL (a TLS-terminating proxy that is not trusted), and the
// return URL with lti_errormsg / lti_msg.
#ifndef OAUTH1_DETAIL_LTI_LAUNCH_HPP
#define OAUTH1_DETAIL_LTI_LAUNCH_HPP

#include <oauth1/detail/origin.hpp>
#include <oauth1/detail/url_split.hpp> // ascii_iequals
#include <oauth1/encoding.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/public_origin.hpp>

#include <openssl/crypto.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace oauth1::detail {

/// A launch's header fields as given to the verifier (name, value), in order.
using lti_header_list = std::vector<std::pair<std::string_view, std::string_view>>;

/// The methods in both sets.
constexpr method_set lti_methods_in_both(method_set a, method_set b) noexcept
{
    method_set out;
    for (const signature_method m :
         {signature_method::hmac_sha1, signature_method::hmac_sha256, signature_method::hmac_sha512,
          signature_method::rsa_sha1, signature_method::rsa_sha256, signature_method::rsa_sha512,
          signature_method::plaintext})
        if (a.contains(m) && b.contains(m)) out.add(m);
    return out;
}

/// One looked-up consumer for the request verifier: a copy of its credentials, whose secret is
/// wiped when it is dropped (a move copies and wipes the source, so no short-string buffer keeps
/// it either). Tests false when the consumer is unknown.
class lti_consumer {
public:
    lti_consumer() noexcept = default;
    explicit lti_consumer(consumer_credentials c) : c_(c), known_(true) { wipe(c.secret); }
    lti_consumer(lti_consumer&& o) : c_(o.c_), known_(o.known_) { wipe(o.c_.secret); }
    lti_consumer(const lti_consumer&) = delete;
    lti_consumer& operator=(const lti_consumer&) = delete;
    lti_consumer& operator=(lti_consumer&&) = delete;
    ~lti_consumer() { wipe(c_.secret); }

    explicit operator bool() const noexcept { return known_; }
    const consumer_credentials& operator*() const noexcept { return c_; }

private:
    static void wipe(std::string& s) noexcept
    {
        if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    }
    consumer_credentials c_;
    bool known_ = false;
};

/// The consumer lookup of a launch verifier: the tool's lookup gives, for a consumer key,
/// something like a pointer or std::optional to either the shared secret (anything convertible
/// to std::string_view) or oauth1::consumer_credentials; the consumer may use only the tool's
/// signature methods (and, for consumer_credentials, its own).
template <class SecretLookup>
struct lti_consumers {
    SecretLookup lookup;
    method_set methods;

    lti_consumer operator()(std::string_view consumer_key) const
    {
        const auto record = lookup(consumer_key);
        if (!record) return lti_consumer();
        using value = std::decay_t<decltype(*record)>;
        if constexpr (std::is_same_v<value, consumer_credentials>) {
            consumer_credentials c = *record;
            c.methods = lti_methods_in_both(c.methods, methods);
            return lti_consumer(std::move(c));
        } else {
            static_assert(std::is_convertible_v<const value&, std::string_view>,
                          "oauth1::lti::launch_verifier: the secret lookup must return something "
                          "like const std::string*, std::optional<std::string> or "
                          "const oauth1::consumer_credentials* for a consumer key");
            consumer_credentials c;
            c.secret.assign(std::string_view(*record));
            c.methods = methods;
            return lti_consumer(std::move(c));
        }
    }
};

/// LTI 1.1 launches carry no token (a consumer-only, "two-legged" request): any token refuses.
struct lti_no_tokens {
    const token_credentials* operator()(std::string_view, std::string_view) const noexcept
    {
        return nullptr;
    }
};

/// A visitor of the fields named `name` (any case) among `headers`, for build_origin_url().
inline auto lti_fields(const lti_header_list& headers)
{
    return [&headers](const char* name) {
        return [&headers, name](auto&& visit) {
            for (const auto& field : headers)
                if (ascii_iequals(field.first, name)) visit(field.second);
        };
    };
}

/// Printable ASCII of a value a client sent, at most 100 bytes, for messages in the tool's log.
inline std::string lti_printable(std::string_view v)
{
    std::string out;
    for (const char c : v.substr(0, 100)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
    if (v.size() > 100) out += "...";
    return out;
}

/// The public scheme and host a forwarding header names, or two empty strings.
inline std::pair<std::string, std::string> lti_forwarded_origin(const lti_header_list& headers,
                                                                bool rfc7239)
{
    const auto fields = lti_fields(headers);
    std::string proto;
    std::string host;
    if (rfc7239) {
        bool seen_proto = false;
        bool seen_host = false;
        if (read_forwarded(fields("Forwarded"), proto, host, seen_proto, seen_host)) return {};
    } else {
        std::string_view p;
        std::string_view h;
        if (!last_list_element(fields("X-Forwarded-Proto"), p) ||
            !last_list_element(fields("X-Forwarded-Host"), h))
            return {};
        proto.assign(p);
        host.assign(h);
    }
    if (normal_scheme(proto).empty() || !is_plausible_authority(host)) return {};
    return {normal_scheme(proto), lti_printable(host)};
}

/// For the tool's log, after a signature failed: the URL it was checked against and, when the
/// request came through a proxy whose forwarding headers were not used, how to trust it.
inline std::string lti_url_diagnosis(const lti_header_list& headers, std::string_view peer,
                                     const public_origin& origin, std::string_view url)
{
    std::string out = "verified against " + lti_printable(url);
    const auto fields = lti_fields(headers);
    const auto present = [&fields](const char* name) {
        bool any = false;
        fields(name)([&any](std::string_view) { any = true; });
        return any;
    };
    const bool x_forwarded = present("X-Forwarded-Proto") || present("X-Forwarded-Host");
    const bool rfc7239 = present("Forwarded");
    const std::string who = lti_printable(peer);
    const std::string family =
        rfc7239 ? "oauth1::forwarded_headers::forwarded" : "oauth1::forwarded_headers::x_forwarded";
    const auto [claimed_scheme, claimed_host] = lti_forwarded_origin(headers, rfc7239);
    const std::string claimed =
        claimed_host.empty() ? std::string() : claimed_scheme + "://" + claimed_host;
    if (!x_forwarded && !rfc7239) {
        out += "; the request carried no forwarding headers: the consumer must launch exactly "
               "this URL (scheme, host, port, path), or, if a proxy terminates TLS without "
               "forwarding headers, name the public origin: oauth1::public_origin(\"https\", "
               "\"<public host>\")";
        return out;
    }
    const char* const names = rfc7239 ? "Forwarded" : "X-Forwarded-Proto/X-Forwarded-Host";
    if (!origin.trusts_peer(peer)) {
        out += "; the request came from " + who + " with " + names;
        if (!claimed.empty()) out += " naming " + claimed;
        out += ", which is not a trusted proxy, so they were ignored: if a proxy terminates "
               "TLS, trust it: origin.trust_proxies({\"" +
               who + "\"}, " + family + ")";
        if (!claimed.empty())
            out += ", or name the public origin: oauth1::public_origin(\"" + claimed_scheme +
                   "\", \"" + claimed_host + "\")";
        return out;
    }
    const bool reads_rfc7239 = origin.proxy_headers() == forwarded_headers::forwarded;
    if (rfc7239 != reads_rfc7239 && !(rfc7239 && x_forwarded)) {
        out += "; the trusted proxy " + who + " sent " + names + ", but the origin reads " +
               (reads_rfc7239 ? "Forwarded" : "X-Forwarded-*") + ": trust it with " + family;
        return out;
    }
    out += "; the trusted proxy's forwarding headers were used: the consumer signed another URL "
           "(check the launch URL configured in the LMS)";
    return out;
}

/// How many times `name` occurs among `params`, and the first value.
inline std::size_t lti_count(const std::vector<std::pair<std::string, std::string>>& params,
                             std::string_view name, std::string_view& value)
{
    std::size_t n = 0;
    for (const auto& p : params)
        if (p.first == name && n++ == 0) value = p.second;
    return n;
}

/// Checks that `name` occurs exactly once, non-empty, and (when `accepted` is not empty) is one
/// of them; otherwise returns why (naming the parameter) in `why`.
inline bool lti_require(const std::vector<std::pair<std::string, std::string>>& params,
                        std::string_view name, const std::vector<std::string_view>& accepted,
                        std::string& why)
{
    std::string_view value;
    const std::size_t n = lti_count(params, name, value);
    const std::string quoted = std::string(name);
    if (n == 0) {
        why = quoted + " is missing";
        return false;
    }
    if (n > 1) {
        why = quoted + " occurs more than once";
        return false;
    }
    if (value.empty()) {
        why = quoted + " is empty";
        return false;
    }
    if (accepted.empty()) return true;
    for (const std::string_view a : accepted)
        if (value == a) return true;
    why = quoted + " is \"" + lti_printable(value) + "\"; this tool accepts ";
    for (std::size_t i = 0; i < accepted.size(); ++i) {
        if (i) why += i + 1 == accepted.size() ? " or " : ", ";
        why += accepted[i];
    }
    return false;
}

/// Whether `url` may be redirected to: an absolute http(s) URL with nothing a header could not
/// carry.
inline bool lti_redirectable(std::string_view url) noexcept
{
    const bool http = url.size() > 7 && ascii_iequals(url.substr(0, 7), "http://");
    const bool https = url.size() > 8 && ascii_iequals(url.substr(0, 8), "https://");
    if (!http && !https) return false;
    for (const char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F) return false;
    }
    return true;
}

/// Appends `name=value` (both RFC 3986 percent-encoded) to the query being built.
inline void lti_append_query(std::string& out, std::string_view name, std::string_view value)
{
    if (value.empty()) return;
    const char last = out.empty() ? '?' : out.back();
    if (last != '?' && last != '&') out.push_back('&');
    out += name;
    out.push_back('=');
    percent_encode_append(value, out);
}

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_LTI_LAUNCH_HPP
