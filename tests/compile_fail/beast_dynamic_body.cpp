// expect: does not hold its body as one contiguous range
// oauth1::beast::sign() on a request whose body cannot be viewed as one range of bytes (Beast's
// dynamic_body, a buffer sequence) must not compile, with one clear message.
#include <oauth1/adapters/beast.hpp>

#include <boost/beast/http.hpp>

int main()
{
    const oauth1::client c("key", oauth1::hmac_sha1("secret"));
    boost::beast::http::request<boost::beast::http::dynamic_body> req{
        boost::beast::http::verb::post, "/x", 11};
    req.set(boost::beast::http::field::host, "example.com");
    oauth1::beast::sign(req, c, {}, {"https", ""});
}
