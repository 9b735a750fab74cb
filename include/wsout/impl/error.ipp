//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_ERROR_IPP
#define WSOUT_IMPL_ERROR_IPP

#include <cstring>
#include <string>

namespace wsout {
inline namespace v1 {
namespace detail {

WSOUT_DECL char const* http_reason(unsigned status) noexcept;

// Final, so its public non-virtual destructor is right (Boost.System's is
// protected); clang-tidy 14 flags final classes too (later versions do not).
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor)
class error_category_impl final : public boost::system::error_category
{
public:
    char const* name() const noexcept override { return "wsout"; }

    std::string message(int ev) const override
    {
        switch (static_cast<error>(ev))
        {
        case error::not_connected: return "the output is not connected";
        case error::already_connected: return "the output is already connected";
        case error::output_closed: return "the output is closed";
        case error::would_block: return "the in-flight queue is full";
        case error::bad_http_response: return "the server's handshake response is not valid HTTP";
        case error::bad_accept_key: return "the server's Sec-WebSocket-Accept does not match the key sent";
        case error::bad_upgrade_response:
            return "the server's 101 response lacks Upgrade: websocket or Connection: upgrade";
        case error::bad_subprotocol: return "the server selected a subprotocol that was not offered";
        case error::bad_extension: return "the server selected an extension that was not offered";
        case error::response_too_large: return "the server's handshake response headers are too large";
        case error::connect_timeout: return "connecting timed out";
        case error::handshake_timeout: return "the WebSocket handshake timed out";
        case error::write_timeout: return "a write timed out";
        case error::close_timeout: return "the close handshake timed out";
        case error::pong_timeout: return "no pong from the server within the pong timeout (dead connection)";
        case error::closed_by_server: return "the server closed the connection";
        case error::protocol_violation: return "the server violated the WebSocket protocol";
        case error::inbound_message_too_big:
            return "the server sent a message larger than max_inbound_message_bytes";
        case error::auth_failed: return "the auth policy could not sign the handshake";
        case error::retries_exhausted: return "gave up reconnecting after backoff.max_elapsed_time";
        case error::bad_proxy_response: return "the proxy's answer to CONNECT is not valid HTTP";
        }
        return "unknown wsout error";
    }

    boost::system::error_condition default_error_condition(int ev) const noexcept override
    {
        switch (static_cast<error>(ev))
        {
        case error::bad_http_response:
        case error::bad_accept_key:
        case error::bad_upgrade_response:
        case error::bad_subprotocol:
        case error::bad_extension:
        case error::response_too_large: return condition::handshake_rejected;
        case error::bad_proxy_response: return condition::proxy_refused;
        case error::connect_timeout:
        case error::handshake_timeout:
        case error::write_timeout:
        case error::close_timeout:
        case error::pong_timeout: return condition::timeout;
        default: return boost::system::error_condition(ev, *this);
        }
    }
};

// Final, so its public non-virtual destructor is right (Boost.System's is
// protected); clang-tidy 14 flags final classes too (later versions do not).
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor)
class http_status_category_impl final : public boost::system::error_category
{
public:
    char const* name() const noexcept override { return "wsout.http_status"; }

    std::string message(int ev) const override
    {
        std::string s = "the server refused the WebSocket handshake: HTTP ";
        s += std::to_string(ev);
        if (char const* r = http_reason(static_cast<unsigned>(ev)); *r)
        {
            s += ' ';
            s += r;
        }
        return s;
    }

    boost::system::error_condition default_error_condition(int) const noexcept override
    {
        return condition::handshake_rejected;
    }
};

// Final, so its public non-virtual destructor is right (Boost.System's is
// protected); clang-tidy 14 flags final classes too (later versions do not).
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor)
class proxy_status_category_impl final : public boost::system::error_category
{
public:
    char const* name() const noexcept override { return "wsout.proxy_status"; }

    std::string message(int ev) const override
    {
        std::string s = "the proxy refused CONNECT: HTTP ";
        s += std::to_string(ev);
        if (char const* r = http_reason(static_cast<unsigned>(ev)); *r)
        {
            s += ' ';
            s += r;
        }
        return s;
    }

    boost::system::error_condition default_error_condition(int) const noexcept override
    {
        return condition::proxy_refused;
    }
};

// Final, so its public non-virtual destructor is right (Boost.System's is
// protected); clang-tidy 14 flags final classes too (later versions do not).
// NOLINTNEXTLINE(cppcoreguidelines-virtual-class-destructor)
class condition_category_impl final : public boost::system::error_category
{
public:
    char const* name() const noexcept override { return "wsout.condition"; }

    std::string message(int ev) const override
    {
        switch (static_cast<condition>(ev))
        {
        case condition::handshake_rejected: return "the WebSocket handshake was rejected";
        case condition::proxy_refused: return "the proxy refused the tunnel";
        case condition::timeout: return "timed out";
        case condition::permanent: return "a failure that retrying will not fix";
        }
        return "unknown wsout condition";
    }

    bool equivalent(error_code const& ec, int cv) const noexcept override
    {
        if (static_cast<condition>(cv) != condition::permanent)
            return ec.default_error_condition() == boost::system::error_condition(cv, *this);
        if (ec.category() == wsout::http_status_category())
            return ec.value() >= 400 && ec.value() < 500 && ec.value() != 408 && ec.value() != 429;
        if (ec.category() == wsout::error_category())
        {
            switch (static_cast<error>(ec.value()))
            {
            case error::bad_http_response:
            case error::bad_accept_key:
            case error::bad_upgrade_response:
            case error::bad_subprotocol:
            case error::bad_extension:
            case error::response_too_large:
            case error::auth_failed:
            case error::output_closed:
            case error::retries_exhausted: return true;
            default: return false;
            }
        }
        if (ec.category() == wsout::proxy_status_category())
            return ec.value() == 401 || ec.value() == 403 || ec.value() == 407;
        // Certificate and TLS-parameter failures, not a peer that hung up
        // mid-handshake (OpenSSL 3's "unexpected eof", reason 294). The SSL
        // category is compared by name so this header does not pull in
        // OpenSSL; reasons are OpenSSL's SSL_R_* (value & 0x7FFFFF).
        if (std::strcmp(ec.category().name(), "asio.ssl") == 0)
        {
            int reason = ec.value() & 0x7FFFFF;
            return reason == 134 /* certificate verify failed */ ||
                   reason == 1116 /* alert: certificate required */ ||
                   (reason >= 1040 && reason <= 1049) /* handshake/certificate alerts */ ||
                   reason == 1070 /* alert: protocol version */ || reason == 258 /* unsupported protocol */;
        }
        return false;
    }
};

} // namespace detail

WSOUT_DECL boost::system::error_category const& error_category() noexcept
{
    static detail::error_category_impl const cat;
    return cat;
}

WSOUT_DECL boost::system::error_category const& http_status_category() noexcept
{
    static detail::http_status_category_impl const cat;
    return cat;
}

WSOUT_DECL boost::system::error_category const& proxy_status_category() noexcept
{
    static detail::proxy_status_category_impl const cat;
    return cat;
}

WSOUT_DECL boost::system::error_category const& condition_category() noexcept
{
    static detail::condition_category_impl const cat;
    return cat;
}

WSOUT_DECL error_code make_error_code(error e) noexcept
{
    return error_code(static_cast<int>(e), error_category());
}

WSOUT_DECL error_code make_http_status_error(unsigned status) noexcept
{
    return error_code(static_cast<int>(status), http_status_category());
}

WSOUT_DECL error_code make_proxy_status_error(unsigned status) noexcept
{
    return error_code(static_cast<int>(status), proxy_status_category());
}

WSOUT_DECL boost::system::error_condition make_error_condition(condition c) noexcept
{
    return boost::system::error_condition(static_cast<int>(c), condition_category());
}

namespace detail {

// The standard reason phrases; the server's own phrase is reported in the
// output's last_failure() text, this is what an error_code alone can say.
WSOUT_DECL char const* http_reason(unsigned status) noexcept
{
    switch (status)
    {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
