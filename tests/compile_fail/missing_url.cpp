// expect: needs: static url\(const Request&\) returning the absolute URL as sent, or scheme
// A request type with neither url() nor scheme()/host()/target() in its traits.
#include <oauth1/request_traits.hpp>

#include <string_view>

struct req {};
template <>
struct oauth1::request_traits<req> {
    static std::string_view method(const req&) { return "GET"; }
    static std::string_view host(const req&) { return "example.com"; } // no scheme/target
    static std::string_view content_type(const req&) { return {}; }
    static std::string_view body(const req&) { return {}; }
    static void set_header(req&, std::string_view, std::string_view) {}
};

int main()
{
    const oauth1::client c("key", oauth1::hmac_sha1("secret"));
    req r;
    oauth1::sign(r, c);
}
