// Unit tests for oauth1/error.hpp.
#include <oauth1/error.hpp>

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>

TEST_CASE("the error category is named oauth1 and is a single instance")
{
    CHECK(std::string(oauth1::error_category().name()) == "oauth1");
    CHECK(&oauth1::error_category() == &oauth1::error_category());
    CHECK(oauth1::make_error_code(oauth1::errc::invalid_url).category() ==
          oauth1::error_category());
}

TEST_CASE("errc converts implicitly to std::error_code")
{
    static_assert(std::is_error_code_enum<oauth1::errc>::value);
    std::error_code ec = oauth1::errc::key_pem_invalid;
    CHECK(ec);
    CHECK(ec == oauth1::errc::key_pem_invalid);
    CHECK(ec != oauth1::errc::key_der_invalid);
    CHECK(ec.value() == static_cast<int>(oauth1::errc::key_pem_invalid));
    CHECK(&ec.category() == &oauth1::error_category());

    ec = oauth1::errc::ok;
    CHECK_FALSE(ec);
}

TEST_CASE("make_error_code keeps the value and the category")
{
    const std::error_code ec = oauth1::make_error_code(oauth1::errc::invalid_percent_encoding);
    CHECK(ec.value() == 1);
    CHECK(ec.category() == oauth1::error_category());
    CHECK(ec == oauth1::errc::invalid_percent_encoding);
    // Values are stable: they may be stored or sent by users.
    CHECK(static_cast<int>(oauth1::errc::ok) == 0);
    CHECK(static_cast<int>(oauth1::errc::invalid_url) == 2);
}

TEST_CASE("messages describe the error")
{
    auto message = [](oauth1::errc e) { return oauth1::make_error_code(e).message(); };
    CHECK(message(oauth1::errc::ok) == "success");
    CHECK(message(oauth1::errc::invalid_url) ==
          "invalid request URL: expected an absolute http or https URI");
    CHECK(message(oauth1::errc::key_pem_invalid) == "PEM key could not be decoded");
    CHECK(message(oauth1::errc::invalid_authorization_header) ==
          "malformed OAuth Authorization header");
    CHECK(message(oauth1::errc::crypto_policy_refused).find("SHA-1") != std::string::npos);
    CHECK(oauth1::error_category().message(100000) == "unknown oauth1 error");

    SUBCASE("every code from ok to the last one has its own message")
    {
        const int last = static_cast<int>(oauth1::errc::lti_launch_invalid);
        for (int v = 1; v <= last; ++v) {
            CAPTURE(v);
            const std::string text = oauth1::error_category().message(v);
            CHECK_FALSE(text.empty());
            CHECK(text != "unknown oauth1 error");
            CHECK(text != oauth1::error_category().message(v - 1));
        }
    }
}

TEST_CASE("oauth1::error is a std::system_error carrying the code")
{
    static_assert(std::is_base_of<std::system_error, oauth1::error>::value);
    static_assert(std::is_base_of<std::runtime_error, oauth1::error>::value);

    try {
        throw oauth1::error(oauth1::errc::key_not_rsa, "loading consumer key");
    } catch (const std::system_error& e) {
        CHECK(e.code() == oauth1::errc::key_not_rsa);
        CHECK(&e.code().category() == &oauth1::error_category());
        const std::string what = e.what();
        CHECK(what.find("loading consumer key") != std::string::npos);
        CHECK(what.find("key is not an RSA key") != std::string::npos);
    }

    const oauth1::error from_code{std::error_code{oauth1::errc::nonce_source_failed}};
    CHECK(from_code.code() == oauth1::errc::nonce_source_failed);
    const oauth1::error from_errc(oauth1::errc::file_unreadable);
    CHECK(from_errc.code() == oauth1::errc::file_unreadable);
    const oauth1::error with_text(oauth1::make_error_code(oauth1::errc::invalid_method), "GET?");
    CHECK(std::string(with_text.what()).find("GET?") != std::string::npos);
}

TEST_CASE("detail::throw_if throws only for an error")
{
    CHECK_NOTHROW(oauth1::detail::throw_if(std::error_code{}, "nothing"));
    CHECK_THROWS_AS(oauth1::detail::throw_if(oauth1::errc::invalid_argument, "context"),
                    oauth1::error);
    try {
        oauth1::detail::throw_if(oauth1::errc::buffer_too_small, "encode");
        FAIL("throw_if did not throw");
    } catch (const oauth1::error& e) {
        CHECK(e.code() == oauth1::errc::buffer_too_small);
    }
}
