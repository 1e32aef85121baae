// oauth1/detail/beast_async.hpp - private to oauth1 (not a public header): the composed
// operation behind oauth1::beast::async_send_signed() (oauth1/adapters/beast.hpp): write the signed
// request, read the answer, or complete with the signing error without writing.
#ifndef OAUTH1_DETAIL_BEAST_ASYNC_HPP
#define OAUTH1_DETAIL_BEAST_ASYNC_HPP

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <utility>

namespace oauth1::beast::detail {

template <class Stream, class Body, class Fields, class ResponseBody>
class send_signed_op {
public:
    send_signed_op(Stream& s, ::boost::beast::http::request<Body, Fields>& r,
                   ::boost::system::error_code sign_error)
        : stream_(s), req_(r), sign_error_(sign_error), state_(std::make_unique<state>())
    {}

    template <class Self>
    void operator()(Self& self, ::boost::system::error_code ec = {}, std::size_t = 0)
    {
        namespace http = ::boost::beast::http;
        switch (step_) {
        case step::start:
            if (sign_error_) {
                // Never complete inside the initiating call.
                step_ = step::sign_failed;
                ::boost::asio::post(stream_.get_executor(), std::move(self));
                return;
            }
            step_ = step::writing;
            http::async_write(stream_, req_, std::move(self));
            return;
        case step::sign_failed: self.complete(sign_error_, http::response<ResponseBody>{}); return;
        case step::writing:
            if (ec) {
                self.complete(ec, http::response<ResponseBody>{});
                return;
            }
            step_ = step::reading;
            if (req_.method() == http::verb::head) state_->parser.skip(true);
            http::async_read(stream_, state_->buffer, state_->parser, std::move(self));
            return;
        case step::reading:
            if (ec) {
                self.complete(ec, http::response<ResponseBody>{});
                return;
            }
            self.complete(ec, state_->parser.release());
            return;
        }
    }

private:
    enum class step { start, sign_failed, writing, reading };
    struct state {
        ::boost::beast::flat_buffer buffer;
        ::boost::beast::http::response_parser<ResponseBody> parser;
    };
    Stream& stream_;
    ::boost::beast::http::request<Body, Fields>& req_;
    ::boost::system::error_code sign_error_;
    std::unique_ptr<state> state_; // stable address while reads are pending
    step step_ = step::start;
};

} // namespace oauth1::beast::detail

#endif // OAUTH1_DETAIL_BEAST_ASYNC_HPP
