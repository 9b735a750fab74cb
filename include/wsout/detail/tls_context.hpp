//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_TLS_CONTEXT_HPP
#define WSOUT_DETAIL_TLS_CONTEXT_HPP

// Builds the client SSL_CTX from the config's `tls` block with the OpenSSL
// API directly, so every failure can be reported with its JSON pointer and
// without echoing PEM contents or passwords.

#include <wsout/config.hpp>
#include <wsout/detail/config.hpp>

#include <boost/asio/ssl/context.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace wsout {
inline namespace v1 {
namespace detail {

struct tls_bio_free
{
    void operator()(BIO* p) const noexcept { ::BIO_free(p); }
};
struct tls_x509_free
{
    void operator()(X509* p) const noexcept { ::X509_free(p); }
};
struct tls_pkey_free
{
    void operator()(EVP_PKEY* p) const noexcept { ::EVP_PKEY_free(p); }
};
using tls_bio_ptr = std::unique_ptr<BIO, tls_bio_free>;
using tls_x509_ptr = std::unique_ptr<X509, tls_x509_free>;
using tls_pkey_ptr = std::unique_ptr<EVP_PKEY, tls_pkey_free>;

// The reason of the last OpenSSL error (never data), and a clean queue.
WSOUT_DECL std::string tls_last_error_reason()
{
    unsigned long const e = ::ERR_peek_last_error();
    ::ERR_clear_error();
    if (e == 0)
        return "unknown OpenSSL error";
    char const* r = ::ERR_reason_error_string(e);
    return r ? r : "unknown OpenSSL error";
}

WSOUT_DECL std::string tls_read_file(std::string const& path, std::string const& pointer)
{
    std::ifstream f(path, std::ios::binary);
    if (!f)
    {
        int const e = errno;
        throw config_error(pointer,
                           "cannot read \"" + path + "\": " + (e ? std::strerror(e) : "open failed"));
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad())
        throw config_error(pointer, "cannot read \"" + path + "\": read error");
    return ss.str();
}

WSOUT_DECL tls_bio_ptr tls_mem_bio(std::string const& data)
{
    tls_bio_ptr bio(::BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio)
        throw std::bad_alloc();
    return bio;
}

// Every certificate of a PEM text, in order.
WSOUT_DECL std::vector<tls_x509_ptr> tls_parse_certs(std::string const& pem, std::string const& pointer)
{
    ::ERR_clear_error();
    auto bio = tls_mem_bio(pem);
    std::vector<tls_x509_ptr> certs;
    for (;;)
    {
        tls_x509_ptr x(::PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!x)
            break;
        certs.push_back(std::move(x));
    }
    unsigned long const e = ::ERR_peek_last_error();
    bool const clean_end =
        e == 0 || (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE);
    if (!clean_end)
        throw config_error(pointer, "cannot parse PEM certificate #" + std::to_string(certs.size() + 1) +
                                        ": " + tls_last_error_reason());
    ::ERR_clear_error();
    if (certs.empty())
        throw config_error(pointer, "no PEM certificate found (expected \"-----BEGIN CERTIFICATE-----\")");
    return certs;
}

struct tls_password_state
{
    std::string const* password;
    bool asked = false;
};

inline int tls_password_cb(char* buf, int size, int, void* u)
{
    auto* st = static_cast<tls_password_state*>(u);
    st->asked = true;
    if (st->password->empty() || size <= 0)
        return -1;
    int const n =
        static_cast<int>(std::min<std::size_t>(st->password->size(), static_cast<std::size_t>(size)));
    std::memcpy(buf, st->password->data(), static_cast<std::size_t>(n));
    return n;
}

WSOUT_DECL tls_pkey_ptr tls_parse_key(std::string const& pem,
                                      std::string const& password,
                                      std::string const& key_pointer,
                                      std::string const& password_pointer)
{
    ::ERR_clear_error();
    auto bio = tls_mem_bio(pem);
    tls_password_state st{&password};
    tls_pkey_ptr key(::PEM_read_bio_PrivateKey(bio.get(), nullptr, tls_password_cb, &st));
    if (key)
    {
        ::ERR_clear_error();
        return key;
    }
    if (st.asked && password.empty())
    {
        ::ERR_clear_error();
        throw config_error(password_pointer, "the private key is encrypted: set password");
    }
    if (st.asked)
    {
        ::ERR_clear_error();
        throw config_error(password_pointer, "cannot decrypt the private key (wrong password)");
    }
    std::string const reason = tls_last_error_reason();
    throw config_error(key_pointer,
                       "no usable PEM private key found (expected \"-----BEGIN PRIVATE KEY-----\" or a "
                       "traditional RSA/EC key): " +
                           reason);
}

WSOUT_DECL void
tls_add_client_cert(SSL_CTX* ctx, client_cert_config const& c, std::size_t index, std::vector<int>& key_types)
{
    std::string const base = "/tls/client_certs/" + std::to_string(index);
    if (!c.cert.empty() && !c.cert_file.empty())
        throw config_error(base + "/cert_file", "set either cert or cert_file, not both");
    if (!c.key.empty() && !c.key_file.empty())
        throw config_error(base + "/key_file", "set either key or key_file, not both");
    if (c.cert.empty() && c.cert_file.empty())
        throw config_error(base, "a client certificate needs cert or cert_file");
    if (c.key.empty() && c.key_file.empty())
        throw config_error(base, "a client certificate needs key or key_file");

    std::string const cert_ptr = base + (c.cert.empty() ? "/cert_file" : "/cert");
    std::string const key_ptr = base + (c.key.empty() ? "/key_file" : "/key");
    auto const certs =
        tls_parse_certs(c.cert.empty() ? tls_read_file(c.cert_file, cert_ptr) : c.cert, cert_ptr);
    auto const key = tls_parse_key(c.key.empty() ? tls_read_file(c.key_file, key_ptr) : c.key, c.password,
                                   key_ptr, base + "/password");

    int const type = ::EVP_PKEY_get_base_id(key.get());
    for (std::size_t i = 0; i < key_types.size(); ++i)
        if (key_types[i] == type)
            throw config_error(base, "has the same key type as /tls/client_certs/" + std::to_string(i) +
                                         ": OpenSSL holds one client certificate per key type");
    key_types.push_back(type);

    if (::X509_check_private_key(certs.front().get(), key.get()) != 1)
    {
        ::ERR_clear_error();
        throw config_error(key_ptr, "the private key does not match the certificate");
    }
    if (::SSL_CTX_use_certificate(ctx, certs.front().get()) != 1)
        throw config_error(cert_ptr, "cannot use the certificate: " + tls_last_error_reason());
    for (std::size_t i = 1; i < certs.size(); ++i)
        if (::SSL_CTX_add1_chain_cert(ctx, certs[i].get()) != 1)
            throw config_error(cert_ptr, "cannot use chain certificate #" + std::to_string(i + 1) + ": " +
                                             tls_last_error_reason());
    if (::SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
        throw config_error(key_ptr, "cannot use the private key: " + tls_last_error_reason());
}

// The SSL ex_data slot that records "the server asked for a client
// certificate and we had none": with TLS 1.3 the server's refusal arrives
// after our handshake completed, and some servers just hang up, so this is
// the only trace left to explain the failure.
inline int tls_cert_requested_index()
{
    static int const index = ::SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// OpenSSL calls it only when the server requests a certificate and none is
// set; returning 0 sends none.
inline int tls_client_cert_cb(SSL* ssl, X509**, EVP_PKEY**)
{
    ::SSL_set_ex_data(ssl, tls_cert_requested_index(), reinterpret_cast<void*>(1));
    return 0;
}

WSOUT_DECL std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(tls_config const& t)
{
    auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
    SSL_CTX* h = ctx->native_handle();

    int version = 0;
    if (t.min_version == "1.2" || t.min_version.empty())
        version = TLS1_2_VERSION;
    else if (t.min_version == "1.3")
        version = TLS1_3_VERSION;
    else
        throw config_error("/tls/min_version", "expected \"1.2\" or \"1.3\", got \"" + t.min_version + "\"");
    ::SSL_CTX_set_min_proto_version(h, version);

    // OpenSSL accepts a server's (secure, RFC 5746) renegotiation by default;
    // Benthos/Go refuse it unless enable_renegotiation.
    if (t.enable_renegotiation)
        ::SSL_CTX_clear_options(h, SSL_OP_NO_RENEGOTIATION);
    else
        ::SSL_CTX_set_options(h, SSL_OP_NO_RENEGOTIATION);
    ::SSL_CTX_set_options(h, SSL_OP_NO_COMPRESSION);

    if (!t.root_cas.empty() && !t.root_cas_file.empty())
        throw config_error("/tls/root_cas_file", "set either root_cas or root_cas_file, not both");
    if (!t.root_cas.empty() || !t.root_cas_file.empty())
    {
        // Custom CAs replace the system store (as in Benthos).
        std::string const ptr = t.root_cas.empty() ? "/tls/root_cas_file" : "/tls/root_cas";
        auto const certs =
            tls_parse_certs(t.root_cas.empty() ? tls_read_file(t.root_cas_file, ptr) : t.root_cas, ptr);
        X509_STORE* store = ::SSL_CTX_get_cert_store(h);
        for (auto const& c : certs)
            if (::X509_STORE_add_cert(store, c.get()) != 1)
                throw config_error(ptr, "cannot add a CA certificate: " + tls_last_error_reason());
    }
    else
    {
        // A missing system store shows up as an untrusted chain at connect.
        ::SSL_CTX_set_default_verify_paths(h);
        ::ERR_clear_error();
    }
    ::SSL_CTX_set_verify(h, t.skip_cert_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);

    ::SSL_CTX_set_client_cert_cb(h, tls_client_cert_cb);
    std::vector<int> key_types;
    for (std::size_t i = 0; i < t.client_certs.size(); ++i)
        tls_add_client_cert(h, t.client_certs[i], i, key_types);
    return ctx;
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
