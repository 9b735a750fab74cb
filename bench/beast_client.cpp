//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// beast-bench-client: the baselines, written the way a Beast user writes them.
//   --mode sync     websocket::stream::write in a loop, Beast's defaults
//                   (auto_fragment on, 4 KiB write buffer)
//   --mode tuned    the same with auto_fragment(false) and a large
//                   write_buffer_bytes (--write-buffer, default 1 MiB)
//   --mode async    async_write chained, one write in flight (Beast allows
//                   no more), io_context::run on this thread
//   --mode latency  write one message, read its echo (sink --echo), repeat;
//                   prints p50/p99 of the round trip in microseconds
// --nodelay sets TCP_NODELAY (not Beast's default; off unless asked).
// Binary messages. Timed from just before the first send to the completed
// close handshake. Prints one JSON line.

#include "common.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

char const* const usage = "usage: beast-bench-client --host H --port P --size N --count N\n"
                          "                          [--mode sync|tuned|async|latency] [--tls --ca FILE]\n"
                          "                          [--write-buffer N]";

/// Chains async_write calls: one write in flight, then the close.
template<class WS>
struct async_loop
{
    WS& ws;
    net::const_buffer msg;
    std::size_t left;
    error_code& result;

    void start() { ws.async_write(msg, *this); }

    void operator()(error_code ec, std::size_t)
    {
        if (ec)
        {
            result = ec;
            return;
        }
        if (--left > 0)
            ws.async_write(msg, *this);
        else
            ws.async_close(websocket::close_code::normal, [&r = result](error_code e) { r = e; });
    }
};

template<class WS>
int run(WS& ws, bench::options const& o, net::io_context& ioc)
{
    ws.binary(true);
    if (o.mode == "tuned")
    {
        ws.auto_fragment(false);
        ws.write_buffer_bytes(o.write_buffer != 0 ? o.write_buffer : std::size_t(1) << 20);
    }
    std::string host = o.host + ":" + o.port;
    ws.handshake(host, o.path);

    std::string payload = bench::make_payload(o.size);
    bench::run_timer t;
    std::vector<double> rtt;

    if (o.mode == "sync" || o.mode == "tuned")
    {
        auto b = net::buffer(payload);
        t.start();
        for (std::size_t i = 0; i < o.count; ++i)
            ws.write(b);
        ws.close(websocket::close_code::normal);
        t.stop();
    }
    else if (o.mode == "async")
    {
        error_code result;
        async_loop<WS> loop{ws, net::buffer(payload), o.count, result};
        t.start();
        loop.start();
        ioc.run();
        t.stop();
        if (result)
            throw boost::system::system_error(result, "async write/close");
    }
    else if (o.mode == "latency")
    {
        if (o.size < 8)
            throw std::invalid_argument("latency mode needs --size >= 8 (a timestamp)");
        rtt.reserve(o.count);
        boost::beast::flat_buffer in;
        t.start();
        for (std::size_t i = 0; i < o.count; ++i)
        {
            bench::stamp(payload);
            std::uint64_t t0 = bench::mono_ns();
            ws.write(net::buffer(payload));
            ws.read(in);
            rtt.push_back(double(bench::mono_ns() - t0) / 1e3);
            bench::idle(o.gap_us);
            if (in.size() != o.size)
                throw std::runtime_error("echo has the wrong size");
            in.consume(in.size());
        }
        ws.close(websocket::close_code::normal);
        t.stop();
    }
    else
        throw std::invalid_argument("unknown --mode " + o.mode + "\n" + usage);

    auto j = bench::result_line("beast", o, t);
    if (o.mode == "tuned")
        j.num("write_buffer_bytes", o.write_buffer != 0 ? o.write_buffer : std::size_t(1) << 20);
    if (!rtt.empty())
        bench::add_latency(j, rtt);
    std::cout << j.done() << std::endl;
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try
    {
        bench::options o = bench::parse_options(argc, argv, usage);
        net::io_context ioc;
        tcp::resolver resolver(ioc);
        auto eps = resolver.resolve(o.host, o.port);
        if (!o.tls)
        {
            websocket::stream<tcp::socket> ws(ioc);
            net::connect(ws.next_layer(), eps);
            if (o.nodelay)
                ws.next_layer().set_option(tcp::no_delay(true));
            return run(ws, o, ioc);
        }
        ssl::context ctx = bench::client_tls_context(o.ca);
        websocket::stream<ssl::stream<tcp::socket>> ws(ioc, ctx);
        net::connect(ws.next_layer().next_layer(), eps);
        if (o.nodelay)
            ws.next_layer().next_layer().set_option(tcp::no_delay(true));
        error_code ec;
        net::ip::make_address(o.host, ec);
        if (ec && !SSL_set_tlsext_host_name(ws.next_layer().native_handle(), o.host.c_str()))
            throw std::runtime_error("SNI failed");
        ws.next_layer().set_verify_callback(ssl::host_name_verification(o.host));
        ws.next_layer().handshake(ssl::stream_base::client);
        return run(ws, o, ioc);
    }
    catch (std::exception const& e)
    {
        std::cerr << "beast-bench-client: " << e.what() << std::endl;
        return 1;
    }
}
