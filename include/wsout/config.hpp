//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_CONFIG_HPP
#define WSOUT_CONFIG_HPP

#include <wsout/detail/config.hpp>
#include <wsout/version.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wsout {
inline namespace v1 {

/** A duration as written in a config: Benthos/Go style strings such as
    `"500ms"`, `"1s"`, `"1m30s"`, `"0s"`.

    Nanosecond resolution so every Go duration string round-trips.
*/
using duration = std::chrono::nanoseconds;

/** The error thrown for any bad configuration.

    `what()` reads `"<pointer>: <problem>"`, e.g.
    `"/basic_auth/enabled: expected bool, got string"`. The message never
    contains the value of a secret field.
*/
class config_error : public std::invalid_argument
{
public:
    /** Construct from the JSON pointer of the bad value and a description
        of what was wrong and what was expected.
    */
    WSOUT_DECL config_error(std::string pointer, std::string const& problem);

    /// The RFC 6901 JSON pointer of the offending value ("" for the root).
    std::string const& pointer() const noexcept { return pointer_; }

    /// The description without the pointer prefix.
    std::string const& problem() const noexcept { return problem_; }

private:
    std::string pointer_;
    std::string problem_;
};

/// `oauth`: OAuth 1.0a (RFC 5849) signing of the handshake request.
struct oauth_config
{
    bool enabled = false;            ///< sign the handshake (see `auth::oauth1`)
    std::string consumer_key;        ///< the client identifier; required when enabled
    std::string consumer_secret;     ///< secret
    std::string access_token;        ///< empty: two-legged OAuth (no `oauth_token`)
    std::string access_token_secret; ///< secret
    /// When set, the URL whose base string URI is signed instead of the one
    /// derived from `url` (a server behind a reverse proxy sees another URL).
    std::string request_url;
    /// `HMAC-SHA1` (default), `HMAC-SHA256` or `PLAINTEXT`.
    std::string signature_method = "HMAC-SHA1";
};

/// `basic_auth`: HTTP basic authentication (RFC 7617) on the handshake.
struct basic_auth_config
{
    bool enabled = false; ///< send `Authorization: Basic` (see `auth::basic`)
    std::string username; ///< the user-id, UTF-8; no `:`, no control characters
    std::string password; ///< secret; may be empty
};

/// `jwt`: a signed JSON Web Token sent as `Authorization: Bearer <token>`.
struct jwt_config
{
    bool enabled = false;         ///< send a signed JWT (see `auth::jwt`)
    std::string private_key_file; ///< PEM private key for the asymmetric methods; read once
    /// `RS256`, `RS384`, `RS512`, `ES256`, `EdDSA` or `HS256` (with `secret`).
    std::string signing_method;
    nlohmann::json claims = nlohmann::json::object();  ///< the claims set (an object), sent as given
    nlohmann::json headers = nlohmann::json::object(); ///< extra JOSE header fields (e.g. `kid`)
    std::string secret;                                ///< secret; the HMAC key for HS256
    /// When non-zero, `iat` and `exp` are set freshly on every handshake.
    duration expiry{0};
};

/// One entry of `tls.client_certs`: inline PEM or files.
struct client_cert_config
{
    std::string cert;      ///< inline PEM certificate chain (leaf first); or `cert_file`
    std::string key;       ///< secret; inline PEM private key; or `key_file`
    std::string cert_file; ///< path of a PEM certificate chain
    std::string key_file;  ///< path of a PEM private key
    std::string password;  ///< secret; decrypts an encrypted private key
};

/// `tls`: the Benthos TLS block, plus `server_name` and `min_version`.
struct tls_config
{
    bool enabled = false;              ///< Benthos' switch; a `wss://` url uses TLS either way
    bool skip_cert_verify = false;     ///< no certificate verification (logged as a warning)
    bool enable_renegotiation = false; ///< accept server renegotiation (TLS 1.2, RFC 5746 only)
    std::string root_cas;      ///< secret (Benthos marks it so); inline PEM, replaces the system store
    std::string root_cas_file; ///< PEM file of CAs, replaces the system store
    std::vector<client_cert_config> client_certs; ///< for mutual TLS
    /// Overrides the name used for SNI and certificate verification.
    std::string server_name;
    /// Minimum protocol version: `"1.2"` (default) or `"1.3"`.
    std::string min_version = "1.2";
};

/// `backoff`: reconnect backoff, Benthos' defaults.
struct backoff_config
{
    duration initial_interval = std::chrono::milliseconds(500); ///< the wait before the first retry; > 0
    duration max_interval = std::chrono::seconds(1);            ///< the longest wait between attempts
    /// 0 retries forever.
    duration max_elapsed_time{0};
    double multiplier = 1.5; ///< each wait is the previous one times this (>= 1), capped
    /// Randomisation factor in [0, 1]: each interval is scaled by a random
    /// factor in [1 - jitter, 1 + jitter].
    double jitter = 0.5;
    /// Retry failures classified as permanent (`condition::permanent`: HTTP
    /// 4xx except 408/429, certificate errors, handshake violations) like
    /// any other, instead of failing what waits at once.
    bool retry_permanent_errors = false;
};

/// `timeouts`: each step's limit; 0 disables that limit.
struct timeouts_config
{
    duration connect = std::chrono::seconds(10);   ///< resolve, TCP, proxy CONNECT and TLS together
    duration handshake = std::chrono::seconds(10); ///< the HTTP upgrade
    duration write = std::chrono::seconds(30);     ///< one write, until its bytes reach the kernel
    duration close = std::chrono::seconds(5);      ///< waiting for the server's close frame after ours
};

/// `keepalive`: pings on an idle connection and dead-peer detection.
struct keepalive_config
{
    /// A ping is sent after this long without outbound traffic; 0 disables.
    duration ping_interval = std::chrono::seconds(30);
    /// The connection is declared dead when nothing arrives this long after
    /// a ping.
    duration pong_timeout = std::chrono::seconds(10);
};

/// `tcp`: socket options of the connection to the server (or the proxy).
struct tcp_config
{
    /// TCP_NODELAY: each write leaves at once. Off lets the kernel's Nagle
    /// algorithm hold small segments while earlier data is unacknowledged.
    bool no_delay = true;
};

/// How strongly "sent" is confirmed (see the delivery contract).
enum class confirm_mode
{
    none, ///< sent = the last byte was handed to the kernel
    ping, ///< sent = a pong fenced after the message came back
    tcp   ///< sent = the peer's TCP acknowledged the bytes (Linux SIOCOUTQ)
};

/// `delivery`: the delivery guarantee.
struct delivery_config
{
    confirm_mode confirm = confirm_mode::none; ///< what "sent" means
    /// A confirmation fence is sent at least every this many messages.
    std::size_t confirm_every_messages = 1000;
    /// ... and at least this often while messages are unconfirmed.
    duration confirm_interval = std::chrono::milliseconds(100);
};

/// The WebSocket message type used for every message.
enum class message_kind
{
    binary, ///< opcode 0x2, any bytes
    text    ///< opcode 0x1; payloads must be valid UTF-8 (servers close the connection otherwise)
};

/** The configuration of a WebSocket output.

    Field names, JSON shape and defaults follow the Benthos `websocket`
    output; fields Benthos lacks follow its conventions. See
    `docs/config.md` for every field.
*/
struct config
{
    /// The server: `ws://` or `wss://`, no credentials, no fragment.
    std::string url = "ws://localhost:4195/post/ws";
    /// A Benthos component label, `^[a-z0-9_]+$` or empty.
    std::string label;

    oauth_config oauth;           ///< OAuth 1.0a; at most one auth is enabled
    basic_auth_config basic_auth; ///< HTTP basic auth
    jwt_config jwt;               ///< JWT bearer token
    tls_config tls;               ///< TLS settings for `wss://`

    /// `http://[user:pass@]host:port`; the userinfo is a secret.
    std::string proxy_url;
    /// Extra handshake headers.
    std::map<std::string, std::string> headers;
    /// Offered in `Sec-WebSocket-Protocol`, in order.
    std::vector<std::string> subprotocols;

    message_kind message_type = message_kind::binary; ///< every message's type
    /// Offer permessage-deflate (RFC 7692); see docs/config.md.
    bool compression = false;
    /// zlib level 1..9 of the compressor when permessage-deflate is agreed.
    std::size_t compression_level = 6;

    backoff_config backoff;     ///< reconnect backoff
    timeouts_config timeouts;   ///< per-step limits
    keepalive_config keepalive; ///< pings and dead-peer detection
    tcp_config tcp;             ///< socket options
    delivery_config delivery;   ///< what "sent" means

    /// Messages accepted but not yet reported; writes wait beyond it.
    std::size_t max_in_flight = 8192;
    /// Bytes of payload accepted but not yet reported.
    std::size_t max_in_flight_bytes = std::size_t(16) << 20;
    /// The coalescing limit: queued messages are framed into one socket
    /// write of up to this many bytes.
    std::size_t write_buffer_bytes = std::size_t(256) << 10;
    /// The largest message the server may send us.
    std::size_t max_inbound_message_bytes = std::size_t(16) << 20;
};

/// Field-by-field equality (secrets included).
WSOUT_DECL bool operator==(config const& a, config const& b);

/// `!(a == b)`.
inline bool operator!=(config const& a, config const& b)
{
    return !(a == b);
}

/// Looks up an environment variable: nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string const& name)>;

/// The process environment (`std::getenv`).
WSOUT_DECL env_lookup process_environment();

/** Parse a config from JSON.

    Accepts the bare websocket object, `{"websocket": {...}}` and a Benthos
    output section `{"output": {"label": ..., "websocket": {...}}}`.
    String values are interpolated first: `${VAR}`, `${VAR:default}`,
    `${{VAR}}` for a literal `${VAR}`.

    @throws config_error naming the JSON pointer of the first bad value.
*/
WSOUT_DECL config parse_config(nlohmann::json const& j, env_lookup const& env = process_environment());

/// Parse JSON text; a JSON syntax error is a `config_error` too.
WSOUT_DECL config parse_config(std::string_view json_text, env_lookup const& env = process_environment());

/// Read and parse a file; an unreadable file is a `config_error`.
WSOUT_DECL config load_config_file(std::string const& path, env_lookup const& env = process_environment());

/** Check the consistency of a config built in code (parsing does it too).

    @throws config_error naming the JSON pointer of the bad value.
*/
WSOUT_DECL void validate(config const& c);

/// Whether `to_json` writes secrets or `!!!SECRET_SCRUBBED!!!`.
enum class secrets
{
    scrub, ///< every non-empty secret reads `!!!SECRET_SCRUBBED!!!`
    reveal ///< secrets are written as they are (round-trips exactly)
};

/// The marker Benthos prints instead of a secret.
inline constexpr char const* scrubbed_secret = "!!!SECRET_SCRUBBED!!!";

/** The config as JSON, every field present.

    With `secrets::reveal`, `parse_config(to_json(c, secrets::reveal)) == c`.
    Durations are written in Go's format, sizes as integers, and a string
    that holds `${VAR}` literally is written as `${{VAR}}` so that reading
    the output back does not interpolate it. With `secrets::scrub` every
    non-empty secret (see `docs/config.md`) reads `!!!SECRET_SCRUBBED!!!`;
    for `proxy_url` only the password inside the url is replaced.

    @throws config_error (naming the value's JSON pointer, not its text) when
    a string holds literal text that interpolation reads as an escape, such
    as `${{VAR}}` (it would read back as `${VAR}`; Benthos' grammar has no
    escape for it). Only code or an environment variable's value can put
    such text into a config. With `secrets::scrub`, secrets are not checked.
*/
WSOUT_DECL nlohmann::json to_json(config const& c, secrets s);

/// ADL hook for nlohmann::json: always scrubs secrets.
WSOUT_DECL void to_json(nlohmann::json& j, config const& c);

/// Parse a duration string (`"1m30s"`, `"250ms"`, `"0"`); `where` is the
/// pointer used in the error.
WSOUT_DECL duration parse_duration(std::string_view text, std::string const& where = "");

/// Format a duration the way Go does (`"1m30s"`, `"500ms"`, `"0s"`).
WSOUT_DECL std::string format_duration(duration d);

/// `"binary"` or `"text"`, as in the config.
WSOUT_DECL char const* to_string(message_kind k) noexcept;

/// `"none"`, `"ping"` or `"tcp"`, as in the config.
WSOUT_DECL char const* to_string(confirm_mode m) noexcept;

} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/impl/config.ipp>
#endif

#endif
