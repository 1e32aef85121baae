// Unit tests for oauth1/lti.hpp on a real server: a cpp-httplib LTI tool on 127.0.0.1 verifies
// launches that a Python LMS (tests/interop/lti_launch.py: python3-oauthlib signs, urllib POSTs)
// sends over HTTP - directly, and as a TLS-terminating proxy forwards them (signed for
// https://public.example/launch, received on http://127.0.0.1:<port> with X-Forwarded-Proto and
// X-Forwarded-Host), from a trusted peer and from one that is not. Needs /usr/bin/python3 with
// python3-oauthlib; without it FAILS, saying so.
#include <oauth1/lti.hpp>

#include <doctest/doctest.h>

#include "support/running_server.hpp"

#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/public_origin.hpp>

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
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

namespace lti = oauth1::lti;

std::string shell_quote(const std::string& s)
{
    std::string out = "'";
    for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

struct answer {
    int status = 0;
    std::string location;
    std::string body;
};

/// The Python LMS: signs a launch for `signed_url` and POSTs it to `to` (`args`: --header,
/// --omit, --param, --nonce, --timestamp of tests/interop/lti_launch.py).
answer lms_post(const std::string& signed_url, const std::string& to, const std::string& args = {})
{
    const std::string py = OAUTH1_PYTHON;
    REQUIRE_MESSAGE(::access(py.c_str(), X_OK) == 0,
                    py << " not found: the LTI tests need Debian's python3 with python3-oauthlib");
    const std::string command =
        shell_quote(py) + " " + shell_quote(OAUTH1_TEST_SOURCE_DIR "/interop/lti_launch.py") +
        " post --url " + shell_quote(signed_url) + " --to " + shell_quote(to) + " " + args;
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
    answer a;
    const std::size_t first = out.find('\n');
    REQUIRE(first != std::string::npos);
    const std::size_t second = out.find('\n', first + 1);
    REQUIRE(second != std::string::npos);
    a.status = std::stoi(out.substr(0, first));
    a.location = out.substr(first + 1, second - first - 1);
    a.body = out.substr(second + 1);
    return a;
}

using lookup_fn = std::function<const std::string*(std::string_view)>;
using verifier_t = lti::launch_verifier<lookup_fn>;

/// The tool: two launch endpoints sharing one consumer table and nonce store. /launch trusts
/// 127.0.0.1 as its TLS-terminating proxy (X-Forwarded-*); /direct trusts no proxy.
class lti_tool {
public:
    lti_tool()
    {
        oauth1::httplib::harden_server(svr_);
        svr_.Post("/launch", [this](const httplib::Request& req, httplib::Response& res) {
            handle(proxied_, req, res);
        });
        svr_.Post("/direct", [this](const httplib::Request& req, httplib::Response& res) {
            handle(direct_, req, res);
        });
        server_.emplace(svr_);
        const std::string authority = "127.0.0.1:" + std::to_string(server_->port());
        const std::lock_guard<std::mutex> lock(m_);
        proxied_.emplace(lookup(), nonces_,
                         oauth1::public_origin("http", authority)
                             .trust_proxies({"127.0.0.1"}, oauth1::forwarded_headers::x_forwarded));
        direct_.emplace(lookup(), nonces_, oauth1::public_origin("http", authority));
    }
    lti_tool(const lti_tool&) = delete;
    lti_tool& operator=(const lti_tool&) = delete;
    ~lti_tool() { server_.reset(); } // stops the server before the verifiers go

    std::string origin() const { return server_->origin(); }
    std::string last_message()
    {
        const std::lock_guard<std::mutex> lock(m_);
        return message_;
    }

private:
    lookup_fn lookup() const
    {
        return [](std::string_view key) -> const std::string* {
            static const std::string secret = "lms-secret";
            return key == "lms.example.edu" ? &secret : nullptr;
        };
    }

    void handle(const std::optional<verifier_t>& v, const httplib::Request& req,
                httplib::Response& res)
    {
        const std::string content_type = req.get_header_value("Content-Type");
        lti::launch_request launch{req.method, req.target,      content_type,
                                   req.body,   req.remote_addr, {}};
        for (const auto& field : req.headers)
            launch.headers.emplace_back(field.first, field.second);
        std::error_code ec;
        std::optional<lti::launch_result> r;
        {
            const std::lock_guard<std::mutex> lock(m_);
            r.emplace(v->verify(launch, ec));
            message_ = r->message;
        }
        if (ec) {
            res.status = 503;
            return;
        }
        if (!*r) {
            const lti::launch_answer a = lti::refusal_for(*r, "LTI");
            res.status = a.status;
            if (!a.www_authenticate.empty()) res.set_header("WWW-Authenticate", a.www_authenticate);
            if (!a.location.empty()) res.set_header("Location", a.location);
            res.set_content(a.body, a.content_type.c_str());
            return;
        }
        std::string roles;
        for (const std::string_view role : r->roles()) roles += std::string(role) + ";";
        res.set_content("hello " + std::string(r->lis_person_name_full()) + " in " +
                            std::string(r->context_title()) + " as " + roles +
                            (r->is_instructor() ? " (instructor)" : ""),
                        "text/plain");
    }

    httplib::Server svr_;
    oauth1::memory_nonce_store nonces_;
    std::mutex m_;
    std::optional<verifier_t> proxied_;
    std::optional<verifier_t> direct_;
    std::string message_;
    std::optional<oauth1_test::running_server> server_;
};

std::string now_text()
{
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

} // namespace

TEST_CASE("a Python LMS launches the tool directly: accepted, then its replay refused")
{
    lti_tool tool;
    const std::string url = tool.origin() + "/direct";
    const std::string once = "--nonce lti-server-once --timestamp " + now_text();
    const answer a = lms_post(url, url, once);
    INFO("tool: " << tool.last_message());
    CHECK(a.status == 200);
    CHECK(a.body == "hello Jane Q. Public in Design of Personal Environments as Instructor;"
                    "urn:lti:instrole:ims/lis/Administrator; (instructor)");
    const answer replay = lms_post(url, url, once);
    CHECK(replay.status == 401);
    CHECK(replay.body.find("oauth_problem=nonce_used") != std::string::npos);
}

TEST_CASE("through a TLS-terminating proxy: the forwarded public URL from a trusted peer")
{
    lti_tool tool;
    const std::string forwarded =
        "--header 'X-Forwarded-Proto: https' --header 'X-Forwarded-Host: public.example'";
    // Signed for the public URL, received on http://127.0.0.1:<port>/launch from 127.0.0.1.
    const answer a =
        lms_post("https://public.example/launch", tool.origin() + "/launch", forwarded);
    INFO("tool: " << tool.last_message());
    CHECK(a.status == 200);
    CHECK(a.body.rfind("hello Jane Q. Public", 0) == 0);

    // The same through the endpoint that trusts no proxy: refused, and the tool's log says why.
    const answer b =
        lms_post("https://public.example/direct", tool.origin() + "/direct", forwarded);
    CHECK(b.status == 401);
    CHECK(b.body.find("oauth_problem=signature_invalid") != std::string::npos);
    const std::string message = tool.last_message();
    MESSAGE("tool log: " << message);
    CHECK(message.find("verified against " + tool.origin() + "/direct") != std::string::npos);
    CHECK(message.find("if a proxy terminates TLS, trust it: origin.trust_proxies("
                       "{\"127.0.0.1\"}, oauth1::forwarded_headers::x_forwarded)") !=
          std::string::npos);

    // A signed launch that is not valid for LTI goes back to the LMS with lti_errormsg.
    const answer c = lms_post("https://public.example/launch", tool.origin() + "/launch",
                              forwarded + " --omit resource_link_id");
    CHECK(c.status == 302);
    CHECK(c.location == "https://lms.example.edu/portal/return?course=7&lti_errormsg="
                        "resource_link_id%20is%20missing");
}
