"""Runs dbt's adapter suite against swdbt and compares the outcome with expected-failures.txt.

Prints pass/fail counts per suite folder, every failure not listed in the expectations file
(these fail the run), every listed case that now passes (remove it from the file), and a last
line `N passed, M failed`. Exit status: 0 when every failure is expected, 1 otherwise.

    conformance/.venv/bin/python conformance/run.py [--binary PATH] [-k EXPR] [--write-expectations]
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTATIONS = os.path.join(HERE, "expected-failures.txt")


def case_id(classname, name):
    """`folder/Class::test` for pytest's `test_adapter_suite.Test_folder__Class` and `test`."""
    generated = classname.split(".")[-1]
    folder, _, cls = generated[len("Test_"):].partition("__")
    return f"{folder}/{cls}::{name}"


def read_expectations():
    """Case id -> reason, from lines `<case> # <reason>`; blank lines and `#` lines are skipped."""
    expected = {}
    if not os.path.exists(EXPECTATIONS):
        return expected
    with open(EXPECTATIONS) as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            case, _, reason = line.partition(" # ")
            expected[case.strip()] = reason.strip()
    return expected


def summary(problem):
    """One line saying why a case failed: what swdbt said, else the failed assertion."""
    text = "\n".join(filter(None, [problem.get("message"), problem.text]))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for marker in ("swdbt has no `", "rejected the command line: ", "before running a node: ",
                   "did not match expected: "):
        for line in lines:
            if marker in line:
                return line[line.index(marker):].rstrip('"')[:240]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    if errors:
        first = errors[0]
        if first in ("AssertionError", "assert False") or len(errors) > 1 and first.startswith("assert"):
            # A bare assertion: the source line says what was checked.
            index = lines.index("E   " + first) if "E   " + first in lines else -1
            checked = [l for l in lines[:index] if l.startswith("assert")]
            if checked:
                return f"{first}: {checked[-1]}"[:240]
        return first[:240]
    return lines[0][:240] if lines else ""


def run_suite(binary, select, per_test_timeout):
    """Runs pytest over the suite; returns case id -> (outcome, one line on the failure)."""
    workdir = tempfile.mkdtemp(prefix="swdbt-conformance-")
    report = os.path.join(workdir, "report.xml")
    # A base folder of its own: pytest prunes old numbered folders under /tmp/pytest-of-<user>,
    # which other runs on the machine share.
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:logging", "--tb=short",
            f"--basetemp={os.path.join(workdir, 'projects')}",
            f"--timeout={per_test_timeout}", f"--junitxml={report}", "-o", "junit_family=xunit1"]
    if select:
        argv += ["-k", select]
    env = dict(os.environ, SWDBT_BINARY=binary, DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               DO_NOT_TRACK="1")
    log = os.path.join(os.path.dirname(report), "pytest.log")
    with open(log, "w") as output:
        subprocess.run(argv, cwd=HERE, env=env, stdout=output, stderr=subprocess.STDOUT)
    # The tests' projects are only worth keeping while they run; the log says what happened.
    shutil.rmtree(os.path.join(workdir, "projects"), ignore_errors=True)
    print(f"pytest output: {log}")
    if not os.path.exists(report):
        sys.exit(f"error: pytest wrote no report; see {log}")
    return read_report(report)


def read_report(report):
    """Case id -> (outcome, one line on the failure), from pytest's JUnit XML report."""
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        key = case_id(case.get("classname", ""), case.get("name", ""))
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            outcomes[key] = ("skipped", "")
        elif problem is not None:
            outcomes[key] = ("failed", summary(problem))
        else:
            outcomes[key] = ("passed", "")
    return outcomes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(HERE, "..", ".build", "debug", "swdbt"))
    parser.add_argument("-k", dest="select", help="pytest -k expression: run some cases only")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per test case")
    parser.add_argument("--report", help="compare an earlier run's report.xml instead of running")
    parser.add_argument("--write-expectations", action="store_true",
                        help="write every failing case to expected-failures.txt (reason: the failure)")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    if options.report:
        outcomes = read_report(options.report)
    elif not os.access(binary, os.X_OK):
        sys.exit(f"error: no swdbt binary at {binary} (swift build, or --binary PATH)")
    else:
        outcomes = run_suite(binary, options.select, options.timeout)
    expected = read_expectations()

    folders = collections.defaultdict(collections.Counter)
    for case, (outcome, _) in outcomes.items():
        folders[case.split("/")[0]][outcome] += 1
    print(f"\n{'folder':28} {'passed':>6} {'failed':>6} {'skipped':>7}")
    for folder in sorted(folders):
        counts = folders[folder]
        print(f"{folder:28} {counts['passed']:6} {counts['failed']:6} {counts['skipped']:7}")

    unexpected = sorted(c for c, (o, _) in outcomes.items() if o == "failed" and c not in expected)
    # A case whose reason says "flaky" may pass or fail; it is not reported as fixed.
    fixed = sorted(c for c, (o, _) in outcomes.items()
                   if o == "passed" and c in expected and "flaky" not in expected[c])
    if options.write_expectations:
        with open(EXPECTATIONS, "a") as handle:
            for case in unexpected:
                handle.write(f"{case} # {outcomes[case][1]}\n")
        print(f"\nappended {len(unexpected)} cases to {EXPECTATIONS}")
        unexpected = []
    if unexpected:
        print("\nnew failures (not in expected-failures.txt):")
        for case in unexpected:
            print(f"  {case}\n      {outcomes[case][1]}")
    for case in fixed:
        print(f"{case} now passes, remove it from expected-failures.txt")
    if options.select is None:
        missing = sorted(c for c in expected if c not in outcomes)
        for case in missing:
            print(f"{case} is in expected-failures.txt but no longer in the suite, remove it")

    passed = sum(1 for o, _ in outcomes.values() if o == "passed")
    failed = sum(1 for o, _ in outcomes.values() if o == "failed")
    skipped = sum(1 for o, _ in outcomes.values() if o == "skipped")
    tail = f", {skipped} skipped" if skipped else ""
    print(f"\n{passed} passed, {failed} failed{tail}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
