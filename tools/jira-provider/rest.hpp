// rest.hpp - jira-provider's REST resources, signed with an access token, answered with JIRA's
// JSON shapes (Boost.JSON, see json.hpp):
//
//   GET|PUT|DELETE /rest/api/{2|latest}/issue/{key or id}, POST /rest/api/{2|latest}/issue,
//   GET /rest/api/{2|latest}/myself
//
// The issues live in memory: JJ-1 and JJ-2 (the tutorial's issue) at start, then JJ-3, ...
#ifndef OAUTH1_TOOLS_JIRA_PROVIDER_REST_HPP
#define OAUTH1_TOOLS_JIRA_PROVIDER_REST_HPP

#include "context.hpp"
#include "json.hpp"

#include <oauth1/provider.hpp>

#include <boost/json.hpp>

#include <httplib.h>

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
        if (!(pkey && *pkey == "JJ") && !(pid && *pid == "10000"))
            return errors(res, 400, "", "project", "Specify a valid project ID or key");
        const boost::json::string* summary = detail::json_string_member(*fields, "summary");
        if (!summary || summary->empty())
            return errors(res, 400, "", "summary", "You must specify a summary of the issue.");
        issue i;
        i.summary = std::string(*summary);
        if (const boost::json::string* d = detail::json_string_member(*fields, "description"))
            i.description = std::string(*d);
        if (const boost::json::value* t = detail::json_member(*fields, "issuetype"))
            if (const boost::json::string* n = detail::json_string_member(*t, "name"))
                i.issuetype = std::string(*n);
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
        fields["issuetype"] = {
            {"self", b + "/rest/api/2/issuetype/10002"},
            {"id", "10002"},
            {"description", "A task that needs to be done."},
            {"iconUrl", b + "/secure/viewavatar?size=xsmall&avatarId=10318&avatarType=issuetype"},
            {"name", i.issuetype},
            {"subtask", false}};
        fields["project"] = {{"self", b + "/rest/api/2/project/10000"},
                             {"id", "10000"},
                             {"key", "JJ"},
                             {"name", "JIRA Junior"},
                             {"projectTypeKey", "software"}};
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
