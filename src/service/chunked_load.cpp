#include "service/chunked_load.hpp"

#include "service/import_support.hpp"
#include "service/loading_batch.hpp"
#include "store/savepoint.hpp"
#include "store/store.hpp"

namespace credit::service {

ChunkedLoad::ChunkedLoad(ActionContext& ctx, BatchApplier& applier, NewRecordNames& names,
                         DeferredRecordIndexes& indexes, int64_t batch_id)
    : ctx_(ctx),
      applier_(applier),
      names_(names),
      indexes_(indexes),
      batch_id_(batch_id),
      chunk_rows_(configured_chunk_rows()),
      next_commit_(applier.counts().rows + chunk_rows_) {
  refuse_while_loading(ctx_.db());
  begin_loading(ctx_.db(), batch_id_, format_china(ctx_.clock.real_now()));
  loading_ = true;
  applier_.writer().defer_updates();
}

ChunkedLoad::~ChunkedLoad() {
  // Left by an error: the records of committed chunks stay hidden; the next write removes them
  // (recover_interrupted_load), this process no longer claims them.
  if (loading_) abandon_loading();
}

void ChunkedLoad::after_row() {
  if (applier_.counts().rows < next_commit_ || !ctx_.commit_chunk) return;
  next_commit_ = applier_.counts().rows + chunk_rows_;
  commit_chunk();
}

void ChunkedLoad::commit_chunk() {
  if (chunks_ == 0 && before_first_commit) before_first_commit();
  names_.finish();
  // Indexes dropped for a bulk load stay dropped until the final transaction builds them (kept
  // current chunk by chunk, they cost more than twice as much: every chunk rewrites most of their
  // pages). Readers meanwhile find the visible records by scanning them (id < hidden_from), slower
  // but right; a crash is recovered with the indexes built again from the mark.
  if (indexes_.deferred() && !indexes_noted_) {
    note_dropped_indexes(ctx_.db(), indexes_.dropped());
    indexes_noted_ = true;
  }
  ctx_.commit_chunk();
  ++chunks_;
}

void ChunkedLoad::apply_deferred(const domain::PolicyProfile& policy, const ChangeInfo& change,
                                 bool skip_invalid) {
  const domain::KindSpec& spec = applier_.spec();
  store::Savepoint updates(ctx_.db(), "import_updates");
  BatchApplier later(ctx_, spec, policy, RunMode::commit, change);
  later.writer().keys_already_unique();
  later.quiet_warnings();
  later.before_reject = announce_codes_once(ctx_, spec);
  for_each_staged_row(
      ctx_.db(), batch_id_, spec, [&](const StagedRow& row) { later.apply(row.raw, row.origin); },
      StagedRows::changes);
  names_.finish();  // a row whose record's key was changed meanwhile inserts a new record
  if (later.counts().rejected > 0 && !skip_invalid)
    updates.rollback();
  else
    updates.release();
  applier_.absorb(later);
}

void ChunkedLoad::discard() {
  auto& db = ctx_.db();
  auto loading = loading_batch(db);
  if (!loading) return;
  while (discard_some(db, *loading, chunk_rows_))
    ctx_.commit_chunk();
  discard_rest(db, *loading, true);
}

void ChunkedLoad::finish() {
  end_loading(ctx_.db());
  loading_ = false;
}

}  // namespace credit::service
