//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_IMPL_TLS_IPP
#define WSOUT_TRANSPORT_IMPL_TLS_IPP

#include <wsout/detail/socket_now.hpp>
#include <wsout/detail/tls_context.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace wsout {
inline namespace v1 {
namespace transport {
namespace detail {

/// The SSL ex_data slot that marks a connection whose engine wrote a
/// message of its own after the handshake (see tls::write_locked).
WSOUT_DECL int tls_engine_wrote_index() noexcept
{
    static int const index = ::SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

/// SSL_set_msg_callback: called for each protocol message the engine
/// reads or writes (application data is not a protocol message).
WSOUT_DECL void tls_on_engine_message(int write_p,
                                      int /*version*/,
                                      int content_type,
                                      void const* /*buf*/,
                                      std::size_t /*len*/,
                                      SSL* ssl,
                                      void* /*arg*/)
{
    bool const own_message = content_type == SSL3_RT_ALERT || content_type == SSL3_RT_HANDSHAKE ||
                             content_type == SSL3_RT_CHANGE_CIPHER_SPEC;
    if (write_p && own_message && ::SSL_is_init_finished(ssl))
        ::SSL_set_ex_data(ssl, tls_engine_wrote_index(), ssl);
}

// Sets SNI and the name or address the certificate must match on a fresh
// SSL object. Name checks are done by OpenSSL's verifier itself (not an Asio
// verify callback) so a mismatch is recorded as X509_V_ERR_HOSTNAME_MISMATCH
// and can be reported in words.
// It also installs the message callback above.
WSOUT_DECL error_code tls_prepare(SSL* ssl, std::string const& name, bool verify)
{
    auto fail = [] {
        unsigned long const e = ::ERR_get_error();
        ::ERR_clear_error();
        if (e == 0)
            return error_code(boost::asio::error::invalid_argument);
        return error_code(static_cast<int>(e), boost::asio::error::get_ssl_category());
    };
    ::SSL_set_msg_callback(ssl, &tls_on_engine_message);
    boost::system::error_code ec;
    auto const ip = boost::asio::ip::make_address(name, ec);
    bool const is_ip = !ec;
    // RFC 6066 3: literal IP addresses are not permitted in SNI.
    if (!is_ip && SSL_set_tlsext_host_name(ssl, name.c_str()) != 1)
        return fail();
    if (!verify)
        return {};
    if (is_ip)
    {
        if (::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(ssl), ip.to_string().c_str()) != 1)
            return fail();
    }
    else
    {
        ::SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (::SSL_set1_host(ssl, name.c_str()) != 1)
            return fail();
    }
    return {};
}

// A peer closing TCP without close_notify after our close_notify.
WSOUT_DECL bool tls_is_truncation(error_code const& ec) noexcept
{
    if (ec == boost::asio::ssl::error::stream_truncated || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe)
        return true;
    // Asio 1.74 predates OpenSSL 3, which reports this itself.
    return ec.category() == boost::asio::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

// The X.509 verification result in words, e.g. "certificate has expired;
// the server's certificate or one in its chain is past its expiry date".
WSOUT_DECL std::string tls_verify_reason(long vr, std::string const& subject)
{
    std::string s = ::X509_verify_cert_error_string(vr);
    switch (vr)
    {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        s += "; the server's certificate or one in its chain is past its expiry date";
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        s += "; the server's certificate is not valid yet (check the clocks)";
        break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        s += "; untrusted: the server's certificate is self-signed and not among the trusted CAs "
             "(trust it with tls.root_cas_file)";
        break;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        s += "; untrusted chain: no CA in tls.root_cas, tls.root_cas_file or the system store issued the "
             "server's certificate";
        break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
        s += "; the server's certificate is not valid for ";
        s += subject.empty() ? std::string("the host name") : "\"" + subject + "\"";
        s += " (tls.server_name overrides the name checked)";
        break;
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        s += "; the server's certificate has no IP address SAN for ";
        s += subject.empty() ? std::string("the address") : subject;
        break;
    default: break;
    }
    return s;
}

// What an SSL-category reason means for the user; empty when the OpenSSL
// text says it all.
WSOUT_DECL char const* tls_hint(int reason) noexcept
{
    switch (reason)
    {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
        return "the server requires a client certificate (set tls.client_certs)";
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
        return "the server aborted the handshake: it may require a client certificate, or share no cipher "
               "suite with us";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR: return "the server rejected our client certificate";
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_VERSION_TOO_HIGH:
    case SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY:
        return "no TLS protocol version in common with the server (see tls.min_version)";
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_HTTP_REQUEST: return "the server did not answer with TLS (a ws:// server on a wss:// url?)";
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
        return "the server closed the connection in the middle of TLS, without close_notify";
    case SSL_R_UNSAFE_LEGACY_RENEGOTIATION_DISABLED:
    case SSL_R_NO_RENEGOTIATION:
        return "the server asked to renegotiate TLS, which is refused (tls.enable_renegotiation)";
    default: return "";
    }
}

WSOUT_DECL int tls_reason(error_code const& ec) noexcept
{
    if (ec.category() != boost::asio::error::get_ssl_category())
        return 0;
    return ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
}

} // namespace detail

WSOUT_DECL tls::tls(config const& cfg)
    : ctx_(wsout::detail::make_tls_client_context(cfg.tls))
    , server_name_(cfg.tls.server_name)
    , skip_verify_(cfg.tls.skip_cert_verify)
{}

WSOUT_DECL tls::stream_type tls::make_stream(boost::asio::any_io_executor const& ex) const
{
    return stream_type(ex, *ctx_);
}

WSOUT_DECL void tls::abort(stream_type& stream) noexcept
{
    boost::beast::get_lowest_layer(stream).close();
}

WSOUT_DECL locked_write tls::write_locked(stream_type& stream,
                                          boost::asio::const_buffer bytes,
                                          send_credit& credit,
                                          error_code& ec) noexcept
{
    ec = {};
    SSL* const ssl = stream.native_handle();
    if (bytes.size() > max_locked_write || !::SSL_is_init_finished(ssl) ||
        (::SSL_get_options(ssl) & SSL_OP_NO_RENEGOTIATION) == 0 ||
        ::SSL_get_ex_data(ssl, detail::tls_engine_wrote_index()) != nullptr)
        return locked_write::declined;
    auto& socket = boost::beast::get_lowest_layer(stream).socket();
#if WSOUT_HAS_SOCKET_NOW
    // A record cut short would break the stream: only one the socket takes
    // whole goes this way; otherwise the asynchronous path waits for room.
    // (If the kernel still takes less, the result is `broken`, and the
    // message is sent again on a new connection, never lost.)
    if (!wsout::detail::socket_takes_whole(socket.native_handle(), bytes.size() + max_record_overhead,
                                           credit.bytes, credit.segment))
        return locked_write::declined;
#else
    (void)credit;
    return locked_write::declined; // no way to know the socket takes it whole
#endif
    // Sync operations on this socket are ours alone: fail rather than
    // block, so that a full socket can never stall the caller while it
    // holds the engine (asynchronous operations are not affected).
    if (!socket.non_blocking())
    {
        socket.non_blocking(true, ec);
        if (ec)
        {
            ec = {};
            return locked_write::declined;
        }
    }
    std::size_t const n = stream.write_some(bytes, ec);
    if (ec || n != bytes.size())
    {
        if (!ec)
            ec = boost::asio::error::would_block;
        return locked_write::broken;
    }
    return locked_write::sent;
}

WSOUT_DECL std::string tls::failure_detail(stream_type const& stream, error_code const& ec) const
{
    SSL* ssl = const_cast<stream_type&>(stream).native_handle();
    long const vr = ::SSL_get_verify_result(ssl);
    // A fresh SSL object reports X509_V_OK; with verification off the
    // result is recorded but did not fail anything.
    if (!skip_verify_ && vr != X509_V_OK &&
        (!ec || detail::tls_reason(ec) == SSL_R_CERTIFICATE_VERIFY_FAILED))
    {
        std::string subject;
        X509_VERIFY_PARAM* param = ::SSL_get0_param(ssl);
        if (vr == X509_V_ERR_HOSTNAME_MISMATCH)
        {
            if (char const* h = ::X509_VERIFY_PARAM_get0_host(param, 0))
                subject = h;
        }
        else if (vr == X509_V_ERR_IP_ADDRESS_MISMATCH)
        {
            if (char* ip = ::X509_VERIFY_PARAM_get1_ip_asc(param))
            {
                subject = ip;
                ::OPENSSL_free(ip);
            }
        }
        return detail::tls_verify_reason(vr, subject);
    }
    if (::SSL_get_ex_data(ssl, wsout::detail::tls_cert_requested_index()) != nullptr)
    {
        // The server asked for a client certificate and we sent none: the
        // likely cause of a handshake failure, an alert or a hang-up.
        if (!ec || detail::tls_is_truncation(ec) || ec.category() == boost::asio::error::get_ssl_category())
            return "the server requested a client certificate and none is configured (set tls.client_certs)";
    }
    if (ec == boost::asio::ssl::error::stream_truncated)
        return detail::tls_hint(SSL_R_UNEXPECTED_EOF_WHILE_READING);
    return detail::tls_hint(detail::tls_reason(ec));
}

WSOUT_DECL std::string describe_tls_error(error_code const& ec, long verify_result)
{
    if (!ec)
        return {};
    if (ec == boost::asio::ssl::error::stream_truncated)
        return detail::tls_hint(SSL_R_UNEXPECTED_EOF_WHILE_READING);
    if (ec.category() != boost::asio::error::get_ssl_category())
        return ec.message();
    int const reason = detail::tls_reason(ec);
    if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED && verify_result != X509_V_OK)
        return "certificate verify failed: " + detail::tls_verify_reason(verify_result, {});
    char const* r = ::ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    std::string text = r ? r : ec.message();
    if (char const* hint = detail::tls_hint(reason); *hint)
        return std::string(hint) + ": " + text;
    return "TLS error: " + text;
}

} // namespace transport
} // namespace v1
} // namespace wsout

#endif
