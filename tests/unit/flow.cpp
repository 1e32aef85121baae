// Unit tests for oauth1/flow.hpp: the three-legged flow against an in-process provider built on
// oauth1::request_verifier (the transport is a function call, no sockets), answer parsing, URLs, and the
// failure reports.
#include <oauth1/flow.hpp>

#include <oauth1/client.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>
#include <oauth1/transport.hpp>

#include <doctest/doctest.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace {

const std::string keys_dir = OAUTH1_TEST_DATA_DIR "/keys/";

/// A provider in a function: JIRA's three servlets + one resource, on oauth1::request_verifier.
class fake_provider {
public:
    explicit fake_provider(std::string base = "https://jira.example.com")
        : base_(std::move(base)), endpoints_(oauth1::jira_endpoints(base_))
    {
        consumers_["OauthKey"] = {"",
                                  oauth1::load_public_key_file(keys_dir + "wiki_cert.pem"),
                                  {oauth1::signature_method::rsa_sha1}};
        consumers_["hmac-consumer"] = {"kd94hf93k423kf44", {}, oauth1::method_set::all()};
    }

    /// The transport: http_response(const http_request&, std::error_code&).
    oauth1::http_response operator()(const oauth1::http_request& req, std::error_code& ec)
    {
        ec.clear();
        ++calls;
        last = req;
        const std::string path = req.url.substr(0, req.url.find('?'));
        if (path == endpoints_.request_token) return request_token(req);
        if (path == endpoints_.access_token) return access_token(req);
        return resource(req);
    }

    /// Approves a request token as the user would, returning the verifier.
    std::string approve(const std::string& token)
    {
        auto& t = temp_.at(token);
        t.verifier = "v" + std::to_string(++counter_);
        return t.verifier;
    }

    int calls = 0;
    oauth1::http_request last;
    std::optional<std::uint64_t> clock_override;
    bool echo_base_string = true;

private:
    struct temp_token {
        std::string consumer_key; ///< the consumer it was issued to
        std::string secret;
        std::string verifier;
        bool used = false;
    };
    struct access_token_record {
        std::string consumer_key;
        std::string secret;
    };

    template <class F>
    oauth1::verify_result verify(const oauth1::http_request& req, oauth1::token_requirement need,
                                 F&& tokens)
    {
        auto consumers = [this](std::string_view k) -> const oauth1::consumer_credentials* {
            const auto it = consumers_.find(std::string(k));
            return it == consumers_.end() ? nullptr : &it->second;
        };
        const std::optional<std::uint64_t> fixed = clock_override;
        auto clock = [fixed] { return fixed ? *fixed : oauth1::system_clock{}(); };
        const oauth1::request_verifier v(consumers, tokens, nonces_, clock);
        oauth1::verify_options o;
        o.token = need;
        o.keep_base_string = true;
        return v.verify(
            {req.method, req.url, req.content_type, req.body, req.header("Authorization")}, o);
    }

    oauth1::http_response refuse(const oauth1::verify_result& r)
    {
        oauth1::problem_report p = *r.problem;
        if (echo_base_string) p.signature_base_string = r.base_string;
        oauth1::http_response res;
        res.status = 401;
        res.headers.push_back({"WWW-Authenticate", oauth1::www_authenticate(p, "JIRA")});
        res.body = oauth1::problem_body(p, echo_base_string);
        return res;
    }

    static oauth1::http_response form(std::string body)
    {
        oauth1::http_response res;
        res.status = 200;
        res.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
        res.body = std::move(body);
        return res;
    }

    oauth1::http_response request_token(const oauth1::http_request& req)
    {
        if (req.method != "POST") return {405, {}, "POST only"};
        const auto r = verify(
            req, oauth1::token_requirement::none,
            [](std::string_view, std::string_view) -> std::optional<oauth1::token_credentials> {
                return std::nullopt;
            });
        if (!r) return refuse(r);
        const std::string token = "rt" + std::to_string(++counter_);
        temp_[token] = {r.consumer_key, "rs/" + std::to_string(counter_) + "+=", {}, false};
        return form("oauth_token=" + token + "&oauth_token_secret=" +
                    oauth1::percent_encode(temp_[token].secret) + "&oauth_callback_confirmed=true");
    }

    oauth1::http_response access_token(const oauth1::http_request& req)
    {
        auto tokens = [this](std::string_view,
                             std::string_view t) -> std::optional<oauth1::token_credentials> {
            const auto it = temp_.find(std::string(t));
            if (it == temp_.end()) return std::nullopt;
            return oauth1::token_credentials{
                it->second.consumer_key, it->second.secret, oauth1::token_kind::request,
                it->second.used ? oauth1::token_state::used : oauth1::token_state::valid};
        };
        const auto r = verify(req, oauth1::token_requirement::request, tokens);
        if (!r) return refuse(r);
        auto& t = temp_.at(r.token);
        if (t.verifier.empty() || t.verifier != r.verifier) {
            oauth1::verify_result bad;
            bad.problem =
                oauth1::problem_report(t.verifier.empty() ? oauth1::problem::permission_unknown
                                                          : oauth1::problem::token_rejected);
            return refuse(bad);
        }
        t.used = true;
        const std::string token = "at" + std::to_string(++counter_);
        access_[token] = {r.consumer_key, "as&" + std::to_string(counter_)};
        return form("oauth_token=" + token +
                    "&oauth_token_secret=" + oauth1::percent_encode(access_[token].secret) +
                    "&oauth_expires_in=157680000&oauth_session_handle=sh" +
                    std::to_string(counter_) + "&oauth_authorization_expires_in=157680000");
    }

    oauth1::http_response resource(const oauth1::http_request& req)
    {
        auto tokens = [this](std::string_view,
                             std::string_view t) -> std::optional<oauth1::token_credentials> {
            const auto it = access_.find(std::string(t));
            if (it == access_.end()) return std::nullopt;
            return oauth1::token_credentials{it->second.consumer_key, it->second.secret};
        };
        const auto r = verify(req, oauth1::token_requirement::access, tokens);
        if (!r) return refuse(r);
        if (req.url.find("/missing") != std::string::npos) {
            return {404,
                    {{"Content-Type", "application/json"}},
                    R"({"errorMessages":["Issue Does Not Exist"],"errors":{}})"};
        }
        return {200, {{"Content-Type", "application/json"}}, R"({"key":"JJ-2"})"};
    }

    std::string base_;
    oauth1::service_endpoints endpoints_;
    std::map<std::string, oauth1::consumer_credentials> consumers_;
    std::map<std::string, temp_token> temp_;
    std::map<std::string, access_token_record> access_;
    oauth1::memory_nonce_store nonces_;
    int counter_ = 0;
};

oauth1::client rsa_client()
{
    return {"OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(keys_dir + "wiki_key.pem"))};
}

} // namespace

TEST_CASE("jira_endpoints: the three servlets under the base URL")
{
    const auto e = oauth1::jira_endpoints("https://jira.example.com/jira//");
    CHECK(e.request_token == "https://jira.example.com/jira/plugins/servlet/oauth/request-token");
    CHECK(e.authorize == "https://jira.example.com/jira/plugins/servlet/oauth/authorize");
    CHECK(e.access_token == "https://jira.example.com/jira/plugins/servlet/oauth/access-token");
    CHECK(oauth1::jira_default_method == oauth1::signature_method::rsa_sha1);
}

TEST_CASE("the whole dance, RSA-SHA1 (JIRA) and HMAC-SHA1, against the in-process provider")
{
    fake_provider provider;
    const auto ep = oauth1::jira_endpoints("https://jira.example.com");
    oauth1::client clients[] = {rsa_client(),
                                {"hmac-consumer", oauth1::hmac_sha1("kd94hf93k423kf44")}};
    for (oauth1::client& c : clients) {
        CAPTURE(c.consumer_key());
        c.set_token("stale", "stale-secret"); // request_temporary_credentials clears it
        const oauth1::temporary_credentials temp =
            oauth1::request_temporary_credentials(provider, c, ep.request_token);
        CHECK(provider.last.method == "POST");
        CHECK(provider.last.header("Authorization").find("oauth_callback=\"oob\"") !=
              std::string_view::npos);
        CHECK(provider.last.header("Authorization").find("oauth_token=") == std::string_view::npos);
        CHECK(temp.callback_confirmed);
        CHECK(temp.token.rfind("rt", 0) == 0);
        CHECK(temp.secret.find("+=") != std::string::npos); // decoded from %2B%3D

        const std::string url = oauth1::authorization_url(ep.authorize, temp.token);
        CHECK(url == ep.authorize + "?oauth_token=" + temp.token);

        const std::string verifier = provider.approve(temp.token);
        const oauth1::access_credentials access =
            oauth1::request_token_credentials(provider, c, ep.access_token, temp, verifier);
        CHECK(provider.last.header("Authorization").find("oauth_verifier=\"" + verifier + "\"") !=
              std::string_view::npos);
        CHECK(access.token.rfind("at", 0) == 0);
        CHECK(access.secret.find('&') != std::string::npos);
        CHECK(access.expires_in == 157680000U);
        CHECK(access.authorization_expires_in == 157680000U);
        CHECK(access.session_handle.rfind("sh", 0) == 0);
        CHECK(c.token() == access.token);

        const oauth1::http_response issue = oauth1::send_signed(
            provider, c, {"GET", "https://jira.example.com/rest/api/latest/issue/JJ-2"});
        CHECK(issue.status == 200);
        CHECK(issue.body == R"({"key":"JJ-2"})");

        // A non-OAuth error answer is returned (throwing overload), the status tells.
        const oauth1::http_response missing = oauth1::send_signed(
            provider, c, {"GET", "https://jira.example.com/rest/api/2/issue/missing"});
        CHECK(missing.status == 404);
        oauth1::step_failure f;
        std::error_code ec;
        (void)oauth1::send_signed(
            provider, c, {"GET", "https://jira.example.com/rest/api/2/issue/missing"}, {}, f, ec);
        CHECK(ec == oauth1::errc::http_status);
        CHECK(f.status == 404);
        CHECK(f.describe().find("HTTP 404") != std::string::npos);
        CHECK(f.describe().find("Issue Does Not Exist") != std::string::npos);
    }
}

TEST_CASE("failed steps: the problem, the advice, and the base-string difference")
{
    fake_provider provider;
    const auto ep = oauth1::jira_endpoints("https://jira.example.com");

    SUBCASE("wrong key: signature_invalid, the provider's base string compared with ours")
    {
        oauth1::client c("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(
                                         keys_dir + "bench_rsa1024.pem")));
        oauth1::step_failure f;
        std::error_code ec;
        const auto t =
            oauth1::request_temporary_credentials(provider, c, ep.request_token, {}, f, ec);
        CHECK(ec == oauth1::errc::oauth_problem);
        CHECK(t.token.empty());
        CHECK(f.status == 401);
        REQUIRE(f.problem);
        CHECK(f.problem->code == oauth1::problem::signature_invalid);
        CHECK_FALSE(f.base_string.empty());
        // Same request, so the base strings agree: the key is what differs.
        CHECK(f.problem->signature_base_string == f.base_string);
        CHECK(f.base_string_difference.empty());
        const std::string d = f.describe();
        CHECK(d.find("temporary credentials") != std::string::npos);
        CHECK(d.find("signature_invalid") != std::string::npos);
        CHECK(d.find("public key") != std::string::npos);
        CHECK(d.find("is the same as ours, so the key is what differs") != std::string::npos);
        CHECK_THROWS_AS(oauth1::request_temporary_credentials(provider, c, ep.request_token),
                        oauth1::flow_error);
    }

    SUBCASE("an unknown consumer key: the message repeats the key that was sent")
    {
        // "OAuthKey" for the registered "OauthKey": keys are case-sensitive.
        oauth1::client c(
            "OAuthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(keys_dir + "wiki_key.pem")));
        oauth1::step_failure f;
        std::error_code ec;
        (void)oauth1::request_temporary_credentials(provider, c, ep.request_token, {}, f, ec);
        CHECK(ec == oauth1::errc::oauth_problem);
        REQUIRE(f.problem);
        CHECK(f.problem->code == oauth1::problem::consumer_key_unknown);
        CHECK(f.consumer_key == "OAuthKey");
        const std::string d = f.describe();
        CAPTURE(d);
        CHECK(d.find("for the consumer key \"OAuthKey\" (consumer keys are case-sensitive)") !=
              std::string::npos);
        CHECK(d.find("register it") != std::string::npos);
    }

    SUBCASE("a URL that cannot be signed: the character and its position")
    {
        oauth1::client c = rsa_client();
        oauth1::step_failure f;
        std::error_code ec;
        (void)oauth1::request_temporary_credentials(
            provider, c, "https://jira.example.com/plugins/servlet/oauth/request token", {}, f, ec);
        CHECK(ec == oauth1::errc::invalid_url);
        CHECK(f.status == 0);
        const std::string d = f.describe();
        CAPTURE(d);
        CHECK(d.find("a space at character 55 (in the path)") != std::string::npos);
    }

    SUBCASE("a provider that sees another URL: the difference is explained")
    {
        oauth1::client c = rsa_client();
        oauth1::step_failure f;
        std::error_code ec;
        // Signed for http://, "received" as https:// (a TLS-terminating proxy).
        auto proxy = [&provider](const oauth1::http_request& r, std::error_code& e) {
            oauth1::http_request seen = r;
            seen.url.replace(0, 4, "https");
            return provider(seen, e);
        };
        (void)oauth1::request_temporary_credentials(
            proxy, c, "http://jira.example.com/plugins/servlet/oauth/request-token", {}, f, ec);
        CHECK(ec == oauth1::errc::oauth_problem);
        CHECK(f.base_string_difference.find("URI: ours 'http://jira.example.com/") !=
              std::string::npos);
        CHECK(f.describe().find("differs from ours") != std::string::npos);
    }

    SUBCASE("clock skew: timestamp_refused, the advice mentions the clock")
    {
        provider.clock_override = oauth1::system_clock{}() + 3600;
        oauth1::client c = rsa_client();
        try {
            (void)oauth1::request_temporary_credentials(provider, c, ep.request_token);
            FAIL("no exception");
        } catch (const oauth1::flow_error& e) {
            CHECK(e.code() == oauth1::errc::oauth_problem);
            REQUIRE(e.failure().problem);
            CHECK(e.failure().problem->code == oauth1::problem::timestamp_refused);
            CHECK(std::string(e.what()).find("clock") != std::string::npos);
            CHECK(std::string(e.what()).find("acceptable timestamps") != std::string::npos);
        }
    }

    SUBCASE("wrong verifier, not yet approved, reused request token")
    {
        oauth1::client c = rsa_client();
        const auto temp = oauth1::request_temporary_credentials(provider, c, ep.request_token);
        oauth1::step_failure f;
        std::error_code ec;
        (void)oauth1::request_token_credentials(provider, c, ep.access_token, temp, "nope", {}, f,
                                                ec);
        REQUIRE(f.problem);
        CHECK(f.problem->code == oauth1::problem::permission_unknown);
        CHECK(f.describe().find("allow access") != std::string::npos);
        CHECK(c.token().empty()); // a failed exchange leaves no token behind

        const std::string v = provider.approve(temp.token);
        (void)oauth1::request_token_credentials(provider, c, ep.access_token, temp, v + "x", {}, f,
                                                ec);
        REQUIRE(f.problem);
        CHECK(f.problem->code == oauth1::problem::token_rejected);

        (void)oauth1::request_token_credentials(provider, c, ep.access_token, temp, v);
        (void)oauth1::request_token_credentials(provider, c, ep.access_token, temp, v, {}, f, ec);
        REQUIRE(f.problem);
        CHECK(f.problem->code == oauth1::problem::token_used);
        CHECK(f.describe().find("start the dance again") != std::string::npos);

        const int before = provider.calls;
        (void)oauth1::request_token_credentials(provider, c, ep.access_token, temp, "", {}, f, ec);
        CHECK(ec == oauth1::errc::missing_parameter);
        CHECK(provider.calls == before); // nothing sent
    }
}

TEST_CASE("transport failures and answers that are not token responses")
{
    oauth1::client c("hmac-consumer", oauth1::hmac_sha1("kd94hf93k423kf44"));
    oauth1::step_failure f;
    std::error_code ec;

    auto down = [](const oauth1::http_request&, std::error_code& e) {
        e = oauth1::make_error_code(oauth1::errc::transport_failed);
        return oauth1::http_response{};
    };
    (void)oauth1::request_temporary_credentials(down, c, "http://127.0.0.1:1/rt", {}, f, ec);
    CHECK(ec == oauth1::errc::transport_failed);
    CHECK(f.status == 0);
    CHECK(f.describe().find("transport") != std::string::npos);

    auto html = [](const oauth1::http_request&) { // the throwing transport form
        return oauth1::http_response{200, {}, "<html>login</html>"};
    };
    (void)oauth1::request_temporary_credentials(html, c, "http://127.0.0.1:1/rt", {}, f, ec);
    CHECK(ec == oauth1::errc::invalid_token_response);
    CHECK(f.status == 200);
    CHECK(f.detail == "the answer has no oauth_token");
    CHECK(f.describe().find("the answer has no oauth_token (HTTP 200); the answer begins: "
                            "<html>login</html>") != std::string::npos);

    auto unconfirmed = [](const oauth1::http_request&) {
        return oauth1::http_response{200, {}, "oauth_token=a&oauth_token_secret=b"};
    };
    (void)oauth1::request_temporary_credentials(unconfirmed, c, "http://127.0.0.1:1/rt", {}, f, ec);
    CHECK(ec == oauth1::errc::callback_not_confirmed);
    CHECK(f.detail == "the answer has no oauth_callback_confirmed");
    // The secret of a refused answer is in neither the message nor the excerpt.
    CHECK(f.body_excerpt == "oauth_token=a&oauth_token_secret=[redacted]");
    CHECK(f.describe().find("oauth_token_secret=[redacted]") != std::string::npos);

    auto boom = [](const oauth1::http_request&) -> oauth1::http_response {
        throw std::runtime_error("socket closed");
    };
    CHECK_THROWS_WITH_AS(
        (void)oauth1::request_temporary_credentials(boom, c, "http://127.0.0.1:1/rt"),
        "socket closed", std::runtime_error);

    auto server_error = [](const oauth1::http_request&) {
        return oauth1::http_response{500, {}, "Internal\r\nServer Error"};
    };
    (void)oauth1::request_temporary_credentials(server_error, c, "http://127.0.0.1:1/rt", {}, f,
                                                ec);
    CHECK(ec == oauth1::errc::http_status);
    CHECK(f.describe().find("HTTP 500: Internal  Server Error") != std::string::npos);

    // A signing error (bad endpoint URL) is reported before anything is sent.
    int sent = 0;
    auto counting = [&sent](const oauth1::http_request&) {
        ++sent;
        return oauth1::http_response{};
    };
    (void)oauth1::request_temporary_credentials(counting, c, "ftp://x/rt", {}, f, ec);
    CHECK(ec == oauth1::errc::invalid_url);
    CHECK(sent == 0);
}

TEST_CASE("parse_temporary_credentials")
{
    std::error_code ec;
    auto t = oauth1::parse_temporary_credentials(
        "oauth_token=ab%2Bc&oauth_token_secret=s%20x&oauth_callback_confirmed=true&x=1\n", ec);
    CHECK_FALSE(ec);
    CHECK(t.token == "ab+c");
    CHECK(t.secret == "s x");
    CHECK(t.callback_confirmed);
    REQUIRE(t.extra.size() == 1);
    CHECK(t.extra[0] == std::pair<std::string, std::string>{"x", "1"});

    for (const char* bad : {"", "oauth_token_secret=s&oauth_callback_confirmed=true",
                            "oauth_token=t&oauth_callback_confirmed=true",
                            "oauth_token=t&oauth_token=u&oauth_token_secret=s&oauth_callback_"
                            "confirmed=true",
                            "oauth_token=%zz&oauth_token_secret=s&oauth_callback_confirmed=true",
                            "oauth_token=a%0Db&oauth_token_secret=s&oauth_callback_confirmed=true",
                            "oauth_token=&oauth_token_secret=s&oauth_callback_confirmed=true"}) {
        CAPTURE(bad);
        (void)oauth1::parse_temporary_credentials(bad, ec);
        CHECK(ec == oauth1::errc::invalid_token_response);
    }
    for (const char* unconfirmed : {"oauth_token=t&oauth_token_secret=s",
                                    "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=1",
                                    "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed="
                                    "TRUE"}) {
        CAPTURE(unconfirmed);
        (void)oauth1::parse_temporary_credentials(unconfirmed, ec);
        CHECK(ec == oauth1::errc::callback_not_confirmed);
    }
    // An empty secret is allowed (RFC 5849 2.1: the secret may be empty).
    t = oauth1::parse_temporary_credentials(
        "oauth_token=t&oauth_token_secret=&oauth_callback_confirmed=true", ec);
    CHECK_FALSE(ec);
    CHECK(t.secret.empty());
}

TEST_CASE("parse_token_credentials")
{
    std::error_code ec;
    auto a = oauth1::parse_token_credentials(
        "oauth_token=t&oauth_token_secret=s&oauth_expires_in=10&oauth_session_handle=h%2F1&"
        "oauth_authorization_expires_in=20&other=y",
        ec);
    CHECK_FALSE(ec);
    CHECK(a.token == "t");
    CHECK(a.secret == "s");
    CHECK(a.expires_in == 10U);
    CHECK(a.authorization_expires_in == 20U);
    CHECK(a.session_handle == "h/1");
    REQUIRE(a.extra.size() == 1);
    a = oauth1::parse_token_credentials("oauth_token_secret=s&oauth_token=t", ec);
    CHECK_FALSE(ec);
    CHECK_FALSE(a.expires_in);
    for (const char* bad :
         {"oauth_token=t", "oauth_token=t&oauth_token_secret=s&oauth_expires_in=x",
          "oauth_token=t&oauth_token_secret=s&oauth_expires_in=-1",
          "oauth_token=t&oauth_token_secret=s&oauth_token_secret=s",
          "oauth_problem=token_rejected"}) {
        CAPTURE(bad);
        (void)oauth1::parse_token_credentials(bad, ec);
        CHECK(ec == oauth1::errc::invalid_token_response);
    }
}

TEST_CASE("authorization_url and parse_callback")
{
    CHECK(oauth1::authorization_url("https://j.example.com/authorize", "a b+c/d") ==
          "https://j.example.com/authorize?oauth_token=a%20b%2Bc%2Fd");
    CHECK(oauth1::authorization_url("https://j.example.com/authorize?x=1", "t") ==
          "https://j.example.com/authorize?x=1&oauth_token=t");
    CHECK(oauth1::authorization_url("https://j.example.com/authorize?#frag", "t") ==
          "https://j.example.com/authorize?oauth_token=t#frag");
    std::error_code ec;
    CHECK(oauth1::authorization_url("not a url", "t", ec).empty());
    CHECK(ec == oauth1::errc::invalid_url);
    CHECK_THROWS_AS(oauth1::authorization_url("/relative", "t"), oauth1::error);

    auto p = oauth1::parse_callback("https://app.example.com/cb?state=1&oauth_token=t%2B1&"
                                    "oauth_verifier=v+2#x");
    CHECK(p.token == "t+1");
    CHECK(p.verifier == "v 2");
    p = oauth1::parse_callback("oauth_verifier=abc&oauth_token=t");
    CHECK(p.verifier == "abc");
    (void)oauth1::parse_callback("https://app.example.com/cb?oauth_token=t", ec);
    CHECK(ec == oauth1::errc::missing_parameter);
    (void)oauth1::parse_callback("https://app.example.com/cb", ec);
    CHECK(ec == oauth1::errc::missing_parameter);
    (void)oauth1::parse_callback("oauth_token=t&oauth_verifier=a&oauth_verifier=b", ec);
    CHECK(ec == oauth1::errc::duplicate_protocol_parameter);
    (void)oauth1::parse_callback("oauth_token=t&oauth_verifier=%g0", ec);
    CHECK(ec == oauth1::errc::invalid_percent_encoding);
}

TEST_CASE("token answers that repeat a protocol parameter are refused, naming it")
{
    std::error_code ec;
    std::string why;
    const std::string ok_temp = "oauth_token=t&oauth_token_secret=s3cret&";
    // oauth_callback_confirmed false then true: neither the first nor the last value is read.
    for (const std::string confirmed :
         {"oauth_callback_confirmed=false&oauth_callback_confirmed=true",
          "oauth_callback_confirmed=true&oauth_callback_confirmed=false",
          "oauth_callback_confirmed=true&oauth_callback_confirmed=true",
          "oauth_callback_confirmed=true&oauth%5Fcallback_confirmed=true"}) {
        CAPTURE(confirmed);
        const auto t = oauth1::parse_temporary_credentials(ok_temp + confirmed, ec, &why);
        CHECK(ec == oauth1::errc::invalid_token_response);
        CHECK(why == "the answer repeats oauth_callback_confirmed");
        CHECK_FALSE(t.callback_confirmed);
        CHECK(t.token.empty());
    }
    struct repeated_case {
        const char* body;
        const char* name;
    };
    for (const repeated_case& c : std::initializer_list<repeated_case>{
             {"oauth_token=t&oauth_token=u&oauth_token_secret=s3cret&oauth_callback_confirmed=true",
              "oauth_token"},
             {"oauth_token=t&oauth_token_secret=s3cret&oauth_token_secret=s3cret&oauth_callback_"
              "confirmed=true",
              "oauth_token_secret"},
             {"oauth_token=t&oauth_token_secret=s3cret&oauth_callback_confirmed=true&oauth_x=1&"
              "oauth_x=1",
              "oauth_x"}}) {
        CAPTURE(c.body);
        (void)oauth1::parse_temporary_credentials(c.body, ec, &why);
        CHECK(ec == oauth1::errc::invalid_token_response);
        CHECK(why == std::string("the answer repeats ") + c.name);
        CHECK(why.find("s3cret") == std::string::npos);
    }
    for (const repeated_case& c : std::initializer_list<repeated_case>{
             {"oauth_token=t&oauth_token_secret=s3cret&oauth%5Ftoken=u", "oauth_token"},
             {"oauth_token_secret=s3cret&oauth_token=t&oauth_token_secret=other",
              "oauth_token_secret"},
             {"oauth_token=t&oauth_token_secret=s3cret&oauth_expires_in=1&oauth_expires_in=2",
              "oauth_expires_in"},
             {"oauth_token=t&oauth_token_secret=s3cret&oauth_authorization_expires_in=1&"
              "oauth_authorization_expires_in=1",
              "oauth_authorization_expires_in"},
             {"oauth_token=t&oauth_token_secret=s3cret&oauth_session_handle=a&oauth_session_"
              "handle=b",
              "oauth_session_handle"}}) {
        CAPTURE(c.body);
        const auto a = oauth1::parse_token_credentials(c.body, ec, &why);
        CHECK(ec == oauth1::errc::invalid_token_response);
        CHECK(why == std::string("the answer repeats ") + c.name);
        CHECK(why.find("s3cret") == std::string::npos);
        CHECK(a.token.empty());
        CHECK(a.secret.empty());
    }
    // A long repeated name is cut in the message.
    const std::string long_name = "oauth_" + std::string(1000, 'n');
    (void)oauth1::parse_token_credentials(
        "oauth_token=t&oauth_token_secret=s&" + long_name + "=1&" + long_name + "=2", ec, &why);
    CHECK(ec == oauth1::errc::invalid_token_response);
    CHECK(why == "the answer repeats " + long_name.substr(0, 64) + "...");

    // Names that are not protocol parameters may repeat (they are the provider's own).
    auto t = oauth1::parse_temporary_credentials(
        "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true&x=1&x=2", ec, &why);
    CHECK_FALSE(ec);
    CHECK(why.empty());
    CHECK(t.extra.size() == 2);
    const auto a =
        oauth1::parse_token_credentials("oauth_token=t&oauth_token_secret=s&x=1&x=1", ec, &why);
    CHECK_FALSE(ec);
    CHECK(a.extra.size() == 2);

    // Other reasons are named too, never with a value.
    (void)oauth1::parse_token_credentials("oauth_token=t&oauth_token_secret=s&oauth_expires_in=x",
                                          ec, &why);
    CHECK(why == "oauth_expires_in is not a number of seconds");
    (void)oauth1::parse_token_credentials("oauth_token=t", ec, &why);
    CHECK(why == "the answer has no oauth_token_secret");
    (void)oauth1::parse_token_credentials("oauth_token=&oauth_token_secret=s", ec, &why);
    CHECK(why == "oauth_token is empty");
    (void)oauth1::parse_token_credentials("oauth_token=t%0A&oauth_token_secret=s", ec, &why);
    CHECK(why == "oauth_token holds CR, LF or NUL");
    (void)oauth1::parse_token_credentials("oauth_token=t&oauth_token_secret=%zz", ec, &why);
    CHECK(why == "the answer is not form-encoded (a malformed %-escape)");
    (void)oauth1::parse_temporary_credentials(
        "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=TRUE", ec, &why);
    CHECK(ec == oauth1::errc::callback_not_confirmed);
    CHECK(why == "oauth_callback_confirmed is not \"true\"");
}

TEST_CASE("the flow refuses a repeated oauth_callback_confirmed and says which parameter")
{
    oauth1::client c("hmac-consumer", oauth1::hmac_sha1("kd94hf93k423kf44"));
    auto twice = [](const oauth1::http_request&) {
        return oauth1::http_response{200,
                                     {},
                                     "oauth_token=t&oauth_token_secret=s3cret&oauth_callback_"
                                     "confirmed=false&oauth_callback_confirmed=true"};
    };
    oauth1::step_failure f;
    std::error_code ec;
    const auto temp =
        oauth1::request_temporary_credentials(twice, c, "http://127.0.0.1:1/rt", {}, f, ec);
    CHECK(ec == oauth1::errc::invalid_token_response);
    CHECK(temp.token.empty());
    CHECK(f.detail == "the answer repeats oauth_callback_confirmed");
    const std::string d = f.describe();
    CHECK(d.find("the answer repeats oauth_callback_confirmed") != std::string::npos);
    CHECK(d.find("s3cret") == std::string::npos);
    CHECK(f.body_excerpt.find("s3cret") == std::string::npos);
    CHECK_THROWS_AS(oauth1::request_temporary_credentials(twice, c, "http://127.0.0.1:1/rt"),
                    oauth1::flow_error);

    // The access-token step too: a repeated oauth_token leaves the client without a token.
    auto two_tokens = [](const oauth1::http_request&) {
        return oauth1::http_response{
            200, {}, "oauth_token=a&oauth_token_secret=s3cret&oauth_token=b"};
    };
    oauth1::temporary_credentials rt;
    rt.token = "rt";
    rt.secret = "rs";
    const auto access = oauth1::request_token_credentials(two_tokens, c, "http://127.0.0.1:1/at",
                                                          rt, "v", {}, f, ec);
    CHECK(ec == oauth1::errc::invalid_token_response);
    CHECK(access.token.empty());
    CHECK(c.token().empty());
    CHECK(f.detail == "the answer repeats oauth_token");
    CHECK(f.describe().find("s3cret") == std::string::npos);
}
