//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_TCP_HPP
#define WSOUT_TRANSPORT_TCP_HPP

#include <wsout/config.hpp>
#include <wsout/error.hpp>
#include <wsout/log.hpp>
#include <wsout/url.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <optional>

namespace wsout {
inline namespace v1 {
namespace transport {

/** What a Transport policy is asked to connect to.

    Passed to `Transport::async_connect` on every connection attempt. The
    references stay valid until the connect completes.
*/
struct connect_request
{
    /// The server url (`ws://` or `wss://`).
    url const& server;
    /// The whole config (TLS settings, timeouts, ...).
    config const& settings;
    /// The HTTP proxy to tunnel through, if any (from `proxy_url` or the
    /// environment, already chosen by the output).
    std::optional<url> const& proxy;
    /// The output's log hook (may be empty).
    log_hook const& log;
};

/// What a transport's `write_locked` did (the fast path of blocking writes
/// for an engine that is not thread-safe; see the Transport concept).
enum class locked_write
{
    sent,     ///< all of it went to the socket
    declined, ///< nothing happened: the output takes the asynchronous path
    broken    ///< part of it may have gone out: the connection is unusable
};

/** What a transport's `write_locked` knows of one connection's socket
    between writes: room it measured and has not spent yet. Looking at a
    socket costs system calls, as many as the write itself.

    The output keeps one per connection and hands it to every
    `write_locked`. It zeroes it when the connection changes and before it
    writes to the socket by other means, since the room is then unknown;
    otherwise only the transport changes it.
*/
struct send_credit
{
    /// Bytes the socket surely takes, less those written since.
    std::size_t bytes = 0;
    /// The TCP segment size when `bytes` was measured (0: not measured).
    std::size_t segment = 0;
};

/** The step of establishing a connection that is in progress or failed.
    Reported in `last_failure()` so a person knows where it broke.
*/
enum class connect_step
{
    resolve,       ///< resolving the server's (or the proxy's) host name
    tcp_connect,   ///< the TCP connect
    proxy_connect, ///< the proxy's `CONNECT` tunnel
    tls_handshake, ///< the TLS handshake
    ws_handshake   ///< the WebSocket upgrade (HTTP request and response)
};

/// "resolve", "tcp connect", "proxy CONNECT", "TLS handshake", "WebSocket handshake".
inline constexpr char const* to_string(connect_step s) noexcept
{
    switch (s)
    {
    case connect_step::resolve: return "resolve";
    case connect_step::tcp_connect: return "tcp connect";
    case connect_step::proxy_connect: return "proxy CONNECT";
    case connect_step::tls_handshake: return "TLS handshake";
    case connect_step::ws_handshake: return "WebSocket handshake";
    }
    return "?";
}

/** Resolve, connect a TCP socket and, when `req.proxy` is set, open a tunnel
    with HTTP `CONNECT`. The building block of the built-in transports.

    Through a proxy, the proxy's host is resolved and connected to, then
    `CONNECT host:port HTTP/1.1` is sent (IPv6 hosts in brackets) with a
    `Host` field and, when the proxy url has userinfo, `Proxy-Authorization:
    Basic` from its percent-decoded user and password. A 2xx answer opens the
    tunnel; any other status completes with `make_proxy_status_error(status)`
    (tests equal to `condition::proxy_refused`, distinct from the server
    refusing the WebSocket handshake); an answer that is not HTTP, a header
    larger than 16 KiB, a proxy closing without an answer or sending bytes
    after its 2xx header complete with `error::bad_proxy_response`.

    Sets TCP_NODELAY on the connected socket as `req.settings.tcp.no_delay`
    says (on by default). `step`, when not null, is
    updated as the operation moves on, so a failure or a timeout can be
    attributed.

    @param stream A closed stream; on success it is connected (to the
    server, or through the proxy's tunnel).
    @param req The target.
    @param step Receives the step in progress; may be null.
    @param token Completion token; signature `void(error_code)`.
*/
template<class CompletionToken>
auto async_connect_tcp(boost::beast::tcp_stream& stream,
                       connect_request const& req,
                       connect_step* step,
                       CompletionToken&& token);

} // namespace transport
} // namespace v1
} // namespace wsout

#include <wsout/transport/impl/tcp.hpp>
#if WSOUT_HEADER_ONLY
#include <wsout/transport/impl/tcp.ipp>
#endif

#endif
