// wsout test support: child processes with bounded waits (POSIX).
//
// `wsout_test::child_process` starts a program (posix_spawnp: searched in
// PATH unless the name has a '/'), with extra environment variables, stdin
// from /dev/null, stdout on a pipe read line by line, stderr inherited (so a
// failing helper's traceback shows in the test log) or discarded. The
// destructor sends SIGTERM, waits a bounded time, then SIGKILL, and reaps.
//
//     wsout_test::child_process srv({"/usr/bin/python3", "tests/servers/ws_server.py",
//                                   "--out", path});
//     auto port = srv.read_line(std::chrono::seconds(10));   // std::optional<std::string>
//
// `wsout_test::run_and_capture(argv, stdin_text, timeout)` runs a program to
// completion, feeding stdin and collecting stdout and stderr; on timeout the
// child is killed and `timed_out` is set.
//
// Both ignore SIGPIPE process-wide once (writing to a pipe whose reader died
// must be an error, not the end of the test run).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace wsout_test {

namespace proc_detail {

using clock = std::chrono::steady_clock;

inline void ignore_sigpipe()
{
    static bool const done = [] {
        ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

inline int remaining_ms(clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    if (left <= 0)
        return 0;
    return left > 1000000 ? 1000000 : static_cast<int>(left);
}

// A pipe whose ends are close-on-exec (posix_spawn's dup2 clears the flag on
// the child's copy).
struct pipe_fds
{
    int r = -1, w = -1;
    pipe_fds()
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            throw std::system_error(errno, std::generic_category(), "pipe2");
        r = fds[0];
        w = fds[1];
    }
    pipe_fds(pipe_fds const&) = delete;
    pipe_fds& operator=(pipe_fds const&) = delete;
    ~pipe_fds()
    {
        close_r();
        close_w();
    }
    void close_r()
    {
        if (r >= 0)
            ::close(r);
        r = -1;
    }
    void close_w()
    {
        if (w >= 0)
            ::close(w);
        w = -1;
    }
};

// environ + overrides ("NAME=value"; a later entry with the same NAME wins).
inline std::vector<std::string> merged_env(std::vector<std::string> const& extra)
{
    std::vector<std::string> env;
    auto name_of = [](std::string const& kv) { return kv.substr(0, kv.find('=')); };
    for (char** e = environ; e && *e; ++e)
    {
        std::string kv(*e);
        bool overridden = false;
        for (auto const& x : extra)
            if (name_of(x) == name_of(kv))
                overridden = true;
        if (!overridden)
            env.push_back(std::move(kv));
    }
    for (auto const& x : extra)
        env.push_back(x);
    return env;
}

inline std::vector<char*> c_strings(std::vector<std::string>& v)
{
    std::vector<char*> out;
    for (auto& s : v)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Spawns argv with the given fds as the child's 0/1/2 (-1: /dev/null).
inline pid_t spawn(std::vector<std::string> argv,
                   std::vector<std::string> const& extra_env,
                   int in_fd,
                   int out_fd,
                   int err_fd)
{
    if (argv.empty())
        throw std::invalid_argument("spawn: empty argv");
    auto env = merged_env(extra_env);
    auto cargv = c_strings(argv);
    auto cenv = c_strings(env);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    auto wire = [&](int fd, int target, int oflag) {
        if (fd >= 0)
            posix_spawn_file_actions_adddup2(&fa, fd, target);
        else
            posix_spawn_file_actions_addopen(&fa, target, "/dev/null", oflag, 0);
    };
    wire(in_fd, 0, O_RDONLY);
    wire(out_fd, 1, O_WRONLY);
    if (err_fd != -2)
        wire(err_fd, 2, O_WRONLY); // -2: inherit the parent's stderr
    // Nothing else crosses over: Asio does not mark its sockets close-on-exec,
    // and a child holding a test server's listening socket would keep its
    // port bound after the server stops.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);

    // The child starts with no blocked signals and default SIGPIPE/SIGTERM/
    // SIGINT handling, whatever the test process did with them.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &def);

    pid_t pid = -1;
    int const rc = ::posix_spawnp(&pid, cargv[0], &fa, &attr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        throw std::system_error(rc, std::generic_category(), "posix_spawnp " + argv[0]);
    return pid;
}

// Exit code from a wait status: the exit status, or 128 + signal number.
inline int decode_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

// Polls waitpid until the child exits or the deadline passes.
inline std::optional<int> wait_until(pid_t pid, clock::time_point deadline)
{
    for (;;)
    {
        int status = 0;
        pid_t const r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return decode_status(status);
        if (r < 0 && errno != EINTR)
            return -1; // not our child any more
        if (clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

// SIGTERM, wait `grace`, SIGKILL, reap (bounded: a SIGKILLed child is reaped
// by the kernel promptly; we still give up after 5 s rather than hang).
inline int terminate(pid_t pid, std::chrono::milliseconds grace)
{
    ::kill(pid, SIGTERM);
    if (auto code = wait_until(pid, clock::now() + grace))
        return *code;
    ::kill(pid, SIGKILL);
    if (auto code = wait_until(pid, clock::now() + std::chrono::seconds(5)))
        return *code;
    return -1;
}

} // namespace proc_detail

/// Options of a child_process.
struct child_options
{
    std::vector<std::string> env;               ///< extra "NAME=value" entries
    bool inherit_stderr = true;                 ///< false: stderr goes to /dev/null
    std::chrono::milliseconds term_grace{3000}; ///< SIGTERM -> SIGKILL delay
};

/// A running child process with its stdout on a pipe. Not thread-safe.
class child_process
{
public:
    /// Starts argv[0] (PATH search) with argv. Throws std::system_error when
    /// the program cannot be started.
    explicit child_process(std::vector<std::string> argv, child_options opts = {})
        : opts_(std::move(opts))
    {
        proc_detail::ignore_sigpipe();
        proc_detail::pipe_fds out;
        pid_ = proc_detail::spawn(std::move(argv), opts_.env, -1, out.w, opts_.inherit_stderr ? -2 : -1);
        out_fd_ = out.r;
        out.r = -1; // ours now
    }

    child_process(child_process const&) = delete;
    child_process& operator=(child_process const&) = delete;

    /// Terminates (SIGTERM, then SIGKILL after term_grace) and reaps.
    ~child_process()
    {
        stop();
        if (out_fd_ >= 0)
            ::close(out_fd_);
    }

    pid_t pid() const { return pid_; }

    /// The next line of the child's stdout without its '\n' (a final line
    /// without '\n' is returned at EOF). nullopt on timeout or EOF.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout)
    {
        auto const deadline = proc_detail::clock::now() + timeout;
        for (;;)
        {
            auto nl = buffer_.find('\n');
            if (nl != std::string::npos)
            {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            if (eof_)
            {
                if (buffer_.empty())
                    return std::nullopt;
                std::string line = std::move(buffer_);
                buffer_.clear();
                return line;
            }
            if (!fill(proc_detail::remaining_ms(deadline)) && !eof_)
                return std::nullopt;
        }
    }

    /// Everything the child writes to stdout until it closes it (or timeout).
    std::string read_all(std::chrono::milliseconds timeout)
    {
        auto const deadline = proc_detail::clock::now() + timeout;
        while (!eof_ && fill(proc_detail::remaining_ms(deadline)))
        {}
        std::string out = std::move(buffer_);
        buffer_.clear();
        return out;
    }

    /// Whether the child is still running (reaps it if it exited).
    bool running()
    {
        if (exit_code_)
            return false;
        exit_code_ = proc_detail::wait_until(pid_, proc_detail::clock::now());
        return !exit_code_;
    }

    /// Waits up to `timeout` for the child to exit on its own: its exit code
    /// (128 + signal if killed), or nullopt if still running.
    std::optional<int> wait(std::chrono::milliseconds timeout)
    {
        if (!exit_code_)
            exit_code_ = proc_detail::wait_until(pid_, proc_detail::clock::now() + timeout);
        return exit_code_;
    }

    /// Sends a signal (e.g. SIGINT to test a clean shutdown path).
    void signal(int sig)
    {
        if (!exit_code_)
            ::kill(pid_, sig);
    }

    /// SIGTERM, then SIGKILL after term_grace; reaps. Returns the exit code.
    int stop()
    {
        if (!exit_code_)
            exit_code_ = proc_detail::terminate(pid_, opts_.term_grace);
        return *exit_code_;
    }

private:
    // Reads what is available within timeout_ms; false on timeout or EOF.
    bool fill(int timeout_ms)
    {
        pollfd p{out_fd_, POLLIN, 0};
        int const r = ::poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            return true;
        if (r <= 0)
            return false;
        char chunk[4096];
        ssize_t const n = ::read(out_fd_, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            return true;
        if (n <= 0)
        {
            eof_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    child_options opts_;
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
    std::optional<int> exit_code_;
};

/// What run_and_capture() saw.
struct run_result
{
    int exit_code = -1;     ///< exit status, 128 + signal if killed, -1 unknown
    std::string out;        ///< everything written to stdout
    std::string err;        ///< everything written to stderr
    bool timed_out = false; ///< the child was killed at the deadline
};

/// Runs argv to completion: writes `stdin_text` to its stdin (then closes
/// it), collects stdout and stderr, waits for the exit. At `timeout` the child
/// is killed (SIGKILL) and timed_out is set. Throws std::system_error when the
/// program cannot be started.
inline run_result run_and_capture(std::vector<std::string> argv,
                                  std::string const& stdin_text,
                                  std::chrono::milliseconds timeout,
                                  std::vector<std::string> env = {})
{
    proc_detail::ignore_sigpipe();
    auto const deadline = proc_detail::clock::now() + timeout;
    proc_detail::pipe_fds in, out, err;
    pid_t const pid = proc_detail::spawn(std::move(argv), env, in.r, out.w, err.w);
    in.close_r();
    out.close_w();
    err.close_w();
    ::fcntl(in.w, F_SETFL, ::fcntl(in.w, F_GETFL) | O_NONBLOCK);

    run_result res;
    std::size_t written = 0;
    if (stdin_text.empty())
        in.close_w();
    while (out.r >= 0 || err.r >= 0)
    {
        pollfd fds[3];
        int n = 0;
        int idx_in = -1, idx_out = -1, idx_err = -1;
        if (in.w >= 0)
        {
            idx_in = n;
            fds[n++] = pollfd{in.w, POLLOUT, 0};
        }
        if (out.r >= 0)
        {
            idx_out = n;
            fds[n++] = pollfd{out.r, POLLIN, 0};
        }
        if (err.r >= 0)
        {
            idx_err = n;
            fds[n++] = pollfd{err.r, POLLIN, 0};
        }
        int const left = proc_detail::remaining_ms(deadline);
        if (left == 0)
        {
            res.timed_out = true;
            break;
        }
        int const r = ::poll(fds, static_cast<nfds_t>(n), left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r == 0)
            continue; // the deadline check above ends the loop
        if (idx_in >= 0 && (fds[idx_in].revents & (POLLOUT | POLLERR | POLLHUP)))
        {
            ssize_t const w = ::write(in.w, stdin_text.data() + written, stdin_text.size() - written);
            if (w > 0)
                written += static_cast<std::size_t>(w);
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == stdin_text.size())
                in.close_w();
        }
        auto drain = [](proc_detail::pipe_fds& p, short revents, std::string& sink) {
            if (!(revents & (POLLIN | POLLHUP | POLLERR)))
                return;
            char chunk[8192];
            ssize_t const got = ::read(p.r, chunk, sizeof chunk);
            if (got > 0)
                sink.append(chunk, static_cast<std::size_t>(got));
            else if (got == 0 || errno != EINTR)
                p.close_r();
        };
        if (idx_out >= 0)
            drain(out, fds[idx_out].revents, res.out);
        if (idx_err >= 0)
            drain(err, fds[idx_err].revents, res.err);
    }
    in.close_w();

    if (res.timed_out)
    {
        ::kill(pid, SIGKILL);
        res.exit_code =
            proc_detail::wait_until(pid, proc_detail::clock::now() + std::chrono::seconds(5)).value_or(-1);
    }
    else
    {
        // Output closed: the child is exiting (or closed its fds and lingers).
        auto code = proc_detail::wait_until(pid, deadline);
        if (code)
        {
            res.exit_code = *code;
        }
        else
        {
            res.timed_out = true;
            ::kill(pid, SIGKILL);
            res.exit_code = proc_detail::wait_until(pid, proc_detail::clock::now() + std::chrono::seconds(5))
                                .value_or(-1);
        }
    }
    return res;
}

} // namespace wsout_test
