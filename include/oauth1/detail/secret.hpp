// oauth1/detail/secret.hpp - an owned byte buffer for secrets that is wiped on every path that
// lets go of its bytes.
//
// std::string is not fit for this: moving a short (SSO) string copies its bytes and leaves them in
// the source's inline buffer, a move-assignment hands the destination's old heap block to the
// source, which then frees it with the old bytes still in it, and an assignment that reallocates
// frees the old block unwiped. This buffer owns one heap block (none when empty), so a move only
// passes the pointer on, and every other way of dropping bytes (destructor, assign, clear, copy- or
// move-assignment over it) runs OPENSSL_cleanse over them first.
#ifndef OAUTH1_DETAIL_SECRET_HPP
#define OAUTH1_DETAIL_SECRET_HPP

#include <openssl/crypto.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace oauth1::detail {

/// Secret bytes (a consumer secret, an HMAC key, a PLAINTEXT signature). Copies allocate their
/// own block; moves steal the block and leave the source empty; nothing is left behind unwiped.
class secret_bytes {
public:
    secret_bytes() noexcept = default;
    explicit secret_bytes(std::string_view bytes) { assign(bytes); }
    secret_bytes(const secret_bytes& other) { assign(other.view()); }
    secret_bytes(secret_bytes&& other) noexcept : data_(std::move(other.data_)), size_(other.size_)
    {
        other.size_ = 0;
    }
    secret_bytes& operator=(const secret_bytes& other)
    {
        if (this != &other) assign(other.view());
        return *this;
    }
    secret_bytes& operator=(secret_bytes&& other) noexcept
    {
        if (this != &other) {
            clear();
            data_ = std::move(other.data_);
            size_ = other.size_;
            other.size_ = 0;
        }
        return *this;
    }
    ~secret_bytes() { clear(); }

    /// Replaces the bytes (the old ones are wiped; on allocation failure nothing changes).
    void assign(std::string_view bytes)
    {
        char* const p = prepare(bytes.size());
        if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size()); // (p is null for none)
    }

    /// Wipes and frees the old bytes and returns room for exactly `n` new ones, which the caller
    /// must fill (null when `n` is 0). Strong guarantee: on allocation failure nothing changes.
    char* prepare(std::size_t n)
    {
        std::unique_ptr<char[]> fresh(n == 0 ? nullptr : new char[n]);
        clear();
        data_ = std::move(fresh);
        size_ = n;
        return data_.get();
    }

    /// Wipes and frees the bytes.
    void clear() noexcept
    {
        if (data_ != nullptr && size_ != 0) OPENSSL_cleanse(data_.get(), size_);
        data_.reset();
        size_ = 0;
    }

    std::string_view view() const noexcept { return {data_.get(), size_}; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_SECRET_HPP
