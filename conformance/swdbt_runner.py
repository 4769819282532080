"""`run_dbt` and `run_dbt_and_capture` for the suite, running the swdbt binary instead of dbt.

The suite calls `run_dbt(args, expect_pass)` and reads what dbt's `dbtRunner` returns. Here the
binary runs in the test's project (the `project` fixture made it the working directory) with the
profile the fixtures wrote, and `target/run_results.json` becomes objects with the attributes the
suite reads (`status`, `node.name`, `node.unique_id`, `message`, `failures`, `adapter_response`).
"""

import json
import os
import subprocess
from types import SimpleNamespace

from dbt.cli.exceptions import DbtUsageException
from dbt.exceptions import ParsingError
from dbt_common.exceptions import CompilationError

BINARY = os.environ.get("SWDBT_BINARY", "swdbt")
# One hung invocation must not eat the CI budget; pytest-timeout bounds each whole test too.
TIMEOUT_SECONDS = float(os.environ.get("SWDBT_CONFORMANCE_COMMAND_TIMEOUT", "120"))

# dbt's global flags about its parse cache and cache-event logging: dropped, since swdbt has
# neither. Every other argument goes to swdbt as written, so what it lacks shows.
_LOGGING_ONLY_FLAGS = {"--no-partial-parse", "--partial-parse",
                       "--log-cache-events"}
# dbt's global options that take a value, so that `--log-format json run` is read as the option
# and its value before the command.
_VALUE_OPTIONS = {"--log-format", "--log-level", "--log-path", "--target-path", "--printer-width",
                  "--profiles-dir", "--project-dir", "--target", "-t", "--vars", "--threads",
                  "--profile", "--log-format-file", "--log-level-file"}
_SWDBT_COMMANDS = {"compile", "ls", "list", "seed", "run", "test", "build", "docs", "debug", "local",
                   "show", "parse", "clean", "retry", "snapshot", "run-operation", "deps", "clone"}
_RESULT_COMMANDS = {"run", "seed", "test", "build", "snapshot", "compile", "run-operation", "show", "clone",
                    "parse", "retry"}


class SwdbtProjectError(ParsingError, CompilationError):
    """swdbt refused the project or the command before running any node, where dbt raises.

    Both of dbt's refusals (and so a DbtRuntimeError), since swdbt does not tell them apart.
    """


class SwdbtUsageError(DbtUsageException):
    """swdbt rejected the command line (exit code 64), as click rejects it for dbt."""


class Results(list):
    """What dbt's `RunExecutionResult` offers the suite: a list that also has `.results`."""

    def __init__(self, items, document):
        super().__init__(items)
        self.results = self
        self.args = document.get("args", {})
        self.elapsed_time = document.get("elapsed_time", 0.0)
        self.generated_at = document.get("metadata", {}).get("generated_at")


def _node_name(unique_id):
    parts = unique_id.split(".")
    # Tests' ids end with a hash (`test.pkg.not_null_x_id.5f2a...`); the name is before it.
    if parts[0] == "test" and len(parts) > 3:
        return parts[2]
    return parts[-1]


def _manifest_nodes(project_dir):
    path = os.path.join(project_dir, "target", "manifest.json")
    try:
        with open(path) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return {}
    return {**manifest.get("nodes", {}), **manifest.get("sources", {})}


class _Config(dict):
    """A node's config read both as a dict and by attribute (`node.config.materialized`)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as missing:
            raise AttributeError(name) from missing


def _result(item, manifest_nodes):
    unique_id = item.get("unique_id", "")
    known = manifest_nodes.get(unique_id, {})
    node = SimpleNamespace(
        unique_id=unique_id,
        name=known.get("name", _node_name(unique_id)),
        resource_type=known.get("resource_type", unique_id.split(".")[0]),
        config=_Config(known.get("config", {})),
        relation_name=item.get("relation_name"),
        compiled_code=item.get("compiled_code"),
    )
    return SimpleNamespace(
        status=item.get("status"),
        node=node,
        message=item.get("message"),
        failures=item.get("failures"),
        adapter_response=item.get("adapter_response") or {},
        timing=item.get("timing", []),
        thread_id=item.get("thread_id"),
        execution_time=item.get("execution_time", 0.0),
        unique_id=unique_id,
    )


def _split(args):
    """The swdbt argv, the command word and the project folder for dbt-style `args`."""
    args = [str(a) for a in args if str(a) not in _LOGGING_ONLY_FLAGS]
    # dbt takes global options before the command word (`--log-format json run`); swdbt's
    # commands take them after it, so they move behind the command word(s).
    position = 0
    while position < len(args) and args[position].startswith("-"):
        position += 2 if args[position] in _VALUE_OPTIONS else 1
    leading, rest = args[:position], args[position:]
    words = 2 if rest[:1] == ["docs"] and len(rest) > 1 else 1
    kept = rest[:words] + leading + rest[words:]
    command = " ".join(rest[:words]) if rest else "run"
    project_dir = os.getcwd()
    if "--project-dir" in kept:
        # Relative to the test's working directory, as dbt reads it: swdbt runs inside it.
        at = kept.index("--project-dir") + 1
        project_dir = os.path.abspath(kept[at])
        kept[at] = project_dir
    else:
        kept += ["--project-dir", project_dir]
    if command == "show" and "--output" not in kept:
        # The rows come back as the JSON lines of `show --output json` (dbt's `agate_table`).
        kept += ["--output", "json"]
    profiles_dir = os.environ.get("DBT_PROFILES_DIR")
    if profiles_dir and "--profiles-dir" not in kept:
        kept += ["--profiles-dir", profiles_dir]
    return kept, command, project_dir


def invoke(args):
    """Runs swdbt; returns (exit status, captured output, command word, project folder)."""
    argv, command, project_dir = _split(args)
    results_path = os.path.join(project_dir, "target", "run_results.json")
    # A stale artifact of an earlier command must not pass for this one's.
    if os.path.exists(results_path):
        os.remove(results_path)
    print(f"\n\nInvoking swdbt with {argv}")
    env = dict(os.environ, NO_COLOR="1")
    try:
        done = subprocess.run(
            # A missing project folder is swdbt's to report, not Python's.
            [BINARY] + argv, cwd=project_dir if os.path.isdir(project_dir) else None, env=env, capture_output=True, text=True,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as expired:
        raise SwdbtProjectError(f"swdbt {' '.join(argv)} timed out after {expired.timeout} s")
    output = done.stdout + done.stderr
    print(output)
    return done.returncode, output, command, project_dir


def _results(command, project_dir, output):
    path = os.path.join(project_dir, "target", "run_results.json")
    if command in _RESULT_COMMANDS:
        if not os.path.exists(path):
            return None
        with open(path) as handle:
            document = json.load(handle)
        nodes = _manifest_nodes(project_dir)
        results = Results([_result(i, nodes) for i in document.get("results", [])], document)
        if command == "show":
            shown = _shown_rows(output)
            for result in results:
                result.agate_table = shown.get(result.node.name, [])
        return results
    if command == "docs generate":
        from dbt.artifacts.schemas.catalog import CatalogArtifact

        catalog = os.path.join(project_dir, "target", "catalog.json")
        if not os.path.exists(catalog):
            return None
        return CatalogArtifact.read_and_check_versions(catalog)
    if command in ("ls", "list"):
        return [line for line in output.splitlines() if line.strip()]
    return None


def _shown_rows(output):
    """The rows `show --output json` printed, by node name."""
    shown = {}
    for line in output.splitlines():
        if line.startswith("{") and '"show"' in line:
            try:
                document = json.loads(line)
            except ValueError:
                continue
            shown[document.get("node")] = document.get("show", [])
    return shown


def _first_error(output):
    """swdbt's first diagnostic line (from text or `--log-format json` output)."""
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                event = json.loads(line)
                line = f"{event.get('level', '')}: {event.get('message', '')}"
            except (ValueError, AttributeError):
                pass
        if "error:" in line and "failed with" not in line:
            return line.strip()
    return output.strip().splitlines()[0] if output.strip() else "no output"


def _usage_error(command, output):
    word = command.split(" ")[0]
    if word not in _SWDBT_COMMANDS:
        return SwdbtUsageError(f"swdbt has no `{word}` command")
    reason = next((line for line in output.splitlines() if line.startswith("Error:")), output)
    return SwdbtUsageError(f"`swdbt {command}` rejected the command line: {reason}")


def _run(args, expect_pass):
    status, output, command, project_dir = invoke(args if args is not None else ["run"])
    if status == 64:
        raise _usage_error(command, output)
    result = _results(command, project_dir, output)
    if status != 0 and command in _RESULT_COMMANDS and (result is None or len(result) == 0):
        # No node ran: the project or the command was refused, where dbt raises.
        raise SwdbtProjectError(
            f"swdbt exited {status} before running a node: {_first_error(output)}\n{output}"
        )
    if expect_pass is not None:
        assert (status == 0) == expect_pass, (
            f"dbt exit state did not match expected: swdbt exited {status}"
            + (f": {_first_error(output)}" if status else "")
            + f"\n{output}"
        )
    return result, output


def run_dbt(args=None, expect_pass=True, callbacks=None):
    """The suite's `run_dbt`, answered by swdbt."""
    return _run(args, expect_pass)[0]


def run_dbt_and_capture(args=None, expect_pass=True):
    """The suite's `run_dbt_and_capture`: results, and swdbt's stdout and stderr as the logs."""
    return _run(args, expect_pass)
