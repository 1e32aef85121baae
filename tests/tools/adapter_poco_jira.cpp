// The Poco adapter against tools/jira-provider (in process, real HTTP on 127.0.0.1): the whole
// JIRA OAuth dance (RFC 5849 §2: temporary credentials, authorize, token credentials) through
// oauth1::poco::transport, then a signed REST GET and a POST with oauth_body_hash sent with
// oauth1::poco::sign() over a Poco::Net::HTTPClientSession. Registered by
// tools/jira-provider/CMakeLists.txt.
#include "jira_provider_fixture.hpp"

#include <oauth1/adapters/poco.hpp>
#include <oauth1/adapters/poco_transport.hpp>
#include <oauth1/flow.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("jira-provider: the dance through oauth1::poco::transport, REST through poco::sign")
{
    oauth1_test::jira_fixture jira;
    for (oauth1::client c : {oauth1_test::jira_rsa_client(), oauth1_test::jira_hmac_client()}) {
        CAPTURE(c.consumer_key());
        oauth1::poco::transport http;
        const oauth1::access_credentials access = oauth1_test::jira_dance(http, c, jira);
        CHECK(!access.token.empty());

        // Through the transport (oauth1::send_signed signs with the access token).
        oauth1::step_failure f;
        std::error_code ec;
        const auto me = oauth1::send_signed(
            http, c, {"GET", jira.base_url() + "/rest/api/2/myself"}, {}, f, ec);
        CHECK_MESSAGE(!ec, f.describe());
        CHECK(me.status == 200);

        // By hand: a Poco request signed with oauth1::poco::sign, sent over a session.
        const std::string base = jira.base_url();
        const auto port = static_cast<Poco::UInt16>(std::stoi(base.substr(base.rfind(':') + 1)));
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        Poco::Net::HTTPRequest get("GET", "/rest/api/2/issue/JJ-2?fields=summary%2Cstatus",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        oauth1::poco::sign(get, {}, c, base);
        session.sendRequest(get);
        Poco::Net::HTTPResponse res;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
        CHECK_MESSAGE(res.getStatus() == Poco::Net::HTTPResponse::HTTP_OK, body);
        CHECK(body.find("\"key\":\"JJ-2\"") != std::string::npos);

        const std::string json =
            R"({"fields":{"project":{"key":"JJ"},"summary":"from Poco: a+b & caf\u00e9",)"
            R"("issuetype":{"name":"Bug"}}})";
        Poco::Net::HTTPRequest post("POST", "/rest/api/2/issue", Poco::Net::HTTPMessage::HTTP_1_1);
        post.setContentType("application/json");
        oauth1::sign_options opts;
        opts.body_hash = true;
        oauth1::poco::sign(post, json, c, base, opts);
        session.sendRequest(post) << json;
        Poco::Net::HTTPResponse created;
        body.clear();
        Poco::StreamCopier::copyToString(session.receiveResponse(created), body);
        CHECK_MESSAGE(created.getStatus() == Poco::Net::HTTPResponse::HTTP_CREATED, body);
        CHECK(body.find("\"key\":\"JJ-") != std::string::npos);

        // The same POST replayed: refused as JIRA does.
        session.sendRequest(post) << json;
        Poco::Net::HTTPResponse replay;
        body.clear();
        Poco::StreamCopier::copyToString(session.receiveResponse(replay), body);
        CHECK(replay.getStatus() == Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
        CHECK(replay.get("WWW-Authenticate", "").find("nonce_used") != std::string::npos);
    }
}
