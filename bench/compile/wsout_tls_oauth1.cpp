// Compile-time probe: wsout's output over TLS with OAuth 1 (connect, write,
// async_write, close). Compared with beast_tls_client.cpp by
// bench/compile_time.sh.
#include <wsout/auth/oauth1.hpp>
#include <wsout/transport/tls.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/io_context.hpp>

int main(int argc, char** argv)
{
    boost::asio::io_context ioc;
    wsout::config cfg;
    cfg.url = argc > 1 ? argv[1] : "wss://127.0.0.1:443/post/ws";
    cfg.tls.enabled = true;
    cfg.oauth.enabled = true;
    cfg.oauth.consumer_key = "key";
    cfg.oauth.consumer_secret = "secret";
    wsout::websocket_output<wsout::transport::tls, wsout::auth::oauth1> out(ioc, cfg);
    out.connect();
    out.write("hello");
    out.async_write(std::string("hello"), [](boost::system::error_code) {});
    out.close();
}
