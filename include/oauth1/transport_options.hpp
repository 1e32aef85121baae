// oauth1/transport_options.hpp - the settings of every oauth1 transport (transport.hpp): one
// struct, one set of names and the same finite defaults for oauth1::curl::transport,
// oauth1::httplib::transport, oauth1::beast::transport and oauth1::beast::tls_transport. Each
// adapter's `transport_options` (oauth1::curl::transport_options, ...) is this struct.
//
//   oauth1::transport_options o;                  // connect 10 s, whole exchange 30 s, 8 MiB
//   o.timeout = std::chrono::seconds(60);
//   o.ca_file = "/etc/ssl/certs/corp-ca.pem";
//   oauth1::curl::transport http(o);              // or oauth1::httplib::transport http(o), ...
//
// Every member means the same for every transport; the documentation of each says how each
// adapter maps it. A few members are not supported by every transport (their documentation
// says which): a transport given a value it cannot honour sends nothing and fails every call
// with errc::invalid_argument, its message naming the member ("transport_options::proxy is not
// supported by oauth1::beast::transport ..."), rather than ignoring it.
//
// Time limits are always finite: there is no "no limit" value (a zero or negative duration is
// refused with errc::invalid_argument); choose a large one when you need it. Name resolution
// (getaddrinfo) is bounded by both limits only with libcurl; cpp-httplib and Beast resolve the
// host name before the clock can stop them.
#ifndef OAUTH1_TRANSPORT_OPTIONS_HPP
#define OAUTH1_TRANSPORT_OPTIONS_HPP

#include <chrono>
#include <cstddef>
#include <string>

namespace oauth1 {

/// The default of transport_options::max_response_body_bytes: 8 MiB, far above any token
/// answer or problem report (a few hundred bytes) and any single JIRA REST answer a client of
/// the flow usually reads, yet a bound on what a hostile or broken server can make the client
/// buffer. Raise it for large downloads; SIZE_MAX means no limit.
inline constexpr std::size_t default_max_response_body_bytes = std::size_t{8} << 20;

/// The default of transport_options::timeout: 30 s for the whole exchange.
inline constexpr std::chrono::milliseconds default_transport_timeout{30'000};

/// The default of transport_options::connect_timeout: 10 s to establish the connection.
inline constexpr std::chrono::milliseconds default_connect_timeout{10'000};

/// Settings of a transport (transport.hpp); the same for every adapter. Aggregate: set members by
/// name. Defaults: connect within 10 s, the whole exchange within 30 s, certificates verified
/// against the system's CAs, no proxy, no redirects followed, response bodies up to 8 MiB.
struct transport_options {
    /// Limit on the whole exchange: connecting (and the TLS handshake), writing the request and
    /// reading the whole answer; when it passes the call fails with errc::transport_failed (the
    /// message says it timed out). Must be positive. libcurl: CURLOPT_TIMEOUT_MS. cpp-httplib:
    /// set_read_timeout and set_write_timeout (each wait), and a deadline that stops the client
    /// (ClientImpl::stop) when the exchange as a whole takes longer, e.g. a server trickling its
    /// answer. Beast: tcp_stream::expires_at(start + timeout) over connect, handshake, write
    /// and read.
    std::chrono::milliseconds timeout = default_transport_timeout;
    /// Limit on establishing the connection: the TCP connect and, for https, the TLS handshake
    /// (libcurl counts name resolution too); the whole exchange stays bounded by `timeout`.
    /// Must be positive. libcurl: CURLOPT_CONNECTTIMEOUT_MS. cpp-httplib:
    /// set_connection_timeout (which it applies to the connect and the TLS handshake). Beast:
    /// tcp_stream::expires_at(start + connect_timeout) until the connection (and handshake) is
    /// up.
    std::chrono::milliseconds connect_timeout = default_connect_timeout;
    /// https: a PEM file of the CA certificates to trust, in place of the default ones; empty:
    /// the default (the system's: on Debian /etc/ssl/certs, from the ca-certificates package).
    /// libcurl: CURLOPT_CAINFO. cpp-httplib: set_ca_cert_path(ca_file, ""). Beast
    /// (tls_transport): loaded with ca_path into an X509_STORE set on each connection
    /// (SSL_set1_verify_cert_store), in place of the ssl::context's trust store. Unused for
    /// http:// URLs.
    std::string ca_file{};
    /// https: a directory of hashed CA certificates (`openssl rehash` layout), in place of the
    /// default ones. libcurl: CURLOPT_CAPATH (with ca_file: both are trusted). cpp-httplib:
    /// set_ca_cert_path("", ca_path); cpp-httplib reads only one of the two, so it refuses
    /// ca_file and ca_path together. Beast (tls_transport): as ca_file (both may be given).
    std::string ca_path{};
    /// https: verify the server's certificate chain and that it names the URL's host. Keep it on
    /// outside tests. libcurl: CURLOPT_SSL_VERIFYPEER and CURLOPT_SSL_VERIFYHOST.
    /// cpp-httplib: enable_server_certificate_verification. Beast: tls_transport always
    /// verifies (verify_peer + host_name_verification); both Beast transports refuse `false`.
    bool verify_peer = true;
    /// User-Agent field, sent unless the request has its own User-Agent header; empty: libcurl
    /// and Beast send none, cpp-httplib its own ("cpp-httplib/0.11.4"). No CR, LF or NUL.
    /// libcurl: CURLOPT_USERAGENT. cpp-httplib and Beast: a User-Agent field.
    std::string user_agent{};
    /// Proxy URL, reached through a CONNECT tunnel (libcurl: CURLOPT_PROXY with
    /// CURLOPT_HTTPPROXYTUNNEL); empty: no proxy, and the http_proxy/https_proxy environment
    /// variables are ignored. Only oauth1::curl::transport supports a proxy: the httplib and
    /// Beast transports refuse a non-empty value.
    std::string proxy{};
    /// Whether oauth1::curl::transport::sign_and_perform() follows 301/302/303/307/308, signing
    /// each hop anew (new nonce, new URL). It follows only to the same host, never from https to
    /// http; 307/308 keep the method and body, 301/302/303 are followed for GET and HEAD only
    /// (any other method gets the 3xx back, rather than a silent change to GET). A transport
    /// called with an already signed request (operator()) never follows: its signature covers
    /// one URL. The httplib and Beast transports, which only send signed requests, refuse `true`.
    bool follow_redirects = false;
    /// The most hops sign_and_perform() follows.
    int max_redirects = 5;
    /// Largest response body buffered, in bytes, counted as delivered (after chunked decoding,
    /// and after decompression where the client decompresses); a larger one stops the read at
    /// the limit and fails the call with errc::response_too_large. libcurl: checked in the write
    /// callback. cpp-httplib: checked in a content receiver. Beast: the parser's body_limit (a
    /// Content-Length above it is refused before the body is read).
    std::size_t max_response_body_bytes = default_max_response_body_bytes;
};

} // namespace oauth1

#endif // OAUTH1_TRANSPORT_OPTIONS_HPP
