// The clock-skew correction (oauth1/skew_clock.hpp) against tools/jira-provider with its clock an
// hour ahead (jira_provider::options::clock_offset, the --clock-offset option): a plain client is
// refused with timestamp_refused and told its clock is 3,600 s behind; a client with a skew_clock
// does the whole JIRA dance and a REST call with exactly one retry. Real HTTP on 127.0.0.1
// through the cpp-httplib transport. Registered by tools/jira-provider/CMakeLists.txt.
#include "jira_provider_fixture.hpp"

#include <oauth1/adapters/httplib_transport.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/skew_clock.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

namespace {

/// Counts the requests and the timestamp refusals a transport saw.
struct counting_transport {
    oauth1::httplib::transport http;
    int requests = 0;
    int refused = 0;

    oauth1::http_response operator()(const oauth1::http_request& req, std::error_code& ec)
    {
        ++requests;
        oauth1::http_response res = http(req, ec);
        if (res.body.find("timestamp_refused") != std::string::npos) ++refused;
        return res;
    }
};

jira_provider::options an_hour_ahead()
{
    jira_provider::options o;
    o.clock_offset = 3600;
    return o;
}

bool within(std::int64_t v, std::int64_t want, std::int64_t slack)
{
    return v >= want - slack && v <= want + slack;
}

} // namespace

TEST_CASE("skew_clock against jira-provider --clock-offset 3600: one retry, then the dance")
{
    oauth1_test::jira_fixture jira(an_hour_ahead());

    // Without the skew clock: refused, and the message gives the offset in words.
    {
        counting_transport http;
        oauth1::client c = oauth1_test::jira_rsa_client();
        oauth1::step_failure f;
        std::error_code ec;
        (void)oauth1::request_temporary_credentials(http, c, jira.endpoints().request_token, {}, f,
                                                    ec);
        CHECK(ec == oauth1::errc::oauth_problem);
        REQUIRE(f.problem);
        CHECK(f.problem->code == oauth1::problem::timestamp_refused);
        CHECK(http.requests == 1);
        const std::string d = f.describe();
        CAPTURE(d);
        CHECK(d.find(" s behind the provider's") != std::string::npos);
        CHECK(d.find("your clock is 3,") != std::string::npos);
    }

    // With it: the first request is refused once and retried; the rest start right.
    counting_transport http;
    oauth1::skew_clock clock;
    oauth1::basic_client<oauth1::any_signer, oauth1::skew_clock> c(
        oauth1_test::jira_rsa_consumer_key,
        oauth1::any_signer(oauth1::rsa_sha1(oauth1::load_private_key_file(
            std::string(oauth1_test::jira_keys_dir) + "/wiki_key.pem"))),
        clock);
    oauth1_test::jira_dance(http, c, jira);
    CHECK(http.requests == 3);
    CHECK(http.refused == 1);
    CHECK(within(clock.offset(), 3600, 2));
    CHECK(oauth1::describe_clock_offset(clock.offset()).find("behind the provider's") !=
          std::string::npos);

    oauth1::step_failure f;
    std::error_code ec;
    const auto res = oauth1::send_signed(
        http, c, {"GET", jira.base_url() + "/rest/api/2/issue/JJ-2?fields=summary"}, {}, f, ec);
    CHECK_MESSAGE(!ec, f.describe());
    CHECK(res.status == 200);
    CHECK(http.requests == 4);
    CHECK(http.refused == 1);

    // The provider's clock moves back: one more learn-and-retry.
    jira.provider().set_clock_offset(-1800);
    f.clear();
    const auto again =
        oauth1::send_signed(http, c, {"GET", jira.base_url() + "/rest/api/2/myself"}, {}, f, ec);
    CHECK_MESSAGE(!ec, f.describe());
    CHECK(again.status == 200);
    CHECK(http.requests == 6);
    CHECK(http.refused == 2);
    REQUIRE(f.clock_offset);
    CHECK(within(*f.clock_offset, -1800, 2));
}
