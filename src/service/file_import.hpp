#pragma once
// Reads one input file of an import into the batch: encoding and format (detected or given), the
// header mapped onto the kind's fields (a missing required column stops before any row), every row
// through the BatchApplier, progress reported as result rows.
#include <functional>
#include <optional>

#include "io/encoding.hpp"
#include "io/table_reader.hpp"
#include "service/batch_apply.hpp"
#include "service/call.hpp"

namespace credit::service {

struct ReadOptions {
  std::optional<io::Encoding> encoding;
  std::optional<io::InputFormat> format;
  std::optional<int64_t> header_row;  // --header-row: the header's line (else found)
  std::string sheet;                  // --sheet: a workbook's sheet (else found)
};

class FileImport {
 public:
  static constexpr int64_t kProgressEvery = 10000;

  FileImport(ActionContext& ctx, BatchApplier& applier) : ctx_(ctx), applier_(applier) {}

  // Reads the file to its end; returns its manifest entry
  // {name, sha256, bytes, encoding, format, sheet (workbooks), header_line, rows}.
  Json read(const InputFile& input, const ReadOptions& options);

  // [{file, column}] of every column that is not a field of the kind (reported, not imported).
  const Json& unknown_columns() const { return unknown_; }
  // Called after each row (a batch in bounded transactions commits there, chunked_load.hpp).
  std::function<void()> after_row;

 private:
  ActionContext& ctx_;
  BatchApplier& applier_;
  Json unknown_ = Json::array();
  uint64_t bytes_done_ = 0;  // of earlier files, for progress
};

}  // namespace credit::service
