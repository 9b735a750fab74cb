//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// A user-written Auth policy: `Authorization: Bearer <token>`, with the token
// taken from a file that another process rotates (a Vault agent, a Kubernetes
// projected service-account token, a cron job...) or from an environment
// variable.
//
// An Auth policy is any class with (see <wsout/auth/none.hpp>):
//   - a constructor from `wsout::config const&` (used when the output builds
//     the policy), throwing wsout::config_error for unusable settings;
//   - `void decorate(wsout::handshake_request&, wsout::handshake_info const&)`,
//     called on every handshake attempt, reconnects included, never
//     concurrently with itself. Throwing from it fails that connect attempt
//     with wsout::error::auth_failed and the message in last_failure().
// wsout::auth::check_auth_policy<T>() (<wsout/auth/concept.hpp>) checks a
// class against that list at compile time and says what is missing.

#ifndef WSOUT_EXAMPLES_ROTATING_BEARER_HPP
#define WSOUT_EXAMPLES_ROTATING_BEARER_HPP

#include <wsout/auth/concept.hpp>
#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

#include <boost/beast/http/field.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace example {

class rotating_bearer
{
public:
    /// Reads `WSOUT_BEARER_TOKEN_FILE` (a file re-read on every handshake)
    /// or, failing that, `WSOUT_BEARER_TOKEN` (a fixed token).
    explicit rotating_bearer(wsout::config const& cfg)
    {
        if (cfg.oauth.enabled || cfg.basic_auth.enabled || cfg.jwt.enabled)
            throw wsout::config_error(
                "", "the bearer-token policy replaces oauth, basic_auth and jwt; disable them");
        if (char const* file = std::getenv("WSOUT_BEARER_TOKEN_FILE"); file && *file)
            *this = from_file(file);
        else if (char const* token = std::getenv("WSOUT_BEARER_TOKEN"); token && *token)
            *this = from_token(token);
        else
            throw wsout::config_error(
                "", "set WSOUT_BEARER_TOKEN_FILE or WSOUT_BEARER_TOKEN for the bearer token");
    }

    /// A token re-read from `path` on each handshake; checked once now so
    /// that a missing file fails at construction.
    static rotating_bearer from_file(std::string path)
    {
        rotating_bearer b;
        b.file_ = std::move(path);
        b.token_ = read_token(b.file_);
        return b;
    }

    /// A fixed token.
    static rotating_bearer from_token(std::string token)
    {
        rotating_bearer b;
        b.token_ = std::move(token);
        check(b.token_, "the token");
        return b;
    }

    void decorate(wsout::handshake_request& req, wsout::handshake_info const&)
    {
        // Reading the file on each handshake picks up a rotated token at the
        // next reconnect. Errors leave the connect attempt failed (and the
        // output retries with its backoff), never a header with a stale or
        // empty token.
        if (!file_.empty())
            token_ = read_token(file_);
        req.set(boost::beast::http::field::authorization, "Bearer " + token_);
    }

private:
    rotating_bearer() = default;

    static void check(std::string const& token, std::string const& what)
    {
        if (token.empty())
            throw std::runtime_error(what + " is empty");
        for (char c : token)
            if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F)
                throw std::runtime_error(what + " contains a space or control character");
    }

    static std::string read_token(std::string const& path)
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw std::runtime_error("cannot read the bearer token file \"" + path + "\"");
        std::ostringstream ss;
        ss << in.rdbuf();
        std::string t = ss.str();
        // Token files usually end with a newline.
        while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ' || t.back() == '\t'))
            t.pop_back();
        check(t, "the bearer token file \"" + path + "\"");
        return t;
    }

    std::string file_;
    std::string token_;
};

// Fails to compile, with a message naming the missing member, if the class
// stops meeting the concept.
static_assert(wsout::auth::check_auth_policy<rotating_bearer>());

} // namespace example

#endif
