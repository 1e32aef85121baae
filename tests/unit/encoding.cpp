// Unit tests for oauth1/encoding.hpp: RFC 5849 3.6 percent-encoding and form decoding.
#include <oauth1/encoding.hpp>

#include <doctest/doctest.h>

#include "support/vector_file.hpp"
#include "support/xorshift.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

struct encoding_vector {
    int line;
    std::string label;
    std::string input;
    std::string encoded;
};

// The UTF-8 bytes of one code point (the test's own encoder, independent of the library).
std::string utf8(std::uint32_t cp)
{
    std::string s;
    if (cp < 0x80) {
        s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        s.push_back(static_cast<char>(0xC0U | (cp >> 6)));
        s.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    } else if (cp < 0x10000) {
        s.push_back(static_cast<char>(0xE0U | (cp >> 12)));
        s.push_back(static_cast<char>(0x80U | ((cp >> 6) & 0x3FU)));
        s.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    } else {
        s.push_back(static_cast<char>(0xF0U | (cp >> 18)));
        s.push_back(static_cast<char>(0x80U | ((cp >> 12) & 0x3FU)));
        s.push_back(static_cast<char>(0x80U | ((cp >> 6) & 0x3FU)));
        s.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    }
    return s;
}

// Reads tests/data/vectors/encoding.txt (format described in its header).
std::vector<encoding_vector> load_encoding_vectors()
{
    std::vector<encoding_vector> rows;
    for (const auto& r : oauth1_test::load_vector_file("encoding.txt")) {
        std::string input = r.first;
        if (input.size() > 2 && input[0] == 'U' && input[1] == '+') {
            input = utf8(static_cast<std::uint32_t>(std::stoul(input.substr(2), nullptr, 16)));
        }
        rows.push_back({r.line, r.first, input, r.second});
    }
    return rows;
}

bool is_unreserved_by_hand(unsigned b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
           b == '.' || b == '_' || b == '~';
}

std::string percent_triplet(unsigned b)
{
    const char* const hex = "0123456789ABCDEF";
    return std::string{'%', hex[b / 16], hex[b % 16]};
}

std::string random_bytes(std::mt19937& rng, std::size_t max_len)
{
    std::uniform_int_distribution<std::size_t> len(0, max_len);
    std::uniform_int_distribution<int> byte(0, 255);
    std::string s(len(rng), '\0');
    for (char& c : s) c = static_cast<char>(static_cast<unsigned char>(byte(rng)));
    return s;
}

const char* const malformed_escapes[] = {"%",   "%4",  "%G1",  "abc%", "%%",  "%4G", "% 1",
                                         "%-1", "a%2", "%2B%", "%%41", "%+1", "%0x", "ok%zzok"};

} // namespace

// Compile-time guarantees of the constexpr API.
static_assert(oauth1::is_unreserved('a') && oauth1::is_unreserved('Z') &&
              oauth1::is_unreserved('0'));
static_assert(oauth1::is_unreserved('-') && oauth1::is_unreserved('.') &&
              oauth1::is_unreserved('_') && oauth1::is_unreserved('~'));
static_assert(!oauth1::is_unreserved('+') && !oauth1::is_unreserved('%') &&
              !oauth1::is_unreserved(' ') && !oauth1::is_unreserved('\xC3'));
static_assert(oauth1::percent_encoded_size("") == 0);
static_assert(oauth1::percent_encoded_size("a b&~") == 9);

TEST_CASE("percent_encode matches the conformance vectors (tests/data/vectors/encoding.txt)")
{
    const auto rows = load_encoding_vectors();
    REQUIRE(rows.size() >= 10); // at least the ten rows of VECTORS.md section 1
    for (const auto& row : rows) {
        SUBCASE(row.label.c_str())
        {
            CAPTURE(row.line);
            CAPTURE(row.label);
            CHECK(oauth1::percent_encode(row.input) == row.encoded);
            CHECK(oauth1::percent_encoded_size(row.input) == row.encoded.size());
            std::string appended = "prefix:";
            oauth1::percent_encode_append(row.input, appended);
            CHECK(appended == "prefix:" + row.encoded);
            CHECK(oauth1::percent_decode(row.encoded) == row.input);
        }
    }
}

TEST_CASE("every byte 0..255 encodes to itself iff unreserved, else to upper-case %XX")
{
    int unreserved_count = 0;
    for (unsigned b = 0; b < 256; ++b) {
        CAPTURE(b);
        const std::string in(1, static_cast<char>(static_cast<unsigned char>(b)));
        const bool unreserved = is_unreserved_by_hand(b);
        unreserved_count += unreserved ? 1 : 0;
        const std::string expected = unreserved ? in : percent_triplet(b);
        CHECK(oauth1::is_unreserved(in[0]) == unreserved);
        CHECK(oauth1::percent_encode(in) == expected);
        CHECK(oauth1::percent_encoded_size(in) == expected.size());
        // Decoding accepts both cases of hex digits.
        CHECK(oauth1::percent_decode(percent_triplet(b)) == in);
        std::string lower = percent_triplet(b);
        for (char& c : lower)
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        CHECK(oauth1::percent_decode(lower) == in);
    }
    CHECK(unreserved_count == 26 + 26 + 10 + 4);

    // All 256 bytes in one string: 66 unreserved stay, 190 become three characters.
    std::string all;
    for (unsigned b = 0; b < 256; ++b)
        all.push_back(static_cast<char>(static_cast<unsigned char>(b)));
    CHECK(oauth1::percent_encoded_size(all) == 66 + 190 * 3);
    CHECK(oauth1::percent_encode(all).size() == 66 + 190 * 3);
}

TEST_CASE("percent_encode into a caller buffer writes exactly percent_encoded_size characters")
{
    const std::string_view in = "a b/~\xE3\x80\x81";
    const std::string expected = "a%20b%2F~%E3%80%81";
    REQUIRE(oauth1::percent_encoded_size(in) == expected.size());
    std::string buffer(expected.size() + 4, '#');
    char* const end = oauth1::percent_encode(in, buffer.data());
    CHECK(end == buffer.data() + expected.size());
    CHECK(buffer.substr(0, expected.size()) == expected);
    CHECK(buffer.substr(expected.size()) == "####"); // nothing written past the end

    char empty_buffer[1] = {'#'};
    CHECK(oauth1::percent_encode(std::string_view{}, empty_buffer) == empty_buffer);
    CHECK(empty_buffer[0] == '#');
}

TEST_CASE("embedded NUL bytes are encoded, not treated as the end of the input")
{
    const std::string in("a\0b", 3);
    CHECK(oauth1::percent_encode(in) == "a%00b");
    CHECK(oauth1::percent_decode("a%00b") == in);
}

TEST_CASE("decode(encode(x)) == x for random byte strings")
{
    std::mt19937 rng(5849); // fixed seed: reproducible
    for (int i = 0; i < 2000; ++i) {
        const std::string x = random_bytes(rng, 64);
        const std::string e = oauth1::percent_encode(x);
        CAPTURE(i);
        CAPTURE(e);
        CHECK(e.size() == oauth1::percent_encoded_size(x));
        // The output alphabet: unreserved characters and '%' followed by two upper-case hex digits.
        const auto upper_hex = [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        };
        bool well_formed = true;
        for (std::size_t k = 0; k < e.size(); ++k) {
            if (e[k] == '%') {
                well_formed =
                    well_formed && k + 2 < e.size() && upper_hex(e[k + 1]) && upper_hex(e[k + 2]);
                k += 2;
            } else {
                well_formed =
                    well_formed && is_unreserved_by_hand(static_cast<unsigned char>(e[k]));
            }
        }
        CHECK(well_formed);
        std::error_code ec = oauth1::errc::invalid_url; // must be cleared on success
        CHECK(oauth1::percent_decode(e, ec) == x);
        CHECK_FALSE(ec);
        // Encoding never produces '+', so form decoding gives the same result.
        CHECK(oauth1::form_decode(e) == x);
        // Re-encoding an encoded string is the identity (decode once, encode once).
        std::string recoded;
        oauth1::percent_recode_append(e, recoded, ec);
        CHECK_FALSE(ec);
        CHECK(recoded == e);
    }
}

TEST_CASE("percent_decode: hex case, '+' handling and form_decode")
{
    CHECK(oauth1::percent_decode("%41%62%2f%2F%c3%A9") == "Ab//\xC3\xA9");
    CHECK(oauth1::percent_decode("") == "");
    CHECK(oauth1::percent_decode("plain-text_~.") == "plain-text_~.");
    CHECK(oauth1::percent_decode("%2525") == "%25"); // decoded exactly once

    SUBCASE("'+' is a literal plus by default")
    {
        CHECK(oauth1::percent_decode("a+b") == "a+b");
        CHECK(oauth1::percent_decode("a+b", oauth1::decode_opts{}) == "a+b");
        std::error_code ec;
        CHECK(oauth1::percent_decode("+%2B+", ec) == "+++");
        CHECK_FALSE(ec);
    }
    SUBCASE("'+' is a space with plus_as_space")
    {
        oauth1::decode_opts opts;
        opts.plus_as_space = true;
        CHECK(oauth1::percent_decode("a+b", opts) == "a b");
        CHECK(oauth1::percent_decode("+%2B+", opts) == " + ");
        std::error_code ec;
        CHECK(oauth1::percent_decode("a+b%20c", ec, opts) == "a b c");
        CHECK_FALSE(ec);
    }
    SUBCASE("form_decode treats '+' as a space and %2B as a plus")
    {
        CHECK(oauth1::form_decode("a+b%2Bc") == "a b+c");
        CHECK(oauth1::form_decode("2+q") == "2 q");
        std::error_code ec = oauth1::errc::invalid_url;
        CHECK(oauth1::form_decode("r%20b+", ec) == "r b ");
        CHECK_FALSE(ec);
    }
    SUBCASE("percent_decode_append appends")
    {
        std::string out = "x";
        std::error_code ec;
        oauth1::percent_decode_append("%41+", out, ec);
        CHECK_FALSE(ec);
        CHECK(out == "xA+");
        oauth1::percent_decode_append("+", out, ec, oauth1::decode_opts{true});
        CHECK(out == "xA+ ");
    }
}

TEST_CASE("malformed escapes give errc::invalid_percent_encoding")
{
    for (const char* bad : malformed_escapes) {
        SUBCASE(bad)
        {
            CAPTURE(bad);
            std::error_code ec;
            CHECK(oauth1::percent_decode(bad, ec).empty());
            CHECK(ec == oauth1::errc::invalid_percent_encoding);
            CHECK(ec.category() == oauth1::error_category());

            ec.clear();
            CHECK(oauth1::form_decode(bad, ec).empty());
            CHECK(ec == oauth1::errc::invalid_percent_encoding);

            ec.clear();
            CHECK(oauth1::percent_decode(bad, ec, oauth1::decode_opts{true}).empty());
            CHECK(ec == oauth1::errc::invalid_percent_encoding);

            CHECK_THROWS_AS(oauth1::percent_decode(bad), oauth1::error);
            CHECK_THROWS_AS(oauth1::form_decode(bad), std::system_error);
            try {
                (void)oauth1::percent_decode(bad);
                FAIL("percent_decode did not throw");
            } catch (const std::system_error& e) {
                CHECK(e.code() == oauth1::errc::invalid_percent_encoding);
                CHECK(dynamic_cast<const oauth1::error*>(&e) != nullptr);
            }
        }
    }
}

TEST_CASE("percent_decode_append keeps what was decoded before a malformed escape")
{
    std::string out = "x";
    std::error_code ec;
    oauth1::percent_decode_append("ab%2", out, ec);
    CHECK(ec == oauth1::errc::invalid_percent_encoding);
    CHECK(out == "xab");

    // A later successful call clears the error.
    oauth1::percent_decode_append("%63", out, ec);
    CHECK_FALSE(ec);
    CHECK(out == "xabc");
}

TEST_CASE("percent_recode_append decodes once and encodes once")
{
    const auto recode = [](std::string_view in, bool plus_as_space) {
        std::string out;
        std::error_code ec = oauth1::errc::invalid_url; // must be cleared
        oauth1::percent_recode_append(in, out, ec, oauth1::decode_opts{plus_as_space});
        CHECK_FALSE(ec);
        return out;
    };
    for (const bool plus_as_space : {false, true}) {
        CAPTURE(plus_as_space);
        CHECK(recode("%2B", plus_as_space) == "%2B");
        CHECK(recode("%2b", plus_as_space) == "%2B");
        CHECK(recode("!*'()", plus_as_space) == "%21%2A%27%28%29");
        CHECK(recode("%21%2a%27%28%29", plus_as_space) == "%21%2A%27%28%29");
        CHECK(recode("%2f%3d%c3%a9", plus_as_space) == "%2F%3D%C3%A9");
        CHECK(recode("%7e%7E~%41%2D", plus_as_space) == "~~~A-"); // unreserved come out plain
        CHECK(recode("a b", plus_as_space) == "a%20b");
        CHECK(recode("%20", plus_as_space) == "%20");
        CHECK(recode("%253D", plus_as_space) == "%253D");
        CHECK(recode("", plus_as_space) == "");
        CHECK(recode("\xE3\x80\x81", plus_as_space) == "%E3%80%81");
    }
    CHECK(recode("a+b", true) == "a%20b");
    CHECK(recode("a+b", false) == "a%2Bb");
    CHECK(recode("+%2B", true) == "%20%2B");
    CHECK(recode("+%2B", false) == "%2B%2B");

    // The default is form semantics ('+' is a space), as documented in the signature.
    std::string out;
    std::error_code ec;
    oauth1::percent_recode_append("2+q", out, ec);
    CHECK_FALSE(ec);
    CHECK(out == "2%20q");

    // Appends after existing content.
    out = "pre&";
    oauth1::percent_recode_append("x y", out, ec, oauth1::decode_opts{false});
    CHECK(out == "pre&x%20y");
}

TEST_CASE("percent_recode_append appends nothing on a malformed escape")
{
    for (const char* bad : malformed_escapes) {
        for (const bool plus_as_space : {false, true}) {
            CAPTURE(bad);
            CAPTURE(plus_as_space);
            std::string out = "keep";
            std::error_code ec;
            oauth1::percent_recode_append(bad, out, ec, oauth1::decode_opts{plus_as_space});
            CHECK(ec == oauth1::errc::invalid_percent_encoding);
            CHECK(out == "keep");
            CHECK(out.size() == 4);
        }
    }
}

TEST_CASE("percent_recode_append equals encode(decode(x)) on generated input")
{
    // The run-copying recoder must give exactly what decoding then encoding gives.
    const std::string alphabet =
        std::string("aZ09-._~%+ =&!*'()/:?#[]@$,;\"<>\\^`{|}\x7f\x80\xc3\xa9") +
        std::string(1, '\0') + "2bBfF";
    oauth1_test::xorshift32 next(2463534242U);
    std::size_t checked = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string in;
        const std::size_t len = next() % 24;
        for (std::size_t k = 0; k < len; ++k) {
            const std::uint32_t x = next();
            if (x % 5 == 0) {
                static const char hex[] = "0123456789abcdefABCDEF";
                in += '%';
                in += hex[(x >> 8) % 22];
                in += hex[(x >> 16) % 22];
            } else {
                in += alphabet[(x >> 3) % alphabet.size()];
            }
        }
        for (const bool plus : {false, true}) {
            std::error_code ec_decode;
            const std::string decoded =
                oauth1::percent_decode(in, ec_decode, oauth1::decode_opts{plus});
            std::string recoded = "prefix";
            std::error_code ec;
            oauth1::percent_recode_append(in, recoded, ec, oauth1::decode_opts{plus});
            INFO(in);
            CHECK(bool(ec) == bool(ec_decode));
            if (ec) {
                CHECK(recoded == "prefix");
            } else {
                CHECK(recoded == "prefix" + oauth1::percent_encode(decoded));
                ++checked;
            }
        }
    }
    CHECK(checked > 10000);
}

TEST_CASE("percent_recode_append equals encode(decode(x)) on long, mostly unreserved input")
{
    // Long runs of unreserved characters go through the 16-byte scan (SSE2) and the inline copy
    // of runs up to 32 bytes; their ends must be found and copied exactly.
    const std::string unreserved_set =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
    const std::string other =
        std::string("%+ =&!*'/:?@`{\x7f\x80\xff/[", 20) + std::string(1, '\0');
    oauth1_test::xorshift32 next(88172645U);
    std::size_t checked = 0;
    for (int i = 0; i < 5000; ++i) {
        std::string in;
        const std::size_t len = next() % 200;
        const std::uint32_t density = 2 + next() % 60; // one special byte in `density`
        for (std::size_t k = 0; k < len; ++k) {
            const std::uint32_t r = next();
            if (r % density == 0) {
                const char c = other[(r >> 8) % other.size()];
                if (c == '%') {
                    in += (r >> 20) % 2 == 0 ? "%41" : "%2f";
                } else {
                    in += c;
                }
            } else {
                in += unreserved_set[(r >> 8) % unreserved_set.size()];
            }
        }
        for (const bool plus : {false, true}) {
            std::error_code ec_decode;
            const std::string decoded =
                oauth1::percent_decode(in, ec_decode, oauth1::decode_opts{plus});
            REQUIRE_FALSE(ec_decode);
            std::string recoded = "prefix";
            std::error_code ec;
            oauth1::percent_recode_append(in, recoded, ec, oauth1::decode_opts{plus});
            INFO(in);
            REQUIRE_FALSE(ec);
            CHECK(recoded == "prefix" + oauth1::percent_encode(decoded));
            ++checked;
        }
    }
    CHECK(checked == 10000);
}

TEST_CASE("detail::unreserved_run finds the first reserved byte at every position")
{
    const std::string unreserved_set =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
    std::size_t checked = 0;
    for (std::size_t len = 0; len <= 48; ++len) {
        std::string buf;
        for (std::size_t i = 0; i < len; ++i) buf += unreserved_set[(i * 7 + len) % 66];
        // All unreserved: the run is the whole buffer.
        CHECK(oauth1::detail::unreserved_run(buf.data(), buf.data() + len) == len);
        for (std::size_t pos = 0; pos < len; ++pos) {
            for (int b = 0; b < 256; ++b) {
                std::string s = buf;
                s[pos] = static_cast<char>(b);
                const std::size_t expected = oauth1::is_unreserved(s[pos]) ? len : pos;
                const std::size_t got = oauth1::detail::unreserved_run(s.data(), s.data() + len);
                if (got != expected) {
                    INFO("len " << len << " pos " << pos << " byte " << b);
                    CHECK(got == expected);
                }
                ++checked;
            }
        }
        // The scan never looks past `end`: a reserved byte just beyond it does not count.
        std::string longer = buf + "&";
        CHECK(oauth1::detail::unreserved_run(longer.data(), longer.data() + len) == len);
    }
    CHECK(checked == 256 * (48 * 49 / 2));
}

TEST_CASE("detail::copy_run copies exactly n bytes for every n from 0 to 64")
{
    std::string src;
    for (int i = 0; i < 64; ++i) src += static_cast<char>('A' + i % 26);
    for (std::size_t n = 0; n <= 64; ++n) {
        std::string dst(80, '#');
        char* const end = oauth1::detail::copy_run(dst.data() + 4, src.data(), n);
        INFO("n = " << n);
        CHECK(end == dst.data() + 4 + n);
        CHECK(dst.substr(0, 4) == "####");
        CHECK(dst.substr(4, n) == src.substr(0, n));
        CHECK(dst.substr(4 + n) == std::string(80 - 4 - n, '#'));
    }
}

TEST_CASE("detail::find_first_of_bytes finds the first stop byte at every position")
{
    std::size_t checked = 0;
    for (std::size_t len = 0; len <= 40; ++len) {
        const std::string plain(len, 'a');
        CHECK(oauth1::detail::find_first_of_bytes<'"', '\\', '\r', '\n', '\0'>(
                  plain.data(), plain.data() + len) == len);
        for (std::size_t pos = 0; pos < len; ++pos) {
            for (int b = 0; b < 256; ++b) {
                std::string s = plain;
                s[pos] = static_cast<char>(b);
                const char c = s[pos];
                const bool stop = c == '"' || c == '\\' || c == '\r' || c == '\n' || c == '\0';
                const std::size_t got =
                    oauth1::detail::find_first_of_bytes<'"', '\\', '\r', '\n', '\0'>(
                        s.data(), s.data() + len);
                if (got != (stop ? pos : len)) {
                    INFO("len " << len << " pos " << pos << " byte " << b);
                    CHECK(got == (stop ? pos : len));
                }
                ++checked;
            }
            // The first of two stop bytes is found.
            if (pos + 1 < len) {
                std::string two = plain;
                two[pos] = '=';
                two[len - 1] = ',';
                CHECK(oauth1::detail::find_first_of_bytes<'=', ','>(two.data(), two.data() + len) ==
                      pos);
            }
        }
        // Nothing past `end` is looked at.
        const std::string longer = plain + "\"";
        CHECK(oauth1::detail::find_first_of_bytes<'"'>(longer.data(), longer.data() + len) == len);
    }
    CHECK(checked == 256 * (40 * 41 / 2));
}
