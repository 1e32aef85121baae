// expect: needs: static set_header\(Request&
// oauth1::sign() on a request type whose request_traits lacks set_header must not compile, and
// the compiler must say which piece is missing.
#include <oauth1/request_traits.hpp>

#include <string_view>

struct req {};
template <>
struct oauth1::request_traits<req> {
    static std::string_view method(const req&) { return "GET"; }
    static std::string_view url(const req&) { return "http://example.com/"; }
    static std::string_view content_type(const req&) { return {}; }
    static std::string_view body(const req&) { return {}; }
};

int main()
{
    const oauth1::client c("key", oauth1::hmac_sha1("secret"));
    req r;
    oauth1::sign(r, c);
}
