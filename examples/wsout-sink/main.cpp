//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-sink: a small WebSocket server that receives messages and counts them.
//
// It is the other end of wsout's demo: wsout-cat (or any WebSocket client)
// sends messages to ws://127.0.0.1:4195/post/ws, and wsout-sink shows what
// arrived.
//
//     wsout-sink [--host 127.0.0.1] [--port 4195] [--path /post/ws]
//                [--print] [--expect N] [--quiet]
//
// Output (stdout, one line per event, flushed):
//     listening on 127.0.0.1:4195             always the first line
//     connection 1 opened from 127.0.0.1:53012
//     [1] text 17 B: {"temp_c": 21.5}           with --print
//     connection 1 closed (code 1000): 3 messages, 51 bytes
//     summary: 3 messages, 51 bytes, 1 connection, 0.002 s from first to last message
//
// It stops on SIGINT/SIGTERM, or with --expect N once N messages have arrived
// and the clients have closed (at most 5 s later). Exit status: 0; with
// --expect, 1 if it stopped before N messages arrived; 2 on a usage error.
//
// This is plain Boost.Beast: one thread, one io_context, asynchronous
// accept / handshake / read, no wsout headers needed.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

struct options
{
    std::string host = "127.0.0.1";
    unsigned short port = 4195;
    std::string path = "/post/ws";
    bool print = false;
    std::size_t expect = 0; // 0: run until a signal
    bool quiet = false;
};

constexpr char const* usage =
    "usage: wsout-sink [--host 127.0.0.1] [--port 4195] [--path /post/ws]\n"
    "                  [--print] [--expect N] [--quiet]\n"
    "  --host H     address to listen on (default 127.0.0.1)\n"
    "  --port P     port to listen on, 0 for any free port (default 4195)\n"
    "  --path P     the WebSocket endpoint; other paths get 404 (default /post/ws)\n"
    "  --print      print each message (text as is, binary with \\xHH escapes)\n"
    "  --expect N   exit once N messages have arrived and the clients have closed\n"
    "  --quiet      no connection lines, only 'listening on' and the summary\n";

// Parses a whole decimal number in [0, max]; nullopt otherwise.
std::optional<unsigned long long> parse_number(std::string const& s, unsigned long long max)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
        return std::nullopt;
    unsigned long long const v = std::stoull(s);
    if (v > max)
        return std::nullopt;
    return v;
}

// Fills `opts` from argv; on a bad command line returns the problem.
std::optional<std::string> parse_command_line(int argc, char** argv, options& opts)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i)
    {
        std::string const& a = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args[++i];
        };
        if (a == "--print")
        {
            opts.print = true;
        }
        else if (a == "--quiet")
        {
            opts.quiet = true;
        }
        else if (a == "--host" || a == "--path" || a == "--port" || a == "--expect")
        {
            auto v = value();
            if (!v)
                return a + " needs a value";
            if (a == "--host")
            {
                opts.host = *v;
            }
            else if (a == "--path")
            {
                if (v->empty() || (*v)[0] != '/')
                    return "--path must start with '/': " + *v;
                opts.path = *v;
            }
            else if (a == "--port")
            {
                auto n = parse_number(*v, 65535);
                if (!n)
                    return "--port expects a number from 0 to 65535, got '" + *v + "'";
                opts.port = static_cast<unsigned short>(*n);
            }
            else
            {
                auto n = parse_number(*v, static_cast<unsigned long long>(-1) >> 1);
                if (!n || *n == 0)
                    return "--expect expects a positive number, got '" + *v + "'";
                opts.expect = static_cast<std::size_t>(*n);
            }
        }
        else if (a == "--help" || a == "-h")
        {
            std::cout << usage;
            std::exit(0);
        }
        else
        {
            return "unknown option '" + a + "'";
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// Output helpers
// ---------------------------------------------------------------------------

// One output line, flushed at once so a pipe or a script sees it immediately.
void say(std::string const& line)
{
    std::cout << line << '\n' << std::flush;
}

// Binary payloads: printable ASCII as is, everything else as \xHH.
std::string escape(std::string const& payload)
{
    static char const hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(payload.size());
    for (char c : payload)
    {
        auto const u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && u != '\\')
        {
            out.push_back(c);
        }
        else
        {
            out += "\\x";
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0xf]);
        }
    }
    return out;
}

std::string plural(std::size_t n, char const* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

class sink;

// One client connection: HTTP upgrade request, WebSocket handshake, then a
// read loop that counts each message.
class session : public std::enable_shared_from_this<session>
{
public:
    session(sink& owner, tcp::socket socket, std::size_t id)
        : owner_(owner)
        , ws_(std::move(socket))
        , id_(id)
    {}

    void start();
    void close(websocket::close_code code); // a graceful close from the server

private:
    void on_request(error_code ec);
    void refuse(http::status status, std::string body);
    void on_accept(error_code ec);
    void read();
    void on_read(error_code ec);
    void done(std::string const& how);

    sink& owner_;
    websocket::stream<beast::tcp_stream> ws_;
    std::size_t id_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    std::string peer_;
    std::size_t messages_ = 0;
    std::size_t bytes_ = 0;
    bool open_ = false;     // the WebSocket handshake completed
    bool closing_ = false;  // close() started a close handshake
    bool finished_ = false; // done() ran
};

// The listener, the totals and the shutdown logic.
class sink
{
public:
    sink(net::io_context& io, options opts)
        : io_(io)
        , opts_(std::move(opts))
        , acceptor_(io)
        , signals_(io)
        , grace_(io)
    {}

    // Binds and starts accepting; throws on a bind error.
    void start()
    {
        tcp::endpoint const ep(net::ip::make_address(opts_.host), opts_.port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        accept();

        // Handlers first, then the "listening on" line: whoever starts us may
        // signal us as soon as it has read that line.
        signals_.add(SIGINT);
        signals_.add(SIGTERM);
        signals_.async_wait([this](error_code ec, int) {
            if (!ec)
                stop();
        });
        auto const local = acceptor_.local_endpoint();
        say("listening on " + local.address().to_string() + ":" + std::to_string(local.port()));
    }

    options const& opts() const { return opts_; }

    void on_message(std::size_t size)
    {
        auto const now = steady::now();
        if (messages_ == 0)
            first_ = now;
        last_ = now;
        ++messages_;
        bytes_ += size;
        if (opts_.expect != 0 && messages_ == opts_.expect)
        {
            // Everything expected is here: take no new connections and give the
            // clients a moment to finish their close handshake.
            expect_reached_ = true;
            stop_accepting();
            grace_.expires_after(std::chrono::seconds(5));
            grace_.async_wait([this](error_code ec) {
                if (!ec)
                    stop();
            });
        }
    }

    // A connection ended: when we are winding down and it was the last one,
    // stop now rather than at the end of the grace period.
    void on_closed()
    {
        if ((stopping_ || expect_reached_) && open_sessions() == 0)
            stop();
    }

    // Prints the summary line and returns the exit status.
    int finish() const
    {
        double const span = messages_ > 1 ? std::chrono::duration<double>(last_ - first_).count() : 0.0;
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.3f", span);
        say("summary: " + plural(messages_, "message") + ", " + plural(bytes_, "byte") + ", " +
            plural(connections_, "connection") + ", " + seconds + " s from first to last message");
        if (opts_.expect != 0 && messages_ < opts_.expect)
        {
            std::cerr << "wsout-sink: stopped after " << messages_ << " of the " << opts_.expect
                      << " expected messages\n";
            return 1;
        }
        return 0;
    }

private:
    void accept()
    {
        acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
            if (ec)
                return; // the acceptor was closed: we are stopping
            auto s = std::make_shared<session>(*this, std::move(socket), ++connections_);
            live_.push_back(s); // weak: the session's pending operations own it
            s->start();
            accept();
        });
    }

    void stop_accepting()
    {
        error_code ignored;
        acceptor_.close(ignored);
    }

    // Closes every connection with "going away"; io.run() returns once they
    // are all gone, or after 2 s at the latest.
    void stop()
    {
        if (!stopping_)
        {
            stopping_ = true;
            stop_accepting();
            signals_.cancel();
            for (auto& w : live_)
                if (auto s = w.lock())
                    s->close(websocket::close_code::going_away);
            grace_.expires_after(std::chrono::seconds(2));
            grace_.async_wait([this](error_code ec) {
                if (!ec)
                    io_.stop();
            });
        }
        if (open_sessions() == 0)
            grace_.cancel(); // nothing left to wait for
    }

    std::size_t open_sessions()
    {
        live_.erase(std::remove_if(live_.begin(), live_.end(), [](auto const& w) { return w.expired(); }),
                    live_.end());
        return live_.size();
    }

    net::io_context& io_;
    options opts_;
    tcp::acceptor acceptor_;
    net::signal_set signals_;
    net::steady_timer grace_;
    std::vector<std::weak_ptr<session>> live_;
    std::size_t connections_ = 0;
    std::size_t messages_ = 0;
    std::size_t bytes_ = 0;
    steady::time_point first_{}, last_{};
    bool expect_reached_ = false;
    bool stopping_ = false;
};

// --- session ----------------------------------------------------------------

void session::start()
{
    error_code ec;
    auto const remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    peer_ = ec ? std::string("?") : remote.address().to_string() + ":" + std::to_string(remote.port());
    // Read the HTTP request ourselves, so that we can answer 404 for other paths.
    http::async_read(ws_.next_layer(), buffer_, request_,
                     [self = shared_from_this()](error_code e, std::size_t) { self->on_request(e); });
}

void session::on_request(error_code ec)
{
    if (ec)
        return; // the client went away before sending a request
    std::string target(request_.target());
    std::string const path = target.substr(0, target.find('?'));
    if (path != owner_.opts().path)
        return refuse(http::status::not_found,
                      "no WebSocket endpoint at " + path + " (try " + owner_.opts().path + ")\n");
    if (!websocket::is_upgrade(request_))
        return refuse(http::status::upgrade_required, "this is a WebSocket endpoint: connect with ws://\n");

    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "wsout-sink"); }));
    websocket::permessage_deflate deflate; // used only if the client asks for it
    deflate.server_enable = true;
    ws_.set_option(deflate);
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.async_accept(request_, [self = shared_from_this()](error_code e) { self->on_accept(e); });
}

void session::refuse(http::status status, std::string body)
{
    auto res = std::make_shared<http::response<http::string_body>>(status, request_.version());
    res->set(http::field::server, "wsout-sink");
    res->set(http::field::content_type, "text/plain");
    res->body() = std::move(body);
    res->keep_alive(false);
    res->prepare_payload();
    if (!owner_.opts().quiet)
        say("connection " + std::to_string(id_) + " from " + peer_ +
            " refused: " + std::to_string(res->result_int()) + " for " + std::string(request_.target()));
    http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](error_code, std::size_t) {
        error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
}

void session::on_accept(error_code ec)
{
    if (ec)
    {
        if (!owner_.opts().quiet)
            say("connection " + std::to_string(id_) + " handshake failed: " + ec.message());
        return;
    }
    open_ = true;
    if (!owner_.opts().quiet)
        say("connection " + std::to_string(id_) + " opened from " + peer_);
    read();
}

void session::read()
{
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

void session::on_read(error_code ec)
{
    if (ec == websocket::error::closed)
    {
        auto const code = ws_.reason().code;
        return done("closed (code " + std::to_string(code) + ")");
    }
    if (ec && closing_)
        return done("closed by wsout-sink (going away)");
    if (ec)
        return done("lost (" + ec.message() + ")");

    ++messages_;
    bytes_ += buffer_.size();
    if (owner_.opts().print)
    {
        std::string const payload = beast::buffers_to_string(buffer_.data());
        bool const text = ws_.got_text();
        say("[" + std::to_string(id_) + "] " + (text ? "text " : "binary ") + std::to_string(payload.size()) +
            " B: " + (text ? payload : escape(payload)));
    }
    owner_.on_message(buffer_.size());
    buffer_.consume(buffer_.size());
    read();
}

void session::close(websocket::close_code code)
{
    if (finished_)
        return;
    if (open_)
    {
        closing_ = true;
        ws_.async_close(code, [self = shared_from_this()](error_code) {});
    }
    else
    { // no handshake yet: just drop the TCP connection
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }
}

void session::done(std::string const& how)
{
    if (finished_)
        return;
    finished_ = true;
    if (!owner_.opts().quiet)
        say("connection " + std::to_string(id_) + " " + how + ": " + plural(messages_, "message") + ", " +
            plural(bytes_, "byte"));
    // Tell the owner once this session is gone (after this handler returns).
    net::post(ws_.get_executor(), [&owner = owner_] { owner.on_closed(); });
}

// ---------------------------------------------------------------------------

int main(int argc, char** argv)
{
    options opts;
    if (auto problem = parse_command_line(argc, argv, opts))
    {
        std::cerr << "wsout-sink: " << *problem << "\n" << usage;
        return 2;
    }
    try
    {
        net::io_context io;
        sink server(io, opts);
        server.start();
        io.run();
        return server.finish();
    }
    catch (std::exception const& e)
    {
        std::cerr << "wsout-sink: " << e.what() << "\n";
        return 1;
    }
}
