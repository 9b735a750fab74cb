//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_DEFLATE_HPP
#define WSOUT_DETAIL_DEFLATE_HPP

// permessage-deflate (RFC 7692) for a client: the offer, the check of the
// server's answer, and the compressor / decompressor, built on Beast's
// zlib port (no dependency beyond Boost).
//
// The offer is fixed: `permessage-deflate; client_max_window_bits`. The
// server may then narrow both windows and ask for either side to drop its
// context between messages; every answer RFC 7692 allows is honoured:
//  - client_max_window_bits=N: our compressor uses a 2^N window (N = 8
//    cannot be honoured by the zlib algorithm, which needs 9 at least: the
//    messages are then sent uncompressed, which RFC 7692 always allows);
//  - client_no_context_takeover: the compressor is reset after every
//    message;
//  - server_max_window_bits=N: accepted; the decompressor keeps a 32 KiB
//    window (see frame_parser: a smaller one would be enforced by zlib
//    only across reads);
//  - server_no_context_takeover: the decompressor is reset after every
//    message.

#include <wsout/detail/config_text.hpp>
#include <wsout/error.hpp>

#include <boost/beast/zlib/deflate_stream.hpp>
#include <boost/beast/zlib/inflate_stream.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {

/// The permessage-deflate parameters agreed in a handshake.
struct pmd_config
{
    bool enabled = false;
    /// The window of our compressor (client_max_window_bits).
    int client_max_window_bits = 15;
    /// The window the server compresses with (server_max_window_bits).
    int server_max_window_bits = 15;
    bool client_no_context_takeover = false;
    bool server_no_context_takeover = false;
};

/// The Sec-WebSocket-Extensions value wsout offers.
inline constexpr char const* pmd_offer = "permessage-deflate; client_max_window_bits";

namespace pmd_parse {
/// A cursor over one header value (RFC 7230 / RFC 6455 9.1 grammar).
struct cursor
{
    std::string_view s;
    std::size_t i = 0;

    bool done() const noexcept { return i >= s.size(); }
    char peek() const noexcept { return s[i]; }
    void skip_ows() noexcept
    {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
            ++i;
    }
    std::string_view token() noexcept
    {
        std::size_t b = i;
        while (i < s.size() && is_token_char(static_cast<unsigned char>(s[i])))
            ++i;
        return s.substr(b, i - b);
    }
    /// A quoted-string, unescaped into `out`; false when malformed.
    bool quoted(std::string& out)
    {
        ++i; // opening quote
        while (i < s.size())
        {
            char c = s[i++];
            if (c == '"')
                return true;
            if (c == '\\')
            {
                if (i >= s.size())
                    return false;
                c = s[i++];
            }
            out += c;
        }
        return false;
    }
};

/// A window-bits value: 1*DIGIT in 8..15 without leading zeros (RFC 7692 7.1.2).
inline bool window_bits(std::string_view v, int& out) noexcept
{
    if (v.empty() || v.size() > 2 || v[0] == '0')
        return false;
    int n = 0;
    for (char c : v)
    {
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + (c - '0');
    }
    if (n < 8 || n > 15)
        return false;
    out = n;
    return true;
}

} // namespace pmd_parse

/** Check the server's `Sec-WebSocket-Extensions` answer to our offer.

    @param value The header value (empty or absent: the server declined).
    @param out Receives the agreed parameters; `enabled` is false when the
    server declined.
    @param why Receives a description of what is wrong, for logs.
    @return `error::bad_extension` for anything RFC 7692 section 7 does not
    allow as an answer to our offer, else success.
*/
inline error_code check_pmd_response(std::string_view value, pmd_config& out, std::string& why)
{
    using namespace pmd_parse;
    out = pmd_config{};
    cursor c{value};
    auto bad = [&](std::string text) -> error_code {
        why = std::move(text);
        out = pmd_config{};
        return error::bad_extension;
    };
    bool seen_any = false;
    for (;;)
    {
        // Empty list elements (", ,") are allowed by RFC 7230's #rule.
        c.skip_ows();
        while (!c.done() && c.peek() == ',')
        {
            ++c.i;
            c.skip_ows();
        }
        if (c.done())
            break;
        std::string_view name = c.token();
        if (name.empty())
            return bad("malformed Sec-WebSocket-Extensions header");
        if (!iequals(name, "permessage-deflate"))
            return bad("the server selected the extension \"" + std::string(name.substr(0, 64)) +
                       "\", which was not offered");
        if (seen_any)
            return bad("the server selected permessage-deflate twice");
        seen_any = true;
        out.enabled = true;
        bool has_smwb = false, has_cmwb = false, has_snct = false, has_cnct = false;
        c.skip_ows();
        while (!c.done() && c.peek() == ';')
        {
            ++c.i;
            c.skip_ows();
            std::string_view pname = c.token();
            if (pname.empty())
                return bad("malformed permessage-deflate parameter");
            c.skip_ows();
            bool has_value = false;
            std::string pvalue;
            if (!c.done() && c.peek() == '=')
            {
                ++c.i;
                c.skip_ows();
                has_value = true;
                if (!c.done() && c.peek() == '"')
                {
                    if (!c.quoted(pvalue))
                        return bad("malformed quoted value of permessage-deflate parameter");
                }
                else
                    pvalue = std::string(c.token());
                c.skip_ows();
            }
            std::string shown(pname.substr(0, 64));
            if (iequals(pname, "server_no_context_takeover") || iequals(pname, "client_no_context_takeover"))
            {
                bool server = pname[0] == 's' || pname[0] == 'S';
                bool& seen = server ? has_snct : has_cnct;
                if (seen)
                    return bad("duplicate permessage-deflate parameter " + shown);
                seen = true;
                if (has_value)
                    return bad("permessage-deflate parameter " + shown + " must not have a value");
                (server ? out.server_no_context_takeover : out.client_no_context_takeover) = true;
            }
            else if (iequals(pname, "server_max_window_bits") || iequals(pname, "client_max_window_bits"))
            {
                bool server = pname[0] == 's' || pname[0] == 'S';
                bool& seen = server ? has_smwb : has_cmwb;
                if (seen)
                    return bad("duplicate permessage-deflate parameter " + shown);
                seen = true;
                // A server must give a value (RFC 7692 7.1.2.1 and 7.1.2.2).
                int bits = 0;
                if (!has_value || !window_bits(pvalue, bits))
                    return bad("permessage-deflate parameter " + shown +
                               " must be an integer in 8..15, got " +
                               (has_value ? "\"" + pvalue.substr(0, 16) + "\"" : std::string("no value")));
                (server ? out.server_max_window_bits : out.client_max_window_bits) = bits;
            }
            else
                return bad("unknown permessage-deflate parameter " + shown);
        }
        if (!c.done() && c.peek() != ',')
            return bad("malformed Sec-WebSocket-Extensions header");
    }
    return {};
}

/** The compressor for outbound messages.

    One per connection: `start` at each connection (never reuse a context
    across connections: the new server has not seen it), then `compress`
    each message in order.
*/
class deflater
{
public:
    /** Prepare for a new connection.

        @param level zlib level 1..9.
        @param window_bits The negotiated client_max_window_bits (9..15).
        @param mem_level zlib memLevel 1..9 (memory of the match finder).
        @param no_context_takeover Reset after every message.
    */
    void start(int level, int window_bits, int mem_level, bool no_context_takeover)
    {
        z_.reset(level, window_bits, mem_level, boost::beast::zlib::Strategy::normal);
        reset_each_ = no_context_takeover;
        dirty_ = false;
    }

    /** Compress one whole message into `out` (replacing its content),
        without the final `00 00 ff ff` (RFC 7692 7.2.1).

        `out` keeps its capacity between calls: steady state allocates
        nothing.
    */
    void compress(unsigned char const* data, std::size_t n, std::vector<unsigned char>& out)
    {
        namespace zlib = boost::beast::zlib;
        if (n == 0)
        {
            // An empty message is the single byte 00 (RFC 7692 7.2.3.6):
            // with the 00 00 ff ff the receiver appends, an empty stored
            // block. (zlib emits nothing for a flush without input, and an
            // empty payload would leave the receiver inside a block.)
            if (out.empty())
                out.resize(64);
            out[0] = 0;
            size_ = 1;
            return;
        }
        if (reset_each_ && dirty_)
            z_.reset();
        dirty_ = true;
        // Room for the worst case plus the flush marker and one spare
        // byte, so that the sync flush ends with output space left (a
        // flush that fills the buffer exactly would be repeated).
        std::size_t bound = z_.upper_bound(n) + 16;
        if (out.size() < bound)
            out.resize(bound);
        zlib::z_params zs;
        zs.next_in = data;
        zs.avail_in = n;
        zs.next_out = out.data();
        zs.avail_out = out.size();
        for (;;)
        {
            error_code ec;
            z_.write(zs, zlib::Flush::sync, ec);
            if (ec && ec != zlib::error::need_buffers)
                throw std::runtime_error("wsout: deflate failed: " + ec.message());
            if (zs.avail_in == 0 && zs.avail_out != 0)
                break;
            // Not expected with the bound above; grow and go on.
            std::size_t used = zs.total_out;
            out.resize(out.size() * 2);
            zs.next_out = out.data() + used;
            zs.avail_out = out.size() - used;
        }
        std::size_t size = zs.total_out;
        // A sync flush ends with an empty stored block: 00 00 ff ff.
        if (size < 4 || out[size - 4] != 0x00 || out[size - 3] != 0x00 || out[size - 2] != 0xff ||
            out[size - 1] != 0xff)
            throw std::runtime_error("wsout: deflate did not end with a sync flush marker");
        size_ = size - 4;
    }

    /// The size of the last `compress` result in `out`.
    std::size_t size() const noexcept { return size_; }

private:
    boost::beast::zlib::deflate_stream z_;
    bool reset_each_ = false;
    bool dirty_ = false;
    std::size_t size_ = 0;
};

/** The decompressor for inbound messages: inflates into a fixed scratch
    area, reporting each chunk to a callback (the content is validated and
    dropped: wsout only sends).
*/
class inflater
{
public:
    static constexpr std::size_t scratch_size = std::size_t{16} * 1024;

    explicit inflater(int window_bits, bool no_context_takeover)
        : reset_each_(no_context_takeover)
    {
        z_.reset(window_bits);
    }

    /** Inflate `n` bytes of a message.

        @param sink Called as `bool sink(unsigned char const*, std::size_t)`
        with each chunk of output; returning false stops with `false`.
        @param why Receives the reason when the data is not valid deflate.
        @return false when the data is invalid (`why` set) or the sink
        refused.
    */
    template<class Sink>
    bool feed(unsigned char const* data, std::size_t n, Sink&& sink, char const*& why)
    {
        namespace zlib = boost::beast::zlib;
        zlib::z_params zs;
        zs.next_in = data;
        zs.avail_in = n;
        if (ended_ && n != 0)
        {
            why = "compressed data after the final deflate block of a message";
            return false;
        }
        for (;;)
        {
            zs.next_out = scratch_;
            zs.avail_out = sizeof scratch_;
            std::size_t before = zs.total_out;
            std::size_t consumed_before = zs.total_in;
            error_code ec;
            z_.write(zs, zlib::Flush::sync, ec);
            std::size_t produced = zs.total_out - before;
            if (produced != 0 && !sink(static_cast<unsigned char const*>(scratch_), produced))
                return false;
            if (ec == zlib::error::end_of_stream)
            {
                // A block with BFINAL set: legal at the end of a message
                // (RFC 7692 7.2.3.4); the stream restarts for the next one.
                ended_ = true;
                if (zs.avail_in == 0)
                    return true;
                why = "compressed data after the final deflate block of a message";
                return false;
            }
            if (ec && ec != zlib::error::need_buffers)
            {
                why = "invalid compressed data in a message";
                return false;
            }
            if (zs.avail_in == 0 && zs.avail_out != 0)
                return true;
            if (produced == 0 && zs.total_in == consumed_before)
            {
                why = "invalid compressed data in a message";
                return false;
            }
        }
    }

    /// The end of a message: feed the flush marker RFC 7692 7.2.2 removed.
    template<class Sink>
    bool finish(Sink&& sink, char const*& why)
    {
        static constexpr unsigned char tail[4] = {0x00, 0x00, 0xff, 0xff};
        bool ok = ended_ || feed(tail, sizeof tail, sink, why);
        if (ended_ || reset_each_)
            z_.reset();
        ended_ = false;
        return ok;
    }

private:
    boost::beast::zlib::inflate_stream z_;
    bool reset_each_;
    bool ended_ = false;
    unsigned char scratch_[scratch_size];
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
