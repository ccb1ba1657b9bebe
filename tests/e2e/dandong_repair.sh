# Dandong market-regulation penalties and repair applications for the repair suites (sourced
# after lib.sh; needs $DEPT).
# Penalty rows: DOC|subject (org N or person)|decided|处罚类别|fine|违法行为类型|处罚依据|违法事实
# Organisations get a valid USCC built from N (GB 32100 check digits); the person a valid ID.
penalties() {
  ROWS=$(cat) python3 - "$1" "$DEPT" <<'PY'
import csv, os, sys
out, dept = sys.argv[1], sys.argv[2]
CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
def uscc(n):
    org = f"{n:08d}"
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    c = 11 - sum(int(d) * w[i] for i, d in enumerate(org)) % 11
    org += "X" if c == 10 else "0" if c == 11 else str(c)
    body = "91210600" + org
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return body + CH[(31 - sum(CH.index(ch) * w[i] for i, ch in enumerate(body)) % 31) % 31]
head = ["行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "证件类型", "证件号码",
        "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
        "罚款金额(万元)", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "处罚机关",
        "处罚机关统一社会信用代码", "数据来源单位", "数据来源单位统一社会信用代码"]
rows = [head]
for line in os.environ["ROWS"].split("\n"):
    if not line.strip():
        continue
    doc, who, decided, category, fine, kind, basis, facts = line.split("|")
    if who == "person":
        subject = ["张三", "自然人", "", "", "身份证", "110105195001010039"]
    else:
        subject = [f"丹东企业{who}", "法人及非法人组织", uscc(int(who)), "王建国", "", ""]
    licence = "印刷经营许可证 辽印证字第210600001号" if "吊销" in category else ""
    rows.append(subject + [f"丹市监罚〔2025〕{doc}号", kind, facts, basis, category,
                           f"{category}{fine}万元" if fine else category, fine, licence, decided,
                           "2027-12-31", "丹东市市场监督管理局", dept, "丹东市市场监督管理局", dept])
with open(out, "w", encoding="utf-8", newline="") as f:
    csv.writer(f).writerows(rows)
PY
}

# The evidence files Dandong asks for (Art. 12): commitment, rectification, training, the municipal
# credit centre's report, interview record.
dd_evidence() {
  printf '%%PDF-1.7\n信用承诺书\n' >c.pdf
  printf '%%PDF-1.7\n整改材料\n' >r.pdf
  printf '\x89PNG\r\n\x1a\n培训证明' >t.png
  printf '%%PDF-1.7\n丹东市企业法人信用信息查询报告\n' >rep.pdf
  printf '%%PDF-1.7\n约谈记录\n' >i.pdf
}
dd_submit() {  # dd_submit RECORD [options…]: everything Dandong asks for
  local rec=$1
  shift
  run credit repair submit "$rec" --commitment c.pdf --rectification r.pdf --training t.png \
    --training-hours 3 --credit-report rep.pdf --credit-report-date "${REPORT_DATE:-2026-11-20}" \
    --evidence interview=i.pdf --format json "$@"
}
