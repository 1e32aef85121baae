// oauth1/lti.hpp - IMS LTI 1.1 tool launches, on the tool (provider) side: the LMS (the tool
// consumer) POSTs a form signed with HMAC-SHA1 (the oauth_* parameters in the form body,
// RFC 5849 §3.5.2), the tool verifies it and reads the launch.
//
//   oauth1::memory_nonce_store nonces;
//   const oauth1::lti::launch_verifier verifier(
//       [](std::string_view key) { return secrets.find(key); },   // see launch_verifier
//       nonces, oauth1::public_origin("https", "tool.example.edu"));
//   const oauth1::lti::launch_result launch = verifier.verify(
//       {"POST", target, content_type, body, peer_address, {{"Host", host}, ...}});
//   if (!launch) { log(launch.message); answer(oauth1::lti::refusal_for(launch, "LTI")); }
//   else if (launch.is_instructor()) ...
//
// The URL rule. The LMS signs the public URL it launches (https://tool.example.edu/launch); the
// tool must check the signature against that URL, rebuilt from its own configuration
// (oauth1::public_origin, oauth1/public_origin.hpp), not against the URL its socket saw. Behind
// a proxy that terminates TLS, the tool sees http://internal:8080/launch: either name the
// public origin, or trust the proxy's forwarding headers with public_origin::trust_proxies()
// for the proxy's own address (the TCP peer). When a signature fails, launch_result::message
// says which URL it was checked against and, if forwarding headers came from a peer that is not
// trusted, how to trust it.
//
// What is checked, in order: a form POST (LTI 1.1: launches are application/x-www-form-urlencoded
// POSTs); the launch URL; the OAuth signature (oauth_signature_method HMAC-SHA1 unless the
// options allow more; oauth_version 1.0 when present; no token), the timestamp window and the
// nonce, by oauth1::request_verifier (provider.hpp), so the failures are its verify_result's;
// then the LTI parameters of the signed launch: lti_message_type (basic-lti-launch-request, or
// ContentItemSelectionRequest when accepted), lti_version (LTI-1p0, or LTI-1p2 when accepted),
// resource_link_id for basic launches and content_item_return_url for content-item requests,
// each exactly once and not empty: errc::lti_launch_invalid, the message naming the parameter.
#ifndef OAUTH1_LTI_HPP
#define OAUTH1_LTI_HPP

#include <oauth1/client.hpp> // system_clock
#include <oauth1/detail/lti_launch.hpp>
#include <oauth1/detail/lti_roles.hpp>
#include <oauth1/detail/origin.hpp>
#include <oauth1/detail/query_append.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/error.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/parameters.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/public_origin.hpp>
#include <oauth1/refusal.hpp>
#include <oauth1/verify_options.hpp>
#include <oauth1/verify_result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace oauth1::lti {

/// What the tool accepts.
struct launch_options {
    /// Also accept lti_message_type=ContentItemSelectionRequest (LTI Content-Item Message 1.0),
    /// which needs content_item_return_url instead of resource_link_id.
    bool accept_content_item = false;
    /// Also accept lti_version=LTI-1p2 (LTI 1.2 launches are LTI 1.1 launches on the wire).
    bool accept_lti_1p2 = false;
    /// The signature methods consumers may use: LTI 1.1 names HMAC-SHA1 (RFC 5849 §3.4.2).
    method_set methods = {signature_method::hmac_sha1};
    /// Accepted distance between oauth_timestamp and the tool's clock, seconds (RFC 5849 §3.3;
    /// at most the nonce store's window).
    std::uint64_t timestamp_window = 300;
    /// Bounds on what is read before the launch is authenticated (verify_options.hpp).
    request_limits limits{};
};

template <class SecretLookup, class NonceStore = memory_nonce_store, class Clock = system_clock>
class launch_verifier;

/// A received launch, as the tool's HTTP server gives it.
struct launch_request {
    /// The HTTP method as received (a launch is a POST).
    std::string_view method;
    /// The request-target exactly as received ("/launch", "/launch?course=7").
    std::string_view target;
    /// The Content-Type field (a launch is application/x-www-form-urlencoded).
    std::string_view content_type;
    /// The form body as received.
    std::string_view body;
    /// The TCP peer's address as the server prints it (never a header): what
    /// public_origin::trust_proxies() compares.
    std::string_view peer{};
    /// The header fields the launch URL can depend on - Host, Forwarded, X-Forwarded-Proto,
    /// X-Forwarded-Host - or all of them (others are ignored), in the order received.
    std::vector<std::pair<std::string_view, std::string_view>> headers{};
};

/// The outcome of launch_verifier::verify(): a launch the tool may act on (ok()), a signed
/// launch that is not a valid LTI launch (verified() but errc::lti_launch_invalid), or a
/// refused request (oauth.problem, as verify_result reports it).
class launch_result {
public:
    /// The OAuth verification: its problem (signature_invalid, nonce_used, timestamp_refused,
    /// consumer_key_unknown, ...) when refused there; the consumer key, nonce and timestamp.
    verify_result oauth;
    /// errc::lti_launch_invalid when the launch is not an LTI 1.1 launch (not a form POST, or a
    /// required LTI parameter missing or wrong: see `message`).
    std::error_code error;
    /// The URL the signature was checked against.
    std::string url;
    /// Why the launch was refused, one line for the tool's log (no secrets): the LTI parameter
    /// at fault, or the OAuth problem and, for signature_invalid, the URL it was checked
    /// against and what to do about a proxy. Empty when ok().
    std::string message;

    /// The OAuth signature, timestamp and nonce verified: the parameters are the LMS's.
    bool verified() const noexcept { return oauth.ok(); }
    /// Verified and a valid LTI launch.
    bool ok() const noexcept { return verified() && !error; }
    /// ok().
    explicit operator bool() const noexcept { return ok(); }

    /// Every signed launch parameter (form body and query), decoded, oauth_* excluded; empty
    /// unless verified().
    const std::vector<std::pair<std::string, std::string>>& parameters() const noexcept
    {
        return params_;
    }
    /// The first value of the parameter `name`, if present.
    std::optional<std::string_view> get(std::string_view name) const noexcept
    {
        for (const auto& p : params_)
            if (p.first == name) return std::string_view(p.second);
        return std::nullopt;
    }
    /// The first value of `name`, or empty.
    std::string_view value(std::string_view name) const noexcept
    {
        return get(name).value_or(std::string_view{});
    }

    /// oauth_consumer_key: the LMS the launch came from.
    std::string_view consumer_key() const noexcept { return oauth.consumer_key; }
    /// lti_message_type, e.g. "basic-lti-launch-request".
    std::string_view message_type() const noexcept { return value("lti_message_type"); }
    /// lti_version, e.g. "LTI-1p0".
    std::string_view lti_version() const noexcept { return value("lti_version"); }
    /// user_id: the LMS's opaque id of the user.
    std::string_view user_id() const noexcept { return value("user_id"); }
    /// context_id: the course (context) id.
    std::string_view context_id() const noexcept { return value("context_id"); }
    /// context_title: the course title.
    std::string_view context_title() const noexcept { return value("context_title"); }
    /// resource_link_id: the link the user followed.
    std::string_view resource_link_id() const noexcept { return value("resource_link_id"); }
    /// lis_person_name_full: the user's full name.
    std::string_view lis_person_name_full() const noexcept { return value("lis_person_name_full"); }
    /// lis_person_contact_email_primary: the user's e-mail.
    std::string_view lis_person_contact_email_primary() const noexcept
    {
        return value("lis_person_contact_email_primary");
    }
    /// launch_presentation_return_url: where to send the user back.
    std::string_view launch_presentation_return_url() const noexcept
    {
        return value("launch_presentation_return_url");
    }
    /// tool_consumer_instance_guid: the LMS instance.
    std::string_view tool_consumer_instance_guid() const noexcept
    {
        return value("tool_consumer_instance_guid");
    }
    /// content_item_return_url (ContentItemSelectionRequest launches).
    std::string_view content_item_return_url() const noexcept
    {
        return value("content_item_return_url");
    }

    /// The `roles` parameter split on commas, each trimmed, empty ones dropped, as sent
    /// ("Instructor", "urn:lti:role:ims/lis/Learner", "urn:lti:instrole:ims/lis/Staff").
    std::vector<std::string_view> roles() const
    {
        std::vector<std::string_view> out;
        detail::for_each_lti_role(value("roles"), [&out](std::string_view r) { out.push_back(r); });
        return out;
    }
    /// Whether `roles` holds the context role `short_name` ("Instructor", "Learner", "Mentor",
    /// "TeachingAssistant", ...) in any case, short, as a LIS URN (urn:lti:role:ims/lis/NAME)
    /// or as one of its sub-roles (urn:lti:role:ims/lis/NAME/SUB-ROLE). Institution roles
    /// (urn:lti:instrole:...) are not context roles.
    bool has_role(std::string_view short_name) const noexcept
    {
        bool found = false;
        detail::for_each_lti_role(value("roles"), [&](std::string_view r) {
            found = found || detail::lti_role_is(r, short_name);
        });
        return found;
    }
    /// Whether the roles include Instructor (short name or LIS URN).
    bool is_instructor() const noexcept { return has_role("Instructor"); }
    /// Whether the roles include Learner (short name or LIS URN).
    bool is_learner() const noexcept { return has_role("Learner"); }

    /// The custom parameter `name` as the tool registered it (sent as custom_<name>).
    std::optional<std::string_view> custom(std::string_view name) const noexcept
    {
        for (const auto& p : params_)
            if (p.first.size() == name.size() + 7 && p.first.compare(0, 7, "custom_") == 0 &&
                std::string_view(p.first).substr(7) == name)
                return std::string_view(p.second);
        return std::nullopt;
    }
    /// Every custom_* parameter, its name without the "custom_" prefix.
    std::vector<std::pair<std::string_view, std::string_view>> custom_parameters() const
    {
        std::vector<std::pair<std::string_view, std::string_view>> out;
        for (const auto& p : params_)
            if (p.first.size() > 7 && p.first.compare(0, 7, "custom_") == 0)
                out.emplace_back(std::string_view(p.first).substr(7), p.second);
        return out;
    }

private:
    template <class, class, class>
    friend class launch_verifier;

    std::vector<std::pair<std::string, std::string>> params_;
};

/// Verifies IMS LTI 1.1 launches (see the top of this header) for one tool endpoint.
///
/// SecretLookup is a callable taking the consumer key (std::string_view) and returning
/// something like a pointer or std::optional (false for an unknown key) to the shared secret
/// (std::string, anything convertible to std::string_view) or to oauth1::consumer_credentials
/// (the existing provider-side record: its methods are then intersected with the options').
/// NonceStore models the nonce-store requirements (nonce_store.hpp), shared by reference; Clock
/// returns seconds since the epoch. Cheap to copy.
template <class SecretLookup, class NonceStore, class Clock>
class launch_verifier {
    static_assert(std::is_invocable_v<const SecretLookup&, std::string_view>,
                  "oauth1::lti::launch_verifier: SecretLookup must be callable as "
                  "lookup(std::string_view consumer_key)");

public:
    /// A verifier looking up consumer secrets with `secrets`, recording nonces in `nonces`,
    /// rebuilding the launch URL through `origin` (trusted proxies included).
    launch_verifier(SecretLookup secrets, NonceStore& nonces, public_origin origin,
                    launch_options opts = {}, Clock clock = {})
        : verifier_(detail::lti_consumers<SecretLookup>{std::move(secrets), opts.methods},
                    detail::lti_no_tokens{}, nonces, std::move(clock)),
          origin_(std::move(origin)), opts_(opts)
    {}

    /// Verifies a launch. Refusals are in the result; `ec` is set only when the tool could not
    /// decide (the nonce store is unreachable or full, OpenSSL failed), and the launch is then
    /// refused too.
    launch_result verify(const launch_request& req, std::error_code& ec) const
    {
        ec.clear();
        launch_result out;
        if (!check_form_post(req, out)) return out;
        if (!build_url(req, out)) return out;
        if (!check_signature(req, out, ec)) return out;
        collect_parameters(out);
        check_launch_parameters(out);
        return out;
    }

    /// Same; throws oauth1::error when the tool could not decide (e.g. nonce store down).
    launch_result verify(const launch_request& req) const
    {
        std::error_code ec;
        launch_result r = verify(req, ec);
        detail::throw_if(ec, "verifying an LTI launch");
        return r;
    }

    /// The public origin launches are verified against.
    const public_origin& origin() const noexcept { return origin_; }
    /// The options given at construction.
    const launch_options& options() const noexcept { return opts_; }

private:
    static void invalid(launch_result& out, std::string why)
    {
        out.error = make_error_code(errc::lti_launch_invalid);
        out.message = std::move(why);
    }

    /// LTI 1.1 launches are application/x-www-form-urlencoded POSTs (oauth_* in the body,
    /// RFC 5849 §3.5.2).
    static bool check_form_post(const launch_request& req, launch_result& out)
    {
        if (req.method != "POST")
            invalid(out, "an LTI launch is a POST (this request is " +
                             detail::lti_printable(req.method) + ")");
        else if (!is_form_urlencoded(req.content_type))
            invalid(out, "an LTI launch is an application/x-www-form-urlencoded form (this one "
                         "is \"" +
                             detail::lti_printable(req.content_type) + "\")");
        return !out.error;
    }

    /// The URL the LMS signed, from the public origin (RFC 5849 §3.4.1.2).
    bool build_url(const launch_request& req, launch_result& out) const
    {
        if (const char* why = detail::build_origin_url(detail::lti_fields(req.headers), req.target,
                                                       origin_.rules_for(req.peer), out.url)) {
            out.oauth.problem.emplace(problem::parameter_rejected);
            out.oauth.problem->advice = why;
            out.message = out.oauth.problem->summary();
            return false;
        }
        return true;
    }

    /// Signature, timestamp window and nonce (RFC 5849 §3.2-§3.4) by the request verifier.
    bool check_signature(const launch_request& req, launch_result& out, std::error_code& ec) const
    {
        verify_options o;
        o.timestamp_window = opts_.timestamp_window;
        o.token = token_requirement::optional;
        o.limits = opts_.limits;
        verifier_.verify(incoming_request{req.method, out.url, req.content_type, req.body, {}}, o,
                         out.oauth, ec);
        if (ec) {
            out.message = "the launch could not be verified now: " + ec.message();
            return false;
        }
        if (out.oauth.ok()) return true;
        const problem_report report =
            out.oauth.problem ? *out.oauth.problem : problem_report(problem::signature_invalid);
        out.message = report.summary();
        if (report.code == problem::signature_invalid)
            out.message +=
                "; " + detail::lti_url_diagnosis(req.headers, req.peer, origin_, out.url);
        return false;
    }

    /// The signed parameters, decoded, but the protocol ones.
    static void collect_parameters(launch_result& out)
    {
        std::error_code ec;
        for (const parameter_view p : out.oauth.parameters) {
            std::string name = percent_decode(p.name, ec);
            if (ec || name.compare(0, 6, "oauth_") == 0) continue;
            std::string value = percent_decode(p.value, ec);
            if (ec) continue;
            out.params_.emplace_back(std::move(name), std::move(value));
        }
    }

    /// The required LTI 1.1 parameters (LTI 1.1 Implementation Guide §B, basic launch data).
    void check_launch_parameters(launch_result& out) const
    {
        std::vector<std::string_view> types = {"basic-lti-launch-request"};
        if (opts_.accept_content_item) types.emplace_back("ContentItemSelectionRequest");
        std::vector<std::string_view> versions = {"LTI-1p0"};
        if (opts_.accept_lti_1p2) versions.emplace_back("LTI-1p2");
        std::string why;
        if (!detail::lti_require(out.params_, "lti_message_type", types, why) ||
            !detail::lti_require(out.params_, "lti_version", versions, why) ||
            !detail::lti_require(out.params_,
                                 out.message_type() == "basic-lti-launch-request"
                                     ? "resource_link_id"
                                     : "content_item_return_url",
                                 {}, why))
            invalid(out, std::move(why));
    }

    request_verifier<detail::lti_consumers<SecretLookup>, detail::lti_no_tokens, NonceStore, Clock>
        verifier_;
    public_origin origin_;
    launch_options opts_;
};

/// What the tool answers a launch it refuses.
struct launch_answer {
    /// 401 (or 400 for a malformed OAuth request) with WWW-Authenticate for a launch that did
    /// not verify; 302 to the LMS's return URL, or 400, for a verified launch that is invalid.
    int status = 401;
    /// The WWW-Authenticate field value (OAuth refusals).
    std::string www_authenticate;
    /// The Location field value (302).
    std::string location;
    /// The answer's Content-Type.
    std::string content_type = "text/plain";
    /// The answer's body.
    std::string body;
};

/// What the LMS shows the user on return (LTI 1.1 launch_presentation_return_url parameters):
/// lti_errormsg / lti_msg for the user, lti_errorlog / lti_log for the LMS's log. Empty ones
/// are left out.
struct return_message {
    /// lti_errormsg: shown to the user by the LMS.
    std::string_view errormsg{};
    /// lti_msg: shown to the user by the LMS.
    std::string_view msg{};
    /// lti_errorlog: logged by the LMS.
    std::string_view errorlog{};
    /// lti_log: logged by the LMS.
    std::string_view log{};
};

/// The URL sending the user back to the LMS (its launch_presentation_return_url) with
/// `message`, for a launch the tool does not accept (a verified launch only: the return URL of
/// an unverified request could be anyone's). Sets errc::invalid_argument when `r` did not
/// verify, errc::missing_parameter when it has no return URL, errc::invalid_parameter when that
/// is not an absolute http(s) URL.
inline std::string return_url(const launch_result& r, const return_message& message,
                              std::error_code& ec)
{
    ec.clear();
    if (!r.verified()) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    const std::string_view base = r.launch_presentation_return_url();
    if (base.empty()) {
        ec = make_error_code(errc::missing_parameter);
        return {};
    }
    if (!detail::lti_redirectable(base)) {
        ec = make_error_code(errc::invalid_parameter);
        return {};
    }
    std::string url;
    const std::string_view fragment = detail::begin_query_append(base, url);
    detail::lti_append_query(url, "lti_errormsg", message.errormsg);
    detail::lti_append_query(url, "lti_msg", message.msg);
    detail::lti_append_query(url, "lti_errorlog", message.errorlog);
    detail::lti_append_query(url, "lti_log", message.log);
    if (url.back() == '?' || url.back() == '&') url.pop_back();
    url += fragment;
    return url;
}

/// Same; throws oauth1::error.
inline std::string return_url(const launch_result& r, const return_message& message)
{
    std::error_code ec;
    std::string url = return_url(r, message, ec);
    detail::throw_if(ec, "the LTI return URL");
    return url;
}

/// The answer to a refused launch: a launch that did not verify gets the OAuth refusal
/// (oauth1::refusal_for: 401, or 400 for a malformed request, with `WWW-Authenticate: OAuth
/// realm="<realm>", oauth_problem=...`, the problem as a form body); a verified launch that is
/// not a valid LTI launch is sent back to the LMS (302 to return_url() with lti_errormsg) when
/// it has a return URL, else answered 400 with the message; a request that is not a form POST
/// gets 400.
inline launch_answer refusal_for(const launch_result& r, std::string_view realm)
{
    launch_answer a;
    if (!r.verified() && !r.error) {
        oauth1::refusal oauth = oauth1::refusal_for(r.oauth, realm);
        a.status = oauth.status;
        a.www_authenticate = std::move(oauth.www_authenticate);
        a.content_type = oauth1::refusal::content_type;
        a.body = std::move(oauth.body);
        return a;
    }
    if (r.verified()) {
        std::error_code ec;
        a.location = return_url(r, {r.message}, ec);
        if (!ec) {
            a.status = 302;
            return a;
        }
    }
    a.status = 400;
    a.body = "invalid LTI launch: " + r.message + "\n";
    return a;
}

} // namespace oauth1::lti

#endif // OAUTH1_LTI_HPP
