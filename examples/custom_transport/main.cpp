//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-custom-transport: sends each line of standard input as one message
// over a Unix domain socket, through a user-written Transport policy
// (unix_socket.hpp).
//
//   wsout-custom-transport --socket PATH [--url ws://localhost/post/ws] < lines
//   wsout-custom-transport --demo [--socket PATH] < lines
//
// --demo also runs a small Beast WebSocket server on the socket (default: a
// fresh path in /tmp) in this process and prints each message it receives
// on standard output ("received: ..."), to show the whole path end to end.
//
// Exit status: 0 when every line was sent and the close completed, 1 on a
// runtime failure, 2 on a usage error.

#include "unix_socket.hpp"

#include <wsout/auth/none.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <future>
#include <iostream>
#include <string>
#include <thread>

#include <unistd.h>

namespace net = boost::asio;
using local = net::local::stream_protocol;

namespace {

using unix_output = wsout::websocket_output<example::unix_socket, wsout::auth::none>;

/// --demo: one connection, print every message, stop at the close.
class demo_server
{
public:
    explicit demo_server(std::string path)
        : path_(std::move(path))
    {
        ::unlink(path_.c_str());
        acceptor_.emplace(ioc_, local::endpoint(path_)); // listening when the constructor returns
        acceptor_->async_accept([this](boost::beast::error_code ec, local::socket s) {
            if (!ec)
                serve(std::move(s)); // blocking: this io_context serves one connection only
        });
        thread_ = std::thread([this] { ioc_.run(); });
    }

    ~demo_server()
    {
        ioc_.stop(); // still waiting for a connection if the client never came
        if (thread_.joinable())
            thread_.join();
        ::unlink(path_.c_str());
    }

    /// Waits until the client closed (or the server failed).
    std::size_t join()
    {
        if (thread_.joinable())
            thread_.join();
        return received_;
    }

private:
    void serve(local::socket s)
    {
        try
        {
            boost::beast::websocket::stream<local::socket> ws(std::move(s));
            ws.accept();
            for (;;)
            {
                boost::beast::flat_buffer buf;
                boost::beast::error_code ec;
                ws.read(buf, ec);
                if (ec == boost::beast::websocket::error::closed)
                    break;
                if (ec)
                {
                    std::cerr << "demo server: " << ec.message() << "\n";
                    break;
                }
                ++received_;
                std::cout << "received: " << boost::beast::buffers_to_string(buf.data()) << "\n";
            }
            std::cout.flush();
        }
        catch (std::exception const& e)
        {
            std::cerr << "demo server: " << e.what() << "\n";
        }
    }

    std::string path_;
    net::io_context ioc_;
    std::optional<local::acceptor> acceptor_;
    std::thread thread_;
    std::size_t received_ = 0;
};

[[noreturn]] void usage(std::string const& problem)
{
    std::cerr
        << "wsout-custom-transport: " << problem << "\n"
        << "usage: wsout-custom-transport (--socket PATH | --demo [--socket PATH]) [--url URL] < lines\n";
    std::exit(2);
}

} // namespace

static int run(int argc, char** argv)
{
    std::string socket_path, url = "ws://localhost/post/ws";
    bool demo = false;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--socket")
            socket_path = value();
        else if (a == "--url")
            url = value();
        else if (a == "--demo")
            demo = true;
        else
            usage("unknown argument '" + a + "'");
    }
    if (socket_path.empty())
    {
        if (!demo)
            usage("--socket PATH is required (or --demo)");
        socket_path = "/tmp/wsout-custom-transport-" + std::to_string(::getpid()) + ".sock";
    }

    std::optional<demo_server> server;
    if (demo)
        server.emplace(socket_path);

    wsout::config cfg;
    cfg.url = url;
    cfg.message_type = wsout::message_kind::text;
    net::io_context ioc;
    try
    {
        // The policy is built by hand with its socket path and handed to the
        // output; everything else (framing, close, keepalive) is wsout's.
        unix_output out(ioc.get_executor(), cfg, example::unix_socket(socket_path), wsout::auth::none{});
        wsout::error_code ec;
        out.connect(ec);
        if (ec)
        {
            std::cerr << "wsout-custom-transport: " << out.last_failure().message << "\n";
            return 1;
        }
        std::size_t n = 0;
        for (std::string line; std::getline(std::cin, line); ++n)
            out.write(line);
        out.close();
        std::cerr << "wsout-custom-transport: sent " << n << " messages over " << socket_path << "\n";
        if (server)
        {
            std::size_t got = server->join();
            std::cerr << "wsout-custom-transport: the demo server received " << got << "\n";
            if (got != n)
                return 1;
        }
        return 0;
    }
    catch (wsout::config_error const& e)
    {
        std::cerr << "wsout-custom-transport: " << e.what() << "\n";
        return 2;
    }
    catch (std::exception const& e)
    {
        std::cerr << "wsout-custom-transport: " << e.what() << "\n";
        return 1;
    }
}

int main(int argc, char** argv)
{
    // Nothing escapes main: argument handling and the demo server throw too.
    try
    {
        return run(argc, argv);
    }
    catch (std::exception const& e)
    {
        std::cerr << "wsout-custom-transport: " << e.what() << "\n";
        return 1;
    }
}
