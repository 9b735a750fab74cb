// Helpers shared by the libFuzzer targets in tests/fuzz/.
//
// Each target is one translation unit defining LLVMFuzzerTestOneInput. A
// property that does not hold calls fuzz_fail(), which prints what broke and
// aborts, so libFuzzer records the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace wsout_fuzz {

[[noreturn]] inline void fail(char const* what, std::string_view detail = {})
{
    std::fprintf(stderr, "wsout fuzz property violated: %s", what);
    if (!detail.empty())
        std::fprintf(stderr, " [%.*s]", static_cast<int>(detail.size() > 400 ? 400 : detail.size()),
                     detail.data());
    std::fprintf(stderr, "\n");
    std::abort();
}

#define WSOUT_FUZZ_CHECK(cond, detail)                                                                       \
    do                                                                                                       \
    {                                                                                                        \
        if (!(cond))                                                                                         \
            ::wsout_fuzz::fail(#cond, detail);                                                               \
    } while (0)

/// Reads control values from the front of the input; returns 0 when empty.
class input
{
public:
    input(std::uint8_t const* data, std::size_t size) noexcept
        : p_(data)
        , n_(size)
    {}

    std::uint8_t byte() noexcept
    {
        if (n_ == 0)
            return 0;
        --n_;
        return *p_++;
    }

    std::uint32_t u32() noexcept
    {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v = (v << 8) | byte();
        return v;
    }

    std::uint8_t const* data() const noexcept { return p_; }
    std::size_t size() const noexcept { return n_; }
    std::string_view rest() const noexcept { return {reinterpret_cast<char const*>(p_), n_}; }

private:
    std::uint8_t const* p_;
    std::size_t n_;
};

/// A small deterministic PRNG (xorshift32) for chunkings derived from input.
class rng
{
public:
    explicit rng(std::uint32_t seed) noexcept
        : s_(seed ? seed : 0x9E3779B9u)
    {}
    std::uint32_t next() noexcept
    {
        s_ ^= s_ << 13;
        s_ ^= s_ >> 17;
        s_ ^= s_ << 5;
        return s_;
    }
    /// A chunk size in [1, max].
    std::size_t chunk(std::size_t max) noexcept
    {
        // Mostly tiny chunks (1..4 bytes) to hit every header boundary,
        // sometimes larger ones.
        std::uint32_t r = next();
        std::size_t c = (r & 3) != 0 ? 1 + (r >> 2) % 4 : 1 + (r >> 2) % (max ? max : 1);
        return c > max ? max : c;
    }

private:
    std::uint32_t s_;
};

} // namespace wsout_fuzz
