// jql.hpp - the small part of JIRA's query language (JQL) that jira-provider's
// GET /rest/api/2/search understands: `project = X` and `key = Y` (also written issuekey, issue
// or id, JIRA's other names of the key clause), joined by AND, each value bare (JJ, JJ-2, 10000)
// or quoted ("JIRA Junior", 'JJ-2', with \" \' \\ escapes), keywords and field names in any case.
// Anything else (OR, NOT, other operators or fields, ORDER BY, functions) is refused with a
// message in JIRA's words ("Error in the JQL Query: ... (line 1, character N)") that says what
// jira-provider supports. An empty query matches every issue, as in JIRA.
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_JQL_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_JQL_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jira_provider::jql {

/// Which issues a clause selects.
enum class field { project, issue };

/// `<name> = <value>`.
struct clause {
    jql::field field = field::project;
    /// The field as written (for messages: "key", "issuekey", ...).
    std::string name;
    /// The value, unquoted and unescaped.
    std::string value;
};

/// A parsed query: every clause must hold (AND); none: every issue.
using query = std::vector<clause>;

/// What jira-provider understands, appended to every syntax error.
inline constexpr std::string_view supported =
    " jira-provider understands only project = X and key = Y (or issuekey, issue, id), "
    "joined by AND.";

namespace detail {

inline bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Characters of an unquoted word: JIRA allows more, but keys, ids and names need no others.
inline bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

inline bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

struct token {
    enum class kind { end, word, quoted, equals, other } k = kind::end;
    std::string text;   // the word or the unescaped string; for `other` what was found
    std::size_t at = 0; // 1-based character position (JIRA's "character N")
};

/// Splits JQL into tokens, one at a time.
class lexer {
public:
    explicit lexer(std::string_view text) : text_(text) {}

    /// The next token; false with `error` set on an unterminated string.
    bool next(token& t, std::string& error)
    {
        while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
        t = token{};
        t.at = pos_ + 1;
        if (pos_ >= text_.size()) return true;
        const char c = text_[pos_];
        if (c == '"' || c == '\'') return quoted(t, error);
        if (is_word_char(c)) {
            t.k = token::kind::word;
            while (pos_ < text_.size() && is_word_char(text_[pos_]))
                t.text.push_back(text_[pos_++]);
            return true;
        }
        // Operators: '=' alone is supported; '!=', '<=', '~', '(' ... are reported as found.
        if (c == '=') {
            t.k = token::kind::equals;
            t.text = "=";
            ++pos_;
            return true;
        }
        t.k = token::kind::other;
        t.text.push_back(text_[pos_++]);
        if (pos_ < text_.size() && (text_[pos_] == '=' || text_[pos_] == '~') &&
            (c == '!' || c == '<' || c == '>'))
            t.text.push_back(text_[pos_++]);
        return true;
    }

private:
    bool quoted(token& t, std::string& error)
    {
        const char quote = text_[pos_++];
        t.k = token::kind::quoted;
        while (pos_ < text_.size() && text_[pos_] != quote) {
            char c = text_[pos_++];
            if (c == '\\' && pos_ < text_.size()) c = text_[pos_++];
            t.text.push_back(c);
        }
        if (pos_ >= text_.size()) {
            error = "Error in the JQL Query: The quoted string '" + t.text +
                    "' has not been completed. (line 1, character " + std::to_string(t.at) + ")";
            return false;
        }
        ++pos_;
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

/// "'x'" or "end of query", for messages.
inline std::string found(const token& t)
{
    if (t.k == token::kind::end) return "end of query";
    if (t.k == token::kind::quoted) return "\"" + t.text + "\"";
    return "'" + t.text + "'";
}

inline std::string syntax_error(const std::string& what, const token& t)
{
    return "Error in the JQL Query: " + what + " (line 1, character " + std::to_string(t.at) +
           ")." + std::string(supported);
}

} // namespace detail

/// Parses `text`; on failure returns nullopt and sets `error` to a message for the client
/// (JIRA's errorMessages).
inline std::optional<query> parse(std::string_view text, std::string& error)
{
    using detail::token;
    detail::lexer lex(text);
    query out;
    token t;
    if (!lex.next(t, error)) return std::nullopt;
    if (t.k == token::kind::end) return out;
    while (true) {
        // <field>
        if (t.k != token::kind::word && t.k != token::kind::quoted) {
            error = detail::syntax_error("Expecting a field name but got " + detail::found(t), t);
            return std::nullopt;
        }
        clause c;
        c.name = t.text;
        if (detail::iequals(t.text, "project")) {
            c.field = field::project;
        } else if (detail::iequals(t.text, "key") || detail::iequals(t.text, "issuekey") ||
                   detail::iequals(t.text, "issue") || detail::iequals(t.text, "id")) {
            c.field = field::issue;
        } else {
            error = detail::syntax_error("The field " + detail::found(t) + " is not supported", t);
            return std::nullopt;
        }
        // =
        if (!lex.next(t, error)) return std::nullopt;
        if (t.k != token::kind::equals) {
            const bool word_operator =
                t.k == token::kind::word &&
                (detail::iequals(t.text, "in") || detail::iequals(t.text, "not") ||
                 detail::iequals(t.text, "is") || detail::iequals(t.text, "was") ||
                 detail::iequals(t.text, "changed"));
            error = detail::syntax_error(t.k == token::kind::other || word_operator
                                             ? "The operator " + detail::found(t) +
                                                   " is not supported, only '='"
                                             : "Expecting operator '=' but got " + detail::found(t),
                                         t);
            return std::nullopt;
        }
        // <value>
        if (!lex.next(t, error)) return std::nullopt;
        if (t.k != token::kind::word && t.k != token::kind::quoted) {
            error = detail::syntax_error("Expecting a value but got " + detail::found(t), t);
            return std::nullopt;
        }
        if (t.k == token::kind::word &&
            (detail::iequals(t.text, "empty") || detail::iequals(t.text, "null"))) {
            error = detail::syntax_error("The value " + detail::found(t) + " is not supported", t);
            return std::nullopt;
        }
        c.value = t.text;
        out.push_back(std::move(c));
        // AND, or the end
        if (!lex.next(t, error)) return std::nullopt;
        if (t.k == token::kind::end) return out;
        if (t.k == token::kind::other && t.text == "(") {
            error = detail::syntax_error("Functions are not supported", t);
            return std::nullopt;
        }
        if (t.k != token::kind::word || !detail::iequals(t.text, "and")) {
            const bool known = t.k == token::kind::word &&
                               (detail::iequals(t.text, "or") || detail::iequals(t.text, "order"));
            error = detail::syntax_error(known ? detail::found(t) + " is not supported"
                                               : "Expecting 'AND' but got " + detail::found(t),
                                         t);
            return std::nullopt;
        }
        if (!lex.next(t, error)) return std::nullopt;
    }
}

} // namespace jira_provider::jql

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_JQL_HPP
