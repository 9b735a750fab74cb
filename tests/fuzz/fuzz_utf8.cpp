// Fuzz target: wsout::detail::utf8_validator (inbound text messages and
// close reasons) against a straightforward reference decoder (RFC 3629:
// shortest form only, no surrogates, nothing above U+10FFFF), fed in one
// piece and in random chunks.
//
// Input: [chunk seed:4] then the text.

#include <wsout/detail/frame.hpp>

#include "fuzz_common.hpp"

#include <memory>

namespace {

/// Returns 1 valid and complete, 0 invalid, 2 valid so far but truncated.
int reference(unsigned char const* p, std::size_t n)
{
    std::size_t i = 0;
    while (i < n)
    {
        unsigned c = p[i];
        std::size_t len;
        std::uint32_t cp;
        if (c < 0x80)
        {
            ++i;
            continue;
        }
        else if ((c & 0xE0) == 0xC0)
            len = 2, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            len = 3, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            len = 4, cp = c & 0x07;
        else
            return 0;
        std::size_t k = 1;
        for (; k < len && i + k < n; ++k)
        {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (k < len)
        {
            // Truncated: valid so far only if some completion is valid.
            // Check the prefix against the tightest constraints of the lead byte.
            if (len == 2 && c < 0xC2)
                return 0;
            if (len == 3 && k >= 2)
            {
                unsigned c1 = p[i + 1];
                if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F))
                    return 0;
            }
            if (len == 4)
            {
                if (c > 0xF4)
                    return 0;
                if (k >= 2)
                {
                    unsigned c1 = p[i + 1];
                    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
                        return 0;
                }
            }
            return 2;
        }
        static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    wsout_fuzz::input in(data, size);
    wsout_fuzz::rng chunker(in.u32());
    std::size_t n = in.size();
    std::unique_ptr<unsigned char[]> text(new unsigned char[n ? n : 1]);
    std::memcpy(text.get(), in.data(), n);

    wsout::detail::utf8_validator whole;
    bool ok = whole.feed(text.get(), n);
    int ref = reference(text.get(), n);
    WSOUT_FUZZ_CHECK(ok == (ref != 0), "validator disagrees with the reference");
    if (ok)
        WSOUT_FUZZ_CHECK(whole.complete() == (ref == 1), "complete() disagrees with the reference");

    wsout::detail::utf8_validator parts;
    bool pok = true;
    std::size_t pos = 0;
    while (pos < n && pok)
    {
        std::size_t c = chunker.chunk(n - pos);
        std::unique_ptr<unsigned char[]> piece(new unsigned char[c]);
        std::memcpy(piece.get(), text.get() + pos, c);
        pok = parts.feed(piece.get(), c);
        pos += c;
    }
    WSOUT_FUZZ_CHECK(pok == ok, "chunked validation differs");
    if (ok)
        WSOUT_FUZZ_CHECK(parts.complete() == whole.complete(), "chunked complete() differs");
    return 0;
}
