// Benchmark helper (not installed): appends N realistic, properly chained audit entries to an
// existing store in one transaction, through the library's own append, so the benchmark measures
// export and verification on a real log without running N commands.
//   audit_fill STORE N
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "store/audit_chain.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

int main(int argc, char** argv) {
  using namespace credit;
  long n = 0;
  if (argc != 3 || std::from_chars(argv[2], argv[2] + std::strlen(argv[2]), n).ec != std::errc() ||
      n < 1) {
    std::fprintf(stderr, "usage: audit_fill STORE N\n");
    return 2;
  }
  try {
    auto store = store::Store::open(argv[1]);
    static const std::array<const char*, 6> actors = {"li.na",     "wang.fang", "zhang.wei",
                                                      "scheduler", "chen.jie",  "aud1"};
    static const std::array<const char*, 6> actions = {"import.stage", "import.approve",
                                                       "record.amend", "publish.run",
                                                       "query.run",    "repair.submit"};
    // Synthetic times start in the past, 20 s apart, so real commands run later still sort after.
    TimePoint t = *parse_timestamp("2024-01-01T08:00:00+08:00");
    store::Transaction tx(store->db(), store::Transaction::Kind::immediate);
    for (long i = 0; i < n; ++i) {
      store::AuditEntry e;
      e.ts_utc = format_utc(t + std::chrono::seconds(20 * i));
      e.actor = actors[i % actors.size()];
      e.role = i % 6 == 5 ? "auditor" : "operator";
      e.dept = "91110000600037341L";
      e.action = actions[(i / 7) % actions.size()];
      e.targets = fmt::format("[\"record:{}\",\"batch:{}\"]", 100000 + i, i / 1000);
      e.params = fmt::format(
          "{{\"kind\":\"penalty\",\"rows\":{},\"file\":\"dept-{}.csv\",\"id_number\":\"hmac:"
          "{:032x}\"}}",
          i % 500, i / 1000, static_cast<unsigned long>(i) * 2654435761u);
      e.outcome = i % 50 == 0 ? "denied" : "ok";
      e.reason = i % 50 == 0 ? "permission denied: department mismatch" : "";
      store::append_audit_entry(store->db(), std::move(e));
    }
    tx.commit();
  } catch (const Error& e) {
    std::fprintf(stderr, "audit_fill: %s\n", e.what());
    return 1;
  }
  return 0;
}
