//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// The socket checks behind the wss:// direct write (detail/socket_now.hpp),
// against the real kernel: a record the check lets through must be taken
// whole by one non-blocking send, however full the socket is, because a TLS
// record cut short breaks the connection.

#include <wsout/detail/socket_now.hpp>

#include <catch2/catch.hpp>

#if defined(__linux__)

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <vector>

namespace {

/// A connected loopback TCP pair; the client side has TCP_NODELAY, as
/// wsout's connections do, and optionally a clamped segment size.
struct tcp_pair
{
    int client = -1;
    int server = -1;

    explicit tcp_pair(int segment_size)
    {
        int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(listener >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
        REQUIRE(::listen(listener, 1) == 0);
        socklen_t len = sizeof(addr);
        REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        client = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(client >= 0);
        int one = 1;
        REQUIRE(::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
        if (segment_size != 0)
            REQUIRE(::setsockopt(client, IPPROTO_TCP, TCP_MAXSEG, &segment_size, sizeof(segment_size)) == 0);
        REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
        server = ::accept(listener, nullptr, nullptr);
        ::close(listener);
        REQUIRE(server >= 0);
        REQUIRE(::fcntl(server, F_SETFL, ::fcntl(server, F_GETFL) | O_NONBLOCK) == 0);
    }
    tcp_pair(tcp_pair const&) = delete;
    tcp_pair& operator=(tcp_pair const&) = delete;
    ~tcp_pair()
    {
        ::close(client);
        ::close(server);
    }

    /// The server reads up to `limit` bytes of what has arrived.
    std::size_t drain(std::size_t limit)
    {
        static std::array<char, 65536> sink;
        std::size_t got = 0;
        while (got < limit)
        {
            auto n = ::recv(server, sink.data(), std::min(sink.size(), limit - got), 0);
            if (n <= 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        return got;
    }
};

} // namespace

TEST_CASE("socket_takes_whole: what it lets through is taken whole, even as the socket fills",
          "[socket][direct]")
{
    // Segment size 0: loopback's own (64 KiB). 536: records of up to 16 KiB
    // then span up to 31 segments, each charged to the send buffer.
    for (int segment_size : {0, 536})
    {
        INFO("TCP_MAXSEG clamp: " << segment_size);
        tcp_pair pair(segment_size);
        // Record sizes as write_locked asks about them (payload, TLS
        // overhead and its margin), up to one full record.
        static constexpr std::array<std::size_t, 6> sizes = {64 + 128,  1024 + 128, 16384 + 128,
                                                             700 + 128, 5000 + 128, 1 + 128};
        std::vector<char> bytes(sizes[2], 'x');
        std::size_t credit = 0, segment = 0;
        int sent = 0, declined = 0, on_credit = 0, short_sends = 0;
        std::size_t drained = 0;
        // Bounded: at most 40 000 attempts (about 100 MB offered), and the
        // server drains 256 KiB after each refusal, like a slow reader.
        for (int i = 0; i < 40000 && declined < 400; ++i)
        {
            std::size_t const n = sizes[static_cast<std::size_t>(i) % sizes.size()];
            bool const had_credit = segment != 0 && credit > n;
            if (!wsout::detail::socket_takes_whole(pair.client, n, credit, segment))
            {
                ++declined;
                drained += pair.drain(256 * 1024);
                continue;
            }
            if (had_credit)
                ++on_credit;
            wsout::error_code ec;
            std::size_t w =
                wsout::detail::socket_write_now(pair.client, boost::asio::buffer(bytes.data(), n), ec);
            if (w != n)
            {
                ++short_sends;
                UNSCOPED_INFO("attempt " << i << ": " << n << " bytes offered, " << w << " taken ("
                                         << ec.message() << ")");
                break;
            }
            ++sent;
        }
        INFO(sent << " sent (" << on_credit << " on credit), " << declined << " declined, " << drained
                  << " bytes drained");
        CHECK(short_sends == 0);
        CHECK(declined > 0);         // the socket did fill
        CHECK(on_credit > sent / 2); // and most writes made no check of their own
    }
}

#else

TEST_CASE("socket_takes_whole: Linux only", "[socket][direct]")
{
    SUCCEED("the send credit is computed on Linux only");
}

#endif
