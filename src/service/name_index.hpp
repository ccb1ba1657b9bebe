#pragma once
// The name index (share/migrations/0005_query.sql, docs/query.md): how a name substring becomes
// an FTS5 query on record_names, whose rowids are records.id.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credit::store {
class Db;
}

namespace credit::service {

inline constexpr size_t kMaxNameQuery = 200;  // characters

// The search text as names are stored: cleaned like an imported name (surrounding spaces,
// full-width letters and digits). Throws Error(bad_input) for an empty text, one longer than
// kMaxNameQuery characters, not UTF-8 or holding control characters.
std::string normalise_name_query(std::string_view text);

// The MATCH expression for records whose subject name contains `name` (normalised): a phrase of
// its trigrams for 3 characters or more; for 1 or 2 characters, every indexed trigram that
// begins with them, read from the term list. nullopt: no record can match.
std::optional<std::string> name_match_expression(store::Db& db, const std::string& name);

// Indexes the names of the records inserted between construction (or the last finish()) and
// finish(), in one statement (0005_query.sql says why this is not an insert trigger). Every writer
// that inserts records holds one over its inserts, inside the same transaction.
class NewRecordNames {
 public:
  explicit NewRecordNames(store::Db& db);
  void finish();

 private:
  store::Db& db_;
  int64_t last_id_ = 0;  // records up to this id existed before
};

}  // namespace credit::service
