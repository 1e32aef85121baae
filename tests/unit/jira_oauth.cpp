// Unit tests of jira-oauth's own code (tools/jira-oauth, tools/common): the Java .properties reader
// and writer, config.properties settings and placeholder file, the command line, and what it prints
// (foreign text made terminal-safe).
#include "../../tools/common/properties.hpp"

#include "../../tools/jira-oauth/config.hpp"
#include "../../tools/jira-oauth/options.hpp"
#include "../../tools/jira-oauth/output.hpp"

#include <oauth1/error.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/problem.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using jira_oauth::properties;

namespace {

std::string value_of(std::string_view text, std::string_view key)
{
    const auto v = properties::parse(text).get(key);
    REQUIRE_MESSAGE(v.has_value(), "no key '" << key << "' in: " << text);
    return *v;
}

/// A fresh directory under the system temp directory, removed on destruction.
struct temp_dir {
    fs::path path;
    temp_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "jira_oauth_test.XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    std::string file(const std::string& name) const { return (path / name).string(); }
    std::vector<std::string> entries() const
    {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename());
        return out;
    }
};

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const std::string& path)
{
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777U;
}

jira_oauth::options parse(std::vector<std::string_view> args)
{
    return jira_oauth::parse_command_line(args);
}

std::string usage_message(std::vector<std::string_view> args)
{
    try {
        (void)parse(std::move(args));
    } catch (const jira_oauth::usage_error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_SUITE("jira_oauth properties: reading as java.util.Properties.load")
{
    TEST_CASE("separators: '=', ':', blanks, and blanks around them")
    {
        CHECK(value_of("a=b", "a") == "b");
        CHECK(value_of("a:b", "a") == "b");
        CHECK(value_of("a b", "a") == "b");
        CHECK(value_of("a\tb", "a") == "b");
        CHECK(value_of("  a  =   b", "a") == "b");
        CHECK(value_of("a = = b", "a") == "= b"); // only one separator is skipped
        CHECK(value_of("a:=b", "a") == "=b");
        CHECK(value_of("a   :   b", "a") == "b");
        CHECK(value_of("a=b  ", "a") == "b  "); // trailing blanks belong to the value
        CHECK(value_of("a=", "a").empty());
        CHECK(value_of("a", "a").empty());
        CHECK(value_of("a=b=c:d", "a") == "b=c:d");
        CHECK(value_of("jira_home: https://jira.example.com:8443/jira", "jira_home") ==
              "https://jira.example.com:8443/jira");
    }

    TEST_CASE("escaped separators and blanks belong to the key")
    {
        CHECK(value_of("a\\=b=c", "a=b") == "c");
        CHECK(value_of("a\\:b:c", "a:b") == "c");
        CHECK(value_of("key\\ with\\ spaces = v", "key with spaces") == "v");
        CHECK(value_of("a\\\\=b", "a\\") == "b"); // an escaped backslash does not escape '='
    }

    TEST_CASE("comments and blank lines")
    {
        const properties p = properties::parse("# comment=1\n! also=2\n   # indented=3\n\n  \t\n"
                                               "real=4\n");
        CHECK(p.entries().size() == 1);
        CHECK(p.get("real") == "4");
        CHECK_FALSE(p.contains("# comment"));
        CHECK_FALSE(p.contains("#"));
        // A comment line is never continued, even when it ends with a backslash.
        const properties q = properties::parse("# comment \\\nkey=v\n");
        CHECK(q.get("key") == "v");
        // '#' inside a value or after a continuation is text.
        CHECK(value_of("a=b # not a comment", "a") == "b # not a comment");
        CHECK(value_of("a=b\\\n#c", "a") == "b#c");
    }

    TEST_CASE("continuation lines")
    {
        CHECK(value_of("private_key=MIIC\\\n    dgIB\\\n\tADAN\n", "private_key") ==
              "MIICdgIBADAN");
        CHECK(value_of("a=x\\\r\n  y\r\nb=z", "a") == "xy"); // CRLF
        CHECK(value_of("a=x\\\r  y\rb=z", "a") == "xy");     // CR only
        // An even number of backslashes is escaped backslashes, not a continuation.
        const properties p = properties::parse("a=x\\\\\nb=y\n");
        CHECK(p.get("a") == "x\\");
        CHECK(p.get("b") == "y");
        // Three: one escaped backslash, then a continuation.
        CHECK(value_of("a=x\\\\\\\ny", "a") == "x\\y");
        // A backslash at the very end of the file is dropped.
        CHECK(value_of("a=x\\", "a") == "x");
        // An empty continuation line ends the logical line.
        const properties q = properties::parse("a=x\\\n\nb=y");
        CHECK(q.get("a") == "x");
        CHECK(q.get("b") == "y");
        // The key itself may continue.
        CHECK(value_of("ke\\\n  y=v", "key") == "v");
    }

    TEST_CASE("escapes in values")
    {
        CHECK(value_of("a=\\t\\n\\r\\f", "a") == "\t\n\r\f");
        CHECK(value_of("a=\\q\\#\\!\\ x", "a") == "q#! x");
        CHECK(value_of("a=\\u0041\\u00e9\\u20AC", "a") == "A\xC3\xA9\xE2\x82\xAC");
        CHECK(value_of("a=\\uD83D\\uDE00", "a") == "\xF0\x9F\x98\x80"); // surrogate pair
        CHECK(value_of("a=\\uD83Dx", "a") == "\xEF\xBF\xBDx");          // lone surrogate
        CHECK(value_of("\\u006Bey=v", "key") == "v");
        CHECK(value_of("a=caf\xC3\xA9", "a") == "caf\xC3\xA9"); // raw UTF-8 kept as is
    }

    TEST_CASE("a malformed \\uXXXX names the file, line and key, never the value")
    {
        const std::string text = "# c\nprivate_key=MIICsecret\\u12G4more\n";
        try {
            (void)properties::parse(text, "config.properties");
            FAIL("no error");
        } catch (const jira_oauth::properties_error& e) {
            const std::string what = e.what();
            CHECK(what.find("config.properties line 2") != std::string::npos);
            CHECK(what.find("'private_key'") != std::string::npos);
            CHECK(what.find("MIIC") == std::string::npos);
            CHECK(what.find("secret") == std::string::npos);
        }
        CHECK_THROWS_AS((void)properties::parse("a=\\u12"), jira_oauth::properties_error);
        CHECK_THROWS_AS((void)properties::parse("\\uXYZW=1"), jira_oauth::properties_error);
        // The line number counts physical lines, continuation lines included.
        try {
            (void)properties::parse("a=1\\\n 2\nb=\\u", "f");
            FAIL("no error");
        } catch (const jira_oauth::properties_error& e) {
            CHECK(std::string(e.what()).find("f line 3") != std::string::npos);
        }
    }

    TEST_CASE("the last definition wins; entries() lists effective values in order")
    {
        const properties p = properties::parse("a=1\nb=2\na=3\n");
        CHECK(p.get("a") == "3");
        const auto e = p.entries();
        REQUIRE(e.size() == 2);
        CHECK(e[0] == std::pair<std::string, std::string>("b", "2"));
        CHECK(e[1] == std::pair<std::string, std::string>("a", "3"));
        CHECK_FALSE(p.get("c").has_value());
    }
}

TEST_SUITE("jira_oauth properties: writing")
{
    const std::string document = "# config of the tutorial client\n"
                                 "! a bang comment\n"
                                 "\n"
                                 "jira_home : https://jira.example.com\n"
                                 "consumer_key=OauthKey\n"
                                 "private_key=MIIC\\\n"
                                 "    dgIB\n"
                                 "unknown.key = kept \\u00e9\n"
                                 "secret=old\n";

    TEST_CASE("an unchanged document is written back byte for byte")
    {
        CHECK(properties::parse(document).to_string() == document);
        const std::string crlf = "a=1\r\n# c\r\nb = 2\\\r\n  3\r\n";
        CHECK(properties::parse(crlf).to_string() == crlf);
        const std::string no_final_newline = "a=1\nb=2";
        CHECK(properties::parse(no_final_newline).to_string() == no_final_newline);
        CHECK(properties().to_string().empty());
    }

    TEST_CASE("set() rewrites only that key, in place; new keys go at the end")
    {
        properties p = properties::parse(document);
        p.set("secret", "new");
        p.set("request_token", "tok");
        p.set("consumer_key", "OauthKey"); // same value: its text is kept
        const std::string expected = "# config of the tutorial client\n"
                                     "! a bang comment\n"
                                     "\n"
                                     "jira_home : https://jira.example.com\n"
                                     "consumer_key=OauthKey\n"
                                     "private_key=MIIC\\\n"
                                     "    dgIB\n"
                                     "unknown.key = kept \\u00e9\n"
                                     "secret=new\n"
                                     "request_token=tok\n";
        CHECK(p.to_string() == expected);
        const properties back = properties::parse(p.to_string());
        CHECK(back.get("private_key") == "MIICdgIB");
        CHECK(back.get("unknown.key") == "kept \xC3\xA9");
        CHECK(back.get("secret") == "new");
    }

    TEST_CASE("a multi-line entry that is set becomes one line")
    {
        properties p = properties::parse(document);
        p.set("private_key", "MIIEnew");
        CHECK(p.to_string().find("private_key=MIIEnew\nunknown.key") != std::string::npos);
        CHECK(p.to_string().find("dgIB") == std::string::npos);
    }

    TEST_CASE("line endings: new lines follow the document's; a missing final newline is added")
    {
        properties p = properties::parse("a=1\r\nb=2\r\n");
        p.set("c", "3");
        CHECK(p.to_string() == "a=1\r\nb=2\r\nc=3\r\n");
        properties q = properties::parse("a=1");
        q.set("b", "2");
        CHECK(q.to_string() == "a=1\nb=2\n");
        properties r;
        r.add_comment("hello");
        r.add_comment("");
        r.set("k", "v");
        CHECK(r.to_string() == "# hello\n\nk=v\n");
    }

    TEST_CASE("set() on a key defined twice keeps one definition, where the last one was")
    {
        properties p = properties::parse("a=1\nb=2\na=3\nc=4\n");
        p.set("a", "9");
        CHECK(p.to_string() == "b=2\na=9\nc=4\n");
        CHECK(p.remove("b"));
        CHECK_FALSE(p.remove("b"));
        CHECK(p.to_string() == "a=9\nc=4\n");
    }

    TEST_CASE("keys and values are escaped where needed, and read back the same")
    {
        properties p;
        p.set("k", "  lead and = : # ! \\ tail ");
        CHECK(p.to_string() == "k=\\ \\ lead and = : # ! \\\\ tail \n");
        p.set("k", "MIIEvAIBADANBg+/==");
        CHECK(p.to_string() == "k=MIIEvAIBADANBg+/==\n"); // base64 as pasted
        p.set("k", "#!=:");
        CHECK(p.to_string() == "k=#!=:\n");
        properties k;
        k.set("#a b=c:d!", "v");
        CHECK(k.to_string() == "\\#a\\ b\\=c\\:d\\!=v\n");
        const std::vector<std::string> samples = {
            "",
            "plain",
            " leading space",
            "trailing space ",
            "tab\there",
            "line\nbreak\r\nand\fform",
            "=:#!\\",
            "#looks like a comment",
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", // 2-, 3- and 4-byte UTF-8
            "bad utf-8 \xC3 and \xFF",                   // written as \u00C3, \u00FF (Latin-1)
            std::string("nul\0inside", 10),
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7+/=",
        };
        for (const std::string& v : samples) {
            CAPTURE(v);
            properties q;
            q.set("key with space=and:colon", v);
            const std::string text = q.to_string();
            // One physical line, printable ASCII only.
            CHECK(text.find('\n') == text.size() - 1);
            for (const char c : text.substr(0, text.size() - 1)) CHECK((c >= 0x20 && c <= 0x7E));
            const auto back = properties::parse(text).get("key with space=and:colon");
            REQUIRE(back.has_value());
            if (v.find('\xFF') == std::string::npos) {
                CHECK(*back == v);
            } else {
                // Invalid UTF-8 bytes are written as Latin-1 code points, read back as UTF-8.
                CHECK(*back == "bad utf-8 \xC3\x83 and \xC3\xBF");
            }
        }
        properties e;
        e.set("k", "\xC3\xA9\xF0\x9F\x98\x80");
        CHECK(e.to_string() == "k=\\u00E9\\uD83D\\uDE00\n");
    }
}

TEST_SUITE("jira_oauth properties: files")
{
    TEST_CASE("a new file is written atomically with mode 0600 and read back")
    {
        const temp_dir dir;
        const std::string path = dir.file("config.properties");
        CHECK_FALSE(jira_oauth::load_properties_file(path).has_value());
        properties p;
        p.set("private_key", "MIIE");
        const mode_t old_umask = ::umask(0);
        jira_oauth::save_properties_file(path, p);
        ::umask(old_umask);
        CHECK(mode_of(path) == 0600U);
        CHECK(slurp(path) == "private_key=MIIE\n");
        const auto back = jira_oauth::load_properties_file(path);
        REQUIRE(back.has_value());
        CHECK(back->get("private_key") == "MIIE");
        // Only the file itself is left: no temporary file.
        CHECK(dir.entries() == std::vector<std::string>{"config.properties"});
    }

    TEST_CASE("replacing a file keeps its mode, comments and unknown keys, and a symlink")
    {
        const temp_dir dir;
        const std::string path = dir.file("real.properties");
        {
            std::ofstream out(path, std::ios::binary);
            out << "# mine\nzzz=1\nsecret=a\n";
        }
        REQUIRE(::chmod(path.c_str(), 0640) == 0);
        const std::string link = dir.file("config.properties");
        fs::create_symlink("real.properties", link);

        auto p = jira_oauth::load_properties_file(link);
        REQUIRE(p.has_value());
        p->set("secret", "b");
        jira_oauth::save_properties_file(link, *p);
        CHECK(fs::is_symlink(link));
        CHECK(slurp(path) == "# mine\nzzz=1\nsecret=b\n");
        CHECK(mode_of(path) == 0640U);
        auto names = dir.entries();
        std::sort(names.begin(), names.end());
        CHECK(names == std::vector<std::string>{"config.properties", "real.properties"});
    }

    TEST_CASE("write failures name the file and leave nothing behind")
    {
        const temp_dir dir;
        const std::string missing_dir = dir.file("no/such/dir/config.properties");
        try {
            jira_oauth::write_file_atomically(missing_dir, "x");
            FAIL("no error");
        } catch (const jira_oauth::properties_error& e) {
            CHECK(std::string(e.what()).find(missing_dir) != std::string::npos);
        }
        // A directory where the file should be.
        const std::string sub = dir.file("sub");
        fs::create_directory(sub);
        CHECK_THROWS_AS(jira_oauth::write_file_atomically(sub, "x"), jira_oauth::properties_error);
        CHECK_THROWS_AS((void)jira_oauth::load_properties_file(sub), jira_oauth::properties_error);
        CHECK(dir.entries() == std::vector<std::string>{"sub"});
        if (::geteuid() != 0) {
            // A read-only directory: the temporary file cannot be created.
            REQUIRE(::chmod(sub.c_str(), 0500) == 0);
            CHECK_THROWS_AS(jira_oauth::write_file_atomically(sub + "/c.properties", "x"),
                            jira_oauth::properties_error);
            REQUIRE(::chmod(sub.c_str(), 0700) == 0);
            CHECK(fs::is_empty(sub));
        }
    }
}

TEST_SUITE("jira_oauth config")
{
    TEST_CASE("the placeholder file: mode 0600, the tutorial's keys, placeholders detected")
    {
        const temp_dir dir;
        const std::string path = dir.file("config.properties");
        jira_oauth::write_placeholder_config(path);
        CHECK(mode_of(path) == 0600U);
        const auto p = jira_oauth::load_properties_file(path);
        REQUIRE(p.has_value());
        CHECK(jira_oauth::is_unset(p->get("jira_home")));
        CHECK(jira_oauth::is_unset(p->get("private_key")));
        CHECK(p->get("consumer_key") == "OauthKey");
        CHECK_FALSE(p->contains("access_token"));
        const std::string text = slurp(path);
        CHECK(text.find("jira-oauth keygen --write-config") != std::string::npos);

        const jira_oauth::settings s = jira_oauth::read_settings(*p);
        CHECK(s.jira_home.empty());
        CHECK(s.private_key.empty());
        CHECK(s.consumer_key == "OauthKey");
        CHECK(s.signature_method == "RSA-SHA1");
        CHECK(s.callback == "oob");
        try {
            jira_oauth::check_settings(s, jira_oauth::command::request_token, true, path);
            FAIL("no error");
        } catch (const jira_oauth::config_error& e) {
            CHECK(std::string(e.what()).find("jira_home is not set") != std::string::npos);
        }
    }

    TEST_CASE("check_settings names what is missing for each command")
    {
        using jira_oauth::command;
        jira_oauth::settings s;
        s.jira_home = "https://jira.example.com";
        const auto message = [&](command c, bool rsa) -> std::string {
            try {
                jira_oauth::check_settings(s, c, rsa, "cfg");
            } catch (const jira_oauth::config_error& e) {
                return e.what();
            }
            return "";
        };
        CHECK(message(command::request_token, true).find("private_key is not set") !=
              std::string::npos);
        CHECK(message(command::request_token, false).find("consumer_secret is not set") !=
              std::string::npos);
        s.private_key = "MIIE";
        CHECK(message(command::request_token, true).empty());
        CHECK(message(command::access_token, true).find("run 'jira-oauth requestToken' first") !=
              std::string::npos);
        CHECK(message(command::request, true).find("no access_token") != std::string::npos);
        s.request_token = "rt";
        s.access_token = "at";
        CHECK(message(command::access_token, true).empty());
        CHECK(message(command::request, true).empty());
        s.jira_home = "jira.example.com";
        CHECK(message(command::request, true).find("http:// or https://") != std::string::npos);
    }

    TEST_CASE("read_settings: the Java client's one 'secret', and jira-oauth's own keys")
    {
        // As the Java client leaves it after requestToken, then after accessToken.
        auto s = jira_oauth::read_settings(
            properties::parse("jira_home=https://j.example.com \nrequest_token=rt\nsecret=rts\n"));
        CHECK(s.jira_home == "https://j.example.com"); // trailing blank trimmed
        CHECK(s.request_token_secret == "rts");
        s = jira_oauth::read_settings(
            properties::parse("request_token=rt\naccess_token=at\nsecret=ats\n"));
        CHECK(s.access_token_secret == "ats");
        // jira-oauth also writes each secret under its own key.
        s = jira_oauth::read_settings(
            properties::parse("request_token=rt\nrequest_token_secret=rts\naccess_token=at\n"
                              "access_token_secret=ats\nsecret=ats\n"));
        CHECK(s.request_token_secret == "rts");
        CHECK(s.access_token_secret == "ats");
        // Optional keys; --signature-method wins over the file.
        const properties p = properties::parse(
            "signature_method=HMAC-SHA1\nconsumer_secret=cs\ncallback=https://me.example/cb\n");
        s = jira_oauth::read_settings(p);
        CHECK(s.signature_method == "HMAC-SHA1");
        CHECK(s.has_consumer_secret);
        CHECK(s.consumer_secret == "cs");
        CHECK(s.callback == "https://me.example/cb");
        CHECK(jira_oauth::read_settings(p, std::string("RSA-SHA256")).signature_method ==
              "RSA-SHA256");
    }
}

TEST_SUITE("jira_oauth keys")
{
    /// Sets (or, with null, unsets) OAUTH1_KEY_PASSPHRASE for the scope.
    struct passphrase_env {
        explicit passphrase_env(const char* value)
        {
            if (value != nullptr)
                ::setenv("OAUTH1_KEY_PASSPHRASE", value, 1);
            else
                ::unsetenv("OAUTH1_KEY_PASSPHRASE");
        }
        ~passphrase_env() { ::unsetenv("OAUTH1_KEY_PASSPHRASE"); }
        passphrase_env(const passphrase_env&) = delete;
        passphrase_env& operator=(const passphrase_env&) = delete;
    };

    std::string test_key(const std::string& name)
    {
        return std::string(OAUTH1_TEST_DATA_DIR) + "/keys/" + name;
    }

    /// The config_error message of load_settings_key, or "" when it loads.
    std::string key_error(const jira_oauth::settings& s, const std::string& path)
    {
        try {
            const bool loaded = static_cast<bool>(jira_oauth::load_settings_key(s, path));
            CHECK(loaded);
        } catch (const jira_oauth::config_error& e) {
            return e.what();
        }
        return "";
    }

    TEST_CASE("read_settings: private_key_file, pkcs12_alias, the passphrase (environment wins)")
    {
        const properties p =
            properties::parse("private_key_file=keys/client.p12\npkcs12_alias=signing\n"
                              "private_key_passphrase=from-file \n");
        {
            const passphrase_env env(nullptr);
            const jira_oauth::settings s = jira_oauth::read_settings(p);
            CHECK(s.private_key_file == "keys/client.p12");
            CHECK(s.pkcs12_alias == "signing");
            CHECK(s.passphrase == "from-file "); // kept as written
            CHECK(s.passphrase_from == "private_key_passphrase=");
        }
        {
            const passphrase_env env("from-env");
            const jira_oauth::settings s = jira_oauth::read_settings(p);
            CHECK(s.passphrase == "from-env");
            CHECK(s.passphrase_from == "the environment variable OAUTH1_KEY_PASSPHRASE");
        }
    }

    TEST_CASE("check_settings: private_key_file is enough; both is an error")
    {
        jira_oauth::settings s;
        s.jira_home = "https://jira.example.com";
        s.private_key_file = "key.pem";
        CHECK_NOTHROW(
            jira_oauth::check_settings(s, jira_oauth::command::request_token, true, "cfg"));
        s.private_key = "MIIE";
        CHECK_THROWS_WITH_AS(
            jira_oauth::check_settings(s, jira_oauth::command::request_token, true, "cfg"),
            doctest::Contains("both private_key and private_key_file"), jira_oauth::config_error);
    }

    TEST_CASE("an encrypted key file: passphrase from the config, from the environment, or missing")
    {
        const temp_dir dir;
        const std::string cfg = dir.file("config.properties");
        fs::copy_file(test_key("wiki_key_enc.pem"), dir.file("enc.pem"));
        const passphrase_env none(nullptr);
        jira_oauth::settings s = jira_oauth::read_settings(
            properties::parse("private_key_file=enc.pem\nprivate_key_passphrase=oauth1-test\n"));
        CHECK(key_error(s, cfg).empty()); // relative to the config's directory

        s = jira_oauth::read_settings(properties::parse("private_key_file=enc.pem\n"));
        std::string msg = key_error(s, cfg);
        CHECK(msg.find("OAUTH1_KEY_PASSPHRASE") != std::string::npos);
        CHECK(msg.find("private_key_passphrase=") != std::string::npos);
        CHECK(msg.find("openssl pkcs8 -in enc.pem -out key.pem") != std::string::npos);
        CHECK(msg.find("private_key_file (") != std::string::npos);

        {
            const passphrase_env env("oauth1-test");
            s = jira_oauth::read_settings(properties::parse("private_key_file=enc.pem\n"));
            CHECK(key_error(s, cfg).empty());
        }
        {
            const passphrase_env env("Not-The-Passphrase");
            s = jira_oauth::read_settings(properties::parse(
                "private_key_file=enc.pem\nprivate_key_passphrase=oauth1-test\n"));
            msg = key_error(s, cfg); // the environment wins, and is wrong
            CHECK(msg.find("OAUTH1_KEY_PASSPHRASE") != std::string::npos);
            CHECK(msg.find("Not-The-Passphrase") == std::string::npos);
        }
    }

    TEST_CASE("a .p12 key file, with and without pkcs12_alias")
    {
        const temp_dir dir;
        const std::string cfg = dir.file("config.properties");
        const passphrase_env env("oauth1-test");
        jira_oauth::settings s = jira_oauth::read_settings(
            properties::parse("private_key_file=" + test_key("wiki_alias.p12") + "\n"));
        CHECK(key_error(s, cfg).empty()); // an absolute path
        {
            const passphrase_env unset(nullptr);
            const std::string msg =
                key_error(jira_oauth::read_settings(
                              properties::parse("private_key_file=" + test_key("wiki_alias.p12"))),
                          cfg);
            CHECK(msg.find("OAUTH1_KEY_PASSPHRASE") != std::string::npos);
            CHECK(msg.find("private_key_passphrase=") != std::string::npos);
            CHECK(msg.find("openssl pkcs12 -in key.p12 -nocerts -nodes -out key.pem") !=
                  std::string::npos);
        }
        ::setenv("OAUTH1_KEY_PASSPHRASE", "oauth1-test", 1);
        s.pkcs12_alias = "oauth1 wiki key";
        CHECK(key_error(s, cfg).empty());
        s.pkcs12_alias = "other";
        CHECK(key_error(s, cfg).find("'oauth1 wiki key'") != std::string::npos);
    }

    TEST_CASE("private_key= mistakes are named: quotes, a PEM on one line, a public key")
    {
        const passphrase_env none(nullptr);
        const std::string line = [] {
            std::ifstream in(test_key("wiki_key_jira.txt"));
            std::string l;
            std::getline(in, l);
            return l;
        }();
        jira_oauth::settings s;
        s.private_key = line;
        CHECK(key_error(s, "cfg").empty());
        s.private_key = "\"" + line + "\"";
        std::string msg = key_error(s, "cfg");
        CHECK(msg.find("cfg: private_key cannot be loaded") == 0);
        CHECK(msg.find("the key is in quotes: remove them") != std::string::npos);
        CHECK(msg.find(line.substr(0, 20)) == std::string::npos);
        s.private_key = "-----BEGIN PRIVATE KEY-----" + line + "-----END PRIVATE KEY-----";
        CHECK(key_error(s, "cfg").find("lost its line breaks") != std::string::npos);
        s.private_key = slurp(test_key("wiki_pub.pem"));
        CHECK(key_error(s, "cfg").find("this is a public key") != std::string::npos);
    }
}

TEST_SUITE("jira_oauth command line")
{
    using jira_oauth::command;

    TEST_CASE("the tutorial's commands")
    {
        auto o = parse({"requestToken"});
        CHECK(o.cmd == command::request_token);
        CHECK(o.config_path == "config.properties");
        CHECK_FALSE(o.transport.has_value());
        o = parse({"accessToken", "qTJkPi"});
        CHECK(o.cmd == command::access_token);
        CHECK(o.verifier == "qTJkPi");
        o = parse({"request", "https://jira.example.com/rest/api/latest/issue/JJ-2"});
        CHECK(o.cmd == command::request);
        CHECK(o.url == "https://jira.example.com/rest/api/latest/issue/JJ-2");
        CHECK(o.method == "GET");
        CHECK_FALSE(o.data.has_value());
        o = parse({"keygen"});
        CHECK(o.cmd == command::keygen);
        CHECK(o.bits == 2048U);
        CHECK(o.out_dir == ".");
        CHECK_FALSE(o.write_config);
    }

    TEST_CASE("options anywhere, --name value and --name=value, -- ends options")
    {
        auto o = parse({"--config", "a.properties", "request", "--method", "put", "--data", "{}",
                        "https://j/x", "--transport=httplib", "--signature-method", "RSA-SHA256",
                        "--body-hash"});
        CHECK(o.cmd == command::request);
        CHECK(o.config_path == "a.properties");
        CHECK(o.method == "PUT");
        CHECK(o.data == "{}");
        CHECK(o.body_hash);
        CHECK(o.url == "https://j/x");
        CHECK(o.transport == "httplib");
        CHECK(o.signature_method == "RSA-SHA256");
        o = parse({"accessToken", "--", "-dash-code"});
        CHECK(o.verifier == "-dash-code");
        o = parse({"keygen", "--bits=3072", "--out-dir", "keys", "--write-config"});
        CHECK(o.bits == 3072U);
        CHECK(o.out_dir == "keys");
        CHECK(o.write_config);
        CHECK(parse({"request", "--data", "@body.json", "https://j/x"}).method == "POST");
        CHECK(parse({"request", "-X", "delete", "https://j/x"}).method == "DELETE");
        CHECK(parse({"requestToken", "--help"}).cmd == command::help);
        CHECK(parse({"-h"}).cmd == command::help);
        CHECK(parse({"help"}).cmd == command::help);
    }

    TEST_CASE("usage errors name the offending argument")
    {
        CHECK(usage_message({}) == "no command given");
        CHECK(usage_message({"requesttoken"}) ==
              "unknown command 'requesttoken' (did you mean requestToken?)");
        CHECK(usage_message({"frobnicate"}) == "unknown command 'frobnicate'");
        CHECK(usage_message({"requestToken", "--frob"}) == "unknown option '--frob'");
        CHECK(usage_message({"requestToken", "--config"}) == "option --config needs a value");
        CHECK(usage_message({"requestToken", "extra"}).find("takes no argument") !=
              std::string::npos);
        CHECK(usage_message({"accessToken"}).find("verification code") != std::string::npos);
        CHECK(usage_message({"accessToken", "a", "b"}).find("verification code") !=
              std::string::npos);
        CHECK(usage_message({"request"}).find("request needs one URL") != std::string::npos);
        CHECK(usage_message({"request", "u", "--method", "PATCH"}) ==
              "--method must be GET, POST, PUT or DELETE");
        CHECK(usage_message({"request", "u", "--method", "GET", "--data", "x"}) ==
              "--data needs --method POST or PUT");
        CHECK(usage_message({"request", "u", "--body-hash"}) ==
              "--body-hash needs a body (--data)");
        CHECK(usage_message({"requestToken", "--data", "x"}).find("request command only") !=
              std::string::npos);
        CHECK(usage_message({"request", "u", "--bits", "2048"}).find("keygen command only") !=
              std::string::npos);
        CHECK(usage_message({"keygen", "--bits", "512"}).find("1024 to 16384") !=
              std::string::npos);
        CHECK(usage_message({"keygen", "--bits", "2048x"}).find("1024 to 16384") !=
              std::string::npos);
        CHECK(usage_message({"keygen", "--write-config=yes"}) ==
              "option --write-config takes no value");
    }

    TEST_CASE("dance: the three steps in one, and its options")
    {
        auto o = parse({"dance"});
        CHECK(o.cmd == command::dance);
        CHECK(o.timeout_seconds == 300U);
        CHECK(o.callback_port == 0U);
        CHECK_FALSE(o.no_browser);
        o = parse({"--timeout=60", "dance", "--callback-port", "8765", "--no-browser"});
        CHECK(o.timeout_seconds == 60U);
        CHECK(o.callback_port == 8765U);
        CHECK(o.no_browser);
        CHECK(usage_message({"Dance"}) == "unknown command 'Dance' (did you mean dance?)");
        CHECK(usage_message({"dance", "x"}).find("dance takes no argument") != std::string::npos);
        CHECK(usage_message({"dance", "--timeout", "0"}).find("1 to 86400") != std::string::npos);
        CHECK(usage_message({"dance", "--timeout", "5s"}).find("1 to 86400") != std::string::npos);
        CHECK(usage_message({"dance", "--callback-port", "65536"}).find("0 to 65535") !=
              std::string::npos);
        CHECK(usage_message({"dance", "--no-browser=1"}) == "option --no-browser takes no value");
        for (const char* opt : {"--no-browser", "--timeout=5", "--callback-port=1"}) {
            CAPTURE(opt);
            CHECK(usage_message({"requestToken", opt}).find("dance command only") !=
                  std::string::npos);
        }
        const std::string text = jira_oauth::usage_text("curl (default)");
        for (const char* s : {"  dance ", "--timeout SECONDS", "--callback-port N", "--no-browser",
                              "$BROWSER", "xdg-open"}) {
            CAPTURE(s);
            CHECK(text.find(s) != std::string::npos);
        }
    }

    TEST_CASE("--help documents the commands, the config keys and the exit statuses")
    {
        const std::string text = jira_oauth::usage_text("curl (default), beast");
        for (const char* s : {"requestToken", "accessToken VERIFIER", "request URL", "keygen",
                              "--config FILE", "--signature-method", "curl (default), beast",
                              "jira_home", "private_key", "consumer_key", "Exit status: 0",
                              "1 the request or an OAuth step failed", "2 bad command line"}) {
            CAPTURE(s);
            CHECK(text.find(s) != std::string::npos);
        }
    }
}

TEST_SUITE("jira_oauth output")
{
    using jira_oauth::terminal_safe;
    using jira_oauth::text_layout;

    /// No byte a terminal acts on: C0 controls (but '\n' and '\t' when `lines`), DEL, and
    /// nothing in 0x80..0xFF outside well-formed UTF-8 or as a C1 control (U+0080..U+009F).
    bool inert(std::string_view s, bool lines)
    {
        for (std::size_t i = 0; i < s.size(); ++i) {
            const auto b = static_cast<unsigned char>(s[i]);
            if (b == 0x7F) return false;
            if (b < 0x20 && !(lines && (b == '\n' || b == '\t'))) return false;
            if (b == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0)
                return false;
            if (b >= 0x80 && b < 0xC2) {
                // only as a continuation byte of a sequence begun before
                if (i == 0 || static_cast<unsigned char>(s[i - 1]) < 0x80) return false;
            }
        }
        return true;
    }

    TEST_CASE("terminal_safe: control bytes escaped, text kept")
    {
        CHECK(terminal_safe("plain ASCII token 0123 ~!@#$%^&*()") ==
              "plain ASCII token 0123 ~!@#$%^&*()");
        CHECK(terminal_safe("\x1b]0;evil\x07") == "\\x1b]0;evil\\x07");
        CHECK(terminal_safe("\x1b[2J\x1b[H") == "\\x1b[2J\\x1b[H");
        CHECK(terminal_safe("a\rb\nc\td") == "a\\rb\\nc\\td");
        CHECK(terminal_safe(std::string_view("n\0ul\x7f", 5)) == "n\\x00ul\\x7f");
        // UTF-8 text is kept; a C1 control written as UTF-8 (U+009B, CSI) and a raw C1 byte are
        // not; neither are bytes that are not UTF-8, nor bidi overrides.
        CHECK(terminal_safe("Gr\xC3\xBC\xC3\x9F"
                            "e \xE2\x82\xAC \xF0\x9F\x94\x91") ==
              "Gr\xC3\xBC\xC3\x9F"
              "e \xE2\x82\xAC \xF0\x9F\x94\x91");
        CHECK(terminal_safe("\xC2\x9B"
                            "31m") == "\\u{9b}31m");
        CHECK(terminal_safe("\x9b"
                            "31m") == "\\x9b31m");
        CHECK(terminal_safe("\xC0\xAF \xED\xA0\x80 \xE2\x82") ==
              "\\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x82");
        CHECK(terminal_safe("abc\xE2\x80\xAE"
                            "cba") == "abc\\u{202e}cba");
        // Lines kept in multi-line layout; "\r\n" is a line break, a lone '\r' is not.
        CHECK(terminal_safe("a\r\nb\n\tc\rd", text_layout::multi_line) == "a\nb\n\tc\\rd");
        CHECK(terminal_safe("a\r\nb", text_layout::line) == "a\\r\\nb");
        // Every byte value, alone and after a lead byte: nothing a terminal acts on gets through.
        for (int b = 0; b < 256; ++b) {
            CAPTURE(b);
            const std::string one(1, static_cast<char>(b));
            CHECK(inert(terminal_safe(one), false));
            CHECK(inert(terminal_safe(one, text_layout::multi_line), true));
            CHECK(inert(terminal_safe("\xC2" + one), false));
        }
    }

    TEST_CASE("a provider's advice with an escape sequence and CR is printed escaped")
    {
        // What the provider sent back for requestToken: a problem with hostile advice.
        oauth1::step_failure f;
        f.step = "temporary credentials (request token)";
        f.status = 401;
        f.error = oauth1::make_error_code(oauth1::errc::oauth_problem);
        oauth1::problem_report p(oauth1::problem::consumer_key_unknown);
        p.advice = "\x1b]0;evil\x07"
                   "fine\rall is well\x1b[2K";
        f.problem = p;
        jira_oauth::settings s;
        const std::string message = jira_oauth::failure_message(f, "", s);
        REQUIRE(message.find("\x1b]0;evil\x07") != std::string::npos); // raw until printed

        std::ostringstream err;
        jira_oauth::print_error(err, message);
        const std::string printed = err.str();
        CHECK(printed.rfind("jira-oauth: temporary credentials (request token) failed: ", 0) == 0);
        CHECK(printed.find("\\x1b]0;evil\\x07fine\\rall is well\\x1b[2K") != std::string::npos);
        CHECK(inert(printed, true));
        CHECK(printed.back() == '\n');
    }

    TEST_CASE("an error page and a transport's message are printed escaped, lines kept")
    {
        oauth1::step_failure f;
        f.step = "GET https://jira.example.com/rest/api/2/issue/JJ-2";
        f.status = 500;
        f.error = oauth1::make_error_code(oauth1::errc::http_status);
        f.body_excerpt = "<h1>\x1b[31mError\x1b[0m</h1>\r\n";
        jira_oauth::settings s;
        std::ostringstream err;
        jira_oauth::print_error(err, jira_oauth::failure_message(f, "", s));
        CHECK(err.str().find("\\x1b[31mError\\x1b[0m") != std::string::npos);
        CHECK(inert(err.str(), true));

        f.status = 0;
        f.error = oauth1::make_error_code(oauth1::errc::transport_failed);
        std::ostringstream err2;
        jira_oauth::print_error(err2,
                                jira_oauth::failure_message(f, "connect: \x1b]8;;x\x1b\\", s));
        CHECK(err2.str().find("(connect: \\x1b]8;;x\\x1b\\)") != std::string::npos);
        CHECK(inert(err2.str(), true));

        // A multi-line message (the base-string difference) keeps its lines.
        std::ostringstream err3;
        jira_oauth::print_error(err3, "failed\nURI: ours 'a', theirs 'b'");
        CHECK(err3.str() == "jira-oauth: failed\nURI: ours 'a', theirs 'b'\n");
    }

    TEST_CASE("tokens and bodies: escaped on a terminal, bodies exact into a pipe or file")
    {
        // Tokens are printed on one line: an embedded line break cannot fake another line.
        CHECK(terminal_safe("tok\nAccess token:  forged") == "tok\\nAccess token:  forged");

        const std::string body = "{\"summary\":\"\x1b]0;evil\x07\"}\r\n{\"k\":\"\xC3\xA9\"}";
        std::ostringstream tty;
        jira_oauth::print_body(tty, body, true);
        CHECK(tty.str() == "{\"summary\":\"\\x1b]0;evil\\x07\"}\n{\"k\":\"\xC3\xA9\"}\n");
        std::ostringstream pipe;
        jira_oauth::print_body(pipe, body, false);
        CHECK(pipe.str() == body + "\n");
        std::ostringstream empty;
        jira_oauth::print_body(empty, "", true);
        CHECK(empty.str().empty());
    }

    TEST_CASE("a response larger than the transport's limit is explained")
    {
        oauth1::step_failure f;
        f.step = "GET https://jira.example.com/rest/api/2/search";
        f.error = oauth1::make_error_code(oauth1::errc::response_too_large);
        jira_oauth::settings s;
        const std::string m =
            jira_oauth::failure_message(f, "the response body is larger than 8388608 bytes", s);
        CHECK(m.find("(the response body is larger than 8388608 bytes)") != std::string::npos);
    }
}
