//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_PLAIN_HPP
#define WSOUT_TRANSPORT_PLAIN_HPP

#include <wsout/config.hpp>
#include <wsout/detail/socket_now.hpp>
#include <wsout/transport/tcp.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace wsout {
inline namespace v1 {
namespace transport {

/** The Transport policy for `ws://` urls: plain TCP, optionally through an
    HTTP proxy.

    @par The Transport policy concept
    A Transport policy is a move-constructible class `T` with:
    @li `using stream_type = ...`: an AsyncStream (`async_read_some`,
        `async_write_some`) whose lowest layer can be closed.
    @li `stream_type make_stream(boost::asio::any_io_executor const& ex)`:
        a new unconnected stream; called once per connection attempt (a
        stream is never reused after a failure).
    @li `template<class Handler> void async_connect(stream_type&, connect_request const&, connect_step* step, Handler&&)`:
        brings the stream to the point where the WebSocket handshake can be
        written; `Handler` is `void(error_code)`; update `*step` as it goes.
    @li `template<class Handler> void async_shutdown(stream_type&, Handler&&)`:
        after the WebSocket close handshake (e.g. TLS close_notify);
        `void(error_code)`.
    @li `void abort(stream_type&) noexcept`: closes the connection at once,
        making every pending operation complete; used for timeouts.

    Needed only when the output builds the policy itself (the constructors
    taking just an executor and a config, and `make_output`):
    @li `explicit T(wsout::config const&)`: validates the settings it uses
        and prepares shared state (e.g. the TLS context); throws
        `config_error`.
    A policy built by the caller (for example one holding an
    already-connected socket) is passed to the
    `(executor, config, transport, auth)` constructor and needs no such
    constructor.

    Optional:
    @li `static constexpr char const* scheme`: the url scheme it serves
        (`"ws"`, `"wss"`); a mismatch with the config's url is a
        `config_error` at construction. Absent or `nullptr`: any scheme.
    @li `static constexpr bool gather_writes`: whether a sequence of many
        buffers is written efficiently (true for a socket, false for TLS,
        which makes one record per buffer). Absent: false.
    @li The fast path of blocking writes: `std::size_t
        write_now(stream_type&, boost::asio::const_buffer, error_code&)
        noexcept` writes what the connection takes at once without
        blocking (`would_block` when nothing fits), and `void
        wait_writable(stream_type&, std::chrono::milliseconds, error_code&)
        noexcept` waits for room (`timed_out` when the time ran out). Both
        are called from the thread that calls `write`, while the strand may
        have an `async_read_some` pending on the same stream, but never
        concurrently with another write or with `abort`.
    @li The fast path for a stream that is not thread-safe (TLS: one SSL
        object cannot read and write from two threads):
        `locked_write write_locked(stream_type&, boost::asio::const_buffer,
        send_credit&, error_code&) noexcept`. The output then runs its
        strand, and so every operation of the stream, under a lock that the
        writing thread takes around this call: nothing else touches the
        stream meanwhile. It sends all of the bytes at once, never waiting
        for room, or declines without touching the stream; `broken` means
        part of it may have gone out and the connection is lost. The
        `send_credit` is the connection's, for the transport to remember
        what it learned of the socket between calls.
    Without either, a blocking write takes the asynchronous path.

    A missing or mistyped member is reported by a `static_assert` naming it
    (`<wsout/detail/policy_checks.hpp>`).

    All calls are made on the output's strand, one operation of each kind at
    a time.

    @par Thread Safety
    `plain` has no state: distinct and shared objects are safe.
*/
class plain
{
public:
    /// Serves `ws://` urls only.
    static constexpr char const* scheme = "ws";
    /// A socket writes a sequence of buffers in one system call.
    static constexpr bool gather_writes = true;

    /// A TCP socket (Beast's `tcp_stream`).
    using stream_type = boost::beast::tcp_stream;

    /// A policy with nothing to configure.
    plain() = default;

    /// Nothing in the config concerns plain TCP (the proxy is chosen by the output).
    explicit plain(config const&) {}

    /// A new, unconnected TCP stream on `ex`.
    stream_type make_stream(boost::asio::any_io_executor const& ex) const { return stream_type(ex); }

    /** Resolve and connect, through the proxy's `CONNECT` tunnel when
        `req.proxy` is set (see `async_connect_tcp`).

        @param stream A stream from `make_stream`.
        @param req The server, the config and the proxy; valid until completion.
        @param step Receives the step in progress (`resolve`,
        `tcp_connect`, `proxy_connect`).
        @param handler Called with the outcome: `void(error_code)`.
    */
    template<class Handler>
    void async_connect(stream_type& stream, connect_request const& req, connect_step* step, Handler&& handler)
    {
        async_connect_tcp(stream, req, step, std::forward<Handler>(handler));
    }

    /** Half-close the socket (a FIN) after the WebSocket close handshake.

        Completes at once with success (as if by post); the output then
        closes the socket with `abort`.

        @param handler Called with the outcome: `void(error_code)`.
    */
    template<class Handler>
    void async_shutdown(stream_type& stream, Handler&& handler)
    {
        // The WebSocket close handshake already told the server we are done;
        // a FIN completes it (RFC 6455 7.1.1: the server closes TCP first,
        // but we do not wait for that beyond the close timeout).
        error_code ec;
        stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
        boost::asio::post(stream.get_executor(),
                          [h = std::forward<Handler>(handler)]() mutable { h(error_code{}); });
    }

    /// Close the socket at once; pending operations complete with `operation_aborted`.
    void abort(stream_type& stream) noexcept { stream.close(); }

#if WSOUT_HAS_SOCKET_NOW
    /** Write what the socket takes at once, never blocking (the fast path
        of blocking writes; see the concept above).

        @return The number of bytes written; `ec` is `would_block` when
        nothing fitted, or the socket's error.
    */
    std::size_t write_now(stream_type& stream, boost::asio::const_buffer bytes, error_code& ec) noexcept
    {
        return wsout::detail::socket_write_now(stream.socket().native_handle(), bytes, ec);
    }

    /// Wait up to `limit` for room in the socket's send buffer; `ec` is `timed_out` when none came.
    void wait_writable(stream_type& stream, std::chrono::milliseconds limit, error_code& ec) noexcept
    {
        wsout::detail::socket_wait_writable(stream.socket().native_handle(), limit, ec);
    }
#endif
};

} // namespace transport
} // namespace v1
} // namespace wsout

#endif
