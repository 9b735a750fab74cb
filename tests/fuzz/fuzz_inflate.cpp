// Fuzz target: permessage-deflate (wsout::detail::deflater / inflater).
//
// Input: [mode][params][4-byte chunking seed] then data.
//
// Mode even, "hostile": the data is a compressed message from a server. It is
// inflated once in one piece and once in pseudo-random chunks (each chunk in
// its own exact-size heap block, so ASan catches any over-read), through a
// sink that stops at 256 KiB of output (as max_inbound_message_bytes does).
// Properties: success and its output do not depend on the chunking; a
// failure happens in both runs, the output of one a prefix of the other's
// (zlib drops the output of the call that finds corrupt data, so how much
// was seen before depends on the chunking); the output never exceeds the
// limit; a failure always says why.
//
// Mode odd, "round trip": the data is split into messages (lengths from the
// data itself) compressed with a deflater (level, window bits, context
// takeover from params) as wsout sends them, then inflated in chunks with
// the matching inflater. Property: every message comes back byte-exact and
// the compressed form never ends with the 00 00 ff ff RFC 7692 removes.

#include <wsout/detail/deflate.hpp>

#include "fuzz_common.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using wsout::detail::deflater;
using wsout::detail::inflater;

constexpr std::size_t limit = 256 * 1024;

struct outcome
{
    bool ok = false;
    bool stopped = false;
    std::string out;

    bool operator==(outcome const& o) const { return ok == o.ok && stopped == o.stopped && out == o.out; }
};

/// Feeds `bytes` to `z` in chunks (one heap block each), then finishes.
outcome inflate_message(inflater& z, std::string_view bytes, wsout_fuzz::rng* chunker)
{
    outcome r;
    char const* why = nullptr;
    auto sink = [&](unsigned char const* p, std::size_t n) {
        WSOUT_FUZZ_CHECK(n <= inflater::scratch_size, "sink chunk larger than the scratch area");
        if (r.out.size() + n > limit)
        {
            r.stopped = true;
            return false;
        }
        r.out.append(reinterpret_cast<char const*>(p), n);
        return true;
    };
    std::size_t pos = 0;
    while (pos < bytes.size())
    {
        std::size_t n = bytes.size() - pos;
        if (chunker)
            n = chunker->chunk(n);
        std::unique_ptr<unsigned char[]> block(new unsigned char[n]);
        std::memcpy(block.get(), bytes.data() + pos, n);
        pos += n;
        if (!z.feed(block.get(), n, sink, why))
        {
            WSOUT_FUZZ_CHECK(r.stopped || why != nullptr, "inflate failed without a reason");
            return r;
        }
    }
    r.ok = z.finish(sink, why);
    WSOUT_FUZZ_CHECK(r.ok || r.stopped || why != nullptr, "finish failed without a reason");
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    wsout_fuzz::input in(data, size);
    std::uint8_t mode = in.byte();
    std::uint8_t params = in.byte();
    std::uint32_t seed = in.u32();
    int bits = 8 + (params & 7);
    bool no_takeover = (params & 8) != 0;

    if ((mode & 1) == 0)
    {
        std::string_view bytes = in.rest();
        // A 32 KiB window, as the frame parser uses (see frame_parser).
        inflater whole(15, no_takeover), chunked(15, no_takeover);
        wsout_fuzz::rng chunker(seed);
        auto a = inflate_message(whole, bytes, nullptr);
        auto b = inflate_message(chunked, bytes, &chunker);
        if (a.ok || b.ok)
            WSOUT_FUZZ_CHECK(a == b, "inflate result depends on chunking");
        else
        {
            auto const& shorter = a.out.size() <= b.out.size() ? a.out : b.out;
            auto const& longer = a.out.size() <= b.out.size() ? b.out : a.out;
            WSOUT_FUZZ_CHECK(longer.compare(0, shorter.size(), shorter) == 0,
                             "failed inflations disagree on the output before the failure");
        }
        WSOUT_FUZZ_CHECK(a.out.size() <= limit, "output beyond the limit");
        return 0;
    }

    // Round trip.
    int level = 1 + (params >> 4) % 9;
    int wbits = bits < 9 ? 9 : bits;
    deflater z;
    z.start(level, wbits, 1 + (mode >> 1) % 9, no_takeover);
    auto ip = std::make_unique<inflater>(wbits, no_takeover);
    wsout_fuzz::rng chunker(seed);
    std::vector<unsigned char> buf;
    std::string_view rest = in.rest();
    while (!rest.empty())
    {
        std::size_t n = static_cast<unsigned char>(rest[0]) * 37u % (rest.size());
        std::string_view msg = rest.substr(1, n);
        rest.remove_prefix(1 + msg.size());
        z.compress(reinterpret_cast<unsigned char const*>(msg.data()), msg.size(), buf);
        std::string_view packed(reinterpret_cast<char const*>(buf.data()), z.size());
        WSOUT_FUZZ_CHECK(packed.size() <= msg.size() + msg.size() / 8 + 64,
                         "compressed far larger than input");
        auto r = inflate_message(*ip, packed, &chunker);
        WSOUT_FUZZ_CHECK(r.ok && !r.stopped, "own compressed message does not inflate");
        WSOUT_FUZZ_CHECK(r.out == msg, "round trip changed the message");
    }
    return 0;
}
