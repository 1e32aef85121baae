// jira-provider: a local JIRA-like OAuth 1.0a provider for trying the JIRA OAuth dance (Atlassian's
// "OAuth for REST APIs" tutorial) without a JIRA server. See jira_provider.hpp and --help.
#include "jira_provider.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace {

constexpr const char* usage_text =
    R"(Usage: jira-provider --consumers FILE [options]

A local JIRA-like OAuth 1.0a provider (RSA-SHA1, consumer key OauthKey, oob callback, as in
Atlassian's "OAuth for REST APIs" tutorial), listening on 127.0.0.1 only. The first line on
stdout is "jira-provider listening on http://127.0.0.1:<port>". Stops on SIGINT/SIGTERM.

Options:
  --consumers FILE                  consumers file (required), e.g. consumers.properties.example:
                                      consumer.OauthKey.public_key=jira_publickey.pem
                                      consumer.OauthKey.methods=RSA-SHA1
  --port N                          TCP port (default 0: the kernel chooses one)
  --auto-approve                    GET /plugins/servlet/oauth/authorize approves at once and
                                    answers the verification code page (or the callback redirect)
  --request-token-lifetime SECONDS  (default 600)
  --access-token-lifetime SECONDS   (default 157680000: 5 years, as JIRA)
  --timestamp-window SECONDS        accepted oauth_timestamp distance (default 300)
  --clock-offset SECONDS            skew the provider's clock (may be negative)
  --realm NAME                      WWW-Authenticate realm (default: the base URL, as JIRA)
  --stop-on-eof                     also stop when stdin reaches end of file
  --quiet                           no request log on stderr
  --help                            this text

Endpoints: POST /plugins/servlet/oauth/request-token, GET|POST /plugins/servlet/oauth/authorize,
POST /plugins/servlet/oauth/access-token, GET /rest/api/latest/issue/JJ-2,
GET|PUT|DELETE /rest/api/2/issue/{key}, POST /rest/api/2/issue, GET /rest/api/2/myself,
and (not JIRA, for tests) GET /admin/revoke?oauth_token=<access token>, a page whose form
revokes it. The authorize and revoke forms carry an anti-CSRF token (atl_token); request
bodies larger than 1 MiB, compressed or chunked are refused; a request token is rejected after
5 wrong oauth_verifier values.
)";

int usage_error(const std::string& message)
{
    std::fprintf(stderr, "jira-provider: %s\nTry 'jira-provider --help'.\n", message.c_str());
    return 2;
}

template <class Int>
bool parse_number(std::string_view s, Int& out)
{
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

std::mutex log_mutex;
std::atomic<bool> stdin_closed{false};

void log_line(const std::string& line)
{
    const std::lock_guard<std::mutex> lock(log_mutex);
    std::fprintf(stderr, "jira-provider: %s\n", line.c_str());
    std::fflush(stderr);
}

} // namespace

int main(int argc, char** argv)
{
    std::string consumers_file;
    int port = 0;
    bool quiet = false;
    bool stop_on_eof = false;
    jira_provider::options opts;

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&](std::string_view& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        std::string_view v;
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (arg == "--consumers") {
            if (!value(v)) return usage_error("--consumers needs a file name");
            consumers_file = std::string(v);
        } else if (arg == "--port") {
            if (!value(v) || !parse_number(v, port) || port < 0 || port > 65535)
                return usage_error("--port needs a number from 0 to 65535");
        } else if (arg == "--auto-approve") {
            opts.auto_approve = true;
        } else if (arg == "--request-token-lifetime") {
            if (!value(v) || !parse_number(v, opts.request_token_lifetime) ||
                opts.request_token_lifetime == 0)
                return usage_error("--request-token-lifetime needs a positive number of seconds");
        } else if (arg == "--access-token-lifetime") {
            if (!value(v) || !parse_number(v, opts.access_token_lifetime) ||
                opts.access_token_lifetime == 0)
                return usage_error("--access-token-lifetime needs a positive number of seconds");
        } else if (arg == "--timestamp-window") {
            if (!value(v) || !parse_number(v, opts.timestamp_window))
                return usage_error("--timestamp-window needs a number of seconds");
        } else if (arg == "--clock-offset") {
            if (!value(v) || !parse_number(v, opts.clock_offset))
                return usage_error("--clock-offset needs a (possibly negative) number of seconds");
        } else if (arg == "--realm") {
            if (!value(v)) return usage_error("--realm needs a name");
            opts.realm = std::string(v);
        } else if (arg == "--stop-on-eof") {
            stop_on_eof = true;
        } else if (arg == "--quiet") {
            quiet = true;
        } else {
            return usage_error("unknown option '" + std::string(arg) + "'");
        }
    }
    if (consumers_file.empty())
        return usage_error("no consumers configured: pass --consumers FILE (see "
                           "examples/jira_provider/consumers.properties.example)");

    std::vector<jira_provider::consumer> consumers;
    try {
        consumers = jira_provider::load_consumers_file(consumers_file);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "jira-provider: %s\n", e.what());
        return 2;
    }
    if (consumers.empty()) {
        std::fprintf(stderr, "jira-provider: %s: no consumers configured\n",
                     consumers_file.c_str());
        return 2;
    }
    if (!quiet) opts.log = log_line;

    // SIGINT/SIGTERM are blocked in every thread (the server's threads inherit the mask) and
    // taken by sigwait() below, so that stopping runs as ordinary code, not in a signal handler.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        jira_provider::provider p(std::move(consumers), opts);
        const int bound = p.start("127.0.0.1", port);
        std::printf("jira-provider listening on http://127.0.0.1:%d\n", bound);
        std::fflush(stdout);

        if (stop_on_eof) {
            // Blocks in read(2) only; on EOF it asks main (sigwait) to stop.
            std::thread([] {
                char buf[256];
                while (true) {
                    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
                    if (n > 0 || (n < 0 && errno == EINTR)) continue;
                    break;
                }
                stdin_closed = true;
                ::kill(::getpid(), SIGTERM);
            }).detach();
        }

        int sig = 0;
        while (sigwait(&stop_signals, &sig) != 0) {
        }
        if (!quiet)
            log_line(std::string("stopping (") +
                     (stdin_closed    ? "end of stdin"
                      : sig == SIGINT ? "SIGINT"
                                      : "SIGTERM") +
                     ")");
        p.stop();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "jira-provider: %s\n", e.what());
        return 1;
    }
    return 0;
}
