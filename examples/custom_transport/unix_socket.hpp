//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_EXAMPLE_UNIX_SOCKET_HPP
#define WSOUT_EXAMPLE_UNIX_SOCKET_HPP

// A user-written wsout Transport policy: WebSocket over a Unix domain
// socket (as Docker's API, a local Benthos or a sidecar proxy offer).
// Nothing in wsout knows about it; the output only needs the members of
// the Transport concept documented in <wsout/transport/plain.hpp>, and
// checks them with static_asserts that say what is missing.

#include <wsout/config.hpp>
#include <wsout/error.hpp>
#include <wsout/transport/tcp.hpp> // connect_request, connect_step

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>

#include <cstdlib>
#include <string>
#include <utility>

namespace example {

class unix_socket
{
public:
    /// Any scheme: the url still gives the Host header and the request path
    /// (e.g. ws://localhost/post/ws); the bytes go to the socket file.
    static constexpr char const* scheme = nullptr;
    /// A socket writes many buffers in one system call.
    static constexpr bool gather_writes = true;

    using stream_type =
        boost::asio::basic_stream_socket<boost::asio::local::stream_protocol, boost::asio::any_io_executor>;

    /// Connect to the socket file at `path`.
    explicit unix_socket(std::string path)
        : path_(std::move(path))
    {}

    /** The concept's constructor from a config: the config has no field for
        a socket path, so it comes from `WSOUT_UNIX_SOCKET`.

        @throws wsout::config_error when the variable is unset.
    */
    explicit unix_socket(wsout::config const&)
    {
        char const* p = std::getenv("WSOUT_UNIX_SOCKET");
        if (!p || !*p)
            throw wsout::config_error("/url",
                                      "the unix_socket transport needs a socket path: set WSOUT_UNIX_SOCKET "
                                      "or construct it with unix_socket(path)");
        path_ = p;
    }

    std::string const& path() const noexcept { return path_; }

    /// A fresh socket for each connection attempt.
    stream_type make_stream(boost::asio::any_io_executor const& ex) const { return stream_type(ex); }

    /// Connect; there is nothing to resolve and no proxy or TLS step.
    template<class Handler>
    void async_connect(stream_type& stream,
                       wsout::transport::connect_request const&,
                       wsout::transport::connect_step* step,
                       Handler&& handler)
    {
        *step =
            wsout::transport::connect_step::tcp_connect; // "connect", as far as last_failure() is concerned
        stream.async_connect(boost::asio::local::stream_protocol::endpoint(path_),
                             std::forward<Handler>(handler));
    }

    /// After the close handshake: half-close, as plain TCP does.
    template<class Handler>
    void async_shutdown(stream_type& stream, Handler&& handler)
    {
        wsout::error_code ec;
        stream.shutdown(stream_type::shutdown_send, ec);
        boost::asio::post(stream.get_executor(),
                          [h = std::forward<Handler>(handler)]() mutable { h(wsout::error_code{}); });
    }

    /// Timeouts and destruction: close at once, pending operations complete.
    void abort(stream_type& stream) noexcept
    {
        wsout::error_code ec;
        stream.close(ec);
    }

private:
    std::string path_;
};

} // namespace example

#endif
