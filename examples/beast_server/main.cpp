// oauth1-beast-server-example: a synchronous Boost.Beast server on 127.0.0.1 that verifies each
// request with oauth1 (oauth1::beast::verify) and answers refused ones as JIRA does (refuse():
// 401/400 + WWW-Authenticate). To check itself it then sends one signed and one unsigned request.
// Exit status 0 when the signed one gets 200 and the unsigned one is refused.
#include <oauth1/adapters/beast.hpp>
#include <oauth1/adapters/beast_server.hpp>
#include <oauth1/nonce_store.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <thread>

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

int main()
try {
    // The provider: one consumer with an HMAC-SHA1 secret, no tokens, a nonce store.
    const oauth1::consumer_credentials consumer{
        "kd94hf93k423kf44", {}, oauth1::method_set::defaults()};
    auto consumers = [&](std::string_view k) { return k == "example" ? &consumer : nullptr; };
    auto tokens = [](std::string_view,
                     std::string_view) -> std::optional<oauth1::token_credentials> {
        return std::nullopt;
    };
    oauth1::memory_nonce_store nonces;
    const oauth1::request_verifier verifier(consumers, tokens, nonces);
    oauth1::verify_options opts;
    opts.token = oauth1::token_requirement::optional; // two-legged requests accepted

    boost::asio::io_context io;
    tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    const std::string authority = "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
    const oauth1::public_origin origin("http", authority); // the URL clients use: never the Host

    std::thread server([&] { // serves two connections, one request each
        for (int i = 0; i < 2; ++i) {
            tcp::socket socket(io);
            acceptor.accept(socket);
            boost::beast::flat_buffer buffer;
            http::request_parser<http::string_body> parser;
            parser.body_limit(64 * 1024);
            http::read(socket, buffer, parser);
            const auto& req = parser.get();
            const auto r = oauth1::beast::verify(
                verifier, req, origin, oauth1::beast::peer_address(socket.remote_endpoint()), opts);
            if (!r) {
                http::write(socket, oauth1::beast::refuse(req, r, "example"));
                continue;
            }
            http::response<http::string_body> res{http::status::ok, req.version()};
            res.body() = "hello " + r.consumer_key + "\n";
            res.prepare_payload();
            http::write(socket, res);
        }
    });

    // A client: one request signed with oauth1::beast::sign, one without a signature.
    oauth1::client client("example", oauth1::hmac_sha1("kd94hf93k423kf44"));
    int statuses[2] = {};
    for (int i = 0; i < 2; ++i) {
        tcp::socket socket(io);
        socket.connect(acceptor.local_endpoint());
        http::request<http::string_body> req{http::verb::get, "/rest/api/2/myself?expand=groups",
                                             11};
        req.set(http::field::host, authority);
        if (i == 0) oauth1::beast::sign(req, client, {}, oauth1::beast::origin{"http"});
        http::write(socket, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        statuses[i] = res.result_int();
        std::printf("%s request: %d %s%s\n", i == 0 ? "signed" : "unsigned", statuses[i],
                    std::string(res[http::field::www_authenticate]).c_str(), res.body().c_str());
    }
    server.join();
    return statuses[0] == 200 && (statuses[1] == 400 || statuses[1] == 401) ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-beast-server-example: %s\n", e.what());
    return 1;
}
