#!/usr/bin/env bash
# credit report end to end: a small generated store of two departments, every report's figures
# checked against independent sqlite3 counts, departments and rights, every format, bad input,
# and the HTML page rendered in headless Chromium (its charts and figures read back from the DOM).
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
OTHER=91110000600037341L
export CREDIT_NOW=2026-05-06T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token op2 operator $OTHER
add_user s.db admin.token rev2 reviewer $OTHER
add_user s.db admin.token aud auditor
add_user s.db admin.token pub publisher
q() { sqlite3 s.db "$1"; }
credit import authorize --kind penalty --kind license --until "$(authorize_until)" --token-file rev.token -q
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev2.token -q
credit generate sample --kind penalty --rows 120 --seed 3 --invalid 4 --dept $DEPT \
  --decided-from 2026-03-01 --decided-to 2026-05-05 >p1.csv
credit generate sample --kind license --rows 40 --seed 4 --dept $DEPT \
  --decided-from 2026-03-01 --decided-to 2026-05-05 >l1.csv
# A department name with markup: every renderer must show it as text.
credit generate sample --kind penalty --rows 60 --seed 5 --dept $OTHER \
  --dept-name '<b>测试&"局"</b>' --decided-from 2026-02-01 --decided-to 2026-04-30 >p2.csv
credit import p1.csv --kind penalty --skip-invalid --token-file op.token -q >/dev/null 2>&1
credit import l1.csv --kind license --token-file op.token -q
credit import p2.csv --kind penalty --token-file op2.token -q
# Publication by hand (the publish module is not on this branch): 3 on time, 2 late.
q "update records set status = 'published', published_on = decided_on
   where id in (select id from records where kind = 'penalty' and publish = 1 and disclosure = 'public'
                and decided_on < '2026-04-01' order by id limit 3)"
q "update records set status = 'published', published_on = date(decided_on, '+40 days')
   where id in (select id from records where kind = 'penalty' and publish = 1 and disclosure = 'public'
                and published_on is null and decided_on < '2026-03-15' order by id limit 2)"
[[ $(q "select count(*) from records") -gt 200 ]] && pass || fail "store has the imported records"
export CREDIT_TOKEN_FILE=aud.token
P="--from 2026-03-01 --to 2026-05-31"
W="decided_on between '2026-03-01' and '2026-05-31'"

# figure ID KEY → the value of key figure KEY of section ID in $OUT
figure() { python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
s = next(s for s in doc["sections"] if s["id"] == sys.argv[1])
print(next(r["value"] for r in s["rows"] if r["metric"] == sys.argv[2]))' "$1" "$2" <<<"$OUT"; }
# rows ID COL VALUECOL → "col|value" lines of section ID, sorted (as sqlite3 prints them)
rows() { python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
s = next(s for s in doc["sections"] if s["id"] == sys.argv[1])
print("\n".join(sorted(f"{r[sys.argv[2]]}|{r[sys.argv[3]]}" for r in s["rows"])))' "$1" "$2" "$3" <<<"$OUT"; }
section_available() { python3 -c '
import json, sys
doc = json.loads(sys.stdin.read())
s = next(s for s in doc["sections"] if s["id"] == sys.argv[1])
print(s["available"], s.get("unavailable_reason", ""))' "$1" <<<"$OUT"; }

# --- summary ---
run credit report summary $P --format json
expect_rc 0 "summary"
expect_eq "$(figure overview records)" "$(q "select count(*) from records where $W")" "records of the period"
expect_eq "$(figure overview published)" "5" "published now"
expect_eq "$(rows by_kind kind records)" "$(q "select kind, count(*) from records where $W group by kind order by 1")" "by kind"
expect_eq "$(rows by_status status records)" "$(q "select status, count(*) from records where $W group by status order by 1")" "by status"
expect_eq "$(rows by_severity severity records)" "$(q "select severity, count(*) from records where $W group by severity order by 1")" "by severity"
expect_eq "$(rows by_department dept records)" "$(q "select source_dept_uscc, count(*) from records where $W group by 1 order by 1")" "by department"
expect_eq "$(rows by_authority authority_uscc records | head -3 | wc -l)" "3" "authorities listed"
top_auth=$(q "select authority_uscc, count(*) from records where $W group by authority_uscc order by 2 desc, 1 limit 1")
grep -qxF "$top_auth" <<<"$(rows by_authority authority_uscc records)" && pass || fail "largest authority: $top_auth"
expect_eq "$(figure overview import_batches)" "$(q "select count(*) from import_batches")" "import batches (all staged in May)"
expect_eq "$(figure overview import_rejected)" "$(q "select sum(rejected) from import_batches")" "rejected rows"
[[ $(figure overview import_rejected) -ge 4 ]] && pass || fail "the invalid rows were rejected"
expect_eq "$(rows rejects_by_field kind rows | awk -F'|' '{s += $2} END {print s}')" \
  "$(q "select count(*) from import_rejects")" "rejects by field add up"
trend_sum=$(python3 -c 'import json,sys; d=json.load(sys.stdin); s=next(s for s in d["sections"] if s["id"]=="trend"); print(len(s["rows"]), sum(r["records"] for r in s["rows"]))' <<<"$OUT")
expect_eq "$trend_sum" "3 $(q "select count(*) from records where $W")" "trend of 92 days by month: every month, all records"
run credit report summary --month 2026-02 --format json
expect_eq "$(figure overview records)" "$(q "select count(*) from records where decided_on like '2026-02-%'")" "--month"
expect_eq "$(json_get .period.to <<<"$OUT")" "2026-02-28" "--month ends on the month's last day"

# --- departments and rights ---
run credit report summary $P --format json --token-file op.token
expect_rc 0 "an operator reports"
expect_eq "$(figure overview records)" "$(q "select count(*) from records where $W and source_dept_uscc = '$DEPT'")" "an operator sees its department only"
expect_eq "$(json_get .department <<<"$OUT")" "$DEPT" "the operator's department is the default"
run credit report summary $P --dept $OTHER --token-file op.token
expect_rc 5 "an operator may not see another department"
run credit report summary $P --dept '*' --token-file op.token
expect_rc 5 "nor every department"
run credit report summary $P --dept $OTHER --format json
expect_eq "$(figure overview records)" "$(q "select count(*) from records where $W and source_dept_uscc = '$OTHER'")" "the auditor picks one department"
expect_eq "$(json_get .department_name <<<"$OUT")" '<b>测试&"局"</b>' "department name as stored"
run credit report summary --token-file pub.token
expect_rc 5 "the publisher has no report right"
for r in admin rev; do
  run credit report activity --token-file $r.token --format json
  expect_rc 0 "$r may run reports"
done
expect_eq "$(q "select outcome from audit_log where actor = 'pub' order by seq desc limit 1")" "denied" "refusal audited"

# --- compliance ---
run credit report compliance --month 2026-03 --format json
expect_rc 0 "compliance"
M="decided_on like '2026-03-%'"
expect_eq "$(figure publication on_time)" "3" "published on time"
expect_eq "$(figure publication late)" "2" "published late"
expect_eq "$(figure publication not_required)" "$(q "select count(*) from records where $M and (publish = 0 or disclosure <> 'public' or (status = 'revoked' and published_on is null))")" "not published by rule"
# Everything of March unpublished is past its 7 working days by 6 May.
expect_eq "$(figure publication overdue)" "$(q "select count(*) from records where $M and publish = 1 and disclosure = 'public' and published_on is null and status <> 'revoked'")" "overdue"
expect_eq "$(figure publication pending)" "0" "nothing of March still pending"
expect_eq "$(figure repairs filed)" "$(q "select count(*) from repair_applications where submitted_on like '2026-03-%'")" "repairs filed"
expect_eq "$(figure objections overdue)" "$(q "select count(*) from objections where filed_on like '2026-03-%' and resolved_on is null and deadline < '2026-05-06'")" "objections overdue"
run credit report compliance --from 2026-05-04 --to 2026-05-05 --format json
expect_eq "$(figure publication pending)" "$(q "select count(*) from records where decided_on between '2026-05-04' and '2026-05-05' and publish = 1 and disclosure = 'public' and published_on is null and status <> 'revoked'")" "decided two days ago: pending"
expect_eq "$(figure publication overdue)" "0" "nothing of May overdue yet"

# --- expiring ---
run credit report expiring --days 365 --format json
expect_rc 0 "expiring"
expect_eq "$(figure overview records)" "$(q "select count(*) from records where status in ('active','published') and publish = 1 and publicity_until between '2026-05-06' and date('2026-05-06', '+364 days')")" "expiring within 365 days"
expect_eq "$(json_get .period.to <<<"$OUT")" "2027-05-05" "the window: today and 364 more days"
[[ $(figure overview records) -gt 0 ]] && pass || fail "something expires within a year"
run credit report expiring --days 30 --month 2026-06
expect_rc 2 "--days and a period together"
run credit report expiring --month 2026-08 --format json
expect_eq "$(figure overview records)" "$(q "select count(*) from records where status in ('active','published') and publish = 1 and publicity_until like '2026-08-%'")" "expiring in a month"

# --- activity ---
run credit report activity --month 2026-05 --format json
expect_rc 0 "activity"
expect_eq "$(figure overview operations)" "$(q "select count(*) from audit_log where ts_sim like '2026-05-%' and seq < (select max(seq) from audit_log)")" "operations of the period (the report's own entry comes after)"
expect_eq "$(rows by_user actor operations | grep '^op|')" "op|$(q "select count(*) from audit_log where actor = 'op'")" "operations of one user"
expect_eq "$(figure overview refused)" "$(q "select count(*) from audit_log where outcome in ('denied','unauthenticated') and seq < (select max(seq) from audit_log)")" "refusals"

# --- formats ---
run credit report summary $P --format csv --section by_kind
expect_eq "$(head -1 <<<"$OUT" | tr -d '\r')" "kind,name,records,share" "csv section: plain table"
expect_eq "$(tail -n +2 <<<"$OUT" | tr -d '\r' | cut -d, -f1,3 | sort | tr , '|')" "$(q "select kind, count(*) from records where $W group by kind order by 1")" "csv figures"
run credit report summary $P --format csv
expect_out "^Records by kind,by_kind" "csv: sections as blocks"
run credit report summary $P --format markdown
expect_out '^\| Kind \| 名称 \| Records \| Share \|' "markdown: GitHub table header"
expect_out '^\| --- \| --- \| ---: \| ---: \|' "markdown: alignment row"
expect_out '\\<b>测试&"局"\\</b>' "markdown: markup escaped"
run credit report summary $P
expect_out "^== Records by kind ==" "table"
run credit report summary $P --section nonesuch
expect_rc 2 "unknown section"
expect_err "by_kind" "lists the sections"
run credit report summary --format ndjson
expect_rc 2 "ndjson is not a report format"
run credit user list --format html --token-file admin.token
expect_rc 2 "html is for reports only"
run credit report summary --month 2026-13
expect_rc 3 "bad month"
run credit report summary --from 2026-05-01 --to 2026-04-01
expect_rc 3 "period ends before it starts"
run credit report summary --dept 123
expect_rc 3 "bad department code"
run credit report summary $P --format html --out page.html
expect_rc 0 "html to a file"
[[ -s page.html && -z $OUT ]] && pass || fail "--out writes the file, not stdout"
run grep -c '<b>测试' page.html
expect_eq "$OUT" "0" "html: no raw markup from the data"
grep -qF '&lt;b&gt;测试&amp;&quot;局&quot;&lt;/b&gt;' page.html && pass || fail "html: the name escaped"
grep -qiE '<script|src="http|href="http' page.html && fail "html: scripts or links" || pass

# --- html in a real browser ---
if ! command -v chromium >/dev/null; then
  echo "SKIP: chromium is not installed (apt-get install chromium); the HTML rendering test did not run" >&2
else
  check_dom() {  # check_dom REPORT ARGS… : the rendered page shows the JSON report's figures
    # A day later: the report calls' own audit entries fall outside the activity period.
    CREDIT_NOW=2026-05-07T09:00:00+08:00 credit report "$@" --format json >doc.json
    CREDIT_NOW=2026-05-07T09:00:00+08:00 credit report "$@" --format html --out page.html 2>/dev/null
    timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/chrome" \
      --dump-dom "file://$WORK/page.html" >dom.html 2>chrome.log
    python3 "$CREDIT_SOURCE_DIR/tests/e2e/report_dom_check.py" doc.json dom.html
  }
  for r in "summary $P" "compliance --month 2026-03" "expiring --days 365" \
    "activity --from 2026-05-01 --to 2026-05-06"; do
    run check_dom $r
    expect_rc 0 "chromium renders the $r report with its figures"
    expect_out "charts: [1-9]" "$r: charts rendered"
  done
fi
finish
