//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-game-loop: a fixed-step 60 Hz loop that sends a state snapshot every
// frame with wsout::client::try_send, which never waits: when the server is
// slow or away and the in-flight limit is reached, the snapshot is dropped
// (counted) and the frame goes on. The loop measures how long each frame's
// work took (simulate + serialise + try_send) and prints p50 / p99 / max.
//
//   wsout-game-loop [--config FILE] [--url URL] [--seconds N] [--hz HZ]
//                   [--entities N] [--max-in-flight N]
//
// Prints one summary line on stdout. Exit status 0 (dropping snapshots is
// the design, not a failure), 2 on a usage or config error.

#include <wsout/client.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct options
{
    std::string config_file;
    std::string url;
    double seconds = 10;
    double hz = 60;
    int entities = 32;
    long max_in_flight = 0; // 0: the config's
};

[[noreturn]] void usage(std::string const& problem)
{
    std::cerr << "wsout-game-loop: " << problem << "\n"
              << "usage: wsout-game-loop [--config FILE] [--url URL] [--seconds N] [--hz HZ] [--entities N] "
                 "[--max-in-flight N]\n";
    std::exit(2);
}

options parse_args(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(a + " needs a value");
            return argv[++i];
        };
        try
        {
            if (a == "--config")
                o.config_file = value();
            else if (a == "--url")
                o.url = value();
            else if (a == "--seconds")
                o.seconds = std::stod(value());
            else if (a == "--hz")
                o.hz = std::stod(value());
            else if (a == "--entities")
                o.entities = std::stoi(value());
            else if (a == "--max-in-flight")
                o.max_in_flight = std::stol(value());
            else
                usage("unknown argument '" + a + "'");
        }
        catch (std::logic_error const&)
        {
            usage("bad number for " + a);
        }
    }
    if (o.seconds < 0 || o.hz <= 0 || o.entities < 0 || o.max_in_flight < 0)
        usage("numbers must be positive");
    return o;
}

struct entity
{
    double x, y, vx, vy;
};

void simulate(std::vector<entity>& world, double dt)
{
    for (auto& e : world)
    {
        e.x += e.vx * dt;
        e.y += e.vy * dt;
        if (e.x < 0 || e.x > 100)
            e.vx = -e.vx;
        if (e.y < 0 || e.y > 100)
            e.vy = -e.vy;
    }
}

std::string snapshot(std::uint64_t frame, std::vector<entity> const& world)
{
    std::string s = "{\"frame\":" + std::to_string(frame) + ",\"entities\":[";
    char buf[64];
    for (std::size_t i = 0; i < world.size(); ++i)
    {
        int n = std::snprintf(buf, sizeof buf, "%s[%.2f,%.2f]", i ? "," : "", world[i].x, world[i].y);
        s.append(buf, static_cast<std::size_t>(n));
    }
    s += "]}";
    return s;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    auto idx = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
    return v[std::min(idx, v.size() - 1)];
}

} // namespace

int main(int argc, char** argv)
{
    options o = parse_args(argc, argv);
    wsout::config cfg;
    try
    {
        if (!o.config_file.empty())
            cfg = wsout::load_config_file(o.config_file);
        if (!o.url.empty())
            cfg.url = o.url;
        if (o.max_in_flight > 0)
            cfg.max_in_flight = static_cast<std::size_t>(o.max_in_flight);
        cfg.message_type = wsout::message_kind::text;
        wsout::validate(cfg);
    }
    catch (wsout::config_error const& e)
    {
        std::cerr << "wsout-game-loop: " << e.what() << "\n";
        return 2;
    }

    wsout::client_options copts;
    copts.log = [](wsout::log_level level, std::string_view msg) {
        if (level >= wsout::log_level::error)
            std::cerr << "wsout-game-loop: " << wsout::to_string(level) << ": " << msg << "\n";
    };
    wsout::client client(cfg, copts);

    std::vector<entity> world;
    for (int i = 0; i < o.entities; ++i)
        world.push_back({double(i % 100), double((i * 7) % 100), 3.0 + i % 5, 2.0 + i % 3});

    using clock = std::chrono::steady_clock;
    auto const step = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / o.hz));
    auto const frames = static_cast<std::uint64_t>(o.seconds * o.hz);
    std::vector<double> frame_ms;
    frame_ms.reserve(frames);
    std::uint64_t dropped = 0, refused_other = 0, overruns = 0;

    auto next = clock::now();
    for (std::uint64_t frame = 0; frame < frames; ++frame)
    {
        auto const t0 = clock::now();
        simulate(world, 1.0 / o.hz);
        auto ec = client.try_send(snapshot(frame, world));
        if (ec == wsout::error::would_block)
            ++dropped; // a real game would coalesce: the next snapshot supersedes it
        else if (ec)
            ++refused_other;
        auto const t1 = clock::now();
        double const ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
        frame_ms.push_back(ms);
        if (t1 - t0 > step)
            ++overruns; // the frame's own work took longer than a frame
        next += step;
        std::this_thread::sleep_until(next);
    }

    auto const st_before_close = client.stats();
    client.close(std::chrono::seconds(2));
    auto const st = client.stats();
    std::printf(
        "summary: frames=%llu hz=%.0f p50_ms=%.4f p99_ms=%.4f max_ms=%.4f overruns=%llu accepted=%llu "
        "dropped_would_block=%llu refused_other=%llu sent=%llu failed=%llu state_before_close=%s\n",
        static_cast<unsigned long long>(frames), o.hz, percentile(frame_ms, 0.50), percentile(frame_ms, 0.99),
        frame_ms.empty() ? 0.0 : *std::max_element(frame_ms.begin(), frame_ms.end()),
        static_cast<unsigned long long>(overruns), static_cast<unsigned long long>(st.accepted),
        static_cast<unsigned long long>(dropped), static_cast<unsigned long long>(refused_other),
        static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.failed),
        wsout::to_string(st_before_close.state));
    return 0;
}
