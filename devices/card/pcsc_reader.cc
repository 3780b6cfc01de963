#include "devices/card/pcsc_reader.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <algorithm>

namespace dancu::devices::card {

namespace {

constexpr std::chrono::milliseconds kRemovalWait{2000};

std::string Text(LONG rv) { return pcsc_stringify_error(rv); }

// The error for a PC/SC failure during `what`.
Error FromPcsc(LONG rv, const std::string& what) {
  switch (rv) {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      return Error(ErrorCode::kUnavailable, "the smart-card service (pcscd) is not running");
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
      return Error(ErrorCode::kNoCardReader, "no smart-card reader is connected");
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
      return Error(ErrorCode::kCardRemoved, "the card was removed from the reader during the read");
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
      return Error(ErrorCode::kUnsupportedCard, "the card does not answer");
    case SCARD_E_TIMEOUT:
      return Error(ErrorCode::kTimedOut, what + " timed out");
    case SCARD_E_CANCELLED:
      return Error(ErrorCode::kCancelled, what + " was cancelled");
    default:
      return Error(ErrorCode::kProtocolError, what + " failed: " + Text(rv));
  }
}

}  // namespace

class PcscReader::Channel : public CardChannel {
 public:
  Channel(PcscReader& reader, std::string reader_name, SCARDHANDLE card, DWORD protocol)
      : reader_(reader), reader_name_(std::move(reader_name)), card_(card), protocol_(protocol) {}
  ~Channel() override { SCardDisconnect(card_, SCARD_RESET_CARD); }

  Result<Bytes> Transmit(const Bytes& command) override {
    Result<Bytes> response = TransmitOnce(command);
    // T=0 cards announce response bytes (61xx) and ask for a corrected Le (6Cxx).
    for (int i = 0; i < 64 && response.ok() && response.value().size() >= 2; ++i) {
      Bytes& r = response.value();
      std::uint8_t sw1 = r[r.size() - 2], sw2 = r.back();
      if (sw1 == 0x61) {
        Bytes data(r.begin(), r.end() - 2);
        Result<Bytes> more = TransmitOnce({command[0], 0xC0, 0x00, 0x00, sw2});
        if (!more.ok()) return more;
        data.insert(data.end(), more.value().begin(), more.value().end());
        r = std::move(data);
      } else if (sw1 == 0x6C && command.size() >= 5) {
        Bytes again = command;
        again.back() = sw2;
        response = TransmitOnce(again);
      } else {
        break;
      }
    }
    return response;
  }

 private:
  Result<Bytes> TransmitOnce(const Bytes& command) {
    if (reader_.cancelled_) return Error(ErrorCode::kCancelled, "the card read was cancelled");
    const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    Bytes response(MAX_BUFFER_SIZE_EXTENDED);
    DWORD length = static_cast<DWORD>(response.size());
    LONG rv = SCardTransmit(card_, pci, command.data(), static_cast<DWORD>(command.size()), nullptr,
                            response.data(), &length);
    if (rv == SCARD_S_SUCCESS && length >= 2) {
      response.resize(length);
      return response;
    }
    if (CardGone()) return FromPcsc(SCARD_W_REMOVED_CARD, "");
    if (rv != SCARD_S_SUCCESS) return FromPcsc(rv, "sending a command to the card");
    return Error(ErrorCode::kProtocolError, "the card's answer has no status word");
  }

  // Whether the card has left the reader. A failed transmit is often reported as a failed
  // transaction before the daemon's presence polling has seen the card go, so this waits up to
  // kRemovalWait for the reader's state to leave "present".
  bool CardGone() {
    SCARD_READERSTATE state{};
    state.szReader = reader_name_.c_str();
    state.dwCurrentState = SCARD_STATE_UNAWARE;
    const auto deadline = std::chrono::steady_clock::now() + kRemovalWait;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      LONG rv = SCardGetStatusChange(reader_.context_, static_cast<DWORD>(left.count()), &state, 1);
      if (rv != SCARD_S_SUCCESS) return false;
      if (state.dwEventState & SCARD_STATE_EMPTY) return true;
      state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
    }
  }

  PcscReader& reader_;
  std::string reader_name_;
  SCARDHANDLE card_;
  DWORD protocol_;
};

Result<std::unique_ptr<PcscReader>> PcscReader::Open() {
  SCARDCONTEXT context = 0;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) return FromPcsc(rv, "connecting to pcscd");
  return std::unique_ptr<PcscReader>(new PcscReader(context));
}

PcscReader::~PcscReader() { SCardReleaseContext(context_); }

Result<std::vector<std::string>> PcscReader::Readers() {
  DWORD length = 0;
  LONG rv = SCardListReaders(context_, nullptr, nullptr, &length);
  if (rv != SCARD_S_SUCCESS) return FromPcsc(rv, "listing the readers");
  std::string names(length, '\0');
  rv = SCardListReaders(context_, nullptr, names.data(), &length);
  if (rv != SCARD_S_SUCCESS) return FromPcsc(rv, "listing the readers");
  std::vector<std::string> readers;
  for (std::size_t at = 0; at < names.size() && names[at] != '\0';) {
    std::string name(names.c_str() + at);
    at += name.size() + 1;
    readers.push_back(std::move(name));
  }
  if (readers.empty()) return Error(ErrorCode::kNoCardReader, "no smart-card reader is connected");
  return readers;
}

Result<std::unique_ptr<CardChannel>> PcscReader::Connect(const std::string& reader,
                                                         std::chrono::milliseconds timeout) {
  Result<std::vector<std::string>> readers = Readers();
  if (!readers.ok()) return readers.error();
  std::vector<std::string> watched = readers.value();
  if (!reader.empty()) {
    if (std::find(watched.begin(), watched.end(), reader) == watched.end()) {
      std::string known;
      for (const std::string& r : watched) known += (known.empty() ? "" : ", ") + r;
      return Error(ErrorCode::kNoCardReader, "no reader named " + reader + " (found: " + known + ")");
    }
    watched = {reader};
  }
  std::vector<SCARD_READERSTATE> states(watched.size());
  for (std::size_t i = 0; i < watched.size(); ++i) {
    states[i].szReader = watched[i].c_str();
    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (cancelled_) return Error(ErrorCode::kCancelled, "waiting for a card was cancelled");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    LONG rv = SCardGetStatusChange(context_, static_cast<DWORD>(std::max<long>(0, left.count())),
                                   states.data(), static_cast<DWORD>(states.size()));
    if (rv == SCARD_E_TIMEOUT) {
      return Error(ErrorCode::kNoCard, "there is no card in the reader (waited " +
                                           std::to_string(timeout.count() / 1000) + " s)");
    }
    if (rv != SCARD_S_SUCCESS) return FromPcsc(rv, "waiting for a card");
    for (std::size_t i = 0; i < states.size(); ++i) {
      states[i].dwCurrentState = states[i].dwEventState & ~SCARD_STATE_CHANGED;
      if ((states[i].dwEventState & SCARD_STATE_PRESENT) &&
          !(states[i].dwEventState & SCARD_STATE_MUTE)) {
        SCARDHANDLE card = 0;
        DWORD protocol = 0;
        rv = SCardConnect(context_, watched[i].c_str(), SCARD_SHARE_EXCLUSIVE,
                          SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
        if (rv != SCARD_S_SUCCESS) return FromPcsc(rv, "connecting to the card");
        return std::unique_ptr<CardChannel>(new Channel(*this, watched[i], card, protocol));
      }
    }
  }
}

void PcscReader::Cancel() {
  cancelled_ = true;
  SCardCancel(context_);
}

CardSourceFactory PcscSources() {
  return []() -> Result<std::unique_ptr<CardSource>> {
    Result<std::unique_ptr<PcscReader>> reader = PcscReader::Open();
    if (!reader.ok()) return reader.error();
    return std::unique_ptr<CardSource>(std::move(reader).value());
  };
}

}  // namespace dancu::devices::card
