// oauth1/impl/client.ipp - definitions for oauth1/client.hpp (the signing core): included by it in
// header-only mode, by oauth1/src.hpp under OAUTH1_SEPARATE_COMPILATION (see oauth1/config.hpp).
#ifndef OAUTH1_IMPL_CLIENT_IPP
#define OAUTH1_IMPL_CLIENT_IPP

#include <oauth1/client.hpp>

#include <boost/url/url_view.hpp> // parse_request_url returns a url_view

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace oauth1 {
namespace detail {

OAUTH1_DECL void signing_core::prepare(const request& req, const sign_options& opts,
                                       const client_identity& id, signed_request& out,
                                       std::error_code& ec)
{
    if (!is_valid_method(req.method)) {
        ec = make_error_code(errc::invalid_method);
        return;
    }
    url_parts url;
    // The common URL shape is split here and its query checked while it is decoded below;
    // anything else goes through Boost.URL.
    const bool fast = fast_split_url(req.url, url, false);
    if (!fast && !split_request_url(req.url, url, ec)) return;
    if (id.breaks_header || has_header_breaking_char(opts.callback) ||
        has_header_breaking_char(opts.verifier) || has_header_breaking_char(opts.nonce) ||
        (opts.realm && has_header_breaking_char(*opts.realm))) {
        ec = make_error_code(errc::header_injection);
        return;
    }
    // Only a form-encoded body is a parameter source (3.4.1.3.1), and only when asked for.
    const bool form = opts.body_parameters && is_form_urlencoded(req.content_type);
    parameter_list& p = out.protocol_;
    // Alphabetical order reads well in logs; the order in the header does not matter.
    if (opts.body_hash) {
        const signature_method m = id.method;
        if (form || m == signature_method::plaintext) {
            ec = make_error_code(errc::body_hash_not_allowed);
            return;
        }
        std::string& scratch = out.signature_; // reused as scratch before signing
        if (!body_hash_append(m, req.body, scratch)) {
            ec = make_error_code(errc::crypto_failure);
            return;
        }
        p.add("oauth_body_hash", scratch);
        scratch.clear();
    }
    if (!opts.callback.empty()) p.add("oauth_callback", opts.callback);
    p.add_encoded("oauth_consumer_key", id.encoded_consumer_key);
    p.add("oauth_nonce", out.nonce_);
    p.add_encoded("oauth_signature_method", id.method_name);
    char ts[24];
    const auto tr = std::to_chars(ts, ts + sizeof ts, out.timestamp_);
    p.add_encoded("oauth_timestamp", std::string_view(ts, static_cast<std::size_t>(tr.ptr - ts)));
    if (!id.encoded_token.empty()) p.add_encoded("oauth_token", id.encoded_token);
    if (!opts.verifier.empty()) p.add("oauth_verifier", opts.verifier);
    if (id.include_version) p.add_encoded("oauth_version", "1.0");
    for (const auto& [name, value] : opts.extra) {
        if (name.size() <= 6 || name.substr(0, 6) != "oauth_" || name == "oauth_signature") {
            ec = make_error_code(errc::invalid_parameter);
            return;
        }
        if (has_header_breaking_char(value)) {
            ec = make_error_code(errc::header_injection);
            return;
        }
        p.add(name, value);
        // A protocol parameter sent twice makes the request invalid (RFC 5849 §3.2).
        if (p.count(p[p.size() - 1].name) > 1) {
            ec = make_error_code(errc::duplicate_protocol_parameter);
            return;
        }
    }

    parameter_list& all = out.all_;
    all.append(p);
    if (url.has_query) {
        bool bad_query_char = false;
        all.add_form(url.query, ec, fast ? &bad_query_char : nullptr);
        if (fast && (ec || bad_query_char)) {
            // Not a valid URI after all: the error Boost.URL's parse gives.
            (void)parse_request_url(req.url, ec);
            if (!ec) ec = make_error_code(errc::invalid_url);
            return;
        }
        if (ec) return;
    }
    if (form) {
        all.add_form(req.body, ec);
        if (ec) return;
    }
    all.sort();
    base_string_uri_append(url, out.base_uri_);
    out.base_.resize(signature_base_string_bound(req.method, out.base_uri_, all));
    char* const end = write_signature_base_string(req.method, out.base_uri_, all, out.base_.data());
    out.base_.resize(static_cast<std::size_t>(end - out.base_.data()));
}

OAUTH1_DECL void signing_core::finish(const sign_options& opts, signed_request& out,
                                      std::error_code& ec)
{
    parameter_list& p = out.protocol_;
    p.add("oauth_signature", out.signature_);
    authorization_header_append(p, opts.realm, out.header_, ec);
}

} // namespace detail
} // namespace oauth1

#endif // OAUTH1_IMPL_CLIENT_IPP
