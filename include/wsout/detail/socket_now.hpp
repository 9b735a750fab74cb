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

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

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

#if defined(__linux__)

/// What the kernel may charge a socket's send buffer for one more queued
/// segment besides its payload: its `sk_buff` and head (about 1.3 KiB on
/// x86-64). Generous on purpose; see socket_takes_whole.
inline constexpr std::size_t socket_segment_charge = 2048;

/// `net.ipv4.tcp_notsent_lowat`, read once: the limit of unsent bytes for
/// sockets that do not set their own. 128 KiB if it cannot be read.
inline std::size_t system_notsent_lowat() noexcept
{
    static std::size_t const value = [] {
        unsigned long long v = 128ULL * 1024;
        if (std::FILE* f = std::fopen("/proc/sys/net/ipv4/tcp_notsent_lowat", "r"))
        {
            char text[32] = {};
            if (std::fgets(text, sizeof(text), f) != nullptr)
            {
                char* end = nullptr;
                errno = 0;
                unsigned long long const read = std::strtoull(text, &end, 10);
                if (errno == 0 && end != text && read != 0)
                    v = read;
            }
            std::fclose(f);
        }
        return static_cast<std::size_t>(std::min<unsigned long long>(v, SIZE_MAX));
    }();
    return value;
}

#endif

/** Whether the socket would take `bytes` whole in one non-blocking send,
    now; a send cut short would break a TLS stream.

    A fresh look at the socket costs system calls: `TCP_MAXSEG` and `poll`
    (and on Linux `SO_SNDBUF` and `TCP_NOTSENT_LOWAT`). It says yes when
    @li the bytes fit one TCP segment and `poll` reports room: then Linux
        accepts at least one new segment's worth (tcp_sendmsg). On loopback
        a segment is 64 KiB, on most networks about 1.4 KB;
    @li or, on Linux, the bytes fit the room that `poll` proves. Writable
        means at most two thirds of the send buffer are queued, and, with a
        `TCP_NOTSENT_LOWAT`, fewer than half of that many bytes are unsent.

    The room left after this write is kept in `credit` (its segment size
    in `segment`), and later writes spend it without a look at the socket
    (one system call per write, as a Beast sync write makes): the queue
    only shrinks while nobody writes. Each write is charged its bytes and
    `socket_segment_charge` for every segment it may add. The caller zeroes
    the credit whenever anything else writes to the socket.

    Under system-wide TCP memory pressure (or if the path's segment size
    shrinks between looks) the kernel may still take less: callers must
    survive a short send.
*/
inline bool socket_takes_whole(int fd, std::size_t bytes, std::size_t& credit, std::size_t& segment) noexcept
{
#if defined(__linux__)
    auto const charge = [bytes](std::size_t segment_size) {
        return bytes + socket_segment_charge * (2 + bytes / segment_size);
    };
    if (segment != 0)
    {
        std::size_t const cost = charge(segment);
        if (credit >= cost)
        {
            credit -= cost;
            return true;
        }
    }
#endif
    credit = 0;
    segment = 0;
    int segment_size = 0;
    socklen_t len = sizeof(segment_size);
    if (::getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &segment_size, &len) != 0 || segment_size <= 0)
        return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 0) != 1 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 ||
        (p.revents & POLLOUT) == 0)
        return false;
    bool const fits_segment = bytes <= static_cast<std::size_t>(segment_size);
#if defined(__linux__)
    int send_buffer = 0;
    len = sizeof(send_buffer);
    unsigned int own_lowat = 0;
    socklen_t lowat_len = sizeof(own_lowat);
    if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, &len) != 0 || send_buffer <= 0 ||
        ::getsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &own_lowat, &lowat_len) != 0)
        return fits_segment;
    std::size_t const lowat = own_lowat != 0 ? own_lowat : system_notsent_lowat();
    // Strictly below the limits: the kernel refuses a new segment at them.
    std::size_t room = std::min(static_cast<std::size_t>(send_buffer) / 3, lowat / 2);
    room = room > 0 ? room - 1 : 0;
    segment = static_cast<std::size_t>(segment_size);
    if (room >= charge(segment))
    {
        credit = room - charge(segment);
        return true;
    }
#endif
    return fits_segment;
}

#endif

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
