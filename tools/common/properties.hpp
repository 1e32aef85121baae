// tools/common/properties.hpp - Java .properties files, read and written the way
// java.util.Properties does: jira-oauth's config.properties (Atlassian's OAuth tutorial client)
// and jira-provider's consumers file. Shared by the tools; not part of the library.
//
//   auto p = oauth1_tools::load_properties_file("config.properties");   // throws properties_error
//   std::string home = p.get("jira_home").value_or("");
//   p.set("access_token", token);
//   oauth1_tools::save_properties_file("config.properties", p);         // atomic replace
//
// Reading follows java.util.Properties.load: `key=value`, `key: value` or `key value`; '#' and
// '!' comment lines; a line ending in an odd number of backslashes continues on the next line
// (whose leading blanks are dropped); escapes \t \n \r \f \uXXXX and \<any char>; the last
// definition of a key wins. Bytes outside ASCII are kept as they are (UTF-8 assumed).
//
// Writing keeps the document: comments, blank lines, unknown keys, their order and their exact
// text stay as read; only keys that were set are rewritten (in place of their last definition) or
// appended as `key=value`, escaped where needed so that Java reads back the same values
// (characters outside printable ASCII as \uXXXX; a base64 value stays as it is). Files are replaced
// atomically (temporary file in the same directory, fsync, rename): a crash leaves the old or the
// new file, never half of one. New files get mode 0600 since they hold a private key and token
// secrets; an existing file keeps its mode.
#ifndef OAUTH1_TOOLS_PROPERTIES_HPP
#define OAUTH1_TOOLS_PROPERTIES_HPP

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oauth1_tools {

/// A properties file could not be read, parsed or written. The message names the file, the line
/// and the key when known - never a value (values are secrets here).
class properties_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {

inline bool is_blank_char(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\f';
}

inline void append_utf8(std::uint32_t cp, std::string& out)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

inline int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Properties.loadConvert: resolves the escapes of a key or value. Java works on UTF-16 code
/// units; here \uD83D\uDE00 (a surrogate pair) becomes one UTF-8 sequence and a lone surrogate
/// U+FFFD. Returns false on a malformed \uXXXX.
inline bool unescape(std::string_view in, std::string& out)
{
    out.clear();
    // A pending high surrogate (0: none). A plain integer rather than std::optional: g++ -O3
    // reports a false maybe-uninitialized on the optional's payload.
    std::uint32_t high = 0;
    const auto flush_high = [&] {
        if (high != 0) append_utf8(0xFFFD, out);
        high = 0;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c != '\\' || i + 1 == in.size()) {
            // A lone trailing backslash cannot occur after line joining; keep it if it does.
            flush_high();
            out.push_back(c);
            continue;
        }
        c = in[++i];
        if (c == 'u') {
            if (in.size() - (i + 1) < 4) return false;
            std::uint32_t cp = 0;
            for (std::size_t k = 1; k <= 4; ++k) {
                const int h = hex_value(in[i + k]);
                if (h < 0) return false;
                cp = (cp << 4) | static_cast<std::uint32_t>(h);
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                flush_high();
                high = cp;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                if (high != 0) {
                    append_utf8(0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00), out);
                    high = 0;
                } else {
                    append_utf8(0xFFFD, out);
                }
            } else {
                flush_high();
                append_utf8(cp, out);
            }
            continue;
        }
        flush_high();
        switch (c) {
        case 't': out.push_back('\t'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 'f': out.push_back('\f'); break;
        default: out.push_back(c); break; // "\=", "\:", "\#", "\ ", "\\", and any other char
        }
    }
    flush_high();
    return true;
}

/// Decodes one UTF-8 sequence at `s[i]`; on invalid UTF-8 returns the byte itself (read as
/// ISO-8859-1, which is what Java's Properties.load(InputStream) assumes). Advances `i`.
inline std::uint32_t next_code_point(std::string_view s, std::size_t& i) noexcept
{
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b0 < 0x80) {
        ++i;
        return b0;
    } else if ((b0 & 0xE0) == 0xC0) {
        n = 1;
        cp = b0 & 0x1FU;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 2;
        cp = b0 & 0x0FU;
    } else if ((b0 & 0xF8) == 0xF0) {
        n = 3;
        cp = b0 & 0x07U;
    } else {
        ++i;
        return b0;
    }
    if (s.size() - (i + 1) < n) {
        ++i;
        return b0;
    }
    for (std::size_t k = 1; k <= n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return b0;
        }
        cp = (cp << 6) | (b & 0x3FU);
    }
    const bool overlong =
        (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return b0;
    }
    i += n + 1;
    return cp;
}

inline void append_u_escape(std::uint32_t unit, std::string& out)
{
    constexpr char hex[] = "0123456789ABCDEF";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(hex[(unit >> shift) & 0xF]);
}

/// Escapes a key (`is_key`) or a value so that load() gives back exactly `in`, escaping only
/// where needed: in keys the separators '=', ':' and blanks, and '#', '!' (as
/// Properties.saveConvert does); in values only leading blanks, so that a base64 key ending in
/// "=" stays as pasted. Everywhere: '\\', control characters (\t \n \r \f, else \uXXXX) and
/// non-ASCII characters as \uXXXX (Java's Properties.load(InputStream) reads ISO-8859-1).
inline void escape(std::string_view in, bool is_key, std::string& out)
{
    bool leading = true;
    for (std::size_t i = 0; i < in.size();) {
        const char c = in[i];
        if (c == ' ') {
            out += (is_key || leading) ? "\\ " : " ";
            ++i;
            continue;
        }
        leading = false;
        switch (c) {
        case '\\':
            out += "\\\\";
            ++i;
            continue;
        case '\t':
            out += "\\t";
            ++i;
            continue;
        case '\n':
            out += "\\n";
            ++i;
            continue;
        case '\r':
            out += "\\r";
            ++i;
            continue;
        case '\f':
            out += "\\f";
            ++i;
            continue;
        case '=':
        case ':':
        case '#':
        case '!':
            if (is_key) out.push_back('\\');
            out.push_back(c);
            ++i;
            continue;
        default: break;
        }
        const std::uint32_t cp = next_code_point(in, i);
        if (cp >= 0x20 && cp <= 0x7E) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x10000) {
            append_u_escape(cp, out);
        } else {
            append_u_escape(0xD800 + ((cp - 0x10000) >> 10), out);
            append_u_escape(0xDC00 + ((cp - 0x10000) & 0x3FF), out);
        }
    }
}

} // namespace detail

/// A .properties document: its lines as read, plus the entries' keys and values.
class properties {
public:
    properties() = default;

    /// Parses .properties text (see the file comment). Throws properties_error naming the line
    /// (and key) of a malformed \uXXXX escape; `source` names the file in that message.
    static properties parse(std::string_view text, std::string_view source = "properties")
    {
        properties p;
        std::size_t pos = 0;
        std::size_t line_no = 0;
        bool eol_known = false;
        while (pos < text.size()) {
            // Collect one logical line: physical lines joined while they end in an odd number
            // of backslashes (not for comment or blank lines).
            line l;
            std::string logical;
            const std::size_t first_line = line_no + 1;
            bool continued = false;
            bool comment_or_blank = false;
            for (;;) {
                std::size_t end = pos;
                while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
                std::size_t next = end;
                if (next < text.size()) {
                    if (text[next] == '\r' && next + 1 < text.size() && text[next + 1] == '\n') {
                        next += 2;
                    } else {
                        ++next;
                    }
                    if (!eol_known) {
                        p.eol_ = std::string(text.substr(end, next - end));
                        eol_known = true;
                    }
                }
                ++line_no;
                std::string_view physical = text.substr(pos, end - pos);
                l.raw.append(text.substr(pos, next - pos));
                pos = next;
                std::size_t b = 0;
                while (b < physical.size() && detail::is_blank_char(physical[b])) ++b;
                physical.remove_prefix(b);
                if (!continued) {
                    if (physical.empty() || physical[0] == '#' || physical[0] == '!') {
                        comment_or_blank = true;
                        break;
                    }
                } else if (physical.empty()) {
                    break; // an empty continuation line ends the logical line (as Java)
                }
                std::size_t backslashes = 0;
                while (backslashes < physical.size() &&
                       physical[physical.size() - 1 - backslashes] == '\\')
                    ++backslashes;
                if (backslashes % 2 == 1) {
                    physical.remove_suffix(1);
                    logical.append(physical);
                    continued = true;
                    if (pos >= text.size()) break; // a backslash at the very end is dropped
                    continue;
                }
                logical.append(physical);
                break;
            }
            if (!comment_or_blank) {
                l.is_entry = true;
                l.line_no = first_line;
                split_entry(logical, l.key, l.value, source, first_line);
            }
            p.lines_.push_back(std::move(l));
        }
        return p;
    }

    /// The value of `key` (its last definition, as Java), or nullopt.
    std::optional<std::string> get(std::string_view key) const
    {
        const line* found = nullptr;
        for (const line& l : lines_)
            if (l.is_entry && l.key == key) found = &l;
        if (!found) return std::nullopt;
        return found->value;
    }

    bool contains(std::string_view key) const { return get(key).has_value(); }

    /// Sets `key`: rewrites its last definition in place (dropping earlier ones, which it
    /// overrode anyway) or appends it at the end.
    void set(std::string_view key, std::string_view value)
    {
        std::size_t last = lines_.size();
        for (std::size_t i = 0; i < lines_.size(); ++i)
            if (lines_[i].is_entry && lines_[i].key == key) last = i;
        if (last != lines_.size()) {
            line& l = lines_[last];
            if (l.value != value || l.raw.empty()) {
                l.value.assign(value);
                l.raw.clear(); // re-rendered by to_string()
            }
            erase_if_key(key, last);
            return;
        }
        line l;
        l.is_entry = true;
        l.key.assign(key);
        l.value.assign(value);
        lines_.push_back(std::move(l));
    }

    /// Removes every definition of `key`; false when there was none.
    bool remove(std::string_view key) { return erase_if_key(key, lines_.size()) > 0; }

    /// Appends a comment line ("# text") or, with empty text, a blank line.
    void add_comment(std::string_view text)
    {
        line l;
        l.raw = text.empty() ? std::string() : "# " + std::string(text);
        l.raw += eol_;
        lines_.push_back(std::move(l));
    }

    /// One definition as read: its key, its value and the line it starts on (0 for a key added
    /// by set()).
    struct definition {
        std::string key;
        std::string value;
        std::size_t line = 0;
    };

    /// Every definition in file order, overridden ones included (for readers that refuse a key
    /// given twice, or that name the line of a bad value).
    std::vector<definition> definitions() const
    {
        std::vector<definition> out;
        for (const line& l : lines_)
            if (l.is_entry) out.push_back({l.key, l.value, l.line_no});
        return out;
    }

    /// The effective entries (last definition of each key), in file order.
    std::vector<std::pair<std::string, std::string>> entries() const
    {
        std::vector<std::pair<std::string, std::string>> out;
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            if (!lines_[i].is_entry) continue;
            bool overridden = false;
            for (std::size_t j = i + 1; j < lines_.size() && !overridden; ++j)
                overridden = lines_[j].is_entry && lines_[j].key == lines_[i].key;
            if (!overridden) out.emplace_back(lines_[i].key, lines_[i].value);
        }
        return out;
    }

    /// The document as text: unchanged lines byte for byte, set keys as `key=value` (escaped),
    /// with the line ending the document already used ("\n" for a new one).
    std::string to_string() const
    {
        std::string out;
        for (const line& l : lines_) {
            if (!out.empty() && out.back() != '\n' && out.back() != '\r') out += eol_;
            if (!l.raw.empty()) {
                out += l.raw;
                continue;
            }
            detail::escape(l.key, true, out);
            out.push_back('=');
            detail::escape(l.value, false, out);
            out += eol_;
        }
        return out;
    }

private:
    struct line {
        std::string raw; ///< the physical line(s) with their line ends; empty: render key=value
        bool is_entry = false;
        std::size_t line_no = 0; ///< the (first) physical line of an entry read from text
        std::string key;
        std::string value;
    };

    // Properties.load0: the key ends at the first unescaped '=', ':' or blank; blanks and at
    // most one '=' or ':' follow; the rest is the value.
    static void split_entry(std::string_view logical, std::string& key, std::string& value,
                            std::string_view source, std::size_t line_no)
    {
        std::size_t key_len = 0;
        std::size_t value_start = logical.size();
        bool has_separator = false;
        bool escaped = false;
        while (key_len < logical.size()) {
            const char c = logical[key_len];
            if (!escaped && (c == '=' || c == ':')) {
                value_start = key_len + 1;
                has_separator = true;
                break;
            }
            if (!escaped && detail::is_blank_char(c)) {
                value_start = key_len + 1;
                break;
            }
            escaped = (c == '\\') ? !escaped : false;
            ++key_len;
        }
        while (value_start < logical.size()) {
            const char c = logical[value_start];
            if (!detail::is_blank_char(c)) {
                if (!has_separator && (c == '=' || c == ':')) {
                    has_separator = true;
                } else {
                    break;
                }
            }
            ++value_start;
        }
        const std::string where = std::string(source) + " line " + std::to_string(line_no);
        if (!detail::unescape(logical.substr(0, key_len), key))
            throw properties_error(where + ": malformed \\uXXXX escape in a key");
        if (!detail::unescape(logical.substr(value_start), value))
            throw properties_error(where + ": malformed \\uXXXX escape in the value of '" + key +
                                   "'");
    }

    /// Erases the definitions of `key` except the one at index `keep`; returns how many.
    std::size_t erase_if_key(std::string_view key, std::size_t keep)
    {
        std::vector<line> kept;
        kept.reserve(lines_.size());
        std::size_t n = 0;
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            if (lines_[i].is_entry && lines_[i].key == key && i != keep) {
                ++n;
            } else {
                kept.push_back(std::move(lines_[i]));
            }
        }
        lines_ = std::move(kept);
        return n;
    }

    std::vector<line> lines_;
    std::string eol_ = "\n";
};

/// Writes `data` to `path` atomically: a temporary file in the same directory, fsync, rename
/// over `path`, fsync of the directory. A symbolic link at `path` is kept and its target
/// replaced. The file gets `path`'s current mode, or `new_file_mode` when it does not exist yet.
/// Throws properties_error naming the file and the system error.
inline void write_file_atomically(const std::string& path, std::string_view data,
                                  mode_t new_file_mode = 0600)
{
    namespace fs = std::filesystem;
    fs::path target(path);
    std::error_code fec;
    if (fs::is_symlink(target, fec)) {
        const fs::path resolved = fs::weakly_canonical(target, fec);
        if (!fec) target = resolved;
    }
    const auto fail = [&](const std::string& what, int err) {
        throw properties_error("cannot write " + path + ": " + what + ": " + std::strerror(err));
    };
    mode_t mode = new_file_mode;
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode)) fail("not a regular file", EINVAL);
        mode = st.st_mode & 07777;
    }
    fs::path dir = target.parent_path();
    if (dir.empty()) dir = ".";
    std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmp.data()); // created with mode 0600
    if (fd < 0) fail("cannot create a temporary file in " + dir.string(), errno);
    const auto abandon = [&](const std::string& what) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        fail(what, err);
    };
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            abandon("writing the temporary file");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, mode) != 0) abandon("setting the mode of the temporary file");
    if (::fsync(fd) != 0) abandon("syncing the temporary file");
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("closing the temporary file", err);
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("replacing it", err);
    }
    // Make the rename itself durable. Failing here leaves the new file in place: not an error.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
}

/// Reads a whole file; nullopt when it does not exist. Throws properties_error when it exists
/// but cannot be read.
inline std::optional<std::string> read_file_if_exists(const std::string& path)
{
    std::error_code fec;
    if (!std::filesystem::exists(path, fec)) {
        if (fec && fec != std::errc::no_such_file_or_directory)
            throw properties_error("cannot read " + path + ": " + fec.message());
        return std::nullopt;
    }
    if (std::filesystem::is_directory(path, fec))
        throw properties_error("cannot read " + path + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw properties_error("cannot read " + path + ": " + std::strerror(errno));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw properties_error("cannot read " + path + ": read error");
    return text;
}

/// Loads a .properties file; nullopt when it does not exist. Throws properties_error.
inline std::optional<properties> load_properties_file(const std::string& path)
{
    std::optional<std::string> text = read_file_if_exists(path);
    if (!text) return std::nullopt;
    return properties::parse(*text, path);
}

/// Saves `p` to `path` atomically (write_file_atomically; mode 0600 for a new file).
inline void save_properties_file(const std::string& path, const properties& p)
{
    write_file_atomically(path, p.to_string());
}

} // namespace oauth1_tools

#endif // OAUTH1_TOOLS_PROPERTIES_HPP
