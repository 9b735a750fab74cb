// Fuzz target: the outbound framing primitives of wsout::detail (frame.hpp).
//
//  - mask_copy against a byte-by-byte reference (RFC 6455 5.3: octet i of the
//    payload is XORed with octet (i mod 4) of the key), for any offset;
//  - masking twice with the same key and offset is the identity;
//  - masking in chunks split at arbitrary points (offset advancing) equals
//    masking in one piece;
//  - write_frame_header writes frame_header_size() bytes, FIN + opcode, the
//    MASK bit, the minimal length encoding of the size and the key.
//
// Input: [key:4][offset:4][size-selector:8][chunk seed:4] then the payload.

#include <wsout/detail/frame.hpp>

#include "fuzz_common.hpp"

#include <cstring>
#include <memory>
#include <vector>

namespace {

using wsout::detail::mask_copy;

std::vector<unsigned char>
reference_mask(unsigned char const* src, std::size_t n, std::uint32_t key, std::uint64_t offset)
{
    unsigned char k[4];
    std::memcpy(k, &key, 4); // in-memory order, as write_frame_header puts it on the wire
    std::vector<unsigned char> out(n);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<unsigned char>(src[i] ^ k[(offset + i) % 4]);
    return out;
}

void check_header(std::uint64_t size, std::uint32_t key, std::uint8_t op_byte)
{
    static constexpr wsout::detail::opcode ops[] = {
        wsout::detail::opcode::continuation, wsout::detail::opcode::text, wsout::detail::opcode::binary,
        wsout::detail::opcode::close,        wsout::detail::opcode::ping, wsout::detail::opcode::pong};
    auto op = ops[op_byte % 6];
    unsigned char buf[wsout::detail::max_frame_header_size + 8];
    std::memset(buf, 0xEE, sizeof buf);
    std::size_t n = wsout::detail::write_frame_header(buf, op, size, key);
    WSOUT_FUZZ_CHECK(n == wsout::detail::frame_header_size(size), "header size");
    WSOUT_FUZZ_CHECK(n <= wsout::detail::max_frame_header_size, "header too long");
    for (std::size_t i = n; i < sizeof buf; ++i)
        WSOUT_FUZZ_CHECK(buf[i] == 0xEE, "header wrote past its size");
    WSOUT_FUZZ_CHECK(buf[0] == (0x80 | static_cast<unsigned>(op)), "FIN/opcode byte");
    WSOUT_FUZZ_CHECK((buf[1] & 0x80) != 0, "client frames are masked");
    std::uint64_t len = buf[1] & 0x7F;
    std::size_t p = 2;
    if (len == 126)
    {
        len = (std::uint64_t(buf[2]) << 8) | buf[3];
        p = 4;
        WSOUT_FUZZ_CHECK(len >= 126, "16-bit length not minimal");
    }
    else if (len == 127)
    {
        len = 0;
        for (int i = 2; i < 10; ++i)
            len = (len << 8) | buf[i];
        p = 10;
        WSOUT_FUZZ_CHECK(len > 0xFFFF, "64-bit length not minimal");
        WSOUT_FUZZ_CHECK((len >> 63) == 0, "64-bit length with the MSB set");
    }
    WSOUT_FUZZ_CHECK(len == size, "decoded length");
    WSOUT_FUZZ_CHECK(std::memcmp(buf + p, &key, 4) == 0, "mask key bytes");
    WSOUT_FUZZ_CHECK(p + 4 == n, "header layout");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    wsout_fuzz::input in(data, size);
    std::uint32_t key = in.u32();
    std::uint64_t offset = in.u32();
    std::uint64_t hsize = (std::uint64_t(in.u32()) << 32) | in.u32();
    // Exercise all three length encodings, not only huge values.
    switch (hsize & 3)
    {
    case 0: hsize = (hsize >> 2) % 126; break;
    case 1: hsize = (hsize >> 2) % 0x10000; break;
    case 2: hsize = hsize >> 2; break; // < 2^62
    default: hsize = (hsize >> 1) & ~(std::uint64_t(1) << 63); break;
    }
    wsout_fuzz::rng chunker(in.u32());
    check_header(hsize, key, static_cast<std::uint8_t>(key));

    std::size_t n = in.size();
    // Exact-size heap copies so ASan sees any out-of-bounds access.
    std::unique_ptr<unsigned char[]> src(new unsigned char[n + 1]);
    std::memcpy(src.get(), in.data(), n);
    std::unique_ptr<unsigned char[]> once(new unsigned char[n + 1]);
    mask_copy(once.get(), src.get(), n, key, offset);

    auto ref = reference_mask(src.get(), n, key, offset);
    WSOUT_FUZZ_CHECK(n == 0 || std::memcmp(once.get(), ref.data(), n) == 0,
                     "mask_copy differs from the reference");

    std::unique_ptr<unsigned char[]> twice(new unsigned char[n + 1]);
    mask_copy(twice.get(), once.get(), n, key, offset);
    WSOUT_FUZZ_CHECK(n == 0 || std::memcmp(twice.get(), src.get(), n) == 0,
                     "masking twice is not the identity");

    // Chunked: each piece its own exact-size block.
    std::vector<unsigned char> chunked(n);
    std::size_t pos = 0;
    while (pos < n)
    {
        std::size_t c = chunker.chunk(n - pos);
        std::unique_ptr<unsigned char[]> s(new unsigned char[c]);
        std::unique_ptr<unsigned char[]> d(new unsigned char[c]);
        std::memcpy(s.get(), src.get() + pos, c);
        mask_copy(d.get(), s.get(), c, key, offset + pos);
        std::memcpy(chunked.data() + pos, d.get(), c);
        pos += c;
    }
    WSOUT_FUZZ_CHECK(n == 0 || std::memcmp(chunked.data(), once.get(), n) == 0, "chunked masking differs");

    // In place (dst == src) is how the engine may use it too.
    std::memcpy(twice.get(), src.get(), n);
    mask_copy(twice.get(), twice.get(), n, key, offset);
    WSOUT_FUZZ_CHECK(n == 0 || std::memcmp(twice.get(), once.get(), n) == 0, "in-place masking differs");
    return 0;
}
