#!/usr/bin/env python3
r"""Independent reference implementation of the report summaries in docs/reports.md.

Usage: python3 reference_counts.py FILE [FILE ...]

Prints one JSON document on stdout:
  {"reports":[{"path": ..., "kind": ..., "tests"|"coverage"|"findings": {...}}, ...]}
Exit 0 on success. If any file cannot be read or is malformed, every such file is reported on
stderr as "path:line:col: error: message" (or "path: error: message" when no position is
known), nothing is printed on stdout, and the exit status is 2. Exit 2 with a usage message
when no file is given.

Python 3.11 standard library only.

DECISIONS WHERE docs/reports.md IS SILENT OR AMBIGUOUS
(the Swift implementation must match these; keep this list in sync with the tests)

General / detection
 G1. A UTF-8 BOM is stripped. Other encodings are not sniffed: a non-XML file must be valid UTF-8
     and must not contain NUL bytes (otherwise "binary data" error). XML is handed to expat as
     bytes, so its own encoding declaration is honoured.
 G2. Detection order: empty/whitespace-only -> error; first non-blank char '<' -> XML; first
     non-blank char '{' or '[' -> JSON; else a line starting with "SF:" (after stripping leading
     whitespace) -> LCOV; else a line starting with '{' or '[' -> JSON after a text banner
     (safety only); else error "unrecognised report".
 G3. XML namespaces are ignored (tags compared by local name). Roots: testsuites, testsuite,
     testcase, assemblies -> junit; coverage -> cobertura; any other root -> error.
 G4. Enumerated attribute/field values are compared case-insensitively: JUnit status,
     xunit.net result, Cobertura branch="true" (coverlet and dotnet-coverage write "True"),
     SARIF levels, and all severity words of the audit formats.
 G5. JSON must be strict: NaN/Infinity literals are rejected. Duplicate keys: last one wins.
 G6. A JSON document's structure is validated only where the counts depend on it: a container
     the contract counts entries of (runs, results, vulnerabilities, advisories, dependencies,
     packages, groups, ...) must have the right type (a missing or null one counts as empty),
     and its entries must be objects (safety 1.x: arrays). Otherwise -> error. Optional detail
     fields (properties, severity, rule, ...) with a wrong type are treated as absent.
 G7. Numeric scores (SARIF security-severity, CVSS scores, osv max_severity) may be JSON numbers
     or strings holding a plain decimal number (regex [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?, spaces
     trimmed). Anything else (empty string, "N/A", NaN, booleans) counts as absent. Mapping:
     >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low, otherwise (0 or negative) info.
 G8. Several input files are summarised independently (one entry each, in argument order);
     no cross-file merging is done here.
 G9. Error lines include "line:col" (1-based) when the parser knows the position (XML, JSON
     syntax, LCOV line); structural errors have no position.

JUnit
 J1. failure/error/skipped/flakyFailure/flakyError must be DIRECT children of the testcase.
 J2. status="skipped"/"notrun" (case-insensitive) marks a skip like a <skipped> child.
 J3. flaky and skipped are not exclusive: a case with <skipped> and <flakyFailure> (and no
     failure/error) counts in both (literal reading). rerunFailure/rerunError are ignored.
 J4. xunit.net: <test> elements anywhere; result Fail -> failed, Skip -> skipped, anything else
     (Pass, NotRun, missing) -> only total. errors and flaky are always 0.
 J5. A root <testcase> counts as one test case.

Cobertura
 C1. Every <class> element anywhere in the document is used; only its direct <lines> children
     and their direct <line> children count.
 C2. The class filename is normalised with '\' -> '/' before keying (the "one space of
     normalised file paths"); a class without filename uses "".
 C3. line number: must be an integer (after trimming), else error. hits: integer or decimal
     number, missing -> 0, non-numeric -> error. Covered means hits > 0.
 C4. condition-coverage: the first "(c/t)" found by regex \(\s*(\d+)\s*/\s*(\d+)\s*\);
     a branch="true" line without a parsable one contributes no branches. For a repeated key the
     pair (t, c) that is greatest lexicographically wins (largest t, then largest c) and hits
     take the maximum independently.

LCOV
 L1. Each line is trimmed of surrounding whitespace (CR included). Unknown lines (TN, FN, FNDA,
     FNF, FNH, VER, comments '#...', blank, ...) are ignored.
 L2. A new SF: without end_of_record closes the previous record; a record still open at EOF is
     closed. DA/BRDA/LF/LH/BRF/BRH outside a record -> error.
 L3. DA:<line>,<hits>[,...]: line and hits must be integers (hits may be negative; covered means
     summed hits > 0), else error. DA line 0 counts like any other line.
 L4. BRDA:<line>,<block>,<branch...>,<taken>: line is an integer (Node 20's test runner writes
     "undefined": such a branch still counts, on an unknown line), block and branch are opaque
     strings (branch = everything between the second and the last comma, so lcov 2.x branch
     expressions work), taken is '-' (0) or an integer, else error.
 L5. LF/LH/BRF/BRH: integers, else error; if repeated in one record the last value is used.
 L6. The "record without any DA contributes LF/LH" rule applies per record, before merging:
     a DA-less record adds its LF/LH even if another record of the same SF has DA lines
     (same for BRDA vs BRF/BRH). A file with no SF record at all is not LCOV (error).

SARIF
 S1. Detected as: top-level object with "runs" AND (a string "version" starting with "2." OR a
     string "$schema" containing "sarif", case-insensitive). "runs" must be an array.
 S2. Rule lookup: ruleId = result.ruleId, else result.rule.id; ruleIndex = result.ruleIndex,
     else result.rule.index (negative/out of range = absent). If result.rule.toolComponent
     names an extension (by "index" into run.tool.extensions, else by "name", else "guid") the
     rule is looked up in that extension's rules (index, then exact id). Otherwise (or if not
     found there): run.tool.driver.rules by index, else by exact id, else the first rule with
     that exact id in run.tool.extensions[].rules (in order). Hierarchical ids ("a/b") are not
     split.
 S3. A level that is not error/warning/note/none is treated as absent (falls through to the
     rule's defaultConfiguration.level, then "warning"). result.kind is ignored.
 S4. A suppressions value that is a non-empty array skips the result (statuses are not read).

Audit formats (see also G4, G6, G7)
 A1. Shape detection of a single JSON object, in this order:
       SARIF (S1);
       "advisories": object whose values are arrays -> composer-audit, whose values are objects
         -> npm-audit (v6); empty object or empty array -> npm-audit if the document has
         "actions" or "muted", else composer-audit;
       "vulnerabilities": array -> safety, object -> npm-audit (v7);
       "dependencies": array -> pip-audit;
       "results": array -> bandit if the object has "metrics" or "generated_at" or any entry has
         "issue_severity"; bundler-audit if it has "created_at" or any entry has "type" or
         "gem"; osv-scanner otherwise (including an empty array);
       an object with "type" and "data" -> yarn-audit (a yarn run with a single NDJSON line);
       an object with one of config/progress/osv/finding/SBOM -> govulncheck (single message);
       anything else -> error "unrecognised JSON report".
 A2. A top-level JSON array: empty -> safety (the 1.x output of a clean run; pip-audit's old
     format always lists the dependencies); all entries arrays -> safety 1.x; all entries
     objects with "vulns" or "skip_reason" -> pip-audit (old); all entries objects with a
     govulncheck message key -> govulncheck; anything else -> error.
 A3. Several JSON values back to back (NDJSON / a JSON stream): all objects with "type" ->
     yarn-audit; all objects with a govulncheck message key -> govulncheck; else error.
 A4. Text around JSON is only accepted for safety: leading text is skipped up to the first line
     that starts with '{' or '[' from which a JSON value decodes (the error of the first such
     line is reported if none decodes); trailing non-JSON text (safety 3 prints its deprecation
     banner after the JSON too) is ignored. For any other kind, surrounding text is an error.
 A5. Severity words: critical->critical, high->high, medium/moderate->medium, low->low,
     info->info for npm/yarn; composer, bundler criticality, safety base_severity and osv
     database_specific.severity accept critical/high/medium/moderate/low. bandit: only
     HIGH/MEDIUM/LOW are mapped, everything else -> info (contract). npm/yarn/composer: a missing
     or unrecognised severity -> high.
 A6. yarn: auditAdvisory lines are de-duplicated by data.advisory.id (compared as JSON value
     text, so 123 and "123" differ); the first occurrence's severity is used; an advisory
     without an id is counted every time.
 A7. bundler-audit: entries whose type is neither unpatched_gem nor insecure_source are ignored.
     A criticality outside critical/high/medium/low (e.g. "none", null) falls through to
     cvss_v3, then cvss_v2, then high.
 A8. safety: severity.cvssv3.base_severity outside critical/high/medium/low falls through to
     base_score, then high. 1.x rows are always high.
 A9. osv-scanner: "a package with no groups" = groups missing, null or empty. A group's
     vulnerabilities are the package's vulnerabilities[] whose "id" is in group.ids; when several
     have a database_specific.severity, the highest wins. Ungrouped vulnerabilities use their
     own database_specific.severity, else high.
 A10. govulncheck: distinct finding.osv strings across all messages; non-string ids ignored.
 A11. pip-audit: a dependency's missing/null "vulns" counts 0 (e.g. entries with skip_reason).
"""

import json
import re
import sys
import xml.etree.ElementTree as ET

SEVERITIES = ("critical", "high", "medium", "low", "info")
RANK = {s: i for i, s in enumerate(reversed(SEVERITIES))}  # info=0 ... critical=4


class ReportError(Exception):
    def __init__(self, message, line=None, col=None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


# ---------------------------------------------------------------------------------------------
# helpers

_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INT_RE = re.compile(r"^[+-]?\d+$")


def parse_score(value):
    """G7: a JSON number or a numeric string -> float, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        f = float(value)
    elif isinstance(value, str):
        s = value.strip()
        if not _NUM_RE.match(s):
            return None
        f = float(s)
    else:
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None
    return f


def score_severity(score):
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    if score > 0:
        return "low"
    return "info"


_WORDS_FULL = {"critical": "critical", "high": "high", "medium": "medium",
               "moderate": "medium", "low": "low", "info": "info"}
_WORDS_NO_INFO = {"critical": "critical", "high": "high", "medium": "medium",
                  "moderate": "medium", "low": "low"}


def word(value, table):
    if isinstance(value, str):
        return table.get(value.strip().lower())
    return None


def new_findings():
    return {s: 0 for s in SEVERITIES}


def as_dict(v):
    return v if isinstance(v, dict) else {}


def container(obj, key, typ, what):
    """G6: a counted container; missing/null -> empty; wrong type -> error."""
    v = obj.get(key)
    if v is None:
        return typ()
    if not isinstance(v, typ):
        raise ReportError("%s: '%s' is not %s" % (what, key, "an array" if typ is list else "an object"))
    return v


def objects(seq, what):
    for i, e in enumerate(seq):
        if not isinstance(e, dict):
            raise ReportError("%s[%d] is not an object" % (what, i))
    return seq


def local(tag):
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


# ---------------------------------------------------------------------------------------------
# XML: JUnit and Cobertura

def parse_xml(data):
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as e:
        line, col = e.position
        msg = str(e)
        msg = re.sub(r": line \d+, column \d+$", "", msg)
        raise ReportError("malformed XML: " + msg, line, col + 1)


def children(el, name):
    return [c for c in el if local(c.tag) == name]


def junit_counts(root):
    t = {"total": 0, "failed": 0, "errors": 0, "skipped": 0, "flaky": 0}
    if local(root.tag) == "assemblies":
        for el in root.iter():
            if local(el.tag) != "test":
                continue
            t["total"] += 1
            result = (el.get("result") or "").strip().lower()
            if result == "fail":
                t["failed"] += 1
            elif result == "skip":
                t["skipped"] += 1
        return t
    for el in root.iter():
        if local(el.tag) != "testcase":
            continue
        t["total"] += 1
        kids = {local(c.tag) for c in el}
        has_failure = "failure" in kids
        has_error = "error" in kids
        if has_failure:
            t["failed"] += 1
        elif has_error:
            t["errors"] += 1
        if not has_failure and not has_error:
            status = (el.get("status") or "").strip().lower()
            if "skipped" in kids or status in ("skipped", "notrun"):
                t["skipped"] += 1
            if "flakyFailure" in kids or "flakyError" in kids:
                t["flaky"] += 1
    return t


_COND_RE = re.compile(r"\(\s*(\d+)\s*/\s*(\d+)\s*\)")


def parse_hits(s):
    s = s.strip()
    if _INT_RE.match(s):
        return int(s)
    f = parse_score(s)
    if f is None:
        raise ReportError("Cobertura line has non-numeric hits %r" % s)
    return f


def cobertura_counts(root):
    lines = {}     # key -> hits (max)
    branches = {}  # key -> (t, c) (max)
    for cls in root.iter():
        if local(cls.tag) != "class":
            continue
        filename = (cls.get("filename") or "").replace("\\", "/")
        for lines_el in children(cls, "lines"):
            for line in children(lines_el, "line"):
                num = (line.get("number") or "").strip()
                if not _INT_RE.match(num):
                    raise ReportError("Cobertura <line> in %r has invalid number %r" % (filename, num))
                key = (filename, int(num))
                h = line.get("hits")
                hits = 0 if h is None else parse_hits(h)
                if key not in lines or hits > lines[key]:
                    lines[key] = hits
                tc = (0, 0)
                if (line.get("branch") or "").strip().lower() == "true":
                    m = _COND_RE.search(line.get("condition-coverage") or "")
                    if m:
                        tc = (int(m.group(2)), int(m.group(1)))
                if key not in branches or tc > branches[key]:
                    branches[key] = tc
    return {
        "lines_valid": len(lines),
        "lines_covered": sum(1 for h in lines.values() if h > 0),
        "branches_valid": sum(t for t, _ in branches.values()),
        "branches_covered": sum(c for _, c in branches.values()),
    }


# ---------------------------------------------------------------------------------------------
# LCOV

def lcov_int(s, what, lineno):
    s = s.strip()
    if not _INT_RE.match(s):
        raise ReportError("LCOV %s: %r is not an integer" % (what, s), lineno, 1)
    return int(s)


def lcov_counts(text):
    da = {}      # (path, line) -> hits
    brda = {}    # (path, line, block, branch) -> taken
    extra_lv = extra_lc = extra_bv = extra_bc = 0
    rec = None   # dict while inside a record
    seen_sf = False

    def close():
        nonlocal extra_lv, extra_lc, extra_bv, extra_bc
        if rec is None:
            return
        if not rec["has_da"]:
            extra_lv += rec["lf"]
            extra_lc += rec["lh"]
        if not rec["has_brda"]:
            extra_bv += rec["brf"]
            extra_bc += rec["brh"]

    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("SF:"):
            close()
            seen_sf = True
            rec = {"path": line[3:].strip().replace("\\", "/"), "has_da": False, "has_brda": False,
                   "lf": 0, "lh": 0, "brf": 0, "brh": 0}
            continue
        if line == "end_of_record":
            close()
            rec = None
            continue
        tag, sep, rest = line.partition(":")
        if not sep or tag not in ("DA", "BRDA", "LF", "LH", "BRF", "BRH"):
            continue  # L1
        if rec is None:
            raise ReportError("LCOV %s line outside an SF record" % tag, lineno, 1)
        if tag == "DA":
            parts = rest.split(",")
            if len(parts) < 2:
                raise ReportError("LCOV DA needs <line>,<hits>", lineno, 1)
            ln = lcov_int(parts[0], "DA line", lineno)
            hits = lcov_int(parts[1], "DA hits", lineno)
            key = (rec["path"], ln)
            da[key] = da.get(key, 0) + hits
            rec["has_da"] = True
        elif tag == "BRDA":
            parts = rest.split(",")
            if len(parts) < 4:
                raise ReportError("LCOV BRDA needs <line>,<block>,<branch>,<taken>", lineno, 1)
            ln = -1 if parts[0].strip() == "undefined" else lcov_int(parts[0], "BRDA line", lineno)
            block = parts[1].strip()
            branch = ",".join(parts[2:-1]).strip()
            taken_s = parts[-1].strip()
            taken = 0 if taken_s == "-" else lcov_int(taken_s, "BRDA taken", lineno)
            key = (rec["path"], ln, block, branch)
            brda[key] = brda.get(key, 0) + taken
            rec["has_brda"] = True
        else:
            rec[tag.lower()] = lcov_int(rest, tag, lineno)
    close()
    if not seen_sf:
        raise ReportError("no SF: record found")
    return {
        "lines_valid": len(da) + extra_lv,
        "lines_covered": sum(1 for h in da.values() if h > 0) + extra_lc,
        "branches_valid": len(brda) + extra_bv,
        "branches_covered": sum(1 for t in brda.values() if t > 0) + extra_bc,
    }


# ---------------------------------------------------------------------------------------------
# JSON loading (single document, stream, banner)

def _reject_constant(name):
    raise ValueError("invalid JSON literal " + name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_WS = " \t\r\n"


def pos_of(text, idx):
    line = text.count("\n", 0, idx) + 1
    col = idx - (text.rfind("\n", 0, idx) + 1) + 1
    return line, col


def decode_at(text, idx):
    try:
        return _DECODER.raw_decode(text, idx)
    except json.JSONDecodeError as e:
        raise ReportError("malformed JSON: " + e.msg, e.lineno, e.colno)
    except ValueError as e:  # NaN / Infinity
        line, col = pos_of(text, idx)
        raise ReportError("malformed JSON: " + str(e), line, col)


def skip_ws(text, i):
    n = len(text)
    while i < n and text[i] in _WS:
        i += 1
    return i


def decode_values(text, start):
    """Decode JSON values back to back from start. Returns (values, trailing_index or None).
    trailing_index is where non-JSON text begins (a char other than '{'/'[' after a value)."""
    values = []
    i = skip_ws(text, start)
    while i < len(text):
        if values and text[i] not in "{[":
            return values, i
        v, i = decode_at(text, i)
        values.append(v)
        i = skip_ws(text, i)
    return values, None


GOVULN_KEYS = ("config", "progress", "osv", "finding", "SBOM")


def is_govuln_msg(v):
    return isinstance(v, dict) and any(k in v for k in GOVULN_KEYS)


def is_sarif(d):
    if "runs" not in d:
        return False
    v = d.get("version")
    s = d.get("$schema")
    return (isinstance(v, str) and v.startswith("2.")) or (isinstance(s, str) and "sarif" in s.lower())


def detect_object(d):
    if is_sarif(d):
        return "sarif"
    if "advisories" in d:
        adv = d["advisories"]
        if isinstance(adv, dict) and adv:
            vals = list(adv.values())
            if all(isinstance(x, list) for x in vals):
                return "composer-audit"
            if all(isinstance(x, dict) for x in vals):
                return "npm-audit"
            raise ReportError("'advisories' mixes arrays and objects")
        if isinstance(adv, (dict, list)) or adv is None:
            return "npm-audit" if ("actions" in d or "muted" in d) else "composer-audit"
        raise ReportError("'advisories' is neither an object nor an array")
    if "vulnerabilities" in d:
        v = d["vulnerabilities"]
        if isinstance(v, list):
            return "safety"
        if isinstance(v, dict):
            return "npm-audit"
        raise ReportError("'vulnerabilities' is neither an array nor an object")
    if isinstance(d.get("dependencies"), list):
        return "pip-audit"
    if isinstance(d.get("results"), list):
        res = d["results"]
        if "metrics" in d or "generated_at" in d or any(isinstance(r, dict) and "issue_severity" in r for r in res):
            return "bandit"
        if "created_at" in d or any(isinstance(r, dict) and ("type" in r or "gem" in r) for r in res):
            return "bundler-audit"
        return "osv-scanner"
    if "type" in d and "data" in d:
        return "yarn-audit"
    if is_govuln_msg(d):
        return "govulncheck"
    raise ReportError("unrecognised JSON report (keys: %s)" % ", ".join(sorted(d.keys())[:8]))


def detect_array(a):
    if not a:
        return "safety"
    if all(isinstance(x, list) for x in a):
        return "safety"
    if all(isinstance(x, dict) and ("vulns" in x or "skip_reason" in x) for x in a):
        return "pip-audit"
    if all(is_govuln_msg(x) for x in a):
        return "govulncheck"
    raise ReportError("unrecognised JSON array report")


def detect_json(values):
    if len(values) == 1:
        v = values[0]
        if isinstance(v, dict):
            return detect_object(v)
        if isinstance(v, list):
            return detect_array(v)
        raise ReportError("JSON report is neither an object nor an array")
    if all(isinstance(v, dict) and "type" in v for v in values):
        return "yarn-audit"
    if all(is_govuln_msg(v) for v in values):
        return "govulncheck"
    raise ReportError("unrecognised stream of %d JSON values" % len(values))


def load_json_report(text, start):
    """start: index of the first non-blank char, which is '{' or '['."""
    values, trailing = decode_values(text, start)
    kind = detect_json(values)
    if trailing is not None:
        if not (kind == "safety" and len(values) == 1):
            line, col = pos_of(text, trailing)
            raise ReportError("unexpected text after JSON", line, col)
    return kind, values


def load_banner_json(text):
    """A4: text before the JSON; only safety."""
    candidates = [m.start() for m in re.finditer(r"(?m)^[{\[]", text)]
    if not candidates:
        raise ReportError("unrecognised report (not XML, JSON or LCOV)", 1, 1)
    first_error = None
    for idx in candidates:
        try:
            value, _ = decode_at(text, idx)
        except ReportError as e:
            if first_error is None:
                first_error = e
            continue
        kind = detect_json([value])
        if kind != "safety":
            line, col = pos_of(text, 0)
            raise ReportError("text before the JSON document (only allowed for safety)", line, col)
        return kind, [value]
    raise first_error


# ---------------------------------------------------------------------------------------------
# security findings

def sarif_level(value):
    if isinstance(value, str):
        return {"error": "high", "warning": "medium", "note": "low", "none": "info"}.get(value.strip().lower())
    return None


def rules_of(component):
    r = as_dict(component).get("rules")
    return r if isinstance(r, list) else []


def lookup(rules, index, rule_id):
    if index is not None and 0 <= index < len(rules) and isinstance(rules[index], dict):
        return rules[index]
    if isinstance(rule_id, str):
        for r in rules:
            if isinstance(r, dict) and r.get("id") == rule_id:
                return r
    return None


def int_or_none(v):
    if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
        return v
    return None


def find_rule(run, result):
    tool = as_dict(run.get("tool"))
    driver = as_dict(tool.get("driver"))
    exts = tool.get("extensions") if isinstance(tool.get("extensions"), list) else []
    ref = as_dict(result.get("rule"))
    rule_id = result.get("ruleId") if isinstance(result.get("ruleId"), str) else ref.get("id")
    index = int_or_none(result.get("ruleIndex"))
    if index is None:
        index = int_or_none(ref.get("index"))
    tc = ref.get("toolComponent")
    if isinstance(tc, dict):
        comp = None
        ti = int_or_none(tc.get("index"))
        if ti is not None and ti < len(exts):
            comp = exts[ti]
        elif isinstance(tc.get("name"), str):
            comp = next((e for e in exts if as_dict(e).get("name") == tc["name"]), None)
        elif isinstance(tc.get("guid"), str):
            comp = next((e for e in exts if as_dict(e).get("guid") == tc["guid"]), None)
        if comp is not None:
            r = lookup(rules_of(comp), index, rule_id)
            if r is not None:
                return r
            index = None  # the index referred to that component
    r = lookup(rules_of(driver), index, rule_id)
    if r is not None:
        return r
    if isinstance(rule_id, str):
        for e in exts:
            r = lookup(rules_of(e), None, rule_id)
            if r is not None:
                return r
    return None


def sarif_findings(d):
    f = new_findings()
    runs = container(d, "runs", list, "SARIF")
    for ri, run in enumerate(objects(runs, "runs")):
        results = container(run, "results", list, "SARIF runs[%d]" % ri)
        for result in objects(results, "runs[%d].results" % ri):
            sup = result.get("suppressions")
            if isinstance(sup, list) and sup:
                continue
            rule = find_rule(run, result)
            sev = None
            score = parse_score(as_dict(result.get("properties")).get("security-severity"))
            if score is None and rule is not None:
                score = parse_score(as_dict(rule.get("properties")).get("security-severity"))
            if score is not None:
                sev = score_severity(score)
            if sev is None:
                sev = sarif_level(result.get("level"))
            if sev is None and rule is not None:
                sev = sarif_level(as_dict(rule.get("defaultConfiguration")).get("level"))
            if sev is None:
                sev = "medium"
            f[sev] += 1
    return f


def bandit_findings(d):
    f = new_findings()
    for r in objects(container(d, "results", list, "bandit"), "results"):
        s = r.get("issue_severity")
        s = s.strip().lower() if isinstance(s, str) else ""
        f[s if s in ("high", "medium", "low") else "info"] += 1
    return f


def pip_audit_findings(doc):
    f = new_findings()
    deps = doc if isinstance(doc, list) else container(doc, "dependencies", list, "pip-audit")
    for dep in objects(deps, "dependencies"):
        f["high"] += len(container(dep, "vulns", list, "pip-audit dependency"))
    return f


def safety_findings(doc):
    f = new_findings()
    if isinstance(doc, list):  # 1.x: list of rows
        for i, row in enumerate(doc):
            if not isinstance(row, list):
                raise ReportError("safety 1.x row %d is not an array" % i)
            f["high"] += 1
        return f
    for v in objects(container(doc, "vulnerabilities", list, "safety"), "vulnerabilities"):
        cv3 = as_dict(as_dict(v.get("severity")).get("cvssv3"))
        sev = word(cv3.get("base_severity"), _WORDS_NO_INFO)
        if sev is None:
            score = parse_score(cv3.get("base_score"))
            if score is not None:
                sev = score_severity(score)
        f[sev or "high"] += 1
    return f


def npm_findings(d):
    f = new_findings()
    if "advisories" in d:  # v6
        adv = d.get("advisories")
        entries = list(adv.values()) if isinstance(adv, dict) else (adv or [])
        what = "advisories"
    else:  # v7+
        entries = list(container(d, "vulnerabilities", dict, "npm audit").values())
        what = "vulnerabilities"
    for e in objects(entries, what):
        f[word(e.get("severity"), _WORDS_FULL) or "high"] += 1
    return f


def yarn_findings(values):
    f = new_findings()
    seen = set()
    for i, v in enumerate(values):
        if not isinstance(v, dict):
            raise ReportError("yarn audit line %d is not an object" % (i + 1))
        if v.get("type") != "auditAdvisory":
            continue
        adv = as_dict(as_dict(v.get("data")).get("advisory"))
        if "id" in adv and adv["id"] is not None:
            key = json.dumps(adv["id"], sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
        f[word(adv.get("severity"), _WORDS_FULL) or "high"] += 1
    return f


def bundler_findings(d):
    f = new_findings()
    for r in objects(container(d, "results", list, "bundler-audit"), "results"):
        typ = r.get("type")
        if typ == "insecure_source":
            f["medium"] += 1
        elif typ == "unpatched_gem":
            adv = as_dict(r.get("advisory"))
            sev = word(adv.get("criticality"), _WORDS_NO_INFO)
            if sev is None:
                score = parse_score(adv.get("cvss_v3"))
                if score is None:
                    score = parse_score(adv.get("cvss_v2"))
                if score is not None:
                    sev = score_severity(score)
            f[sev or "high"] += 1
    return f


def composer_findings(d):
    f = new_findings()
    adv = d.get("advisories")
    if isinstance(adv, dict):
        lists = list(adv.items())
    elif adv is None or adv == []:
        lists = []
    else:
        raise ReportError("composer audit: 'advisories' is not an object")
    for pkg, entries in lists:
        if not isinstance(entries, list):
            raise ReportError("composer audit: advisories[%r] is not an array" % pkg)
        for e in objects(entries, "advisories[%r]" % pkg):
            f[word(e.get("severity"), _WORDS_NO_INFO) or "high"] += 1
    return f


def govulncheck_findings(values):
    msgs = values[0] if len(values) == 1 and isinstance(values[0], list) else values
    ids = set()
    for m in msgs:
        if not isinstance(m, dict):
            raise ReportError("govulncheck message is not an object")
        osv = as_dict(m.get("finding")).get("osv")
        if isinstance(osv, str):
            ids.add(osv)
    f = new_findings()
    f["high"] = len(ids)
    return f


def osv_db_severity(vuln):
    return word(as_dict(as_dict(vuln).get("database_specific")).get("severity"), _WORDS_NO_INFO)


def osv_findings(d):
    f = new_findings()
    for ri, res in enumerate(objects(container(d, "results", list, "osv-scanner"), "results")):
        for pi, pkg in enumerate(objects(container(res, "packages", list, "results[%d]" % ri), "packages")):
            vulns = objects(container(pkg, "vulnerabilities", list, "packages[%d]" % pi), "vulnerabilities")
            groups = objects(container(pkg, "groups", list, "packages[%d]" % pi), "groups")
            if groups:
                for g in groups:
                    sev = None
                    score = parse_score(g.get("max_severity"))
                    if score is not None:
                        sev = score_severity(score)
                    else:
                        ids = g.get("ids") if isinstance(g.get("ids"), list) else []
                        for v in vulns:
                            if v.get("id") in ids:
                                s = osv_db_severity(v)
                                if s is not None and (sev is None or RANK[s] > RANK[sev]):
                                    sev = s
                    f[sev or "high"] += 1
            else:
                for v in vulns:
                    f[osv_db_severity(v) or "high"] += 1
    return f


def findings_for(kind, values):
    doc = values[0]
    if kind == "sarif":
        return sarif_findings(doc)
    if kind == "bandit":
        return bandit_findings(doc)
    if kind == "pip-audit":
        return pip_audit_findings(doc)
    if kind == "safety":
        return safety_findings(doc)
    if kind == "npm-audit":
        return npm_findings(doc)
    if kind == "yarn-audit":
        return yarn_findings(values)
    if kind == "bundler-audit":
        return bundler_findings(doc)
    if kind == "composer-audit":
        return composer_findings(doc)
    if kind == "govulncheck":
        return govulncheck_findings(values)
    if kind == "osv-scanner":
        return osv_findings(doc)
    raise AssertionError(kind)


# ---------------------------------------------------------------------------------------------
# driver

def summarise(path):
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise ReportError("cannot read file: " + (e.strerror or str(e)))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    stripped = data.lstrip(b" \t\r\n")
    if not stripped:
        raise ReportError("empty file")
    if stripped[:1] == b"<":
        root = parse_xml(data)
        name = local(root.tag)
        if name in ("testsuites", "testsuite", "testcase", "assemblies"):
            return {"kind": "junit", "tests": junit_counts(root)}
        if name == "coverage":
            return {"kind": "cobertura", "coverage": cobertura_counts(root)}
        raise ReportError("unrecognised XML report (root <%s>)" % name)
    if b"\x00" in data:
        raise ReportError("binary data, not a report")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = pos_of(data.decode("utf-8", "replace"), e.start)
        raise ReportError("binary data or not UTF-8 text", line, col)
    start = skip_ws(text, 0)
    if text[start] in "{[":
        kind, values = load_json_report(text, start)
    elif re.search(r"(?m)^[ \t]*SF:", text):
        return {"kind": "lcov", "coverage": lcov_counts(text)}
    else:
        kind, values = load_banner_json(text)
    return {"kind": kind, "findings": findings_for(kind, values)}


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: reference_counts.py FILE [FILE ...]\n")
        return 2
    reports = []
    failed = False
    for path in argv[1:]:
        try:
            summary = summarise(path)
        except ReportError as e:
            failed = True
            where = path if e.line is None else "%s:%d:%d" % (path, e.line, e.col or 1)
            sys.stderr.write("%s: error: %s\n" % (where, e.message))
            continue
        except RecursionError:
            failed = True
            sys.stderr.write("%s: error: document nested too deeply\n" % path)
            continue
        entry = {"path": path}
        entry.update(summary)
        reports.append(entry)
    if failed:
        return 2
    out = ",\n".join(json.dumps(r) for r in reports)
    sys.stdout.write('{"reports":[\n' + out + "\n]}\n" if reports else '{"reports":[]}\n')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
