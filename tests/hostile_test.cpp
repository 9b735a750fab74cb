// Hostile and broken servers (issue 8): every case ends the connection (or the
// handshake) with its specific error, within a bounded time, and the output
// recovers through its reconnect policy when the server behaves again.
//
// Servers: the in-process ws_server (tests/support/test_server.hpp) with raw
// frames built by make_frame(), and, for handshake answers ws_server cannot
// produce, a raw-bytes HTTP server written here with plain Asio.

#include <wsout/websocket_output.hpp>

#include "support/catch.hpp"
#include "support/io_thread.hpp"
#include "support/test_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace net = boost::asio;
using wsout_test::close_payload;
using wsout_test::make_frame;

namespace {

using wsout_test::contains;
using wsout_test::io_thread;
using wsout_test::wait_until;

using clock_type = std::chrono::steady_clock;

/// WSOUT_TEST_TIME_SCALE (default 1) stretches the generous timeouts and
/// waits of these tests, for slow runs such as valgrind (tests/valgrind/run.sh
/// sets 10). The timeouts under test (handshake timeout vs a slow server,
/// pong timeout) keep their values; only the bounds checked around them grow.
std::chrono::milliseconds scaled(std::chrono::milliseconds d)
{
    static long const scale = [] {
        char const* v = std::getenv("WSOUT_TEST_TIME_SCALE");
        long n = v ? std::atol(v) : 1;
        return n < 1 ? 1L : n;
    }();
    return d * scale;
}

wsout::config config_for(std::string const& url)
{
    wsout::config cfg;
    cfg.url = url;
    cfg.timeouts.connect = scaled(5000ms);
    cfg.timeouts.handshake = scaled(3000ms);
    cfg.timeouts.close = scaled(3000ms);
    cfg.backoff.initial_interval = 10ms;
    cfg.backoff.max_interval = 50ms;
    return cfg;
}

/** A server that answers the upgrade request with bytes chosen by the test.

    `respond(key)` gets the request's Sec-WebSocket-Key and returns what to
    write; the connection is then held open (reading and discarding) until
    the client closes it or the server stops. One io thread, port 0.
*/
class raw_http_server
{
public:
    using responder = std::function<std::string(std::string const& key)>;

    explicit raw_http_server(responder respond)
        : respond_(std::move(respond))
    {
        acceptor_.open(net::ip::tcp::v4());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        do_accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }

    ~raw_http_server()
    {
        net::post(ioc_, [this] {
            boost::system::error_code ec;
            acceptor_.close(ec);
            for (auto& c : conns_)
                c->sock.close(ec);
        });
        work_.reset();
        // Everything is closed above; run() returns once handlers drain.
        if (thread_.joinable())
            thread_.join();
    }

    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/post/ws"; }
    std::size_t connections() const { return accepted_.load(); }

    /// Beast's own Sec-WebSocket-Accept computation (independent of wsout's).
    static std::string accept_for(std::string const& key)
    {
        boost::beast::websocket::detail::sec_ws_accept_type acc;
        boost::beast::websocket::detail::make_sec_ws_accept(acc, key);
        return std::string(acc.data(), acc.size());
    }

private:
    struct conn
    {
        explicit conn(net::io_context& ioc)
            : sock(ioc)
        {}
        net::ip::tcp::socket sock;
        net::streambuf buf;
        std::string out;
        char sink[4096];
    };

    void do_accept()
    {
        auto c = std::make_shared<conn>(ioc_);
        acceptor_.async_accept(c->sock, [this, c](boost::system::error_code ec) {
            if (ec)
                return;
            ++accepted_;
            conns_.push_back(c);
            net::async_read_until(c->sock, c->buf, "\r\n\r\n",
                                  [this, c](boost::system::error_code ec2, std::size_t n) {
                                      if (ec2)
                                          return;
                                      std::string head(net::buffers_begin(c->buf.data()),
                                                       net::buffers_begin(c->buf.data()) + n);
                                      std::string key;
                                      auto pos = head.find("Sec-WebSocket-Key: ");
                                      if (pos != std::string::npos)
                                      {
                                          auto end = head.find("\r\n", pos);
                                          key = head.substr(pos + 19, end - (pos + 19));
                                      }
                                      c->out = respond_(key);
                                      net::async_write(c->sock, net::buffer(c->out),
                                                       [this, c](boost::system::error_code ec3, std::size_t) {
                                                           if (!ec3)
                                                               drain(c);
                                                       });
                                  });
            do_accept();
        });
    }

    void drain(std::shared_ptr<conn> c)
    {
        c->sock.async_read_some(net::buffer(c->sink), [this, c](boost::system::error_code ec, std::size_t) {
            if (!ec)
                drain(c);
        });
    }

    responder respond_;
    net::io_context ioc_;
    net::executor_work_guard<net::io_context::executor_type> work_{ioc_.get_executor()};
    net::ip::tcp::acceptor acceptor_{ioc_};
    std::vector<std::shared_ptr<conn>> conns_;
    std::atomic<std::size_t> accepted_{0};
    unsigned short port_ = 0;
    std::thread thread_;
};

std::string good_101(std::string const& key, std::string const& extra = {})
{
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " +
           raw_http_server::accept_for(key) + "\r\n" + extra + "\r\n";
}

/** Connects, lets the server send `bytes` after one good message, and checks
    that the output drops the connection with `expected` (and `what` in the
    failure text), reconnects, and delivers the next message on connection 2.
*/
void expect_connection_failed(std::string const& bytes,
                              wsout::error_code expected,
                              std::string const& what,
                              std::size_t max_inbound = std::size_t(16) << 20)
{
    wsout_test::ws_server server;
    io_thread io;
    auto cfg = config_for(server.url());
    cfg.max_inbound_message_bytes = max_inbound;
    wsout::plain_output out(io.ioc, cfg);
    out.connect();
    out.write("before");
    REQUIRE(server.wait_for_messages(1, scaled(3000ms)));

    auto start = clock_type::now();
    server.send_raw(bytes);
    REQUIRE(wait_until([&] { return out.stats().output_connection_lost >= 1; }, scaled(3000ms)));
    CHECK(clock_type::now() - start < scaled(2000ms));
    auto st = out.stats();
    CHECK(st.last_error == expected);
    auto f = out.last_failure();
    CHECK(f.code == expected);
    CHECK_FALSE(f.while_connecting);
    INFO("failure text: " << f.message);
    CHECK(contains(f.message, what));

    // The reconnect policy applies; the second connection is well behaved.
    REQUIRE(wait_until([&] { return out.stats().output_connection_up >= 2; }, scaled(3000ms)));
    out.write("after");
    out.close();
    REQUIRE(server.wait_for_messages(2, scaled(3000ms)));
    auto msgs = server.messages();
    CHECK(msgs.back().payload == "after");
    CHECK(msgs.back().connection == 2);
    st = out.stats();
    CHECK(st.output_connection_lost == 1);
    CHECK(st.output_connection_up == 2);
    CHECK(st.output_sent == 2);
    CHECK(st.output_error == 0);
}

} // namespace

//----------------------------------------------------------------------------
// Inbound frames

TEST_CASE("hostile frames end the connection with protocol_violation, then the output reconnects",
          "[hostile][frames]")
{
    using wsout::error;
    namespace ts = wsout_test;
    wsout::error_code const pv = error::protocol_violation;

    SECTION("masked frame from the server")
    {
        ts::frame_options o;
        o.mask = true;
        expect_connection_failed(make_frame(ts::op_binary, "abc", o), pv, "masked");
    }
    SECTION("reserved bit RSV1 on a data frame (no extension negotiated)")
    {
        ts::frame_options o;
        o.rsv = 4;
        expect_connection_failed(make_frame(ts::op_text, "x", o), pv, "reserved bits");
    }
    SECTION("reserved bit RSV3 on a control frame")
    {
        ts::frame_options o;
        o.rsv = 1;
        expect_connection_failed(make_frame(ts::op_ping, "x", o), pv, "reserved bits");
    }
    SECTION("unknown data opcode 0x3")
    {
        expect_connection_failed(make_frame(0x3, "x"), pv, "unknown opcode");
    }
    SECTION("unknown control opcode 0xB")
    {
        expect_connection_failed(make_frame(0xB, ""), pv, "unknown opcode");
    }
    SECTION("fragmented control frame")
    {
        ts::frame_options o;
        o.fin = false;
        expect_connection_failed(make_frame(ts::op_ping, "half", o), pv, "fragmented control");
    }
    SECTION("control frame longer than 125 bytes")
    {
        expect_connection_failed(make_frame(ts::op_ping, std::string(126, 'p')), pv, "125");
    }
    SECTION("continuation without a start")
    {
        expect_connection_failed(make_frame(ts::op_continuation, "orphan"), pv, "continuation");
    }
    SECTION("a new message inside a fragmented one")
    {
        ts::frame_options o;
        o.fin = false;
        expect_connection_failed(make_frame(ts::op_text, "a", o) + make_frame(ts::op_binary, "b"), pv,
                                 "before the previous one finished");
    }
    SECTION("invalid UTF-8 in a text message")
    {
        expect_connection_failed(make_frame(ts::op_text, "ok \xC3\x28 bad"), pv, "UTF-8");
    }
    SECTION("UTF-8 surrogate (CESU) in a text message")
    {
        expect_connection_failed(make_frame(ts::op_text, "\xED\xA0\x80"), pv, "UTF-8");
    }
    SECTION("text message ending inside a character")
    {
        expect_connection_failed(make_frame(ts::op_text, "\xE2\x82"), pv, "UTF-8");
    }
    SECTION("invalid close codes")
    {
        for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535})
        {
            INFO("close code " << code);
            expect_connection_failed(make_frame(ts::op_close, close_payload(code)), pv, "invalid close code");
        }
    }
    SECTION("close reason that is not UTF-8")
    {
        expect_connection_failed(make_frame(ts::op_close, close_payload(1000, "\xFF")), pv, "UTF-8");
    }
    SECTION("close frame with a 1-byte payload")
    {
        expect_connection_failed(make_frame(ts::op_close, std::string(1, '\x03')), pv, "one-byte");
    }
    SECTION("64-bit length with the most significant bit set")
    {
        ts::frame_options o;
        o.declared_length = (std::uint64_t(1) << 63) | 5;
        expect_connection_failed(make_frame(ts::op_binary, "", o), pv, "most significant bit");
    }
}

TEST_CASE("inbound messages larger than max_inbound_message_bytes end the connection",
          "[hostile][frames][limits]")
{
    wsout::error_code const big = wsout::error::inbound_message_too_big;
    namespace ts = wsout_test;
    SECTION("one frame over the limit")
    {
        expect_connection_failed(make_frame(ts::op_binary, std::string(1001, 'b')), big,
                                 "max_inbound_message_bytes", 1000);
    }
    SECTION("announced but never sent: refused at the header, nothing buffered")
    {
        ts::frame_options o;
        o.declared_length = std::uint64_t(1) << 40; // 1 TiB, without the bytes
        expect_connection_failed(make_frame(ts::op_binary, "", o), big, "max_inbound_message_bytes", 1000);
    }
    SECTION("fragments that add up to more than the limit")
    {
        ts::frame_options first;
        first.fin = false;
        expect_connection_failed(make_frame(ts::op_text, std::string(600, 'a'), first) +
                                     make_frame(ts::op_continuation, std::string(600, 'a')),
                                 big, "max_inbound_message_bytes", 1000);
    }
}

TEST_CASE("well-formed inbound traffic at the limits is accepted (controls for the cases above)",
          "[hostile][frames]")
{
    namespace ts = wsout_test;
    wsout_test::ws_server server;
    io_thread io;
    auto cfg = config_for(server.url());
    cfg.max_inbound_message_bytes = 1000;
    wsout::plain_output out(io.ioc, cfg);
    out.connect();
    REQUIRE(server.wait_for_upgrades(1, scaled(3000ms)));
    ts::frame_options more;
    more.fin = false;
    std::string bytes = make_frame(ts::op_binary, std::string(1000, 'x')) // exactly the limit
                        + make_frame(ts::op_text, "h\xC3", more)          // a character split
                        + make_frame(ts::op_ping, std::string(125, 'p'))  // control between fragments
                        + make_frame(ts::op_continuation, "\xA9 \xF0\x9F\x98\x80") // ... completed
                        + make_frame(ts::op_text, "")                              // empty text
                        + make_frame(ts::op_pong, "unsolicited");
    server.send_raw(bytes);
    REQUIRE(wait_until([&] { return out.stats().inbound_messages >= 3; }, scaled(3000ms)));
    out.write("still here");
    out.close();
    REQUIRE(server.wait_for_messages(1, scaled(3000ms)));
    auto st = out.stats();
    CHECK(st.inbound_messages == 3);
    CHECK(st.output_connection_lost == 0);
    CHECK(st.output_connection_up == 1);
    CHECK(server.connection_count() == 1);
}

//----------------------------------------------------------------------------
// The handshake

TEST_CASE("a 3xx redirect is an error naming the status and the location, not followed",
          "[hostile][handshake]")
{
    wsout_test::ws_server elsewhere;
    wsout_test::ws_server_options opts;
    opts.handshake = wsout_test::handshake_behavior::reject;
    for (unsigned status : {301u, 302u, 307u, 308u})
    {
        opts.reject_status = status;
        opts.response_headers = {{"Location", elsewhere.url("/moved")}};
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        INFO("status " << status);
        CHECK(ec.category() == wsout::http_status_category());
        CHECK(ec.value() == static_cast<int>(status));
        CHECK(ec == wsout::condition::handshake_rejected);
        auto f = out.last_failure();
        INFO("failure text: " << f.message);
        CHECK(f.step == wsout::transport::connect_step::ws_handshake);
        CHECK(contains(f.message, std::to_string(status)));
        CHECK(contains(f.message, elsewhere.url("/moved")));
        CHECK(contains(f.message, "not followed"));
        CHECK(server.connection_count() == 1);
    }
    CHECK(elsewhere.connection_count() == 0);
}

TEST_CASE("bad upgrade answers give their specific errors", "[hostile][handshake]")
{
    using hb = wsout_test::handshake_behavior;
    SECTION("wrong Sec-WebSocket-Accept")
    {
        wsout_test::ws_server_options opts;
        opts.handshake = hb::wrong_accept;
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::bad_accept_key);
        CHECK(ec == wsout::condition::permanent);
        CHECK(out.last_failure().step == wsout::transport::connect_step::ws_handshake);
    }
    SECTION("a subprotocol selected although none was offered")
    {
        wsout_test::ws_server_options opts;
        opts.forced_subprotocol = "evil";
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::bad_subprotocol);
    }
    SECTION("a subprotocol other than the offered ones")
    {
        wsout_test::ws_server_options opts;
        opts.forced_subprotocol = "chat.v2";
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        auto cfg = config_for(server.url());
        cfg.subprotocols = {"chat", "chat.v1"};
        wsout::plain_output out(ioc, cfg);
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::bad_subprotocol);
    }
    SECTION("garbage instead of HTTP")
    {
        for (std::string garbage :
             {std::string("SSH-2.0-OpenSSH_9.2\r\n\x01\x02\x03\r\n\r\n"),
              std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade websocket\r\n\r\n"),
              std::string("HTTP/1.1 1x1 OK\r\n\r\n"), std::string("\x16\x03\x01\x02\x05hello\r\n\r\n")})
        {
            wsout_test::ws_server_options opts;
            opts.handshake = hb::garbage;
            opts.garbage = garbage;
            wsout_test::ws_server server(opts);
            net::io_context ioc;
            wsout::plain_output out(ioc, config_for(server.url()));
            auto start = clock_type::now();
            wsout::error_code ec;
            out.connect(ec);
            INFO("garbage: " << garbage);
            CHECK(ec == wsout::error::bad_http_response);
            CHECK(clock_type::now() - start < scaled(2000ms));
        }
    }
    SECTION("the connection closed instead of an answer")
    {
        wsout_test::ws_server_options opts;
        opts.handshake = hb::drop;
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::bad_http_response);
    }
    SECTION("101 without Upgrade: websocket, or over HTTP/1.0, or with an unoffered extension")
    {
        struct
        {
            raw_http_server::responder respond;
            wsout::error expected;
        } cases[] = {
            {[](std::string const& key) {
                 return "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
                        raw_http_server::accept_for(key) + "\r\n\r\n";
             },
             wsout::error::bad_upgrade_response},
            {[](std::string const& key) {
                 return "HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: " +
                        raw_http_server::accept_for(key) + "\r\n\r\n";
             },
             wsout::error::bad_upgrade_response},
            {[](std::string const& key) {
                 return good_101(key, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
             },
             wsout::error::bad_extension},
        };
        for (auto& c : cases)
        {
            raw_http_server server(c.respond);
            net::io_context ioc;
            wsout::plain_output out(ioc, config_for(server.url()));
            wsout::error_code ec;
            out.connect(ec);
            CHECK(ec == c.expected);
        }
    }
}

TEST_CASE("the raw server's correct 101 is accepted (control for the raw cases)", "[hostile][handshake]")
{
    raw_http_server server([](std::string const& key) { return good_101(key); });
    net::io_context ioc;
    wsout::plain_output out(ioc, config_for(server.url()));
    wsout::error_code ec;
    out.connect(ec);
    CHECK_FALSE(ec);
    out.write("x", ec);
    CHECK_FALSE(ec);
}

TEST_CASE("a response header block larger than 16 KiB is refused as response_too_large",
          "[hostile][handshake][limits]")
{
    SECTION("one huge header")
    {
        raw_http_server server([](std::string const& key) {
            return good_101(key, "X-Big: " + std::string(17 * 1024, 'a') + "\r\n");
        });
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::response_too_large);
        CHECK(ec == wsout::condition::permanent);
    }
    SECTION("many small headers")
    {
        raw_http_server server([](std::string const& key) {
            std::string many;
            for (int i = 0; i < 3000; ++i)
                many += "X-" + std::to_string(i) + ": v\r\n";
            return good_101(key, many);
        });
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::response_too_large);
    }
    SECTION("a header block that never ends (endless headers streamed)")
    {
        raw_http_server server([](std::string const& key) {
            std::string s = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: " +
                            raw_http_server::accept_for(key) + "\r\n";
            while (s.size() < 64 * 1024)
                s += "X-Filler: " + std::string(100, 'f') + "\r\n";
            return s; // no blank line
        });
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::response_too_large);
    }
    SECTION("just under the limit is fine")
    {
        raw_http_server server([](std::string const& key) {
            return good_101(key, "X-Big: " + std::string(15 * 1024, 'a') + "\r\n");
        });
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        CHECK_FALSE(ec);
    }
}

TEST_CASE("a slow byte-by-byte 101: within the handshake timeout it succeeds, beyond it it times out",
          "[hostile][handshake][timeout]")
{
    // The 101 ws_server sends is about 130 bytes.
    SECTION("2 ms per byte, 5 s timeout: connects")
    {
        wsout_test::ws_server_options opts;
        opts.handshake = wsout_test::handshake_behavior::slow_accept;
        opts.byte_delay = 2ms;
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        auto cfg = config_for(server.url());
        cfg.timeouts.handshake = scaled(5000ms);
        wsout::plain_output out(ioc, cfg);
        auto start = clock_type::now();
        wsout::error_code ec;
        out.connect(ec);
        CHECK_FALSE(ec);
        // Really slow: the answer took at least 130 x 2 ms.
        CHECK(clock_type::now() - start >= 250ms);
        out.write("slow but fine", ec);
        CHECK_FALSE(ec);
        REQUIRE(server.wait_for_messages(1, scaled(3000ms)));
    }
    SECTION("30 ms per byte (about 4 s), 500 ms timeout: handshake_timeout on time")
    {
        wsout_test::ws_server_options opts;
        opts.handshake = wsout_test::handshake_behavior::slow_accept;
        opts.byte_delay = 30ms;
        wsout_test::ws_server server(opts);
        net::io_context ioc;
        auto cfg = config_for(server.url());
        cfg.timeouts.handshake = 500ms;
        wsout::plain_output out(ioc, cfg);
        auto start = clock_type::now();
        wsout::error_code ec;
        out.connect(ec);
        auto took = clock_type::now() - start;
        CHECK(ec == wsout::error::handshake_timeout);
        CHECK(ec == wsout::condition::timeout);
        CHECK(took >= 450ms);
        CHECK(took < scaled(2000ms));
    }
}

TEST_CASE("frames that arrive in the same packet as the 101 are parsed like any other",
          "[hostile][handshake][frames]")
{
    SECTION("a message right behind the 101 is counted")
    {
        raw_http_server server([](std::string const& key) {
            return good_101(key) + make_frame(wsout_test::op_text, "welcome") +
                   make_frame(wsout_test::op_ping, "p");
        });
        io_thread io;
        wsout::plain_output out(io.ioc, config_for(server.url()));
        out.connect();
        REQUIRE(wait_until([&] { return out.stats().inbound_messages >= 1; }, scaled(3000ms)));
        CHECK(out.stats().output_connection_lost == 0);
    }
    SECTION("a violation right behind the 101 drops the connection")
    {
        raw_http_server server([](std::string const& key) {
            return good_101(key) + make_frame(wsout_test::op_text, "\xC0\xAF");
        });
        io_thread io;
        wsout::plain_output out(io.ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        REQUIRE(wait_until([&] { return out.stats().output_connection_lost >= 1; }, scaled(3000ms)));
        CHECK(out.stats().last_error == wsout::error::protocol_violation);
        CHECK(contains(out.last_failure().message, "UTF-8"));
    }
}

//----------------------------------------------------------------------------
// Keepalive

TEST_CASE("a server that never answers pings is detected within keepalive.pong_timeout",
          "[hostile][keepalive]")
{
    wsout_test::ws_server_options opts;
    opts.auto_pong = false; // raw mode: frames are read, pings never answered
    wsout_test::ws_server server(opts);
    io_thread io;
    auto cfg = config_for(server.url());
    cfg.keepalive.ping_interval = 100ms;
    cfg.keepalive.pong_timeout = 200ms;
    wsout::plain_output out(io.ioc, cfg);
    out.connect();
    auto start = clock_type::now();
    REQUIRE(wait_until([&] { return out.stats().output_connection_lost >= 1; }, scaled(3000ms)));
    auto took = clock_type::now() - start;
    // ping after 100 ms of silence, dead 200 ms later; allow scheduling slack.
    CHECK(took >= 250ms);
    CHECK(took < scaled(1500ms));
    CHECK(out.stats().last_error == wsout::error::pong_timeout);
    CHECK(out.last_failure().code == wsout::error::pong_timeout);
    // Reconnects (the next connection is just as deaf, and is dropped too).
    REQUIRE(wait_until([&] { return out.stats().output_connection_up >= 2; }, scaled(3000ms)));
}

TEST_CASE("a server that answers pings keeps the connection (control for the pong timeout)",
          "[hostile][keepalive][timing]")
{
    wsout_test::ws_server server; // Beast answers pings
    io_thread io;
    auto cfg = config_for(server.url());
    cfg.keepalive.ping_interval = 100ms;
    cfg.keepalive.pong_timeout = 200ms;
    wsout::plain_output out(io.ioc, cfg);
    out.connect();
    REQUIRE(server.wait_for_pings(3, scaled(3000ms)));
    std::this_thread::sleep_for(300ms);
    auto st = out.stats();
    CHECK(st.output_connection_lost == 0);
    CHECK(st.output_connection_up == 1);
    out.close();
}

//----------------------------------------------------------------------------
// Regressions found by the fuzzers (tests/fuzz)

TEST_CASE("config text with a number that overflows a double is a config_error, not a JSON exception",
          "[hostile][config][fuzz-regression]")
{
    // fuzz_config: nlohmann's out_of_range.406 escaped parse_config.
    for (char const* text : {R"({"max_in_flight": 1e400})", R"({"oauth": 111111111111111e1111111112})",
                             R"({"websocket": {"timeouts": {"connect": -1e999}}})"})
    {
        INFO(text);
        try
        {
            (void)wsout::parse_config(std::string_view(text),
                                      [](std::string const&) { return std::optional<std::string>{}; });
            FAIL("parse_config accepted an overflowing number");
        }
        catch (wsout::config_error const& e)
        {
            CHECK_FALSE(std::string(e.what()).empty());
        }
        catch (std::exception const& e)
        {
            FAIL("parse_config threw something else than config_error: " << e.what());
        }
    }
}

TEST_CASE("a status code of 000 is not a successful upgrade", "[hostile][handshake][fuzz-regression]")
{
    // fuzz_handshake: make_http_status_error(0) is a zero error_code, i.e.
    // success, so "HTTP/1.1 000" skipped every check of the 101.
    for (char const* answer : {"HTTP/1.1 000 Switching Protocols\r\n\r\n",
                               "HTTP/1.1 000 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"})
    {
        raw_http_server server([answer](std::string const&) { return std::string(answer); });
        net::io_context ioc;
        wsout::plain_output out(ioc, config_for(server.url()));
        wsout::error_code ec;
        out.connect(ec);
        INFO(answer);
        CHECK(ec);
        CHECK(out.stats().output_connection_up == 0);
    }
}
