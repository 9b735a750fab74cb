//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_JWT_HPP
#define WSOUT_AUTH_JWT_HPP

#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

struct evp_pkey_st;

namespace wsout {
inline namespace v1 {
namespace auth {

/** The Auth policy that sends a signed JSON Web Token (RFC 7519) as
    `Authorization: Bearer <token>`.

    The token is a JWS compact serialization (RFC 7515):
    `base64url(header) "." base64url(claims) "." base64url(signature)`,
    base64url without padding, signed through OpenSSL's EVP interface.

    @par Config (`jwt`)
    @li `signing_method`: `RS256`, `RS384`, `RS512` (RSASSA-PKCS1-v1_5,
        RSA key of at least 2048 bits), `ES256` (ECDSA P-256; the signature
        is the JOSE `r || s` form, 64 octets, not DER), `EdDSA` (Ed25519 or
        Ed448), or `HS256` (HMAC-SHA256 with `secret`, at least 32 bytes as
        RFC 7518 section 3.2 requires).
    @li `private_key_file`: a PEM private key (PKCS#8 or traditional,
        unencrypted) for the asymmetric methods. It is read once, at
        construction.
    @li `claims`: the JWT claims set (an object), sent as given.
    @li `headers`: extra JOSE header fields (e.g. `kid`), merged into
        `{"alg": ..., "typ": "JWT"}`; `alg` itself cannot be set there.
    @li `expiry`: when non-zero, every handshake gets a freshly signed token
        with `iat` = now and `exp` = now + expiry (seconds); `claims` must
        then not set `iat` or `exp`. When zero, one token is signed at
        construction and sent on every handshake.

    @par Errors
    The constructor throws `wsout::config_error`, pointing at the field:
    `/jwt/enabled` (false), `/jwt/signing_method` (missing or unknown),
    `/jwt/private_key_file` (missing, unreadable, not a PEM private key,
    encrypted, or the wrong kind of key for the method: an EC key for RS256,
    a P-384 key for ES256, a 1024-bit RSA key...), `/jwt/secret` (missing or
    too short for HS256, or set for another method), `/jwt/claims`,
    `/jwt/headers/alg`, `/jwt/claims/iat`, `/jwt/claims/exp`, `/jwt/expiry`.
    A test signature is made at construction, so a key that cannot sign
    fails there, not at the first connect. Messages never contain the key
    or the secret.

    @par Thread Safety
    Distinct objects: safe. Shared objects: unsafe.
*/
class jwt
{
public:
    /// Returns the current time in seconds since 1970-01-01T00:00:00Z.
    using clock_type = std::function<std::int64_t()>;

    /// Builds the policy from `cfg.jwt` with the system clock.
    /// @throws config_error as described above.
    explicit jwt(config const& cfg);

    /// Builds the policy with an injected clock (empty: the system clock).
    jwt(config const& cfg, clock_type clock);

    /// Sets `Authorization: Bearer <token>` on `req`.
    void decorate(handshake_request& req, handshake_info const& info);

    /// The token to send now (freshly signed when `expiry` is set).
    std::string token();

    /// The JOSE `alg` value.
    std::string const& algorithm() const noexcept { return alg_; }

private:
    std::string make_token(std::int64_t now) const;
    std::string signature(std::string const& signing_input) const;
    std::int64_t now() const;

    std::string alg_;
    char const* digest_ = nullptr; // null for EdDSA
    std::size_t ec_size_ = 0;      // ES256: octets of r and of s
    std::shared_ptr<evp_pkey_st> key_;
    std::string secret_;
    std::string header_b64_;
    nlohmann::json claims_;
    std::int64_t expiry_seconds_ = 0;
    std::string cached_;
    clock_type clock_;
};

} // namespace auth
} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/auth/impl/jwt.ipp>
#else
#define WSOUT_DETAIL_HAVE_AUTH_JWT
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
