// wsout-rss-probe: tries to send TOTAL bytes (for at most SECONDS) to a
// server, in one of several producer styles, and prints its own peak RSS.
// Run by faults_test "[backpressure]" against a server that reads slowly.
//
//   wsout-rss-probe URL MODE TOTAL_BYTES SECONDS MESSAGE_BYTES
//
// MODE:
//   try_write   one producer, try_write; on would_block it sleeps 1 ms
//   write       4 producer threads, blocking write
//   client      wsout::client, 4 threads, send (bounded wait, 100 ms)
//
// Output (one line): mode=... accepted=N accepted_bytes=B would_block=W
// seconds=S vmhwm_kib=K baseline_kib=K sanitized=0|1
// Exit status 0, or 1 when the output failed.

#include <wsout/client.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

long status_kib(char const* field)
{
    std::ifstream f("/proc/self/status");
    std::string line;
    std::string const key = std::string(field) + ":";
    while (std::getline(f, line))
        if (line.compare(0, key.size(), key) == 0)
            return std::atol(line.c_str() + key.size());
    return -1;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int sanitized = 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr int sanitized = 1;
#else
constexpr int sanitized = 0;
#endif
#else
constexpr int sanitized = 0;
#endif

} // namespace

int main(int argc, char** argv)
{
    if (argc != 6)
    {
        std::cerr << "usage: wsout-rss-probe URL try_write|write|client TOTAL_BYTES SECONDS MESSAGE_BYTES\n";
        return 2;
    }
    std::string const url = argv[1];
    std::string const mode = argv[2];
    std::uint64_t const total = std::strtoull(argv[3], nullptr, 10);
    auto const limit = std::chrono::milliseconds(static_cast<long>(std::atof(argv[4]) * 1000));
    std::string const message(std::strtoull(argv[5], nullptr, 10), 'r');

    wsout::config cfg;
    cfg.url = url;
    cfg.timeouts.close = std::chrono::seconds(1);

    std::atomic<std::uint64_t> accepted{0}, accepted_bytes{0}, would_block{0}, failed{0};
    auto const start = std::chrono::steady_clock::now();
    auto more = [&] {
        return accepted_bytes.load() < total && std::chrono::steady_clock::now() - start < limit;
    };
    long baseline = 0;

    if (mode == "client")
    {
        wsout::client_options o;
        o.send_timeout = std::chrono::milliseconds(100);
        wsout::client c(cfg, o);
        if (!c.wait_connected(std::chrono::seconds(10)))
            return 1;
        baseline = status_kib("VmRSS");
        std::vector<std::thread> producers;
        for (int t = 0; t < 4; ++t)
            producers.emplace_back([&] {
                while (more())
                {
                    auto ec = c.send(message);
                    if (ec == wsout::error::would_block)
                        ++would_block;
                    else if (ec)
                    {
                        ++failed;
                        return;
                    }
                    else
                    {
                        ++accepted;
                        accepted_bytes += message.size();
                    }
                }
            });
        for (auto& p : producers)
            p.join();
        c.close(std::chrono::seconds(1));
    }
    else
    {
        boost::asio::thread_pool io(1);
        wsout::plain_output out(io.get_executor(), cfg);
        out.connect();
        baseline = status_kib("VmRSS");
        if (mode == "try_write")
        {
            while (more())
            {
                wsout::error_code ec;
                if (out.try_write(message, ec))
                {
                    ++accepted;
                    accepted_bytes += message.size();
                }
                else if (ec == wsout::error::would_block)
                {
                    ++would_block;
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
                else
                {
                    ++failed;
                    break;
                }
            }
        }
        else if (mode == "write")
        {
            std::vector<std::thread> producers;
            for (int t = 0; t < 4; ++t)
                producers.emplace_back([&] {
                    while (more())
                    {
                        wsout::error_code ec;
                        out.write(message, ec);
                        if (ec)
                        {
                            ++failed;
                            return;
                        }
                        ++accepted;
                        accepted_bytes += message.size();
                    }
                });
            for (auto& p : producers)
                p.join();
        }
        else
        {
            std::cerr << "unknown mode " << mode << "\n";
            return 2;
        }
        wsout::error_code ignored;
        out.close(ignored); // bounded by the 1 s close timeout
        io.stop();
        io.join();
    }
    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("mode=%s accepted=%llu accepted_bytes=%llu would_block=%llu failed=%llu seconds=%.2f "
                "vmhwm_kib=%ld baseline_kib=%ld sanitized=%d\n",
                mode.c_str(), static_cast<unsigned long long>(accepted.load()),
                static_cast<unsigned long long>(accepted_bytes.load()),
                static_cast<unsigned long long>(would_block.load()),
                static_cast<unsigned long long>(failed.load()), seconds, status_kib("VmHWM"), baseline,
                sanitized);
    return failed.load() == 0 ? 0 : 1;
}
