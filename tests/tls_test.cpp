// wsout::transport::tls, the HTTP CONNECT tunnel and proxy selection, against
// real things: an in-process Asio TLS server with a PKI generated at test
// time, Debian's tinyproxy, and (end to end) python3-websockets over TLS.

#include <wsout/outputs.hpp>
#include <wsout/proxy.hpp>
#include <wsout/transport/tls.hpp>
#include <wsout/websocket_output.hpp>

#include "support/catch.hpp"
#include "support/certs.hpp"
#include "support/io_thread.hpp"
#include "support/process.hpp"
#include "support/test_server.hpp"
#include "support/tinyproxy.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using wsout::error_code;
using wsout::transport::connect_step;

namespace {

wsout_test::pki& test_pki()
{
    static wsout_test::pki p;
    return p;
}

//----------------------------------------------------------------------------
// An in-process server on its own thread: plain TCP or TLS; records what each
// connection did. With a greeting it writes that first (a fake proxy).

struct server_options
{
    wsout_test::credential const* cred = nullptr; // null: plain TCP
    std::string client_ca_file;                   // non-empty: require a client cert
    int max_version = 0;                          // e.g. TLS1_2_VERSION
    std::string greeting;                         // written on accept
    bool close_after_greeting = false;
    bool renegotiate = false; // TLS 1.2: request renegotiation, then send "ping"
};

server_options with_cert(wsout_test::credential const& c)
{
    server_options o;
    o.cred = &c;
    return o;
}

struct session_result
{
    error_code handshake;     // TLS handshake result (server side)
    bool client_cert = false; // the client presented a certificate
    std::string sni;          // the server name the client sent (SNI)
    std::string received;     // application bytes received until EOF
    error_code end;           // how reading ended
};

class test_server
{
public:
    explicit test_server(server_options o)
        : opts_(std::move(o))
        , ctx_(ssl::context::tls_server)
        , acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
    {
        if (opts_.cred)
        {
            ctx_.use_certificate_chain_file(opts_.cred->cert_file);
            ctx_.use_private_key_file(opts_.cred->key_file, ssl::context::pem);
            if (!opts_.client_ca_file.empty())
            {
                ctx_.load_verify_file(opts_.client_ca_file);
                ctx_.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
            }
            if (opts_.max_version)
                SSL_CTX_set_max_proto_version(ctx_.native_handle(), opts_.max_version);
        }
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
    }

    ~test_server()
    {
        net::post(ioc_, [this] {
            error_code ec;
            acceptor_.close(ec);
            for (auto& c : closers_)
                c();
        });
        work_.reset();
        ioc_.stop();
        thread_.join();
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    /// The result of the n-th connection (0-based) once it has finished.
    std::optional<session_result> wait(std::size_t n, std::chrono::milliseconds timeout = 10s)
    {
        std::unique_lock<std::mutex> lock(m_);
        if (!cv_.wait_for(lock, timeout, [&] { return done_.size() > n; }))
            return std::nullopt;
        return done_[n];
    }

private:
    struct session : std::enable_shared_from_this<session>
    {
        test_server& srv;
        ssl::stream<tcp::socket> stream;
        session_result result;
        char buf[16384];

        session(test_server& s, tcp::socket sock)
            : srv(s)
            , stream(std::move(sock), s.ctx_)
        {}

        void start()
        {
            auto self = shared_from_this();
            srv.closers_.push_back([w = std::weak_ptr<session>(self)] {
                if (auto s = w.lock())
                {
                    error_code ec;
                    s->stream.lowest_layer().close(ec);
                }
            });
            if (!srv.opts_.greeting.empty())
            {
                net::async_write(stream.next_layer(), net::buffer(srv.opts_.greeting),
                                 [self](error_code ec, std::size_t) {
                                     if (self->srv.opts_.close_after_greeting || ec)
                                     {
                                         error_code ig;
                                         self->stream.next_layer().shutdown(tcp::socket::shutdown_send, ig);
                                     }
                                     self->read_plain();
                                 });
                return;
            }
            if (!srv.opts_.cred)
                return read_plain();
            stream.async_handshake(ssl::stream_base::server, [self](error_code ec) {
                self->result.handshake = ec;
                if (ec)
                    return self->finish(ec);
                self->result.client_cert = SSL_get0_peer_certificate(self->stream.native_handle()) != nullptr;
                if (char const* n =
                        SSL_get_servername(self->stream.native_handle(), TLSEXT_NAMETYPE_host_name))
                    self->result.sni = n;
                if (self->srv.opts_.renegotiate)
                {
                    // The HelloRequest goes out with the next write.
                    SSL_renegotiate(self->stream.native_handle());
                    static std::string const ping = "ping";
                    net::async_write(self->stream, net::buffer(ping), [self](error_code e, std::size_t) {
                        if (e)
                            return self->finish(e);
                        self->read_tls();
                    });
                    return;
                }
                self->read_tls();
            });
        }

        void read_plain()
        {
            auto self = shared_from_this();
            stream.next_layer().async_read_some(net::buffer(buf), [self](error_code ec, std::size_t n) {
                self->result.received.append(self->buf, n);
                if (ec)
                    return self->finish(ec);
                self->read_plain();
            });
        }

        void read_tls()
        {
            auto self = shared_from_this();
            stream.async_read_some(net::buffer(buf), [self](error_code ec, std::size_t n) {
                self->result.received.append(self->buf, n);
                if (ec)
                {
                    if (ec == net::error::eof) // the client's close_notify: answer it
                        return self->stream.async_shutdown([self, ec](error_code) { self->finish(ec); });
                    return self->finish(ec);
                }
                self->read_tls();
            });
        }

        void finish(error_code ec)
        {
            result.end = ec;
            error_code ig;
            stream.lowest_layer().close(ig);
            std::lock_guard<std::mutex> lock(srv.m_);
            srv.done_.push_back(result);
            srv.cv_.notify_all();
        }
    };

    void accept()
    {
        acceptor_.async_accept([this](error_code ec, tcp::socket sock) {
            if (ec)
                return;
            std::make_shared<session>(*this, std::move(sock))->start();
            accept();
        });
    }

    server_options opts_;
    net::io_context ioc_;
    net::executor_work_guard<net::io_context::executor_type> work_{ioc_.get_executor()};
    ssl::context ctx_;
    tcp::acceptor acceptor_;
    std::vector<std::function<void()>> closers_;
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<session_result> done_;
    std::thread thread_;
};

//----------------------------------------------------------------------------
// A client driving the Transport policy directly, with bounded waits.

struct tls_client
{
    net::io_context ioc;
    wsout::config cfg;
    wsout::url server;
    std::optional<wsout::url> proxy;
    std::vector<std::pair<wsout::log_level, std::string>> logs;
    wsout::log_hook log = [this](wsout::log_level l, std::string_view m) {
        logs.emplace_back(l, std::string(m));
    };
    wsout::transport::connect_request req{server, cfg, proxy, log};
    wsout::transport::tls transport;
    wsout::transport::tls::stream_type stream;
    connect_step step = connect_step::resolve;
    char read_buf[1024];

    tls_client(wsout::config c, std::string const& url)
        : cfg(std::move(c))
        , server(wsout::parse_url(url, "ws,wss"))
        , transport(cfg)
        , stream(transport.make_stream(ioc.get_executor()))
    {}

    template<class Start>
    error_code run(Start start)
    {
        std::optional<error_code> r;
        start([&r](error_code ec, auto&&...) { r = ec; });
        ioc.restart();
        ioc.run_for(10s);
        REQUIRE(r.has_value()); // bounded: never hangs the suite
        return *r;
    }

    error_code connect()
    {
        return run([&](auto h) { transport.async_connect(stream, req, &step, h); });
    }
    error_code write(std::string const& s)
    {
        return run([&](auto h) { net::async_write(stream, net::buffer(s), h); });
    }
    error_code read_some()
    {
        return run([&](auto h) { stream.async_read_some(net::buffer(read_buf), h); });
    }
    error_code shutdown()
    {
        return run([&](auto h) { transport.async_shutdown(stream, h); });
    }
    std::string detail(error_code ec) const { return transport.failure_detail(stream, ec); }
};

wsout::config trusting_ca()
{
    wsout::config cfg;
    cfg.tls.enabled = true;
    cfg.tls.root_cas_file = test_pki().ca.cert_file;
    return cfg;
}

std::string url_for(std::uint16_t port, std::string const& host = "localhost")
{
    return "wss://" + host + ":" + std::to_string(port) + "/";
}

bool contains(std::string const& hay, std::string const& needle)
{
    return hay.find(needle) != std::string::npos;
}

} // namespace

//============================================================================
// Trust

TEST_CASE("tls: a chain trusted via root_cas_file connects, data flows, close_notify completes", "[tls]")
{
    test_server srv(with_cert(test_pki().server));
    tls_client c(trusting_ca(), url_for(srv.port()));
    auto ec = c.connect();
    INFO(ec.message() << " / " << c.detail(ec));
    REQUIRE(!ec);
    CHECK(c.step == connect_step::tls_handshake);
    REQUIRE(!c.write("hello over tls"));
    CHECK(!c.shutdown());
    auto r = srv.wait(0);
    REQUIRE(r);
    CHECK(!r->handshake);
    CHECK(r->received == "hello over tls");
    CHECK(r->end == net::error::eof); // our close_notify
    CHECK(c.logs.empty());
}

TEST_CASE("tls: a chain trusted via inline root_cas connects; 127.0.0.1 is checked against IP SANs", "[tls]")
{
    test_server srv(with_cert(test_pki().server));
    wsout::config cfg;
    cfg.tls.root_cas = test_pki().other_ca.cert_pem + test_pki().ca.cert_pem; // several CAs in one PEM
    for (std::string host : {"localhost", "127.0.0.1"})
    {
        tls_client c(cfg, url_for(srv.port(), host));
        auto ec = c.connect();
        INFO(host << ": " << ec.message() << " / " << c.detail(ec));
        CHECK(!ec);
    }
}

TEST_CASE("tls: SNI carries the host name, never an IP literal; server_name overrides it", "[tls]")
{
    test_server srv(with_cert(test_pki().server));
    {
        tls_client c(trusting_ca(), url_for(srv.port()));
        REQUIRE(!c.connect());
        CHECK(!c.shutdown());
    }
    {
        tls_client c(trusting_ca(), url_for(srv.port(), "127.0.0.1"));
        REQUIRE(!c.connect());
        CHECK(!c.shutdown());
    }
    {
        auto cfg = trusting_ca();
        cfg.tls.server_name = "localhost";
        tls_client c(cfg, url_for(srv.port(), "127.0.0.1"));
        REQUIRE(!c.connect());
        CHECK(!c.shutdown());
    }
    auto a = srv.wait(0), b = srv.wait(1), d = srv.wait(2);
    REQUIRE((a && b && d));
    CHECK(a->sni == "localhost");
    CHECK(b->sni.empty());
    CHECK(d->sni == "localhost");
}

TEST_CASE("tls: the system store is not used when root CAs are configured (they replace it)", "[tls]")
{
    test_server srv(with_cert(test_pki().server));
    wsout::config cfg;
    cfg.tls.root_cas = test_pki().other_ca.cert_pem; // not the issuer
    tls_client c(cfg, url_for(srv.port()));
    auto ec = c.connect();
    REQUIRE(ec);
    CHECK(contains(c.detail(ec), "untrusted chain"));
    CHECK(contains(c.detail(ec), "unable to get local issuer certificate"));
}

TEST_CASE("tls: a wrong host fails with a host-name mismatch naming the host", "[tls]")
{
    test_server srv(with_cert(test_pki().wrong_host));
    {
        tls_client c(trusting_ca(), url_for(srv.port()));
        auto ec = c.connect();
        REQUIRE(ec);
        CHECK(ec.category() == net::error::get_ssl_category());
        CHECK(c.step == connect_step::tls_handshake);
        auto d = c.detail(ec);
        INFO(d);
        CHECK(contains(d, "ostname mismatch")); // "hostname" (3.0.x) or "Hostname"
        CHECK(contains(d, "\"localhost\""));
        // The code alone still says enough.
        CHECK(contains(wsout::transport::describe_tls_error(ec, X509_V_ERR_HOSTNAME_MISMATCH),
                       "certificate verify failed: "));
        CHECK(contains(wsout::transport::describe_tls_error(ec, X509_V_ERR_HOSTNAME_MISMATCH),
                       "ostname mismatch"));
    }
    {
        tls_client c(trusting_ca(), url_for(srv.port(), "127.0.0.1"));
        auto ec = c.connect();
        REQUIRE(ec);
        auto d = c.detail(ec);
        INFO(d);
        CHECK(contains(d, "IP address mismatch"));
        CHECK(contains(d, "127.0.0.1"));
    }
    {
        // server_name makes the certificate's name the one checked (and sent in SNI).
        auto cfg = trusting_ca();
        cfg.tls.server_name = "wrong.example";
        tls_client c(cfg, url_for(srv.port()));
        auto ec = c.connect();
        INFO(ec.message() << " / " << c.detail(ec));
        CHECK(!ec);
    }
}

TEST_CASE("tls: a self-signed certificate is untrusted; skip_cert_verify lets it through with a warning",
          "[tls]")
{
    test_server srv(with_cert(test_pki().self_signed));
    {
        tls_client c(trusting_ca(), url_for(srv.port()));
        auto ec = c.connect();
        REQUIRE(ec);
        auto d = c.detail(ec);
        INFO(d);
        CHECK(contains(d, "self-signed certificate"));
        CHECK(contains(d, "untrusted"));
    }
    {
        wsout::config cfg;
        cfg.tls.skip_cert_verify = true;
        tls_client c(cfg, url_for(srv.port()));
        auto ec = c.connect();
        INFO(ec.message());
        REQUIRE(!ec);
        CHECK(c.detail(ec).empty());
        REQUIRE(c.logs.size() == 1);
        CHECK(c.logs[0].first == wsout::log_level::warn);
        CHECK(contains(c.logs[0].second, "skip_cert_verify"));
        REQUIRE(!c.write("x"));
        CHECK(!c.shutdown());
    }
}

TEST_CASE("tls: an expired certificate fails with 'certificate has expired'", "[tls]")
{
    test_server srv(with_cert(test_pki().expired));
    tls_client c(trusting_ca(), url_for(srv.port()));
    auto ec = c.connect();
    REQUIRE(ec);
    auto d = c.detail(ec);
    INFO(d);
    CHECK(contains(d, "certificate has expired"));
    CHECK(ec == wsout::condition::permanent);
}

TEST_CASE("tls: a protocol-version mismatch is reported as such", "[tls]")
{
    server_options o = with_cert(test_pki().server);
    o.max_version = TLS1_2_VERSION;
    test_server srv(o);
    auto cfg = trusting_ca();
    cfg.tls.min_version = "1.3";
    tls_client c(cfg, url_for(srv.port()));
    auto ec = c.connect();
    REQUIRE(ec);
    auto d = c.detail(ec);
    INFO(ec.message() << " / " << d);
    CHECK(contains(d, "no TLS protocol version in common"));
    // TLS 1.2 against the same server is fine.
    tls_client ok(trusting_ca(), url_for(srv.port()));
    CHECK(!ok.connect());
}

TEST_CASE("tls: a plain TCP server on a wss:// url is reported as not speaking TLS", "[tls]")
{
    server_options o;
    o.greeting = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    test_server srv(o);
    tls_client c(trusting_ca(), url_for(srv.port()));
    auto ec = c.connect();
    REQUIRE(ec);
    auto d = c.detail(ec);
    INFO(ec.message() << " / " << d);
    CHECK(contains(d, "did not answer with TLS"));
}

//============================================================================
// Mutual TLS

TEST_CASE("tls: mTLS accepts our client certificate (files and inline) and rejects a client without one",
          "[tls][mtls]")
{
    for (int max : {0, TLS1_2_VERSION})
    {
        server_options o = with_cert(test_pki().server);
        o.client_ca_file = test_pki().ca.cert_file;
        o.max_version = max;
        test_server srv(o);
        DYNAMIC_SECTION("server max version " << (max ? "1.2" : "1.3"))
        {
            {
                auto cfg = trusting_ca();
                cfg.tls.client_certs.push_back({});
                cfg.tls.client_certs[0].cert_file = test_pki().client.cert_file;
                cfg.tls.client_certs[0].key_file = test_pki().client.key_file;
                tls_client c(cfg, url_for(srv.port()));
                auto ec = c.connect();
                INFO(ec.message() << " / " << c.detail(ec));
                REQUIRE(!ec);
                REQUIRE(!c.write("mtls"));
                CHECK(!c.shutdown());
                auto r = srv.wait(0);
                REQUIRE(r);
                CHECK(!r->handshake);
                CHECK(r->client_cert);
                CHECK(r->received == "mtls");
            }
            {
                auto cfg = trusting_ca();
                cfg.tls.client_certs.push_back({});
                cfg.tls.client_certs[0].cert = test_pki().client.cert_pem;
                cfg.tls.client_certs[0].key = test_pki().client.key_pem;
                tls_client c(cfg, url_for(srv.port()));
                auto ec = c.connect();
                INFO(ec.message() << " / " << c.detail(ec));
                REQUIRE(!ec);
                REQUIRE(!c.write("inline"));
                CHECK(!c.shutdown());
                auto r = srv.wait(1);
                REQUIRE(r);
                CHECK(r->received == "inline");
            }
            {
                tls_client c(trusting_ca(), url_for(srv.port()));
                auto ec = c.connect();
                // TLS 1.3: the client's handshake completes before the server
                // checks; the refusal arrives with the first read.
                if (!ec)
                    ec = c.read_some();
                REQUIRE(ec);
                auto d = c.detail(ec);
                INFO(ec.message() << " / " << d);
                CHECK(contains(d, "the server requested a client certificate and none is configured"));
                auto const words = wsout::transport::describe_tls_error(ec);
                INFO(words);
                if (max)
                    CHECK(contains(words, "may require a client certificate"));
                else
                    CHECK(contains(words, "the server requires a client certificate"));
                auto r = srv.wait(2);
                REQUIRE(r);
                CHECK(r->handshake);
            }
        }
    }
}

TEST_CASE(
    "tls: an encrypted client key with the right password works; a wrong or missing one is a config_error",
    "[tls][mtls]")
{
    server_options o = with_cert(test_pki().server);
    o.client_ca_file = test_pki().ca.cert_file;
    test_server srv(o);
    auto cfg = trusting_ca();
    cfg.tls.client_certs.push_back({});
    cfg.tls.client_certs[0].cert_file = test_pki().client.cert_file;
    cfg.tls.client_certs[0].key_file = test_pki().client_key_encrypted_file;
    cfg.tls.client_certs[0].password = test_pki().password;
    {
        tls_client c(cfg, url_for(srv.port()));
        auto ec = c.connect();
        INFO(ec.message() << " / " << c.detail(ec));
        REQUIRE(!ec);
        REQUIRE(!c.write("enc"));
        CHECK(!c.shutdown());
        auto r = srv.wait(0);
        REQUIRE(r);
        CHECK(r->client_cert);
        CHECK(r->received == "enc");
    }
    cfg.tls.client_certs[0].password = "Tr0ub4dor&3";
    try
    {
        wsout::transport::tls t(cfg);
        FAIL("a wrong password must not construct");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(e.pointer() == "/tls/client_certs/0/password");
        CHECK(contains(e.what(), "wrong password"));
        CHECK(!contains(e.what(), "Tr0ub4dor&3")); // the password itself never appears
        CHECK(!contains(e.what(), "BEGIN"));
    }
    cfg.tls.client_certs[0].password.clear();
    try
    {
        wsout::transport::tls t(cfg);
        FAIL("a missing password must not construct");
    }
    catch (wsout::config_error const& e)
    {
        CHECK(e.pointer() == "/tls/client_certs/0/password");
        CHECK(contains(e.what(), "encrypted"));
    }
}

//============================================================================
// Bad settings

TEST_CASE("tls: bad settings are config_errors naming the field, never echoing key material", "[tls][config]")
{
    auto expect_error = [](wsout::config const& cfg, std::string const& pointer, std::string const& text) {
        try
        {
            wsout::transport::tls t(cfg);
            FAIL("expected a config_error at " << pointer);
        }
        catch (wsout::config_error const& e)
        {
            INFO(e.what());
            CHECK(e.pointer() == pointer);
            CHECK(contains(e.what(), text));
            CHECK(!contains(e.what(), "PRIVATE KEY-----\n"));
            CHECK(!contains(e.what(), test_pki().client.key_pem.substr(28, 40)));
        }
    };
    wsout::config cfg;
    cfg.tls.root_cas_file = test_pki().dir + "/missing.pem";
    expect_error(cfg, "/tls/root_cas_file", "cannot read");
    cfg.tls.root_cas_file = test_pki().client.key_file; // a key, not a certificate
    expect_error(cfg, "/tls/root_cas_file", "no PEM certificate found");
    cfg.tls.root_cas_file.clear();
    cfg.tls.root_cas = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    expect_error(cfg, "/tls/root_cas", "cannot parse PEM certificate #1");
    cfg.tls.root_cas.clear();
    cfg.tls.min_version = "1.1";
    expect_error(cfg, "/tls/min_version", "expected \"1.2\" or \"1.3\"");
    cfg.tls.min_version = "1.2";

    wsout::client_cert_config cc;
    cc.cert_file = test_pki().client.cert_file;
    cc.key_file = test_pki().server.key_file; // another key
    cfg.tls.client_certs = {cc};
    expect_error(cfg, "/tls/client_certs/0/key_file", "does not match the certificate");
    cc.key_file.clear();
    cc.key = "garbage " + test_pki().client.key_pem.substr(28, 40);
    cfg.tls.client_certs = {cc};
    expect_error(cfg, "/tls/client_certs/0/key", "no usable PEM private key");
    cc.key.clear();
    cfg.tls.client_certs = {cc};
    expect_error(cfg, "/tls/client_certs/0", "needs key or key_file");
    cc.key_file = test_pki().client.key_file;
    cc.cert_file = test_pki().dir + "/nope.pem";
    cfg.tls.client_certs = {cc};
    expect_error(cfg, "/tls/client_certs/0/cert_file", "cannot read");
    cc.cert_file = test_pki().client.cert_file;
    cfg.tls.client_certs = {cc, cc};
    expect_error(cfg, "/tls/client_certs/1", "same key type");
}

TEST_CASE("tls: a server's renegotiation request is refused unless enable_renegotiation", "[tls]")
{
    server_options o = with_cert(test_pki().server);
    o.max_version = TLS1_2_VERSION; // TLS 1.3 has no renegotiation
    o.renegotiate = true;
    test_server srv(o);
    {
        tls_client c(trusting_ca(), url_for(srv.port()));
        REQUIRE(!c.connect());
        auto ec = c.read_some(); // "ping", after refusing the HelloRequest with a no_renegotiation alert
        INFO(ec.message());
        auto r = srv.wait(0);
        REQUIRE(r);
        INFO(r->end.message());
        CHECK(r->end.category() == net::error::get_ssl_category());
        CHECK(ERR_GET_REASON(static_cast<unsigned long>(r->end.value())) == SSL_R_NO_RENEGOTIATION);
    }
    {
        auto cfg = trusting_ca();
        cfg.tls.enable_renegotiation = true;
        tls_client c(cfg, url_for(srv.port()));
        REQUIRE(!c.connect());
        auto ec = c.read_some(); // renegotiates, then reads "ping"
        INFO(ec.message());
        REQUIRE(!ec);
        REQUIRE(!c.write("after renegotiation"));
        CHECK(!c.shutdown());
        auto r = srv.wait(1);
        REQUIRE(r);
        INFO(r->end.message());
        CHECK(r->end == net::error::eof);
        CHECK(r->received == "after renegotiation");
    }
}

TEST_CASE("tls: enable_renegotiation toggles SSL_OP_NO_RENEGOTIATION", "[tls][config]")
{
    wsout::config cfg;
    CHECK((SSL_CTX_get_options(wsout::transport::tls(cfg).context().native_handle()) &
           SSL_OP_NO_RENEGOTIATION) != 0);
    cfg.tls.enable_renegotiation = true;
    CHECK((SSL_CTX_get_options(wsout::transport::tls(cfg).context().native_handle()) &
           SSL_OP_NO_RENEGOTIATION) == 0);
    CHECK(SSL_CTX_get_min_proto_version(wsout::transport::tls(cfg).context().native_handle()) ==
          TLS1_2_VERSION);
    CHECK(SSL_CTX_get_verify_mode(wsout::transport::tls(cfg).context().native_handle()) == SSL_VERIFY_PEER);
}

//============================================================================
// Proxy selection (pure)

namespace {

wsout::env_lookup fake_env(std::map<std::string, std::string> vars)
{
    return [vars = std::move(vars)](std::string const& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

std::string
selected(std::string const& server_url, std::map<std::string, std::string> env, std::string proxy_url = "")
{
    wsout::config cfg;
    cfg.proxy_url = std::move(proxy_url);
    auto p = wsout::select_proxy(cfg, wsout::parse_url(server_url, "ws,wss"), fake_env(std::move(env)));
    if (!p)
        return "direct";
    std::string s = p->host + ":" + std::to_string(p->port);
    if (!p->username.empty() || !p->password.empty())
        s = p->username + ":" + p->password + "@" + s;
    return s;
}

} // namespace

TEST_CASE("proxy selection: the environment as curl reads it", "[proxy][env]")
{
    CHECK(selected("wss://a.example/", {}) == "direct");
    CHECK(selected("wss://a.example/", {{"https_proxy", "http://p:3128"}}) == "p:3128");
    CHECK(selected("wss://a.example/", {{"HTTPS_PROXY", "http://P:3128"}}) == "p:3128");
    CHECK(selected("wss://a.example/",
                   {{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}}) == "lower:1");
    CHECK(selected("wss://a.example/", {{"https_proxy", ""}, {"HTTPS_PROXY", "http://upper:2"}}) ==
          "upper:2");
    CHECK(selected("wss://a.example/", {{"http_proxy", "http://p:3128"}}) == "direct");
    CHECK(selected("ws://a.example/", {{"http_proxy", "http://p:3128"}}) == "p:3128");
    CHECK(selected("ws://a.example/", {{"HTTP_PROXY", "http://p:3128"}}) ==
          "direct"); // curl: lower case only
    CHECK(selected("ws://a.example/", {{"https_proxy", "http://p:3128"}}) == "direct");
    // curl: scheme optional, default port 1080
    CHECK(selected("ws://a.example/", {{"http_proxy", "p.corp"}}) == "p.corp:1080");
    CHECK(selected("ws://a.example/", {{"http_proxy", "p.corp:8080"}}) == "p.corp:8080");
    CHECK(selected("ws://a.example/", {{"http_proxy", "http://[::1]:8080"}}) == "::1:8080");
    CHECK(selected("ws://a.example/", {{"http_proxy", "http://us%20er:p%40ss@p:1"}}) == "us er:p@ss@p:1");
}

TEST_CASE("proxy selection: no_proxy", "[proxy][env]")
{
    auto with = [](std::string const& server, std::string const& no_proxy) {
        return selected(
            server, {{"https_proxy", "http://p:1"}, {"http_proxy", "http://p:1"}, {"no_proxy", no_proxy}});
    };
    CHECK(with("wss://a.example/", "*") == "direct");
    CHECK(with("wss://a.example/", "a.example") == "direct");
    CHECK(with("wss://api.a.example/", "a.example") == "direct");
    CHECK(with("wss://api.a.example/", ".a.example") == "direct");
    CHECK(with("wss://a.example/", ".a.example") == "direct");
    CHECK(with("wss://A.Example/", "a.EXAMPLE") == "direct");
    CHECK(with("wss://bada.example/", "a.example") == "p:1");
    CHECK(with("wss://a.example/", "b.example, c.example") == "p:1");
    CHECK(with("wss://c.example/", "b.example, c.example") == "direct");
    CHECK(with("wss://c.example/", "b.example c.example") == "direct");
    CHECK(with("ws://10.1.2.3/", "10.1.2.3") == "direct");
    CHECK(with("ws://10.1.2.3/", "10.1.2.4") == "p:1");
    CHECK(with("ws://10.1.2.3/", "10.0.0.0/8") == "direct");
    CHECK(with("ws://11.1.2.3/", "10.0.0.0/8") == "p:1");
    CHECK(with("ws://192.168.1.77/", "192.168.1.64/26") == "direct");
    CHECK(with("ws://192.168.1.128/", "192.168.1.64/26") == "p:1");
    CHECK(with("ws://[::1]:80/", "::1") == "direct");
    CHECK(with("ws://[::1]:80/", "[::1]") == "direct");
    CHECK(with("ws://[fd00::5]/", "fd00::/8") == "direct");
    CHECK(with("ws://[fe80::5]/", "fd00::/8") == "p:1");
    CHECK(with("ws://localhost/", "127.0.0.1") == "p:1"); // no resolution, as curl
    CHECK(with("ws://localhost/", "") == "p:1");
    CHECK(selected("wss://a.example/", {{"https_proxy", "http://p:1"}, {"NO_PROXY", "a.example"}}) ==
          "direct");
    CHECK(selected("wss://a.example/",
                   {{"https_proxy", "http://p:1"}, {"no_proxy", "x"}, {"NO_PROXY", "a.example"}}) == "p:1");
}

TEST_CASE("proxy selection: proxy_url wins over the environment, no_proxy included", "[proxy][env]")
{
    CHECK(selected("wss://a.example/", {{"https_proxy", "http://env:1"}, {"no_proxy", "*"}},
                   "http://cfg:3128") == "cfg:3128");
    CHECK(selected("wss://a.example/", {}, "http://u:p%3Ax@cfg:3128") == "u:p:x@cfg:3128");
    CHECK(selected("wss://a.example/", {}, "http://cfg") == "cfg:80"); // Benthos/Go: the scheme's port
}

TEST_CASE("proxy selection: unusable proxies are config_errors without credentials", "[proxy][env]")
{
    auto error_of = [](std::string const& proxy_url, std::map<std::string, std::string> env) -> std::string {
        try
        {
            selected("wss://a.example/", std::move(env), proxy_url);
        }
        catch (wsout::config_error const& e)
        {
            CHECK(e.pointer() == "/proxy_url");
            return e.what();
        }
        return "no error";
    };
    auto e1 = error_of("", {{"https_proxy", "socks5://u:s3cret@p:1080"}});
    CHECK(contains(e1, "https_proxy"));
    CHECK(contains(e1, "socks5"));
    CHECK(!contains(e1, "s3cret"));
    auto e2 = error_of("https://u:s3cret@p:443", {});
    CHECK(contains(e2, "only http:// proxies"));
    CHECK(!contains(e2, "s3cret"));
    auto e3 = error_of("", {{"https_proxy", "http://u:s3cret@:99999"}});
    CHECK(e3 != "no error");
    CHECK(!contains(e3, "s3cret"));
}

//============================================================================
// The CONNECT tunnel

namespace {

struct tcp_client
{
    net::io_context ioc;
    wsout::config cfg;
    wsout::url server;
    std::optional<wsout::url> proxy;
    wsout::log_hook log;
    wsout::transport::connect_request req{server, cfg, proxy, log};
    boost::beast::tcp_stream stream{ioc};
    connect_step step = connect_step::resolve;

    tcp_client(std::string const& url, std::string const& proxy_url)
        : server(wsout::parse_url(url, "ws,wss"))
    {
        cfg.proxy_url = proxy_url;
        proxy = wsout::select_proxy(cfg, server, fake_env({}));
    }

    error_code connect()
    {
        std::optional<error_code> r;
        wsout::transport::async_connect_tcp(stream, req, &step, [&r](error_code ec) { r = ec; });
        ioc.run_for(10s);
        REQUIRE(r);
        return *r;
    }
};

} // namespace

TEST_CASE("proxy: ws and wss through tinyproxy's CONNECT, with and without proxy auth", "[proxy][tinyproxy]")
{
    if (!wsout_test::tinyproxy::available())
    {
        WARN("tinyproxy is not installed (apt-get install tinyproxy-bin): skipped");
        return;
    }
    test_server plain_srv({});
    test_server tls_srv(with_cert(test_pki().server));
    for (bool auth : {false, true})
    {
        wsout_test::tinyproxy proxy(
            {{plain_srv.port(), tls_srv.port()}, auth ? "wsout" : "", auth ? "s3cret" : ""});
        std::string const proxy_url = auth ? proxy.url_with_credentials() : proxy.url();
        INFO("auth " << auth);
        {
            tcp_client c("ws://127.0.0.1:" + std::to_string(plain_srv.port()) + "/", proxy_url);
            auto ec = c.connect();
            INFO(ec.message() << "\n" << proxy.log());
            REQUIRE(!ec);
            CHECK(c.step == connect_step::proxy_connect);
            net::write(c.stream.socket(), net::buffer(std::string("through the tunnel")));
            c.stream.socket().shutdown(tcp::socket::shutdown_send);
            auto r = plain_srv.wait(auth ? 1 : 0);
            REQUIRE(r);
            CHECK(r->received == "through the tunnel");
        }
        {
            auto cfg = trusting_ca();
            cfg.proxy_url = proxy_url;
            tls_client c(cfg, url_for(tls_srv.port()));
            c.proxy = wsout::select_proxy(c.cfg, c.server, fake_env({}));
            auto ec = c.connect();
            INFO(ec.message() << " / " << c.detail(ec) << "\n" << proxy.log());
            REQUIRE(!ec);
            REQUIRE(!c.write("tls through the tunnel"));
            CHECK(!c.shutdown());
            auto r = tls_srv.wait(auth ? 1 : 0);
            REQUIRE(r);
            CHECK(r->received == "tls through the tunnel");
        }
    }
}

TEST_CASE("proxy: a refused CONNECT is a proxy error carrying the status", "[proxy][tinyproxy]")
{
    if (!wsout_test::tinyproxy::available())
    {
        WARN("tinyproxy is not installed (apt-get install tinyproxy-bin): skipped");
        return;
    }
    test_server srv({});
    std::string const target = "ws://127.0.0.1:" + std::to_string(srv.port()) + "/";
    {
        // The port is not among the ConnectPorts: 403.
        wsout_test::tinyproxy proxy({{static_cast<std::uint16_t>(srv.port() == 1 ? 2 : 1)}, "", ""});
        tcp_client c(target, proxy.url());
        auto ec = c.connect();
        INFO(ec.message());
        CHECK(ec == wsout::make_proxy_status_error(403));
        CHECK(ec == wsout::condition::proxy_refused);
        CHECK(ec != wsout::condition::handshake_rejected);
        CHECK(c.step == connect_step::proxy_connect);
        CHECK(contains(ec.message(), "the proxy refused CONNECT: HTTP 403"));
    }
    {
        wsout_test::tinyproxy proxy({{srv.port()}, "wsout", "s3cret"});
        tcp_client none(target, proxy.url());
        auto ec = none.connect();
        INFO(ec.message());
        CHECK(ec == wsout::make_proxy_status_error(407));
        CHECK(contains(ec.message(), "407 Proxy Authentication Required"));
        tcp_client wrong(target, "http://wsout:wrong@127.0.0.1:" + std::to_string(proxy.port()));
        // tinyproxy 1.11 answers wrong credentials with 401 (RFC 9110 says 407).
        auto wec = wrong.connect();
        INFO(wec.message());
        CHECK((wec == wsout::make_proxy_status_error(407) || wec == wsout::make_proxy_status_error(401)));
        CHECK(wec == wsout::condition::proxy_refused);
    }
}

TEST_CASE("proxy: the CONNECT request; garbage and over-eager proxies", "[proxy]")
{
    // A "proxy" that answers 200 at once and records the request.
    server_options o;
    o.greeting = "HTTP/1.1 200 Connection established\r\n\r\n";
    {
        test_server fake(o);
        tcp_client c("wss://[::1]:8443/x",
                     "http://us%20er:p%40ss%3Aw%2Frd@127.0.0.1:" + std::to_string(fake.port()));
        REQUIRE(!c.connect());
        c.stream.socket().shutdown(tcp::socket::shutdown_send);
        auto r = fake.wait(0);
        REQUIRE(r);
        // base64("us er:p@ss:w/rd")
        CHECK(r->received ==
              "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\nUser-Agent: wsout/" WSOUT_VERSION_STRING
              "\r\nProxy-Authorization: Basic dXMgZXI6cEBzczp3L3Jk\r\n\r\n");
    }
    o.greeting = "SSH-2.0-OpenSSH_9.2\r\n";
    o.close_after_greeting = true;
    {
        test_server fake(o);
        tcp_client c("ws://example.com/", "http://127.0.0.1:" + std::to_string(fake.port()));
        auto ec = c.connect();
        CHECK(ec == wsout::error::bad_proxy_response);
        CHECK(ec == wsout::condition::proxy_refused);
    }
    o.greeting = "HTTP/1.1 200 OK\r\n\r\nunexpected";
    {
        test_server fake(o);
        tcp_client c("ws://example.com/", "http://127.0.0.1:" + std::to_string(fake.port()));
        CHECK(c.connect() == wsout::error::bad_proxy_response);
    }
    o.greeting = "";
    o.close_after_greeting = false;
    {
        // Closes without answering.
        o.greeting = "H";
        o.close_after_greeting = true;
        test_server fake(o);
        tcp_client c("ws://example.com/", "http://127.0.0.1:" + std::to_string(fake.port()));
        CHECK(c.connect() == wsout::error::bad_proxy_response);
    }
}

//============================================================================
// End to end: websocket_output<tls, none> to python3-websockets over TLS

namespace {

using tls_output = wsout::websocket_output<wsout::transport::tls, wsout::auth::none>;

std::string source_dir()
{
    // tests/tls_test.cpp -> the repository root
    std::string f = __FILE__;
    return f.substr(0, f.rfind("/tests/"));
}

std::string b64decode(std::string const& in)
{
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : in)
    {
        int const v = val(c);
        if (v < 0)
            continue;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8)
        {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

/// tests/servers/tls_server.py, recording into a file.
class python_tls_server
{
public:
    explicit python_tls_server(std::vector<std::string> extra = {})
    {
        out_ = test_pki().dir + "/rx-" + std::to_string(counter()++) + ".jsonl";
        std::vector<std::string> argv = {"/usr/bin/python3",
                                         source_dir() + "/tests/servers/tls_server.py",
                                         "--cert",
                                         test_pki().server.cert_file,
                                         "--key",
                                         test_pki().server.key_file,
                                         "--out",
                                         out_};
        argv.insert(argv.end(), extra.begin(), extra.end());
        wsout_test::child_options co;
        co.inherit_stderr = false;
        proc_ = std::make_unique<wsout_test::child_process>(argv, co);
        auto line = proc_->read_line(15s);
        REQUIRE(line);
        port_ = static_cast<std::uint16_t>(std::stoi(*line));
    }

    std::uint16_t port() const { return port_; }

    /// The messages received so far (stops the server first).
    std::vector<std::string> stop_and_read()
    {
        proc_->stop();
        std::vector<std::string> msgs;
        std::ifstream f(out_);
        std::string line;
        while (std::getline(f, line))
        {
            auto const k = line.find("\"b64\": \"");
            REQUIRE(k != std::string::npos);
            auto const start = k + 8;
            msgs.push_back(b64decode(line.substr(start, line.find('"', start) - start)));
        }
        return msgs;
    }

private:
    static int& counter()
    {
        static int n = 0;
        return n;
    }
    std::string out_;
    std::uint16_t port_ = 0;
    std::unique_ptr<wsout_test::child_process> proc_;
};

std::string pattern(std::size_t n, unsigned seed)
{
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 8)) & 0xFF);
    return s;
}

std::vector<std::string> sample_messages()
{
    std::string all;
    for (int i = 0; i < 256; ++i)
        all.push_back(static_cast<char>(i));
    return {"hello", "", all, pattern(64, 1), pattern(16384, 2), pattern(70000, 3), pattern(1 << 20, 4),
            "last"};
}

wsout::config e2e_config(std::uint16_t port, std::string const& host = "localhost")
{
    auto cfg = trusting_ca();
    cfg.url = "wss://" + host + ":" + std::to_string(port) + "/post/ws";
    cfg.timeouts.connect = 5s;
    cfg.timeouts.handshake = 5s;
    cfg.timeouts.close = 3s;
    cfg.backoff.max_elapsed_time = 1ms; // no retry loop in failure cases
    return cfg;
}

void send_all(tls_output& out, std::vector<std::string> const& msgs)
{
    out.connect();
    for (auto const& m : msgs)
        out.write(m);
    out.close();
}

} // namespace

TEST_CASE("e2e: byte-exact messages over wss to python websockets with a private CA", "[tls][e2e]")
{
    python_tls_server srv;
    auto const msgs = sample_messages();
    for (std::string host : {"localhost", "127.0.0.1"})
    {
        net::io_context ioc;
        tls_output out(ioc, e2e_config(srv.port(), host));
        send_all(out, msgs);
    }
    auto got = srv.stop_and_read();
    REQUIRE(got.size() == 2 * msgs.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(got[i] == msgs[i % msgs.size()]);
}

TEST_CASE("e2e: mutual TLS with python websockets, with and without a client certificate", "[tls][e2e][mtls]")
{
    python_tls_server srv({"--client-ca", test_pki().ca.cert_file});
    auto const msgs = sample_messages();
    {
        auto cfg = e2e_config(srv.port());
        cfg.tls.client_certs.push_back({});
        cfg.tls.client_certs[0].cert_file = test_pki().client.cert_file;
        cfg.tls.client_certs[0].key_file = test_pki().client_key_encrypted_file;
        cfg.tls.client_certs[0].password = test_pki().password;
        net::io_context ioc;
        tls_output out(ioc, cfg);
        send_all(out, msgs);
    }
    {
        net::io_context ioc;
        tls_output out(ioc, e2e_config(srv.port()));
        error_code ec;
        out.connect(ec);
        REQUIRE(ec);
        auto f = out.last_failure();
        INFO(f.message);
        CHECK(contains(f.message, "client certificate"));
    }
    auto got = srv.stop_and_read();
    REQUIRE(got.size() == msgs.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(got[i] == msgs[i]);
}

TEST_CASE("e2e: wss through tinyproxy, with proxy auth", "[tls][e2e][tinyproxy]")
{
    if (!wsout_test::tinyproxy::available())
    {
        WARN("tinyproxy is not installed (apt-get install tinyproxy-bin): skipped");
        return;
    }
    python_tls_server srv;
    wsout_test::tinyproxy proxy({{srv.port()}, "wsout", "s3cret"});
    auto const msgs = sample_messages();
    {
        auto cfg = e2e_config(srv.port());
        cfg.proxy_url = proxy.url_with_credentials();
        net::io_context ioc;
        tls_output out(ioc, cfg);
        send_all(out, msgs);
    }
    {
        auto cfg = e2e_config(srv.port());
        cfg.proxy_url = proxy.url(); // no credentials
        net::io_context ioc;
        tls_output out(ioc, cfg);
        error_code ec;
        out.connect(ec);
        INFO(out.last_failure().message);
        CHECK(ec == wsout::make_proxy_status_error(407));
        CHECK(contains(out.last_failure().message, "proxy"));
    }
    CHECK(contains(proxy.log(), "CONNECT localhost:" + std::to_string(srv.port())));
    auto got = srv.stop_and_read();
    REQUIRE(got.size() == msgs.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(got[i] == msgs[i]);
}

TEST_CASE("e2e: ws:// through tinyproxy to python websockets (plain_output)", "[proxy][e2e][tinyproxy]")
{
    if (!wsout_test::tinyproxy::available())
    {
        WARN("tinyproxy is not installed (apt-get install tinyproxy-bin): skipped");
        return;
    }
    std::string const out_file = test_pki().dir + "/rx-plain.jsonl";
    wsout_test::child_options co;
    co.inherit_stderr = false;
    wsout_test::child_process srv({"/usr/bin/python3", source_dir() + "/tests/servers/ws_server.py", "--out",
                                   out_file, "--compression", "off"},
                                  co);
    auto line = srv.read_line(15s);
    REQUIRE(line);
    auto const port = static_cast<std::uint16_t>(std::stoi(*line));
    wsout_test::tinyproxy proxy({{port}, "wsout", "s3cret"});
    auto const msgs = sample_messages();
    {
        wsout::config cfg;
        cfg.url = "ws://127.0.0.1:" + std::to_string(port) + "/post/ws";
        cfg.proxy_url = proxy.url_with_credentials();
        cfg.timeouts.connect = 5s;
        cfg.timeouts.close = 3s;
        net::io_context ioc;
        wsout::plain_output out(ioc, cfg);
        out.connect();
        for (auto const& m : msgs)
            out.write(m);
        out.close();
    }
    srv.stop();
    std::vector<std::string> got;
    std::ifstream f(out_file);
    for (std::string l; std::getline(f, l);)
    {
        auto const k = l.find("\"b64\": \"");
        REQUIRE(k != std::string::npos);
        got.push_back(b64decode(l.substr(k + 8, l.find('"', k + 8) - (k + 8))));
    }
    REQUIRE(got.size() == msgs.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(got[i] == msgs[i]);
    CHECK(contains(proxy.log(), "CONNECT 127.0.0.1:" + std::to_string(port)));
}

TEST_CASE("e2e: bad certificates fail connect with a reason a person understands", "[tls][e2e]")
{
    struct bad_case
    {
        wsout_test::credential const* cred;
        char const* host;
        char const* reason;
    };
    for (auto const& bc : {bad_case{&test_pki().expired, "localhost", "certificate has expired"},
                           bad_case{&test_pki().self_signed, "localhost", "self-signed certificate"},
                           bad_case{&test_pki().wrong_host, "localhost", "ostname mismatch"},
                           bad_case{&test_pki().wrong_host, "127.0.0.1", "IP address mismatch"}})
    {
        test_server srv(with_cert(*bc.cred));
        net::io_context ioc;
        tls_output out(ioc, e2e_config(srv.port(), bc.host));
        error_code ec;
        out.connect(ec);
        auto f = out.last_failure();
        INFO(f.message);
        CHECK(ec.category() == net::error::get_ssl_category());
        CHECK(f.step == connect_step::tls_handshake);
        CHECK(contains(f.message, bc.reason));
    }
}

//============================================================================
// Bytes per TLS record (the small-record trap)

namespace {

/// A TCP relay that parses the client->server byte stream into TLS records.
class record_relay
{
public:
    explicit record_relay(std::uint16_t backend)
        : backend_(backend)
        , acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0))
    {
        acceptor_.async_accept([this](error_code ec, tcp::socket s) {
            if (ec)
                return;
            client_ = std::make_unique<tcp::socket>(std::move(s));
            server_ = std::make_unique<tcp::socket>(ioc_);
            server_->async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), backend_),
                                   [this](error_code e) {
                                       if (e)
                                           return;
                                       pump(*client_, *server_, up_, true);
                                       pump(*server_, *client_, down_, false);
                                   });
        });
        thread_ = std::thread([this] { ioc_.run(); });
    }

    ~record_relay()
    {
        net::post(ioc_, [this] {
            error_code ec;
            acceptor_.close(ec);
            if (client_)
                client_->close(ec);
            if (server_)
                server_->close(ec);
        });
        ioc_.stop();
        thread_.join();
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    /// Lengths of the client's records of content type 23 (application data).
    std::vector<std::size_t> app_records()
    {
        std::lock_guard<std::mutex> lock(m_);
        return records_;
    }

private:
    void pump(tcp::socket& from, tcp::socket& to, std::array<char, 65536>& buf, bool parse)
    {
        from.async_read_some(net::buffer(buf), [this, &from, &to, &buf, parse](error_code ec, std::size_t n) {
            if (ec)
            {
                error_code ig;
                to.shutdown(tcp::socket::shutdown_send, ig);
                return;
            }
            if (parse)
                feed(buf.data(), n);
            net::async_write(to, net::buffer(buf.data(), n),
                             [this, &from, &to, &buf, parse](error_code e, std::size_t) {
                                 if (!e)
                                     pump(from, to, buf, parse);
                             });
        });
    }

    void feed(char const* p, std::size_t n)
    {
        pending_.append(p, n);
        std::lock_guard<std::mutex> lock(m_);
        while (pending_.size() >= 5)
        {
            auto const type = static_cast<unsigned char>(pending_[0]);
            std::size_t const len = (std::size_t(static_cast<unsigned char>(pending_[3])) << 8) |
                                    static_cast<unsigned char>(pending_[4]);
            if (pending_.size() < 5 + len)
                break;
            if (type == 23)
                records_.push_back(len);
            pending_.erase(0, 5 + len);
        }
    }

    std::uint16_t backend_;
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::unique_ptr<tcp::socket> client_, server_;
    std::array<char, 65536> up_{}, down_{};
    std::string pending_;
    std::mutex m_;
    std::vector<std::size_t> records_;
    std::thread thread_;
};

} // namespace

TEST_CASE("e2e: bytes per TLS record for 64 B and 64 KiB messages", "[tls][e2e][records]")
{
    python_tls_server srv;
    for (std::size_t size : {std::size_t(64), std::size_t(64 * 1024)})
    {
        std::size_t const count = size == 64 ? 1000 : 100;
        std::vector<std::size_t> base, loaded;
        for (std::size_t n : {std::size_t(0), count})
        {
            record_relay relay(srv.port());
            auto cfg = e2e_config(relay.port());
            net::io_context ioc;
            tls_output out(ioc, cfg);
            out.connect();
            std::string const msg = pattern(size, 9);
            for (std::size_t i = 0; i < n; ++i)
                out.write(msg);
            out.close();
            // Give the relay a moment to see the last bytes.
            std::this_thread::sleep_for(100ms);
            (n ? loaded : base) = relay.app_records();
        }
        REQUIRE(loaded.size() > base.size());
        std::size_t const records = loaded.size() - base.size();
        std::size_t bytes = 0;
        for (auto l : loaded)
            bytes += l;
        for (auto l : base)
            bytes -= l;
        double const per_message = double(records) / double(count);
        double const bytes_per_record = double(bytes) / double(records);
        WARN("message " << size << " B x " << count << ": " << records << " application-data records, "
                        << per_message << " records/message, " << bytes_per_record
                        << " bytes/record (record payload incl. 17 B TLS 1.3 overhead)");
        if (size == 64)
            CHECK(per_message <= 1.01); // one record per small message, not one per buffer
        else
            CHECK(per_message <= 5.01); // ceil((65536 + 14) / 16384) records
    }
}

//============================================================================
// wsout-cat --config tls.json (the issue's "done when")

#ifdef WSOUT_CAT_PATH

#include <nlohmann/json.hpp>

namespace {

std::string cat_lines()
{
    return "first line\n{\"json\": true, \"n\": 1}\nüñíçødé ✓\n\ttabs\tand spaces  \n" +
           std::string(5000, 'x') + "\nlast\n";
}

std::vector<std::string> expected_lines()
{
    return {"first line",           "{\"json\": true, \"n\": 1}", "üñíçødé ✓",
            "\ttabs\tand spaces  ", std::string(5000, 'x'),       "last"};
}

std::string write_config(nlohmann::json const& j)
{
    static int n = 0;
    return test_pki().write_file("tls-" + std::to_string(n++) + ".json", j.dump(2));
}

nlohmann::json cat_config(std::uint16_t port, std::string const& host = "localhost")
{
    return {{"url", "wss://" + host + ":" + std::to_string(port) + "/post/ws"},
            {"tls", {{"enabled", true}, {"root_cas_file", test_pki().ca.cert_file}}},
            {"timeouts", {{"connect", "5s"}, {"handshake", "5s"}, {"close", "3s"}}},
            {"backoff", {{"max_elapsed_time", "1s"}}}};
}

wsout_test::run_result run_cat(nlohmann::json const& cfg, std::vector<std::string> env = {})
{
    return wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", write_config(cfg)}, cat_lines(), 30s,
                                       std::move(env));
}

} // namespace

TEST_CASE("wsout-cat over wss: private CA, mTLS with an encrypted key, through tinyproxy", "[tls][cli][e2e]")
{
    python_tls_server srv({"--client-ca", test_pki().ca.cert_file});
    auto mtls = cat_config(srv.port());
    mtls["tls"]["client_certs"] = nlohmann::json::array({{{"cert_file", test_pki().client.cert_file},
                                                          {"key_file", test_pki().client_key_encrypted_file},
                                                          {"password", "${WSOUT_TEST_KEY_PASSWORD}"}}});
    std::vector<std::string> const env = {"WSOUT_TEST_KEY_PASSWORD=" + test_pki().password};
    {
        auto r = run_cat(mtls, env);
        INFO(r.err);
        CHECK(r.exit_code == 0);
    }
    if (wsout_test::tinyproxy::available())
    {
        wsout_test::tinyproxy proxy({{srv.port()}, "wsout", "s3cret"});
        auto via = mtls;
        via["proxy_url"] = proxy.url_with_credentials();
        auto r = run_cat(via, env);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(contains(proxy.log(), "CONNECT localhost:" + std::to_string(srv.port())));
    }
    {
        // The server requires a client certificate; none configured.
        auto r = run_cat(cat_config(srv.port()));
        INFO(r.err);
        CHECK(r.exit_code == 1);
    }
    {
        // A wrong password is a config error (exit 2) naming the field, not the password.
        auto r = run_cat(mtls, {"WSOUT_TEST_KEY_PASSWORD=Tr0ub4dor&3"});
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(contains(r.err, "/tls/client_certs/0/password"));
        CHECK(!contains(r.err, "Tr0ub4dor&3"));
    }
    auto got = srv.stop_and_read();
    auto const want = expected_lines();
    std::size_t const runs = wsout_test::tinyproxy::available() ? 2 : 1;
    REQUIRE(got.size() == runs * want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(got[i] == want[i % want.size()]);
}

TEST_CASE("wsout-cat over wss: each bad certificate exits 1 with a reason", "[tls][cli][e2e]")
{
    struct bad_case
    {
        wsout_test::credential const* cred;
        char const* host;
        char const* reason;
    };
    for (auto const& bc : {bad_case{&test_pki().expired, "localhost", "certificate has expired"},
                           bad_case{&test_pki().self_signed, "localhost", "self-signed certificate"},
                           bad_case{&test_pki().wrong_host, "localhost", "ostname mismatch"},
                           bad_case{&test_pki().server, "localhost", "untrusted chain"}})
    {
        test_server srv(with_cert(*bc.cred));
        auto cfg = cat_config(srv.port(), bc.host);
        if (bc.cred == &test_pki().server)
            cfg["tls"]["root_cas_file"] = test_pki().other_ca.cert_file;
        auto r = run_cat(cfg);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, bc.reason));
    }
}

#endif

//----------------------------------------------------------------------------
// Blocking writes over wss:// take the engine from the strand (write_locked)

namespace {

/// TLS for wsout_test::basic_ws_server. With `key_update_after`, the server
/// asks for a TLS 1.3 KeyUpdate with update_requested that long after the
/// handshake; it leaves with the server's next write (a pong), and the
/// client's engine must answer with a KeyUpdate of its own: a message the
/// engine writes by itself, in the middle of the client's writes.
struct tls_layer
{
    using next_layer_type = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    struct counters
    {
        std::atomic<int> requested{0};      // KeyUpdates the server asked for
        std::atomic<int> client_answers{0}; // KeyUpdates received from the client
    };

    std::shared_ptr<ssl::context> ctx;
    std::chrono::milliseconds key_update_after{0};
    std::shared_ptr<counters> count = std::make_shared<counters>();

    next_layer_type make(tcp::socket&& s)
    {
        return next_layer_type(boost::beast::tcp_stream(std::move(s)), *ctx);
    }

    template<class Handler>
    void async_start(next_layer_type& s, Handler&& h)
    {
        SSL_set_msg_callback(s.native_handle(), &on_message);
        SSL_set_msg_callback_arg(s.native_handle(), count.get());
        s.async_handshake(ssl::stream_base::server,
                          [this, &s, h = std::forward<Handler>(h)](error_code ec) mutable {
                              if (!ec && key_update_after.count() > 0)
                                  schedule_key_update(s);
                              h(ec);
                          });
    }

    static char const* scheme() { return "wss"; }

private:
    static void
    on_message(int write_p, int, int content_type, void const* buf, std::size_t len, SSL*, void* arg)
    {
        auto const* bytes = static_cast<unsigned char const*>(buf);
        if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 && bytes[0] == SSL3_MT_KEY_UPDATE)
            ++static_cast<counters*>(arg)->client_answers;
    }

    void schedule_key_update(next_layer_type& s)
    {
        // The timer holds its own reference to the SSL object: the session
        // may end first.
        SSL_up_ref(s.native_handle());
        std::shared_ptr<SSL> ssl(s.native_handle(), &SSL_free);
        auto timer = std::make_shared<net::steady_timer>(s.get_executor(), key_update_after);
        timer->async_wait([timer, ssl, c = count](error_code ec) {
            if (!ec && SSL_key_update(ssl.get(), SSL_KEY_UPDATE_REQUESTED) == 1)
                ++c->requested;
        });
    }
};

using wss_server = wsout_test::basic_ws_server<tls_layer>;

tls_layer make_tls_layer(std::chrono::milliseconds key_update_after)
{
    tls_layer l;
    l.ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    l.ctx->use_certificate_chain_file(test_pki().server.cert_file);
    l.ctx->use_private_key_file(test_pki().server.key_file, ssl::context::pem);
    l.key_update_after = key_update_after;
    return l;
}

} // namespace

TEST_CASE("wss: many threads write at once, a KeyUpdate midway: all arrive intact, each thread's order kept",
          "[tls][threads]")
{
    for (auto key_update_after : {0ms, 5ms})
    {
        INFO("KeyUpdate requested after " << key_update_after.count() << " ms (0: none)");
        auto layer = make_tls_layer(key_update_after);
        auto counts = layer.count;
        wss_server server({}, 0, layer);
        wsout_test::io_thread io;
        wsout::config cfg;
        cfg.url = server.url();
        cfg.tls.root_cas_file = test_pki().ca.cert_file;
        cfg.keepalive.ping_interval = 2ms; // the server's pongs carry its KeyUpdate
        wsout::tls_output out(io.ioc, cfg);
        out.connect();
        constexpr int threads = 4, per_thread = 400;
        constexpr std::size_t total = std::size_t{threads} * per_thread;
        std::vector<std::thread> writers;
        writers.reserve(threads);
        std::atomic<int> failures{0};
        for (int t = 0; t < threads; ++t)
            writers.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i)
                {
                    wsout::error_code ec;
                    // Sizes around one TLS record (16 KiB) and small ones.
                    std::string m = std::to_string(t) + ":" + std::to_string(i) + ":";
                    m.append(i % 50 == 7 ? 16370 + static_cast<std::size_t>(t)
                                         : static_cast<std::size_t>(i % 90),
                             static_cast<char>('a' + t));
                    if (i % 3 == 1)
                        out.async_write(m, [&](wsout::error_code e) {
                            if (e)
                                ++failures;
                        });
                    else if (i % 3 == 0 || !out.try_write(m, ec))
                        out.write(m, ec);
                    if (ec)
                        ++failures;
                    if (i % 40 == 0)
                        std::this_thread::sleep_for(1ms); // let pongs (and the KeyUpdate) through
                }
            });
        for (auto& w : writers)
            w.join();
        if (key_update_after.count() > 0)
        {
            // If the writes were done first, the KeyUpdate leaves with a pong
            // now (the output pings while idle).
            for (int i = 0; i < 500 && counts->client_answers == 0; ++i)
                std::this_thread::sleep_for(10ms);
        }
        out.close();
        CHECK(failures == 0);
        REQUIRE(server.wait_for_messages(total, 10000ms));
        std::vector<int> next(threads, 0);
        for (auto const& p : server.payloads())
        {
            auto colon = p.find(':');
            auto colon2 = p.find(':', colon + 1);
            int t = std::stoi(p.substr(0, colon));
            int i = std::stoi(p.substr(colon + 1, colon2 - colon - 1));
            CHECK(i == next[static_cast<std::size_t>(t)]);
            next[static_cast<std::size_t>(t)] = i + 1;
            std::size_t body = p.size() - colon2 - 1;
            CHECK(body ==
                  (i % 50 == 7 ? 16370 + static_cast<std::size_t>(t) : static_cast<std::size_t>(i % 90)));
            CHECK(p.find_first_not_of(static_cast<char>('a' + t), colon2 + 1) == std::string::npos);
        }
        CHECK(out.stats().output_sent == total);
        CHECK(out.stats().output_connection_lost == 0);
        if (key_update_after.count() > 0)
        {
            CHECK(counts->requested == 1);
            CHECK(counts->client_answers == 1);
        }
    }
}

TEST_CASE("wss: a blocking write on an idle output goes out from the caller's thread", "[tls][direct]")
{
    // The output runs on a one-thread pool whose thread is kept busy: the
    // asynchronous path could not complete a write until it is free (a
    // pool's thread is not one the caller can borrow, as it can an
    // io_context's). The writes must go out without it.
    auto layer = make_tls_layer(0ms);
    wss_server server({}, 0, layer);
    net::thread_pool pool(1);
    wsout::config cfg;
    cfg.url = server.url();
    cfg.tls.root_cas_file = test_pki().ca.cert_file;
    wsout::tls_output out(pool.get_executor(), cfg);
    out.connect();
    std::mutex m;
    std::condition_variable cv;
    bool busy = false, writes_done = false, released_by_writes = false;
    net::post(pool, [&] {
        std::unique_lock<std::mutex> lock(m);
        busy = true;
        cv.notify_all();
        released_by_writes = cv.wait_for(lock, 5s, [&] { return writes_done; });
    });
    {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return busy; });
    }
    constexpr int count = 20;
    for (int i = 0; i < count; ++i)
        out.write("direct " + std::to_string(i) + std::string(static_cast<std::size_t>(i) * 700, 'x'));
    {
        std::lock_guard<std::mutex> lock(m);
        writes_done = true;
    }
    cv.notify_all();
    REQUIRE(server.wait_for_messages(count, 5000ms));
    out.close();
    pool.join();
    CHECK(released_by_writes);
    auto got = server.payloads();
    REQUIRE(got.size() == count);
    for (int i = 0; i < count; ++i)
        CHECK(got[static_cast<std::size_t>(i)] ==
              "direct " + std::to_string(i) + std::string(static_cast<std::size_t>(i) * 700, 'x'));
}

TEST_CASE("wss: blocking writes into a socket that fills up never cut a record or a frame",
          "[tls][direct][backpressure]")
{
    // The direct path spends room it measured once (send_credit) without
    // asking the socket again. If it overstated the room, a record would
    // be cut short when the socket fills, and the connection lost. When
    // the socket takes only the first records of a frame, the strand must
    // send the rest before anything else (finish_direct_frame). Here the
    // server stops reading until the writer is stuck, four times over.
    auto layer = make_tls_layer(0ms);
    wss_server server({}, 0, layer);
    wsout_test::io_thread io;
    wsout::config cfg;
    cfg.url = server.url();
    cfg.tls.root_cas_file = test_pki().ca.cert_file;
    wsout::tls_output out(io.ioc, cfg);
    out.connect();
    // Mostly frames of several records, so that the socket is likely to
    // fill in the middle of one; about 28 MB in all, several times what a
    // loopback connection buffers (a send buffer of at most 4 MiB, and a
    // receive buffer that does not grow while nobody reads).
    constexpr int count = 1000;
    auto payload = [](int i) {
        static constexpr std::size_t sizes[] = {70000, 40, 50000, 16300, 33000, 900};
        std::string m = std::to_string(i) + ":";
        m.append(sizes[static_cast<std::size_t>(i) % 6], static_cast<char>('a' + i % 26));
        return m;
    };
    std::atomic<int> written{0};
    std::atomic<int> failures{0};
    server.pause_reading();
    std::thread writer([&] {
        for (int i = 0; i < count; ++i)
        {
            wsout::error_code ec;
            out.write(payload(i), ec);
            if (ec)
                ++failures;
            ++written;
        }
    });
    int stalls = 0;
    for (int cycle = 0; cycle < 4 && written != count; ++cycle)
    {
        if (cycle > 0)
            server.pause_reading();
        // Stuck: no progress for 300 ms (at most 20 s).
        int last = -1;
        for (int i = 0; i < 66 && written != count && written != last; ++i)
        {
            last = written;
            std::this_thread::sleep_for(300ms);
        }
        if (written != count)
            ++stalls;
        server.resume_reading();
        int const before = written;
        wsout_test::wait_until([&] { return written >= before + 30 || written == count; }, 10000ms);
    }
    server.resume_reading();
    writer.join();
    REQUIRE(server.wait_for_messages(count, 20000ms));
    out.close();
    CHECK(stalls >= 2); // the socket did fill
    CHECK(failures == 0);
    CHECK(out.stats().output_connection_lost == 0);
    CHECK(out.stats().output_retried == 0);
    auto got = server.payloads();
    REQUIRE(got.size() == count);
    for (int i = 0; i < count; ++i)
        if (got[static_cast<std::size_t>(i)] != payload(i))
        {
            FAIL_CHECK("message " << i << " differs");
            break;
        }
}
