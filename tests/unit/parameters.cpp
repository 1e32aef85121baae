// Unit tests for oauth1/parameters.hpp: parameter collection and normalisation
// (RFC 5849 3.4.1.3.1, 3.4.1.3.2) and the form content-type test.
#include <oauth1/parameters.hpp>

#include <doctest/doctest.h>

#include "support/vector_file.hpp"
#include "support/xorshift.hpp"

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

struct normalization_vector {
    int line;
    std::string input;
    std::string normalized;
};

std::string field_value(const std::string& field)
{
    return field == "<empty>" ? std::string{} : field;
}

// Reads tests/data/vectors/normalization.txt (format described in its header).
std::vector<normalization_vector> load_normalization_vectors()
{
    std::vector<normalization_vector> rows;
    for (const auto& r : oauth1_test::load_vector_file("normalization.txt"))
        rows.push_back({r.line, field_value(r.first), field_value(r.second)});
    return rows;
}

using pairs = std::vector<std::pair<std::string, std::string>>;

pairs contents(const oauth1::parameter_list& list)
{
    pairs out;
    for (const oauth1::parameter_view p : list) out.emplace_back(p.name, p.value);
    return out;
}

} // namespace

TEST_CASE("normalisation vectors (tests/data/vectors/normalization.txt)")
{
    const auto rows = load_normalization_vectors();
    REQUIRE(rows.size() >= 4); // at least the four rows of VECTORS.md section 2
    for (const auto& row : rows) {
        const std::string name = std::to_string(row.line) + ": " + row.input;
        SUBCASE(name.c_str())
        {
            CAPTURE(row.line);
            CAPTURE(row.input);
            oauth1::parameter_list list;
            std::error_code ec = oauth1::errc::invalid_url; // must be cleared on success
            list.add_form(row.input, ec);
            REQUIRE_FALSE(ec);
            list.sort();
            CHECK(list.normalized() == row.normalized);
            CHECK(list.normalized_size() == row.normalized.size());
            std::string appended = "x&";
            list.normalize_append(appended);
            CHECK(appended == "x&" + row.normalized);

            // The same text through the throwing overload, into a list that already holds one.
            oauth1::parameter_list other;
            other.add("~first", "");
            other.add_form(row.input);
            CHECK(other.size() == list.size() + 1);
            other.sort();
            const std::string expected_other =
                row.normalized.empty() ? "~first=" : row.normalized + "&~first=";
            CHECK(other.normalized() == expected_other);
        }
    }
}

TEST_CASE("add encodes plain names and values per RFC 5849 3.6")
{
    oauth1::parameter_list list;
    CHECK(list.empty());
    list.add("a b", "c&d=e");
    list.add("name", "");
    list.add("", "v");
    list.add("oauth_callback", "http://printer.example.com/ready");
    list.add("sig", "wOJIO9A2W5mFwDgiDvZbTSMK/PY=");
    list.add("u", "\xE3\x80\x81+~");
    REQUIRE(list.size() == 6);
    CHECK_FALSE(list.empty());
    CHECK(contents(list) == pairs{{"a%20b", "c%26d%3De"},
                                  {"name", ""},
                                  {"", "v"},
                                  {"oauth_callback", "http%3A%2F%2Fprinter.example.com%2Fready"},
                                  {"sig", "wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D"},
                                  {"u", "%E3%80%81%2B~"}});
    // Insertion order is kept until sort().
    CHECK(list.normalized() ==
          "a%20b=c%26d%3De&name=&=v&oauth_callback=http%3A%2F%2Fprinter.example.com%2Fready&"
          "sig=wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D&u=%E3%80%81%2B~");
}

TEST_CASE("add_encoded stores names and values verbatim")
{
    oauth1::parameter_list list;
    list.add_encoded("x%21", "%2B");
    list.add_encoded("a", "");
    CHECK(contents(list) == pairs{{"x%21", "%2B"}, {"a", ""}});
    CHECK(list.normalized() == "x%21=%2B&a=");
}

TEST_CASE("operator[] and iteration agree")
{
    oauth1::parameter_list list;
    list.add_form("b=2&a=1&c");
    REQUIRE(list.size() == 3);
    CHECK(list[0].name == "b");
    CHECK(list[0].value == "2");
    CHECK(list[1].name == "a");
    CHECK(list[2].name == "c");
    CHECK(list[2].value == "");
    std::size_t i = 0;
    for (auto it = list.begin(); it != list.end(); ++it, ++i) {
        CHECK((*it).name == list[i].name);
        CHECK((*it).value == list[i].value);
    }
    CHECK(i == 3);
    CHECK_FALSE(list.begin() == list.end());
}

TEST_CASE("duplicates are kept and sorted by value")
{
    oauth1::parameter_list list;
    list.add("a", "2");
    list.add("a", "1");
    list.add("b", "1");
    list.add("a", "1");
    CHECK(list.size() == 4);
    CHECK(list.count("a") == 3);
    list.sort();
    CHECK(list.normalized() == "a=1&a=1&a=2&b=1");
}

TEST_CASE("sort orders by encoded name, then encoded value, never by the joined string")
{
    // The trap: as joined strings "a-b=c" < "a=b" ('-' 0x2D < '=' 0x3D), but by name "a" < "a-b".
    REQUIRE(std::string_view("a-b=c") < std::string_view("a=b"));
    oauth1::parameter_list list;
    list.add("a-b", "c");
    list.add("a", "b");
    list.sort();
    CHECK(contents(list) == pairs{{"a", "b"}, {"a-b", "c"}});
    CHECK(list.normalized() == "a=b&a-b=c");

    SUBCASE("names that are prefixes of each other, values that would reorder the joined string")
    {
        // Joined, "a.=y" < "a=a" ('.' 0x2E < '=' 0x3D); by name, "a" < "a.".
        oauth1::parameter_list l2;
        l2.add("a.", "y");
        l2.add("a", "z");
        l2.add("a", "a");
        l2.sort();
        CHECK(l2.normalized() == "a=a&a=z&a.=y");
    }
    SUBCASE("the encoded form decides, not the decoded one")
    {
        // Decoded, '!' (0x21) < '-' (0x2D); encoded, "%21" starts with '%' (0x25) < '-'.
        // Decoded, '~' (0x7E) < U+00E9 (0xC3 0xA9); encoded, "%C3%A9" < "~".
        oauth1::parameter_list l3;
        l3.add("p", "~");
        l3.add("p", "\xC3\xA9");
        l3.add("x-", "1");
        l3.add("x!", "1");
        l3.sort();
        CHECK(l3.normalized() == "p=%C3%A9&p=~&x%21=1&x-=1");
    }
    SUBCASE("sorting is by bytes: upper case first, \"10\" before \"2\"")
    {
        oauth1::parameter_list l4;
        l4.add("a", "2");
        l4.add("a", "10");
        l4.add("B", "1");
        l4.add("b", "1");
        l4.sort();
        CHECK(l4.normalized() == "B=1&a=10&a=2&b=1");
    }
    SUBCASE("sorting twice changes nothing")
    {
        list.sort();
        CHECK(list.normalized() == "a=b&a-b=c");
    }
}

TEST_CASE("add_form parses names and values")
{
    oauth1::parameter_list list;
    SUBCASE("empty segments are skipped")
    {
        list.add_form("a=1&&b=2");
        CHECK(contents(list) == pairs{{"a", "1"}, {"b", "2"}});
    }
    SUBCASE("a name without '=' has an empty value")
    {
        list.add_form("name");
        CHECK(contents(list) == pairs{{"name", ""}});
        CHECK(list.normalized() == "name=");
    }
    SUBCASE("an empty name is kept")
    {
        list.add_form("=v");
        CHECK(contents(list) == pairs{{"", "v"}});
    }
    SUBCASE("only the first '=' separates name and value")
    {
        list.add_form("a==b");
        CHECK(contents(list) == pairs{{"a", "%3Db"}});
    }
    SUBCASE("'+' is a space, %2B a plus")
    {
        list.add_form("a+b=c+%2B");
        CHECK(contents(list) == pairs{{"a%20b", "c%20%2B"}});
    }
    SUBCASE("empty text adds nothing")
    {
        list.add_form("");
        CHECK(list.empty());
        list.add_form("&");
        CHECK(list.empty());
    }
}

TEST_CASE("add_form with a malformed escape leaves the list unchanged")
{
    for (const char* bad : {"x=1&y=%zz", "%zz=1", "a=1&b=2&c=%", "x=%4", "ok&%G1"}) {
        CAPTURE(bad);
        oauth1::parameter_list list;
        list.add("keep", "1");
        list.add("k2", "v 2");
        const std::string before = list.normalized();

        std::error_code ec;
        list.add_form(bad, ec);
        CHECK(ec == oauth1::errc::invalid_percent_encoding);
        CHECK(list.size() == 2);
        CHECK(list.normalized() == before);
        CHECK(list.normalized_size() == before.size());

        CHECK_THROWS_AS(list.add_form(bad), oauth1::error);
        try {
            list.add_form(bad);
        } catch (const std::system_error& e) {
            CHECK(e.code() == oauth1::errc::invalid_percent_encoding);
        }
        CHECK(list.size() == 2);
        CHECK(list.normalized() == before);

        // The list still works after the failed calls.
        list.add_form("z=2", ec);
        CHECK_FALSE(ec);
        list.add("y", "3");
        CHECK(list.normalized() == "keep=1&k2=v%202&z=2&y=3");
        list.sort();
        CHECK(list.normalized() == "k2=v%202&keep=1&y=3&z=2");
    }
}

TEST_CASE("clear empties the list and it keeps working after reuse")
{
    oauth1::parameter_list list;
    list.reserve(8, 256);
    for (int round = 0; round < 4; ++round) {
        CAPTURE(round);
        list.clear();
        CHECK(list.empty());
        CHECK(list.size() == 0);
        CHECK(list.normalized() == "");
        CHECK(list.normalized_size() == 0);
        CHECK(list.begin() == list.end());
        CHECK(list.count("a") == 0);

        const std::string value = "v" + std::to_string(round);
        list.add_form("b=" + value + "&a=x+y");
        list.add("c", "!");
        list.sort();
        CHECK(list.normalized() == "a=x%20y&b=" + value + "&c=%21");
        CHECK(list.size() == 3);
    }
}

TEST_CASE("count and find compare encoded names")
{
    oauth1::parameter_list list;
    list.add("a b", "1");
    list.add("dup", "first");
    list.add("dup", "second");
    list.add("empty", "");

    CHECK(list.count("a%20b") == 1);
    CHECK(list.count("a b") == 0);
    CHECK(list.count("dup") == 2);
    CHECK(list.count("du") == 0);
    CHECK(list.count("missing") == 0);

    std::string_view value = "sentinel";
    CHECK_FALSE(list.find("missing", value));
    CHECK(value == "sentinel"); // left alone
    CHECK_FALSE(list.find("a b", value));
    CHECK(value == "sentinel");
    CHECK(list.find("a%20b", value));
    CHECK(value == "1");
    CHECK(list.find("dup", value));
    CHECK(value == "first"); // the first one
    CHECK(list.find("empty", value));
    CHECK(value.empty());
}

TEST_CASE("append copies another list's parameters")
{
    oauth1::parameter_list a;
    a.add("x", "1");
    oauth1::parameter_list b;
    b.add("y", "a b");
    b.add_encoded("z", "%2B");
    a.append(b);
    CHECK(contents(a) == pairs{{"x", "1"}, {"y", "a%20b"}, {"z", "%2B"}});
    CHECK(contents(b) == pairs{{"y", "a%20b"}, {"z", "%2B"}}); // source unchanged

    // Self-append doubles the list; the values are long enough that the storage must grow while
    // the list reads from itself.
    const std::string long_value(100, 'q');
    a.add("long", long_value);
    a.append(a);
    const std::string once = "x=1&y=a%20b&z=%2B&long=" + long_value;
    CHECK(a.normalized() == once + "&" + once);
    CHECK(a.size() == 8);
}

TEST_CASE("normalized_size equals normalized().size()")
{
    oauth1::parameter_list list;
    CHECK(list.normalized_size() == 0);
    list.add("a", "");
    CHECK(list.normalized_size() == 2); // "a="
    list.add("", "");
    CHECK(list.normalized_size() == 4); // "a=&="
    list.add("name", "a b");
    CHECK(list.normalized() == "a=&=&name=a%20b");
    CHECK(list.normalized_size() == 15);
    CHECK(list.normalized_size() == list.normalized().size());
}

TEST_CASE("is_form_urlencoded")
{
    static_assert(oauth1::is_form_urlencoded("application/x-www-form-urlencoded"));
    static_assert(!oauth1::is_form_urlencoded("application/json"));

    for (const char* yes :
         {"application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
          " application/x-www-form-urlencoded ;charset=utf-8", "APPLICATION/X-WWW-FORM-URLENCODED",
          "application/x-www-form-urlencoded;", "\tapplication/x-www-form-urlencoded\t",
          "application/x-www-form-urlencoded  "}) {
        CAPTURE(yes);
        CHECK(oauth1::is_form_urlencoded(yes));
    }
    for (const char* no :
         {"application/json", "application/x-www-form-urlencodedx", "multipart/form-data", "", " ",
          ";", "application/x-www-form-urlencode", "xapplication/x-www-form-urlencoded",
          "x-www-form-urlencoded", "application/x-www-form-urlencoded x",
          "text/plain; application/x-www-form-urlencoded", "application / x-www-form-urlencoded"}) {
        CAPTURE(no);
        CHECK_FALSE(oauth1::is_form_urlencoded(no));
    }
}

TEST_CASE("erase removes every parameter of an encoded name and keeps the others in order")
{
    oauth1::parameter_list list;
    list.add_form("a=1&oauth_signature=x&b=2&oauth_signature=y&a+b=3");
    CHECK(list.erase("missing") == 0);
    CHECK(list.size() == 5);
    CHECK(list.erase("oauth_signature") == 2);
    CHECK(list.erase("a b") == 0); // encoded names are compared
    CHECK(contents(list) == pairs{{"a", "1"}, {"b", "2"}, {"a%20b", "3"}});
    CHECK(list.normalized() == "a=1&b=2&a%20b=3");
    CHECK(list.normalized_size() == list.normalized().size());
    CHECK(list.count("oauth_signature") == 0);
    list.add("c", "4");
    list.sort();
    CHECK(list.normalized() == "a=1&a%20b=3&b=2&c=4");
    CHECK(list.erase("a%20b") == 1);
    CHECK(list.normalized() == "a=1&b=2&c=4");
}

TEST_CASE("parameter_list::first_repeated_name finds the first repeated name with a prefix")
{
    oauth1::parameter_list p;
    CHECK(p.first_repeated_name("oauth_").empty());
    p.add("oauth_nonce", "1");
    p.add("a", "x");
    p.add("a", "y"); // repeated, but without the prefix
    p.add("oauth_token", "t");
    p.add("oauth_nonce_", "2"); // a longer name with the same first 8 bytes is another name
    CHECK(p.first_repeated_name("oauth_").empty());
    CHECK(p.first_repeated_name("") == "a");
    p.add("oauth_token", "u");
    CHECK(p.first_repeated_name("oauth_") == "oauth_token");
    p.add("oauth_nonce", "3");
    // The first occurrence in list order wins.
    CHECK(p.first_repeated_name("oauth_") == "oauth_nonce");
    // Names are compared encoded: "oauth_x y" and "oauth_x%20y" are the same parameter.
    oauth1::parameter_list q;
    q.add("oauth_x y", "1");
    q.add_encoded("oauth_x%20y", "2");
    CHECK(q.first_repeated_name("oauth_") == "oauth_x%20y");
}

TEST_CASE("parameter_list::first_repeated_name is O(n log n) on names sharing a long prefix")
{
    // Hostile input before authentication: names that all share the 8-byte sort key and most of
    // their bytes. The pairwise scan this replaced needed n^2/2 name comparisons here (about
    // 5 * 10^11: hours, so CTest's time limit fails it); sorting needs about n log n.
    constexpr std::size_t n = 1'000'000;
    oauth1::parameter_list p;
    p.reserve(n + 1, 16 * (n + 1));
    char name[] = "oauth_zz0000000";
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t v = i;
        for (std::size_t k = sizeof name - 2; k >= 8; --k, v /= 10)
            name[k] = static_cast<char>('0' + v % 10);
        p.add_encoded(std::string_view(name, sizeof name - 1), "v");
    }
    std::vector<std::size_t> scratch;
    CHECK(p.first_repeated_name("oauth_", scratch).empty());
    p.add_encoded("oauth_zz0500000", "again");
    CHECK(p.first_repeated_name("oauth_", scratch) == "oauth_zz0500000");
    CHECK(p.first_repeated_name("oauth_zz05") == "oauth_zz0500000");
    CHECK(p.first_repeated_name("oauth_zz06").empty());
}

TEST_CASE("parameter_list::sort agrees with std::sort on every shape of input")
{
    // The natural merge sort (runs, insertion-extended short runs, pairwise merges back and forth)
    // against a plain sort of (name, value) pairs: random, sorted, reversed, a few sorted runs
    // appended (as the verifier appends its three places), many equal names, and sizes around
    // the run length.
    oauth1_test::xorshift32 rng(12345);
    for (int round = 0; round < 400; ++round) {
        const std::size_t n = round < 100 ? static_cast<std::size_t>(round) : rng() % 3000;
        const int shape = round % 5;
        std::vector<std::pair<std::string, std::string>> plain;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t v = shape == 4 ? rng() % 4 : rng() % 100000;
            plain.emplace_back("n" + std::to_string(v % 997), std::to_string(rng() % 50));
        }
        if (shape == 1) std::sort(plain.begin(), plain.end());
        if (shape == 2) std::sort(plain.rbegin(), plain.rend());
        if (shape == 3) { // three sorted runs
            const auto third = static_cast<std::ptrdiff_t>(n / 3);
            std::sort(plain.begin(), plain.begin() + third);
            std::sort(plain.begin() + third, plain.begin() + 2 * third);
            std::sort(plain.begin() + 2 * third, plain.end());
        }
        oauth1::parameter_list list;
        for (const auto& p : plain) list.add(p.first, p.second);
        list.sort();
        std::sort(plain.begin(), plain.end());
        CAPTURE(round);
        REQUIRE(list.size() == plain.size());
        bool same = true;
        for (std::size_t i = 0; i < n; ++i)
            same = same && list[i].name == plain[i].first && list[i].value == plain[i].second;
        CHECK(same);
        // Sorted, repeated names are found by the one-pass path and agree with the general one.
        std::string expect;
        for (std::size_t i = 1; i < n && expect.empty(); ++i)
            if (plain[i].first == plain[i - 1].first) expect = plain[i].first;
        CHECK(list.first_repeated_name("n") == expect);
    }
}
