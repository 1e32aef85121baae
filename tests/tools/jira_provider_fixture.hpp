// tests/tools/jira_provider_fixture.hpp - tools/jira-provider's provider IN PROCESS for tests
// (real loopback HTTP on 127.0.0.1, a port the kernel chooses; stopped by the destructor), its
// test consumers, and the OAuth dance as plain functions, so that an adapter test can get an
// access token through its own transport and then sign REST calls.
//
//   oauth1_test::jira_fixture jira;                        // started
//   oauth1::client c = oauth1_test::jira_rsa_client();     // OauthKey, RSA-SHA1
//   my_transport http;                                     // any oauth1 transport
//   oauth1_test::jira_dance(http, c, jira);                // c now holds the access token
//   oauth1::send_signed(http, c, {"GET", jira.base_url() + "/rest/api/2/issue/JJ-2"});
//
// Consumers (through jira-provider's consumers file parser):
//   OauthKey        RSA-SHA1, public key tests/data/keys/wiki_cert.pem (private: wiki_key.pem)
//   hmac-consumer   HMAC-SHA1 and HMAC-SHA256, secret kd94hf93k423kf44
// The authorize step (approve()) fetches the authorize page and submits its Allow form with
// cpp-httplib, as a browser would; it is not a signed request, so it needs no transport.
#ifndef OAUTH1_TESTS_TOOLS_JIRA_PROVIDER_FIXTURE_HPP
#define OAUTH1_TESTS_TOOLS_JIRA_PROVIDER_FIXTURE_HPP

#include "../../tools/jira-provider/jira_provider.hpp"

#include <oauth1/client.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/signature_method.hpp>

#include <httplib.h>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oauth1_test {

inline constexpr const char* jira_keys_dir = OAUTH1_TEST_DATA_DIR "/keys";
inline constexpr const char* jira_rsa_consumer_key = "OauthKey";
inline constexpr const char* jira_hmac_consumer_key = "hmac-consumer";
inline constexpr const char* jira_hmac_consumer_secret = "kd94hf93k423kf44";

/// OauthKey (RSA-SHA1, wiki_cert.pem) and an HMAC consumer, through the consumers file parser.
inline std::vector<jira_provider::consumer> jira_test_consumers()
{
    return jira_provider::parse_consumers("# test consumers\n"
                                          "consumer.OauthKey.name=Example JIRA OAuth client\n"
                                          "consumer.OauthKey.public_key=wiki_cert.pem\n"
                                          "consumer.OauthKey.methods=RSA-SHA1\n"
                                          "\n"
                                          "consumer.hmac-consumer.secret=kd94hf93k423kf44\n"
                                          "consumer.hmac-consumer.methods=HMAC-SHA1,HMAC-SHA256\n",
                                          jira_keys_dir, "test");
}

/// The client of the consumer OauthKey (RSA-SHA1 with wiki_key.pem), as JIRA's tutorial has it.
inline oauth1::client jira_rsa_client()
{
    return oauth1::client(jira_rsa_consumer_key,
                          oauth1::rsa_sha1(oauth1::load_private_key_file(
                              std::string(jira_keys_dir) + "/wiki_key.pem")));
}

/// The client of the consumer hmac-consumer (HMAC-SHA1).
inline oauth1::client jira_hmac_client()
{
    return oauth1::client(jira_hmac_consumer_key, oauth1::hmac_sha1(jira_hmac_consumer_secret));
}

/// The verification code on the page jira-provider shows after Allow ("" when absent).
inline std::string jira_verification_code(const std::string& page)
{
    const std::string marker = "Your verification code is '";
    const std::size_t at = page.find(marker);
    if (at == std::string::npos) return {};
    const std::size_t begin = at + marker.size();
    const std::size_t end = page.find('\'', begin);
    return end == std::string::npos ? std::string() : page.substr(begin, end - begin);
}

/// The anti-CSRF token of a page's form (the value of its atl_token input), "" when none.
inline std::string jira_page_token(const std::string& page)
{
    const std::string marker = "name=\"atl_token\" value=\"";
    const std::size_t at = page.find(marker);
    if (at == std::string::npos) return {};
    const std::size_t begin = at + marker.size();
    const std::size_t end = page.find('"', begin);
    return end == std::string::npos ? std::string() : page.substr(begin, end - begin);
}

/// jira-provider started on 127.0.0.1 with jira_test_consumers(); stopped by the destructor.
class jira_fixture {
public:
    explicit jira_fixture(jira_provider::options opts = {})
        : provider_(jira_test_consumers(), std::move(opts))
    {
        REQUIRE(provider_.start() > 0);
    }
    jira_fixture(const jira_fixture&) = delete;
    jira_fixture& operator=(const jira_fixture&) = delete;
    ~jira_fixture() { provider_.stop(); }

    jira_provider::provider& provider() noexcept { return provider_; }
    int port() const noexcept { return provider_.port(); }
    /// "http://127.0.0.1:<port>"
    const std::string& base_url() const noexcept { return provider_.base_url(); }
    /// JIRA's /plugins/servlet/oauth/... endpoints on this provider.
    oauth1::service_endpoints endpoints() const { return oauth1::jira_endpoints(base_url()); }

    /// Step 2 as the user does it: opens the authorize page of `request_token` and clicks Allow;
    /// returns the verification code (REQUIREs that every step succeeds).
    std::string approve(const std::string& request_token) const
    {
        ::httplib::Client cli("127.0.0.1", port());
        cli.set_follow_location(false);
        const auto page = cli.Get("/plugins/servlet/oauth/authorize?oauth_token=" + request_token);
        REQUIRE_MESSAGE(page, "authorize page: no HTTP answer");
        REQUIRE_MESSAGE(page->status == 200, page->body);
        const std::string atl = jira_page_token(page->body);
        REQUIRE_MESSAGE(!atl.empty(), "the authorize page has no atl_token");
        const auto done =
            cli.Post("/plugins/servlet/oauth/authorize",
                     "oauth_token=" + request_token + "&atl_token=" + atl + "&decision=allow",
                     "application/x-www-form-urlencoded");
        REQUIRE_MESSAGE(done, "authorize (Allow): no HTTP answer");
        REQUIRE_MESSAGE(done->status == 200, done->body);
        const std::string code = jira_verification_code(done->body);
        REQUIRE_MESSAGE(code.size() == 6, done->body);
        return code;
    }

private:
    jira_provider::provider provider_;
};

/// Step 1 through `http`: temporary credentials for `c` (oauth_callback=oob).
template <class Transport, class Signer, class Clock, class Nonce>
oauth1::temporary_credentials jira_request_token(Transport& http,
                                                 oauth1::basic_client<Signer, Clock, Nonce>& c,
                                                 const jira_fixture& jira)
{
    oauth1::step_failure f;
    std::error_code ec;
    auto temp =
        oauth1::request_temporary_credentials(http, c, jira.endpoints().request_token, {}, f, ec);
    REQUIRE_MESSAGE(!ec, f.describe());
    return temp;
}

/// Step 3 through `http`: exchanges `temp` and `verifier` for the access token, which `c` then
/// signs with.
template <class Transport, class Signer, class Clock, class Nonce>
oauth1::access_credentials
jira_access_token(Transport& http, oauth1::basic_client<Signer, Clock, Nonce>& c,
                  const jira_fixture& jira, const oauth1::temporary_credentials& temp,
                  const std::string& verifier)
{
    oauth1::step_failure f;
    std::error_code ec;
    auto access = oauth1::request_token_credentials(http, c, jira.endpoints().access_token, temp,
                                                    verifier, {}, f, ec);
    REQUIRE_MESSAGE(!ec, f.describe());
    return access;
}

/// The whole dance through `http`; `c` then holds the access token (also returned).
template <class Transport, class Signer, class Clock, class Nonce>
oauth1::access_credentials
jira_dance(Transport& http, oauth1::basic_client<Signer, Clock, Nonce>& c, const jira_fixture& jira)
{
    const oauth1::temporary_credentials temp = jira_request_token(http, c, jira);
    const std::string code = jira.approve(temp.token);
    return jira_access_token(http, c, jira, temp, code);
}

} // namespace oauth1_test

#endif // OAUTH1_TESTS_TOOLS_JIRA_PROVIDER_FIXTURE_HPP
