//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_OAUTH1_HPP
#define WSOUT_AUTH_OAUTH1_HPP

#include <wsout/config.hpp>
#include <wsout/handshake.hpp>
#include <wsout/url.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace auth {

/** The building blocks of an RFC 5849 (OAuth 1.0a) signature.

    `wsout::auth::oauth1` uses them for the handshake (always `GET`); they
    are public so that a signature can be reproduced and checked step by
    step, e.g. against the examples of the RFC.
*/
namespace rfc5849 {

/// Decoded name/value pairs, in order; names may repeat.
using parameters = std::vector<std::pair<std::string, std::string>>;

/// The signature methods of RFC 5849 section 3.4 that wsout implements,
/// plus `HMAC-SHA256` (a common extension, oauthlib supports it).
enum class signature_method
{
    hmac_sha1,   ///< `HMAC-SHA1` (section 3.4.2), the default
    hmac_sha256, ///< `HMAC-SHA256`
    plaintext    ///< `PLAINTEXT` (section 3.4.4): the key itself; TLS only
};

/// `"HMAC-SHA1"`, `"HMAC-SHA256"` or `"PLAINTEXT"`.
WSOUT_DECL char const* to_string(signature_method m) noexcept;

/// The method named by `name` (case-sensitive, as on the wire), or nullopt.
WSOUT_DECL std::optional<signature_method> parse_signature_method(std::string_view name) noexcept;

/// Section 3.6: percent-encodes every octet outside the RFC 3986
/// unreserved set (`A-Z a-z 0-9 - . _ ~`) with upper-case hex.
WSOUT_DECL std::string encode(std::string_view s);

/** Section 3.4.1.3.1: the decoded parameters of a query string (or a
    form-encoded body), as `application/x-www-form-urlencoded`: `&`
    separates pairs, `+` is a space, a name without `=` has an empty value.

    @param raw The query without its leading `?`, as sent on the wire.
*/
WSOUT_DECL parameters parse_query(std::string_view raw);

/** Section 3.4.1.2: the base string URI of a request to `u`.

    `ws` is signed as `http` and `wss` as `https` (the upgrade request is an
    HTTP request to that resource); scheme and host are lower-case, IPv6
    literals in brackets, the port appears only when it is not the
    default (80 for http, 443 for https), the path is sent as written
    (`/` when empty); query and fragment are left out.
*/
WSOUT_DECL std::string base_string_uri(url const& u);

/// Section 3.4.1.3.2: encodes each name and value, sorts by name then
/// value (byte order), joins as `n=v` pairs with `&`.
WSOUT_DECL std::string normalize_parameters(parameters params);

/** Section 3.4.1.1: `METHOD&enc(base string URI)&enc(normalized)`.

    @param method The HTTP method; upper-cased (and encoded) here.
*/
WSOUT_DECL std::string signature_base_string(std::string_view method,
                                             std::string_view base_uri,
                                             std::string_view normalized_parameters);

/** Section 3.4.2-3.4.4: the value of `oauth_signature` (not yet
    percent-encoded).

    HMAC methods: base64 of HMAC(`enc(consumer_secret)&enc(token_secret)`,
    base string). `PLAINTEXT`: the key itself.

    @throws std::runtime_error when OpenSSL fails.
*/
WSOUT_DECL std::string sign(signature_method m,
                            std::string_view base_string,
                            std::string_view consumer_secret,
                            std::string_view token_secret);

/** Section 3.5.1: an `Authorization` field value:
    `OAuth name="enc(value)", ...` in the order given.
*/
WSOUT_DECL std::string authorization_header(parameters const& oauth_params);

} // namespace rfc5849

/** The Auth policy for OAuth 1.0a (RFC 5849): signs every upgrade request
    with the client (consumer) and token credentials.

    On each handshake attempt, reconnects included, `decorate` draws a fresh
    nonce and timestamp, computes the signature of the request and sets
    @code
    Authorization: OAuth oauth_consumer_key="...", oauth_nonce="...", oauth_signature="...",
        oauth_signature_method="HMAC-SHA1", oauth_timestamp="...", oauth_token="...", oauth_version="1.0"
    @endcode
    with percent-encoded values. The signature covers:
    @li the method `GET`;
    @li the base string URI of the handshake: `http://` for `ws://` and
        `https://` for `wss://`, lower-case host, the port only when not the
        default, the path as sent (see `rfc5849::base_string_uri`);
    @li the query parameters of the url merged with the `oauth_*` protocol
        parameters, each percent-encoded per RFC 3986 and sorted.
    This is what a verifier such as oauthlib computes from the request the
    server received.

    @par Config (`oauth`)
    @li `consumer_key`, `consumer_secret`: required.
    @li `access_token`, `access_token_secret`: the token credentials; when
        `access_token` is empty, `oauth_token` is left out (two-legged
        OAuth) and the token secret is empty.
    @li `signature_method`: `HMAC-SHA1` (default), `HMAC-SHA256` or
        `PLAINTEXT`. `PLAINTEXT` sends the secrets themselves and RFC 5849
        section 3.4.4 allows it only over TLS: it needs a `wss://` url.
    @li `request_url`: when set, the URL the server believes it is serving
        (for example `https://api.example.com/feed?x=1` when a reverse proxy
        forwards it to the `url` wsout connects to). Its base string URI and
        its query parameters are signed instead of those of `url`. It may be
        `http`, `https`, `ws` or `wss` (`ws`/`wss` are signed as
        `http`/`https`).

    @par Nonce and timestamp
    The nonce is 24 characters from `[A-Za-z0-9]` drawn from OpenSSL's
    CSPRNG (`RAND_bytes`), 142 bits of entropy; the character set and length
    pass oauthlib's default nonce checks (20 to 30 alphanumerics). The
    timestamp is the clock's time in seconds since the epoch. Both can be
    injected for tests with the second constructor.

    @par Errors
    The constructor throws `wsout::config_error` with the pointer of the
    bad field: `/oauth/enabled` (false), `/oauth/consumer_key`,
    `/oauth/consumer_secret` (empty), `/oauth/access_token_secret` (set
    without `access_token`), `/oauth/signature_method` (unknown, or
    `PLAINTEXT` without TLS), `/oauth/request_url` (not a valid absolute
    url). Messages never contain the secrets.

    @par Thread Safety
    Distinct objects: safe. Shared objects: unsafe (the output calls
    `decorate` on its strand).
*/
class oauth1
{
public:
    /// Returns the current time in seconds since 1970-01-01T00:00:00Z.
    using clock_type = std::function<std::int64_t()>;
    /// Returns a fresh nonce (already unique; it is percent-encoded on use).
    using nonce_source = std::function<std::string()>;

    /// Builds the policy from `cfg.oauth`, with the system clock and the
    /// CSPRNG nonce. @throws config_error as described above.
    explicit oauth1(config const& cfg);

    /** Builds the policy with an injected clock and nonce source (tests,
        or a clock corrected for skew with the server).

        @param cfg The config.
        @param clock Seconds since the epoch; empty for the system clock.
        @param nonce Nonces; empty for the CSPRNG nonce.
    */
    oauth1(config const& cfg, clock_type clock, nonce_source nonce = {});

    /// Signs `req` for `info.server` (or `oauth.request_url`) and sets its
    /// `Authorization` field. @throws std::runtime_error if OpenSSL fails.
    void decorate(handshake_request& req, handshake_info const& info);

    /** The `Authorization` value for a request with `method` to `server`
        (or to `oauth.request_url` when set), with a fresh nonce and
        timestamp.
    */
    std::string authorization(url const& server, std::string_view method = "GET");

    /// The signature method in use.
    rfc5849::signature_method method() const noexcept { return method_; }

    /// A fresh CSPRNG nonce as described above.
    static std::string make_nonce();

private:
    std::string consumer_key_;
    std::string consumer_secret_;
    std::string token_;
    std::string token_secret_;
    rfc5849::signature_method method_ = rfc5849::signature_method::hmac_sha1;
    std::optional<url> request_url_;
    clock_type clock_;
    nonce_source nonce_;
};

} // namespace auth
} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/auth/impl/oauth1.ipp>
#else
#define WSOUT_DETAIL_HAVE_AUTH_OAUTH1
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
