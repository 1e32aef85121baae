// Unit tests for the key errors that name the mistake (oauth1/detail/key_diagnosis.hpp, used by
// the throwing loaders of oauth1/keys.hpp): base64 wrapped over several lines, a key in quotes, a
// multi-line PEM pasted into one line or with escaped line breaks, a public key or a certificate
// where the private key belongs, an encrypted key without a passphrase. The error code stays the
// loader's; the message carries the diagnosis and never key material or a passphrase.
#include <oauth1/keys.hpp>

#include <doctest/doctest.h>

#include <oauth1/detail/key_diagnosis.hpp>
#include <oauth1/error.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

#ifndef OAUTH1_TEST_DATA_DIR
#define OAUTH1_TEST_DATA_DIR "tests/data"
#endif

namespace {

using oauth1::errc;

std::string key_path(const std::string& name)
{
    return std::string(OAUTH1_TEST_DATA_DIR) + "/keys/" + name;
}

std::string read_key_file(const std::string& name)
{
    std::ifstream in(key_path(name), std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing test data file " << name);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

/// The message load_private_key(data, passphrase) throws, checking the code.
std::string load_error(const std::string& data, errc expected, std::string_view passphrase = {})
{
    try {
        (void)oauth1::load_private_key(data, passphrase);
    } catch (const oauth1::error& e) {
        CHECK(e.code() == expected);
        return e.what();
    }
    FAIL("no oauth1::error thrown");
    return {};
}

bool contains(const std::string& s, std::string_view part)
{
    return s.find(part) != std::string::npos;
}

/// The base64 body of a PEM (between the BEGIN and END lines), lines kept.
std::string pem_body(const std::string& pem)
{
    const std::size_t b = pem.find('\n') + 1;
    const std::size_t e = pem.find("-----END");
    return pem.substr(b, e - b);
}

} // namespace

TEST_SUITE("keys_errors")
{
    TEST_CASE("base64 wrapped over several lines is accepted when the lines are clean")
    {
        const std::string wrapped = pem_body(read_key_file("wiki_key.pem"));
        REQUIRE(wrapped.find('\n') != wrapped.size() - 1); // several lines
        CHECK(oauth1::load_private_key(wrapped));
        CHECK(oauth1::load_private_key(wrapped + "\r\n"));
    }

    TEST_CASE("base64 wrapped with a stray character: which one, on which line")
    {
        std::string wrapped = pem_body(read_key_file("wiki_key.pem"));
        // A .properties continuation backslash left at the end of the first line.
        wrapped.insert(wrapped.find('\n'), "\\");
        const std::string msg = load_error(wrapped, errc::key_format_unrecognized);
        CHECK(contains(msg, "a backslash at line 1, character 65 is not base64"));
        CHECK(contains(msg, "wrapped over several lines"));
        // One line with a '%'.
        std::string line = trimmed(read_key_file("wiki_key_jira.txt"));
        line.insert(10, "%");
        CHECK(contains(load_error(line, errc::key_format_unrecognized),
                       "the character '%' at character 11 is not base64"));
        // Cut short.
        std::string cut = trimmed(read_key_file("wiki_key_jira.txt"));
        cut.resize(cut.size() - 3);
        const std::string m = load_error(cut, cut.size() % 4 == 0 ? errc::key_der_invalid
                                                                   : errc::key_base64_invalid);
        if (cut.size() % 4 != 0) CHECK(contains(m, "cut short"));
    }

    TEST_CASE("a key in quotes: remove them")
    {
        const std::string line = trimmed(read_key_file("wiki_key_jira.txt"));
        for (const std::string& quoted : {"\"" + line + "\"", "'" + line + "'", "\"" + line}) {
            const std::string msg = load_error(quoted, errc::key_format_unrecognized);
            CHECK(contains(msg, "the key is in quotes: remove them"));
            CHECK(!contains(msg, line.substr(0, 16)));
        }
    }

    TEST_CASE("a PEM pasted into one line, or with its line breaks escaped as \\n")
    {
        const std::string pem = read_key_file("wiki_key.pem");
        std::string one_line;
        for (const char c : pem)
            if (c != '\n') one_line += c;
        std::string msg = load_error(one_line, errc::key_pem_invalid);
        CHECK(contains(msg, "lost its line breaks"));
        std::string spaced;
        for (const char c : pem) spaced += c == '\n' ? ' ' : c;
        CHECK(contains(load_error("private_key=" + spaced, errc::key_pem_invalid),
                       "lost its line breaks"));
        std::string escaped;
        for (const char c : pem) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
        msg = load_error(escaped, errc::key_pem_invalid);
        CHECK(contains(msg, "line breaks are written as \\n"));
        CHECK(!contains(msg, pem_body(pem).substr(0, 16)));
    }

    TEST_CASE("a public key or a certificate where the private key belongs")
    {
        for (const char* file : {"wiki_pub.pem", "wiki_pub_pkcs1.pem", "wiki_pub.der"}) {
            CAPTURE(file);
            const std::string msg = load_error(read_key_file(file), errc::key_not_private);
            CHECK(contains(msg, "this is a public key, not a private key"));
            CHECK(contains(msg, "the private key is the other half of the key pair"));
        }
        for (const char* file : {"wiki_cert.pem", "wiki_cert.der"}) {
            CAPTURE(file);
            const std::string msg = load_error(read_key_file(file), errc::key_not_private);
            CHECK(contains(msg, "this is an X.509 certificate, not a private key"));
        }
        // Also from a file: the file name and the diagnosis.
        try {
            (void)oauth1::load_private_key_file(key_path("wiki_cert.pem"));
            FAIL("no error");
        } catch (const oauth1::error& e) {
            CHECK(e.code() == errc::key_not_private);
            CHECK(contains(e.what(), "wiki_cert.pem"));
            CHECK(contains(e.what(), "X.509 certificate"));
        }
    }

    TEST_CASE("an encrypted key without a passphrase: how to give one or decrypt it")
    {
        std::string msg =
            load_error(read_key_file("wiki_key_enc.pem"), errc::key_passphrase_required);
        CHECK(contains(msg, "the private key is encrypted: give its passphrase"));
        CHECK(contains(msg, "openssl pkcs8 -in enc.pem -out key.pem"));
        msg = load_error(read_key_file("wiki_key_enc_pkcs1.pem"), errc::key_passphrase_required);
        CHECK(contains(msg, "openssl pkey -in enc.pem -out key.pem"));
        // A wrong one gets no such advice, and is never echoed.
        msg = load_error(read_key_file("wiki_key_enc.pem"), errc::key_passphrase_wrong, "guess-123");
        CHECK(!contains(msg, "guess-123"));
        CHECK(!contains(msg, "openssl pkcs8"));
    }

    TEST_CASE("a file name where the key belongs")
    {
        CHECK(contains(load_error("/home/me/jira_privatekey.pem", errc::key_format_unrecognized),
                       "looks like a file name"));
    }

    TEST_CASE("the error_code forms are unchanged; nothing is diagnosed for a good key")
    {
        std::error_code ec;
        CHECK(!oauth1::load_private_key("\"abc\"", ec));
        CHECK(ec == errc::key_format_unrecognized);
        CHECK(oauth1::detail::describe_private_key_problem(read_key_file("wiki_key.pem"), {}, false)
                  .empty());
    }
}
