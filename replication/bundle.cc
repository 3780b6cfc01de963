#include "replication/bundle.h"

#include <kj/exception.h>

#include <cstring>

#include "replication/segment_ingest.h"
#include "storage/canonical.h"

namespace dancu::replication {

namespace {


capnp::Data::Reader AsData(std::string_view bytes) {
  return {reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()};
}

std::string AsString(capnp::Data::Reader data) {
  return std::string(reinterpret_cast<const char*>(data.begin()), data.size());
}

// Bounds for the body: canonical bytes allow no amplification; nesting is shallow (body, list,
// segment, data).
capnp::ReaderOptions BodyLimits(size_t words) {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = words * 4 + 64;
  options.nestingLimit = 16;
  return options;
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

uint32_t GetU32(std::string_view in) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in[i])) << (8 * i);
  return v;
}

}  // namespace

Result<BuiltBundle> BuildBundle(SessionHost& host, const storage::SigningKey& key, const PeerIdentity& recipient,
                                const storage::VersionVector& recipient_holds, const BundleOptions& options) {
  const HelloInfo me = host.Hello();
  if (me.certificate_chain.empty()) {
    return Status::FailedPrecondition("this node has no certificate installed (dancu cert install): a bundle carries "
                                      "its sender's chain");
  }
  if (me.node_id != key.node_id()) return Status::InvalidArgument("the signing key is not this node's");
  auto scope = host.Scope(recipient);
  if (!scope.ok()) return scope.status();
  const storage::VersionVector mine = host.store().version_vector();
  const std::vector<std::string> revocations = host.Revocations();

  BuiltBundle built;
  // What the body takes besides the segments, and a margin for its envelope.
  size_t bytes = kBundleBodyOffset + me.certificate_chain.size() + (mine.size() + 1) * 16 + (64u << 10);
  for (const auto& r : revocations) bytes += r.size() + 8;
  std::vector<SegmentData> segments;
  std::vector<std::string> chains;
  for (uint64_t origin : *scope) {
    auto have = mine.find(origin);
    if (have == mine.end()) continue;
    auto held = recipient_holds.find(origin);
    const uint64_t from = held == recipient_holds.end() ? 0 : held->second;
    if (from >= have->second) continue;
    if (segments.size() >= kMaxBundleSegments) {
      built.complete = false;
      break;
    }
    auto cut = CutSegments(host.store(), origin, from, kMaxBundleSegments - segments.size(), options.cut);
    if (!cut.ok()) return cut.status();
    if (cut->empty()) continue;
    auto chain = host.ChainOf(origin);
    size_t taken = 0;
    for (auto& segment : *cut) {
      const size_t size = segment.entries.size() + segment.checkpoint.size() + segment.proof.size() + 64;
      if (bytes + size + (chain ? chain->size() : 0) > options.max_bytes) {
        built.complete = false;
        break;
      }
      bytes += size;
      built.changes += segment.last_seq - segment.first_seq + 1;
      segments.push_back(std::move(segment));
      ++taken;
    }
    if (taken > 0) {
      ++built.origins;
      if (chain) {
        bytes += chain->size() + 8;
        chains.push_back(std::move(*chain));
      }
    }
    if (!built.complete) break;
  }

  capnp::MallocMessageBuilder message;
  auto body = message.initRoot<wire::BundleBody>();
  body.setSender(me.node_id);
  body.setRecipient(recipient.node_id);
  body.setCreatedAt(options.now_ms);
  body.setSenderChain(AsData(me.certificate_chain));
  const std::string recipient_log = host.HeadOf(recipient.node_id);
  body.setRecipientLog(AsData(recipient_log));
  auto chain_list = body.initChains(static_cast<unsigned>(chains.size()));
  for (unsigned i = 0; i < chains.size(); ++i) chain_list.set(i, AsData(chains[i]));
  auto revocation_list = body.initRevocations(static_cast<unsigned>(revocations.size()));
  for (unsigned i = 0; i < revocations.size(); ++i) revocation_list.set(i, AsData(revocations[i]));
  auto versions = body.initVersions(static_cast<unsigned>(mine.size()));
  unsigned v = 0;
  for (const auto& [origin, seq] : mine) {
    versions[v].setOrigin(origin);
    versions[v].setSeq(seq);
    ++v;
  }
  auto segment_list = body.initSegments(static_cast<unsigned>(segments.size()));
  for (unsigned i = 0; i < segments.size(); ++i) ToWire(segments[i], segment_list[i]);
  built.segments = segments.size();
  segments.clear();

  std::string signed_message(kBundleDomain);
  signed_message += storage::Canonicalize(body.asReader());
  const storage::Signature signature = key.Sign(signed_message);
  built.bytes.reserve(kBundleBodyOffset + signed_message.size() - kBundleDomain.size());
  built.bytes.append(kBundleMagic);
  PutU32(built.bytes, wire::BUNDLE_FORMAT_VERSION);
  PutU32(built.bytes, 0);
  built.bytes.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  built.bytes.append(std::string_view(signed_message).substr(kBundleDomain.size()));
  if (built.bytes.size() > kMaxBundleBytes) {
    return Status::InvalidArgument("the bundle would take " + std::to_string(built.bytes.size()) +
                                   " bytes, more than a receiver reads");
  }
  return built;
}

ParsedBundle::ParsedBundle() = default;
ParsedBundle::ParsedBundle(ParsedBundle&&) noexcept = default;
ParsedBundle& ParsedBundle::operator=(ParsedBundle&&) noexcept = default;
ParsedBundle::~ParsedBundle() = default;

bool ParsedBundle::SignedBy(const storage::PublicKey& key) const {
  const auto bytes = words_.asBytes();
  std::string_view message(reinterpret_cast<const char*>(bytes.begin()) + 16 - kBundleDomain.size(),
                           kBundleDomain.size() + body_.size() * sizeof(capnp::word));
  return storage::VerifySignature(key, message, signature_);
}

std::unique_ptr<ParsedBundle::BodyView> ParsedBundle::Read() const {
  auto view = std::make_unique<BodyView>();
  view->segment = body_;
  view->reader = std::make_unique<capnp::SegmentArrayMessageReader>(kj::arrayPtr(&view->segment, 1),
                                                                    BodyLimits(body_.size()));
  view->root = view->reader->getRoot<wire::BundleBody>();
  return view;
}

Result<ParsedBundle> ParseBundle(std::string_view file) {
  if (file.size() < kBundleMagic.size() || file.substr(0, kBundleMagic.size()) != kBundleMagic) {
    return Status::Corruption("not a dancu bundle (it does not start with " + std::string(kBundleMagic) + ")");
  }
  if (file.size() < kBundleHeaderBytes) {
    return Status::Corruption("bundle: truncated: " + std::to_string(file.size()) + " bytes");
  }
  const uint32_t version = GetU32(file.substr(8, 4));
  if (version != wire::BUNDLE_FORMAT_VERSION) {
    return Status::Corruption("bundle: format version " + std::to_string(version) + "; this dancu reads version " +
                              std::to_string(wire::BUNDLE_FORMAT_VERSION));
  }
  if (GetU32(file.substr(12, 4)) != 0) return Status::Corruption("bundle: garbled header");
  if (file.size() > kMaxBundleBytes) {
    return Status::Corruption("bundle: " + std::to_string(file.size()) + " bytes, more than the cap of " +
                              std::to_string(kMaxBundleBytes));
  }
  const size_t body_bytes = file.size() < kBundleBodyOffset ? 0 : file.size() - kBundleBodyOffset;
  if (body_bytes == 0 || body_bytes % sizeof(capnp::word) != 0) {
    return Status::Corruption("bundle: truncated or garbled: " + std::to_string(file.size()) + " bytes");
  }
  ParsedBundle bundle;
  std::memcpy(bundle.signature_.data(), file.data() + kBundleHeaderBytes, bundle.signature_.size());
  const size_t body_words = body_bytes / sizeof(capnp::word);
  bundle.words_ = kj::heapArray<capnp::word>(2 + body_words);
  auto* raw = reinterpret_cast<char*>(bundle.words_.begin());
  std::memset(raw, 0, 16);
  std::memcpy(raw + 16 - kBundleDomain.size(), kBundleDomain.data(), kBundleDomain.size());
  std::memcpy(raw + 16, file.data() + kBundleBodyOffset, body_bytes);
  bundle.body_ = bundle.words_.slice(2, bundle.words_.size()).asConst();
  try {
    auto view = bundle.Read();
    if (!view->reader->isCanonical()) return Status::Corruption("bundle: truncated or garbled: not canonical bytes");
    auto body = view->root;
    bundle.sender_ = body.getSender();
    bundle.recipient_ = body.getRecipient();
    bundle.created_ms_ = body.getCreatedAt();
    bundle.sender_chain_ = AsString(body.getSenderChain());
    bundle.recipient_log_ = AsString(body.getRecipientLog());
    for (auto chain : body.getChains()) bundle.chains_.push_back(AsString(chain));
    for (auto revocation : body.getRevocations()) bundle.revocations_.push_back(AsString(revocation));
    uint64_t previous = 0;
    for (auto v : body.getVersions()) {
      if (v.getOrigin() <= previous || v.getSeq() == 0) {
        return Status::Corruption("bundle: the version vector is not ascending origins with seqs from 1");
      }
      bundle.versions_.emplace_hint(bundle.versions_.end(), v.getOrigin(), v.getSeq());
      previous = v.getOrigin();
    }
    bundle.segment_count_ = body.getSegments().size();
    if (bundle.segment_count_ > kMaxBundleSegments) {
      return Status::Corruption("bundle: " + std::to_string(bundle.segment_count_) + " segments, more than the cap of " +
                                std::to_string(kMaxBundleSegments));
    }
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("bundle: truncated or garbled: ") + e.getDescription().cStr());
  }
  return bundle;
}

Result<BundleImport> ImportBundle(SessionHost& host, const ParsedBundle& bundle, uint64_t self,
                                  const std::string& source) {
  if (bundle.recipient() != self) {
    return Status::FailedPrecondition("bundle is for node " + storage::IdHex(bundle.recipient()) + ", this is node " + storage::IdHex(self));
  }
  auto sender = host.AcceptChain(bundle.sender_chain());
  if (!sender.ok()) {
    return Status::PermissionDenied("bundle: the sender's certificate chain does not verify: " +
                                    sender.status().ToString());
  }
  if (sender->node_id != bundle.sender()) {
    return Status::Corruption("bundle: signed as node " + storage::IdHex(bundle.sender()) + " with the chain of node " +
                              storage::IdHex(sender->node_id));
  }
  auto trust = host.Trust()(bundle.sender());
  if (!trust) return Status::PermissionDenied("bundle: no trust for its sender " + storage::IdHex(bundle.sender()));
  if (trust->revoked_after != UINT64_MAX) {
    return Status::PermissionDenied("bundle: its sender " + storage::IdHex(bundle.sender()) + " is revoked");
  }
  if (!bundle.SignedBy(trust->key)) {
    return Status::Corruption("bundle: the signature does not verify with the key of its sender " +
                              storage::IdHex(bundle.sender()) + ": the file was altered or forged");
  }

  for (const auto& chain : bundle.chains()) {
    auto accepted = host.AcceptChain(chain);
    if (!accepted.ok()) host.Log("bundle reference data: a chain refused: " + accepted.status().ToString());
  }
  for (const auto& revocation : bundle.revocations()) {
    Status accepted = host.AcceptRevocation(revocation);
    if (!accepted.ok()) host.Log("bundle reference data: a revocation refused: " + accepted.ToString());
  }

  // What the sender holds of this node's own log, before anything of it is taken in: a node
  // restored from an older copy sets its newest work aside (SessionHost::CheckOwnLog); its own
  // entries then come back in a later bundle.
  if (Status own = host.CheckOwnLog(*sender, bundle.recipient_log()); !own.ok()) {
    if (own.code() != Status::Code::kFailedPrecondition) return own;
    host.Log("bundle: " + own.message());
  }

  BundleImport report;
  report.sender = bundle.sender();
  report.segments = bundle.segment_count();
  std::vector<unsigned> pending(bundle.segment_count());
  for (unsigned i = 0; i < pending.size(); ++i) pending[i] = i;
  using Verdict = storage::IngestOutcome::Verdict;
  try {
    // Each pass applies what is ready; the rest waits for the next pass, until one makes no progress.
    while (!pending.empty()) {
      auto view = bundle.Read();
      auto segments = view->root.getSegments();
      std::vector<unsigned> waiting;
      bool progress = false;
      for (unsigned i : pending) {
        auto segment = segments[i];
        auto outcome = IngestSegment(host, segment, *sender, source);
        if (!outcome.ok()) return outcome.status();
        switch (outcome->verdict) {
          case Verdict::kApplied:
            ++report.applied;
            report.changes += outcome->applied;
            report.conflicts += outcome->conflicts;
            progress = true;
            DANCU_RETURN_IF_ERROR(host.AfterIngest(segment.getOrigin()));
            break;
          case Verdict::kDuplicate:
            ++report.duplicates;
            break;
          case Verdict::kRefused:
            ++report.refused;
            report.refusals.push_back("origin " + storage::IdHex(segment.getOrigin()) + " seq " +
                                      std::to_string(segment.getFirstSeq()) + ".." +
                                      std::to_string(segment.getLastSeq()) + ": " + outcome->reason);
            break;
          case Verdict::kNotReady:
          case Verdict::kGap:
            waiting.push_back(i);
            break;
        }
      }
      pending = std::move(waiting);
      if (!progress) break;
    }
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("bundle: ") + e.getDescription().cStr());
  }
  report.waiting = pending.size();
  host.PeerHolds(bundle.sender(), bundle.versions());
  return report;
}

}  // namespace dancu::replication
