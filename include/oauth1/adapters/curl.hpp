// oauth1/adapters/curl.hpp - signing requests and sending them with libcurl on your own easy
// handle (RFC 5849 §3.4 signs, RFC 5849 §3.5.1 sends the signature in the Authorization header).
// Part of the oauth1::curl component.
//
//   oauth1::curl::easy_handle easy;                       // or any CURL* of yours
//   std::error_code ec;
//   oauth1::http_response r =
//       oauth1::curl::perform(easy.get(), client, {"GET", jira + "/rest/api/2/issue/JJ-2"}, {}, ec);
//
// Files of the oauth1::curl component:
// - this header: header_list (RAII curl_slist), easy_handle (RAII CURL*) and perform() (send
//   exactly one oauth1::http_request on any easy handle, optionally signing it first);
// - oauth1/adapters/curl_transport.hpp: oauth1::curl::transport (owns a handle and its
//   oauth1::transport_options; an oauth1 transport for the three-legged flow in flow.hpp) and
//   sign_and_perform() (one-shot convenience). This header includes it at its end, so code
//   written for the single curl.hpp keeps compiling; include it directly for the transport;
// - oauth1/detail/curl_handles.hpp, curl_request.hpp: the machinery (private).
//
// What is signed is what is sent. libcurl, left to itself, changes requests in these ways; the
// adapter prevents each one or refuses the request with errc::request_not_sendable before
// anything is sent (the message says why):
// - Path and query. curl parses CURLOPT_URL and rebuilds the request-target: it removes
//   "/./" and "/../" dot-segments (RFC 3986 5.2.4) unless CURLOPT_PATH_AS_IS, and
//   percent-encodes bytes it does not accept (space, non-ASCII). The adapter sends the
//   request-target (path and query) of oauth1::http_request::url byte for byte with
//   CURLOPT_REQUEST_TARGET, so curl's own target is never used (CURLOPT_PATH_AS_IS is set as
//   well). The URL must parse as oauth1 parses it for signing (parse_request_url), so the target
//   holds only URI characters: anything else is errc::invalid_url, never re-encoded.
// - Fragment. "#..." is neither signed (3.4.1.2) nor sent: the adapter cuts it.
// - Host. curl writes the Host header from its own parse of the host: it rewrites numeric IPv4
//   forms ("127.1", "0x7f.0.0.1", "2130706433" -> "127.0.0.1"), decodes "%xx" and converts
//   international names to punycode. The adapter parses the URL with curl's URL API exactly as
//   curl will (curl_url_set with CURLU_PATH_AS_IS), compares the host and port with the ones
//   oauth1 signs, and refuses any difference; hosts other than letters, digits, '.', '-' and IP
//   literals are refused. A Host field in http_request::headers is refused too: the Host is the
//   URL's authority, which is what is signed.
// - Userinfo ("http://user:pw@host/"): curl would add "Authorization: Basic" (or, on a signed
//   request, drop the userinfo silently). Refused.
// - Method. curl derives it from other options (POSTFIELDS makes a POST, NOBODY a HEAD). The
//   adapter sends http_request::method as given (CURLOPT_CUSTOMREQUEST when needed). A HEAD
//   with a body is refused.
// - Content-Type. With a body curl adds "Content-Type: application/x-www-form-urlencoded"
//   when none is given, which would make a server sign the body as form parameters. The adapter
//   sends http_request::content_type, or removes curl's default when it is empty. A different
//   Content-Type in http_request::headers is refused; Content-Length and Transfer-Encoding
//   there are refused too (curl frames the body itself).
// - "Expect: 100-continue", which curl adds to large POST bodies (a second, interim response):
//   removed unless http_request::headers has an Expect field.
// - Redirects. curl can follow them (CURLOPT_FOLLOWLOCATION), re-sending the same
//   Authorization header to another URL on the same origin (curl drops it for another host,
//   port or scheme), turning POST into GET on 301/302/303, and, with CURLOPT_REQUEST_TARGET,
//   keeping the old target. The adapter always turns CURLOPT_FOLLOWLOCATION off: a 3xx is
//   returned as a response. transport::sign_and_perform() (curl_transport.hpp) can follow
//   redirects itself when transport_options::follow_redirects is on (off by default): each hop
//   is signed anew for its own URL (see there).
// - Proxies. Without a tunnel, a plain-http request goes to the proxy in absolute form, which
//   curl re-serialises and the proxy may normalise again. perform() sets CURLOPT_HTTPPROXYTUNNEL,
//   so the bytes reach the server unchanged through a CONNECT tunnel; transport uses no proxy
//   (not even http_proxy from the environment) unless transport_options::proxy names one.
// - Headers curl adds: Host (from the URL's authority, checked above: a verifier rebuilds the
//   URL from it), Content-Length, "Accept: */*", and, if set on the handle, User-Agent,
//   Cookie, Accept-Encoding, Referer. RFC 5849 signs the method, the URL and form parameters,
//   never header fields: apart from Authorization itself and the Host and Content-Type that
//   the verifier uses to rebuild the URL and to recognise a form body, a header added before
//   or after signing (by curl or by you) leaves the signature valid (the tests show it).
// - HTTP/2 (curl negotiates it for https by ALPN) lower-cases header names and moves the
//   target into a :path pseudo-header; oauth1::curl::transport pins HTTP/1.1, whose request
//   line the tests check byte for byte.
//
// Errors: the request could not be sent or no answer was read -> errc::transport_failed, with
// curl's description in the `message` out-parameter or transport::last_error() (curl's messages
// name the host and the failure, never header values: the Authorization header is not
// reproduced anywhere). A 4xx/5xx answer is a response, not an error. A response body larger
// than transport_options::max_response_body_bytes (default 8 MiB) stops the transfer from the
// write callback: errc::response_too_large, and nothing beyond the limit is buffered.
//
// libcurl's global state: the first easy_handle calls curl_global_init(CURL_GLOBAL_DEFAULT)
// once per process, from a C++ function-local static, so concurrent first uses through oauth1
// are safe. libcurl >= 7.84 built thread-safe (curl_version_info() has CURL_VERSION_THREADSAFE,
// as Debian 12's does) also makes that call safe against other code initialising libcurl at
// the same time; with an older libcurl, call curl_global_init() in main() before starting
// threads. oauth1 never calls curl_global_cleanup(). One easy handle (and so one transport)
// must be used by one thread at a time; use one transport per thread.
#ifndef OAUTH1_ADAPTERS_CURL_HPP
#define OAUTH1_ADAPTERS_CURL_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/curl_handles.hpp>
#include <oauth1/detail/curl_request.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <curl/curl.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace curl {

/// A curl_slist of header fields ("Name: value"), freed on destruction. Move-only.
class header_list {
public:
    header_list() noexcept = default;
    /// Takes the list of `o`.
    header_list(header_list&& o) noexcept : list_(std::exchange(o.list_, nullptr)) {}
    /// Frees the list held, takes the list of `o`.
    header_list& operator=(header_list&& o) noexcept
    {
        if (this != &o) {
            curl_slist_free_all(list_);
            list_ = std::exchange(o.list_, nullptr);
        }
        return *this;
    }
    header_list(const header_list&) = delete;
    header_list& operator=(const header_list&) = delete;
    ~header_list() { curl_slist_free_all(list_); }

    /// Appends "name: value" (an empty value is sent as an empty field, not curl's "remove").
    /// errc::header_injection when either holds CR, LF or NUL; errc::invalid_argument when
    /// `name` is not an RFC 7230 token.
    void append(std::string_view name, std::string_view value, std::error_code& ec)
    {
        const std::string line = detail::field_line(name, value, ec);
        if (!ec) detail::append_line(list_, line, ec);
    }

    /// Throwing form of append().
    void append(std::string_view name, std::string_view value)
    {
        std::error_code ec;
        append(name, value, ec);
        if (ec) detail::throw_error(ec, "curl header");
    }

    /// Tells curl not to send its own field `name` (curl's "Name:" form), e.g. "Expect".
    /// Errors as append().
    void remove(std::string_view name, std::error_code& ec)
    {
        const std::string line = detail::removal_line(name, ec);
        if (!ec) detail::append_line(list_, line, ec);
    }

    /// The list for CURLOPT_HTTPHEADER (nullptr when empty); owned by this object.
    curl_slist* get() const noexcept { return list_; }
    /// Whether no header was added.
    bool empty() const noexcept { return list_ == nullptr; }

private:
    curl_slist* list_ = nullptr;
};

/// An owned CURL* easy handle (curl_easy_cleanup on destruction). Movable, not copyable.
class easy_handle {
public:
    /// A new handle (curl_easy_init, after the one-time curl_global_init); check with
    /// operator bool: it is empty when libcurl could not initialise.
    easy_handle() noexcept : h_(detail::global_init() == CURLE_OK ? curl_easy_init() : nullptr) {}
    /// Takes ownership of `adopted` (which may be nullptr).
    explicit easy_handle(CURL* adopted) noexcept : h_(adopted) {}
    /// Takes the handle of `o`.
    easy_handle(easy_handle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    /// Frees the handle held, takes the handle of `o`.
    easy_handle& operator=(easy_handle&& o) noexcept
    {
        if (this != &o) {
            if (h_) curl_easy_cleanup(h_);
            h_ = std::exchange(o.h_, nullptr);
        }
        return *this;
    }
    easy_handle(const easy_handle&) = delete;
    easy_handle& operator=(const easy_handle&) = delete;
    ~easy_handle()
    {
        if (h_) curl_easy_cleanup(h_);
    }

    /// The CURL handle (null when empty).
    CURL* get() const noexcept { return h_; }
    /// Whether a handle is held.
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// Gives up ownership.
    CURL* release() noexcept { return std::exchange(h_, nullptr); }

private:
    CURL* h_;
};

/// Sends `req` exactly as given (method, URL, headers, body with content_type; see the top of
/// this header for what that excludes) on `easy` and returns the final response. Options of
/// `easy` that perform() does not set (timeouts, TLS, proxy, ...) are used as they are; it
/// leaves CURLOPT_PATH_AS_IS, CURLOPT_NOSIGNAL and CURLOPT_HTTPPROXYTUNNEL on and
/// CURLOPT_FOLLOWLOCATION off, and clears every option that pointed into its own data.
/// At most `max_body_bytes` of the response body are buffered (as delivered by curl: after
/// chunked decoding; curl decompresses only when the handle has CURLOPT_ACCEPT_ENCODING).
/// Errors: errc::transport_failed (nothing sent, or no answer read; `message` gets curl's
/// description), errc::response_too_large (the body exceeds `max_body_bytes`; the transfer was
/// stopped there), errc::request_not_sendable (curl would send something else; nothing sent),
/// errc::invalid_url, errc::invalid_method, errc::header_injection, errc::invalid_argument.
inline http_response perform(CURL* easy, const http_request& req, std::error_code& ec,
                             std::string* message = nullptr,
                             std::size_t max_body_bytes = default_max_response_body_bytes)
{
    ec.clear();
    if (message) message->clear();
    http_response res;
    if (!easy) {
        detail::fail(errc::invalid_argument, "no easy handle", ec, message);
        return res;
    }
    detail::prepared_request p;
    detail::prepare(req, p, ec, message);
    if (ec) return res;

    detail::response_sink sink{&res, max_body_bytes};
    char errbuf[CURL_ERROR_SIZE] = {};
    const detail::option_reset reset{easy};
    const bool head = req.method == "HEAD";
    const bool with_body =
        !req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    using detail::set;
    bool ok = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK &&
              set(easy, CURLOPT_URL, p.url.c_str()) &&
              set(easy, CURLOPT_REQUEST_TARGET, p.target.c_str()) &&
              set(easy, CURLOPT_PATH_AS_IS, 1L) && set(easy, CURLOPT_NOSIGNAL, 1L) &&
              set(easy, CURLOPT_FOLLOWLOCATION, 0L) && set(easy, CURLOPT_HTTPPROXYTUNNEL, 1L) &&
#if LIBCURL_VERSION_NUM >= 0x075500
              set(easy, CURLOPT_PROTOCOLS_STR, "http,https") &&
#else
              set(easy, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS)) &&
#endif
              set(easy, CURLOPT_HTTPGET, 1L) &&
              curl_easy_setopt(easy, CURLOPT_HTTPHEADER, p.headers.get()) == CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &detail::response_sink::on_body) ==
                  CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_WRITEDATA, static_cast<void*>(&sink)) == CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &detail::response_sink::on_header) ==
                  CURLE_OK &&
              curl_easy_setopt(easy, CURLOPT_HEADERDATA, static_cast<void*>(&sink)) == CURLE_OK;
    if (ok && head) ok = set(easy, CURLOPT_NOBODY, 1L);
    if (ok && with_body) {
        ok = curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                              static_cast<curl_off_t>(req.body.size())) == CURLE_OK &&
             set(easy, CURLOPT_POSTFIELDS, req.body.data());
    }
    // Without CUSTOMREQUEST curl says GET, HEAD (NOBODY) or POST (POSTFIELDS).
    const bool curl_method =
        (req.method == "GET" && !with_body) || head || (req.method == "POST" && with_body);
    if (ok) {
        ok = curl_method ? curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
                                            static_cast<char*>(nullptr)) == CURLE_OK
                         : set(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    if (!ok) {
        detail::fail(errc::transport_failed, "libcurl refused an option", ec, message);
        return res;
    }
    const CURLcode rc = curl_easy_perform(easy);
    if (rc != CURLE_OK && sink.too_large) {
        detail::fail(errc::response_too_large,
                     "the response body is larger than " + std::to_string(max_body_bytes) +
                         " bytes (transport_options::max_response_body_bytes); stopped reading",
                     ec, message);
        res = http_response{};
        return res;
    }
    if (rc != CURLE_OK) {
        std::string why = curl_easy_strerror(rc);
        if (errbuf[0] != '\0') {
            why += ": ";
            why += errbuf;
            while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
        }
        detail::fail(errc::transport_failed, why, ec, message);
        res = http_response{};
        return res;
    }
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    res.status = static_cast<int>(status);
    return res;
}

/// Throwing form of perform(): oauth1::error carries curl's description in what().
inline http_response perform(CURL* easy, const http_request& req)
{
    std::error_code ec;
    std::string why;
    http_response res = perform(easy, req, ec, &why);
    if (ec) detail::throw_error(ec, why.empty() ? std::string("curl perform") : why);
    return res;
}

/// Signs `req` with `c` (Authorization header, RFC 5849 §3.5.1; oauth1::sign) and sends it
/// with perform(). `signed_out`, when given, receives the signed result (e.g. the signature
/// base string, to compare with one a provider echoes). Errors: signing errors (see
/// basic_client::sign), then those of perform().
template <class Signer, class Clock, class Nonce>
http_response perform(CURL* easy, const basic_client<Signer, Clock, Nonce>& c, http_request req,
                      const sign_options& opts, std::error_code& ec, std::string* message = nullptr,
                      signed_request* signed_out = nullptr)
{
    if (message) message->clear();
    signed_request local;
    signed_request& s = signed_out ? *signed_out : local;
    oauth1::sign(req, c, opts, s, ec);
    if (ec) {
        if (message) *message = "signing failed: " + ec.message();
        return {};
    }
    return perform(easy, req, ec, message);
}

} // namespace curl
} // namespace oauth1

// Compatibility: #include <oauth1/adapters/curl.hpp> gave the transport too before it moved.
#include <oauth1/adapters/curl_transport.hpp>

#endif // OAUTH1_ADAPTERS_CURL_HPP
