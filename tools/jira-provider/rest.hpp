// rest.hpp - jira-provider's REST resources, signed with an access token, answered with JIRA's
// JSON shapes (Boost.JSON, see json.hpp):
//
//   GET|PUT|DELETE /rest/api/{2|latest}/issue/{key or id}, POST /rest/api/{2|latest}/issue,
//   GET /rest/api/{2|latest}/search?jql=...&startAt=...&maxResults=... (see jql.hpp),
//   GET /rest/api/{2|latest}/project[/{key or id}], GET /rest/api/{2|latest}/field,
//   GET /rest/api/{2|latest}/issuetype,
//   GET /rest/api/{2|latest}/myself,
//   GET /rest/api/{2|latest}/serverInfo (also unsigned, as JIRA answers it anonymously)
//
// One project, JJ ("JIRA Junior", id 10000), with the issue types Task, Bug, Story and Epic. The
// issues live in memory: JJ-1 and JJ-2 (the tutorial's issue) at start, then JJ-3, ...
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_REST_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_REST_HPP

#include "context.hpp"
#include "jql.hpp"
#include "json.hpp"

#include <oauth1/provider.hpp>

#include <boost/json.hpp>

#include <httplib.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jira_provider {

namespace detail {

/// JIRA's date format: 2017-03-06T14:38:08.000+0000.
inline std::string jira_time(std::uint64_t seconds)
{
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000+0000", &tm);
    return std::string(buf, n);
}

/// The version jira-provider answers as (GET /rest/api/2/serverInfo): a JIRA Server release
/// whose REST API v2 has every resource jira-provider offers, in the shapes it answers.
inline constexpr int jira_version[3] = {8, 20, 10};

/// The issue types of project JJ (JIRA Software's defaults).
struct issue_type {
    const char* id;
    const char* name;
    const char* description;
    int avatar_id;
};
inline constexpr issue_type issue_types[] = {
    {"10002", "Task", "A task that needs to be done.", 10318},
    {"10004", "Bug", "A problem which impairs or prevents the functions of the product.", 10303},
    {"10001", "Story", "A user story. Created by JIRA Software - do not edit or delete.", 10315},
    {"10000", "Epic",
     "Created by JIRA Software - do not edit or delete. Issue type for a big user story that "
     "needs to be broken down.",
     10307},
};

/// The issue type named `name` (any case), or nullptr.
inline const issue_type* issue_type_named(std::string_view name)
{
    for (const issue_type& t : issue_types)
        if (jql::detail::iequals(name, t.name)) return &t;
    return nullptr;
}

/// The issue type with id `id`, or nullptr.
inline const issue_type* issue_type_with_id(std::string_view id)
{
    for (const issue_type& t : issue_types)
        if (id == t.id) return &t;
    return nullptr;
}

/// The one project.
struct project_info {
    static constexpr const char* id = "10000";
    static constexpr const char* key = "JJ";
    static constexpr const char* name = "JIRA Junior";
    static constexpr const char* description =
        "The project of Atlassian's \"OAuth for REST APIs\" tutorial (jira-provider).";

    /// Whether `k` is its key (any case, as JIRA's project lookup).
    static bool has_key(std::string_view k) { return jql::detail::iequals(k, key); }
    /// Whether `key_or_id` names it: its key or its id.
    static bool named(std::string_view key_or_id) { return has_key(key_or_id) || key_or_id == id; }
};

/// A query parameter as a count: absent -> `fallback`; false when it is not a non-negative
/// decimal number.
inline bool count_parameter(const ::httplib::Request& req, const char* name, std::uint64_t fallback,
                            std::uint64_t& out)
{
    out = fallback;
    if (!req.has_param(name)) return true;
    const std::string v = req.get_param_value(name);
    if (v.empty()) return false;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), out);
    return r.ec == std::errc{} && r.ptr == v.data() + v.size();
}

/// Whether `req` carries OAuth at all (an Authorization header or oauth_* parameters).
inline bool has_oauth(const ::httplib::Request& req)
{
    if (req.has_header("Authorization")) return true;
    for (const auto& kv : req.params)
        if (kv.first.rfind("oauth_", 0) == 0) return true;
    return false;
}

} // namespace detail

/// The REST resources. Thread-safe (the issues are guarded by their own mutex).
class rest {
public:
    explicit rest(context& ctx) : ctx_(ctx) { seed_issues(); }

    void issue_get(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        const std::lock_guard<std::mutex> lock(mutex_);
        const issue* i = find_issue(req.matches[1].str());
        if (!i) return errors(res, 404, "Issue Does Not Exist");
        reply(res, 200, issue_json(*i));
    }

    void issue_create(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        const auto fields = read_fields(req, res);
        if (!fields) return;
        const boost::json::value* project = detail::json_member(*fields, "project");
        const boost::json::string* pkey =
            project ? detail::json_string_member(*project, "key") : nullptr;
        const boost::json::string* pid =
            project ? detail::json_string_member(*project, "id") : nullptr;
        if (!(pkey && detail::project_info::has_key(*pkey)) &&
            !(pid && *pid == detail::project_info::id))
            return errors(res, 400, "", "project", "Specify a valid project ID or key");
        const boost::json::string* summary = detail::json_string_member(*fields, "summary");
        if (!summary || summary->empty())
            return errors(res, 400, "", "summary", "You must specify a summary of the issue.");
        issue i;
        i.summary = std::string(*summary);
        if (const boost::json::string* d = detail::json_string_member(*fields, "description"))
            i.description = std::string(*d);
        // The issue type by name or id, one of the project's; none: Task.
        if (const boost::json::value* t = detail::json_member(*fields, "issuetype")) {
            const boost::json::string* n = detail::json_string_member(*t, "name");
            const boost::json::string* tid = detail::json_string_member(*t, "id");
            const detail::issue_type* type = n     ? detail::issue_type_named(*n)
                                             : tid ? detail::issue_type_with_id(*tid)
                                                   : nullptr;
            if (!type) return errors(res, 400, "", "issuetype", "valid issue type is required");
            i.issuetype = type->name;
        }
        i.created = i.updated = ctx_.now();
        boost::json::object body;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            i.id = next_id_++;
            i.key = "JJ-" + std::to_string(next_number_++);
            const std::string id = std::to_string(i.id);
            body["id"] = id;
            body["key"] = i.key;
            body["self"] = ctx_.base_url() + "/rest/api/2/issue/" + id;
            issues_.push_back(std::move(i));
        }
        reply(res, 201, body);
    }

    void issue_update(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        const auto fields = read_fields(req, res);
        if (!fields) return;
        const boost::json::string* summary = detail::json_string_member(*fields, "summary");
        if (summary && summary->empty())
            return errors(res, 400, "", "summary", "You must specify a summary of the issue.");
        const std::lock_guard<std::mutex> lock(mutex_);
        issue* i = find_issue(req.matches[1].str());
        if (!i) return errors(res, 404, "Issue Does Not Exist");
        if (summary) i->summary = std::string(*summary);
        if (const boost::json::string* d = detail::json_string_member(*fields, "description"))
            i->description = std::string(*d);
        i->updated = ctx_.now();
        res.status = 204;
    }

    void issue_delete(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        const std::lock_guard<std::mutex> lock(mutex_);
        const issue* i = find_issue(req.matches[1].str());
        if (!i) return errors(res, 404, "Issue Does Not Exist");
        issues_.erase(issues_.begin() + (i - issues_.data()));
        res.status = 204;
    }

    void myself(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        reply(res, 200, user_json());
    }

    /// GET /rest/api/2/serverInfo. JIRA answers it without authentication too; a request that
    /// carries OAuth must verify, as everywhere.
    void server_info(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (detail::has_oauth(req) &&
            !ctx_.authenticate(req, res, oauth1::token_requirement::access))
            return;
        const int* v = detail::jira_version;
        boost::json::object body;
        body["baseUrl"] = ctx_.base_url();
        body["version"] =
            std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]);
        body["versionNumbers"] = {v[0], v[1], v[2]};
        body["deploymentType"] = "Server";
        body["buildNumber"] = v[0] * 100000 + v[1] * 1000 + v[2];
        body["buildDate"] = "2022-07-26T00:00:00.000+0000";
        body["serverTime"] = detail::jira_time(ctx_.now());
        body["serverTitle"] = "jira-provider";
        reply(res, 200, body);
    }

    /// GET /rest/api/2/project: the projects (one).
    void projects(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        boost::json::object p = project_summary_json();
        p["expand"] = "description,lead,url,projectKeys";
        reply(res, 200, boost::json::array{std::move(p)});
    }

    /// GET /rest/api/2/project/{key or id}.
    void project_get(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        const std::string key_or_id = req.matches[1].str();
        if (!detail::project_info::named(key_or_id)) {
            const bool is_id = key_or_id.find_first_not_of("0123456789") == std::string::npos;
            return errors(res, 404,
                          std::string("No project could be found with ") + (is_id ? "id" : "key") +
                              " '" + key_or_id + "'.");
        }
        reply(res, 200, project_json());
    }

    /// GET /rest/api/2/issuetype: the issue types (the jira library's create_issue() looks a
    /// type given by name up here when the project is given by key in a dict).
    void issue_types(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        reply(res, 200, issue_types_json());
    }

    /// GET /rest/api/2/field: the issue fields (what JQL and the issues name).
    void fields(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        reply(res, 200, fields_json());
    }

    /// GET /rest/api/2/search?jql=...&startAt=...&maxResults=...: the issues a query selects
    /// (jql.hpp), newest first, a page of them. `fields` and `expand` are accepted and ignored
    /// (every field is answered); validateQuery=false turns values that name nothing into
    /// warningMessages, as in JIRA.
    void search(const ::httplib::Request& req, ::httplib::Response& res)
    {
        if (!ctx_.authenticate(req, res, oauth1::token_requirement::access)) return;
        std::uint64_t start = 0;
        std::uint64_t max = 0;
        if (!detail::count_parameter(req, "startAt", 0, start))
            return not_a_count(req, res, "startAt");
        if (!detail::count_parameter(req, "maxResults", 50, max))
            return not_a_count(req, res, "maxResults");
        // JIRA answers at most 1000 issues a page (and says so in maxResults).
        if (max > 1000) max = 1000;
        std::string error;
        const std::optional<jql::query> q = jql::parse(req.get_param_value("jql"), error);
        if (!q) return errors(res, 400, error);
        const bool validate = !jql::detail::iequals(req.get_param_value("validateQuery"), "false");

        boost::json::array warnings;
        boost::json::array page;
        std::uint64_t total = 0;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            bool matches_nothing = false;
            for (const jql::clause& c : *q) {
                const std::string unknown = unknown_value(c);
                if (unknown.empty()) continue;
                if (validate) return errors(res, 400, unknown);
                warnings.emplace_back(unknown);
                matches_nothing = true;
            }
            for (auto it = issues_.rbegin(); it != issues_.rend() && !matches_nothing; ++it) {
                if (!selects(*q, *it)) continue;
                if (total >= start && page.size() < max) page.emplace_back(issue_json(*it));
                ++total;
            }
        }
        boost::json::object body;
        body["expand"] = "schema,names";
        body["startAt"] = start;
        body["maxResults"] = max;
        body["total"] = total;
        body["issues"] = std::move(page);
        if (!warnings.empty()) body["warningMessages"] = std::move(warnings);
        reply(res, 200, body);
    }

private:
    struct issue {
        std::uint64_t id = 0;
        std::string key;
        std::string summary;
        std::optional<std::string> description;
        std::string issuetype = "Task";
        std::uint64_t created = 0;
        std::uint64_t updated = 0;
    };

    static void reply(::httplib::Response& res, int status, const boost::json::value& body)
    {
        res.status = status;
        res.set_content(boost::json::serialize(body), "application/json;charset=UTF-8");
    }

    static void not_a_count(const ::httplib::Request& req, ::httplib::Response& res,
                            const char* name)
    {
        errors(res, 400,
               "The value '" + req.get_param_value(name) + "' of parameter '" + name +
                   "' is not a non-negative integer.");
    }

    /// JIRA's error answer: {"errorMessages":[message],"errors":{field:field_message}}.
    static void errors(::httplib::Response& res, int status, const std::string& message,
                       const std::string& field = {}, const std::string& field_message = {})
    {
        boost::json::object body;
        boost::json::array& messages = body["errorMessages"].emplace_array();
        if (!message.empty()) messages.emplace_back(message);
        boost::json::object& fields = body["errors"].emplace_object();
        if (!field.empty()) fields[field] = field_message;
        reply(res, status, body);
    }

    boost::json::object user_json() const
    {
        return {{"self", ctx_.base_url() + "/rest/api/2/user?username=admin"},
                {"key", "admin"},
                {"name", "admin"},
                {"emailAddress", "admin@example.com"},
                {"displayName", "Administrator"},
                {"active", true},
                {"timeZone", "UTC"},
                {"locale", "en_US"}};
    }

    boost::json::object issue_json(const issue& i) const
    {
        const std::string& b = ctx_.base_url();
        const std::string id = std::to_string(i.id);
        boost::json::object fields;
        fields["summary"] = i.summary;
        if (i.description)
            fields["description"] = *i.description;
        else
            fields["description"] = nullptr;
        const detail::issue_type* type = detail::issue_type_named(i.issuetype);
        fields["issuetype"] = issue_type_json(type ? *type : detail::issue_types[0]);
        fields["project"] = project_summary_json();
        fields["status"] = {{"self", b + "/rest/api/2/status/10000"},
                            {"description", ""},
                            {"iconUrl", b + "/"},
                            {"name", "To Do"},
                            {"id", "10000"},
                            {"statusCategory",
                             {{"self", b + "/rest/api/2/statuscategory/2"},
                              {"id", 2},
                              {"key", "new"},
                              {"colorName", "blue-gray"},
                              {"name", "To Do"}}}};
        fields["priority"] = {{"self", b + "/rest/api/2/priority/3"},
                              {"iconUrl", b + "/images/icons/priorities/medium.svg"},
                              {"name", "Medium"},
                              {"id", "3"}};
        fields["labels"] = boost::json::array();
        fields["assignee"] = nullptr;
        fields["reporter"] = user_json();
        fields["creator"] = user_json();
        fields["created"] = detail::jira_time(i.created);
        fields["updated"] = detail::jira_time(i.updated);
        boost::json::object out;
        out["expand"] = "renderedFields,names,schema,operations,editmeta,changelog,"
                        "versionedRepresentations";
        out["id"] = id;
        out["self"] = b + "/rest/api/2/issue/" + id;
        out["key"] = i.key;
        out["fields"] = std::move(fields);
        return out;
    }

    boost::json::object issue_type_json(const detail::issue_type& t) const
    {
        const std::string& b = ctx_.base_url();
        return {{"self", b + "/rest/api/2/issuetype/" + t.id},
                {"id", t.id},
                {"description", t.description},
                {"iconUrl", b + "/secure/viewavatar?size=xsmall&avatarId=" +
                                std::to_string(t.avatar_id) + "&avatarType=issuetype"},
                {"name", t.name},
                {"subtask", false},
                {"avatarId", t.avatar_id}};
    }

    boost::json::array issue_types_json() const
    {
        boost::json::array out;
        for (const detail::issue_type& t : detail::issue_types)
            out.emplace_back(issue_type_json(t));
        return out;
    }

    boost::json::object avatar_urls_json() const
    {
        const std::string a = ctx_.base_url() + "/secure/projectavatar?";
        return {{"48x48", a + "avatarId=10324"},
                {"24x24", a + "size=small&avatarId=10324"},
                {"16x16", a + "size=xsmall&avatarId=10324"},
                {"32x32", a + "size=medium&avatarId=10324"}};
    }

    /// The project as issues and the project list show it.
    boost::json::object project_summary_json() const
    {
        using p = detail::project_info;
        return {{"self", ctx_.base_url() + "/rest/api/2/project/" + p::id},
                {"id", p::id},
                {"key", p::key},
                {"name", p::name},
                {"avatarUrls", avatar_urls_json()},
                {"projectTypeKey", "software"}};
    }

    /// GET /rest/api/2/project/{key}'s answer.
    boost::json::object project_json() const
    {
        using p = detail::project_info;
        const std::string& b = ctx_.base_url();
        boost::json::object out;
        out["expand"] = "description,lead,issueTypes,url,projectKeys,permissions,insight";
        out["self"] = b + "/rest/api/2/project/" + p::id;
        out["id"] = p::id;
        out["key"] = p::key;
        out["description"] = p::description;
        out["lead"] = user_json();
        out["components"] = boost::json::array();
        out["issueTypes"] = issue_types_json();
        out["assigneeType"] = "UNASSIGNED";
        out["versions"] = boost::json::array();
        out["name"] = p::name;
        out["roles"] = {{"Administrators", b + "/rest/api/2/project/" + p::id + "/role/10002"}};
        out["avatarUrls"] = avatar_urls_json();
        out["projectKeys"] = boost::json::array{p::key};
        out["projectTypeKey"] = "software";
        out["archived"] = false;
        return out;
    }

    /// GET /rest/api/2/field's answer: the fields of issue_json(), with their JQL names.
    static boost::json::array fields_json()
    {
        struct field {
            const char* id;
            const char* name;
            bool orderable;
            bool searchable;
            const char* clauses[4]; // JQL names; nullptr after the last
            const char* type;       // schema type; nullptr: no schema
            const char* items;
        };
        const field table[] = {
            {"issuekey", "Key", false, false, {"id", "issue", "issuekey", "key"}, nullptr, nullptr},
            {"summary", "Summary", true, true, {"summary"}, "string", nullptr},
            {"description", "Description", true, true, {"description"}, "string", nullptr},
            {"issuetype", "Issue Type", true, true, {"issuetype", "type"}, "issuetype", nullptr},
            {"project", "Project", false, true, {"project"}, "project", nullptr},
            {"status", "Status", false, true, {"status"}, "status", nullptr},
            {"priority", "Priority", true, true, {"priority"}, "priority", nullptr},
            {"labels", "Labels", true, true, {"labels"}, "array", "string"},
            {"assignee", "Assignee", true, true, {"assignee"}, "user", nullptr},
            {"reporter", "Reporter", true, true, {"reporter"}, "user", nullptr},
            {"creator", "Creator", false, true, {"creator"}, "user", nullptr},
            {"created", "Created", false, true, {"created", "createdDate"}, "datetime", nullptr},
            {"updated", "Updated", false, true, {"updated", "updatedDate"}, "datetime", nullptr},
        };
        boost::json::array out;
        for (const field& f : table) {
            boost::json::object o;
            o["id"] = f.id;
            o["name"] = f.name;
            o["custom"] = false;
            o["orderable"] = f.orderable;
            o["navigable"] = true;
            o["searchable"] = f.searchable;
            boost::json::array& clauses = o["clauseNames"].emplace_array();
            for (const char* c : f.clauses)
                if (c) clauses.emplace_back(c);
            if (f.type) {
                boost::json::object& schema = o["schema"].emplace_object();
                schema["type"] = f.type;
                if (f.items) schema["items"] = f.items;
                schema["system"] = f.id;
            }
            out.emplace_back(std::move(o));
        }
        return out;
    }

    /// JIRA's message when the value of `c` names no project or issue, else "". Caller holds
    /// mutex_.
    std::string unknown_value(const jql::clause& c)
    {
        if (c.field == jql::field::project) {
            // Its key, id or name, as in JIRA.
            if (detail::project_info::named(c.value) ||
                jql::detail::iequals(c.value, detail::project_info::name))
                return {};
            return "The value '" + c.value + "' does not exist for the field '" + c.name + "'.";
        }
        if (find_issue(c.value)) return {};
        const std::size_t dash = c.value.rfind('-');
        const bool is_id =
            !c.value.empty() && c.value.find_first_not_of("0123456789") == std::string::npos;
        const bool is_key = dash != std::string::npos && dash > 0 && dash + 1 < c.value.size() &&
                            c.value.find_first_not_of("0123456789", dash + 1) == std::string::npos;
        if (!is_id && !is_key)
            return "The issue key '" + c.value + "' for field '" + c.name + "' is invalid.";
        return "An issue with key '" + c.value + "' does not exist for field '" + c.name + "'.";
    }

    /// Whether every clause of `q` holds for `i` (the values name something). Caller holds
    /// mutex_.
    bool selects(const jql::query& q, issue& i)
    {
        for (const jql::clause& c : q)
            if (c.field == jql::field::issue && find_issue(c.value) != &i) return false;
        // project = <JJ>: every issue is in JJ.
        return true;
    }

    void seed_issues()
    {
        // Fixed dates, so the tutorial's issues look the same on every run.
        const std::uint64_t created = 1488811088; // 2017-03-06T14:38:08Z
        issue a;
        a.id = 10000;
        a.key = "JJ-1";
        a.summary = "Set up the JIRA Junior project";
        a.created = a.updated = created;
        issue b;
        b.id = 10001;
        b.key = "JJ-2";
        b.summary = "Call the REST API with OAuth";
        b.description = "Example issue of Atlassian's \"OAuth for REST APIs\" tutorial.";
        b.created = b.updated = created + 60;
        issues_.push_back(std::move(a));
        issues_.push_back(std::move(b));
        next_number_ = 3;
        next_id_ = 10002;
    }

    /// The issue with this key (case-insensitive) or numeric id. Caller holds mutex_.
    issue* find_issue(std::string_view key_or_id)
    {
        std::string k(key_or_id);
        for (char& c : k)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        for (issue& i : issues_)
            if (i.key == k || std::to_string(i.id) == k) return &i;
        return nullptr;
    }

    /// Reads the JSON body of a create/update request: the "fields" object, or answers 4xx.
    /// (The body's size is bounded before it is read: options::max_body_bytes.)
    static std::optional<boost::json::value> read_fields(const ::httplib::Request& req,
                                                         ::httplib::Response& res)
    {
        const std::string type = req.get_header_value("Content-Type");
        if (type.rfind("application/json", 0) != 0) {
            res.status = 415;
            res.set_content("Unsupported Media Type: send application/json\n", "text/plain");
            return std::nullopt;
        }
        std::string error;
        std::optional<boost::json::value> body = detail::parse_json(req.body, error);
        if (!body) {
            errors(res, 400, "Malformed JSON body: " + error);
            return std::nullopt;
        }
        if (!body->is_object()) {
            errors(res, 400, "the body must be a JSON object");
            return std::nullopt;
        }
        const boost::json::value* fields = detail::json_member(*body, "fields");
        if (!fields || !fields->is_object()) {
            errors(res, 400, "", "fields", "Field 'fields' is required and must be an object.");
            return std::nullopt;
        }
        return *fields;
    }

    context& ctx_;
    std::mutex mutex_;
    std::vector<issue> issues_;
    std::uint64_t next_number_ = 1;
    std::uint64_t next_id_ = 10000;
};

} // namespace jira_provider

#endif // OAUTH1_TOOLS_JIRA_PROVIDER_REST_HPP
