// Tests of tools/jira-provider: the JIRA OAuth dance against the provider in-process (real
// loopback HTTP through cpp-httplib), every failure path with its exact oauth_problem and status,
// the REST resources, the consumers file parser and the JSON bodies (Boost.JSON). Registered as
// unit_jira_provider by tools/jira-provider/CMakeLists.txt.
#include "../../tools/jira-provider/jira_provider.hpp"
#include "jira_provider_fixture.hpp"

#include <boost/json.hpp>

#include <oauth1/client.hpp>
#include <oauth1/encoding.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/signature_method.hpp>

#include <httplib.h>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

const std::string keys_dir = OAUTH1_TEST_DATA_DIR "/keys";

std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, "cannot read " << path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The consumers, clients and page parsers shared with the adapters' JIRA tests.
using oauth1_test::jira_test_consumers;

oauth1::client rsa_client()
{
    return oauth1_test::jira_rsa_client();
}

oauth1::client hmac_client()
{
    return oauth1_test::jira_hmac_client();
}

std::uint64_t system_now()
{
    return oauth1::system_clock{}();
}

struct reply {
    int status = 0;
    std::string body;
    std::string content_type;
    std::string www_authenticate;
    std::string location;
    std::string allow;

    std::optional<oauth1::problem_report> problem() const
    {
        return oauth1::parse_problem_response(body, www_authenticate);
    }
    std::string problem_name() const
    {
        const auto p = problem();
        return p ? p->name : std::string("<no oauth_problem>");
    }
};

/// Sends one request to the provider, target byte for byte (no re-encoding, no redirects).
reply send(const jira_provider::provider& p, const std::string& method, const std::string& target,
           const std::string& authorization = {}, const std::string& content_type = {},
           const std::string& body = {})
{
    httplib::Client cli("127.0.0.1", p.port());
    cli.set_url_encode(false);
    cli.set_follow_location(false);
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    REQUIRE((method == "GET" || method == "POST" || method == "PUT" || method == "DELETE"));
    httplib::Result r = [&] {
        if (method == "GET") return cli.Get(target, headers);
        if (method == "POST") return cli.Post(target, headers, body, content_type);
        if (method == "PUT") return cli.Put(target, headers, body, content_type);
        return cli.Delete(target, headers, body, content_type);
    }();
    REQUIRE_MESSAGE(r, method << " " << target << ": no HTTP answer ("
                              << httplib::to_string(r.error()) << ")");
    reply out;
    out.status = r->status;
    out.body = r->body;
    out.content_type = r->get_header_value("Content-Type");
    out.www_authenticate = r->get_header_value("WWW-Authenticate");
    out.location = r->get_header_value("Location");
    out.allow = r->get_header_value("Allow");
    return out;
}

/// Signs (Authorization header) and sends; `signed_out` receives what was signed.
reply send_signed(const jira_provider::provider& p, const oauth1::client& c,
                  const std::string& method, const std::string& target,
                  const oauth1::sign_options& opts = {}, const std::string& content_type = {},
                  const std::string& body = {}, oauth1::signed_request* signed_out = nullptr)
{
    const std::string url = p.base_url() + target;
    const oauth1::signed_request s = c.sign({method, url, content_type, body}, opts);
    if (signed_out) *signed_out = s;
    return send(p, method, target, std::string(s.authorization()), content_type, body);
}

/// Sends `request` as is on a new loopback connection and returns everything read until the
/// server closes it.
std::string raw_exchange(int port, const std::string& request)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
        std::size_t sent = 0;
        while (sent < request.size()) {
            const ssize_t n =
                ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        char buf[4096];
        while (true) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    return out;
}

std::map<std::string, std::string> parse_form(std::string_view body)
{
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) amp = body.size();
        const std::string_view pair = body.substr(pos, amp - pos);
        pos = amp + 1;
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        out[oauth1::form_decode(pair.substr(0, eq))] = oauth1::form_decode(pair.substr(eq + 1));
    }
    return out;
}

struct credentials {
    std::string token;
    std::string secret;
};

/// Step 1: temporary credentials (asserts oauth_callback_confirmed=true).
credentials get_request_token(const jira_provider::provider& p, const oauth1::client& c,
                              std::string_view callback = "oob")
{
    oauth1::sign_options o;
    o.callback = callback;
    const reply r = send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token", o);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.content_type.rfind("application/x-www-form-urlencoded", 0) == 0);
    auto f = parse_form(r.body);
    CHECK(f["oauth_callback_confirmed"] == "true");
    REQUIRE(f["oauth_token"].size() == 32);
    REQUIRE(f["oauth_token_secret"].size() == 32);
    return {f["oauth_token"], f["oauth_token_secret"]};
}

std::string verification_code(const std::string& page)
{
    return oauth1_test::jira_verification_code(page);
}

/// The anti-CSRF token of a page's form (the value of its atl_token input), "" when none.
std::string page_token(const std::string& page)
{
    return oauth1_test::jira_page_token(page);
}

/// The authorize page of `token`; returns its atl_token.
std::string authorize_page(const jira_provider::provider& p, const std::string& token)
{
    const reply page = send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + token);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    CHECK(page.content_type.rfind("text/html", 0) == 0);
    CHECK(page.body.find(">Allow</button>") != std::string::npos);
    CHECK(page.body.find(">Deny</button>") != std::string::npos);
    CHECK(page.body.find("name=\"oauth_token\" value=\"" + token + "\"") != std::string::npos);
    const std::string atl = page_token(page.body);
    REQUIRE(atl.size() == 32);
    return atl;
}

/// Step 2: the authorize page, then Allow (or Deny) with the page's form; returns the
/// verification code page.
reply decide(const jira_provider::provider& p, const std::string& token, bool allow)
{
    const std::string atl = authorize_page(p, token);
    return send(
        p, "POST", "/plugins/servlet/oauth/authorize", {}, "application/x-www-form-urlencoded",
        "oauth_token=" + token + "&atl_token=" + atl + "&decision=" + (allow ? "allow" : "deny"));
}

std::string approve(const jira_provider::provider& p, const std::string& token)
{
    const reply r = decide(p, token, true);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const std::string code = verification_code(r.body);
    REQUIRE_MESSAGE(code.size() == 6, r.body);
    return code;
}

/// Step 3: the token-credential request.
reply exchange(const jira_provider::provider& p, oauth1::client& c, const credentials& request,
               const std::string& verifier, oauth1::sign_options o = {})
{
    c.set_token(request.token, request.secret);
    o.verifier = verifier;
    return send_signed(p, c, "POST", "/plugins/servlet/oauth/access-token", o);
}

/// The whole dance; `c` then holds the access token.
credentials dance(const jira_provider::provider& p, oauth1::client& c)
{
    c.clear_token();
    const credentials request = get_request_token(p, c);
    const std::string code = approve(p, request.token);
    const reply r = exchange(p, c, request, code);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto f = parse_form(r.body);
    const credentials access{f["oauth_token"], f["oauth_token_secret"]};
    REQUIRE(!access.token.empty());
    REQUIRE(!access.secret.empty());
    c.set_token(access.token, access.secret);
    return access;
}

boost::json::value json_of(const reply& r)
{
    std::string error;
    auto v = jira_provider::detail::parse_json(r.body, error);
    REQUIRE_MESSAGE(v, "not JSON (" << error << "): " << r.body);
    return *v;
}

/// The member `name` of object `v`, or nullptr (also when `v` is nullptr).
const boost::json::value* get(const boost::json::value* v, std::string_view name)
{
    return v ? jira_provider::detail::json_member(*v, name) : nullptr;
}
const boost::json::value* get(const boost::json::value& v, std::string_view name)
{
    return get(&v, name);
}

std::string json_string_at(const boost::json::value& v, std::string_view name)
{
    const boost::json::string* s = jira_provider::detail::json_string_member(v, name);
    return s ? std::string(*s) : std::string("<absent>");
}

/// The jira-provider executable (the build passes its path), run as a child process with its
/// stdout on a pipe, its stderr in a file and stdin from /dev/null.
struct provider_process {
    pid_t pid = -1;
    int out = -1;
    std::string err_file;

    provider_process(const std::vector<std::string>& args, std::string stderr_file)
        : err_file(std::move(stderr_file))
    {
        const std::string exe = JIRA_PROVIDER_EXE;
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (err >= 0) ::dup2(err, STDERR_FILENO);
            const int in = ::open("/dev/null", O_RDONLY);
            if (in >= 0) ::dup2(in, STDIN_FILENO);
            ::close(fds[0]);
            std::vector<char*> argv{const_cast<char*>(exe.c_str())};
            for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(exe.c_str(), argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        out = fds[0];
    }
    provider_process(const provider_process&) = delete;
    provider_process& operator=(const provider_process&) = delete;
    ~provider_process()
    {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (out >= 0) ::close(out);
    }

    /// The first stdout line (without '\n'), waiting at most 20 s.
    std::string first_line() const
    {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{out, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char c = 0;
            if (::read(out, &c, 1) <= 0 || c == '\n') break;
            line.push_back(c);
        }
        return line;
    }

    /// The exit status once it exits by itself (within 20 s); -1 when killed or signalled.
    int exit_status()
    {
        int status = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (::waitpid(pid, &status, WNOHANG) != pid) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                pid = -1;
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

/// A file name for a test's scratch output, unique to this process.
std::string scratch_file(const std::string& name)
{
    return (std::filesystem::temp_directory_path() /
            ("jira_provider_test_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

void check_refused(const reply& r, int status, std::string_view problem)
{
    CAPTURE(r.body);
    CAPTURE(r.www_authenticate);
    CHECK(r.status == status);
    CHECK(r.problem_name() == problem);
    // JIRA-style: the problem is in both the challenge and the form body.
    CHECK(r.www_authenticate.find("oauth_problem=\"" + std::string(problem) + "\"") !=
          std::string::npos);
    CHECK(r.body.find("oauth_problem=" + std::string(problem)) != std::string::npos);
}

} // namespace

TEST_CASE("jira_provider: the JIRA OAuth dance (RSA-SHA1 OauthKey and an HMAC consumer)")
{
    jira_provider::provider p(jira_test_consumers(), {});
    REQUIRE(p.start() > 0);
    CHECK(p.base_url() == "http://127.0.0.1:" + std::to_string(p.port()));

    for (int which = 0; which < 2; ++which) {
        oauth1::client c = which == 0 ? rsa_client() : hmac_client();
        CAPTURE(c.consumer_key());
        c.clear_token();
        const credentials request = get_request_token(p, c);

        // The authorize page names the application and the consumer key.
        const reply page =
            send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + request.token);
        REQUIRE(page.status == 200);
        CHECK(page.body.find(c.consumer_key()) != std::string::npos);
        if (which == 0) CHECK(page.body.find("Example JIRA OAuth client") != std::string::npos);

        const std::string code = approve(p, request.token);
        const reply r = exchange(p, c, request, code);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        CHECK(r.content_type.rfind("application/x-www-form-urlencoded", 0) == 0);
        auto f = parse_form(r.body);
        CHECK(f["oauth_token"].size() == 32);
        CHECK(f["oauth_token"] != request.token);
        CHECK(f["oauth_token_secret"].size() == 32);
        CHECK(f["oauth_expires_in"] == "157680000");
        CHECK(f["oauth_authorization_expires_in"] == "160272000");
        CHECK(f["oauth_session_handle"].size() == 32);
        c.set_token(f["oauth_token"], f["oauth_token_secret"]);

        // The tutorial's request.
        reply issue = send_signed(p, c, "GET", "/rest/api/latest/issue/JJ-2");
        REQUIRE_MESSAGE(issue.status == 200, issue.body);
        CHECK(issue.content_type.rfind("application/json", 0) == 0);
        auto j = json_of(issue);
        CHECK(json_string_at(j, "key") == "JJ-2");
        CHECK(json_string_at(j, "id") == "10001");
        CHECK(json_string_at(j, "self") == p.base_url() + "/rest/api/2/issue/10001");
        REQUIRE(get(j, "fields"));
        const auto* project = get(get(j, "fields"), "project");
        REQUIRE(project);
        CHECK(json_string_at(*project, "key") == "JJ");
        CHECK(get(get(j, "fields"), "status"));
        CHECK(get(get(j, "fields"), "issuetype"));

        // Same issue by id, through /rest/api/2, with a (signed) query.
        issue = send_signed(p, c, "GET", "/rest/api/2/issue/10001?fields=summary%2Cstatus");
        REQUIRE_MESSAGE(issue.status == 200, issue.body);
        CHECK(json_string_at(json_of(issue), "key") == "JJ-2");

        const reply me = send_signed(p, c, "GET", "/rest/api/2/myself");
        REQUIRE(me.status == 200);
        CHECK(json_string_at(json_of(me), "name") == "admin");
    }
}

TEST_CASE("jira_provider: REST issues - create (with oauth_body_hash), read, update, delete")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();
    dance(p, c);

    oauth1::sign_options with_hash;
    with_hash.body_hash = true;
    const std::string body =
        R"({"fields":{"project":{"key":"JJ"},"summary":"Caf\u00e9 \"quoted\" \\ <b>",)"
        R"("description":"made by the test","issuetype":{"name":"Bug"}}})";
    reply created =
        send_signed(p, c, "POST", "/rest/api/2/issue", with_hash, "application/json", body);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto j = json_of(created);
    const std::string key = json_string_at(j, "key");
    CHECK(key == "JJ-3");
    const std::string id = json_string_at(j, "id");
    CHECK(json_string_at(j, "self") == p.base_url() + "/rest/api/2/issue/" + id);

    reply got = send_signed(p, c, "GET", "/rest/api/2/issue/" + key);
    REQUIRE_MESSAGE(got.status == 200, got.body);
    auto g = json_of(got);
    CHECK(json_string_at(g, "key") == key);
    REQUIRE(get(g, "fields"));
    CHECK(json_string_at(*get(g, "fields"), "summary") == "Caf\xC3\xA9 \"quoted\" \\ <b>");
    CHECK(json_string_at(*get(g, "fields"), "description") == "made by the test");
    REQUIRE(get(get(g, "fields"), "issuetype"));
    CHECK(json_string_at(*get(get(g, "fields"), "issuetype"), "name") == "Bug");

    // Without a body hash the JSON body is not signed, but still accepted (JIRA does so too).
    created = send_signed(p, c, "POST", "/rest/api/latest/issue", {}, "application/json",
                          R"({"fields":{"project":{"id":"10000"},"summary":"second"}})");
    REQUIRE_MESSAGE(created.status == 201, created.body);
    CHECK(json_string_at(json_of(created), "key") == "JJ-4");

    // Update and delete.
    reply r = send_signed(p, c, "PUT", "/rest/api/2/issue/" + key, with_hash, "application/json",
                          R"({"fields":{"summary":"renamed"}})");
    CHECK_MESSAGE(r.status == 204, r.body);
    got = send_signed(p, c, "GET", "/rest/api/2/issue/" + key);
    const boost::json::value renamed = json_of(got);
    REQUIRE(get(renamed, "fields"));
    CHECK(json_string_at(*get(renamed, "fields"), "summary") == "renamed");
    r = send_signed(p, c, "DELETE", "/rest/api/2/issue/" + key);
    CHECK(r.status == 204);
    got = send_signed(p, c, "GET", "/rest/api/2/issue/" + key);
    CHECK(got.status == 404);
    CHECK(got.body == R"({"errorMessages":["Issue Does Not Exist"],"errors":{}})");
    r = send_signed(p, c, "DELETE", "/rest/api/2/issue/" + key);
    CHECK(r.status == 404);

    // Unknown key.
    got = send_signed(p, c, "GET", "/rest/api/latest/issue/JJ-999");
    CHECK(got.status == 404);
    CHECK(got.body == R"({"errorMessages":["Issue Does Not Exist"],"errors":{}})");

    // Bad bodies: JIRA-style JSON errors.
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json", "{\"fields\":");
    CHECK(r.status == 400);
    CHECK(r.body == R"({"errorMessages":["Malformed JSON body: the JSON value is incomplete: )"
                    R"(the body ends at offset 10"],"errors":{}})");
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json",
                    R"({"fields":{"summary":"a",}})");
    CHECK(r.status == 400);
    CHECK(r.body.find("Malformed JSON body: unexpected '}' at offset 25") != std::string::npos);
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json", "[1]");
    CHECK(r.status == 400);
    CHECK(r.body.find("the body must be a JSON object") != std::string::npos);
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json", R"({"fields":1})");
    CHECK(r.status == 400);
    CHECK(
        r.body ==
        R"({"errorMessages":[],"errors":{"fields":"Field 'fields' is required and must be an object."}})");
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json",
                    R"({"fields":{"project":{"key":"JJ"}}})");
    CHECK(r.status == 400);
    const boost::json::value no_summary = json_of(r);
    REQUIRE(get(no_summary, "errors"));
    CHECK(json_string_at(*get(no_summary, "errors"), "summary") ==
          "You must specify a summary of the issue.");
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json",
                    R"({"fields":{"project":{"key":"XX"},"summary":"s"}})");
    CHECK(r.status == 400);
    CHECK(get(get(json_of(r), "errors"), "project"));
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "text/plain", "summary");
    CHECK(r.status == 415);

    // A body that does not match its signed oauth_body_hash.
    oauth1::signed_request s;
    const std::string url = p.base_url() + "/rest/api/2/issue";
    s = c.sign({"POST", url, "application/json", R"({"fields":{"summary":"a"}})"}, with_hash);
    r = send(p, "POST", "/rest/api/2/issue", std::string(s.authorization()), "application/json",
             R"({"fields":{"summary":"b"}})");
    check_refused(r, 401, "signature_invalid");
}

TEST_CASE("jira_provider: REST serverInfo (signed or anonymous, as JIRA), project and field")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();
    const credentials access = dance(p, c);
    p.set_clock_offset(-120); // within the timestamp window: signed requests still verify

    // What the jira Python library reads in its constructor: versionNumbers, deploymentType.
    for (const bool is_signed : {true, false}) {
        CAPTURE(is_signed);
        const reply r = is_signed ? send_signed(p, c, "GET", "/rest/api/2/serverInfo")
                                  : send(p, "GET", "/rest/api/latest/serverInfo");
        REQUIRE_MESSAGE(r.status == 200, r.body);
        CHECK(r.content_type.rfind("application/json", 0) == 0);
        const boost::json::value j = json_of(r);
        CHECK(json_string_at(j, "baseUrl") == p.base_url());
        CHECK(json_string_at(j, "version") == "8.20.10");
        REQUIRE(get(j, "versionNumbers"));
        CHECK(*get(j, "versionNumbers") == boost::json::value{8, 20, 10});
        CHECK(json_string_at(j, "deploymentType") == "Server");
        REQUIRE(get(j, "buildNumber"));
        CHECK(*get(j, "buildNumber") == 820010);
        CHECK(json_string_at(j, "serverTitle") == "jira-provider");
        CHECK(json_string_at(j, "buildDate") == "2022-07-26T00:00:00.000+0000");
        // The provider's clock (two minutes behind here), read before and after the request.
        const std::string time = json_string_at(j, "serverTime");
        const std::uint64_t now = p.now();
        CHECK((time == jira_provider::detail::jira_time(now) ||
               time == jira_provider::detail::jira_time(now - 1)));
    }
    // A request that carries OAuth must verify, anonymous access notwithstanding.
    oauth1::client stranger("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(
                                            keys_dir + "/bench_rsa1024.pem")));
    stranger.set_token(access.token, access.secret); // signed with the wrong key
    check_refused(send_signed(p, stranger, "GET", "/rest/api/2/serverInfo"), 401,
                  "signature_invalid");
    check_refused(send(p, "GET", "/rest/api/2/serverInfo?oauth_token=x"), 401, "parameter_absent");

    // The project, by key (any case) or id.
    for (const char* which : {"JJ", "jj", "10000"}) {
        CAPTURE(which);
        const reply r = send_signed(p, c, "GET", std::string("/rest/api/2/project/") + which);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        const boost::json::value j = json_of(r);
        CHECK(json_string_at(j, "id") == "10000");
        CHECK(json_string_at(j, "key") == "JJ");
        CHECK(json_string_at(j, "name") == "JIRA Junior");
        CHECK(json_string_at(j, "self") == p.base_url() + "/rest/api/2/project/10000");
        CHECK(json_string_at(j, "projectTypeKey") == "software");
        REQUIRE(get(j, "lead"));
        CHECK(json_string_at(*get(j, "lead"), "name") == "admin");
        REQUIRE(get(j, "issueTypes"));
        std::vector<std::string> types;
        for (const boost::json::value& t : get(j, "issueTypes")->as_array()) {
            types.push_back(json_string_at(t, "name"));
            CHECK(json_string_at(t, "self") ==
                  p.base_url() + "/rest/api/2/issuetype/" + json_string_at(t, "id"));
        }
        CHECK(types == std::vector<std::string>{"Task", "Bug", "Story", "Epic"});
        REQUIRE(get(j, "avatarUrls"));
        CHECK(get(get(j, "avatarUrls"), "48x48"));
    }
    reply r = send_signed(p, c, "GET", "/rest/api/2/project/XX");
    CHECK(r.status == 404);
    CHECK(r.body ==
          R"({"errorMessages":["No project could be found with key 'XX'."],"errors":{}})");
    r = send_signed(p, c, "GET", "/rest/api/2/project/12345");
    CHECK(r.status == 404);
    CHECK(r.body ==
          R"({"errorMessages":["No project could be found with id '12345'."],"errors":{}})");
    check_refused(send(p, "GET", "/rest/api/2/project/JJ"), 401, "parameter_absent");

    // The project list.
    r = send_signed(p, c, "GET", "/rest/api/2/project");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const boost::json::value list = json_of(r);
    REQUIRE(list.is_array());
    REQUIRE(list.as_array().size() == 1);
    CHECK(json_string_at(list.as_array()[0], "key") == "JJ");

    // The issue types, as in the project.
    r = send_signed(p, c, "GET", "/rest/api/2/issuetype");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const boost::json::value types = json_of(r);
    REQUIRE(types.is_array());
    REQUIRE(types.as_array().size() == 4);
    CHECK(json_string_at(types.as_array()[1], "name") == "Bug");
    CHECK(json_string_at(types.as_array()[1], "id") == "10004");

    // The fields, with the JQL names of the key and project clauses.
    r = send_signed(p, c, "GET", "/rest/api/2/field");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const boost::json::value fields = json_of(r);
    REQUIRE(fields.is_array());
    std::map<std::string, boost::json::value> by_id;
    for (const boost::json::value& f : fields.as_array()) by_id[json_string_at(f, "id")] = f;
    for (const char* id :
         {"issuekey", "summary", "description", "issuetype", "project", "status", "priority",
          "labels", "assignee", "reporter", "creator", "created", "updated"}) {
        CAPTURE(id);
        REQUIRE(by_id.count(id) == 1);
        CHECK(get(by_id[id], "clauseNames"));
        CHECK(get(by_id[id], "custom"));
    }
    CHECK(*get(by_id["issuekey"], "clauseNames") ==
          boost::json::value{"id", "issue", "issuekey", "key"});
    CHECK(json_string_at(*get(by_id["summary"], "schema"), "type") == "string");

    // Each issue's type and project are those of the project.
    r = send_signed(
        p, c, "POST", "/rest/api/2/issue", {}, "application/json",
        R"({"fields":{"project":{"key":"jj"},"summary":"s","issuetype":{"id":"10001"}}})");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    r = send_signed(p, c, "GET", "/rest/api/2/issue/" + json_string_at(json_of(r), "key"));
    const boost::json::value story = json_of(r);
    const boost::json::value* f = get(story, "fields");
    REQUIRE(f);
    REQUIRE(get(f, "issuetype"));
    REQUIRE(get(f, "project"));
    CHECK(json_string_at(*get(f, "issuetype"), "name") == "Story");
    CHECK(json_string_at(*get(f, "issuetype"), "id") == "10001");
    CHECK(json_string_at(*get(f, "project"), "key") == "JJ");
    for (const char* type : {R"({"name":"Improvement"})", R"({"id":"99"})", R"({})"}) {
        CAPTURE(type);
        r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json",
                        std::string(R"({"fields":{"project":{"key":"JJ"},"summary":"s",)") +
                            R"("issuetype":)" + type + "}}");
        CHECK(r.status == 400);
        CHECK(r.body ==
              R"({"errorMessages":[],"errors":{"issuetype":"valid issue type is required"}})");
    }
    // A project given by its id as a key is not a project.
    r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json",
                    R"({"fields":{"project":{"key":"10000"},"summary":"s"}})");
    CHECK(r.status == 400);
}

TEST_CASE("jira_provider: REST search (JQL project = X AND key = Y, startAt, maxResults)")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();
    dance(p, c);
    // JJ-1, JJ-2 seeded; JJ-3 .. JJ-5 created.
    for (int i = 3; i <= 5; ++i) {
        const reply r = send_signed(p, c, "POST", "/rest/api/2/issue", {}, "application/json",
                                    R"({"fields":{"project":{"key":"JJ"},"summary":"n"}})");
        REQUIRE(r.status == 201);
        REQUIRE(json_string_at(json_of(r), "key") == "JJ-" + std::to_string(i));
    }

    /// The keys of a search's issues, checking the answer's shape.
    const auto search = [&](const std::string& query, std::uint64_t start = 0,
                            std::uint64_t max = 50, std::uint64_t total = 0) {
        const reply r = send_signed(p, c, "GET", "/rest/api/2/search?" + query);
        CAPTURE(query);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        const boost::json::value j = json_of(r);
        REQUIRE(get(j, "issues"));
        CHECK(*get(j, "startAt") == start);
        CHECK(*get(j, "maxResults") == max);
        std::vector<std::string> keys;
        for (const boost::json::value& i : get(j, "issues")->as_array()) {
            keys.push_back(json_string_at(i, "key"));
            CHECK(get(i, "fields"));
        }
        CHECK(*get(j, "total") == (total ? total : keys.size()));
        return keys;
    };
    const std::vector<std::string> all{"JJ-5", "JJ-4", "JJ-3", "JJ-2", "JJ-1"};
    CHECK(search("jql=project%20%3D%20JJ") == all); // newest first
    CHECK(search("jql=") == all);                   // empty JQL: every issue, as JIRA
    CHECK(search("") == all);
    CHECK(search("jql=project%3D%22JIRA%20Junior%22") == all); // by name, quoted
    CHECK(search("jql=PROJECT%20%3D%2010000") == all);         // by id, any case
    CHECK(search("jql=key%20%3D%20JJ-2") == std::vector<std::string>{"JJ-2"});
    CHECK(search("jql=issuekey%3Djj-2") == std::vector<std::string>{"JJ-2"});
    CHECK(search("jql=id%20%3D%2010001") == std::vector<std::string>{"JJ-2"});
    CHECK(search("jql=project%20%3D%20%22JJ%22%20and%20key%20%3D%20'JJ-4'") ==
          std::vector<std::string>{"JJ-4"});
    CHECK(search("jql=key%20%3D%20JJ-4%20AND%20key%20%3D%20JJ-3").empty());
    // Pages.
    CHECK(search("jql=project%3DJJ&startAt=1&maxResults=2", 1, 2, 5) ==
          std::vector<std::string>{"JJ-4", "JJ-3"});
    CHECK(search("jql=project%3DJJ&startAt=4&maxResults=2", 4, 2, 5) ==
          std::vector<std::string>{"JJ-1"});
    CHECK(search("jql=project%3DJJ&startAt=9", 9, 50, 5).empty());
    CHECK(search("jql=project%3DJJ&maxResults=0", 0, 0, 5).empty());
    CHECK(search("jql=project%3DJJ&maxResults=5000", 0, 1000, 5) == all); // JIRA's cap
    // fields, expand and validateQuery=true are accepted.
    CHECK(search("jql=project%3DJJ&fields=summary%2Cstatus&expand=names&validateQuery=true") ==
          all);

    // Values that name nothing: 400, or warnings with validateQuery=false (as JIRA).
    struct refused {
        const char* query;
        const char* message;
    };
    const refused bad_values[] = {
        {"jql=project%3DXX", "The value 'XX' does not exist for the field 'project'."},
        {"jql=key%3DJJ-99", "An issue with key 'JJ-99' does not exist for field 'key'."},
        {"jql=issuekey%3Dnope", "The issue key 'nope' for field 'issuekey' is invalid."},
    };
    for (const refused& b : bad_values) {
        const std::string query = b.query;
        CAPTURE(query);
        reply r = send_signed(p, c, "GET", std::string("/rest/api/2/search?") + b.query);
        CHECK(r.status == 400);
        CHECK(r.body == std::string(R"({"errorMessages":[")") + b.message + R"("],"errors":{}})");
        r = send_signed(p, c, "GET",
                        std::string("/rest/api/2/search?validateQuery=false&") + b.query);
        CHECK(r.status == 200);
        const boost::json::value j = json_of(r);
        CHECK(*get(j, "total") == 0);
        CHECK(*get(j, "warningMessages") == boost::json::value{b.message});
    }
    // JQL it does not understand, and bad counts: 400 with JIRA's error shape.
    const refused bad_queries[] = {
        {"jql=status%20%3D%20Open",
         "Error in the JQL Query: The field 'status' is not supported (line 1, character 1)."},
        {"jql=project%20%3D%20JJ%20OR%20key%20%3D%20JJ-1",
         "Error in the JQL Query: 'OR' is not supported (line 1, character 14)."},
        {"jql=project%20%3D%20JJ%20ORDER%20BY%20key",
         "Error in the JQL Query: 'ORDER' is not supported (line 1, character 14)."},
        {"jql=project%20!%3D%20JJ",
         "Error in the JQL Query: The operator '!=' is not supported, only '=' (line 1, "
         "character 9)."},
        {"jql=project%20in%20(JJ)",
         "Error in the JQL Query: The operator 'in' is not supported, only '=' (line 1, "
         "character 9)."},
        {"jql=project%20%3D", "Error in the JQL Query: Expecting a value but got end of query "
                              "(line 1, character 10)."},
        {"jql=project%20%3D%20JJ%20AND", "Error in the JQL Query: Expecting a field name but got "
                                         "end of query (line 1, character 17)."},
        {"jql=key%20%3D%20%22JJ-1", "Error in the JQL Query: The quoted string 'JJ-1' has not "
                                    "been completed. (line 1, character 7)"},
        {"startAt=-1", "The value '-1' of parameter 'startAt' is not a non-negative integer."},
        {"maxResults=ten", "The value 'ten' of parameter 'maxResults' is not a non-negative "
                           "integer."},
    };
    for (const refused& b : bad_queries) {
        const std::string query = b.query;
        CAPTURE(query);
        const reply r = send_signed(p, c, "GET", std::string("/rest/api/2/search?") + b.query);
        CHECK(r.status == 400);
        const boost::json::value j = json_of(r);
        REQUIRE(get(j, "errorMessages"));
        REQUIRE(get(j, "errorMessages")->as_array().size() == 1);
        const std::string message(get(j, "errorMessages")->as_array()[0].as_string());
        CHECK_MESSAGE(message.rfind(b.message, 0) == 0, message);
        CHECK(*get(j, "errors") == boost::json::object());
    }
    check_refused(send(p, "GET", "/rest/api/2/search?jql=project%3DJJ"), 401, "parameter_absent");
}

TEST_CASE("jira_provider: the JQL parser")
{
    std::string error;
    const auto q = jira_provider::jql::parse(
        "  Project='JIRA Junior' and KEY = \"a\\\"b\\\\c\" AND issue=JJ-1 and id = 10000 ", error);
    REQUIRE_MESSAGE(q, error);
    REQUIRE(q->size() == 4);
    using jira_provider::jql::field;
    CHECK((*q)[0].field == field::project);
    CHECK((*q)[0].name == "Project");
    CHECK((*q)[0].value == "JIRA Junior");
    CHECK((*q)[1].field == field::issue);
    CHECK((*q)[1].value == "a\"b\\c");
    CHECK((*q)[2].field == field::issue);
    CHECK((*q)[2].value == "JJ-1");
    CHECK((*q)[3].field == field::issue);
    CHECK((*q)[3].value == "10000");
    REQUIRE(jira_provider::jql::parse(" \t", error));
    CHECK(jira_provider::jql::parse(" \t", error)->empty());
    for (const char* bad :
         {"project", "project JJ", "= JJ", "project = JJ AND AND key = JJ-1",
          "project = JJ key = JJ-1", "project = (JJ)", "project = JJ)", "project = EMPTY",
          "key = null", "project = currentProject()", "summary ~ x", "project = 'JJ",
          "NOT project = JJ", "project == JJ", "project = JJ &&  key = JJ-1"}) {
        CAPTURE(bad);
        error.clear();
        CHECK_FALSE(jira_provider::jql::parse(bad, error));
        CHECK(error.rfind("Error in the JQL Query: ", 0) == 0);
        CHECK(error.find("(line 1, character ") != std::string::npos);
    }
}

TEST_CASE("jira_provider: access-token failures (wrong verifier, unauthorized, reuse, deny)")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();

    SUBCASE("wrong verifier -> token_rejected; the right one still works")
    {
        const credentials request = get_request_token(p, c);
        const std::string code = approve(p, request.token);
        const std::string wrong = code == "AAAAAA" ? "BBBBBB" : "AAAAAA";
        check_refused(exchange(p, c, request, wrong), 401, "token_rejected");
        check_refused(exchange(p, c, request, code + "x"), 401, "token_rejected");
        CHECK(exchange(p, c, request, code).status == 200);
    }
    SUBCASE("not yet authorized -> permission_unknown")
    {
        const credentials request = get_request_token(p, c);
        check_refused(exchange(p, c, request, "ABCDEF"), 401, "permission_unknown");
    }
    SUBCASE("request token exchanged twice -> token_used")
    {
        const credentials request = get_request_token(p, c);
        const std::string code = approve(p, request.token);
        REQUIRE(exchange(p, c, request, code).status == 200);
        check_refused(exchange(p, c, request, code), 401, "token_used");
        // And its authorize page is no longer offered.
        const reply page =
            send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + request.token);
        CHECK(page.status == 401);
        CHECK(page.body.find("token_used") != std::string::npos);
    }
    SUBCASE("deny -> page says so; access token refused with permission_denied")
    {
        const credentials request = get_request_token(p, c);
        const reply r = decide(p, request.token, false);
        CHECK(r.status == 200);
        CHECK(r.body.find("denied") != std::string::npos);
        CHECK(verification_code(r.body).empty());
        check_refused(exchange(p, c, request, "ABCDEF"), 401, "permission_denied");
    }
    SUBCASE("a request token is not an access token, and vice versa")
    {
        const credentials request = get_request_token(p, c);
        c.set_token(request.token, request.secret);
        check_refused(send_signed(p, c, "GET", "/rest/api/latest/issue/JJ-2"), 401,
                      "token_rejected");
        const credentials access = dance(p, c);
        check_refused(exchange(p, c, access, "ABCDEF"), 401, "token_rejected");
    }
    SUBCASE("a token issued to another consumer is refused")
    {
        const credentials request = get_request_token(p, c);
        const std::string code = approve(p, request.token);
        oauth1::client other = hmac_client();
        const reply r = exchange(p, other, request, code);
        check_refused(r, 401, "token_rejected");
        const auto report = r.problem();
        REQUIRE(report);
        CHECK(report->advice == "token was not issued to this consumer");
        // And its access token likewise.
        const credentials access = dance(p, c);
        other.set_token(access.token, access.secret);
        check_refused(send_signed(p, other, "GET", "/rest/api/2/myself"), 401, "token_rejected");
    }
    SUBCASE("concurrent exchanges of one request token: exactly one succeeds")
    {
        const credentials request = get_request_token(p, c);
        const std::string code = approve(p, request.token);
        std::atomic<int> ok{0};
        std::atomic<int> used{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 6; ++i) {
            threads.emplace_back([&] {
                oauth1::client mine = rsa_client();
                mine.set_token(request.token, request.secret);
                oauth1::sign_options o;
                o.verifier = code;
                const oauth1::signed_request s =
                    mine.sign({"POST", p.base_url() + "/plugins/servlet/oauth/access-token"}, o);
                httplib::Client cli("127.0.0.1", p.port());
                auto r = cli.Post("/plugins/servlet/oauth/access-token",
                                  {{"Authorization", std::string(s.authorization())}}, "",
                                  "application/x-www-form-urlencoded");
                if (r && r->status == 200) ++ok;
                if (r && r->body.find("oauth_problem=token_used") != std::string::npos) ++used;
            });
        }
        for (auto& t : threads) t.join();
        CHECK(ok == 1);
        CHECK(used == 5);
    }
}

TEST_CASE("jira_provider: a request token is rejected for good after 5 wrong verifiers")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();
    const auto wrong_for = [](const std::string& code, int i) {
        std::string w = "WRONG" + std::to_string(i);
        return w == code ? w + "x" : w;
    };

    // Four wrong guesses, then the right verifier: still exchanged.
    credentials request = get_request_token(p, c);
    std::string code = approve(p, request.token);
    for (int i = 0; i < 4; ++i)
        check_refused(exchange(p, c, request, wrong_for(code, i)), 401, "token_rejected");
    CHECK(exchange(p, c, request, code).status == 200);

    // Five: the fifth answer says so, and the right verifier no longer helps.
    c.clear_token();
    request = get_request_token(p, c);
    code = approve(p, request.token);
    for (int i = 0; i < 4; ++i)
        check_refused(exchange(p, c, request, wrong_for(code, i)), 401, "token_rejected");
    const reply fifth = exchange(p, c, request, wrong_for(code, 4));
    check_refused(fifth, 401, "token_rejected");
    REQUIRE(fifth.problem());
    CHECK(fifth.problem()->advice ==
          "oauth_verifier does not match; after 5 wrong verifiers the request token is rejected");
    check_refused(exchange(p, c, request, code), 401, "token_rejected");
    check_refused(exchange(p, c, request, code), 401, "token_rejected");
    const reply page =
        send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + request.token);
    CHECK(page.status == 401);
    CHECK(page.body.find("token_rejected") != std::string::npos);

    // The limit is an option.
    jira_provider::options o;
    o.max_verifier_attempts = 1;
    jira_provider::provider strict(jira_test_consumers(), o);
    strict.start();
    c.clear_token();
    request = get_request_token(strict, c);
    code = approve(strict, request.token);
    check_refused(exchange(strict, c, request, wrong_for(code, 0)), 401, "token_rejected");
    check_refused(exchange(strict, c, request, code), 401, "token_rejected");
}

TEST_CASE("jira_provider: the authorize form needs its page's atl_token and this host")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();
    const credentials request = get_request_token(p, c);
    const credentials other = get_request_token(p, c);
    const std::string atl = authorize_page(p, request.token);
    const std::string other_atl = authorize_page(p, other.token);
    CHECK(atl != other_atl);
    // The page token is the same on every view of that page (two tabs, a reload).
    CHECK(authorize_page(p, request.token) == atl);

    const auto post = [&](const std::string& body) {
        return send(p, "POST", "/plugins/servlet/oauth/authorize", {},
                    "application/x-www-form-urlencoded", body);
    };
    // A cross-site form: no atl_token, another page's, a wrong one, two of them.
    for (const std::string& extra :
         {std::string(), "&atl_token=" + other_atl, "&atl_token=" + std::string(32, 'A'),
          std::string("&atl_token="), "&atl_token=" + atl + "&atl_token=" + other_atl}) {
        CAPTURE(extra);
        for (const char* choice : {"&decision=allow", "&decision=deny", "&approve=Allow"}) {
            const reply r = post("oauth_token=" + request.token + choice + extra);
            CHECK(r.status == 403);
            CHECK(r.body.find("atl_token") != std::string::npos);
        }
    }
    // Nothing was decided: the token is still pending, and the real form works.
    check_refused(exchange(p, c, request, "ABCDEF"), 401, "permission_unknown");
    const reply r = post("oauth_token=" + request.token + "&atl_token=" + atl + "&approve=Allow");
    REQUIRE(r.status == 200);
    const std::string code = verification_code(r.body);
    REQUIRE(code.size() == 6);
    CHECK(exchange(p, c, request, code).status == 200);

    // The pages answer only a Host naming this provider (DNS rebinding).
    const std::string port = std::to_string(p.port());
    for (const char* host : {"evil.example", "evil.example:0", "127.0.0.2"}) {
        CAPTURE(host);
        const std::string raw = raw_exchange(
            p.port(),
            "GET /plugins/servlet/oauth/authorize?oauth_token=" + other.token +
                " HTTP/1.1\r\nHost: " + host +
                (std::string(host).find(':') == std::string::npos ? ":" + port : std::string()) +
                "\r\nConnection: close\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 421", 0) == 0);
        CHECK(raw.find(other_atl) == std::string::npos);
    }
    for (const std::string& host :
         {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port}) {
        CAPTURE(host);
        const std::string raw = raw_exchange(
            p.port(), "GET /plugins/servlet/oauth/authorize?oauth_token=" + other.token +
                          " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 200", 0) == 0);
    }
}

TEST_CASE("jira_provider: hostile requests before authentication")
{
    std::mutex m;
    std::vector<std::string> log;
    jira_provider::options o;
    o.log = [&](const std::string& line) {
        const std::lock_guard<std::mutex> lock(m);
        log.push_back(line);
    };
    jira_provider::provider p(jira_test_consumers(), o);
    p.start();
    const std::string path = "/plugins/servlet/oauth/request-token";
    const auto last_log = [&](std::size_t n) {
        for (int i = 0; i < 200; ++i) {
            {
                const std::lock_guard<std::mutex> lock(m);
                if (log.size() >= n) return log[n - 1];
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::string("<no log line>");
    };

    SUBCASE("a gzip bomb is refused (415) without being inflated")
    {
        // 48 MiB of zeros, gzip-compressed by cpp-httplib's client as it is produced (~50 KiB
        // sent). Inflated, the body would raise this process's peak memory by 48 MiB or more.
        const std::size_t inflated = std::size_t{48} << 20;
        const bool can_reset_peak = std::ofstream("/proc/self/clear_refs") << "5" ? true : false;
        const auto peak_kib = [] {
            std::ifstream status("/proc/self/status");
            std::string line;
            while (std::getline(status, line))
                if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
            return 0L;
        };
        const long before = peak_kib();
        httplib::Client cli("127.0.0.1", p.port());
        cli.set_compress(true);
        const std::string zeros(64 * 1024, '\0');
        const auto res = cli.Post(
            path, inflated,
            [&zeros](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                (void)offset;
                return sink.write(zeros.data(), std::min(length, zeros.size()));
            },
            "application/x-www-form-urlencoded");
        REQUIRE_MESSAGE(res, httplib::to_string(res.error()));
        CHECK(res->status == 415);
        // The handler never ran (it would have answered 401 parameter_absent).
        CHECK(last_log(1) == "POST " + path + " 415");
        if (can_reset_peak) {
            CHECK(peak_kib() - before < 24 * 1024);
        } else {
            MESSAGE("/proc/self/clear_refs not writable: the peak memory is not checked");
        }
    }
    SUBCASE("bodies over the limit, chunked, or without a length are refused unread")
    {
        const std::string head = "POST " + path +
                                 " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(p.port()) +
                                 "\r\nContent-Type: application/x-www-form-urlencoded\r\n";
        std::string raw = raw_exchange(
            p.port(), head + "Content-Length: " + std::to_string((1 << 20) + 1) + "\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 413", 0) == 0);
        raw = raw_exchange(p.port(),
                           head + "Transfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 411", 0) == 0);
        CHECK(last_log(2) == "POST " + path + " 411");
        // The limit is an option.
        jira_provider::options small;
        small.max_body_bytes = 10;
        jira_provider::provider q(jira_test_consumers(), small);
        q.start();
        const reply r =
            send(q, "POST", "/rest/api/2/issue", {}, "application/json", R"({"fields":{}})");
        CHECK(r.status == 413);
    }
    SUBCASE("many ranges: 416 without a body (cpp-httplib would repeat the body per range)")
    {
        std::string ranges = "bytes=0-";
        for (int i = 0; i < 2000; ++i) ranges += ",0-";
        const std::string raw = raw_exchange(
            p.port(), "GET /rest/api/2/myself HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: " + ranges +
                          "\r\nConnection: close\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 416", 0) == 0);
        CHECK(raw.size() < 1000);
        // One range is harmless: the answer is the 401 as ever (a slice of it).
        const std::string one = raw_exchange(
            p.port(), "GET /rest/api/2/myself HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-\r\n"
                      "Connection: close\r\n\r\n");
        CHECK(one.rfind("HTTP/1.1 401", 0) == 0);
    }
    SUBCASE("requests are verified for this provider's origin, not the Host they name")
    {
        oauth1::client c = rsa_client();
        oauth1::sign_options so;
        so.callback = "oob";
        // Signed for http://localhost:<port> and sent with that Host: not this origin.
        const std::string other = "http://localhost:" + std::to_string(p.port());
        oauth1::signed_request s = c.sign({"POST", other + path}, so);
        std::string raw = raw_exchange(
            p.port(), "POST " + path + " HTTP/1.1\r\nHost: localhost:" + std::to_string(p.port()) +
                          "\r\nAuthorization: " + std::string(s.authorization()) +
                          "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 401", 0) == 0);
        CHECK(raw.find("oauth_problem=signature_invalid") != std::string::npos);
        // Signed for the provider's origin: verified whatever the Host header says.
        s = c.sign({"POST", p.base_url() + path}, so);
        raw = raw_exchange(p.port(), "POST " + path +
                                         " HTTP/1.1\r\nHost: evil.example\r\nAuthorization: " +
                                         std::string(s.authorization()) +
                                         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        CHECK(raw.rfind("HTTP/1.1 200", 0) == 0);
    }
    SUBCASE("parameters cpp-httplib parsed but nobody signed; the verifier's limits")
    {
        oauth1::client c = rsa_client();
        oauth1::sign_options so;
        so.callback = "oob";
        const std::string type = "application/x-www-form-urlencodedX";
        const reply r =
            send_signed(p, c, "POST", path, so, type, "oauth_callback=https%3A%2F%2Fevil.example");
        check_refused(r, 401, "parameter_rejected");
        // More than 100 parameters: refused before any lookup or signature check.
        std::string query = "?";
        for (int i = 0; i < 101; ++i) query += "p" + std::to_string(i) + "=1&";
        query.pop_back();
        const reply many = send_signed(p, c, "POST", path + query, so);
        check_refused(many, 401, "parameter_rejected");
        REQUIRE(many.problem());
        CHECK(many.problem()->advice == "more than 100 parameters");
        // A JSON body larger than the verifier's limit cannot carry a checked oauth_body_hash.
    }
}

TEST_CASE("jira_provider: expired request token (provider clock moved forward)")
{
    jira_provider::options o;
    o.request_token_lifetime = 600;
    jira_provider::provider p(jira_test_consumers(), o);
    p.start();
    oauth1::client c = rsa_client();

    const credentials approved = get_request_token(p, c);
    const std::string code = approve(p, approved.token);
    c.clear_token();
    const credentials pending = get_request_token(p, c);

    p.set_clock_offset(601);
    oauth1::sign_options later;
    later.timestamp = system_now() + 601; // within the timestamp window of the skewed clock
    check_refused(exchange(p, c, approved, code, later), 401, "token_expired");

    const reply page =
        send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + pending.token);
    CHECK(page.status == 401);
    CHECK(page.body.find("token_expired") != std::string::npos);
}

TEST_CASE("jira_provider: an access token revoked through /admin/revoke -> token_revoked")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();
    const credentials access = dance(p, c);
    REQUIRE(send_signed(p, c, "GET", "/rest/api/latest/issue/JJ-2").status == 200);

    // The revoke page's form, as a browser would post it.
    const reply page = send(p, "GET", "/admin/revoke?oauth_token=" + access.token);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    const std::string atl = page_token(page.body);
    REQUIRE(atl.size() == 32);
    // Without the page's atl_token (a cross-site form post), or with another one: 403.
    CHECK(send(p, "POST", "/admin/revoke", {}, "application/x-www-form-urlencoded",
               "oauth_token=" + access.token)
              .status == 403);
    CHECK(send(p, "POST", "/admin/revoke", {}, "application/x-www-form-urlencoded",
               "oauth_token=" + access.token + "&atl_token=" + std::string(32, 'A'))
              .status == 403);
    CHECK(send(p, "POST", "/admin/revoke", {}, "application/x-www-form-urlencoded",
               "oauth_token=" + access.token + "&atl_token=" + atl + "x")
              .status == 403);
    REQUIRE(send_signed(p, c, "GET", "/rest/api/latest/issue/JJ-2").status == 200);

    const reply r = send(p, "POST", "/admin/revoke", {}, "application/x-www-form-urlencoded",
                         "oauth_token=" + access.token + "&atl_token=" + atl);
    CHECK(r.status == 204);
    check_refused(send_signed(p, c, "GET", "/rest/api/latest/issue/JJ-2"), 401, "token_revoked");
    // Its page is gone with it.
    CHECK(send(p, "GET", "/admin/revoke?oauth_token=" + access.token).status == 404);

    CHECK(send(p, "GET", "/admin/revoke?oauth_token=unknown").status == 404);
    CHECK(send(p, "POST", "/admin/revoke", {}, "application/x-www-form-urlencoded",
               "oauth_token=unknown&atl_token=" + atl)
              .status == 404);
    CHECK(send(p, "POST", "/admin/revoke", {}, "application/x-www-form-urlencoded", "").status ==
          400);
}

TEST_CASE("jira_provider: consumer, signature, timestamp and nonce failures")
{
    SUBCASE("unknown consumer -> consumer_key_unknown")
    {
        jira_provider::provider p(jira_test_consumers(), {});
        p.start();
        oauth1::client stranger("NotRegistered", oauth1::hmac_sha1("whatever"));
        oauth1::sign_options o;
        o.callback = "oob";
        check_refused(send_signed(p, stranger, "POST", "/plugins/servlet/oauth/request-token", o),
                      401, "consumer_key_unknown");
    }
    SUBCASE("wrong private key -> signature_invalid with the provider's base string echoed")
    {
        jira_provider::provider p(jira_test_consumers(), {});
        p.start();
        oauth1::client impostor("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(
                                                keys_dir + "/bench_rsa1024.pem")));
        oauth1::sign_options o;
        o.callback = "oob";
        oauth1::signed_request s;
        const reply r =
            send_signed(p, impostor, "POST", "/plugins/servlet/oauth/request-token", o, {}, {}, &s);
        check_refused(r, 401, "signature_invalid");
        const auto report = r.problem();
        REQUIRE(report);
        CHECK(report->signature_base_string == s.base_string());
        CHECK(oauth1::explain_base_string_difference(s.base_string(), report->signature_base_string)
                  .empty());
        // Never the other way round: HMAC for a consumer registered with RSA-SHA1 only.
        oauth1::client wrong_method("OauthKey", oauth1::hmac_sha1("x"));
        check_refused(
            send_signed(p, wrong_method, "POST", "/plugins/servlet/oauth/request-token", o), 401,
            "signature_method_rejected");
    }
    SUBCASE("provider clock an hour ahead -> timestamp_refused with acceptable timestamps")
    {
        jira_provider::options o;
        o.clock_offset = 3600;
        jira_provider::provider p(jira_test_consumers(), o);
        p.start();
        oauth1::client c = rsa_client();
        oauth1::sign_options so;
        so.callback = "oob";
        const std::uint64_t before = system_now();
        const reply r = send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token", so);
        check_refused(r, 401, "timestamp_refused");
        const auto report = r.problem();
        REQUIRE(report);
        REQUIRE(report->acceptable_timestamps);
        CHECK(report->acceptable_timestamps->first >= before + 3600 - 300);
        CHECK(report->acceptable_timestamps->second <= system_now() + 3600 + 300);
        // A client that follows the provider's clock gets through.
        so.timestamp = p.now();
        CHECK(send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token", so).status == 200);
    }
    SUBCASE("replayed request -> nonce_used")
    {
        jira_provider::provider p(jira_test_consumers(), {});
        p.start();
        oauth1::client c = rsa_client();
        dance(p, c);
        const oauth1::signed_request s =
            c.sign({"GET", p.base_url() + "/rest/api/latest/issue/JJ-2"});
        const std::string auth(s.authorization());
        CHECK(send(p, "GET", "/rest/api/latest/issue/JJ-2", auth).status == 200);
        check_refused(send(p, "GET", "/rest/api/latest/issue/JJ-2", auth), 401, "nonce_used");
    }
    SUBCASE("no OAuth at all -> parameter_absent, still 401 as JIRA")
    {
        jira_provider::provider p(jira_test_consumers(), {});
        p.start();
        check_refused(send(p, "GET", "/rest/api/latest/issue/JJ-2"), 401, "parameter_absent");
    }
}

TEST_CASE("jira_provider: request-token endpoint details")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();

    for (const char* method : {"GET", "PUT", "DELETE"}) {
        CAPTURE(method);
        const reply r = send(p, method, "/plugins/servlet/oauth/request-token");
        CHECK(r.status == 405);
        CHECK(r.allow == "POST");
    }
    CHECK(send(p, "GET", "/plugins/servlet/oauth/access-token").status == 405);

    for (const char* bad :
         {"ftp://example.com/cb", "not a url", "/relative/path", "OOB", "http:no-host"}) {
        CAPTURE(bad);
        oauth1::sign_options o;
        o.callback = bad;
        const reply r = send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token", o);
        check_refused(r, 401, "parameter_rejected");
        const auto report = r.problem();
        REQUIRE(report);
        CHECK(report->parameters_rejected == std::vector<std::string>{"oauth_callback"});
    }
    // No callback at all: OAuth 1.0, accepted as JIRA does (see the OAuth 1.0 test case); with
    // --oauth10a-only refused with parameter_absent.
    const reply r = send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token");
    CHECK(r.status == 200);
    jira_provider::options strict;
    strict.oauth10a_only = true;
    jira_provider::provider q(jira_test_consumers(), strict);
    q.start();
    check_refused(send_signed(q, c, "POST", "/plugins/servlet/oauth/request-token"), 401,
                  "parameter_absent");
}

/// Step 1 of OAuth 1.0: temporary credentials asked for without oauth_callback.
credentials get_oauth10_request_token(const jira_provider::provider& p, oauth1::client& c)
{
    c.clear_token();
    const reply r = send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto f = parse_form(r.body);
    // No callback was confirmed: the client can tell that the provider took it as OAuth 1.0.
    CHECK(f.count("oauth_callback_confirmed") == 0);
    REQUIRE(f["oauth_token"].size() == 32);
    REQUIRE(f["oauth_token_secret"].size() == 32);
    return {f["oauth_token"], f["oauth_token_secret"]};
}

/// Step 3 of OAuth 1.0: the token-credential request without oauth_verifier.
reply exchange_without_verifier(const jira_provider::provider& p, oauth1::client& c,
                                const credentials& request)
{
    c.set_token(request.token, request.secret);
    return send_signed(p, c, "POST", "/plugins/servlet/oauth/access-token");
}

TEST_CASE("jira_provider: OAuth 1.0 (no oauth_callback, no oauth_verifier) as JIRA accepts it")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();

    SUBCASE("the dance: request token without callback, Allow, access token without verifier")
    {
        const credentials request = get_oauth10_request_token(p, c);
        // The authorize page warns the user; not yet allowed -> permission_unknown.
        const reply page =
            send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + request.token);
        REQUIRE(page.status == 200);
        CHECK(page.body.find("OAuth 1.0 (no verification code)") != std::string::npos);
        check_refused(exchange_without_verifier(p, c, request), 401, "permission_unknown");

        const reply allowed = decide(p, request.token, true);
        REQUIRE(allowed.status == 200);
        CHECK(verification_code(allowed.body).empty());
        CHECK(allowed.body.find("Please close this browser window and click continue in the "
                                "client.") != std::string::npos);
        const reply r = exchange_without_verifier(p, c, request);
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto f = parse_form(r.body);
        CHECK(f["oauth_token"].size() == 32);
        CHECK(f["oauth_expires_in"] == "157680000");
        c.set_token(f["oauth_token"], f["oauth_token_secret"]);
        const reply issue = send_signed(p, c, "GET", "/rest/api/2/issue/JJ-2");
        CHECK_MESSAGE(issue.status == 200, issue.body);

        // Once only; and the access token is no request token.
        check_refused(exchange_without_verifier(p, c, request), 401, "token_used");
        check_refused(exchange_without_verifier(p, c, {f["oauth_token"], f["oauth_token_secret"]}),
                      401, "parameter_absent");
    }
    SUBCASE("HMAC-SHA1: the token secret signs the exchange")
    {
        oauth1::client h = hmac_client();
        const credentials request = get_oauth10_request_token(p, h);
        decide(p, request.token, true);
        check_refused(exchange_without_verifier(p, h, {request.token, "wrong secret"}), 401,
                      "signature_invalid");
        CHECK(exchange_without_verifier(p, h, request).status == 200);
    }
    SUBCASE("a verifier sent anyway is not read (the token has none)")
    {
        const credentials request = get_oauth10_request_token(p, c);
        decide(p, request.token, true);
        CHECK(exchange(p, c, request, "ABCDEF").status == 200);
    }
    SUBCASE("denied -> permission_denied")
    {
        const credentials request = get_oauth10_request_token(p, c);
        const reply r = decide(p, request.token, false);
        CHECK(r.body.find("denied") != std::string::npos);
        check_refused(exchange_without_verifier(p, c, request), 401, "permission_denied");
    }
    SUBCASE("the exchange is verified as any: signature, owner, expiry")
    {
        const credentials request = get_oauth10_request_token(p, c);
        decide(p, request.token, true);
        oauth1::client stranger("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(
                                                keys_dir + "/bench_rsa1024.pem")));
        check_refused(exchange_without_verifier(p, stranger, request), 401, "signature_invalid");
        oauth1::client other = hmac_client();
        const reply r = exchange_without_verifier(p, other, request);
        check_refused(r, 401, "token_rejected");
        CHECK(r.problem()->advice == "token was not issued to this consumer");
        check_refused(exchange_without_verifier(p, c, {"unknown", ""}), 401, "parameter_absent");
        p.set_clock_offset(601);
        oauth1::sign_options late;
        late.timestamp = p.now();
        c.set_token(request.token, request.secret);
        check_refused(send_signed(p, c, "POST", "/plugins/servlet/oauth/access-token", late), 401,
                      "token_expired");
        p.set_clock_offset(0);
    }
    SUBCASE("a 1.0a token (issued with oauth_callback) still needs its verifier")
    {
        for (const char* callback : {"oob", "https://client.example/cb"}) {
            CAPTURE(callback);
            c.clear_token();
            const credentials request = get_request_token(p, c, callback);
            const reply allowed = decide(p, request.token, true);
            std::string code = verification_code(allowed.body);
            if (code.empty()) code = allowed.location.substr(allowed.location.size() - 6);
            REQUIRE(code.size() == 6);
            const reply r = exchange_without_verifier(p, c, request);
            check_refused(r, 401, "parameter_absent");
            CHECK(r.problem()->parameters_absent == std::vector<std::string>{"oauth_verifier"});
            CHECK(exchange(p, c, request, code).status == 200);
        }
    }
}

TEST_CASE("jira_provider: --oauth10a-only refuses the OAuth 1.0 flow with a clear problem")
{
    jira_provider::options o;
    o.oauth10a_only = true;
    jira_provider::provider p(jira_test_consumers(), o);
    p.start();
    oauth1::client c = rsa_client();

    const reply r = send_signed(p, c, "POST", "/plugins/servlet/oauth/request-token");
    check_refused(r, 401, "parameter_absent");
    const auto report = r.problem();
    REQUIRE(report);
    CHECK(report->parameters_absent == std::vector<std::string>{"oauth_callback"});
    CHECK(report->advice ==
          "oauth_callback is required (OAuth 1.0a): this provider runs with --oauth10a-only");
    CHECK(r.www_authenticate.find("oauth_problem_advice=") != std::string::npos);

    // OAuth 1.0a is unchanged: a token with a callback, exchanged with its verifier only.
    const credentials request = get_request_token(p, c);
    const std::string code = approve(p, request.token);
    const reply without = exchange_without_verifier(p, c, request);
    check_refused(without, 401, "parameter_absent");
    CHECK(without.problem()->parameters_absent == std::vector<std::string>{"oauth_verifier"});
    CHECK(exchange(p, c, request, code).status == 200);
}

TEST_CASE("jira_provider: Deny with a callback redirects there with oauth_verifier=denied")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();

    const credentials request =
        get_request_token(p, c, "http://127.0.0.1:9/callback?state=xyz#frag");
    const reply r = decide(p, request.token, false);
    REQUIRE(r.status == 302);
    CHECK(r.location == "http://127.0.0.1:9/callback?state=xyz&oauth_token=" + request.token +
                            "&oauth_verifier=denied#frag");
    // "denied" is no verifier: the exchange is refused, and the token stays decided.
    check_refused(exchange(p, c, request, "denied"), 401, "permission_denied");
    const reply again =
        send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + request.token);
    CHECK(again.status == 401);
}

TEST_CASE("jira_provider: callback redirect flow (non-oob)")
{
    jira_provider::provider p(jira_test_consumers(), {});
    p.start();
    oauth1::client c = rsa_client();

    const std::string callback = "https://client.example/oauth/done?state=xyz#frag";
    const credentials request = get_request_token(p, c, callback);
    const reply r = decide(p, request.token, true);
    REQUIRE(r.status == 302);
    const std::string prefix =
        "https://client.example/oauth/done?state=xyz&oauth_token=" + request.token +
        "&oauth_verifier=";
    REQUIRE_MESSAGE(r.location.rfind(prefix, 0) == 0, r.location);
    const std::string rest = r.location.substr(prefix.size());
    REQUIRE(rest.size() == 6 + 5);
    CHECK(rest.substr(6) == "#frag");
    const std::string verifier = rest.substr(0, 6);
    const reply ex = exchange(p, c, request, verifier);
    CHECK_MESSAGE(ex.status == 200, ex.body);

    // Without a query in the callback, '?' starts it.
    c.clear_token();
    const credentials second = get_request_token(p, c, "http://localhost:9/cb");
    const reply r2 = decide(p, second.token, true);
    REQUIRE(r2.status == 302);
    CHECK(r2.location.rfind(
              "http://localhost:9/cb?oauth_token=" + second.token + "&oauth_verifier=", 0) == 0);

    // A callback with percent-escapes in the Authorization header: cpp-httplib 0.11.4
    // percent-decodes request header values, and oauth1::httplib::verify() undoes that, so the
    // request verifies.
    c.clear_token();
    (void)get_request_token(p, c, "https://client.example/cb?next=a%20b%2Fc");

    // The same callback with the protocol parameters sent in the form body (RFC 5849 3.5.2): the
    // escapes reach the Location unchanged.
    c.clear_token();
    oauth1::sign_options o;
    o.callback = "https://client.example/cb?next=a%20b%2Fc";
    const std::string url = p.base_url() + "/plugins/servlet/oauth/request-token";
    const std::string form = "x=1";
    const oauth1::signed_request s =
        c.sign({"POST", url, "application/x-www-form-urlencoded", form}, o);
    const reply t =
        send(p, "POST", "/plugins/servlet/oauth/request-token", {},
             "application/x-www-form-urlencoded", s.form_with_protocol_parameters(form));
    REQUIRE_MESSAGE(t.status == 200, t.body);
    const std::string third = parse_form(t.body)["oauth_token"];
    // cpp-httplib's client percent-decodes response headers too (Location included), so the
    // answer is read from the socket as sent.
    const std::string body =
        "oauth_token=" + third + "&atl_token=" + authorize_page(p, third) + "&decision=allow";
    const std::string raw = raw_exchange(
        p.port(), "POST /plugins/servlet/oauth/authorize HTTP/1.1\r\nHost: 127.0.0.1:" +
                      std::to_string(p.port()) +
                      "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    CAPTURE(raw);
    CHECK(raw.rfind("HTTP/1.1 302", 0) == 0);
    CHECK(raw.find("\r\nLocation: https://client.example/cb?next=a%20b%2Fc&oauth_token=" + third +
                   "&oauth_verifier=") != std::string::npos);
}

TEST_CASE("jira_provider: --auto-approve, HTML escaping, unknown tokens, the request log")
{
    std::mutex m;
    std::vector<std::string> log;
    jira_provider::options o;
    o.auto_approve = true;
    o.log = [&](const std::string& line) {
        const std::lock_guard<std::mutex> lock(m);
        log.push_back(line);
    };
    auto consumers = jira_test_consumers();
    consumers[0].name = "<script>alert('x')</script> & Co";
    jira_provider::provider p(std::move(consumers), o);
    p.start();
    oauth1::client c = rsa_client();

    const credentials request = get_request_token(p, c);
    const reply page =
        send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + request.token);
    REQUIRE(page.status == 200);
    const std::string code = verification_code(page.body);
    REQUIRE(code.size() == 6);
    CHECK(page.body.find("<script>") == std::string::npos);
    CHECK(page.body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co") !=
          std::string::npos);
    const reply ex = exchange(p, c, request, code);
    REQUIRE(ex.status == 200);
    const auto f = parse_form(ex.body);

    // Unknown token on the authorize page: a 401 page naming the problem, input escaped.
    const reply unknown =
        send(p, "GET", "/plugins/servlet/oauth/authorize?oauth_token=%3Cb%3Enope");
    CHECK(unknown.status == 401);
    CHECK(unknown.body.find("token_rejected") != std::string::npos);
    CHECK(unknown.body.find("<b>nope") == std::string::npos);
    CHECK(send(p, "GET", "/plugins/servlet/oauth/authorize").status == 401);

    // One line per request; no token values, secrets or signatures. (cpp-httplib logs after the
    // answer is sent: wait for the last line.)
    for (int i = 0; i < 200; ++i) {
        {
            const std::lock_guard<std::mutex> lock(m);
            if (log.size() >= 5) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Lines of requests on different connections may come in any order: compare them sorted.
    const std::lock_guard<std::mutex> lock(m);
    REQUIRE(log.size() == 5);
    std::vector<std::string> sorted = log;
    std::sort(sorted.begin(), sorted.end());
    const std::vector<std::string> expected = {
        "GET /plugins/servlet/oauth/authorize 401 parameter_absent",
        "GET /plugins/servlet/oauth/authorize?oauth_token 200",
        "GET /plugins/servlet/oauth/authorize?oauth_token 401 token_rejected",
        "POST /plugins/servlet/oauth/access-token 200",
        "POST /plugins/servlet/oauth/request-token 200",
    };
    CHECK(sorted == expected);
    for (const std::string& line : log) {
        CHECK(line.find(request.token) == std::string::npos);
        CHECK(line.find(request.secret) == std::string::npos);
        CHECK(line.find(f.at("oauth_token")) == std::string::npos);
        CHECK(line.find(code) == std::string::npos);
    }
}

TEST_CASE("jira_provider: start and stop")
{
    jira_provider::provider p(jira_test_consumers(), {});
    const int port = p.start();
    CHECK(port > 0);
    CHECK_THROWS_AS(p.start(), std::logic_error);
    p.stop();
    p.stop(); // idempotent
    httplib::Client cli("127.0.0.1", port);
    cli.set_connection_timeout(1);
    CHECK_FALSE(cli.Get("/rest/api/2/myself"));

    // Two providers side by side get different ports.
    jira_provider::provider a(jira_test_consumers(), {});
    jira_provider::provider b(jira_test_consumers(), {});
    CHECK(a.start() != b.start());
    CHECK(a.realm() == a.base_url());
}

TEST_CASE("jira_provider: a port in use is an error, not a second listener")
{
    // Before: cpp-httplib's default socket options set SO_REUSEPORT, so a second provider on the
    // same port listened too and the kernel shared the connections between the two.
    jira_provider::provider a(jira_test_consumers(), {});
    const int port = a.start();
    const std::string in_use =
        "cannot listen on 127.0.0.1:" + std::to_string(port) + ": address already in use";

    SUBCASE("a second provider in this process")
    {
        jira_provider::provider b(jira_test_consumers(), {});
        std::string message;
        try {
            b.start("127.0.0.1", port);
        } catch (const std::runtime_error& e) {
            message = e.what();
        }
        CHECK_MESSAGE(message.rfind(in_use, 0) == 0, message);
    }
    SUBCASE("a listener with SO_REUSEPORT (as jira-provider's was) holds the port")
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        const int yes = 1;
        REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes) == 0);
        REQUIRE(::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd, 5) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        const int taken = ntohs(addr.sin_port);
        jira_provider::provider b(jira_test_consumers(), {});
        CHECK_THROWS_WITH_AS(b.start("127.0.0.1", taken),
                             doctest::Contains("address already in use"), std::runtime_error);
        ::close(fd);
    }
    SUBCASE("the executable, twice on one port: the second exits 1 and says why")
    {
        const std::string consumers = scratch_file("consumers.properties");
        std::ofstream(consumers) << "consumer.OauthKey.public_key=" << keys_dir
                                 << "/wiki_cert.pem\n";
        provider_process first({"--consumers", consumers, "--quiet"}, scratch_file("first.err"));
        const std::string line = first.first_line();
        const std::string prefix = "jira-provider listening on http://127.0.0.1:";
        REQUIRE_MESSAGE(line.rfind(prefix, 0) == 0, line);
        const std::string first_port = line.substr(prefix.size());
        provider_process second({"--consumers", consumers, "--port", first_port},
                                scratch_file("second.err"));
        CHECK(second.exit_status() == 1);
        CHECK(second.first_line().empty()); // it never said it listens
        const std::string err = read_text(second.err_file);
        CHECK_MESSAGE(err.find("jira-provider: cannot listen on 127.0.0.1:" + first_port +
                               ": address already in use") != std::string::npos,
                      err);
        // And the first one still answers every request.
        for (int i = 0; i < 20; ++i) {
            httplib::Client cli("127.0.0.1", std::stoi(first_port));
            const auto r = cli.Get("/plugins/servlet/oauth/request-token");
            REQUIRE(r);
            CHECK(r->status == 405);
        }
        std::filesystem::remove(consumers);
        std::filesystem::remove(first.err_file);
        std::filesystem::remove(second.err_file);
    }
}

TEST_CASE("jira_provider: consumers file")
{
    SUBCASE("good file: paths, inline PEM, inline base64, defaults")
    {
        const std::string pem = read_text(keys_dir + "/wiki_pub.pem");
        std::string one_line_pem;
        std::string base64;
        for (const char ch : pem)
            if (ch != '\n') one_line_pem.push_back(ch);
        {
            std::istringstream lines(pem);
            std::string line;
            while (std::getline(lines, line))
                if (line.rfind("-----", 0) != 0) base64 += line;
        }
        const std::string text = "# comment\n"
                                 "! also a comment\n"
                                 "   \n"
                                 "consumer.OauthKey.public_key = wiki_cert.pem \r\n"
                                 "consumer.pem.inline.public_key=" +
                                 one_line_pem +
                                 "\n"
                                 "consumer.b64.public_key=" +
                                 base64 +
                                 "\n"
                                 "consumer.b64.methods=RSA-SHA1, RSA-SHA256\n"
                                 "consumer.abs.public_key=" +
                                 keys_dir +
                                 "/wiki_cert.der\n"
                                 "consumer.abs.name=Absolute path\n"
                                 "consumer.hmac.secret=s3cret\n";
        const auto cs = jira_provider::parse_consumers(text, keys_dir, "good.properties");
        REQUIRE(cs.size() == 5);
        CHECK(cs[0].key == "OauthKey");
        CHECK(cs[0].name == "OauthKey");
        CHECK(cs[0].credentials.rsa_key.is_rsa());
        CHECK(cs[0].credentials.methods.contains(oauth1::signature_method::rsa_sha1));
        CHECK_FALSE(cs[0].credentials.methods.contains(oauth1::signature_method::hmac_sha1));
        CHECK(cs[1].key == "pem.inline");
        CHECK(cs[1].credentials.rsa_key.is_rsa());
        CHECK(cs[2].key == "b64");
        CHECK(cs[2].credentials.rsa_key.is_rsa());
        CHECK(cs[2].credentials.methods.contains(oauth1::signature_method::rsa_sha256));
        CHECK(cs[3].name == "Absolute path");
        CHECK(cs[4].credentials.secret == "s3cret");
        CHECK(cs[4].credentials.methods.contains(oauth1::signature_method::hmac_sha1));
        CHECK_FALSE(cs[4].credentials.methods.contains(oauth1::signature_method::rsa_sha1));

        // Each inline key verifies what wiki_key.pem signs.
        const auto priv = oauth1::load_private_key_file(keys_dir + "/wiki_key.pem");
        std::string sig;
        std::error_code ec;
        oauth1::rsa_sha1(priv).sign("base", sig, ec);
        REQUIRE_FALSE(ec);
        for (std::size_t i = 0; i < 4; ++i)
            CHECK(oauth1::rsa_sha1(cs[i].credentials.rsa_key).verify("base", sig, ec));
    }
    SUBCASE("the shipped example file parses once its placeholder key path exists")
    {
        std::string text = read_text(OAUTH1_TEST_SOURCE_DIR
                                     "/../tools/jira-provider/consumers.properties.example");
        CHECK_THROWS_WITH_AS(jira_provider::parse_consumers(text, keys_dir, "example"),
                             doctest::Contains("jira_publickey.pem"), jira_provider::config_error);
        const std::string placeholder = "public_key=jira_publickey.pem";
        const std::size_t at = text.find(placeholder);
        REQUIRE(at != std::string::npos);
        text.replace(at, placeholder.size(), "public_key=wiki_cert.pem");
        const auto cs = jira_provider::parse_consumers(text, keys_dir, "example");
        REQUIRE(cs.size() == 1);
        CHECK(cs[0].key == "OauthKey");
        CHECK(cs[0].name == "Example JIRA OAuth client");
    }
    SUBCASE("bad lines: the error names the line")
    {
        struct bad_case {
            const char* text;
            const char* expect;
        };
        const bad_case cases[] = {
            // java.util.Properties: a line without '=' is a key with an empty value
            {"# ok\nconsumer.a.secret\n", "line 2: consumer 'a': empty value for 'secret'"},
            {"# ok\ngarbage\n", "line 2: expected 'consumer.<key>.<property>=<value>'"},
            {"consumer.a.colour=blue\n", "line 1: unknown property 'colour'"},
            {"x.a.secret=s\n", "line 1: expected 'consumer.<key>.<property>=<value>'"},
            {"consumer.secret=s\n", "line 1: expected"},
            {"consumer.a.secret=s\nconsumer.a.methods=HMAC-MD5\n",
             "line 2: consumer 'a': unknown signature method 'HMAC-MD5'"},
            {"consumer.a.public_key=missing.pem\n", "line 1: consumer 'a': public_key:"},
            {"consumer.a.public_key=ec_p256.pem\n",
             "line 1: consumer 'a': public_key is not an RSA"},
            {"consumer.a.secret=s\n\nconsumer.a.methods=RSA-SHA1\n",
             "line 3: consumer 'a': RSA methods need a public_key"},
            {"consumer.a.public_key=wiki_cert.pem\nconsumer.a.methods=HMAC-SHA1\n",
             "line 2: consumer 'a': HMAC/PLAINTEXT methods need a secret"},
            {"consumer.a.secret=s\nconsumer.a.secret=t\n",
             "line 2: consumer 'a': 'secret' given twice"},
            {"\n\nconsumer.a.name=A\n", "line 3: consumer 'a' has neither public_key nor secret"},
            {"consumer.a.secret=\n", "line 1: consumer 'a': empty value"},
        };
        for (const bad_case& b : cases) {
            CAPTURE(b.text);
            CHECK_THROWS_WITH_AS(
                jira_provider::parse_consumers(b.text, keys_dir, "bad.properties"),
                doctest::Contains((std::string("bad.properties: ") + b.expect).c_str()),
                jira_provider::config_error);
        }
        // A secret never appears in a message.
        std::string message;
        try {
            jira_provider::parse_consumers("consumer.a.secret=TopSecretValue\nconsumer.a.oops=1\n",
                                           keys_dir, "s");
        } catch (const jira_provider::config_error& e) {
            message = e.what();
        }
        CHECK(message.find("line 2") != std::string::npos);
        CHECK(message.find("TopSecretValue") == std::string::npos);
        CHECK_THROWS_WITH_AS(jira_provider::load_consumers_file(keys_dir + "/no-such-file"),
                             doctest::Contains("cannot open"), jira_provider::config_error);
    }
    SUBCASE("load_consumers_file resolves relative key paths against the file's directory")
    {
        // A scratch directory holding a consumers file and a copy of the certificate.
        const std::filesystem::path dir =
            std::filesystem::temp_directory_path() /
            ("oauth1_jira_provider_" + jira_provider::detail::random_alnum(12));
        struct cleanup {
            std::filesystem::path p;
            ~cleanup()
            {
                std::error_code ec;
                std::filesystem::remove_all(p, ec);
            }
        } remove_dir{dir};
        std::filesystem::create_directories(dir / "keys");
        std::filesystem::copy_file(keys_dir + "/wiki_cert.pem", dir / "keys" / "cert.pem");
        std::ofstream(dir / "consumers.properties")
            << "consumer.OauthKey.public_key=keys/cert.pem\n";
        const auto cs = jira_provider::load_consumers_file((dir / "consumers.properties").string());
        REQUIRE(cs.size() == 1);
        CHECK(cs[0].credentials.rsa_key.is_rsa());
        // The same line read from another directory does not find the key.
        CHECK_THROWS_AS(jira_provider::parse_consumers(
                            "consumer.OauthKey.public_key=keys/cert.pem\n", keys_dir, "elsewhere"),
                        jira_provider::config_error);
    }
}

TEST_CASE(
    "jira_provider: JSON bodies through Boost.JSON (depth bound, errors naming what and where)")
{
    std::string error;
    auto v = jira_provider::detail::parse_json(
        R"( {"a":[1,-2.5e3,true,false,null,{"b":"\u00e9\ud83d\ude00\n"}],"a2":{},"a2":[]} )",
        error);
    REQUIRE_MESSAGE(v, error);
    const boost::json::value* a = get(*v, "a");
    REQUIRE(a);
    REQUIRE(a->is_array());
    CHECK(a->as_array().size() == 6);
    CHECK(a->as_array()[1].as_double() == -2500.0);
    CHECK(json_string_at(a->as_array()[5], "b") == "\xC3\xA9\xF0\x9F\x98\x80\n");
    REQUIRE(get(*v, "a2"));
    CHECK(get(*v, "a2")->is_array()); // a repeated member: the last one
    struct bad_case {
        std::string text;
        const char* expect;
    };
    const bad_case cases[] = {
        {"", "the JSON value is incomplete: the body ends at offset 0"},
        {"{", "the JSON value is incomplete: the body ends at offset 1"},
        {"{\"a\"}", "unexpected '}' at offset 4"},
        {"[1,]", "unexpected ']' at offset 3"},
        {"01", "unexpected text after the JSON value at offset 1 ('1')"},
        {"\"\\ud800\"", "at offset 7"},
        {"{} x", "unexpected text after the JSON value at offset 3 ('x')"},
        {"tru", "the JSON value is incomplete: the body ends at offset 3"},
        {"\"a\nb\"", "unexpected byte 0x0a at offset 2"},
        {"\"\xff\"", "unexpected byte 0xff at offset 1"}, // not UTF-8
        {"[1] // comment", "unexpected text after the JSON value at offset 4 ('/')"},
        {std::string(200, '['), "JSON nested deeper than 64 levels at offset 64"},
    };
    for (const bad_case& b : cases) {
        CAPTURE(b.text);
        error.clear();
        CHECK_FALSE(jira_provider::detail::parse_json(b.text, error));
        CHECK_MESSAGE(error.find(b.expect) != std::string::npos, error);
    }
    // 64 levels are fine, 65 are not.
    CHECK(jira_provider::detail::parse_json(std::string(64, '[') + std::string(64, ']'), error));
    CHECK_FALSE(
        jira_provider::detail::parse_json(std::string(65, '[') + std::string(65, ']'), error));
    // What the provider writes: JSON strings escaped.
    CHECK(boost::json::serialize(boost::json::value("a\"\\\n\x01")) == "\"a\\\"\\\\\\n\\u0001\"");
}
