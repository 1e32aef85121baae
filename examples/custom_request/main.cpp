// oauth1-custom-request-example: signs a request of a user-defined type through the
// oauth1::request_traits customisation point (see my_request.hpp) and prints its Authorization
// header. Usage: oauth1-custom-request-example [URL]
#include "my_request.hpp"

#include <oauth1/client.hpp>
#include <oauth1/signature_method.hpp>

#include <cstdio>
#include <exception>

int main(int argc, char** argv)
try {
    const oauth1::client client("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
    my_request req{"POST",
                   argc > 1 ? argv[1] : "https://photos.example.net/photos?size=original",
                   "file=vacation.jpg",
                   {{"Content-Type", "application/x-www-form-urlencoded"}}};
    const oauth1::signed_request s = oauth1::sign(req, client); // sets req.headers["Authorization"]
    std::printf("base string: %s\nAuthorization: %s\n", std::string(s.base_string()).c_str(),
                req.headers["Authorization"].c_str());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-custom-request-example: %s\n", e.what());
    return 1;
}
