//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-custom-auth: sends each line of stdin as one message, authenticating
// the handshake with a user-written Auth policy (rotating_bearer.hpp).
//
//   export WSOUT_BEARER_TOKEN_FILE=/run/secrets/token
//   wsout-custom-auth ws://127.0.0.1:4195/post/ws < lines.txt
//
// The token file is read again on every handshake, so a rotated token is
// used from the next reconnect on.

#include "rotating_bearer.hpp"

#include <wsout/transport/plain.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
    {
        std::cerr << "usage: WSOUT_BEARER_TOKEN_FILE=FILE | WSOUT_BEARER_TOKEN=TOKEN " << argv[0]
                  << " [ws://url]\n";
        return 2;
    }
    // Nothing escapes main: every failure is a message and an exit code.
    try
    {
        wsout::config cfg;
        if (argc == 2)
            cfg.url = argv[1];
        boost::asio::io_context ioc;
        // The output builds the policy from the config (its constructor reads
        // the environment); a policy built by hand can be passed instead:
        //   websocket_output<...>(ioc.get_executor(), cfg, wsout::transport::plain(cfg),
        //                         example::rotating_bearer::from_file(path));
        wsout::websocket_output<wsout::transport::plain, example::rotating_bearer> out(ioc, cfg);
        wsout::error_code ec;
        out.connect(ec);
        if (ec)
        {
            std::cerr << "wsout-custom-auth: connect failed: " << out.last_failure().message << "\n";
            return 1;
        }
        std::size_t n = 0;
        for (std::string line; std::getline(std::cin, line); ++n)
            out.write(line);
        out.close();
        std::cerr << "wsout-custom-auth: sent " << n << " messages\n";
        return 0;
    }
    catch (wsout::config_error const& e)
    {
        std::cerr << "wsout-custom-auth: " << e.what() << "\n";
        return 2;
    }
    catch (std::exception const& e)
    {
        std::cerr << "wsout-custom-auth: " << e.what() << "\n";
        return 1;
    }
}
