// oauth1/adapters/httplib_server.hpp - verifying requests received by a cpp-httplib server with
// oauth1's provider side (RFC 5849 §3.2). Part of the oauth1::httplib component (client side:
// httplib.hpp, httplib_transport.hpp; machinery: oauth1/detail/httplib_*.hpp, private).
//
//   httplib::Server svr;
//   oauth1::httplib::harden_server(svr);                      // before any route: see (2) below
//   const oauth1::httplib::public_origin origin("https", "jira.example.com");
//   svr.Get("/rest/api/2/issue/.*", oauth1::httplib::protect(verifier,
//       [](const httplib::Request& req, httplib::Response& res, const oauth1::verify_result& r) {
//           res.set_content("hello " + r.consumer_key, "text/plain");
//       }, origin, opts, "JIRA"));
//
// or by hand in a handler:
//
//       const auto r = oauth1::httplib::verify(verifier, req, origin, opts);
//       if (!r) return oauth1::httplib::refuse(res, r, "JIRA");   // 401/400 + WWW-Authenticate
//
// What the deployer must decide, and what this header guarantees:
//
// (1) The origin (RFC 5849 §3.4.1.2). The client signs the absolute URL it addressed; the
//     server must rebuild it from its own configuration, never from what the client says. So
//     protect(), verify() and request_url() take a required public_origin (oauth1::public_origin,
//     oauth1/public_origin.hpp, shared by every server adapter): the scheme and
//     authority clients use ("https", "jira.example.com"), and the request-target is appended
//     exactly as received (httplib::Request::target, not the decoded `path`). Trusting the
//     client's Host header is an explicit opt-in, public_origin::trust_host_header(), for a
//     server reachable under a single name: otherwise a request signed for another instance
//     sharing the credentials (staging, another tenant) verifies here too.
//     Behind a reverse proxy that terminates TLS: name the public origin, or let
//     public_origin::trust_proxies() honour one family of forwarding headers - Forwarded
//     (RFC 7239 proto= and host=) or X-Forwarded-Proto / X-Forwarded-Host - and only when the
//     TCP peer (httplib::Request::remote_addr, the socket's address, never a header) is one of
//     the listed proxy addresses, compared exactly as cpp-httplib prints them ("10.0.0.7",
//     "::1"; an IPv4 peer of a dual-stack socket is "::ffff:10.0.0.7"). From any other peer
//     these headers are ignored. When a header is repeated or holds a list, the last element
//     is used: the one the nearest proxy (the trusted peer) added; so a chain of proxies must
//     have its last proxy overwrite, or append the client-facing values. A forwarding header
//     from a trusted proxy that is malformed (a scheme other than http/https, a host with
//     characters a host cannot have) refuses the request.
// (2) Request bodies. cpp-httplib reads the body before any route handler runs, and as it
//     reads it: inflates gzip/deflate/br bodies (Content-Encoding; Debian's libcpp-httplib is
//     built with zlib and brotli), with no limit on the inflated size - a 200 KiB request
//     becomes 200 MiB before oauth1 sees it; reads chunked bodies and POST/PUT/PATCH bodies
//     without Content-Length with no limit at all (set_payload_max_length only bounds a
//     Content-Length); and leaves the body of a GET with Content-Length unread, to be parsed
//     as the next request on the connection. harden_server() installs a pre-routing handler
//     (which runs after the headers and before the body is read) that refuses all of these
//     and closes the connection: 415 for a Content-Encoding other than identity, 411 for
//     Transfer-Encoding or a body without Content-Length, 413 for a Content-Length over the
//     limit, 400 for a malformed or repeated Content-Length or a body on a method cpp-httplib
//     does not read one for; it also sets set_payload_max_length and answers
//     `Expect: 100-continue` with the same checks. Servers that need their own pre-routing
//     handler call screen_request() first in it. (A HEAD request with a body is refused too,
//     but cpp-httplib writes no body for HEAD and so cannot be made to close that connection:
//     put a proxy that normalises framing in front of any server exposed to the internet.)
// (3) Parameters. cpp-httplib parses a body into Request::params whenever its Content-Type
//     starts with the lower-case bytes "application/x-www-form-urlencoded" (so also for
//     "application/x-www-form-urlencodedX" and "application/x-www-form-urlencoded, text/plain",
//     which oauth1 does not sign as a form, RFC 5849 §3.4.1.3.1) and parses queries its own way
//     (it trims spaces, keeps the last '='-separated piece as the value, drops repeats).
//     verify() therefore refuses (400 parameter_rejected) a request in which any entry of
//     Request::params is not, name and value, one of the parameters oauth1 verified (query and
//     form body; an oauth_signature there is the one verified): everything a handler reads
//     through get_param_value() was signed. Request::body and multipart parts (Request::files)
//     are not parameters: they are signed only when the request carries an oauth_body_hash
//     (which the verifier then checks).
//
// cpp-httplib itself answers 400 before any handler runs for a request-target with two '?'
// separated by something (a raw '?' in a query value: clients should send it as %3F), and
// refuses a form body over 8 KiB (413) before any handler runs.
//
// cpp-httplib before 0.44.0 percent-decodes every header value it reads (a request's as the
// server parses it, a response's as the client does): the Authorization header reaches handlers
// with its parameter values decoded once. RFC 5849 §3.5.1 has those values §3.6-encoded, so
// verify() encodes them again (exactly undoing the decoding for every conforming client) before
// verifying; without that an oauth_callback such as "https://app/cb?s=a%20b" would be decoded
// twice and the signature refused. The realm (in any case: Realm=, REALM=) is kept as it is (a
// quoted-string, not encoded); a '%XX' in it arrives decoded. Define
// OAUTH1_HTTPLIB_DECODES_HEADER_VALUES to 0 or 1 to override the detection from
// CPPHTTPLIB_VERSION (for a patched cpp-httplib).
#ifndef OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP
#define OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP

#include <oauth1/authorization.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/detail/auth_param.hpp>
#include <oauth1/detail/httplib_headers.hpp>
#include <oauth1/detail/httplib_origin.hpp>
#include <oauth1/detail/httplib_verify.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/public_origin.hpp>
#include <oauth1/refusal.hpp>

#include <httplib.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace oauth1 {
namespace httplib {

namespace detail {

/// Undoes cpp-httplib's percent-decoding of an `OAuth ...` Authorization value: re-encodes each
/// parameter name and value per RFC 5849 §3.6. The realm - the parameter whose name is "realm"
/// in any case, exactly as oauth1::parse_authorization_header() decides - is kept as it is,
/// quoted or not. Anything that is not an OAuth header, or that does not parse, is returned
/// unchanged (and then refused).
inline std::string reencode_authorization(std::string_view v)
{
    return oauth1::detail::reencode_decoded_authorization(v);
}

} // namespace detail

/// The public origin of the server (oauth1/public_origin.hpp), shared by every server adapter.
using oauth1::forwarded_headers;
using oauth1::public_origin;

namespace detail {

/// The absolute URL `req`'s client addressed through `origin` into `url` (see request_url());
/// returns nullptr, or why it cannot be built (the advice of the refusal).
inline const char* build_request_url(const ::httplib::Request& req, const public_origin& origin,
                                     std::string& url)
{
    return build_request_url(req, origin.rules_for(req.remote_addr), url);
}

} // namespace detail

/// The absolute URL the client addressed (RFC 5849 §3.4.1.2): the origin's scheme://authority
/// (or what `origin` lets the Host header or a trusted proxy say) + the request-target as
/// received. Empty when that is not possible (no usable Host where it is trusted, a malformed
/// forwarding header from a trusted proxy, a request-target that is not a path).
inline std::string request_url(const ::httplib::Request& req, const public_origin& origin)
{
    std::string url;
    if (detail::build_request_url(req, origin, url)) url.clear();
    return url;
}

/// Verifies `req` with `v` (an oauth1::request_verifier), as addressed through `origin` (RFC 5849
/// §3.2). Refused with parameter_rejected: a request without a usable URL (see request_url()),
/// with more than one Authorization or Content-Type header (which of them a client or proxy
/// would have used is anyone's guess), or - after a successful verification - whose
/// Request::params hold a parameter that was not signed (see (3) at the top of this header).
template <class Verifier>
verify_result verify(const Verifier& v, const ::httplib::Request& req, const public_origin& origin,
                     const verify_options& opts, std::error_code& ec)
{
    ec.clear();
    std::string url;
    const char* why = detail::build_request_url(req, origin, url);
    if (!why && req.get_header_value_count("Authorization") > 1)
        why = "more than one Authorization header";
    if (!why && req.get_header_value_count("Content-Type") > 1)
        why = "more than one Content-Type header";
    if (why) return oauth1::detail::parameter_rejected_result(why);
    const std::string content_type = req.get_header_value("Content-Type");
    std::string authorization = req.get_header_value("Authorization");
    if constexpr (detail::decodes_header_values)
        authorization = detail::reencode_authorization(authorization);
    verify_result r = v.verify(
        incoming_request{req.method, url, content_type, req.body, authorization}, opts, ec);
    if (r && !ec) {
        if (const char* unsigned_why = detail::unsigned_parameter(req)) {
            r.problem = problem_report(problem::parameter_rejected);
            r.problem->advice = unsigned_why;
        }
    }
    return r;
}

/// As above; a provider-side failure (nonce store unreachable, ...) refuses the request too.
template <class Verifier>
verify_result verify(const Verifier& v, const ::httplib::Request& req, const public_origin& origin,
                     const verify_options& opts = {})
{
    std::error_code ec;
    return verify(v, req, origin, opts, ec);
}

/// Answers a refused request as JIRA does: 401 (400 for parameter problems, 401 otherwise),
/// `WWW-Authenticate: OAuth realm="...", oauth_problem=...` and the problem as a form body
/// (RFC 5849 §3.2; the problem vocabulary of the OAuth Problem Reporting extension).
inline void refuse(::httplib::Response& res, const verify_result& r, std::string_view realm)
{
    refusal answer = refusal_for(r, realm);
    res.status = answer.status;
    res.set_header("WWW-Authenticate", answer.www_authenticate);
    res.set_content(std::move(answer.body), refusal::content_type);
}

/// Bounds on what harden_server() / screen_request() let cpp-httplib read.
struct server_limits {
    /// Largest request body (its Content-Length), bytes. Keep it at or under
    /// verify_options::limits.max_body_bytes for the routes that verify.
    std::size_t max_body_bytes = 1024 * 1024;
};

/// Refuses, before cpp-httplib reads the body, a request whose body it would read without
/// bound or misread (see (2) at the top of this header): answers it (the connection then
/// closes) and returns HandlerResponse::Handled, or returns Unhandled. Call it first in a
/// pre-routing handler; harden_server() installs one that does only this.
inline ::httplib::Server::HandlerResponse screen_request(const ::httplib::Request& req,
                                                         ::httplib::Response& res,
                                                         const server_limits& limits = {})
{
    using ::httplib::Server;
    const auto refuse_with = [&res](int status, std::string text) {
        detail::answer_and_close(res, status, std::move(text));
        return Server::HandlerResponse::Handled;
    };
    // Content codings (RFC 9110 §8.4): cpp-httplib would inflate gzip, deflate and anything
    // mentioning "br" with no bound on the result. Only identity is accepted.
    const auto codings = req.headers.equal_range("Content-Encoding");
    for (auto it = codings.first; it != codings.second; ++it) {
        bool identity_only = true;
        detail::split_outside_quotes(it->second, ',', [&identity_only](std::string_view c) {
            if (!c.empty() && !oauth1::detail::ascii_iequals(c, "identity")) identity_only = false;
        });
        if (!identity_only) {
            res.set_header("Accept-Encoding", "identity");
            return refuse_with(415, "Unsupported Media Type: compressed request bodies are not "
                                    "accepted (send them without Content-Encoding)\n");
        }
    }
    // Chunked (or any transfer-coded) bodies: cpp-httplib 0.11 reads them with no size limit.
    if (req.has_header("Transfer-Encoding"))
        return refuse_with(411, "Length Required: send the body with a Content-Length, without "
                                "Transfer-Encoding\n");
    const std::size_t lengths = req.get_header_value_count("Content-Length");
    const bool reads_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                            req.method == "DELETE" || req.method == "PRI";
    if (lengths == 0) {
        // cpp-httplib reads a POST/PUT/PATCH body without Content-Length until the client
        // closes the connection, with no size limit.
        if (reads_body && req.method != "DELETE")
            return refuse_with(411, "Length Required: send a Content-Length (0 for no body)\n");
        return Server::HandlerResponse::Unhandled;
    }
    if (lengths > 1) return refuse_with(400, "Bad Request: more than one Content-Length\n");
    const std::string text = req.get_header_value("Content-Length");
    std::size_t length = 0;
    bool valid = !text.empty() && text.size() <= 19;
    for (const char c : text) {
        if (c < '0' || c > '9') valid = false;
        if (valid) length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!valid) return refuse_with(400, "Bad Request: malformed Content-Length\n");
    if (length > limits.max_body_bytes)
        return refuse_with(413, "Payload Too Large: the limit is " +
                                    std::to_string(limits.max_body_bytes) + " bytes\n");
    // A body cpp-httplib will not read would be parsed as the next request.
    if (length > 0 && !reads_body)
        return refuse_with(400, "Bad Request: a " + req.method + " request has no body\n");
    return Server::HandlerResponse::Unhandled;
}

/// Configures `svr` to refuse, before reading them, the request bodies cpp-httplib would read
/// without bound or misread (RFC 9110 §8.4 content codings, §8.6 Content-Length; see (2) at the
/// top of this header): sets `svr.set_payload_max_length(limits.max_body_bytes)`, a
/// pre-routing handler calling screen_request() and an `Expect: 100-continue` handler doing
/// the same (both replace any set before). Call it before the server starts.
inline void harden_server(::httplib::Server& svr, const server_limits& limits = {})
{
    svr.set_payload_max_length(limits.max_body_bytes);
    svr.set_pre_routing_handler([limits](const ::httplib::Request& req, ::httplib::Response& res) {
        return screen_request(req, res, limits);
    });
    svr.set_expect_100_continue_handler(
        [limits](const ::httplib::Request& req, ::httplib::Response& res) {
            return screen_request(req, res, limits) == ::httplib::Server::HandlerResponse::Handled
                       ? res.status
                       : 100;
        });
}

/// A cpp-httplib handler that verifies each request with `v` as addressed through `origin`
/// (RFC 5849 §3.2; see verify()) and then either refuses it (refuse(): 401/400 with
/// WWW-Authenticate and the problem as a form body) or calls `handler` with the request, the
/// response and the verify_result (consumer key, token, ...); a handler taking only (request,
/// response) works too. Everything the handler reads from Request::params was signed. When the
/// provider itself cannot decide (e.g. the nonce store is unreachable) the answer is 503 and
/// the handler is not called.
///
/// `v`, `handler`, `origin` and `realm` are copied into the returned handler (an
/// oauth1::request_verifier is cheap to copy: its lookups and a pointer to the nonce store, which must
/// outlive the server).
template <class Verifier, class Handler>
::httplib::Server::Handler protect(Verifier v, Handler handler, public_origin origin,
                                   verify_options opts = {}, std::string_view realm = {})
{
    static_assert(detail::takes_verify_result_v<Handler> || detail::takes_request_v<Handler>,
                  "oauth1::httplib::protect: the handler must be callable as "
                  "handler(const httplib::Request&, httplib::Response&, const "
                  "oauth1::verify_result&) or handler(const httplib::Request&, "
                  "httplib::Response&)");
    struct state {
        Verifier verifier;
        Handler handler;
        public_origin origin;
        verify_options opts;
        std::string realm;
    };
    auto s = std::make_shared<state>(
        state{std::move(v), std::move(handler), std::move(origin), opts, std::string(realm)});
    return [s](const ::httplib::Request& req, ::httplib::Response& res) {
        std::error_code ec;
        const verify_result r = httplib::verify(s->verifier, req, s->origin, s->opts, ec);
        if (ec) {
            res.status = 503;
            res.set_content("the request could not be verified now; try again later", "text/plain");
            return;
        }
        if (!r) {
            refuse(res, r, s->realm);
            return;
        }
        if constexpr (detail::takes_verify_result_v<Handler>) {
            s->handler(req, res, r);
        } else {
            s->handler(req, res);
        }
    };
}

} // namespace httplib
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_HTTPLIB_SERVER_HPP
