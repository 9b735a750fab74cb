//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_OUTPUT_IMPL_HPP
#define WSOUT_DETAIL_OUTPUT_IMPL_HPP

// The engine behind websocket_output: one strand owns the connection, the
// writer and the reader; producers on any thread hand messages over through
// a mutex-protected queue.
//
// Life of a message: accepted into `pending_` (any thread) -> moved to
// `writing_` by the writer (strand) -> framed into the write buffer, many
// frames per socket write -> reported sent once its last byte was written,
// or failed with an error. A connection loss keeps unsent messages for the
// next connection; nothing is dropped without a report.

#include <wsout/config.hpp>
#include <wsout/detail/blocking.hpp>
#include <wsout/detail/completion.hpp>
#include <wsout/detail/deflate.hpp>
#include <wsout/detail/frame.hpp>
#include <wsout/detail/locked_executor.hpp>
#include <wsout/detail/output_core.hpp>
#include <wsout/detail/ring.hpp>
#include <wsout/detail/upgrade.hpp>
#include <wsout/error.hpp>
#include <wsout/handshake.hpp>
#include <wsout/log.hpp>
#include <wsout/stats.hpp>
#include <wsout/transport/tcp.hpp>
#include <wsout/url.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {

template<class Transport, class Auth>
class output_impl final : public output_core,
                          public std::enable_shared_from_this<output_impl<Transport, Auth>>
{
public:
    using stream_type = typename Transport::stream_type;
    using executor_type = boost::asio::any_io_executor;
    using strand_type = boost::asio::strand<locked_executor>;
    using clock = std::chrono::steady_clock;

    output_impl(executor_type ex, config cfg, url server, std::optional<url> proxy, Transport t, Auth a)
        : ex_(std::move(ex))
        , engine_mutex_(has_write_locked<Transport>::value ? std::make_shared<std::recursive_mutex>()
                                                           : nullptr)
        , strand_(locked_executor(ex_, engine_mutex_))
        , cfg_(std::move(cfg))
        , server_(std::move(server))
        , proxy_(std::move(proxy))
        , transport_(std::move(t))
        , auth_(std::move(a))
        , parser_(cfg_.max_inbound_message_bytes)
        , watchdog_(strand_)
        , write_timer_(strand_)
        , keepalive_timer_(strand_)
        , backoff_timer_(strand_)
        , close_timer_(strand_)
    {
        if (cfg_.delivery.confirm == confirm_mode::tcp)
            throw config_error(
                "/delivery/confirm",
                "\"tcp\" (SIOCOUTQ) confirmation is not available in this version; use \"ping\" "
                "(stronger: the server's WebSocket layer read the messages) or \"none\"");
        wbuf_.reserve(write_buffer_limit_ + max_frame_header_size +
                      4 * (max_control_payload + max_frame_header_size));
        frame_ends_.reserve(4096);
    }

    executor_type const& get_executor() const noexcept override { return ex_; }
    config const& get_config() const noexcept override { return cfg_; }
    Transport& transport() noexcept { return transport_; }
    Auth& auth() noexcept { return auth_; }

    void set_log_hook(log_hook h) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        log_ = std::make_shared<log_hook const>(std::move(h));
    }

    //--------------------------------------------------------------------
    // Entry points: any thread.

    void start_connect(completion c) override
    {
        boost::asio::post(strand_, [self = this->shared_from_this(), c = std::move(c)]() mutable {
            self->do_connect(std::move(c));
        });
    }

    /** Accept a write. With `fail_if_full`, a full queue rejects it at once
        (try_write); the entry is then handed back untouched through
        `rejected` and false is returned.
    */
    bool start_write(write_entry&& e, bool fail_if_full, error_code* refused = nullptr) override
    {
        if (e.count() == 0)
        {
            e.done.complete({});
            return true;
        }
        bool kick = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            error_code refuse = admission_error_locked();
            if (!refuse && fail_if_full &&
                (in_flight_ + e.count() > cfg_.max_in_flight ||
                 in_flight_bytes_ + e.bytes > cfg_.max_in_flight_bytes) &&
                in_flight_ != 0)
                refuse = error::would_block;
            if (refuse)
            {
                if (fail_if_full)
                {
                    if (refused)
                        *refused = refuse;
                    return false;
                }
                stat_error_ += e.count();
                e.done.complete(refuse);
                return true;
            }
            in_flight_ += e.count();
            in_flight_bytes_ += e.bytes;
            // Handlers stored inline count on the output to keep their
            // executor's work while messages are in flight.
            if (!work_)
                work_.emplace(ex_);
            pending_.push_back(std::move(e));
            if (!kick_posted_)
            {
                kick_posted_ = true;
                kick = true;
            }
        }
        if (kick)
            boost::asio::post(strand_, [self = this->shared_from_this()] { self->on_kick(); });
        return true;
    }

    /** The fast path of a blocking write: when the output is open and idle
        (nothing queued, no write in flight, no confirmation to wait for),
        the calling thread frames the message and hands it to the socket
        itself, as a Beast sync write would: one syscall instead of a trip
        through the strand. While it does, it owns the writer (the write
        buffer and the mask keys); the strand only reads and queues
        replies, which go out when the caller is done. Over TLS the caller
        also takes the engine lock, which everything the strand runs holds,
        for the records of one frame, each an SSL_write and its send
        (transport's `write_locked`); if the socket takes only the first
        records, the strand sends the rest (finish_direct_frame).
    */
    direct_outcome write_direct(message_ref m, error_code& ec) override
    {
        if constexpr (has_write_now<Transport>::value || has_write_locked<Transport>::value)
            return write_direct_impl(m, ec);
        else
            return direct_outcome::not_taken;
    }

    void start_close(completion c) override
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (accept_state_ == accept_state::accepting)
                accept_state_ = accept_state::closing;
        }
        boost::asio::post(strand_, [self = this->shared_from_this(), c = std::move(c)]() mutable {
            self->do_close(std::move(c));
        });
    }

    /// From the output's destructor: stop everything, fail what is pending.
    void abandon() noexcept override
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            accept_state_ = accept_state::closed;
            closed_error_ = boost::asio::error::operation_aborted;
        }
        try
        {
            boost::asio::post(strand_, [self = this->shared_from_this()] {
                self->shutdown_all(boost::asio::error::operation_aborted);
            });
        }
        catch (...)
        {
            // Posting allocates; if it fails the io_context's destruction
            // still frees everything, completing nothing (Asio's rule).
        }
    }

    output_stats stats() const override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        output_stats s;
        s.output_sent = stat_sent_;
        s.output_sent_bytes = stat_sent_bytes_;
        s.output_batch_sent = stat_batch_sent_;
        s.output_error = stat_error_;
        s.output_retried = stat_retried_;
        s.output_connection_up = stat_conn_up_;
        s.output_connection_failed = stat_conn_failed_;
        s.output_connection_lost = stat_conn_lost_;
        s.in_flight = in_flight_;
        s.in_flight_bytes = in_flight_bytes_;
        s.frames_written = stat_frames_;
        s.socket_writes = stat_writes_;
        s.inbound_messages = stat_inbound_;
        s.state = public_state_;
        s.last_error = failure_.code;
        return s;
    }

    failure_info last_failure() const override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return failure_;
    }

private:
    enum class accept_state
    {
        not_connected, // writes fail with not_connected
        accepting,     // writes are queued
        closing,       // close requested: writes fail with output_closed
        closed         // writes fail with closed_error_
    };

    //--------------------------------------------------------------------
    // The direct path (caller's thread). Who may use the writer (wbuf_,
    // keys_, the socket's sending side) is decided under mutex_.

    enum class writer_owner
    {
        none,
        strand, // a pump() is framing or an async write is in flight
        caller  // write_direct is using it
    };

    template<class T, class = void>
    struct has_write_now : std::false_type
    {};
    template<class T>
    struct has_write_now<
        T,
        std::void_t<decltype(std::declval<T&>().write_now(std::declval<typename T::stream_type&>(),
                                                          boost::asio::const_buffer(),
                                                          std::declval<error_code&>())),
                    decltype(std::declval<T&>().wait_writable(std::declval<typename T::stream_type&>(),
                                                              std::chrono::milliseconds(),
                                                              std::declval<error_code&>()))>> : std::true_type
    {};

    template<class T, class = void>
    struct has_write_locked : std::false_type
    {};
    template<class T>
    struct has_write_locked<
        T,
        std::void_t<decltype(std::declval<T&>().write_locked(std::declval<typename T::stream_type&>(),
                                                             boost::asio::const_buffer(),
                                                             std::declval<transport::send_credit&>(),
                                                             std::declval<error_code&>()))>> : std::true_type
    {};

    direct_outcome write_direct_impl(message_ref m, error_code& ec)
    {
        if (confirm_ || cfg_.compression || m.size > write_buffer_limit_)
            return direct_outcome::not_taken;
        std::shared_ptr<stream_type> s;
        std::uint64_t gen = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (writer_ != writer_owner::none || in_flight_ != 0 || !direct_stream_ ||
                accept_state_ != accept_state::accepting)
                return direct_outcome::not_taken;
            writer_ = writer_owner::caller;
            s = direct_stream_;
            gen = direct_generation_;
            in_flight_ = 1;
            in_flight_bytes_ = m.size;
        }
        // The writer is ours until released below.
        opcode op = cfg_.message_type == message_kind::text ? opcode::text : opcode::binary;
        if (direct_capacity_ < max_frame_header_size + m.size)
        {
            // Its own buffer, grown to the largest message seen: resizing
            // wbuf_ would zero-fill it first on every write.
            direct_capacity_ = std::max<std::size_t>(4096, 2 * (max_frame_header_size + m.size));
            direct_buf_.reset(new unsigned char[direct_capacity_]);
        }
        unsigned char* const buf = direct_buf_.get();
        auto key = keys_.next();
        std::size_t h = write_frame_header(buf, op, m.size, key);
        mask_copy(buf + h, m.data, m.size, key, 0);
        std::size_t const total = h + m.size;
        std::size_t done = 0;
        error_code wec;
        bool broken = false; // part of the frame went out, the rest cannot follow
        if constexpr (has_write_locked<Transport>::value)
        {
            // The engine is the strand's too: take it from the strand for
            // the length of the frame's records. The transport sends each
            // at once or declines; it never waits for room in the socket.
            std::lock_guard<std::recursive_mutex> engine(*engine_mutex_);
            if (direct_abort_.load(std::memory_order_acquire))
                wec = boost::asio::error::operation_aborted;
            else
                broken = send_records(*s, buf, total, done, wec) == transport::locked_write::broken;
        }
        else
            write_resumable(*s, buf, total, done, wec);
        bool poll_io = false;
        if (done == total && !broken)
        {
            auto now = clock::now();
            poll_io = now - last_direct_poll_ >= std::chrono::milliseconds(1);
            if (poll_io)
                last_direct_poll_ = now;
        }
        if (!broken && (done == total || done == 0))
        {
            bool wake;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                wake = release_direct_writer_locked(m.size, done == total);
            }
            after_direct(s, gen, wake, done == total ? error_code() : wec);
            if (done == total)
            {
                if (poll_io)
                    poll_own_io_context();
                ec = {};
                return direct_outcome::done;
            }
            // Nothing of it left: the asynchronous path takes it from here
            // (and meets the failure, if there was one, itself).
            return direct_outcome::not_taken;
        }
        if constexpr (has_write_locked<Transport>::value)
        {
            if (!broken && !wec)
            {
                // Whole records went out, and the socket (or the engine)
                // declined the next: the strand sends the rest of the frame
                // before anything else. The writer stays ours until then.
                ec = run_blocking(ex_, [&](blocking_handler handler) {
                    boost::asio::post(strand_, [self = self(), s, gen,
                                                rest = boost::asio::const_buffer(buf + done, total - done), m,
                                                c = completion(std::move(handler), ex_)]() mutable {
                        self->finish_direct_frame(s, gen, rest, m, std::move(c));
                    });
                });
                return direct_outcome::done;
            }
        }
        // Part of the frame went out and the rest cannot follow: this
        // connection is finished. The message goes first in the queue (it
        // is older than anything queued since), to be sent again on the
        // next connection like any unsent message; wait for its outcome.
        // The writer stays ours until the strand has taken the connection
        // down (after_torn_frame): nothing may write after a torn frame.
        if (!wec)
            wec = boost::asio::error::broken_pipe; // never a success after a torn frame
        ec = run_blocking(ex_, [&](blocking_handler handler) {
            write_entry e;
            e.single = m;
            e.bytes = m.size;
            e.done = completion(std::move(handler), ex_);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                pending_.push_front(std::move(e));
                if (!work_)
                    work_.emplace(ex_);
            }
            after_torn_frame(s, gen, wec);
        });
        return direct_outcome::done;
    }

    /** Under the engine lock: hand the socket `data[written, size)` one
        TLS record at a time (write_locked, spending the connection's send
        credit), until all of it went or a record was declined or broke.
        @return `sent` when all went, else what stopped it.
    */
    transport::locked_write send_records(
        stream_type& s, unsigned char const* data, std::size_t size, std::size_t& written, error_code& ec)
    {
        while (written < size)
        {
            std::size_t const n = std::min(locked_record_size, size - written);
            auto const r =
                transport_.write_locked(s, boost::asio::buffer(data + written, n), direct_credit_, ec);
            if (r != transport::locked_write::sent)
                return r;
            written += n;
        }
        return transport::locked_write::sent;
    }

    /** Under mutex_: a direct write gives the writer back, with its one
        message `sent` (counted) or not (it goes the asynchronous way).
        @return whether the strand has work waiting for the writer.
    */
    bool release_direct_writer_locked(std::size_t message_bytes, bool sent)
    {
        writer_ = writer_owner::none;
        // Only our own message: others may have queued meanwhile.
        in_flight_ -= 1;
        in_flight_bytes_ -= message_bytes;
        if (sent)
        {
            ++stat_sent_;
            stat_sent_bytes_ += message_bytes;
            ++stat_frames_;
            ++stat_writes_;
        }
        bool const wake = direct_wants_pump_ || !pending_.empty();
        direct_wants_pump_ = false;
        return wake;
    }

    /// A plain socket's direct write: what the socket takes at once, then
    /// waits for room like a sync write until all of it went out, the write
    /// timeout passed, or the strand gave up on the connection.
    void write_resumable(
        stream_type& s, unsigned char const* buf, std::size_t total, std::size_t& done, error_code& wec)
    {
        std::optional<clock::time_point> start;
        for (;;)
        {
            done += transport_.write_now(s, boost::asio::buffer(buf + done, total - done), wec);
            if (done == total || (wec && wec != boost::asio::error::would_block))
                return;
            if (!start)
                start = clock::now();
            // The socket is full: wait for room like a sync write, in short
            // slices so that a connection the strand gave up on (a keepalive
            // timeout, a read error) is noticed, and within the write timeout.
            if (direct_abort_.load(std::memory_order_acquire))
            {
                wec = boost::asio::error::operation_aborted;
                return;
            }
            auto waited = clock::now() - *start;
            if (cfg_.timeouts.write.count() > 0 && waited >= cfg_.timeouts.write)
            {
                wec = error::write_timeout;
                return;
            }
            transport_.wait_writable(s, std::chrono::milliseconds(10), wec);
            if (wec && wec != boost::asio::error::timed_out)
                return;
            wec = {};
        }
    }

    /// The caller released the writer: let the strand catch up (send what
    /// queued meanwhile, notice a failure, abort a connection it left).
    void after_direct(std::shared_ptr<stream_type> const& s, std::uint64_t gen, bool wake, error_code failed)
    {
        bool stale = direct_abort_.exchange(false, std::memory_order_acq_rel);
        if (!wake && !stale && !failed)
            return;
        boost::asio::post(strand_, [self = self(), s, gen, stale, failed] {
            if (stale)
                self->transport_.abort(*s);
            else if (failed && gen == self->generation_ &&
                     (self->state_ == state::open || self->state_ == state::closing))
                return self->connection_lost(failed);
            self->pump();
        });
    }

    /// A direct write tore a frame (part of it went out, the rest cannot
    /// follow). Until the strand has run this, the writer stays the
    /// caller's, so that neither a pump nor another caller writes after
    /// the torn frame on this connection; then the connection is lost (or,
    /// if the strand already lost it, aborted) and the queue goes on.
    void after_torn_frame(std::shared_ptr<stream_type> const& s, std::uint64_t gen, error_code failed)
    {
        boost::asio::post(strand_, [self = self(), s, gen, failed] { self->on_torn_frame(s, gen, failed); });
    }

    /// Strand: the end of a torn frame (see after_torn_frame).
    void on_torn_frame(std::shared_ptr<stream_type> const& s, std::uint64_t gen, error_code failed)
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            writer_ = writer_owner::none;
            direct_wants_pump_ = false;
        }
        // Read once the writer is released: a loss seen by the strand
        // while the writer was ours left this flag for us.
        if (direct_abort_.exchange(false, std::memory_order_acq_rel))
            transport_.abort(*s);
        else if (gen == generation_ && (state_ == state::open || state_ == state::closing))
            return connection_lost(failed);
        pump();
    }

    /** Strand: a caller's direct write (write_locked) sent the first
        records of a frame, and the rest waits in `rest` (the writer's
        buffer, still the caller's). Send it now, ahead of anything else;
        then the message is sent, and the writer released. If the
        connection is gone, or the rest fails, the frame is torn: the
        message goes first in the queue, for the next connection.
    */
    void finish_direct_frame(std::shared_ptr<stream_type> s,
                             std::uint64_t gen,
                             boost::asio::const_buffer rest,
                             message_ref m,
                             completion c)
    {
        if (gen != generation_ || s != stream_ || (state_ != state::open && state_ != state::closing))
            return direct_frame_torn(s, gen, m, std::move(c), boost::asio::error::operation_aborted);
        direct_credit_ = {}; // it spends room of its own
        direct_rest_writing_ = true;
        if (cfg_.timeouts.write.count() > 0)
        {
            write_timer_.expires_after(cfg_.timeouts.write);
            write_timer_.async_wait([self = self(), s, gen](error_code ec) {
                if (ec || gen != self->generation_ || !self->direct_rest_writing_)
                    return;
                self->direct_rest_timed_out_ = true;
                self->transport_.abort(*s);
            });
        }
        boost::asio::async_write(
            *s, rest, [self = self(), s, gen, m, c = std::move(c)](error_code ec, std::size_t) mutable {
                self->direct_rest_writing_ = false;
                self->write_timer_.cancel();
                if (std::exchange(self->direct_rest_timed_out_, false))
                    ec = error::write_timeout;
                if (ec)
                    return self->direct_frame_torn(s, gen, m, std::move(c), ec);
                {
                    std::lock_guard<std::mutex> lock(self->mutex_);
                    self->release_direct_writer_locked(m.size, true); // pump() below either way
                }
                c.complete({});
                // The strand gave up the connection meanwhile, and left
                // the socket to us.
                if (self->direct_abort_.exchange(false, std::memory_order_acq_rel))
                    self->transport_.abort(*s);
                self->pump();
            });
    }

    /// Strand: a frame that finish_direct_frame could not complete.
    void direct_frame_torn(std::shared_ptr<stream_type> const& s,
                           std::uint64_t gen,
                           message_ref m,
                           completion c,
                           error_code failed)
    {
        write_entry e;
        e.single = m;
        e.bytes = m.size;
        e.done = std::move(c);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            pending_.push_front(std::move(e));
            if (!work_)
                work_.emplace(ex_);
        }
        on_torn_frame(s, gen, failed);
    }

    /// A blocking-only user runs nobody's io_context but ours: let timers
    /// (keepalive) and the reader (pings, the server's close) run now and
    /// then, as the asynchronous path does on every call.
    void poll_own_io_context()
    {
        if (running_in_this_thread(ex_))
            return;
        if (auto* ioc = find_io_context(ex_))
        {
            if (ioc->stopped())
                ioc->restart();
            ioc->poll();
        }
    }

    /// Whether a caller's direct write holds the writer.
    bool caller_writing()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return writer_ == writer_owner::caller;
    }

    /// Strand: the connection is no longer usable by the direct path. If
    /// a caller is writing on it, the socket must stay open until it is
    /// done (closing it could hand its descriptor to another socket): the
    /// caller aborts it when it releases the writer.
    void stop_direct_and_abort()
    {
        bool caller_writing;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            direct_stream_.reset();
            caller_writing = writer_ == writer_owner::caller;
            if (writer_ == writer_owner::strand)
                writer_ = writer_owner::none; // the write in flight dies with the connection
            if (caller_writing)
                direct_abort_.store(true, std::memory_order_release);
        }
        // The rest of a caller's frame is the strand's own write: the
        // caller does not touch the socket meanwhile.
        if (stream_ && (!caller_writing || direct_rest_writing_))
            transport_.abort(*stream_);
    }

    //--------------------------------------------------------------------
    // Strand-only from here on.

    std::shared_ptr<output_impl> self() { return this->shared_from_this(); }

    void log(log_level level, std::string const& msg)
    {
        std::shared_ptr<log_hook const> h;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            h = log_;
        }
        if (h && *h)
        {
            try
            {
                (*h)(level, msg);
            }
            catch (...)
            {
                // A throwing log hook must not take the connection down.
            }
        }
    }

    error_code admission_error_locked() const
    {
        switch (accept_state_)
        {
        case accept_state::not_connected: return error::not_connected;
        case accept_state::accepting: return {};
        case accept_state::closing: return error::output_closed;
        case accept_state::closed:
            return closed_error_ ? closed_error_ : make_error_code(error::output_closed);
        }
        return error::output_closed;
    }

    void set_public_state(output_state s)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        public_state_ = s;
    }

    std::string server_text() const
    {
        std::string s = server_.scheme + "://" + server_.host_header() + server_.path;
        return s;
    }

    void record_failure(error_code ec, bool connecting, std::string const& detail = {})
    {
        std::string msg;
        if (connecting)
        {
            msg = std::string(transport::to_string(step_)) + " for " + server_text();
            if (proxy_)
                msg += " (through proxy " + proxy_->authority() + ")";
            msg += " failed: ";
        }
        msg += ec.message();
        if (!detail.empty())
            msg += " (" + detail + ")";
        std::lock_guard<std::mutex> lock(mutex_);
        failure_.code = ec;
        failure_.step = step_;
        failure_.while_connecting = connecting;
        failure_.message = std::move(msg);
    }

    //--------------------------------------------------------------------
    // Connecting

    void do_connect(completion c)
    {
        if (state_ == state::open || state_ == state::closing)
            return c.complete(error::already_connected);
        if (state_ == state::connecting || state_ == state::reconnecting)
            return c.complete(error::already_connected);
        connect_completion_ = std::move(c);
        reconnecting_ = false;
        state_ = state::connecting;
        set_public_state(output_state::connecting);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            // Writes are accepted while the first connect runs; they fail
            // with the connect error if it fails.
            accept_state_ = accept_state::accepting;
            closed_error_ = {};
        }
        begin_attempt();
    }

    void begin_attempt()
    {
        ++generation_;
        stream_.reset();
        stream_ = std::make_shared<stream_type>(transport_.make_stream(executor_type(strand_)));
        rbuf_.clear();
        parser_ = frame_parser(cfg_.max_inbound_message_bytes);
        step_ = transport::connect_step::resolve;
        arm_watchdog(cfg_.timeouts.connect, error::connect_timeout);
        attempt_ = std::make_shared<attempt_state>(server_, cfg_, proxy_, log_copy());
        transport_.async_connect(*stream_, attempt_->req, &step_,
                                 [self = self(), gen = generation_, keep = stream_,
                                  att = attempt_](error_code ec) { self->on_transport_connected(gen, ec); });
    }

    log_hook log_copy()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return log_ ? *log_ : log_hook{};
    }

    /// What a connect attempt's transport operation refers to; shared with
    /// it so an attempt that outlives its turn still reads valid memory.
    struct attempt_state
    {
        log_hook log;
        transport::connect_request req;

        attempt_state(url const& server, config const& cfg, std::optional<url> const& proxy, log_hook l)
            : log(std::move(l))
            , req{server, cfg, proxy, log}
        {}
    };

    void arm_watchdog(duration limit, error timeout_error)
    {
        watchdog_fired_ = false;
        watchdog_.cancel();
        if (limit.count() <= 0)
            return;
        watchdog_error_ = timeout_error;
        watchdog_.expires_after(limit);
        watchdog_.async_wait([self = self(), gen = generation_](error_code ec) {
            if (ec || gen != self->generation_ || !self->stream_)
                return;
            self->watchdog_fired_ = true;
            self->transport_.abort(*self->stream_);
        });
    }

    void disarm_watchdog() { watchdog_.cancel(); }

    error_code timeout_or(error_code ec) const
    {
        return watchdog_fired_ ? make_error_code(watchdog_error_) : ec;
    }

    void on_transport_connected(std::uint64_t gen, error_code ec)
    {
        if (gen != generation_)
            return;
        if (ec || watchdog_fired_)
            return connect_failed(timeout_or(ec ? ec : make_error_code(error::connect_timeout)),
                                  transport_detail(ec));
        disarm_watchdog();
        step_ = transport::connect_step::ws_handshake;
        arm_watchdog(cfg_.timeouts.handshake, error::handshake_timeout);
        try
        {
            key_ = upgrade::make_websocket_key();
            request_ = upgrade::make_upgrade_request(server_, cfg_, key_);
        }
        catch (std::exception const& e)
        {
            return connect_failed(error::auth_failed, e.what());
        }
        try
        {
            auth_.decorate(request_, handshake_info{server_});
        }
        catch (std::exception const& e)
        {
            return connect_failed(error::auth_failed, e.what());
        }
        boost::beast::http::async_write(*stream_, request_,
                                        [self = self(), gen, keep = stream_](error_code ec, std::size_t) {
                                            self->on_request_written(gen, ec);
                                        });
    }

    void on_request_written(std::uint64_t gen, error_code ec)
    {
        if (gen != generation_)
            return;
        if (ec || watchdog_fired_)
            return connect_failed(timeout_or(ec), transport_detail(ec));
        response_parser_.emplace();
        response_parser_->header_limit(16 * 1024);
        response_parser_->body_limit(std::uint64_t{64} * 1024);
        boost::beast::http::async_read_header(
            *stream_, rbuf_, *response_parser_,
            [self = self(), gen, keep = stream_](error_code ec, std::size_t) {
                self->on_response_header(gen, ec);
            });
    }

    void on_response_header(std::uint64_t gen, error_code ec)
    {
        if (gen != generation_)
            return;
        if (watchdog_fired_)
            return connect_failed(make_error_code(watchdog_error_));
        if (ec)
        {
            namespace http = boost::beast::http;
            if (ec == http::error::header_limit)
                return connect_failed(error::response_too_large);
            if (ec.category() == make_error_code(http::error::end_of_stream).category())
                return connect_failed(error::bad_http_response, "the server sent " + ec.message());
            return connect_failed(ec, transport_detail(ec));
        }
        auto const& res = response_parser_->get();
        std::string detail;
        error_code bad = upgrade::check_upgrade_response(res, key_, cfg_, &pmd_, &detail);
        if (bad)
        {
            if (res.result_int() != 101)
            {
                detail = "server said \"" + std::to_string(res.result_int()) + " " +
                         std::string(res.reason().substr(0, 100)) + "\"";
                if (res.result_int() >= 300 && res.result_int() < 400)
                    detail += "; redirects are not followed, location: " +
                              std::string(res[boost::beast::http::field::location].substr(0, 200));
            }
            return connect_failed(bad, detail);
        }
        disarm_watchdog();
        start_compression();
        on_open();
    }

    std::string transport_detail(error_code ec)
    {
        if (!stream_)
            return {};
        return transport_detail_impl(transport_, ec, 0);
    }

    // Transports may explain a failure in words (e.g. the certificate
    // verification result) through an optional
    // `std::string failure_detail(stream_type const&, error_code const&) const`.
    template<class T>
    auto transport_detail_impl(T& t, error_code ec, int)
        -> decltype(t.failure_detail(std::declval<stream_type const&>(), ec), std::string())
    {
        return t.failure_detail(*stream_, ec);
    }
    template<class T>
    std::string transport_detail_impl(T&, error_code, long)
    {
        return {};
    }

    void connect_failed(error_code ec, std::string detail = {})
    {
        disarm_watchdog();
        if (stream_)
            transport_.abort(*stream_);
        ++generation_; // ignore late completions of this attempt
        record_failure(ec, true, detail);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++stat_conn_failed_;
        }
        log(log_level::warn, last_failure().message);
        if (reconnecting_)
            return schedule_reconnect(ec);
        // A connect the caller asked for: report, and fail what waited.
        state_ = state::idle;
        set_public_state(output_state::idle);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            accept_state_ = accept_state::not_connected;
        }
        fail_everything(ec);
        connect_completion_.complete(ec);
    }

    void on_open()
    {
        state_ = state::open;
        set_public_state(output_state::open);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++stat_conn_up_;
        }
        log(log_level::info, "connected to " + server_text());
        opened_at_ = clock::now();
        reset_cursor();
        last_inbound_ = clock::now();
        if (reconnecting_)
        {
            std::size_t resent = 0;
            for (auto const& e : writing_)
                resent += e.count() - e.framed;
            std::lock_guard<std::mutex> lock(mutex_);
            stat_retried_ += resent;
        }
        reconnecting_ = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            direct_stream_ = stream_;
            direct_generation_ = generation_;
        }
        direct_credit_ = {};
        connect_completion_.complete({});
        // Frames may have arrived with the 101 (a server that pings or
        // speaks first): handle them now, not after the next read.
        auto gen = generation_;
        if (rbuf_.size() != 0 && (!process_inbound(gen) || gen != generation_))
            return;
        start_read(generation_);
        arm_keepalive(generation_);
        if (close_completion_)
        {
            state_ = state::closing;
            set_public_state(output_state::closing);
        }
        pump();
    }

    //--------------------------------------------------------------------
    // Reading: validate and discard what the server sends; answer control
    // frames.

    void start_read(std::uint64_t gen)
    {
        auto buf = rbuf_.prepare(read_chunk_);
        stream_->async_read_some(buf, [self = self(), gen, keep = stream_](error_code ec, std::size_t n) {
            self->on_read(gen, ec, n);
        });
    }

    void on_read(std::uint64_t gen, error_code ec, std::size_t n)
    {
        if (gen != generation_)
            return;
        if (ec)
            return connection_lost(ec);
        rbuf_.commit(n);
        last_inbound_ = clock::now();
        if (!process_inbound(gen))
            return;
        if (gen == generation_ && stream_)
            start_read(gen);
    }

    /// Returns false when the connection ended.
    bool process_inbound(std::uint64_t gen)
    {
        while (rbuf_.size() != 0 && gen == generation_)
        {
            auto const* p = static_cast<unsigned char const*>(rbuf_.data().data());
            std::size_t used = 0;
            auto ev = parser_.parse(p, rbuf_.size(), used);
            rbuf_.consume(used);
            switch (ev)
            {
            case frame_parser::event::need_more: break;
            case frame_parser::event::message:
            {
                std::lock_guard<std::mutex> lock(mutex_);
                ++stat_inbound_;
                break;
            }
            case frame_parser::event::ping:
                // Only the latest ping needs an answer (RFC 6455 5.5.3).
                queue_control(opcode::pong, parser_.control_payload(), parser_.control_size(), true);
                pump();
                break;
            case frame_parser::event::pong:
                // A pong sent after the server's close frame proves nothing:
                // a closing server discards the data frames it still reads.
                if (confirm_ && !close_received_ &&
                    is_fence(parser_.control_payload(), parser_.control_size()))
                    on_fence_pong(fence_number(parser_.control_payload()));
                break;
            case frame_parser::event::close:
                close_received_ = true;
                if (close_sent_)
                {
                    // Our close was answered. If the write that carried it
                    // has not completed yet, on_written finishes instead.
                    if (!writing_in_progress_)
                        finish_close_handshake();
                    return false;
                }
                // The server wants to close: echo its code (RFC 6455 5.5.1),
                // then treat the connection as lost.
                server_close_code_ = parser_.close_code();
                {
                    unsigned char code[2] = {static_cast<unsigned char>(server_close_code_ >> 8),
                                             static_cast<unsigned char>(server_close_code_ & 0xFF)};
                    bool has_code = server_close_code_ != 1005;
                    queue_control(opcode::close, code, has_code ? 2 : 0, false);
                    close_sent_ = true;
                    pump();
                }
                if (!writing_in_progress_)
                {
                    connection_lost(error::closed_by_server,
                                    "close code " + std::to_string(server_close_code_));
                    return false;
                }
                // Let the close echo go out; the writer reports the loss.
                return true;
            case frame_parser::event::error: connection_lost(parser_.error(), parser_.what()); return false;
            }
            if (ev == frame_parser::event::need_more)
                break;
        }
        return true;
    }

    //--------------------------------------------------------------------
    // Writing

    void on_kick()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            kick_posted_ = false;
        }
        pump();
    }

    void queue_control(opcode op, unsigned char const* data, std::size_t n, bool replace_same)
    {
        if (replace_same)
        {
            for (auto& c : controls_)
                if (c.op == op && !is_fence(c.payload.data(), c.payload.size()))
                {
                    c.payload.assign(data, data + n);
                    return;
                }
        }
        controls_.push_back(control_frame{op, std::vector<unsigned char>(data, data + n)});
    }

    void take_pending_locked()
    {
        while (!pending_.empty())
        {
            writing_.push_back(std::move(pending_.front()));
            pending_.pop_front();
            writing_.back().seq = next_entry_seq_++;
        }
    }

    /// Frame as much as fits and start one write.
    void pump()
    {
        if (writing_in_progress_ || !stream_ || (state_ != state::open && state_ != state::closing))
            return;
        if (close_sent_ && controls_.empty())
            return;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (writer_ == writer_owner::caller)
            {
                direct_wants_pump_ = true; // it wakes us when it is done
                return;
            }
            writer_ = writer_owner::strand;
            if (!close_sent_)
                take_pending_locked();
        }
        wbuf_.clear();
        frames_in_write_ = 0;
        frame_ends_.clear();
        write_start_cursor_ = cursor_;
        write_start_framed_ = cursor_ < writing_.size() ? writing_[cursor_].framed : 0;
        // Control frames go between data frames, never inside one.
        if (!mid_frame_)
            append_controls();
        if (!close_sent_)
            append_data();
        if (state_ == state::closing && !close_sent_ && !mid_frame_ && cursor_ == writing_.size() &&
            (!confirm_ || writing_.empty()) && queue_empty())
        {
            // Drained: say goodbye (1000, normal closure).
            unsigned char code[2] = {0x03, 0xE8};
            append_frame(opcode::close, code, 2);
            close_sent_ = true;
        }
        if (wbuf_.empty())
        {
            std::lock_guard<std::mutex> lock(mutex_);
            writer_ = writer_owner::none;
            return;
        }
        writing_in_progress_ = true;
        write_timed_out_ = false;
        std::size_t written_now = 0;
        if constexpr (has_write_locked<Transport>::value)
        {
            if (write_locked_now(written_now))
                return;
        }
        if (cfg_.timeouts.write.count() > 0)
        {
            write_timer_.expires_after(cfg_.timeouts.write);
            write_timer_.async_wait([self = self(), gen = generation_](error_code ec) {
                if (ec || gen != self->generation_ || !self->writing_in_progress_ || !self->stream_)
                    return;
                self->write_timed_out_ = true;
                self->transport_.abort(*self->stream_);
            });
        }
        direct_credit_ = {}; // it spends room of its own
        boost::asio::async_write(
            *stream_, boost::asio::buffer(wbuf_.data() + written_now, wbuf_.size() - written_now),
            [self = self(), gen = generation_, keep = stream_, written_now](error_code ec, std::size_t n) {
                self->on_written(gen, ec, written_now + n);
            });
    }

    /** The strand's share of the direct path, for a transport with
        `write_locked` (TLS): the strand already holds the engine, so it
        hands the socket, record by record, what the socket surely takes
        now, as a Beast sync write would. An asynchronous write makes a
        trip through the reactor for every record (16 KiB), which costs as
        much as the system call itself.

        @return true when the write is over (all of `wbuf_` went out, or the
        connection broke): its completion is posted. Otherwise `written`
        bytes went out and the rest is for the asynchronous path.
    */
    bool write_locked_now(std::size_t& written)
    {
        error_code ec;
        auto const r = send_records(*stream_, wbuf_.data(), wbuf_.size(), written, ec);
        if (r == transport::locked_write::declined)
            return false;
        if (r == transport::locked_write::broken && !ec)
            ec = boost::asio::error::broken_pipe; // never a success after a torn record
        // Posted, not called: on_written starts the next write itself.
        boost::asio::post(
            strand_, [self = self(), gen = generation_, ec, written] { self->on_written(gen, ec, written); });
        return true;
    }

    bool queue_empty()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return pending_.empty();
    }

    void append_frame(opcode op, unsigned char const* data, std::size_t n)
    {
        std::size_t old = wbuf_.size();
        wbuf_.resize(old + frame_header_size(n) + n);
        auto key = keys_.next();
        auto* out = wbuf_.data() + old;
        std::size_t h = write_frame_header(out, op, n, key);
        mask_copy(out + h, data, n, key, 0);
        ++frames_in_write_;
    }

    void append_controls()
    {
        for (auto& c : controls_)
        {
            append_frame(c.op, c.payload.data(), c.payload.size());
            if (c.op == opcode::ping)
                ping_in_write_ = true;
            if (c.op == opcode::ping && is_fence(c.payload.data(), c.payload.size()))
                record_fence(fence_number(c.payload.data()));
        }
        controls_.clear();
    }

    /// A fence ping was framed: everything framed before it is covered.
    void record_fence(std::uint64_t number)
    {
        fence f;
        f.seq = number;
        if (cursor_ < writing_.size())
        {
            f.entry_seq = writing_[cursor_].seq;
            f.messages = writing_[cursor_].framed;
        }
        else
            f.entry_seq = next_entry_seq_;
        fences_.push_back(f);
        fence_queued_ = false;
        framed_since_fence_ = 0;
        last_fence_time_ = clock::now();
    }

    /// Frame a fence ping between two data frames of the same write. One
    /// write can carry tens of thousands of small messages; fencing only
    /// between writes would let a server that fails every few thousand
    /// messages never confirm anything (it dies before the first fence).
    void append_inline_fence()
    {
        unsigned char payload[fence_payload_size];
        std::uint64_t number = make_fence_payload(payload);
        append_frame(opcode::ping, payload, sizeof payload);
        ping_in_write_ = true;
        record_fence(number);
    }

    void append_data()
    {
        opcode op = cfg_.message_type == message_kind::text ? opcode::text : opcode::binary;
        while (cursor_ < writing_.size() && wbuf_.size() < write_buffer_limit_)
        {
            write_entry& e = writing_[cursor_];
            message_ref m = outbound(e.at(e.framed));
            if (!mid_frame_)
            {
                frame_key_ = keys_.next();
                frame_offset_ = 0;
                std::size_t old = wbuf_.size();
                wbuf_.resize(old + max_frame_header_size);
                std::size_t h = write_frame_header(wbuf_.data() + old, op, m.size, frame_key_, deflating_);
                wbuf_.resize(old + h);
                mid_frame_ = true;
                ++frames_in_write_;
            }
            std::size_t room = write_buffer_limit_ > wbuf_.size() ? write_buffer_limit_ - wbuf_.size() : 0;
            std::size_t n = std::min<std::size_t>(room, m.size - frame_offset_);
            if (n == 0 && m.size != frame_offset_)
                break;
            std::size_t old = wbuf_.size();
            wbuf_.resize(old + n);
            mask_copy(wbuf_.data() + old, m.data + frame_offset_, n, frame_key_, frame_offset_);
            frame_offset_ += n;
            if (frame_offset_ < m.size)
                break; // the buffer is full mid-payload
            mid_frame_ = false;
            ++e.framed;
            ++framed_since_fence_;
            if (!confirm_)
                frame_ends_.push_back(static_cast<std::uint32_t>(wbuf_.size()));
            if (e.framed == e.count())
                ++cursor_;
            if (confirm_ && framed_since_fence_ >= cfg_.delivery.confirm_every_messages && !fence_queued_)
                append_inline_fence();
        }
    }

    void on_written(std::uint64_t gen, error_code ec, std::size_t bytes_written)
    {
        if (gen != generation_)
            return;
        writing_in_progress_ = false;
        write_timer_.cancel();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            writer_ = writer_owner::none;
        }
        if (ec || write_timed_out_)
        {
            credit_partial_write(bytes_written);
            return connection_lost(write_timed_out_ ? make_error_code(error::write_timeout) : ec);
        }
        // Entries before the cursor had every byte written.
        for (std::size_t i = 0; i < cursor_; ++i)
            writing_[i].written = writing_[i].count();
        if (cursor_ < writing_.size())
            writing_[cursor_].written = writing_[cursor_].framed;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stat_frames_ += frames_in_write_;
            ++stat_writes_;
        }
        if (!confirm_)
        {
            // Sent = handed to the transport: report them now.
            complete_front(cursor_);
            cursor_ = 0;
        }
        else
            maybe_queue_fence();
        if (loss_deferred_)
        {
            loss_deferred_ = false;
            return connection_lost(deferred_loss_, std::move(deferred_detail_));
        }
        if (close_received_ && close_sent_)
        {
            // Close frames crossed or we echoed the server's: it is over.
            if (state_ == state::closing)
                return finish_close_handshake();
            return connection_lost(error::closed_by_server,
                                   "close code " + std::to_string(server_close_code_));
        }
        if (ping_in_write_)
        {
            // The pong deadline runs from when the ping left, so a slow
            // write is judged by the write timeout, not as a dead peer.
            ping_in_write_ = false;
            ping_sent_at_ = clock::now();
            if (cfg_.keepalive.pong_timeout.count() > 0)
            {
                keepalive_phase_ = keepalive_phase::awaiting_pong;
                arm_keepalive(generation_);
            }
        }
        pump();
    }

    /** A write failed after `bytes_written` bytes: the messages whose frame
        ended inside them were handed to the transport, so by the delivery
        contract they were sent. Report them (a resend would duplicate them
        at the server). Confirm mode keeps its own rule: only a pong proves
        delivery, so there nothing is credited here.
    */
    void credit_partial_write(std::size_t bytes_written)
    {
        if (confirm_ || frame_ends_.empty() || bytes_written < frame_ends_.front())
            return;
        auto whole = static_cast<std::size_t>(
            std::upper_bound(frame_ends_.begin(), frame_ends_.end(), bytes_written) - frame_ends_.begin());
        // Frames were appended in queue order, from the entry at the write's
        // start cursor on; entries after it start at their first unwritten
        // message.
        std::size_t i = write_start_cursor_;
        std::size_t done = write_start_framed_;
        while (whole != 0 && i < writing_.size())
        {
            std::size_t take = std::min(whole, writing_[i].count() - done);
            done += take;
            whole -= take;
            writing_[i].written = std::max(writing_[i].written, done);
            if (done < writing_[i].count())
                break;
            ++i;
            done = i < writing_.size() ? writing_[i].written : 0;
        }
        std::size_t complete = 0;
        while (complete < writing_.size() && writing_[complete].written == writing_[complete].count())
            ++complete;
        if (complete == 0)
            return;
        complete_front(complete);
        cursor_ -= std::min(cursor_, complete);
    }

    /// Report the first `n` entries of writing_ as sent.
    void complete_front(std::size_t n)
    {
        std::uint64_t msgs = 0, bytes = 0, batches = 0;
        for (std::size_t i = 0; i < n; ++i)
        {
            auto& e = writing_.front();
            msgs += e.count();
            bytes += e.bytes;
            batches += e.is_batch ? 1 : 0;
            done_batch_.emplace_back(std::move(e.done), error_code());
            writing_.pop_front();
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stat_sent_ += msgs;
            stat_sent_bytes_ += bytes;
            stat_batch_sent_ += batches;
            in_flight_ -= msgs;
            in_flight_bytes_ -= bytes;
            if (in_flight_ == 0)
                work_.reset();
        }
        flush_completions();
    }

    //--------------------------------------------------------------------
    // Confirm mode `ping`: a ping after a burst fences the messages framed
    // before it; the server reads frames in order, so its pong proves it
    // read them all. Fence payload: 'F' then the fence number (8 bytes).

    static bool is_fence(unsigned char const* p, std::size_t n) noexcept { return n == 9 && p[0] == 'F'; }

    static std::uint64_t fence_number(unsigned char const* p) noexcept
    {
        std::uint64_t v = 0;
        for (int i = 1; i < 9; ++i)
            v = (v << 8) | p[i];
        return v;
    }

    void maybe_queue_fence()
    {
        if (fence_queued_ || framed_since_fence_ == 0 || close_sent_)
            return;
        bool burst_over = cursor_ == writing_.size() && queue_empty();
        bool enough = framed_since_fence_ >= cfg_.delivery.confirm_every_messages;
        bool overdue = clock::now() - last_fence_time_ >= cfg_.delivery.confirm_interval;
        if (!(burst_over || enough || overdue))
            return;
        unsigned char payload[fence_payload_size];
        make_fence_payload(payload);
        queue_control(opcode::ping, payload, sizeof payload, false);
        fence_queued_ = true;
    }

    static constexpr std::size_t fence_payload_size = 9;

    /// 'F' then the next fence number, big-endian; returns the number.
    std::uint64_t make_fence_payload(unsigned char (&payload)[fence_payload_size])
    {
        payload[0] = 'F';
        auto n = ++fence_counter_;
        for (int i = 0; i < 8; ++i)
            payload[1 + i] = static_cast<unsigned char>(n >> (56 - 8 * i));
        return n;
    }

    void on_fence_pong(std::uint64_t number)
    {
        // A server may answer only the latest of several pings (RFC 6455
        // 5.5.3): a pong confirms its fence and every earlier one.
        std::optional<fence> covered;
        while (!fences_.empty() && fences_.front().seq <= number)
        {
            covered = fences_.front();
            fences_.pop_front();
        }
        if (!covered)
            return;
        std::size_t n = 0;
        while (n < writing_.size() && writing_[n].seq < covered->entry_seq)
            ++n;
        if (n < writing_.size() && writing_[n].seq == covered->entry_seq)
            writing_[n].confirmed = std::max(writing_[n].confirmed, covered->messages);
        complete_front(n);
        cursor_ -= std::min(cursor_, n);
        pump();
    }

    //--------------------------------------------------------------------
    // permessage-deflate (detail/deflate.hpp). A new context per
    // connection: messages re-framed after a reconnect are compressed again
    // for the new server, never sent with bytes from the old context.

    void start_compression()
    {
        deflating_ = false;
        if (!cfg_.compression)
            return;
        if (!pmd_.enabled)
        {
            log(log_level::info, "the server declined permessage-deflate: sending uncompressed");
            return;
        }
        parser_ = frame_parser(cfg_.max_inbound_message_bytes, true, pmd_.server_no_context_takeover);
        std::string params = "client_max_window_bits=" + std::to_string(pmd_.client_max_window_bits) +
                             " server_max_window_bits=" + std::to_string(pmd_.server_max_window_bits) +
                             (pmd_.client_no_context_takeover ? " client_no_context_takeover" : "") +
                             (pmd_.server_no_context_takeover ? " server_no_context_takeover" : "");
        if (pmd_.client_max_window_bits < 9)
        {
            // zlib's compressor needs a 512-byte window at least; RFC 7692
            // lets a sender leave any message uncompressed.
            log(log_level::warn, "permessage-deflate agreed (" + params +
                                     "); an 8-bit window cannot be honoured: sending uncompressed");
            return;
        }
        if (!deflate_)
            deflate_ = std::make_unique<deflater>(); // ~6 KiB, only when agreed
        deflate_->start(static_cast<int>(cfg_.compression_level), pmd_.client_max_window_bits, 8,
                        pmd_.client_no_context_takeover);
        deflating_ = true;
        log(log_level::info, "permessage-deflate agreed (" + params + ")");
    }

    /// The payload to frame for message `m`: compressed once, when its
    /// frame starts (a frame split over several writes reuses it).
    message_ref outbound(message_ref m)
    {
        if (!deflating_)
            return m;
        if (!mid_frame_)
        {
            try
            {
                deflate_->compress(m.data, m.size, zbuf_);
            }
            catch (std::exception const& e)
            {
                // Nothing of this message was sent: it and the rest go
                // uncompressed (always allowed), the server's context intact.
                deflating_ = false;
                log(log_level::warn,
                    std::string("permessage-deflate failed: ") + e.what() + "; sending uncompressed");
                return m;
            }
        }
        return {zbuf_.data(), deflate_->size()};
    }

    //--------------------------------------------------------------------
    // Keepalive: a ping every ping_interval; a connection that sends
    // nothing for pong_timeout after a ping is dead.

    void arm_keepalive(std::uint64_t gen)
    {
        if (cfg_.keepalive.ping_interval.count() <= 0)
            return;
        keepalive_timer_.expires_after(keepalive_phase_ == keepalive_phase::awaiting_pong
                                           ? cfg_.keepalive.pong_timeout
                                           : cfg_.keepalive.ping_interval);
        keepalive_timer_.async_wait([self = self(), gen, phase = keepalive_phase_](error_code ec) {
            if (ec || gen != self->generation_ || phase != self->keepalive_phase_)
                return;
            self->on_keepalive(gen);
        });
    }

    void on_keepalive(std::uint64_t gen)
    {
        if (state_ != state::open && state_ != state::closing)
            return;
        if (keepalive_phase_ == keepalive_phase::awaiting_pong)
        {
            // Any frame from the server since the ping proves it alive.
            if (last_inbound_ < ping_sent_at_)
                return connection_lost(error::pong_timeout);
            keepalive_phase_ = keepalive_phase::interval;
            return arm_keepalive(gen);
        }
        unsigned char payload[8];
        auto n = ++ping_counter_;
        for (int i = 0; i < 8; ++i)
            payload[i] = static_cast<unsigned char>(n >> (56 - 8 * i));
        queue_control(opcode::ping, payload, sizeof payload, true);
        // The pong deadline is armed when the ping has been written.
        pump();
        arm_keepalive(gen);
    }

    //--------------------------------------------------------------------
    // Losing a connection, reconnecting

    void connection_lost(error_code ec, std::string detail = {})
    {
        // While closing with every message handed over (or confirmed), an
        // orderly end (FIN) is the server's goodbye, whether or not our
        // close frame went out first: a server that closes with data
        // unread makes its kernel send a reset, not a FIN. A reset is
        // reported: messages sent last may never have been read.
        // (A caller's direct write in progress is not handed over yet.)
        bool const goodbye =
            state_ == state::closing && (close_sent_ || (queue_drained() && !caller_writing()));
        if (goodbye && writing_in_progress_ && !loss_deferred_ && (close_sent_ || ended_cleanly(ec)))
        {
            // The write in progress (our close frame, a ping) has not
            // completed: let it report its messages first, then decide.
            loss_deferred_ = true;
            deferred_loss_ = ec;
            deferred_detail_ = std::move(detail);
            return;
        }
        if (goodbye && queue_drained() && !writing_in_progress_ && ended_cleanly(ec))
            return finish_close_handshake();
        record_failure(ec, false, detail);
        ++generation_;
        cancel_connection_timers();
        stop_direct_and_abort();
        writing_in_progress_ = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++stat_conn_lost_;
        }
        log(log_level::warn, "connection lost: " + last_failure().message);
        if (state_ == state::closing)
        {
            // close() drains the queue, bounded by the close timeout: with
            // messages still unsent, reconnect and go on (on_open resumes
            // the close). Nothing left, or an error no retry can cure:
            // the close ends here with the connection's error.
            if (queue_drained() || is_permanent(ec))
            {
                fail_everything(ec);
                return complete_close(ec);
            }
            log(log_level::info, "closing with messages unsent: reconnecting to deliver them first");
        }
        reconnecting_ = true;
        state_ = state::reconnecting;
        set_public_state(output_state::reconnecting);
        if (is_permanent(ec))
            return give_up(ec);
        reset_cursor();
        // A connection that lived a while was a success: start the backoff
        // afresh and reconnect at once. One that died young (a server that
        // accepts and closes at once) keeps the backoff growing, or the
        // output would hammer it in a loop.
        bool const stable = clock::now() - opened_at_ >=
                            std::max<duration>(std::chrono::seconds(1), cfg_.backoff.initial_interval);
        if (stable)
            backoff_started_ = false;
        schedule_reconnect(ec, stable);
    }

    /// A failure retrying will not fix, unless the config asks to retry anyway.
    bool is_permanent(error_code const& ec) const
    {
        return !cfg_.backoff.retry_permanent_errors && ec == condition::permanent;
    }

    /// The peer closed its side in order (FIN, or TLS without close_notify
    /// after its data), as opposed to a reset or a failure.
    static bool ended_cleanly(error_code const& ec) noexcept
    {
        return ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated;
    }

    bool queue_drained() { return writing_.empty() && queue_empty(); }

    void reset_cursor()
    {
        // Framing restarts where delivery is certain: the last completed
        // write, or with confirmation the last confirmed message.
        for (auto& e : writing_)
        {
            if (confirm_)
                e.written = e.confirmed;
            e.framed = e.written;
        }
        fences_.clear();
        fence_queued_ = false;
        framed_since_fence_ = 0;
        mid_frame_ = false;
        cursor_ = 0;
        controls_.clear();
        close_sent_ = close_received_ = false;
        ping_in_write_ = false;
        loss_deferred_ = false;
        keepalive_phase_ = keepalive_phase::interval;
    }

    void schedule_reconnect(error_code last, bool immediate = false)
    {
        if (is_permanent(last))
            return give_up(last);
        auto now = clock::now();
        if (!backoff_started_)
        {
            backoff_started_ = true;
            backoff_start_ = now;
            backoff_current_ = cfg_.backoff.initial_interval;
        }
        else if (cfg_.backoff.max_elapsed_time.count() > 0 &&
                 now - backoff_start_ >= cfg_.backoff.max_elapsed_time)
        {
            record_failure(error::retries_exhausted, false, "last error: " + last.message());
            return give_up(error::retries_exhausted);
        }
        duration wait{0};
        if (!immediate)
        {
            wait = jittered(backoff_current_);
            auto next = std::chrono::duration_cast<duration>(backoff_current_ * cfg_.backoff.multiplier);
            backoff_current_ = std::min(next, cfg_.backoff.max_interval);
        }
        log(log_level::info, "reconnecting to " + server_text() + " in " + format_duration(wait));
        backoff_timer_.expires_after(wait);
        backoff_timer_.async_wait([self = self()](error_code ec) {
            if (ec || self->state_ != state::reconnecting)
                return;
            self->begin_attempt();
        });
    }

    duration jittered(duration d)
    {
        double j = std::clamp(cfg_.backoff.jitter, 0.0, 1.0);
        std::uniform_real_distribution<double> dist(1.0 - j, 1.0 + j);
        return std::chrono::duration_cast<duration>(d * dist(rng_));
    }

    void give_up(error_code ec)
    {
        state_ = state::failed;
        set_public_state(output_state::failed);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            accept_state_ = accept_state::closed;
            closed_error_ = ec;
        }
        log(log_level::error, "giving up: " + last_failure().message);
        fail_everything(ec);
        if (close_completion_)
            complete_close(ec);
    }

    /// Report every accepted message that was not sent as failed with ec.
    void fail_everything(error_code ec)
    {
        ring<write_entry> all;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            all.swap(pending_);
        }
        std::uint64_t msgs = 0, bytes = 0, failed = 0;
        std::uint64_t partly_sent = 0;
        auto fail = [&](write_entry& e) {
            // Messages of a batch already delivered count as sent; the
            // batch as a whole failed.
            std::size_t delivered = confirm_ ? e.confirmed : e.written;
            msgs += e.count();
            bytes += e.bytes;
            failed += e.count() - delivered;
            partly_sent += delivered;
            done_batch_.emplace_back(std::move(e.done), ec);
        };
        for (auto& e : writing_)
            fail(e);
        for (auto& e : all)
            fail(e);
        writing_.clear();
        reset_cursor();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            in_flight_ -= msgs;
            in_flight_bytes_ -= bytes;
            stat_error_ += failed;
            stat_sent_ += partly_sent;
            if (in_flight_ == 0)
                work_.reset();
        }
        flush_completions();
    }

    //--------------------------------------------------------------------
    // Reporting outcomes: the handlers of one write's messages run from one
    // function posted to the output's executor, not one post each (a write
    // can complete tens of thousands of messages).

    using done_item = std::pair<completion, error_code>;

    void flush_completions()
    {
        if (done_batch_.empty())
            return;
        std::vector<done_item> batch;
        batch.swap(done_batch_);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_batch_.swap(spare_batch_); // keep a used capacity for the next
        }
        boost::asio::post(ex_, [self = self(), batch = std::move(batch)]() mutable {
            self->run_completions(std::move(batch));
        });
    }

    void run_completions(std::vector<done_item> batch)
    {
        std::size_t i = 0;
        try
        {
            for (; i < batch.size(); ++i)
                batch[i].first.invoke_or_post(batch[i].second);
        }
        catch (...)
        {
            // A handler threw (out of io_context::run, as Asio lets it):
            // the others still run, later.
            std::vector<done_item> rest;
            for (++i; i < batch.size(); ++i)
                rest.emplace_back(std::move(batch[i]));
            if (!rest.empty())
                boost::asio::post(ex_, [self = self(), rest = std::move(rest)]() mutable {
                    self->run_completions(std::move(rest));
                });
            throw;
        }
        batch.clear();
        std::lock_guard<std::mutex> lock(mutex_);
        if (spare_batch_.capacity() < batch.capacity())
            spare_batch_.swap(batch);
    }

    void cancel_connection_timers()
    {
        watchdog_.cancel();
        write_timer_.cancel();
        keepalive_timer_.cancel();
    }

    //--------------------------------------------------------------------
    // Closing

    void do_close(completion c)
    {
        if (close_completion_)
        {
            // A second close while one runs: complete when the first does.
            extra_close_completions_.push_back(std::move(c));
            return;
        }
        switch (state_)
        {
        case state::idle:
        case state::failed:
        {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                if (accept_state_ != accept_state::closed)
                    accept_state_ = accept_state::not_connected;
            }
            c.complete({});
            return;
        }
        case state::reconnecting:
            if (!queue_drained())
            {
                // Messages wait for the next connection: close() drains
                // them first, bounded by the close timeout (on_open resumes
                // the close once connected).
                close_completion_ = std::move(c);
                arm_close_timer();
                return;
            }
            [[fallthrough]];
        case state::connecting:
        {
            // Not connected, nothing waiting (or the first connect has not
            // succeeded yet): close at once.
            close_completion_ = std::move(c);
            ++generation_;
            backoff_timer_.cancel();
            cancel_connection_timers();
            if (stream_)
                transport_.abort(*stream_);
            fail_everything(error::output_closed);
            connect_completion_.complete(error::output_closed);
            return complete_close({});
        }
        case state::open:
        case state::closing: break;
        }
        close_completion_ = std::move(c);
        state_ = state::closing;
        set_public_state(output_state::closing);
        arm_close_timer();
        pump();
    }

    /// The close timeout bounds the whole close, reconnects included.
    void arm_close_timer()
    {
        if (cfg_.timeouts.close.count() <= 0)
            return;
        close_timer_.expires_after(cfg_.timeouts.close);
        close_timer_.async_wait([self = self()](error_code ec) {
            if (ec || !self->close_completion_)
                return;
            self->close_timed_out();
        });
    }

    void close_timed_out()
    {
        record_failure(error::close_timeout, false);
        ++generation_;
        cancel_connection_timers();
        stop_direct_and_abort();
        fail_everything(error::close_timeout);
        complete_close(error::close_timeout);
    }

    void finish_close_handshake()
    {
        ++generation_;
        cancel_connection_timers();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            direct_stream_.reset();
        }
        if (!stream_)
            return complete_close({});
        transport_.async_shutdown(*stream_, [self = self(), gen = generation_, keep = stream_](error_code) {
            if (gen != self->generation_)
                return;
            if (self->stream_)
                self->transport_.abort(*self->stream_);
            // Anything still queued (cannot happen after a drain, but a
            // server-initiated close during closing may leave some) fails.
            self->fail_everything(error::output_closed);
            self->complete_close({});
        });
    }

    void complete_close(error_code ec)
    {
        close_timer_.cancel();
        backoff_timer_.cancel();
        state_ = state::idle;
        set_public_state(output_state::idle);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (accept_state_ != accept_state::closed)
                accept_state_ = accept_state::not_connected;
        }
        if (!ec)
            log(log_level::info, "closed connection to " + server_text());
        stream_.reset();
        close_completion_.complete(ec);
        for (auto& c : extra_close_completions_)
            c.complete(ec);
        extra_close_completions_.clear();
    }

    void shutdown_all(error_code ec)
    {
        ++generation_;
        backoff_timer_.cancel();
        close_timer_.cancel();
        cancel_connection_timers();
        stop_direct_and_abort();
        fail_everything(ec);
        connect_completion_.complete(ec);
        if (close_completion_)
            complete_close(ec);
        state_ = state::idle;
        set_public_state(output_state::idle);
        stream_.reset();
    }

    //--------------------------------------------------------------------

    enum class state
    {
        idle,
        connecting,
        open,
        reconnecting,
        closing,
        failed
    };

    struct control_frame
    {
        opcode op;
        std::vector<unsigned char> payload;
    };

    executor_type ex_;
    // Held by everything the strand runs, and by a caller's direct write on
    // a transport whose engine is not thread-safe (TLS): see write_locked.
    // Null for other transports. Shared with the strand's executor, which
    // releases it after the handler that destroyed this object.
    std::shared_ptr<std::recursive_mutex> engine_mutex_;
    strand_type strand_;
    config const cfg_;
    url const server_;
    std::optional<url> const proxy_;
    Transport transport_;
    Auth auth_;

    // Shared with producer threads: guarded by mutex_.
    mutable std::mutex mutex_;
    ring<write_entry> pending_;
    bool kick_posted_ = false;
    accept_state accept_state_ = accept_state::not_connected;
    error_code closed_error_;
    std::uint64_t in_flight_ = 0;
    std::uint64_t in_flight_bytes_ = 0;
    std::uint64_t stat_sent_ = 0, stat_sent_bytes_ = 0, stat_batch_sent_ = 0, stat_error_ = 0,
                  stat_retried_ = 0;
    std::uint64_t stat_conn_up_ = 0, stat_conn_failed_ = 0, stat_conn_lost_ = 0;
    std::uint64_t stat_frames_ = 0, stat_writes_ = 0, stat_inbound_ = 0;
    output_state public_state_ = output_state::idle;
    failure_info failure_;
    std::shared_ptr<log_hook const> log_;
    std::optional<boost::asio::executor_work_guard<executor_type>> work_; // while in_flight_ != 0
    std::vector<std::pair<completion, error_code>> spare_batch_;
    writer_owner writer_ = writer_owner::none;
    std::shared_ptr<stream_type> direct_stream_; // while open: for write_direct
    std::uint64_t direct_generation_ = 0;
    bool direct_wants_pump_ = false;
    // The strand gave up the connection while a caller was writing on it.
    std::atomic<bool> direct_abort_{false};
    // Guarded by the engine lock (write_locked transports only): room in the
    // current connection's socket that write_locked measured and has not
    // spent. Zeroed by the strand on a new connection and before each of
    // its own writes, after which the room is unknown.
    transport::send_credit direct_credit_;
    // Strand only: finish_direct_frame's write is in flight; it timed out.
    bool direct_rest_writing_ = false;
    bool direct_rest_timed_out_ = false;
    // The plaintext of one TLS record: the most a write_locked takes.
    static constexpr std::size_t locked_record_size = 16384;
    // Owned with the writer.
    clock::time_point last_direct_poll_{};
    std::unique_ptr<unsigned char[]> direct_buf_;
    std::size_t direct_capacity_ = 0;

    // Strand only.
    state state_ = state::idle;
    std::uint64_t generation_ = 0;
    // Shared with the operations in flight: a DNS lookup cannot be
    // cancelled, so a connect may outlive the attempt that started it.
    std::shared_ptr<stream_type> stream_;
    std::shared_ptr<attempt_state> attempt_;
    transport::connect_step step_ = transport::connect_step::resolve;
    completion connect_completion_;
    completion close_completion_;
    std::vector<completion> extra_close_completions_;
    bool reconnecting_ = false;

    std::string key_;
    handshake_request request_;
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> response_parser_;
    boost::beast::flat_buffer rbuf_;
    frame_parser parser_;
    static constexpr std::size_t read_chunk_ = std::size_t{16} * 1024;

    ring<write_entry> writing_;
    std::vector<std::pair<completion, error_code>> done_batch_;
    std::size_t cursor_ = 0; // entries before it are fully framed
    std::uint64_t next_entry_seq_ = 0;

    struct fence
    {
        std::uint64_t seq = 0;       // the fence number in the ping
        std::uint64_t entry_seq = 0; // entries before this one are covered...
        std::size_t messages = 0;    // ...and this many messages of it
    };
    bool const confirm_ = cfg_.delivery.confirm == confirm_mode::ping;
    std::deque<fence> fences_;
    bool fence_queued_ = false;
    std::uint64_t fence_counter_ = 0;
    std::size_t framed_since_fence_ = 0;
    clock::time_point last_fence_time_{};
    bool mid_frame_ = false;
    std::uint32_t frame_key_ = 0;
    std::size_t frame_offset_ = 0;
    std::vector<control_frame> controls_;
    std::vector<unsigned char> wbuf_;
    std::size_t const write_buffer_limit_ = cfg_.write_buffer_bytes; // after cfg_
    std::uint64_t frames_in_write_ = 0;
    // Where each message frame of the current write ends in wbuf_ (mode
    // none only), to credit the whole frames of a write that fails part way.
    std::vector<std::uint32_t> frame_ends_;
    std::size_t write_start_cursor_ = 0;
    std::size_t write_start_framed_ = 0;
    bool writing_in_progress_ = false;
    bool write_timed_out_ = false;
    bool close_sent_ = false;
    bool close_received_ = false;
    bool ping_in_write_ = false;
    bool loss_deferred_ = false;
    error_code deferred_loss_;
    std::string deferred_detail_;
    std::uint16_t server_close_code_ = 1005;
    mask_key_source keys_;
    pmd_config pmd_;
    std::unique_ptr<deflater> deflate_;
    bool deflating_ = false;
    std::vector<unsigned char> zbuf_;

    boost::asio::steady_timer watchdog_;
    bool watchdog_fired_ = false;
    error watchdog_error_ = error::connect_timeout;
    boost::asio::steady_timer write_timer_;
    boost::asio::steady_timer keepalive_timer_;
    enum class keepalive_phase
    {
        interval,
        awaiting_pong
    };
    keepalive_phase keepalive_phase_ = keepalive_phase::interval;
    std::uint64_t ping_counter_ = 0;
    clock::time_point ping_sent_at_{};
    clock::time_point last_inbound_{};
    boost::asio::steady_timer backoff_timer_;
    bool backoff_started_ = false;
    clock::time_point opened_at_{};
    clock::time_point backoff_start_{};
    duration backoff_current_{0};
    std::minstd_rand rng_{std::random_device{}()};
    boost::asio::steady_timer close_timer_;
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
