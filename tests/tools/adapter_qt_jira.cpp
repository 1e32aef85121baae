// The Qt 6 adapter (oauth1/adapters/qt_transport.hpp, qt_flow.hpp) through the whole JIRA dance
// against tools/jira-provider in process (real HTTP on 127.0.0.1): request token, authorize (the
// user's Allow, as a browser would), verifier, access token, then a signed REST GET of JJ-2 and a
// POST creating an issue (JSON with oauth_body_hash). Once with the blocking oauth1::qt::transport
// and flow.hpp's steps, once with oauth1::qt::async_flow driven by the event loop (each step
// started from the previous step's callback), and the async flow with a skew_clock against a
// provider an hour ahead. Registered by tools/jira-provider/CMakeLists.txt.
#include "jira_provider_fixture.hpp"

#include <oauth1/adapters/qt_flow.hpp>
#include <oauth1/adapters/qt_transport.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/skew_clock.hpp>

#include <doctest/doctest.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#include <string>
#include <system_error>
#include <utility>

namespace {

QCoreApplication& app()
{
    static int argc = 1;
    static char name[] = "unit_adapter_qt_jira";
    static char* argv[] = {name, nullptr};
    static QCoreApplication instance(argc, argv);
    return instance;
}

const char* const issue_json =
    R"({"fields":{"project":{"key":"JJ"},"summary":"Made with Qt \u00e9",)"
    R"("description":"by adapter_qt_jira","issuetype":{"name":"Bug"}}})";

bool contains(const std::string& s, const char* part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("Qt transport: the JIRA dance, then a signed REST GET and POST")
{
    app();
    oauth1_test::jira_fixture jira;
    const oauth1::qt::transport http;
    oauth1::client c = oauth1_test::jira_rsa_client();
    const oauth1::access_credentials access = oauth1_test::jira_dance(http, c, jira);
    CHECK(!access.token.empty());

    oauth1::step_failure f;
    std::error_code ec;
    const auto issue = oauth1::send_signed(
        http, c, {"GET", jira.base_url() + "/rest/api/2/issue/JJ-2"}, {}, f, ec);
    REQUIRE_MESSAGE(!ec, f.describe());
    CHECK(issue.status == 200);
    CHECK(contains(issue.body, "\"key\":\"JJ-2\""));

    oauth1::sign_options hash;
    hash.body_hash = true;
    const auto created = oauth1::send_signed(
        http, c, {"POST", jira.base_url() + "/rest/api/2/issue", "application/json", issue_json},
        hash, f, ec);
    REQUIRE_MESSAGE(!ec, f.describe());
    CHECK(created.status == 201);
    CHECK(contains(created.body, "\"key\":\"JJ-"));

    // A wrong verifier: the flow's failure, with the provider's problem.
    oauth1::client d = oauth1_test::jira_rsa_client();
    const auto temp = oauth1_test::jira_request_token(http, d, jira);
    (void)oauth1::request_token_credentials(http, d, jira.endpoints().access_token, temp, "000000",
                                            {}, f, ec);
    CHECK(ec == oauth1::errc::oauth_problem);
    CHECK(f.problem);
}

TEST_CASE("Qt async_flow: the JIRA dance driven by the event loop, then REST GET and POST")
{
    app();
    oauth1_test::jira_fixture jira;
    oauth1::client c = oauth1_test::jira_hmac_client();
    oauth1::qt::async_flow flow(c, jira.endpoints());
    QEventLoop loop;
    QTimer::singleShot(30000, &loop, &QEventLoop::quit); // a bound on the whole test

    std::string failure;
    int steps = 0;
    int issue_status = 0;
    std::string issue_body;
    int created_status = 0;
    bool started_synchronously = false;
    const auto fail = [&](const oauth1::step_failure& f) {
        failure = f.describe();
        loop.quit();
    };

    // Step 1, then (from its callback) authorize, step 3, the GET, the POST.
    flow.request_token(
        [&](std::error_code ec, const oauth1::step_failure& f, oauth1::temporary_credentials temp) {
            ++steps;
            if (ec) return fail(f);
            CHECK(contains(flow.authorization_url(temp), "oauth_token="));
            const std::string code = jira.approve(temp.token); // the user clicks Allow
            flow.access_token(temp, code,
                              [&](std::error_code ec2, const oauth1::step_failure& f2,
                                  oauth1::access_credentials access) {
                                  ++steps;
                                  if (ec2) return fail(f2);
                                  CHECK(!access.token.empty());
                                  flow.send({"GET", jira.base_url() + "/rest/api/2/issue/JJ-2"},
                                            [&](std::error_code ec3, const oauth1::step_failure& f3,
                                                oauth1::http_response issue) {
                                                ++steps;
                                                if (ec3) return fail(f3);
                                                issue_status = issue.status;
                                                issue_body = issue.body;
                                                oauth1::sign_options hash;
                                                hash.body_hash = true;
                                                flow.send(
                                                    {"POST", jira.base_url() + "/rest/api/2/issue",
                                                     "application/json", issue_json},
                                                    [&](std::error_code ec4,
                                                        const oauth1::step_failure& f4,
                                                        oauth1::http_response created) {
                                                        ++steps;
                                                        if (ec4) return fail(f4);
                                                        created_status = created.status;
                                                        loop.quit();
                                                    },
                                                    hash);
                                            });
                              });
        });
    started_synchronously = steps > 0;
    loop.exec();
    CHECK(!started_synchronously);
    CHECK_MESSAGE(failure.empty(), failure);
    CHECK(steps == 4);
    CHECK(issue_status == 200);
    CHECK(contains(issue_body, "\"key\":\"JJ-2\""));
    CHECK(created_status == 201);

    // Errors arrive as the blocking flow's: a wrong verifier.
    oauth1::client d = oauth1_test::jira_hmac_client();
    oauth1::qt::async_flow second(d, jira.endpoints());
    std::error_code got;
    oauth1::step_failure failed;
    second.request_token(
        [&](std::error_code ec, const oauth1::step_failure& f, oauth1::temporary_credentials temp) {
            if (ec) {
                got = ec;
                failed = f;
                loop.quit();
                return;
            }
            second.access_token(temp, "000000",
                                [&](std::error_code ec2, const oauth1::step_failure& f2,
                                    oauth1::access_credentials) {
                                    got = ec2;
                                    failed = f2;
                                    loop.quit();
                                });
        });
    loop.exec();
    CHECK(got == oauth1::errc::oauth_problem);
    CHECK(failed.step == "token credentials (access token)");
    CHECK(failed.problem);
    CHECK(d.token().empty()); // as the blocking flow: no token after a failed step 3
}

TEST_CASE("Qt async_flow with a skew_clock: a provider an hour ahead, one retry, then the dance")
{
    app();
    jira_provider::options ahead;
    ahead.clock_offset = 3600;
    oauth1_test::jira_fixture jira(ahead);
    oauth1::skew_clock clock;
    oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock> c(
        oauth1_test::jira_rsa_consumer_key,
        oauth1::any_signer(oauth1::rsa_sha1(oauth1::load_private_key_file(
            std::string(oauth1_test::jira_keys_dir) + "/wiki_key.pem"))),
        clock);
    oauth1::qt::basic_async_flow<oauth1::any_signer, oauth1::skew_clock> flow(c, jira.endpoints());
    QEventLoop loop;
    std::error_code got;
    oauth1::step_failure failure;
    oauth1::temporary_credentials temp;
    flow.request_token(
        [&](std::error_code ec, const oauth1::step_failure& f, oauth1::temporary_credentials t) {
            got = ec;
            failure = f;
            temp = std::move(t);
            loop.quit();
        });
    loop.exec();
    REQUIRE_MESSAGE(!got, failure.describe());
    REQUIRE(failure.clock_offset);
    CHECK(*failure.clock_offset >= 3598);
    CHECK(*failure.clock_offset <= 3602);
    const std::string code = jira.approve(temp.token);
    flow.access_token(
        temp, code,
        [&](std::error_code ec, const oauth1::step_failure& f, oauth1::access_credentials) {
            got = ec;
            failure = f;
            loop.quit();
        });
    loop.exec();
    CHECK_MESSAGE(!got, failure.describe());
    CHECK(!failure.clock_offset); // learned once: no second refusal
}
