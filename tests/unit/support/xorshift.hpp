// Test support: a tiny deterministic pseudo-random generator (Marsaglia's xorshift32) for the
// generated-input tests, so that a failure reproduces exactly.
#ifndef OAUTH1_TEST_XORSHIFT_HPP
#define OAUTH1_TEST_XORSHIFT_HPP

#include <cstdint>

namespace oauth1_test {

class xorshift32 {
public:
    explicit xorshift32(std::uint32_t seed) noexcept : x_(seed) {}
    std::uint32_t operator()() noexcept
    {
        x_ ^= x_ << 13;
        x_ ^= x_ >> 17;
        x_ ^= x_ << 5;
        return x_;
    }

private:
    std::uint32_t x_;
};

} // namespace oauth1_test

#endif // OAUTH1_TEST_XORSHIFT_HPP
