// wsout-cat end to end: exit codes, config errors, and byte-exact delivery
// to real third-party servers (python3-websockets, Node's ws, Autobahn).

#include <wsout/detail/base64.hpp>

#include "support/catch.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string const cat = WSOUT_CAT_PATH;
std::string const source_dir = WSOUT_SOURCE_DIR;

struct temp_dir
{
    fs::path path;
    temp_dir()
    {
        std::random_device rd;
        path = fs::temp_directory_path() / ("wsout-cli-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(std::string const& name, std::string const& content) const
    {
        auto p = path / name;
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
};

/// Lines that exercise every byte value but '\n' (binary mode).
std::vector<std::string> binary_lines(std::size_t n)
{
    std::vector<std::string> lines;
    std::mt19937 rng(42);
    for (std::size_t i = 0; i < n; ++i)
    {
        std::string s = "line-" + std::to_string(i) + ":";
        std::size_t len = rng() % 200;
        for (std::size_t k = 0; k < len; ++k)
        {
            char c = static_cast<char>(rng() & 0xFF);
            s.push_back(c == '\n' ? '\t' : c);
        }
        lines.push_back(std::move(s));
    }
    lines.push_back(""); // an empty line is an empty message
    lines.push_back(std::string(100000, 'L'));
    return lines;
}

std::string join_lines(std::vector<std::string> const& lines)
{
    std::string s;
    for (auto const& l : lines)
        s += l + "\n";
    return s;
}

/// Messages a recording server wrote to its --out file, in order.
std::vector<std::pair<std::string, std::string>> recorded(std::string const& file)
{
    std::vector<std::pair<std::string, std::string>> got;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
    {
        auto j = nlohmann::json::parse(line);
        auto payload = wsout::detail::codec::base64_decode(j.at("b64").get<std::string>());
        REQUIRE(payload);
        got.emplace_back(j.at("type").get<std::string>(), *payload);
    }
    return got;
}

/// Starts a recording server program that prints its port first.
struct recording_server
{
    wsout_test::child_process proc;
    std::string port;

    recording_server(std::vector<std::string> argv)
        : proc(std::move(argv))
    {
        auto line = proc.read_line(10s);
        REQUIRE(line);
        port = *line;
    }
    std::string url() const { return "ws://127.0.0.1:" + port + "/post/ws"; }
};

} // namespace

TEST_CASE("wsout-cat delivers every line byte-exact to third-party servers", "[cli][third-party]")
{
    temp_dir dir;
    auto lines = binary_lines(3000);
    auto input = join_lines(lines);
    struct server_kind
    {
        std::string name;
        std::vector<std::string> argv;
    };
    std::vector<server_kind> servers = {
        {"python3-websockets", {"/usr/bin/python3", source_dir + "/tests/servers/ws_server.py"}},
        {"node ws", {"node", source_dir + "/tests/servers/ws_server.js"}},
        {"autobahn", {"/usr/bin/python3", source_dir + "/tests/servers/autobahn_server.py"}},
    };
    for (auto const& s : servers)
    {
        DYNAMIC_SECTION(s.name)
        {
            auto out_file = (dir.path / (s.name + ".jsonl")).string();
            auto argv = s.argv;
            argv.insert(argv.end(), {"--out", out_file, "--max-size", "1000000"});
            recording_server server(argv);
            auto r = wsout_test::run_and_capture({cat, "--url", server.url()}, input, 60s);
            INFO(r.err);
            CHECK(r.exit_code == 0);
            CHECK(r.err.find("3002 messages") != std::string::npos);
            std::vector<std::pair<std::string, std::string>> got;
            for (int i = 0; i < 100 && got.size() < lines.size(); ++i)
            {
                std::this_thread::sleep_for(50ms);
                got = recorded(out_file);
            }
            REQUIRE(got.size() == lines.size());
            for (std::size_t i = 0; i < lines.size(); ++i)
            {
                REQUIRE(got[i].second == lines[i]);
                CHECK(got[i].first == "binary");
            }
        }
    }
}

TEST_CASE("wsout-cat --text sends text messages", "[cli][third-party]")
{
    temp_dir dir;
    auto out_file = (dir.path / "text.jsonl").string();
    recording_server server(
        {"/usr/bin/python3", source_dir + "/tests/servers/ws_server.py", "--out", out_file});
    auto r = wsout_test::run_and_capture({cat, "--text", "--url", server.url()},
                                         "{\"temp\": 21.5}\ncaf\xc3\xa9\n", 30s);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    std::vector<std::pair<std::string, std::string>> got;
    for (int i = 0; i < 100 && got.size() < 2; ++i)
    {
        std::this_thread::sleep_for(50ms);
        got = recorded(out_file);
    }
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::pair<std::string, std::string>{"text", "{\"temp\": 21.5}"});
    CHECK(got[1].second == "caf\xc3\xa9");
}

TEST_CASE("wsout-cat: a bad config exits 2 naming the JSON pointer", "[cli][config]")
{
    auto index = nlohmann::json::parse(std::ifstream(source_dir + "/tests/data/configs/index.json"));
    int checked = 0;
    for (auto const& entry : index)
    {
        if (!entry.contains("error"))
            continue;
        auto file = source_dir + "/tests/data/configs/" + entry.at("file").get<std::string>();
        auto expected = entry.at("error").get<std::string>();
        auto pos = expected.find("{path}");
        if (pos != std::string::npos)
            expected.replace(pos, 6, file);
        auto r = wsout_test::run_and_capture({cat, "--config", file, "--print-config"}, "", 20s);
        INFO(file << "\n" << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(expected) != std::string::npos);
        CHECK(r.out.empty());
        ++checked;
    }
    CHECK(checked >= 10);
}

TEST_CASE("wsout-cat --print-config fills defaults and scrubs secrets", "[cli][config]")
{
    temp_dir dir;
    auto file = dir.file("c.json", R"({"output": {"label": "tele", "websocket": {
        "url": "ws://127.0.0.1:9/x",
        "basic_auth": {"enabled": true, "username": "ann", "password": "hunter2-secret"}}}})");
    auto r = wsout_test::run_and_capture({cat, "--config", file, "--print-config"}, "", 20s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("url") == "ws://127.0.0.1:9/x");
    CHECK(j.at("label") == "tele");
    CHECK(j.at("basic_auth").at("password") == "!!!SECRET_SCRUBBED!!!");
    CHECK(j.at("backoff").at("initial_interval") == "500ms");
    CHECK(r.out.find("hunter2") == std::string::npos);

    SECTION("--url overrides the config, --schema prints the schema")
    {
        auto r2 = wsout_test::run_and_capture(
            {cat, "--config", file, "--url", "wss://example.test/y", "--print-config"}, "", 20s);
        REQUIRE(r2.exit_code == 0);
        CHECK(nlohmann::json::parse(r2.out).at("url") == "wss://example.test/y");
        auto r3 = wsout_test::run_and_capture({cat, "--schema"}, "", 20s);
        REQUIRE(r3.exit_code == 0);
        CHECK(nlohmann::json::parse(r3.out).contains("$schema"));
    }
}

TEST_CASE("wsout-cat: usage errors exit 2, runtime failures exit 1", "[cli]")
{
    auto usage = wsout_test::run_and_capture({cat, "--bogus"}, "", 20s);
    CHECK(usage.exit_code == 2);
    CHECK(usage.err.find("unknown argument '--bogus'") != std::string::npos);

    SECTION("nothing listening")
    {
        unsigned short port;
        {
            wsout_test::ws_server server;
            port = server.port();
        }
        auto r = wsout_test::run_and_capture(
            {cat, "--url", "ws://127.0.0.1:" + std::to_string(port) + "/post/ws"}, "a\nb\n", 30s);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("cannot connect") != std::string::npos);
        CHECK(r.err.find("tcp connect") != std::string::npos);
        CHECK(r.err.find("refused") != std::string::npos);
    }
    SECTION("the server refuses the handshake")
    {
        wsout_test::ws_server_options opts;
        opts.handshake = wsout_test::handshake_behavior::reject;
        opts.reject_status = 401;
        wsout_test::ws_server server(opts);
        auto r = wsout_test::run_and_capture({cat, "--url", server.url()}, "a\n", 30s);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("401") != std::string::npos);
    }
}

namespace {

/// Runs wsout-cat with `lines` numbered lines against a server that, on
/// each connection, reads `every` messages and then aborts (RST and FIN
/// alternately) and stays unreachable for `down` before coming back on the
/// same port. Returns what the servers received and wsout-cat's result.
struct flaky_run
{
    int exit_code = -1;
    std::string err;
    std::vector<std::string> received;
    int aborts = 0;
};

flaky_run run_through_flaky_server(std::vector<std::string> extra_args,
                                   int lines,
                                   std::size_t every,
                                   std::chrono::milliseconds down)
{
    temp_dir dir;
    std::string input;
    for (int i = 0; i < lines; ++i)
        input += std::to_string(i) + "\n";
    auto input_file = dir.file("lines.txt", input);
    auto err_file = (dir.path / "err.txt").string();

    flaky_run result;
    auto make_server = [&](unsigned short port) {
        wsout_test::ws_server_options opts;
        opts.end_after_messages = every;
        opts.end = result.aborts % 2 == 0 ? wsout_test::end_action::reset : wsout_test::end_action::fin;
        return std::make_unique<wsout_test::ws_server>(opts, port);
    };
    auto server = make_server(0);
    unsigned short const port = server->port();

    std::string cmd = "'" + cat + "' --url ws://127.0.0.1:" + std::to_string(port) + "/post/ws";
    for (auto const& a : extra_args)
        cmd += " " + a;
    cmd += " < '" + input_file + "' 2> '" + err_file + "'";
    wsout_test::child_process proc({"/bin/sh", "-c", cmd});

    auto const deadline = std::chrono::steady_clock::now() + 300s;
    std::optional<int> code;
    while (!(code = proc.wait(50ms)) && std::chrono::steady_clock::now() < deadline)
    {
        if (!server->wait_for_closed(1, 10ms))
            continue;
        // The server ended its connection: take what it read, go away for
        // a while, come back on the same port.
        // Stop first: a reconnect may still reach this server until then,
        // and what it reads there counts.
        server->stop();
        auto got = server->payloads();
        result.received.insert(result.received.end(), got.begin(), got.end());
        server.reset();
        ++result.aborts;
        std::this_thread::sleep_for(down);
        for (int attempt = 0; attempt < 50 && !server; ++attempt)
        {
            try
            {
                server = make_server(port);
            }
            catch (std::exception const& e)
            {
                UNSCOPED_INFO("restart on port " << port << ": " << e.what());
                std::this_thread::sleep_for(20ms);
            }
        }
        REQUIRE(server);
    }
    result.exit_code = code ? *code : -1; // -1: it did not finish on its own
    if (!code)
        proc.stop();
    server->wait_for_closed(1, 2000ms);
    auto got = server->payloads();
    if (got.size() >= every)
        ++result.aborts; // the last server ended its connection too
    result.received.insert(result.received.end(), got.begin(), got.end());
    std::ifstream err(err_file);
    result.err.assign(std::istreambuf_iterator<char>(err), {});
    return result;
}

} // namespace

// Issue 5's acceptance scenario: 100 000 lines through a server that aborts
// every 10 000 messages (alternately RST and FIN without a close frame) and
// stays away for a second each time.
TEST_CASE("wsout-cat through a server that aborts every few thousand messages", "[cli][reconnect]")
{
    int const lines = 100000;
    std::size_t const every = 10000;

    SECTION("confirm mode (the default): every line arrives")
    {
        auto r = run_through_flaky_server({}, lines, every, 1000ms);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        std::vector<int> seen(lines, 0);
        for (auto const& p : r.received)
            ++seen[static_cast<std::size_t>(std::stoi(p))];
        auto missing = std::count(seen.begin(), seen.end(), 0);
        WARN("confirm ping: " << r.aborts << " aborts, " << r.received.size() << " received for " << lines
                              << " lines, missing " << missing);
        CHECK(r.aborts >= 5);
        CHECK(missing == 0);
    }
    SECTION("--no-confirm: the loss per abort is measured")
    {
        auto r = run_through_flaky_server({"--no-confirm"}, lines, every, 1000ms);
        INFO(r.err);

        std::set<std::string> unique(r.received.begin(), r.received.end());
        auto missing = static_cast<std::size_t>(lines) - unique.size();
        WARN("confirm none: " << r.aborts << " aborts, missing " << missing << " of " << lines << " ("
                              << (r.aborts ? missing / static_cast<std::size_t>(r.aborts) : 0)
                              << " per abort), exit code " << r.exit_code);
        CHECK(r.aborts >= 1);
        // Without confirmation each message is "sent" once the kernel has
        // it, so a server that dies loses what sat in socket buffers (here
        // usually everything after its 10 000th line: 100 000 short lines
        // fit in loopback's buffers). It must still finish on its own.
        CHECK(r.exit_code != -1);
    }
}
