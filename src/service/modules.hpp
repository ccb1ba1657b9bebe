#pragma once
// One registration function per service module (see actions.cpp).
namespace credit::service {
class ActionRegistry;
void register_account_actions(ActionRegistry& r);    // user.*, whoami
void register_store_actions(ActionRegistry& r);      // store.migrate, store.info
void register_audit_actions(ActionRegistry& r);      // audit.verify/export/checkpoint/key
void register_policy_actions(ActionRegistry& r);     // policy.*
void register_calendar_actions(ActionRegistry& r);   // calendar.*
void register_diag_actions(ActionRegistry& r);       // diag.upload
void register_import_actions(ActionRegistry& r);     // import.*
void register_record_actions(ActionRegistry& r);     // record.*
void register_publish_actions(ActionRegistry& r);    // publish.*
void register_purge_actions(ActionRegistry& r);      // purge.*
void register_report_actions(ActionRegistry& r);     // report.*
void register_query_actions(ActionRegistry& r);      // query.*
void register_repair_actions(ActionRegistry& r);     // repair.*
void register_objection_actions(ActionRegistry& r);  // objection.*
void register_privacy_actions(ActionRegistry& r);    // privacy.scan
void register_consent_actions(ActionRegistry& r);    // consent.*
}  // namespace credit::service
