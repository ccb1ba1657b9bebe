#!/usr/bin/env bash
# Publication end to end: releases written to a directory (files and manifest digests checked with
# sha256sum), masking of natural persons, minor penalties not published, late publication counted
# in working days across the 2025 National Day holiday, withdrawal after expiry (by purge-expired
# and by date), an amended record published again, revocation, --full, --dry-run changing
# nothing, and concurrent publish / purge-expired processes that process nothing twice.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2025-10-13T10:00:00+08:00
new_store s.db admin.token
export CREDIT_STORE=s.db
add_user s.db admin.token op operator $DEPT
add_user s.db admin.token rev reviewer $DEPT
add_user s.db admin.token pub publisher
add_user s.db admin.token aud auditor
credit import authorize --kind penalty --until "$(authorize_until)" --token-file rev.token -q
export CREDIT_TOKEN_FILE=pub.token
q() { sqlite3 s.db "$1"; }
rid() { q "select id from records where document_number = '$1'"; }

# Penalty rows by hand: DOC|subject|type|code or ID number|decided|category|fine|公示截止期|备注
penalties() {
  # the program on fd 3: stdin carries the rows
  python3 /dev/fd/3 "$1" "$DEPT" 3<<'PY'
import csv, sys
out, dept = sys.argv[1], sys.argv[2]
head = ["行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "法定代表人证件类型",
        "法定代表人证件号码", "证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实",
        "处罚依据", "处罚类别", "处罚内容", "罚款金额(万元)", "处罚决定日期", "处罚有效期", "公示截止期",
        "处罚机关", "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码", "备注"]
rows = [head]
for line in sys.stdin.read().split("\n"):
    if not line.strip():
        continue
    doc, name, kind, code, decided, category, fine, end, note = line.split("|")
    person = kind == "自然人"
    rows.append([name, kind, "" if person else code, "" if person else "王建国",
                 "" if person else "身份证", "" if person else "110105195001010039",
                 "身份证" if person else "", code if person else "", doc, "违反广告管理规定",
                 "发布虚假广告", "《中华人民共和国广告法》第五十五条", category,
                 f"{category}{fine}万元" if fine else category, fine, decided, "2026-12-31", end,
                 "北京市市场监督管理局", dept, "北京市市场监督管理局", dept, note])
with open(out, "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(rows)
PY
}
import_rows() { penalties "$1" && credit import "$1" --kind penalty --token-file op.token -q; }

# A: decided Fri 2025-09-26: 7 working days end Mon 10-13 (make-up days 09-28 and 10-11 count,
#    10-01…10-08 do not); on weekends alone it would be 10-07, so publishing on 10-13 is on time.
# B: decided Thu 09-25: the deadline is Sat 10-11 (a make-up working day): 10-13 is late.
# C: a natural person, masked.  D: a warning (minor: not published under national-2026).
# E, F: decided in July (published late) with a 公示截止期 of 2025-10-20 and 2025-10-25, after the
#    3-month minimum (a shorter one would be corrected to the minimum: test_data_checks.sh).
import_rows first.csv <<'ROWS'
京市监罚〔2025〕A号|北京甲广告有限公司|法人及非法人组织|91110000600037341L|2025-09-26|罚款|1||
京市监罚〔2025〕B号|福州乙商贸有限公司|法人及非法人组织|91350100M000100Y43|2025-09-25|罚款|2||
京市监罚〔2025〕C号|张三丰|自然人|11010519491231002X|2025-10-09|罚款|0.5||家住朝阳区某路1号 电话13800138000
京市监罚〔2025〕D号|天津丙食品有限公司|法人及非法人组织|121200004013590816|2025-10-10|警告|||
京市监罚〔2025〕E号|北京丁科技有限公司|法人及非法人组织|91110000600037341L|2025-07-10|罚款|1|2025-10-20|
京市监罚〔2025〕F号|北京戊科技有限公司|法人及非法人组织|91110000600037341L|2025-07-15|罚款|1|2025-10-25|
ROWS
expect_eq "$(q 'select count(*) from records')" "6" "six records committed"
A=$(rid '京市监罚〔2025〕A号') B=$(rid '京市监罚〔2025〕B号') C=$(rid '京市监罚〔2025〕C号')
D=$(rid '京市监罚〔2025〕D号') E=$(rid '京市监罚〔2025〕E号') F=$(rid '京市监罚〔2025〕F号')
expect_eq "$(q "select severity, publish from records where id = $D")" "minor|0" "D is minor, unpublished"

# --- permissions ---
run credit publish --dry-run --token-file op.token
expect_rc 5 "an operator may not publish"
run credit purge-expired --token-file rev.token
expect_rc 5 "a reviewer may not purge"

# --- dry run: counts, nothing changes ---
mkdir rel
state() { q "select id, status, published_on, portal_version, version from records order by id; select * from releases; select * from settings where key like 'publish.%'" | md5sum; }
BEFORE=$(state)
run credit publish --dry-run --format json
expect_rc 0 "dry run"
expect_eq "$(json_get .published <<<"$OUT")" "5" "dry run: five to publish"
expect_eq "$(json_get .withdrawn <<<"$OUT")" "0" "dry run: none to withdraw"
expect_eq "$(json_get .sequence <<<"$OUT")" "1" "dry run: it would be release 1"
expect_eq "$(json_get .late <<<"$OUT")" "3" "dry run: three would be late"
expect_eq "$(json_get .late_records <<<"$OUT" | python3 -c 'import json,sys; print(sorted(r["record"] for r in json.load(sys.stdin)))')" \
  "$(python3 -c "print(sorted([$B, $E, $F]))")" "dry run: B, E and F would be late"
expect_eq "$(state)" "$BEFORE" "dry run changed nothing"
expect_eq "$(ls rel)" "" "dry run wrote nothing"
run credit publish --dry-run
expect_out "dry run: release 1 would have 5 published \(5 new\), 0 withdrawn" "dry run (table)"
expect_err "record $B \(decided 2025-09-25\) would be published 2025-10-13, after its publication deadline 2025-10-11" "dry run warns of B"

# --- the first release ---
run credit publish --out rel --format json
expect_rc 0 "publish"
expect_eq "$(json_get .sequence <<<"$OUT")" "1" "release 1"
expect_eq "$(json_get .published <<<"$OUT")" "5" "five published"
expect_eq "$(json_get .withdrawn <<<"$OUT")" "0" "none withdrawn"
expect_eq "$(json_get .late <<<"$OUT")" "3" "three late"
expect_err "record $B \(decided 2025-09-25\) published 2025-10-13, after its publication deadline 2025-10-11" "late publication on stderr"
R1=rel/release-000001
expect_eq "$(ls $R1 | tr '\n' ' ')" "manifest.json upsert.ndjson withdraw.ndjson " "three files"
expect_eq "$(ls -A rel)" "release-000001" "no temporary left behind"
digests_ok() {  # the manifest's digests, line counts and sizes against sha256sum and wc
  python3 - "$1" <<'PY'
import json, subprocess, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
for f in m["files"]:
    p = os.path.join(d, f["name"])
    sha = subprocess.run(["sha256sum", p], capture_output=True, text=True).stdout.split()[0]
    lines = int(subprocess.run(["wc", "-l", p], capture_output=True, text=True).stdout.split()[0])
    assert sha == f["sha256"], (f["name"], sha)
    assert lines == f["lines"] and os.path.getsize(p) == f["bytes"], f["name"]
assert m["counts"]["upsert"] == m["files"][0]["lines"] and m["counts"]["withdraw"] == m["files"][1]["lines"]
PY
}
digests_ok $R1 && pass || fail "release 1: digests match sha256sum"
M=$(cat $R1/manifest.json)
expect_eq "$(json_get .sequence <<<"$M")" "1" "manifest: sequence"
expect_eq "$(json_get .previous_sequence <<<"$M")" "null" "manifest: no previous sequence"
expect_eq "$(json_get .counts.upsert <<<"$M")" "5" "manifest: counts"
expect_eq "$(json_get .policy.id <<<"$M")" "national-2026" "manifest: policy"
expect_eq "$(json_get .as_of <<<"$M")" "2025-10-13" "manifest: as of"
expect_eq "$(q 'select manifest_sha256 from releases where sequence = 1')" \
  "$(sha256sum $R1/manifest.json | cut -d' ' -f1)" "the store keeps the manifest's digest"

# masking: the natural person's surname only, the ID number's ends, no legal rep ID, no note
line_of() { grep "\"id\":\"$2\"" "$1"; }
LC=$(line_of $R1/upsert.ndjson "$C")
expect_eq "$(json_get .fields.CF_XDR_MC <<<"$LC")" "张**" "natural person: surname only"
expect_eq "$(json_get .fields.CF_XDR_ZJHM <<<"$LC")" "1101**********002X" "ID number masked"
grep -q "张三丰\|11010519491231002X\|13800138000\|朝阳区" $R1/upsert.ndjson && fail "personal data in the release" || pass
grep -q "110105195001010039\|CF_FR_ZJHM\|\"BZ\"" $R1/upsert.ndjson && fail "legal rep ID or note in the release" || pass
LA=$(line_of $R1/upsert.ndjson "$A")
expect_eq "$(json_get .fields.CF_XDR_MC <<<"$LA")" "北京甲广告有限公司" "organisations in clear"
expect_eq "$(json_get .fields.CF_FRDB <<<"$LA")" "王建国" "legal representative's name shown"
expect_eq "$(json_get .reason <<<"$LA")" "new" "reason new"
grep -q "京市监罚〔2025〕D号" $R1/upsert.ndjson && fail "the minor penalty was published" || pass
expect_eq "$(q "select status from records where id = $D")" "active" "D stays unpublished"

# records and lateness as kept for reports
expect_eq "$(q "select status, published_on, portal_version from records where id = $A")" "published|2025-10-13|1" "A published"
expect_eq "$(q "select publication_deadline, published_late from records where id = $A")" "2025-10-13|0" "A on time (holiday counted)"
expect_eq "$(q "select publication_deadline, published_late from records where id = $B")" "2025-10-11|1" "B late"
expect_eq "$(q "select late from release_items where sequence = 1 and record_id = $B")" "1" "release item: late"
expect_eq "$(q "select status, late, delivered_on from releases where sequence = 1")" "delivered|3|2025-10-13" "release delivered (three late)"

# --- nothing new: no release ---
run credit publish --out rel
expect_rc 0 "publish with nothing due"
expect_out "nothing to publish or withdraw" "says so"
run credit publish --out rel --quiet
expect_eq "$OUT$ERR" "" "quiet when nothing is wrong"
expect_eq "$(q 'select count(*) from releases')" "1" "no empty release"

# --- amended: published again with the new content, same id ---
credit record amend "$A" --set 罚款金额=3 --set 处罚内容=罚款3万元 --reason "决定书更正" --token-file op.token -q
# revoked and expired (by purge) on the same day
credit record revoke "$C" --reason "行政复议撤销" --token-file op.token -q
CREDIT_NOW=2025-10-22T01:00:00+08:00 run credit purge-expired --format json
expect_rc 0 "purge-expired"
expect_eq "$(json_get .expired <<<"$OUT")" "1" "E expired"
expect_eq "$(json_get .listings_ended <<<"$OUT")" "0" "no listings"
expect_eq "$(json_get .repairs_finalised <<<"$OUT")" "0" "no repairs yet"
expect_eq "$(q "select status, withdrawn_on, archived from records where id = $E")" "expired|2025-10-22|1" "E archived"
expect_eq "$(q "select change from record_versions where record_id = $E")" "expire" "E's history"
CREDIT_NOW=2025-10-22T01:00:00+08:00 run credit purge-expired
expect_out "purge-expired 2025-10-22: 0 expired, 0 listings ended, 0 repairs finalised" "second run: nothing"
export CREDIT_NOW=2025-10-22T02:00:00+08:00
run credit publish --out rel --format json
expect_rc 0 "release 2"
expect_eq "$(json_get .sequence <<<"$OUT")" "2" "sequence 2"
expect_eq "$(json_get .published <<<"$OUT")" "1" "A again"
expect_eq "$(json_get .amended <<<"$OUT")" "1" "as amended"
expect_eq "$(json_get .withdrawn <<<"$OUT")" "2" "C and E withdrawn"
R2=rel/release-000002
digests_ok $R2 && pass || fail "release 2: digests"
expect_eq "$(json_get .previous_sequence <$R2/manifest.json)" "1" "previous sequence 1"
LA=$(line_of $R2/upsert.ndjson "$A")
expect_eq "$(json_get .fields.CF_NR_FK <<<"$LA")" "3" "A's new content"
expect_eq "$(json_get .version <<<"$LA")" "2" "A version 2"
expect_eq "$(json_get .reason <<<"$LA")" "amended" "reason amended"
expect_eq "$(json_get .reason <<<"$(line_of $R2/withdraw.ndjson "$C")")" "revoked" "C revoked"
expect_eq "$(json_get .reason <<<"$(line_of $R2/withdraw.ndjson "$E")")" "expired" "E expired"
expect_eq "$(q "select published_on, portal_version, status from records where id = $A")" "2025-10-13|2|published" "A keeps its first publication date"
expect_eq "$(q "select portal_version is null, status from records where id = $C")" "1|revoked" "C off the portal"

# --- withdrawn by date before purge-expired ran ---
export CREDIT_NOW=2025-10-27T02:00:00+08:00
run credit publish --out rel --format json
expect_eq "$(json_get .withdrawn <<<"$OUT")" "1" "F withdrawn when its period ended"
expect_eq "$(json_get .reason <<<"$(line_of rel/release-000003/withdraw.ndjson "$F")")" "expired" "F: reason expired"
expect_eq "$(q "select status, portal_version is null from records where id = $F")" "published|1" "F awaits purge"
run credit publish --out rel --format json
expect_eq "$(json_get .sequence <<<"$OUT")" "null" "F not withdrawn twice"
run credit purge-expired --format json
expect_eq "$(json_get .expired <<<"$OUT")" "1" "purge archives F"
run credit publish --out rel --format json
expect_eq "$(json_get .sequence <<<"$OUT")" "null" "nothing for the portal after purge"

# --- a full snapshot ---
run credit publish --full --out rel --format json
expect_rc 0 "full"
expect_eq "$(json_get .sequence <<<"$OUT")" "4" "full is release 4"
expect_eq "$(json_get .published <<<"$OUT")" "2" "A and B"
expect_eq "$(json_get .unchanged <<<"$OUT")" "2" "both already shown"
expect_eq "$(json_get .type <rel/release-000004/manifest.json)" "full" "manifest: full"
expect_eq "$(cut -c1-40 rel/release-000004/upsert.ndjson | grep -c upsert)" "2" "two upsert lines"
digests_ok rel/release-000004 && pass || fail "release 4: digests"

# --- a release directory that holds another release is refused, and nothing is published ---
import_rows more.csv <<'ROWS'
京市监罚〔2025〕G号|北京己科技有限公司|法人及非法人组织|91110000600037341L|2025-10-24|罚款|1||
ROWS
mkdir -p other/release-000005 && echo '{}' >other/release-000005/manifest.json
run credit publish --out other
expect_rc 7 "conflicting directory"
expect_eq "$(q "select status from records where document_number like '%G号'")" "active" "G not published"
expect_eq "$(q 'select status from releases where sequence = 5')" "pending" "release 5 pending"
run credit publish --out rel --format json
expect_rc 0 "the pending release goes to a good directory"
expect_eq "$(json_get .releases.0.resend <<<"$OUT")" "true" "sent again"
expect_eq "$(json_get .sequence <<<"$OUT")" "5" "same sequence"
expect_eq "$(q "select status from records where document_number like '%G号'")" "published" "G published"
run credit publish --out rel --format json
expect_eq "$(json_get .sequence <<<"$OUT")" "null" "then nothing"

# --- concurrency: two publish runs, and two purge runs, started together ---
credit generate sample --kind penalty --rows 300 --seed 7 --dept $DEPT --decided-from 2025-06-01 \
  --decided-to 2025-10-20 >bulk.csv
credit import bulk.csv --kind penalty --token-file op.token -q
DUE=$(credit publish --dry-run --format json | json_get .published)
mkdir rel2
credit publish --out rel2 --format json >p1.json 2>p1.err & P1=$!
credit publish --out rel2 --format json >p2.json 2>p2.err & P2=$!
wait $P1 && RC1=0 || RC1=$?
wait $P2 && RC2=0 || RC2=$?
expect_eq "$RC1$RC2" "00" "both publish runs succeed"
TOTAL=$(( $(json_get .published <p1.json) + $(json_get .published <p2.json) ))
expect_eq "$TOTAL" "$DUE" "between them, every due record published once"
expect_eq "$(q "select count(*) from (select record_id from release_items where reason <> 'snapshot' group by record_id, version, op having count(*) > 1)")" "0" "no record in two releases for the same change (full snapshots aside)"
expect_eq "$(q "select count(*) from releases where status = 'pending'")" "0" "nothing pending"
DUE=$(CREDIT_NOW=2026-01-15T01:00:00+08:00 credit purge-expired --dry-run --format json | json_get .expired)
[[ $DUE -gt 50 ]] && pass || fail "enough records expire for the concurrency test ($DUE)"
export CREDIT_NOW=2026-01-15T01:00:00+08:00
credit purge-expired --format json >e1.json & P1=$!
credit purge-expired --format json >e2.json & P2=$!
credit publish --out rel2 --format json >p3.json & P3=$!
wait $P1 && RC1=0 || RC1=$?
wait $P2 && RC2=0 || RC2=$?
wait $P3 && RC3=0 || RC3=$?
expect_eq "$RC1$RC2$RC3" "000" "two purges and a publish at once succeed"
expect_eq "$(( $(json_get .expired <e1.json) + $(json_get .expired <e2.json) ))" "$DUE" "each due record expired once"
expect_eq "$(q "select count(*) from (select record_id from record_versions where change = 'expire' group by record_id having count(*) > 1)")" "0" "no record expired twice"
credit publish --out rel2 -q
expect_eq "$(q "select count(*) from records where portal_version is not null and status <> 'published'")" "0" "the portal shows nothing expired"
expect_eq "$(q "select count(*) from records where status = 'published' and portal_version is null")" "0" "and everything published"
for d in rel2/release-*; do digests_ok "$d" || fail "digests of $d"; done

# --- dishonest-list entries: their listing ends by purge-expired, counted apart ---
SAVED_NOW=$CREDIT_NOW
export CREDIT_STORE=list.db CREDIT_NOW=2025-11-03T10:00:00+08:00
mkdir lrel
new_store list.db ladmin.token
add_user list.db ladmin.token lop operator $DEPT
add_user list.db ladmin.token lrev reviewer $DEPT
add_user list.db ladmin.token lpub publisher
credit import authorize --kind dishonest --until "$(authorize_until)" --token-file lrev.token -q
credit generate sample --kind dishonest --rows 12 --seed 5 --dept $DEPT --decided-from 2025-03-01 \
  --decided-to 2025-10-31 >list.csv
credit import list.csv --kind dishonest --token-file lop.token -q
credit publish --out lrel --token-file lpub.token -q
ql() { sqlite3 list.db "$1"; }
LISTED=$(ql "select count(*) from records where kind = 'dishonest' and status = 'published'")
[[ $LISTED -gt 0 ]] && pass || fail "listings published ($LISTED)"
END=$(ql "select max(publicity_until) from records where status = 'published'")
MID=$(ql "select publicity_until from records where status = 'published' order by publicity_until limit 1 offset 5")
DUE=$(ql "select count(*) from records where status = 'published' and publicity_until < '$MID'")
[[ $DUE -gt 0 && $DUE -lt $LISTED ]] && pass || fail "some listings end before $MID ($DUE of $LISTED)"
run env CREDIT_NOW="${MID}T00:30:00+08:00" "$CREDIT_BIN" purge-expired --token-file lpub.token --format json
expect_rc 0 "purge-expired ends listings"
expect_eq "$(json_get .listings_ended <<<"$OUT")" "$DUE" "the listings ended before $MID"
expect_eq "$(json_get .expired <<<"$OUT")" "0" "listings are not counted as expired"
expect_eq "$(ql "select count(*) from record_versions where change = 'listing_end'")" "$DUE" "one history row each"
expect_eq "$(ql "select count(*) from records where status = 'expired' and archived = 1")" "$DUE" "archived, not deleted"
run env CREDIT_NOW="${MID}T01:00:00+08:00" "$CREDIT_BIN" publish --out lrel --token-file lpub.token --format json
expect_eq "$(json_get .withdrawn <<<"$OUT")" "$DUE" "the next release withdraws them"
run env CREDIT_NOW="$(date -d "$END + 1 day" +%F)T00:30:00+08:00" "$CREDIT_BIN" purge-expired --token-file lpub.token -q --format json
expect_eq "$(json_get .listings_ended <<<"$OUT")" "$((LISTED - DUE))" "the rest end after the last day"
export CREDIT_STORE=s.db CREDIT_NOW=$SAVED_NOW

# --- audit: one entry per run, the chain intact ---
expect_eq "$(q "select count(*) from audit_log where action = 'purge.expired' and outcome = 'ok'")" "6" "one entry per purge run"
P=$(q "select params from audit_log where action = 'purge.expired' and json_extract(params, '$.expired') > 0 order by seq desc limit 1")
[[ $(json_get .expired_ids <<<"$P") =~ ^[0-9,-]+$ ]] && pass || fail "the purge entry names the ids: $P"
run credit audit verify --token-file aud.token
expect_rc 0 "audit chain verifies"

finish
