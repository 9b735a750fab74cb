//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// End to end: wsout outputs with each Auth policy against
// tests/servers/auth_server.py (python3-websockets), which checks the
// handshake as it received it: basic byte for byte, OAuth 1.0a with
// oauthlib on the http(s):// URL it saw (query included, nonces
// remembered), JWTs with PyJWT, bearer tokens against a file.

#include <wsout/auth/any.hpp>
#include <wsout/auth/basic.hpp>
#include <wsout/auth/jwt.hpp>
#include <wsout/auth/oauth1.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/transport/tls.hpp>
#include <wsout/websocket_output.hpp>

#include "../examples/custom_auth/rotating_bearer.hpp"

#include "support/catch.hpp"
#include "support/certs.hpp"
#include "support/process.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

fs::path tests_dir()
{
    return fs::path(__FILE__).parent_path();
}

struct temp_dir
{
    fs::path path;
    temp_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "wsout-auth-e2e-XXXXXX").string();
        char* p = ::mkdtemp(tmpl.data());
        REQUIRE(p != nullptr);
        path = p;
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
};

void write_file(fs::path const& p, std::string const& text)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    REQUIRE(out.good());
}

/// Tag: the argument list is the whole command line (another server).
struct whole_command
{};

// auth_server.py (or another server printing the same events) on
// 127.0.0.1, port 0; stopped (SIGTERM, then SIGKILL) by the destructor.
class auth_server
{
public:
    explicit auth_server(std::vector<std::string> args)
        : auth_server(whole_command{}, argv(std::move(args)))
    {}

    auth_server(whole_command, std::vector<std::string> command)
        : proc_(std::move(command))
    {
        auto line = proc_.read_line(20s);
        REQUIRE(line);
        port_ = *line;
        REQUIRE(!port_.empty());
    }

    std::string url(std::string const& path_and_query, char const* scheme = "ws") const
    {
        return std::string(scheme) + "://127.0.0.1:" + port_ + path_and_query;
    }

    // The next event of the given kind ("handshake" or "message").
    nlohmann::json next(std::string const& kind)
    {
        for (;;)
        {
            auto line = proc_.read_line(10s);
            REQUIRE(line);
            auto j = nlohmann::json::parse(*line, nullptr, false);
            REQUIRE(!j.is_discarded());
            if (j.value("event", "") == kind)
                return j;
        }
    }

private:
    static std::vector<std::string> argv(std::vector<std::string> args)
    {
        std::vector<std::string> v = {"/usr/bin/python3",
                                      (tests_dir() / "servers" / "auth_server.py").string(), "serve",
                                      "--lifetime", "300"};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }

    wsout_test::child_process proc_;
    std::string port_;
};

wsout::config base_config(std::string url)
{
    wsout::config c;
    c.url = std::move(url);
    c.timeouts.connect = 10s;
    c.timeouts.handshake = 10s;
    c.timeouts.close = 5s;
    return c;
}

// Runs an io_context on a thread until destroyed.
struct io_thread
{
    boost::asio::io_context& ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
    std::thread thread;
    explicit io_thread(boost::asio::io_context& c)
        : ioc(c)
        , work(c.get_executor())
        , thread([&c] { c.run(); })
    {}
    ~io_thread()
    {
        work.reset();
        ioc.stop();
        thread.join();
    }
};

bool is_http_status(wsout::error_code const& ec, int status)
{
    return ec.category() == wsout::http_status_category() && ec.value() == status;
}

// connect, write, close; returns the connect error (empty on success).
template<class Output>
wsout::error_code send_one(Output& out, std::string const& message)
{
    wsout::error_code ec;
    out.connect(ec);
    if (ec)
        return ec;
    out.write(message);
    out.close();
    return {};
}

wsout::config oauth_config(std::string url)
{
    auto c = base_config(std::move(url));
    c.oauth.enabled = true;
    c.oauth.consumer_key = "wsoutTestConsumerKey01";
    c.oauth.consumer_secret = "kd94hf93 k423kf44&=+/%";
    c.oauth.access_token = "wsoutTestAccessToken0001";
    c.oauth.access_token_secret = "pfkkdhi9sl3r4s00~!*'()";
    return c;
}

std::vector<std::string> oauth_server_args(wsout::config const& c)
{
    return {"--mode",
            "oauth",
            "--consumer-key",
            c.oauth.consumer_key,
            "--consumer-secret",
            c.oauth.consumer_secret,
            "--access-token",
            c.oauth.access_token,
            "--token-secret",
            c.oauth.access_token_secret};
}

std::string const rfc_query = "?b5=%3D%253D&a3=a&c%40=&a2=r%20b";

using oauth_output = wsout::websocket_output<wsout::transport::plain, wsout::auth::oauth1>;

} // namespace

TEST_CASE("e2e basic: accepted, wrong credentials and no auth give 401", "[auth][e2e][python]")
{
    auth_server srv({"--mode", "basic", "--username", "Aladdin", "--password", "open sesame"});
    boost::asio::io_context ioc;
    auto c = base_config(srv.url("/post/ws"));
    c.basic_auth.enabled = true;
    c.basic_auth.username = "Aladdin";
    c.basic_auth.password = "open sesame";
    {
        wsout::websocket_output<wsout::transport::plain, wsout::auth::basic> out(ioc, c);
        auto ec = send_one(out, "hello basic");
        REQUIRE_FALSE(ec);
        auto h = srv.next("handshake");
        CHECK(h["ok"] == true);
        CHECK(h["authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        CHECK(srv.next("message")["data"] == "hello basic");
    }
    {
        auto wrong = c;
        wrong.basic_auth.password = "open sesame!";
        wsout::websocket_output<wsout::transport::plain, wsout::auth::basic> out(ioc, wrong);
        wsout::error_code ec;
        out.connect(ec);
        INFO(ec.message() << " / " << out.last_failure().message);
        CHECK(is_http_status(ec, 401));
        CHECK(ec == wsout::condition::handshake_rejected);
        CHECK(out.last_failure().message.find("401") != std::string::npos);
        CHECK(out.last_failure().message.find("open sesame!") == std::string::npos);
        CHECK(srv.next("handshake")["ok"] == false);
    }
    {
        // A server demanding auth gets none when auth is off.
        wsout::plain_output out(ioc, base_config(srv.url("/post/ws")));
        wsout::error_code ec;
        out.connect(ec);
        CHECK(is_http_status(ec, 401));
        auto h = srv.next("handshake");
        CHECK(h["ok"] == false);
        CHECK(h["authorization"].is_null());
    }
}

namespace {

/// tests/servers/basic_auth_server.js (Node, npm `ws`) demanding these credentials.
std::vector<std::string> node_basic_server(std::string const& username, std::string const& password)
{
    auto ws_module = tests_dir() / "node" / "node_modules" / "ws" / "package.json";
    INFO("npm package `ws` missing: run `npm ci --prefix tests/node`");
    REQUIRE(fs::exists(ws_module));
    return {"node",       (tests_dir() / "servers" / "basic_auth_server.js").string(),
            "--username", username,
            "--password", password};
}

using basic_output_t = wsout::websocket_output<wsout::transport::plain, wsout::auth::basic>;

} // namespace

TEST_CASE("e2e basic against Node: accepted, 401 is permanent, UTF-8 username, empty password",
          "[auth][e2e][node]")
{
    boost::asio::io_context ioc;
    auto config_with = [](std::string url, std::string user, std::string password) {
        auto c = base_config(std::move(url));
        c.basic_auth.enabled = true;
        c.basic_auth.username = std::move(user);
        c.basic_auth.password = std::move(password);
        return c;
    };

    SECTION("the right credentials are accepted; a wrong password is a permanent 401")
    {
        auth_server srv(whole_command{}, node_basic_server("Aladdin", "open sesame"));
        auto c = config_with(srv.url("/post/ws"), "Aladdin", "open sesame");
        {
            basic_output_t out(ioc, c);
            REQUIRE_FALSE(send_one(out, "hello node basic"));
            auto h = srv.next("handshake");
            CHECK(h["ok"] == true);
            CHECK(h["authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
            CHECK(h["username"] == "Aladdin");
            CHECK(srv.next("message")["data"] == "hello node basic");
        }
        {
            auto wrong = c;
            wrong.basic_auth.password = "open sesame?";
            basic_output_t out(ioc, wrong);
            wsout::error_code ec;
            out.connect(ec);
            INFO(ec.message() << " / " << out.last_failure().message);
            CHECK(is_http_status(ec, 401));
            CHECK(ec == wsout::condition::handshake_rejected);
            CHECK(ec == wsout::condition::permanent);
            auto f = out.last_failure();
            CHECK(f.step == wsout::transport::connect_step::ws_handshake);
            CHECK(f.message.find("401") != std::string::npos);
            CHECK(f.message.find("open sesame?") == std::string::npos);
            auto h = srv.next("handshake");
            CHECK(h["ok"] == false);
            CHECK(h["reason"] == "wrong basic credentials");
            // Nothing is sent on an output whose connect was refused.
            out.write("never", ec);
            CHECK(ec == wsout::error::not_connected);
        }
    }
    SECTION("a username with non-ASCII UTF-8 is sent as UTF-8 octets")
    {
        std::string const user = "J\xc3\xbcrgen \xe6\x9d\xb1\xe4\xba\xac";       // Jürgen 東京
        std::string const password = "p\xc3\xa4ss w\xc3\xb6rd:\xf0\x9f\x94\x91"; // pässwörd:🔑
        auth_server srv(whole_command{}, node_basic_server(user, password));
        basic_output_t out(ioc, config_with(srv.url("/post/ws"), user, password));
        REQUIRE_FALSE(send_one(out, "utf-8"));
        auto h = srv.next("handshake");
        CHECK(h["ok"] == true);
        CHECK(h["username"] == user);
        // ok: Node decoded base64, then UTF-8, and both halves matched.
        CHECK(srv.next("message")["data"] == "utf-8");
    }
    SECTION("an empty password")
    {
        auth_server srv(whole_command{}, node_basic_server("telemetry", ""));
        auto c = config_with(srv.url("/post/ws"), "telemetry", "");
        {
            basic_output_t out(ioc, c);
            REQUIRE_FALSE(send_one(out, "no password"));
            auto h = srv.next("handshake");
            CHECK(h["ok"] == true);
            CHECK(h["authorization"] == "Basic dGVsZW1ldHJ5Og=="); // base64("telemetry:")
            CHECK(srv.next("message")["data"] == "no password");
        }
        {
            // ... and a non-empty one where the server wants none is refused.
            auto wrong = c;
            wrong.basic_auth.password = "x";
            basic_output_t out(ioc, wrong);
            wsout::error_code ec;
            out.connect(ec);
            CHECK(is_http_status(ec, 401));
            CHECK(ec == wsout::condition::permanent);
            CHECK(srv.next("handshake")["ok"] == false);
        }
    }
}

TEST_CASE("e2e oauth1: oauthlib accepts the handshake, across reconnects", "[auth][e2e][python]")
{
    auto c = oauth_config("");
    auth_server srv(oauth_server_args(c));
    c.url = srv.url("/post/ws" + rfc_query);
    boost::asio::io_context ioc;

    SECTION("connect, close, connect again: a fresh nonce, accepted twice")
    {
        oauth_output out(ioc, c);
        REQUIRE_FALSE(send_one(out, "one"));
        auto h1 = srv.next("handshake");
        INFO(h1.dump());
        CHECK(h1["ok"] == true);
        CHECK(h1["uri"] == "http://127.0.0.1:" + c.url.substr(c.url.find(':', 5) + 1));
        CHECK(srv.next("message")["data"] == "one");
        REQUIRE_FALSE(send_one(out, "two"));
        auto h2 = srv.next("handshake");
        INFO(h2.dump());
        CHECK(h2["ok"] == true);
        CHECK(h2["nonce"] != h1["nonce"]);
        CHECK(srv.next("message")["data"] == "two");
    }
    SECTION("the server drops the connection: the output reconnects and signs afresh")
    {
        auto r = c;
        r.backoff.initial_interval = std::chrono::milliseconds(50);
        r.backoff.max_interval = std::chrono::milliseconds(100);
        // The output notices the drop only while its io_context runs: run it
        // on a thread, as an application with its own event loop does.
        io_thread io(ioc);
        oauth_output out(ioc, r);
        out.connect();
        auto h1 = srv.next("handshake");
        CHECK(h1["ok"] == true);
        out.write("__drop__");
        CHECK(srv.next("message")["data"] == "__drop__");
        // The output notices the drop and reconnects by itself; the new
        // handshake carries a new nonce that oauthlib accepts.
        auto h2 = srv.next("handshake");
        INFO(h1.dump() << "\n" << h2.dump());
        CHECK(h2["ok"] == true);
        CHECK(h2["nonce"] != h1["nonce"]);
        out.write("after");
        CHECK(srv.next("message")["data"] == "after");
        out.close();
    }
    SECTION("wrong consumer secret: 401")
    {
        auto wrong = c;
        wrong.oauth.consumer_secret = "kd94hf93 k423kf45&=+/%";
        oauth_output out(ioc, wrong);
        wsout::error_code ec;
        out.connect(ec);
        INFO(out.last_failure().message);
        CHECK(is_http_status(ec, 401));
        auto h = srv.next("handshake");
        CHECK(h["ok"] == false);
        CHECK(h["reason"].get<std::string>().find("signature") != std::string::npos);
    }
    SECTION("HMAC-SHA256")
    {
        auto s = c;
        s.oauth.signature_method = "HMAC-SHA256";
        oauth_output out(ioc, s);
        REQUIRE_FALSE(send_one(out, "sha256"));
        auto h = srv.next("handshake");
        CHECK(h["ok"] == true);
        CHECK(h["authorization"].get<std::string>().find("HMAC-SHA256") != std::string::npos);
    }
    SECTION("auth::any chosen from the config")
    {
        wsout::websocket_output<wsout::transport::plain, wsout::auth::any> out(ioc, c);
        CHECK(out.auth().which() == wsout::auth::any::kind::oauth1);
        REQUIRE_FALSE(send_one(out, "any"));
        CHECK(srv.next("handshake")["ok"] == true);
    }
    SECTION("a replayed header is refused")
    {
        // A policy whose nonce source repeats itself: the second handshake
        // reuses nonce and timestamp, and the server's nonce store says no.
        auto const now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        wsout::auth::oauth1 fixed(
            c, [now] { return std::int64_t(now); }, [] { return std::string("wsoutRepeatedNonce000001"); });
        oauth_output out(ioc.get_executor(), c, wsout::transport::plain(c), std::move(fixed));
        REQUIRE_FALSE(send_one(out, "first"));
        CHECK(srv.next("handshake")["ok"] == true);
        wsout::error_code ec;
        out.connect(ec);
        CHECK(is_http_status(ec, 401));
        auto h = srv.next("handshake");
        CHECK(h["ok"] == false);
        CHECK(h["reason"].get<std::string>().find("nonce") != std::string::npos);
    }
}

TEST_CASE("e2e oauth1: two-legged and request_url", "[auth][e2e][python]")
{
    boost::asio::io_context ioc;
    SECTION("two-legged")
    {
        auto c = oauth_config("");
        c.oauth.access_token.clear();
        c.oauth.access_token_secret.clear();
        auth_server srv(oauth_server_args(c));
        c.url = srv.url("/two?x=1&x=2");
        oauth_output out(ioc, c);
        REQUIRE_FALSE(send_one(out, "2l"));
        auto h = srv.next("handshake");
        INFO(h.dump());
        CHECK(h["ok"] == true);
        CHECK(h["authorization"].get<std::string>().find("oauth_token") == std::string::npos);
    }
    SECTION("request_url: a server behind a proxy verifies its public URL")
    {
        auto c = oauth_config("");
        std::string const pub = "https://api.example.com/feed?b=2&a=1";
        auto args = oauth_server_args(c);
        args.insert(args.end(), {"--public-url", pub});
        auth_server srv(args);
        c.url = srv.url("/internal?shard=3");
        {
            // Without request_url the signature covers the wrong URL.
            oauth_output out(ioc, c);
            wsout::error_code ec;
            out.connect(ec);
            CHECK(is_http_status(ec, 401));
            CHECK(srv.next("handshake")["ok"] == false);
        }
        c.oauth.request_url = pub;
        oauth_output out(ioc, c);
        REQUIRE_FALSE(send_one(out, "proxied"));
        auto h = srv.next("handshake");
        INFO(h.dump());
        CHECK(h["ok"] == true);
    }
}

TEST_CASE("e2e oauth1 over wss", "[auth][e2e][python][tls]")
{
    wsout_test::pki pki;
    auto c = oauth_config("");
    auto args = oauth_server_args(c);
    args.insert(args.end(), {"--tls-cert", pki.server.cert_file, "--tls-key", pki.server.key_file});
    auth_server srv(args);
    c.url = srv.url("/secure" + rfc_query, "wss");
    c.tls.enabled = true;
    c.tls.root_cas_file = pki.ca.cert_file;
    boost::asio::io_context ioc;
    for (auto method : {"HMAC-SHA1", "PLAINTEXT"})
    {
        c.oauth.signature_method = method;
        wsout::websocket_output<wsout::transport::tls, wsout::auth::oauth1> out(ioc, c);
        REQUIRE_FALSE(send_one(out, method));
        REQUIRE_FALSE(send_one(out, method)); // and again, with a new nonce
        auto h1 = srv.next("handshake");
        auto h2 = srv.next("handshake");
        INFO(h1.dump() << "\n" << h2.dump());
        CHECK(h1["ok"] == true);
        CHECK(h2["ok"] == true);
        CHECK(h1["uri"].get<std::string>().rfind("https://127.0.0.1:", 0) == 0);
        CHECK(h1["nonce"] != h2["nonce"]);
    }
}

TEST_CASE("e2e jwt: PyJWT verifies the token the server received", "[auth][e2e][python]")
{
    temp_dir dir;
    auto genkey = [&](std::string const& name, std::vector<std::string> args) {
        fs::path priv = dir.path / (name + ".pem");
        fs::path pub = dir.path / (name + ".pub.pem");
        std::vector<std::string> argv = {"openssl", "genpkey"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"-out", priv.string()});
        REQUIRE(wsout_test::run_and_capture(argv, "", 60s).exit_code == 0);
        REQUIRE(wsout_test::run_and_capture(
                    {"openssl", "pkey", "-in", priv.string(), "-pubout", "-out", pub.string()}, "", 60s)
                    .exit_code == 0);
        return std::make_pair(priv.string(), pub.string());
    };
    auto rsa = genkey("rsa", {"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"});
    auto ec = genkey("ec", {"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"});
    auto ed = genkey("ed", {"-algorithm", "ED25519"});
    auto other = genkey("other", {"-algorithm", "ED25519"});

    struct item
    {
        char const* alg;
        std::pair<std::string, std::string> key;
    };
    boost::asio::io_context ioc;
    for (auto const& it : {item{"RS256", rsa}, item{"ES256", ec}, item{"EdDSA", ed}})
    {
        INFO(it.alg);
        auth_server srv({"--mode", "jwt", "--jwt-alg", it.alg, "--jwt-key", it.key.second});
        auto c = base_config(srv.url("/post/ws?jwt=1"));
        c.jwt.enabled = true;
        c.jwt.signing_method = it.alg;
        c.jwt.private_key_file = it.key.first;
        c.jwt.claims = {{"sub", "telemetry-agent"}, {"aud", "wsout-test"}};
        c.jwt.headers = {{"kid", "k1"}};
        c.jwt.expiry = 120s;
        wsout::websocket_output<wsout::transport::plain, wsout::auth::jwt> out(ioc, c);
        REQUIRE_FALSE(send_one(out, it.alg));
        auto h = srv.next("handshake");
        INFO(h.dump());
        CHECK(h["ok"] == true);
        CHECK(h["claims"]["sub"] == "telemetry-agent");
        CHECK(h["claims"]["exp"].get<std::int64_t>() - h["claims"]["iat"].get<std::int64_t>() == 120);
        CHECK(h["header"]["kid"] == "k1");
        CHECK(srv.next("message")["data"] == it.alg);
        if (std::string(it.alg) == "EdDSA")
        {
            // Signed with another key: 401.
            auto wrong = c;
            wrong.jwt.private_key_file = other.first;
            wsout::websocket_output<wsout::transport::plain, wsout::auth::jwt> bad(ioc, wrong);
            wsout::error_code e;
            bad.connect(e);
            CHECK(is_http_status(e, 401));
            CHECK(srv.next("handshake")["ok"] == false);
        }
    }
}

TEST_CASE("e2e custom policy: a bearer token file rotated between connects", "[auth][e2e][python]")
{
    temp_dir dir;
    fs::path const token = dir.path / "token";
    write_file(token, "first-token\n");
    auth_server srv({"--mode", "bearer", "--token-file", token.string()});
    auto c = base_config(srv.url("/post/ws"));
    boost::asio::io_context ioc;
    using bearer_output = wsout::websocket_output<wsout::transport::plain, example::rotating_bearer>;
    bearer_output out(ioc.get_executor(), c, wsout::transport::plain(c),
                      example::rotating_bearer::from_file(token.string()));
    REQUIRE_FALSE(send_one(out, "a"));
    CHECK(srv.next("handshake")["authorization"] == "Bearer first-token");
    write_file(token, "second-token\n"); // rotated
    REQUIRE_FALSE(send_one(out, "b"));
    auto h = srv.next("handshake");
    CHECK(h["ok"] == true);
    CHECK(h["authorization"] == "Bearer second-token");
    // An emptied file fails the attempt in the policy: auth_failed, and no
    // request with an empty token reaches the server.
    write_file(token, "");
    wsout::error_code ec;
    out.connect(ec);
    CHECK(ec == wsout::error::auth_failed);
    CHECK(out.last_failure().message.find("empty") != std::string::npos);
    // From the environment, through the config constructor.
    ::setenv("WSOUT_BEARER_TOKEN", "env-token", 1);
    write_file(token, "env-token");
    bearer_output from_env(ioc, c);
    ::unsetenv("WSOUT_BEARER_TOKEN");
    REQUIRE_FALSE(send_one(from_env, "c"));
    CHECK(srv.next("handshake")["authorization"] == "Bearer env-token");
}

#ifdef WSOUT_CAT_PATH
// The "done when": wsout-cat with oauth (or jwt) enabled in a config
// file is accepted by the oauthlib (PyJWT) server; wrong credentials exit 1
// with the server's status in the message.
TEST_CASE("e2e wsout-cat with oauth and jwt configs", "[auth][e2e][python][cli]")
{
    temp_dir dir;
    auto c = oauth_config("");
    auth_server srv(oauth_server_args(c));
    nlohmann::json cfg = {{"url", srv.url("/post/ws" + rfc_query)},
                          {"oauth",
                           {{"enabled", true},
                            {"consumer_key", c.oauth.consumer_key},
                            {"consumer_secret", c.oauth.consumer_secret},
                            {"access_token", c.oauth.access_token},
                            {"access_token_secret", c.oauth.access_token_secret}}}};
    fs::path const file = dir.path / "oauth.json";
    write_file(file, cfg.dump());
    auto ok =
        wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", file.string()}, "line 1\nline 2\n", 60s);
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(srv.next("handshake")["ok"] == true);
    CHECK(srv.next("message")["data"] == "line 1");
    CHECK(srv.next("message")["data"] == "line 2");

    // --print-config scrubs the secrets.
    auto printed =
        wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", file.string(), "--print-config"}, "", 60s);
    CHECK(printed.exit_code == 0);
    CHECK(printed.out.find(c.oauth.consumer_secret) == std::string::npos);
    CHECK(printed.out.find(c.oauth.access_token_secret) == std::string::npos);

    cfg["oauth"]["access_token_secret"] = "wrong";
    write_file(file, cfg.dump());
    auto bad = wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", file.string()}, "x\n", 60s);
    INFO(bad.err);
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("401") != std::string::npos);
    CHECK(bad.err.find("wrong") == std::string::npos);
    CHECK(srv.next("handshake")["ok"] == false);

    // JWT with a per-handshake expiry, from the config file.
    fs::path const key = dir.path / "ec.pem";
    fs::path const pub = dir.path / "ec.pub.pem";
    REQUIRE(wsout_test::run_and_capture({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                         "ec_paramgen_curve:P-256", "-out", key.string()},
                                        "", 60s)
                .exit_code == 0);
    REQUIRE(wsout_test::run_and_capture(
                {"openssl", "pkey", "-in", key.string(), "-pubout", "-out", pub.string()}, "", 60s)
                .exit_code == 0);
    auth_server jsrv({"--mode", "jwt", "--jwt-alg", "ES256", "--jwt-key", pub.string()});
    nlohmann::json jcfg = {{"url", jsrv.url("/post/ws")},
                           {"jwt",
                            {{"enabled", true},
                             {"private_key_file", key.string()},
                             {"signing_method", "ES256"},
                             {"claims", {{"sub", "cat"}}},
                             {"headers", {{"kid", "k2"}}},
                             {"expiry", "1m30s"}}}};
    write_file(file, jcfg.dump());
    auto jok = wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", file.string()}, "jwt line\n", 60s);
    INFO(jok.err);
    CHECK(jok.exit_code == 0);
    auto h = jsrv.next("handshake");
    INFO(h.dump());
    CHECK(h["ok"] == true);
    CHECK(h["claims"]["exp"].get<std::int64_t>() - h["claims"]["iat"].get<std::int64_t>() == 90);
    CHECK(jsrv.next("message")["data"] == "jwt line");
    // A mismatched key is a config error: exit 2, naming the field.
    jcfg["jwt"]["signing_method"] = "RS256";
    write_file(file, jcfg.dump());
    auto jbad = wsout_test::run_and_capture({WSOUT_CAT_PATH, "--config", file.string()}, "x\n", 60s);
    CHECK(jbad.exit_code == 2);
    CHECK(jbad.err.find("/jwt/private_key_file") != std::string::npos);
}
#endif
