//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// Separate compilation (WSOUT_SEPARATE_COMPILATION, set by linking
// wsout::compiled): this translation unit sees only declarations of wsout's
// non-template functions and of the common outputs; they come from the
// library built from <wsout/src.hpp>. It links and works only if the switch
// leaves nothing undefined and defines nothing twice.

#include "support/catch.hpp"
#include "support/test_server.hpp"

#include <wsout/client.hpp>
#include <wsout/output.hpp>
#include <wsout/outputs.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>

#if !defined(WSOUT_SEPARATE_COMPILATION) || WSOUT_HEADER_ONLY
#error "compiled_test must be built against wsout::compiled"
#endif

using namespace std::chrono_literals;

TEST_CASE("compiled: typed outputs with each auth policy deliver, signed", "[compiled]")
{
    wsout_test::ws_server server;
    boost::asio::io_context ioc;
    wsout::config cfg = wsout::parse_config(std::string_view(R"({"url": "ws://127.0.0.1:9/post/ws"})"));
    cfg.url = server.url();

    {
        wsout::plain_output out(ioc, cfg);
        out.connect();
        out.write("none");
        out.close();
    }
    {
        wsout::config c = cfg;
        c.basic_auth.enabled = true;
        c.basic_auth.username = "user";
        c.basic_auth.password = "pass";
        wsout::plain_basic_output out(ioc, c);
        out.connect();
        out.write("basic");
        out.close();
    }
    {
        wsout::config c = cfg;
        c.oauth.enabled = true;
        c.oauth.consumer_key = "key";
        c.oauth.consumer_secret = "secret";
        wsout::plain_oauth1_output out(ioc, c);
        out.connect();
        bool done = false;
        out.async_write(std::string("oauth1"), [&](wsout::error_code ec) {
            CHECK(!ec);
            done = true;
        });
        out.close();
        CHECK(done);
    }
    REQUIRE(server.wait_for_messages(3, 10s));
    auto const conns = server.connections();
    REQUIRE(conns.size() == 3);
    CHECK(!conns[0].request.has_header("Authorization"));
    CHECK(conns[1].request.header("Authorization").rfind("Basic ", 0) == 0);
    CHECK(conns[2].request.header("Authorization").rfind("OAuth ", 0) == 0);
    CHECK(server.payloads() == std::vector<std::string>{"none", "basic", "oauth1"});
}

TEST_CASE("compiled: make_output and wsout::client choose the policies at run time", "[compiled]")
{
    wsout_test::ws_server server;
    boost::asio::io_context ioc;
    wsout::config cfg;
    cfg.url = server.url();
    auto out = wsout::make_output(ioc, cfg);
    out.connect();
    out.write("erased");
    out.close();

    wsout::client c(cfg);
    REQUIRE(!c.send("from client"));
    REQUIRE(c.flush(10s));
    REQUIRE(!c.close(10s));
    REQUIRE(server.wait_for_messages(2, 10s));
    CHECK(server.payloads() == std::vector<std::string>{"erased", "from client"});
}

TEST_CASE("compiled: TLS settings are checked by the library's TLS context code", "[compiled]")
{
    boost::asio::io_context ioc;
    wsout::config cfg;
    cfg.url = "wss://127.0.0.1:9/post/ws";
    cfg.tls.root_cas_file = "/nonexistent/ca.pem";
    try
    {
        wsout::tls_output out(ioc, cfg);
        FAIL("a missing root_cas_file was accepted");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(e.pointer() == "/tls/root_cas_file");
    }
    cfg.tls.root_cas_file.clear();
    wsout::tls_output out(ioc, cfg);
    CHECK(wsout::transport::describe_tls_error(wsout::error_code{}).empty());
}
