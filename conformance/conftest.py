"""pytest wiring that runs dbt's adapter suite (dbt-tests-adapter) against swdbt.

dbt's own fixtures (`dbt.tests.fixtures.project`) write each test's project and profile and set
up its schema through dbt-postgres, which here only runs SQL and answers the suite's look-ups
(`check_relations_equal`, relation types). Every `run_dbt` the suite calls runs swdbt instead.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import postgres  # noqa: E402
import swdbt_runner  # noqa: E402

pytest_plugins = ["dbt.tests.fixtures.project"]

_cluster = None
TEST_USER = "root"
TEST_DATABASE = "dbt"


def _patch_run_dbt():
    """Makes every `run_dbt` name the suite can reach point at swdbt's.

    Test modules bind `from dbt.tests.util import run_dbt` when imported, so the module is
    patched before collection imports them, and any module imported earlier is patched too.
    """
    import dbt.tests.util as util

    replacements = {
        "run_dbt": swdbt_runner.run_dbt,
        "run_dbt_and_capture": swdbt_runner.run_dbt_and_capture,
    }
    originals = {name: getattr(util, name) for name in replacements}
    for module in list(sys.modules.values()):
        for name, replacement in replacements.items():
            if getattr(module, name, None) is originals[name]:
                setattr(module, name, replacement)


def pytest_configure(config):
    global _cluster
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    _patch_run_dbt()
    if hasattr(config, "workerinput") or _cluster is not None:
        return
    _cluster = postgres.Cluster()
    _cluster.start()
    os.environ["SWDBT_CONFORMANCE_SOCKET"] = _cluster.socket_dir
    # The grants tests grant to the roles these variables name, as dbt-postgres's CI sets up.
    for number in (1, 2, 3):
        _cluster.execute(f"create role dbt_test_user_{number}")
        os.environ[f"DBT_TEST_USER_{number}"] = f"dbt_test_user_{number}"
    # dbt-postgres's CI connects as `root` to a database `dbt`, and the hooks tests assert
    # `target.user` and `target.dbname` against those names.
    _cluster.execute(f"create role {TEST_USER} superuser login")
    _cluster.execute(f"create database {TEST_DATABASE} owner {TEST_USER}")


def pytest_unconfigure(config):
    global _cluster
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


@pytest.fixture(scope="class")
def dbt_profile_target():
    """The session's cluster, on its unix socket; the password is empty (trust authentication),
    since swdbt refuses a literal one."""
    return {
        "type": "postgres",
        "threads": 4,
        "host": os.environ["SWDBT_CONFORMANCE_SOCKET"],
        "port": postgres.PORT,
        "user": TEST_USER,
        "pass": "",
        "dbname": TEST_DATABASE,
    }


@pytest.fixture(scope="class")
def test_data_dir(request, tmp_path_factory):
    """The suite folder's `data/` when it has one (hooks read files there); otherwise a path in
    a temporary folder that does not exist yet, since some tests create and remove it."""
    suite_dir = getattr(request.cls, "_suite_dir", None)
    if suite_dir and os.path.isdir(os.path.join(suite_dir, "data")):
        return Path(suite_dir) / "data"
    return Path(tmp_path_factory.mktemp("data")) / "data"


@pytest.fixture(scope="class")
def logs_dir(tmp_path_factory):
    """dbt's event log of the fixtures' own adapter calls, kept out of the repository."""
    path = str(tmp_path_factory.mktemp("logs"))
    os.environ["DBT_LOG_PATH"] = path
    yield path
    os.environ.pop("DBT_LOG_PATH", None)


@pytest.fixture(scope="class")
def project(project_setup, project_files, request):
    """dbt's `project`, whose `test_dir` is the suite's folder of the test class (files such as
    `seed_bom.csv` are read from there) instead of the harness's."""
    suite_dir = getattr(request.cls, "_suite_dir", None)
    if suite_dir:
        project_setup.test_dir = suite_dir
    # In dbt the suite's adapter shares the in-process run's open connection; swdbt runs in a
    # process of its own, so `project.adapter.list_relations` opens one of its own.
    adapter = project_setup.adapter
    if not getattr(adapter, "_swdbt_wrapped", False):
        listing = adapter.list_relations

        def list_relations(*args, **kwargs):
            with adapter.connection_named("__swdbt_list_relations"):
                return listing(*args, **kwargs)

        adapter.list_relations = list_relations
        adapter._swdbt_wrapped = True
    return project_setup
