"""The comparison bench/metricflow.sh runs; see that script."""

import argparse
import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out", "metricflow")
VENV = os.path.join(ROOT, "bench", ".venv")
SWDBT = os.path.join(ROOT, ".build", "release", "swdbt")
MF = os.path.join(VENV, "bin", "mf")
DBT = os.path.join(VENV, "bin", "dbt")
SCHEMA = "mfbench"
ENV = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1", NO_COLOR="1")

# (metrics, group-by, where): every metric type, grains, joins through entities, a filter.
REQUESTS = [
    ("revenue", "metric_time__month", None),
    ("orders,units", "metric_time__quarter", None),
    ("order_lines,average_line_revenue", "product__category", None),
    ("median_line_revenue,line_revenue_p90", "metric_time__year", None),
    ("largest_line_revenue,lowest_unit_price", "customer__country_code", None),
    ("bulk_lines", "metric_time__month", None),
    ("average_basket", "metric_time__month", None),
    ("revenue_mom_growth,revenue_yoy_growth", "metric_time__month", None),
    ("revenue_previous_month", "metric_time__month", None),
    ("revenue_to_date", "metric_time__month", None),
    ("revenue_month_to_date", "metric_time__month", None),
    ("revenue_last_30_days", "metric_time__day", None),
    ("new_customers", "customer__country_code,customer__age_band", None),
    ("cancellation_rate,placed_orders", "metric_time__quarter", None),
    ("revenue", "metric_time__month", "{{ Dimension('customer__country_code') }} = 'DE'"),
    # Conversion metrics (rate within a window, conversions without one).
    ("signup_to_first_order_rate,new_customers", "metric_time__month", None),
    ("signups_converted", "customer__country_code", None),
    # join_to_timespine with fill_nulls_with; a cumulative metric by day.
    ("daily_revenue", "metric_time__month", None),
    ("daily_revenue", "metric_time__day",
     "{{ TimeDimension('metric_time', 'day') }} between '2024-01-01' and '2024-03-31'"),
    ("customers_to_date", "metric_time__month", None),
    # offset_to_grain; offsets with a metric_time filter (applied after the offset).
    ("revenue_year_to_date_start", "metric_time__month", None),
    ("revenue_mom_growth", "metric_time__month",
     "{{ TimeDimension('metric_time', 'month') }} >= '2024-06-01'"),
    # Two hops (fact_sales -> dim_orders -> dim_customers); a metric in a filter; an entity.
    ("revenue", "sales_order__customer__country_code", None),
    ("revenue", "metric_time__year", "{{ Metric('orders', group_by=['customer']) }} >= 3"),
    ("placed_orders", "customer", "{{ Entity('customer') }} <= 20"),
]


def sh(args, cwd=ROOT, check=True):
    result = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def prepare():
    """The warehouse built by swdbt into SCHEMA; a dbt project over the same relations."""
    project = os.path.join(OUT, "swdbt")
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(project)
    for name in ("models", "macros", "tests-sql", "seeds", "snapshots"):
        if os.path.exists(os.path.join(ROOT, name)):
            shutil.copytree(os.path.join(ROOT, name), os.path.join(project, name))
    server_yaml = open(os.path.join(ROOT, "project.yml")).read()
    sh([SWDBT, "local", "start", "--project-dir", ROOT])
    debug = sh([SWDBT, "debug", "--project-dir", ROOT]).stdout
    socket = re.search(r"host=(\S+)", debug).group(1)
    pointed = server_yaml.replace(
        "    type: postgres\n    schema: analytics\n",
        f"    type: postgres\n    host: {socket}\n    user: swdbt\n    dbname: postgres\n"
        f"    schema: {SCHEMA}\n")
    assert pointed != server_yaml, "the warehouse's local target changed shape"
    open(os.path.join(project, "project.yml"), "w").write(pointed)
    sh([SWDBT, "build", "--project-dir", project])

    dbt_project = os.path.join(OUT, "dbt")
    os.makedirs(os.path.join(dbt_project, "models", "star"))
    shutil.copy(os.path.join(ROOT, "models", "star", "_star.yml"),
                os.path.join(dbt_project, "models", "star", "_star.yml"))
    for sql in os.listdir(os.path.join(ROOT, "models", "star")):
        if sql.endswith(".sql"):
            # Never run: mf reads the tables swdbt built under the same names.
            open(os.path.join(dbt_project, "models", "star", sql), "w").write("select 1 as stub\n")
    open(os.path.join(dbt_project, "dbt_project.yml"), "w").write(
        "name: shop\nversion: '0.1.0'\nprofile: shop\nmodel-paths: [models]\n"
        "models:\n  shop:\n    star:\n      +schema: star\n      +materialized: table\n")
    open(os.path.join(dbt_project, "profiles.yml"), "w").write(
        "shop:\n  target: bench\n  outputs:\n    bench:\n      type: postgres\n"
        f"      host: {socket}\n      user: swdbt\n      password: ''\n      port: 5432\n"
        f"      dbname: postgres\n      schema: {SCHEMA}\n      threads: 1\n")
    sh([DBT, "parse", "--profiles-dir", "."], cwd=dbt_project)
    return project, dbt_project


def normalized(rows):
    """Rows as comparable tuples: dates to their day, numbers to 6 decimals, sorted."""
    out = []
    for row in rows:
        cells = []
        for value in row:
            value = (value or "").strip()
            if re.match(r"^\d{4}-\d{2}-\d{2}", value):
                value = value[:10]
            else:
                try:
                    value = f"{float(value):.6f}"
                except ValueError:
                    pass
            cells.append(value)
        out.append(tuple(cells))
    return sorted(out)


def run_swdbt(project, metrics, group_by, where):
    args = [SWDBT, "query", "--project-dir", project, "--metrics", metrics, "--group-by", group_by,
            "--output", "csv"]
    if where:
        args += ["--where", where]
    started = time.monotonic()
    result = sh(args)
    elapsed = time.monotonic() - started
    rows = list(csv.reader(io.StringIO(result.stdout)))
    return rows[0], rows[1:], elapsed


def run_mf(dbt_project, metrics, group_by, where):
    target = os.path.join(OUT, "mf.csv")
    args = [MF, "query", "--metrics", metrics, "--group-by", group_by, "--csv", target]
    if where:
        args += ["--where", where]
    started = time.monotonic()
    sh(args, cwd=dbt_project)
    elapsed = time.monotonic() - started
    with open(target) as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:], elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    ENV["DBT_PROFILES_DIR"] = os.path.join(OUT, "dbt")
    project, dbt_project = prepare()
    versions = sh([os.path.join(VENV, "bin", "python"), "-c",
                   "import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
                   "('dbt-core', 'dbt-metricflow', 'metricflow')))"]).stdout.strip()
    print(f"MetricFlow comparison ({versions}), {args.reps} runs per request per tool, medians")
    print(f"{'request':<62} {'rows':>5} {'same':>5} {'swdbt':>8} {'mf':>8} {'x':>6}")
    identical = 0
    ratios = []
    for metrics, group_by, where in REQUESTS:
        swdbt_times, mf_times = [], []
        for _ in range(args.reps):
            swdbt_columns, swdbt_rows, elapsed = run_swdbt(project, metrics, group_by, where)
            swdbt_times.append(elapsed)
            mf_columns, mf_rows, elapsed = run_mf(dbt_project, metrics, group_by, where)
            mf_times.append(elapsed)
        # Columns by name: mf may order them differently.
        order = [mf_columns.index(c) if c in mf_columns else -1 for c in swdbt_columns]
        reordered = [[row[i] if i >= 0 else "" for i in order] for row in mf_rows]
        same = normalized(swdbt_rows) == normalized(reordered) and -1 not in order
        identical += same
        s, m = statistics.median(swdbt_times), statistics.median(mf_times)
        ratios.append(m / s)
        label = f"{metrics} by {group_by}" + (" where ..." if where else "")
        print(f"{label[:62]:<62} {len(swdbt_rows):>5} {'yes' if same else 'NO':>5} "
              f"{s:>7.3f}s {m:>7.3f}s {m / s:>5.0f}x", flush=True)
        if not same:
            print(f"    swdbt columns {swdbt_columns}, mf columns {mf_columns}")
            left, right = normalized(swdbt_rows), normalized(reordered)
            print(f"    swdbt only: {[r for r in left if r not in right][:3]}")
            print(f"    mf only:    {[r for r in right if r not in left][:3]}")
    print(f"identical rows: {identical} of {len(REQUESTS)} requests; "
          f"swdbt faster by {statistics.median(ratios):.0f}x (median), "
          f"{min(ratios):.0f}x at least")


if __name__ == "__main__":
    main()
