// wsout test support: third-party WebSocket servers as child processes.
//
// `wsout_test::external_server` starts one of the recording servers in
// tests/servers/ (python3-websockets, Node `ws`, python3-autobahn), reads the
// port it prints, and reads back what it recorded:
//
//     wsout_test::external_server srv(wsout_test::server_kind::python_websockets);
//     ... send to srv.url("/post/ws") ...
//     REQUIRE(srv.wait_for_messages(3, std::chrono::seconds(10)));
//     auto msgs = srv.messages();   // std::vector<wsout_test::received_message>
//
// Extra command-line options go in `args` ({"--compression", "off"},
// {"--subprotocol", "chat"}, {"--close-after", "5"}, ...; see the scripts).
// The server's files live in a fresh temporary directory removed by the
// destructor, which also stops the process (SIGTERM, then SIGKILL).
//
// Requirements: /usr/bin/python3 with python3-websockets / python3-autobahn
// (Debian), `node` and `npm ci --prefix tests/node` for the Node server. A
// missing one makes the constructor throw std::runtime_error saying so.
#pragma once

#include "process.hpp"
#include "test_server.hpp" // received_message

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

namespace wsout_test {

enum class server_kind
{
    python_websockets,
    node_ws,
    python_autobahn
};

inline char const* to_string(server_kind k)
{
    switch (k)
    {
    case server_kind::python_websockets: return "python-websockets";
    case server_kind::node_ws: return "node-ws";
    case server_kind::python_autobahn: return "python-autobahn";
    }
    return "?";
}

namespace ext_detail {

/// tests/servers, found next to this header (tests/support/..).
inline std::string servers_dir()
{
    std::string here = __FILE__;
    auto slash = here.find_last_of('/');
    std::string support = slash == std::string::npos ? std::string(".") : here.substr(0, slash);
    return support + "/../servers";
}

inline bool file_exists(std::string const& p)
{
    struct stat st
    {};
    return ::stat(p.c_str(), &st) == 0;
}

inline std::string base64_decode(std::string const& in)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : in)
    {
        int v = value(c);
        if (v < 0)
            continue; // '=' padding, newlines
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8)
        {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

// Complete JSON lines of a file (a partially written last line is ignored).
inline std::vector<nlohmann::json> read_json_lines(std::string const& path)
{
    std::vector<nlohmann::json> v;
    std::ifstream f(path, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::size_t pos = 0;
    for (;;)
    {
        auto nl = all.find('\n', pos);
        if (nl == std::string::npos)
            break;
        auto line = all.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty())
            continue;
        v.push_back(nlohmann::json::parse(line, nullptr, false));
    }
    return v;
}

} // namespace ext_detail

/// One of the recording servers of tests/servers, running as a child process.
class external_server
{
public:
    /// Starts the server and waits (up to `startup`) for its port.
    explicit external_server(server_kind kind,
                             std::vector<std::string> args = {},
                             std::chrono::milliseconds startup = std::chrono::seconds(20))
        : kind_(kind)
    {
        char tmpl[] = "/tmp/wsout-ext-XXXXXX";
        if (!::mkdtemp(tmpl))
            throw std::runtime_error("external_server: mkdtemp failed");
        dir_ = tmpl;
        out_ = dir_ + "/messages.jsonl";
        events_ = dir_ + "/events.jsonl";

        std::string const dir = ext_detail::servers_dir();
        std::vector<std::string> argv;
        switch (kind)
        {
        case server_kind::python_websockets: argv = {"/usr/bin/python3", dir + "/ws_server.py"}; break;
        case server_kind::python_autobahn: argv = {"/usr/bin/python3", dir + "/autobahn_server.py"}; break;
        case server_kind::node_ws:
            if (!ext_detail::file_exists(dir + "/../node/node_modules/ws/package.json"))
            {
                cleanup_dir();
                throw std::runtime_error(
                    "external_server: npm package `ws` missing: run `npm ci --prefix tests/node`");
            }
            argv = {"node", dir + "/ws_server.js"};
            break;
        }
        argv.insert(argv.end(), {"--out", out_, "--events", events_});
        argv.insert(argv.end(), args.begin(), args.end());
        try
        {
            proc_ = std::make_unique<child_process>(argv);
        }
        catch (...)
        {
            cleanup_dir();
            throw;
        }
        auto line = proc_->read_line(startup);
        if (!line || line->empty() || line->find_first_not_of("0123456789") != std::string::npos)
        {
            proc_.reset();
            cleanup_dir();
            throw std::runtime_error(std::string("external_server: ") + to_string(kind) +
                                     " did not print its port (is its module installed?)");
        }
        port_ = static_cast<unsigned short>(std::stoi(*line));
    }

    external_server(external_server const&) = delete;
    external_server& operator=(external_server const&) = delete;

    ~external_server()
    {
        proc_.reset(); // SIGTERM, SIGKILL after a bound, reaped
        cleanup_dir();
    }

    server_kind kind() const { return kind_; }
    unsigned short port() const { return port_; }
    std::string url(std::string const& path = "/post/ws") const
    {
        return "ws://127.0.0.1:" + std::to_string(port_) + path;
    }
    child_process& process() { return *proc_; }

    /// Messages recorded so far, in order (payload decoded).
    std::vector<received_message> messages() const
    {
        std::vector<received_message> v;
        for (auto const& j : ext_detail::read_json_lines(out_))
        {
            if (!j.is_object() || !j.contains("b64"))
                continue;
            received_message m;
            m.connection = j.value("conn", std::size_t{0});
            m.text = j.value("type", std::string()) == "text";
            m.payload = ext_detail::base64_decode(j.value("b64", std::string()));
            v.push_back(std::move(m));
        }
        return v;
    }

    /// Connection events: {"event": "open", "conn", "path", "headers": [[k, v]...],
    /// "subprotocol", "extensions"} and {"event": "close", "conn", "code", "messages"}.
    std::vector<nlohmann::json> events() const { return ext_detail::read_json_lines(events_); }

    /// Polls the record until `n` messages are there; false on timeout.
    bool wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const
    {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        for (;;)
        {
            if (messages().size() >= n)
                return true;
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

    /// Polls the events until `n` "close" events are there; false on timeout.
    bool wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const
    {
        auto const deadline = std::chrono::steady_clock::now() + timeout;
        for (;;)
        {
            std::size_t closed = 0;
            for (auto const& e : events())
                if (e.is_object() && e.value("event", std::string()) == "close")
                    ++closed;
            if (closed >= n)
                return true;
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }

private:
    void cleanup_dir()
    {
        if (dir_.empty())
            return;
        ::unlink(out_.c_str());
        ::unlink(events_.c_str());
        ::rmdir(dir_.c_str());
        dir_.clear();
    }

    server_kind kind_;
    std::string dir_, out_, events_;
    std::unique_ptr<child_process> proc_;
    unsigned short port_ = 0;
};

} // namespace wsout_test
