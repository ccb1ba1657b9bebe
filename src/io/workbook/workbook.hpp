#pragma once
// Workbooks as tables: .xlsx (OOXML, also WPS) and .xls (BIFF8), recognised by their first bytes
// whatever the file is called. The input is copied to a private unlinked temporary file first
// (ZIP and BIFF need random access; stdin and uploads have none).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/byte_source.hpp"
#include "io/table_reader.hpp"

namespace credit::io::workbook {

// xlsx for a ZIP's local header, xls for an OLE2 compound file; nullopt otherwise.
std::optional<InputFormat> detect(std::string_view first_bytes);
constexpr size_t kMagicBytes = 8;

struct SheetChoice {
  std::string sheet;  // --sheet: a name, or a 1-based position among the tabs; empty: found
  HeaderSearch header;
};

// Reads `raw` to its end (into the temporary copy) and opens the chosen sheet: the named one, or
// the first visible sheet whose header names known columns (else the first visible sheet).
std::unique_ptr<TableReader> open_workbook(ByteSource& raw, InputFormat format,
                                           const SheetChoice& choice);

}  // namespace credit::io::workbook
