// Service profiles (oauth1/profiles.hpp): every profile's requests recomputed by python3-oauthlib
// from what oauth1 sends (tests/interop/oauthlib_profiles.py: same nonce and timestamp; body
// hashes recomputed there with hashlib), the services' published vectors
// (tests/data/vectors/service_profiles.txt: Twitter's "Creating a signature", NetSuite's TBA step
// one, Mastercard's signers' tests), the realm rule, WooCommerce's query transmission,
// Mastercard's body hash on empty bodies and its base string, multipart bodies never signed.
//
// Needs /usr/bin/python3 with python3-oauthlib and python3-cryptography; without them the
// cross-check FAILS, saying so (like interop).
#include <oauth1/profiles.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <unistd.h>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif
#ifndef OAUTH1_PYTHON
#define OAUTH1_PYTHON "/usr/bin/python3"
#endif

namespace {

const std::string data_dir = OAUTH1_TEST_DATA_DIR;
const std::string script = data_dir + "/../interop/oauthlib_profiles.py";
const std::string rsa_key_file = data_dir + "/keys/oauthlib_key.pem";

std::string python()
{
    const std::string p = OAUTH1_PYTHON;
    return p.empty() ? std::string("/usr/bin/python3") : p;
}

std::string hex(std::string_view s)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 15U]);
    }
    return out;
}

std::string unhex(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i, 2)), nullptr, 16)));
    return out;
}

std::vector<std::string> split_tabs(std::string_view line)
{
    std::vector<std::string> out;
    for (;;) {
        const std::size_t t = line.find('\t');
        out.push_back(unhex(line.substr(0, t)));
        if (t == std::string_view::npos) break;
        line.remove_prefix(t + 1);
    }
    return out;
}

// One request as oauth1 sent it, and what oauthlib says of it.
struct sent {
    std::string name;
    std::string method, url, content_type, body, authorization, consumer_secret, token_secret,
        key_file, digest, placement;
    std::string base_string, signature; // ours
};

struct verdict {
    std::string base_string, signature, sent_signature, realm, body_hash, names;
};

std::vector<verdict> run_oauthlib(const std::vector<sent>& requests)
{
    REQUIRE_MESSAGE(::access(python().c_str(), X_OK) == 0,
                    python() << " not found: the profiles test needs Debian's python3 with "
                                "python3-oauthlib and python3-cryptography (see README.md)");
    const std::string probe = python() + " -c 'import oauthlib, cryptography' >/dev/null 2>&1";
    REQUIRE_MESSAGE(std::system(probe.c_str()) == 0,
                    python() << " cannot import oauthlib and cryptography: apt-get install "
                                "python3-oauthlib python3-cryptography (see README.md)");
    char in_name[] = "/tmp/oauth1_profiles_XXXXXX";
    const int fd = ::mkstemp(in_name);
    REQUIRE(fd >= 0);
    {
        std::string text;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const sent& r = requests[i];
            for (const std::string* f :
                 {&r.name, &r.method, &r.url, &r.content_type, &r.body, &r.authorization,
                  &r.consumer_secret, &r.token_secret, &r.key_file, &r.digest, &r.placement}) {
                text += hex(*f);
                text.push_back(f == &r.placement ? '\n' : '\t');
            }
        }
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        ::close(fd);
    }
    const std::string cmd = python() + " " + script + " < " + in_name;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::vector<verdict> out;
    char* line = nullptr;
    std::size_t cap = 0;
    ssize_t n = 0;
    while ((n = ::getline(&line, &cap, pipe)) > 0) {
        std::string_view text(line, static_cast<std::size_t>(n));
        if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        const std::vector<std::string> f = split_tabs(text);
        REQUIRE(f.size() == 7);
        out.push_back({f[1], f[2], f[3], f[4], f[5], f[6]});
    }
    std::free(line);
    const int status = ::pclose(pipe);
    ::unlink(in_name);
    REQUIRE_MESSAGE(status == 0, "oauthlib_profiles.py failed (its message is on stderr)");
    REQUIRE(out.size() == requests.size());
    return out;
}

oauth1::private_key key_from(const std::string& file)
{
    return oauth1::load_private_key_file(data_dir + "/" + file);
}

// A request of the cross-check, signed for profile `p`.
struct case_ {
    std::string name;
    oauth1::profile p;
    std::string method, url, content_type, body;
    std::string nonce;
    std::string expect_names; // the oauth_* names sent, sorted
};

} // namespace

TEST_CASE("profiles: names, find_profile, the realm rule, endpoints, expiry")
{
    const auto names = oauth1::profile_names();
    CHECK(names.size() == 7);
    for (const std::string_view n : names) {
        CAPTURE(n);
        const auto p = oauth1::find_profile(n, "1234567");
        REQUIRE(p.has_value());
        CHECK(p->name == n);
        CHECK(!p->description.empty());
        REQUIRE(!p->accepted_methods.empty());
        CHECK(p->accepted_methods.front() == p->method);
        CHECK(p->callback == "oob");
    }
    CHECK_FALSE(oauth1::find_profile("myspace").has_value());

    CHECK(oauth1::netsuite_realm("1234567-sb1") == "1234567_SB1");
    CHECK(oauth1::netsuite_realm("tstdrv123") == "TSTDRV123");
    const oauth1::profile ns = oauth1::profiles::netsuite("1234567-sb1");
    REQUIRE(ns.realm.has_value());
    CHECK(*ns.realm == "1234567_SB1");
    const auto ep = oauth1::endpoints_of(ns);
    CHECK(ep.request_token == "https://1234567-sb1.restlets.api.netsuite.com/rest/requesttoken");
    CHECK(ep.authorize ==
          "https://1234567-sb1.app.netsuite.com/app/login/secure/authorizetoken.nl");
    CHECK(ep.access_token == "https://1234567-sb1.restlets.api.netsuite.com/rest/accesstoken");

    const auto jira = oauth1::endpoints_of(oauth1::profiles::jira(), "https://jira.example.com/");
    const auto jira_flow = oauth1::jira_endpoints("https://jira.example.com/");
    CHECK(jira.request_token == jira_flow.request_token);
    CHECK(jira.authorize == jira_flow.authorize);
    CHECK(jira.access_token == jira_flow.access_token);
    CHECK(oauth1::endpoints_of(oauth1::profiles::twitter()).request_token ==
          "https://api.twitter.com/oauth/request_token");
    const oauth1::profile et = oauth1::profiles::etrade();
    CHECK(oauth1::endpoints_of(et).authorize == "https://us.etrade.com/e/t/etws/authorize");
    CHECK(oauth1::endpoints_of(et, "https://apisb.etrade.com").access_token ==
          "https://apisb.etrade.com/oauth/access_token");
    CHECK(et.endpoints.renew_access_token == "/oauth/renew_access_token");
    CHECK(et.endpoints.token_request_method == "GET");
    std::error_code ec;
    (void)oauth1::endpoints_of(oauth1::profiles::mastercard(), "https://api.mastercard.com", ec);
    CHECK(ec == oauth1::errc::invalid_argument);
    (void)oauth1::endpoints_of(oauth1::profiles::jira(), "", ec); // JIRA needs its base URL
    CHECK(ec == oauth1::errc::invalid_argument);
    CHECK_THROWS_AS((void)oauth1::endpoints_of(oauth1::profiles::woocommerce()), oauth1::error);

    // E*TRADE: the next midnight in New York (values from Python's zoneinfo).
    CHECK(oauth1::token_expires_at(et, 1719846000) == 1719892800); // July: EDT
    CHECK(oauth1::token_expires_at(et, 1705320000) == 1705381200); // January: EST
    CHECK(oauth1::token_expires_at(et, 1710045000) == 1710046800); // eve of the spring switch
    CHECK(oauth1::token_expires_at(et, 1730606399) == 1730606400); // eve of the autumn switch
    CHECK(oauth1::token_expires_at(et, 1730606400) == 1730696400); // at midnight: the next one
    CHECK(oauth1::token_expires_at(oauth1::profiles::jira(), 1000) ==
          1000 + 5ULL * 365 * 24 * 3600);
    CHECK_FALSE(oauth1::token_expires_at(oauth1::profiles::twitter(), 1000).has_value());
}

TEST_CASE("profiles: make_client refuses what the service would")
{
    std::error_code ec;
    // NetSuite without an account id has no realm.
    CHECK_FALSE(oauth1::make_client(oauth1::profiles::netsuite(""), {"ck", "cs"}, ec));
    CHECK(ec == oauth1::errc::invalid_argument);
    // WooCommerce and Mastercard are consumer-only.
    CHECK_FALSE(
        oauth1::make_client(oauth1::profiles::woocommerce(), {"ck", "cs", {}, "t", "ts"}, ec));
    CHECK(ec == oauth1::errc::invalid_argument);
    // A method the service does not take.
    CHECK_FALSE(oauth1::make_client(oauth1::profiles::twitter(), {"ck", "cs"}, ec,
                                    oauth1::signature_method::plaintext));
    CHECK(ec == oauth1::errc::unsupported_signature_method);
    CHECK(oauth1::make_client(oauth1::profiles::woocommerce(), {"ck", "cs"}, ec,
                              oauth1::signature_method::hmac_sha1));
    CHECK(!ec);
    // RSA without a key.
    CHECK_FALSE(oauth1::make_client(oauth1::profiles::mastercard(), {"ck", ""}, ec));
    CHECK(ec == oauth1::errc::key_required);
    CHECK_THROWS_AS((void)oauth1::make_client(oauth1::profiles::jira(), {"OauthKey", ""}),
                    oauth1::error);

    // Nonces by the profile's rule.
    for (const auto& [p, length] : std::vector<std::pair<oauth1::profile, std::size_t>>{
             {oauth1::profiles::netsuite("1"), 20}, {oauth1::profiles::twitter(), 32}}) {
        const auto c = oauth1::make_client(p, {"ck", "cs"});
        const auto r = oauth1::sign_for(p, c, {"GET", "https://example.com/"});
        CHECK(r.result.nonce().size() == length);
        CHECK(r.result.nonce().find_first_not_of(oauth1::detail::alnum) == std::string::npos);
    }
    const oauth1::profile mc = oauth1::profiles::mastercard();
    const auto mcc = oauth1::make_client(mc, {"ck", "", key_from("keys/mastercard_test_key.pem")});
    const auto r1 = oauth1::sign_for(mc, mcc, {"GET", "https://api.mastercard.com/x"});
    const auto r2 = oauth1::sign_for(mc, mcc, {"GET", "https://api.mastercard.com/x"});
    CHECK(r1.result.nonce().size() == 16);
    CHECK(r1.result.nonce() != r2.result.nonce());
    // A fixed nonce the service would refuse (NetSuite: 6 to 64 alphanumerics).
    const oauth1::profile ns = oauth1::profiles::netsuite("1");
    const auto nsc = oauth1::make_client(ns, {"ck", "cs", {}, "t", "ts"});
    oauth1::sign_options o;
    o.nonce = "abc";
    oauth1::signed_request out;
    oauth1::sign_for(ns, nsc, {"GET", "https://1.restlets.api.netsuite.com/x"}, o, out, ec);
    CHECK(ec == oauth1::errc::invalid_argument);
    o.nonce = "abc-def";
    oauth1::sign_for(ns, nsc, {"GET", "https://1.restlets.api.netsuite.com/x"}, o, out, ec);
    CHECK(ec == oauth1::errc::invalid_argument);
    o.nonce = "abcdef";
    oauth1::sign_for(ns, nsc, {"GET", "https://1.restlets.api.netsuite.com/x"}, o, out, ec);
    CHECK(!ec);
    CHECK(out.authorization().rfind("OAuth realm=\"1\", ", 0) == 0);
}

TEST_CASE("profiles: sign_options body_parameters and multipart bodies")
{
    const oauth1::profile tw = oauth1::profiles::twitter();
    const auto c = oauth1::make_client(tw, {"ck", "cs", {}, "t", "ts"});
    oauth1::sign_options o;
    o.nonce = "n0nce";
    o.timestamp = 1318622958;
    // multipart/form-data: never parameters (RFC 5849 §3.4.1.3.1 names only the form type).
    const std::string multipart = "--xx\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n"
                                  "hello\r\n--xx--\r\n";
    const auto m = oauth1::sign_for(tw, c,
                                    {"POST", "https://upload.twitter.com/1.1/media/upload.json",
                                     "multipart/form-data; boundary=xx", multipart},
                                    o);
    const auto e =
        oauth1::sign_for(tw, c, {"POST", "https://upload.twitter.com/1.1/media/upload.json"}, o);
    CHECK(m.result.base_string() == e.result.base_string());
    CHECK(m.result.base_string().find("hello") == std::string_view::npos);
    // A form body that happens to hold "a=b&c=d" in multipart: still not signed.
    const auto m2 = oauth1::sign_for(tw, c,
                                     {"POST", "https://upload.twitter.com/1.1/media/upload.json",
                                      "multipart/form-data; boundary=xx", "a=b&c=d"},
                                     o);
    CHECK(m2.result.base_string() == e.result.base_string());

    // body_parameters = false: a form body is not signed either, and may carry a body hash.
    oauth1::sign_options off = o;
    off.body_parameters = false;
    const oauth1::request form{"POST", "https://api.twitter.com/1.1/statuses/update.json",
                               "application/x-www-form-urlencoded", "status=hi"};
    const auto f_on = c.sign(form, o);
    const auto f_off = c.sign(form, off);
    CHECK(f_on.base_string().find("status%3Dhi") != std::string_view::npos);
    CHECK(f_off.base_string().find("status%3D") == std::string_view::npos);
    off.body_hash = true;
    std::error_code ec;
    oauth1::signed_request hashed;
    c.sign(form, off, hashed, ec);
    CHECK(!ec);
    CHECK(hashed.base_string().find("oauth_body_hash%3D") != std::string_view::npos);
    o.body_hash = true; // with form parameters on, a body hash over a form is still refused
    c.sign(form, o, hashed, ec);
    CHECK(ec == oauth1::errc::body_hash_not_allowed);
}

TEST_CASE("profiles: published vectors (tests/data/vectors/service_profiles.txt)")
{
    std::ifstream in(data_dir + "/vectors/service_profiles.txt");
    REQUIRE(in);
    std::vector<std::map<std::string, std::string>> blocks(1);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '#') continue;
        if (line.empty()) {
            if (!blocks.back().empty()) blocks.emplace_back();
            continue;
        }
        const std::size_t eq = line.find('=');
        REQUIRE(eq != std::string::npos);
        blocks.back()[line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (blocks.back().empty()) blocks.pop_back();
    REQUIRE(blocks.size() >= 8);
    std::size_t with_signature = 0;
    for (auto& v : blocks) {
        CAPTURE(v["name"]);
        CAPTURE(v["source"]);
        const auto p = oauth1::find_profile(v["profile"], v["account"]);
        REQUIRE(p.has_value());
        oauth1::service_credentials cred{
            v["consumer_key"], v["consumer_secret"], {}, v["token"], v["token_secret"]};
        if (!v["key"].empty()) cred.key = key_from(v["key"]);
        const auto c = oauth1::make_client(*p, cred);
        oauth1::sign_options o;
        o.nonce = v["nonce"];
        o.timestamp = std::stoull(v["timestamp"]);
        o.callback = v["callback"];
        const auto r =
            oauth1::sign_for(*p, c, {v["method"], v["url"], v["content_type"], v["body"]}, o);
        if (!v["base_string"].empty()) CHECK(r.result.base_string() == v["base_string"]);
        if (!v["signature"].empty()) {
            CHECK(r.result.signature() == v["signature"]);
            ++with_signature;
        }
        if (!v["body_hash"].empty()) {
            const std::string expect = "oauth_body_hash=\"" + v["body_hash"] + "\"";
            CHECK(r.authorization.find(expect) != std::string::npos);
        }
        if (!v["parameters_contain"].empty())
            CHECK(r.result.signed_parameters().normalized().find(v["parameters_contain"]) !=
                  std::string::npos);
        // Every signature verifies with the signer over our base string.
        std::error_code ec;
        CHECK(c.signer().verify(r.result.base_string(), r.result.signature(), ec));
    }
    CHECK(with_signature >= 1);

    // Mastercard's signers' published RSA-SHA256 signature of "baseString" with their test key.
    const oauth1::rsa_sha256 mc(key_from("keys/mastercard_test_key.pem"));
    std::string sig;
    std::error_code ec;
    mc.sign("baseString", sig, ec);
    CHECK(!ec);
    CHECK(sig ==
          "IJeNKYGfUhFtj5OAPRI92uwfjJJLCej3RCMLbp7R6OIYJhtwxnTkloHQ2bgV7fks4GT/A7rkqrgUGk0ewbwI"
          "C6nS3piJHyKVc7rvQXZuCQeeeQpFzLRiH3rsb+ZS+AULK+jzDje4Fb+BQR6XmxuuJmY6YrAKkj13Ln4K6b"
          "ZJlSxOizbNvt+Htnx+hNd4VgaVBeJKcLhHfZbWQxK76nMnjY7nDcM/2R6LUIR2oLG1L9m55WP3bakAvmOr"
          "392ulv1+mWCwDAZZzQ4lakDD2BTu0ZaVsvBW+mcKFxYeTq7SyTQMM4lEwFPJ6RLc8jJJ+veJXHekLVzWg4"
          "qHRtzNBLz1mA==");
}

TEST_CASE("profiles: Mastercard header, empty body, and where it deviates from RFC 5849")
{
    const oauth1::profile mc = oauth1::profiles::mastercard();
    const auto c = oauth1::make_client(
        mc, {"abc!def", "", key_from("keys/mastercard_test_key.pem")}); // keys hold '!'
    oauth1::sign_options o;
    o.nonce = "ABCDEFGHabcdefgh";
    o.timestamp = 1700000000;
    const auto r = oauth1::sign_for(mc, c, {"GET", "https://api.mastercard.com/a?x=1"}, o);
    // As Mastercard's signers write it: values unencoded, only the signature encoded, ','.
    CHECK(
        r.authorization.rfind("OAuth oauth_body_hash=\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSu"
                              "FU=\",oauth_consumer_key=\"abc!def\",oauth_nonce=\"ABCDEFGHabcdefgh"
                              "\",oauth_signature_method=\"RSA-SHA256\",oauth_timestamp=\"17000000"
                              "00\",oauth_version=\"1.0\",oauth_signature=\"",
                              0) == 0);
    CHECK(r.authorization.find('+', r.authorization.find("oauth_signature=")) == std::string::npos);
    // The protocol values are encoded once, with the parameter string (RFC 5849: twice).
    CHECK(r.result.base_string().find("oauth_body_hash%3D47DEQpj8HBSa%2B%2FTImW") !=
          std::string_view::npos);
    CHECK(r.result.base_string().find("oauth_consumer_key%3Dabc%21def") != std::string_view::npos);
    const auto rfc =
        c.sign({"GET", "https://api.mastercard.com/a?x=1"},
               oauth1::sign_options_for(mc, {"GET", "https://api.mastercard.com/a"}, o));
    CHECK(rfc.base_string().find("abc%2521def") != std::string_view::npos);
    CHECK(rfc.base_string() != r.result.base_string());
    // A form body is hashed, never signed as parameters.
    const auto f = oauth1::sign_for(
        mc, c, {"POST", "https://api.mastercard.com/a", "application/x-www-form-urlencoded", "a=b"},
        o);
    CHECK(f.result.base_string().find("a%3Db") == std::string_view::npos);
    // No tokens, callbacks or other extras in Mastercard's signer.
    oauth1::sign_options cb = o;
    cb.callback = "oob";
    std::error_code ec;
    oauth1::signed_request out;
    oauth1::sign_for(mc, c, {"GET", "https://api.mastercard.com/a"}, cb, out, ec);
    CHECK(ec == oauth1::errc::invalid_parameter);
}

TEST_CASE("profiles: a profile_client runs the flow (flow_options_for: callback, realm)")
{
    const oauth1::profile p = oauth1::profiles::netsuite("1234567-sb1");
    auto c = oauth1::make_client(p, {"ck", "cs"});
    const auto ep = oauth1::endpoints_of(p);
    oauth1::http_request seen;
    auto transport = [&](const oauth1::http_request& req, std::error_code& ec) {
        ec.clear();
        seen = req;
        oauth1::http_response r;
        r.status = 200;
        r.body = "oauth_token=rt&oauth_token_secret=rs&oauth_callback_confirmed=true";
        return r;
    };
    const auto temp = oauth1::request_temporary_credentials(transport, c, ep.request_token,
                                                            oauth1::flow_options_for(p));
    CHECK(temp.token == "rt");
    CHECK(seen.url == "https://1234567-sb1.restlets.api.netsuite.com/rest/requesttoken");
    const std::string_view auth = seen.header("Authorization");
    CHECK(auth.rfind("OAuth realm=\"1234567_SB1\", ", 0) == 0);
    CHECK(auth.find("oauth_callback=\"oob\"") != std::string_view::npos);
    CHECK(auth.find("oauth_signature_method=\"HMAC-SHA256\"") != std::string_view::npos);
    CHECK(oauth1::authorization_url(ep.authorize, temp.token) ==
          "https://1234567-sb1.app.netsuite.com/app/login/secure/authorizetoken.nl?oauth_token=rt");
}

TEST_CASE("profiles: python3-oauthlib recomputes every profile's signatures")
{
    const auto json = std::string(R"({"amount":"1.00","note":"a+b c/d"})");
    const std::string multipart =
        "--b\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nx=1&y=2\r\n--b--\r\n";
    oauth1::profile twitter_hashed = oauth1::profiles::twitter();
    twitter_hashed.body_hash = oauth1::body_hash_policy::unless_form;
    oauth1::profile netsuite_hashed = oauth1::profiles::netsuite("1234567-sb1");
    netsuite_hashed.body_hash = oauth1::body_hash_policy::unless_form;
    oauth1::profile jira_hashed = oauth1::profiles::jira();
    jira_hashed.body_hash = oauth1::body_hash_policy::always;

    const std::string std_names = "oauth_consumer_key,oauth_nonce,oauth_signature,"
                                  "oauth_signature_method,oauth_timestamp";
    std::vector<case_> cases = {
        {"jira get", oauth1::profiles::jira(), "GET",
         "https://jira.example.com/rest/api/2/search?jql=project%20%3D%20JJ&maxResults=5", "", "",
         "", ""},
        {"jira post json", oauth1::profiles::jira(), "POST",
         "https://jira.example.com/rest/api/2/issue", "application/json", json, "", ""},
        {"jira always hashed, empty body", jira_hashed, "GET",
         "https://jira.example.com/rest/api/2/myself", "", "", "", ""},
        {"netsuite restlet", oauth1::profiles::netsuite("1234567-sb1"), "POST",
         "https://1234567-sb1.restlets.api.netsuite.com/app/site/hosting/"
         "restlet.nl?script=6&deploy=1&customParam=someValue",
         "application/json", json, "fjaLirsIcCGVZWzBX0pg", ""},
        {"netsuite hashed json", netsuite_hashed, "PUT",
         "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40",
         "application/json", json, "", ""},
        {"magento", oauth1::profiles::magento(), "GET",
         "https://shop.example.com/rest/V1/products?searchCriteria%5BpageSize%5D=10", "", "", "",
         ""},
        {"magento form", oauth1::profiles::magento(), "POST", "https://shop.example.com/rest/V1/x",
         "application/x-www-form-urlencoded", "name=caf%C3%A9&qty=2", "", ""},
        {"woocommerce sha256", oauth1::profiles::woocommerce(), "GET",
         "http://shop.example.com/wp-json/wc/v3/orders?per_page=5&status=processing", "", "", "",
         std_names},
        {"woocommerce sha1", oauth1::profiles::woocommerce(oauth1::signature_method::hmac_sha1),
         "POST", "http://shop.example.com/wp-json/wc/v3/products", "application/json", json, "",
         std_names},
        {"twitter form", oauth1::profiles::twitter(), "POST",
         "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
         "application/x-www-form-urlencoded", "status=Hello%20Ladies%20%2b%20Gentlemen", "", ""},
        {"twitter multipart", oauth1::profiles::twitter(), "POST",
         "https://upload.twitter.com/1.1/media/upload.json", "multipart/form-data; boundary=b",
         multipart, "", ""},
        {"twitter hashed json", twitter_hashed, "POST", "https://api.twitter.com/2/tweets",
         "application/json", json, "", ""},
        {"etrade", oauth1::profiles::etrade(), "GET",
         "https://api.etrade.com/v1/accounts/list.json", "", "", "", ""},
    };

    const oauth1::private_key rsa = oauth1::load_private_key_file(rsa_key_file);
    std::vector<sent> requests;
    std::vector<std::string> expect_digest;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const case_& k = cases[i];
        CAPTURE(k.name);
        const bool rsa_method = oauth1::is_rsa(k.p.method);
        const bool one_legged = k.p.tokens == oauth1::token_source::consumer_only;
        oauth1::service_credentials cred{"key-" + k.p.name, rsa_method ? "" : "s3cret&/+ x",
                                         rsa_method ? rsa : oauth1::private_key{},
                                         one_legged ? "" : "tok-" + std::to_string(i),
                                         one_legged ? "" : "tok+secret/" + std::to_string(i)};
        const auto c = oauth1::make_client(k.p, cred, k.p.method);
        oauth1::sign_options o;
        const std::string nonce = k.nonce.empty() ? "nonce" + std::to_string(1000 + i) : k.nonce;
        o.nonce = nonce;
        o.timestamp = 1700000000 + i;
        const oauth1::service_request r =
            oauth1::sign_for(k.p, c, {k.method, k.url, k.content_type, k.body}, o);
        const bool form = oauth1::is_form_urlencoded(k.content_type);
        std::string digest;
        const bool hashed =
            k.p.body_hash == oauth1::body_hash_policy::always ||
            (k.p.body_hash == oauth1::body_hash_policy::unless_form && !form && !k.body.empty());
        if (hashed && !form)
            digest = oauth1::to_string(k.p.method).find("256") != std::string_view::npos ? "sha256"
                                                                                         : "sha1";
        const bool query = k.p.placement == oauth1::parameter_placement::query;
        requests.push_back({k.name, k.method, r.url, k.content_type, r.body, r.authorization,
                            cred.consumer_secret, cred.token_secret,
                            rsa_method ? rsa_key_file : std::string(), digest,
                            query ? "query" : "header", std::string(r.result.base_string()),
                            std::string(r.result.signature())});
    }
    const std::vector<verdict> v = run_oauthlib(requests);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const sent& s = requests[i];
        CAPTURE(s.name);
        CHECK(v[i].base_string == s.base_string);
        CHECK(v[i].signature == s.signature);
        CHECK(v[i].sent_signature == s.signature);
        CHECK(v[i].body_hash == (s.digest.empty() ? "absent" : "ok"));
        if (cases[i].p.realm) CHECK(v[i].realm == *cases[i].p.realm);
        if (!cases[i].expect_names.empty()) CHECK(v[i].names == cases[i].expect_names);
        if (cases[i].p.placement == oauth1::parameter_placement::query) {
            CHECK(s.authorization.empty());
            CHECK(s.url.find("oauth_signature=") != std::string::npos);
            CHECK(s.url.find("oauth_version") == std::string::npos);
        }
    }
    // The realm of NetSuite's header.
    CHECK(requests[3].authorization.rfind("OAuth realm=\"1234567_SB1\", ", 0) == 0);
    // The multipart body's "x=1&y=2" was not signed (oauthlib: not a form either).
    CHECK(requests[10].base_string.find("x%3D1") == std::string::npos);
}
