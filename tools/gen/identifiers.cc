#include "tools/gen/identifiers.h"

#include <cassert>
#include <numeric>

#include "storage/citizen_number.h"

namespace dancu::tools::gen {

namespace {

constexpr uint64_t kSerials = 1'000'000;
constexpr uint64_t kFirstOldId = 100'000'000;
constexpr uint64_t kOldIds = 900'000'000;  // 100,000,000 to 999,999,999

// `value` in decimal, zero-padded to `width` digits.
std::string Padded(uint64_t value, size_t width) {
  std::string digits = std::to_string(value);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

}  // namespace

Shuffle::Shuffle(uint64_t size, Random& random) : size_(size), b_(random.Below(size)) {
  assert(size > 0 && size < (uint64_t{1} << 32));  // a·n stays below 2^64
  do {
    a_ = random.Below(size);
  } while (std::gcd(a_, size_) != 1);
}

Identifiers::Identifiers(std::string_view unit, Random& random)
    : random_(random), unit_(unit), old_ids_(kOldIds, random) {}

std::string Identifiers::CitizenNumber(std::string_view province, schema::Sex sex,
                                       int birth_year) {
  const std::string prefix = storage::MakeCitizenNumber("0" + std::string(province), sex,
                                                        birth_year, 0).substr(0, 6);
  auto it = serials_.find(prefix);
  if (it == serials_.end()) {
    it = serials_.emplace(prefix, Serials{Shuffle(kSerials, random_)}).first;
  }
  return prefix + Padded(it->second.shuffle(it->second.issued++), 6);
}

std::string Identifiers::OldIdNumber() {
  return std::to_string(kFirstOldId + old_ids_(old_ids_issued_++));
}

std::string Identifiers::ApplicationId(storage::PartialDateValue applied_on) {
  return "CC-" + unit_ + "-" + Padded(applied_on.year, 4) + Padded(applied_on.month, 2) +
         Padded(applied_on.day, 2) + "-" + Padded(++applications_, 6);
}

std::string Identifiers::HouseholdId() { return unit_ + "-" + Padded(++households_, 6); }

}  // namespace dancu::tools::gen
