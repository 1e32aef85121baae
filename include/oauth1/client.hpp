// oauth1/client.hpp - signing requests as a client (RFC 5849 §3.1 - §3.5).
//
//   oauth1::client c("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file("key.pem")));
//   c.set_token(access_token, token_secret);
//   std::string auth =
//       c.authorization_header({"GET", "https://jira.example.com/rest/api/2/issue/JJ-2"});
//
// basic_client keeps the consumer key, the token and a signer (whose HMAC key schedule is computed
// once per secret pair). sign() fills a reusable `signed_request`: after the first use with a given
// request shape, signing into the same signed_request allocates no memory. Nonce source and clock
// are template parameters (and can be fixed per request through sign_options) so tests and
// benchmarks are deterministic.
//
// This header declares; the signing core (the part of sign() that does not depend on the template
// arguments) is declared in oauth1/detail/signing_core.hpp and defined in oauth1/impl/client.ipp.
#ifndef OAUTH1_CLIENT_HPP
#define OAUTH1_CLIENT_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/config.hpp>
#include <oauth1/detail/base64.hpp>
#include <oauth1/detail/digest.hpp>
#include <oauth1/detail/query_append.hpp>
#include <oauth1/detail/random_pool.hpp>
#include <oauth1/detail/signing_core.hpp>
#include <oauth1/detail/url_diagnosis.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/signature_method.hpp>

#include <openssl/rand.h>

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {

/// A request to sign, as views into the caller's data. `url` is the absolute URL exactly as it
/// will be sent (its query takes part in the signature); `body` takes part only when
/// `content_type` is application/x-www-form-urlencoded (RFC 5849 §3.4.1.3.1) - never for
/// multipart/form-data or any other type - and sign_options::body_parameters is on.
struct request {
    /// The HTTP method, e.g. "GET".
    std::string_view method;
    /// The absolute URL exactly as it will be sent (RFC 5849 §3.4.1.2).
    std::string_view url;
    /// The Content-Type; a form body (application/x-www-form-urlencoded) is signed as parameters
    /// (RFC 5849 §3.4.1.3.1).
    std::string_view content_type{};
    /// The body as it will be sent.
    std::string_view body{};
};

/// Per-request protocol options (RFC 5849 §3.1, 2.1, 2.3).
struct sign_options {
    /// realm for the Authorization header (never signed); nullopt: no realm.
    std::optional<std::string_view> realm{};
    /// oauth_callback, for temporary-credential requests (2.1); "oob" for out-of-band.
    std::string_view callback{};
    /// oauth_verifier, for token-credential requests (2.3).
    std::string_view verifier{};
    /// Adds oauth_body_hash (the base64 digest of the body, with the signature method's digest)
    /// for requests whose body is not form-encoded, so that a JSON body is covered.
    bool body_hash = false;
    /// Whether a form-encoded body (application/x-www-form-urlencoded) is a parameter source
    /// (RFC 5849 §3.4.1.3.1). Off: the body is never signed as parameters whatever its content
    /// type, for services that sign only the query (Mastercard); body_hash may then cover it.
    /// Bodies of every other content type (JSON, multipart/form-data, ...) are never parameters.
    bool body_parameters = true;
    /// A fixed nonce (tests, benchmarks); empty: a fresh one from the nonce source.
    std::string_view nonce{};
    /// A fixed timestamp (seconds since the epoch); nullopt: from the clock.
    std::optional<std::uint64_t> timestamp{};
    /// Further protocol parameters (names must start with "oauth_"), plain (unencoded) values.
    std::vector<std::pair<std::string_view, std::string_view>> extra{};
};

/// Current time in seconds since the Unix epoch (RFC 5849 §3.3). On POSIX systems std::time, whose
/// seconds-only clock costs a tenth of std::chrono::system_clock::now() (3 ns against 30 ns here:
/// glibc reads the coarse real-time clock, at most one tick behind).
struct system_clock {
    /// Seconds since 1970-01-01T00:00:00Z.
    std::uint64_t operator()() const noexcept
    {
#if defined(__unix__) || defined(__APPLE__)
        const std::time_t posix_seconds = std::time(nullptr);
        if (posix_seconds > 0) return static_cast<std::uint64_t>(posix_seconds);
#endif
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::seconds>(now).count());
    }
};

/// Nonces of 128 bits from OpenSSL's CSPRNG (RAND_bytes), written as 32 lower-case hex digits
/// (URL-safe, accepted by every server) (RFC 5849 §3.3). The bytes come from a per-thread pool
/// filled 4 KiB at a time (one RAND_bytes call per 256 nonces instead of one per nonce); a child
/// process created by fork() never reuses its parent's pool (detail/random_pool.hpp).
struct random_nonce {
    /// Random bytes per nonce (128 bits).
    static constexpr std::size_t bytes = 16;
    /// Appends a fresh nonce to `out`; errc::nonce_source_failed when the CSPRNG fails.
    void operator()(std::string& out, std::error_code& ec) const
    {
        ec.clear();
        unsigned char raw[bytes];
        if (!detail::thread_random_pool().take(raw, bytes)) {
            ec = make_error_code(errc::nonce_source_failed);
            return;
        }
        constexpr char hex[] = "0123456789abcdef";
        for (const unsigned char b : raw) {
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 15U]);
        }
    }
};

/// The signed result, reusable across calls (its buffers keep their capacity).
class signed_request {
public:
    /// The signature base string (3.4.1), e.g. to compare with a server's.
    std::string_view base_string() const noexcept { return base_.view(); }
    /// The oauth_signature value before encoding (base64, or the PLAINTEXT pair).
    std::string_view signature() const noexcept { return signature_; }
    /// The oauth_nonce used (RFC 5849 §3.3).
    std::string_view nonce() const noexcept { return nonce_; }
    /// The oauth_timestamp used (RFC 5849 §3.3).
    std::uint64_t timestamp() const noexcept { return timestamp_; }
    /// The Authorization header value (3.5.1): `OAuth realm="...", oauth_consumer_key="...", ...`.
    std::string_view authorization() const noexcept { return header_; }
    /// The protocol parameters, 3.6-encoded, oauth_signature last.
    const parameter_list& protocol_parameters() const noexcept { return protocol_; }
    /// All signed parameters (request + protocol), sorted and encoded (3.4.1.3.2).
    const parameter_list& signed_parameters() const noexcept { return all_; }

    /// The protocol parameters as "oauth_...=...&..." for the query (3.5.3) or a form body (3.5.2).
    std::string protocol_query() const
    {
        std::string s;
        form_append(protocol_, s);
        return s;
    }

    /// `url` with the protocol parameters added to its query (3.5.3), before any fragment.
    std::string url_with_protocol_query(std::string_view url) const
    {
        std::string s;
        const std::string_view fragment = detail::begin_query_append(url, s);
        form_append(protocol_, s);
        s.append(fragment);
        return s;
    }

    /// `body` (form-encoded) with the protocol parameters appended (3.5.2).
    std::string form_with_protocol_parameters(std::string_view body) const
    {
        std::string s(body);
        if (!s.empty() && s.back() != '&') s.push_back('&');
        form_append(protocol_, s);
        return s;
    }

private:
    template <class, class, class>
    friend class basic_client;
    friend struct detail::signing_core;
    friend struct detail::profile_signing; // service profiles whose base string is not 3.4.1's

    void reset() noexcept
    {
        protocol_.clear();
        all_.clear();
        base_uri_.clear();
        base_.clear();
        signature_.clear();
        nonce_.clear();
        header_.clear();
        timestamp_ = 0;
    }

    parameter_list protocol_;
    parameter_list all_;
    std::string base_uri_;
    detail::raw_buffer base_; // resized without a memset on every signature
    std::string signature_;
    std::string nonce_;
    std::string header_;
    std::uint64_t timestamp_ = 0;
};

/// The body hash (oauth_body_hash extension): base64 of the body's digest, with the digest of
/// `method` (SHA-1 for *-SHA1, ...). errc::body_hash_not_allowed for PLAINTEXT.
inline std::string body_hash(signature_method method, std::string_view body, std::error_code& ec)
{
    ec.clear();
    std::string out;
    if (method == signature_method::plaintext || !detail::body_hash_append(method, body, out)) {
        ec = make_error_code(method == signature_method::plaintext ? errc::body_hash_not_allowed
                                                                   : errc::crypto_failure);
        out.clear();
    }
    return out;
}

/// An OAuth 1.0a client: consumer key, optional token, a signer (see signature_method.hpp), a
/// clock and a nonce source.
template <class Signer = any_signer, class Clock = system_clock, class NonceSource = random_nonce>
class basic_client {
    static_assert(is_signer_v<Signer>,
                  "Signer must provide name(), set_token_secret(string_view), "
                  "sign(string_view, std::string&, std::error_code&) const and "
                  "verify(string_view, string_view, std::error_code&) const");

public:
    /// A client of `consumer_key` signing with `signer`; `clock` and `nonce` supply oauth_timestamp
    /// and oauth_nonce (RFC 5849 §3.3).
    basic_client(std::string consumer_key, Signer signer, Clock clock = {}, NonceSource nonce = {})
        : consumer_key_(std::move(consumer_key)), signer_(std::move(signer)),
          clock_(std::move(clock)), nonce_(std::move(nonce))
    {
        percent_encode_append(consumer_key_, encoded_consumer_key_);
        key_breaks_header_ = detail::has_header_breaking_char(consumer_key_);
    }

    /// The consumer key (oauth_consumer_key, RFC 5849 §3.1).
    const std::string& consumer_key() const noexcept { return consumer_key_; }
    /// The token sent as oauth_token (empty: none).
    const std::string& token() const noexcept { return token_; }
    /// The signer.
    const Signer& signer() const noexcept { return signer_; }
    /// The signer, e.g. to rekey it.
    Signer& signer() noexcept { return signer_; }
    /// The clock timestamps come from (e.g. a skew_clock, to read the offset it learned).
    const Clock& clock() const noexcept { return clock_; }

    /// Uses temporary or token credentials (RFC 5849 §2.1, 2.3) for the following requests.
    void set_token(std::string_view token, std::string_view token_secret)
    {
        token_.assign(token);
        encoded_token_.clear();
        percent_encode_append(token_, encoded_token_);
        token_breaks_header_ = detail::has_header_breaking_char(token_);
        signer_.set_token_secret(token_secret);
    }

    /// Back to consumer-only requests (no oauth_token, empty token secret).
    void clear_token()
    {
        token_.clear();
        encoded_token_.clear();
        token_breaks_header_ = false;
        signer_.set_token_secret({});
    }

    /// Whether oauth_version="1.0" is sent (optional in RFC 5849 §3.1; on by default).
    void set_include_version(bool on) noexcept { include_version_ = on; }
    /// Whether oauth_version="1.0" is sent (optional, RFC 5849 §3.1).
    bool include_version() const noexcept { return include_version_; }

    /// Signs `req` into `out` (reusing its memory). Errors: errc::invalid_method,
    /// errc::invalid_url, errc::invalid_percent_encoding (query or form body),
    /// errc::header_injection (CR/LF/NUL in a protocol value), errc::invalid_parameter (an extra
    /// parameter not named oauth_*), errc::duplicate_protocol_parameter (an extra parameter
    /// repeating another protocol parameter), errc::body_hash_not_allowed, signer errors.
    void sign(const request& req, const sign_options& opts, signed_request& out,
              std::error_code& ec) const;

    /// Signs `req` and returns the result; throws oauth1::error.
    signed_request sign(const request& req, const sign_options& opts = {}) const
    {
        signed_request out;
        std::error_code ec;
        sign(req, opts, out, ec);
        detail::throw_url_error_if(ec, "signing request", req.url);
        return out;
    }

    /// Signs `req` and returns the Authorization header value; throws oauth1::error.
    std::string authorization_header(const request& req, const sign_options& opts = {}) const
    {
        return std::string(sign(req, opts).authorization());
    }

private:
    std::string consumer_key_;
    std::string token_;
    // Encoded once (3.6) when set, not per request.
    std::string encoded_consumer_key_;
    std::string encoded_token_;
    bool key_breaks_header_ = false;
    bool token_breaks_header_ = false;
    Signer signer_;
    Clock clock_;
    NonceSource nonce_;
    bool include_version_ = true;
};

// Defined outside the class (and not inline) so that, under OAUTH1_SEPARATE_COMPILATION, the
// extern template declarations below keep every compiler from instantiating it in user code.
template <class Signer, class Clock, class NonceSource>
void basic_client<Signer, Clock, NonceSource>::sign(const request& req, const sign_options& opts,
                                                    signed_request& out, std::error_code& ec) const
{
    ec.clear();
    out.reset();
    if (opts.nonce.empty()) {
        nonce_(out.nonce_, ec);
        if (ec) return;
    } else {
        out.nonce_.assign(opts.nonce);
    }
    out.timestamp_ = opts.timestamp ? *opts.timestamp : clock_();
    const detail::client_identity id{encoded_consumer_key_,
                                     encoded_token_,
                                     key_breaks_header_ || token_breaks_header_,
                                     include_version_,
                                     detail::method_of(signer_),
                                     signer_.name()};
    detail::signing_core::prepare(req, opts, id, out, ec);
    if (ec) return;
    signer_.sign(out.base_.view(), out.signature_, ec);
    if (ec) return;
    detail::signing_core::finish(opts, out, ec);
}

/// The client most programs want: the signature method chosen at run time.
using client = basic_client<any_signer>;

#if defined(OAUTH1_SEPARATE_COMPILATION)
// Instantiated once, in oauth1/src.hpp.
extern template class hmac_signer<detail::sha1_digest, signature_method::hmac_sha1>;
extern template class hmac_signer<detail::sha256_digest, signature_method::hmac_sha256>;
extern template class hmac_signer<detail::sha512_digest, signature_method::hmac_sha512>;
extern template class rsa_signer<detail::sha1_digest, signature_method::rsa_sha1>;
extern template class rsa_signer<detail::sha256_digest, signature_method::rsa_sha256>;
extern template class rsa_signer<detail::sha512_digest, signature_method::rsa_sha512>;
extern template class basic_client<any_signer>;
extern template class basic_client<hmac_sha1>;
extern template class basic_client<hmac_sha256>;
extern template class basic_client<hmac_sha512>;
extern template class basic_client<plaintext>;
extern template class basic_client<rsa_sha1>;
extern template class basic_client<rsa_sha256>;
extern template class basic_client<rsa_sha512>;
#endif

} // namespace oauth1

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#include <oauth1/impl/client.ipp>
#endif

#endif // OAUTH1_CLIENT_HPP
