// Smoke test of the jira-provider executable (CTest example_jira_provider_smoke):
//   jira_provider_smoke <jira-provider> <consumers file> <scratch dir>
// Runs it as users do and checks: the first stdout line, that it serves (405 for GET on the
// request-token endpoint, 401 + oauth_problem for an unsigned POST), that SIGTERM and (with
// --stop-on-eof) EOF on stdin stop it with exit status 0, and that configuration errors exit 2
// with a message naming the problem. Exit status 0 when every check passes.
#include <httplib.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const std::string& what)
{
    std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
    if (!ok) ++failures;
}

struct child {
    pid_t pid = -1;
    int out = -1; // read end of its stdout
    int in = -1;  // write end of its stdin (-1: stdin is /dev/null)
};

/// Starts `exe args...` with stdout on a pipe and stderr in `err_file`.
child spawn(const std::string& exe, const std::vector<std::string>& args,
            const std::string& err_file, bool stdin_pipe)
{
    int out[2];
    int in[2] = {-1, -1};
    if (pipe(out) != 0 || (stdin_pipe && pipe(in) != 0)) {
        std::perror("pipe");
        std::exit(2);
    }
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("fork");
        std::exit(2);
    }
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (err >= 0) dup2(err, STDERR_FILENO);
        const int null_in = stdin_pipe ? in[0] : open("/dev/null", O_RDONLY);
        dup2(null_in, STDIN_FILENO);
        close(out[0]);
        if (stdin_pipe) close(in[1]);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(exe.c_str()));
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    close(out[1]);
    if (stdin_pipe) close(in[0]);
    return {pid, out[0], stdin_pipe ? in[1] : -1};
}

/// The first line of the child's stdout (without '\n'), waiting at most `seconds`.
std::string first_line(const child& c, int seconds)
{
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{c.out, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char ch = 0;
        const ssize_t n = read(c.out, &ch, 1);
        if (n <= 0 || ch == '\n') break;
        line.push_back(ch);
    }
    return line;
}

/// Waits for the child's exit; -1 (after killing it) when it did not exit in time or by a signal.
int wait_exit(child& c, int seconds)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    int status = 0;
    while (true) {
        const pid_t r = waitpid(c.pid, &status, WNOHANG);
        if (r == c.pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(c.pid, SIGKILL);
            waitpid(c.pid, &status, 0);
            std::printf("     (did not exit within %d s: killed)\n", seconds);
            status = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (c.out >= 0) close(c.out);
    if (c.in >= 0) close(c.in);
    c.out = c.in = -1;
    if (status == -1 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: jira_provider_smoke <jira-provider> <consumers> <scratch>\n");
        return 2;
    }
    const std::string exe = argv[1];
    const std::string consumers = argv[2];
    const std::string scratch = argv[3];
    const std::string err_file = scratch + "/smoke_stderr.txt";
    const std::regex listening(R"(jira-provider listening on http://127\.0\.0\.1:([0-9]+))");

    // 1. Serves, then stops on SIGTERM with exit status 0.
    {
        child c = spawn(exe, {"--consumers", consumers}, err_file, false);
        const std::string line = first_line(c, 20);
        std::smatch m;
        const bool ok = std::regex_match(line, m, listening);
        check(ok, "first stdout line is 'jira-provider listening on http://127.0.0.1:<port>' "
                  "(got '" +
                      line + "')");
        if (ok) {
            const int port = std::stoi(m[1].str());
            check(port > 0 && port < 65536, "the port is a real port");
            httplib::Client cli("127.0.0.1", port);
            auto r = cli.Get("/plugins/servlet/oauth/request-token");
            check(r && r->status == 405, "GET request-token answers 405");
            r = cli.Post("/plugins/servlet/oauth/request-token", "", "text/plain");
            check(r && r->status == 401 &&
                      contains(r->get_header_value("WWW-Authenticate"),
                               "oauth_problem=\"parameter_absent\""),
                  "unsigned POST request-token answers 401 with oauth_problem=parameter_absent");
            r = cli.Get("/rest/api/latest/issue/JJ-2");
            check(r && r->status == 401, "unsigned GET of an issue answers 401");
        }
        kill(c.pid, SIGTERM);
        check(wait_exit(c, 20) == 0, "SIGTERM stops it with exit status 0");
        const std::string err = read_file(err_file);
        check(contains(err, "POST /plugins/servlet/oauth/request-token 401 parameter_absent"),
              "the request log names method, path, status and problem");
    }

    // 2. --stop-on-eof: closing its stdin stops it with exit status 0.
    {
        child c =
            spawn(exe, {"--consumers", consumers, "--stop-on-eof", "--quiet"}, err_file, true);
        const std::string line = first_line(c, 20);
        check(std::regex_match(line, listening), "--stop-on-eof: first line as expected");
        close(c.in);
        c.in = -1;
        check(wait_exit(c, 20) == 0, "EOF on stdin stops it with exit status 0");
    }

    // 3. Configuration errors: exit status 2 and a message naming what is wrong.
    {
        child c = spawn(exe, {}, err_file, false);
        check(wait_exit(c, 20) == 2, "without --consumers: exit status 2");
        check(contains(read_file(err_file), "no consumers configured"),
              "without --consumers: the message says no consumers are configured");
    }
    {
        const std::string bad = scratch + "/smoke_bad_consumers.properties";
        std::ofstream(bad) << "# comment\nconsumer.OauthKey.colour=blue\n";
        child c = spawn(exe, {"--consumers", bad}, err_file, false);
        check(wait_exit(c, 20) == 2, "bad consumers file: exit status 2");
        const std::string err = read_file(err_file);
        check(contains(err, "line 2") && contains(err, "colour"),
              "bad consumers file: the message names line 2 and the property (got: " + err + ")");
    }
    {
        child c = spawn(exe, {"--consumers", consumers, "--bogus"}, err_file, false);
        check(wait_exit(c, 20) == 2, "unknown option: exit status 2");
        check(contains(read_file(err_file), "--bogus"), "unknown option: the message names it");
    }

    std::printf("%s\n", failures == 0 ? "all checks passed" : "SOME CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
