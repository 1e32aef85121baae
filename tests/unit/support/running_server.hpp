// tests/unit/support/running_server.hpp - runs an httplib::Server (or SSLServer) on 127.0.0.1,
// on a port the kernel chooses, for the lifetime of the object; the destructor stops it and joins
// its thread (every server a test starts, the test stops).
#ifndef OAUTH1_TESTS_SUPPORT_RUNNING_SERVER_HPP
#define OAUTH1_TESTS_SUPPORT_RUNNING_SERVER_HPP

#include <httplib.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace oauth1_test {

class running_server {
public:
    /// Binds `s` (its routes already registered) to 127.0.0.1 and serves it on a thread.
    explicit running_server(httplib::Server& s) : server_(s)
    {
        port_ = server_.bind_to_any_port("127.0.0.1");
        if (port_ <= 0) throw std::runtime_error("cannot bind 127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        for (int i = 0; i < 500 && !server_.is_running(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    running_server(const running_server&) = delete;
    running_server& operator=(const running_server&) = delete;
    ~running_server()
    {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    int port() const noexcept { return port_; }
    /// "http://127.0.0.1:<port>"
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    httplib::Server& server_;
    int port_ = 0;
    std::thread thread_;
};

} // namespace oauth1_test

#endif // OAUTH1_TESTS_SUPPORT_RUNNING_SERVER_HPP
