//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// wsout-bench-client: wsout's output in each way a caller can drive it.
//   --mode sync     out.write(msg) in a loop (one message at a time, blocking)
//   --mode async    out.async_write(msg, handler), --window N kept outstanding
//   --mode batch    out.write_batch(views) in chunks of --batch N messages
//                   (default: about 1 MiB per chunk, at most 1024 messages)
//   --mode latency  stamped message, out.write, idle --gap-us, repeat; wsout
//                   discards inbound frames, so the latency is the one-way
//                   figure measured by the sink (run it with --echo); the
//                   client prints the duration of the write() calls.
//   --nagle         tcp.no_delay false: the kernel's Nagle algorithm on, as
//                   in Beast's default (wsout's default sets TCP_NODELAY)
//   --write-buffer N  write_buffer_bytes, the coalescing limit (default:
//                   wsout's, 256 KiB); see bench/write_buffer_sweep.py
//   --erased        the same modes through the type-erased wsout::output
//                   that wsout::make_output returns (policies chosen from the
//                   url at run time: transport::plain or tls, auth::any), to
//                   measure what the type erasure costs against the template.
// Binary messages. Timed from just before the first send to the completed
// close. Prints one JSON line.

#include "common.hpp"

#include <wsout/auth/none.hpp>
#include <wsout/output.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/websocket_output.hpp>
#if __has_include(<wsout/transport/tls.hpp>)
#include <wsout/transport/tls.hpp>
#define WSOUT_BENCH_HAVE_TLS 1
#endif

#include <boost/asio/io_context.hpp>

#include <string_view>
#include <thread>

namespace net = boost::asio;
using boost::system::error_code;

namespace {

char const* const usage = "usage: wsout-bench-client --host H --port P --size N --count N\n"
                          "                          [--mode sync|async|batch|latency] [--tls --ca FILE]\n"
                          "                          [--window N] [--batch N] [--gap-us N] [--erased]\n"
                          "                          [--json] [--compress [--level N]] [--nagle]";

wsout::config make_config(bench::options const& o)
{
    wsout::config cfg;
    cfg.url = std::string(o.tls ? "wss://" : "ws://") + o.host + ":" + o.port + o.path;
    if (o.tls)
    {
        cfg.tls.enabled = true;
        cfg.tls.root_cas_file = o.ca;
    }
    cfg.compression = o.compress;
    cfg.compression_level = o.level;
    cfg.tcp.no_delay = !o.nagle;
    if (o.write_buffer != 0)
        cfg.write_buffer_bytes = o.write_buffer;
    return cfg;
}

/// Keeps `window` async writes outstanding, then closes.
template<class Output>
struct pump
{
    Output& out;
    net::const_buffer msg;
    std::vector<std::string> const& pool; // --json: cycled instead of msg
    std::size_t count;
    std::size_t window;
    std::size_t issued = 0;
    std::size_t completed = 0;
    error_code error{};
    bool closed = false;

    void issue()
    {
        while (!error && issued < count && issued - completed < window)
        {
            auto m = pool.empty() ? msg : net::buffer(pool[issued % pool.size()]);
            ++issued;
            out.async_write(m, [this](error_code ec) { done(ec); });
        }
    }

    void done(error_code ec)
    {
        ++completed;
        if (ec && !error)
            error = ec;
        if (completed == issued && (error || issued == count))
        {
            if (error)
                return;
            out.async_close([this](error_code e) {
                if (e && !error)
                    error = e;
                closed = true;
            });
            return;
        }
        issue();
    }
};

/// Runs `o.mode` with `out` (a websocket_output<T, A> or a wsout::output).
template<class Output>
int run_with(net::io_context& ioc, Output& out, bench::options const& o)
{
    using output_type = Output;
    std::string payload = bench::make_payload(o.size);
    std::vector<std::string> pool;
    if (o.json)
    {
        if (o.mode != "sync" && o.mode != "async")
            throw std::invalid_argument("--json works with --mode sync or async");
        pool = bench::make_json_pool(o.size);
    }
    bench::run_timer t;
    std::vector<double> write_us;

    if (o.mode == "async")
    {
        // everything on this thread: the io_context runs here; the writes
        // start from the connect completion (the output keeps the context
        // busy while connected, so run() returns only after the close)
        error_code cec;
        bool connected = false;
        pump<output_type> p{out, net::buffer(payload), pool, o.count, o.window};
        out.async_connect([&](error_code ec) {
            cec = ec;
            connected = true;
            if (ec)
                return;
            t.start();
            p.issue();
        });
        ioc.run();
        t.stop();
        if (!connected || cec)
            throw boost::system::system_error(cec, "connect: " + out.last_failure().message);
        if (p.error)
            throw boost::system::system_error(p.error,
                                              "async_write/async_close: " + out.last_failure().message);
        if (!p.closed)
            throw std::runtime_error("io_context ran out of work before the close completed");
    }
    else
    {
        // blocking calls from this thread; they drive the io_context
        // themselves (nobody else runs it), as a simple program would
        out.connect();
        if (o.mode == "sync")
        {
            std::string_view msg(payload);
            t.start();
            for (std::size_t i = 0; i < o.count; ++i)
                out.write(pool.empty() ? msg : std::string_view(pool[i % pool.size()]));
            out.close();
            t.stop();
        }
        else if (o.mode == "batch")
        {
            std::size_t chunk = o.batch;
            if (chunk == 0)
                chunk = std::max<std::size_t>(
                    1,
                    std::min<std::size_t>(1024, (std::size_t(1) << 20) / std::max<std::size_t>(1, o.size)));
            std::vector<std::string_view> views(std::min(chunk, o.count), std::string_view(payload));
            t.start();
            std::size_t left = o.count;
            while (left > 0)
            {
                std::size_t n = std::min(left, views.size());
                if (n < views.size())
                    views.resize(n);
                out.write_batch(views);
                left -= n;
            }
            out.close();
            t.stop();
        }
        else if (o.mode == "latency")
        {
            if (o.size < 8)
                throw std::invalid_argument("latency mode needs --size >= 8 (a timestamp)");
            write_us.reserve(o.count);
            t.start();
            for (std::size_t i = 0; i < o.count; ++i)
            {
                bench::stamp(payload);
                std::uint64_t t0 = bench::mono_ns();
                out.write(std::string_view(payload));
                write_us.push_back(double(bench::mono_ns() - t0) / 1e3);
                bench::idle(o.gap_us);
            }
            out.close();
            t.stop();
        }
        else
            throw std::invalid_argument("unknown --mode " + o.mode + "\n" + usage);
    }

    auto j = bench::result_line(o.erased ? "wsout-erased" : "wsout", o, t);
    if (o.mode == "async")
        j.num("window", o.window);
    if (o.json)
        j.str("payload", "json");
    if (o.compress)
        j.num("compression_level", o.level);
    j.num("cpu_us_per_msg", t.cpu * 1e6 / double(o.count));
    if (!write_us.empty())
        j.num("write_p50_us", bench::percentile(write_us, 50))
            .num("write_p99_us", bench::percentile(write_us, 99));
    std::cout << j.done() << std::endl;
    return 0;
}

/// The output with its policies fixed at compile time.
template<class Transport>
int run(bench::options const& o)
{
    net::io_context ioc;
    wsout::websocket_output<Transport, wsout::auth::none> out(ioc, make_config(o));
    return run_with(ioc, out, o);
}

/// The same through the type-erased output (one virtual call per operation).
int run_erased(bench::options const& o)
{
    net::io_context ioc;
    wsout::output out = wsout::make_output(ioc, make_config(o));
    return run_with(ioc, out, o);
}

} // namespace

int main(int argc, char** argv)
{
    try
    {
        bench::options o = bench::parse_options(argc, argv, usage);
        if (o.erased)
            return run_erased(o);
        if (!o.tls)
            return run<wsout::transport::plain>(o);
#ifdef WSOUT_BENCH_HAVE_TLS
        return run<wsout::transport::tls>(o);
#else
        throw std::runtime_error("this build has no wsout TLS transport");
#endif
    }
    catch (std::exception const& e)
    {
        std::cerr << "wsout-bench-client: " << e.what() << std::endl;
        return 1;
    }
}
