#include "replication/zap_handler.h"

#include <cstring>
#include <string>
#include <vector>

#include "storage/crypto.h"

namespace dancu::replication::internal {

namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
// RFC 27 request: version, request id, domain, address, identity, mechanism, credentials.
constexpr size_t kRequestParts = 7;

struct Verdict {
  const char* code;
  const char* text;
  std::string user_id;
};

Verdict Decide(const std::vector<zmq::message_t>& request, const AdmitFn& admit) {
  if (request.size() != kRequestParts || request[0].to_string_view() != "1.0" ||
      request[5].to_string_view() != "CURVE" || request[6].size() != sizeof(CurveKey)) {
    return {"400", "not a CurveZMQ request", {}};
  }
  CurveKey key;
  std::memcpy(key.data(), request[6].data(), key.size());
  bool admitted = false;
  try {
    admitted = admit(key);
  } catch (...) {
    return {"500", "admission check failed", {}};
  }
  if (!admitted) return {"400", "key not admitted", storage::ToHex(key)};
  return {"200", "OK", storage::ToHex(key)};
}

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, AdmitFn admit)
    : admit_(std::move(admit)), socket_(context, zmq::socket_type::rep) {
  socket_.set(zmq::sockopt::linger, 0);
  socket_.bind(kZapEndpoint);
}

void ZapHandler::Serve(LinkStats& stats, const LinkLogger& log) {
  for (;;) {
    std::vector<zmq::message_t> request(1);
    if (!socket_.recv(request[0], zmq::recv_flags::dontwait)) return;
    while (request.back().more()) {
      request.emplace_back();
      (void)socket_.recv(request.back());
    }
    Verdict verdict = Decide(request, admit_);
    if (std::string_view(verdict.code) != "200") {
      ++stats.keys_refused;
      if (log) log(std::string("refused a client: ") + verdict.text + " " + verdict.user_id);
    }
    std::string request_id = request.size() > 1 ? request[1].to_string() : std::string();
    socket_.send(zmq::str_buffer("1.0"), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(request_id), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(std::string_view(verdict.code)), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(std::string_view(verdict.text)), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(verdict.user_id), zmq::send_flags::sndmore);
    socket_.send(zmq::const_buffer(nullptr, 0), zmq::send_flags::none);
  }
}

std::optional<CurveKey> ServerFrameKey(zmq::message_t& frame) {
  const char* user_id = zmq_msg_gets(frame.handle(), "User-Id");
  CurveKey key;
  if (user_id == nullptr || !storage::FromHex(user_id, key.data(), key.size())) return std::nullopt;
  return key;
}

}  // namespace dancu::replication::internal
