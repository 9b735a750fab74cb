//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_CRYPTO_HPP
#define WSOUT_DETAIL_CRYPTO_HPP

// The few OpenSSL 3 EVP operations the auth policies need: HMAC, digests,
// CSPRNG bytes, PEM private keys and signatures. Errors are reported as
// std::runtime_error with OpenSSL's reason string, which never contains key
// material.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsout {
inline namespace v1 {
namespace detail {
namespace crypto {

// The reason of the most recent OpenSSL error, or `fallback`; clears the
// thread's error queue.
inline std::string openssl_error(char const* fallback)
{
    unsigned long last = 0;
    while (unsigned long e = ERR_get_error())
        last = e;
    if (last != 0)
    {
        if (char const* r = ERR_reason_error_string(last))
            return r;
    }
    return fallback;
}

// HMAC (RFC 2104) with the named digest ("SHA1", "SHA256", ...); returns
// the raw MAC.
inline std::string hmac(char const* digest, std::string_view key, std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    static unsigned char const empty = 0;
    ERR_clear_error();
    unsigned char* r =
        EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr,
                  key.empty() ? &empty : reinterpret_cast<unsigned char const*>(key.data()), key.size(),
                  reinterpret_cast<unsigned char const*>(data.data()), data.size(), out, sizeof(out), &len);
    if (r == nullptr)
        throw std::runtime_error("HMAC-" + std::string(digest) +
                                 " failed: " + openssl_error("unknown error"));
    std::string mac(reinterpret_cast<char const*>(out), len);
    OPENSSL_cleanse(out, sizeof(out));
    return mac;
}

// A message digest ("SHA1", "SHA256", ...); returns the raw hash.
inline std::string digest(char const* name, std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ERR_clear_error();
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    if (md == nullptr)
        throw std::runtime_error(std::string("digest ") + name +
                                 " unavailable: " + openssl_error("unknown error"));
    int ok = EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
    EVP_MD_free(md);
    if (ok != 1)
        throw std::runtime_error(std::string("digest ") + name +
                                 " failed: " + openssl_error("unknown error"));
    return std::string(reinterpret_cast<char const*>(out), len);
}

// Fills with bytes from OpenSSL's CSPRNG; throws when it cannot (an
// unseeded generator is an error, never a silent fallback).
inline void random_bytes(void* p, std::size_t n)
{
    auto* out = static_cast<unsigned char*>(p);
    while (n > 0)
    {
        int chunk = n > 1024 ? 1024 : static_cast<int>(n);
        ERR_clear_error();
        if (RAND_bytes(out, chunk) != 1)
            throw std::runtime_error("OpenSSL RAND_bytes failed: " + openssl_error("no entropy"));
        out += chunk;
        n -= static_cast<std::size_t>(chunk);
    }
}

// `n` characters drawn uniformly from [A-Za-z0-9] (log2(62) = 5.95 bits
// each) by rejection sampling of CSPRNG bytes.
inline std::string random_alnum(std::size_t n)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    out.reserve(n);
    unsigned char buf[64];
    while (out.size() < n)
    {
        random_bytes(buf, sizeof(buf));
        for (unsigned char b : buf)
        {
            if (b >= 248) // 248 = 4 * 62: keeps the draw uniform
                continue;
            out.push_back(alphabet[b % 62]);
            if (out.size() == n)
                break;
        }
    }
    OPENSSL_cleanse(buf, sizeof(buf));
    return out;
}

struct evp_pkey_deleter
{
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

using pkey_ptr = std::shared_ptr<EVP_PKEY>;

// Reads a PEM private key (PKCS#8, traditional RSA/EC) from memory.
// Returns null and sets `error` (no key material in it) on failure.
// Encrypted keys are refused instead of prompting on the terminal.
inline pkey_ptr load_private_key_pem(std::string_view pem, std::string& error)
{
    ERR_clear_error();
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                  &BIO_free);
    if (!bio)
    {
        error = "out of memory";
        return nullptr;
    }
    bool wanted_password = false;
    auto no_password = [](char*, int, int, void* u) -> int {
        *static_cast<bool*>(u) = true;
        return -1;
    };
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, &wanted_password);
    if (key == nullptr)
    {
        std::string reason = openssl_error("no private key found");
        if (wanted_password)
            error = "the private key is encrypted; give an unencrypted PEM key";
        else
            error = "not a PEM private key (" + reason + ")";
        return nullptr;
    }
    return pkey_ptr(key, evp_pkey_deleter{});
}

// Signs `data` with `key`; `md` is the digest name ("SHA256", ...) or null
// for algorithms without a separate digest (Ed25519, Ed448). Returns the
// signature as OpenSSL produces it (DER for ECDSA).
inline std::string sign(EVP_PKEY* key, char const* md, std::string_view data)
{
    ERR_clear_error();
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx)
        throw std::runtime_error("out of memory");
    if (EVP_DigestSignInit_ex(ctx.get(), nullptr, md, nullptr, nullptr, key, nullptr) != 1)
        throw std::runtime_error("signing setup failed: " + openssl_error("unknown error"));
    std::size_t len = 0;
    auto const* in = reinterpret_cast<unsigned char const*>(data.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
        throw std::runtime_error("signing failed: " + openssl_error("unknown error"));
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&sig[0]), &len, in, data.size()) != 1)
        throw std::runtime_error("signing failed: " + openssl_error("unknown error"));
    sig.resize(len);
    return sig;
}

// Converts a DER ECDSA-Sig-Value into the JOSE form (RFC 7518 section
// 3.4): r and s as big-endian integers of `n` octets each, concatenated.
inline std::optional<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t n)
{
    auto const* p = reinterpret_cast<unsigned char const*>(der.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
        d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
    if (!sig)
        return std::nullopt;
    BIGNUM const* r = nullptr;
    BIGNUM const* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(2 * n, '\0');
    auto* o = reinterpret_cast<unsigned char*>(&out[0]);
    if (BN_bn2binpad(r, o, static_cast<int>(n)) < 0 || BN_bn2binpad(s, o + n, static_cast<int>(n)) < 0)
        return std::nullopt;
    return out;
}

// Constant-time comparison (for tests and verifiers).
inline bool equal_constant_time(std::string_view a, std::string_view b) noexcept
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace crypto
} // namespace detail
} // namespace v1
} // namespace wsout

#endif
