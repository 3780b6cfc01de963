#include "replication/session.h"

#include "replication/segment_ingest.h"
#include "storage/crypto.h"

namespace dancu::replication {

Session::Session(SessionHost& host, SessionOptions options)
    : host_(host), options_(std::move(options)), receive_(options_.window) {}

void Session::Emit(std::string frame, std::vector<std::string>& out) {
  stats_.bytes_sent += frame.size();
  out.push_back(std::move(frame));
}

std::vector<std::string> Session::Start() {
  std::vector<std::string> out;
  HelloInfo hello = host_.Hello();
  self_ = hello.node_id;
  hello.certificate_chain.clear();  // sent again with the chain if the peer asks (unknownPeer)
  Emit(EncodeHello(hello), out);
  const storage::VersionVector held = host_.store().version_vector();
  Emit(EncodeVersionVector(held), out);
  Emit(EncodeCredit(receive_.OnConnect(held)), out);
  return out;
}

Result<std::vector<std::string>> Session::OnFrame(std::string_view frame) {
  auto message = DecodeMessage(frame);
  if (!message.ok()) return message.status();
  return OnMessage(message->get(), frame.size());
}

Result<std::vector<std::string>> Session::OnMessage(wire::Message::Reader message, size_t frame_bytes) {
  stats_.bytes_received += frame_bytes;
  std::vector<std::string> out;
  Status handled = Dispatch(message, out);
  if (!handled.ok()) {
    farewell_ = std::move(out);
    return handled;
  }
  return out;
}

Status Session::Dispatch(wire::Message::Reader message, std::vector<std::string>& out) {
  try {
    // Until the peer's hello is accepted (it may have to say hello again, with its chain), its
    // other messages are taken as they come: segments authenticate themselves and acks, credit
    // and vectors only describe the exchange. Only what depends on who it is waits for the hello.
    if (!peer_ && message.isLeaseRequest()) return Status::FailedPrecondition("the peer spoke before its hello");
    switch (message.which()) {
      case wire::Message::HELLO:
        DANCU_RETURN_IF_ERROR(OnHello(message.getHello(), out));
        break;
      case wire::Message::REFERENCE:
        for (auto chain : message.getReference().getChains()) {
          auto accepted = host_.AcceptChain(storage::AsView(chain));
          if (!accepted.ok()) host_.Log("reference data: a chain refused: " + accepted.status().ToString());
        }
        for (auto revocation : message.getReference().getRevocations()) {
          Status accepted = host_.AcceptRevocation(storage::AsView(revocation));
          if (!accepted.ok()) host_.Log("reference data: a revocation refused: " + accepted.ToString());
        }
        for (auto lease : message.getReference().getLeases()) {
          Status accepted = host_.AcceptLease(storage::AsView(lease));
          if (!accepted.ok()) host_.Log("reference data: a lease refused: " + accepted.ToString());
        }
        for (auto agency : message.getReference().getAgencies()) {
          Status accepted = host_.AcceptAgency(storage::AsView(agency));
          if (!accepted.ok()) host_.Log("reference data: an agency credential refused: " + accepted.ToString());
        }
        if (message.getReference().getAnswersLeaseRequest()) {
          lease_pending_ = false;
          NoteSynced();
        }
        break;
      case wire::Message::LEASE_REQUEST: {
        auto request = message.getLeaseRequest();
        auto granted = host_.GrantLease(*peer_, request.getProvince().cStr(), request.getCount());
        if (!granted.ok()) host_.Log("no lease for the peer: " + granted.status().ToString());
        Emit(EncodeLeaseAnswer(granted.ok() ? std::vector<std::string>{*granted} : std::vector<std::string>{}), out);
        break;
      }
      case wire::Message::VERSION_VECTOR:
        DANCU_RETURN_IF_ERROR(OnVersionVector(message.getVersionVector(), out));
        break;
      case wire::Message::SEGMENT:
        DANCU_RETURN_IF_ERROR(OnSegment(message.getSegment(), out));
        break;
      case wire::Message::ACK: {
        const uint64_t origin = message.getAck().getOrigin(), seq = message.getAck().getSeq();
        const uint64_t before = send_.Acked(origin);
        const uint64_t head = host_.store().version_vector().count(origin) ? host_.store().version_vector().at(origin) : 0;
        if (send_.OnShortAck(origin, seq)) {
          // It dealt with our segment without taking all of it.
          if (seq < head) {
            // A segment of merged batches waits whole when one of its batches must: resend the
            // origin one batch per segment, so that the batches that can apply do (another
            // origin's waiting changes may depend on them), and defer it once it waits batch by batch.
            if (!single_batch_.insert(origin).second && deferred_.insert(origin).second) progress_at_defer_ = progress_;
          }
        } else {
          send_.OnAck(origin, seq);
        }
        if (send_.Acked(origin) > before) ++progress_;
        peer_holds_[origin] = std::max(peer_holds_[origin], seq);
        DANCU_RETURN_IF_ERROR(Pump(out));
        break;
      }
      case wire::Message::CREDIT:
        send_.OnCredit(message.getCredit().getSegments());
        DANCU_RETURN_IF_ERROR(Pump(out));
        break;
      case wire::Message::DONE:
        received_done_ = true;
        NoteSynced();
        break;
      case wire::Message::HEARTBEAT:
        break;
      case wire::Message::AUDIT_HELD:
        DANCU_RETURN_IF_ERROR(OnAuditHeld(message.getAuditHeld(), out));
        break;
      case wire::Message::AUDIT:
        DANCU_RETURN_IF_ERROR(OnAudit(message.getAudit(), out));
        break;
      case wire::Message::YOUR_LOG:
        if (!peer_) return Status::FailedPrecondition("the peer spoke of this node's log before its hello");
        DANCU_RETURN_IF_ERROR(host_.CheckOwnLog(*peer_, storage::AsView(message.getYourLog())));
        own_log_checked_ = true;
        DANCU_RETURN_IF_ERROR(Pump(out));
        break;
      case wire::Message::ERROR:
        if (message.getError().getCode() == wire::ErrorCode::UNKNOWN_PEER && !hello_with_chain_) {
          hello_with_chain_ = true;
          Emit(EncodeHello(host_.Hello()), out);
          break;
        }
        host_.Log("peer reports: " + std::string(message.getError().getText().cStr()));
        if (message.getError().getCode() == wire::ErrorCode::NOT_AUTHORIZED) {
          return Status::PermissionDenied("the peer refused this session: " +
                                          std::string(message.getError().getText().cStr()));
        }
        if (message.getError().getCode() == wire::ErrorCode::UNSUPPORTED_VERSION) {
          return Status::PermissionDenied("the peer refused this node's protocol version " +
                                          std::to_string(wire::PROTOCOL_VERSION) + ": " +
                                          std::string(message.getError().getText().cStr()) +
                                          " (upgrade the older of the two nodes)");
        }
        if (message.getError().getCode() == wire::ErrorCode::INTERNAL) {
          return Status::IOError("the peer failed: " + std::string(message.getError().getText().cStr()));
        }
        break;
    }
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("message: ") + e.getDescription().cStr());
  }
  return Status::Ok();
}

Status Session::OnHello(wire::Hello::Reader hello, std::vector<std::string>& out) {
  if (hello.getProtocolVersion() != wire::PROTOCOL_VERSION) {
    const std::string versions = "protocol version " + std::to_string(hello.getProtocolVersion()) +
                                 ", this node speaks " + std::to_string(wire::PROTOCOL_VERSION);
    Emit(EncodeError(wire::ErrorCode::UNSUPPORTED_VERSION,
                     "your node speaks " + versions + ": upgrade the older of the two nodes"),
         out);
    return Status::FailedPrecondition("the peer speaks " + versions + ": upgrade the older of the two nodes");
  }
  Result<PeerIdentity> peer = Status::NotFound("");
  if (hello.getCertificateChain().size() == 0) {
    auto known = host_.KnownPeer(hello.getNodeId());
    if (!known) {
      Emit(EncodeError(wire::ErrorCode::UNKNOWN_PEER, "this node does not know yours: send your chain"), out);
      return Status::Ok();
    }
    peer = *known;
  } else {
    peer = host_.AcceptChain(storage::AsView(hello.getCertificateChain()));
  }
  if (!peer.ok() || peer->node_id != hello.getNodeId() ||
      (options_.link_key && *options_.link_key != peer->curve_key)) {
    std::string why = peer.ok() ? "the chain does not name the hello's node or the link's key" : peer.status().ToString();
    Emit(EncodeError(wire::ErrorCode::NOT_AUTHORIZED, why), out);
    return Status::PermissionDenied("peer's hello: " + why);
  }
  peer_ = *peer;
  // Only when it holds some of the peer's log: a peer whose log this node's vector lacks needs no
  // word of it (in sync, a session costs no frame more).
  if (std::string head = host_.HeadOf(peer_->node_id); !head.empty()) Emit(EncodeYourLog(head), out);
  auto scope = host_.Scope(*peer_);
  if (!scope.ok()) return scope.status();
  scope_ = std::move(scope.value());
  auto revocations = host_.Revocations();
  auto agencies = host_.AgencyCredentials();
  if (!revocations.empty() || !agencies.empty()) Emit(EncodeReference({}, revocations, agencies), out);
  // The audit goes up: a child holding some says what it holds; the parent answers with what it
  // holds, and the child sends the rest (OnAuditHeld). Without audit, not a frame more.
  if (host_.IsAncestor(*peer_)) {
    if (auto held = host_.AuditHeld(); !held.empty()) {
      audit_pending_ = true;
      Emit(EncodeAuditHeld(held), out);
    }
  }
  if (auto ask = host_.WantLease(*peer_)) {
    Emit(EncodeLeaseRequest(ask->province, ask->count), out);
    lease_pending_ = true;
  }
  return Pump(out);
}

Status Session::OnVersionVector(wire::VersionVector::Reader versions, std::vector<std::string>& out) {
  auto held = ReadVersionVector(versions);
  if (!held.ok()) return held.status();
  peer_holds_ = *held;
  have_peer_vector_ = true;
  if (!peer_holds_.count(self_)) own_log_checked_ = true;  // it holds none of this node's log: no yourLog comes
  send_.OnConnect(peer_holds_);
  return Pump(out);
}

Status Session::OnSegment(wire::Segment::Reader segment, std::vector<std::string>& out) {
  ++stats_.segments_received;
  SegmentSpan span{segment.getOrigin(), segment.getFirstSeq(), segment.getLastSeq()};
  auto decision = receive_.OnSegment(span);
  if (decision.verdict == ReceiveFlow::Verdict::kOverCredit) {
    Emit(EncodeError(wire::ErrorCode::OVER_CREDIT, "a segment without credit"), out);
    return Status::FailedPrecondition("the peer sent a segment without credit");
  }
  auto outcome = IngestSegment(host_, segment, peer_.value_or(PeerIdentity{}), options_.source);
  if (!outcome.ok()) {
    // The reason goes to the sender (a full disk: it retries later; nothing it sent is lost).
    Emit(EncodeError(wire::ErrorCode::INTERNAL, "the receiver failed to store the segment: " +
                                                     outcome.status().message() + ". Sync again later"),
         out);
    return outcome.status();
  }
  using Verdict = storage::IngestOutcome::Verdict;
  stats_.changes_applied += outcome->applied;
  stats_.conflicts += outcome->conflicts;
  if (outcome->verdict == Verdict::kRefused) {
    ++stats_.segments_refused;
  } else if (Waits(*outcome)) {
    ++stats_.segments_deferred;
  }
  const uint64_t held = host_.store().version_vector().count(span.origin) ? host_.store().version_vector().at(span.origin) : 0;
  ReceiveFlow::Reply reply = receive_.OnDealtWith(span, held);
  Emit(EncodeAck(reply.origin, reply.seq), out);
  Emit(EncodeCredit(reply.credit), out);
  DANCU_RETURN_IF_ERROR(host_.AfterIngest(span.origin));
  return Pump(out);
}

Status Session::Pump(std::vector<std::string>& out) {
  if (!peer_ || !have_peer_vector_ || sent_done_) return Status::Ok();
  const storage::VersionVector mine = host_.store().version_vector();
  // Deferred origins wait until some other origin has advanced since they were deferred.
  if (!deferred_.empty() && progress_ > progress_at_defer_) deferred_.clear();
  bool pending = false;
  for (uint64_t origin : scope_) {
    auto it = mine.find(origin);
    if (it == mine.end() || refused_.count(origin)) continue;
    if (origin == self_ && !own_log_checked_) {  // not before the peer said what it holds of it
      pending = true;
      continue;
    }
    const uint64_t have = it->second;
    if (send_.Acked(origin) >= have) continue;
    pending = true;
    if (deferred_.count(origin)) continue;
    while (send_.CanSend() && send_.NextSeq(origin) <= have) {
      CutOptions cut = options_.cut;
      if (single_batch_.count(origin)) cut.target_bytes = 1;
      auto segments = CutSegments(host_.store(), origin, send_.NextSeq(origin) - 1, 1, cut);
      if (!segments.ok()) return segments.status();
      if (segments->empty()) break;  // entries after the last checkpoint: not yet sendable
      SegmentData& segment = segments->front();
      if (chains_sent_.insert(origin).second) {
        // The origin's chain, for a receiver that does not know it yet.
        if (auto chain = host_.ChainOf(origin)) Emit(EncodeReference({*chain}, {}), out);
      }
      DANCU_RETURN_IF_ERROR(send_.OnSent(segment.span()));
      ++stats_.segments_sent;
      Emit(EncodeSegment(segment), out);
    }
    if (!send_.CanSend()) return Status::Ok();
  }
  if (send_.in_flight() > 0) return Status::Ok();
  // Nothing in flight. Deferred origins that no progress can unblock: the peer lacks a dependency
  // that this session cannot give it; leave them for a later session.
  if (pending && !deferred_.empty() && progress_ == progress_at_defer_) {
    for (uint64_t origin : deferred_) {
      host_.Log("origin " + storage::IdHex(origin) + " waits for changes the peer lacks from elsewhere");
      refused_.insert(origin);
    }
    deferred_.clear();
    return Pump(out);
  }
  if (pending || audit_pending_ || host_.Recovering()) return Status::Ok();
  sent_done_ = true;
  Emit(EncodeDone(), out);
  NoteSynced();
  return Status::Ok();
}

Status Session::OnAuditHeld(wire::VersionVector::Reader held, std::vector<std::string>& out) {
  if (!peer_) return Status::FailedPrecondition("the peer spoke of the audit before its hello");
  if (!host_.IsAncestor(*peer_)) {
    // A child holding audit: answer with what this node holds of it.
    Emit(EncodeAuditHeld(host_.AuditHeld()), out);
    return Status::Ok();
  }
  auto peer_held = ReadVersionVector(held);
  if (!peer_held.ok()) return peer_held.status();
  auto batches = host_.AuditAfter(*peer_held, kAuditBatchesPerMessage);
  if (!batches.ok()) return batches.status();
  if (batches->empty() || audit_sent_against_ == *peer_held) {
    // All of it held, or the parent took none of what was sent (it logs why): leave the rest.
    if (!batches->empty()) host_.Log("the peer keeps none of the audit batches sent; left for a later session");
    audit_pending_ = false;
    return Pump(out);
  }
  audit_sent_against_ = *peer_held;
  audit_pending_ = true;
  // The chains of the answering nodes whose audit goes, for a parent that does not know them yet
  // (a commune with no changes of its own has sent none).
  for (const auto& [origin, seq] : host_.AuditHeld()) {
    auto it = peer_held->find(origin);
    if ((it == peer_held->end() || it->second < seq) && chains_sent_.insert(origin).second) {
      if (auto chain = host_.ChainOf(origin)) Emit(EncodeReference({*chain}, {}), out);
    }
  }
  Emit(EncodeAudit(*batches), out);
  return Status::Ok();
}

Status Session::OnAudit(capnp::List<capnp::Data>::Reader batches, std::vector<std::string>& out) {
  if (!peer_) return Status::FailedPrecondition("the peer sent audit before its hello");
  for (auto batch : batches) {
    Status accepted = host_.AcceptAudit(storage::AsView(batch));
    if (!accepted.ok()) host_.Log("audit from node " + storage::IdHex(peer_->node_id) + " refused: " + accepted.ToString());
  }
  Emit(EncodeAuditHeld(host_.AuditHeld()), out);
  return Status::Ok();
}

void Session::NoteSynced() {
  if (synced() && peer_) host_.PeerHolds(peer_->node_id, peer_holds_);
}

}  // namespace dancu::replication
