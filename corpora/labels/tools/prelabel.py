#!/usr/bin/env python3
"""Build the sentence-level labelled set for the evidence classifier (see ../README.md).

Pipeline (deterministic; run from anywhere):
  1. extract the body text of each report (crawler .txt, .md, PDF text layer, seed .txt);
  2. split it into sentences, tracking the report section, dropping tables/number runs;
  3. weak-label each sentence with keyword rules (labels + modality);
  4. apply the hand review decisions in tools/review.tsv (keyed by doc + sentence id);
  5. write corpora/labels/sentences.csv (source = rule+hand when the reviewer confirmed
     the rule output unchanged, hand when the reviewer changed/set it).

Usage:
  prelabel.py                  # write sentences.csv
  prelabel.py --dump DOC...    # print candidates of some docs for review (id, section, rule, text)
  prelabel.py --stats          # counts
"""
import csv, hashlib, re, sys, unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
OUT = HERE.parent / "sentences.csv"
REVIEW = HERE / "review.tsv"

LABELS = ["policy_interpretation", "interpretation_sync", "interpretation_forms", "open_day",
          "public_attendance", "decision_consultation", "responding_concerns", "training",
          "leadership_review", "request_to_proactive", "press_conference", "new_media",
          "fee_statement", "prior_rectification", "yaodian_implementation", "timely_publication"]

# ---------------------------------------------------------------- documents
def doc_list():
    docs = sorted(str(p.relative_to(REPO)) for p in (REPO / "corpora/reports").iterdir()
                  if p.suffix in (".txt", ".md", ".pdf"))
    docs += ["corpora/seeds/000_08bff46af6e18331.txt", "corpora/seeds/002_7c96ac5b18be44ca.txt",
             "corpora/seeds/003_8030f6624176119d.txt",
             # not annual reports, but labelled too: a work plan (planned examples) and two 要点落实情况 reviews
             "corpora/seeds/001_1ca1bc342bc23096.txt",
             "corpora/seeds/004_778e9eaa94c38b02.txt",
             "corpora/yaodian/050_pingtan_gongan_yaodian_luoshi_2018.txt",
             "corpora/yaodian/051_pingtan_jingfa_yaodian_luoshi_2015.txt"]
    return docs

def pdf_text(path):
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return "\n".join((pg.extract_text() or "") for pg in pdf.pages)

HEAD_RE = re.compile(r"^(?:#+\s*)?[一二三四五六七八九十]+、")
MARK_START = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[、.．]|[一二三四五六七八九十]是)")

def join_wrapped(lines):
    """PDF / md text layers wrap paragraphs at a fixed width: join them back."""
    paras, cur = [], ""
    for ln in lines:
        s = ln.strip()
        if not s:
            if cur:
                paras.append(cur); cur = ""
            continue
        if MARK_START.match(s) and cur:
            paras.append(cur); cur = ""
        if HEAD_RE.match(s) and len(s) <= 20 and not re.search(r"[，。；]", s):
            if cur:
                paras.append(cur); cur = ""
            paras.append(s); continue
        cur += s
        if re.search(r"[。；！？：:]$", s):
            paras.append(cur); cur = ""
    if cur:
        paras.append(cur)
    return paras

def body_lines(doc):
    """Return the body as a list of paragraphs (strings)."""
    path = REPO / doc
    if doc.endswith(".pdf"):
        raw = pdf_text(path)
        lines = [l for l in raw.splitlines() if not re.fullmatch(r"\s*-\s*\d+\s*-\s*", l)]
        # table region (二 … 四) holds no narrative in these PDFs
        out, skip = [], False
        for l in lines:
            s = l.strip().replace(" ", "")
            if re.match(r"^二、主动公开政府信息情况", s):
                skip = True; continue
            if re.match(r"^五、", s):
                skip = False
            if not skip:
                out.append(l)
        # remove the spaces pdfplumber puts between CJK and digits
        out = [re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", re.sub(r" ?(\d[\d.]*) ?", r"\1", l)) for l in out]
        return join_wrapped(out)
    text = path.read_text(encoding="utf-8")
    if "==================== 正文 ====================" in text:  # 平潭 crawler dump
        body = text.split("==================== 正文 ====================", 1)[1]
        body = re.sub(r"当前位置：.*?相关链接：", "", body, flags=re.S)
        body = re.sub(r"附件下载\s*$", "", body.strip())
        return [l for l in body.splitlines() if l.strip()]
    lines = text.splitlines()
    if doc.endswith("000_08bff46af6e18331.txt"):
        lines = lines[:112]           # body is repeated: first copy only
    if doc.endswith("002_7c96ac5b18be44ca.txt"):
        lines = lines[:643]
    if doc.endswith(".md"):
        lines = [l for l in lines if not l.startswith("|") and not l.startswith("## 表")]
        out, skip = [], False
        for l in lines:
            s = l.strip()
            if s == "一、主动公开政府信息情况":
                skip = True
            if s.startswith("（一）主要问题") or s.startswith("(一)主要问题"):
                skip = False
            if not skip:
                out.append(l)
        return join_wrapped(out)
    # seeds: line based; drop table region 二…四
    out, skip = [], False
    for l in lines:
        s = l.strip()
        if re.match(r"^二、\s*主动公开政府信息情况", s):
            skip = True; continue
        if re.match(r"^五、", s):
            skip = False
        if not skip:
            out.append(l)
    return [l for l in out if l.strip()]

# ---------------------------------------------------------------- sections
SECTION_KEYS = [
    ("overview", r"总体情况|概述"),
    ("proactive", r"主动公开政府信息情况"),
    ("requests", r"收到和处理政府信息公开申请"),
    ("review_litigation", r"行政复议"),
    ("problems", r"存在的(?:主要)?问题|主要问题及改进"),
    ("other", r"其他需要报告|需要说明的其他"),
]
TOP_HEAD = re.compile(r"(?<![第])([一二三四五六])、\s*(总体情况|概述|主动公开政府信息情况|收到和处理政府信息公开申请情况|"
                      r"[^。，；]{0,14}?行政复议[、和及]?(?:提起)?行政诉讼(?:的)?情况|"
                      r"(?:政府信息公开(?:工作)?)?存在的(?:主要)?问题(?:(?:及|和)(?:改进(?:情况|措施)|明年工作计划|下一步工作(?:打算|计划)?|整改情况))?|其他需要报告的事项|需要说明的其他事项(?:与附表)?)")

def section_of(head):
    for key, pat in SECTION_KEYS:
        if re.search(pat, head):
            return key
    return ""

# ---------------------------------------------------------------- splitting
TABLE_MARKERS = re.compile(r"第二十条第|信息内容本年|信息内容上一年|勾稽关系|本年新收政府信息公开申请数量|上年结转政府信息公开申请|"
                           r"结果维持|结果纠正|尚未审结|本年制发件数|本年处理决定数量|本年收费金额|"
                           r"属于国家秘密|不予处理1|只计这一情形|法律行政法规禁止公开|没有现成信息需要另行制作|补正后申请内容仍不明确|无正当理由大量反复申请|"
                           r"重新出具已获取信息|逾期未按收费通知|信访举报投诉类申请\s*\d|逾期不补正、行政机关不再处理|予以公开\s*\d|本机关不掌握相关政府信息\s*\d|予以公开\d|本机关不掌握相关政府信息\d|本年新制作数量|采购项目数量|[|\t]")

def split_sentences(para):
    p = unicodedata.normalize("NFKC", para)
    p = p.replace("\u3000", " ")
    p = re.sub(r"[ \t]+", " ", p).strip()
    # new point markers
    p = re.sub(r"(?<![第\d])([（(][一二三四五六七八九十]{1,2}[）)])", r"\n\1", p)
    p = re.sub(r"(?<![第\d(（])([（(]\d{1,2}[）)])(?=[\u4e00-\u9fff])", r"\n\1", p)
    p = re.sub(r"(?<=[^\d.\-/:年月（(A-Za-z])(\d{1,2}[、.])(?=[\u4e00-\u9fff“《])", r"\n\1", p)
    p = re.sub(r"(?<=[，,：:；;。\s])([一二三四五六七八九十]是)", r"\n\1", p)
    p = re.sub(r"^([一二三四五六七八九十]是)", r"\n\1", p)
    parts = []
    for chunk in re.split(r"\n", p):
        for s in re.findall(r"[^。！？；;!?]*[。！？；;!?]?", chunk):
            s = s.strip(" ，,")
            if s:
                parts.append(s)
    return parts

def split_long(s, limit=300):
    if len(s) <= limit:
        return [s]
    pieces, cur = [], ""
    for seg in re.findall(r"[^，,]*[，,]?", s):
        if not seg:
            continue
        if cur and len(cur) + len(seg) > limit:
            pieces.append(cur); cur = ""
        cur += seg
    if cur:
        pieces.append(cur)
    out = []
    for x in pieces:  # hard cut if a single clause is still too long
        while len(x) > limit:
            out.append(x[:limit]); x = x[limit:]
        out.append(x)
    return out

def is_junk(s, line_based, sec=""):
    core = re.sub(r"\s", "", s)
    if sec in ("requests", "review_litigation") and not re.search(r"[，,。；;]", s):
        return True  # table cells left in the request / review sections
    if len(core) < 6:
        return True
    if TABLE_MARKERS.search(s):
        return True
    digits = sum(c.isdigit() for c in core)
    if digits / len(core) > 0.4 or re.search(r"\d{9,}", core) and digits / len(core) > 0.3:
        return True
    if len(re.findall(r"[\u4e00-\u9fff]", core)) < 5:
        return True
    if re.search(r"原文链接|本地目录|links\.tsv|相关链接|发送至邮箱|返回上一级|全真版 文字版", s):
        return True
    if line_based and not re.search(r"[，。；：,;:！？]", s) and not MARK_START.match(s) and len(core) <= 30:
        return True
    return False

def sentences(doc):
    line_based = not (REPO / doc).read_bytes()[:4] == b"%PDF" and "正文 ====" not in (
        (REPO / doc).read_text(encoding="utf-8", errors="ignore") if not doc.endswith(".pdf") else "")
    section = ""
    out = []
    for para in body_lines(doc):
        para = unicodedata.normalize("NFKC", para)
        # cut glued top-level headings out of the running text, remembering the section
        pieces, pos = [], 0
        for m in TOP_HEAD.finditer(para):
            pieces.append((section, para[pos:m.start()]))
            section = section_of(m.group(2)) or section
            pos = m.end()
        pieces.append((section, para[pos:]))
        if doc.endswith(".md"):
            pieces = [(kewei_section(para, sec), t) for sec, t in pieces]
        for sec, chunk in pieces:
            for s in split_sentences(chunk):
                for piece in split_long(s):
                    piece = piece.strip()
                    if re.fullmatch(r"[\W]*", piece):
                        continue
                    if len(re.sub(r"\s", "", piece)) < 6 and out and re.search(r"[。]$", piece) and out[-1][0] == sec:
                        out[-1] = (sec, out[-1][1] + " " + piece, out[-1][2]); continue  # e.g. heading + "无。"
                    if is_junk(piece, line_based, sec):
                        continue
                    out.append((sec, piece, len(out)))
    return [(sec, txt) for sec, txt, _ in out]

_kewei_state = {"sec": "overview"}
def kewei_section(para, sec):
    """上海科委 md renumbers its sections: 二…六 are overview sub-parts."""
    s = para.strip()
    if s.startswith("（一）主要问题") or s.startswith("(一)主要问题"):
        _kewei_state["sec"] = "problems"
    elif re.match(r"五、其他需要报告", s):
        _kewei_state["sec"] = "other"
    elif s.startswith("根据《中华人民共和国政府信息公开条例》"):
        _kewei_state["sec"] = ""
    elif s.startswith("一、总体情况"):
        _kewei_state["sec"] = "overview"
    return _kewei_state["sec"]

def sid(doc, text):
    return hashlib.sha1((doc + "\x00" + text).encode("utf-8")).hexdigest()[:10]

# ---------------------------------------------------------------- rules
RULES = {
    "policy_interpretation": r"解读",
    "interpretation_sync": r"三同步|同步起草|同步审[批签]|同步发布|同步解读|同步部署|同步报送",
    "interpretation_forms": r"图解|图表|图文解读|视频解读|动漫|动画|问答|在线访谈|访谈|H5|一图读懂|漫画|短视频|政策解读会|发布会.{0,10}解读|解读.{0,10}发布会",
    "open_day": r"开放日|开放活动|开放月|公众开放|开放周",
    "public_attendance": r"列席",
    "decision_consultation": r"重大行政决策|重大决策|决策预公开|预公开|征求意见|征集意见|意见征集|听证|公众参与",
    "responding_concerns": r"12345|留言|政民互动|舆情|回应.{0,4}关切|关切|热点|诉求|问政|咨询|信箱|互动|投诉",
    "training": r"培训",
    "leadership_review": r"听取.{0,20}汇报|专题研究|专题会议|局务会|党组会|常务会|办公会|领导小组会议|研究部署|专题部署",
    "request_to_proactive": r"依申请.{0,6}转.{0,4}主动|转为主动公开|转主动公开|转主动",
    "press_conference": r"发布会|新闻发言人|新闻发布",
    "new_media": r"微信|微博|新媒体|抖音|公众号|视频号|头条号|客户端|APP|app",
    "fee_statement": r"处理费|信息公开收费|收取.{0,6}费用|收费的情况|收费情况|收费事项",
    "prior_rectification": r"上年度.{0,20}问题|上一年度.{0,20}问题|上年.{0,10}问题|去年.{0,10}问题|\d{4}年.{0,30}问题.{0,30}整改|针对.{0,30}问题.{0,20}整改",
    "yaodian_implementation": r"工作要点|政务公开要点|主要任务|任务分解",
    "timely_publication": r"(?!)",
}
PLANNED = re.compile(r"下一步|(?<![虚模])拟|计划于|明年|今后|来年|\d{4}年[，,]?(?:我局|我区|我市)?将|将进一步|将继续|将着力|将持续|"
                     r"将加强|将更加|将切实|将不断|将积极|将认真|将做好|将全面|将把|将以|将坚持|将强化|将加大|将深化|将推进|将及时|"
                     r"(?:我局|我区|我市|本局|我办)将|争取|力争|要进一步|仍需|有待")
DENIED = re.compile(r"(?:未|没有|无|暂无|尚未|并未)(?:召开|举办|开展|组织|发生|产生|收到|受理|收取|涉及|出现|进行|邀请|设立)")

def rule_label(sec, text):
    labs = [l for l in LABELS if re.search(RULES[l], text)]
    if "fee_statement" in labs and "行政事业性收费" in text and not re.search(r"处理费|信息公开收费", text):
        labs.remove("fee_statement")
    if not labs:
        mod = "planned" if PLANNED.search(text) else ("denied" if DENIED.search(text) else "other")
        return [], mod
    if labs == ["fee_statement"]:
        return labs, "done"
    if PLANNED.search(text):
        mod = "planned"
    elif DENIED.search(text):
        mod = "denied"
    else:
        mod = "done"
    return labs, mod

# ---------------------------------------------------------------- review decisions
def load_review():
    rev = {}
    if REVIEW.exists():
        with open(REVIEW, encoding="utf-8") as f:
            for ln in f:
                if not ln.strip() or ln.startswith("#"):
                    continue
                parts = ln.rstrip("\n").split("\t")
                parts += [""] * (6 - len(parts))
                doc, i, labels, mod, note, sec = parts[:6]
                rev[(doc, i)] = (labels, mod, note, sec)
    return rev

def reviewed_docs():
    p = HERE / "reviewed_docs.txt"
    return [l.strip() for l in p.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")] if p.exists() else []

DOC_ALIAS = {}
def short(doc):
    return Path(doc).name[:3] + ("s" if "/seeds/" in doc else "")

def build(docs):
    rev = load_review()
    used = set()
    rows = []
    for doc in docs:
        sh = short(doc)
        for sec, text in sentences(doc):
            i = sid(doc, text)
            labs, mod = rule_label(sec, text)
            rl = ";".join(sorted(labs)) or "none"
            source, note = "rule+hand", ""
            if (sh, i) in rev:
                used.add((sh, i))
                l2, m2, note, s2 = rev[(sh, i)]
                if l2 == "DROP":
                    continue
                if s2:
                    sec = "" if s2 == "-" else s2
                l2 = ";".join(sorted(x for x in l2.split(";") if x)) if l2 else rl
                m2 = m2 or mod
                if l2 != rl or m2 != mod:
                    source = "hand"
                rl, mod = l2, m2
            for l in rl.split(";"):
                assert l == "none" or l in LABELS, (doc, l)
            assert mod in ("done", "planned", "denied", "other"), (doc, mod)
            rows.append(dict(doc=doc, section=sec, text=text, labels=rl, modality=mod, source=source, note=note, id=i))
    orphans = [k for k in rev if k not in used and k[0] in {short(d) for d in docs}]
    if orphans:
        print("WARNING orphan review rows:", orphans, file=sys.stderr)
    return rows

MODALITIES = ("done", "planned", "required", "general", "other_actor", "denied", "other_year", "other")
REGIONS = HERE / "regions.tsv"
#: regions.tsv plus one file per labelling batch (regions_<batch>.tsv), merged in name order
REGION_FILES = sorted(HERE.glob("regions*.tsv"))


#: 要点 documents: their tasks are laid down (from above or by the agency's leadership)
#: for the year, so every judged row is `required` (issue 14), not `planned`.
REQUIRED_DOCS = ("corpora/seeds/004_778e9eaa94c38b02.txt",)


def merge_regions(rows):
    """Apply tools/regions.tsv (hand-labelled sentences of other regions and of 要点 /
    制度 texts, issue 14; made with tools/regions.py): a row whose doc and (NFKC) text
    match an existing one replaces its labels and modality, the others are appended."""
    for r in rows:
        if r["doc"] in REQUIRED_DOCS and r["modality"] == "planned":
            r["modality"] = "required"
    index = {(r["doc"], r["text"]): r for r in rows}
    for path in REGION_FILES:
        with open(path, encoding="utf-8", newline="") as f:
            for i, rec in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
                doc = "corpora/" + rec["doc"].strip()
                text = unicodedata.normalize("NFKC", rec["text"].strip())
                mod = rec["modality"].strip()
                labels = ";".join(sorted(x for x in rec["labels"].split(";") if x and x != "none")) or "none"
                if mod not in MODALITIES or any(x not in LABELS for x in labels.split(";") if x != "none"):
                    sys.exit(f"{path} line {i}: unknown label or modality")
                row = index.get((doc, text))
                if row is None:
                    row = {"doc": doc, "section": rec["section"].strip(), "text": text}
                    rows.append(row)
                    index[(doc, text)] = row
                row.update(labels=labels, modality=mod, source="hand", note=rec["note"].strip())
    return rows


def main(argv):
    docs = doc_list()
    if argv and argv[0] == "--dump":
        want = argv[1:]
        for doc in docs:
            if want and not any(w in doc for w in want):
                continue
            rows = build([doc])
            print(f"## {doc} ({len(rows)})")
            for r in rows:
                flag = "" if r["source"] == "rule+hand" else "*"
                print(f"{r['id']}|{r['section'][:4]}|{r['labels']}|{r['modality']}{flag}|{r['text']}")
        return
    done = reviewed_docs()
    rows = merge_regions(build([d for d in docs if d in done]))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["doc", "section", "text", "labels", "modality", "source", "note"])
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in w.fieldnames})
    if argv and argv[0] == "--stats" or True:
        from collections import Counter
        lc, mc = Counter(), Counter()
        for r in rows:
            for l in r["labels"].split(";"):
                lc[l] += 1
            mc[r["modality"]] += 1
        print(f"sentences={len(rows)} docs={len({r['doc'] for r in rows})}")
        for l in LABELS + ["none"]:
            print(f"  {l}: {lc[l]}")
        print("  modality:", dict(mc))
        print("  source:", dict(Counter(r['source'] for r in rows)))

if __name__ == "__main__":
    main(sys.argv[1:])
