// The runnable examples, run as programs against the in-process ws_server:
// telemetry_agent, game_loop, pipeline, custom_transport. Each test checks
// what arrived at the server, not only the exit status.

#include "support/catch.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

std::string const telemetry_agent = WSOUT_TELEMETRY_AGENT_PATH;
std::string const game_loop = WSOUT_GAME_LOOP_PATH;
std::string const custom_transport = WSOUT_CUSTOM_TRANSPORT_PATH;

/// The `key=value` pairs of the "summary:" line an example printed.
std::map<std::string, std::string> summary_of(std::string const& out)
{
    std::map<std::string, std::string> kv;
    auto pos = out.find("summary:");
    if (pos == std::string::npos)
        return kv;
    std::istringstream line(out.substr(pos + 8, out.find('\n', pos) - pos - 8));
    for (std::string item; line >> item;)
    {
        auto eq = item.find('=');
        if (eq != std::string::npos)
            kv[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return kv;
}

long num(std::map<std::string, std::string> const& kv, std::string const& key)
{
    auto it = kv.find(key);
    REQUIRE(it != kv.end());
    return std::stol(it->second);
}

double real(std::map<std::string, std::string> const& kv, std::string const& key)
{
    auto it = kv.find(key);
    REQUIRE(it != kv.end());
    return std::stod(it->second);
}

unsigned short free_port()
{
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

std::string url_on(unsigned short port)
{
    return "ws://127.0.0.1:" + std::to_string(port) + "/post/ws";
}

/// Every payload parses as JSON and carries `key` = 0, 1, 2, ... in order.
void check_numbered_json(std::vector<std::string> const& payloads, char const* key)
{
    for (std::size_t i = 0; i < payloads.size(); ++i)
    {
        auto j = nlohmann::json::parse(payloads[i]);
        REQUIRE(j.at(key).get<std::size_t>() == i);
    }
}

} // namespace

//------------------------------------------------------------------------------

TEST_CASE("telemetry_agent: periodic samples arrive as JSON, in order", "[examples][telemetry_agent]")
{
    wsout_test::ws_server server;
    auto r = wsout_test::run_and_capture(
        {telemetry_agent, "--url", server.url(), "--seconds", "1.5", "--interval-ms", "50"}, "", 60s);
    INFO(r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.exit_code == 0);
    auto s = summary_of(r.out);
    CHECK(num(s, "samples") == 30);
    CHECK(num(s, "sent") == 30);
    CHECK(num(s, "failed") == 0);
    REQUIRE(server.wait_for_messages(30, 5s));
    auto got = server.messages();
    REQUIRE(got.size() == 30);
    CHECK(got[0].text);
    std::vector<std::string> payloads;
    for (auto const& m : got)
        payloads.push_back(m.payload);
    check_numbered_json(payloads, "seq");
    auto first = nlohmann::json::parse(payloads[0]);
    CHECK(first.contains("load1"));
    CHECK(first.contains("agent_rss_kb"));
}

TEST_CASE("telemetry_agent: keeps sending across a connection reset", "[examples][telemetry_agent]")
{
    wsout_test::ws_server_options opts;
    opts.end_after_messages = 10;
    opts.end = wsout_test::end_action::reset;
    opts.end_connections = 1;
    wsout_test::ws_server server(opts);
    auto r = wsout_test::run_and_capture(
        {telemetry_agent, "--url", server.url(), "--seconds", "2", "--interval-ms", "50"}, "", 60s);
    INFO(r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    auto s = summary_of(r.out);
    CHECK(num(s, "samples") == 40);
    CHECK(num(s, "connects") >= 2);
    CHECK(num(s, "lost") >= 1);
    CHECK(server.connection_count() >= 2);
    // Without confirm mode a sample written just before the reset may be
    // lost with the connection (see the delivery contract); the rest arrive.
    REQUIRE(server.wait_for_messages(37, 5s));
    auto got = server.payloads();
    CHECK(nlohmann::json::parse(got.back()).at("seq") == 39);
}

TEST_CASE("telemetry_agent: the server appears after the agent started", "[examples][telemetry_agent]")
{
    for (int round = 0;; ++round)
    {
        auto const port = free_port();
        wsout_test::child_process agent(
            {telemetry_agent, "--url", url_on(port), "--seconds", "2.5", "--interval-ms", "100"});
        std::this_thread::sleep_for(1s);
        std::optional<wsout_test::ws_server> server;
        try
        {
            server.emplace(wsout_test::ws_server_options{}, port);
        }
        catch (boost::system::system_error const&)
        {
            REQUIRE(round < 5); // the port was taken meanwhile: again with another
            continue;
        }
        auto code = agent.wait(60s);
        auto out = agent.read_all(5s);
        INFO(out);
        REQUIRE(code);
        CHECK(*code == 0);
        auto s = summary_of(out);
        CHECK(num(s, "samples") == 25);
        CHECK(num(s, "sent") == 25);
        // The samples taken while the server was away waited in the client.
        REQUIRE(server->wait_for_messages(25, 5s));
        check_numbered_json(server->payloads(), "seq");
        break;
    }
}

//------------------------------------------------------------------------------

TEST_CASE("game_loop: with the server up, every snapshot arrives and frames stay short",
          "[examples][game_loop]")
{
    wsout_test::ws_server server;
    auto r = wsout_test::run_and_capture({game_loop, "--url", server.url(), "--seconds", "2"}, "", 60s);
    INFO(r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.exit_code == 0);
    auto s = summary_of(r.out);
    CHECK(num(s, "frames") == 120);
    CHECK(num(s, "dropped_would_block") == 0);
    CHECK(num(s, "accepted") == 120);
    CHECK(num(s, "sent") == 120);
    CHECK(real(s, "p99_ms") < 1000.0 / 60);
    REQUIRE(server.wait_for_messages(120, 5s));
    check_numbered_json(server.payloads(), "frame");
}

TEST_CASE("game_loop: with the server down, snapshots are dropped and no frame stalls",
          "[examples][game_loop]")
{
    auto r = wsout_test::run_and_capture(
        {game_loop, "--url", url_on(free_port()), "--seconds", "2", "--max-in-flight", "16"}, "", 60s);
    INFO(r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.exit_code == 0);
    auto s = summary_of(r.out);
    CHECK(num(s, "frames") == 120);
    CHECK(num(s, "accepted") == 16);
    CHECK(num(s, "dropped_would_block") == 104);
    CHECK(num(s, "failed") == 16);
    CHECK(s["state_before_close"] == "connecting");
    CHECK(real(s, "p99_ms") < 1000.0 / 60);
}

//------------------------------------------------------------------------------

#if defined(WSOUT_PIPELINE_PATH) // built only where Asio has co_await

namespace {
std::string const pipeline = WSOUT_PIPELINE_PATH;
} // namespace

TEST_CASE("pipeline: stdin lines arrive as numbered JSON, in order, in batches", "[examples][pipeline]")
{
    wsout_test::ws_server server;
    std::vector<std::string> lines;
    std::string input;
    for (int i = 0; i < 1000; ++i)
    {
        lines.push_back("line " + std::to_string(i) + " with \"quotes\" and \\ backslash");
        input += lines.back() + "\n";
    }
    lines.push_back(""); // an empty line is a message too
    input += "\n";
    auto r = wsout_test::run_and_capture({pipeline, "--url", server.url(), "--batch", "64"}, input, 60s);
    INFO(r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("1001 lines in 16 batches") != std::string::npos);
    REQUIRE(server.wait_for_messages(lines.size(), 5s));
    auto got = server.payloads();
    REQUIRE(got.size() == lines.size());
    for (std::size_t i = 0; i < got.size(); ++i)
    {
        auto j = nlohmann::json::parse(got[i]);
        REQUIRE(j.at("n") == i);
        REQUIRE(j.at("line") == lines[i]);
    }
    REQUIRE(server.wait_for_closed(1, 5s));
    CHECK(server.connection(1).close_code == 1000);
}

TEST_CASE("pipeline: an unreachable server is a runtime error", "[examples][pipeline]")
{
    auto r = wsout_test::run_and_capture({pipeline, "--url", url_on(free_port())}, "a\nb\n", 60s);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("error:") != std::string::npos);
}

#else

TEST_CASE("pipeline: skipped, Asio has no co_await with this compiler", "[examples][pipeline]")
{
    // Boost 1.74's Asio enables co_await with clang only through
    // <experimental/coroutine>, which libstdc++ 12 does not have, so CMake
    // does not build examples/pipeline (clang 14 + libstdc++). Said here,
    // not silently dropped.
    WARN("examples/pipeline was not built: Asio has no co_await with this compiler");
}

#endif

//------------------------------------------------------------------------------

TEST_CASE("custom_transport: lines over a Unix domain socket reach the demo server",
          "[examples][custom_transport]")
{
    std::string input, expected;
    for (int i = 0; i < 50; ++i)
    {
        input += "unix message " + std::to_string(i) + "\n";
        expected += "received: unix message " + std::to_string(i) + "\n";
    }
    auto r = wsout_test::run_and_capture({custom_transport, "--demo"}, input, 60s);
    INFO(r.err);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 0);
    CHECK(r.out == expected);
}

TEST_CASE("custom_transport: a missing socket file is a runtime error", "[examples][custom_transport]")
{
    auto r =
        wsout_test::run_and_capture({custom_transport, "--socket", "/nonexistent/wsout.sock"}, "x\n", 60s);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("No such file") != std::string::npos);
}
