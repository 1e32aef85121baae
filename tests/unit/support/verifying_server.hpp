// Test support: a cpp-httplib server on 127.0.0.1 (a free port chosen by the kernel) that
// verifies every request with oauth1's provider side and records what it saw. The constructor
// starts it and waits until it listens; the destructor stops it and joins its thread.
//
// Credentials it knows (constants below):
//   consumer "hmac-consumer", secret "kd94hf93k423kf44"     HMAC-SHA1 / HMAC-SHA256 / PLAINTEXT
//   consumer "rsa-consumer", public key tests/data/keys/wiki_cert.pem (private: wiki_key.pem)
//   access token "nnch734d00sl2jdk", secret "pfkkdhi9sl3r4s00" (the fixture's token lookup
//   answers that it was issued to whichever of the two consumers asks)
//
// It verifies the URL as the client's Host header names it
// (oauth1::httplib::public_origin::trust_host_header): the clients under test must send the
// Host they signed for, and a wrong Host must make the signature fail.
//
// Every method on every path is answered: 200 with a JSON body {"verified":true,...} and header
// X-Seen-Target (the request-target as received) when verified; otherwise 401/400 with
// WWW-Authenticate: OAuth realm="test", oauth_problem=... (oauth1::httplib::refuse).
#ifndef OAUTH1_TEST_VERIFYING_SERVER_HPP
#define OAUTH1_TEST_VERIFYING_SERVER_HPP

#include <oauth1/adapters/httplib_server.hpp>
#include <oauth1/keys.hpp>
#include <oauth1/nonce_store.hpp>
#include <oauth1/provider.hpp>

#include <httplib.h>

#include "running_server.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace oauth1_test {

inline constexpr const char* hmac_consumer_key = "hmac-consumer";
inline constexpr const char* hmac_consumer_secret = "kd94hf93k423kf44";
inline constexpr const char* rsa_consumer_key = "rsa-consumer";
inline constexpr const char* access_token = "nnch734d00sl2jdk";
inline constexpr const char* access_token_secret = "pfkkdhi9sl3r4s00";

inline std::string test_key_path(std::string_view file)
{
    return std::string(OAUTH1_TEST_DATA_DIR "/keys/") + std::string(file);
}

/// What the server saw of one request.
struct seen_request {
    std::string method;
    std::string target; ///< request-target as received (raw)
    std::string content_type;
    std::string body;
    std::string authorization;
    std::string url; ///< the absolute URL verified
    bool verified = false;
    std::string problem; ///< oauth_problem when refused
    std::string base_string;
};

class verifying_server {
public:
    verifying_server()
    {
        consumers_[hmac_consumer_key] = {hmac_consumer_secret, {}, oauth1::method_set::all()};
        consumers_[rsa_consumer_key] = {
            "", oauth1::load_public_key_file(test_key_path("wiki_cert.pem")),
            oauth1::method_set::all()};
        const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
            handle(req, res);
        };
        server_.Get(".*", handler);
        server_.Post(".*", handler);
        server_.Put(".*", handler);
        server_.Delete(".*", handler);
        server_.Patch(".*", handler);
        running_.emplace(server_);
    }
    verifying_server(const verifying_server&) = delete;
    verifying_server& operator=(const verifying_server&) = delete;
    ~verifying_server() { running_.reset(); } // stop serving before the handler's state goes

    int port() const noexcept { return running_->port(); }
    /// "http://127.0.0.1:<port>"
    std::string origin() const { return running_->origin(); }

    /// Everything seen so far, oldest first.
    std::vector<seen_request> seen() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }
    /// The last request seen (throws when none).
    seen_request last() const
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (seen_.empty()) throw std::runtime_error("verifying_server: no request seen");
        return seen_.back();
    }
    void clear()
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        seen_.clear();
    }

private:
    const oauth1::consumer_credentials* find_consumer(std::string_view k) const
    {
        const auto it = consumers_.find(std::string(k));
        return it == consumers_.end() ? nullptr : &it->second;
    }

    void handle(const httplib::Request& req, httplib::Response& res)
    {
        auto consumers = [this](std::string_view k) { return find_consumer(k); };
        auto tokens = [this](std::string_view consumer_key,
                             std::string_view t) -> std::optional<oauth1::token_credentials> {
            if (t != access_token || !find_consumer(consumer_key)) return std::nullopt;
            return oauth1::token_credentials(std::string(consumer_key), access_token_secret);
        };
        const oauth1::request_verifier v(consumers, tokens, nonces_);
        oauth1::verify_options opts;
        opts.token = oauth1::token_requirement::optional;
        opts.keep_base_string = true;
        const oauth1::verify_result r = oauth1::httplib::verify(v, req, origin_, opts);
        seen_request s;
        s.method = req.method;
        s.target = req.target;
        s.content_type = req.get_header_value("Content-Type");
        s.body = req.body;
        s.authorization = req.get_header_value("Authorization");
        s.url = oauth1::httplib::request_url(req, origin_);
        s.verified = r.ok();
        if (r.problem) s.problem = r.problem->name;
        s.base_string = r.base_string;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            seen_.push_back(s);
        }
        if (!r) {
            oauth1::httplib::refuse(res, r, "test");
            return;
        }
        res.status = 200;
        res.set_header("X-Seen-Target", req.target);
        res.set_content("{\"verified\":true,\"consumer\":\"" + r.consumer_key + "\",\"method\":\"" +
                            req.method + "\"}",
                        "application/json");
    }

    std::map<std::string, oauth1::consumer_credentials> consumers_;
    const oauth1::httplib::public_origin origin_ =
        oauth1::httplib::public_origin::trust_host_header("http");
    oauth1::memory_nonce_store nonces_;
    httplib::Server server_;
    std::optional<running_server> running_;
    mutable std::mutex mutex_;
    std::vector<seen_request> seen_;
};

} // namespace oauth1_test

#endif // OAUTH1_TEST_VERIFYING_SERVER_HPP
