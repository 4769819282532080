"""The PostgreSQL answers an adapter must give some suite classes before they can run.

A few suite classes leave methods to each adapter (how to read a relation's type or refresh a
materialized view); dbt-postgres fills them in its own tests. These are written here for
PostgreSQL, as plain catalog queries; they only observe the database, never build anything.
"""

import pytest

from dbt.tests.adapter.materialized_view import files as mv_files
from dbt.tests.adapter.materialized_view.basic import MaterializedViewBasic
from dbt.tests.adapter.materialized_view.changes import MaterializedViewChanges
from dbt.tests.util import get_model_file, set_model_file


def _relation_type(project, relation):
    rows = project.run_sql(
        f"""
        select case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view'
                               when 'm' then 'materialized_view' else c.relkind::text end
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = '{relation.schema}' and c.relname = '{relation.identifier}'
        """,
        fetch="all",
    )
    return rows[0][0] if rows else None


def _index_columns(project, relation):
    """Each index of the relation as its column list (`id`, `id, value`)."""
    rows = project.run_sql(
        f"""
        select string_agg(a.attname, ', ' order by k.ordinality)
        from pg_index i
        join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace
        cross join lateral unnest(i.indkey) with ordinality as k(attnum, ordinality)
        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where n.nspname = '{relation.schema}' and c.relname = '{relation.identifier}'
        group by i.indexrelid
        """,
        fetch="all",
    )
    return sorted(row[0] for row in rows)


class PostgresMaterializedViewBasic:
    """`MaterializedViewBasic`'s adapter methods for PostgreSQL."""

    @staticmethod
    def insert_record(project, table, record):
        project.run_sql(f"insert into {table} (id, value) values ({record[0]}, {record[1]})")

    @staticmethod
    def refresh_materialized_view(project, materialized_view):
        project.run_sql(f"refresh materialized view {materialized_view}")

    @staticmethod
    def query_row_count(project, relation):
        return project.run_sql(f"select count(*) from {relation}", fetch="one")[0]

    @staticmethod
    def query_relation_type(project, relation):
        return _relation_type(project, relation)


_MV_WITH_INDEX = """
{{ config(
    materialized='materialized_view',
    indexes=[{'columns': ['id']}],
) }}
select * from {{ ref('my_seed') }}
"""


class PostgresMaterializedViewChanges:
    """`MaterializedViewChanges`' adapter methods: an index change is applied in place (ALTER),
    a query change rebuilds the view (REPLACE)."""

    @pytest.fixture(scope="class", autouse=True)
    def models(self):
        yield {"my_materialized_view.sql": _MV_WITH_INDEX}

    @staticmethod
    def query_relation_type(project, relation):
        return _relation_type(project, relation)

    @staticmethod
    def check_start_state(project, materialized_view):
        assert _index_columns(project, materialized_view) == ["id"]

    @staticmethod
    def change_config_via_alter(project, materialized_view):
        model = get_model_file(project, materialized_view)
        set_model_file(project, materialized_view, model.replace("['id']", "['value']"))

    @staticmethod
    def check_state_alter_change_is_applied(project, materialized_view):
        assert _index_columns(project, materialized_view) == ["value"]

    @staticmethod
    def change_config_via_replace(project, materialized_view):
        model = get_model_file(project, materialized_view)
        new = model.replace("select * from", "select id, value, 1 as marker from")
        set_model_file(project, materialized_view, new)

    @staticmethod
    def check_state_replace_change_is_applied(project, materialized_view):
        columns = project.run_sql(
            f"""
            select a.attname from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = '{materialized_view.schema}'
              and c.relname = '{materialized_view.identifier}' and a.attnum > 0
            """,
            fetch="all",
        )
        assert "marker" in [row[0] for row in columns]


_HOOKS = [
    (MaterializedViewBasic, PostgresMaterializedViewBasic),
    (MaterializedViewChanges, PostgresMaterializedViewChanges),
]

# Mixin classes the suite means to be combined with a base: (folder.module, base, mixin, hooks).
COMPOSITIONS = [
    ("materialized_view.changes", "MaterializedViewChanges", mixin, (PostgresMaterializedViewChanges,))
    for mixin in (
        "MaterializedViewChangesApplyMixin",
        "MaterializedViewChangesContinueMixin",
        "MaterializedViewChangesFailMixin",
    )
]

# Bases that only run combined with a mixin above.
COMPLETED_BY_MIXINS = {base for _, base, _, _ in COMPOSITIONS}


def hooks_for(cls):
    """The adapter classes to put before a suite class in its test class's bases."""
    return tuple(hook for base, hook in _HOOKS if issubclass(cls, base))
