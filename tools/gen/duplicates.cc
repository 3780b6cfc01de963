#include "tools/gen/duplicates.h"

#include <string>
#include <vector>

namespace dancu::tools::gen {

namespace {

using nlohmann::json;

bool AsciiLetter(char c) { return c >= 'a' && c <= 'z'; }

// `name` with one mistake in its ASCII letters (a letter wrong, missing, or two adjacent swapped),
// leaving letters only; unchanged if it has too few.
std::string Mistype(const std::string& name, Random& random) {
  std::vector<size_t> letters;
  for (size_t i = 0; i < name.size(); ++i) {
    if (AsciiLetter(name[i])) letters.push_back(i);
  }
  if (letters.size() < 3) return name;
  std::string typed = name;
  const size_t at = letters[random.Below(letters.size())];
  switch (random.Below(3)) {
    case 0: {  // a letter wrong
      char c = static_cast<char>('a' + random.Below(26));
      typed[at] = c == typed[at] ? (c == 'z' ? 'a' : static_cast<char>(c + 1)) : c;
      break;
    }
    case 1:  // a letter missing, unless it is a word's only letter
      if ((at == 0 || typed[at - 1] == ' ') && (at + 1 == typed.size() || typed[at + 1] == ' ')) return Mistype(name, random);
      typed.erase(at, 1);
      break;
    default:  // two adjacent letters swapped
      if (at + 1 < typed.size() && AsciiLetter(typed[at + 1]) && typed[at] != typed[at + 1]) {
        std::swap(typed[at], typed[at + 1]);
      } else {
        typed[at] = typed[at] == 'n' ? 'm' : 'n';
      }
  }
  return typed;
}

// The name without its middle words, when it has any.
std::string WithoutMiddle(const std::string& name) {
  const size_t first = name.find(' '), last = name.rfind(' ');
  if (first == std::string::npos || first == last) return name;
  return name.substr(0, first) + name.substr(last);
}

// A 12-digit citizen number with one digit of its serial part (the last six of a 12-digit number) changed.
std::string MistypeNumber(const std::string& number, Random& random) {
  std::string typed = number;
  const size_t at = typed.size() - 1 - random.Below(6);
  typed[at] = static_cast<char>('0' + (typed[at] - '0' + 1 + random.Below(9)) % 10);
  return typed;
}

}  // namespace

json PlantDuplicate(const json& original, Random& random) {
  json copy = original;
  copy.erase("household");  // registered again elsewhere
  copy.erase("card");
  // The same number twice is the other kind of case (and refused where it is registered): the
  // copy has none, or one digit wrong.
  bool changed = false;
  if (copy.contains("citizen_no")) {
    if (random.Chance(0.75)) {
      copy.erase("citizen_no");
    } else {
      copy["citizen_no"] = MistypeNumber(copy["citizen_no"], random);
    }
    changed = true;
  }
  do {  // each change once, by its own chance, until something changed
    if (copy.contains("full_name") && random.Chance(0.5)) {
      const std::string name = copy["full_name"];
      const std::string typed = random.Chance(0.25) ? WithoutMiddle(name) : Mistype(name, random);
      changed |= typed != name;
      copy["full_name"] = typed;
    }
    if (copy.contains("birth_date") && random.Chance(0.4)) {
      const std::string date = copy["birth_date"];
      if (date.size() == 10 && random.Chance(0.5)) {
        const std::string month = date.substr(5, 2), day = date.substr(8, 2);
        if (day <= "12" && day != month) {
          copy["birth_date"] = date.substr(0, 5) + day + "-" + month;
          changed = true;
        }
      } else if (date.size() > 4) {
        copy["birth_date"] = random.Chance(0.5) ? date.substr(0, 4) : date.substr(0, 7);
        changed = true;
      }
    }
    for (const char* parent : {"father", "mother"}) {
      if (copy.contains(parent) && copy[parent].contains("name") && random.Chance(0.15)) {
        const std::string name = copy[parent]["name"];
        copy[parent]["name"] = Mistype(name, random);
        changed = true;
      }
    }
  } while (!changed);
  return copy;
}

}  // namespace dancu::tools::gen
