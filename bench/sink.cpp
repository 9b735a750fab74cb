//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// wsout-bench-sink: a WebSocket server built to never be the bottleneck of a
// client benchmark. It does the HTTP upgrade with beast::http, then reads the
// raw byte stream in 1 MiB reads and parses frame headers only: it counts
// messages and payload bytes without unmasking them. Control frames are
// unmasked and answered (ping -> pong, close -> close). With --echo it echoes
// every message (unmasked, one frame) and measures the one-way latency of
// messages whose first 8 bytes carry the sender's CLOCK_MONOTONIC stamp.
//
// Prints "listening on HOST:PORT" first, then one JSON line per connection:
// {"messages": N, "bytes": B, "frames": F, "data_frames": D, "seconds": s,
//  "cpu_seconds": c, "cpu_share": c/s, ...}: seconds and CPU of the sink's
// connection thread from the first byte after the handshake to the close
// frame ("cpu_seconds_total" includes TLS and HTTP handshakes); "error" is
// present when the peer broke the protocol or vanished before the close.

#include "common.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

char const* const usage = "usage: wsout-bench-sink [--host 127.0.0.1] [--port 0] [--once] [--echo]\n"
                          "                        [--tls --cert FILE --key FILE] [--read-bytes N]\n"
                          "                        [--deflate | --deflate-no-context]";

struct sink_options
{
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    bool once = false;
    bool echo = false;
    bool tls = false;
    std::string cert, key;
    std::size_t read_bytes = std::size_t(1) << 20;
    // Accept a permessage-deflate offer and allow RSV1 on data frames; the
    // payloads are counted, not inflated (the client's CPU is measured).
    bool deflate = false;
    bool deflate_no_context = false; // --deflate-no-context: answer client_no_context_takeover
};

std::mutex out_mutex;

void emit(std::string const& line)
{
    std::lock_guard<std::mutex> lock(out_mutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

struct stats
{
    std::uint64_t messages = 0;
    std::uint64_t bytes = 0;
    std::uint64_t frames = 0;      // every frame, control frames included
    std::uint64_t data_frames = 0; // text, binary, continuation
    std::uint64_t reads = 0;
    std::uint64_t pings = 0;
    std::uint64_t t_first = 0; // first byte after the handshake
    std::uint64_t t_close = 0; // close frame received
    double cpu_first = -1;     // thread CPU at t_first
    double cpu_close = -1;     // thread CPU at t_close
    std::vector<double> oneway_us;
    std::string error;
    bool closed = false; // close handshake done
};

// ---------------------------------------------------------------- handshake

template<class Stream>
bool upgrade(Stream& s, boost::beast::flat_buffer& fb, std::string& error, sink_options const& opt)
{
    http::request<http::empty_body> req;
    error_code ec;
    http::read(s, fb, req, ec);
    if (ec)
    {
        error = "reading the upgrade request: " + ec.message();
        return false;
    }
    auto bad = [&](std::string why) {
        http::response<http::string_body> res{http::status::bad_request, req.version()};
        res.set(http::field::connection, "close");
        res.body() = why + "\n";
        res.prepare_payload();
        error_code ignored;
        http::write(s, res, ignored);
        error = "bad upgrade request: " + why;
        return false;
    };
    if (req.method() != http::verb::get)
        return bad("method is not GET");
    if (!boost::beast::iequals(req[http::field::upgrade], "websocket"))
        return bad("no Upgrade: websocket");
    if (!http::token_list(req[http::field::connection]).exists("upgrade"))
        return bad("Connection lacks upgrade");
    if (req[http::field::sec_websocket_version] != "13")
        return bad("Sec-WebSocket-Version is not 13");
    auto key = req[http::field::sec_websocket_key];
    if (key.empty())
        return bad("no Sec-WebSocket-Key");

    http::response<http::empty_body> res{http::status::switching_protocols, req.version()};
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
    res.set(http::field::sec_websocket_accept, bench::websocket_accept(std::string(key)));
    auto protos = req[http::field::sec_websocket_protocol];
    if (!protos.empty())
    {
        // select the first offered subprotocol
        auto p = std::string(protos);
        auto comma = p.find(',');
        res.set(http::field::sec_websocket_protocol, p.substr(0, comma));
    }
    if (opt.deflate && req[http::field::sec_websocket_extensions].find("permessage-deflate") !=
                           boost::beast::string_view::npos)
        res.set(http::field::sec_websocket_extensions, opt.deflate_no_context
                                                           ? "permessage-deflate; client_no_context_takeover"
                                                           : "permessage-deflate");
    http::write(s, res, ec);
    if (ec)
    {
        error = "writing the upgrade response: " + ec.message();
        return false;
    }
    return true;
}

// ---------------------------------------------------------------- frames

std::uint64_t read_le64(unsigned char const* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

/// The per-connection frame parser and responder.
template<class Stream>
class session
{
    Stream& s_;
    sink_options const& opt_;
    stats& st_;

    std::vector<unsigned char> buf_;
    std::size_t begin_ = 0, end_ = 0;

    // current data frame
    std::uint64_t remaining_ = 0; // payload bytes still to skip
    bool in_payload_ = false;
    bool frame_fin_ = false;
    unsigned char mask_[4]{};
    std::uint64_t mask_pos_ = 0;
    bool in_message_ = false;
    unsigned msg_opcode_ = 2;
    std::string msg_; // echo mode: the message being assembled
    std::string out_;

public:
    session(Stream& s, sink_options const& opt, stats& st)
        : s_(s)
        , opt_(opt)
        , st_(st)
        , buf_(opt.read_bytes + 256)
    {}

    void feed_initial(net::const_buffer b)
    {
        std::memcpy(buf_.data(), b.data(), b.size());
        end_ = b.size();
    }

    /// Run until the close handshake completes or the connection fails.
    void run()
    {
        for (;;)
        {
            if (end_ > begin_)
            {
                if (st_.t_first == 0)
                {
                    st_.t_first = bench::mono_ns();
                    st_.cpu_first = bench::cpu_seconds(RUSAGE_THREAD);
                }
                if (!parse())
                    return;
            }
            // make room: compact the unparsed tail to the front
            if (begin_ > 0)
            {
                std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
                end_ -= begin_;
                begin_ = 0;
            }
            error_code ec;
            std::size_t n = s_.read_some(net::buffer(buf_.data() + end_, buf_.size() - end_), ec);
            if (ec)
            {
                st_.error = "connection ended before the close frame: " + ec.message();
                return;
            }
            ++st_.reads;
            end_ += n;
        }
    }

private:
    bool fail(std::string why)
    {
        st_.error = "protocol error: " + why;
        return false;
    }

    void write_all(std::string const& bytes)
    {
        error_code ec;
        net::write(s_, net::buffer(bytes), ec);
        if (ec && st_.error.empty())
            st_.error = "write failed: " + ec.message();
    }

    /// Consume payload bytes of the current data frame.
    void consume_payload()
    {
        std::size_t avail = end_ - begin_;
        std::size_t n = remaining_ < avail ? std::size_t(remaining_) : avail;
        if (opt_.echo)
        {
            std::size_t at = msg_.size();
            msg_.append(reinterpret_cast<char const*>(buf_.data() + begin_), n);
            for (std::size_t i = 0; i < n; ++i)
                msg_[at + i] = char(static_cast<unsigned char>(msg_[at + i]) ^ mask_[(mask_pos_ + i) & 3]);
            mask_pos_ += n;
        }
        begin_ += n;
        remaining_ -= n;
        if (remaining_ == 0)
        {
            in_payload_ = false;
            if (frame_fin_)
                end_message();
        }
    }

    void end_message()
    {
        ++st_.messages;
        in_message_ = false;
        if (opt_.echo)
        {
            if (msg_.size() >= 8)
            {
                std::uint64_t now = bench::mono_ns();
                std::uint64_t sent = read_le64(reinterpret_cast<unsigned char const*>(msg_.data()));
                if (sent != 0 && sent <= now)
                    st_.oneway_us.push_back(double(now - sent) / 1e3);
            }
            out_.clear();
            bench::put_frame(out_, true, msg_opcode_, msg_.data(), msg_.size(), nullptr);
            write_all(out_);
            msg_.clear();
        }
    }

    /// Parse everything in [begin_, end_). Returns false when the session
    /// is over (close handshake done or error).
    bool parse()
    {
        while (begin_ < end_)
        {
            if (in_payload_)
            {
                consume_payload();
                continue;
            }
            std::size_t avail = end_ - begin_;
            if (avail < 2)
                return true;
            unsigned char const* p = buf_.data() + begin_;
            bool fin = (p[0] & 0x80) != 0;
            unsigned opcode = p[0] & 0x0f;
            if (p[0] & (opt_.deflate && (opcode == 1 || opcode == 2) ? 0x30 : 0x70))
                return fail("reserved bits set");
            if (!(p[1] & 0x80))
                return fail("unmasked client frame");
            std::uint64_t len = p[1] & 0x7f;
            std::size_t hlen = 2 + 4;
            if (len == 126)
                hlen += 2;
            else if (len == 127)
                hlen += 8;
            if (avail < hlen)
                return true;
            if (len == 126)
                len = (std::uint64_t(p[2]) << 8) | p[3];
            else if (len == 127)
            {
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | p[2 + i];
                if (len >> 63)
                    return fail("64-bit length with the top bit set");
            }
            unsigned char const* key = p + hlen - 4;
            ++st_.frames;

            if (opcode >= 8)
            {
                // control frame: needs its whole payload in the buffer
                if (!fin || len > 125)
                    return fail("bad control frame");
                if (avail < hlen + len)
                {
                    --st_.frames;
                    return true;
                }
                std::string payload(reinterpret_cast<char const*>(p + hlen), std::size_t(len));
                for (std::size_t i = 0; i < payload.size(); ++i)
                    payload[i] = char(static_cast<unsigned char>(payload[i]) ^ key[i & 3]);
                begin_ += hlen + std::size_t(len);
                if (opcode == 8)
                {
                    st_.t_close = bench::mono_ns();
                    st_.cpu_close = bench::cpu_seconds(RUSAGE_THREAD);
                    if (in_message_)
                        return fail("close frame in the middle of a message");
                    out_.clear();
                    // echo the status code (not the reason)
                    std::size_t n = payload.size() >= 2 ? 2 : 0;
                    bench::put_frame(out_, true, 8, payload.data(), n, nullptr);
                    write_all(out_);
                    st_.closed = st_.error.empty();
                    return false;
                }
                if (opcode == 9)
                {
                    ++st_.pings;
                    out_.clear();
                    bench::put_frame(out_, true, 10, payload.data(), payload.size(), nullptr);
                    write_all(out_);
                    continue;
                }
                if (opcode == 10)
                    continue; // unsolicited pong: ignore
                return fail("unknown control opcode " + std::to_string(opcode));
            }

            if (opcode == 0)
            {
                if (!in_message_)
                    return fail("continuation frame without a message");
            }
            else if (opcode == 1 || opcode == 2)
            {
                if (in_message_)
                    return fail("new message before the previous one ended");
                in_message_ = true;
                msg_opcode_ = opcode;
            }
            else
                return fail("unknown data opcode " + std::to_string(opcode));

            st_.bytes += len;
            ++st_.data_frames;
            std::memcpy(mask_, key, 4);
            mask_pos_ = 0;
            frame_fin_ = fin;
            remaining_ = len;
            begin_ += hlen;
            if (len == 0)
            {
                if (fin)
                    end_message();
            }
            else
                in_payload_ = true;
        }
        return true;
    }
};

// ---------------------------------------------------------------- teardown

/// After the close frame: the server closes the TCP connection first
/// (RFC 6455 7.1.1). Bounded: a peer that never answers is cut after 5 s.
void teardown(tcp::socket& s, net::io_context& ioc)
{
    error_code ec;
    s.shutdown(tcp::socket::shutdown_send, ec);
    // drain until EOF, bounded
    net::steady_timer timer(ioc, std::chrono::seconds(5));
    std::array<char, 4096> junk;
    std::function<void()> read_more = [&] {
        s.async_read_some(net::buffer(junk), [&](error_code e, std::size_t) {
            if (e)
                timer.cancel();
            else
                read_more();
        });
    };
    read_more();
    timer.async_wait([&](error_code e) {
        if (!e)
            s.close(ec);
    });
    ioc.restart();
    ioc.run();
    s.close(ec);
}

void teardown(ssl::stream<tcp::socket>& s, net::io_context& ioc)
{
    net::steady_timer timer(ioc, std::chrono::seconds(5));
    s.async_shutdown([&](error_code) { timer.cancel(); });
    timer.async_wait([&](error_code e) {
        if (!e)
        {
            error_code ignored;
            s.lowest_layer().close(ignored);
        }
    });
    ioc.restart();
    ioc.run();
    error_code ec;
    s.lowest_layer().close(ec);
}

// ---------------------------------------------------------------- connection

void report(stats& st, double cpu_total, char const* transport)
{
    // time and CPU from the first byte after the handshake to the close frame
    double secs = 0;
    double cpu = 0;
    if (st.t_first != 0)
    {
        secs = double((st.t_close ? st.t_close : bench::mono_ns()) - st.t_first) / 1e9;
        cpu = (st.cpu_close >= 0 ? st.cpu_close : bench::cpu_seconds(RUSAGE_THREAD)) - st.cpu_first;
    }
    bench::json_line j;
    j.str("transport", transport)
        .num("messages", st.messages)
        .num("bytes", st.bytes)
        .num("frames", st.frames)
        .num("data_frames", st.data_frames)
        .num("reads", st.reads)
        .num("pings", st.pings)
        .num("seconds", secs)
        .num("cpu_seconds", cpu)
        .num("cpu_share", secs > 0 ? cpu / secs : 0.0)
        .num("cpu_seconds_total", cpu_total)
        .num("closed", st.closed ? 1 : 0);
    if (!st.oneway_us.empty())
        j.num("oneway_p50_us", bench::percentile(st.oneway_us, 50))
            .num("oneway_p99_us", bench::percentile(st.oneway_us, 99));
    if (!st.error.empty())
        j.str("error", st.error);
    emit(j.done());
}

/// One connection, on the calling thread, with its own io_context.
/// Returns true when the close handshake completed cleanly.
bool serve(tcp::socket::native_handle_type fd, tcp proto, sink_options const& opt, ssl::context* tls)
{
    net::io_context ioc;
    tcp::socket sock(ioc, proto, fd);
    error_code ec;
    sock.set_option(tcp::no_delay(true), ec);
    stats st;
    double cpu0 = bench::cpu_seconds(RUSAGE_THREAD);
    double cpu = 0;
    if (tls)
    {
        ssl::stream<tcp::socket> s(std::move(sock), *tls);
        s.handshake(ssl::stream_base::server, ec);
        if (ec)
            st.error = "TLS handshake: " + ec.message();
        else
        {
            boost::beast::flat_buffer fb;
            if (upgrade(s, fb, st.error, opt))
            {
                session<ssl::stream<tcp::socket>> ses(s, opt, st);
                ses.feed_initial(fb.data());
                ses.run();
            }
        }
        cpu = bench::cpu_seconds(RUSAGE_THREAD) - cpu0;
        teardown(s, ioc);
    }
    else
    {
        boost::beast::flat_buffer fb;
        if (upgrade(sock, fb, st.error, opt))
        {
            session<tcp::socket> ses(sock, opt, st);
            ses.feed_initial(fb.data());
            ses.run();
        }
        cpu = bench::cpu_seconds(RUSAGE_THREAD) - cpu0;
        teardown(sock, ioc);
    }
    report(st, cpu, tls ? "tls" : "plain");
    return st.closed && st.error.empty();
}

sink_options parse(int argc, char** argv)
{
    sink_options o;
    auto need = [&](int& i) -> std::string {
        if (i + 1 >= argc)
            throw std::invalid_argument(std::string(argv[i]) + " needs a value");
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (a == "--host")
            o.host = need(i);
        else if (a == "--port")
            o.port = static_cast<unsigned short>(std::stoul(need(i)));
        else if (a == "--once")
            o.once = true;
        else if (a == "--echo")
            o.echo = true;
        else if (a == "--deflate")
            o.deflate = true;
        else if (a == "--deflate-no-context")
            o.deflate = o.deflate_no_context = true;
        else if (a == "--tls")
            o.tls = true;
        else if (a == "--cert")
            o.cert = need(i);
        else if (a == "--key")
            o.key = need(i);
        else if (a == "--read-bytes")
            o.read_bytes = bench::parse_size(need(i), "--read-bytes");
        else if (a == "--help" || a == "-h")
        {
            std::cout << usage << "\n";
            std::exit(0);
        }
        else
            throw std::invalid_argument("unknown argument: " + a + "\n" + usage);
    }
    if (o.tls && (o.cert.empty() || o.key.empty()))
        throw std::invalid_argument("--tls needs --cert and --key");
    if (o.deflate && o.echo)
        throw std::invalid_argument("--deflate cannot be combined with --echo (payloads are not inflated)");
    if (o.read_bytes < 4096)
        o.read_bytes = 4096;
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    try
    {
        sink_options opt = parse(argc, argv);
        std::unique_ptr<ssl::context> tls;
        if (opt.tls)
        {
            tls = std::make_unique<ssl::context>(ssl::context::tls_server);
            tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
            tls->use_certificate_chain_file(opt.cert);
            tls->use_private_key_file(opt.key, ssl::context::pem);
        }
        net::io_context ioc;
        tcp::endpoint ep(net::ip::make_address(opt.host), opt.port);
        tcp::acceptor acc(ioc, ep);
        {
            std::lock_guard<std::mutex> lock(out_mutex);
            std::printf("listening on %s:%u\n", opt.host.c_str(), unsigned(acc.local_endpoint().port()));
            std::fflush(stdout);
        }
        for (;;)
        {
            tcp::socket s(ioc);
            acc.accept(s);
            auto fd = s.release();
            if (opt.once)
                return serve(fd, ep.protocol(), opt, tls.get()) ? 0 : 1;
            std::thread([fd, &ep, &opt, &tls] { serve(fd, ep.protocol(), opt, tls.get()); }).detach();
        }
    }
    catch (std::exception const& e)
    {
        std::fprintf(stderr, "wsout-bench-sink: %s\n", e.what());
        return 2;
    }
}
