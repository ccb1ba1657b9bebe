// Publication: publish.plan (what the next release would hold), publish.prepare (cut a release,
// or take the pending one, and stream its lines), publish.confirm (the release was delivered:
// records become published). The delivery itself — files or the portal — is the client's
// (cli/publish_delivery.cpp), so it works the same on a local and a remote store.
// docs/publication.md describes the release format and the decisions behind it.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "service/calendar_data.hpp"
#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "service/modules.hpp"
#include "service/reference.hpp"
#include "service/release_notices.hpp"
#include "service/release_render.hpp"
#include "store/store.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

using domain::Date;

// What the cut needs to know of a record.
constexpr const char* kCandidateColumns =
    "id, version, portal_version, status, publish, disclosure, publicity_until, decided_on, "
    "published_on IS NOT NULL";

struct Candidate {
  int64_t id = 0, version = 0;
  std::optional<int64_t> portal_version;
  std::string status, disclosure, until, decided_on;
  bool publish = false, ever_published = false;
};

Candidate read_candidate(const store::Stmt& s) {
  return {s.column_int64(0), s.column_int64(1),      s.column_optional_int64(2),
          s.column_text(3),  s.column_text(5),       s.column_text(6),
          s.column_text(7),  s.column_int64(4) != 0, s.column_int64(8) != 0};
}

struct Item {
  int64_t record_id = 0, version = 0;
  bool upsert = true;
  std::string reason;
  std::optional<Date> deadline;  // first publications
  std::string decided_on;
};

// What the portal must be told about a record as of `today`, if anything.
std::optional<Item> classify(const Candidate& c, const std::string& today, bool full) {
  const bool open = c.status == "active" || c.status == "published";
  const bool eligible = open && c.publish && c.disclosure == "public" && c.until >= today;
  Item item{c.id, c.version, true, "", std::nullopt, c.decided_on};
  if (eligible) {
    if (!c.portal_version)
      item.reason = "new";
    else if (*c.portal_version != c.version)
      item.reason = "amended";
    else if (full)
      item.reason = "snapshot";
    else
      return std::nullopt;
    return item;
  }
  if (!c.portal_version) return std::nullopt;
  item.upsert = false;
  if (!open)
    item.reason = c.status;  // expired, repaired, revoked
  else if (!c.publish || c.disclosure != "public")
    item.reason = "not_public";
  else
    item.reason = "expired";  // its period ended; purge-expired archives it
  return item;
}

struct Watermarks {
  int64_t records = 0, versions = 0;
};

Watermarks stored_watermarks(store::Store& store) {
  auto get = [&](const char* key) {
    auto v = store.setting(key);
    return v ? std::stoll(*v) : int64_t{0};
  };
  return {get("publish.records_upto"), get("publish.versions_upto")};
}

Watermarks current_watermarks(store::Db& db) {
  auto s =
      db.prepare("SELECT (SELECT coalesce(max(id), 0) FROM records WHERE " + visible_record("id") +
                 "), "
                 "(SELECT coalesce(max(id), 0) FROM record_versions)");
  s.step();
  return {s.column_int64(0), s.column_int64(1)};
}

struct Due {
  std::vector<Item> items;
  std::vector<NoticeItem> notices;  // repair notices to publish or withdraw
  Watermarks upto;
  std::vector<std::string> warnings;
  bool empty() const { return items.empty() && notices.empty(); }
  int64_t notices_published() const {
    return std::count_if(notices.begin(), notices.end(),
                         [](const NoticeItem& n) { return n.notice; });
  }
  int64_t upserts() const {
    return std::count_if(items.begin(), items.end(), [](const Item& i) { return i.upsert; });
  }
};

// Cost follows the work: a delta looks only at records created or changed since the last cut
// (records.id and record_versions.id beyond the watermarks; every change of a record keeps its
// previous version there) and at published records whose period has ended (an index range).
class DueFinder {
 public:
  DueFinder(ActionContext& ctx, bool full) : ctx_(ctx), full_(full), today_(today(ctx).iso()) {}

  Due find() {
    auto& db = ctx_.db();
    Due due;
    due.upto = current_watermarks(db);
    if (full_) {
      visit(db.prepare(
          fmt::format("SELECT {} FROM records WHERE {}", kCandidateColumns, visible_record("id"))));
    } else {
      const Watermarks from = stored_watermarks(ctx_.store);
      auto fresh = db.prepare(
          fmt::format("SELECT {} FROM records WHERE id > ? AND id <= ?", kCandidateColumns));
      fresh.bind(1, from.records).bind(2, due.upto.records);
      visit(std::move(fresh));
      auto changed = db.prepare(
          fmt::format("SELECT {} FROM records WHERE id IN (SELECT record_id FROM record_versions "
                      "WHERE id > ? AND id <= ?) AND id <= ?",
                      kCandidateColumns));
      changed.bind(1, from.versions).bind(2, due.upto.versions).bind(3, from.records);
      visit(std::move(changed));
      auto ended = db.prepare(
          fmt::format("SELECT {} FROM records WHERE status = 'published' AND publicity_until < ? "
                      "AND portal_version IS NOT NULL AND {}",
                      kCandidateColumns, visible_record("id")));
      ended.bind(1, today_);
      visit(std::move(ended));
    }
    std::sort(items_.begin(), items_.end(),
              [](const Item& a, const Item& b) { return a.record_id < b.record_id; });
    add_deadlines(due.warnings);
    due.items = std::move(items_);
    due.notices = due_notices(db, today_, full_);
    return due;
  }

 private:
  void visit(store::Stmt s) {
    while (s.step()) {
      Candidate c = read_candidate(s);
      if (!full_ && !seen_.insert(c.id).second) continue;  // a full scan sees each record once
      if (auto item = classify(c, today_, full_)) {
        if (item->upsert && !c.ever_published) item->deadline = Date();  // computed below
        items_.push_back(std::move(*item));
      }
    }
  }

  // The publication deadline of first publications, on the working-day calendar (loaded only
  // when there are some).
  void add_deadlines(std::vector<std::string>& warnings) {
    std::shared_ptr<const domain::Calendar> calendar;
    std::set<int> missing;
    for (auto& item : items_) {
      if (!item.deadline) continue;
      if (!calendar) calendar = working_calendar(ctx_.db());
      auto decided = Date::parse_iso(item.decided_on);
      if (!decided) {
        item.deadline.reset();
        continue;
      }
      const auto& rule = policy().publication_deadline;
      auto r = calendar->add_working_days(*decided, rule.working_days);
      item.deadline = r.date;
      missing.insert(r.years_without_data.begin(), r.years_without_data.end());
    }
    for (int year : missing)
      warnings.push_back(fmt::format(
          "no working-day calendar for {}: publication deadlines in it are counted on weekends "
          "alone (an administrator loads the year's notice with `credit calendar load`)",
          year));
  }

  const domain::PolicyProfile& policy() {
    if (!policy_) policy_ = active_policy(ctx_.db());
    return policy_->profile;
  }

  ActionContext& ctx_;
  bool full_;
  std::string today_;
  std::unordered_set<int64_t> seen_;
  std::vector<Item> items_;
  std::shared_ptr<const ActivePolicy> policy_;
};

struct Counts {
  int64_t fresh = 0, amended = 0, snapshot = 0, withdrawn = 0, late = 0;
  Json late_records = Json::array();
  static constexpr size_t kLateListed = 20;

  void add(const Item& item, const std::string& on) {
    if (!item.upsert) {
      ++withdrawn;
      return;
    }
    if (item.reason == "new") ++fresh;
    if (item.reason == "amended") ++amended;
    if (item.reason == "snapshot") ++snapshot;
    if (item.deadline && on > item.deadline->iso()) {
      if (late_records.size() < kLateListed)
        late_records.push_back({{"record", item.record_id},
                                {"decided_on", item.decided_on},
                                {"deadline", item.deadline->iso()},
                                {"published_on", on}});
      ++late;
    }
  }
  Json to_json() const {
    return {{"published", fresh + amended + snapshot},
            {"withdrawn", withdrawn},
            {"new", fresh},
            {"amended", amended},
            {"unchanged", snapshot},
            {"late", late},
            {"late_records", late_records}};
  }
};

std::optional<int64_t> pending_release(store::Db& db) {
  auto s = db.prepare("SELECT min(sequence) FROM releases WHERE status = 'pending'");
  s.step();
  return s.column_optional_int64(0);
}

Json pending_json(store::Db& db, int64_t sequence) {
  auto h = load_release_header(db, sequence);
  return {{"sequence", sequence},
          {"type", h.type},
          {"created_at", h.created_at},
          {"upserts", h.upserts},
          {"withdrawals", h.withdrawals}};
}

Json publish_plan(ActionContext& ctx) {
  const bool full = ctx.flag("full");
  auto& db = ctx.db();
  auto pending = pending_release(db);
  Due due = DueFinder(ctx, full).find();
  Counts counts;
  const std::string on = today(ctx).iso();
  for (const auto& item : due.items)
    counts.add(item, on);
  auto last = db.prepare("SELECT coalesce(max(sequence), 0) FROM releases");
  last.step();
  Json result = {{"sequence", due.empty() ? Json() : Json(last.column_int64(0) + 1)},
                 {"dry_run", true},
                 {"type", full ? "full" : "delta"}};
  result.update(counts.to_json());
  result["notices"] = due.notices_published();
  result["notices_withdrawn"] = static_cast<int64_t>(due.notices.size()) - due.notices_published();
  result["pending"] = pending ? pending_json(db, *pending) : Json();
  result["warnings"] = due.warnings;
  ctx.audit.params = {{"full", full},
                      {"published", counts.fresh + counts.amended + counts.snapshot},
                      {"withdrawn", counts.withdrawn}};
  return result;
}

// Every release is screened for personal data in free text: a profile loaded before the privacy
// rules existed cannot cut one (fail closed, never an unscreened release).
void require_privacy_rules(store::Db& db) {
  auto policy = active_policy(db);
  if (policy->profile.privacy.present) return;
  fail(ErrorCode::policy_refused,
       fmt::format("the active policy profile '{}' has no privacy rules: a release would publish "
                   "free text unscreened",
                   policy->profile.id),
       fmt::format("an administrator loads the current profile (`credit policy set {}`, or adds "
                   "a privacy section to the profile's file) and the publish run is repeated",
                   policy->profile.id));
}

// Inserts the release and its items; returns its sequence.
int64_t cut_release(ActionContext& ctx, const Due& due, bool full) {
  auto& db = ctx.db();
  require_privacy_rules(db);
  auto last = db.prepare("SELECT coalesce(max(sequence), 0) FROM releases");
  last.step();
  const int64_t sequence = last.column_int64(0) + 1;
  const int64_t upserts = due.upserts();
  auto insert = db.prepare(
      "INSERT INTO releases (sequence, type, status, as_of, created_at, created_by, policy_id, "
      "upserts, withdrawals, records_upto, versions_upto) "
      "VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, sequence).bind(2, full ? "full" : "delta").bind(3, today(ctx).iso());
  insert.bind(4, format_utc(ctx.clock.now())).bind(5, ctx.user.name);
  insert.bind(6, active_policy(db)->id).bind(7, upserts);
  insert.bind(8, static_cast<int64_t>(due.items.size()) - upserts);
  insert.bind(9, due.upto.records).bind(10, due.upto.versions).run();
  auto item = db.prepare(
      "INSERT INTO release_items (sequence, record_id, version, op, reason, deadline) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& i : due.items) {
    item.reset();
    item.bind(1, sequence).bind(2, i.record_id).bind(3, i.version);
    item.bind(4, i.upsert ? "upsert" : "withdraw").bind(5, i.reason);
    if (i.deadline)
      item.bind(6, i.deadline->iso());
    else
      item.bind_null(6);
    item.run();
  }
  store_notices(db, sequence, due.notices);
  return sequence;
}

void save_watermarks(store::Store& store, const Watermarks& w) {
  store.set_setting("publish.records_upto", std::to_string(w.records));
  store.set_setting("publish.versions_upto", std::to_string(w.versions));
}

// Renders the release to the caller; a release rendered before must come out identical.
Json stream_release(ActionContext& ctx, int64_t sequence, bool resend) {
  auto& db = ctx.db();
  ReleaseHeader header = load_release_header(db, sequence);
  auto files = render_release(db, sequence, *release_policy(db, header.policy_id),
                              [&ctx](const std::string& file, const std::string& line) {
                                ctx.emit_row({{"file", file}, {"line", line}});
                              });
  std::string manifest;
  if (resend) {
    auto s = db.prepare("SELECT files, manifest FROM releases WHERE sequence = ?");
    s.bind(1, sequence);
    s.step();
    if (files_json(files) != Json::parse(s.column_view(0)))
      fail(ErrorCode::integrity,
           fmt::format("release {} no longer renders as it did when it was cut", sequence),
           "the records' history was altered; keep the store for investigation");
    manifest = s.column_text(1);
  } else {
    manifest = manifest_text(db, header, files);
    auto s = db.prepare(
        "UPDATE releases SET files = ?, manifest = ?, manifest_sha256 = ? WHERE sequence = ?");
    s.bind(1, files_json(files).dump()).bind(2, manifest).bind(3, crypto::sha256_hex(manifest));
    s.bind(4, sequence).run();
  }
  ctx.audit.targets.push_back(fmt::format("release:{}", sequence));
  return {{"sequence", sequence},
          {"resend", resend},
          {"type", header.type},
          {"upserts", header.upserts},
          {"withdrawals", header.withdrawals},
          {"files", files_json(files)},
          {"manifest_file", kManifestFile},
          {"manifest", manifest},
          {"directory", fmt::format("release-{:06}", sequence)}};
}

Json publish_prepare(ActionContext& ctx) {
  const bool full = ctx.flag("full");
  auto& db = ctx.db();
  if (auto pending = pending_release(db)) {
    // Re-sent first, identical, under the same sequence number (the portal's idempotency key).
    ctx.audit.params["resend"] = *pending;
    return stream_release(ctx, *pending, true);
  }
  Due due = DueFinder(ctx, full).find();
  save_watermarks(ctx.store, due.upto);
  if (due.empty()) {
    ctx.audit.reason = "nothing to publish";
    return {{"sequence", nullptr}, {"warnings", due.warnings}};
  }
  const int64_t sequence = cut_release(ctx, due, full);
  Json result = stream_release(ctx, sequence, false);
  result["warnings"] = due.warnings;
  ctx.audit.params["upserts"] = result["upserts"];
  ctx.audit.params["withdrawals"] = result["withdrawals"];
  return result;
}

// ---- confirm ----

// Applies a delivered release to its records.
class DeliveryWriter {
 public:
  DeliveryWriter(store::Db& db, std::string on)
      : on_(std::move(on)),
        upsert_(db,
                "UPDATE records SET portal_version = ?1, "
                "status = CASE status WHEN 'active' THEN 'published' ELSE status END, "
                "published_on = coalesce(published_on, ?2), "
                "publication_deadline = coalesce(publication_deadline, ?3), "
                "published_late = coalesce(published_late, CASE WHEN ?3 IS NULL THEN NULL "
                "ELSE ?2 > ?3 END) WHERE id = ?4"),
        // A record withdrawn because it is no longer public (amended) is back to unpublished.
        withdraw_(db,
                  "UPDATE records SET portal_version = NULL, status = CASE WHEN ?1 = "
                  "'not_public' AND status = 'published' THEN 'active' ELSE status END "
                  "WHERE id = ?2"),
        // Dandong Art. 12(7): the repaired record's withdrawal is the processing of the repair.
        processed_(db,
                   "UPDATE repair_applications SET processed_on = ?1 WHERE record_id = ?2 AND "
                   "status = 'completed' AND processing_deadline IS NOT NULL AND processed_on IS "
                   "NULL") {}

  void apply(const Item& item) {
    if (!item.upsert) {
      withdraw_.reset();
      withdraw_.bind(1, item.reason).bind(2, item.record_id).run();
      if (item.reason == "repaired") {
        processed_.reset();
        processed_.bind(1, on_).bind(2, item.record_id).run();
      }
      return;
    }
    upsert_.reset();
    upsert_.bind(1, item.version).bind(2, on_);
    if (item.deadline)
      upsert_.bind(3, item.deadline->iso());
    else
      upsert_.bind_null(3);
    upsert_.bind(4, item.record_id).run();
  }

 private:
  std::string on_;
  store::Stmt upsert_, withdraw_, processed_;
};

Json publish_confirm(ActionContext& ctx) {
  auto& db = ctx.db();
  const int64_t sequence = ctx.integer("sequence", 0);
  const std::string target = ctx.optional_string("delivered_to").value_or("");
  const std::string response = ctx.optional_string("response").value_or("").substr(0, 4096);
  ReleaseHeader header = load_release_header(db, sequence);
  ctx.audit.targets.push_back(fmt::format("release:{}", sequence));
  auto count = db.prepare("UPDATE releases SET deliveries = deliveries + 1 WHERE sequence = ?");
  count.bind(1, sequence).run();
  if (header.status == "delivered") {
    ctx.audit.reason = "already delivered";
    return {{"sequence", sequence},
            {"already_delivered", true},
            {"published", 0},
            {"withdrawn", 0},
            {"late", 0},
            {"late_records", Json::array()}};
  }
  const std::string on = today(ctx).iso();
  Counts counts;
  auto items = db.prepare(
      "SELECT i.record_id, i.version, i.op, i.reason, i.deadline, r.decided_on "
      "FROM release_items i JOIN records r ON r.id = i.record_id WHERE i.sequence = ?");
  items.bind(1, sequence);
  DeliveryWriter writer(db, on);
  while (items.step()) {
    Item item{items.column_int64(0), items.column_int64(1), items.column_view(2) == "upsert",
              items.column_text(3),  std::nullopt,          items.column_text(5)};
    if (auto d = items.column_optional_text(4)) item.deadline = Date::parse_iso(*d);
    writer.apply(item);
    counts.add(item, on);
  }
  confirm_notices(db, sequence);
  auto late = db.prepare(
      "UPDATE release_items SET late = ?1 > deadline WHERE sequence = ?2 AND deadline IS NOT NULL");
  late.bind(1, on).bind(2, sequence).run();
  auto mark = db.prepare(
      "UPDATE releases SET status = 'delivered', delivered_at = ?, delivered_on = ?, "
      "delivered_by = ?, delivered_to = ?, portal_response = ?, late = ? WHERE sequence = ?");
  mark.bind(1, format_utc(ctx.clock.now())).bind(2, on).bind(3, ctx.user.name).bind(4, target);
  if (response.empty())
    mark.bind_null(5);
  else
    mark.bind(5, response);
  mark.bind(6, counts.late).bind(7, sequence).run();
  Json result = {{"sequence", sequence}, {"already_delivered", false}, {"published_on", on}};
  result.update(counts.to_json());
  ctx.audit.params = {{"sequence", sequence},
                      {"delivered_to", target},
                      {"published", result["published"]},
                      {"withdrawn", counts.withdrawn},
                      {"late", counts.late}};
  return result;
}

}  // namespace

void register_publish_actions(ActionRegistry& r) {
  r.add({"publish.plan", "publish.run", Access::read, publish_plan,
         "what the next release would publish and withdraw (dry run)"});
  r.add({"publish.prepare", "publish.run", Access::write, publish_prepare,
         "cut the next release, or take the pending one, and stream its files"});
  r.add({"publish.confirm", "publish.run", Access::write, publish_confirm,
         "record a release as delivered: its records become published"});
}

}  // namespace credit::service
