//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Issue 6: no heap allocation per message in steady state. This executable
// replaces the global operator new with one that counts, per thread, and
// runs the client on the test's own thread, so what is counted is wsout's
// (and Asio's) work for the client, not the in-process server's.

#if defined(__GNUC__) && !defined(__clang__)
// g++ 12 with optimisation inlines the replacement operator delete below
// into Asio's code and then reports its std::free as mismatched with the
// (replaced, malloc-based) operator new it pairs with: a false positive of
// -Wmismatched-new-delete, seen in the TSan build.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <wsout/websocket_output.hpp>

#include "support/catch.hpp"
#include "support/test_server.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <new>
#include <string>

namespace {
thread_local std::size_t allocations = 0;

void* counted_alloc(std::size_t n)
{
    ++allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n))
        return p;
    throw std::bad_alloc();
}

void* counted_aligned_alloc(std::size_t n, std::align_val_t a)
{
    ++allocations;
    auto align = static_cast<std::size_t>(a);
    if (void* p = std::aligned_alloc(align, (n + align - 1) / align * align))
        return p;
    throw std::bad_alloc();
}
} // namespace

void* operator new(std::size_t n)
{
    return counted_alloc(n);
}
void* operator new[](std::size_t n)
{
    return counted_alloc(n);
}
void* operator new(std::size_t n, std::nothrow_t const&) noexcept
{
    ++allocations;
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, std::nothrow_t const&) noexcept
{
    ++allocations;
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new(std::size_t n, std::align_val_t a)
{
    return counted_aligned_alloc(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a)
{
    return counted_aligned_alloc(n, a);
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete[](void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept
{
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept
{
    std::free(p);
}

using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

wsout::config config_for(std::string const& url)
{
    wsout::config cfg;
    cfg.url = url;
    cfg.timeouts.connect = 5s;
    cfg.timeouts.handshake = 2s;
    cfg.timeouts.close = 3s;
    return cfg;
}

/// Keeps `window` async writes in flight from completion handlers, on the
/// thread that runs the io_context (like bench/wsout_client.cpp), and
/// counts this thread's allocations between `measure_from` and `measure_to`.
struct pipeline
{
    wsout::plain_output& out;
    std::string const& message;
    std::size_t total, window, measure_from, measure_to;
    std::size_t started = 0, completed = 0, failed = 0;
    std::size_t at_from = 0, at_to = 0;
    std::uint64_t writes_from = 0, writes_to = 0;

    void start_one()
    {
        ++started;
        out.async_write(net::buffer(message), [this](wsout::error_code ec) {
            ++completed;
            failed += ec ? 1 : 0;
            if (completed == measure_from)
            {
                at_from = allocations;
                writes_from = out.stats().socket_writes;
            }
            if (completed == measure_to)
            {
                at_to = allocations;
                writes_to = out.stats().socket_writes;
            }
            if (started < total)
                start_one();
        });
    }

    void run()
    {
        for (std::size_t i = 0; i < window && started < total; ++i)
            start_one();
    }
};

} // namespace

TEST_CASE("pipelined async writes allocate nothing per message in steady state", "[alloc]")
{
    wsout_test::ws_server_options opts;
    opts.keep_messages = false;
    wsout_test::ws_server server(opts);
    net::io_context ioc;
    wsout::plain_output out(ioc, config_for(server.url()));
    out.connect();
    std::string const message(64, 'x');
    constexpr std::size_t total = 60000;
    pipeline p{out, message, total, 256, 20000, 60000};
    p.run();
    for (int i = 0; i < 600 && p.completed < total; ++i) // at most 60 s
        ioc.run_for(100ms);
    REQUIRE(p.completed == total);
    CHECK(p.failed == 0);
    auto const used = p.at_to - p.at_from;
    auto const writes = p.writes_to - p.writes_from;
    // None per message. What remains comes with each socket write (each
    // carries hundreds of messages): Boost 1.74's Asio allocates when it
    // queries a type-erased executor's properties, Beast's tcp_stream when
    // it starts an operation, about 20 per write.
    WARN("pipelined async_write: " << used << " allocations for 40000 messages in " << writes
                                   << " socket writes");
    CHECK(used <= 32 * writes);
    CHECK(used * 10 <= 40000);
    // The in-process server reads one message at a time: on a busy machine
    // it may still be tens of thousands behind the kernel.
    REQUIRE(server.wait_for_messages(total, 60s));
    out.close();
}

TEST_CASE("blocking writes on an idle output allocate nothing per message", "[alloc]")
{
    wsout_test::ws_server_options opts;
    opts.keep_messages = false;
    wsout_test::ws_server server(opts);
    net::io_context ioc;
    wsout::plain_output out(ioc, config_for(server.url()));
    out.connect();
    std::string const message(64, 'x');
    for (int i = 0; i < 2000; ++i)
        out.write(message);
    auto const before = allocations;
    for (int i = 0; i < 20000; ++i)
        out.write(message);
    auto const used = allocations - before;
    WARN("blocking write: " << used << " allocations per 20000 messages");
    CHECK(used <= 20000 / 100);
    REQUIRE(server.wait_for_messages(22000, 60s));
    out.close();
}
