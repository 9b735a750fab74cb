//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_NONE_HPP
#define WSOUT_AUTH_NONE_HPP

#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

namespace wsout {
inline namespace v1 {
namespace auth {

/** The Auth policy that adds nothing to the handshake.

    @par The Auth policy concept
    An Auth policy is a class `A` with:
    @li `A(wsout::config const&)`: builds the policy from the config and
        throws `wsout::config_error` for unusable settings, so a bad key fails
        at construction rather than at the first connect. (A policy that needs
        more, e.g. an injectable clock, adds constructors of its own and is
        passed to the output already built.)
    @li `void decorate(wsout::handshake_request& req, wsout::handshake_info const& info)`:
        adds credentials to the upgrade request. It is called on every
        handshake attempt, reconnects included, on the output's strand (never
        concurrently with itself). It may throw; the connect attempt then
        fails with `wsout::error::auth_failed` and the exception's message is
        reported through `last_failure()` (so keep secrets out of it).
*/
struct none
{
    none() = default;
    explicit none(config const&) {}

    void decorate(handshake_request&, handshake_info const&) const noexcept {}
};

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
