// oauth1/profiles.hpp - service profiles: what a given OAuth 1.0a service expects (signature
// method, where the protocol parameters travel, realm, body hash, nonce rules, callback, token
// lifetime, fixed endpoints), as data, and the few functions that apply it.
//
//   const oauth1::profile p = oauth1::profiles::netsuite("1234567-sb1");
//   auto c = oauth1::make_client(p, {consumer_key, consumer_secret, {}, token, token_secret});
//   oauth1::service_request r = oauth1::sign_for(p, c, {"GET", url});
//   // send r.url with the header "Authorization: " + r.authorization (when not empty), r.body
//
// A profile is a value (copy it, change a field); find_profile(name) and profile_names() serve
// tools (`--profile list`). Profiles: jira, netsuite, magento, woocommerce, twitter, mastercard,
// etrade. Everything is RFC 5849 except where a profile's base_string rule says otherwise
// (Mastercard's signers: see README.md, "Service profiles").
#ifndef OAUTH1_PROFILES_HPP
#define OAUTH1_PROFILES_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/profile_signing.hpp>
#include <oauth1/error.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/signature_method.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

/// Where the protocol parameters travel (RFC 5849 §3.5).
enum class parameter_placement {
    header,   ///< Authorization header (3.5.1)
    query,    ///< the request URI's query (3.5.3)
    form_body ///< a form-encoded body (3.5.2)
};

/// When oauth_body_hash is sent (draft-eaton-oauth-bodyhash).
enum class body_hash_policy {
    never,
    unless_form, ///< a non-empty body that is not form-encoded
    always       ///< every request, the empty body's hash when there is none
};

/// How the realm of the Authorization header is chosen (it is never signed, 3.4.1.3.1).
enum class realm_rule {
    none,
    account_id ///< NetSuite: the account id upper-cased, '-' written '_' ("1234567-sb1" -> "1234567_SB1")
};

/// How the signature base string is built.
enum class base_string_rule {
    rfc5849,   ///< RFC 5849 §3.4.1
    mastercard ///< Mastercard's published signers (README.md, "Service profiles")
};

/// Where the token credentials come from.
enum class token_source {
    dance,         ///< the three-legged flow (RFC 5849 §2, flow.hpp)
    service_ui,    ///< copied from the service (Magento's integration page)
    consumer_only, ///< none: requests are signed with the consumer credentials alone
};

/// When token credentials stop working.
enum class expiry_rule {
    none,               ///< until revoked
    fixed_lifetime,     ///< token_lifetime::lifetime after they were issued
    midnight_us_eastern ///< at the next midnight, America/New_York (E*TRADE)
};

/// The nonces a service accepts (RFC 5849 §3.3 leaves them to the server) and the ones
/// make_client's nonce source draws.
struct nonce_rule {
    std::size_t length = 32;     ///< generated length
    std::size_t min_length = 1;  ///< accepted lengths (a fixed sign_options::nonce is checked)
    std::size_t max_length = 64; ///< 0: no limit
    std::string_view alphabet = "0123456789abcdef"; ///< generated characters
    std::string_view accepted{};                    ///< accepted characters; empty: any
};

/// How long a service's access tokens live (documentation and token_expires_at()).
struct token_lifetime {
    /// The expiry rule: none, a fixed duration, or a fixed daily time (E*TRADE: midnight US
    /// Eastern).
    expiry_rule expiry = expiry_rule::none;
    std::chrono::seconds lifetime{0};     ///< fixed_lifetime
    std::chrono::seconds idle_timeout{0}; ///< inactivity after which they must be renewed; 0: none
    /// What the service documents about its tokens, for people.
    std::string_view notes;
};

/// A service's fixed endpoints: paths under the base URL the user gives (or `base`), or absolute
/// URLs. Empty: the service has no such endpoint.
struct profile_endpoints {
    std::string base;          ///< default base URL; empty: the user's (their JIRA, their store...)
    std::string request_token; ///< temporary credentials endpoint path (RFC 5849 §2.1)
    std::string authorize;     ///< resource owner authorization path (RFC 5849 §2.2)
    std::string access_token;  ///< token credentials endpoint path (RFC 5849 §2.3)
    std::string renew_access_token;  ///< renewal endpoint (OAuth session extension; E*TRADE)
    std::string revoke_access_token; ///< revocation endpoint (E*TRADE)
    /// The HTTP method of the token requests (E*TRADE: GET).
    std::string_view token_request_method = "POST";
};

/// What a service expects. Build one with the functions in oauth1::profiles.
struct profile {
    /// The name tools take (`oauth1-sign --profile NAME`), e.g. "netsuite".
    std::string name;
    /// One line describing the service.
    std::string description;
    /// The signature method the service verifies (RFC 5849 §3.4).
    signature_method method = signature_method::hmac_sha1;
    /// Methods the service accepts (make_client refuses the others); method is the first.
    std::vector<signature_method> accepted_methods;
    /// Where the protocol parameters go (RFC 5849 §3.5: header, query or form body).
    parameter_placement placement = parameter_placement::header;
    /// How the Authorization realm is made (e.g. NetSuite's account id).
    realm_rule realm_from = realm_rule::none;
    /// The realm, when fixed or computed.
    std::optional<std::string> realm;
    /// When oauth_body_hash is sent (never, for non-form bodies, always incl. an empty body).
    body_hash_policy body_hash = body_hash_policy::never;
    /// The body hash digest: the signature method's (SHA-256 for *-SHA256).
    bool form_body_parameters = true; ///< sign_options::body_parameters
    bool include_version = true;      ///< oauth_version="1.0"
    /// How the base string is built: RFC 5849 §3.4.1, or a service's own signer's form.
    base_string_rule base_string = base_string_rule::rfc5849;
    /// How the client gets its token: the three-legged dance, a token from the service's pages, or
    /// none.
    token_source tokens = token_source::dance;
    /// The oauth_callback sent in the dance ("oob": out of band, RFC 5849 §2.1).
    std::string_view callback = "oob";
    /// The service's rules for oauth_nonce (length, alphabet; RFC 5849 §3.3).
    nonce_rule nonce;
    /// How long access tokens live.
    token_lifetime token_life;
    /// The service's fixed endpoints.
    profile_endpoints endpoints;
};

/// A nonce source drawing nonces by a profile's nonce_rule from OpenSSL's CSPRNG.
struct profile_nonce {
    /// The rule the nonces follow.
    nonce_rule rule;
    /// Appends a fresh nonce following the rule (CSPRNG); errc::nonce_source_failed on failure.
    void operator()(std::string& out, std::error_code& ec) const
    {
        detail::random_from_alphabet(rule.length, rule.alphabet, out, ec);
    }
};

/// The client make_client() gives: the signature method chosen at run time, nonces by the
/// profile's rule. The flow functions (flow.hpp) and the adapters take it like any client.
using profile_client = basic_client<any_signer, system_clock, profile_nonce>;

/// What the user brings: the consumer key and its secret (HMAC) or RSA private key, and token
/// credentials when the service has them.
struct service_credentials {
    /// The consumer key (RFC 5849 §3.1).
    std::string consumer_key;
    /// The consumer secret (HMAC-SHA*, PLAINTEXT).
    std::string consumer_secret;
    /// The private key (RSA-SHA*).
    private_key key{};
    /// The token (empty: none).
    std::string token{};
    /// The token secret.
    std::string token_secret{};
};

/// A request signed for a service, ready to send: the URL (with the protocol parameters in its
/// query for parameter_placement::query), the Authorization header value (empty unless
/// parameter_placement::header) and the body (with the protocol parameters for form_body).
struct service_request {
    /// The URL to send (with the protocol parameters in its query when the profile says so).
    std::string url;
    /// The Authorization header value (empty when the parameters go elsewhere).
    std::string authorization;
    /// The body to send.
    std::string body;
    /// The signed result (base string, signature, ...).
    signed_request result;
};

namespace detail {

inline bool nonce_follows(const nonce_rule& r, std::string_view nonce) noexcept
{
    if (nonce.size() < r.min_length || (r.max_length != 0 && nonce.size() > r.max_length))
        return false;
    if (r.accepted.empty()) return true;
    for (const char c : nonce)
        if (r.accepted.find(c) == std::string_view::npos) return false;
    return true;
}

inline std::string join_endpoint(std::string_view base, std::string_view path)
{
    if (path.empty() || path.find("://") != std::string_view::npos) return std::string(path);
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    return std::string(base) + std::string(path);
}

inline constexpr std::string_view alnum =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

} // namespace detail

/// NetSuite's realm for an account id: upper-cased, '-' written '_' ("1234567-sb1" ->
/// "1234567_SB1").
inline std::string netsuite_realm(std::string_view account_id)
{
    std::string r;
    for (const char c : account_id)
        r.push_back(c == '-' ? '_' : (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
    return r;
}

/// The profiles. Each returns a fresh value.
namespace profiles {

/// JIRA / Confluence Data Center application links: RSA-SHA1, oob callback, access tokens valid
/// 5 years by default; endpoints under the instance's base URL.
inline profile jira()
{
    profile p;
    p.name = "jira";
    p.description = "JIRA/Confluence Data Center application link: RSA-SHA1, oob, 5-year tokens";
    p.method = signature_method::rsa_sha1;
    p.accepted_methods = {signature_method::rsa_sha1};
    p.token_life = {expiry_rule::fixed_lifetime,
                    std::chrono::hours(24 * 365 * 5),
                    {},
                    "access tokens last 5 years by default (an administrator can shorten it)"};
    p.endpoints.request_token = "/plugins/servlet/oauth/request-token";
    p.endpoints.authorize = "/plugins/servlet/oauth/authorize";
    p.endpoints.access_token = "/plugins/servlet/oauth/access-token";
    return p;
}

/// NetSuite token-based authentication (TBA): HMAC-SHA256 (HMAC-SHA1 ended with 2023.1), realm =
/// the account id upper-cased with '_' for '-', nonces of 6 to 64 alphanumeric characters.
/// Endpoints of the three-step TBA flow on the account's hosts; tokens made in the UI work too.
inline profile netsuite(std::string_view account_id)
{
    profile p;
    p.name = "netsuite";
    p.description = "NetSuite token-based authentication: HMAC-SHA256, realm = account id";
    p.method = signature_method::hmac_sha256;
    p.accepted_methods = {signature_method::hmac_sha256};
    p.realm_from = realm_rule::account_id;
    if (!account_id.empty()) p.realm = netsuite_realm(account_id);
    p.nonce = {20, 6, 64, detail::alnum, detail::alnum};
    p.token_life = {expiry_rule::none,
                    {},
                    {},
                    "TBA tokens last until revoked; NetSuite refuses a nonce it has seen and a "
                    "timestamp far from its clock"};
    std::string host;
    for (const char c : account_id)
        host.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                                              : (c == '_' ? '-' : c));
    if (!host.empty()) {
        p.endpoints.base = "https://" + host + ".restlets.api.netsuite.com";
        p.endpoints.authorize =
            "https://" + host + ".app.netsuite.com/app/login/secure/authorizetoken.nl";
    }
    p.endpoints.request_token = "/rest/requesttoken";
    p.endpoints.access_token = "/rest/accesstoken";
    return p;
}

/// Magento 2 integrations: HMAC-SHA256 with the four credentials shown on the integration page
/// (no dance); the activation handshake's endpoints are /oauth/token/request and
/// /oauth/token/access under the store URL.
inline profile magento()
{
    profile p;
    p.name = "magento";
    p.description = "Magento 2 integration: HMAC-SHA256, tokens from the integration page";
    p.method = signature_method::hmac_sha256;
    p.accepted_methods = {signature_method::hmac_sha256};
    p.tokens = token_source::service_ui;
    p.token_life = {expiry_rule::none,
                    {},
                    {},
                    "integration access tokens last until the integration is reauthorized"};
    p.endpoints.request_token = "/oauth/token/request";
    p.endpoints.access_token = "/oauth/token/access";
    return p;
}

/// WooCommerce REST API over plain http: one-legged (consumer key and secret, no token), the
/// protocol parameters in the query string (RFC 5849 §3.5.3), HMAC-SHA256 or HMAC-SHA1, no
/// oauth_version.
inline profile woocommerce(signature_method method = signature_method::hmac_sha256)
{
    profile p;
    p.name = "woocommerce";
    p.description = "WooCommerce REST API over http: one-legged, parameters in the query";
    p.method = method;
    p.accepted_methods = {signature_method::hmac_sha256, signature_method::hmac_sha1};
    p.placement = parameter_placement::query;
    p.include_version = false;
    p.tokens = token_source::consumer_only;
    p.nonce = {32, 1, 0, detail::alnum};
    p.token_life = {expiry_rule::none,
                    {},
                    {},
                    "consumer keys last until revoked; over https use HTTP Basic instead"};
    return p;
}

/// X (Twitter) API v1.1: HMAC-SHA1, header, three-legged flow on api.twitter.com; a
/// multipart/form-data body (media upload) is never signed as parameters.
inline profile twitter()
{
    profile p;
    p.name = "twitter";
    p.description = "X (Twitter) API v1.1: HMAC-SHA1; multipart bodies never signed";
    p.method = signature_method::hmac_sha1;
    p.accepted_methods = {signature_method::hmac_sha1};
    p.nonce = {32, 1, 0, detail::alnum};
    p.token_life = {expiry_rule::none, {}, {}, "access tokens last until revoked"};
    p.endpoints.base = "https://api.twitter.com";
    p.endpoints.request_token = "/oauth/request_token";
    p.endpoints.authorize = "/oauth/authorize";
    p.endpoints.access_token = "/oauth/access_token";
    return p;
}

/// Mastercard APIs: RSA-SHA256, consumer key only, oauth_body_hash (SHA-256) on every request
/// including an empty body, 16-character alphanumeric nonces, and the base string of Mastercard's
/// own signers (README.md, "Service profiles").
inline profile mastercard()
{
    profile p;
    p.name = "mastercard";
    p.description = "Mastercard APIs: RSA-SHA256, body hash always, Mastercard's base string";
    p.method = signature_method::rsa_sha256;
    p.accepted_methods = {signature_method::rsa_sha256};
    p.body_hash = body_hash_policy::always;
    p.form_body_parameters = false;
    p.base_string = base_string_rule::mastercard;
    p.tokens = token_source::consumer_only;
    // Mastercard's signers send 16 (Java, Python) or 8 (Node) alphanumerics, their tests 19:
    // fixed nonces are held to 8-32 alphanumerics, a conservative envelope (no published limit).
    p.nonce = {16, 8, 32, detail::alnum, detail::alnum};
    p.token_life = {expiry_rule::none, {}, {}, "no tokens: the consumer key and its RSA key"};
    return p;
}

/// E*TRADE: HMAC-SHA1, oob, token requests by GET; access tokens expire at midnight US Eastern
/// and go idle after 2 hours without a request (renew_access_token revives them).
inline profile etrade()
{
    profile p;
    p.name = "etrade";
    p.description = "E*TRADE: HMAC-SHA1, oob; tokens expire at midnight US Eastern";
    p.method = signature_method::hmac_sha1;
    p.accepted_methods = {signature_method::hmac_sha1};
    p.token_life = {expiry_rule::midnight_us_eastern,
                    {},
                    std::chrono::hours(2),
                    "expire at midnight US Eastern; inactive for 2 hours: renew_access_token"};
    p.endpoints.base = "https://api.etrade.com"; // sandbox: https://apisb.etrade.com
    p.endpoints.request_token = "/oauth/request_token";
    // E*TRADE's page takes key=<consumer key>&token=<request token>, not oauth_token.
    p.endpoints.authorize = "https://us.etrade.com/e/t/etws/authorize";
    p.endpoints.access_token = "/oauth/access_token";
    p.endpoints.renew_access_token = "/oauth/renew_access_token";
    p.endpoints.revoke_access_token = "/oauth/revoke_access_token";
    p.endpoints.token_request_method = "GET";
    return p;
}

} // namespace profiles

/// The names find_profile() knows, for tools (`--profile list`).
inline constexpr std::array<std::string_view, 7> profile_names() noexcept
{
    return {"jira", "netsuite", "magento", "woocommerce", "twitter", "mastercard", "etrade"};
}

/// The profile called `name` (as in profile_names()); `account_id` for netsuite (without it
/// the realm is unset and make_client refuses). nullopt for an unknown name.
inline std::optional<profile> find_profile(std::string_view name, std::string_view account_id = {})
{
    if (name == "jira") return profiles::jira();
    if (name == "netsuite") return profiles::netsuite(account_id);
    if (name == "magento") return profiles::magento();
    if (name == "woocommerce") return profiles::woocommerce();
    if (name == "twitter") return profiles::twitter();
    if (name == "mastercard") return profiles::mastercard();
    if (name == "etrade") return profiles::etrade();
    return std::nullopt;
}

/// The flow endpoints (RFC 5849 §2) of `p` under `base_url` (empty: the profile's own base).
/// Errors: errc::invalid_argument when the profile has no token endpoints (no dance) or a path
/// needs a base URL and there is none.
inline service_endpoints endpoints_of(const profile& p, std::string_view base_url,
                                      std::error_code& ec)
{
    ec.clear();
    const std::string_view base = base_url.empty() ? std::string_view(p.endpoints.base) : base_url;
    const auto absolute = [](const std::string& s) { return s.find("://") != std::string::npos; };
    if (p.endpoints.request_token.empty() || p.endpoints.access_token.empty() ||
        (base.empty() &&
         (!absolute(p.endpoints.request_token) || !absolute(p.endpoints.access_token)))) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    return {detail::join_endpoint(base, p.endpoints.request_token),
            detail::join_endpoint(base, p.endpoints.authorize),
            detail::join_endpoint(base, p.endpoints.access_token)};
}

/// As above; throws oauth1::error.
inline service_endpoints endpoints_of(const profile& p, std::string_view base_url = {})
{
    std::error_code ec;
    service_endpoints e = endpoints_of(p, base_url, ec);
    const std::string what = "the endpoints of profile " + p.name + " (a base URL is needed)";
    detail::throw_if(ec, what.c_str());
    return e;
}

/// When token credentials issued at `issued_at` (seconds since the epoch) expire under `p`'s
/// rule; nullopt when they do not.
inline std::optional<std::uint64_t> token_expires_at(const profile& p, std::uint64_t issued_at)
{
    switch (p.token_life.expiry) {
    case expiry_rule::none: return std::nullopt;
    case expiry_rule::fixed_lifetime:
        return issued_at + static_cast<std::uint64_t>(p.token_life.lifetime.count());
    case expiry_rule::midnight_us_eastern: return detail::next_midnight_us_eastern(issued_at);
    }
    return std::nullopt;
}

/// A client for `p` with `cred`: the profile's signature method (`method` to choose another one
/// the service accepts), its version choice, its nonce rule, the token when given.
/// Errors: errc::unsupported_signature_method (a method the service does not accept),
/// errc::invalid_argument (NetSuite without an account id, a token for a consumer-only service),
/// and any_signer::make's (errc::key_required, ...).
inline std::optional<profile_client> make_client(const profile& p, const service_credentials& cred,
                                                 std::error_code& ec,
                                                 std::optional<signature_method> method = {})
{
    ec.clear();
    const signature_method m = method.value_or(p.method);
    bool accepted = false;
    for (const signature_method a : p.accepted_methods) accepted = accepted || a == m;
    if (!accepted) {
        ec = make_error_code(errc::unsupported_signature_method);
        return std::nullopt;
    }
    if ((p.realm_from == realm_rule::account_id && !p.realm) ||
        (p.tokens == token_source::consumer_only && !cred.token.empty())) {
        ec = make_error_code(errc::invalid_argument);
        return std::nullopt;
    }
    std::optional<any_signer> s = any_signer::make(m, cred.consumer_secret, cred.key, ec);
    if (!s) return std::nullopt;
    profile_client c(cred.consumer_key, std::move(*s), system_clock{}, profile_nonce{p.nonce});
    c.set_include_version(p.include_version);
    if (!cred.token.empty()) c.set_token(cred.token, cred.token_secret);
    return c;
}

/// As above; throws oauth1::error.
inline profile_client make_client(const profile& p, const service_credentials& cred,
                                  std::optional<signature_method> method = {})
{
    std::error_code ec;
    std::optional<profile_client> c = make_client(p, cred, ec, method);
    const std::string what = "making a client for profile " + p.name;
    detail::throw_if(ec, what.c_str());
    return std::move(*c);
}

/// The flow_options of the token requests (flow.hpp) for `p`: its callback and realm. The realm
/// is a view into `p`.
inline flow_options flow_options_for(const profile& p)
{
    flow_options o;
    o.callback = p.callback;
    if (p.realm) o.realm = std::string_view(*p.realm);
    return o;
}

/// The sign_options `p` asks for on `req`, over `base` (nonce, timestamp, callback, ...): the
/// realm, the body hash by the profile's policy, whether a form body is signed as parameters.
/// The realm is a view into `p`.
inline sign_options sign_options_for(const profile& p, const request& req, sign_options base = {})
{
    if (p.realm) base.realm = std::string_view(*p.realm);
    base.body_parameters = p.form_body_parameters;
    const bool form = p.form_body_parameters && is_form_urlencoded(req.content_type);
    switch (p.body_hash) {
    case body_hash_policy::never: base.body_hash = false; break;
    case body_hash_policy::unless_form: base.body_hash = !form && !req.body.empty(); break;
    case body_hash_policy::always: base.body_hash = !form; break;
    }
    return base;
}

/// Signs `req` as `p` wants with client `c` (from make_client, or any client with the same
/// credentials) into `out`: the profile's options (sign_options_for over `opts`), a fixed nonce
/// checked against its nonce rule, its base string rule. Errors: client::sign's, and
/// errc::invalid_argument for a fixed nonce the service would refuse.
template <class Signer, class Clock, class NonceSource>
void sign_for(const profile& p, const basic_client<Signer, Clock, NonceSource>& c,
              const request& req, const sign_options& opts, signed_request& out,
              std::error_code& ec)
{
    ec.clear();
    if (!opts.nonce.empty() && !detail::nonce_follows(p.nonce, opts.nonce)) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    const sign_options o = sign_options_for(p, req, opts);
    if (p.base_string == base_string_rule::mastercard) {
        if (!c.token().empty() || detail::method_of(c.signer()) != p.method) {
            ec = make_error_code(c.token().empty() ? errc::signature_method_mismatch
                                                   : errc::invalid_argument);
            return;
        }
        std::string nonce(opts.nonce);
        if (nonce.empty())
            detail::random_from_alphabet(p.nonce.length, p.nonce.alphabet, nonce, ec);
        if (ec) return;
        detail::profile_signing::sign_mastercard(c, req, o, nonce, out, ec);
        return;
    }
    c.sign(req, o, out, ec);
}

/// Signs `req` for `p` and places the protocol parameters where the service reads them.
template <class Signer, class Clock, class NonceSource>
service_request sign_for(const profile& p, const basic_client<Signer, Clock, NonceSource>& c,
                         const request& req, const sign_options& opts, std::error_code& ec)
{
    service_request r;
    sign_for(p, c, req, opts, r.result, ec);
    if (ec) return r;
    switch (p.placement) {
    case parameter_placement::header:
        r.url.assign(req.url);
        r.authorization.assign(r.result.authorization());
        r.body.assign(req.body);
        break;
    case parameter_placement::query:
        r.url = r.result.url_with_protocol_query(req.url);
        r.body.assign(req.body);
        break;
    case parameter_placement::form_body:
        r.url.assign(req.url);
        r.body = r.result.form_with_protocol_parameters(req.body);
        break;
    }
    return r;
}

/// As above; throws oauth1::error.
template <class Signer, class Clock, class NonceSource>
service_request sign_for(const profile& p, const basic_client<Signer, Clock, NonceSource>& c,
                         const request& req, const sign_options& opts = {})
{
    std::error_code ec;
    service_request r = sign_for(p, c, req, opts, ec);
    detail::throw_url_error_if(ec, "signing request", req.url);
    return r;
}

} // namespace oauth1

#endif // OAUTH1_PROFILES_HPP
