// oauth1/detail/poco_verify.hpp - private to oauth1 (not a public header): the pieces behind
// oauth1::poco::verify() and read_body() (oauth1/adapters/poco_server.hpp) - the header fields
// of a Poco::Net::HTTPServerRequest for detail/origin.hpp's rules, the check that every
// parameter Poco's HTMLForm would give a handler was signed (RFC 5849 §3.4.1.3.1), and
// refusals.
#ifndef OAUTH1_DETAIL_POCO_VERIFY_HPP
#define OAUTH1_DETAIL_POCO_VERIFY_HPP

#include <oauth1/detail/origin.hpp>
#include <oauth1/detail/signed_parameters.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/verify_result.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1::poco::detail {

/// Builds the absolute URL the client addressed into `url` (RFC 5849 §3.4.1.2); returns nullptr,
/// or why it cannot (the advice of the refusal).
inline const char* build_request_url(const Poco::Net::HTTPServerRequest& req,
                                     const oauth1::detail::origin_rules& origin, std::string& url)
{
    const auto fields = [&req](const char* name) {
        return [&req, name](auto&& visit) {
            for (const auto& [k, v] : req)
                if (oauth1::detail::ascii_iequals(k, name)) visit(std::string_view(v));
        };
    };
    return oauth1::detail::build_origin_url(fields, req.getURI(), origin, url);
}

/// Why a verified request holds a parameter, as Poco::Net::HTMLForm(req, body) would give it to a
/// handler (query, and a form or multipart body), that oauth1 did not verify; or nullptr. Every
/// (name, value) HTMLForm parses must be one of the parameters oauth1 parsed from the query and,
/// for a form it signs, the body: those were all signed but oauth_signature, which is then the
/// one verified. O(n log n).
inline const char* unsigned_parameter(const Poco::Net::HTTPServerRequest& req,
                                      std::string_view content_type, std::string_view body)
{
    const char* const differs = "a parameter as Poco::Net::HTMLForm parses it was not signed";
    Poco::Net::HTMLForm form;
    try {
        // HTMLForm reads the query of every request and the body of POST/PUT/PATCH as a form
        // when its Content-Type says so (its own test) and as multipart/form-data fields.
        // HTMLForm reads any other POST/PUT body as a form too (a JSON body becomes a field):
        // handlers must not use HTMLForm for those, so only the query is compared then.
        std::string media;
        Poco::Net::NameValueCollection media_params;
        Poco::Net::MessageHeader::splitParameters(std::string(content_type), media, media_params);
        const bool form_like = media == Poco::Net::HTMLForm::ENCODING_URL ||
                               media == Poco::Net::HTMLForm::ENCODING_MULTIPART;
        Poco::Net::HTTPRequest copy(form_like ? req.getMethod() : "GET", req.getURI(),
                                    req.getVersion());
        if (!content_type.empty()) copy.setContentType(std::string(content_type));
        std::istringstream in{form_like ? std::string(body) : std::string()};
        form.load(copy, in);
    } catch (const Poco::Exception&) {
        return "Poco::Net::HTMLForm cannot parse the request's parameters";
    }
    if (form.empty()) return nullptr;
    const bool signed_form = is_form_urlencoded(content_type);
    oauth1::detail::signed_parameters known(req.getURI(), body, signed_form);
    if (!known.parsed()) return differs;
    for (const auto& [n, val] : form) {
        if (!known.contains(n, val)) {
            if (!signed_form)
                return "Poco::Net::HTMLForm parses the body as form fields, but it is not an "
                       "application/x-www-form-urlencoded body: they were not signed";
            return differs;
        }
    }
    return nullptr;
}

} // namespace oauth1::poco::detail

#endif // OAUTH1_DETAIL_POCO_VERIFY_HPP
