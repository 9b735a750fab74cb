//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_SOCKET_NOW_HPP
#define WSOUT_DETAIL_SOCKET_NOW_HPP

// Non-blocking writes on a connected socket from the calling thread: the
// fast path of a blocking write (see output_impl::write_direct). POSIX only;
// elsewhere transports simply do not offer the fast path.

#include <wsout/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include <chrono>
#include <cstddef>

#if defined(__unix__) || defined(__APPLE__)
#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#define WSOUT_HAS_SOCKET_NOW 1
#else
#define WSOUT_HAS_SOCKET_NOW 0
#endif

namespace wsout {
inline namespace v1 {
namespace detail {

#if WSOUT_HAS_SOCKET_NOW

/// Writes what the socket takes now. Returns the bytes written; `ec` is
/// `would_block` when the socket buffer is full, or the failure.
inline std::size_t socket_write_now(int fd, boost::asio::const_buffer bytes, error_code& ec) noexcept
{
    ec = {};
    int flags = MSG_DONTWAIT;
#ifdef MSG_NOSIGNAL
    flags |= MSG_NOSIGNAL; // a closed peer is an error, not SIGPIPE
#endif
    for (;;)
    {
        auto n = ::send(fd, bytes.data(), bytes.size(), flags);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            ec = boost::asio::error::would_block;
        else
            ec = error_code(errno, boost::system::system_category());
        return 0;
    }
}

/// Waits until the socket can take more bytes, at most `limit`. `ec` is
/// `timed_out` when the time ran out, or the failure.
inline void socket_wait_writable(int fd, std::chrono::milliseconds limit, error_code& ec) noexcept
{
    ec = {};
    pollfd p{};
    p.fd = fd;
    p.events = POLLOUT;
    int r = ::poll(&p, 1, static_cast<int>(limit.count()));
    if (r == 0)
        ec = boost::asio::error::timed_out;
    else if (r < 0 && errno != EINTR)
        ec = error_code(errno, boost::system::system_category());
    // POLLERR/POLLHUP: the next send reports the error itself.
}

/** Whether the socket would take `bytes` whole in one non-blocking send,
    now: they fit one TCP segment (`TCP_MAXSEG`) and `poll` reports room.
    Linux then accepts at least one new segment's worth (tcp_sendmsg), so
    such a send cannot be cut short; a larger one could be cut where the
    send buffer ends (a small window on a real network). On loopback a
    segment is 64 KiB. Under system-wide TCP memory pressure the kernel may
    still take less: callers must survive a short send.
*/
inline bool socket_takes_whole(int fd, std::size_t bytes) noexcept
{
    int segment = 0;
    socklen_t segment_len = sizeof(segment);
    if (::getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &segment, &segment_len) != 0 ||
        bytes > static_cast<std::size_t>(segment))
        return false;
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0 &&
           (p.revents & POLLOUT) != 0;
}

#endif

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
