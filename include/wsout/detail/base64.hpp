//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_BASE64_HPP
#define WSOUT_DETAIL_BASE64_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {
namespace detail {
namespace codec {

// Base64 (RFC 4648 section 4) and base64url (section 5).
//
// The url alphabet is written without padding, as JOSE (RFC 7515 section 2)
// requires; the standard alphabet is written with padding, as HTTP basic
// authentication (RFC 7617) and OAuth signatures require.

inline constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

inline std::string base64_encode_with(std::string_view in, char const* alphabet, bool pad)
{
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    auto const* p = reinterpret_cast<unsigned char const*>(in.data());
    std::size_t n = in.size();
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3)
    {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8) | p[i + 2];
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        out.push_back(alphabet[v & 63]);
    }
    std::size_t rest = n - i;
    if (rest == 1)
    {
        std::uint32_t v = std::uint32_t(p[i]) << 16;
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        if (pad)
            out.append("==");
    }
    else if (rest == 2)
    {
        std::uint32_t v = (std::uint32_t(p[i]) << 16) | (std::uint32_t(p[i + 1]) << 8);
        out.push_back(alphabet[(v >> 18) & 63]);
        out.push_back(alphabet[(v >> 12) & 63]);
        out.push_back(alphabet[(v >> 6) & 63]);
        if (pad)
            out.push_back('=');
    }
    return out;
}

/// Standard alphabet, padded.
inline std::string base64_encode(std::string_view in)
{
    return base64_encode_with(in, base64_alphabet, true);
}

/// URL-safe alphabet, no padding (JOSE).
inline std::string base64url_encode(std::string_view in)
{
    return base64_encode_with(in, base64url_alphabet, false);
}

// Strict decoding: characters outside the alphabet, bad padding and
// non-zero trailing bits are errors (nullopt).
inline std::optional<std::string> base64_decode_with(std::string_view in, char const* alphabet, bool padded)
{
    auto value = [alphabet](char c) -> int {
        for (int k = 0; k < 64; ++k)
            if (alphabet[k] == c)
                return k;
        return -1;
    };
    if (padded)
    {
        if (in.size() % 4 != 0)
            return std::nullopt;
        std::size_t pads = 0;
        while (pads < 2 && pads < in.size() && in[in.size() - 1 - pads] == '=')
            ++pads;
        in.remove_suffix(pads);
    }
    if (in.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    out.reserve(in.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in)
    {
        int v = value(c);
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8)
        {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

inline std::optional<std::string> base64_decode(std::string_view in)
{
    return base64_decode_with(in, base64_alphabet, true);
}

inline std::optional<std::string> base64url_decode(std::string_view in)
{
    return base64_decode_with(in, base64url_alphabet, false);
}

} // namespace codec
} // namespace detail
} // namespace v1
} // namespace wsout

#endif
