#!/usr/bin/env python3
"""Writes a large JUnit report and a large Cobertura report (sizes in MB) for bench/reports."""
import random
import sys

def junit(path, megabytes):
    random.seed(1)
    target = megabytes * 1_000_000
    with open(path, "w", buffering=1 << 20) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="generated">\n')
        written = 0
        suite = 0
        while written < target:
            suite += 1
            chunk = [f'  <testsuite name="pkg.Suite{suite}" tests="200" time="12.5">\n']
            for case in range(200):
                roll = random.random()
                chunk.append(f'    <testcase classname="pkg.Suite{suite}" name="test_case_{case}_with_a_descriptive_name" time="0.{case:03d}"')
                if roll < 0.01:
                    chunk.append(f'><failure message="expected &lt;{case}&gt; but was &lt;{case + 1}&gt;" type="AssertionError">'
                                 f'Traceback (most recent call last):\n  File "test_{suite}.py", line {case}, in test\n'
                                 f'AssertionError: expected {case}</failure></testcase>\n')
                elif roll < 0.02:
                    chunk.append('><skipped message="not on this platform"/></testcase>\n')
                elif roll < 0.03:
                    chunk.append('><system-out><![CDATA[some <captured> output & more]]></system-out></testcase>\n')
                else:
                    chunk.append('/>\n')
            chunk.append('  </testsuite>\n')
            text = "".join(chunk)
            out.write(text)
            written += len(text)
        out.write('</testsuites>\n')

def cobertura(path, megabytes):
    random.seed(2)
    target = megabytes * 1_000_000
    with open(path, "w", buffering=1 << 20) as out:
        out.write('<?xml version="1.0" ?>\n<coverage line-rate="0.8" branch-rate="0.5" version="7.4">\n<sources><source>/src</source></sources>\n<packages>\n')
        written = 0
        module = 0
        while written < target:
            module += 1
            chunk = [f'<package name="pkg{module}"><classes>\n']
            for cls in range(20):
                name = f"pkg{module}/module_{cls}.py"
                chunk.append(f'<class name="module_{cls}" filename="{name}" line-rate="0.8" branch-rate="0.5">'
                             f'<methods><method name="f" signature=""><lines><line number="1" hits="1"/></lines></method></methods>\n<lines>\n')
                for line in range(1, 121):
                    hits = 0 if random.random() < 0.2 else random.randint(1, 50)
                    if line % 10 == 0:
                        covered = random.randint(0, 2)
                        chunk.append(f'<line number="{line}" hits="{hits}" branch="true" condition-coverage="{covered * 50}% ({covered}/2)"/>\n')
                    else:
                        chunk.append(f'<line number="{line}" hits="{hits}"/>\n')
                chunk.append('</lines></class>\n')
            chunk.append('</classes></package>\n')
            text = "".join(chunk)
            out.write(text)
            written += len(text)
        out.write('</packages>\n</coverage>\n')

if __name__ == "__main__":
    kind, path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    (junit if kind == "junit" else cobertura)(path, size)
