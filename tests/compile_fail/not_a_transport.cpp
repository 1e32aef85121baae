// expect: a transport must be callable as http_response\(const http_request&, std::error_code&\)
// The flow refuses a callable that is not a transport.
#include <oauth1/flow.hpp>

int main()
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    auto not_transport = [](int) { return 0; };
    (void)oauth1::request_temporary_credentials(not_transport, c, "http://example.com/rt");
}
