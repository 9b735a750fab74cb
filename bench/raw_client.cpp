//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// raw-bench-client: the wire limit. Does the HTTP upgrade itself (beast::http),
// then writes frames that were built and masked before the clock started, in
// writes of at most 256 KiB (--write-size). No per-message work at all: this is what the
// socket (or TLS) can take, the ceiling for any client.
//   --mode sync     (default) pre-framed bytes, 256 KiB writes
//   --mode latency  one masked frame, wait for its echo (sink --echo), repeat
// A chunk of pre-framed messages is reused, so masking keys repeat every
// chunk; fine for a ceiling, not for a real client. --nodelay sets
// TCP_NODELAY.

#include "common.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

char const* const usage = "usage: raw-bench-client --host H --port P --size N --count N\n"
                          "                        [--mode sync|latency] [--tls --ca FILE]\n"
                          "                        [--write-size N] [--nodelay]";

/// Reads whole server frames (unmasked) from a stream.
template<class Stream>
class frame_reader
{
    Stream& s_;
    std::string buf_;
    std::size_t begin_ = 0;

public:
    frame_reader(Stream& s, net::const_buffer leftover)
        : s_(s)
        , buf_(static_cast<char const*>(leftover.data()), leftover.size())
    {}

    /// Read one frame; returns its opcode and fills `payload`.
    unsigned read(std::string& payload, bool& fin)
    {
        for (;;)
        {
            std::size_t avail = buf_.size() - begin_;
            auto const* p = reinterpret_cast<unsigned char const*>(buf_.data() + begin_);
            if (avail >= 2)
            {
                if (p[1] & 0x80)
                    throw std::runtime_error("masked frame from the server");
                std::uint64_t len = p[1] & 0x7f;
                std::size_t hlen = 2 + (len == 126 ? 2 : len == 127 ? 8 : 0);
                if (avail >= hlen)
                {
                    if (len == 126)
                        len = (std::uint64_t(p[2]) << 8) | p[3];
                    else if (len == 127)
                    {
                        len = 0;
                        for (int i = 0; i < 8; ++i)
                            len = (len << 8) | p[2 + i];
                    }
                    if (avail >= hlen + len)
                    {
                        unsigned opcode = p[0] & 0x0f;
                        fin = (p[0] & 0x80) != 0;
                        payload.assign(buf_.data() + begin_ + hlen, std::size_t(len));
                        begin_ += hlen + std::size_t(len);
                        return opcode;
                    }
                }
            }
            // need more
            buf_.erase(0, begin_);
            begin_ = 0;
            std::size_t at = buf_.size();
            buf_.resize(at + 65536);
            std::size_t n = s_.read_some(net::buffer(&buf_[at], 65536));
            buf_.resize(at + n);
        }
    }
};

template<class Stream>
void upgrade(Stream& s, bench::options const& o, boost::beast::flat_buffer& fb)
{
    std::string key = bench::websocket_key();
    http::request<http::empty_body> req{http::verb::get, o.path, 11};
    req.set(http::field::host, o.host + ":" + o.port);
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, key);
    req.set(http::field::sec_websocket_version, "13");
    http::write(s, req);
    http::response_parser<http::empty_body> parser;
    parser.skip(true); // a 101 has no body
    http::read_header(s, fb, parser);
    auto const& res = parser.get();
    if (res.result() != http::status::switching_protocols)
        throw std::runtime_error("upgrade refused: HTTP " + std::to_string(res.result_int()));
    if (res[http::field::sec_websocket_accept] != bench::websocket_accept(key))
        throw std::runtime_error("bad Sec-WebSocket-Accept");
}

void teardown(tcp::socket& s)
{
    error_code ec;
    s.shutdown(tcp::socket::shutdown_send, ec);
    char junk[4096];
    while (!ec)
        s.read_some(net::buffer(junk), ec);
    s.close(ec);
}

void teardown(ssl::stream<tcp::socket>& s)
{
    error_code ec;
    s.shutdown(ec); // close_notify both ways
    s.lowest_layer().close(ec);
}

template<class Stream>
int run(Stream& s, bench::options const& o)
{
    boost::beast::flat_buffer fb;
    upgrade(s, o, fb);
    frame_reader<Stream> reader(s, fb.data());

    std::string payload = bench::make_payload(o.size);
    bench::run_timer t;
    std::vector<double> rtt;
    std::string wire, in;
    unsigned char key[4];

    if (o.mode == "sync")
    {
        // build a chunk of whole frames (or one frame, if bigger than a write)
        std::size_t const max_write = std::max<std::size_t>(o.write_size, 1024);
        bench::random_mask(key);
        std::string one;
        bench::put_frame(one, true, 2, payload.data(), payload.size(), key);
        std::size_t fs = one.size();
        std::size_t per_chunk = fs <= max_write ? max_write / fs : 1;
        if (per_chunk > o.count)
            per_chunk = o.count;
        wire.reserve(per_chunk * fs);
        for (std::size_t i = 0; i < per_chunk; ++i)
        {
            bench::random_mask(key);
            bench::put_frame(wire, true, 2, payload.data(), payload.size(), key);
        }
        t.start();
        std::size_t left = o.count;
        while (left > 0)
        {
            std::size_t n = left < per_chunk ? left : per_chunk;
            std::size_t bytes = n * fs;
            for (std::size_t off = 0; off < bytes; off += max_write)
                net::write(s, net::buffer(wire.data() + off, std::min(max_write, bytes - off)));
            left -= n;
        }
    }
    else if (o.mode == "latency")
    {
        if (o.size < 8)
            throw std::invalid_argument("latency mode needs --size >= 8 (a timestamp)");
        rtt.reserve(o.count);
        t.start();
        for (std::size_t i = 0; i < o.count; ++i)
        {
            bench::stamp(payload);
            std::uint64_t t0 = bench::mono_ns();
            wire.clear();
            bench::random_mask(key);
            bench::put_frame(wire, true, 2, payload.data(), payload.size(), key);
            net::write(s, net::buffer(wire));
            bool fin = false;
            unsigned op = reader.read(in, fin);
            if (op != 2 || !fin || in.size() != o.size)
                throw std::runtime_error("unexpected echo frame");
            rtt.push_back(double(bench::mono_ns() - t0) / 1e3);
            bench::idle(o.gap_us);
        }
    }
    else
        throw std::invalid_argument("unknown --mode " + o.mode + "\n" + usage);

    // close handshake: send close 1000, read up to the server's close frame
    wire.clear();
    bench::random_mask(key);
    char const code[2] = {char(0x03), char(0xe8)};
    bench::put_frame(wire, true, 8, code, 2, key);
    net::write(s, net::buffer(wire));
    for (;;)
    {
        bool fin = false;
        if (reader.read(in, fin) == 8)
            break;
    }
    teardown(s);
    t.stop();

    auto j = bench::result_line("raw", o, t);
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
            tcp::socket s(ioc);
            net::connect(s, eps);
            if (o.nodelay)
                s.set_option(tcp::no_delay(true));
            return run(s, o);
        }
        ssl::context ctx = bench::client_tls_context(o.ca);
        ssl::stream<tcp::socket> s(ioc, ctx);
        net::connect(s.next_layer(), eps);
        if (o.nodelay)
            s.next_layer().set_option(tcp::no_delay(true));
        error_code ec;
        net::ip::make_address(o.host, ec);
        if (ec && !SSL_set_tlsext_host_name(s.native_handle(), o.host.c_str()))
            throw std::runtime_error("SNI failed");
        s.set_verify_callback(ssl::host_name_verification(o.host));
        s.handshake(ssl::stream_base::client);
        return run(s, o);
    }
    catch (std::exception const& e)
    {
        std::cerr << "raw-bench-client: " << e.what() << std::endl;
        return 1;
    }
}
