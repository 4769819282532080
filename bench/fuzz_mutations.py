#!/usr/bin/env python3
"""Mutation fuzzer over a swdbt project's files: swdbt must never crash, hang or give an error
without a location, whatever one broken file holds.

Each round restores the previous round's file, picks one file of a temporary copy of the project
(models, macros, singular tests, YAML, project.yml, profiles.yml, CSV/JSON seeds), applies one
random mutation (byte flips, deletions, duplicated lines, inserted tokens such as `{{`, `{%`, `]`,
`[` x 10,000, deep nesting, NUL bytes, invalid UTF-8, huge lines, YAML anchors and alias bombs)
and runs `swdbt compile` (no database needed; seeds are only compiled, since swdbt has no
database-free seed check). A round is classified as:

  crash       killed by a signal, exit >= 128 other than 130, or a non-zero exit with no output
  hang        no exit within the per-run timeout (the process group is killed)
  unlocated   an `error:` line without `path:line:col:` (the closing summary line excepted)
  ok          anything else (success, or located errors)

It prints the counts, the first examples of each failing class with the mutation that caused
them, and a closing line `N passed, M failed`; the exit status is 1 when anything failed. Every
round is reproducible from the seed: `--replay ROUND --out DIR` writes that round's mutated
project to DIR and prints the command to run.

usage: fuzz_mutations.py SWDBT [PROJECT] [--mutations N] [--seed S] [--timeout SECONDS]
                         [--files GLOB] [--memory MB] [--replay ROUND --out DIR]
"""
import argparse
import fnmatch
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile

PROJECT_FILES = (".sql", ".yml", ".yaml", ".csv", ".json", ".ndjson", ".md")
# Folders of the repository that are not part of the warehouse project.
SKIPPED_FOLDERS = {
    ".git", ".build", ".swdbt", ".swiftpm", "target", "Sources", "Tests", "bench", "scripts",
    "conformance", "node_modules", "dbt_packages", "logs",
}
LOCATED = re.compile(r"^\S.*?:\d+:\d+: (error|warning|note):")
SUMMARY = re.compile(r"^error: \w[\w ]* failed with \d+ errors?$")

TOKENS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "]", "[", "(", ")", "{", "}", "'", '"',
    ":", ": ", "- ", ",", "|", "~", "*", "&", "!", "?", "%", "#", "\t", "\r", "\r\n", "\x00",
    "{% if x %}", "{% endif %}", "{% for x in y %}", "{% endfor %}", "{% macro m() %}",
    "{% endmacro %}", "{% set x = %}", "{{ ref('nope') }}", "{{ ref( }}", "{{ source('a') }}",
    "{{ config(materialized='nope') }}", "{{ var('nope') }}", "{{ 1/0 }}", "{{ x.y.z() }}",
    "{% raw %}", "{% endraw %}", "\ufeff", "\u00e9", "\u2028", "\ufffd", "&a ", "*a", "<<: *a\n",
    "!!binary ", "!tag ", "--- ", "...\n", "%YAML 1.2\n", "? ", "|", ">-", "null", "~",
    "99999999999999999999999999", "-1", "1e999", "NaN", "\\", "\\u", "\\x", '"\\', "\x7f",
]


def invalid_utf8(rng):
    return rng.choice([b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf",
                       b"\xf4\x90\x80\x80", b"\x80\x80"])


def alias_bomb(width=10, levels=12):
    lines = ["b0: &b0 [" + ", ".join(["x"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"b{level}: &b{level} [" + ", ".join([f"*b{level - 1}"] * width) + "]")
    return ("\n".join(lines) + "\n").encode()


def deep_block(levels):
    return ("x:\n" + "".join(" " * (2 * i + 2) + "- \n" for i in range(levels))).encode()


BOMBS = {
    "[ x 10000": lambda: b"[" * 10_000,
    "{ x 10000": lambda: b"{" * 10_000,
    "( x 10000": lambda: b"(" * 10_000,
    "flow nesting 10000": lambda: b"x: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
    "flow mapping nesting 5000": lambda: b"x: " + b"{a: " * 5_000 + b"1" + b"}" * 5_000 + b"\n",
    "block nesting 2000": lambda: deep_block(2_000),
    "alias bomb": alias_bomb,
    "+ x 10000": lambda: b"{{ " + b"1 + " * 10_000 + b"1 }}",
    "~ x 10000": lambda: b"{{ " + b"'a' ~ " * 10_000 + b"'a' }}",
    "| x 10000": lambda: b"{{ x" + b" | upper" * 10_000 + b" }}",
    ". x 10000": lambda: b"{{ x" + b".a" * 10_000 + b" }}",
    "not x 10000": lambda: b"{{ " + b"not " * 10_000 + b"x }}",
    "- x 10000": lambda: b"{{ " + b"-" * 10_000 + b"1 }}",
    "if blocks x 5000": lambda: b"{% if x %}" * 5_000,
    "macro recursion": lambda: b"{% macro r(n) %}{{ r(n) }}{% endmacro %}{{ r(1) }}",
    "json nesting 10000": lambda: b"[" * 10_000 + b"]" * 10_000,
    "huge line 300000": lambda: b"a" * 300_000,
    "2000 columns": lambda: b",".join(b"c%d" % i for i in range(2_000)) + b"\n",
    "2000 quotes": lambda: b'"' * 2_000,
}


def mutate(data, path, rng):
    """Returns the mutated bytes and a description of the mutation."""
    size = len(data)
    position = rng.randint(0, size)
    kind = rng.choice([
        "flip", "flip", "delete", "delete", "duplicate-line", "delete-line", "swap-lines",
        "token", "token", "token", "token", "bomb", "nul", "utf8", "truncate", "empty",
        "repeat-line", "anchor", "alias",
    ])
    if kind == "flip" and size:
        index = rng.randrange(size)
        bit = 1 << rng.randrange(8)
        return data[:index] + bytes([data[index] ^ bit]) + data[index + 1:], \
            f"flip bit {bit:#x} of byte {index}"
    if kind == "delete" and size:
        length = rng.randint(1, 64)
        start = rng.randrange(size)
        return data[:start] + data[start + length:], f"delete {length} bytes at {start}"
    lines = data.split(b"\n")
    line = rng.randrange(len(lines))
    if kind == "duplicate-line":
        return b"\n".join(lines[:line + 1] + lines[line:]), f"duplicate line {line + 1}"
    if kind == "repeat-line":
        count = rng.choice([100, 2_000])
        return b"\n".join(lines[:line] + [lines[line]] * count + lines[line + 1:]), \
            f"repeat line {line + 1} x {count}"
    if kind == "delete-line":
        return b"\n".join(lines[:line] + lines[line + 1:]), f"delete line {line + 1}"
    if kind == "swap-lines" and len(lines) > 1:
        other = rng.randrange(len(lines))
        lines[line], lines[other] = lines[other], lines[line]
        return b"\n".join(lines), f"swap lines {line + 1} and {other + 1}"
    if kind == "bomb":
        name = rng.choice(sorted(BOMBS))
        at_line_start = data.rfind(b"\n", 0, position) + 1 if rng.random() < 0.5 else position
        return data[:at_line_start] + BOMBS[name]() + data[at_line_start:], \
            f"insert {name} at byte {at_line_start}"
    if kind == "nul":
        return data[:position] + b"\x00" + data[position:], f"insert NUL at byte {position}"
    if kind == "utf8":
        junk = invalid_utf8(rng)
        return data[:position] + junk + data[position:], \
            f"insert invalid UTF-8 {junk!r} at byte {position}"
    if kind == "truncate":
        return data[:position], f"truncate at byte {position}"
    if kind == "empty":
        return b"", "empty the file"
    if kind == "anchor":
        colon = data.find(b": ", position)
        if colon >= 0:
            return data[:colon + 2] + b"&a " + data[colon + 2:], f"anchor `&a` at byte {colon + 2}"
    if kind == "alias":
        colon = data.find(b": ", position)
        if colon >= 0:
            end = data.find(b"\n", colon)
            end = size if end < 0 else end
            return data[:colon + 2] + b"*a" + data[end:], f"alias `*a` at byte {colon + 2}"
    token = rng.choice(TOKENS).encode()
    return data[:position] + token + data[position:], f"insert {token!r} at byte {position}"


def is_safe(path, data):
    """Refuses project files whose mutation would point swdbt's output outside the copy."""
    if os.path.basename(path) not in ("project.yml", "dbt_project.yml"):
        return True
    for line in data.split(b"\n"):
        if b"path" in line and (b"/" in line or b".." in line or b"~" in line):
            return False
    return True


def project_files(root):
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(s for s in subfolders
                               if s not in SKIPPED_FOLDERS and not s.startswith("."))
        for name in sorted(files):
            # The repository's own README and notes are not part of the project.
            if folder == root and name.endswith(".md"):
                continue
            if name.endswith(PROJECT_FILES):
                found.append(os.path.relpath(os.path.join(folder, name), root))
    return found


def copy_project(source, files, destination):
    for relative in files:
        target = os.path.join(destination, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(source, relative), target)


def limit_memory(megabytes):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return apply


def run(binary, project, timeout, memory):
    """Returns (returncode or None on timeout, stdout, stderr)."""
    process = subprocess.Popen(
        [binary, "compile", "--project-dir", project], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True, preexec_fn=limit_memory(memory))
    try:
        out, err = process.communicate(timeout=timeout)
        return process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def classify(code, out, err):
    if code is None:
        return "hang", ""
    if code < 0 or (code >= 128 and code != 130):
        return "crash", f"exit {code}"
    if code != 0 and not (out.strip() or err.strip()):
        return "crash", f"exit {code} with no output"
    for line in err.splitlines():
        if "error:" in line and not LOCATED.match(line) and not SUMMARY.match(line):
            return "unlocated", line[:300]
    return "ok", ""


def round_mutation(seed, number, files, originals):
    rng = random.Random(f"{seed}:{number}")
    for _ in range(20):
        relative = rng.choice(files)
        mutated, description = mutate(originals[relative], relative, rng)
        if is_safe(relative, mutated):
            return relative, mutated, description
    return relative, originals[relative], "no safe mutation"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="the swdbt binary")
    parser.add_argument("project", nargs="?",
                        default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="the project folder (default: the repository's warehouse)")
    parser.add_argument("--mutations", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--memory", type=int, default=4096, help="address-space limit, MB")
    parser.add_argument("--examples", type=int, default=5, help="examples printed per class")
    parser.add_argument("--files", help="mutate only files matching this glob, e.g. '*.yml'")
    parser.add_argument("--replay", type=int, help="write only this round's project to --out")
    parser.add_argument("--out", help="where --replay writes the mutated project")
    args = parser.parse_args()

    binary = os.path.abspath(args.binary)
    all_files = project_files(args.project)
    files = all_files
    if args.files:
        files = [f for f in all_files if fnmatch.fnmatch(f, args.files)
                 or fnmatch.fnmatch(os.path.basename(f), args.files)]
    if not files:
        sys.exit(f"no project files under {args.project}")
    if not files:
        sys.exit(f"no project files match {args.files}")
    originals = {}
    for relative in all_files:
        with open(os.path.join(args.project, relative), "rb") as handle:
            originals[relative] = handle.read()

    if args.replay is not None:
        if not args.out:
            sys.exit("--replay needs --out DIR")
        copy_project(args.project, all_files, args.out)
        relative, mutated, description = round_mutation(args.seed, args.replay, files, originals)
        with open(os.path.join(args.out, relative), "wb") as handle:
            handle.write(mutated)
        print(f"round {args.replay}: {relative}: {description}")
        print(f"run: {binary} compile --project-dir {args.out}")
        return

    counts = {"ok": 0, "crash": 0, "hang": 0, "unlocated": 0}
    examples = {"crash": [], "hang": [], "unlocated": []}
    rejected = 0
    with tempfile.TemporaryDirectory(prefix="swdbt-fuzz-") as workspace:
        copy_project(args.project, all_files, workspace)
        for number in range(args.mutations):
            relative, mutated, description = round_mutation(args.seed, number, files, originals)
            path = os.path.join(workspace, relative)
            with open(path, "wb") as handle:
                handle.write(mutated)
            code, out, err = run(binary, workspace, args.timeout, args.memory)
            with open(path, "wb") as handle:
                handle.write(originals[relative])
            kind, detail = classify(code, out, err)
            counts[kind] += 1
            if kind == "ok" and code != 0:
                rejected += 1
            if kind != "ok" and len(examples[kind]) < args.examples:
                tail = "\n".join(err.strip().splitlines()[-3:])
                examples[kind].append((number, relative, description, detail, tail))
            if (number + 1) % 100 == 0:
                print(f"... {number + 1} rounds: " + ", ".join(
                    f"{name} {count}" for name, count in counts.items()), file=sys.stderr)

    print(f"{args.mutations} mutations of {len(files)} files (seed {args.seed}): "
          + ", ".join(f"{count} {name}" for name, count in counts.items())
          + f" ({rejected} of the ok runs rejected the project with located errors)")
    for kind, found in examples.items():
        for number, relative, description, detail, tail in found:
            print(f"\n{kind}: round {number}: {relative}: {description}"
                  + (f"\n  {detail}" if detail else ""))
            print(f"  replay: {sys.argv[0]} {args.binary} {args.project} --seed {args.seed}"
                  f" --replay {number} --out /tmp/swdbt-replay")
            for line in tail.splitlines():
                print(f"  | {line[:200]}")
    failed = counts["crash"] + counts["hang"] + counts["unlocated"]
    print(f"\n{args.mutations - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
