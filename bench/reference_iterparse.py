#!/usr/bin/env python3
"""The reference parser for bench/reports: xml.etree.ElementTree.iterparse (expat), streaming
with elem.clear(), computing the same counts as Gaara (docs/reports.md)."""
import json
import sys
import xml.etree.ElementTree as ET

def junit(path):
    total = failed = errors = skipped = 0
    for event, elem in ET.iterparse(path, events=("end",)):
        if elem.tag == "testcase":
            total += 1
            tags = {child.tag for child in elem}
            if "failure" in tags:
                failed += 1
            elif "error" in tags:
                errors += 1
            elif "skipped" in tags:
                skipped += 1
            elem.clear()
        elif elem.tag == "testsuite":
            elem.clear()
    return {"total": total, "failed": failed, "errors": errors, "skipped": skipped}

def cobertura(path):
    lines = {}
    branches = {}
    stack = []
    filename = None
    for event, elem in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            stack.append(elem.tag)
            if elem.tag == "class":
                filename = elem.get("filename", "")
            continue
        stack.pop()
        if elem.tag == "line" and "methods" not in stack and "class" in stack:
            key = (filename, int(elem.get("number")))
            hits = int(float(elem.get("hits", "0")))
            lines[key] = max(lines.get(key, 0), hits)
            if elem.get("branch", "").lower() == "true":
                text = elem.get("condition-coverage", "")
                if "(" in text:
                    covered, total = text[text.index("(") + 1:text.index(")")].split("/")
                    previous = branches.get(key, (0, 0))
                    candidate = (int(total), int(covered))
                    branches[key] = max(previous, candidate)
        if elem.tag in ("class", "package"):
            elem.clear()
    return {"lines_valid": len(lines), "lines_covered": sum(1 for hits in lines.values() if hits > 0),
            "branches_valid": sum(t for t, c in branches.values()), "branches_covered": sum(c for t, c in branches.values())}

if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    print(json.dumps(junit(path) if kind == "junit" else cobertura(path)))
