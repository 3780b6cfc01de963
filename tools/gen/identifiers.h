// The numbers and identifiers of one generator run, each unique within the run: citizen numbers,
// old identity card numbers, card application ids and household ids.
//
// Serial numbers look random but never repeat: the n-th citizen number with given first six digits
// (province, century/sex, year) gets serial (a·n + b) mod 1,000,000, with a and b drawn per six
// digits and a coprime to 1,000,000, a bijection while n < 1,000,000 (which WriteResidents' limit
// on the count guarantees); old identity card numbers are drawn the same way from 9-digit numbers.
//
// Thread-safety: not thread-safe (one per run). Nothing throws.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "storage/partial_date.h"
#include "storage/resident.capnp.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

// A permutation of [0, size) that looks random: n -> (a·n + b) mod size, a coprime to size.
class Shuffle {
 public:
  Shuffle(uint64_t size, Random& random);  // 0 < size < 2^32
  uint64_t operator()(uint64_t n) const { return (a_ * (n % size_) + b_) % size_; }

 private:
  uint64_t size_;
  uint64_t a_;
  uint64_t b_;
};

class Identifiers {
 public:
  // Ids name `unit`, the generator's commune; `random` (the run's) draws the shuffles.
  Identifiers(std::string_view unit, Random& random);

  Identifiers(const Identifiers&) = delete;
  Identifiers& operator=(const Identifiers&) = delete;

  // A new citizen number of a person of `sex` (MALE or FEMALE) born in `birth_year` (1900-2399)
  // whose birth was registered in the 2023 province `province` (2 digits).
  std::string CitizenNumber(std::string_view province, schema::Sex sex, int birth_year);

  // A new old identity card number (9 digits, not starting with 0).
  std::string OldIdNumber();

  // A new card application id, "CC-<unit>-<yyyymmdd>-<6 digits>", for an application of
  // `applied_on` (complete).
  std::string ApplicationId(storage::PartialDateValue applied_on);

  // A new household id, "<unit>-<6 digits>".
  std::string HouseholdId();

 private:
  struct Serials {
    Shuffle shuffle;
    uint32_t issued = 0;
  };

  Random& random_;
  std::string unit_;
  std::map<std::string, Serials> serials_;  // by the first six digits of the number
  Shuffle old_ids_;
  uint64_t old_ids_issued_ = 0;
  uint64_t applications_ = 0;
  uint64_t households_ = 0;
};

}  // namespace dancu::tools::gen
