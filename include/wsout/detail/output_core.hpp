//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_OUTPUT_CORE_HPP
#define WSOUT_DETAIL_OUTPUT_CORE_HPP

// The interface between the output handles (websocket_output<T, A>, the
// type-erased wsout::output) and the engine. One virtual call per
// operation; websocket_output calls the final engine class directly, so
// the compiler removes even that.

#include <wsout/config.hpp>
#include <wsout/detail/completion.hpp>
#include <wsout/log.hpp>
#include <wsout/stats.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {

/// A view of one message's bytes.
struct message_ref
{
    unsigned char const* data = nullptr;
    std::size_t size = 0;
};

/** One accepted write: a single message or a batch, with one completion.

    The bytes are either the caller's (async_write with a buffer: the caller
    keeps them alive until completion) or owned here.
*/
struct write_entry
{
    message_ref single;
    std::vector<message_ref> batch; // empty for a single message
    std::string owned;
    std::vector<std::string> owned_batch;
    completion done;
    std::size_t bytes = 0;
    /// Messages of this entry framed into the write buffer so far.
    std::size_t framed = 0;
    /// Messages whose last byte went out in a completed write. After a
    /// reconnect framing restarts here (no duplicates inside a batch).
    std::size_t written = 0;
    /// Messages covered by a confirmation fence (confirm mode `ping`);
    /// there framing restarts after a reconnect.
    std::size_t confirmed = 0;
    /// Position in the output's queue, for confirmation fences.
    std::uint64_t seq = 0;
    bool is_batch = false;
    /// The single message lives in `owned` (its address may change when
    /// the entry moves: a short string's bytes are inside the object).
    bool single_is_owned = false;

    std::size_t count() const noexcept { return is_batch ? batch.size() : 1; }
    message_ref at(std::size_t i) const noexcept
    {
        if (is_batch)
            return batch[i];
        if (single_is_owned)
            return {reinterpret_cast<unsigned char const*>(owned.data()), owned.size()};
        return single;
    }
};

class output_core
{
public:
    virtual ~output_core() = default;

    virtual boost::asio::any_io_executor const& get_executor() const noexcept = 0;
    virtual config const& get_config() const noexcept = 0;
    virtual void set_log_hook(log_hook h) = 0;
    virtual void start_connect(completion c) = 0;
    /// Accept a write. With `fail_if_full` (try_write) nothing waits: a
    /// full queue or a refusing output returns false with the reason in
    /// `refused`, the entry untouched.
    virtual bool start_write(write_entry&& e, bool fail_if_full, error_code* refused = nullptr) = 0;
    /// The fast path of a blocking write of one message: written from the
    /// calling thread when the output is idle and the transport allows it.
    /// `not_taken`: nothing happened, take the asynchronous path.
    /// `done`: the outcome is in `ec` (success: the message was sent).
    enum class direct_outcome
    {
        not_taken,
        done
    };
    virtual direct_outcome write_direct(message_ref, error_code&) { return direct_outcome::not_taken; }
    virtual void start_close(completion c) = 0;
    virtual void abandon() noexcept = 0;
    virtual output_stats stats() const = 0;
    virtual failure_info last_failure() const = 0;
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
