// Tests of the test infrastructure itself: tests/support/test_server.hpp
// (the in-process Beast server), tests/support/process.hpp,
// tests/support/external_server.hpp and the third-party servers in
// tests/servers/, all driven by a plain Beast client (not by wsout), so a
// failure here points at the infrastructure, not at the library.
#include "support/catch.hpp"
#include "support/external_server.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A Beast client whose every operation has a deadline. (beast::tcp_stream's
// timeouts apply to asynchronous operations only, so each call here is an
// asynchronous operation run to completion on the client's own io_context.)
struct client
{
    net::io_context io;
    websocket::stream<beast::tcp_stream> ws{io};
    websocket::response_type response;
    bool got_pong = false;

    explicit client(unsigned short port)
    {
        beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        ws.control_callback([this](websocket::frame_type k, beast::string_view) {
            if (k == websocket::frame_type::pong)
                got_pong = true;
        });
    }

    // Starts `op(handler)` and runs it to completion within `timeout`.
    template<class Op>
    beast::error_code run(Op op, std::chrono::milliseconds timeout = 5s)
    {
        beast::get_lowest_layer(ws).expires_after(timeout);
        beast::error_code ec = net::error::timed_out;
        bool done = false;
        op([&](beast::error_code e, auto&&...) {
            ec = e;
            done = true;
        });
        io.restart();
        io.run_for(timeout + 2s);
        if (!done)
        { // backstop: should not happen, tcp_stream's timer fires first
            beast::get_lowest_layer(ws).close();
            io.restart();
            io.run_for(2s);
        }
        beast::get_lowest_layer(ws).expires_never();
        return ec;
    }

    // Handshake; returns the error (the response is in `response` either way:
    // Beast 1.74's synchronous handshake leaves it empty on failure).
    beast::error_code handshake(unsigned short port,
                                std::string const& target = "/post/ws",
                                std::vector<std::pair<std::string, std::string>> headers = {},
                                std::chrono::milliseconds timeout = 5s)
    {
        ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
            req.set(http::field::user_agent, "test-client");
            for (auto const& h : headers)
                req.set(h.first, h.second);
        }));
        return run(
            [&](auto h) { ws.async_handshake(response, "127.0.0.1:" + std::to_string(port), target, h); },
            timeout);
    }
    void send(std::string const& s, bool text)
    {
        ws.text(text);
        auto ec = run([&](auto h) { ws.async_write(net::buffer(s), h); });
        INFO(ec.message());
        REQUIRE_FALSE(ec);
    }
    void send_fragment(std::string const& s, bool fin)
    {
        auto ec = run([&](auto h) { ws.async_write_some(fin, net::buffer(s), h); });
        REQUIRE_FALSE(ec);
    }
    void ping(std::string const& payload)
    {
        auto ec = run([&](auto h) { ws.async_ping(websocket::ping_data(payload.c_str()), h); });
        REQUIRE_FALSE(ec);
    }
    // Reads one message; returns the error.
    beast::error_code read(std::string& out, std::chrono::milliseconds timeout = 5s)
    {
        beast::flat_buffer b;
        auto ec = run([&](auto h) { ws.async_read(b, h); }, timeout);
        out = beast::buffers_to_string(b.data());
        return ec;
    }
    void close()
    {
        auto ec = run([&](auto h) { ws.async_close(websocket::close_code::normal, h); });
        INFO(ec.message());
        CHECK_FALSE(ec);
    }
};

// Connects and completes the handshake, or fails the test.
std::unique_ptr<client> connected(unsigned short port,
                                  std::vector<std::pair<std::string, std::string>> headers = {})
{
    auto c = std::make_unique<client>(port);
    auto ec = c->handshake(port, "/post/ws", std::move(headers));
    INFO(ec.message());
    REQUIRE_FALSE(ec);
    return c;
}

std::string all_bytes()
{
    std::string s;
    for (int i = 0; i < 256; ++i)
        s.push_back(static_cast<char>(i));
    return s;
}

double seconds_since(clock_type::time_point t0)
{
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

} // namespace

// ---------------------------------------------------------------------------
// ws_server: recording
// ---------------------------------------------------------------------------

TEST_CASE("ws_server records messages intact and in order", "[test_server]")
{
    wsout_test::ws_server srv;
    REQUIRE(srv.port() != 0);
    CHECK(srv.url() == "ws://127.0.0.1:" + std::to_string(srv.port()) + "/post/ws");
    {
        auto c = connected(srv.port(), {{"X-Custom", "42"}, {"Authorization", "Bearer t"}});
        c->send("hello", true);
        c->send(all_bytes(), false);
        c->send("", false);
        c->send("", true);
        c->send(std::string(200000, 'x'), false);
        // A fragmented message is recorded once, joined.
        c->ws.binary(true);
        c->send_fragment("frag-", false);
        c->send_fragment("ment", true);
        c->close();
    }
    REQUIRE(srv.wait_for_messages(6, 5s));
    auto m = srv.messages();
    REQUIRE(m.size() == 6);
    CHECK(m[0].text);
    CHECK(m[0].payload == "hello");
    CHECK_FALSE(m[1].text);
    CHECK(m[1].payload == all_bytes());
    CHECK(m[2].payload.empty());
    CHECK_FALSE(m[2].text);
    CHECK(m[3].text);
    CHECK(m[3].payload.empty());
    CHECK(m[4].payload == std::string(200000, 'x'));
    CHECK(m[5].payload == "frag-ment");
    for (auto const& x : m)
        CHECK(x.connection == 1);
    CHECK(srv.message_count() == 6);
    CHECK(srv.bytes_received() == 5 + 256 + 200000 + 9);
    REQUIRE(srv.wait_for_closed(1, 5s));
    auto c = srv.connection(1);
    CHECK(c.upgraded);
    CHECK_FALSE(c.open);
    CHECK(c.close_code == 1000);
    CHECK(c.messages == 6);
    CHECK(c.request.method == "GET");
    CHECK(c.request.target == "/post/ws");
    CHECK(c.request.header("user-agent") == "test-client");
    CHECK(c.request.header("Host") == "127.0.0.1:" + std::to_string(srv.port()));
    CHECK(c.request.header("x-custom") == "42");
    CHECK(c.request.header("Authorization") == "Bearer t");
    CHECK(c.request.header_count("Sec-WebSocket-Key") == 1);
    CHECK(c.request.raw.find("GET /post/ws HTTP/1.1\r\n") == 0);
    CHECK(srv.last_request().target == "/post/ws");
}

TEST_CASE("ws_server serves many sequential connections", "[test_server]")
{
    wsout_test::ws_server srv;
    for (int i = 0; i < 20; ++i)
    {
        auto c = connected(srv.port());
        c->send(std::to_string(i), true);
        c->close();
    }
    REQUIRE(srv.wait_for_messages(20, 5s));
    REQUIRE(srv.wait_for_closed(20, 5s));
    auto m = srv.messages();
    for (std::size_t i = 0; i < 20; ++i)
    {
        CHECK(m[i].payload == std::to_string(i));
        CHECK(m[i].connection == i + 1);
    }
    CHECK(srv.connection_count() == 20);
    CHECK(srv.open_connections() == 0);
}

TEST_CASE("ws_server keep_messages=false only counts", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.keep_messages = false;
    wsout_test::ws_server srv(o);
    auto c = connected(srv.port());
    for (int i = 0; i < 100; ++i)
        c->send("0123456789", false);
    REQUIRE(srv.wait_for_messages(100, 5s));
    CHECK(srv.messages().empty());
    CHECK(srv.bytes_received() == 1000);
}

// ---------------------------------------------------------------------------
// ws_server: handshake behaviours
// ---------------------------------------------------------------------------

TEST_CASE("ws_server rejects with a status and headers", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.handshake = wsout_test::handshake_behavior::reject;
    o.reject_status = 401;
    o.response_headers = {{"WWW-Authenticate", "Basic realm=\"test\""}};
    wsout_test::ws_server srv(o);
    client c(srv.port());
    auto ec = c.handshake(srv.port());
    CHECK(ec == websocket::error::upgrade_declined);
    CHECK(c.response.result_int() == 401);
    CHECK(c.response[http::field::www_authenticate] == "Basic realm=\"test\"");
    REQUIRE(srv.wait_for_closed(1, 5s));
    CHECK_FALSE(srv.connection(1).upgraded);
    CHECK(srv.connection(1).request_read);
}

TEST_CASE("ws_server redirect and 404", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.handshake = wsout_test::handshake_behavior::reject;
    o.reject_status = 302;
    o.response_headers = {{"Location", "ws://127.0.0.1:1/elsewhere"}};
    wsout_test::ws_server srv(o);
    client c(srv.port());
    CHECK(c.handshake(srv.port()) == websocket::error::upgrade_declined);
    CHECK(c.response.result_int() == 302);
    CHECK(c.response[http::field::location] == "ws://127.0.0.1:1/elsewhere");

    o.reject_status = 404;
    o.response_headers.clear();
    wsout_test::ws_server srv404(o);
    client c2(srv404.port());
    CHECK(c2.handshake(srv404.port()) == websocket::error::upgrade_declined);
    CHECK(c2.response.result_int() == 404);
}

TEST_CASE("ws_server handshake_connections: reject once, then accept", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.handshake = wsout_test::handshake_behavior::reject;
    o.reject_status = 503;
    o.handshake_connections = 1;
    wsout_test::ws_server srv(o);
    {
        client c(srv.port());
        CHECK(c.handshake(srv.port()) == websocket::error::upgrade_declined);
        CHECK(c.response.result_int() == 503);
    }
    auto c = connected(srv.port());
    c->send("second", true);
    REQUIRE(srv.wait_for_messages(1, 5s));
    CHECK(srv.messages()[0].connection == 2);
}

TEST_CASE("ws_server silent handshake: the client times out, stop() is bounded", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.handshake = wsout_test::handshake_behavior::silent;
    auto srv = std::make_unique<wsout_test::ws_server>(o);
    client c(srv->port());
    auto t0 = clock_type::now();
    auto ec = c.handshake(srv->port(), "/post/ws", {}, 300ms);
    CHECK(ec == beast::error::timeout);
    CHECK(seconds_since(t0) < 2.0);
    CHECK(srv->connection(1).request_read);
    // A second client is still connected and silent when we stop.
    client idle(srv->port());
    REQUIRE(srv->wait_for_connections(2, 5s));
    t0 = clock_type::now();
    srv.reset();
    CHECK(seconds_since(t0) < 3.0);
}

TEST_CASE("ws_server drop, garbage and wrong Sec-WebSocket-Accept fail the client", "[test_server]")
{
    using hb = wsout_test::handshake_behavior;
    wsout_test::ws_server_options o;
    SECTION("drop")
    {
        o.handshake = hb::drop;
        wsout_test::ws_server srv(o);
        client c(srv.port());
        auto ec = c.handshake(srv.port());
        CHECK(ec);
        CHECK(ec != beast::error::timeout);
    }
    SECTION("garbage")
    {
        o.handshake = hb::garbage;
        wsout_test::ws_server srv(o);
        client c(srv.port());
        auto ec = c.handshake(srv.port());
        INFO(ec.message());
        CHECK(ec);
        CHECK(ec != beast::error::timeout);
    }
    SECTION("wrong accept")
    {
        o.handshake = hb::wrong_accept;
        wsout_test::ws_server srv(o);
        client c(srv.port());
        CHECK(c.handshake(srv.port()) == websocket::error::bad_sec_accept);
        CHECK(c.response.result_int() == 101);
    }
}

TEST_CASE("ws_server slow_accept answers byte by byte, then works (raw mode)", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.handshake = wsout_test::handshake_behavior::slow_accept;
    o.byte_delay = 3ms;
    wsout_test::ws_server srv(o);
    client c(srv.port());
    auto t0 = clock_type::now();
    auto ec = c.handshake(srv.port());
    REQUIRE_FALSE(ec);
    CHECK(seconds_since(t0) > 0.2); // ~100 bytes x 3 ms
    c.send("after slow", true);
    REQUIRE(srv.wait_for_messages(1, 5s));
    CHECK(srv.messages()[0].payload == "after slow");
    c.close();
    REQUIRE(srv.wait_for_closed(1, 5s));
    CHECK(srv.connection(1).close_code == 1000);
}

TEST_CASE("ws_server handshake_delay delays the 101", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.handshake_delay = 300ms;
    wsout_test::ws_server srv(o);
    client c(srv.port());
    auto t0 = clock_type::now();
    REQUIRE_FALSE(c.handshake(srv.port()));
    CHECK(seconds_since(t0) >= 0.29);
}

TEST_CASE("ws_server subprotocols: selected from the offer, or forced", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.subprotocols = {"chat", "superchat"};
    {
        wsout_test::ws_server srv(o);
        client c(srv.port());
        REQUIRE_FALSE(
            c.handshake(srv.port(), "/post/ws", {{"Sec-WebSocket-Protocol", "v1, superchat, chat"}}));
        CHECK(c.response[http::field::sec_websocket_protocol] == "superchat");
        REQUIRE(srv.wait_for_upgrades(1, 5s));
        CHECK(srv.connection(1).subprotocol == "superchat");
    }
    {
        wsout_test::ws_server srv(o);
        client c(srv.port());
        REQUIRE_FALSE(c.handshake(srv.port(), "/post/ws", {{"Sec-WebSocket-Protocol", "v1"}}));
        CHECK(c.response.count(http::field::sec_websocket_protocol) == 0);
    }
    o.forced_subprotocol = "never-offered";
    {
        wsout_test::ws_server srv(o);
        client c(srv.port());
        c.handshake(srv.port(), "/post/ws", {{"Sec-WebSocket-Protocol", "chat"}});
        CHECK(c.response[http::field::sec_websocket_protocol] == "never-offered");
    }
}

// ---------------------------------------------------------------------------
// ws_server: connection behaviours
// ---------------------------------------------------------------------------

TEST_CASE("ws_server end actions after N messages", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.end_after_messages = 2;
    SECTION("close frame")
    {
        o.end = wsout_test::end_action::close;
        o.close_code = 4001;
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        c->send("1", true);
        c->send("2", true);
        std::string s;
        CHECK(c->read(s) == websocket::error::closed);
        CHECK(c->ws.reason().code == 4001);
        REQUIRE(srv.wait_for_closed(1, 5s));
        CHECK(srv.message_count() == 2);
    }
    SECTION("close frame, raw mode")
    {
        o.end = wsout_test::end_action::close;
        o.close_code = 4002;
        o.auto_pong = false;
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        c->send("1", true);
        c->send("2", true);
        std::string s;
        CHECK(c->read(s) == websocket::error::closed);
        CHECK(c->ws.reason().code == 4002);
    }
    SECTION("reset")
    {
        o.end = wsout_test::end_action::reset;
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        c->send("1", true);
        c->send("2", true);
        std::string s;
        auto ec = c->read(s);
        CHECK(ec == net::error::connection_reset);
        REQUIRE(srv.wait_for_closed(1, 5s));
        CHECK(srv.connection(1).end == "reset by server");
    }
    SECTION("fin without close frame")
    {
        o.end = wsout_test::end_action::fin;
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        c->send("1", true);
        c->send("2", true);
        std::string s;
        auto ec = c->read(s);
        INFO(ec.message());
        CHECK(ec == net::error::eof);
    }
    SECTION("only the first connection")
    {
        o.end = wsout_test::end_action::reset;
        o.end_connections = 1;
        wsout_test::ws_server srv(o);
        {
            auto c = connected(srv.port());
            c->send("1", true);
            c->send("2", true);
            std::string s;
            CHECK(c->read(s) == net::error::connection_reset);
        }
        auto c = connected(srv.port());
        for (int i = 0; i < 5; ++i)
            c->send("x", true);
        c->close();
        REQUIRE(srv.wait_for_messages(7, 5s));
        REQUIRE(srv.wait_for_closed(2, 5s));
        CHECK(srv.connection(2).close_code == 1000);
    }
}

TEST_CASE("ws_server pings: answered by default, never in raw mode", "[test_server]")
{
    for (bool auto_pong : {true, false})
    {
        wsout_test::ws_server_options o;
        o.auto_pong = auto_pong;
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        c->ping("hb");
        c->send("m", false);
        std::string s;
        CHECK(c->read(s, 300ms) == beast::error::timeout); // pongs are handled inside read
        CHECK(c->got_pong == auto_pong);
        CHECK(srv.wait_for_pings(1, 5s));
        CHECK(srv.wait_for_messages(1, 5s));
    }
}

TEST_CASE("ws_server paused reading, then resume_reading()", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.start_paused = true;
    wsout_test::ws_server srv(o);
    auto c = connected(srv.port());
    for (int i = 0; i < 5; ++i)
        c->send("p" + std::to_string(i), true);
    std::this_thread::sleep_for(200ms);
    CHECK(srv.message_count() == 0);
    srv.resume_reading();
    REQUIRE(srv.wait_for_messages(5, 5s));
    CHECK(srv.messages()[4].payload == "p4");
    srv.pause_reading();
    c->send("one more may slip through", true);
    c->send("held", true);
    std::this_thread::sleep_for(200ms);
    CHECK(srv.message_count() <= 6);
    srv.resume_reading();
    REQUIRE(srv.wait_for_messages(7, 5s));
}

TEST_CASE("ws_server paused reading makes a writer block (backpressure)", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.start_paused = true;
    o.receive_buffer_bytes = 4096;
    wsout_test::ws_server srv(o);
    auto c = connected(srv.port());
    // Asynchronous writes of 64 KiB each until one does not complete within 200 ms.
    std::string chunk(64 * 1024, 'b');
    int written = 0;
    bool blocked = false;
    c->ws.binary(true);
    bool done = false; // outlives the loop: the blocked write completes after it
    for (int i = 0; i < 1000 && !blocked; ++i)
    {
        done = false;
        c->ws.async_write(net::buffer(chunk), [&](beast::error_code, std::size_t) { done = true; });
        c->io.restart();
        c->io.run_for(200ms);
        if (done)
            ++written;
        else
            blocked = true;
    }
    CHECK(blocked);
    srv.resume_reading();
    c->io.restart();
    c->io.run_for(5s); // the blocked write completes
    CHECK(done);
    CHECK(srv.wait_for_messages(static_cast<std::size_t>(written + 1), 5s));
}

TEST_CASE("ws_server read_delay and echo", "[test_server]")
{
    wsout_test::ws_server_options o;
    o.read_delay = 100ms;
    o.echo = true;
    wsout_test::ws_server srv(o);
    auto c = connected(srv.port());
    auto t0 = clock_type::now();
    for (int i = 0; i < 3; ++i)
        c->send("e" + std::to_string(i), i % 2 == 0);
    REQUIRE(srv.wait_for_messages(3, 5s));
    CHECK(seconds_since(t0) >= 0.19);
    for (int i = 0; i < 3; ++i)
    {
        std::string s;
        REQUIRE_FALSE(c->read(s));
        CHECK(s == "e" + std::to_string(i));
        CHECK(c->ws.got_text() == (i % 2 == 0));
    }
}

TEST_CASE("ws_server sends messages, pings and hostile frames to the client", "[test_server]")
{
    SECTION("text, binary, ping")
    {
        wsout_test::ws_server srv;
        auto c = connected(srv.port());
        REQUIRE(srv.wait_for_upgrades(1, 5s));
        bool got_ping = false;
        c->ws.control_callback([&](websocket::frame_type k, beast::string_view p) {
            if (k == websocket::frame_type::ping && p == "srv-ping")
                got_ping = true;
        });
        srv.send_ping("srv-ping");
        srv.send_text("from server");
        srv.send_binary(all_bytes());
        std::string s;
        REQUIRE_FALSE(c->read(s));
        CHECK(s == "from server");
        CHECK(c->ws.got_text());
        CHECK(got_ping);
        REQUIRE_FALSE(c->read(s));
        CHECK(s == all_bytes());
    }
    SECTION("masked frame")
    {
        wsout_test::ws_server_options o;
        o.send_after_handshake = wsout_test::make_frame(wsout_test::op_text, "masked", {true, true, 0, {}});
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        std::string s;
        CHECK(c->read(s) == websocket::error::bad_masked_frame);
    }
    SECTION("reserved bits")
    {
        wsout_test::ws_server srv;
        auto c = connected(srv.port());
        REQUIRE(srv.wait_for_upgrades(1, 5s));
        srv.send_raw(wsout_test::make_frame(wsout_test::op_text, "rsv", {true, false, 4, {}}));
        std::string s;
        CHECK(c->read(s) == websocket::error::bad_reserved_bits);
    }
    SECTION("oversized")
    {
        wsout_test::ws_server srv;
        auto c = connected(srv.port());
        c->ws.read_message_max(1000);
        REQUIRE(srv.wait_for_upgrades(1, 5s));
        srv.send_binary(std::string(5000, 'o'));
        std::string s;
        CHECK(c->read(s) == websocket::error::message_too_big);
    }
    SECTION("a huge announced length, raw mode server")
    {
        wsout_test::ws_server_options o;
        o.auto_pong = false;
        o.send_after_handshake =
            wsout_test::make_frame(wsout_test::op_binary, "", {true, false, 0, 1ull << 40});
        wsout_test::ws_server srv(o);
        auto c = connected(srv.port());
        c->ws.read_message_max(1 << 20);
        std::string s;
        CHECK(c->read(s) == websocket::error::message_too_big);
    }
    SECTION("close_all and reset_all")
    {
        wsout_test::ws_server srv;
        auto c1 = connected(srv.port());
        auto c2 = connected(srv.port());
        REQUIRE(srv.wait_for_upgrades(2, 5s));
        srv.close_all(1001);
        std::string s;
        CHECK(c1->read(s) == websocket::error::closed);
        CHECK(c1->ws.reason().code == 1001);
        CHECK(c2->read(s) == websocket::error::closed);
        auto c3 = connected(srv.port());
        REQUIRE(srv.wait_for_upgrades(3, 5s));
        srv.reset_all();
        CHECK(c3->read(s) == net::error::connection_reset);
    }
}

TEST_CASE("make_frame encodes lengths and masks", "[test_server]")
{
    using wsout_test::make_frame;
    CHECK(make_frame(wsout_test::op_text, "hi") == std::string("\x81\x02hi", 4));
    CHECK(make_frame(wsout_test::op_binary, "", {false, false, 0, {}}) == std::string("\x02\x00", 2));
    auto m = make_frame(wsout_test::op_ping, "ab", {true, true, 0, {}});
    REQUIRE(m.size() == 8);
    CHECK(static_cast<unsigned char>(m[1]) == 0x82);
    CHECK((m[6] ^ m[2]) == 'a');
    CHECK(make_frame(wsout_test::op_binary, std::string(300, 'x')).substr(0, 4) ==
          std::string("\x82\x7e\x01\x2c", 4));
    CHECK(make_frame(wsout_test::op_binary, "", {true, false, 0, 1ull << 32}) ==
          std::string("\x82\x7f\x00\x00\x00\x01\x00\x00\x00\x00", 10));
}

// ---------------------------------------------------------------------------
// process.hpp
// ---------------------------------------------------------------------------

TEST_CASE("run_and_capture collects stdout, stderr, exit codes; kills at the deadline", "[process]")
{
    auto r = wsout_test::run_and_capture({"cat"}, "a\nb\n", 5s);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "a\nb\n");
    CHECK_FALSE(r.timed_out);

    std::string big(1 << 20, 'z'); // more than a pipe buffer, both ways
    r = wsout_test::run_and_capture({"cat"}, big, 10s);
    CHECK(r.out.size() == big.size());

    r = wsout_test::run_and_capture({"sh", "-c", "echo out; echo err >&2; exit 3"}, "", 5s);
    CHECK(r.exit_code == 3);
    CHECK(r.out == "out\n");
    CHECK(r.err == "err\n");

    r = wsout_test::run_and_capture({"sh", "-c", "echo $WSOUT_TEST_VAR"}, "", 5s, {"WSOUT_TEST_VAR=hello"});
    CHECK(r.out == "hello\n");

    auto t0 = clock_type::now();
    r = wsout_test::run_and_capture({"sleep", "30"}, "", 300ms);
    CHECK(r.timed_out);
    CHECK(r.exit_code == 128 + SIGKILL);
    CHECK(seconds_since(t0) < 3.0);

    CHECK_THROWS_AS(wsout_test::run_and_capture({"/nonexistent/program"}, "", 1s), std::system_error);
}

TEST_CASE("child_process reads lines with a timeout and stops the child", "[process]")
{
    auto t0 = clock_type::now();
    {
        wsout_test::child_process p({"sh", "-c", "echo 12345; echo second; sleep 30"});
        CHECK(p.read_line(5s) == std::optional<std::string>("12345"));
        CHECK(p.read_line(5s) == std::optional<std::string>("second"));
        CHECK_FALSE(p.read_line(200ms));
        CHECK(p.running());
    } // SIGTERM
    CHECK(seconds_since(t0) < 5.0);

    wsout_test::child_process q({"sh", "-c", "trap '' TERM; echo ready; sleep 30"}, {{}, true, 300ms});
    CHECK(q.read_line(5s) == std::optional<std::string>("ready"));
    t0 = clock_type::now();
    CHECK(q.stop() == 128 + SIGKILL); // ignored SIGTERM: killed after the grace
    CHECK(seconds_since(t0) < 3.0);

    wsout_test::child_process e({"sh", "-c", "printf 'no newline'; exit 7"});
    CHECK(e.read_line(5s) == std::optional<std::string>("no newline"));
    CHECK(e.wait(5s) == std::optional<int>(7));
}

// ---------------------------------------------------------------------------
// Third-party servers (tests/servers) with a Beast client
// ---------------------------------------------------------------------------

TEST_CASE("third-party servers record byte-exact messages", "[external]")
{
    using wsout_test::server_kind;
    for (auto kind : {server_kind::python_websockets, server_kind::node_ws, server_kind::python_autobahn})
    {
        INFO(wsout_test::to_string(kind));
        wsout_test::external_server srv(kind, {"--subprotocol", "chat"});
        std::vector<std::pair<bool, std::string>> sent = {
            {true, "hello"},
            {false, all_bytes()},
            {false, ""},
            {true, ""},
            {true, "h\xc3\xa9llo \xe2\x82\xac"},
            {false, std::string(100000, '\x00')},
            {false, all_bytes() + all_bytes()},
        };
        {
            auto c = connected(srv.port(), {{"Sec-WebSocket-Protocol", "x, chat"}, {"X-Custom", "42"}});
            CHECK(c->response[http::field::sec_websocket_protocol] == "chat");
            for (auto const& m : sent)
                c->send(m.second, m.first);
            c->close();
        }
        REQUIRE(srv.wait_for_messages(sent.size(), 10s));
        auto got = srv.messages();
        REQUIRE(got.size() == sent.size());
        for (std::size_t i = 0; i < sent.size(); ++i)
        {
            CHECK(got[i].text == sent[i].first);
            CHECK(got[i].payload == sent[i].second);
            CHECK(got[i].connection == 1);
        }
        REQUIRE(srv.wait_for_closed(1, 10s));
        auto ev = srv.events();
        REQUIRE(ev.size() == 2);
        CHECK(ev[0]["path"] == "/post/ws");
        CHECK(ev[0]["subprotocol"] == "chat");
        bool ua = false;
        for (auto const& h : ev[0]["headers"])
            if (wsout_test::ts_detail::iequals(h[0].get<std::string>(), "user-agent") &&
                h[1] == "test-client")
                ua = true;
        CHECK(ua);
        CHECK(ev[1]["code"] == 1000);
        CHECK(ev[1]["messages"] == sent.size());
    }
}

TEST_CASE("third-party servers: --expect exits on its own, --close-after closes", "[external]")
{
    using wsout_test::server_kind;
    for (auto kind : {server_kind::python_websockets, server_kind::node_ws, server_kind::python_autobahn})
    {
        INFO(wsout_test::to_string(kind));
        {
            wsout_test::external_server srv(kind, {"--expect", "2"});
            auto c = connected(srv.port());
            c->send("1", true);
            c->send("2", true);
            c->close();
            CHECK(srv.process().wait(10s) == std::optional<int>(0));
        }
        {
            wsout_test::external_server srv(kind, {"--close-after", "1", "--close-code", "4000"});
            auto c = connected(srv.port());
            c->send("1", true);
            std::string s;
            CHECK(c->read(s) == websocket::error::closed);
            CHECK(c->ws.reason().code == 4000);
        }
    }
}

// ---------------------------------------------------------------------------
// The wsout-sink example (examples/wsout-sink), end to end
// ---------------------------------------------------------------------------
#ifdef WSOUT_SINK_PATH

namespace {
// Starts wsout-sink with `args` and returns its port (from "listening on ...").
unsigned short sink_port(wsout_test::child_process& p)
{
    auto line = p.read_line(10s);
    REQUIRE(line);
    auto const prefix = std::string("listening on 127.0.0.1:");
    REQUIRE(line->rfind(prefix, 0) == 0);
    return static_cast<unsigned short>(std::stoi(line->substr(prefix.size())));
}
} // namespace

TEST_CASE("wsout-sink counts and prints, exits after --expect", "[sink]")
{
    wsout_test::child_process sink({WSOUT_SINK_PATH, "--port", "0", "--print", "--expect", "3"});
    auto const port = sink_port(sink);
    {
        client other(port);
        CHECK(other.handshake(port, "/elsewhere") == websocket::error::upgrade_declined);
        CHECK(other.response.result_int() == 404);
    }
    auto c = connected(port);
    c->send("{\"temp_c\": 21.5}", true);
    c->send(std::string("\x00ok\n", 4), false);
    c->send("", true);
    c->close();
    CHECK(sink.wait(10s) == std::optional<int>(0));
    auto const out = sink.read_all(5s);
    CHECK(out.find("connection 1 from 127.0.0.1:") != std::string::npos);
    CHECK(out.find("refused: 404 for /elsewhere") != std::string::npos);
    CHECK(out.find("connection 2 opened from 127.0.0.1:") != std::string::npos);
    CHECK(out.find("[2] text 16 B: {\"temp_c\": 21.5}\n") != std::string::npos);
    CHECK(out.find("[2] binary 4 B: \\x00ok\\x0a\n") != std::string::npos);
    CHECK(out.find("[2] text 0 B: \n") != std::string::npos);
    CHECK(out.find("connection 2 closed (code 1000): 3 messages, 20 bytes") != std::string::npos);
    CHECK(out.find("summary: 3 messages, 20 bytes, 2 connections") != std::string::npos);
}

TEST_CASE("wsout-sink closes clients with 1001 on SIGTERM", "[sink]")
{
    wsout_test::child_process sink({WSOUT_SINK_PATH, "--port", "0", "--quiet"});
    auto const port = sink_port(sink);
    auto c = connected(port);
    c->send("one", false);
    std::this_thread::sleep_for(100ms);
    auto const t0 = clock_type::now();
    sink.signal(SIGTERM);
    std::string s;
    CHECK(c->read(s) == websocket::error::closed);
    CHECK(c->ws.reason().code == 1001);
    CHECK(sink.wait(10s) == std::optional<int>(0));
    CHECK(seconds_since(t0) < 3.0);
    auto const out = sink.read_all(5s);
    CHECK(out.find("connection 1") == std::string::npos); // --quiet
    CHECK(out.find("summary: 1 message, 3 bytes, 1 connection") != std::string::npos);
}

TEST_CASE("wsout-sink: usage errors exit 2, --expect not reached exits 1", "[sink]")
{
    for (auto const& bad : std::vector<std::vector<std::string>>{
             {"--port", "70000"}, {"--port"}, {"--expect", "0"}, {"--path", "nope"}, {"--bogus"}})
    {
        std::vector<std::string> argv{WSOUT_SINK_PATH};
        argv.insert(argv.end(), bad.begin(), bad.end());
        auto r = wsout_test::run_and_capture(argv, "", 10s);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("wsout-sink: ") == 0);
        CHECK(r.err.find("usage:") != std::string::npos);
    }
    wsout_test::child_process sink({WSOUT_SINK_PATH, "--port", "0", "--expect", "5"});
    sink_port(sink);
    sink.signal(SIGINT);
    // Once (under TSan, in a loaded CI run) this did not see status 1
    // within 10 s: tell a sink that did not exit from a wrong status.
    auto const status = sink.wait(30s);
    REQUIRE(status.has_value());
    CHECK(*status == 1);
}
#endif // WSOUT_SINK_PATH
