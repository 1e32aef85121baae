// oauth1/detail/curl_request.hpp - private to oauth1 (not a public header): the checks behind
// oauth1::curl::perform() (oauth1/adapters/curl.hpp) that libcurl will send a request exactly as
// oauth1 signed it (RFC 5849 §3.4.1: method, scheme, host, port, path and query), and the URL,
// request-target and header lines perform() hands to curl.
#ifndef OAUTH1_DETAIL_CURL_REQUEST_HPP
#define OAUTH1_DETAIL_CURL_REQUEST_HPP

#include <oauth1/base_string.hpp>
#include <oauth1/detail/curl_handles.hpp>
#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <curl/curl.h>

#include <boost/url/url_view.hpp> // parse_request_url

#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::curl::detail {

/// How perform() will hand a request to curl, once checked.
struct prepared_request {
    std::string url;    ///< for CURLOPT_URL: req.url without its fragment
    std::string target; ///< for CURLOPT_REQUEST_TARGET: path ("/" when empty) and query, as given
    slist_ptr headers;  ///< for CURLOPT_HTTPHEADER
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
    std::string_view query;
    bool has_query = false;
    const ::boost::urls::url_view u =
        oauth1::detail::parse_sendable_url(req.url, query, has_query, ec);
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
    out.target.assign(path.data(), path.size());
    if (out.target.empty()) out.target.push_back('/');
    if (has_query) { // '[' and ']' included, as written (sent as signed)
        out.target.push_back('?');
        out.target.append(query);
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
        const std::string line = field_line(h.name, h.value, ec);
        if (!ec) append_line(out.headers, line, ec);
        if (ec) {
            if (message) message->assign("invalid header field " + h.name);
            return;
        }
    }
    const std::string content_type = req.content_type.empty()
                                         ? removal_line("Content-Type", ec) // no curl default
                                         : field_line("Content-Type", req.content_type, ec);
    if (!ec) append_line(out.headers, content_type, ec);
    if (ec) {
        if (message) message->assign("invalid Content-Type");
        return;
    }
    if (!has_expect) {
        const std::string no_expect = removal_line("Expect", ec);
        if (!ec) append_line(out.headers, no_expect, ec);
        if (ec) return;
    }
    if (req.method == "HEAD" && !req.body.empty()) {
        fail(errc::request_not_sendable, "libcurl cannot send a HEAD request with a body", ec,
             message);
    }
}

} // namespace oauth1::curl::detail

#endif // OAUTH1_DETAIL_CURL_REQUEST_HPP
