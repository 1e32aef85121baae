// expect: needs: static method\(const Request&\)
// A type without any request_traits specialisation.
#include <oauth1/request_traits.hpp>

struct req {};

int main()
{
    const oauth1::client c("key", oauth1::hmac_sha1("secret"));
    req r;
    oauth1::sign(r, c);
}
