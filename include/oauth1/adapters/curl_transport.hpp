// oauth1/adapters/curl_transport.hpp - oauth1::curl::transport, the libcurl transport of the
// three-legged flow (flow.hpp; RFC 5849 §2), which also signs and sends single requests (RFC 5849
// §3.4, the signature in the Authorization header, RFC 5849 §3.5.1), following redirects only
// when asked, each hop signed anew. Part of the oauth1::curl component.
//
//   oauth1::client c("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file("key.pem")));
//   c.set_token(access_token, token_secret);
//   oauth1::transport_options o;                           // connect 10 s, whole exchange 30 s
//   o.ca_file = "corp-ca.pem";
//   oauth1::curl::transport http(o);                       // one reused easy handle
//   oauth1::http_response r = http.sign_and_perform(c, {"GET", jira + "/rest/api/2/issue/JJ-2"});
//
// Options: oauth1::transport_options (transport_options.hpp, the same for every adapter;
// oauth1::curl::transport_options is that struct). libcurl honours every member: timeout ->
// CURLOPT_TIMEOUT_MS, connect_timeout -> CURLOPT_CONNECTTIMEOUT_MS (name resolution, connect and
// TLS handshake), ca_file/ca_path -> CURLOPT_CAINFO/CURLOPT_CAPATH, verify_peer ->
// CURLOPT_SSL_VERIFYPEER and CURLOPT_SSL_VERIFYHOST, user_agent -> CURLOPT_USERAGENT, proxy ->
// CURLOPT_PROXY (through a CONNECT tunnel), follow_redirects/max_redirects ->
// sign_and_perform(), max_response_body_bytes -> the write callback.
//
// What is signed is what is sent, and how errors are reported: see oauth1/adapters/curl.hpp
// (perform(), which the transport calls on its own handle). This header includes curl.hpp.
#ifndef OAUTH1_ADAPTERS_CURL_TRANSPORT_HPP
#define OAUTH1_ADAPTERS_CURL_TRANSPORT_HPP

#include <oauth1/adapters/curl.hpp>
#include <oauth1/base_string.hpp>
#include <oauth1/client.hpp>
#include <oauth1/detail/curl_handles.hpp>
#include <oauth1/detail/transport_checks.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <curl/curl.h>

#include <string>
#include <system_error>
#include <utility>

namespace oauth1 {
namespace curl {

/// The settings of oauth1::curl::transport: oauth1::transport_options (every member honoured;
/// see the top of this header for the libcurl options each one sets).
using transport_options = oauth1::transport_options;

/// An oauth1 transport on libcurl: one easy handle, reused across calls (connections are kept
/// alive; curl_easy_reset() between calls), and its options. It speaks HTTP/1.1, whose request
/// line carries the target exactly as the tests check it (HTTP/2, which curl would otherwise
/// negotiate for https, moves it into a :path pseudo-header). Not thread-safe: one per thread.
///
///   oauth1::curl::transport http;                        // oauth1::transport_options{}
///   std::error_code ec;
///   oauth1::http_response r = http(signed_request, ec);   // sends a request signed earlier
///   r = http.sign_and_perform(client, {"GET", url}, {}, ec);  // signs, then sends
class transport {
public:
    transport() = default;
    /// A transport with `opts`.
    explicit transport(transport_options opts) : opts_(std::move(opts)) {}
    /// Adopts `handle` (e.g. from curl_easy_duphandle). It is reset (curl_easy_reset) before
    /// each request and configured from `opts` only; to keep options of your own on a handle,
    /// call perform() on it instead.
    transport(easy_handle handle, transport_options opts)
        : handle_(std::move(handle)), opts_(std::move(opts))
    {}

    /// Sends `req` exactly as given (see perform()). A 4xx/5xx answer is a response; `ec` is
    /// set when no answer was received (errc::transport_failed, a timeout included;
    /// last_error() says why), the answer's body exceeds
    /// transport_options::max_response_body_bytes (errc::response_too_large), the request
    /// cannot be sent as given (errc::request_not_sendable, ...) or the options are invalid
    /// (errc::invalid_argument: a timeout that is not positive).
    http_response operator()(const http_request& req, std::error_code& ec)
    {
        last_error_.clear();
        if (!handle_) {
            detail::fail(errc::transport_failed, "libcurl could not create an easy handle", ec,
                         &last_error_);
            return {};
        }
        if (std::string why = oauth1::detail::transport_options_problem(
                opts_, "oauth1::curl::transport", {true, true, true, true});
            !why.empty()) {
            detail::fail(errc::invalid_argument, why, ec, &last_error_);
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
    /// The options.
    const transport_options& options() const noexcept { return opts_; }
    /// The options, to change them between requests.
    transport_options& options() noexcept { return opts_; }
    /// The easy handle (e.g. for curl_easy_getinfo after a call).
    CURL* handle() const noexcept { return handle_.get(); }

private:
    bool configure()
    {
        CURL* h = handle_.get();
        using detail::set;
        bool ok =
            set(h, CURLOPT_TIMEOUT_MS, detail::curl_milliseconds(opts_.timeout)) &&
            set(h, CURLOPT_CONNECTTIMEOUT_MS, detail::curl_milliseconds(opts_.connect_timeout)) &&
            set(h, CURLOPT_SSL_VERIFYPEER, opts_.verify_peer ? 1L : 0L) &&
            set(h, CURLOPT_SSL_VERIFYHOST, opts_.verify_peer ? 2L : 0L) &&
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
        std::string_view query; // '[' and ']' in a query are accepted, as signing does
        bool has_query = false;
        const auto from = oauth1::detail::parse_sendable_url(req.url, query, has_query, ec);
        if (ec) return false;
        const std::string from_scheme(from.scheme());
        const std::string from_host(from.encoded_host());
        const std::string next(location);
        const auto to = oauth1::detail::parse_sendable_url(next, query, has_query, ec);
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

#endif // OAUTH1_ADAPTERS_CURL_TRANSPORT_HPP
