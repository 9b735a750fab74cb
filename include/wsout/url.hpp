//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_URL_HPP
#define WSOUT_URL_HPP

#include <wsout/detail/config.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {

/** A parsed absolute URL of the kinds wsout uses: the server's `ws://` or
    `wss://` url, `oauth.request_url` and `proxy_url`.
*/
struct url
{
    /// Lower-cased scheme: `ws`, `wss`, `http` or `https`.
    std::string scheme;
    /// Percent-decoded user of the userinfo (`proxy_url` credentials); secret.
    std::string username;
    /// Percent-decoded password of the userinfo; secret.
    std::string password;
    /// The host as written, lower-cased, without brackets for IPv6 literals.
    std::string host;
    /// The port: explicit, or the scheme's default (80 or 443).
    std::uint16_t port = 0;
    /// Whether the port was written explicitly in the url.
    bool explicit_port = false;
    /// The path (always starting with `/`), without query or fragment.
    std::string path = "/";
    /// The raw query without the leading `?`; empty when absent.
    std::string query;
    /// Whether the url had a `?` (an empty query `?` is kept distinct).
    bool has_query = false;

    /// Whether `host` is an IPv6 literal (needs brackets in a Host header).
    bool host_is_ipv6() const noexcept;
    /// Whether `host` is an IPv4 or IPv6 literal (no SNI for those).
    bool host_is_ip_literal() const noexcept;
    /// Whether the port is the scheme's default.
    bool default_port() const noexcept;
    /// Whether the scheme is `wss` or `https`.
    bool secure() const noexcept;
    /// The request target: path plus `?query` when present.
    std::string target() const;
    /// The `Host` header value: `host`, `[v6]`, with `:port` unless default.
    std::string host_header() const;
    /// `host:port` (IPv6 in brackets) as used by `CONNECT`.
    std::string authority() const;
};

/** Parse an absolute url.

    The scheme and host are lower-cased; a missing port is the scheme's
    default (80 for `ws`/`http`, 443 for `wss`/`https`); an empty path is
    `/`. IPv6 literals must be in brackets (`ws://[::1]:9000/x`; zone ids
    are rejected). A userinfo (`user:pass@`) is percent-decoded into
    `username`/`password`; whether it is allowed is the caller's decision
    (the config layer rejects it in `url` and accepts it in `proxy_url`).
    Fragments (`#...`) are rejected, as RFC 6455 forbids them in WebSocket
    URIs. Control characters, spaces and non-ASCII bytes are rejected
    (percent-encode them); every `%` must start a valid escape. Error
    messages never contain the userinfo.

    @param text The url.
    @param allowed_schemes Comma-separated list, e.g. `"ws,wss"`.
    @throws config_error with an empty pointer and a message naming the
    problem (the config layer prefixes the field's pointer).
*/
WSOUT_DECL url parse_url(std::string_view text, std::string_view allowed_schemes);

} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/impl/url.ipp>
#endif

#endif
