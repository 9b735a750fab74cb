//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_CLIENT_IPP
#define WSOUT_IMPL_CLIENT_IPP

#include <wsout/output.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

/* How the client works.

   One io_context, run by one thread the client owns, drives a type-erased
   `wsout::output`. Producer threads never touch the I/O thread directly:
   under the client's mutex they check the in-flight limits (the client
   counts accepted-but-unreported messages itself, because the output's
   try_write has no per-message completion) and then either hand the
   message to `output::async_write` (once connected) or keep it in
   `buffer_` (before the first connect: the output refuses writes while it
   is not connected). Each message carries a `settle_handler` that reports
   it exactly once: when the output completes it, or, if the io_context is
   destroyed with the handler still inside, from the handler's destructor
   (operation_aborted).

   The first connect is a loop on the I/O thread: async_connect, and on a
   transient failure a steady_timer wait following cfg.backoff. After it
   succeeded, reconnecting is the output's business.
*/
class client_impl
{
public:
    using clock = std::chrono::steady_clock;

    client_impl(config cfg, client_options opts)
        : opts_(std::move(opts))
    {
        ioc_.emplace(1);
        out_.emplace(make_output(*ioc_, std::move(cfg)));
        cfg_ = out_->get_config();
        if (opts_.log)
            out_->set_log_hook(opts_.log);
        timer_.emplace(*ioc_);
        work_.emplace(ioc_->get_executor());
        boost::asio::post(*ioc_, [this] { start_attempt(); });
        thread_ = std::thread([this] { run(); });
    }

    client_impl(client_impl const&) = delete;
    client_impl& operator=(client_impl const&) = delete;

    ~client_impl()
    {
        // Only reached when the constructor threw after the thread started
        // (it cannot) or through shutdown(), which joined it.
        if (thread_.joinable())
        {
            ioc_->stop();
            thread_.join();
        }
    }

    config const& get_config() const noexcept { return cfg_; }
    std::chrono::milliseconds send_timeout() const noexcept { return opts_.send_timeout; }

    //--------------------------------------------------------------------
    // Producer side (any thread)

    error_code send(std::string message, send_handler cb, std::chrono::milliseconds timeout)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        error_code ec = admission_error_locked(message.size());
        if (ec == error::would_block && timeout.count() > 0 && !on_io_thread())
        {
            auto const deadline = clock::now() + timeout;
            ++waiters_;
            while (ec == error::would_block)
            {
                if (cv_.wait_until(lock, deadline) == std::cv_status::timeout)
                {
                    ec = admission_error_locked(message.size());
                    break;
                }
                ec = admission_error_locked(message.size());
            }
            --waiters_;
        }
        if (ec)
        {
            ++refused_;
            return ec;
        }
        accept_locked(std::move(message), std::move(cb));
        return {};
    }

    bool flush(std::chrono::milliseconds timeout)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        std::uint64_t const target = accepted_;
        if (settled_ >= target)
            return true;
        if (on_io_thread())
            return false;
        ++waiters_;
        bool const ok = cv_.wait_for(lock, timeout, [&] { return settled_ >= target; });
        --waiters_;
        return ok;
    }

    bool wait_connected(std::chrono::milliseconds timeout)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (connected_ || stop_connecting_ || on_io_thread())
            return connected_;
        ++waiters_;
        cv_.wait_for(lock, timeout, [&] { return connected_ || stop_connecting_; });
        --waiters_;
        return connected_;
    }

    error_code close(std::chrono::milliseconds timeout)
    {
        auto const deadline = clock::now() + timeout;
        bool const io = on_io_thread();
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (close_started_)
            {
                // Another close runs (or ran): report its outcome.
                if (!io)
                {
                    ++waiters_;
                    cv_.wait_until(lock, deadline, [&] { return close_done_; });
                    --waiters_;
                }
                return close_done_ ? close_ec_ : make_error_code(error::close_timeout);
            }
            close_started_ = true;
            accepting_ = accepting::closing;
        }
        cv_.notify_all(); // senders waiting for room now get output_closed
        if (!io)
        {
            // The flush leaves a slice of the budget to the close itself, so
            // that messages still waiting for a first connection are
            // reported (failed) before close returns.
            auto const reserve = std::min<clock::duration>(timeout / 10, std::chrono::milliseconds(100));
            std::unique_lock<std::mutex> lock(mutex_);
            ++waiters_;
            cv_.wait_until(lock, deadline - reserve, [&] { return settled_ >= accepted_; });
            --waiters_;
        }
        boost::asio::post(*ioc_, [this] { do_close(); });
        if (io)
            return make_error_code(error::close_timeout); // cannot wait on our own thread
        std::unique_lock<std::mutex> lock(mutex_);
        ++waiters_;
        bool const done =
            cv_.wait_until(lock, deadline, [&] { return close_done_ && settled_ >= accepted_; });
        --waiters_;
        return done ? close_ec_ : make_error_code(error::close_timeout);
    }

    client_stats stats() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        client_stats s;
        s.accepted = accepted_;
        s.sent = sent_;
        s.failed = failed_;
        s.refused = refused_;
        s.in_flight = in_flight_;
        s.in_flight_bytes = in_flight_bytes_;
        s.connect_attempts = attempts_;
        s.last_error = last_error_;
        if (failed_connect_)
            s.state = client_state::failed;
        else if (accepting_ == accepting::closed || close_done_)
            s.state = client_state::closed;
        else if (accepting_ == accepting::closing)
            s.state = client_state::closing;
        else
            s.state = connected_ ? client_state::connected : client_state::connecting;
        if (out_)
            s.output = out_->stats();
        return s;
    }

    failure_info last_failure() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return out_ ? out_->last_failure() : failure_info{};
    }

    /// From ~client: close with a bound, stop the I/O thread, report the rest.
    void shutdown() noexcept
    {
        if (on_io_thread())
            std::terminate(); // a client destroyed from its own callback cannot join its thread
        auto bound = cfg_.timeouts.close.count() > 0
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.timeouts.close)
                         : std::chrono::milliseconds(5000);
        bound += std::chrono::seconds(1);
        try
        {
            close(bound);
            // Destroy the output on its own thread: its abandon() fails
            // whatever is left with operation_aborted, and the completions
            // run there before the io_context runs out of work.
            boost::asio::post(*ioc_, [this] {
                std::optional<output> dead;
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    dead.swap(out_);
                }
            });
        }
        catch (...)
        {}
        work_.reset();
        {
            std::unique_lock<std::mutex> lock(mutex_);
            cv_.wait_for(lock, std::chrono::seconds(2), [&] { return io_done_; });
            if (!io_done_)
                ioc_->stop();
        }
        thread_.join();
        // With the thread stopped early, the output and its pending
        // handlers die here; each settle_handler reports its message.
        {
            std::optional<output> dead;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                dead.swap(out_);
            }
        }
        timer_.reset();
        ioc_.reset();
        std::deque<buffered> rest;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            rest.swap(buffer_);
        }
        for (auto& b : rest)
            settle(boost::asio::error::operation_aborted, b.data.size(), b.cb);
    }

private:
    enum class accepting
    {
        yes,
        closing,
        closed
    };

    struct buffered
    {
        std::string data;
        send_handler cb;
    };

    /// Reports its message exactly once: when called, or when destroyed
    /// uncalled (the io_context went away with it inside).
    class settle_handler
    {
    public:
        settle_handler(client_impl* self, std::size_t bytes, send_handler cb) noexcept
            : self_(self)
            , bytes_(bytes)
            , cb_(std::move(cb))
        {}
        settle_handler(settle_handler&& other) noexcept
            : self_(std::exchange(other.self_, nullptr))
            , bytes_(other.bytes_)
            , cb_(std::move(other.cb_))
        {}
        settle_handler(settle_handler const&) = delete;
        settle_handler& operator=(settle_handler const&) = delete;
        settle_handler& operator=(settle_handler&&) = delete;
        ~settle_handler()
        {
            if (auto* s = std::exchange(self_, nullptr))
                s->settle(boost::asio::error::operation_aborted, bytes_, cb_);
        }
        void operator()(error_code ec)
        {
            if (auto* s = std::exchange(self_, nullptr))
                s->settle(ec, bytes_, cb_);
        }

    private:
        client_impl* self_;
        std::size_t bytes_;
        send_handler cb_;
    };

    bool on_io_thread() const noexcept { return std::this_thread::get_id() == io_id_.load(); }

    error_code admission_error_locked(std::size_t size) const
    {
        if (failed_connect_)
            return failed_connect_;
        if (accepting_ != accepting::yes)
            return error::output_closed;
        if (in_flight_ == 0)
            return {};
        if (in_flight_ + 1 > cfg_.max_in_flight || in_flight_bytes_ + size > cfg_.max_in_flight_bytes)
            return error::would_block;
        return {};
    }

    void accept_locked(std::string message, send_handler cb)
    {
        std::size_t const size = message.size();
        ++accepted_;
        ++in_flight_;
        in_flight_bytes_ += size;
        if (connected_ && out_)
            out_->async_write(std::move(message), settle_handler(this, size, std::move(cb)));
        else
            buffer_.push_back(buffered{std::move(message), std::move(cb)});
    }

    // The counters change before the callback runs (a future made ready by
    // it sees them), `settled_` after it (a returning flush means every
    // callback ran).
    void settle(error_code ec, std::size_t bytes, send_handler& cb) noexcept
    {
        bool wake = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            --in_flight_;
            in_flight_bytes_ -= bytes;
            if (ec)
            {
                ++failed_;
                last_error_ = ec;
            }
            else
                ++sent_;
            wake = waiters_ != 0;
        }
        if (wake)
            cv_.notify_all(); // room for waiting senders
        if (cb)
        {
            try
            {
                cb(ec);
            }
            catch (std::exception const& e)
            {
                log(log_level::error, std::string("wsout client: a send callback threw: ") + e.what());
            }
            catch (...)
            {
                log(log_level::error, "wsout client: a send callback threw");
            }
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++settled_;
            wake = waiters_ != 0;
        }
        if (wake)
            cv_.notify_all();
    }

    void log(log_level level, std::string const& msg) const noexcept
    {
        if (!opts_.log)
            return;
        try
        {
            opts_.log(level, msg);
        }
        catch (...)
        {}
    }

    //--------------------------------------------------------------------
    // I/O thread

    void run()
    {
        io_id_.store(std::this_thread::get_id());
        for (;;)
        {
            try
            {
                ioc_->run();
                break;
            }
            catch (std::exception const& e)
            {
                log(log_level::error, std::string("wsout client: the I/O thread caught: ") + e.what());
            }
            catch (...)
            {
                log(log_level::error, "wsout client: the I/O thread caught an unknown exception");
            }
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            io_done_ = true;
        }
        cv_.notify_all();
    }

    void start_attempt()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stop_connecting_ || !out_)
                return;
            ++attempts_;
        }
        out_->async_connect([this](error_code ec) { on_connect(ec); });
    }

    void on_connect(error_code ec)
    {
        std::deque<buffered> to_fail;
        error_code fail_ec;
        std::chrono::nanoseconds wait{0};
        std::uint64_t attempt = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stop_connecting_ || !out_)
                return;
            attempt = attempts_;
            if (!ec)
            {
                connected_ = true;
                // Everything that waited goes first, in order; later sends
                // (they take the same mutex) queue behind it.
                for (auto& b : buffer_)
                {
                    std::size_t const size = b.data.size();
                    out_->async_write(std::move(b.data), settle_handler(this, size, std::move(b.cb)));
                }
                buffer_.clear();
            }
            else
            {
                last_error_ = ec;
                auto const now = clock::now();
                if (ec == condition::permanent)
                    fail_ec = ec;
                else if (!backoff_started_)
                {
                    backoff_started_ = true;
                    backoff_start_ = now;
                    backoff_current_ = cfg_.backoff.initial_interval;
                }
                else if (cfg_.backoff.max_elapsed_time.count() > 0 &&
                         now - backoff_start_ >= cfg_.backoff.max_elapsed_time)
                    fail_ec = error::retries_exhausted;
                if (fail_ec)
                {
                    failed_connect_ = fail_ec;
                    stop_connecting_ = true;
                    to_fail.swap(buffer_);
                }
                else
                {
                    wait = jittered(backoff_current_);
                    auto next = std::chrono::duration_cast<std::chrono::nanoseconds>(backoff_current_ *
                                                                                     cfg_.backoff.multiplier);
                    backoff_current_ = std::min(next, std::chrono::nanoseconds(cfg_.backoff.max_interval));
                }
            }
        }
        cv_.notify_all();
        if (!ec)
            return;
        if (fail_ec)
        {
            log(log_level::error, "wsout client: giving up connecting after " + std::to_string(attempt) +
                                      " attempt(s): " + fail_ec.message() +
                                      " (last: " + last_failure().message + ")");
            for (auto& b : to_fail)
                settle(fail_ec, b.data.size(), b.cb);
            return;
        }
        log(log_level::info, "wsout client: connect attempt " + std::to_string(attempt) +
                                 " failed, retrying in " + format_duration(wait));
        timer_->expires_after(wait);
        timer_->async_wait([this](error_code tec) {
            if (!tec)
                start_attempt();
        });
    }

    std::chrono::nanoseconds jittered(std::chrono::nanoseconds d)
    {
        double const j = std::clamp(cfg_.backoff.jitter, 0.0, 1.0);
        std::uniform_real_distribution<double> dist(1.0 - j, 1.0 + j);
        return std::chrono::duration_cast<std::chrono::nanoseconds>(d * dist(rng_));
    }

    void do_close()
    {
        std::deque<buffered> to_fail;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_connecting_ = true;
            to_fail.swap(buffer_);
        }
        timer_->cancel();
        for (auto& b : to_fail)
            settle(error::output_closed, b.data.size(), b.cb);
        if (!out_)
            return finish_close({});
        out_->async_close([this](error_code ec) { finish_close(ec); });
    }

    void finish_close(error_code ec)
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            close_done_ = true;
            close_ec_ = ec;
            accepting_ = accepting::closed;
        }
        cv_.notify_all();
    }

    // Destroyed last (declared first): what settle() and the handlers use.
    client_options opts_;
    config cfg_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::size_t waiters_ = 0;
    std::uint64_t accepted_ = 0, settled_ = 0, sent_ = 0, failed_ = 0, refused_ = 0;
    std::uint64_t in_flight_ = 0, in_flight_bytes_ = 0;
    std::uint64_t attempts_ = 0;
    error_code last_error_;
    error_code failed_connect_;
    accepting accepting_ = accepting::yes;
    bool connected_ = false;
    bool stop_connecting_ = false;
    bool close_started_ = false;
    bool close_done_ = false;
    error_code close_ec_;
    bool io_done_ = false;
    std::deque<buffered> buffer_;
    std::atomic<std::thread::id> io_id_{};

    // I/O thread only.
    bool backoff_started_ = false;
    clock::time_point backoff_start_{};
    std::chrono::nanoseconds backoff_current_{0};
    std::minstd_rand rng_{std::random_device{}()};

    // Destroyed first, in this order: thread, work, timer, output, io_context.
    std::optional<boost::asio::io_context> ioc_;
    std::optional<output> out_;
    std::optional<boost::asio::steady_timer> timer_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread thread_;
};

} // namespace detail

//------------------------------------------------------------------------

WSOUT_DECL client::client(config cfg, client_options opts)
    : impl_(std::make_unique<detail::client_impl>(std::move(cfg), std::move(opts)))
{}

WSOUT_DECL client::~client()
{
    impl_->shutdown();
}

WSOUT_DECL error_code client::send(std::string message)
{
    return impl_->send(std::move(message), {}, impl_->send_timeout());
}

WSOUT_DECL error_code client::send(std::string message, send_handler on_done)
{
    return impl_->send(std::move(message), std::move(on_done), impl_->send_timeout());
}

WSOUT_DECL error_code client::try_send(std::string message)
{
    return impl_->send(std::move(message), {}, std::chrono::milliseconds(0));
}

WSOUT_DECL error_code client::try_send(std::string message, send_handler on_done)
{
    return impl_->send(std::move(message), std::move(on_done), std::chrono::milliseconds(0));
}

WSOUT_DECL std::future<void> client::send_with_future(std::string message)
{
    auto p = std::make_shared<std::promise<void>>();
    auto f = p->get_future();
    error_code ec = impl_->send(
        std::move(message),
        [p](error_code result) {
            if (result)
                p->set_exception(std::make_exception_ptr(system_error(result, "wsout::client::send")));
            else
                p->set_value();
        },
        impl_->send_timeout());
    if (ec)
        p->set_exception(std::make_exception_ptr(system_error(ec, "wsout::client::send")));
    return f;
}

WSOUT_DECL bool client::flush(std::chrono::milliseconds timeout)
{
    return impl_->flush(timeout);
}

WSOUT_DECL bool client::wait_connected(std::chrono::milliseconds timeout)
{
    return impl_->wait_connected(timeout);
}

WSOUT_DECL error_code client::close(std::chrono::milliseconds timeout)
{
    return impl_->close(timeout);
}

WSOUT_DECL client_stats client::stats() const
{
    return impl_->stats();
}

WSOUT_DECL failure_info client::last_failure() const
{
    return impl_->last_failure();
}

WSOUT_DECL config const& client::get_config() const noexcept
{
    return impl_->get_config();
}

} // namespace v1
} // namespace wsout

#endif
