// oauth1/detail/deadline_watch.hpp - private to oauth1 (not a public header): bounds a whole
// blocking exchange for HTTP libraries that only bound each wait for the socket (cpp-httplib,
// Poco), so that a server trickling its answer cannot hold a call for ever
// (transport_options::timeout).
#ifndef OAUTH1_DETAIL_DEADLINE_WATCH_HPP
#define OAUTH1_DETAIL_DEADLINE_WATCH_HPP

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

namespace oauth1::detail {

/// A thread waits until `at` or finish(); at `at` it calls `on_expiry()` once (outside its lock),
/// which must end the exchange in flight from that other thread (shut its socket down). Without
/// a thread (std::thread failed) nothing is watched: the exchange is then bounded by the
/// library's own per-wait timeouts only.
template <class OnExpiry>
class deadline_watch {
public:
    deadline_watch(std::chrono::steady_clock::time_point at, OnExpiry on_expiry)
        : at_(at), on_expiry_(std::move(on_expiry))
    {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            watcher_ = std::thread([this] { watch(); });
        } catch (const std::system_error&) {
            // No thread: see above.
        }
#else
        watcher_ = std::thread([this] { watch(); });
#endif
    }
    deadline_watch(const deadline_watch&) = delete;
    deadline_watch& operator=(const deadline_watch&) = delete;
    ~deadline_watch()
    {
        finish();
    }

    /// Ends the watch; true when the deadline passed and on_expiry() was called.
    bool finish()
    {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        wake_.notify_one();
        if (watcher_.joinable()) watcher_.join();
        return expired_;
    }

private:
    void watch()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        const auto done = [this] { return done_; };
        if (at_ == std::chrono::steady_clock::time_point::max()) {
            wake_.wait(lock, done);
            return;
        }
        if (wake_.wait_until(lock, at_, done)) return;
        expired_ = true;
        lock.unlock();
        on_expiry_();
    }

    std::chrono::steady_clock::time_point at_;
    OnExpiry on_expiry_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    bool expired_ = false; // written by the watcher only; read after it is joined
    std::thread watcher_;  // last: started once the members it uses exist
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_DEADLINE_WATCH_HPP
