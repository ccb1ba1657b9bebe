// The table of commands, in the order `credit --help` shows them. Each lives in commands/.
#include "cli/command.hpp"

namespace credit::cli {

extern const CommandDef cmd_init;
extern const CommandDef cmd_migrate;
extern const CommandDef cmd_user;
extern const CommandDef cmd_whoami;
extern const CommandDef cmd_policy;
extern const CommandDef cmd_calendar;
extern const CommandDef cmd_audit;
extern const CommandDef cmd_generate;
extern const CommandDef cmd_serve;
extern const CommandDef cmd_diag;
extern const CommandDef cmd_import;
extern const CommandDef cmd_record;
extern const CommandDef cmd_query;
extern const CommandDef cmd_publish;
extern const CommandDef cmd_purge;
extern const CommandDef cmd_report;
extern const CommandDef cmd_repair;
extern const CommandDef cmd_objection;
extern const CommandDef cmd_privacy;
extern const CommandDef cmd_consent;

// One command a line, so that adding a command is a one-line change.
// clang-format off
const std::vector<const CommandDef*>& command_table() {
  static const std::vector<const CommandDef*> table = {
      &cmd_init,
      &cmd_migrate,
      &cmd_user,
      &cmd_whoami,
      &cmd_policy,
      &cmd_import,
      &cmd_record,
      &cmd_query,
      &cmd_repair,
      &cmd_objection,
      &cmd_privacy,
      &cmd_consent,
      &cmd_publish,
      &cmd_purge,
      &cmd_report,
      &cmd_calendar,
      &cmd_audit,
      &cmd_serve,
      &cmd_generate,
      &cmd_diag,
  };
  return table;
}
// clang-format on

}  // namespace credit::cli
