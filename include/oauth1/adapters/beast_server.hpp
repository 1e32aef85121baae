// oauth1/adapters/beast_server.hpp - verifying requests received by a Boost.Beast server with
// oauth1's provider side (RFC 5849 §3.2), in synchronous and asynchronous servers alike. Part of
// the oauth1::beast component (client side: beast.hpp, beast_transport.hpp).
//
//   namespace http = boost::beast::http;
//   const oauth1::public_origin origin("https", "jira.example.com");
//   http::request_parser<http::string_body> parser;
//   parser.body_limit(1024 * 1024);                   // Beast's default for requests: 1 MiB
//   http::read(socket, buffer, parser, ec);          // http::error::body_limit -> too_large()
//   const auto& req = parser.get();
//   const oauth1::verify_result r = oauth1::beast::verify(verifier, req, origin,
//       oauth1::beast::peer_address(socket.remote_endpoint()));
//   if (!r) http::write(socket, oauth1::beast::refuse(req, r, "JIRA"));  // 401/400 + WWW-Auth.
//   else    ... handle req: its query and form body were signed ...
//
// What the deployer must decide, and what this header guarantees:
//
// (1) The origin (RFC 5849 §3.4.1.2): Beast's target() has no scheme or host, and the server
//     must rebuild the absolute URL the client signed from its own configuration, never from
//     what the client says: verify() takes a required oauth1::public_origin (public_origin.hpp,
//     shared by every server adapter) and the request-target is appended exactly as received.
//     Host-header trust and trusted proxies (Forwarded / X-Forwarded-*) are opt-ins of
//     public_origin; the proxy headers are honoured only when the TCP peer - the socket's
//     address as peer_address() prints it ("10.0.0.7", "::1"; an IPv4 peer of a dual-stack
//     socket is "::ffff:10.0.0.7"), never a header - is a listed proxy.
// (2) Bodies. Beast reads exactly what the framing says, with limits the server sets on its
//     parser: body_limit (default 1 MiB for requests; exceeding it is http::error::body_limit:
//     answer too_large() and close) and header_limit (default 8 KiB). Beast decodes chunked
//     transfer coding into the body and never inflates a Content-Encoding, so the body
//     verified is the body the client sent. It decodes no other transfer coding
//     ("Transfer-Encoding: gzip, chunked" leaves gzip bytes in body()): verify() refuses those
//     (parameter_rejected). Beast itself refuses two different Content-Length values,
//     Content-Length with Transfer-Encoding and whitespace before a field's colon, and reads
//     the body of every method (GET included), so nothing is left to be parsed as the next
//     request. Keep body_limit at or under verify_options::limits.max_body_bytes for the
//     routes that verify.
// (3) Parameters. Beast parses no parameters: a handler reading the query of target() or an
//     application/x-www-form-urlencoded body reads exactly what was signed (RFC 5849
//     §3.4.1.3.1). Any other body is signed only when the request carries oauth_body_hash,
//     which the verifier then checks. A body whose Content-Type only starts like a form
//     ("application/x-www-form-urlencodedX", "...urlencoded, text/plain") or a form body with a
//     Content-Encoding is refused (parameter_rejected): a lax form parser would read parameters
//     from it that were not signed. A request with two Authorization or two Content-Type
//     fields (names in any case) is refused (parameter_rejected): which of them a proxy or the
//     handler would use is anyone's guess. Beast keeps field values as received (never
//     percent-decoded, OWS trimmed) and joins obs-fold continuation lines with one space: a
//     folded Authorization still verifies.
#ifndef OAUTH1_ADAPTERS_BEAST_SERVER_HPP
#define OAUTH1_ADAPTERS_BEAST_SERVER_HPP

#include <oauth1/detail/beast_server.hpp>
#include <oauth1/error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/public_origin.hpp>
#include <oauth1/refusal.hpp>
#include <oauth1/verify_options.hpp>
#include <oauth1/verify_result.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {
namespace beast {

/// The public origin of the server (oauth1/public_origin.hpp), shared by every server adapter.
using oauth1::forwarded_headers;
using oauth1::public_origin;

/// The request type this header verifies: what http::read gives a server with a string body.
using server_request = ::boost::beast::http::request<::boost::beast::http::string_body>;
/// The answers it builds.
using server_response = ::boost::beast::http::response<::boost::beast::http::string_body>;

/// The TCP peer's address as public_origin::trust_proxies() compares it ("10.0.0.7", "::1",
/// "::ffff:10.0.0.7" for an IPv4 peer of a dual-stack socket).
inline std::string peer_address(const ::boost::asio::ip::tcp::endpoint& peer)
{
    return peer.address().to_string();
}

/// The absolute URL the client addressed (RFC 5849 §3.4.1.2): the origin's scheme://authority
/// (or what `origin` lets the Host field or a trusted proxy at `peer` say) + target() as
/// received. Empty when that is not possible (no usable Host where it is trusted, a malformed
/// forwarding header from a trusted proxy, a request-target that is not a path).
inline std::string request_url(const server_request& req, const public_origin& origin,
                               std::string_view peer)
{
    std::string url;
    if (detail::build_request_url(req, origin.rules_for(peer), url)) url.clear();
    return url;
}

/// Verifies `req`, received from `peer` (peer_address()), with `v` (an oauth1::request_verifier)
/// as addressed through `origin` (RFC 5849 §3.2). Refused with parameter_rejected: a request
/// without a usable URL (see request_url()), with more than one Authorization or Content-Type
/// field, with a transfer coding other than chunked (which Beast leaves in the body), or with a
/// body a lax parser would take for a form that was not signed as one (see (3) above). `ec` is set (and the request refused) when the provider itself cannot decide, e.g.
/// the nonce store is unreachable: answer unavailable() then.
template <class Verifier>
verify_result verify(const Verifier& v, const server_request& req, const public_origin& origin,
                     std::string_view peer, const verify_options& opts, std::error_code& ec)
{
    ec.clear();
    std::string url;
    const char* why = detail::build_request_url(req, origin.rules_for(peer), url);
    if (!why) why = detail::duplicate_field(req);
    if (!why) why = detail::undecoded_transfer_coding(req);
    if (!why) why = detail::unsigned_form(req);
    if (why) return oauth1::detail::parameter_rejected_result(why);
    const auto method = req.method_string();
    const auto content_type = req[::boost::beast::http::field::content_type];
    const auto authorization = req[::boost::beast::http::field::authorization];
    return v.verify(incoming_request{std::string_view(method.data(), method.size()), url,
                                     std::string_view(content_type.data(), content_type.size()),
                                     req.body(),
                                     std::string_view(authorization.data(), authorization.size())},
                    opts, ec);
}

/// As above; a provider-side failure refuses the request too.
template <class Verifier>
verify_result verify(const Verifier& v, const server_request& req, const public_origin& origin,
                     std::string_view peer, const verify_options& opts = {})
{
    std::error_code ec;
    return verify(v, req, origin, peer, opts, ec);
}

/// The answer to a refused request, as JIRA gives it: 401 (400 for parameter problems),
/// `WWW-Authenticate: OAuth realm="...", oauth_problem=...` and the problem as a form body
/// (RFC 5849 §3.2; the OAuth Problem Reporting vocabulary). HTTP version and keep-alive follow
/// `req`.
inline server_response refuse(const server_request& req, const verify_result& r,
                              std::string_view realm)
{
    refusal answer = refusal_for(r, realm);
    server_response res{static_cast<::boost::beast::http::status>(answer.status), req.version()};
    res.set(::boost::beast::http::field::www_authenticate, answer.www_authenticate);
    res.set(::boost::beast::http::field::content_type, refusal::content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(answer.body);
    res.prepare_payload();
    return res;
}

/// 503 for a request the provider could not decide on (verify() set its error_code: e.g. the
/// nonce store is unreachable); the client may retry.
inline server_response unavailable(const server_request& req)
{
    server_response res{::boost::beast::http::status::service_unavailable, req.version()};
    res.set(::boost::beast::http::field::content_type, "text/plain");
    res.set(::boost::beast::http::field::retry_after, "1");
    res.keep_alive(req.keep_alive());
    res.body() = "the request could not be verified now; try again later\n";
    res.prepare_payload();
    return res;
}

/// 413 for a request whose body exceeded the parser's body_limit (http::error::body_limit):
/// the body was not read to its end, so the connection must be closed after this answer
/// (keep_alive is false). Close it lingering - shut down the sending side, then read and discard
/// until the peer closes (bounded) - since closing a socket with unread data sends a reset that
/// can destroy this answer before the client reads it.
inline server_response too_large(unsigned version, std::size_t body_limit)
{
    server_response res{::boost::beast::http::status::payload_too_large, version};
    res.set(::boost::beast::http::field::content_type, "text/plain");
    res.keep_alive(false);
    res.body() = "Payload Too Large: the limit is " + std::to_string(body_limit) + " bytes\n";
    res.prepare_payload();
    return res;
}

} // namespace beast
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_BEAST_SERVER_HPP
