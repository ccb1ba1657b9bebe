// Who sees which records, and whether personal data is masked (DESIGN §2 三级管理 and masking):
// the one decision that query, record show and publish share.
//
// - Levels. A record's disclosure level is public (社会公开), shared (政务共享) or authorised
//   (授权查询); a role sees the levels its rights query.public / query.shared / query.authorised
//   grant. The levels are nested: whoever may see a level may see the ones below it.
// - Authorised-level records are disclosed to their own department only (and to the credit
//   centre, '*'): 授权查询 needs an authorisation, which a role alone does not give for another
//   department's data (严禁越权查询使用信用信息).
// - Archived records stop being shared (终止共享): a withdrawn record (expired, repaired, revoked,
//   archived) is disclosed to its own department (and the credit centre) only.
// - Only a published record is public: one not yet published (active) or withdrawn (expired,
//   repaired, revoked, archived: 转为档案保存) is at least shared, so the public level shows what
//   the portal shows and a repaired record cannot be read at the public level.
// - Masking. A natural person's name keeps its first character, an ID number keeps the policy's
//   first and last characters, a legal representative's ID number is never shown — unless the
//   role has data.unmasked and the record belongs to its department.
// - Purpose. Anything beyond what the public sees needs a registered purpose (查询使用登记):
//   a level above public, or personal data in clear.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/kind_spec.hpp"
#include "domain/policy.hpp"
#include "domain/privacy.hpp"

namespace credit::domain {

// The caller as the disclosure rules see it.
struct Audience {
  std::array<bool, 3> levels{};  // indexed by Disclosure
  bool unmasked_right = false;   // data.unmasked
  std::string dept;              // the caller's department, '*' for the credit centre

  bool grants(Disclosure d) const { return levels[static_cast<size_t>(d)]; }
  bool any_level() const { return levels[0] || levels[1] || levels[2]; }
};

// From the role's rights (roles.cpp) and the user's department.
Audience audience_of(std::string_view role, std::string_view dept);
// The public: the public level, masked (what the portal shows).
Audience public_audience();

inline constexpr std::array<std::string_view, 3> kWithdrawnStatuses = {"expired", "repaired",
                                                                       "revoked"};
bool is_withdrawn(std::string_view status, bool archived);

// The level a record is disclosed at: its stored level, at least shared unless published now.
Disclosure effective_level(Disclosure stored, std::string_view status, bool archived);

// Whether the audience may see a record at this effective level of this department.
bool may_see(const Audience& a, Disclosure effective, std::string_view record_dept);
// Whether the audience sees the record's personal data in clear.
bool sees_clear(const Audience& a, std::string_view record_dept);

// The levels an audience sees everywhere, and those it sees only for its own department.
struct LevelScope {
  std::vector<Disclosure> everywhere, own_department;
};
// `wanted`: the levels the caller asked for (empty: every level it is granted).
LevelScope level_scope(const Audience& a, const std::vector<Disclosure>& wanted);

// 查询使用登记: whether a query over these levels (empty: all granted) needs a purpose.
bool purpose_required(const Audience& a, const std::vector<Disclosure>& wanted);
// The same for one record already read.
bool purpose_required(Disclosure effective, bool clear);

// ---- one record ----

// How an audience sees one record: whether at all, and whether its personal data in clear.
struct RecordView {
  Disclosure effective = Disclosure::shared;
  bool visible = false;
  bool clear = false;
};
// The one decision query, record show and publish share; the SQL of a query (query_sql.cpp)
// selects exactly the records for which `visible` holds (test_query.cpp checks both agree).
RecordView view_of(const Audience& a, Disclosure stored, std::string_view status, bool archived,
                   std::string_view record_dept);

// ---- masking ----

enum class Personal { none, person_name, id_number, legal_rep_id };

// What kind of personal value a field holds: a natural person's name, an ID number (personal
// fields), a legal representative's ID number; none for everything else.
Personal personal_kind(const FieldSpec& f, bool natural_person);

// A value as the audience may see it: `clear` shows it as stored; otherwise names and ID
// numbers are masked by the policy's rules and a legal representative's ID number is hidden.
std::string disclose(Personal kind, std::string_view value, bool clear, const MaskingRules& rules);

// True when disclose() could change the value (lets callers skip loading the policy).
inline bool needs_masking(Personal kind, std::string_view value, bool clear) {
  return !clear && kind != Personal::none && !value.empty();
}

// What free text becomes below the clear-data level when the policy in force has no privacy
// rules (a profile loaded before they existed): withheld, never shown unscreened.
inline constexpr std::string_view kUnscreenedText =
    "[withheld: the policy profile has no privacy rules; an administrator loads the current "
    "profile with `credit policy set`]";

// One record's field values as an audience sees them: personal fields disclose()d, free-text
// fields (kinds mark them free_text) screened for personal data (privacy.hpp) unless `clear`.
class FieldDisclosure {
 public:
  // subject_name: the record's subject name when it is a natural person, else empty.
  FieldDisclosure(const MaskingRules& masking, const Screener& screener, bool clear,
                  bool natural_person, std::string subject_name);
  // `rules`, when given, receives the ids of the rules that changed the value.
  std::string value(const FieldSpec& f, std::string_view v,
                    std::vector<std::string>* rules = nullptr) const;

 private:
  const MaskingRules& masking_;
  const Screener& screener_;
  bool clear_, natural_person_;
  std::string subject_name_;
};

// A field's value in the public data set (the portal's releases): disclose() and screening for
// the public audience, and nothing for what the portal never shows — empty values, a legal
// representative's ID number and its type, and the free-text note (备注). A screener without
// rules passes free text through: only releases cut before the rules existed render that way
// (publish refuses to cut one), and they must render as they did.
std::optional<std::string> public_field_value(const FieldSpec& field, std::string_view value,
                                              SubjectType subject, std::string_view subject_name,
                                              const MaskingRules& rules, const Screener& screener);

}  // namespace credit::domain
