//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_TLS_HPP
#define WSOUT_TRANSPORT_TLS_HPP

#include <wsout/config.hpp>
#include <wsout/detail/config.hpp>
#include <wsout/error.hpp>
#include <wsout/transport/tcp.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <string>

namespace wsout {
inline namespace v1 {
namespace transport {

/** The Transport policy for `wss://` urls: TLS over TCP, optionally through
    an HTTP proxy's `CONNECT` tunnel (see `async_connect_tcp`).

    It implements the Transport concept documented in
    `wsout/transport/plain.hpp`.

    Secure by default: the server's certificate chain is verified against
    the system trust store, its name (or IP address, for an IP literal url)
    is checked against the certificate, SNI is sent for host names, and TLS
    1.2 is the minimum version. The config's `tls` block changes that:

    @li `root_cas` (inline PEM) or `root_cas_file`: these CAs *replace* the
        system store (as in Benthos), they do not add to it.
    @li `skip_cert_verify`: no verification at all; a warning is logged
        through the output's log hook on every connect.
    @li `client_certs`: certificates (PEM, leaf first, then intermediates)
        and private keys, inline or in files, the key optionally encrypted
        with `password`, for mutual TLS. OpenSSL holds one certificate per
        key type (RSA, EC, Ed25519...); the server's accepted signature
        algorithms choose among them. Two entries of the same key type are
        a `config_error`.
    @li `enable_renegotiation`: accept the server's requests to renegotiate
        (TLS 1.2 only, RFC 5746 secure renegotiation only). Off by default,
        like Go's `tls.RenegotiateNever`.
    @li `server_name`: the name sent in SNI and checked against the
        certificate instead of the url's host.
    @li `min_version`: `"1.2"` or `"1.3"`.

    The url decides whether TLS is used, and the `tls` block applies to
    every `wss://` connection whether or not `tls.enabled` is set (Benthos
    ignores the block unless `enabled`; wsout never drops a setting
    silently).

    The TLS context is built once, at construction; every connection gets a
    fresh `SSL` object from it. Copies of the policy share the context.

    @par Failure reasons
    A failed handshake completes with an error in the SSL category
    (`boost::asio::error::get_ssl_category()`), whose own message is terse
    ("certificate verify failed"). Call `failure_detail` with the stream
    to learn why in words, e.g. "certificate verify failed: certificate has
    expired".

    @par Thread Safety
    Distinct objects: safe. Shared objects: the const members may be called
    concurrently; the output calls the others on its strand. Copies share
    the TLS context, which must not be changed through `context()` while
    connections are being made.
*/
class tls
{
public:
    /// Serves `wss://` urls only.
    static constexpr char const* scheme = "wss";

    /** False: `asio::ssl::stream` makes one TLS record per buffer of a
        sequence, so the output hands it one contiguous buffer per write.
    */
    static constexpr bool gather_writes = false;

    /// `beast::ssl_stream` (movable; coalesces buffer sequences itself).
    using stream_type = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    /** Build the TLS context from `cfg.tls`.

        @throws config_error naming the JSON pointer of the bad setting,
        e.g. `/tls/root_cas_file: cannot read "/x.pem": No such file or
        directory`, `/tls/client_certs/0/password: cannot decrypt the
        private key (wrong password)`. The message never contains key
        material or passwords.
    */
    WSOUT_DECL explicit tls(config const& cfg);

    /// A new, unconnected stream that shares this policy's TLS context.
    WSOUT_DECL stream_type make_stream(boost::asio::any_io_executor const& ex) const;

    /** Connect TCP (through the proxy, if any), then do the TLS handshake.

        Sets `*step` to `resolve`, `tcp_connect`, `proxy_connect`,
        `tls_handshake` in turn. Handler signature: `void(error_code)`.
        The objects `req` refers to must stay valid until completion.
    */
    template<class Handler>
    void
    async_connect(stream_type& stream, connect_request const& req, connect_step* step, Handler&& handler);

    /** Send TLS close_notify and wait for the server's.

        A server that drops TCP instead of answering with its own
        close_notify (`stream_truncated`, end of file) is not an error: the
        WebSocket close handshake already completed. The output bounds the
        wait by calling `abort`. Handler signature: `void(error_code)`.
    */
    template<class Handler>
    void async_shutdown(stream_type& stream, Handler&& handler);

    /// Close the TCP socket at once; pending operations complete.
    WSOUT_DECL void abort(stream_type& stream) noexcept;

    /** The fast path of blocking writes: encrypt `bytes` as one TLS record
        and hand it to the socket at once, as a Beast sync write would.

        The caller holds the output's engine lock: no other operation of
        the stream runs meanwhile (see the Transport concept in
        `wsout/transport/plain.hpp`). It declines, touching nothing, when
        the record could not surely leave at once or the engine may have
        output of its own in flight:
        @li more than 16 KiB (one TLS record's worth of plaintext);
        @li the handshake is not complete, or renegotiation is allowed
            (`tls.enable_renegotiation`), which could make a write read;
        @li since the handshake the engine wrote a message of its own (an
            alert, a TLS 1.3 KeyUpdate): the asynchronous read that wrote it
            may still be sending it, so this connection keeps to the
            asynchronous path from then on;
        @li the socket might not take the record and its TLS overhead
            whole: a record cut short would break the connection. It looks
            at the socket when `credit` does not cover the record (see
            `send_credit`): a record that fits one TCP segment (64 KiB on
            loopback, about 1.4 KB on most networks) goes when `poll` says
            the socket is writable; on Linux, so does one that fits the
            room this proves (a third of the send buffer), and the rest of
            that room becomes the credit of later writes, which then cost
            one system call each.

        @return `sent`, `declined` or `broken` (the socket took only part
        of the record, or failed; `ec` says why).
    */
    WSOUT_DECL locked_write write_locked(stream_type& stream,
                                         boost::asio::const_buffer bytes,
                                         send_credit& credit,
                                         error_code& ec) noexcept;

    /// The largest `write_locked` (one TLS record's worth of plaintext).
    static constexpr std::size_t max_locked_write = 16384;

    /// Room kept for a record's header, tag and padding, and for the TCP
    /// options that shrink a segment below `TCP_MAXSEG` (SACK blocks).
    static constexpr std::size_t max_record_overhead = 128;

    /** Why a connect (or the first read after it) failed, in words, to
        complement the error code's own terse message.

        With a certificate verification failure (recorded in the stream,
        so `ec` may be omitted) it explains the X.509 result, e.g.
        `"certificate has expired; the server's certificate or one in its
        chain is past its expiry date"`, `"Hostname mismatch; the server's
        certificate is not valid for \"localhost\" (...)"`,
        `"self-signed certificate; untrusted: ..."`. Given the SSL-category
        `ec` it explains alerts and the like: `"the server requires a client
        certificate (set tls.client_certs)"`, `"no TLS protocol version in
        common with the server (see tls.min_version)"`. Otherwise empty.

        The output calls it when a connect or handshake fails.
    */
    WSOUT_DECL std::string failure_detail(stream_type const& stream, error_code const& ec = {}) const;

    /** The shared TLS context, for settings wsout does not expose.

        wsout installs its own message callback (`SSL_set_msg_callback`) on
        every connection: it tells `write_locked` when the engine wrote a
        message of its own. A callback set on the context is replaced.
    */
    boost::asio::ssl::context& context() const noexcept { return *ctx_; }

private:
    std::shared_ptr<boost::asio::ssl::context> ctx_;
    std::string server_name_;
    bool skip_verify_ = false;
};

/** A TLS-layer error code in words, as one sentence (e.g.
    `"certificate verify failed: certificate has expired; ..."`).

    Tells apart an untrusted chain, a host-name mismatch, an expired
    certificate (with `verify_result`, the value of
    `SSL_get_verify_result`), a server requiring a client certificate, a
    protocol-version mismatch and a server that does not speak TLS. Other
    codes give `ec.message()`.
*/
WSOUT_DECL std::string describe_tls_error(error_code const& ec, long verify_result = 0);

} // namespace transport
} // namespace v1
} // namespace wsout

#include <wsout/transport/impl/tls.hpp>
#if WSOUT_HEADER_ONLY
#include <wsout/transport/impl/tls.ipp>
#else
#define WSOUT_DETAIL_HAVE_TRANSPORT_TLS
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
