// Fuzz target: Go-style durations (wsout::parse_duration / format_duration).
//
// Properties: only config_error is thrown; the error names the pointer it
// was given; for every parsed d, parse(format(d)) == d; and format is
// stable (format(parse(format(d))) == format(d)). The round trip is also
// checked on raw 64-bit nanosecond values taken from the input.

#include <wsout/config.hpp>

#include "fuzz_common.hpp"

#include <cstring>
#include <limits>
#include <string>

namespace {

void round_trip(wsout::duration d, std::string_view origin)
{
    std::string f = wsout::format_duration(d);
    wsout::duration back{};
    try
    {
        back = wsout::parse_duration(f, "/d");
    }
    catch (wsout::config_error const& e)
    {
        wsout_fuzz::fail("format_duration output does not parse",
                         f + " (from " + std::string(origin) + "): " + e.what());
    }
    WSOUT_FUZZ_CHECK(back == d, f + " from " + std::string(origin));
    WSOUT_FUZZ_CHECK(wsout::format_duration(back) == f, f);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string_view text(reinterpret_cast<char const*>(data), size);
    try
    {
        wsout::duration d = wsout::parse_duration(text, "/timeouts/connect");
        round_trip(d, text);
    }
    catch (wsout::config_error const& e)
    {
        WSOUT_FUZZ_CHECK(e.pointer() == "/timeouts/connect", e.pointer());
    }
    if (size >= 8)
    {
        std::int64_t raw;
        std::memcpy(&raw, data, 8);
        // Negative durations are refused by design: round-trip magnitudes.
        raw &= std::numeric_limits<std::int64_t>::max();
        round_trip(wsout::duration(raw), "raw nanoseconds");
    }
    return 0;
}
