#!/usr/bin/env python3
"""Stress checks of swdbt against a real PostgreSQL; bench/stress.sh is the entry point.

1. re-runs: `swdbt build --threads 4` R times on one schema of a generated project (shared
   seeds, tables, incremental models, views and data tests; generate_project.py --shape
   stress): the first run builds, the others replace. A run fails when it exits non-zero or
   target/run_results.json holds an `error` or `fail`.
2. SIGKILL: after a complete build, K builds are killed at a random moment of the build's
   measured duration; then every relation of the project must exist with its kind and the row
   count it had before (the data never changes), and no `__swdbt_tmp` / `__swdbt_backup`
   relation may be visible once the next run has started (it drops them before `Running`).
   A last build runs to the end and the relations are checked once more.
3. mutations: bench/fuzz_mutations.py (BINARY PROJECT --mutations N --seed S --timeout T,
   prints `N passed, M failed`) over the warehouse's files.

Prints one line of figures per part and `N passed, M failed` over every check; exits 1 when a
figure is not 0. Uses the project's embedded cluster (started and stopped here, unless it was
already running) or, with --target URL, that server, in the schema --schema (dropped first).
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
LEFTOVER_SQL = (
    "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname = '{schema}' and (c.relname like '%\\_\\_swdbt\\_tmp' "
    "or c.relname like '%\\_\\_swdbt\\_backup')")


class Stress:
    """One stress session: the generated project, its server and the checks' tallies."""

    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.project = os.path.abspath(args.out)
        self.logs = os.path.join(os.path.dirname(self.project), "stress-logs")
        self.rng = random.Random(args.seed)
        self.passed = 0
        self.failed = 0
        self.bad_figures = 0
        self.started_cluster = False
        self.connection = args.target
        self.target_args = ["--target", "url"] if args.target else []
        self.run_number = 0

    def check(self, ok, what=None):
        """Counts one check; prints what failed."""
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            if what:
                print(f"  FAILED: {what}", flush=True)

    # The project, the server and SQL.

    def swdbt(self, *arguments, check=True):
        result = subprocess.run([self.binary, *arguments, "--project-dir", self.project],
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            sys.exit(f"stress: `swdbt {' '.join(arguments)}` failed ({result.returncode}):\n"
                     f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return result

    def prepare(self):
        if os.path.isdir(self.project) and not self.args.target:
            # A server left by an interrupted session would lose its data folder below.
            self.swdbt("local", "stop", check=False)
        generate = [sys.executable, os.path.join(ROOT, "bench", "generate_project.py"),
                    str(self.args.models), self.project, "--shape", "stress",
                    "--schema", self.args.schema, "--seed-rows", str(self.args.seed_rows)]
        if self.args.target:
            generate += ["--url", self.args.target]
        subprocess.run(generate, check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(self.logs, ignore_errors=True)
        os.makedirs(self.logs)
        if not self.args.target:
            if self.swdbt("local", "status", check=False).returncode != 0:
                self.swdbt("local", "start")
                self.started_cluster = True
            debug = self.swdbt("debug").stdout
            match = re.search(r"^connection: (.*)$", debug, re.MULTILINE)
            if not match:
                sys.exit(f"stress: no connection in `swdbt debug`:\n{debug}")
            self.connection = match.group(1)
        self.psql(f'drop schema if exists "{self.args.schema}" cascade')

    def cleanup(self):
        if self.args.target:
            try:
                self.psql(f'drop schema if exists "{self.args.schema}" cascade')
            except RuntimeError as error:
                print(f"stress: could not drop schema {self.args.schema}: {error}")
        elif self.started_cluster:
            self.swdbt("local", "stop", check=False)

    def psql(self, sql):
        """Runs SQL; a statement waiting past the timeout (a lock a dead run still holds) fails."""
        environment = dict(os.environ, PGOPTIONS=f"-c statement_timeout={self.args.sql_timeout * 1000}")
        # From standard input each statement is its own transaction: a check never holds one
        # relation's lock while it waits for another's.
        result = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", self.connection],
                                input=sql, capture_output=True, text=True, env=environment)
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip() or f"psql exited {result.returncode}")
        return result.stdout

    def expected_relations(self):
        """{identifier: kind} of every model and seed, from `swdbt ls` (so any project works)."""
        listing = self.swdbt("ls", "--output", "json", "--resource-type", "model",
                             "--resource-type", "seed", *self.target_args).stdout
        relations = {}
        for line in listing.splitlines():
            node = json.loads(line)
            materialized = node.get("config", {}).get("materialized", "seed")
            if materialized == "ephemeral":
                continue
            relations[node["alias"]] = "v" if materialized == "view" else "r"
        return relations

    def snapshot(self, expected):
        """{identifier: (kind, rows)} of the expected relations that exist, in one query."""
        schema = self.args.schema
        kinds = dict(line.split("|") for line in self.psql(
            "select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = "
            f"c.relnamespace where n.nspname = '{schema}' and c.relkind in ('r', 'v', 'm', 'p')"
        ).split())
        present = sorted(name for name in expected if name in kinds)
        counts = dict(line.split("|") for line in self.psql("".join(
            f"select '{name}', count(*) from \"{schema}\".\"{name}\";\n" for name in present)).split())
        return {name: (kinds[name], int(counts[name])) for name in present}

    def wait_for_dead_run(self):
        """Waits until no swdbt session is left: a killed run's backend finishes the statement it
        was running (a swap may hold exclusive locks meanwhile) and rolls back only when it next
        reads from the closed socket. Returns the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < self.args.sql_timeout:
            if self.psql("select count(*) from pg_stat_activity where application_name = 'swdbt' "
                         "and datname = current_database()").strip() == "0":
                break
            time.sleep(0.05)
        return time.monotonic() - start

    def lost(self, expected, baseline):
        """Relations missing, of another kind or with other row counts than the baseline."""
        try:
            now = self.snapshot(expected)
        except RuntimeError as error:
            print(f"  cannot read the relations: {error}", flush=True)
            return sorted(expected)
        return sorted(name for name in expected if now.get(name) != baseline[name])

    def leftovers(self):
        return int(self.psql(LEFTOVER_SQL.format(schema=self.args.schema)).strip())

    # Builds.

    def start_build(self, label):
        self.run_number += 1
        results = os.path.join(self.project, "target", "run_results.json")
        if os.path.exists(results):
            os.remove(results)
        prefix = os.path.join(self.logs, f"{self.run_number:03d}-{label}")
        out, err = open(prefix + ".out", "w"), open(prefix + ".err", "w")
        process = subprocess.Popen(
            [self.binary, "build", "--threads", str(self.args.threads), "--project-dir",
             self.project, *self.target_args], stdout=out, stderr=err)
        out.close()
        err.close()
        return process, prefix

    def build(self, label):
        """Runs one build to the end: (exit code, failed nodes, seconds, log prefix)."""
        start = time.monotonic()
        process, prefix = self.start_build(label)
        try:
            code = process.wait(timeout=self.args.build_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            print(f"  build {label} hung past {self.args.build_timeout} s: {prefix}.err")
            return -1, 0, time.monotonic() - start, prefix
        seconds = time.monotonic() - start
        failed = 0
        try:
            with open(os.path.join(self.project, "target", "run_results.json")) as handle:
                results = json.load(handle)["results"]
            failed = sum(1 for result in results if result["status"] in ("error", "fail"))
        except (OSError, ValueError, KeyError):
            failed = 0 if code == 0 else -1
        return code, failed, seconds, prefix

    # The three parts.

    def reruns(self):
        runs, failed_runs, failed_nodes, durations = self.args.reruns, 0, 0, []
        for index in range(runs):
            code, failed, seconds, prefix = self.build(f"rerun{index + 1}")
            durations.append(seconds)
            ok = code == 0 and failed == 0
            failed_runs += 0 if ok else 1
            failed_nodes += max(failed, 0)
            self.check(ok, f"re-run {index + 1}: exit {code}, {failed} nodes failed "
                           f"({prefix}.err)")
        print(f"reruns: {runs} runs, {failed_runs} failed (nodes failed: {failed_nodes})",
              flush=True)
        self.bad_figures += failed_runs
        return durations

    def kills(self, durations):
        expected = self.expected_relations()
        baseline = self.snapshot(expected)
        if len(baseline) < len(expected):
            # A failed node of the re-runs (the deadlock) may have left a relation unbuilt:
            # one thread builds the rest, so the kills start from a complete project.
            code, failed, seconds, prefix = self.build("complete")
            durations.append(seconds)
            baseline = self.snapshot(expected)
            if len(baseline) < len(expected):
                missing = sorted(set(expected) - set(baseline))[:10]
                sys.exit(f"stress: no complete build to start the kills from (missing "
                         f"{', '.join(missing)}; {prefix}.err)")
        for name, kind in expected.items():
            if baseline[name][0] != kind:
                sys.exit(f"stress: {name} is of kind {baseline[name][0]}, expected {kind}")
        duration = statistics.median(durations)
        kills, lost_total, left_by_kills, start_checks, lingered = self.args.kills, 0, 0, 0, 0.0
        for index in range(kills):
            delay = self.rng.uniform(0.0, duration)
            process, prefix = self.start_build(f"kill{index + 1}")
            started = time.monotonic()
            checked_start = False
            while time.monotonic() - started < delay and process.poll() is None:
                if not checked_start and self.has_started(prefix):
                    # The run dropped leftovers before saying `Running`; a swap's temporary
                    # relations are invisible until it commits, and it commits them renamed.
                    checked_start = True
                    start_checks += 1
                    count = self.leftovers()
                    self.check(count == 0, f"kill {index + 1}: {count} __swdbt_tmp/__swdbt_backup "
                                           f"relations survived the run's start")
                    self.bad_figures += count
                time.sleep(0.02)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
            lingered = max(lingered, self.wait_for_dead_run())
            lost = self.lost(expected, baseline)
            lost_total += len(lost)
            self.check(not lost, f"kill {index + 1} after {delay:.2f} s: lost {', '.join(lost[:10])} "
                                 f"({prefix}.err)")
            left_by_kills += self.leftovers()
        # One more run to the end: it must start clean and leave every relation as it was.
        code, failed, _, prefix = self.build("after-kills")
        lost = self.lost(expected, baseline)
        lost_total += len(lost)
        self.check(not lost, f"the build after the kills lost {', '.join(lost[:10])} ({prefix}.err)")
        remaining = self.leftovers()
        self.check(remaining == 0, f"{remaining} __swdbt_tmp/__swdbt_backup relations after a "
                                   f"complete build")
        self.bad_figures += lost_total + remaining
        print(f"sigkill: {kills} kills, {lost_total} relations lost "
              f"(kill delays within {duration:.1f} s, killed sessions gone within {lingered:.1f} s; {left_by_kills} temporary relations left by "
              f"kills, {remaining} after the next complete build; {start_checks} run starts "
              f"checked; last build exit {code}, {failed} nodes failed)", flush=True)

    @staticmethod
    def has_started(prefix):
        for suffix in (".err", ".out"):
            with open(prefix + suffix, errors="replace") as handle:
                if "Running " in handle.read():
                    return True
        return False

    def mutations(self):
        fuzzer = os.path.abspath(self.args.fuzzer)
        if self.args.mutations == 0:
            return
        if not os.path.exists(fuzzer):
            print(f"mutations: {os.path.relpath(fuzzer, ROOT)} is missing, skipped", flush=True)
            return
        arguments = [sys.executable, fuzzer, self.binary, ROOT,
                     "--mutations", str(self.args.mutations), "--seed", str(self.args.seed),
                     "--timeout", str(self.args.mutation_timeout)]
        result = subprocess.run(arguments, capture_output=True, text=True)
        # Indented, so that the last plain `N passed, M failed` line is this script's total.
        sys.stdout.write("".join(f"  {line}\n" for line in result.stdout.splitlines()))
        sys.stderr.write(result.stderr[-5000:])
        summary = re.findall(r"^(\d+) passed, (\d+) failed$", result.stdout, re.MULTILINE)
        if not summary:
            self.check(False, f"the fuzzer printed no `N passed, M failed` (exit {result.returncode})")
            self.bad_figures += 1
            return
        passed, failed = map(int, summary[-1])
        self.passed += passed
        self.failed += failed
        self.bad_figures += failed
        if result.returncode != 0 and failed == 0:
            self.check(False, f"the fuzzer exited {result.returncode}")
            self.bad_figures += 1
        print(f"mutations: {passed + failed} mutations, {failed} failed", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "swdbt"))
    parser.add_argument("--quick", action="store_true",
                        help="the short form CI runs: 5 re-runs, 5 kills, 200 mutations")
    parser.add_argument("--reruns", type=int)
    parser.add_argument("--kills", type=int)
    parser.add_argument("--mutations", type=int)
    parser.add_argument("--models", type=int, help="size of the generated project (default 200, --quick 100)")
    parser.add_argument("--seed-rows", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=16, help="random seed of kills and mutations")
    parser.add_argument("--target", help="a PostgreSQL URL to use instead of the embedded cluster")
    parser.add_argument("--schema", default="stress")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "stress", "project"))
    parser.add_argument("--fuzzer", default=os.path.join(ROOT, "bench", "fuzz_mutations.py"))
    parser.add_argument("--mutation-timeout", type=int, default=10)
    parser.add_argument("--build-timeout", type=int, default=300)
    parser.add_argument("--sql-timeout", type=int, default=60)
    args = parser.parse_args()
    quick = args.quick
    args.reruns = args.reruns if args.reruns is not None else 5 if quick else 30
    args.kills = args.kills if args.kills is not None else 5 if quick else 50
    args.mutations = args.mutations if args.mutations is not None else 200 if quick else 3000
    args.models = args.models or (100 if quick else 200)
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"stress: no swdbt binary at {args.binary}")

    stress = Stress(args)
    # SIGTERM ends the session like Ctrl-C does, so the server is still stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if args.reruns > 0 or args.kills > 0:
            stress.prepare()
        durations = stress.reruns() if args.reruns > 0 else []
        if args.kills > 0:
            if not durations:
                durations.append(stress.build("first")[2])
            stress.kills(durations)
        stress.mutations()
    finally:
        stress.cleanup()
    print(f"{stress.passed} passed, {stress.failed} failed")
    return 1 if stress.bad_figures or stress.failed else 0


if __name__ == "__main__":
    sys.exit(main())
