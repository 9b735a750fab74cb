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
    A Transport policy is a class `T` with:
    @li `static constexpr char const* scheme`: the url scheme it serves
        (`"ws"`, `"wss"`), or `nullptr` for any. A mismatch with the
        config's url is a `config_error` at construction.
    @li `T(wsout::config const&)`: validates the settings it uses and
        prepares shared state (e.g. the TLS context); throws `config_error`.
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
    @li `static constexpr bool gather_writes`: whether a sequence of many
        buffers is written efficiently (true for a socket, false for TLS,
        which makes one record per buffer); when false the output copies
        frames into one contiguous buffer.
    @li Optional, the fast path of blocking writes: `std::size_t
        write_now(stream_type&, boost::asio::const_buffer, error_code&)
        noexcept` writes what the connection takes at once without
        blocking (`would_block` when nothing fits), and `void
        wait_writable(stream_type&, std::chrono::milliseconds, error_code&)
        noexcept` waits for room (`timed_out` when the time ran out). Both
        are called from the thread that calls `write`, while the strand may
        have an `async_read_some` pending on the same stream, but never
        concurrently with another write or with `abort`. Without them a
        blocking write takes the asynchronous path, as TLS does (one SSL
        object cannot read and write from two threads).

    All calls are made on the output's strand, one operation of each kind at
    a time.
*/
class plain
{
public:
    static constexpr char const* scheme = "ws";
    static constexpr bool gather_writes = true;

    using stream_type = boost::beast::tcp_stream;

    plain() = default;
    explicit plain(config const&) {}

    stream_type make_stream(boost::asio::any_io_executor const& ex) const { return stream_type(ex); }

    template<class Handler>
    void async_connect(stream_type& stream, connect_request const& req, connect_step* step, Handler&& handler)
    {
        async_connect_tcp(stream, req, step, std::forward<Handler>(handler));
    }

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

    void abort(stream_type& stream) noexcept { stream.close(); }

#if WSOUT_HAS_SOCKET_NOW
    std::size_t write_now(stream_type& stream, boost::asio::const_buffer bytes, error_code& ec) noexcept
    {
        return wsout::detail::socket_write_now(stream.socket().native_handle(), bytes, ec);
    }

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
