// A throwaway PKI generated at test time with the OpenSSL 3 API: nothing
// here is committed, the private keys live in a temporary directory that is
// removed at the end.
#ifndef WSOUT_TESTS_SUPPORT_CERTS_HPP
#define WSOUT_TESTS_SUPPORT_CERTS_HPP

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace wsout_test {

/// A certificate and its key, as PEM text and as files.
struct credential
{
    std::string cert_pem;
    std::string key_pem;
    std::string cert_file;
    std::string key_file;
};

/** The test PKI:
    - `ca`: a private root CA;
    - `server`: for `localhost`, `127.0.0.1` and `::1`, issued by `ca`;
    - `wrong_host`: for `wrong.example` and `10.9.9.9`, issued by `ca`;
    - `self_signed`: for `localhost`/`127.0.0.1`, self-signed;
    - `expired`: like `server` but expired yesterday;
    - `client`: a client-auth certificate issued by `ca`, with its key also
      written encrypted (AES-256, PKCS#8) under `password`;
    - `other_ca`: an unrelated CA (its certificate only matters).
*/
class pki
{
public:
    std::string dir;
    credential ca;
    credential other_ca;
    credential server;
    credential wrong_host;
    credential self_signed;
    credential expired;
    credential client;
    std::string client_key_encrypted_pem;
    std::string client_key_encrypted_file;
    std::string const password = "correct horse battery staple";

    pki()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "wsout-tls-XXXXXX").string();
        if (!::mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp failed");
        dir = tmpl;

        auto ca_key = gen_key();
        auto ca_cert =
            make_cert(ca_key.get(), "wsout test CA", "", nullptr, nullptr, true, -3600, 86400 * 30, nullptr);
        ca = save("ca", ca_cert.get(), ca_key.get());

        auto oca_key = gen_key();
        auto oca_cert = make_cert(oca_key.get(), "wsout other CA", "", nullptr, nullptr, true, -3600,
                                  86400 * 30, nullptr);
        other_ca = save("other-ca", oca_cert.get(), oca_key.get());

        std::string const local = "DNS:localhost,IP:127.0.0.1,IP:::1";
        auto k1 = gen_key();
        server = save("server",
                      make_cert(k1.get(), "localhost", local, ca_cert.get(), ca_key.get(), false, -3600,
                                86400 * 30, "serverAuth")
                          .get(),
                      k1.get());
        auto k2 = gen_key();
        wrong_host = save("wrong-host",
                          make_cert(k2.get(), "wrong.example", "DNS:wrong.example,IP:10.9.9.9", ca_cert.get(),
                                    ca_key.get(), false, -3600, 86400 * 30, "serverAuth")
                              .get(),
                          k2.get());
        auto k3 = gen_key();
        self_signed = save(
            "self-signed",
            make_cert(k3.get(), "localhost", local, nullptr, nullptr, false, -3600, 86400 * 30, "serverAuth")
                .get(),
            k3.get());
        auto k4 = gen_key();
        expired = save("expired",
                       make_cert(k4.get(), "localhost", local, ca_cert.get(), ca_key.get(), false, -86400 * 3,
                                 -86400, "serverAuth")
                           .get(),
                       k4.get());
        auto k5 = gen_key();
        client = save("client",
                      make_cert(k5.get(), "wsout test client", "", ca_cert.get(), ca_key.get(), false, -3600,
                                86400 * 30, "clientAuth")
                          .get(),
                      k5.get());

        bio_ptr b(BIO_new(BIO_s_mem()));
        if (PEM_write_bio_PKCS8PrivateKey(b.get(), k5.get(), EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                          const_cast<char*>(password.c_str())) != 1)
            fail("PEM_write_bio_PKCS8PrivateKey");
        client_key_encrypted_pem = bio_string(b.get());
        client_key_encrypted_file = write_file("client-key-encrypted.pem", client_key_encrypted_pem);
    }

    ~pki()
    {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    pki(pki const&) = delete;
    pki& operator=(pki const&) = delete;

    /// Write `content` to a new file in the directory; returns its path.
    std::string write_file(std::string const& name, std::string const& content) const
    {
        std::string const path = dir + "/" + name;
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f << content;
        f.close();
        ::chmod(path.c_str(), 0600);
        if (!f)
            throw std::runtime_error("cannot write " + path);
        return path;
    }

private:
    struct bio_free
    {
        void operator()(BIO* p) const { BIO_free(p); }
    };
    struct x509_free
    {
        void operator()(X509* p) const { X509_free(p); }
    };
    struct pkey_free
    {
        void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    };
    using bio_ptr = std::unique_ptr<BIO, bio_free>;
    using x509_ptr = std::unique_ptr<X509, x509_free>;
    using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

    [[noreturn]] static void fail(char const* what)
    {
        char buf[256] = {};
        ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
        throw std::runtime_error(std::string("test PKI: ") + what + ": " + buf);
    }

    static pkey_ptr gen_key()
    {
        pkey_ptr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        if (!k)
            fail("EVP_PKEY_Q_keygen");
        return k;
    }

    static void add_ext(X509* x, X509V3_CTX* ctx, int nid, char const* value)
    {
        X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
        if (!e)
            fail("X509V3_EXT_conf_nid");
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }

    static x509_ptr make_cert(EVP_PKEY* key,
                              char const* cn,
                              std::string const& sans,
                              X509* issuer,
                              EVP_PKEY* issuer_key,
                              bool is_ca,
                              long not_before,
                              long not_after,
                              char const* eku)
    {
        x509_ptr x(X509_new());
        X509_set_version(x.get(), 2);
        unsigned char serial[8];
        RAND_bytes(serial, sizeof serial);
        serial[0] &= 0x7F;
        BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
        BN_free(bn);
        X509_gmtime_adj(X509_getm_notBefore(x.get()), not_before);
        X509_gmtime_adj(X509_getm_notAfter(x.get()), not_after);
        X509_set_pubkey(x.get(), key);
        X509_NAME* name = X509_get_subject_name(x.get());
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<unsigned char const*>("wsout tests"), -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<unsigned char const*>(cn), -1,
                                   -1, 0);
        X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);

        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, issuer ? issuer : x.get(), x.get(), nullptr, nullptr, 0);
        add_ext(x.get(), &ctx, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
        add_ext(x.get(), &ctx, NID_key_usage,
                is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
        add_ext(x.get(), &ctx, NID_subject_key_identifier, "hash");
        if (issuer)
            add_ext(x.get(), &ctx, NID_authority_key_identifier, "keyid:always");
        if (!sans.empty())
            add_ext(x.get(), &ctx, NID_subject_alt_name, sans.c_str());
        if (eku)
            add_ext(x.get(), &ctx, NID_ext_key_usage, eku);
        if (X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0)
            fail("X509_sign");
        return x;
    }

    static std::string bio_string(BIO* b)
    {
        char* data = nullptr;
        long const n = BIO_get_mem_data(b, &data);
        return std::string(data, static_cast<std::size_t>(n));
    }

    credential save(std::string const& name, X509* cert, EVP_PKEY* key) const
    {
        credential c;
        bio_ptr cb(BIO_new(BIO_s_mem()));
        PEM_write_bio_X509(cb.get(), cert);
        c.cert_pem = bio_string(cb.get());
        bio_ptr kb(BIO_new(BIO_s_mem()));
        PEM_write_bio_PrivateKey(kb.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
        c.key_pem = bio_string(kb.get());
        c.cert_file = write_file(name + ".pem", c.cert_pem);
        c.key_file = write_file(name + "-key.pem", c.key_pem);
        return c;
    }
};

} // namespace wsout_test

#endif
