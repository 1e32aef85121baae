// oauth1/impl/base_string.ipp - definitions for oauth1/base_string.hpp (the parts that parse with
// Boost.URL): included by it in header-only mode, by oauth1/src.hpp under
// OAUTH1_SEPARATE_COMPILATION (see oauth1/config.hpp).
#ifndef OAUTH1_IMPL_BASE_STRING_IPP
#define OAUTH1_IMPL_BASE_STRING_IPP

#include <oauth1/base_string.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {

namespace detail {

OAUTH1_DECL bool query_has_malformed_escape(std::string_view url) noexcept
{
    const std::string_view before_fragment = url.substr(0, url.find('#'));
    const std::size_t q = before_fragment.find('?');
    if (q == std::string_view::npos) return false;
    const std::string_view query = before_fragment.substr(q + 1);
    bool malformed = false;
    for (std::size_t i = 0; i < query.size() && !malformed; ++i) {
        if (query[i] != '%') continue;
        malformed =
            query.size() - i < 3 || hex_value(query[i + 1]) < 0 || hex_value(query[i + 2]) < 0;
    }
    if (!malformed) return false;
    const auto head = ::boost::urls::parse_uri(::boost::core::string_view(url.data(), q));
    return head && head->has_authority() && !head->encoded_host().empty() &&
           is_http_scheme(std::string_view(head->scheme().data(), head->scheme().size())) &&
           is_valid_port(std::string_view(head->port().data(), head->port().size()));
}

} // namespace detail

OAUTH1_DECL ::boost::urls::url_view parse_request_url(std::string_view url,
                                                      std::error_code& ec) noexcept
{
    ec.clear();
    auto r = ::boost::urls::parse_uri(::boost::core::string_view(url.data(), url.size()));
    if (!r || !r->has_authority() || r->encoded_host().empty() ||
        !detail::is_http_scheme(std::string_view(r->scheme().data(), r->scheme().size())) ||
        !detail::is_valid_port(std::string_view(r->port().data(), r->port().size()))) {
        // A URL that is valid up to its query, whose query has a '%' without two hex digits,
        // gets the same error as such a form body (3.4.1.3.1: the query is decoded like one).
        ec = make_error_code(!r && detail::query_has_malformed_escape(url)
                                 ? errc::invalid_percent_encoding
                                 : errc::invalid_url);
        return {};
    }
    return *r;
}

namespace detail {

OAUTH1_DECL bool split_bracketed_query(std::string_view url, url_parts& out) noexcept
{
    const std::size_t hash = url.find('#');
    const std::string_view before_fragment = url.substr(0, hash);
    const std::size_t q = before_fragment.find('?');
    if (q == std::string_view::npos) return false;
    const std::string_view query = before_fragment.substr(q + 1);
    if (!has_square_bracket(query.data(), query.data() + query.size()) ||
        scan_uri_chars(query, 0, query_char_mask) != query.size())
        return false;
    if (hash != std::string_view::npos) {
        const std::string_view fragment = url.substr(hash + 1);
        if (scan_uri_chars(fragment, 0, 4U) != fragment.size()) return false;
    }
    // Everything before the query is held to RFC 3986 as usual (no bracket outside an IP
    // literal).
    std::error_code ec;
    const ::boost::urls::url_view u = parse_request_url(url.substr(0, q), ec);
    if (ec || u.has_query() || u.has_fragment()) return false;
    const auto sv = [](::boost::core::string_view v) {
        return std::string_view(v.data(), v.size());
    };
    out.scheme = sv(u.scheme());
    out.host = sv(u.encoded_host());
    out.port = u.has_port() ? sv(u.port()) : std::string_view{};
    out.path = sv(u.encoded_path());
    out.has_query = true;
    out.query = query;
    return true;
}

OAUTH1_DECL bool split_request_url(std::string_view url, url_parts& out,
                                   std::error_code& ec) noexcept
{
    ec.clear();
    if (fast_split_url(url, out)) return true;
    const ::boost::urls::url_view u = parse_request_url(url, ec);
    if (ec) {
        // Only after Boost.URL refused the URL: no cost for any URL it accepts.
        if (ec == errc::invalid_url && split_bracketed_query(url, out)) {
            ec.clear();
            return true;
        }
        return false;
    }
    const auto sv = [](::boost::core::string_view v) {
        return std::string_view(v.data(), v.size());
    };
    out.scheme = sv(u.scheme());
    out.host = sv(u.encoded_host());
    out.port = u.has_port() ? sv(u.port()) : std::string_view{};
    out.path = sv(u.encoded_path());
    out.has_query = u.has_query();
    out.query = out.has_query ? sv(u.encoded_query()) : std::string_view{};
    return true;
}

OAUTH1_DECL ::boost::urls::url_view parse_sendable_url(std::string_view url,
                                                       std::string_view& query, bool& has_query,
                                                       std::error_code& ec) noexcept
{
    ::boost::urls::url_view u = parse_request_url(url, ec);
    if (!ec) {
        has_query = u.has_query();
        const auto q = u.encoded_query();
        query = has_query ? std::string_view(q.data(), q.size()) : std::string_view{};
        return u;
    }
    url_parts parts;
    if (ec != errc::invalid_url || !split_bracketed_query(url, parts)) return {};
    u = parse_request_url(url.substr(0, url.find('?')), ec);
    has_query = true;
    query = parts.query;
    return u;
}

} // namespace detail

OAUTH1_DECL void base_string_uri_append(const ::boost::urls::url_view& u, std::string& out)
{
    const auto sv = [](::boost::core::string_view v) {
        return std::string_view(v.data(), v.size());
    };
    detail::url_parts p;
    p.scheme = sv(u.scheme());
    p.host = sv(u.encoded_host());
    p.port = u.has_port() ? sv(u.port()) : std::string_view{};
    p.path = sv(u.encoded_path());
    detail::base_string_uri_append(p, out);
}

OAUTH1_DECL std::string base_string_uri(std::string_view url, std::error_code& ec)
{
    detail::url_parts u;
    if (!detail::split_request_url(url, u, ec)) return {};
    std::string out;
    detail::base_string_uri_append(u, out);
    return out;
}

OAUTH1_DECL std::string signature_base_string(std::string_view method, std::string_view url,
                                              const parameter_list& protocol_params,
                                              std::string_view content_type, std::string_view body,
                                              std::error_code& ec)
{
    ec.clear();
    if (!is_valid_method(method)) {
        ec = make_error_code(errc::invalid_method);
        return {};
    }
    detail::url_parts u;
    if (!detail::split_request_url(url, u, ec)) return {};
    parameter_list all;
    all.append(protocol_params);
    if (u.has_query) {
        all.add_form(u.query, ec);
        if (ec) return {};
    }
    if (is_form_urlencoded(content_type)) {
        all.add_form(body, ec);
        if (ec) return {};
    }
    all.sort();
    std::string uri;
    detail::base_string_uri_append(u, uri);
    std::string out;
    signature_base_string_append(method, uri, all, out);
    return out;
}

} // namespace oauth1

#endif // OAUTH1_IMPL_BASE_STRING_IPP
