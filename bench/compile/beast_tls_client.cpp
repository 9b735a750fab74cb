// Compile-time probe: a bare Beast TLS WebSocket client (connect, handshake,
// write, close). Compared with wsout_tls_oauth1.cpp by bench/compile_time.sh.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <string>

int main(int argc, char** argv)
{
    namespace net = boost::asio;
    namespace ssl = boost::asio::ssl;
    namespace websocket = boost::beast::websocket;
    std::string host = argc > 1 ? argv[1] : "127.0.0.1";
    std::string port = argc > 2 ? argv[2] : "443";
    net::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    websocket::stream<ssl::stream<net::ip::tcp::socket>> ws(ioc, ctx);
    net::ip::tcp::resolver resolver(ioc);
    net::connect(ws.next_layer().next_layer(), resolver.resolve(host, port));
    SSL_set_tlsext_host_name(ws.next_layer().native_handle(), host.c_str());
    ws.next_layer().set_verify_callback(ssl::host_name_verification(host));
    ws.next_layer().handshake(ssl::stream_base::client);
    ws.handshake(host + ":" + port, "/post/ws");
    ws.binary(true);
    ws.write(net::buffer(std::string("hello")));
    ws.async_write(net::buffer(std::string("hello")), [](boost::system::error_code, std::size_t) {});
    ioc.run();
    ws.close(websocket::close_code::normal);
}
