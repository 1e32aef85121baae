// oauth1-beast-example: builds a Boost.Beast GET request, signs it in place with
// oauth1::beast::sign (HMAC-SHA1) and sends it with plain Beast; prints status and body.
//   oauth1-beast-example http://host:port/path?query CONSUMER_KEY CONSUMER_SECRET [TOKEN SECRET]
#include <oauth1/adapters/beast.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <exception>
#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    namespace http = boost::beast::http;
    if (argc != 4 && argc != 6) {
        std::cerr << "usage: " << argv[0]
                  << " http://host[:port]/path?query KEY SECRET [TOKEN SECRET]\n";
        return 2;
    }
    try {
        const auto url = boost::urls::parse_uri(argv[1]).value(); // http only: plain TCP below
        oauth1::client client(argv[2], oauth1::hmac_sha1(argv[3]));
        if (argc == 6) client.set_token(argv[4], argv[5]);

        std::string target(url.encoded_target()); // path and query, byte for byte
        if (target.empty() || target.front() != '/') target.insert(0, "/");
        http::request<http::string_body> req{http::verb::get, target, 11};
        req.set(http::field::host, url.encoded_host_and_port()); // Beast adds no Host of its own
        req.set(http::field::accept, "application/json");
        // Sign last: the URL signed is "http://" + Host + target(), exactly what Beast sends.
        oauth1::beast::sign(req, client, {}, {"http", ""});

        boost::asio::io_context ioc;
        boost::beast::tcp_stream stream(ioc);
        boost::asio::ip::tcp::resolver resolver(ioc);
        stream.connect(resolver.resolve(url.host(), url.has_port() ? url.port() : "80"));
        http::write(stream, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        std::cout << res.result_int() << ' ' << res.reason() << '\n' << res.body() << '\n';
        return res.result_int() < 400 ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
