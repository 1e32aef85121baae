// Unit tests for oauth1/lti.hpp (oauth1::lti::launch_verifier): IMS LTI 1.1 launches signed by
// python3-oauthlib exactly as an LMS signs them (tests/interop/lti_launch.py: HMAC-SHA1, oauth_*
// in the form body, oauth_callback=about:blank), verified with a fixed clock: a valid launch and
// its parameters, each required LTI parameter missing or wrong, tampering, replay, a stale
// timestamp, an unknown consumer, a launch through a TLS-terminating proxy (trusted, and not,
// with the diagnostic), roles, the return URL and the refusal. Needs /usr/bin/python3 with
// python3-oauthlib; without it FAILS, saying so.
#include <oauth1/lti.hpp>

#include <doctest/doctest.h>

#include <oauth1/error.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/public_origin.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <utility>
#include <vector>

#ifndef OAUTH1_TEST_SOURCE_DIR
#define OAUTH1_TEST_SOURCE_DIR "tests"
#endif
#ifndef OAUTH1_PYTHON
#define OAUTH1_PYTHON "/usr/bin/python3"
#endif

namespace {

using oauth1::problem;
namespace lti = oauth1::lti;

constexpr std::uint64_t t0 = 1'700'000'000; // every launch is signed at t0
constexpr const char* public_url = "https://public.example/launch";

std::string shell_quote(const std::string& s)
{
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// The form body tests/interop/lti_launch.py signs (an LMS: oauthlib, HMAC-SHA1) for `url` with
/// `args` (--omit NAME, --param NAME=VALUE, --key, --secret, --method), at t0, nonce `nonce`.
std::string lms_sign(const std::string& nonce, const std::string& args = {},
                     const std::string& url = public_url)
{
    const std::string py = OAUTH1_PYTHON;
    REQUIRE_MESSAGE(::access(py.c_str(), X_OK) == 0,
                    py << " not found: the LTI tests need Debian's python3 with python3-oauthlib");
    const std::string command = shell_quote(py) + " " +
                                shell_quote(OAUTH1_TEST_SOURCE_DIR "/interop/lti_launch.py") +
                                " sign --url " + shell_quote(url) + " --timestamp " +
                                std::to_string(t0) + " --nonce " + shell_quote(nonce) + " " + args;
    INFO("command: " << command);
    FILE* f = ::popen(command.c_str(), "r");
    REQUIRE(f != nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    const int rc = ::pclose(f);
    REQUIRE_MESSAGE(rc == 0, "lti_launch.py failed (exit status "
                                 << rc
                                 << "): it needs python3-oauthlib (apt-get install "
                                    "python3-oauthlib)");
    REQUIRE(out.find("oauth_signature=") != std::string::npos);
    return out;
}

struct fixed_clock {
    std::uint64_t now;
    std::uint64_t operator()() const noexcept { return now; }
};

/// The tool's consumers: key -> shared secret.
struct secrets {
    std::map<std::string, std::string, std::less<>> table = {{"lms.example.edu", "lms-secret"}};
    std::function<const std::string*(std::string_view)> lookup() const
    {
        return [this](std::string_view key) -> const std::string* {
            const auto it = table.find(key);
            return it == table.end() ? nullptr : &it->second;
        };
    }
};

using verifier_t = lti::launch_verifier<std::function<const std::string*(std::string_view)>,
                                        oauth1::memory_nonce_store, fixed_clock>;

/// One tool endpoint: its secrets, nonce store and verifier.
struct tool {
    secrets s;
    oauth1::memory_nonce_store nonces;
    verifier_t v;
    explicit tool(oauth1::public_origin origin = oauth1::public_origin("https", "public.example"),
                  lti::launch_options o = {}, std::uint64_t now = t0 + 10)
        : v(s.lookup(), nonces, std::move(origin), o, fixed_clock{now})
    {}
    lti::launch_result
    launch(const std::string& body, std::string_view peer = "203.0.113.5",
           std::vector<std::pair<std::string_view, std::string_view>> headers = {},
           std::string_view target = "/launch") const
    {
        std::error_code ec;
        lti::launch_result r = v.verify(
            {"POST", target, "application/x-www-form-urlencoded", body, peer, std::move(headers)},
            ec);
        CHECK_FALSE(ec);
        return r;
    }
};

void check_problem(const lti::launch_result& r, problem p)
{
    INFO("message: " << r.message);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.verified());
    CHECK_FALSE(r.error);
    REQUIRE(r.oauth.problem.has_value());
    CHECK(r.oauth.problem->code == std::optional<problem>(p));
}

void check_invalid(const lti::launch_result& r, std::string_view parameter)
{
    INFO("message: " << r.message);
    CHECK(r.verified());
    CHECK_FALSE(r.ok());
    CHECK(r.error == oauth1::errc::lti_launch_invalid);
    CHECK(r.message.find(parameter) == 0);
}

} // namespace

TEST_CASE("a valid launch: verified, its parameters and typed accessors")
{
    const tool t;
    const std::string body = lms_sign("n-valid");
    const lti::launch_result r = t.launch(body);
    INFO("message: " << r.message);
    REQUIRE(r.ok());
    CHECK(r.verified());
    CHECK(r.message.empty());
    CHECK(r.url == public_url);
    CHECK(r.consumer_key() == "lms.example.edu");
    CHECK(r.oauth.nonce == "n-valid");
    CHECK(r.oauth.timestamp == t0);
    CHECK(r.message_type() == "basic-lti-launch-request");
    CHECK(r.lti_version() == "LTI-1p0");
    CHECK(r.resource_link_id() == "88391-e1919-bb3456");
    CHECK(r.user_id() == "0ae836b9-7fc9-4060-006f-27b2066ac545");
    CHECK(r.context_id() == "8213060-006f-27b2066ac545");
    CHECK(r.context_title() == "Design of Personal Environments");
    CHECK(r.lis_person_name_full() == "Jane Q. Public");
    CHECK(r.lis_person_contact_email_primary() == "jane@school.example.edu");
    CHECK(r.launch_presentation_return_url() == "https://lms.example.edu/portal/return?course=7");
    CHECK(r.tool_consumer_instance_guid() == "lms.example.edu");
    CHECK(r.value("resource_link_title") == "Week 1: Quiz");
    CHECK(r.get("context_label") == std::optional<std::string_view>("SI182"));
    CHECK_FALSE(r.get("lis_outcome_service_url").has_value());
    // Every launch parameter the LMS signed, decoded; no protocol parameter.
    CHECK(r.parameters().size() == 17);
    for (const auto& p : r.parameters()) CHECK(p.first.rfind("oauth_", 0) != 0);
    // custom_* parameters by their registered name.
    CHECK(r.custom("chapter") == std::optional<std::string_view>("3"));
    CHECK(r.custom("review_mode") ==
          std::optional<std::string_view>("a b&c=d \xC3\xBC+%")); // '+' and '%' survive
    CHECK_FALSE(r.custom("missing").has_value());
    const auto customs = r.custom_parameters();
    REQUIRE(customs.size() == 2);
    // roles: Instructor (short), an institution role (not a context role)
    const std::vector<std::string_view> roles = r.roles();
    REQUIRE(roles.size() == 2);
    CHECK(roles[0] == "Instructor");
    CHECK(roles[1] == "urn:lti:instrole:ims/lis/Administrator");
    CHECK(r.is_instructor());
    CHECK_FALSE(r.is_learner());
    CHECK_FALSE(r.has_role("Administrator")); // institution role only
}

TEST_CASE("each required LTI parameter missing: lti_launch_invalid naming it")
{
    const tool t;
    int n = 0;
    for (const char* name : {"lti_message_type", "lti_version", "resource_link_id"}) {
        CAPTURE(name);
        const lti::launch_result r =
            t.launch(lms_sign("n-missing-" + std::to_string(n++), std::string("--omit ") + name));
        check_invalid(r, name);
        CHECK(r.message == std::string(name) + " is missing");
        // A verified launch goes back to the LMS with lti_errormsg.
        const lti::launch_answer a = lti::refusal_for(r, "LTI");
        CHECK(a.status == 302);
        CHECK(a.location == "https://lms.example.edu/portal/return?course=7&lti_errormsg=" +
                                oauth1::percent_encode(r.message));
    }
    // Empty, and without a return URL: 400 with the message.
    const lti::launch_result r = t.launch(
        lms_sign("n-empty", "--param resource_link_id= --omit launch_presentation_return_url"));
    check_invalid(r, "resource_link_id");
    CHECK(r.message == "resource_link_id is empty");
    const lti::launch_answer a = lti::refusal_for(r, "LTI");
    CHECK(a.status == 400);
    CHECK(a.location.empty());
    CHECK(a.body == "invalid LTI launch: resource_link_id is empty\n");
}

TEST_CASE("wrong lti_version and lti_message_type; LTI-1p2 and content-item as options")
{
    const tool t;
    lti::launch_result r = t.launch(lms_sign("n-v2", "--param lti_version=LTI-2p0"));
    check_invalid(r, "lti_version");
    CHECK(r.message == "lti_version is \"LTI-2p0\"; this tool accepts LTI-1p0");
    r = t.launch(lms_sign("n-v12", "--param lti_version=LTI-1p2"));
    check_invalid(r, "lti_version");
    r = t.launch(lms_sign("n-type", "--param lti_message_type=ToolProxyRegistrationRequest"));
    check_invalid(r, "lti_message_type");
    CHECK(r.message == "lti_message_type is \"ToolProxyRegistrationRequest\"; this tool accepts "
                       "basic-lti-launch-request");
    r = t.launch(lms_sign("n-ci0", "--param lti_message_type=ContentItemSelectionRequest"));
    check_invalid(r, "lti_message_type");

    lti::launch_options o;
    o.accept_lti_1p2 = true;
    o.accept_content_item = true;
    const tool open(oauth1::public_origin("https", "public.example"), o);
    r = open.launch(lms_sign("n-v12b", "--param lti_version=LTI-1p2"));
    CHECK(r.ok());
    r = open.launch(lms_sign("n-v2b", "--param lti_version=LTI-2p0"));
    CHECK(r.message == "lti_version is \"LTI-2p0\"; this tool accepts LTI-1p0 or LTI-1p2");
    // A content-item request needs content_item_return_url, not resource_link_id.
    r = open.launch(lms_sign("n-ci1", "--param lti_message_type=ContentItemSelectionRequest "
                                      "--omit resource_link_id"));
    check_invalid(r, "content_item_return_url");
    r = open.launch(lms_sign("n-ci2", "--param lti_message_type=ContentItemSelectionRequest "
                                      "--omit resource_link_id --param "
                                      "content_item_return_url=https://lms.example.edu/ci"));
    CHECK(r.ok());
    CHECK(r.content_item_return_url() == "https://lms.example.edu/ci");
}

TEST_CASE("tampered, replayed, stale, unknown consumer, other method: refused as verify_result")
{
    const tool t;
    const std::string body = lms_sign("n-once");
    REQUIRE(t.launch(body).ok());
    // The same launch again: the nonce is used.
    check_problem(t.launch(body), problem::nonce_used);

    // One launch parameter changed in transit (and a fresh nonce store, so the nonce is not
    // what refuses it).
    std::string tampered = lms_sign("n-tamper");
    const std::size_t at = tampered.find("Jane");
    REQUIRE(at != std::string::npos);
    tampered.replace(at, 4, "Jake");
    {
        const tool fresh;
        const lti::launch_result r = fresh.launch(tampered);
        check_problem(r, problem::signature_invalid);
        CHECK(r.parameters().empty()); // nothing of an unverified launch is handed back
        CHECK(r.message.find("verified against https://public.example/launch") !=
              std::string::npos);
        const lti::launch_answer a = lti::refusal_for(r, "LTI");
        CHECK(a.status == 401);
        CHECK(a.www_authenticate.find("oauth_problem=\"signature_invalid\"") != std::string::npos);
        CHECK(a.location.empty());
        std::error_code ec;
        CHECK(lti::return_url(r, {"no"}, ec).empty());
        CHECK(ec == oauth1::errc::invalid_argument);
    }
    // Signed 10 minutes before the tool's clock (window 300 s).
    {
        const tool late(oauth1::public_origin("https", "public.example"), {}, t0 + 600);
        const lti::launch_result r = late.launch(lms_sign("n-stale"));
        check_problem(r, problem::timestamp_refused);
        CHECK(lti::refusal_for(r, "LTI").status == 401);
    }
    // A consumer key the tool does not know, and a wrong secret.
    check_problem(t.launch(lms_sign("n-key", "--key other.example.edu")),
                  problem::consumer_key_unknown);
    check_problem(t.launch(lms_sign("n-secret", "--secret wrong")), problem::signature_invalid);
    // HMAC-SHA256 is not LTI 1.1's method: refused unless the tool allows it.
    check_problem(t.launch(lms_sign("n-256", "--method HMAC-SHA256")),
                  problem::signature_method_rejected);
    lti::launch_options o;
    o.methods.add(oauth1::signature_method::hmac_sha256);
    const tool sha256(oauth1::public_origin("https", "public.example"), o);
    CHECK(sha256.launch(lms_sign("n-256b", "--method HMAC-SHA256")).ok());
}

TEST_CASE("not a form POST: lti_launch_invalid, 400")
{
    const tool t;
    const std::string body = lms_sign("n-get");
    std::error_code ec;
    lti::launch_result r = t.v.verify({"GET", "/launch", "", "", "203.0.113.5", {}}, ec);
    CHECK_FALSE(ec);
    CHECK(r.error == oauth1::errc::lti_launch_invalid);
    CHECK(r.message == "an LTI launch is a POST (this request is GET)");
    CHECK(lti::refusal_for(r, "LTI").status == 400);
    r = t.v.verify({"POST", "/launch", "application/json", body, "203.0.113.5", {}}, ec);
    CHECK(r.error == oauth1::errc::lti_launch_invalid);
    CHECK_FALSE(r.verified());
    CHECK(lti::refusal_for(r, "LTI").status == 400);
}

TEST_CASE("behind a TLS-terminating proxy: trusted, untrusted (with the diagnostic), wrong family")
{
    // The LMS signs the public URL; the tool listens on http://internal:8080 behind the proxy.
    const std::vector<std::pair<std::string_view, std::string_view>> forwarded = {
        {"Host", "internal:8080"},
        {"X-Forwarded-Proto", "https"},
        {"X-Forwarded-Host", "public.example"}};
    {
        const tool t(oauth1::public_origin("http", "internal:8080")
                         .trust_proxies({"10.0.0.7"}, oauth1::forwarded_headers::x_forwarded));
        const lti::launch_result r = t.launch(lms_sign("n-proxy-ok"), "10.0.0.7", forwarded);
        INFO("message: " << r.message);
        CHECK(r.ok());
        CHECK(r.url == public_url);
    }
    {
        // The same launch from a peer that is not the trusted proxy: the headers are ignored.
        const tool t(oauth1::public_origin("http", "internal:8080")
                         .trust_proxies({"10.0.0.7"}, oauth1::forwarded_headers::x_forwarded));
        const lti::launch_result r = t.launch(lms_sign("n-proxy-peer"), "10.0.0.9", forwarded);
        check_problem(r, problem::signature_invalid);
        CHECK(r.url == "http://internal:8080/launch");
        MESSAGE("untrusted proxy: " << r.message);
        CHECK(r.message.find("verified against http://internal:8080/launch; the request came "
                             "from 10.0.0.9 with X-Forwarded-Proto/X-Forwarded-Host naming "
                             "https://public.example, which is not a trusted proxy") !=
              std::string::npos);
        CHECK(r.message.find("if a proxy terminates TLS, trust it: origin.trust_proxies("
                             "{\"10.0.0.9\"}, oauth1::forwarded_headers::x_forwarded)") !=
              std::string::npos);
    }
    {
        // No proxy trusted at all.
        const tool t(oauth1::public_origin("http", "internal:8080"));
        const lti::launch_result r = t.launch(lms_sign("n-proxy-none"), "10.0.0.7", forwarded);
        check_problem(r, problem::signature_invalid);
        CHECK(r.message.find("trust_proxies({\"10.0.0.7\"}") != std::string::npos);
    }
    {
        // The proxy is trusted, but the origin reads Forwarded (RFC 7239) and it sends X-*.
        const tool t(oauth1::public_origin("http", "internal:8080").trust_proxies({"10.0.0.7"}));
        const lti::launch_result r = t.launch(lms_sign("n-proxy-family"), "10.0.0.7", forwarded);
        check_problem(r, problem::signature_invalid);
        CHECK(r.message.find("the trusted proxy 10.0.0.7 sent X-Forwarded-Proto/X-Forwarded-Host, "
                             "but the origin reads Forwarded") != std::string::npos);
    }
    {
        // RFC 7239 Forwarded from the trusted proxy.
        const tool t(oauth1::public_origin("http", "internal:8080").trust_proxies({"10.0.0.7"}));
        const lti::launch_result r =
            t.launch(lms_sign("n-proxy-7239"), "10.0.0.7",
                     {{"Forwarded", "for=198.51.100.2;proto=https;host=public.example"}});
        CHECK(r.ok());
    }
    {
        // No forwarding headers, and the LMS signed another URL.
        const tool t(oauth1::public_origin("http", "internal:8080"));
        const lti::launch_result r = t.launch(lms_sign("n-direct"), "10.0.0.7");
        check_problem(r, problem::signature_invalid);
        CHECK(r.message.find("the request carried no forwarding headers") != std::string::npos);
    }
    {
        // A malformed forwarding header from the trusted proxy refuses the launch.
        const tool t(oauth1::public_origin("http", "internal:8080")
                         .trust_proxies({"10.0.0.7"}, oauth1::forwarded_headers::x_forwarded));
        const lti::launch_result r =
            t.launch(lms_sign("n-proxy-bad"), "10.0.0.7", {{"X-Forwarded-Proto", "gopher"}});
        check_problem(r, problem::parameter_rejected);
        CHECK(lti::refusal_for(r, "LTI").status == 400);
    }
}

TEST_CASE("roles: LIS URNs, sub-roles, short names, institution roles, any case")
{
    const tool t;
    const lti::launch_result r = t.launch(
        lms_sign("n-roles", "--param 'roles=urn:lti:role:ims/lis/Learner/NonCreditLearner , "
                            "urn:lti:instrole:ims/lis/Instructor,,mentor, "
                            "urn:lti:role:ims/lis/TeachingAssistant'"));
    REQUIRE(r.ok());
    const std::vector<std::string_view> roles = r.roles();
    REQUIRE(roles.size() == 4);
    CHECK(roles[0] == "urn:lti:role:ims/lis/Learner/NonCreditLearner");
    CHECK(roles[1] == "urn:lti:instrole:ims/lis/Instructor");
    CHECK(roles[2] == "mentor");
    CHECK(roles[3] == "urn:lti:role:ims/lis/TeachingAssistant");
    CHECK(r.is_learner());
    CHECK_FALSE(r.is_instructor()); // an institution role is not a context role
    CHECK(r.has_role("Mentor"));
    CHECK(r.has_role("TeachingAssistant"));
    CHECK_FALSE(r.has_role("Teaching"));

    const lti::launch_result u =
        t.launch(lms_sign("n-roles2", "--param roles=urn:lti:role:ims/lis/Instructor,Learner"));
    REQUIRE(u.ok());
    CHECK(u.is_instructor());
    CHECK(u.is_learner());
    const lti::launch_result none = t.launch(lms_sign("n-roles3", "--omit roles"));
    REQUIRE(none.ok());
    CHECK(none.roles().empty());
    CHECK_FALSE(none.is_instructor());
}

TEST_CASE("return_url: lti_errormsg / lti_msg on a verified launch only, http(s) only")
{
    const tool t;
    lti::launch_result r = t.launch(lms_sign("n-ret"));
    REQUIRE(r.ok());
    CHECK(lti::return_url(r, {"This course is closed.", "Try later"}) ==
          "https://lms.example.edu/portal/return?course=7&lti_errormsg=This%20course%20is%20"
          "closed.&lti_msg=Try%20later");
    r = t.launch(
        lms_sign("n-ret2", "--param launch_presentation_return_url=https://lms.example.edu/r#top"));
    REQUIRE(r.ok());
    CHECK(lti::return_url(r, {{}, "done", {}, "tool log"}) ==
          "https://lms.example.edu/r?lti_msg=done&lti_log=tool%20log#top");
    std::error_code ec;
    r = t.launch(
        lms_sign("n-ret3", "--param 'launch_presentation_return_url=javascript:alert(1)'"));
    REQUIRE(r.ok());
    CHECK(lti::return_url(r, {"x"}, ec).empty());
    CHECK(ec == oauth1::errc::invalid_parameter);
    r = t.launch(lms_sign("n-ret4", "--omit launch_presentation_return_url"));
    REQUIRE(r.ok());
    CHECK(lti::return_url(r, {"x"}, ec).empty());
    CHECK(ec == oauth1::errc::missing_parameter);
    CHECK_THROWS_AS(lti::return_url(r, {"x"}), oauth1::error);
}

TEST_CASE("the existing credential lookup (consumer_credentials) works as the secret lookup")
{
    std::map<std::string, oauth1::consumer_credentials, std::less<>> consumers;
    consumers["lms.example.edu"] = {"lms-secret", {}, oauth1::method_set::defaults()};
    oauth1::memory_nonce_store nonces;
    const lti::launch_verifier v(
        [&consumers](std::string_view key) -> const oauth1::consumer_credentials* {
            const auto it = consumers.find(key);
            return it == consumers.end() ? nullptr : &it->second;
        },
        nonces, oauth1::public_origin("https", "public.example"), {}, fixed_clock{t0});
    const std::string body = lms_sign("n-creds");
    const lti::launch_result r =
        v.verify({"POST", "/launch", "application/x-www-form-urlencoded", body, "", {}});
    CHECK(r.ok());
    CHECK(r.user_id() == "0ae836b9-7fc9-4060-006f-27b2066ac545");
    // The consumer allows HMAC-SHA256, the tool does not (LTI 1.1 default): refused.
    const std::string sha256 = lms_sign("n-creds256", "--method HMAC-SHA256");
    const lti::launch_result s =
        v.verify({"POST", "/launch", "application/x-www-form-urlencoded", sha256, "", {}});
    REQUIRE(s.oauth.problem.has_value());
    CHECK(s.oauth.problem->code == std::optional<problem>(problem::signature_method_rejected));

    // A lookup returning std::optional<std::string> works too.
    const lti::launch_verifier w(
        [](std::string_view key) -> std::optional<std::string> {
            if (key == "lms.example.edu") return std::string("lms-secret");
            return std::nullopt;
        },
        nonces, oauth1::public_origin("https", "public.example"), {}, fixed_clock{t0});
    CHECK(w.verify(
               {"POST", "/launch", "application/x-www-form-urlencoded", lms_sign("n-opt"), "", {}})
              .ok());
}

TEST_CASE("protocol parameters: oauth_version other than 1.0, a token, one absent")
{
    const tool t;
    const auto replaced = [](std::string body, const std::string& from, const std::string& to) {
        const std::size_t at = body.find(from);
        REQUIRE(at != std::string::npos);
        return body.replace(at, from.size(), to);
    };
    // Checked before the signature, so the edits themselves are not what refuses them.
    lti::launch_result r =
        t.launch(replaced(lms_sign("n-ver"), "oauth_version=1.0", "oauth_version=2.0"));
    check_problem(r, problem::version_rejected);
    CHECK(lti::refusal_for(r, "LTI").status == 400);
    r = t.launch(lms_sign("n-token") + "&oauth_token=abc");
    check_problem(r, problem::token_rejected);
    r = t.launch(replaced(lms_sign("n-absent"), "oauth_nonce=n-absent&", ""));
    check_problem(r, problem::parameter_absent);
    CHECK(r.oauth.problem->parameters_absent == std::vector<std::string>{"oauth_nonce"});
    const lti::launch_answer a = lti::refusal_for(r, "LTI");
    CHECK(a.status == 400);
    CHECK(a.www_authenticate.find("oauth_problem=\"parameter_absent\"") != std::string::npos);
}
