// oauth1/public_origin.hpp - how a server learns the absolute URL its clients signed
// (RFC 5849 §3.4.1.2), for every server adapter (httplib_server.hpp, beast_server.hpp,
// poco_server.hpp).
//
// The client signs the absolute URL it addressed; the server must rebuild it from its own
// configuration, never from what the client says. A server adapter's verify() therefore takes a
// required public_origin: the scheme and authority clients use ("https", "jira.example.com"),
// to which the request-target is appended exactly as received. Trusting the client's Host header
// is an explicit opt-in, public_origin::trust_host_header(), for a server reachable under a
// single name: otherwise a request signed for another instance sharing the credentials
// (staging, another tenant) verifies here too.
//
// Behind a reverse proxy that terminates TLS: name the public origin, or let trust_proxies()
// honour one family of forwarding headers - Forwarded (RFC 7239 proto= and host=) or
// X-Forwarded-Proto / X-Forwarded-Host - and only when the TCP peer (the socket's address as the
// server library prints it, never a header) is one of the listed proxy addresses, compared
// exactly. From any other peer these headers are ignored. When a header is repeated or holds a
// list, the last element is used: the one the nearest proxy (the trusted peer) added. A
// forwarding header from a trusted proxy that is malformed (a scheme other than http/https, a
// host with characters a host cannot have) refuses the request.
#ifndef OAUTH1_PUBLIC_ORIGIN_HPP
#define OAUTH1_PUBLIC_ORIGIN_HPP

#include <oauth1/detail/origin.hpp>
#include <oauth1/error.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oauth1 {

/// Which forwarding headers a trusted proxy sets (only that family is read).
enum class forwarded_headers {
    forwarded,   ///< RFC 7239 `Forwarded: for=...;proto=https;host=api.example.com`
    x_forwarded, ///< `X-Forwarded-Proto: https` and `X-Forwarded-Host: api.example.com`
};

/// The public scheme and authority of a server (RFC 5849 §3.4.1.2), optionally overridden by
/// trusted proxies. See the top of this header. Copyable; owns its strings.
class public_origin {
public:
    /// Every request is verified as `scheme`://`authority` + its request-target: e.g.
    /// public_origin("https", "jira.example.com") or ("http", "127.0.0.1:8080"). `scheme` is
    /// http or https (any case); `authority` is host[:port] as clients write it (a default
    /// port may be left out: the base string drops it, RFC 5849 §3.4.1.2). Throws
    /// oauth1::error (errc::invalid_argument) for anything else, an empty authority included.
    public_origin(std::string_view scheme, std::string_view authority)
        : scheme_(detail::normal_scheme(scheme)), authority_(authority)
    {
        if (scheme_.empty())
            detail::throw_if(make_error_code(errc::invalid_argument),
                             "oauth1::public_origin: the scheme must be http or https");
        if (!detail::is_plausible_authority(authority_))
            detail::throw_if(make_error_code(errc::invalid_argument),
                             "oauth1::public_origin: the authority must be host[:port] (to take "
                             "it from the Host header, use public_origin::trust_host_header())");
    }

    /// Opt-in: the authority is the request's Host header (exactly one, a plausible
    /// host[:port]; otherwise the request is refused). Only for a server reachable under one
    /// name that no other deployment sharing its consumers' credentials answers to.
    static public_origin trust_host_header(std::string_view scheme = "http")
    {
        public_origin o;
        o.scheme_ = detail::normal_scheme(scheme);
        if (o.scheme_.empty())
            detail::throw_if(make_error_code(errc::invalid_argument),
                             "oauth1::public_origin: the scheme must be http or https");
        o.trust_host_ = true;
        return o;
    }

    /// Opt-in: requests whose TCP peer is exactly one of `peer_addresses` may override the
    /// scheme and authority with the `which` headers (the last element of each: see the top of
    /// this header). Replaces earlier proxies.
    public_origin& trust_proxies(std::vector<std::string> peer_addresses,
                                 forwarded_headers which = forwarded_headers::forwarded)
    {
        proxies_ = std::move(peer_addresses);
        headers_ = which;
        return *this;
    }

    /// "http" or "https".
    const std::string& scheme() const noexcept { return scheme_; }
    /// Empty when the Host header is trusted instead.
    const std::string& authority() const noexcept { return authority_; }
    /// Whether the Host header gives the authority.
    bool trusts_host_header() const noexcept { return trust_host_; }
    /// Which forwarding headers trusted proxies set.
    forwarded_headers proxy_headers() const noexcept { return headers_; }
    /// Whether `peer` is one of the trusted proxies (exact comparison).
    bool trusts_peer(std::string_view peer) const noexcept
    {
        return !peer.empty() && std::find(proxies_.begin(), proxies_.end(), peer) != proxies_.end();
    }

    /// What detail::build_origin_url() needs of this origin for a request from `peer`.
    detail::origin_rules rules_for(std::string_view peer) const noexcept
    {
        return {scheme_, authority_, trust_host_, trusts_peer(peer),
                headers_ == forwarded_headers::forwarded};
    }

private:
    public_origin() = default;

    std::string scheme_;
    std::string authority_;
    bool trust_host_ = false;
    std::vector<std::string> proxies_;
    forwarded_headers headers_ = forwarded_headers::forwarded;
};

} // namespace oauth1

#endif // OAUTH1_PUBLIC_ORIGIN_HPP
