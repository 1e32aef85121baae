// oauth1/detail/raw_buffer.hpp - private to oauth1 (not a public header): a byte buffer that grows
// without initialising, the storage of oauth1::parameter_list's arena and of a signed request's
// base string (oauth1/parameters.hpp, oauth1/client.hpp).
#ifndef OAUTH1_DETAIL_RAW_BUFFER_HPP
#define OAUTH1_DETAIL_RAW_BUFFER_HPP

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace oauth1::detail {

/// A growable byte buffer whose resize() leaves new bytes uninitialised: the std::string
/// underneath keeps its high-water size, so once a buffer has held a given amount, making room
/// again costs neither an allocation nor a memset.
class raw_buffer {
public:
    std::size_t size() const noexcept { return n_; }
    const char* data() const noexcept { return s_.data(); }
    char* data() noexcept { return s_.data(); }
    std::string_view view() const noexcept { return {s_.data(), n_}; }
    void clear() noexcept { n_ = 0; }
    void reserve(std::size_t n)
    {
        if (n > s_.size()) s_.resize(n);
    }
    /// Sets the size; bytes beyond the old size are unspecified.
    void resize(std::size_t n)
    {
        if (n > s_.size()) s_.resize(n > 2 * s_.size() ? n : 2 * s_.size());
        n_ = n;
    }
    void append(std::string_view v)
    {
        const std::size_t old = n_;
        resize(old + v.size());
        if (!v.empty()) std::memcpy(s_.data() + old, v.data(), v.size());
    }

private:
    std::string s_;
    std::size_t n_ = 0;
};

} // namespace oauth1::detail

#endif // OAUTH1_DETAIL_RAW_BUFFER_HPP
