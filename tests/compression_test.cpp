// permessage-deflate (RFC 7692, `compression: true`): the handshake answer
// checks, the compressor and decompressor, and real servers that decompress
// what wsout sends (python3-websockets 10.4, python3-autobahn, Beast's server
// in tests/support/test_server.hpp) and send compressed messages back (their
// echo), hostile compressed frames (zip bomb, corrupt data, bad UTF-8 after
// inflation), the reconnect path and wsout-cat with a config file.

#include <wsout/detail/deflate.hpp>
#include <wsout/detail/frame.hpp>
#include <wsout/websocket_output.hpp>

#include "support/catch.hpp"
#include "support/external_server.hpp"
#include "support/io_thread.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>
#include <unistd.h>

using namespace std::chrono_literals;
namespace net = boost::asio;
using wsout::detail::check_pmd_response;
using wsout::detail::frame_parser;
using wsout::detail::pmd_config;

namespace {

using wsout_test::contains;
using wsout_test::io_thread;
using wsout_test::wait_until;

using clock_type = std::chrono::steady_clock;

/// Compressible JSON-like text (ASCII, so valid UTF-8), `n` bytes.
std::string json_like(std::size_t n, unsigned seed)
{
    std::minstd_rand rng(seed);
    std::string s;
    s.reserve(n + 128);
    while (s.size() < n)
        s += "{\"id\":" + std::to_string(rng() % 100000) + ",\"sensor\":\"temp-" +
             std::to_string(rng() % 64) + "\",\"value\":" + std::to_string(rng() % 1000) + "." +
             std::to_string(rng() % 10) + ",\"ok\":true},";
    s.resize(n);
    return s;
}

/// Binary payload: half random bytes (incompressible), half repetitive.
std::string binary_blob(std::size_t n, unsigned seed)
{
    std::minstd_rand rng(seed);
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>((i / 512) % 2 ? rng() & 0xFF : i % 7);
    return s;
}

/// The bytes the server received on connection `conn` (its close event,
/// from the raw socket: proves the wire carried compressed bytes); -1 if
/// the close event did not come within 10 s.
long long wire_bytes(wsout_test::external_server const& srv, std::size_t conn)
{
    long long n = -1;
    wait_until(
        [&] {
            for (auto const& e : srv.events())
                if (e.at("event") == "close" && e.at("conn") == conn && e.contains("wire_bytes"))
                    n = e.at("wire_bytes").get<long long>();
            return n >= 0;
        },
        10s);
    return n;
}

struct log_capture
{
    std::mutex m;
    std::vector<std::string> lines;

    wsout::log_hook hook()
    {
        return [this](wsout::log_level l, std::string_view s) {
            std::lock_guard<std::mutex> lk(m);
            lines.push_back(std::string(wsout::to_string(l)) + ": " + std::string(s));
        };
    }
    bool has(std::string const& part)
    {
        std::lock_guard<std::mutex> lk(m);
        for (auto const& l : lines)
            if (contains(l, part))
                return true;
        return false;
    }
    std::string all()
    {
        std::lock_guard<std::mutex> lk(m);
        std::string s;
        for (auto const& l : lines)
            s += l + "\n";
        return s;
    }
};

wsout::config config_for(std::string const& url)
{
    wsout::config cfg;
    cfg.url = url;
    cfg.compression = true;
    cfg.timeouts.connect = 10s;
    cfg.timeouts.handshake = 10s;
    cfg.timeouts.close = 10s;
    cfg.backoff.initial_interval = 10ms;
    cfg.backoff.max_interval = 50ms;
    return cfg;
}

std::vector<std::size_t> const sizes = {0, 1, 125, 126, 64 * 1024, 1024 * 1024};

/** Sends every size as text or binary (in order, plus `repeat` rounds of
    1 KiB JSON to exercise context takeover), checks the server received
    them byte-exact; with `echo` also waits for the compressed echoes.
*/
void round_trip(wsout_test::server_kind kind, std::vector<std::string> args, bool expect_compressed)
{
    using wsout_test::external_server;
    bool const echo = std::find(args.begin(), args.end(), "--echo") != args.end();
    for (bool text : {true, false})
    {
        DYNAMIC_SECTION((text ? "text" : "binary"))
        {
            external_server srv(kind, args);
            io_thread io;
            auto cfg = config_for(srv.url());
            cfg.message_type = text ? wsout::message_kind::text : wsout::message_kind::binary;
            wsout::plain_output out(io.ioc, cfg);
            log_capture logs;
            out.set_log_hook(logs.hook());
            out.connect();
            std::vector<std::string> sent;
            for (std::size_t i = 0; i < sizes.size(); ++i)
                sent.push_back(text ? json_like(sizes[i], static_cast<unsigned>(i + 1))
                                    : binary_blob(sizes[i], static_cast<unsigned>(i + 1)));
            for (int r = 0; r < 50; ++r)
                sent.push_back(json_like(1024, static_cast<unsigned>(100 + r)));
            long long payload = 0;
            for (auto const& m : sent)
            {
                out.write(m);
                payload += static_cast<long long>(m.size());
            }
            REQUIRE(srv.wait_for_messages(sent.size(), 30s));
            if (echo)
                CHECK(wait_until([&] { return out.stats().inbound_messages >= sent.size(); }, 30s));
            out.close();
            INFO(logs.all());
            auto written = wire_bytes(srv, 1);
            auto got = srv.messages();
            REQUIRE(got.size() == sent.size());
            for (std::size_t i = 0; i < sent.size(); ++i)
            {
                INFO("message " << i << " of " << sent[i].size() << " bytes");
                CHECK(got[i].text == text);
                CHECK(got[i].connection == 1);
                CHECK(got[i].payload == sent[i]);
            }
            auto st = out.stats();
            CHECK(st.output_sent == sent.size());
            CHECK(st.output_error == 0);
            CHECK(st.output_connection_lost == 0);
            // The wire carried compressed bytes: JSON compresses more than
            // 3:1; the binary blob (half random) about 2:1.
            INFO("payload " << payload << " bytes, written " << written);
            if (expect_compressed)
            {
                CHECK(logs.has("info: permessage-deflate agreed"));
                CHECK(written < payload * (text ? 1 : 3) / (text ? 3 : 4));
            }
            else
                CHECK(written > payload);
        }
    }
}

} // namespace

//----------------------------------------------------------------------------
// The handshake answer (RFC 7692 section 7)

TEST_CASE("permessage-deflate answers are checked as RFC 7692 section 7 says", "[compression][handshake]")
{
    struct good
    {
        char const* header;
        pmd_config expect;
    };
    auto cfg = [](int cbits, int sbits, bool cnct, bool snct) {
        pmd_config c;
        c.enabled = true;
        c.client_max_window_bits = cbits;
        c.server_max_window_bits = sbits;
        c.client_no_context_takeover = cnct;
        c.server_no_context_takeover = snct;
        return c;
    };
    good goods[] = {
        {"permessage-deflate", cfg(15, 15, false, false)},
        {"PerMessage-Deflate", cfg(15, 15, false, false)},
        {"permessage-deflate; client_max_window_bits=12; server_max_window_bits=12",
         cfg(12, 12, false, false)},
        {"permessage-deflate;server_max_window_bits=\"10\";client_max_window_bits=9",
         cfg(9, 10, false, false)},
        {"permessage-deflate; client_no_context_takeover; server_no_context_takeover",
         cfg(15, 15, true, true)},
        {" permessage-deflate ; server_max_window_bits = 8 ,", cfg(15, 8, false, false)},
        {"permessage-deflate; client_max_window_bits=8", cfg(8, 15, false, false)},
    };
    for (auto const& g : goods)
    {
        INFO(g.header);
        pmd_config got;
        std::string why;
        CHECK_FALSE(check_pmd_response(g.header, got, why));
        CHECK(got.enabled);
        CHECK(got.client_max_window_bits == g.expect.client_max_window_bits);
        CHECK(got.server_max_window_bits == g.expect.server_max_window_bits);
        CHECK(got.client_no_context_takeover == g.expect.client_no_context_takeover);
        CHECK(got.server_no_context_takeover == g.expect.server_no_context_takeover);
    }
    {
        pmd_config got;
        std::string why;
        CHECK_FALSE(check_pmd_response("", got, why));
        CHECK_FALSE(got.enabled);
    }
    struct bad
    {
        char const* header;
        char const* why;
    };
    bad bads[] = {
        {"x-webkit-deflate-frame", "\"x-webkit-deflate-frame\", which was not offered"},
        {"permessage-deflate, permessage-deflate", "twice"},
        {"permessage-deflate; foo", "unknown permessage-deflate parameter foo"},
        {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", "duplicate"},
        {"permessage-deflate; server_max_window_bits=12; server_max_window_bits=12", "duplicate"},
        {"permessage-deflate; server_max_window_bits=7", "must be an integer in 8..15, got \"7\""},
        {"permessage-deflate; server_max_window_bits=16", "must be an integer in 8..15"},
        {"permessage-deflate; server_max_window_bits=010", "must be an integer in 8..15"},
        {"permessage-deflate; server_max_window_bits", "got no value"},
        {"permessage-deflate; client_max_window_bits", "got no value"},
        {"permessage-deflate; client_max_window_bits=abc", "must be an integer in 8..15"},
        {"permessage-deflate; client_no_context_takeover=1", "must not have a value"},
        {"permessage-deflate; server_max_window_bits=\"10", "malformed quoted value"},
        {"permessage-deflate; ;", "malformed permessage-deflate parameter"},
        {"permessage-deflate x", "malformed Sec-WebSocket-Extensions header"},
        {"=", "malformed Sec-WebSocket-Extensions header"},
    };
    for (auto const& b : bads)
    {
        INFO(b.header);
        pmd_config got;
        std::string why;
        CHECK(check_pmd_response(b.header, got, why) == wsout::error::bad_extension);
        CHECK_FALSE(got.enabled);
        INFO(why);
        CHECK(contains(why, b.why));
    }
}

TEST_CASE("bad extension answers from a server fail the handshake with bad_extension",
          "[compression][handshake]")
{
    struct
    {
        bool compression;
        char const* header;
        char const* detail;
    } cases[] = {
        {true, "permessage-deflate; server_max_window_bits=7", "must be an integer in 8..15"},
        {true, "permessage-deflate; server_max_window_bits=16", "must be an integer in 8..15"},
        {true, "permessage-deflate; mystery=1", "unknown permessage-deflate parameter mystery"},
        {true, "permessage-deflate; client_no_context_takeover; client_no_context_takeover", "duplicate"},
        {true, "x-unknown-extension", "which was not offered"},
        {false, "permessage-deflate", "none was offered (compression is off)"},
    };
    for (auto const& c : cases)
    {
        INFO(c.header << " compression " << c.compression);
        wsout_test::ws_server_options o;
        o.response_headers = {{"Sec-WebSocket-Extensions", c.header}};
        wsout_test::ws_server server(o);
        net::io_context ioc;
        auto cfg = config_for(server.url());
        cfg.compression = c.compression;
        wsout::plain_output out(ioc, cfg);
        wsout::error_code ec;
        out.connect(ec);
        CHECK(ec == wsout::error::bad_extension);
        auto f = out.last_failure();
        INFO(f.message);
        CHECK(f.while_connecting);
        CHECK(contains(f.message, c.detail));
        // What was offered: exactly our offer, only with compression on.
        REQUIRE(server.wait_for_connections(1, 5s));
        auto req = server.connection(1).request;
        std::string offered;
        for (auto const& h : req.headers)
            if (wsout::detail::iequals(h.first, "Sec-WebSocket-Extensions"))
                offered = h.second;
        CHECK(offered == (c.compression ? "permessage-deflate; client_max_window_bits" : ""));
    }
}

//----------------------------------------------------------------------------
// The compressor and decompressor against each other, through the frame parser

TEST_CASE("compressed frames go through the parser: context takeover, fragments, limits",
          "[compression][frames]")
{
    using event = frame_parser::event;
    auto server_frames = [](wsout::detail::deflater& z, std::string const& msg, std::uint8_t op,
                            std::size_t fragments) {
        std::vector<unsigned char> buf;
        z.compress(reinterpret_cast<unsigned char const*>(msg.data()), msg.size(), buf);
        std::string payload(reinterpret_cast<char const*>(buf.data()), z.size());
        std::string out;
        std::size_t step = payload.size() / fragments + 1;
        for (std::size_t i = 0, f = 0; f == 0 || i < payload.size(); i += step, ++f)
        {
            wsout_test::frame_options o;
            o.fin = i + step >= payload.size();
            o.rsv = f == 0 ? 4 : 0;
            out += wsout_test::make_frame(f == 0 ? op : std::uint8_t(wsout_test::op_continuation),
                                          payload.substr(i, step), o);
        }
        return out;
    };
    auto parse_all = [](frame_parser& p, std::string const& bytes, std::vector<event>& evs) {
        auto const* d = reinterpret_cast<unsigned char const*>(bytes.data());
        std::size_t pos = 0;
        while (pos < bytes.size())
        {
            std::size_t used = 0;
            auto ev = p.parse(d + pos, bytes.size() - pos, used);
            pos += used;
            if (ev != event::need_more)
                evs.push_back(ev);
            if (ev == event::error)
                return;
        }
    };
    for (bool takeover : {true, false})
    {
        DYNAMIC_SECTION("context takeover " << takeover)
        {
            wsout::detail::deflater z;
            z.start(6, 10, 8, !takeover);
            frame_parser p(1 << 20, true, !takeover);
            std::vector<event> evs;
            for (int i = 0; i < 20; ++i)
            {
                auto msg = json_like(static_cast<std::size_t>(i) * 997, static_cast<unsigned>(i));
                parse_all(p, server_frames(z, msg, wsout_test::op_text, 1 + i % 4), evs);
            }
            CHECK(evs == std::vector<event>(20, event::message));
        }
    }
    SECTION("a zip bomb stops at max_inbound_message_bytes of output")
    {
        wsout::detail::deflater z;
        z.start(9, 15, 8, false);
        std::string zeros(std::size_t(16) << 20, '\0');
        auto bytes = server_frames(z, zeros, wsout_test::op_binary, 1);
        CHECK(bytes.size() < 32 * 1024); // 16 MiB in under 32 KiB
        frame_parser p(1 << 20, true);
        std::vector<event> evs;
        parse_all(p, bytes, evs);
        REQUIRE(evs == std::vector<event>{event::error});
        CHECK(p.error() == wsout::error::inbound_message_too_big);
        CHECK(contains(p.what(), "after decompression"));
    }
    SECTION("invalid UTF-8 after inflation, invalid deflate data")
    {
        wsout::detail::deflater z;
        z.start(6, 15, 8, false);
        frame_parser p(1 << 20, true);
        std::vector<event> evs;
        parse_all(p, server_frames(z, "caf\xc3", wsout_test::op_text, 1), evs);
        REQUIRE(evs == std::vector<event>{event::error});
        CHECK(contains(p.what(), "inside a UTF-8 character"));

        frame_parser q(1 << 20, true);
        evs.clear();
        wsout_test::frame_options o;
        o.rsv = 4;
        parse_all(q, wsout_test::make_frame(wsout_test::op_binary, "\xff\xff\xff\xff garbage", o), evs);
        REQUIRE(evs == std::vector<event>{event::error});
        CHECK(q.error() == wsout::error::protocol_violation);
        CHECK(contains(q.what(), "invalid compressed data"));
    }
    SECTION("RSV1 on a continuation frame is still refused")
    {
        frame_parser p(1 << 20, true);
        std::vector<event> evs;
        wsout_test::frame_options first, cont;
        first.fin = false;
        first.rsv = 4;
        cont.rsv = 4;
        parse_all(p,
                  wsout_test::make_frame(wsout_test::op_binary, "", first) +
                      wsout_test::make_frame(wsout_test::op_continuation, "", cont),
                  evs);
        REQUIRE(evs == std::vector<event>{event::error});
        CHECK(contains(p.what(), "reserved bits set on a continuation frame"));
    }
}

//----------------------------------------------------------------------------
// Third-party servers

TEST_CASE("python3-websockets decompresses what wsout sends, byte-exact", "[compression][third-party]")
{
    using wsout_test::server_kind;
    SECTION("library defaults (12-bit windows, context takeover), server echoes compressed")
    {
        round_trip(server_kind::python_websockets, {"--echo"}, true);
    }
    SECTION("no context takeover on both sides")
    {
        round_trip(server_kind::python_websockets,
                   {"--echo", "--deflate-params",
                    R"({"client_no_context_takeover": true, "server_no_context_takeover": true})"},
                   true);
    }
    SECTION("client window 9 bits, server window 10 bits")
    {
        round_trip(
            server_kind::python_websockets,
            {"--echo", "--deflate-params", R"({"client_max_window_bits": 9, "server_max_window_bits": 10})"},
            true);
    }
}

TEST_CASE("python3-autobahn decompresses what wsout sends, byte-exact", "[compression][third-party]")
{
    using wsout_test::server_kind;
    SECTION("autobahn's defaults, server echoes compressed")
    {
        round_trip(server_kind::python_autobahn, {"--echo"}, true);
    }
    SECTION("no context takeover, client window 11 bits, server window 9 bits")
    {
        round_trip(server_kind::python_autobahn,
                   {"--echo", "--deflate-params",
                    R"({"client_no_context_takeover": true, "server_no_context_takeover": true,
                        "client_max_window_bits": 11, "server_max_window_bits": 9})"},
                   true);
    }
}

TEST_CASE("a server that declines, or asks for an 8-bit window, gets uncompressed messages",
          "[compression][third-party]")
{
    SECTION("declined")
    {
        wsout_test::external_server srv(wsout_test::server_kind::python_websockets, {"--compression", "off"});
        io_thread io;
        wsout::plain_output out(io.ioc, config_for(srv.url()));
        log_capture logs;
        out.set_log_hook(logs.hook());
        out.connect();
        out.write(json_like(5000, 1));
        out.close();
        REQUIRE(srv.wait_for_messages(1, 10s));
        CHECK(srv.messages()[0].payload == json_like(5000, 1));
        INFO(logs.all());
        CHECK(logs.has("info: the server declined permessage-deflate: sending uncompressed"));
        auto ev = srv.events();
        REQUIRE_FALSE(ev.empty());
        CHECK(ev[0].at("extensions").is_null());
        // The offer was made.
        bool offered = false;
        for (auto const& h : ev[0].at("headers"))
            if (h[0] == "Sec-WebSocket-Extensions")
                offered = h[1] == "permessage-deflate; client_max_window_bits";
        CHECK(offered);
    }
    SECTION("client_max_window_bits=8")
    {
        round_trip(wsout_test::server_kind::python_websockets,
                   {"--echo", "--deflate-params", R"({"client_max_window_bits": 8})"}, false);
    }
}

TEST_CASE("after a reconnect messages are compressed again in a new context (confirm ping)",
          "[compression][reconnect]")
{
    // Beast's server (it inflates what it reads) closes each of the first
    // two connections after 40 messages, reading nothing more: 100 messages
    // take three connections; the unconfirmed ones are re-framed and
    // compressed again for the new connection. Bytes from the old context
    // would not inflate on the new one (Beast would fail the connection).
    for (auto end : {wsout_test::end_action::close, wsout_test::end_action::reset})
    {
        DYNAMIC_SECTION((end == wsout_test::end_action::close ? "close frame" : "TCP reset"))
        {
            wsout_test::ws_server_options o;
            o.compression = true;
            o.end_after_messages = 40;
            o.end = end;
            o.end_connections = 2;
            wsout_test::ws_server server(o);
            io_thread io;
            auto cfg = config_for(server.url());
            cfg.delivery.confirm = wsout::confirm_mode::ping;
            cfg.message_type = wsout::message_kind::text;
            wsout::plain_output out(io.ioc, cfg);
            log_capture logs;
            out.set_log_hook(logs.hook());
            out.connect();
            std::vector<std::string> sent;
            std::atomic<int> failed{0};
            std::atomic<int> done{0};
            for (int i = 0; i < 100; ++i)
                sent.push_back(json_like(2000 + static_cast<std::size_t>(i), static_cast<unsigned>(i)));
            for (auto const& m : sent)
                out.async_write(net::buffer(m), [&](wsout::error_code ec) {
                    if (ec)
                        ++failed;
                    ++done;
                });
            REQUIRE(wait_until([&] { return done == 100; }, 60s));
            out.close();
            INFO(logs.all());
            CHECK(failed == 0);
            auto got = server.messages();
            std::set<std::size_t> conns;
            for (auto const& m : got)
                conns.insert(m.connection);
            CHECK(conns.size() == 3);
            // Every message arrived intact, in order per connection (a
            // re-sent one may arrive twice, on a later connection).
            std::set<std::string> payloads;
            for (auto const& m : got)
                payloads.insert(m.payload);
            for (auto const& m : sent)
                CHECK(payloads.count(m) == 1);
            CHECK(payloads.size() == sent.size());
            auto st = out.stats();
            CHECK(st.output_sent == 100);
            CHECK(st.output_connection_lost == 2);
            CHECK(st.output_connection_up == 3);
            CHECK(logs.has("permessage-deflate agreed"));
        }
    }
}

//----------------------------------------------------------------------------
// Beast's server (in process): compressed messages and hostile compressed frames

TEST_CASE("Beast's permessage-deflate server: messages both ways, hostile compressed frames",
          "[compression][hostile]")
{
    wsout_test::ws_server_options o;
    o.compression = true;
    o.echo = true;
    wsout_test::ws_server server(o);
    io_thread io;
    auto cfg = config_for(server.url());
    cfg.max_inbound_message_bytes = 1 << 20;
    wsout::plain_output out(io.ioc, cfg);
    log_capture logs;
    out.set_log_hook(logs.hook());
    out.connect();
    auto big = json_like(200 * 1024, 7);
    out.write(big);
    out.write("");
    REQUIRE(server.wait_for_messages(2, 10s));
    CHECK(server.messages()[0].payload == big);
    CHECK(server.messages()[1].payload.empty());
    CHECK(wait_until([&] { return out.stats().inbound_messages >= 2; }, 10s));
    INFO(logs.all());
    CHECK(logs.has("permessage-deflate agreed"));

    std::string bytes;
    wsout::error_code expected;
    std::string what;
    auto compressed = [](std::string const& msg) {
        wsout::detail::deflater z;
        z.start(9, 15, 8, true);
        std::vector<unsigned char> buf;
        z.compress(reinterpret_cast<unsigned char const*>(msg.data()), msg.size(), buf);
        return std::string(reinterpret_cast<char const*>(buf.data()), z.size());
    };
    wsout_test::frame_options rsv1;
    rsv1.rsv = 4;
    SECTION("zip bomb: 32 MiB of one letter in a 32 KiB frame")
    {
        bytes = wsout_test::make_frame(wsout_test::op_binary,
                                       compressed(std::string(std::size_t(32) << 20, 'a')), rsv1);
        CHECK(bytes.size() < 64 * 1024);
        expected = wsout::error::inbound_message_too_big;
        what = "after decompression";
    }
    SECTION("corrupt deflate data")
    {
        bytes = wsout_test::make_frame(wsout_test::op_binary, "\x07\xff\x00garbage", rsv1);
        expected = wsout::error::protocol_violation;
        what = "invalid compressed data";
    }
    SECTION("text that is not UTF-8 once inflated")
    {
        bytes = wsout_test::make_frame(wsout_test::op_text, compressed("ok \xff\xfe bad"), rsv1);
        expected = wsout::error::protocol_violation;
        what = "invalid UTF-8";
    }
    server.send_raw(bytes);
    REQUIRE(wait_until([&] { return out.stats().output_connection_lost >= 1; }, 10s));
    auto f = out.last_failure();
    INFO(f.message);
    CHECK(f.code == expected);
    CHECK(contains(f.message, what));
    // It reconnects and goes on compressing in a new context.
    REQUIRE(wait_until([&] { return out.stats().output_connection_up >= 2; }, 10s));
    out.write(big);
    out.close();
    REQUIRE(server.wait_for_messages(3, 10s));
    CHECK(server.messages().back().payload == big);
    CHECK(server.messages().back().connection == 2);
}

//----------------------------------------------------------------------------
// wsout-cat with a config file

#ifdef WSOUT_CAT_PATH
TEST_CASE("wsout-cat with a config `compression: true` sends to python3-websockets", "[compression][cli]")
{
    wsout_test::external_server srv(wsout_test::server_kind::python_websockets);
    char tmpl[] = "/tmp/wsout-compression-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    std::string dir = tmpl;
    std::string file = dir + "/c.json";
    {
        std::ofstream f(file);
        f << R"({"output": {"websocket": {"url": ")" << srv.url()
          << R"(", "compression": true, "compression_level": 1, "message_type": "text"}}})";
    }
    std::string input;
    std::vector<std::string> lines;
    for (int i = 0; i < 200; ++i)
    {
        lines.push_back(json_like(300, static_cast<unsigned>(i)));
        input += lines.back() + "\n";
    }
    auto r = wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", file, "--verbose"}, input, 60s);
    std::remove(file.c_str());
    ::rmdir(tmpl);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.err, "permessage-deflate agreed"));
    REQUIRE(srv.wait_for_messages(lines.size(), 20s));
    auto got = srv.messages();
    REQUIRE(got.size() == lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i)
        CHECK(got[i].payload == lines[i]);
    auto ev = srv.events();
    REQUIRE_FALSE(ev.empty());
    CHECK(contains(ev[0].at("extensions").get<std::string>(), "permessage-deflate"));
}
#endif
