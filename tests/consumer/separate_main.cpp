// Consumer of oauth1's separate compilation (include/oauth1/config.hpp), shared by the consumer
// projects: built with OAUTH1_SEPARATE_COMPILATION, it signs OAuth Core 1.0's photos example
// (VECTORS.md) through the compiled signing core and checks the signature.
#include <oauth1/oauth1.hpp>

#include <iostream>
#include <string_view>

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#error "separate_main.cpp is built with OAUTH1_SEPARATE_COMPILATION"
#endif

int main()
{
    oauth1::client c("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
    c.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
    oauth1::sign_options o;
    o.nonce = "kllo9940pd9333jh";
    o.timestamp = 1191242096;
    const oauth1::signed_request r =
        c.sign({"GET", "http://photos.example.net/photos?file=vacation.jpg&size=original"}, o);
    if (r.signature() != "tR3+Ty81lMeYAr/Fid0kMTYa/WM=") {
        std::cerr << "unexpected signature " << r.signature() << '\n';
        return 1;
    }
    std::cout << "oauth1 separate-compilation consumer OK: " << r.signature() << '\n';
    return 0;
}
