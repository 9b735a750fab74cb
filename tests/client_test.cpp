// wsout::client: the background client, against the in-process ws_server.
//
// Every test is bounded: waits have timeouts, and the client's own
// destructor is bounded (which one test measures).

#include <wsout/client.hpp>

#include "support/catch.hpp"
#include "support/test_server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

using steady = std::chrono::steady_clock;

wsout::config config_for(std::string const& url)
{
    wsout::config cfg;
    cfg.url = url;
    cfg.backoff.initial_interval = 50ms;
    cfg.backoff.max_interval = 200ms;
    cfg.timeouts.connect = 2s;
    cfg.timeouts.handshake = 2s;
    cfg.timeouts.close = 2s;
    return cfg;
}

/// A port that was free a moment ago (bind port 0, read it, close).
unsigned short free_port()
{
    net::io_context ioc;
    net::ip::tcp::acceptor a(ioc, net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

/// Counts outcomes reported through send handlers.
struct outcomes
{
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::mutex m;
    std::vector<wsout::error_code> errors;

    wsout::send_handler handler()
    {
        return [this](wsout::error_code ec) {
            if (!ec)
            {
                ++ok;
                return;
            }
            ++failed;
            std::lock_guard<std::mutex> lock(m);
            errors.push_back(ec);
        };
    }
    int total() const { return ok + failed; }
};

/// Fills the client (the server must not be reading) until try_send has
/// said would_block for half a second in a row: the socket buffers, which
/// loopback grows while data waits, are full too. Returns how many were
/// accepted.
int fill_until_stuck(wsout::client& c, std::string const& payload, outcomes* out = nullptr)
{
    int accepted = 0;
    int blocked_in_a_row = 0;
    auto const give_up = steady::now() + 30s;
    while (blocked_in_a_row < 10)
    {
        REQUIRE(steady::now() < give_up);
        auto ec = out ? c.try_send(payload, out->handler()) : c.try_send(payload);
        if (ec == wsout::error::would_block)
        {
            ++blocked_in_a_row;
            std::this_thread::sleep_for(50ms);
            continue;
        }
        REQUIRE_FALSE(ec);
        ++accepted;
        blocked_in_a_row = 0;
    }
    return accepted;
}

} // namespace

TEST_CASE("client: messages from several threads all arrive, in per-thread order", "[client]")
{
    wsout_test::ws_server server;
    wsout::client c(config_for(server.url()));
    constexpr int threads = 4;
    constexpr int per_thread = 500;
    std::vector<std::thread> producers;
    std::atomic<int> refused{0};
    for (int t = 0; t < threads; ++t)
        producers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i)
                if (c.send("t" + std::to_string(t) + ":" + std::to_string(i)))
                    ++refused;
        });
    for (auto& p : producers)
        p.join();
    REQUIRE(refused == 0);
    REQUIRE(c.flush(10s));
    REQUIRE(server.wait_for_messages(threads * per_thread, 10s));

    std::map<int, int> next;
    for (auto const& p : server.payloads())
    {
        auto colon = p.find(':');
        int t = std::stoi(p.substr(1, colon - 1));
        int i = std::stoi(p.substr(colon + 1));
        CHECK(i == next[t]);
        next[t] = i + 1;
    }
    for (int t = 0; t < threads; ++t)
        CHECK(next[t] == per_thread);
    auto st = c.stats();
    CHECK(st.accepted == threads * per_thread);
    CHECK(st.sent == threads * per_thread);
    CHECK(st.failed == 0);
    CHECK(st.in_flight == 0);
    CHECK(st.state == wsout::client_state::connected);
    CHECK(st.output.output_sent == threads * per_thread);
}

TEST_CASE("client: callbacks run on the I/O thread; futures; a throwing callback is contained", "[client]")
{
    wsout_test::ws_server server;
    std::atomic<int> log_errors{0};
    wsout::client_options o;
    o.log = [&](wsout::log_level l, std::string_view) {
        if (l == wsout::log_level::error)
            ++log_errors;
    };
    wsout::client c(config_for(server.url()), o);

    std::promise<std::thread::id> where;
    REQUIRE_FALSE(c.send("a", [&](wsout::error_code ec) {
        CHECK_FALSE(ec);
        where.set_value(std::this_thread::get_id());
    }));
    auto f = where.get_future();
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    CHECK(f.get() != std::this_thread::get_id());

    REQUIRE_FALSE(c.send("b", [](wsout::error_code) { throw std::runtime_error("boom"); }));
    auto fut = c.send_with_future("c");
    REQUIRE(fut.wait_for(10s) == std::future_status::ready);
    CHECK_NOTHROW(fut.get());
    REQUIRE(server.wait_for_messages(3, 10s));
    CHECK(server.payloads() == std::vector<std::string>{"a", "b", "c"});
    CHECK(log_errors == 1);
    CHECK(c.stats().sent == 3);

    REQUIRE_FALSE(c.close(5s));
    auto late = c.send_with_future("d");
    REQUIRE(late.wait_for(1s) == std::future_status::ready);
    CHECK_THROWS_AS(late.get(), wsout::system_error);
}

TEST_CASE("client: flush and close", "[client]")
{
    wsout_test::ws_server server;
    wsout::client c(config_for(server.url()));
    for (int i = 0; i < 100; ++i)
        REQUIRE_FALSE(c.send(std::to_string(i)));
    REQUIRE(c.flush(10s));
    // Flushed = reported sent: the bytes are with the kernel, the server
    // gets them without any further action from the client.
    REQUIRE(server.wait_for_messages(100, 10s));
    CHECK(c.stats().in_flight == 0);

    for (int i = 100; i < 200; ++i)
        REQUIRE_FALSE(c.send(std::to_string(i)));
    auto t0 = steady::now();
    CHECK_FALSE(c.close(5s));
    CHECK(steady::now() - t0 < 5s);
    REQUIRE(server.wait_for_closed(1, 5s));
    auto got = server.payloads();
    REQUIRE(got.size() == 200);
    for (int i = 0; i < 200; ++i)
        CHECK(got[i] == std::to_string(i));
    CHECK(server.connection(1).close_code == 1000);

    auto st = c.stats();
    CHECK(st.state == wsout::client_state::closed);
    CHECK(st.sent == 200);
    CHECK(c.send("late") == wsout::error::output_closed);
    CHECK(c.try_send("late") == wsout::error::output_closed);
    CHECK(c.stats().refused == 2);
    CHECK_FALSE(c.close(1s)); // a second close reports the first one's result
    CHECK(c.flush(0ms));
}

TEST_CASE("client: try_send says would_block while the server does not read, then everything flows",
          "[client][backpressure]")
{
    wsout_test::ws_server_options opts;
    opts.start_paused = true;
    opts.receive_buffer_bytes = 4096;
    wsout_test::ws_server server(opts);
    auto cfg = config_for(server.url());
    cfg.max_in_flight = 4;
    wsout::client c(cfg);
    REQUIRE(c.wait_connected(10s));

    outcomes out;
    std::string const payload(256 * 1024, 'p');
    int accepted = fill_until_stuck(c, payload, &out);
    INFO("accepted before would_block: " << accepted);
    auto st = c.stats();
    CHECK(st.in_flight == 4);
    CHECK(st.in_flight_bytes == 4 * payload.size());
    CHECK(st.refused >= 10);
    CHECK(st.accepted == static_cast<std::uint64_t>(accepted));

    server.resume_reading();
    REQUIRE(c.flush(20s));
    REQUIRE(server.wait_for_messages(static_cast<std::size_t>(accepted), 20s));
    CHECK(out.ok == accepted);
    CHECK(out.failed == 0);
    // And new messages are accepted again.
    CHECK_FALSE(c.try_send("after"));
    REQUIRE(c.flush(10s));
    REQUIRE(server.wait_for_messages(static_cast<std::size_t>(accepted) + 1, 10s));
    CHECK(server.payloads().back() == "after");
}

TEST_CASE("client: send waits at most send_timeout for room, then says would_block", "[client][backpressure]")
{
    wsout_test::ws_server_options opts;
    opts.start_paused = true;
    opts.receive_buffer_bytes = 4096;
    wsout_test::ws_server server(opts);
    auto cfg = config_for(server.url());
    cfg.max_in_flight = 2;
    wsout::client_options o;
    o.send_timeout = 300ms;
    wsout::client c(cfg, o);
    REQUIRE(c.wait_connected(10s));
    std::string const payload(256 * 1024, 's');
    fill_until_stuck(c, payload);

    auto t0 = steady::now();
    auto ec = c.send(payload);
    auto waited = steady::now() - t0;
    CHECK(ec == wsout::error::would_block);
    CHECK(waited >= 250ms);
    CHECK(waited < 3s);

    // A waiting send is released as soon as room appears.
    std::thread reader([&] {
        std::this_thread::sleep_for(100ms);
        server.resume_reading();
    });
    bool ok = false;
    for (int i = 0; i < 50 && !ok; ++i) // resume is asynchronous: a few tries
        ok = !c.send(payload);
    reader.join();
    CHECK(ok);
    REQUIRE(c.flush(20s));
}

TEST_CASE("client: the server is absent at start and appears later", "[client][reconnect]")
{
    for (int round = 0;; ++round)
    {
        unsigned short const port = free_port();
        std::string const url = "ws://127.0.0.1:" + std::to_string(port) + "/post/ws";
        outcomes out;
        std::atomic<int> retry_logs{0};
        wsout::client_options o;
        o.log = [&](wsout::log_level, std::string_view msg) {
            if (msg.find("retrying in") != std::string_view::npos)
                ++retry_logs;
        };
        wsout::client c(config_for(url), o);
        for (int i = 0; i < 5; ++i)
            REQUIRE_FALSE(c.send("early-" + std::to_string(i), out.handler()));
        std::this_thread::sleep_for(400ms);
        auto st = c.stats();
        CHECK(st.state == wsout::client_state::connecting);
        CHECK(st.connect_attempts >= 2);
        CHECK(st.in_flight == 5);
        CHECK(retry_logs >= 1);
        CHECK_FALSE(c.flush(50ms));

        std::optional<wsout_test::ws_server> server;
        try
        {
            server.emplace(wsout_test::ws_server_options{}, port);
        }
        catch (boost::system::system_error const&)
        {
            REQUIRE(round < 5); // someone took the port: try another one
            continue;
        }
        REQUIRE(c.wait_connected(10s));
        REQUIRE_FALSE(c.send("late"));
        REQUIRE(c.flush(10s));
        REQUIRE(server->wait_for_messages(6, 10s));
        CHECK(server->payloads() ==
              std::vector<std::string>{"early-0", "early-1", "early-2", "early-3", "early-4", "late"});
        CHECK(out.ok == 5);
        CHECK(c.stats().state == wsout::client_state::connected);
        break;
    }
}

TEST_CASE("client: a permanent handshake failure stops the first-connect retries", "[client][reconnect]")
{
    wsout_test::ws_server_options opts;
    opts.handshake = wsout_test::handshake_behavior::reject;
    opts.reject_status = 404;
    wsout_test::ws_server server(opts);
    outcomes out;
    wsout::client c(config_for(server.url()));
    REQUIRE_FALSE(c.send("x", out.handler()));
    CHECK_FALSE(c.wait_connected(10s));
    REQUIRE(c.flush(5s));
    CHECK(out.failed == 1);
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0] == wsout::make_http_status_error(404));
    auto st = c.stats();
    CHECK(st.state == wsout::client_state::failed);
    CHECK(st.connect_attempts == 1);
    CHECK(st.failed == 1);
    CHECK(c.send("y") == wsout::make_http_status_error(404));
    CHECK(c.last_failure().message.find("404") != std::string::npos);
}

TEST_CASE("client: backoff.max_elapsed_time ends the first-connect retries", "[client][reconnect]")
{
    auto cfg = config_for("ws://127.0.0.1:" + std::to_string(free_port()) + "/post/ws");
    cfg.backoff.max_elapsed_time = 300ms;
    outcomes out;
    wsout::client c(cfg);
    REQUIRE_FALSE(c.send("x", out.handler()));
    auto t0 = steady::now();
    CHECK_FALSE(c.wait_connected(10s));
    CHECK(steady::now() - t0 < 5s);
    REQUIRE(c.flush(5s));
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0] == wsout::error::retries_exhausted);
    CHECK(c.stats().state == wsout::client_state::failed);
    CHECK(c.stats().connect_attempts >= 2);
}

TEST_CASE("client: destruction is bounded and reports everything, whatever the server does",
          "[client][lifetime]")
{
    SECTION("server stopped reading and never answers the close")
    {
        wsout_test::ws_server_options opts;
        opts.start_paused = true;
        opts.receive_buffer_bytes = 4096;
        wsout_test::ws_server server(opts);
        auto cfg = config_for(server.url());
        cfg.max_in_flight = 8;
        cfg.timeouts.close = 500ms;
        outcomes out;
        int accepted = 0;
        auto t0 = steady::now();
        {
            wsout::client c(cfg);
            REQUIRE(c.wait_connected(10s));
            accepted = fill_until_stuck(c, std::string(256 * 1024, 'd'), &out);
            t0 = steady::now();
        }
        auto took = steady::now() - t0;
        INFO("destruction took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                                 << " ms");
        CHECK(took < 10s);
        CHECK(out.total() == accepted);
        CHECK(out.failed > 0);
    }
    SECTION("server gone: the output is reconnecting")
    {
        outcomes out;
        auto t0 = steady::now();
        {
            std::optional<wsout_test::ws_server> server(std::in_place);
            wsout::client c(config_for(server->url()));
            REQUIRE(c.wait_connected(10s));
            server.reset();
            for (int i = 0; i < 20; ++i)
                c.send("m" + std::to_string(i), out.handler());
            std::this_thread::sleep_for(200ms);
            t0 = steady::now();
        }
        CHECK(steady::now() - t0 < 10s);
        CHECK(out.total() == 20);
    }
    SECTION("server never there: messages wait in the client")
    {
        outcomes out;
        auto t0 = steady::now();
        {
            wsout::client c(config_for("ws://127.0.0.1:" + std::to_string(free_port()) + "/post/ws"));
            for (int i = 0; i < 20; ++i)
                REQUIRE_FALSE(c.try_send("m", out.handler()));
            t0 = steady::now();
        }
        CHECK(steady::now() - t0 < 10s);
        CHECK(out.failed == 20);
    }
}

TEST_CASE("client: a bad config throws from the constructor", "[client]")
{
    wsout::config cfg;
    cfg.url = "http://127.0.0.1:1/";
    CHECK_THROWS_AS(wsout::client(cfg), wsout::config_error);
}
