// Debian's tinyproxy (package tinyproxy-bin) as a real HTTP CONNECT proxy for
// the tests: started on 127.0.0.1 with a generated config, stopped (SIGTERM,
// then SIGKILL) by the destructor.
//
//     wsout_test::tinyproxy proxy({/*connect_ports*/ {server_port}, "user", "pass"});
//     cfg.proxy_url = proxy.url_with_credentials();
//
// tinyproxy needs a fixed Port in its config, so a free port is found by
// binding port 0 first; if another process takes it before tinyproxy binds
// it, tinyproxy exits and the next attempt uses a new port.
#ifndef WSOUT_TESTS_SUPPORT_TINYPROXY_HPP
#define WSOUT_TESTS_SUPPORT_TINYPROXY_HPP

#include "support/process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wsout_test {

class tinyproxy
{
public:
    struct options
    {
        /// Ports CONNECT may reach; empty allows every port.
        std::vector<std::uint16_t> connect_ports;
        /// BasicAuth credentials; empty user: no proxy authentication.
        std::string user;
        std::string password;
    };

    static constexpr char const* program = "/usr/bin/tinyproxy";

    static bool available() { return ::access(program, X_OK) == 0; }

    explicit tinyproxy(options opts)
        : opts_(std::move(opts))
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "wsout-tinyproxy-XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        for (int attempt = 0; attempt < 10; ++attempt)
        {
            port_ = free_port();
            write_config();
            child_options co;
            co.inherit_stderr = false;
            co.term_grace = std::chrono::milliseconds(2000);
            proc_ = std::make_unique<child_process>(
                std::vector<std::string>{program, "-d", "-c", dir_ + "/tinyproxy.conf"}, co);
            if (wait_ready())
                return;
            proc_.reset(); // exited (port taken?) or never listened: retry
        }
        throw std::runtime_error("tinyproxy did not start; log:\n" + log());
    }

    ~tinyproxy()
    {
        proc_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    tinyproxy(tinyproxy const&) = delete;
    tinyproxy& operator=(tinyproxy const&) = delete;

    std::uint16_t port() const noexcept { return port_; }

    /// `http://127.0.0.1:PORT`
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    /// `http://user:password@127.0.0.1:PORT` (as configured).
    std::string url_with_credentials() const
    {
        return "http://" + opts_.user + ":" + opts_.password + "@127.0.0.1:" + std::to_string(port_);
    }

    /// tinyproxy's log so far.
    std::string log() const
    {
        std::ifstream f(dir_ + "/tinyproxy.log");
        std::ostringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }

private:
    static std::uint16_t free_port()
    {
        int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            throw std::runtime_error("socket failed");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        {
            ::close(fd);
            throw std::runtime_error("bind to port 0 failed");
        }
        ::close(fd);
        return ntohs(a.sin_port);
    }

    void write_config() const
    {
        std::ofstream f(dir_ + "/tinyproxy.conf", std::ios::trunc);
        f << "Port " << port_ << "\n"
          << "Listen 127.0.0.1\n"
          << "Timeout 30\n"
          << "MaxClients 50\n"
          << "LogFile \"" << dir_ << "/tinyproxy.log\"\n"
          << "LogLevel Info\n"
          << "Allow 127.0.0.1\n"
          << "DisableViaHeader Yes\n";
        for (auto p : opts_.connect_ports)
            f << "ConnectPort " << p << "\n";
        if (!opts_.user.empty())
            f << "BasicAuth " << opts_.user << " " << opts_.password << "\n";
    }

    // Ready when a TCP connect to the port succeeds while tinyproxy runs.
    bool wait_ready()
    {
        auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline)
        {
            if (!proc_->running())
                return false;
            if (log().find("Accepting connections") != std::string::npos && connects())
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    bool connects() const
    {
        int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port_);
        bool const ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        return ok;
    }

    options opts_;
    std::string dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<child_process> proc_;
};

} // namespace wsout_test

#endif
