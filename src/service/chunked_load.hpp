#pragma once
// A batch that commits its rows (an import under a standing authorisation) in bounded
// transactions: the mechanics of loading_batch.hpp for one batch. The batch is marked loading
// before its first row; every kChunkRows rows the chunk's names are indexed and the call's
// transaction is committed; updates of existing records wait in staged_rows and are applied in
// the final transaction (apply_deferred), which also makes the records visible (finish). A batch
// that ends rejected after committing chunks deletes its records again (discard).
#include <functional>
#include <optional>

#include "service/batch_apply.hpp"
#include "service/deferred_indexes.hpp"
#include "service/name_index.hpp"

namespace credit::service {

class ChunkedLoad {
 public:
  ChunkedLoad(ActionContext& ctx, BatchApplier& applier, NewRecordNames& names,
              DeferredRecordIndexes& indexes, int64_t batch_id);
  ~ChunkedLoad();
  ChunkedLoad(const ChunkedLoad&) = delete;
  ChunkedLoad& operator=(const ChunkedLoad&) = delete;

  // After each row read: commits once a chunk is full. `before_first_commit` runs before the
  // first commit (the caller releases its savepoints, which a commit would end anyway).
  void after_row();
  std::function<void()> before_first_commit;
  bool committed_chunks() const { return chunks_ > 0; }
  int64_t chunks() const { return chunks_; }

  // The final transaction: applies the kept updates, validated again against the store as it is
  // now. With rejects and not `skip_invalid`, their changes are undone again (the batch will be
  // rejected); the outcomes are counted in the batch's applier either way.
  void apply_deferred(const domain::PolicyProfile& policy, const ChangeInfo& change,
                      bool skip_invalid);
  // The batch is rejected after committing chunks: deletes the records it inserted, in bounded
  // transactions, and its staged rows. The batch row stays, for `import show`. (Before its first
  // commit the caller's savepoint undoes the rows.)
  void discard();
  // The batch's records become visible with the call's commit.
  void finish();

 private:
  void commit_chunk();

  ActionContext& ctx_;
  BatchApplier& applier_;
  NewRecordNames& names_;
  DeferredRecordIndexes& indexes_;
  int64_t batch_id_;
  int64_t chunk_rows_;
  int64_t next_commit_;
  int64_t chunks_ = 0;
  bool loading_ = false;
  bool indexes_noted_ = false;
};

}  // namespace credit::service
