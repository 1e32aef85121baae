// tests/unit/support/oauthlib_server.hpp - tests/interop/oauthlib_server.py (an independent
// OAuth 1.0a verifier on python3-oauthlib) as a child process on 127.0.0.1, for adapter tests:
// each accepted request is answered 200 with {"verified": true, ...} and X-Seen-Target (the
// request-target as received); refused ones 401 with WWW-Authenticate. It knows the credentials
// of verifying_server.hpp (hmac-consumer / rsa-consumer and the access token).
//
// Needs /usr/bin/python3 (OAUTH1_PYTHON) with python3-oauthlib, python3-cryptography and
// python3-jwt; without them the constructor FAILS the test, saying so (never skips).
#ifndef OAUTH1_TESTS_SUPPORT_OAUTHLIB_SERVER_HPP
#define OAUTH1_TESTS_SUPPORT_OAUTHLIB_SERVER_HPP

#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace oauth1_test {

#ifndef OAUTH1_PYTHON
#define OAUTH1_PYTHON "/usr/bin/python3"
#endif

inline std::string python()
{
    const std::string p = OAUTH1_PYTHON;
    return p.empty() ? std::string("/usr/bin/python3") : p;
}

// tests/interop/oauthlib_server.py as a child process; stopped (stdin closed, then SIGTERM,
// then SIGKILL) and waited for by the destructor, so also when a check fails.
class oauthlib_server {
public:
    /// Starts it; `log_path` (relative: the working directory, the build directory under
    /// CTest) receives its log (every request, oauthlib's debug output) and is named in failure
    /// messages: give each test its own.
    explicit oauthlib_server(std::string log_path) : log_path_(std::move(log_path))
    {
        const std::string py = python();
        const std::string script = OAUTH1_TEST_SOURCE_DIR "/interop/oauthlib_server.py";
        REQUIRE_MESSAGE(::access(py.c_str(), X_OK) == 0,
                        py << " not found: the oauthlib cross-check needs Debian's python3 with "
                              "python3-oauthlib (apt-get install python3-oauthlib "
                              "python3-cryptography python3-jwt)");
        REQUIRE_MESSAGE(::access(script.c_str(), R_OK) == 0, script << " not found");
        int in[2];
        int out[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        const std::string keys = OAUTH1_TEST_DATA_DIR "/keys";
        std::vector<std::string> args = {py, script, "--keys-dir", keys, "--log", log_path_};
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t parent = ::getpid();
        const pid_t pid = ::fork();
        if (pid == 0) {
            // Child: only async-signal-safe calls until exec.
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) ::_exit(126);
            ::dup2(in[0], STDIN_FILENO);
            ::dup2(out[1], STDOUT_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        if (pid < 0) {
            stop();
            FAIL("fork failed");
        }
        pid_ = pid;
        const std::string line = first_line(std::chrono::seconds(15));
        constexpr std::string_view prefix = "listening 127.0.0.1:";
        if (line.rfind(prefix, 0) != 0) {
            // A failing constructor runs no destructor: stop the child here.
            const std::string status = exit_status();
            stop();
            FAIL("oauthlib_server.py did not start (first line: \""
                 << line << "\", exit status " << status << ", log " << log_path_
                 << "); exit status 3 means " << py
                 << " lacks python3-oauthlib/python3-cryptography/python3-jwt: apt-get install "
                    "python3-oauthlib python3-cryptography python3-jwt");
        }
        port_ = std::stoi(line.substr(prefix.size()));
    }
    oauthlib_server(const oauthlib_server&) = delete;
    oauthlib_server& operator=(const oauthlib_server&) = delete;
    ~oauthlib_server() { stop(); }

    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// Where its log goes.
    const std::string& log_path() const noexcept { return log_path_; }

    // Closes its stdin (it exits 0), then SIGTERM/SIGKILL if it lingers; returns the status.
    int stop() noexcept
    {
        if (stdin_ >= 0) ::close(std::exchange(stdin_, -1));
        if (pid_ > 0) {
            int status = 0;
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            bool term = false;
            while (::waitpid(pid_, &status, WNOHANG) == 0) {
                const auto now = std::chrono::steady_clock::now();
                if (!term && now > deadline - std::chrono::seconds(3)) {
                    ::kill(pid_, SIGTERM);
                    term = true;
                }
                if (now > deadline) {
                    ::kill(pid_, SIGKILL);
                    ::waitpid(pid_, &status, 0);
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            pid_ = -1;
            status_ = status;
        }
        if (stdout_ >= 0) ::close(std::exchange(stdout_, -1));
        return status_;
    }

private:
    std::string first_line(std::chrono::milliseconds wait)
    {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (line.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd p{stdout_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char buf[256];
            const ssize_t n = ::read(stdout_, buf, sizeof buf);
            if (n <= 0) break;
            line.append(buf, static_cast<std::size_t>(n));
        }
        return line.substr(0, line.find('\n'));
    }

    std::string exit_status()
    {
        int status = 0;
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? std::to_string(WEXITSTATUS(status)) : "signal";
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return "still running";
    }

    std::string log_path_;
    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    int port_ = 0;
    int status_ = 0;
};

} // namespace oauth1_test

#endif // OAUTH1_TESTS_SUPPORT_OAUTHLIB_SERVER_HPP
