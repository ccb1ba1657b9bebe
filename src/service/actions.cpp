// The table of service modules: each adds its actions here, once.
#include "service/action.hpp"
#include "service/modules.hpp"

namespace credit::service {

const ActionRegistry& action_registry() {
  static const ActionRegistry registry = [] {
    ActionRegistry r;
    register_account_actions(r);
    register_store_actions(r);
    register_audit_actions(r);
    register_policy_actions(r);
    register_calendar_actions(r);
    register_diag_actions(r);
    register_import_actions(r);
    register_record_actions(r);
    register_publish_actions(r);
    register_purge_actions(r);
    register_report_actions(r);
    register_query_actions(r);
    register_repair_actions(r);
    register_objection_actions(r);
    register_privacy_actions(r);
    register_consent_actions(r);
    return r;
  }();
  return registry;
}

}  // namespace credit::service
