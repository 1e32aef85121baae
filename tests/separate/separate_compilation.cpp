// Tests of separate compilation (oauth1/config.hpp): built with OAUTH1_SEPARATE_COMPILATION and
// linked with oauth1::separate (the non-template code compiled once, from oauth1/src.hpp).
// The umbrella header must then not pull in Boost.URL, and everything that moved into the library
// (the signing core, the URL parser, the error category, the client and signer instantiations)
// must give the same results as in header-only mode: OAuth Core 1.0's example signature and the
// Boost.URL fallback of the URL split are checked here; the core unit tests run again in this
// mode as unit_<name>_separate.
#include <oauth1/oauth1.hpp>

#if !defined(OAUTH1_SEPARATE_COMPILATION)
#error "tests/separate/separate_compilation.cpp must be built with OAUTH1_SEPARATE_COMPILATION"
#endif

// Recorded before anything else is included: did <oauth1/oauth1.hpp> include Boost.URL?
#if defined(BOOST_URL_PARSE_HPP) || defined(BOOST_URL_URL_VIEW_HPP)
constexpr bool umbrella_included_boost_url = true;
#else
constexpr bool umbrella_included_boost_url = false;
#endif

#include <doctest/doctest.h>

// A program that calls parse_request_url includes Boost.URL itself.
#include <boost/url/url_view.hpp>

#include <string>
#include <string_view>
#include <system_error>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

// OAuth Core 1.0 Appendix A.5 (VECTORS.md): the photos example, with oauth_version.
constexpr std::string_view photos_url =
    "http://photos.example.net/photos?file=vacation.jpg&size=original";
constexpr std::string_view photos_base_string =
    "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3D"
    "dpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26"
    "oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3D"
    "original";

oauth1::sign_options photos_options()
{
    oauth1::sign_options o;
    o.nonce = "kllo9940pd9333jh";
    o.timestamp = 1191242096;
    return o;
}

template <class Client>
void use_photos_token(Client& c)
{
    c.set_token("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00");
}

} // namespace

TEST_CASE("separate compilation: the umbrella header does not include Boost.URL")
{
    CHECK_FALSE(umbrella_included_boost_url);
}

TEST_CASE("separate compilation: the photos example's signature through the compiled signing core")
{
    SUBCASE("basic_client<hmac_sha1> (an extern template instantiation)")
    {
        oauth1::basic_client<oauth1::hmac_sha1> c("dpf43f3p2l4k3l03",
                                                  oauth1::hmac_sha1("kd94hf93k423kf44"));
        use_photos_token(c);
        const oauth1::signed_request r = c.sign({"GET", photos_url}, photos_options());
        CHECK(r.base_string() == photos_base_string);
        CHECK(r.signature() == "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
        CHECK(r.authorization().find("oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\"") !=
              std::string_view::npos);
    }
    SUBCASE("oauth1::client (any_signer, the method chosen at run time)")
    {
        oauth1::client c("dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
        use_photos_token(c);
        CHECK(c.sign({"GET", photos_url}, photos_options()).signature() ==
              "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    }
    SUBCASE("a client type that is not instantiated in the library (a custom clock)")
    {
        struct fixed_clock {
            std::uint64_t operator()() const noexcept { return 1191242096; }
        };
        oauth1::basic_client<oauth1::hmac_sha1, fixed_clock> c(
            "dpf43f3p2l4k3l03", oauth1::hmac_sha1("kd94hf93k423kf44"));
        use_photos_token(c);
        oauth1::sign_options o;
        o.nonce = "kllo9940pd9333jh";
        CHECK(c.sign({"GET", photos_url}, o).signature() == "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    }
}

TEST_CASE("separate compilation: the URL parser and the errors live in the library")
{
    oauth1::client c("key", oauth1::hmac_sha1("secret"));
    oauth1::signed_request out;
    std::error_code ec;

    // An IPv6 host is not the fast split's shape: Boost.URL (in the library) parses it.
    c.sign({"GET", "HTTP://[::1]:8080/a%20b?q=1"}, photos_options(), out, ec);
    REQUIRE_FALSE(ec);
    CHECK(out.base_string().substr(0, 38) == "GET&http%3A%2F%2F%5B%3A%3A1%5D%3A8080%");

    c.sign({"GET", "ftp://example.com/"}, photos_options(), out, ec);
    CHECK(ec == oauth1::errc::invalid_url);
    CHECK(ec.category().name() == std::string("oauth1"));
    CHECK(ec.message() == "invalid request URL: expected an absolute http or https URI");
    CHECK(&ec.category() == &oauth1::error_category());

    const boost::urls::url_view u = oauth1::parse_request_url("https://Example.COM:443/x?y", ec);
    REQUIRE_FALSE(ec);
    CHECK(std::string_view(u.encoded_path().data(), u.encoded_path().size()) == "/x");
    CHECK(oauth1::base_string_uri("https://Example.COM:443/x?y") == "https://example.com/x");
    (void)oauth1::parse_request_url("http://example.com/?q=%zz", ec);
    CHECK(ec == oauth1::errc::invalid_percent_encoding);
}

TEST_CASE("separate compilation: RSA-SHA1 through an extern template signer")
{
    const oauth1::private_key key = oauth1::load_private_key_file(
        std::string(OAUTH1_TEST_DATA_DIR) + "/keys/bench_rsa1024.pem");
    oauth1::basic_client<oauth1::rsa_sha1> c("dpf43f3p2l4k3l03", oauth1::rsa_sha1(key));
    const oauth1::signed_request r = c.sign({"GET", photos_url}, photos_options());
    const oauth1::rsa_sha1 verifier(key.public_part());
    std::error_code ec;
    CHECK(verifier.verify(r.base_string(), r.signature(), ec));
    CHECK_FALSE(ec);
}
