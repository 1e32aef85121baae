// oauth1/adapters/poco.hpp - signing requests sent with Poco::Net (POCO C++ Libraries 1.11)
// through your own HTTPClientSession / HTTPSClientSession (RFC 5849 §3.4, the signature in the
// Authorization header, RFC 5849 §3.5.1). Part of the oauth1::poco component (CMake target
// oauth1::poco).
//
//   Poco::Net::HTTPSClientSession session("jira.example.com", 443, context);
//   Poco::Net::HTTPRequest req("POST", "/rest/api/2/issue", Poco::Net::HTTPMessage::HTTP_1_1);
//   req.setContentType("application/json");
//   oauth1::sign_options opts;
//   opts.body_hash = true;                                  // cover the JSON body
//   oauth1::poco::sign(req, body, client, "https://jira.example.com", opts);
//   session.sendRequest(req) << body;                       // exactly `body`, nothing else
//   Poco::Net::HTTPResponse res;
//   std::istream& in = session.receiveResponse(res);
//
// Files of the oauth1::poco component:
// - this header: sign();
// - oauth1/adapters/poco_transport.hpp: oauth1::poco::transport, a transport for the
//   three-legged flow (flow.hpp) with oauth1::transport_options;
// - oauth1/adapters/poco_server.hpp: verifying requests a Poco::Net::HTTPServer receives
//   (RFC 5849 §3.2) and refusing them as JIRA does;
// - oauth1/detail/poco_*.hpp: the machinery (private).
//
// What Poco 1.11 does to a request (checked by tests/unit/adapter_poco.cpp against the
// installed library), and what this adapter does about it so that the bytes that are signed are
// the bytes that are sent:
//
//  * Request line: `METHOD uri HTTP/1.1`, where uri is HTTPRequest::getURI() byte for byte: no
//    encoding, no normalisation ('+', "%2F", "/./" and "//" are sent as they are). sign() signs
//    exactly that string (RFC 5849 §3.4.1.2 after the origin) and refuses (request_not_sendable)
//    a URI that is not origin-form ('/'...) or holds bytes that cannot go on a request line
//    (space, control bytes, non-ASCII, '#'): percent-encode them first (oauth1::percent_encode,
//    §3.6). Poco::URI is not byte-preserving: it stores the path decoded and re-encodes only
//    what it must, so URI("/a%2Fb").getPathAndQuery() is "/a/b" - another path. Build the URI
//    as a string, or check what getPathAndQuery() gives.
//  * Empty URI: HTTPRequest's default is "/"; an empty one set with setURI("") would put
//    nothing on the request line: refused.
//  * Host: HTTPClientSession::sendRequest() adds Host only when absent, from the session's host
//    and port, leaving out port 80 and 443 whatever the scheme (a plain session on port 443
//    sends "Host: host"). Host decides the signed URL, so sign() sets it to the origin's
//    authority exactly as written, and refuses a request whose Host says something else.
//  * Headers Poco adds: Host (above), Connection (Keep-Alive or close from the session's
//    keep-alive setting), Content-Length or Transfer-Encoding (below), Proxy-Authorization
//    with setProxyCredentials(). It adds no User-Agent, Accept or Accept-Encoding. None of these
//    is signed. HTTPMessage::set() replaces only the first of repeated fields: sign() replaces
//    every Authorization field, and refuses two Host, Content-Type or Content-Length fields, a
//    header name that is not a token, and a value with CR, LF or NUL (Poco writes them as they
//    are: header injection).
//  * Content-Type: the first field (HTTPMessage::getContentType()). A form body
//    (application/x-www-form-urlencoded) is signed as parameters (§3.4.1.3.1); any other body
//    with sign_options::body_hash (oauth_body_hash). A signed body with a Content-Encoding is
//    refused (the server would verify the decoded body).
//  * Bodies: Poco does not hold the body; the caller writes it into the stream sendRequest()
//    returns, so sign() takes it (`body`) and the caller must write exactly those bytes. With
//    neither Content-Length nor chunked transfer coding, Poco sends a POST/PUT/PATCH body
//    unframed (ended by closing the connection) and drops the body of other methods (it writes
//    only the header): sign() sets Content-Length to the body's size when there is a body or the
//    method is POST/PUT/PATCH, and refuses a Content-Length other than the body's size. A
//    chunked body (setChunkedTransferEncoding(true)) carries the same bytes and is accepted.
//  * Keep-alive: decides only the Connection header and whether the socket is reused; a
//    reused session signs each request anew (a nonce each).
//  * Proxies: with HTTPClientSession::setProxy() an http request goes out with the absolute
//    form "http://host:port" + uri on the request line (sendRequest() rewrites the request's
//    URI in place: sign again before re-sending the same HTTPRequest) and Host unchanged, so the
//    signature holds; https goes through a CONNECT tunnel, unchanged.
//  * Redirects and authentication: HTTPClientSession follows no redirect and answers no
//    challenge by itself.
#ifndef OAUTH1_ADAPTERS_POCO_HPP
#define OAUTH1_ADAPTERS_POCO_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/poco_request.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>

#include <Poco/Net/HTTPRequest.h>

#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {
namespace poco {

namespace detail {

template <class Signer, class Clock, class Nonce>
void sign(Poco::Net::HTTPRequest& req, std::string_view body,
          const basic_client<Signer, Clock, Nonce>& c, std::string_view origin,
          const sign_options& opts, signed_request& out, std::error_code& ec, const char*& why)
{
    why = nullptr;
    std::string scheme;
    std::string authority;
    if (!split_origin(origin, scheme, authority, ec)) {
        why = "the origin is not http(s)://host[:port]";
        return;
    }
    const bool form = is_form_urlencoded(header_value(req, "Content-Type"));
    why = unsendable(req, body, authority, form || opts.body_hash);
    if (why) {
        ec = make_error_code(errc::request_not_sendable);
        return;
    }
    bound_request b{&req, scheme, authority, body};
    oauth1::sign(b, c, opts, out, ec); // sets Authorization last, only when signed
    if (ec) return;
    if (header_count(req, "Host") == 0) req.setHost(authority);
    const std::string& m = req.getMethod();
    if (!req.getChunkedTransferEncoding() && header_count(req, "Content-Length") == 0 &&
        (!body.empty() || m == "POST" || m == "PUT" || m == "PATCH"))
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
}

} // namespace detail

/// Signs `req`, whose body is `body` (exactly the bytes the caller will write into the stream
/// of HTTPClientSession::sendRequest(); "" for none), to be sent to `origin`
/// ("http(s)://host[:port]", the scheme and authority the session talks to, as signed), and
/// sets its Authorization header (RFC 5849 §3.5.1), replacing any. The signed URL is
/// origin + req.getURI() exactly. Also sets Host to the origin's authority when absent and
/// Content-Length to the body's size when Poco would otherwise not frame the body (see the top
/// of this header), so that nothing Poco adds changes what was signed.
/// Errors: errc::invalid_url (an origin that is not http(s)://host[:port]),
/// errc::request_not_sendable (nothing changed: see the top of this header), and the errors of
/// basic_client::sign().
template <class Signer, class Clock, class Nonce>
void sign(Poco::Net::HTTPRequest& req, std::string_view body,
          const basic_client<Signer, Clock, Nonce>& c, std::string_view origin,
          const sign_options& opts, signed_request& out, std::error_code& ec)
{
    const char* why = nullptr;
    detail::sign(req, body, c, origin, opts, out, ec, why);
}

/// As above; returns the signed result (base string, ...). Throws oauth1::error, whose what()
/// names the part of the request Poco would send otherwise.
template <class Signer, class Clock, class Nonce>
signed_request sign(Poco::Net::HTTPRequest& req, std::string_view body,
                    const basic_client<Signer, Clock, Nonce>& c, std::string_view origin,
                    const sign_options& opts = {})
{
    signed_request out;
    std::error_code ec;
    const char* why = nullptr;
    detail::sign(req, body, c, origin, opts, out, ec, why);
    if (ec) {
        const std::string what =
            std::string("signing Poco::Net::HTTPRequest") + (why ? ": " : "") + (why ? why : "");
        oauth1::detail::throw_if(ec, what.c_str());
    }
    return out;
}

} // namespace poco
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_POCO_HPP
