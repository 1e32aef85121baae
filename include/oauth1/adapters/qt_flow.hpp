// oauth1/adapters/qt_flow.hpp - the three-legged flow (RFC 5849 §2) for Qt 6 programs, without
// blocking: oauth1::qt::async_flow starts each step (temporary credentials 2.1, token
// credentials 2.3, signed requests 3) on its QNetworkAccessManager and returns at once; the step
// completes through a callback run on QNetworkReply::finished, in the thread of the flow's event
// loop (the GUI thread in a GUI). Part of the oauth1::qt component.
//
//   oauth1::client client("OauthKey", oauth1::rsa_sha1(oauth1::load_private_key_file(pem)));
//   oauth1::qt::async_flow flow(client, oauth1::jira_endpoints("https://jira.example.com"));
//   flow.request_token([&](std::error_code ec, const oauth1::step_failure& f,
//                          oauth1::temporary_credentials temp) {
//       if (ec) return show(f.describe());
//       QDesktopServices::openUrl(QUrl(QString::fromStdString(flow.authorization_url(temp))));
//       // later, with the code the user pastes:
//       flow.access_token(temp, code, [&](std::error_code ec, const oauth1::step_failure& f,
//                                         oauth1::access_credentials access) { ... });
//   });
//
// Each callback gets the same error_code and step_failure as the blocking steps of flow.hpp
// (errc::transport_failed, errc::oauth_problem with the provider's problem report,
// errc::http_status, errc::invalid_token_response, errc::callback_not_confirmed, signing errors),
// and is never called from inside the call that starts the step. A transport failure's
// description (timeout, connection refused) is in step_failure::detail. The client is updated as
// by flow.hpp: no token for step 1, the temporary credentials for step 3 and, on success, the
// token credentials; it must outlive the flow. Requests go out as oauth1::qt::transport sends
// them (same transport_options, same refusals: qt_transport.hpp). Destroying the flow aborts its
// pending replies; their callbacks are not called. With a skew_clock, a refused timestamp is
// learned from and the request signed and sent once more, as by the blocking flow.
#ifndef OAUTH1_ADAPTERS_QT_FLOW_HPP
#define OAUTH1_ADAPTERS_QT_FLOW_HPP

#include <oauth1/client.hpp>
#include <oauth1/detail/flow_exchange.hpp>
#include <oauth1/detail/qt_exchange.hpp>
#include <oauth1/detail/token_answer.hpp>
#include <oauth1/detail/url_diagnosis.hpp>
#include <oauth1/error.hpp>
#include <oauth1/flow.hpp>
#include <oauth1/flow_error.hpp>
#include <oauth1/problem.hpp>
#include <oauth1/request_traits.hpp>
#include <oauth1/skew_clock.hpp>
#include <oauth1/token_answer.hpp>
#include <oauth1/transport.hpp>
#include <oauth1/transport_options.hpp>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace oauth1 {
namespace qt {

/// The callback of a step: the error (empty on success), the failure details (as flow.hpp's
/// step_failure) and the step's result (default-constructed on failure).
template <class T>
using step_callback = std::function<void(std::error_code, const step_failure&, T)>;

/// The three-legged flow on a QNetworkAccessManager of its own, in the thread that creates it.
/// Not copyable or movable (its replies call back into it).
template <class Signer = any_signer, class Clock = system_clock, class Nonce = random_nonce>
class basic_async_flow {
public:
    /// The client type the flow signs with.
    using client_type = basic_client<Signer, Clock, Nonce>;

    /// A flow for `client` (kept by reference) and the provider's `endpoints`.
    basic_async_flow(client_type& client, service_endpoints endpoints,
                     transport_options options = {})
        : client_(client), endpoints_(std::move(endpoints)), options_(std::move(options))
    {
        detail::configure(nam_);
    }
    basic_async_flow(const basic_async_flow&) = delete;
    basic_async_flow& operator=(const basic_async_flow&) = delete;
    ~basic_async_flow() { cancel(); }

    /// Aborts every pending step; their callbacks are not called.
    void cancel()
    {
        guard_.reset(new QObject); // disconnects the callbacks of pending replies
        pending_ = 0;
        const auto replies = nam_.findChildren<QNetworkReply*>();
        for (QNetworkReply* r : replies) r->abort();
    }

    /// Whether a step has been started and not completed.
    bool busy() const noexcept { return pending_ > 0; }

    /// The provider's endpoints (RFC 5849 §2).
    const service_endpoints& endpoints() const noexcept { return endpoints_; }
    /// The QNetworkAccessManager the flow sends with.
    QNetworkAccessManager& manager() noexcept { return nam_; }

    /// Step 1 (2.1): a POST to the request-token endpoint signed with the consumer credentials
    /// alone (the client's token is cleared), with oauth_callback (flow_options::callback, "oob"
    /// by default). `o` is used before this call returns.
    void request_token(step_callback<temporary_credentials> done, const flow_options& o = {})
    {
        client_.clear_token();
        http_request req = token_request(endpoints_.request_token, o);
        sign_options so;
        so.callback = o.callback.empty() ? std::string_view("oob") : o.callback;
        so.realm = o.realm;
        so.extra = o.extra;
        signed_step(
            std::move(req), so, "temporary credentials (request token)",
            [done = std::move(done)](http_response res, step_failure f, std::error_code ec) {
                temporary_credentials tc;
                if (!ec) {
                    tc = parse_temporary_credentials(res.body, ec, &f.detail);
                    if (ec) failed_answer(res, ec, f);
                }
                done(ec, f, ec ? temporary_credentials{} : std::move(tc));
            });
    }

    /// The URL to send the user to (2.2), for the temporary credentials of step 1.
    std::string authorization_url(const temporary_credentials& temp) const
    {
        return oauth1::authorization_url(endpoints_.authorize, temp.token);
    }

    /// Step 3 (2.3): a POST to the access-token endpoint signed with `temp`, with
    /// oauth_verifier. On success the client signs with the token credentials from then on; on
    /// failure it has no token. `o` is used before this call returns.
    void access_token(const temporary_credentials& temp, std::string_view verifier,
                      step_callback<access_credentials> done, const flow_options& o = {})
    {
        if (verifier.empty()) {
            step_failure f;
            f.step = "token credentials (access token)";
            f.error = make_error_code(errc::missing_parameter);
            deliver([done = std::move(done), f] { done(f.error, f, access_credentials{}); });
            return;
        }
        client_.set_token(temp.token, temp.secret);
        http_request req = token_request(endpoints_.access_token, o);
        sign_options so;
        so.verifier = verifier;
        so.realm = o.realm;
        so.extra = o.extra;
        signed_step(
            std::move(req), so, "token credentials (access token)",
            [this, done = std::move(done)](http_response res, step_failure f, std::error_code ec) {
                access_credentials ac;
                if (!ec) {
                    ac = parse_token_credentials(res.body, ec, &f.detail);
                    if (ec) failed_answer(res, ec, f);
                }
                if (ec) {
                    client_.clear_token();
                    done(ec, f, access_credentials{});
                    return;
                }
                client_.set_token(ac.token, ac.secret);
                done(ec, f, std::move(ac));
            });
    }

    /// A request to a protected resource (3) signed with the client's current credentials. The
    /// callback gets the answer also when `ec` is errc::http_status or errc::oauth_problem (as
    /// oauth1::send_signed). `opts` is used before this call returns.
    void send(http_request req, step_callback<http_response> done, const sign_options& opts = {})
    {
        std::string step = std::string(req.method) + " " + req.url.substr(0, req.url.find('?'));
        signed_step(std::move(req), opts, std::move(step),
                    [done = std::move(done)](http_response res, step_failure f,
                                             std::error_code ec) { done(ec, f, std::move(res)); });
    }

private:
    static http_request token_request(const std::string& endpoint, const flow_options& o)
    {
        http_request req;
        req.method = "POST";
        req.url = endpoint;
        if (!o.form_body.empty()) {
            req.content_type = "application/x-www-form-urlencoded";
            req.body.assign(o.form_body);
        }
        return req;
    }

    /// A 2xx answer that is not what the step needs (as flow.hpp).
    static void failed_answer(const http_response& res, std::error_code ec, step_failure& f)
    {
        f.error = ec;
        f.status = res.status;
        f.body_excerpt = oauth1::detail::redacted_excerpt(res.body);
    }

    /// Runs `fn` from the event loop, unless the flow is destroyed or cancelled first.
    template <class Fn>
    void deliver(Fn fn)
    {
        ++pending_;
        QTimer::singleShot(0, guard_.get(), [this, fn = std::move(fn)]() mutable {
            --pending_;
            fn();
        });
    }

    using answer_fn = std::function<void(http_response, step_failure, std::error_code)>;

    /// sign_options with its own copies of the strings, for a second attempt after the
    /// caller's have gone.
    struct owned_sign_options {
        std::optional<std::string> realm;
        std::string callback;
        std::string verifier;
        bool body_hash = false;
        std::string nonce;
        std::optional<std::uint64_t> timestamp;
        std::vector<std::pair<std::string, std::string>> extra;

        explicit owned_sign_options(const sign_options& o)
            : callback(o.callback), verifier(o.verifier), body_hash(o.body_hash), nonce(o.nonce),
              timestamp(o.timestamp)
        {
            if (o.realm) realm.emplace(*o.realm);
            for (const auto& [n, v] : o.extra) extra.emplace_back(n, v);
        }
        sign_options view() const
        {
            sign_options o;
            if (realm) o.realm = *realm;
            o.callback = callback;
            o.verifier = verifier;
            o.body_hash = body_hash;
            o.nonce = nonce;
            o.timestamp = timestamp;
            for (const auto& [n, v] : extra) o.extra.emplace_back(n, v);
            return o;
        }
    };

    /// Signs `req` now, sends it, and calls `on_answer(response, failure, ec)` on finished, with
    /// the answer classified as oauth1::send_signed does. With a clock that learns the
    /// provider's time (skew_clock), a refused timestamp teaches it the offset and the request is
    /// signed anew and sent once more (as flow.hpp's steps do).
    void signed_step(http_request req, const sign_options& so, std::string step,
                     answer_fn on_answer, bool may_retry = true)
    {
        step_failure f;
        f.step = std::move(step);
        f.consumer_key.assign(client_.consumer_key());
        signed_request s;
        std::error_code ec;
        oauth1::sign(req, client_, so, s, ec);
        if (ec) {
            f.error = ec;
            if (ec == errc::invalid_url || ec == errc::invalid_percent_encoding)
                f.detail = oauth1::detail::describe_url_problem(req.url);
            deliver([on_answer = std::move(on_answer), f, ec]() mutable {
                on_answer(http_response{}, f, ec);
            });
            return;
        }
        f.base_string.assign(s.base_string());
        std::shared_ptr<const owned_sign_options> retry;
        if constexpr (oauth1::detail::learns_time<Clock>::value) {
            if (may_retry && !so.timestamp) retry = std::make_shared<owned_sign_options>(so);
        }
        std::string what;
        ++pending_;
        QNetworkReply* reply = detail::start_exchange(
            nam_, req, options_, guard_.get(),
            [this, on_answer, f, retry, req](detail::exchange_result&& r) mutable {
                --pending_;
                std::error_code rec = r.ec;
                if (rec) {
                    f.error = rec;
                    f.detail = std::move(r.what);
                } else {
                    std::optional<problem_report> problem = parse_problem_response(
                        r.response.body, r.response.header("WWW-Authenticate"));
                    if (!r.response.ok() || problem) {
                        oauth1::detail::describe_answer(r.response, f.base_string,
                                                        std::move(problem), f);
                        rec = f.error;
                    }
                }
                if constexpr (oauth1::detail::learns_time<Clock>::value) {
                    if (retry && rec == errc::oauth_problem && f.problem &&
                        f.problem->code == problem::timestamp_refused) {
                        if (const auto offset =
                                client_.clock().learn(&*f.problem, r.response.header("Date"))) {
                            // The Authorization header of the refused attempt is replaced.
                            signed_step(
                                std::move(req), retry->view(), f.step,
                                [on_answer, offset = *offset](http_response res, step_failure f2,
                                                              std::error_code ec2) {
                                    f2.clock_offset = offset;
                                    on_answer(std::move(res), std::move(f2), ec2);
                                },
                                false);
                            return;
                        }
                    }
                }
                on_answer(std::move(r.response), std::move(f), rec);
            },
            ec, what);
        if (!reply) {
            --pending_;
            f.error = ec;
            f.detail = std::move(what);
            deliver([on_answer = std::move(on_answer), f, ec]() mutable {
                on_answer(http_response{}, f, ec);
            });
        }
    }

    client_type& client_;
    service_endpoints endpoints_;
    transport_options options_;
    QNetworkAccessManager nam_;
    std::unique_ptr<QObject> guard_{new QObject};
    int pending_ = 0;
};

/// The flow for oauth1::client.
using async_flow = basic_async_flow<>;

} // namespace qt
} // namespace oauth1

#endif // OAUTH1_ADAPTERS_QT_FLOW_HPP
