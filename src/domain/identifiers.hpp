// Subject identifiers: Unified Social Credit Code (GB 32100-2015) and resident
// identity card number (GB 11643-1999).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/date.hpp"

namespace credit::domain {

struct UsccCheck {
  bool valid = false;     // 18 characters, charset and outer check character correct
  bool inner_ok = false;  // organisation-code check (positions 9–17, GB 11714) correct
  std::string code;       // normalised (upper case) when valid
  std::string error;      // why it is invalid, e.g. "check character is 'L', expected 'K'"
  std::string warning;    // inner check failure or lower-case letters; valid codes only
};

// Outer check always decides validity; an inner organisation-code mismatch is
// only a warning because real registrations contain such codes. Lower-case
// letters are accepted and normalised with a warning. Allow-listed codes that
// fail the check are the policy's business (uscc_allowed_exception).
UsccCheck check_uscc(std::string_view code);

// Check character for the first 17 characters (upper case, USCC charset);
// '\0' when `first17` is shorter than 17 or holds a character outside the charset.
// Longer input is fine: only the first 17 characters are used.
char uscc_check_char(std::string_view first17);

// Organisation-code (GB 11714) check character for the 8-character body; '\0' if invalid.
char org_code_check_char(std::string_view body8);

// Individual businesses (个体工商户) are registered under codes starting "92".
bool is_individual_business(std::string_view uscc);

struct ResidentIdCheck {
  bool valid = false;
  bool legacy = false;             // old 15-digit number (no check character)
  std::string number;              // normalised: trailing 'x' upper-cased
  std::optional<Date> birth_date;  // when valid
  std::string error;
};

// 18 characters: 17 digits plus check character "10X98765432"[Σ mod 11], and a
// real birth date in positions 7–14 (year ≥ 1850). 15 digits: legacy number
// with birth date 19YYMMDD in positions 7–12, flagged legacy.
ResidentIdCheck check_resident_id(std::string_view id);

// Check character for 17 digits; '\0' if `first17` is not 17 digits (longer input: first 17 used).
char resident_id_check_char(std::string_view first17);

// Converts a valid legacy 15-digit number to its 18-character form (inserts "19",
// appends the check character); empty if `id15` is not a valid legacy number.
std::string resident_id_to_18(std::string_view id15);

// Deterministic valid test identifiers (for data generators and tests).
// make_uscc: `prefix` (1–8 characters of the USCC charset, default "91" = 工商/企业)
// then region digits, an 8-digit organisation body from n and both check characters.
// Distinct n give distinct codes for n < 10^8 with any prefix, and for n < 10^14
// with a 2-character prefix. Throws std::invalid_argument on a bad prefix.
std::string make_uscc(uint64_t n, std::string_view prefix = "91");
// make_resident_id: real area codes, birth dates 1940–2008, sequence numbers;
// distinct for n < 2×10^8.
std::string make_resident_id(uint64_t n);

}  // namespace credit::domain
