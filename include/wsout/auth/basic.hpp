//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_BASIC_HPP
#define WSOUT_AUTH_BASIC_HPP

#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

#include <string>

namespace wsout {
inline namespace v1 {
namespace auth {

/** The Auth policy for HTTP basic authentication (RFC 7617).

    Adds `Authorization: Basic base64(username ":" password)` to every
    upgrade request. The credentials are taken as UTF-8 octets, as RFC 7617
    section 2.1 recommends.

    @par Config
    `basic_auth.enabled` must be true; `basic_auth.username` and
    `basic_auth.password` are used as they are (an empty password is
    allowed).

    @par Errors
    The constructor throws `wsout::config_error`:
    @li `/basic_auth/enabled` when it is false (the policy was chosen but
        the config does not enable it);
    @li `/basic_auth/username` when it contains `:` (RFC 7617: the server
        could not tell where the password starts);
    @li `/basic_auth/username` or `/basic_auth/password` when it contains a
        control character (CR, LF, NUL, ... : RFC 7617 forbids them, and they
        are a header-injection risk in servers that decode the field).
    The messages never contain the credentials.

    @par Thread Safety
    `decorate` is const and may be called concurrently.
*/
class basic
{
public:
    /// Builds the header value from `cfg.basic_auth`.
    /// @throws config_error as described above.
    explicit basic(config const& cfg);

    /// Sets the `Authorization` field of `req`.
    void decorate(handshake_request& req, handshake_info const& info) const;

private:
    std::string authorization_;
};

} // namespace auth
} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/auth/impl/basic.ipp>
#else
#define WSOUT_DETAIL_HAVE_AUTH_BASIC
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
