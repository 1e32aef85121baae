// oauth1/adapters/poco_server.hpp - verifying requests received by a Poco::Net::HTTPServer with
// oauth1's provider side (RFC 5849 §3.2), and refusing them as JIRA does. Part of the
// oauth1::poco component (client side: poco.hpp, poco_transport.hpp; machinery:
// oauth1/detail/poco_*.hpp, private).
//
//   void handleRequest(Poco::Net::HTTPServerRequest& req,
//                      Poco::Net::HTTPServerResponse& res) override
//   {
//       std::string body;
//       if (!oauth1::poco::read_body(req, res, body)) return;      // answered: 411/413/415/400
//       const auto r = oauth1::poco::verify(verifier, req, body, origin, opts);
//       if (!r) return oauth1::poco::refuse(res, r, "JIRA");    // 401/400 + WWW-Authenticate
//       res.send() << "hello " << r.consumer_key;
//   }
//
// What the deployer must decide, and what this header guarantees:
//
// (1) The origin (RFC 5849 §3.4.1.2): a required oauth1::public_origin (public_origin.hpp,
//     shared by every server adapter): the scheme and authority clients use, to which the
//     request-target is appended exactly as received (HTTPServerRequest::getURI(), which Poco
//     leaves undecoded). Trusting the Host header is the explicit opt-in
//     public_origin::trust_host_header(); forwarding headers (Forwarded or X-Forwarded-*) are
//     read only from the trusted proxies of public_origin::trust_proxies(), compared with the
//     TCP peer's address as Poco prints it (HTTPServerRequest::clientAddress().host()
//     .toString(): "10.0.0.7", "::1", "::ffff:10.0.0.7" for an IPv4 peer of a dual-stack
//     socket), never with a header.
// (2) Request bodies. Poco does not read the body before the handler runs: the handler reads
//     HTTPServerRequest::stream(), which Poco decodes from chunked transfer coding or bounds by
//     Content-Length, with no size limit and without undoing any Content-Encoding. read_body()
//     reads it within server_limits::max_body_bytes and answers (the connection then closes)
//     413 for a larger body (a Content-Length over the limit before reading anything), 415 for
//     a Content-Encoding other than identity (the application would decode what oauth1
//     verified), 400 for a repeated or malformed Content-Length or both Content-Length and
//     Transfer-Encoding. Poco's HTTPServerParams bound the request line and headers (size and
//     count) before any handler runs.
// (3) Parameters. Poco::Net::HTMLForm(req, stream) gives a handler the query and, for POST and
//     PUT, the body as form fields (multipart/form-data fields too). verify() refuses
//     (400 parameter_rejected) a request in which HTMLForm would give a field that is not, name
//     and value, one of the parameters oauth1 verified (query and form body): every field a
//     handler reads through HTMLForm was signed. HTMLForm also reads any other POST/PUT body
//     (JSON, ...) as a form: never use HTMLForm on such a body; the body is signed only through
//     oauth_body_hash (which the verifier then checks).
//
// Poco hands header values over as received (no percent-decoding), so the Authorization header
// is verified as the client sent it. More than one Authorization or Content-Type header is
// refused (which of them a client or proxy used is anyone's guess).
#ifndef OAUTH1_ADAPTERS_POCO_SERVER_HPP
#define OAUTH1_ADAPTERS_POCO_SERVER_HPP

#include <oauth1/detail/poco_request.hpp>
#include <oauth1/detail/poco_verify.hpp>
#include <oauth1/error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/public_origin.hpp>
#include <oauth1/refusal.hpp>
#include <oauth1/verify_options.hpp>
#include <oauth1/verify_result.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace poco {

/// The public origin of the server (oauth1/public_origin.hpp), shared by every server adapter.
using oauth1::forwarded_headers;
using oauth1::public_origin;

namespace detail {

/// The address of `req`'s TCP peer as Poco prints it ("127.0.0.1", "::1").
inline std::string peer_of(const Poco::Net::HTTPServerRequest& req)
{
    return req.clientAddress().host().toString();
}

/// Answers `status` with `text` (text/plain) and closes the connection after it.
inline void answer_and_close(Poco::Net::HTTPServerResponse& res, int status,
                             const std::string& text)
{
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    res.setKeepAlive(false);
    res.setContentType("text/plain");
    res.setContentLength64(static_cast<Poco::Int64>(text.size()));
    res.send() << text;
}

} // namespace detail

/// The absolute URL the client addressed (RFC 5849 §3.4.1.2): the origin's scheme://authority
/// (or what `origin` lets the Host header or a trusted proxy say) + the request-target as
/// received. Empty when that is not possible (no usable Host where it is trusted, a malformed
/// forwarding header from a trusted proxy, a request-target that is not a path).
inline std::string request_url(const Poco::Net::HTTPServerRequest& req, const public_origin& origin)
{
    std::string url;
    if (detail::build_request_url(req, origin.rules_for(detail::peer_of(req)), url)) url.clear();
    return url;
}

/// Bounds on what read_body() reads.
struct server_limits {
    /// Largest request body, bytes. Keep it at or under verify_options::limits.max_body_bytes.
    std::size_t max_body_bytes = 1024 * 1024;
};

/// Reads the body of `req` into `body` within `limits` (see (2) at the top of this header).
/// Returns false when it refused the request instead: it has then answered `res` (411/413/415
/// or 400, text/plain, Connection: close) and the handler must return.
inline bool read_body(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res,
                      std::string& body, const server_limits& limits = {})
{
    body.clear();
    const auto refuse_with = [&res](int status, const std::string& text) {
        detail::answer_and_close(res, status, text);
        return false;
    };
    for (const auto& [name, value] : req) {
        if (!oauth1::detail::ascii_iequals(name, "Content-Encoding")) continue;
        bool identity_only = true;
        oauth1::detail::split_outside_quotes(value, ',', [&identity_only](std::string_view c) {
            if (!c.empty() && !oauth1::detail::ascii_iequals(c, "identity")) identity_only = false;
        });
        if (!identity_only) {
            res.set("Accept-Encoding", "identity");
            return refuse_with(415, "Unsupported Media Type: compressed request bodies are not "
                                    "accepted (send them without Content-Encoding)\n");
        }
    }
    const std::size_t lengths = detail::header_count(req, "Content-Length");
    if (lengths > 1) return refuse_with(400, "Bad Request: more than one Content-Length\n");
    if (lengths == 1) {
        if (detail::header_count(req, "Transfer-Encoding") != 0)
            return refuse_with(400, "Bad Request: both Content-Length and Transfer-Encoding\n");
        const std::string text = detail::header_value(req, "Content-Length");
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
    }
    const auto too_large = [&] {
        body.clear();
        return refuse_with(413, "Payload Too Large: the limit is " +
                                    std::to_string(limits.max_body_bytes) + " bytes\n");
    };
    try {
        std::istream& in = req.stream();
        char buf[16384];
        while (in) {
            in.read(buf, sizeof buf);
            const auto n = static_cast<std::size_t>(in.gcount());
            if (n > limits.max_body_bytes - body.size()) return too_large();
            body.append(buf, n);
        }
    } catch (const Poco::Exception&) {
        body.clear();
        return refuse_with(400, "Bad Request: the body could not be read\n");
    }
    return true;
}

/// Verifies `req`, whose body (read with read_body()) is `body`, with `v` (an
/// oauth1::request_verifier), as addressed through `origin` (RFC 5849 §3.2). Refused with
/// parameter_rejected: a request without a usable URL (see request_url()), with more than one
/// Authorization or Content-Type header, or - after a successful verification - in which
/// Poco::Net::HTMLForm would find a parameter that was not signed (see (3) at the top of this
/// header). `ec` is set when the provider itself cannot decide (nonce store unreachable, ...).
template <class Verifier>
verify_result verify(const Verifier& v, const Poco::Net::HTTPServerRequest& req,
                     std::string_view body, const public_origin& origin, const verify_options& opts,
                     std::error_code& ec)
{
    ec.clear();
    std::string url;
    const char* why = detail::build_request_url(req, origin.rules_for(detail::peer_of(req)), url);
    if (!why && detail::header_count(req, "Authorization") > 1)
        why = "more than one Authorization header";
    if (!why && detail::header_count(req, "Content-Type") > 1)
        why = "more than one Content-Type header";
    if (why) return oauth1::detail::parameter_rejected_result(why);
    const std::string content_type = detail::header_value(req, "Content-Type");
    const std::string authorization = detail::header_value(req, "Authorization");
    verify_result r = v.verify(
        incoming_request{req.getMethod(), url, content_type, body, authorization}, opts, ec);
    if (r && !ec) {
        if (const char* unsigned_why = detail::unsigned_parameter(req, content_type, body)) {
            r.problem = problem_report(problem::parameter_rejected);
            r.problem->advice = unsigned_why;
        }
    }
    return r;
}

/// As above; a provider-side failure (nonce store unreachable, ...) refuses the request too.
template <class Verifier>
verify_result verify(const Verifier& v, const Poco::Net::HTTPServerRequest& req,
                     std::string_view body, const public_origin& origin,
                     const verify_options& opts = {})
{
    std::error_code ec;
    return verify(v, req, body, origin, opts, ec);
}

/// Answers a refused request as JIRA does: 401 (400 for parameter problems, 401 otherwise),
/// `WWW-Authenticate: OAuth realm="...", oauth_problem=...` and the problem as a form body
/// (RFC 5849 §3.2; oauth1::refusal_for, refusal.hpp), and sends it.
inline void refuse(Poco::Net::HTTPServerResponse& res, const verify_result& r,
                   std::string_view realm)
{
    const refusal answer = refusal_for(r, realm);
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    res.set("WWW-Authenticate", answer.www_authenticate);
    res.setContentType(refusal::content_type);
    res.setContentLength64(static_cast<Poco::Int64>(answer.body.size()));
    res.send() << answer.body;
}

} // namespace poco
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_POCO_SERVER_HPP
