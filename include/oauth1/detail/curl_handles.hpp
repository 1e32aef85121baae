// oauth1/detail/curl_handles.hpp - private to oauth1 (not a public header): the libcurl
// machinery behind oauth1/adapters/curl.hpp and curl_transport.hpp - one-time global
// initialisation, owners of curl's allocations (curl_slist, CURLU, strings), the header lines
// curl understands, the response sink of the write and header callbacks, and the reset of the
// options perform() points at its own data.
#ifndef OAUTH1_DETAIL_CURL_HANDLES_HPP
#define OAUTH1_DETAIL_CURL_HANDLES_HPP

#include <oauth1/error.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/transport.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1::curl::detail {

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

struct slist_deleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

/// Appends `line` to `list` (unchanged when curl cannot allocate).
inline void append_line(curl_slist*& list, const std::string& line, std::error_code& ec)
{
    curl_slist* l = curl_slist_append(list, line.c_str());
    if (!l) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    list = l;
}

inline void append_line(slist_ptr& list, const std::string& line, std::error_code& ec)
{
    curl_slist* l = list.release();
    append_line(l, line, ec);
    list.reset(l);
}

/// errc::header_injection when `name` holds CR, LF or NUL; errc::invalid_argument when it is
/// not an RFC 7230 token.
inline void check_field_name(std::string_view name, std::error_code& ec)
{
    ec.clear();
    if (oauth1::detail::has_header_breaking_char(name)) {
        ec = make_error_code(errc::header_injection);
    } else if (!is_valid_method(name)) { // the same grammar: a non-empty token
        ec = make_error_code(errc::invalid_argument);
    }
}

/// The curl_slist line that sends "name: value" (checked as check_field_name(), and the value
/// for CR, LF, NUL). curl reads "Name:" as "remove curl's own Name" and "Name;" as "send an
/// empty Name", so an empty value is written the second way.
inline std::string field_line(std::string_view name, std::string_view value, std::error_code& ec)
{
    ec.clear();
    if (oauth1::detail::has_header_breaking_char(name) ||
        oauth1::detail::has_header_breaking_char(value)) {
        ec = make_error_code(errc::header_injection);
        return {};
    }
    check_field_name(name, ec);
    if (ec) return {};
    std::string line;
    line.reserve(name.size() + 2 + value.size());
    line.append(name);
    if (value.empty()) {
        line.push_back(';');
    } else {
        line.append(": ");
        line.append(value);
    }
    return line;
}

/// The curl_slist line "Name:" that tells curl not to send its own field `name`.
inline std::string removal_line(std::string_view name, std::error_code& ec)
{
    check_field_name(name, ec);
    if (ec) return {};
    std::string line(name);
    line.push_back(':');
    return line;
}

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

/// A duration for CURLOPT_*_MS (a long), saturated.
inline long curl_milliseconds(std::chrono::milliseconds d) noexcept
{
    return d.count() >= std::numeric_limits<long>::max() ? std::numeric_limits<long>::max()
                                                         : static_cast<long>(d.count());
}

inline bool set(CURL* h, CURLoption o, long v) noexcept
{
    return curl_easy_setopt(h, o, v) == CURLE_OK;
}
inline bool set(CURL* h, CURLoption o, const char* v) noexcept
{
    return curl_easy_setopt(h, o, v) == CURLE_OK;
}

} // namespace oauth1::curl::detail

#endif // OAUTH1_DETAIL_CURL_HANDLES_HPP
