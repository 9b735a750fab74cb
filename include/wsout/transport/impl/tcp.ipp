//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_IMPL_TCP_IPP
#define WSOUT_TRANSPORT_IMPL_TCP_IPP

#include <wsout/version.hpp>

#include <string>

namespace wsout {
inline namespace v1 {
namespace transport {
namespace detail {

// RFC 4648 base64, for Proxy-Authorization.
WSOUT_DECL std::string proxy_base64(std::string_view in)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3)
    {
        unsigned const v = (unsigned(static_cast<unsigned char>(in[i])) << 16) |
                           (unsigned(static_cast<unsigned char>(in[i + 1])) << 8) |
                           unsigned(static_cast<unsigned char>(in[i + 2]));
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (std::size_t const rest = in.size() - i; rest != 0)
    {
        unsigned v = unsigned(static_cast<unsigned char>(in[i])) << 16;
        if (rest == 2)
            v |= unsigned(static_cast<unsigned char>(in[i + 1])) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// The CONNECT request for `server` through `proxy` (RFC 9110 9.3.6).
WSOUT_DECL std::string proxy_connect_request(url const& server, url const& proxy)
{
    std::string const authority = server.authority();
    std::string r;
    r.reserve(256);
    r += "CONNECT ";
    r += authority;
    r += " HTTP/1.1\r\nHost: ";
    r += authority;
    r += "\r\nUser-Agent: wsout/" WSOUT_VERSION_STRING "\r\n";
    if (!proxy.username.empty() || !proxy.password.empty())
    {
        r += "Proxy-Authorization: Basic ";
        r += proxy_base64(proxy.username + ':' + proxy.password);
        r += "\r\n";
    }
    r += "\r\n";
    return r;
}

} // namespace detail
} // namespace transport
} // namespace v1
} // namespace wsout

#endif
