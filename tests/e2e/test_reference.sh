#!/usr/bin/env bash
# Reference data: the working-day calendar and the policy profiles.
source "$(dirname "$0")/lib.sh"
new_store s.db admin.token
export CREDIT_STORE=s.db CREDIT_TOKEN_FILE=admin.token
add_user s.db admin.token view1 viewer

# --- calendar ---
run credit calendar show 2025 --format json
expect_rc 0 "calendar show 2025"
expect_eq "$(json_get .working_days <<<"$OUT")" "248" "2025 has 248 working days"
expect_out '"2025-09-28"' "the National Day make-up Sunday is listed"
expect_out '"2025-10-11"' "the National Day make-up Saturday is listed"
run credit calendar show 2026 --token-file view1.token
expect_rc 0 "any user may read the calendar"
expect_out "春节 +2026-02-15 … 2026-02-23" "2026 Spring Festival break"
run credit calendar show 2027
expect_rc 0 "a year without data still answers"
expect_err "no calendar data for 2027" "…with a warning naming the year"

# Next year's notice in holiday-cn's format, with a make-up day in late December of the year before.
cat >hc2027.json <<'JSON'
{"year": 2027, "papers": ["https://www.gov.cn/example-2027"],
 "days": [
  {"name": "元旦", "date": "2026-12-26", "isOffDay": false},
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "春节", "date": "2027-02-06", "isOffDay": true},
  {"name": "春节", "date": "2027-02-07", "isOffDay": true},
  {"name": "春节", "date": "2027-02-08", "isOffDay": true},
  {"name": "春节", "date": "2027-02-20", "isOffDay": false}
 ]}
JSON
run credit calendar load hc2027.json --token-file view1.token
expect_rc 5 "a viewer may not load calendar data"
run credit calendar load hc2027.json --format json
expect_rc 0 "load the 2027 notice"
expect_eq "$(json_get .years_stored <<<"$OUT")" "[2027, 2026]" "the December make-up day joins 2026"
run credit calendar show 2027 --format json
expect_eq "$(json_get .has_data <<<"$OUT")" "true" "2027 now has data"
[[ "$OUT" != *warning* ]] && pass || fail "no warning once loaded"
run credit calendar show 2026 --format json
expect_out '"2026-12-26"' "2026 gained the make-up Saturday"
expect_eq "$(sqlite3 s.db "select count(*) from audit_log where action='calendar.load' and outcome='ok'")" "1" "the load is audited"

echo '{"year": 2028, "holidays": [{"name": "x", "off": ["2029-01-01"], "work": []}]}' >bad.json
run credit calendar load bad.json
expect_rc 3 "a date outside its year is refused"
expect_err "bad.json" "the error names the file"
run credit calendar load missing.json
expect_rc 6 "a missing file"

# --- policy ---
run credit policy show --format json
expect_eq "$(json_get .id <<<"$OUT")" "national-2026" "national-2026 is active after init"
expect_out 'national-2026/periods.penalty.severe.max' "rules are named"
run credit policy list
expect_out "dandong-2019" "the municipal profile is listed"
run credit policy set dandong-2019 --token-file view1.token
expect_rc 5 "a viewer may not set the policy"
run credit policy set national-2019 --format json
expect_rc 0 "set national-2019"
expect_eq "$(json_get .previous <<<"$OUT")" "national-2026" "the previous profile is reported"
run credit policy show --format json --token-file view1.token
expect_eq "$(json_get .id <<<"$OUT")" "national-2019" "the new profile is active for everyone"
expect_eq "$(json_get .penalty_periods.2.min_months <<<"$OUT")" "6" "2019: severe minimum 6 months"
expect_eq "$(sqlite3 s.db "select reason from audit_log where action='policy.set' and outcome='ok'")" "policy national-2026 → national-2019" "the change is audited"
python3 - "$CREDIT_SOURCE_DIR/share/policy/national-2026.json" <<'PY' >custom.json
import json, sys
p = json.load(open(sys.argv[1]))
p["id"] = "custom-test"
p["periods"]["penalty"]["severe"]["max"]["months"] = "thirty-six"
print(json.dumps(p, ensure_ascii=False))
PY
run credit policy set custom.json
expect_rc 3 "an invalid profile file is refused"
expect_err "periods.penalty.severe.max" "the error names the JSON path"
run credit policy set no-such-profile
expect_rc 6 "an unknown profile name"
run credit policy show --format json
expect_eq "$(json_get .id <<<"$OUT")" "national-2019" "a refused profile changed nothing"

run credit audit verify --token-file admin.token
expect_rc 5 "(admin cannot verify; just checking exit codes stay distinct)"
finish
