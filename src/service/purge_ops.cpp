// purge.expired: the nightly end of publicity. Records whose maximum publicity period has ended
// (publicity_until before today, China time) are withdrawn and archived — never deleted — with
// their previous version kept in record_versions; dishonest-list entries whose listing has ended
// likewise. The portal is told by the next release (publish), which withdraws every record the
// portal still shows whose status is no longer published.
#include <fmt/format.h>

#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/modules.hpp"
#include "service/record_writer.hpp"
#include "service/repair_support.hpp"
#include "store/store.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

// The due records, by an index range on (status, publicity_until).
constexpr const char* kDue =
    "status IN ('active', 'published') AND publicity_until < ?6 AND kind {} ('dishonest', 'red')";

// "3-7,12,15-16": the affected ids in one audit entry, however many; at most `limit` characters
// (the rest is counted, and record_versions has every record's own row).
std::string id_ranges(const std::vector<int64_t>& ids, size_t limit = 64 * 1024) {
  std::string out;
  size_t i = 0;
  while (i < ids.size()) {
    size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1)
      ++j;
    std::string range = j == i ? std::to_string(ids[i]) : fmt::format("{}-{}", ids[i], ids[j]);
    if (out.size() + range.size() + 1 > limit)
      return out + fmt::format(",… ({} more)", ids.size() - i);
    out += (out.empty() ? "" : ",") + range;
    i = j + 1;
  }
  return out;
}

std::vector<int64_t> due_ids(store::Db& db, const std::string& on, bool listings) {
  auto s =
      db.prepare(fmt::format("SELECT id FROM records WHERE {} AND {} ORDER BY id",
                             fmt::format(kDue, listings ? "IN" : "NOT IN"), visible_record("id")));
  s.bind(6, on);
  std::vector<int64_t> ids;
  while (s.step())
    ids.push_back(s.column_int64(0));
  return ids;
}

// Keeps each due record's version, then withdraws and archives it, record by record in id order:
// the due records are scattered over the table, and in id order their pages are read once each in
// file order, where one set-wide UPDATE walks them in index order, all over the file.
void expire(ActionContext& ctx, const std::vector<int64_t>& ids, const std::string& on,
            bool listings) {
  if (ids.empty()) return;
  auto& db = ctx.db();
  const std::string now = format_utc(ctx.clock.now());
  auto keep = db.prepare(keep_versions_sql("id = ?6"));
  keep.bind(1, now).bind(2, ctx.user.name).bind(3, listings ? "listing_end" : "expire");
  keep.bind_null(4).bind(5, fmt::format("{} ended before {} (purge-expired)",
                                        listings ? "listing" : "maximum publicity period", on));
  auto update = db.prepare(
      "UPDATE records SET status = 'expired', withdrawn_on = ?1, archived = 1, "
      "version = version + 1, updated_at = ?2 WHERE id = ?3");
  update.bind(1, on).bind(2, now);
  for (int64_t id : ids) {
    keep.bind(6, id).run();
    update.bind(3, id).run();
  }
}

Json purge_expired(ActionContext& ctx) {
  const bool dry_run = ctx.flag("dry_run");
  const domain::Date day = today(ctx);
  const std::string on = day.iso();
  auto& db = ctx.db();
  // Enough to hold every page the expiries change (10,000 records change ~16,500 pages of 4 KiB:
  // their own, their previous versions', the indexes'), so none is written to the WAL and read
  // back before the commit; with 16 MiB, 70 MB were. Taken only as pages are read.
  db.exec("PRAGMA cache_size = -81920");
  const auto expired = due_ids(db, on, false);
  const auto ended = due_ids(db, on, true);
  if (!dry_run) {
    expire(ctx, expired, on, false);
    expire(ctx, ended, on, true);
  }
  // Repair notices that ended without objection become final (DESIGN §2, credit repair, step 2).
  const int64_t repairs = finalise_repair_notices(ctx, day, dry_run);

  constexpr size_t kTargetsListed = 100;
  if (expired.size() + ended.size() <= kTargetsListed) {
    for (const auto* ids : {&expired, &ended})
      for (int64_t id : *ids)
        ctx.audit.targets.push_back(fmt::format("record:{}", id));
  }
  ctx.audit.params = {{"today", on},
                      {"dry_run", dry_run},
                      {"expired", expired.size()},
                      {"listings_ended", ended.size()},
                      {"repairs_finalised", repairs},
                      {"expired_ids", id_ranges(expired)},
                      {"listing_ids", id_ranges(ended)}};
  return {{"today", on},
          {"dry_run", dry_run},
          {"expired", expired.size()},
          {"repairs_finalised", repairs},
          {"listings_ended", ended.size()}};
}

}  // namespace

void register_purge_actions(ActionRegistry& r) {
  r.add({"purge.expired", "purge.run", Access::write, purge_expired,
         "withdraw and archive records whose publicity ended; end expired listings"});
}

}  // namespace credit::service
