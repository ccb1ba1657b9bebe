// .xlsx (Office Open XML, also as WPS saves it): a ZIP of XML parts, read with minizip and expat.
// The sheet is streamed row by row; shared strings are kept in memory up to a limit and then in
// an unlinked temporary file, so memory stays flat whatever the size of the workbook.
#include <fcntl.h>
#include <fmt/format.h>
#include <minizip/unzip.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>

#include "io/workbook/book.hpp"
#include "io/workbook/cells.hpp"
#include "io/workbook/xml_stream.hpp"
#include "util/error.hpp"
#include "util/temp_file.hpp"

namespace credit::io::workbook {

namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr size_t kMaxPartBytes = 64u << 20;       // workbook.xml, styles.xml, relationships
constexpr size_t kMaxCellBytes = 1u << 20;        // one cell's text (as the CSV reader's record)
constexpr uint64_t kMaxSharedBytes = 4ull << 30;  // all shared strings together
constexpr size_t kSharedInMemory = 32u << 20;     // then they go to a temporary file

const char* kRepairHint =
    "the workbook is damaged: open it in a spreadsheet program and save it again";

// One ZIP archive and the entry being read.
class Zip {
 public:
  Zip(const std::string& path, std::string label) : label_(std::move(label)) {
    zip_ = unzOpen64(path.c_str());
    if (!zip_)
      fail(ErrorCode::bad_input,
           fmt::format("{}: not a readable .xlsx workbook (a damaged ZIP)", label_), kRepairHint);
  }
  ~Zip() { unzClose(zip_); }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  bool open(const std::string& name) {
    if (unzLocateFile(zip_, name.c_str(), 2) != UNZ_OK) return false;  // 2: any case
    if (unzOpenCurrentFile(zip_) != UNZ_OK)
      fail(ErrorCode::bad_input, fmt::format("{}: cannot read the part {}", label_, name),
           kRepairHint);
    part_ = name;
    return true;
  }
  // The next piece of the open entry; empty at its end.
  std::string_view read() {
    int n = unzReadCurrentFile(zip_, buffer_, sizeof buffer_);
    if (n < 0)
      fail(ErrorCode::bad_input,
           fmt::format("{}: the part {} is damaged (ZIP error {})", label_, part_, n), kRepairHint);
    return {buffer_, static_cast<size_t>(n)};
  }
  void close() { unzCloseCurrentFile(zip_); }
  // Parses a whole part with `xml`; false when the workbook has no such part.
  bool parse(const std::string& name, XmlStream& xml, uint64_t limit = kMaxPartBytes) {
    if (!open(name)) return false;
    uint64_t total = 0;
    for (std::string_view piece = read(); !piece.empty(); piece = read()) {
      if ((total += piece.size()) > limit)
        fail(ErrorCode::bad_input,
             fmt::format("{}: the part {} is larger than {} MB", label_, name, limit >> 20),
             "split the workbook, or save the sheet as CSV (UTF-8) and import that");
      xml.feed(piece, false);
    }
    xml.feed({}, true);
    close();
    return true;
  }
  const std::string& label() const { return label_; }

 private:
  unzFile zip_;
  std::string label_;
  std::string part_;
  char buffer_[kChunk];
};

std::string part_label(const Zip& zip, const std::string& part) {
  return fmt::format("{} ({})", zip.label(), part);
}

// "worksheets/sheet1.xml" relative to "xl/workbook.xml" → "xl/worksheets/sheet1.xml".
std::string resolve_target(const std::string& from_part, std::string_view target) {
  if (!target.empty() && target[0] == '/') return std::string(target.substr(1));
  std::string base = from_part.substr(0, from_part.rfind('/') + 1);
  std::string path = base + std::string(target);
  // Collapse "dir/../": writers rarely use it, but a target may say "../worksheets/…".
  for (size_t up; (up = path.find("/../")) != std::string::npos;) {
    size_t start = path.rfind('/', up == 0 ? 0 : up - 1);
    start = start == std::string::npos ? 0 : start + 1;
    path.erase(start, up + 4 - start);
  }
  return path;
}

// The rels part of `part`: "xl/workbook.xml" → "xl/_rels/workbook.xml.rels"; Id → Target.
std::map<std::string, std::string> read_relationships(Zip& zip, const std::string& part) {
  size_t slash = part.rfind('/') + 1;
  std::string rels = part.substr(0, slash) + "_rels/" + part.substr(slash) + ".rels";
  std::map<std::string, std::string> targets;
  XmlStream xml(part_label(zip, rels));
  xml.on_start = [&](std::string_view name, XmlStream::Attributes a) {
    if (name != "Relationship") return;
    std::string target = resolve_target(part, XmlStream::attribute(a, "Target"));
    targets[std::string(XmlStream::attribute(a, "Id"))] = target;
    // The parts a workbook points to by type, under the type's last word.
    std::string_view type = XmlStream::attribute(a, "Type");
    for (std::string_view known : {"/officeDocument", "/styles", "/sharedStrings"})
      if (type.ends_with(known)) targets[std::string(known.substr(1))] = target;
  };
  zip.parse(rels, xml);
  return targets;
}

// Shared strings by index: in memory, then in a temporary file once they outgrow kSharedInMemory.
class SharedStrings {
 public:
  ~SharedStrings() {
    if (fd_ >= 0) ::close(fd_);
  }
  void add(std::string_view text) {
    offsets_.push_back(total_);
    total_ += text.size();
    if (total_ > kMaxSharedBytes)
      fail(ErrorCode::bad_input, "the workbook's shared strings exceed 4 GB",
           "split the workbook, or save the sheet as CSV (UTF-8) and import that");
    memory_.append(text);
    if (memory_.size() > kSharedInMemory) spill();
  }
  void finish() {
    offsets_.push_back(total_);
    if (fd_ >= 0) spill();
  }
  size_t size() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  void get(size_t index, std::string& out) const {
    uint64_t begin = offsets_[index], end = offsets_[index + 1];
    out.resize(end - begin);
    if (fd_ < 0) {
      out.assign(memory_, begin, end - begin);
      return;
    }
    if (begin >= spilled_) {
      out.assign(memory_, begin - spilled_, end - begin);
      return;
    }
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(begin + done));
      if (n <= 0)
        fail(ErrorCode::internal,
             fmt::format("cannot read back a temporary file: {}", std::strerror(errno)));
      done += static_cast<size_t>(n);
    }
  }

 private:
  void spill() {
    if (fd_ < 0) fd_ = open_unlinked_temp_file("reading large workbooks");
    for (size_t done = 0; done < memory_.size();) {
      ssize_t n = ::pwrite(fd_, memory_.data() + done, memory_.size() - done,
                           static_cast<off_t>(spilled_ + done));
      if (n <= 0)
        fail(ErrorCode::internal,
             fmt::format("cannot write a temporary file: {}", std::strerror(errno)),
             "free space in TMPDIR (a workbook's text is kept there while it is read)");
      done += static_cast<size_t>(n);
    }
    spilled_ += memory_.size();
    memory_.clear();
  }

  std::vector<uint64_t> offsets_;
  std::string memory_;
  uint64_t total_ = 0;
  uint64_t spilled_ = 0;  // bytes in the file; memory_ holds those after them
  int fd_ = -1;
};

// Text of a string item (<si> or <is>): its <t> pieces, rich-text runs included, phonetic
// readings (<rPh>) left out.
class StringItemText {
 public:
  void start(std::string_view name) {
    if (name == "rPh") ++phonetic_;
    if (name == "t" && !phonetic_) in_text_ = true;
  }
  void end(std::string_view name) {
    if (name == "rPh") --phonetic_;
    if (name == "t") in_text_ = false;
  }
  void text(std::string_view piece, const std::string& where) {
    if (!in_text_) return;
    if (text_.size() + piece.size() > kMaxCellBytes)
      fail(ErrorCode::bad_input,
           fmt::format("{}: a text longer than {} bytes", where, kMaxCellBytes),
           "shorten the text in the workbook");
    text_.append(piece);
  }
  std::string& value() { return text_; }
  void clear() {
    text_.clear();
    in_text_ = false;
    phonetic_ = 0;
  }

 private:
  std::string text_;
  bool in_text_ = false;
  int phonetic_ = 0;
};

struct BookParts {
  std::vector<SheetInfo> sheets;
  std::vector<std::string> sheet_parts;
  std::vector<bool> date_styles;  // by cell style (the s attribute)
  bool date1904 = false;
  std::shared_ptr<SharedStrings> strings = std::make_shared<SharedStrings>();
};

void read_workbook_part(Zip& zip, const std::string& part, BookParts& book) {
  auto targets = read_relationships(zip, part);
  XmlStream xml(part_label(zip, part));
  xml.on_start = [&](std::string_view name, XmlStream::Attributes a) {
    if (name == "workbookPr") {
      std::string_view v = XmlStream::attribute(a, "date1904");
      book.date1904 = v == "1" || v == "true";
    } else if (name == "sheet") {
      auto target = targets.find(std::string(XmlStream::attribute(a, "id")));
      if (target == targets.end()) return;  // a chart sheet or a dangling reference
      std::string_view state = XmlStream::attribute(a, "state");
      book.sheets.push_back(
          {std::string(XmlStream::attribute(a, "name")), state.empty() || state == "visible"});
      book.sheet_parts.push_back(target->second);
    }
  };
  if (!zip.parse(part, xml))
    fail(ErrorCode::bad_input,
         fmt::format("{}: a ZIP file, but not a workbook (no {})", zip.label(), part),
         "save the file as .xlsx, .xls or CSV");
}

void read_styles(Zip& zip, const std::string& part, BookParts& book) {
  std::map<int, std::string> codes;
  bool in_cell_formats = false;
  XmlStream xml(part_label(zip, part));
  xml.on_start = [&](std::string_view name, XmlStream::Attributes a) {
    if (name == "numFmt") {
      int id = std::atoi(std::string(XmlStream::attribute(a, "numFmtId")).c_str());
      codes[id] = std::string(XmlStream::attribute(a, "formatCode"));
    } else if (name == "cellXfs") {
      in_cell_formats = true;
    } else if (name == "xf" && in_cell_formats) {
      int id = std::atoi(std::string(XmlStream::attribute(a, "numFmtId")).c_str());
      auto code = codes.find(id);
      book.date_styles.push_back(
          is_date_format(code == codes.end() ? id : -1, code == codes.end() ? "" : code->second));
    }
  };
  xml.on_end = [&](std::string_view name) {
    if (name == "cellXfs") in_cell_formats = false;
  };
  zip.parse(part, xml);
}

void read_shared_strings(Zip& zip, const std::string& part, SharedStrings& strings) {
  StringItemText item;
  std::string where = part_label(zip, part);
  XmlStream xml(where);
  xml.on_start = [&](std::string_view name, XmlStream::Attributes) {
    if (name == "si") item.clear();
    item.start(name);
  };
  xml.on_end = [&](std::string_view name) {
    item.end(name);
    if (name == "si") strings.add(item.value());
  };
  xml.on_text = [&](std::string_view text) { item.text(text, where); };
  zip.parse(part, xml, UINT64_MAX);
  strings.finish();
}

// One worksheet, streamed: expat pushes, next() pulls, so rows wait in a short queue.
class XlsxRows : public SheetRows {
 public:
  XlsxRows(const std::string& path, const std::string& label, const BookParts& book, size_t index)
      : zip_(path, label), book_(book), xml_(part_label(zip_, book.sheet_parts[index])) {
    if (!zip_.open(book.sheet_parts[index]))
      fail(ErrorCode::bad_input,
           fmt::format("{}: the sheet {} has no part {}", label, book.sheets[index].name,
                       book.sheet_parts[index]),
           kRepairHint);
    where_ = part_label(zip_, book.sheet_parts[index]);
    xml_.on_start = [this](std::string_view name, XmlStream::Attributes a) { start(name, a); };
    xml_.on_end = [this](std::string_view name) { end(name); };
    xml_.on_text = [this](std::string_view text) { this->text(text); };
  }

  bool next(SheetRow& row) override {
    while (ready_.empty() && !done_) {
      std::string_view piece = zip_.read();
      done_ = piece.empty();
      xml_.feed(piece, done_);
    }
    if (ready_.empty()) return false;
    row = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

 private:
  void start(std::string_view name, XmlStream::Attributes a) {
    if (name == "row") {
      std::string_view r = XmlStream::attribute(a, "r");
      int64_t number = 0;
      std::from_chars(r.data(), r.data() + r.size(), number);
      row_.number = number > 0 ? number : row_.number + 1;
      row_.cells.clear();
      column_ = -1;
    } else if (name == "c") {
      auto column = column_of_reference(XmlStream::attribute(a, "r"));
      column_ = column ? *column : column_ + 1;
      if (column_ >= kMaxColumns)
        fail(ErrorCode::bad_input,
             fmt::format("{}: row {}: more than {} columns", where_, row_.number, kMaxColumns),
             kRepairHint);
      type_ = XmlStream::attribute(a, "t");
      std::string_view s = XmlStream::attribute(a, "s");
      size_t style = 0;
      std::from_chars(s.data(), s.data() + s.size(), style);
      date_ = style < book_.date_styles.size() && book_.date_styles[style];
      value_.clear();
      item_.clear();
    } else if (name == "v") {
      in_value_ = true;
    } else {
      item_.start(name);
    }
  }

  void end(std::string_view name) {
    if (name == "v") {
      in_value_ = false;
    } else if (name == "c") {
      if (static_cast<size_t>(column_) >= row_.cells.size())
        row_.cells.resize(static_cast<size_t>(column_) + 1);
      row_.cells[static_cast<size_t>(column_)] = cell_text();
    } else if (name == "row") {
      if (!row_.cells.empty()) ready_.push_back(row_);
    } else {
      item_.end(name);
    }
  }

  void text(std::string_view piece) {
    if (in_value_) {
      if (value_.size() + piece.size() > kMaxCellBytes)
        fail(ErrorCode::bad_input,
             fmt::format("{}: row {}: a cell longer than {} bytes", where_, row_.number,
                         kMaxCellBytes),
             "shorten the text in the workbook");
      value_.append(piece);
    } else {
      item_.text(piece, where_);
    }
  }

  std::string cell_text() {
    if (type_ == "inlineStr") return std::move(item_.value());
    if (type_ == "s") {
      size_t index = SIZE_MAX;
      std::from_chars(value_.data(), value_.data() + value_.size(), index);
      if (index >= book_.strings->size())
        fail(ErrorCode::bad_input,
             fmt::format("{}: cell {}{}: shared string {} does not exist", where_,
                         column_letters(column_), row_.number, value_),
             kRepairHint);
      std::string out;
      book_.strings->get(index, out);
      return out;
    }
    if (type_ == "b") return value_ == "1" ? "TRUE" : "FALSE";
    if (type_ == "d") return std::move(value_);  // ISO 8601, which dates are read in anyway
    if (!type_.empty() && type_ != "n")
      return std::move(value_);  // str (a formula's text), e (an error)
    if (value_.empty()) return {};
    char* end = nullptr;
    double number = std::strtod(value_.c_str(), &end);
    if (end != value_.c_str() + value_.size()) return std::move(value_);
    if (date_)
      if (auto text = serial_date_text(number, book_.date1904)) return *text;
    return number_text(number);
  }

  Zip zip_;
  const BookParts& book_;
  XmlStream xml_;
  std::string where_;
  bool done_ = false;
  std::deque<SheetRow> ready_;
  SheetRow row_;
  int column_ = -1;
  std::string type_;
  bool date_ = false;
  bool in_value_ = false;
  std::string value_;
  StringItemText item_;
};

class XlsxBook : public Book {
 public:
  XlsxBook(const std::string& path, const std::string& label) : path_(path), label_(label) {
    Zip zip(path, label);
    auto root = read_relationships(zip, "");
    std::string workbook =
        root.count("officeDocument") ? root["officeDocument"] : "xl/workbook.xml";
    read_workbook_part(zip, workbook, parts_);
    auto targets = read_relationships(zip, workbook);
    std::string base = workbook.substr(0, workbook.rfind('/') + 1);
    auto part = [&](const std::string& type, const std::string& usual) {
      auto found = targets.find(type);
      return found != targets.end() ? found->second : base + usual;
    };
    read_styles(zip, part("styles", "styles.xml"), parts_);
    read_shared_strings(zip, part("sharedStrings", "sharedStrings.xml"), *parts_.strings);
  }
  const std::vector<SheetInfo>& sheets() const override { return parts_.sheets; }
  std::unique_ptr<SheetRows> rows(size_t index) override {
    return std::make_unique<XlsxRows>(path_, label_, parts_, index);
  }

 private:
  std::string path_, label_;
  BookParts parts_;
};

}  // namespace

std::unique_ptr<Book> open_xlsx(const std::string& path, const std::string& label) {
  return std::make_unique<XlsxBook>(path, label);
}

}  // namespace credit::io::workbook
