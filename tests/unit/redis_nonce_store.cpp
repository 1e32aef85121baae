// Unit tests for oauth1/redis_nonce_store.hpp, against a real redis-server that each test case
// starts on a free loopback port (never any other Redis) and stops at its end, also when a check
// fails. Needs /usr/bin/redis-server (Debian's redis-server package; scripts/setup-deps). Covers
// replay detection, expiry, fail-closed paths, the refusal of eviction policies that could
// forget live nonces, and the key-size bound.
#include <oauth1/redis_nonce_store.hpp>

#include <oauth1/client.hpp>
#include <oauth1/provider.hpp>
#include <oauth1/signature_method.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr const char* redis_server_path = "/usr/bin/redis-server";

std::uint64_t now_seconds()
{
    return oauth1::system_clock{}();
}

// A loopback TCP port that was free a moment ago (the kernel picks it).
std::uint16_t free_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    ::close(fd);
    REQUIRE(ok);
    return ntohs(addr.sin_port);
}

// A command on a separate connection of the test's own (not through the store under test).
oauth1::detail::redis_reply_ptr command(std::uint16_t port, const char* format,
                                        const char* arg = nullptr, std::size_t arg_len = 0)
{
    oauth1::detail::redis_context_ptr c(redisConnectWithTimeout("127.0.0.1", port, {1, 0}));
    if (!c || c->err != 0) return nullptr;
    void* r = arg != nullptr ? redisCommand(c.get(), format, arg, arg_len)
                             : redisCommand(c.get(), format);
    return oauth1::detail::redis_reply_ptr(static_cast<redisReply*>(r));
}

bool answers_ping(std::uint16_t port)
{
    const auto r = command(port, "PING");
    return r && r->type == REDIS_REPLY_STATUS && std::string_view(r->str, r->len) == "PONG";
}

// redis-server as a child process on 127.0.0.1:<port>, nothing persisted; stopped (SIGTERM,
// then SIGKILL if it lingers) by stop() or the destructor. PR_SET_PDEATHSIG also stops it if
// this test process dies without unwinding.
class redis_server {
public:
    // On a fresh free port (retrying if another process takes the port first); `extra` are more
    // command-line options (e.g. {"--maxmemory", "1mb"}).
    explicit redis_server(std::vector<std::string> extra = {}) : extra_(std::move(extra))
    {
        REQUIRE_MESSAGE(::access(redis_server_path, X_OK) == 0,
                        redis_server_path << " not found: install Debian's redis-server "
                                             "(scripts/setup-deps installs it)");
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = free_port();
            if (start()) return;
        }
        FAIL("redis-server did not start on a free loopback port (5 attempts)");
    }

    redis_server(const redis_server&) = delete;
    redis_server& operator=(const redis_server&) = delete;
    ~redis_server() { stop(); }

    std::uint16_t port() const noexcept { return port_; }

    // Stops the server and waits for it to exit.
    void stop() noexcept
    {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(10ms);
        }
        pid_ = -1;
    }

    // Starts a server again on the same port.
    void restart()
    {
        stop();
        // The old server's connections may linger in TIME_WAIT; Redis listens with SO_REUSEADDR.
        for (int attempt = 0; attempt < 5; ++attempt)
            if (start()) return;
        FAIL("redis-server did not restart on port " << port_);
    }

private:
    // Spawns the server and waits until it answers PING; false if it exited (port taken).
    bool start()
    {
        const std::string port = std::to_string(port_);
        // clang-format off
        std::vector<std::string> args = {
            redis_server_path, "--bind", "127.0.0.1", "--port", port, "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
            "--protected-mode", "yes"};
        // clang-format on
        args.insert(args.end(), extra_.begin(), extra_.end());
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t parent = ::getpid();
        const pid_t pid = ::fork();
        REQUIRE_MESSAGE(pid >= 0, "fork failed");
        if (pid == 0) {
            // Child: only async-signal-safe calls until exec.
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) ::_exit(126);
            // Its log (start-up banner, warnings) would bury the test's own output.
            const int null_fd = ::open("/dev/null", O_WRONLY);
            if (null_fd >= 0) ::dup2(null_fd, STDOUT_FILENO);
            ::execv(redis_server_path, argv.data());
            ::_exit(127);
        }
        pid_ = pid;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                MESSAGE("redis-server exited during start-up on port " << port_);
                return false;
            }
            if (answers_ping(port_)) return true;
            std::this_thread::sleep_for(20ms);
        }
        stop();
        return false;
    }

    std::vector<std::string> extra_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

oauth1::redis_nonce_store_options options_for(const redis_server& srv, std::uint64_t window = 300)
{
    oauth1::redis_nonce_store_options o;
    o.port = srv.port();
    o.window = window;
    return o;
}

long long ttl_of(std::uint16_t port, const std::string& key)
{
    const auto r = command(port, "TTL %b", key.data(), key.size());
    REQUIRE(r);
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
    return r->integer;
}

bool exists(std::uint16_t port, const std::string& key)
{
    const auto r = command(port, "EXISTS %b", key.data(), key.size());
    REQUIRE(r);
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
    return r->integer == 1;
}

// Provider-side fixtures for the verifier tests: one HMAC-SHA1 consumer with an access token.
struct provider_db {
    oauth1::consumer_credentials consumer{
        "consumer-secret", {}, {oauth1::signature_method::hmac_sha1}};
    oauth1::token_credentials token{"consumer-key", "token-secret"};

    auto consumers() const
    {
        return [this](std::string_view key) -> const oauth1::consumer_credentials* {
            return key == "consumer-key" ? &consumer : nullptr;
        };
    }
    auto tokens() const
    {
        return [this](std::string_view, std::string_view t) -> const oauth1::token_credentials* {
            return t == "access-token" ? &token : nullptr;
        };
    }
};

constexpr std::string_view resource = "https://jira.example.com/rest/api/2/issue/JJ-2?expand=names";

std::string signed_authorization(std::string_view nonce)
{
    oauth1::client c("consumer-key", oauth1::hmac_sha1("consumer-secret"));
    c.set_token("access-token", "token-secret");
    oauth1::sign_options o;
    o.nonce = nonce;
    return std::string(c.sign({"GET", resource}, o).authorization());
}

} // namespace

static_assert(oauth1::is_nonce_store_v<oauth1::redis_nonce_store>);

TEST_CASE("redis_nonce_store: a combination is new once, then seen; every field counts")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    const std::uint64_t now = now_seconds();
    std::error_code ec;

    CHECK(store.insert("key", "token", now, "nonce-1", now, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(store.insert("key", "token", now, "nonce-1", now, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(store.insert("key", "token", now, "nonce-1", now + 10, ec)); // `now` is no field

    // Changing any one field makes a new combination.
    CHECK(store.insert("key2", "token", now, "nonce-1", now, ec));
    CHECK(store.insert("key", "token2", now, "nonce-1", now, ec));
    CHECK(store.insert("key", "", now, "nonce-1", now, ec)); // two-legged: no token
    CHECK(store.insert("key", "token", now - 1, "nonce-1", now, ec));
    CHECK(store.insert("key", "token", now, "nonce-2", now, ec));
    CHECK_FALSE(ec);

    // Field boundaries cannot be shifted: lengths are part of the key.
    CHECK(store.insert("ab", "c", now, "n", now, ec));
    CHECK(store.insert("a", "bc", now, "n", now, ec));
    CHECK(store.insert("a", "b", now, "cn", now, ec));
    CHECK(store.insert("a:1:b", "", now, "n", now, ec));
    CHECK(store.insert("a", "1:b", now, "n", now, ec));
    CHECK(store.key("ab", "c", now, "n") != store.key("a", "bc", now, "n"));
    CHECK(store.key("k", "t", 17, "n") == "oauth1:nonce:1:k:1:t:17:1:n:");

    // Binary-safe: NUL, CR/LF and non-ASCII bytes are stored as they are.
    using namespace std::string_view_literals;
    CHECK(store.insert("k\0x"sv, "t", now, "n\r\n\xff"sv, now, ec));
    CHECK_FALSE(store.insert("k\0x"sv, "t", now, "n\r\n\xff"sv, now, ec));
    CHECK(store.insert("k\0y"sv, "t", now, "n\r\n\xff"sv, now, ec));
    CHECK(exists(srv.port(), store.key("k\0x"sv, "t", now, "n\r\n\xff"sv)));
    CHECK_FALSE(ec);

    const auto size = command(srv.port(), "DBSIZE");
    REQUIRE(size);
    CHECK(size->integer == 13);
    CHECK(store.last_error().empty());
}

TEST_CASE("redis_nonce_store: entries expire at timestamp + window, at least one second ahead")
{
    redis_server srv;
    oauth1::redis_nonce_store_options o = options_for(srv, 300);
    o.key_prefix = "test:prefix:";
    oauth1::redis_nonce_store store(o);
    const std::uint64_t now = now_seconds();
    std::error_code ec;

    REQUIRE(store.insert("key", "token", now, "fresh", now, ec));
    const std::string fresh = store.key("key", "token", now, "fresh");
    CHECK(fresh.rfind("test:prefix:", 0) == 0);
    const long long t1 = ttl_of(srv.port(), fresh);
    CHECK(t1 >= 1);
    CHECK(t1 <= 300);
    CHECK(t1 >= 298);

    // A timestamp 100 s old needs its entry only 200 s more.
    REQUIRE(store.insert("key", "token", now - 100, "older", now, ec));
    const long long t2 = ttl_of(srv.port(), store.key("key", "token", now - 100, "older"));
    CHECK(t2 <= 200);
    CHECK(t2 >= 198);

    // Already outside the window (the verifier would have refused it): still one second.
    REQUIRE(store.insert("key", "token", now - 1000, "ancient", now, ec));
    const long long t3 = ttl_of(srv.port(), store.key("key", "token", now - 1000, "ancient"));
    CHECK(t3 >= 0); // 0 if the second has just run out
    CHECK(t3 <= 1);

    // A timestamp ahead of the provider's clock keeps its entry window seconds past it.
    REQUIRE(store.insert("key", "token", now + 100, "future", now, ec));
    const long long t4 = ttl_of(srv.port(), store.key("key", "token", now + 100, "future"));
    CHECK(t4 <= 400);
    CHECK(t4 >= 398);
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: an expired entry is gone and the combination is new again")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv, 1));
    const std::uint64_t now = now_seconds();
    std::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(store.insert("key", "token", now, "short-lived", now, ec));
    const std::string key = store.key("key", "token", now, "short-lived");
    CHECK(ttl_of(srv.port(), key) == 1);
    CHECK_FALSE(store.insert("key", "token", now, "short-lived", now, ec));

    std::this_thread::sleep_for(1050ms);
    while (exists(srv.port(), key) && std::chrono::steady_clock::now() - start < 3s)
        std::this_thread::sleep_for(50ms);
    CHECK_FALSE(exists(srv.port(), key));
    CHECK(store.insert("key", "token", now, "short-lived", now + 2, ec));
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: the verifier accepts a signed request once and refuses its replay")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    const provider_db db;
    const oauth1::request_verifier v(db.consumers(), db.tokens(), store);

    const std::string auth = signed_authorization("replayed-nonce");
    std::error_code ec;
    const auto first = v.verify({"GET", resource, {}, {}, auth}, {}, ec);
    CHECK_FALSE(ec);
    CHECK(first.ok());
    CHECK(first.consumer_key == "consumer-key");

    const auto replay = v.verify({"GET", resource, {}, {}, auth}, {}, ec);
    CHECK_FALSE(ec);
    CHECK_FALSE(replay.ok());
    REQUIRE(replay.problem);
    CHECK(replay.problem->code == oauth1::problem::nonce_used);

    // Another nonce is a new request; a bad signature does not use up its nonce.
    const std::string other = signed_authorization("other-nonce");
    std::string forged = other;
    const std::size_t at = forged.find("oauth_signature=\"") + 17;
    forged[at] = forged[at] == 'A' ? 'B' : 'A';
    const auto bad = v.verify({"GET", resource, {}, {}, forged}, {}, ec);
    REQUIRE(bad.problem);
    CHECK(bad.problem->code == oauth1::problem::signature_invalid);
    CHECK(v.verify({"GET", resource, {}, {}, other}, {}, ec).ok());
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: 8 threads racing on the same 1,000 nonces accept each exactly once")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    const std::uint64_t now = now_seconds();
    constexpr int threads = 8;
    constexpr int nonces = 1000;
    std::atomic<int> accepted{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::error_code ec;
            // Each thread walks the nonces from a different starting point to collide more.
            for (int i = 0; i < nonces; ++i) {
                const int n = (i + t * (nonces / threads)) % nonces;
                if (store.insert("key", "token", now, "nonce-" + std::to_string(n), now, ec))
                    accepted.fetch_add(1, std::memory_order_relaxed);
                if (ec) errors.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (auto& th : pool) th.join();
    CHECK(errors.load() == 0);
    CHECK(accepted.load() == nonces);
    const auto size = command(srv.port(), "DBSIZE");
    REQUIRE(size);
    CHECK(size->integer == nonces);
}

TEST_CASE("redis_nonce_store: threads use a pool of connections, at most max_connections")
{
    redis_server srv;
    oauth1::redis_nonce_store_options o = options_for(srv);
    o.max_connections = 4;
    oauth1::redis_nonce_store store(o);
    const std::uint64_t now = now_seconds();
    constexpr int threads = 8;
    std::atomic<int> errors{0};
    std::atomic<int> started{0};
    std::atomic<std::size_t> most_clients{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            started.fetch_add(1);
            while (started.load() < threads) std::this_thread::yield();
            std::error_code ec;
            for (int i = 0; i < 300; ++i) {
                if (!store.insert("key", "token", now, std::to_string(t) + "-" + std::to_string(i),
                                  now, ec) ||
                    ec)
                    errors.fetch_add(1);
            }
        });
    }
    // Redis's own count of connected clients while the threads run (this one included).
    for (int i = 0; i < 50; ++i) {
        const auto info = command(srv.port(), "CLIENT LIST");
        if (info && info->str != nullptr) {
            const std::string list(info->str, info->len);
            const auto lines = static_cast<std::size_t>(std::count(list.begin(), list.end(), '\n'));
            if (lines > most_clients.load()) most_clients.store(lines);
        }
        std::this_thread::sleep_for(2ms);
    }
    for (auto& th : pool) th.join();
    CHECK(errors.load() == 0);
    CHECK(store.pool_size() <= 4);
    CHECK(store.pool_size() >= 2); // 8 threads at once did not queue behind one connection
    CHECK(most_clients.load() <= 4 + 1);
    const auto size = command(srv.port(), "DBSIZE");
    REQUIRE(size);
    CHECK(size->integer == threads * 300);
}

TEST_CASE("redis_nonce_store: fails closed while Redis is down and reconnects when it is back")
{
    redis_server srv;
    oauth1::redis_nonce_store_options o = options_for(srv);
    o.connect_timeout = 500ms;
    o.command_timeout = 500ms;
    oauth1::redis_nonce_store store(o);
    const provider_db db;
    const oauth1::request_verifier v(db.consumers(), db.tokens(), store);
    const std::uint64_t now = now_seconds();
    std::error_code ec;

    store.ping(ec);
    CHECK_FALSE(ec);
    REQUIRE(store.insert("key", "token", now, "before", now, ec));

    srv.stop();
    // The open connection fails...
    CHECK_FALSE(store.insert("key", "token", now, "during-1", now, ec));
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    CHECK_FALSE(store.last_error().empty());
    // ...and so does the reconnection attempt (connection refused).
    CHECK_FALSE(store.insert("key", "token", now, "during-2", now, ec));
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    store.ping(ec);
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    CHECK_THROWS_AS(store.ping(), oauth1::error);

    // The verifier refuses a correctly signed request it cannot check against replays.
    const std::string auth = signed_authorization("while-down");
    const auto r = v.verify({"GET", resource, {}, {}, auth}, {}, ec);
    CHECK_FALSE(r.ok());
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    CHECK_THROWS_AS(v.verify({"GET", resource, {}, {}, auth}), oauth1::error);

    srv.restart();
    CHECK(store.insert("key", "token", now, "after", now, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(store.insert("key", "token", now, "after", now, ec));
    CHECK_FALSE(ec);
    const auto again = v.verify({"GET", resource, {}, {}, auth}, {}, ec);
    CHECK_FALSE(ec);
    CHECK(again.ok());
}

TEST_CASE("redis_nonce_store: an error reply from Redis fails closed too")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    const std::uint64_t now = now_seconds();
    std::error_code ec;
    REQUIRE(store.insert("key", "token", now, "n1", now, ec));

    // Redis refuses writes beyond maxmemory with "-OOM ...": neither new nor seen.
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory-policy noeviction"));
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory 1"));
    CHECK_FALSE(store.insert("key", "token", now, "n2", now, ec));
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    CHECK(store.last_error().rfind("OOM", 0) == 0);

    REQUIRE(command(srv.port(), "CONFIG SET maxmemory 0"));
    CHECK(store.insert("key", "token", now, "n2", now, ec));
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: a server that never answers times out and fails closed")
{
    // A listening socket that completes the TCP handshake but never reads or replies.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } guard{fd};

    oauth1::redis_nonce_store_options o;
    o.port = ntohs(addr.sin_port);
    o.command_timeout = 200ms;
    oauth1::redis_nonce_store store(o);
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    CHECK_FALSE(store.insert("key", "token", 1, "n", 1, ec));
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed >= 150ms);
    CHECK(elapsed < 2s);
}

TEST_CASE("redis_nonce_store: a borrowed context is used, reconnected in place and never freed")
{
    redis_server srv;
    oauth1::detail::redis_context_ptr ctx(redisConnectWithTimeout("127.0.0.1", srv.port(), {1, 0}));
    REQUIRE(ctx);
    REQUIRE(ctx->err == 0);
    const std::uint64_t now = now_seconds();
    std::error_code ec;
    {
        oauth1::redis_nonce_store_options o;
        o.key_prefix = "borrowed:";
        oauth1::redis_nonce_store store(ctx.get(), o);
        CHECK(store.insert("key", "token", now, "n", now, ec));
        CHECK_FALSE(store.insert("key", "token", now, "n", now, ec));
        CHECK_FALSE(ec);
        CHECK(exists(srv.port(), "borrowed:3:key:5:token:" + std::to_string(now) + ":1:n:"));

        srv.restart();
        CHECK_FALSE(store.insert("key", "token", now, "m", now, ec)); // the old connection is gone
        CHECK(ec == oauth1::errc::nonce_store_unavailable);
        CHECK(
            store.insert("key", "token", now, "m", now, ec)); // redisReconnect on the same context
        CHECK_FALSE(ec);
    }
    // The store is gone; the context is still the caller's and still works.
    const oauth1::detail::redis_reply_ptr r(
        static_cast<redisReply*>(redisCommand(ctx.get(), "PING")));
    REQUIRE(r);
    CHECK(std::string_view(r->str, r->len) == "PONG");

    CHECK_THROWS_AS(oauth1::redis_nonce_store(static_cast<redisContext*>(nullptr)), oauth1::error);
}

// ---------------------------------------------------------------------------------------------
// Eviction policy: a Redis that may evict live nonces is refused (fail closed).

namespace {

// The error the store reports for a Redis configuration that may lose live nonces.
const std::error_code misconfigured = make_error_code(oauth1::errc::nonce_store_misconfigured);

bool contains(const std::string& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

long long dbsize(std::uint16_t port)
{
    const auto r = command(port, "DBSIZE");
    REQUIRE(r);
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
    return r->integer;
}

} // namespace

TEST_CASE("redis_nonce_store: refuses a Redis that evicts keys (maxmemory 1mb, allkeys-lru)")
{
    redis_server srv({"--maxmemory", "1mb", "--maxmemory-policy", "allkeys-lru"});
    oauth1::redis_nonce_store store(options_for(srv));
    std::error_code ec;
    store.ping(ec);
    CHECK(ec == misconfigured);
    CAPTURE(store.last_error());
    CHECK(contains(store.last_error(), "maxmemory-policy is allkeys-lru"));
    CHECK(contains(store.last_error(), "maxmemory 1048576"));
    CHECK(contains(store.last_error(), "noeviction"));
    try {
        store.ping();
        FAIL("ping() did not throw");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == misconfigured);
        CHECK(contains(e.what(), "allkeys-lru"));
    }

    // insert() fails closed without writing anything, and so does the verifier.
    const std::uint64_t now = now_seconds();
    CHECK_FALSE(store.insert("key", "token", now, "nonce", now, ec));
    CHECK(ec == misconfigured);
    CHECK(dbsize(srv.port()) == 0);
    const provider_db db;
    const oauth1::request_verifier v(db.consumers(), db.tokens(), store);
    const auto r = v.verify({"GET", resource, {}, {}, signed_authorization("n")}, {}, ec);
    CHECK_FALSE(r.ok());
    CHECK(ec == misconfigured);

    // The same through a borrowed context: checked before its first SET.
    oauth1::detail::redis_context_ptr ctx(redisConnectWithTimeout("127.0.0.1", srv.port(), {1, 0}));
    REQUIRE(ctx);
    REQUIRE(ctx->err == 0);
    oauth1::redis_nonce_store borrowed(ctx.get(), options_for(srv));
    CHECK_FALSE(borrowed.insert("key", "token", now, "nonce", now, ec));
    CHECK(ec == misconfigured);
    CHECK(contains(borrowed.last_error(), "allkeys-lru"));
    CHECK(dbsize(srv.port()) == 0);
}

TEST_CASE("redis_nonce_store: accepts a memory limit with maxmemory-policy noeviction")
{
    redis_server srv({"--maxmemory", "1mb", "--maxmemory-policy", "noeviction"});
    oauth1::redis_nonce_store store(options_for(srv));
    std::error_code ec;
    store.ping(ec);
    CHECK_FALSE(ec);
    CHECK(store.last_error().empty());
    const std::uint64_t now = now_seconds();
    CHECK(store.insert("key", "token", now, "nonce", now, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(store.insert("key", "token", now, "nonce", now, ec));
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: every allkeys-* and volatile-* policy is refused under maxmemory")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    std::error_code ec;
    store.ping(ec); // maxmemory 0 (the default): safe whatever the policy
    CHECK_FALSE(ec);
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory 1mb"));
    // volatile-* too: every key of this store has a TTL, so those policies evict exactly the
    // live nonces (volatile-ttl those that expire soonest - still live).
    for (const char* policy : {"allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru",
                               "volatile-lfu", "volatile-random", "volatile-ttl"}) {
        CAPTURE(policy);
        const std::string set = std::string("CONFIG SET maxmemory-policy ") + policy;
        const auto r = command(srv.port(), set.c_str());
        REQUIRE(r);
        REQUIRE(r->type == REDIS_REPLY_STATUS);
        store.ping(ec);
        CHECK(ec == misconfigured);
        CHECK(contains(store.last_error(), std::string("maxmemory-policy is ") + policy + " "));
    }
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory-policy noeviction"));
    store.ping(ec);
    CHECK_FALSE(ec);
    // Without a memory limit Redis never evicts, whatever the policy says.
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory-policy allkeys-lru"));
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory 0"));
    store.ping(ec);
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: a policy changed at run time is caught by ping(), then by insert()")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    const std::uint64_t now = now_seconds();
    std::error_code ec;
    REQUIRE(store.insert("key", "token", now, "n1", now, ec)); // checked on connecting

    REQUIRE(command(srv.port(), "CONFIG SET maxmemory 1mb"));
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory-policy volatile-ttl"));
    // Not re-read at every SET (that would double the round trips): the connection was checked.
    CHECK(store.insert("key", "token", now, "n2", now, ec));
    // The health check sees it, and from then on every insert checks again and fails closed...
    store.ping(ec);
    CHECK(ec == misconfigured);
    CHECK(contains(store.last_error(), "volatile-ttl"));
    CHECK_FALSE(store.insert("key", "token", now, "n3", now, ec));
    CHECK(ec == misconfigured);
    CHECK_FALSE(exists(srv.port(), store.key("key", "token", now, "n3")));
    // ...until the configuration is safe again.
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory-policy noeviction"));
    CHECK(store.insert("key", "token", now, "n3", now, ec));
    CHECK_FALSE(ec);

    // A new connection (here: after a restart, which also resets the configuration) is checked.
    REQUIRE(command(srv.port(), "CONFIG SET maxmemory-policy allkeys-random"));
    srv.restart();
    CHECK(store.insert("key", "token", now, "n4", now, ec) == false); // the old connection
    CHECK(ec == oauth1::errc::nonce_store_unavailable);
    CHECK(store.insert("key", "token", now, "n4", now, ec)); // new server, default: no limit
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: CONFIG disabled (managed Redis): refused with a reason, or skipped")
{
    redis_server srv({"--rename-command", "CONFIG", ""});
    const std::uint64_t now = now_seconds();
    std::error_code ec;
    {
        oauth1::redis_nonce_store store(options_for(srv));
        store.ping(ec);
        CHECK(ec == misconfigured);
        CAPTURE(store.last_error());
        CHECK(contains(store.last_error(), "CONFIG GET was refused"));
        CHECK(contains(store.last_error(), "check_eviction_policy"));
        CHECK_FALSE(store.insert("key", "token", now, "nonce", now, ec));
        CHECK(ec == misconfigured);
    }
    // The operator made sure of the policy by other means and turned the check off.
    oauth1::redis_nonce_store_options o = options_for(srv);
    o.check_eviction_policy = false;
    oauth1::redis_nonce_store store(o);
    store.ping(ec);
    CHECK_FALSE(ec);
    CHECK(store.insert("key", "token", now, "nonce", now, ec));
    CHECK_FALSE(store.insert("key", "token", now, "nonce", now, ec));
    CHECK_FALSE(ec);
}

TEST_CASE("redis_nonce_store: keys are bounded by max_key_bytes (the nonce is part of the key)")
{
    redis_server srv;
    oauth1::redis_nonce_store store(options_for(srv));
    CHECK(store.options().max_key_bytes == 1024);
    const std::uint64_t now = 1'700'000'000;
    std::error_code ec;

    // A key of exactly 1,024 bytes is stored; one byte more is refused, and nothing is written.
    std::string fits;
    while (store.key("key", "token", now, fits).size() < 1024) fits.push_back('n');
    REQUIRE(store.key("key", "token", now, fits).size() == 1024);
    CHECK(store.insert("key", "token", now, fits, now, ec));
    CHECK_FALSE(ec);
    CHECK_FALSE(store.insert("key", "token", now, fits + "n", now, ec));
    CHECK(ec == oauth1::errc::request_too_large);
    CHECK(contains(store.last_error(), "max_key_bytes (1024 bytes)"));
    // Far too long (a megabyte): refused before the key is even built.
    CHECK_FALSE(store.insert("key", "token", now, std::string(1 << 20, 'n'), now, ec));
    CHECK(ec == oauth1::errc::request_too_large);
    CHECK(dbsize(srv.port()) == 1);
    // The next normal request works on the same connection.
    CHECK(store.insert("key", "token", now, "short", now, ec));
    CHECK_FALSE(ec);

    // Configurable.
    oauth1::redis_nonce_store_options o = options_for(srv);
    o.max_key_bytes = 64;
    oauth1::redis_nonce_store small(o);
    CHECK(small.insert("key", "token", now, std::string(20, 'n'), now, ec));
    CHECK_FALSE(small.insert("key", "token", now, std::string(40, 'n'), now, ec));
    CHECK(ec == oauth1::errc::request_too_large);
}
