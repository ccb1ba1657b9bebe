#include "cli/app.hpp"

// No setlocale(): credit handles UTF-8 itself (src/domain/text_clean) and converts encodings with
// iconv, which needs no locale; loading one would cost two dozen file opens at every start.
int main(int argc, char** argv) {
  return credit::cli::run(argc, argv);
}
