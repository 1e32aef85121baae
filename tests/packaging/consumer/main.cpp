// A consumer of an INSTALLED oauth1 (the Debian package, or a recipe's install tree): signs
// RFC 5849 §1.2's example request and checks the published signature, so that the package's
// headers, its compile flags and its link flags (libcrypto, Boost.URL) are all exercised.
#include <oauth1/oauth1.hpp>

#include <iostream>
#include <string>

int main()
{
    oauth1::client photos("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
    photos.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
    oauth1::sign_options fixed;
    fixed.nonce = "kllo9940pd9333jh";
    fixed.timestamp = 1191242096;
    const std::string header = photos.authorization_header(
        {"GET", "http://photos.example.net/photos?file=vacation.jpg&size=original"}, fixed);
    const std::string want = "oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\"";
    if (header.find(want) == std::string::npos) {
        std::cerr << "RFC 5849 §1.2 signature not reproduced: " << header << "\n";
        return 1;
    }
    std::cout << "installed oauth1 " << OAUTH1_VERSION_MAJOR << '.' << OAUTH1_VERSION_MINOR << '.'
              << OAUTH1_VERSION_PATCH << ": RFC 5849 §1.2 signature reproduced\n";
    return 0;
}
