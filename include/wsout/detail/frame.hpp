//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_FRAME_HPP
#define WSOUT_DETAIL_FRAME_HPP

// RFC 6455 framing for a client that sends.
//
// wsout writes its own frames instead of going through
// beast::websocket::stream::write: Beast makes one socket write per message
// and masks through a 4 KiB buffer, while wsout packs many frames into one
// write (Beast #2033). The HTTP upgrade itself is done with beast::http.

#include <wsout/detail/deflate.hpp>
#include <wsout/error.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

namespace wsout {
inline namespace v1 {
namespace detail {

enum class opcode : std::uint8_t
{
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA
};

/// The largest client frame header: 2 + 8 (length) + 4 (mask key).
inline constexpr std::size_t max_frame_header_size = 14;

/// The largest control frame payload (RFC 6455 5.5).
inline constexpr std::size_t max_control_payload = 125;

/** Writes a masked client frame header (FIN set) for `payload_size` bytes;
    `rsv1` marks a compressed message (permessage-deflate).

    @return The number of bytes written to `out` (at most 14).
*/
inline std::size_t write_frame_header(unsigned char* out,
                                      opcode op,
                                      std::uint64_t payload_size,
                                      std::uint32_t mask_key,
                                      bool rsv1 = false) noexcept
{
    std::size_t n = 0;
    out[n++] = static_cast<unsigned char>(0x80 | (rsv1 ? 0x40 : 0) | static_cast<unsigned>(op));
    if (payload_size < 126)
    {
        out[n++] = static_cast<unsigned char>(0x80 | payload_size);
    }
    else if (payload_size <= 0xFFFF)
    {
        out[n++] = 0x80 | 126;
        out[n++] = static_cast<unsigned char>(payload_size >> 8);
        out[n++] = static_cast<unsigned char>(payload_size);
    }
    else
    {
        out[n++] = 0x80 | 127;
        for (int shift = 56; shift >= 0; shift -= 8)
            out[n++] = static_cast<unsigned char>(payload_size >> shift);
    }
    std::memcpy(out + n, &mask_key, 4);
    return n + 4;
}

/// Size of the header `write_frame_header` writes for `payload_size`.
inline constexpr std::size_t frame_header_size(std::uint64_t payload_size) noexcept
{
    return payload_size < 126 ? 6 : payload_size <= 0xFFFF ? 8 : 14;
}

/** Copies `n` payload bytes to `dst`, masking them with `key` as if they
    started at byte `offset` of the frame's payload.

    The key is applied in its in-memory byte order, matching the 4 bytes
    that `write_frame_header` put on the wire.
*/
inline void mask_copy(unsigned char* dst,
                      unsigned char const* src,
                      std::size_t n,
                      std::uint32_t key,
                      std::uint64_t offset) noexcept
{
    unsigned char k[4];
    std::memcpy(k, &key, 4);
    // Rotate the key so that k[0] applies to dst[0].
    unsigned char r[8];
    for (int i = 0; i < 8; ++i)
        r[i] = k[(offset + static_cast<unsigned>(i)) & 3];
    std::uint64_t wide;
    std::memcpy(&wide, r, 8);
    std::size_t i = 0;
    // Eight bytes at a time; the compiler vectorises this loop.
    for (; i + 8 <= n; i += 8)
    {
        std::uint64_t v;
        std::memcpy(&v, src + i, 8);
        v ^= wide;
        std::memcpy(dst + i, &v, 8);
    }
    for (; i < n; ++i)
        dst[i] = static_cast<unsigned char>(src[i] ^ r[i & 7]);
}

/** Mask keys from OpenSSL's CSPRNG, drawn in blocks.

    RFC 6455 10.3 asks for unpredictable keys; drawing 1024 at a time keeps
    the cost per frame to a load.
*/
class mask_key_source
{
public:
    std::uint32_t next()
    {
        if (pos_ == keys_.size())
            refill();
        return keys_[pos_++];
    }

private:
    void refill()
    {
        if (RAND_bytes(reinterpret_cast<unsigned char*>(keys_.data()),
                       static_cast<int>(keys_.size() * sizeof(std::uint32_t))) != 1)
            throw std::runtime_error("wsout: OpenSSL's RAND_bytes failed to produce mask keys");
        pos_ = 0;
    }

    std::array<std::uint32_t, 1024> keys_{};
    std::size_t pos_ = keys_.size();
};

/// Incremental UTF-8 validation (RFC 3629) for inbound text messages.
class utf8_validator
{
public:
    /// Feed bytes; false once the input cannot be valid UTF-8.
    bool feed(unsigned char const* p, std::size_t n) noexcept
    {
        for (std::size_t i = 0; i < n; ++i)
        {
            unsigned char c = p[i];
            if (need_ == 0)
            {
                if (c < 0x80)
                    continue;
                if (c >= 0xC2 && c <= 0xDF)
                {
                    need_ = 1;
                    lo_ = 0x80;
                    hi_ = 0xBF;
                }
                else if (c >= 0xE0 && c <= 0xEF)
                {
                    need_ = 2;
                    lo_ = c == 0xE0 ? 0xA0 : 0x80;
                    hi_ = c == 0xED ? 0x9F : 0xBF;
                }
                else if (c >= 0xF0 && c <= 0xF4)
                {
                    need_ = 3;
                    lo_ = c == 0xF0 ? 0x90 : 0x80;
                    hi_ = c == 0xF4 ? 0x8F : 0xBF;
                }
                else
                    return false;
            }
            else
            {
                if (c < lo_ || c > hi_)
                    return false;
                lo_ = 0x80;
                hi_ = 0xBF;
                --need_;
            }
        }
        return true;
    }

    /// True when the input so far ends on a character boundary.
    bool complete() const noexcept { return need_ == 0; }

    void reset() noexcept { need_ = 0; }

private:
    int need_ = 0;
    unsigned char lo_ = 0x80;
    unsigned char hi_ = 0xBF;
};

/** Parses the frames a server sends, discarding data payloads.

    wsout only sends, so inbound data is validated and dropped; control
    frames are surfaced so they can be answered. Every RFC 6455 rule a
    client must enforce on a server is checked here: no mask, no reserved
    bits (unless permessage-deflate allows RSV1), known opcodes, control
    frames short and unfragmented, continuation only inside a message,
    UTF-8 in text, close codes and the inbound size limit.

    With permessage-deflate, compressed messages (RSV1 on their first
    frame) are inflated into a scratch buffer: the size limit then applies
    to the inflated size too (a zip bomb ends the connection after at most
    `max_message_bytes` + 16 KiB of output, never more memory), and text is
    UTF-8-checked after inflation.
*/
class frame_parser
{
public:
    /// What `parse` found.
    enum class event
    {
        need_more, ///< all input consumed
        ping,      ///< a complete ping; payload in control_payload()
        pong,      ///< a complete pong; payload in control_payload()
        close,     ///< a complete close frame; see close_code()
        message,   ///< a complete data message was received (and dropped)
        error      ///< a protocol violation; see error()
    };

    /** @param rsv1_allowed permessage-deflate was negotiated: RSV1 marks
        compressed messages.
        @param no_context_takeover The server resets its compressor after
        each message (server_no_context_takeover).

        The decompressor always has a 32 KiB window, whatever
        server_max_window_bits said: zlib enforces a smaller window only
        against the output of earlier calls, so a distance too far back
        would be caught or not depending on how the bytes were split into
        reads (found by fuzz_frame). A server that compresses with a larger
        window than it announced is thus accepted.
    */
    explicit frame_parser(std::size_t max_message_bytes,
                          bool rsv1_allowed = false,
                          bool no_context_takeover = false) noexcept
        : max_message_(max_message_bytes)
        , rsv1_allowed_(rsv1_allowed)
        , no_context_takeover_(no_context_takeover)
    {}

    /** Consume bytes from `data`, stopping after each event other than
        need_more. `used` receives the number of bytes consumed.
    */
    event parse(unsigned char const* data, std::size_t size, std::size_t& used) noexcept
    {
        used = 0;
        if (state_ == state::failed)
            return event::error;
        while (used < size || (state_ == state::payload && remaining_ == 0))
        {
            switch (state_)
            {
            case state::header:
            {
                // Gather the header bytes (up to 10; a server never masks).
                while (hdr_len_ < 2 && used < size)
                    hdr_[hdr_len_++] = data[used++];
                if (hdr_len_ < 2)
                    return event::need_more;
                std::size_t need = 2;
                unsigned len7 = hdr_[1] & 0x7F;
                if (len7 == 126)
                    need += 2;
                else if (len7 == 127)
                    need += 8;
                while (hdr_len_ < need && used < size)
                    hdr_[hdr_len_++] = data[used++];
                if (hdr_len_ < need)
                    return event::need_more;
                if (auto e = begin_frame(); e != event::need_more)
                    return e;
                break;
            }
            case state::payload:
            {
                std::size_t n = remaining_ < size - used ? static_cast<std::size_t>(remaining_) : size - used;
                if (is_control_)
                {
                    std::memcpy(control_.data() + control_len_, data + used, n);
                    control_len_ += n;
                }
                else if (compressed_)
                {
                    if (!inflate(data + used, n, false))
                    {
                        used += n;
                        return event::error;
                    }
                }
                else if (op_ == opcode::text && !utf8_.feed(data + used, n))
                {
                    used += n;
                    return fail(error::protocol_violation, "invalid UTF-8 in a text message");
                }
                used += n;
                remaining_ -= n;
                if (remaining_ != 0)
                    return event::need_more;
                state_ = state::header;
                hdr_len_ = 0;
                if (auto e = end_frame(); e != event::need_more)
                    return e;
                break;
            }
            case state::failed: return event::error;
            }
        }
        return event::need_more;
    }

    unsigned char const* control_payload() const noexcept { return control_.data(); }
    std::size_t control_size() const noexcept { return control_len_; }
    /// The close code of a close frame, 1005 when it carried none.
    std::uint16_t close_code() const noexcept { return close_code_; }
    error_code error() const noexcept { return ec_; }
    /// A short description of the last violation, for logs.
    char const* what() const noexcept { return what_; }
    /** The violation was found while inflating a compressed message.

        Which one is then reported (corrupt data, the size limit, UTF-8) can
        depend on how the bytes were split into reads: zlib drops the output
        of the call that finds corrupt data. The connection ends either way.
    */
    bool failed_inflating() const noexcept { return failed_inflating_; }

private:
    enum class state
    {
        header,
        payload,
        failed
    };

    event fail(wsout::error e, char const* what) noexcept
    {
        ec_ = e;
        what_ = what;
        state_ = state::failed;
        return event::error;
    }

    event begin_frame() noexcept
    {
        bool fin = (hdr_[0] & 0x80) != 0;
        unsigned rsv = hdr_[0] & 0x70;
        auto op = static_cast<opcode>(hdr_[0] & 0x0F);
        if (hdr_[1] & 0x80)
            return fail(error::protocol_violation, "the server sent a masked frame");
        std::uint64_t len = hdr_[1] & 0x7F;
        if (len == 126)
            len = (std::uint64_t(hdr_[2]) << 8) | hdr_[3];
        else if (len == 127)
        {
            len = 0;
            for (int i = 2; i < 10; ++i)
                len = (len << 8) | hdr_[i];
            if (len >> 63)
                return fail(error::protocol_violation, "frame length has the most significant bit set");
        }
        switch (op)
        {
        case opcode::close:
        case opcode::ping:
        case opcode::pong:
            if (rsv)
                return fail(error::protocol_violation, "reserved bits set on a control frame");
            if (!fin)
                return fail(error::protocol_violation, "fragmented control frame");
            if (len > max_control_payload)
                return fail(error::protocol_violation, "control frame longer than 125 bytes");
            is_control_ = true;
            control_op_ = op;
            control_len_ = 0;
            break;
        case opcode::text:
        case opcode::binary:
            if (in_message_)
                return fail(error::protocol_violation, "new message before the previous one finished");
            if ((rsv & ~(rsv1_allowed_ ? 0x40u : 0u)) != 0)
                return fail(error::protocol_violation, "reserved bits set on a data frame");
            is_control_ = false;
            in_message_ = true;
            compressed_ = (rsv & 0x40) != 0;
            op_ = op;
            message_size_ = 0;
            inflated_size_ = 0;
            utf8_.reset();
            if (compressed_ && !inflater_)
            {
                // Made at the first compressed message: a server that never
                // compresses costs no memory.
                inflater_.reset(new (std::nothrow) inflater(15, no_context_takeover_));
                if (!inflater_)
                    return fail(error::protocol_violation, "out of memory for the decompressor");
            }
            break;
        case opcode::continuation:
            if (!in_message_)
                return fail(error::protocol_violation, "continuation frame outside a message");
            if (rsv)
                return fail(error::protocol_violation, "reserved bits set on a continuation frame");
            is_control_ = false;
            break;
        default: return fail(error::protocol_violation, "unknown opcode");
        }
        if (!is_control_)
        {
            if (len > max_message_ || message_size_ + len > max_message_)
                return fail(error::inbound_message_too_big, "message larger than max_inbound_message_bytes");
            message_size_ += len;
            fin_ = fin;
        }
        remaining_ = len;
        state_ = state::payload;
        return event::need_more;
    }

    event end_frame() noexcept
    {
        if (is_control_)
        {
            is_control_ = false;
            if (control_op_ == opcode::ping)
                return event::ping;
            if (control_op_ == opcode::pong)
                return event::pong;
            // close
            if (control_len_ == 1)
                return fail(error::protocol_violation, "close frame with a one-byte payload");
            if (control_len_ == 0)
            {
                close_code_ = 1005;
                return event::close;
            }
            close_code_ = static_cast<std::uint16_t>((control_[0] << 8) | control_[1]);
            if (!valid_close_code(close_code_))
                return fail(error::protocol_violation, "invalid close code");
            utf8_validator reason;
            if (!reason.feed(control_.data() + 2, control_len_ - 2) || !reason.complete())
                return fail(error::protocol_violation, "invalid UTF-8 in the close reason");
            return event::close;
        }
        if (!fin_)
            return event::need_more;
        in_message_ = false;
        if (compressed_ && !inflate(nullptr, 0, true))
            return event::error;
        if (op_ == opcode::text && !utf8_.complete())
            return fail(error::protocol_violation, "text message ends inside a UTF-8 character");
        return event::message;
    }

    /// Inflate payload bytes of a compressed message (`last`: the message
    /// ended). Returns false after fail().
    bool inflate(unsigned char const* data, std::size_t n, bool last) noexcept
    {
        wsout::error bad = wsout::error::protocol_violation;
        char const* why = nullptr;
        // The output is checked in order, byte by byte, so the violation
        // reported is the first one whatever the input's chunking.
        auto sink = [&](unsigned char const* p, std::size_t len) {
            std::uint64_t room = max_message_ - std::min<std::uint64_t>(max_message_, inflated_size_);
            std::size_t ok = len < room ? len : static_cast<std::size_t>(room);
            if (op_ == opcode::text && !utf8_.feed(p, ok))
            {
                why = "invalid UTF-8 in a text message";
                return false;
            }
            if (ok < len)
            {
                bad = wsout::error::inbound_message_too_big;
                why = "message larger than max_inbound_message_bytes after decompression";
                return false;
            }
            inflated_size_ += len;
            return true;
        };
        bool ok = false;
        char const* zwhy = nullptr;
        try
        {
            ok = last ? inflater_->finish(sink, zwhy) : inflater_->feed(data, n, sink, zwhy);
        }
        catch (...)
        {
            zwhy = "out of memory for the decompressor";
        }
        if (ok)
            return true;
        failed_inflating_ = true;
        fail(bad, why ? why : zwhy ? zwhy : "invalid compressed data in a message");
        return false;
    }

    static bool valid_close_code(std::uint16_t c) noexcept
    {
        if (c >= 3000 && c <= 4999)
            return true;
        switch (c)
        {
        case 1000:
        case 1001:
        case 1002:
        case 1003:
        case 1007:
        case 1008:
        case 1009:
        case 1010:
        case 1011:
        case 1012:
        case 1013:
        case 1014: return true;
        default: return false;
        }
    }

    std::size_t max_message_;
    bool rsv1_allowed_;
    bool no_context_takeover_;
    std::unique_ptr<inflater> inflater_;
    std::uint64_t inflated_size_ = 0;
    bool failed_inflating_ = false;
    state state_ = state::header;
    std::array<unsigned char, 10> hdr_{};
    std::size_t hdr_len_ = 0;
    std::uint64_t remaining_ = 0;
    bool is_control_ = false;
    opcode control_op_ = opcode::ping;
    std::array<unsigned char, max_control_payload> control_{};
    std::size_t control_len_ = 0;
    bool in_message_ = false;
    bool fin_ = false;
    bool compressed_ = false;
    opcode op_ = opcode::binary;
    std::uint64_t message_size_ = 0;
    utf8_validator utf8_;
    std::uint16_t close_code_ = 1005;
    error_code ec_;
    char const* what_ = "";
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
