//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_PERCENT_ENCODING_HPP
#define WSOUT_DETAIL_PERCENT_ENCODING_HPP

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {
namespace codec {

// RFC 3986 section 2.3 unreserved characters: ALPHA DIGIT - . _ ~
inline constexpr bool is_unreserved(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// Percent-encodes every octet outside the unreserved set with upper-case
// hex (RFC 3986 section 2.1), as RFC 5849 section 3.6 requires. The input
// is taken as octets (UTF-8 for text).
inline std::string percent_encode(std::string_view in)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size() * 3);
    for (char c : in)
    {
        if (is_unreserved(c))
        {
            out.push_back(c);
            continue;
        }
        auto u = static_cast<unsigned char>(c);
        out.push_back('%');
        out.push_back(hex[u >> 4]);
        out.push_back(hex[u & 15]);
    }
    return out;
}

inline constexpr int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes %XX sequences; with plus_is_space, '+' becomes a space
// (application/x-www-form-urlencoded). A '%' not followed by two hex
// digits is kept as it is, as browsers and Python's urllib do.
inline std::string percent_decode(std::string_view in, bool plus_is_space = false)
{
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i)
    {
        char c = in[i];
        if (c == '%' && i + 2 < in.size())
        {
            int hi = hex_value(in[i + 1]);
            int lo = hex_value(in[i + 2]);
            if (hi >= 0 && lo >= 0)
            {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        if (c == '+' && plus_is_space)
            c = ' ';
        out.push_back(c);
    }
    return out;
}

using name_value_list = std::vector<std::pair<std::string, std::string>>;

// Parses an application/x-www-form-urlencoded string (a url's query) into
// decoded name/value pairs, in order (W3C HTML 4.01 section 17.13.4, as
// RFC 5849 section 3.4.1.3.1 requires): pairs are separated by '&' only,
// empty pairs are skipped, a pair without '=' has an empty value, '+' is a
// space. This matches Python's parse_qsl(keep_blank_values=True), which
// OAuth verifiers such as oauthlib use.
inline name_value_list form_decode(std::string_view in)
{
    name_value_list out;
    std::size_t pos = 0;
    while (pos <= in.size())
    {
        std::size_t amp = in.find('&', pos);
        if (amp == std::string_view::npos)
            amp = in.size();
        std::string_view pair = in.substr(pos, amp - pos);
        if (!pair.empty())
        {
            std::size_t eq = pair.find('=');
            if (eq == std::string_view::npos)
                out.emplace_back(percent_decode(pair, true), std::string());
            else
                out.emplace_back(percent_decode(pair.substr(0, eq), true),
                                 percent_decode(pair.substr(eq + 1), true));
        }
        pos = amp + 1;
    }
    return out;
}

} // namespace codec
} // namespace detail
} // namespace v1
} // namespace wsout

#endif
