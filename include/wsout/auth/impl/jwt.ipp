//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_IMPL_JWT_IPP
#define WSOUT_AUTH_IMPL_JWT_IPP

#include <wsout/detail/base64.hpp>
#include <wsout/detail/crypto.hpp>

#include <boost/beast/http/field.hpp>

#include <openssl/core_names.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace wsout {
inline namespace v1 {
namespace auth {
namespace detail {

// Reads a key file, at most 1 MiB; throws config_error naming the pointer.
inline std::string read_key_file(std::string const& path, char const* pointer)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        int const e = errno;
        throw config_error(pointer,
                           "cannot open \"" + path + "\": " + (e ? std::strerror(e) : "unknown error"));
    }
    std::string data;
    char buf[4096];
    while (in.read(buf, sizeof(buf)) || in.gcount() > 0)
    {
        data.append(buf, static_cast<std::size_t>(in.gcount()));
        if (data.size() > (std::size_t(1) << 20))
            throw config_error(pointer, "\"" + path + "\" is larger than 1 MiB; it is not a PEM key");
    }
    if (in.bad())
        throw config_error(pointer, "cannot read \"" + path + "\"");
    return data;
}

inline std::string key_type_name(EVP_PKEY* key)
{
    if (char const* n = EVP_PKEY_get0_type_name(key))
        return n;
    return "unknown";
}

} // namespace detail

WSOUT_DECL
jwt::jwt(config const& cfg)
    : jwt(cfg, clock_type{})
{}

WSOUT_DECL
jwt::jwt(config const& cfg, clock_type clock)
    : clock_(std::move(clock))
{
    auto const& j = cfg.jwt;
    if (!j.enabled)
        throw config_error("/jwt/enabled", "the jwt auth policy was chosen but jwt.enabled is false");

    auto const& m = j.signing_method;
    bool hmac = false;
    if (m == "RS256" || m == "RS384" || m == "RS512")
        digest_ = m == "RS256" ? "SHA256" : m == "RS384" ? "SHA384" : "SHA512";
    else if (m == "ES256")
    {
        digest_ = "SHA256";
        ec_size_ = 32;
    }
    else if (m == "EdDSA")
        digest_ = nullptr;
    else if (m == "HS256")
    {
        digest_ = "SHA256";
        hmac = true;
    }
    else if (m.empty())
        throw config_error("/jwt/signing_method",
                           "required when jwt is enabled (RS256, RS384, RS512, ES256, EdDSA or HS256)");
    else
        throw config_error("/jwt/signing_method",
                           "expected RS256, RS384, RS512, ES256, EdDSA or HS256, got \"" + m + "\"");
    alg_ = m;

    if (hmac)
    {
        if (!j.private_key_file.empty())
            throw config_error("/jwt/private_key_file",
                               "not used with HS256 (which signs with jwt.secret); remove it");
        if (j.secret.empty())
            throw config_error("/jwt/secret", "required for HS256");
        if (j.secret.size() < 32)
            throw config_error("/jwt/secret", "too short for HS256: " + std::to_string(j.secret.size()) +
                                                  " bytes, RFC 7518 section 3.2 requires at least 32");
        secret_ = j.secret;
    }
    else
    {
        if (!j.secret.empty())
            throw config_error("/jwt/secret",
                               "only used with HS256; " + m + " signs with jwt.private_key_file");
        if (j.private_key_file.empty())
            throw config_error("/jwt/private_key_file", "required for " + m);
        std::string pem = detail::read_key_file(j.private_key_file, "/jwt/private_key_file");
        std::string error;
        key_ = wsout::detail::crypto::load_private_key_pem(pem, error);
        OPENSSL_cleanse(&pem[0], pem.size());
        if (!key_)
            throw config_error("/jwt/private_key_file", "\"" + j.private_key_file + "\": " + error);
        EVP_PKEY* k = key_.get();
        std::string const type = detail::key_type_name(k);
        if (m[0] == 'R')
        {
            if (!EVP_PKEY_is_a(k, "RSA"))
                throw config_error("/jwt/private_key_file",
                                   m + " needs an RSA private key, got a " + type + " key");
            if (EVP_PKEY_get_bits(k) < 2048)
                throw config_error(
                    "/jwt/private_key_file",
                    m + " needs an RSA key of at least 2048 bits (RFC 7518 section 3.3), got " +
                        std::to_string(EVP_PKEY_get_bits(k)));
        }
        else if (m == "ES256")
        {
            char group[64] = {};
            std::size_t len = 0;
            if (!EVP_PKEY_is_a(k, "EC"))
                throw config_error("/jwt/private_key_file",
                                   "ES256 needs an EC P-256 private key, got a " + type + " key");
            if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) !=
                    1 ||
                (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0))
                throw config_error("/jwt/private_key_file",
                                   std::string("ES256 needs an EC key on the P-256 curve, got curve ") +
                                       (group[0] ? group : "unknown"));
        }
        else // EdDSA
        {
            if (!EVP_PKEY_is_a(k, "ED25519") && !EVP_PKEY_is_a(k, "ED448"))
                throw config_error("/jwt/private_key_file",
                                   "EdDSA needs an Ed25519 or Ed448 private key, got a " + type + " key");
        }
    }

    if (!j.claims.is_object())
        throw config_error("/jwt/claims", std::string("expected an object, got ") + j.claims.type_name());
    if (!j.headers.is_object())
        throw config_error("/jwt/headers", std::string("expected an object, got ") + j.headers.type_name());
    if (j.headers.contains("alg"))
        throw config_error("/jwt/headers/alg", "set from jwt.signing_method; remove it from jwt.headers");
    if (j.expiry.count() < 0)
        throw config_error("/jwt/expiry", "must not be negative");
    if (j.expiry.count() > 0)
    {
        expiry_seconds_ = std::chrono::duration_cast<std::chrono::seconds>(j.expiry).count();
        if (expiry_seconds_ < 1)
            throw config_error("/jwt/expiry", "must be at least 1s (JWT times are in whole seconds)");
        for (char const* name : {"iat", "exp"})
            if (j.claims.contains(name))
                throw config_error(
                    std::string("/jwt/claims/") + name,
                    "set on each handshake by jwt.expiry; remove it from jwt.claims or unset the expiry");
    }

    nlohmann::json header = {{"alg", alg_}, {"typ", "JWT"}};
    for (auto it = j.headers.begin(); it != j.headers.end(); ++it)
        header[it.key()] = it.value();
    try
    {
        header_b64_ = wsout::detail::codec::base64url_encode(header.dump());
    }
    catch (nlohmann::json::exception const& e)
    {
        throw config_error("/jwt/headers", std::string("cannot be serialized: ") + e.what());
    }
    claims_ = j.claims;

    // Sign once now: a key that cannot sign fails here, not at connect time.
    std::string first;
    try
    {
        first = make_token(now());
    }
    catch (nlohmann::json::exception const& e)
    {
        throw config_error("/jwt/claims", std::string("cannot be serialized: ") + e.what());
    }
    catch (std::exception const& e)
    {
        throw config_error(hmac ? "/jwt/secret" : "/jwt/private_key_file",
                           std::string("the key cannot sign ") + alg_ + ": " + e.what());
    }
    if (expiry_seconds_ == 0)
        cached_ = std::move(first);
}

WSOUT_DECL
std::int64_t jwt::now() const
{
    if (clock_)
        return clock_();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

WSOUT_DECL
std::string jwt::signature(std::string const& input) const
{
    if (!key_)
        return wsout::detail::crypto::hmac(digest_, secret_, input);
    std::string sig = wsout::detail::crypto::sign(key_.get(), digest_, input);
    if (ec_size_ != 0)
    {
        auto raw = wsout::detail::crypto::ecdsa_der_to_jose(sig, ec_size_);
        if (!raw)
            throw std::runtime_error("OpenSSL returned a malformed ECDSA signature");
        return *raw;
    }
    return sig;
}

WSOUT_DECL
std::string jwt::make_token(std::int64_t t) const
{
    std::string claims;
    if (expiry_seconds_ > 0)
    {
        nlohmann::json c = claims_;
        c["iat"] = t;
        c["exp"] = t + expiry_seconds_;
        claims = c.dump();
    }
    else
        claims = claims_.dump();
    std::string input = header_b64_;
    input.push_back('.');
    input.append(wsout::detail::codec::base64url_encode(claims));
    std::string sig = signature(input);
    input.push_back('.');
    input.append(wsout::detail::codec::base64url_encode(sig));
    return input;
}

WSOUT_DECL
std::string jwt::token()
{
    if (expiry_seconds_ == 0)
        return cached_;
    return make_token(now());
}

WSOUT_DECL
void jwt::decorate(handshake_request& req, handshake_info const&)
{
    req.set(boost::beast::http::field::authorization, "Bearer " + token());
}

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
