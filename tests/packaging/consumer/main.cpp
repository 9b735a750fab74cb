//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// A program using wsout the way a project that depends on it does. Built by
// each packaging test (add_subdirectory, find_package, FetchContent) with
// -Wall -Wextra -Wpedantic -Werror, then run: exit 0 means it works.

#include <wsout/config.hpp>
#include <wsout/version.hpp>

#if __has_include(<wsout/websocket_output.hpp>)
#include <wsout/auth/none.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#define WSOUT_CONSUMER_HAS_OUTPUT 1
#endif

#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#ifndef WSOUT_EXPECTED_VERSION
#error "the consumer project must define WSOUT_EXPECTED_VERSION"
#endif

namespace {

int fail(char const* how, std::string const& what)
{
    std::cerr << "consumer (" << how << "): FAILED: " << what << "\n";
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    char const* how = argc > 1 ? argv[1] : "?";

    if (std::strcmp(WSOUT_VERSION_STRING, WSOUT_EXPECTED_VERSION) != 0)
        return fail(how, std::string("headers say ") + WSOUT_VERSION_STRING + ", package says " +
                             WSOUT_EXPECTED_VERSION);

    // A config parsed from JSON text.
    wsout::config cfg = wsout::parse_config(
        std::string_view(R"({"url": "ws://127.0.0.1:9/post/ws", "message_type": "text"})"));
    if (cfg.url != "ws://127.0.0.1:9/post/ws" || cfg.message_type != wsout::message_kind::text)
        return fail(how, "parsed config does not hold the values given");

    // A bad one is a config_error naming the JSON pointer.
    try
    {
        wsout::parse_config(std::string_view(R"({"url": 5})"));
        return fail(how, "a bad config was accepted");
    }
    catch (wsout::config_error const& e)
    {
        if (e.pointer() != "/url")
            return fail(how, std::string("config_error names '") + e.pointer() + "', expected '/url'");
    }

#ifdef WSOUT_CONSUMER_HAS_OUTPUT
    // The output itself: connecting to a port nothing listens on (one just
    // released on 127.0.0.1) must fail with an error, not throw or hang.
    boost::asio::io_context ioc;
    unsigned short port = 0;
    {
        boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    cfg.url = "ws://127.0.0.1:" + std::to_string(port) + "/post/ws";
    wsout::websocket_output<wsout::transport::plain, wsout::auth::none> out(ioc, cfg);
    boost::system::error_code ec;
    out.connect(ec);
    if (!ec)
        return fail(how, "connect to a closed port succeeded");
    std::cout << "consumer (" << how << "): connect to a closed port failed as expected: " << ec.message()
              << "\n";
#endif

    std::cout << "consumer (" << how << "): wsout " << wsout::version_string << " works\n";
    return 0;
}
