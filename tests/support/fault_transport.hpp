// wsout test support: a Transport policy that injects failures.
//
// `wsout_test::fault_transport` wraps the real `wsout::transport::plain`
// (real sockets, real server: tests/support/test_server.hpp) and, following
// a `fault_plan`, makes chosen steps fail with a chosen error code:
//
//   resolve   the Nth connect attempt's name resolution
//   connect   the Nth TCP connect (counted over attempts whose resolve passed)
//   read      the Nth async_read_some on any stream (the first read of a
//             connection reads the HTTP 101; later ones read frames)
//   write     the Nth async_write_some on any stream (the first write of a
//             connection carries the HTTP upgrade request)
//   shutdown  the Nth async_shutdown (after a completed close handshake)
//
// Counts are 1-based and run over the whole life of the plan, across
// connections, so "write 7" is one exact event of a deterministic run.
//
// How a rule fails its step (`fault_rule::how`):
//   fail          the step reports `error` without touching the socket
//                 (reads: the real read runs and its result is replaced,
//                 so the fault fires when data or EOF arrives)
//   partial       writes only: the Nth write hands only `partial_bytes` of
//                 its buffers to the socket and reports that short count as
//                 success; the write call after it fails with `error`
//   stall         the step never completes until the output aborts the
//                 stream (tests the connect / handshake / write timeouts);
//                 it then completes with operation_aborted
//
// Also: `short_writes` caps every write at that many bytes (partial writes
// everywhere, no failure): the output must loop until everything is out.
//
// Every event is recorded in the plan's trace ("write#3 fail: Connection
// reset by peer") for test diagnostics.
#pragma once

#include <wsout/config.hpp>
#include <wsout/error.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/transport/tcp.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wsout_test {

enum class fault_step
{
    resolve,
    connect,
    read,
    write,
    shutdown
};

inline char const* to_string(fault_step s)
{
    switch (s)
    {
    case fault_step::resolve: return "resolve";
    case fault_step::connect: return "connect";
    case fault_step::read: return "read";
    case fault_step::write: return "write";
    case fault_step::shutdown: return "shutdown";
    }
    return "?";
}

enum class fault_how
{
    fail,
    partial,
    stall
};

/// One injected failure.
struct fault_rule
{
    fault_step step = fault_step::write;
    std::size_t nth = 1; ///< 1-based, over the plan's life
    wsout::error_code error = boost::asio::error::connection_reset;
    fault_how how = fault_how::fail;
    std::size_t partial_bytes = 0; ///< fault_how::partial: bytes let through
    /// Writes only: instead of `nth`, the first write whose buffers end with
    /// the client's close frame (code only: 0x88 0x82, key, 2 bytes).
    bool on_close_frame = false;
    /// Fire on the `nth` attempt and on every later one (a server that is
    /// gone for good).
    bool and_every_later = false;
};

/// What to inject, and what happened. Shared by the transport, its streams
/// and the test; every member function is thread-safe.
class fault_plan
{
public:
    fault_plan() = default;
    explicit fault_plan(std::vector<fault_rule> rules)
        : rules_(std::move(rules))
    {}

    void add(fault_rule r)
    {
        std::lock_guard<std::mutex> lk(m_);
        rules_.push_back(r);
    }

    /// Cap every write at `n` bytes (0: no cap).
    void set_short_writes(std::size_t n)
    {
        std::lock_guard<std::mutex> lk(m_);
        short_writes_ = n;
    }

    /// How many times `s` was attempted so far.
    std::size_t count(fault_step s) const
    {
        std::lock_guard<std::mutex> lk(m_);
        return counts_[static_cast<std::size_t>(s)];
    }

    /// How many rules fired.
    std::size_t fired() const
    {
        std::lock_guard<std::mutex> lk(m_);
        return fired_;
    }

    /// How many times the output aborted a stream.
    std::size_t aborts() const
    {
        std::lock_guard<std::mutex> lk(m_);
        return aborts_;
    }

    std::vector<std::string> trace() const
    {
        std::lock_guard<std::mutex> lk(m_);
        return trace_;
    }

    /// Streams alive now (an output that was destroyed and whose
    /// io_context is gone must have none: anything else is a leak).
    long live_streams() const { return alive_.use_count() - 1; }
    std::shared_ptr<int> stream_token() const { return alive_; }

    std::string trace_text() const
    {
        std::string s;
        for (auto const& t : trace())
            s += t + "\n";
        return s;
    }

    // --- used by the transport --------------------------------------------------

    struct decision
    {
        std::size_t index = 0;
        bool fire = false;
        fault_rule rule;
        std::size_t cap = 0; // short_writes
    };

    /// Count one attempt of `s` and say whether a rule fires on it.
    decision next(fault_step s, bool ends_with_close_frame = false)
    {
        std::lock_guard<std::mutex> lk(m_);
        decision d;
        d.index = ++counts_[static_cast<std::size_t>(s)];
        d.cap = s == fault_step::write ? short_writes_ : 0;
        used_.resize(rules_.size(), false);
        for (std::size_t i = 0; i < rules_.size(); ++i)
        {
            auto const& r = rules_[i];
            bool const match = r.step == s && (r.on_close_frame    ? ends_with_close_frame && !used_[i]
                                               : r.and_every_later ? d.index >= r.nth
                                                                   : r.nth == d.index);
            if (match)
            {
                d.fire = true;
                d.rule = r;
                used_[i] = true;
                ++fired_;
                break;
            }
        }
        return d;
    }

    void note(std::string line)
    {
        std::lock_guard<std::mutex> lk(m_);
        if (trace_.size() < 10000)
            trace_.push_back(std::move(line));
    }

    void note_abort()
    {
        std::lock_guard<std::mutex> lk(m_);
        ++aborts_;
        if (trace_.size() < 10000)
            trace_.push_back("abort");
    }

private:
    mutable std::mutex m_;
    std::vector<fault_rule> rules_;
    std::vector<bool> used_;
    std::size_t counts_[5] = {};
    std::size_t fired_ = 0;
    std::size_t aborts_ = 0;
    std::size_t short_writes_ = 0;
    std::vector<std::string> trace_;
    std::shared_ptr<int> const alive_ = std::make_shared<int>(0);
};

namespace ft_detail {

/// Operations held by a stall until the stream is aborted.
struct stall_list
{
    std::vector<std::function<void(wsout::error_code)>> held;

    void release(wsout::error_code ec)
    {
        auto h = std::move(held);
        held.clear();
        for (auto& f : h)
            f(ec);
    }
};

} // namespace ft_detail

/// The stream of a fault_transport: a beast::tcp_stream whose reads and
/// writes go through the plan.
class fault_stream
{
public:
    using executor_type = boost::asio::any_io_executor;
    using next_layer_type = boost::beast::tcp_stream;

    fault_stream(executor_type const& ex, std::shared_ptr<fault_plan> plan)
        : next_(ex)
        , plan_(std::move(plan))
        , stalls_(std::make_shared<ft_detail::stall_list>())
        , alive_(plan_->stream_token())
    {}

    executor_type get_executor() noexcept { return next_.get_executor(); }
    next_layer_type& next_layer() noexcept { return next_; }

    template<class MutableBufferSequence, class ReadToken>
    auto async_read_some(MutableBufferSequence const& buffers, ReadToken&& token)
    {
        return boost::asio::async_initiate<ReadToken, void(wsout::error_code, std::size_t)>(
            [this](auto handler, MutableBufferSequence const& b) { start_read(std::move(handler), b); },
            token, buffers);
    }

    template<class ConstBufferSequence, class WriteToken>
    auto async_write_some(ConstBufferSequence const& buffers, WriteToken&& token)
    {
        return boost::asio::async_initiate<WriteToken, void(wsout::error_code, std::size_t)>(
            [this](auto handler, ConstBufferSequence const& b) { start_write(std::move(handler), b); }, token,
            buffers);
    }

    /// Close the socket; stalled operations complete with operation_aborted.
    void abort() noexcept
    {
        plan_->note_abort();
        next_.close();
        try
        {
            stalls_->release(boost::asio::error::operation_aborted);
        }
        catch (...)
        {
            // posting allocates; a test would see the hang
        }
    }

    std::shared_ptr<ft_detail::stall_list> const& stalls() const noexcept { return stalls_; }

private:
    template<class Handler, class... Args>
    void post_result(Handler&& h, Args... args)
    {
        auto ex = boost::asio::get_associated_executor(h, next_.get_executor());
        boost::asio::post(ex, boost::beast::bind_front_handler(std::forward<Handler>(h), args...));
    }

    template<class Handler>
    void stall(Handler&& h)
    {
        auto hp = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(h));
        auto ex = boost::asio::get_associated_executor(*hp, next_.get_executor());
        stalls_->held.push_back([hp, ex](wsout::error_code ec) {
            boost::asio::post(ex, boost::beast::bind_front_handler(std::move(*hp), ec, std::size_t(0)));
        });
    }

    // Whether the last 8 bytes are a masked close frame with a 2-byte code.
    template<class Buffers>
    static bool ends_with_close_frame(Buffers const& b, std::size_t size)
    {
        if (size < 8)
            return false;
        unsigned char tail[8];
        std::size_t pos = 0;
        for (auto it = boost::asio::buffer_sequence_begin(b); it != boost::asio::buffer_sequence_end(b); ++it)
        {
            boost::asio::const_buffer cb = *it;
            if (pos + cb.size() <= size - 8)
            {
                pos += cb.size();
                continue;
            }
            auto const* p = static_cast<unsigned char const*>(cb.data());
            for (std::size_t i = 0; i < cb.size(); ++i, ++pos)
                if (pos >= size - 8)
                    tail[pos - (size - 8)] = p[i];
        }
        return tail[0] == 0x88 && tail[1] == 0x82;
    }

    template<class Handler, class Buffers>
    void start_read(Handler&& h, Buffers const& b)
    {
        auto d = plan_->next(fault_step::read);
        if (!d.fire)
            return next_.async_read_some(b, std::forward<Handler>(h));
        if (d.rule.how == fault_how::stall)
        {
            plan_->note("read#" + std::to_string(d.index) + " stall");
            return stall(std::forward<Handler>(h));
        }
        // The real read runs; when it completes (data or EOF), its result
        // is replaced: the connection "broke" before those bytes.
        auto ex = boost::asio::get_associated_executor(h, next_.get_executor());
        next_.async_read_some(
            b, boost::asio::bind_executor(ex, [h = std::forward<Handler>(h), d,
                                               plan = plan_](wsout::error_code ec, std::size_t n) mutable {
                plan->note("read#" + std::to_string(d.index) + " fail: " + d.rule.error.message() +
                           " (real read: " + (ec ? ec.message() : std::to_string(n) + " bytes") + ")");
                std::move(h)(d.rule.error, std::size_t(0));
            }));
    }

    template<class Handler, class Buffers>
    void start_write(Handler&& h, Buffers const& b)
    {
        std::size_t const asked = boost::asio::buffer_size(b);
        auto d = plan_->next(fault_step::write, ends_with_close_frame(b, asked));
        if (fail_next_write_)
        {
            // The write after a partial one fails.
            fail_next_write_ = false;
            plan_->note("write#" + std::to_string(d.index) + " fail after partial: " +
                        pending_error_.message() + " (" + std::to_string(asked) + " bytes asked)");
            return post_result(std::forward<Handler>(h), pending_error_, std::size_t(0));
        }
        if (!d.fire)
        {
            if (d.cap != 0 && asked > d.cap)
                return next_.async_write_some(boost::beast::buffers_prefix(d.cap, b),
                                              std::forward<Handler>(h));
            return next_.async_write_some(b, std::forward<Handler>(h));
        }
        switch (d.rule.how)
        {
        case fault_how::fail:
            plan_->note("write#" + std::to_string(d.index) + " fail: " + d.rule.error.message() + " (" +
                        std::to_string(asked) + " bytes asked)");
            return post_result(std::forward<Handler>(h), d.rule.error, std::size_t(0));
        case fault_how::stall:
            plan_->note("write#" + std::to_string(d.index) + " stall (" + std::to_string(asked) +
                        " bytes asked)");
            return stall(std::forward<Handler>(h));
        case fault_how::partial:
        {
            std::size_t const k = std::min(d.rule.partial_bytes, asked);
            plan_->note("write#" + std::to_string(d.index) + " partial: " + std::to_string(k) + " of " +
                        std::to_string(asked) + " bytes, then " + d.rule.error.message());
            fail_next_write_ = true;
            pending_error_ = d.rule.error;
            if (k == 0)
            {
                // Nothing written: the next call fails right away.
                fail_next_write_ = false;
                return post_result(std::forward<Handler>(h), d.rule.error, std::size_t(0));
            }
            // Exactly k bytes go to the socket (async_write loops over short
            // real writes); the caller sees a short write of k bytes.
            return boost::asio::async_write(next_, boost::beast::buffers_prefix(k, b),
                                            std::forward<Handler>(h));
        }
        }
    }

    next_layer_type next_;
    std::shared_ptr<fault_plan> plan_;
    std::shared_ptr<ft_detail::stall_list> stalls_;
    bool fail_next_write_ = false;
    wsout::error_code pending_error_;
    std::shared_ptr<int> alive_;
};

/** A Transport policy (see <wsout/transport/plain.hpp>) for ws:// urls that
    runs the real plain transport under a fault_plan.

    Resolve and connect faults are injected before the real step (the
    network is not touched); a stall holds the connect until the output's
    connect timeout aborts it.
*/
class fault_transport
{
public:
    static constexpr char const* scheme = "ws";
    static constexpr bool gather_writes = true;

    using stream_type = fault_stream;

    /// With an empty plan (the concept's constructor).
    explicit fault_transport(wsout::config const&)
        : plan_(std::make_shared<fault_plan>())
    {}

    explicit fault_transport(std::shared_ptr<fault_plan> plan)
        : plan_(std::move(plan))
    {}

    std::shared_ptr<fault_plan> const& plan() const noexcept { return plan_; }

    stream_type make_stream(boost::asio::any_io_executor const& ex) const { return stream_type(ex, plan_); }

    template<class Handler>
    void async_connect(stream_type& stream,
                       wsout::transport::connect_request const& req,
                       wsout::transport::connect_step* step,
                       Handler&& handler)
    {
        *step = wsout::transport::connect_step::resolve;
        auto r = plan_->next(fault_step::resolve);
        if (r.fire)
            return inject(stream, "resolve", r, std::forward<Handler>(handler));
        *step = wsout::transport::connect_step::tcp_connect;
        auto c = plan_->next(fault_step::connect);
        if (c.fire)
            return inject(stream, "connect", c, std::forward<Handler>(handler));
        *step = wsout::transport::connect_step::resolve;
        plain_.async_connect(stream.next_layer(), req, step, std::forward<Handler>(handler));
    }

    template<class Handler>
    void async_shutdown(stream_type& stream, Handler&& handler)
    {
        auto d = plan_->next(fault_step::shutdown);
        if (!d.fire)
            return plain_.async_shutdown(stream.next_layer(), std::forward<Handler>(handler));
        plan_->note("shutdown#" + std::to_string(d.index) + " fail: " + d.rule.error.message());
        plain_.async_shutdown(stream.next_layer(), [h = std::forward<Handler>(handler), e = d.rule.error](
                                                       wsout::error_code) mutable { std::move(h)(e); });
    }

    void abort(stream_type& stream) noexcept { stream.abort(); }

private:
    template<class Handler>
    void inject(stream_type& stream, char const* what, fault_plan::decision const& d, Handler&& handler)
    {
        if (d.rule.how == fault_how::stall)
        {
            plan_->note(std::string(what) + "#" + std::to_string(d.index) + " stall");
            auto hp = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
            auto ex = stream.get_executor();
            stream.stalls()->held.push_back(
                [hp, ex](wsout::error_code ec) { boost::asio::post(ex, [hp, ec] { std::move (*hp)(ec); }); });
            return;
        }
        plan_->note(std::string(what) + "#" + std::to_string(d.index) + " fail: " + d.rule.error.message());
        boost::asio::post(stream.get_executor(), [h = std::forward<Handler>(handler),
                                                  e = d.rule.error]() mutable { std::move(h)(e); });
    }

    wsout::transport::plain plain_;
    std::shared_ptr<fault_plan> plan_;
};

} // namespace wsout_test
