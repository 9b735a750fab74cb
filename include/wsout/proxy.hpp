//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_PROXY_HPP
#define WSOUT_PROXY_HPP

#include <wsout/config.hpp>
#include <wsout/detail/config.hpp>
#include <wsout/url.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {

/** Choose the HTTP proxy, if any, through which to reach `server`.

    The rules, in order of precedence:

    @li `proxy_url` set in the config: that proxy is used for every
        connection, and the environment (including `no_proxy`) is ignored.
        It follows Benthos: `http://[user:pass@]host[:port]`, port 80 when
        omitted.
    @li Otherwise the environment, the way curl reads it:
        `https_proxy`, then `HTTPS_PROXY`, for a `wss://` server;
        `http_proxy` (lower case only, as curl, because `HTTP_PROXY` can be
        set by a CGI request's `Proxy:` header) for a `ws://` server. An
        empty variable counts as unset. The scheme may be omitted
        (`proxy.corp:3128`); as in curl the port defaults to 1080 when
        omitted. `all_proxy` is not used (it is usually a SOCKS proxy,
        which wsout does not speak).
    @li `no_proxy`, then `NO_PROXY` (environment proxies only): a comma or
        space separated list. `*` alone disables the proxy for every host.
        A name entry matches the host itself and its subdomains
        (`example.com` and `.example.com` both match `example.com` and
        `api.example.com`, not `badexample.com`), case-insensitively. An IP
        entry matches that address, and a CIDR entry (`10.0.0.0/8`,
        `fd00::/8`) the addresses in it; IPv6 entries may be bracketed.
        Ports in entries are not supported (as in curl).

    Only `http://` proxies are supported (HTTP `CONNECT` over plain TCP).

    @param cfg The config (`proxy_url`).
    @param server The server url (`ws://` or `wss://`).
    @param env The environment to read, e.g. `process_environment()`.
    @return The proxy to tunnel through, or `std::nullopt` to connect
    directly.
    @throws config_error for an unusable proxy url: `/proxy_url` as the
    pointer, naming the environment variable when it came from there. The
    message never contains the proxy's credentials.
*/
WSOUT_DECL std::optional<url>
select_proxy(config const& cfg, url const& server, env_lookup const& env = process_environment());

/** Whether `host` matches a `no_proxy` list, with curl's rules (see
    `select_proxy`).
*/
WSOUT_DECL bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/impl/proxy.ipp>
#endif

#endif
