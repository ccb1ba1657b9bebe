#pragma once
// Scratch files that nobody else can see: created 0600 and unlinked at once (O_TMPFILE where the
// file system has it), so a crash leaves nothing behind and no other user can open them.
#include <string>

namespace credit {

// An open descriptor on a new unlinked file in $TMPDIR (else /tmp). `purpose` completes the hint
// of the error when none can be created ("the server", "reading workbooks").
int open_unlinked_temp_file(const std::string& purpose);

}  // namespace credit
