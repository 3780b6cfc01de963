#include "replication/messages.h"

#include <capnp/message.h>
#include <kj/exception.h>

namespace dancu::replication {

namespace {

// Builds a Message, lets `fill` set its one field, and returns the canonical bytes.
template <typename Fill>
std::string Encode(Fill&& fill) {
  capnp::MallocMessageBuilder builder;
  auto message = builder.initRoot<wire::Message>();
  fill(message);
  return storage::Canonicalize(message.asReader());
}

kj::ArrayPtr<const kj::byte> AsData(std::string_view bytes) {
  return {reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string EncodeHello(const HelloInfo& hello) {
  return Encode([&](wire::Message::Builder m) {
    auto h = m.initHello();
    h.setNodeId(hello.node_id);
    h.setRole(hello.role);
    h.setUnit(hello.unit);
    h.setProtocolVersion(wire::PROTOCOL_VERSION);
    h.setCertificateChain(AsData(hello.certificate_chain));
  });
}

namespace {
void FillVersions(wire::VersionVector::Builder out, const storage::VersionVector& versions) {
  auto list = out.initVersions(static_cast<unsigned>(versions.size()));
  unsigned i = 0;
  for (const auto& [origin, seq] : versions) {
    list[i].setOrigin(origin);
    list[i].setSeq(seq);
    ++i;
  }
}
}  // namespace

std::string EncodeVersionVector(const storage::VersionVector& versions) {
  return Encode([&](wire::Message::Builder m) { FillVersions(m.initVersionVector(), versions); });
}

std::string EncodeSegment(const SegmentData& segment) {
  return Encode([&](wire::Message::Builder m) { ToWire(segment, m.initSegment()); });
}

std::string EncodeAck(uint64_t origin, uint64_t seq) {
  return Encode([&](wire::Message::Builder m) {
    auto ack = m.initAck();
    ack.setOrigin(origin);
    ack.setSeq(seq);
  });
}

std::string EncodeCredit(uint32_t segments) {
  return Encode([&](wire::Message::Builder m) { m.initCredit().setSegments(segments); });
}

namespace {
void Fill(capnp::List<capnp::Data>::Builder list, const std::vector<std::string>& items) {
  for (unsigned i = 0; i < items.size(); ++i) {
    list.set(i, capnp::Data::Reader(reinterpret_cast<const kj::byte*>(items[i].data()), items[i].size()));
  }
}
}  // namespace

std::string EncodeReference(const std::vector<std::string>& chains, const std::vector<std::string>& revocations,
                            const std::vector<std::string>& agencies) {
  return Encode([&](wire::Message::Builder m) {
    auto reference = m.initReference();
    Fill(reference.initChains(static_cast<unsigned>(chains.size())), chains);
    Fill(reference.initRevocations(static_cast<unsigned>(revocations.size())), revocations);
    Fill(reference.initAgencies(static_cast<unsigned>(agencies.size())), agencies);
  });
}

std::string EncodeAuditHeld(const storage::VersionVector& held) {
  return Encode([&](wire::Message::Builder m) { FillVersions(m.initAuditHeld(), held); });
}

std::string EncodeAudit(const std::vector<std::string>& batches) {
  return Encode([&](wire::Message::Builder m) { Fill(m.initAudit(static_cast<unsigned>(batches.size())), batches); });
}

std::string EncodeLeaseAnswer(const std::vector<std::string>& leases) {
  return Encode([&](wire::Message::Builder m) {
    auto reference = m.initReference();
    Fill(reference.initLeases(static_cast<unsigned>(leases.size())), leases);
    reference.setAnswersLeaseRequest(true);
  });
}

std::string EncodeLeaseRequest(std::string_view province, uint32_t count) {
  return Encode([&](wire::Message::Builder m) {
    auto request = m.initLeaseRequest();
    request.setProvince(capnp::Text::Reader(province.data(), province.size()));
    request.setCount(count);
  });
}

std::string EncodeDone() {
  return Encode([](wire::Message::Builder m) { m.setDone(); });
}

std::string EncodeYourLog(std::string_view checkpoint) {
  return Encode([&](wire::Message::Builder m) {
    m.setYourLog(capnp::Data::Reader(reinterpret_cast<const kj::byte*>(checkpoint.data()), checkpoint.size()));
  });
}

std::string EncodeHeartbeat() {
  return Encode([](wire::Message::Builder m) { m.setHeartbeat(); });
}

std::string EncodeError(wire::ErrorCode code, std::string_view text) {
  return Encode([&](wire::Message::Builder m) {
    auto error = m.initError();
    error.setCode(code);
    error.setText(capnp::Text::Reader(text.data(), text.size()));
  });
}

Result<ParsedMessage> DecodeMessage(std::string_view frame, size_t max_bytes) {
  if (frame.size() > max_bytes) {
    return Status::Corruption("frame of " + std::to_string(frame.size()) + " bytes exceeds the cap of " +
                              std::to_string(max_bytes));
  }
  auto message = ParsedMessage::Parse(frame, "message");
  if (!message.ok()) return message;
  try {
    auto which = message->get().which();
    if (static_cast<unsigned>(which) > static_cast<unsigned>(wire::Message::AUDIT)) {
      return Status::Corruption("message of unknown kind " + std::to_string(static_cast<unsigned>(which)));
    }
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("message: ") + e.getDescription().cStr());
  }
  return message;
}

Result<storage::VersionVector> ReadVersionVector(wire::VersionVector::Reader versions) {
  storage::VersionVector out;
  try {
    uint64_t previous = 0;
    bool first = true;
    for (auto v : versions.getVersions()) {
      if (!first && v.getOrigin() <= previous) {
        return Status::Corruption("version vector: origins are not strictly ascending");
      }
      if (v.getSeq() == 0) return Status::Corruption("version vector: an origin has seq 0");
      out.emplace_hint(out.end(), v.getOrigin(), v.getSeq());
      previous = v.getOrigin();
      first = false;
    }
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("version vector: ") + e.getDescription().cStr());
  }
  return out;
}

}  // namespace dancu::replication
