#pragma once
// The public notices of proposed repairs (拟信用修复公示, 丹信用办〔2019〕1号 第十二条第（六）项)
// that releases carry (docs/publication.md): a notice goes out with the first release cut while it
// runs, with its last day, and is withdrawn by the first release after it ended or the repair was
// decided. They are the file repair_notices.ndjson, present only in releases that have some.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace credit::store {
class Db;
}

namespace credit::service {

struct NoticeItem {
  int64_t application_id = 0, record_id = 0;
  bool notice = true;  // false: withdraw it
  std::string reason;  // notice | ended | completed | rejected | objected | annulled
  std::optional<std::string> subject_name, uscc, notice_start, notice_end, rule;
};

// The notices to publish or withdraw as of `today` (YYYY-MM-DD). A full release carries every
// running notice again.
std::vector<NoticeItem> due_notices(store::Db& db, const std::string& today, bool full);
// Keeps a cut release's notices as they are now, so that it renders the same when re-sent.
void store_notices(store::Db& db, int64_t sequence, const std::vector<NoticeItem>& items);
// A delivered release: its notices are on the portal, its withdrawn ones off.
void confirm_notices(store::Db& db, int64_t sequence);
struct NoticeCounts {
  int64_t published = 0, withdrawn = 0;
};
NoticeCounts notice_counts(store::Db& db, int64_t sequence);

}  // namespace credit::service
