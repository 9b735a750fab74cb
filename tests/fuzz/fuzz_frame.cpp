// Fuzz target: the inbound frame path (wsout::detail::frame_parser).
//
// Input: [max-size selector][flags][4-byte chunking seed] then the bytes a
// server sends after the upgrade. The bytes are parsed once in one piece and
// once in pseudo-random chunks, each chunk copied to its own heap block of
// exactly its size so that ASan catches any read past it.
//
// Properties:
//  - `used` never exceeds the input given to parse();
//  - need_more means every byte given was consumed;
//  - control payloads are at most 125 bytes; a close code is 1005 or valid;
//  - after an error, parse() keeps returning error and consumes nothing;
//  - the event sequence does not depend on how the input is chunked (with
//    permessage-deflate, the error code of a violation found while
//    inflating may: zlib drops the output of the call that finds corrupt
//    data, so the size limit or UTF-8 may trip in one chunking and the
//    corrupt data in the other; both runs must still fail at that message).

#include <wsout/detail/frame.hpp>

#include "fuzz_common.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

using wsout::detail::frame_parser;
using event = frame_parser::event;

struct record
{
    event ev;
    std::string payload;
    std::uint16_t close_code = 0;
    int error = 0;
    bool inflating = false;

    bool operator==(record const& o) const
    {
        return ev == o.ev && payload == o.payload && close_code == o.close_code &&
               (error == o.error || (inflating && o.inflating));
    }
};

char const* name(event e)
{
    switch (e)
    {
    case event::need_more: return "need_more";
    case event::ping: return "ping";
    case event::pong: return "pong";
    case event::close: return "close";
    case event::message: return "message";
    case event::error: return "error";
    }
    return "?";
}

record make_record(frame_parser const& p, event ev)
{
    record r{ev, {}, 0, 0};
    if (ev == event::ping || ev == event::pong || ev == event::close)
    {
        WSOUT_FUZZ_CHECK(p.control_size() <= wsout::detail::max_control_payload, name(ev));
        r.payload.assign(reinterpret_cast<char const*>(p.control_payload()), p.control_size());
    }
    if (ev == event::close)
    {
        r.close_code = p.close_code();
        WSOUT_FUZZ_CHECK(r.close_code == 1005 || (r.close_code >= 1000 && r.close_code < 5000), "close code");
    }
    if (ev == event::error)
    {
        WSOUT_FUZZ_CHECK(p.error(), "error event without an error code");
        r.error = p.error().value();
        r.inflating = p.failed_inflating();
    }
    return r;
}

/// Feeds `chunk` (exactly `n` heap bytes) until it is consumed or an error.
bool feed(frame_parser& p, unsigned char const* chunk, std::size_t n, std::vector<record>& out)
{
    std::size_t off = 0;
    // Each event consumes at least one byte or ends a zero-length frame; a
    // generous bound catches a parser that stops making progress.
    for (std::size_t rounds = 0; rounds <= 2 * n + 2; ++rounds)
    {
        std::size_t used = 12345;
        event ev = p.parse(chunk + off, n - off, used);
        WSOUT_FUZZ_CHECK(used <= n - off, name(ev));
        off += used;
        if (ev == event::need_more)
        {
            WSOUT_FUZZ_CHECK(off == n, "need_more left input unconsumed");
            return true;
        }
        out.push_back(make_record(p, ev));
        if (ev == event::error)
        {
            // Sticky: more input (or the rest of this one) changes nothing.
            unsigned char more[3] = {0x81, 0x00, 0x8A};
            std::size_t u = 99;
            WSOUT_FUZZ_CHECK(p.parse(more, sizeof more, u) == event::error, "error is not sticky");
            WSOUT_FUZZ_CHECK(u == 0, "consumed input after an error");
            // Even with no bytes at all (sticky since 0db419b).
            WSOUT_FUZZ_CHECK(p.parse(more, 0, u) == event::error, "error is not sticky on empty input");
            if (off < n)
            {
                WSOUT_FUZZ_CHECK(p.parse(chunk + off, n - off, u) == event::error, "error is not sticky");
                WSOUT_FUZZ_CHECK(u == 0, "consumed input after an error");
            }
            return false;
        }
        if (off == n)
        {
            // Input exhausted right at an event: a call with no bytes must
            // not invent events (it may finish a pending zero-length frame,
            // which the one-piece run does in the same place).
            continue;
        }
    }
    wsout_fuzz::fail("parser made no progress");
}

std::vector<record>
run(std::size_t max, bool rsv1, bool nct, std::string_view bytes, wsout_fuzz::rng* chunker)
{
    frame_parser p(max, rsv1, nct);
    std::vector<record> out;
    std::size_t pos = 0;
    do
    {
        std::size_t n = bytes.size() - pos;
        if (chunker && n != 0)
            n = chunker->chunk(n);
        std::unique_ptr<unsigned char[]> block(new unsigned char[n ? n : 1]);
        std::memcpy(block.get(), bytes.data() + pos, n);
        bool ok = feed(p, block.get(), n, out);
        pos += n;
        if (!ok)
            break;
    } while (pos < bytes.size());
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    wsout_fuzz::input in(data, size);
    static constexpr std::size_t limits[] = {
        0, 1, 125, 126, 1000, 65535, 65536, std::size_t(16) << 20, ~std::size_t(0)};
    std::size_t max = limits[in.byte() % (sizeof limits / sizeof limits[0])];
    // flags: bit 0 permessage-deflate (RSV1 allowed, compressed messages
    // inflated), bit 4 no context takeover.
    std::uint8_t flags = in.byte();
    bool rsv1 = (flags & 1) != 0;
    bool nct = (flags & 16) != 0;
    wsout_fuzz::rng chunker(in.u32());
    std::string_view bytes = in.rest();

    auto whole = run(max, rsv1, nct, bytes, nullptr);
    auto chunked = run(max, rsv1, nct, bytes, &chunker);

    // Events surface at the same points whatever the chunking. The one-piece
    // run may stop earlier only if... it never should: compare exactly.
    if (!(whole == chunked))
    {
        std::string d = "whole:";
        for (auto const& r : whole)
            d += std::string(" ") + name(r.ev);
        d += " chunked:";
        for (auto const& r : chunked)
            d += std::string(" ") + name(r.ev);
        wsout_fuzz::fail("event sequence depends on chunking", d);
    }
    return 0;
}
