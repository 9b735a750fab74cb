// wsout test support: an in-process WebSocket server with scripted behaviours.
//
// `wsout_test::ws_server` is a small Beast server that runs its own
// io_context on its own thread, listens on 127.0.0.1 (port 0 by default) and
// records everything a client does: each connection's upgrade request, each
// message (payload + text/binary), close codes, pings. Options chosen before
// construction make it misbehave in controlled ways: reject the handshake,
// never answer, answer garbage, answer with a wrong Sec-WebSocket-Accept,
// answer byte by byte, stop reading, read slowly, close / reset / FIN after N
// messages, never answer pings, send raw frames to the client.
//
// Typical use:
//
//     wsout_test::ws_server srv;                       // accepts everything
//     ... connect a client to srv.url("/post/ws") and send two messages ...
//     REQUIRE(srv.wait_for_messages(2, std::chrono::seconds(5)));
//     auto msgs = srv.messages();                      // snapshot, in order
//     CHECK(msgs[0].payload == "hello");
//
// Thread safety: every public member function may be called from any thread.
// Runtime actions (resume_reading, send_*, ...) are posted to the server's
// thread and take effect asynchronously.
//
// Stopping: stop() (also run by the destructor) closes the listener and every
// connection, waits at most ~2 s for the io thread to wind down, then stops
// the io_context and joins. It never hangs.
//
// Streams: the server is `basic_ws_server<Layer>`; `plain_layer` gives plain
// TCP. A TLS layer only has to provide the same three members (see
// plain_layer) with an SSL handshake in async_start.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace wsout_test {

namespace ts_detail {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

inline bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

inline std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}
} // namespace ts_detail

// ---------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------

/// One message as the server received it (fragments already joined).
struct received_message
{
    std::size_t connection = 0; ///< 1-based id of the connection it came on
    bool text = false;          ///< true: text opcode, false: binary
    std::string payload;        ///< exact payload bytes
};

/// The HTTP upgrade request of one connection, as received.
struct upgrade_request
{
    std::string method;                                       ///< "GET"
    std::string target;                                       ///< "/post/ws?x=1"
    unsigned version = 0;                                     ///< 11 for HTTP/1.1
    std::vector<std::pair<std::string, std::string>> headers; ///< in order received
    std::string raw;                                          ///< request line + headers as text

    /// Value of the first header called `name` (case-insensitive), "" if absent.
    std::string header(std::string_view name) const
    {
        for (auto const& h : headers)
            if (ts_detail::iequals(h.first, name))
                return h.second;
        return {};
    }
    /// Whether a header called `name` is present (case-insensitive).
    bool has_header(std::string_view name) const
    {
        for (auto const& h : headers)
            if (ts_detail::iequals(h.first, name))
                return true;
        return false;
    }
    /// How many headers called `name` are present (case-insensitive).
    std::size_t header_count(std::string_view name) const
    {
        std::size_t n = 0;
        for (auto const& h : headers)
            if (ts_detail::iequals(h.first, name))
                ++n;
        return n;
    }
};

/// What happened on one TCP connection.
struct connection_info
{
    std::size_t id = 0;        ///< 1-based, in accept order
    bool request_read = false; ///< an HTTP request was read (see `request`)
    upgrade_request request;
    bool upgraded = false;    ///< the WebSocket handshake completed (server side)
    std::string subprotocol;  ///< what the server answered in Sec-WebSocket-Protocol
    bool open = true;         ///< the server still holds the connection
    std::size_t messages = 0; ///< messages received on it
    std::size_t bytes = 0;    ///< payload bytes received on it
    std::size_t pings = 0;    ///< pings received from the client
    int close_code = -1;      ///< close code received from the client (-1: none)
    std::string end;          ///< why the server let go of it ("eof", "closed", "reset by server", ...)
};

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// How the server answers the HTTP upgrade request.
enum class handshake_behavior
{
    accept,       ///< a normal WebSocket accept (Beast)
    reject,       ///< an HTTP error: `reject_status`, `response_headers`, `reject_body`
    silent,       ///< read the request, then never answer (until the client or stop() closes)
    drop,         ///< read the request, then close the TCP connection without answering
    garbage,      ///< answer `garbage` bytes instead of HTTP, then stay silent
    wrong_accept, ///< answer 101 with a wrong Sec-WebSocket-Accept
    slow_accept,  ///< a correct 101, one byte every `byte_delay`; then raw mode (see `auto_pong`)
};

/// What the server does after `end_after_messages` messages on a connection.
enum class end_action
{
    none,
    close, ///< send a close frame with `close_code`, wait for the client's close
    reset, ///< abort: SO_LINGER 0 then close, the client sees a RST
    fin,   ///< shutdown(send) without a close frame, the client sees EOF
};

/// Behaviour of a ws_server, fixed at construction.
struct ws_server_options
{
    // --- handshake -----------------------------------------------------------
    handshake_behavior handshake = handshake_behavior::accept;
    /// `handshake` applies to the first N connections; later ones get a normal
    /// accept (e.g. "reject once, then accept" for retry tests).
    std::size_t handshake_connections = std::numeric_limits<std::size_t>::max();
    /// The first N connections get a normal accept before `handshake` applies
    /// (e.g. "accept once, then reject": a reconnect meets a 403).
    std::size_t handshake_skip_connections = 0;
    /// Subprotocols the server supports: it selects the first one the client
    /// offers that is in this list ("*" selects the first offered one).
    std::vector<std::string> subprotocols;
    /// If set, always answered in Sec-WebSocket-Protocol, offered or not.
    std::optional<std::string> forced_subprotocol;
    /// Extra headers in the 101 / reject response (WWW-Authenticate, Location, ...).
    std::vector<std::pair<std::string, std::string>> response_headers;
    /// Delay before answering an accepted handshake.
    std::chrono::milliseconds handshake_delay{0};
    /// Status and body of a rejected handshake.
    unsigned reject_status = 401;
    std::string reject_body;
    /// Bytes sent by handshake_behavior::garbage.
    std::string garbage = "SSH-2.0-OpenSSH_9.2\r\n\x01\x02\x03 this is not HTTP\r\n\r\n";
    /// Delay between bytes for handshake_behavior::slow_accept.
    std::chrono::milliseconds byte_delay{20};
    /// Offer permessage-deflate (Beast server side).
    bool compression = false;

    // --- after the handshake -------------------------------------------------
    /// true: Beast reads frames and answers pings. false: "raw mode", the
    /// server parses frames itself and never answers pings (messages are still
    /// recorded; a client close is answered with a close frame).
    bool auto_pong = true;
    /// Start with reading stopped (backpressure tests); see resume_reading().
    bool start_paused = false;
    /// Wait this long after each message before reading the next one.
    std::chrono::milliseconds read_delay{0};
    /// Send each message back (same type). Beast mode only.
    bool echo = false;
    /// After this many messages on a connection (0: never), do `end`.
    std::size_t end_after_messages = 0;
    end_action end = end_action::none;
    /// The end action applies to the first N connections only.
    std::size_t end_connections = std::numeric_limits<std::size_t>::max();
    /// Close code for end_action::close and close_all().
    std::uint16_t close_code = 1000;
    /// Raw bytes written to each connection right after the handshake (build
    /// them with make_frame()): server pings, masked or reserved-bit frames, ...
    std::string send_after_handshake;
    /// Largest message accepted (Beast's read_message_max; raw mode too).
    std::size_t max_message_bytes = 64u * 1024u * 1024u;
    /// Keep each message's payload (false: count only; for big volumes).
    bool keep_messages = true;
    /// SO_RCVBUF of the listening socket (inherited by accepted sockets), to
    /// make backpressure appear sooner. 0: system default.
    int receive_buffer_bytes = 0;
};

// ---------------------------------------------------------------------------
// Frames for hardening tests
// ---------------------------------------------------------------------------

/// WebSocket opcodes for make_frame().
enum opcode : std::uint8_t
{
    op_continuation = 0x0,
    op_text = 0x1,
    op_binary = 0x2,
    op_close = 0x8,
    op_ping = 0x9,
    op_pong = 0xA,
};

struct frame_options
{
    bool fin = true;
    bool mask = false;    ///< a server must not mask: set true for a hostile frame
    std::uint8_t rsv = 0; ///< RSV1..3 bits as a 3-bit number (1 = RSV3, 4 = RSV1)
    /// Length written in the header instead of payload.size() (the payload is
    /// still written as given): announce a huge message without sending it.
    std::optional<std::uint64_t> declared_length;
};

/// The bytes of one WebSocket frame, exactly as specified.
inline std::string make_frame(std::uint8_t op, std::string_view payload, frame_options o = {})
{
    std::string out;
    out.push_back(static_cast<char>((o.fin ? 0x80 : 0x00) | ((o.rsv & 0x7) << 4) | (op & 0x0F)));
    std::uint64_t const len = o.declared_length.value_or(payload.size());
    unsigned char const maskbit = o.mask ? 0x80 : 0x00;
    if (len < 126)
    {
        out.push_back(static_cast<char>(maskbit | len));
    }
    else if (len <= 0xFFFF)
    {
        out.push_back(static_cast<char>(maskbit | 126));
        out.push_back(static_cast<char>((len >> 8) & 0xFF));
        out.push_back(static_cast<char>(len & 0xFF));
    }
    else
    {
        out.push_back(static_cast<char>(maskbit | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((len >> shift) & 0xFF));
    }
    unsigned char const key[4] = {0x12, 0x34, 0x56, 0x78};
    if (o.mask)
        for (unsigned char k : key)
            out.push_back(static_cast<char>(k));
    for (std::size_t i = 0; i < payload.size(); ++i)
    {
        auto c = static_cast<unsigned char>(payload[i]);
        if (o.mask)
            c = static_cast<unsigned char>(c ^ key[i % 4]);
        out.push_back(static_cast<char>(c));
    }
    return out;
}

/// A close frame payload: 2-byte code + reason.
inline std::string close_payload(std::uint16_t code, std::string_view reason = {})
{
    std::string p;
    p.push_back(static_cast<char>(code >> 8));
    p.push_back(static_cast<char>(code & 0xFF));
    p.append(reason.data(), reason.size());
    return p;
}

// ---------------------------------------------------------------------------
// Stream layers
// ---------------------------------------------------------------------------

/// Plain TCP. A layer provides: `next_layer_type` (an AsyncStream whose
/// lowest layer is a tcp socket), `make(socket)`, `async_start(stream, h)`
/// (e.g. a TLS server handshake; calls h(error_code)), and `scheme()`.
struct plain_layer
{
    using next_layer_type = boost::beast::tcp_stream;
    next_layer_type make(boost::asio::ip::tcp::socket&& s) { return next_layer_type(std::move(s)); }
    template<class Handler>
    void async_start(next_layer_type& s, Handler&& h)
    {
        boost::asio::post(s.get_executor(),
                          [h = std::forward<Handler>(h)]() mutable { h(boost::system::error_code{}); });
    }
    static char const* scheme() { return "ws"; }
};

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

namespace ts_detail {

/// Everything shared between the server object, its thread and the sessions.
struct shared_state
{
    ws_server_options opts;
    std::mutex m;
    std::condition_variable cv;
    std::vector<received_message> messages;
    std::vector<connection_info> conns; // conns[id - 1]
    std::size_t message_count = 0;
    std::size_t bytes = 0;
    std::atomic<bool> paused{false};
    std::atomic<bool> stopping{false};
    // Thresholds of the threads in wait_for_messages(): a message wakes them
    // only when the smallest one is reached (waking a waiter per message
    // costs a third of the server's throughput).
    std::multiset<std::size_t> message_waiters;

    template<class F>
    void update(std::size_t id, F&& f)
    {
        {
            std::lock_guard<std::mutex> lk(m);
            if (id >= 1 && id <= conns.size())
                f(conns[id - 1]);
        }
        cv.notify_all();
    }

    void record_message(std::size_t id, bool text, std::string payload)
    {
        bool wake = false;
        {
            std::lock_guard<std::mutex> lk(m);
            ++message_count;
            wake = !message_waiters.empty() && message_count >= *message_waiters.begin();
            bytes += payload.size();
            if (id >= 1 && id <= conns.size())
            {
                ++conns[id - 1].messages;
                conns[id - 1].bytes += payload.size();
            }
            if (opts.keep_messages)
                messages.push_back(received_message{id, text, std::move(payload)});
        }
        if (wake)
            cv.notify_all();
    }
};

template<class Layer>
class session : public std::enable_shared_from_this<session<Layer>>
{
    using ws_type = websocket::stream<typename Layer::next_layer_type>;

    enum class out_kind
    {
        text,
        binary,
        ping,
        raw,
        shutdown
    };
    struct out_item
    {
        out_kind kind;
        std::string data;
    };

public:
    session(std::shared_ptr<shared_state> st, Layer& layer, tcp::socket sock, std::size_t id)
        : st_(std::move(st))
        , opts_(st_->opts)
        , layer_(layer)
        , id_(id)
        , ws_(layer.make(std::move(sock)))
        , timer_(ws_.get_executor())
    {}

    void start()
    {
        layer_.async_start(ws_.next_layer(), [self = this->shared_from_this()](error_code ec) {
            if (ec)
                return self->finish("layer start failed: " + ec.message());
            self->read_request();
        });
    }

    /// Close the socket (stop() and close_all() with code 0).
    void force_close(std::string why)
    {
        timer_.cancel();
        finish(std::move(why));
    }

    void close_all(std::uint16_t code)
    {
        if (!upgraded_ || done_ || closing_)
            return;
        closing_ = true;
        if (raw_mode_)
        {
            enqueue({out_kind::raw, make_frame(op_close, close_payload(code))});
        }
        else
        {
            ws_.async_close(websocket::close_reason(code), [self = this->shared_from_this()](error_code) {
                self->finish("closed by server");
            });
        }
    }

    void reset()
    {
        if (done_)
            return;
        error_code ec;
        beast::get_lowest_layer(ws_).socket().set_option(net::socket_base::linger(true, 0), ec);
        finish("reset by server");
    }

    void send(bool text, std::string data)
    {
        if (!upgraded_ || done_)
            return;
        if (raw_mode_)
            enqueue({out_kind::raw, make_frame(text ? op_text : op_binary, data)});
        else
            enqueue({text ? out_kind::text : out_kind::binary, std::move(data)});
    }
    void send_ping(std::string data)
    {
        if (!upgraded_ || done_)
            return;
        if (raw_mode_)
            enqueue({out_kind::raw, make_frame(op_ping, data)});
        else
            enqueue({out_kind::ping, std::move(data)});
    }
    void send_raw(std::string bytes)
    {
        if (!upgraded_ || done_)
            return;
        enqueue({out_kind::raw, std::move(bytes)});
    }

    /// Whether the connection is over (the server may forget it).
    bool finished() const { return done_; }

    /// Called on the io thread by resume_reading().
    void resume()
    {
        if (!parked_ || done_)
            return;
        parked_ = false;
        if (raw_mode_)
            raw_step();
        else
            beast_read();
    }

private:
    // --- handshake -------------------------------------------------------------

    void read_request()
    {
        parser_.emplace();
        parser_->header_limit(64 * 1024);
        parser_->body_limit(64 * 1024);
        http::async_read(
            ws_.next_layer(), buf_, *parser_,
            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
    }

    void on_request(error_code ec)
    {
        if (ec)
            return finish(ec == http::error::end_of_stream ? "eof before request"
                                                           : "request: " + ec.message());
        req_ = parser_->release();
        upgrade_request r;
        r.method = std::string(req_.method_string());
        r.target = std::string(req_.target());
        r.version = req_.version();
        for (auto const& f : req_)
            r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        std::ostringstream os;
        os << req_.base();
        r.raw = os.str();
        choose_subprotocol(r);
        st_->update(id_, [&](connection_info& c) {
            c.request_read = true;
            c.request = std::move(r);
            c.subprotocol = subprotocol_;
        });

        auto const behaviour = id_ > opts_.handshake_skip_connections &&
                                       id_ - opts_.handshake_skip_connections <= opts_.handshake_connections
                                   ? opts_.handshake
                                   : handshake_behavior::accept;
        switch (behaviour)
        {
        case handshake_behavior::accept:
            if (opts_.handshake_delay.count() > 0)
            {
                timer_.expires_after(opts_.handshake_delay);
                timer_.async_wait([self = this->shared_from_this()](error_code e) {
                    if (e || self->done_)
                        return;
                    self->accept();
                });
            }
            else
            {
                accept();
            }
            return;
        case handshake_behavior::reject: return reject();
        case handshake_behavior::silent: return discard("eof");
        case handshake_behavior::drop: return finish("dropped by server");
        case handshake_behavior::garbage:
            return write_then(opts_.garbage, [](session& s) { s.discard("eof"); });
        case handshake_behavior::wrong_accept:
            return write_then(response_101("dGhpcyBpcyBub3QgcmlnaHQ="), [](session& s) { s.discard("eof"); });
        case handshake_behavior::slow_accept:
        {
            beast::websocket::detail::sec_ws_accept_type acc;
            beast::websocket::detail::make_sec_ws_accept(acc, req_[http::field::sec_websocket_key]);
            slow_bytes_ = response_101(std::string(acc.data(), acc.size()));
            slow_pos_ = 0;
            return slow_write();
        }
        }
    }

    void choose_subprotocol(upgrade_request const& r)
    {
        if (opts_.forced_subprotocol)
        {
            subprotocol_ = *opts_.forced_subprotocol;
            return;
        }
        if (opts_.subprotocols.empty())
            return;
        // Offered protocols: comma-separated, possibly over several headers.
        for (auto const& h : r.headers)
        {
            if (!iequals(h.first, "Sec-WebSocket-Protocol"))
                continue;
            std::string_view rest = h.second;
            while (!rest.empty())
            {
                auto comma = rest.find(',');
                auto item = trim(rest.substr(0, comma));
                rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
                for (auto const& supported : opts_.subprotocols)
                {
                    if (supported == "*" || supported == item)
                    {
                        subprotocol_ = std::string(item);
                        return;
                    }
                }
            }
        }
    }

    std::string response_101(std::string const& accept_key) const
    {
        std::string s = "HTTP/1.1 101 Switching Protocols\r\n"
                        "Upgrade: websocket\r\n"
                        "Connection: Upgrade\r\n"
                        "Sec-WebSocket-Accept: " +
                        accept_key + "\r\n";
        if (!subprotocol_.empty())
            s += "Sec-WebSocket-Protocol: " + subprotocol_ + "\r\n";
        for (auto const& h : opts_.response_headers)
            s += h.first + ": " + h.second + "\r\n";
        return s + "\r\n";
    }

    void accept()
    {
        ws_.set_option(websocket::stream_base::decorator(
            [sub = subprotocol_, extra = opts_.response_headers](websocket::response_type& res) {
                res.set(http::field::server, "wsout-test-server");
                if (!sub.empty())
                    res.set(http::field::sec_websocket_protocol, sub);
                for (auto const& h : extra)
                    res.insert(h.first, h.second);
            }));
        if (opts_.compression)
        {
            websocket::permessage_deflate pmd;
            pmd.server_enable = true;
            ws_.set_option(pmd);
        }
        ws_.read_message_max(opts_.max_message_bytes);
        ws_.auto_fragment(false);
        auto st = st_;
        auto id = id_;
        ws_.control_callback([st, id](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping)
                st->update(id, [](connection_info& c) { ++c.pings; });
        });
        ws_.async_accept(req_, [self = this->shared_from_this()](error_code ec) {
            if (ec)
                return self->finish("accept: " + ec.message());
            self->raw_mode_ = !self->opts_.auto_pong;
            self->on_upgraded();
        });
    }

    void on_upgraded()
    {
        upgraded_ = true;
        st_->update(id_, [&](connection_info& c) {
            c.upgraded = true;
            c.subprotocol = subprotocol_;
        });
        if (!opts_.send_after_handshake.empty())
            enqueue({out_kind::raw, opts_.send_after_handshake});
        if (raw_mode_)
            raw_step();
        else
            beast_read();
    }

    void reject()
    {
        auto res = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(opts_.reject_status), 11);
        res->set(http::field::server, "wsout-test-server");
        for (auto const& h : opts_.response_headers)
            res->insert(h.first, h.second);
        res->body() = opts_.reject_body;
        res->keep_alive(false);
        res->prepare_payload();
        http::async_write(ws_.next_layer(), *res,
                          [self = this->shared_from_this(), res](error_code ec, std::size_t) {
                              // Connection: close, as HTTP servers do after an error.
                              self->finish(ec ? "reject write: " + ec.message() : std::string("rejected"));
                          });
    }

    template<class Then>
    void write_then(std::string bytes, Then then)
    {
        auto b = std::make_shared<std::string>(std::move(bytes));
        net::async_write(ws_.next_layer(), net::buffer(*b),
                         [self = this->shared_from_this(), b, then](error_code ec, std::size_t) {
                             if (ec)
                                 return self->finish("write: " + ec.message());
                             then(*self);
                         });
    }

    void slow_write()
    {
        if (done_)
            return;
        if (slow_pos_ >= slow_bytes_.size())
        {
            raw_mode_ = true;
            return on_upgraded();
        }
        net::async_write(ws_.next_layer(), net::buffer(&slow_bytes_[slow_pos_], 1),
                         [self = this->shared_from_this()](error_code ec, std::size_t) {
                             if (ec)
                                 return self->finish("slow write: " + ec.message());
                             ++self->slow_pos_;
                             self->timer_.expires_after(self->opts_.byte_delay);
                             self->timer_.async_wait([self](error_code e) {
                                 if (e)
                                     return;
                                 self->slow_write();
                             });
                         });
    }

    // Read and throw away bytes until the peer closes (or stop()).
    void discard(std::string why_on_eof)
    {
        if (done_)
            return;
        buf_.consume(buf_.size());
        ws_.next_layer().async_read_some(
            buf_.prepare(16 * 1024), [self = this->shared_from_this(),
                                      why = std::move(why_on_eof)](error_code ec, std::size_t n) mutable {
                if (ec)
                    return self->finish(ec == net::error::eof ? why : "read: " + ec.message());
                self->buf_.commit(n);
                self->discard(std::move(why));
            });
    }

    // --- Beast read loop -------------------------------------------------------

    void beast_read()
    {
        if (done_)
            return;
        if (st_->paused.load())
        {
            parked_ = true;
            return;
        }
        ws_.async_read(
            msg_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_beast_read(ec); });
    }

    void on_beast_read(error_code ec)
    {
        if (ec)
        {
            if (ec == websocket::error::closed)
            {
                int code = ws_.reason().code;
                st_->update(id_, [code](connection_info& c) { c.close_code = code; });
                return finish("closed by client");
            }
            return finish(ec == net::error::eof ? "eof" : "read: " + ec.message());
        }
        std::string payload = beast::buffers_to_string(msg_.data());
        msg_.consume(msg_.size());
        bool const text = ws_.got_text();
        if (opts_.echo)
            enqueue({text ? out_kind::text : out_kind::binary, payload});
        if (!on_message(text, std::move(payload)))
            return;
        after_delay([](session& s) { s.beast_read(); });
    }

    template<class Next>
    void after_delay(Next next)
    {
        if (opts_.read_delay.count() > 0)
        {
            timer_.expires_after(opts_.read_delay);
            timer_.async_wait([self = this->shared_from_this(), next](error_code e) {
                if (e || self->done_)
                    return;
                next(*self);
            });
        }
        else
        {
            next(*this);
        }
    }

    // Records a message and runs the end action; false: stop reading.
    bool on_message(bool text, std::string payload)
    {
        st_->record_message(id_, text, std::move(payload));
        ++count_;
        if (opts_.end == end_action::none || opts_.end_after_messages == 0 ||
            count_ != opts_.end_after_messages || id_ > opts_.end_connections)
            return true;
        switch (opts_.end)
        {
        case end_action::none: return true;
        case end_action::close:
            close_all(opts_.close_code);
            // Raw mode keeps parsing until the client's close frame arrives.
            return raw_mode_;
        case end_action::reset: reset(); return false;
        case end_action::fin:
        {
            error_code ignored;
            beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ignored);
            discard("fin by server");
            return false;
        }
        }
        return true;
    }

    // --- raw mode: our own frame parser, pings never answered ------------------

    enum class parse_result
    {
        need_more,
        message,
        control,
        fail
    };

    parse_result parse_one()
    {
        auto const* p = static_cast<unsigned char const*>(buf_.data().data());
        std::size_t const avail = buf_.size();
        if (avail < 2)
            return parse_result::need_more;
        bool const fin = (p[0] & 0x80) != 0;
        unsigned const op = p[0] & 0x0F;
        bool const masked = (p[1] & 0x80) != 0;
        std::uint64_t len = p[1] & 0x7F;
        std::size_t hdr = 2;
        if (len == 126)
        {
            if (avail < 4)
                return parse_result::need_more;
            len = (std::uint64_t(p[2]) << 8) | p[3];
            hdr = 4;
        }
        else if (len == 127)
        {
            if (avail < 10)
                return parse_result::need_more;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | p[2 + i];
            hdr = 10;
        }
        if (len > opts_.max_message_bytes)
            return parse_result::fail;
        std::size_t const key_at = hdr;
        if (masked)
            hdr += 4;
        if (avail < hdr + len)
            return parse_result::need_more;
        std::string payload(reinterpret_cast<char const*>(p + hdr), static_cast<std::size_t>(len));
        if (masked)
            for (std::size_t i = 0; i < payload.size(); ++i)
                payload[i] = static_cast<char>(payload[i] ^ static_cast<char>(p[key_at + i % 4]));
        buf_.consume(hdr + static_cast<std::size_t>(len));

        switch (op)
        {
        case op_continuation:
            if (!in_fragment_)
                return parse_result::fail;
            fragment_ += payload;
            if (fragment_.size() > opts_.max_message_bytes)
                return parse_result::fail;
            if (!fin)
                return parse_result::control;
            in_fragment_ = false;
            pending_ = std::move(fragment_);
            fragment_.clear();
            return parse_result::message;
        case op_text:
        case op_binary:
            if (in_fragment_)
                return parse_result::fail;
            pending_text_ = op == op_text;
            if (!fin)
            {
                in_fragment_ = true;
                fragment_ = std::move(payload);
                return parse_result::control;
            }
            pending_ = std::move(payload);
            return parse_result::message;
        case op_ping:
            st_->update(id_, [](connection_info& c) { ++c.pings; });
            return parse_result::control; // never answered: that is the point
        case op_pong: return parse_result::control;
        case op_close:
        {
            int code = payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                                 static_cast<unsigned char>(payload[1])
                                           : 1005;
            st_->update(id_, [code](connection_info& c) { c.close_code = code; });
            got_close_ = true;
            if (!sent_close_)
                enqueue({out_kind::raw, make_frame(op_close, payload.substr(0, 2))});
            // The server closes TCP first (RFC 6455 7.1.1): FIN once the close
            // frame is out; discard() then waits for the client's FIN.
            enqueue({out_kind::shutdown, {}});
            return parse_result::control;
        }
        default: return parse_result::fail;
        }
    }

    void raw_step()
    {
        while (!done_)
        {
            if (got_close_)
            {
                // Our close answer is queued; read until the client closes TCP.
                return discard("closed by client");
            }
            if (st_->paused.load())
            {
                parked_ = true;
                return;
            }
            switch (parse_one())
            {
            case parse_result::need_more:
                ws_.next_layer().async_read_some(
                    buf_.prepare(64 * 1024), [self = this->shared_from_this()](error_code ec, std::size_t n) {
                        if (ec)
                            return self->finish(ec == net::error::eof ? "eof" : "read: " + ec.message());
                        self->buf_.commit(n);
                        self->raw_step();
                    });
                return;
            case parse_result::fail: return finish("protocol error from client");
            case parse_result::control: continue;
            case parse_result::message:
                if (!on_message(pending_text_, std::move(pending_)))
                    return;
                pending_.clear();
                if (opts_.read_delay.count() > 0)
                    return after_delay([](session& s) { s.raw_step(); });
                continue;
            }
        }
    }

    // --- writes: one at a time, in order ---------------------------------------

    void enqueue(out_item item)
    {
        if (done_)
            return;
        if (item.kind == out_kind::raw && item.data.size() >= 2 &&
            (static_cast<unsigned char>(item.data[0]) & 0x0F) == op_close)
            sent_close_ = true;
        out_.push_back(std::move(item));
        if (!writing_)
            write_next();
    }

    void write_next()
    {
        if (out_.empty() || done_)
        {
            writing_ = false;
            return;
        }
        writing_ = true;
        out_item& it = out_.front(); // deque: stays valid while others are pushed
        auto done = [self = this->shared_from_this()](error_code ec, std::size_t = 0) {
            if (!self->out_.empty())
                self->out_.pop_front();
            if (ec)
            {
                self->out_.clear();
                self->writing_ = false;
                return; // the read side notices the failure
            }
            self->write_next();
        };
        switch (it.kind)
        {
        case out_kind::text:
        case out_kind::binary:
            ws_.text(it.kind == out_kind::text);
            ws_.async_write(net::buffer(it.data), done);
            return;
        case out_kind::ping:
            // (Not assign(char*, n): with a non-const char* that picks Beast's
            // assign(T const&, pos, count) overload and yields an empty string.)
            ping_.assign(
                beast::string_view(it.data.data(), std::min<std::size_t>(it.data.size(), ping_.max_size())));
            ws_.async_ping(ping_, [done](error_code ec) { done(ec); });
            return;
        case out_kind::raw: net::async_write(ws_.next_layer(), net::buffer(it.data), done); return;
        case out_kind::shutdown:
        {
            error_code ignored;
            beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_send, ignored);
            net::post(ws_.get_executor(), [done] { done(error_code{}); });
            return;
        }
        }
    }

    // --- end -----------------------------------------------------------------

    void finish(std::string why)
    {
        if (done_)
            return;
        done_ = true;
        error_code ignored;
        timer_.cancel();
        beast::get_lowest_layer(ws_).socket().close(ignored);
        st_->update(id_, [&](connection_info& c) {
            c.open = false;
            c.end = std::move(why);
        });
    }

    std::shared_ptr<shared_state> st_;
    ws_server_options const& opts_;
    Layer& layer_;
    std::size_t id_;
    ws_type ws_;
    net::steady_timer timer_;
    beast::flat_buffer buf_;
    beast::flat_buffer msg_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> req_;
    std::string subprotocol_;
    std::string slow_bytes_;
    std::size_t slow_pos_ = 0;
    std::deque<out_item> out_;
    websocket::ping_data ping_;
    bool closing_ = false;
    bool writing_ = false;
    bool upgraded_ = false;
    bool raw_mode_ = false;
    bool parked_ = false;
    bool done_ = false;
    bool got_close_ = false;
    bool sent_close_ = false;
    bool in_fragment_ = false;
    bool pending_text_ = false;
    std::string fragment_;
    std::string pending_;
    std::size_t count_ = 0;
};

} // namespace ts_detail

/// An in-process WebSocket server for tests. See the top of this file.
template<class Layer>
class basic_ws_server
{
    using session_type = ts_detail::session<Layer>;

public:
    /// Starts listening on 127.0.0.1:`port` (0: any free port) and serving.
    /// Throws boost::system::system_error if the port cannot be bound.
    explicit basic_ws_server(ws_server_options opts = {}, unsigned short port = 0, Layer layer = {})
        : st_(std::make_shared<ts_detail::shared_state>())
        , layer_(std::move(layer))
        , acceptor_(io_)
    {
        namespace net = boost::asio;
        st_->opts = std::move(opts);
        st_->paused = st_->opts.start_paused;
        net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        if (st_->opts.receive_buffer_bytes > 0)
            acceptor_.set_option(net::socket_base::receive_buffer_size(st_->opts.receive_buffer_bytes));
        acceptor_.bind(ep);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        do_accept();
        thread_ = std::thread([this] {
            try
            {
                io_.run();
            }
            catch (std::exception const& e)
            {
                std::lock_guard<std::mutex> lk(st_->m);
                thread_error_ = e.what();
            }
            {
                std::lock_guard<std::mutex> lk(st_->m);
                run_returned_ = true;
            }
            st_->cv.notify_all();
        });
    }

    basic_ws_server(basic_ws_server const&) = delete;
    basic_ws_server& operator=(basic_ws_server const&) = delete;

    ~basic_ws_server() { stop(); }

    /// Closes the listener and every connection, then joins the thread. Bounded
    /// (about 2 s at most). Idempotent.
    void stop()
    {
        if (stopped_.exchange(true))
            return;
        st_->stopping = true;
        boost::asio::post(io_, [this] {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            for (auto& s : sessions_)
                s->force_close("server stopped");
            sessions_.clear();
        });
        {
            std::unique_lock<std::mutex> lk(st_->m);
            st_->cv.wait_for(lk, std::chrono::seconds(2), [&] { return run_returned_; });
        }
        io_.stop();
        if (thread_.joinable())
            thread_.join();
    }

    /// The bound port.
    unsigned short port() const { return port_; }
    /// "ws://127.0.0.1:PORT" + path.
    std::string url(std::string const& path = "/post/ws") const
    {
        return std::string(Layer::scheme()) + "://127.0.0.1:" + std::to_string(port_) + path;
    }

    // --- observations (thread-safe snapshots) --------------------------------

    /// Every message received so far, in arrival order (all connections).
    std::vector<received_message> messages() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return st_->messages;
    }
    /// The payloads only, in arrival order.
    std::vector<std::string> payloads() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        std::vector<std::string> v;
        v.reserve(st_->messages.size());
        for (auto const& m : st_->messages)
            v.push_back(m.payload);
        return v;
    }
    std::size_t message_count() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return st_->message_count;
    }
    /// Payload bytes received, all connections.
    std::size_t bytes_received() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return st_->bytes;
    }
    /// TCP connections accepted so far.
    std::size_t connection_count() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return st_->conns.size();
    }
    /// Connections the server still holds.
    std::size_t open_connections() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return static_cast<std::size_t>(std::count_if(st_->conns.begin(), st_->conns.end(),
                                                      [](connection_info const& c) { return c.open; }));
    }
    /// Every connection so far, in accept order.
    std::vector<connection_info> connections() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return st_->conns;
    }
    /// Connection `id` (1-based). Throws std::out_of_range.
    connection_info connection(std::size_t id) const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        if (id == 0 || id > st_->conns.size())
            throw std::out_of_range("ws_server: no connection " + std::to_string(id));
        return st_->conns[id - 1];
    }
    /// The upgrade request of the latest connection that sent one ({} if none).
    upgrade_request last_request() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        for (auto it = st_->conns.rbegin(); it != st_->conns.rend(); ++it)
            if (it->request_read)
                return it->request;
        return {};
    }

    // --- waiting (bounded) -----------------------------------------------------

    /// Waits until at least `n` messages arrived. false on timeout.
    bool wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const
    {
        std::unique_lock<std::mutex> lk(st_->m);
        auto it = st_->message_waiters.insert(n);
        bool const ok = st_->cv.wait_for(lk, timeout, [&] { return st_->message_count >= n; });
        st_->message_waiters.erase(it);
        return ok;
    }
    /// Waits until at least `n` TCP connections were accepted.
    bool wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return wait([&] { return st_->conns.size() >= n; }, timeout);
    }
    /// Waits until at least `n` connections completed the WebSocket handshake.
    bool wait_for_upgrades(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return wait(
            [&] {
                return static_cast<std::size_t>(
                           std::count_if(st_->conns.begin(), st_->conns.end(),
                                         [](connection_info const& c) { return c.upgraded; })) >= n;
            },
            timeout);
    }
    /// Waits until at least `n` connections have ended (client or server side).
    bool wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return wait(
            [&] {
                return static_cast<std::size_t>(
                           std::count_if(st_->conns.begin(), st_->conns.end(),
                                         [](connection_info const& c) { return !c.open; })) >= n;
            },
            timeout);
    }
    /// Waits until at least `n` pings arrived (all connections).
    bool wait_for_pings(std::size_t n, std::chrono::milliseconds timeout) const
    {
        return wait(
            [&] {
                std::size_t total = 0;
                for (auto const& c : st_->conns)
                    total += c.pings;
                return total >= n;
            },
            timeout);
    }

    // --- runtime actions (posted to the server thread) -----------------------

    /// Stop reading on every connection (after the read in progress).
    void pause_reading() { st_->paused = true; }
    /// Start reading again (also ends `start_paused`).
    void resume_reading()
    {
        st_->paused = false;
        each_session([](session_type& s) { s.resume(); });
    }
    /// Send a text / binary message / a ping to every open, upgraded connection.
    void send_text(std::string s)
    {
        each_session([s](session_type& x) { x.send(true, s); });
    }
    void send_binary(std::string s)
    {
        each_session([s](session_type& x) { x.send(false, s); });
    }
    void send_ping(std::string s = {})
    {
        each_session([s](session_type& x) { x.send_ping(s); });
    }
    /// Write raw bytes (see make_frame()) to every open, upgraded connection.
    void send_raw(std::string bytes)
    {
        each_session([bytes](session_type& x) { x.send_raw(bytes); });
    }
    /// Send a close frame with `code` on every open connection.
    void close_all(std::uint16_t code = 1000)
    {
        each_session([code](session_type& x) { x.close_all(code); });
    }
    /// Abort every open connection with a RST.
    void reset_all()
    {
        each_session([](session_type& x) { x.reset(); });
    }

    /// A description of an exception that escaped the server thread ("" if none).
    std::string thread_error() const
    {
        std::lock_guard<std::mutex> lk(st_->m);
        return thread_error_;
    }

private:
    template<class Pred>
    bool wait(Pred pred, std::chrono::milliseconds timeout) const
    {
        std::unique_lock<std::mutex> lk(st_->m);
        return st_->cv.wait_for(lk, timeout, pred);
    }

    template<class F>
    void each_session(F f)
    {
        boost::asio::post(io_, [this, f]() mutable {
            for (auto& s : sessions_)
                if (!s->finished())
                    f(*s);
        });
    }

    void do_accept()
    {
        acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket sock) {
            if (ec || st_->stopping)
                return; // closed by stop()
            boost::system::error_code ignored;
            sock.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
            std::size_t id;
            {
                std::lock_guard<std::mutex> lk(st_->m);
                connection_info c;
                c.id = st_->conns.size() + 1;
                id = c.id;
                st_->conns.push_back(std::move(c));
            }
            st_->cv.notify_all();
            auto s = std::make_shared<session_type>(st_, layer_, std::move(sock), id);
            sessions_.erase(
                std::remove_if(sessions_.begin(), sessions_.end(),
                               [](std::shared_ptr<session_type> const& x) { return x->finished(); }),
                sessions_.end());
            sessions_.push_back(s);
            s->start();
            do_accept();
        });
    }

    // Declaration order matters: the state outlives the io_context (sessions
    // destroyed with it hold a shared_ptr anyway), the thread is joined first.
    std::shared_ptr<ts_detail::shared_state> st_;
    Layer layer_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    // Owned here (a session whose reading is paused has no pending operation
    // to keep it alive); finished ones are pruned at each accept.
    std::vector<std::shared_ptr<session_type>> sessions_; // server thread only
    unsigned short port_ = 0;
    std::atomic<bool> stopped_{false};
    bool run_returned_ = false; // guarded by st_->m
    std::string thread_error_;  // guarded by st_->m
    std::thread thread_;
};

/// The plain ws:// test server.
using ws_server = basic_ws_server<plain_layer>;

#ifdef WSOUT_TEST_SERVER_COMPILED
// Compiled once, in test_server.cpp (the wsout_test_support library): the
// server's Beast code is a third of a test's compile time otherwise.
extern template class basic_ws_server<plain_layer>;
#endif

} // namespace wsout_test
