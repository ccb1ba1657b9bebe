#!/usr/bin/env bash
# Repair to the letter of the regulations (issue 13), end to end with real codes:
# - Dandong Art. 7: never-repairable categories by what the decision is (违法行为类型, the law and
#   article in 处罚依据, the department's 失信行为类别 column), never by words in 违法事实;
# - Dandong Art. 9(1): the 6 months count from the first publication (披露之日), and `record show`
#   names the rule; the national profiles count from the decision;
# - evidence exactly as the source asks: national-2026 commitment and rectification only, Dandong
#   also the municipal credit centre's report, interview and training; Dandong applies to
#   enterprise legal persons only (Art. 2);
# - Order 36: minor information that is only shared is repaired (and archived);
# - Dandong Art. 10(3): the same kind is the same classified behaviour, not the same string.
source "$(dirname "$0")/lib.sh"
DEPT=11110000000013127H
export CREDIT_NOW=2026-06-01T10:00:00+08:00  # a Monday
department_store $DEPT
credit policy set dandong-2019 --token-file admin.token -q
q() { sqlite3 s.db "$1"; }
rid() { q "select id from records where document_number = '丹市监罚〔2025〕$1号'"; }

source "$CREDIT_SOURCE_DIR/tests/e2e/dandong_repair.sh"  # penalties, dd_evidence, dd_submit

# Decided 2025-10-10, first published today (2026-06-01).
penalties rows.csv <<'ROWS'
1|11|2025-10-10|罚款|120|串通投标|《中华人民共和国招标投标法》第五十三条|投标人之间协商投标报价
2|12|2025-10-10|罚款|120|虚开增值税专用发票|《中华人民共和国发票管理办法》|为他人虚开增值税专用发票
3|13|2025-10-10|罚款|120|拖欠劳动者工资|《劳动保障监察条例》第二十六条|拖欠劳动者工资
4|14|2025-10-10|罚款|120|恶意欠薪|《保障农民工工资支付条例》第五十五条|拖欠农民工工资
5|15|2025-10-10|罚款|120|非法吸收公众存款|《防范和处置非法集资条例》第三十条|向社会公众吸收资金
6|16|2025-10-10|罚款|120|生产、销售伪劣产品|《中华人民共和国产品质量法》第五十条|以次充好
7|17|2025-10-10|罚款|120|婴幼儿配方乳粉不符合食品安全标准|《中华人民共和国食品安全法》第一百二十四条|抽检不合格
8|18|2025-10-10|吊销许可证件||印刷企业未按规定承印包装装潢印刷品|《印刷业管理条例》第三十九条|为某食品厂印制食品包装未核验委托印刷证明
9|19|2025-10-10|罚款|1|违反价格管理规定|《中华人民共和国价格法》第四十二条|未明码标价
10|person|2025-10-10|罚款|0.5|违反价格管理规定|《中华人民共和国价格法》第四十二条|未明码标价
11|20|2025-10-10|罚款|1|未按时公示年度报告|《企业信息公示暂行条例》第十七条|未于6月30日前公示年度报告
12|20|2025-10-11|罚款|1|未按规定公示年度报告|《企业信息公示暂行条例》第十七条|年度报告未按规定公示
ROWS
credit import rows.csv --kind penalty --token-file op.token -q
expect_eq "$(q "select group_concat(severity) from (select severity from records order by id)")" \
  "severe,severe,severe,severe,severe,severe,severe,severe,general,general,general,general" \
  "fines of 120万 and a revocation are severe"
# Not yet published: the 6 months have no start yet, and `record show` says so.
run credit record show "$(rid 9)" --token-file rev.token --purpose "信用修复审查 2026-102" --format json
expect_eq "$(json_get .record.earliest_repair <<<"$OUT")" "null" "no earliest repair before publication"
expect_eq "$(json_get .record.derivation.earliest_repair <<<"$OUT")" \
  "dandong-2019/periods.penalty.general.min, counted from dandong-2019/periods.min_start" \
  "names the minimum and what it counts from"
mkdir rel
run credit publish --out rel --token-file pub.token
expect_rc 0 "first publication on 2026-06-01"

# --- Art. 9(1): from the first publication, not the decision ---
export CREDIT_NOW=2026-11-30T10:00:00+08:00
export CREDIT_TOKEN_FILE=op.token
dd_evidence
dd_submit "$(rid 9)"
expect_rc 11 "six months after the decision but not after the publication"
expect_err "dandong-2019/periods.penalty.general.min" "names the minimum-period rule"
expect_err "allowed from 2026-12-01" "names the day: 6 months from 2026-06-01"
expect_err "first publication 2026-06-01" "says what it counted from"
run credit record show "$(rid 9)" --token-file rev.token --purpose "信用修复审查 2026-102"
expect_out "earliest repair  2026-12-01  \[dandong-2019/periods.penalty.general.min, counted from dandong-2019/periods.min_start\]" \
  "record show: the date and its rule"
expect_out "first publication \(披露之日\) 2026-06-01" "record show: what it counted from"

export CREDIT_NOW=2026-12-01T10:00:00+08:00
REPORT_DATE=2026-11-20 dd_submit "$(rid 9)"
expect_rc 0 "allowed on 2026-12-01"
APP9=$(json_get .application <<<"$OUT")
expect_eq "$(json_get .rule <<<"$OUT")" "dandong-2019/periods.penalty.general.min" "allowing rule"

# --- Art. 7: the six severe records are refused, by their structured fields ---
for doc in 1 2 3 4 5 6 7; do
  dd_submit "$(rid $doc)"
  expect_rc 11 "record $doc is never repairable"
  expect_err "dandong-2019/repair.non_repairable.art7-[12]-" "record $doc: names the category"
  expect_err "违法行为类型" "record $doc: names the field that matched"
  expect_err "第七条第（[一二]）项" "record $doc: names the article"
done
expect_err "art7-1-health-safety" "the infant formula case is a food-safety case"
# The printing-licence revocation whose facts mention a food factory as the customer.
dd_submit "$(rid 8)"
expect_rc 0 "a printing-licence revocation is repairable"
APP8=$(json_get .application <<<"$OUT")

# --- evidence and subjects (Dandong Art. 2, 12) ---
dd_submit "$(rid 10)"
expect_rc 11 "a natural person under Dandong"
expect_err "dandong-2019/repair.subjects" "names the subject rule"
expect_err "第二条" "names Art. 2"
REPORT_DATE=2026-10-20 dd_submit "$(rid 11)"
expect_rc 11 "a credit report older than a month"
expect_err "dandong-2019/repair.evidence.credit_report" "names the report rule"
expect_err "issued on or after 2026-11-01" "names the oldest acceptable date"
run credit repair submit "$(rid 11)" --commitment c.pdf --rectification r.pdf --training t.png \
  --training-hours 2 --credit-report rep.pdf --credit-report-date 2026-11-20
expect_rc 11 "Dandong: no interview record, 2 class hours"
expect_err "dandong-2019/repair.evidence.interview" "interview record required"
expect_err "at least 3 are required" "3 class hours required"

# --- Art. 10(3): 未按时公示年度报告 and 未按规定公示年度报告 are one kind ---
dd_submit "$(rid 11)"
expect_rc 0 "the first annual-report repair"
APP11=$(json_get .application <<<"$OUT")
export CREDIT_TOKEN_FILE=rev.token
run credit repair approve "$APP11"
expect_rc 0 "approved (public notice)"
export CREDIT_NOW=2026-12-15T10:00:00+08:00
run credit purge-expired --token-file pub.token --format json
expect_eq "$(q "select status from repair_applications where id = $APP11")" "completed" \
  "final after the notice"
export CREDIT_TOKEN_FILE=op.token
REPORT_DATE=2026-12-10 dd_submit "$(rid 12)"
expect_rc 11 "the same classified behaviour within 3 years"
expect_err "dandong-2019/repair.same_kind_cooldown" "names the same-kind rule"
expect_err "dandong-2019/repair.behaviours.annual-report" "names the behaviour that made them one kind"

# --- national-2026: a severe record with commitment and rectification only ---
credit policy set national-2026 --token-file admin.token -q
run credit repair submit "$(rid 8)" --commitment c.pdf --rectification r.pdf --format json
expect_rc 11 "record 8 already has an open application"
run credit repair reject "$APP8" --reason '申请人撤回，按国家规则重新申请' --token-file rev.token
expect_rc 0 "record 8's Dandong application rejected"
run credit repair submit "$(rid 8)" --commitment c.pdf --rectification r.pdf --format json
expect_rc 0 "national-2026: severe, accepted without training or credit report"

# --- Order 36: minor information, only shared, repaired once the obligations are met ---
penalties minor.csv <<'ROWS'
13|21|2026-12-01|警告||违反价格管理规定|《中华人民共和国价格法》第四十二条|未明码标价
ROWS
credit import minor.csv --kind penalty --token-file op.token -q
M=$(rid 13)
expect_eq "$(q "select severity, publish, disclosure, status from records where id = $M")" \
  "minor|0|shared|active" "a warning: minor, not published, shared"
run credit repair submit "$M" --commitment c.pdf --rectification r.pdf --format json
expect_rc 0 "minor information only shared: repair accepted"
APPM=$(json_get .application <<<"$OUT")
expect_eq "$(json_get .rule <<<"$OUT")" "national-2026/periods.penalty.minor.min" "allowed at once"
run credit repair approve "$APPM" --token-file rev.token --format json
expect_eq "$(json_get .status <<<"$OUT")" "completed" "final on approval"
expect_eq "$(q "select status, archived from records where id = $M")" "repaired|1" \
  "repaired and archived"
finish
