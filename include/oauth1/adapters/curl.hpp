// oauth1/adapters/curl.hpp - signing and sending requests with libcurl (RFC 5849 §3.4 signs,
// 3.5.1 sends the signature in the Authorization header). Part of the oauth1::curl component.
//
//   oauth1::client c("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file("key.pem")));
//   c.set_token(access_token, token_secret);
//   oauth1::curl::transport http;                        // one reused easy handle
//   oauth1::http_response r = http.sign_and_perform(c, {"GET", jira + "/rest/api/2/issue/JJ-2"});
//
// Pieces: header_list (RAII curl_slist), easy_handle (RAII CURL*), perform() (send exactly one
// oauth1::http_request on any easy handle, optionally signing it first), transport (owns a
// handle and its options; an oauth1 transport for the three-legged flow in flow.hpp) and
// sign_and_perform() (one-shot convenience).
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
//   returned as a response. transport::sign_and_perform() can follow redirects itself when
//   transport_options::follow_redirects is on (off by default): each hop is signed anew for its
//   own URL (see there).
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
//   target into a :path pseudo-header; transport pins HTTP/1.1, whose request line the tests
//   check byte for byte.
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

#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <curl/curl.h>

#include <boost/url/url_view.hpp> // parse_request_url

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace curl {

namespace detail {

/// curl_global_init(CURL_GLOBAL_DEFAULT), once per process (see the top of this header).
inline CURLcode global_init() noexcept
{
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    return rc;
}

[[noreturn]] inline void throw_error(std::error_code ec, const std::string& what)
{
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
    throw oauth1::error(ec, what);
#else
    (void)ec;
    (void)what;
    std::abort();
#endif
}

inline void fail(errc e, std::string_view why, std::error_code& ec, std::string* message)
{
    ec = make_error_code(e);
    if (message) message->assign(why);
}

} // namespace detail

/// A curl_slist of header fields ("Name: value"), freed on destruction. Move-only.
class header_list {
public:
    header_list() noexcept = default;
    header_list(header_list&& o) noexcept : list_(std::exchange(o.list_, nullptr)) {}
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
        ec.clear();
        if (oauth1::detail::has_header_breaking_char(name) ||
            oauth1::detail::has_header_breaking_char(value)) {
            ec = make_error_code(errc::header_injection);
            return;
        }
        if (!is_valid_method(name)) { // the same grammar: a non-empty token
            ec = make_error_code(errc::invalid_argument);
            return;
        }
        std::string line;
        line.reserve(name.size() + 2 + value.size());
        line.append(name);
        // curl reads "Name:" as "remove curl's own Name" and "Name;" as "send an empty Name".
        if (value.empty()) {
            line.push_back(';');
        } else {
            line.append(": ");
            line.append(value);
        }
        append_line(line, ec);
    }

    /// Throwing form of append().
    void append(std::string_view name, std::string_view value)
    {
        std::error_code ec;
        append(name, value, ec);
        if (ec) detail::throw_error(ec, "curl header");
    }

    /// Tells curl not to send its own field `name` (curl's "Name:" form), e.g. "Expect".
    void remove(std::string_view name, std::error_code& ec)
    {
        ec.clear();
        if (oauth1::detail::has_header_breaking_char(name)) {
            ec = make_error_code(errc::header_injection);
            return;
        }
        if (!is_valid_method(name)) {
            ec = make_error_code(errc::invalid_argument);
            return;
        }
        std::string line(name);
        line.push_back(':');
        append_line(line, ec);
    }

    /// The list for CURLOPT_HTTPHEADER (nullptr when empty); owned by this object.
    curl_slist* get() const noexcept { return list_; }
    bool empty() const noexcept { return list_ == nullptr; }

private:
    void append_line(const std::string& line, std::error_code& ec)
    {
        curl_slist* l = curl_slist_append(list_, line.c_str());
        if (!l) {
            ec = std::make_error_code(std::errc::not_enough_memory);
            return;
        }
        list_ = l;
    }

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
    easy_handle(easy_handle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
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

    CURL* get() const noexcept { return h_; }
    explicit operator bool() const noexcept { return h_ != nullptr; }
    /// Gives up ownership.
    CURL* release() noexcept { return std::exchange(h_, nullptr); }

private:
    CURL* h_;
};

namespace detail {

/// How perform() will hand a request to curl, once checked.
struct prepared_request {
    std::string url;    ///< for CURLOPT_URL: req.url without its fragment
    std::string target; ///< for CURLOPT_REQUEST_TARGET: path ("/" when empty) and query, as given
    header_list headers;
};

struct curl_url_deleter {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
using curl_url_ptr = std::unique_ptr<CURLU, curl_url_deleter>;

struct curl_string {
    char* p = nullptr;
    curl_string() = default;
    curl_string(const curl_string&) = delete;
    curl_string& operator=(const curl_string&) = delete;
    ~curl_string() { curl_free(p); }
};

/// Letters, digits, '.' and '-' (a DNS name or IPv4 address), or an IPv6 literal without a
/// zone: the hosts curl sends in the Host field as written (modulo IPv4 normalisation, which
/// the comparison with curl's parse catches).
constexpr bool is_plain_host(std::string_view h) noexcept
{
    if (h.empty()) return false;
    if (h.front() == '[') {
        if (h.size() < 3 || h.back() != ']') return false;
        for (const char c : h.substr(1, h.size() - 2)) {
            const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                            (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) return false;
        }
        return true;
    }
    for (const char c : h) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

inline unsigned long default_port(std::string_view scheme) noexcept
{
    return oauth1::detail::ascii_iequals(scheme, "https") ? 443UL : 80UL;
}

/// Checks that curl will send `req` as oauth1 signs it and prepares what perform() hands to
/// curl. Errors: errc::invalid_method, errc::invalid_url / invalid_percent_encoding (the URL as
/// oauth1 parses it for signing), errc::request_not_sendable, errc::header_injection,
/// errc::invalid_argument (a header name that is not a token).
inline void prepare(const http_request& req, prepared_request& out, std::error_code& ec,
                    std::string* message)
{
    ec.clear();
    if (!is_valid_method(req.method)) {
        fail(errc::invalid_method, "the method is not an HTTP token", ec, message);
        return;
    }
    const ::boost::urls::url_view u = parse_request_url(req.url, ec);
    if (ec) {
        if (message) message->assign(ec.message());
        return;
    }
    if (u.has_userinfo()) {
        fail(errc::request_not_sendable,
             "the URL has userinfo (user:password@), which curl would turn into its own "
             "Authorization",
             ec, message);
        return;
    }
    const std::string_view url(req.url);
    out.url.assign(url.substr(0, url.find('#')));
    const auto path = u.encoded_path();
    const auto query = u.encoded_query();
    out.target.assign(path.data(), path.size());
    if (out.target.empty()) out.target.push_back('/');
    if (u.has_query()) {
        out.target.push_back('?');
        out.target.append(query.data(), query.size());
    }

    // The host and port that curl will connect to and write into the Host field.
    const auto signed_host = u.encoded_host();
    const std::string_view sh(signed_host.data(), signed_host.size());
    if (!is_plain_host(sh)) {
        fail(errc::request_not_sendable,
             "the host is not a plain DNS name or IP address; curl would rewrite it "
             "(percent-decoding, punycode) in the Host field",
             ec, message);
        return;
    }
    const curl_url_ptr cu(curl_url());
    if (!cu) {
        fail(errc::transport_failed, "curl_url() failed", ec, message);
        return;
    }
    const CURLUcode rc = curl_url_set(cu.get(), CURLUPART_URL, out.url.c_str(), CURLU_PATH_AS_IS);
    if (rc != CURLUE_OK) {
        fail(errc::request_not_sendable,
             std::string("curl does not accept the URL: ") + curl_url_strerror(rc), ec, message);
        return;
    }
    curl_string ch;
    curl_string cp;
    unsigned int host_flags = 0;
#ifdef CURLU_PUNYCODE
    host_flags |= CURLU_PUNYCODE;
#endif
    if (curl_url_get(cu.get(), CURLUPART_HOST, &ch.p, host_flags) != CURLUE_OK ||
        curl_url_get(cu.get(), CURLUPART_PORT, &cp.p, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        fail(errc::request_not_sendable, "curl finds no host or port in the URL", ec, message);
        return;
    }
    if (!oauth1::detail::ascii_iequals(ch.p, sh)) {
        fail(errc::request_not_sendable,
             std::string("curl would send the host as \"") + ch.p + "\", not as signed (\"" +
                 std::string(sh) + "\")",
             ec, message);
        return;
    }
    const auto scheme = u.scheme();
    const unsigned long signed_port =
        (u.has_port() && !u.port().empty())
            ? static_cast<unsigned long>(u.port_number())
            : default_port(std::string_view(scheme.data(), scheme.size()));
    if (std::strtoul(cp.p, nullptr, 10) != signed_port) {
        fail(errc::request_not_sendable,
             std::string("curl would connect to port ") + cp.p + ", not the signed one", ec,
             message);
        return;
    }

    // Header fields.
    bool has_expect = false;
    for (const http_header& h : req.headers) {
        using oauth1::detail::ascii_iequals;
        if (ascii_iequals(h.name, "Host") || ascii_iequals(h.name, "Content-Length") ||
            ascii_iequals(h.name, "Transfer-Encoding")) {
            fail(errc::request_not_sendable,
                 "the headers hold " + h.name + ", which curl derives from the URL and the body",
                 ec, message);
            return;
        }
        if (ascii_iequals(h.name, "Content-Type")) {
            if (h.value == req.content_type) continue; // sent once, below
            fail(errc::request_not_sendable,
                 "the headers hold a Content-Type other than http_request::content_type", ec,
                 message);
            return;
        }
        if (ascii_iequals(h.name, "Expect")) has_expect = true;
        out.headers.append(h.name, h.value, ec);
        if (ec) {
            if (message) message->assign("invalid header field " + h.name);
            return;
        }
    }
    if (!req.content_type.empty()) {
        out.headers.append("Content-Type", req.content_type, ec);
    } else {
        out.headers.remove("Content-Type", ec); // no curl default
    }
    if (ec) {
        if (message) message->assign("invalid Content-Type");
        return;
    }
    if (!has_expect) out.headers.remove("Expect", ec);
    if (ec) return;
    if (req.method == "HEAD" && !req.body.empty()) {
        fail(errc::request_not_sendable, "libcurl cannot send a HEAD request with a body", ec,
             message);
    }
}

/// Collects the response: the status and headers of the final response only (curl passes
/// every response's header block, e.g. "100 Continue" or a proxy's CONNECT answer, to the
/// header callback), and the body, at most `max_body` bytes of it: a larger body aborts the
/// transfer from the write callback (curl then reports CURLE_WRITE_ERROR) with `too_large` set.
struct response_sink {
    http_response* res;
    std::size_t max_body = default_max_response_body_bytes;
    bool too_large = false;

    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self) noexcept
    {
        auto* s = static_cast<response_sink*>(self);
        const std::size_t len = size * n;
        if (len > s->max_body - s->res->body.size()) { // body.size() <= max_body always
            s->too_large = true;
            return 0; // not `len`: curl stops the transfer
        }
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            s->res->body.append(data, len);
        } catch (...) {
            return 0; // curl reports CURLE_WRITE_ERROR
        }
#else
        s->res->body.append(data, len);
#endif
        return len;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) noexcept
    {
        auto* s = static_cast<response_sink*>(self);
        const std::size_t len = size * n;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            s->line(std::string_view(data, len));
        } catch (...) {
            return 0;
        }
#else
        s->line(std::string_view(data, len));
#endif
        return len;
    }

    void line(std::string_view l)
    {
        while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
        if (l.empty()) return; // end of a header block
        if (l.size() > 5 && l.substr(0, 5) == "HTTP/") {
            res->headers.clear(); // a new response (after 1xx, or a proxy's CONNECT answer)
            return;
        }
        if (l.front() == ' ' || l.front() == '\t') { // obs-fold: continues the previous field
            if (res->headers.empty()) return;
            const std::string_view more = trim(l);
            std::string& v = res->headers.back().value;
            if (!more.empty()) {
                if (!v.empty()) v.push_back(' ');
                v.append(more);
            }
            return;
        }
        const std::size_t colon = l.find(':');
        if (colon == std::string_view::npos || colon == 0) return; // not a field
        res->headers.push_back(
            {std::string(trim(l.substr(0, colon))), std::string(trim(l.substr(colon + 1)))});
    }

    static std::string_view trim(std::string_view s) noexcept
    {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
        return s;
    }
};

/// Puts back, on scope exit, the options that point at perform()'s locals, so that a caller's
/// handle holds no dangling pointer afterwards.
struct option_reset {
    CURL* h;
    explicit option_reset(CURL* handle) noexcept : h(handle) {}
    option_reset(const option_reset&) = delete;
    option_reset& operator=(const option_reset&) = delete;
    ~option_reset()
    {
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, static_cast<char*>(nullptr));
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1));
        curl_easy_setopt(h, CURLOPT_REQUEST_TARGET, static_cast<char*>(nullptr));
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, static_cast<curl_write_callback>(nullptr));
        curl_easy_setopt(h, CURLOPT_WRITEDATA, static_cast<void*>(stdout));
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, static_cast<curl_write_callback>(nullptr));
        curl_easy_setopt(h, CURLOPT_HEADERDATA, static_cast<void*>(nullptr));
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
    }
};

inline bool set(CURL* h, CURLoption o, long v) noexcept
{
    return curl_easy_setopt(h, o, v) == CURLE_OK;
}
inline bool set(CURL* h, CURLoption o, const char* v) noexcept
{
    return curl_easy_setopt(h, o, v) == CURLE_OK;
}

} // namespace detail

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

/// Options of a transport. Defaults: no timeouts, peer and host verification on, no proxy,
/// no redirects followed, response bodies up to 8 MiB.
struct transport_options {
    /// Whole-transfer limit (CURLOPT_TIMEOUT_MS); 0: none.
    std::chrono::milliseconds timeout{0};
    /// Connection limit (CURLOPT_CONNECTTIMEOUT_MS); 0: libcurl's default (300 s).
    std::chrono::milliseconds connect_timeout{0};
    /// CA bundle file (CURLOPT_CAINFO) and directory (CURLOPT_CAPATH); empty: libcurl's default.
    std::string ca_file{};
    std::string ca_path{};
    /// TLS peer certificate and host name verification (keep them on outside tests).
    bool verify_peer = true;
    bool verify_host = true;
    /// User-Agent field; empty: none.
    std::string user_agent{};
    /// Proxy URL (CURLOPT_PROXY), reached through a CONNECT tunnel; empty: no proxy, and the
    /// http_proxy/https_proxy environment variables are ignored.
    std::string proxy{};
    /// Whether sign_and_perform() follows 301/302/303/307/308, signing each hop anew (new
    /// nonce, new URL). It follows only to the same host, never from https to http; 307/308
    /// keep the method and body, 301/302/303 are followed for GET and HEAD only (any other
    /// method gets the 3xx back, rather than a silent change to GET). A transport called with
    /// an already signed request (operator()) never follows: its signature covers one URL.
    bool follow_redirects = false;
    /// The most hops followed.
    int max_redirects = 5;
    /// Largest response body buffered, in bytes (the same member, with the same default, as
    /// the other adapters' transport_options); a larger one stops the transfer with
    /// errc::response_too_large.
    std::size_t max_response_body_bytes = default_max_response_body_bytes;
};

/// An oauth1 transport on libcurl: one easy handle, reused across calls (connections are kept
/// alive; curl_easy_reset() between calls), and its options. It speaks HTTP/1.1, whose request
/// line carries the target exactly as the tests check it (HTTP/2, which curl would otherwise
/// negotiate for https, moves it into a :path pseudo-header). Not thread-safe: one per thread.
///
///   oauth1::curl::transport http({std::chrono::seconds(30)});
///   std::error_code ec;
///   oauth1::http_response r = http(signed_request, ec);   // sends a request signed earlier
///   r = http.sign_and_perform(client, {"GET", url}, {}, ec);  // signs, then sends
class transport {
public:
    transport() = default;
    explicit transport(transport_options opts) : opts_(std::move(opts)) {}
    /// Adopts `handle` (e.g. from curl_easy_duphandle). It is reset (curl_easy_reset) before
    /// each request and configured from `opts` only; to keep options of your own on a handle,
    /// call perform() on it instead.
    transport(easy_handle handle, transport_options opts)
        : handle_(std::move(handle)), opts_(std::move(opts))
    {}

    /// Sends `req` exactly as given (see perform()). A 4xx/5xx answer is a response; `ec` is
    /// set when no answer was received (errc::transport_failed; last_error() says why), the
    /// answer's body exceeds transport_options::max_response_body_bytes
    /// (errc::response_too_large) or the request cannot be sent as given
    /// (errc::request_not_sendable, ...).
    http_response operator()(const http_request& req, std::error_code& ec)
    {
        last_error_.clear();
        if (!handle_) {
            detail::fail(errc::transport_failed, "libcurl could not create an easy handle", ec,
                         &last_error_);
            return {};
        }
        curl_easy_reset(handle_.get());
        if (!configure()) {
            detail::fail(errc::transport_failed, "libcurl refused a transport option", ec,
                         &last_error_);
            return {};
        }
        return perform(handle_.get(), req, ec, &last_error_, opts_.max_response_body_bytes);
    }

    /// Throwing form: oauth1::error with last_error() in what().
    http_response operator()(const http_request& req)
    {
        std::error_code ec;
        http_response res = (*this)(req, ec);
        if (ec) detail::throw_error(ec, last_error_);
        return res;
    }

    /// Signs `req` with `c` (oauth1::sign, Authorization header) and sends it; follows
    /// redirects when transport_options::follow_redirects (each hop signed anew). `signed_out`,
    /// when given, receives the signed result of the last request sent.
    template <class Signer, class Clock, class Nonce>
    http_response sign_and_perform(const basic_client<Signer, Clock, Nonce>& c, http_request req,
                                   const sign_options& opts, std::error_code& ec,
                                   signed_request* signed_out = nullptr)
    {
        signed_request local;
        signed_request& s = signed_out ? *signed_out : local;
        for (int hop = 0;; ++hop) {
            last_error_.clear();
            oauth1::sign(req, c, opts, s, ec);
            if (ec) {
                last_error_ = "signing failed: " + ec.message();
                return {};
            }
            http_response res = (*this)(req, ec);
            if (ec || !opts_.follow_redirects || hop >= opts_.max_redirects) return res;
            if (!next_hop(req, res.status)) return res;
        }
    }

    /// Throwing form of sign_and_perform().
    template <class Signer, class Clock, class Nonce>
    http_response sign_and_perform(const basic_client<Signer, Clock, Nonce>& c, http_request req,
                                   const sign_options& opts = {})
    {
        std::error_code ec;
        http_response res = sign_and_perform(c, std::move(req), opts, ec);
        if (ec) detail::throw_error(ec, last_error_.empty() ? "curl transport" : last_error_);
        return res;
    }

    /// Why the last call failed (curl's description, or what the adapter refused); "" after
    /// success. Never holds header values.
    const std::string& last_error() const noexcept { return last_error_; }
    const transport_options& options() const noexcept { return opts_; }
    transport_options& options() noexcept { return opts_; }
    /// The easy handle (e.g. for curl_easy_getinfo after a call).
    CURL* handle() const noexcept { return handle_.get(); }

private:
    bool configure()
    {
        CURL* h = handle_.get();
        using detail::set;
        bool ok =
            set(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout.count())) &&
            set(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.connect_timeout.count())) &&
            set(h, CURLOPT_SSL_VERIFYPEER, opts_.verify_peer ? 1L : 0L) &&
            set(h, CURLOPT_SSL_VERIFYHOST, opts_.verify_host ? 2L : 0L) &&
            set(h, CURLOPT_PROXY, opts_.proxy.c_str()) &&
            set(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
        if (ok && !opts_.ca_file.empty()) ok = set(h, CURLOPT_CAINFO, opts_.ca_file.c_str());
        if (ok && !opts_.ca_path.empty()) ok = set(h, CURLOPT_CAPATH, opts_.ca_path.c_str());
        if (ok && !opts_.user_agent.empty()) {
            ok = set(h, CURLOPT_USERAGENT, opts_.user_agent.c_str());
        }
        return ok;
    }

    /// Turns `req` into the request for the redirect just received; false when it is not
    /// followed (see transport_options::follow_redirects).
    bool next_hop(http_request& req, int status)
    {
        const bool keep_method = status == 307 || status == 308;
        const bool get_like = req.method == "GET" || req.method == "HEAD";
        if (!(keep_method || ((status == 301 || status == 302 || status == 303) && get_like))) {
            return false;
        }
        char* location = nullptr; // owned by the handle, resolved against the URL sent
        if (curl_easy_getinfo(handle_.get(), CURLINFO_REDIRECT_URL, &location) != CURLE_OK ||
            !location) {
            return false;
        }
        std::error_code ec;
        const auto from = parse_request_url(req.url, ec);
        if (ec) return false;
        const std::string from_scheme(from.scheme());
        const std::string from_host(from.encoded_host());
        const std::string next(location);
        const auto to = parse_request_url(next, ec);
        if (ec) return false;
        const std::string to_scheme(to.scheme());
        const std::string to_host(to.encoded_host());
        using oauth1::detail::ascii_iequals;
        if (!ascii_iequals(from_host, to_host)) return false;
        if (ascii_iequals(from_scheme, "https") && !ascii_iequals(to_scheme, "https")) {
            return false;
        }
        req.url = next;
        return true;
    }

    easy_handle handle_{};
    transport_options opts_{};
    std::string last_error_{};
};

/// One signed request on a fresh transport (convenience; reuse a transport for several).
/// Throws oauth1::error (what() has the reason).
template <class Signer, class Clock, class Nonce>
http_response sign_and_perform(const basic_client<Signer, Clock, Nonce>& c, http_request req,
                               const sign_options& opts = {}, transport_options topts = {})
{
    transport t(std::move(topts));
    return t.sign_and_perform(c, std::move(req), opts);
}

/// As above, with an error code; `message`, when given, receives the reason of a failure.
template <class Signer, class Clock, class Nonce>
http_response sign_and_perform(const basic_client<Signer, Clock, Nonce>& c, http_request req,
                               const sign_options& opts, std::error_code& ec,
                               std::string* message = nullptr, transport_options topts = {})
{
    transport t(std::move(topts));
    http_response res = t.sign_and_perform(c, std::move(req), opts, ec);
    if (message) *message = t.last_error();
    return res;
}

} // namespace curl
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_CURL_HPP
