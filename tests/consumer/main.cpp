// Shared by every consumer project in tests/consumer: proves that a consumer gets oauth1's include
// directory and the link flags of its dependencies (libcrypto, Boost.URL) from the package.
#include <oauth1/error.hpp>

#include <boost/url/parse.hpp>
#include <openssl/crypto.h>

#include <iostream>
#include <string>
#include <system_error>

int main()
{
    const std::error_code ec = oauth1::make_error_code(oauth1::errc::invalid_url);
    if (!ec || std::string(ec.category().name()) != "oauth1") {
        std::cerr << "unexpected error_code from oauth1\n";
        return 1;
    }
    const auto url = boost::urls::parse_uri("https://jira.example.com/plugins/servlet/oauth");
    if (!url || url->host() != "jira.example.com") {
        std::cerr << "Boost.URL did not parse the URL\n";
        return 1;
    }
    std::cout << "oauth1 consumer OK: " << ec.message() << " (" << OpenSSL_version(OPENSSL_VERSION)
              << ")\n";
    return 0;
}
