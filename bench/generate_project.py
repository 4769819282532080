#!/usr/bin/env python3
"""Writes a deterministic synthetic swdbt/dbt project of N layered models with YAML tests.

Layout: seeds feed a staging layer (10% of models), then intermediate layers where each model
refs one to three models of earlier layers, through a macro and a var now and then, and a
marts layer. Every model gets not_null and unique tests on `id` in a per-folder YAML file.
The same N always produces the same files. Writes both project.yml and dbt_project.yml (plus
a profiles.yml) so dbt can read the project too.

With `--shape stress` it writes instead the project bench/stress.sh rebuilds again and again:
a quarter of the models tables, a fifth incremental (unique key, `delete+insert` or `merge`,
a look-back window so re-runs replace rows), the rest views, all over four shared seeds
(many models read two seeds or a seed and a model, so replacements meet on the same views),
with not_null, unique, relationships and accepted_values tests and a singular test. At 200
models: 49 tables, 45 incremental models, 106 views, as in issue 16's report.

usage: generate_project.py N OUT_DIR [--schema NAME] [--socket-dir DIR] [--seed-rows N] [--user U]
       [--shape layered|stress] [--url URL]
"""
import argparse
import os
import random
import shutil


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("models", type=int)
    parser.add_argument("out")
    parser.add_argument("--schema", default="bench")
    parser.add_argument("--socket-dir", default="/tmp")
    parser.add_argument("--seed-rows", type=int, default=100)
    parser.add_argument("--user", default=os.environ.get("USER", "postgres"))
    parser.add_argument("--shape", choices=["layered", "stress"], default="layered")
    parser.add_argument("--url", help="stress shape: also a target `url` that connects there")
    args = parser.parse_args()

    rng = random.Random(args.models)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)

    def write(path, text):
        full = os.path.join(args.out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as handle:
            handle.write(text)

    if args.shape == "stress":
        write_stress(args, write, rng)
        return

    write("project.yml", f"""name: bench
target: local
targets:
  local: {{type: postgres, schema: {args.schema}, threads: 4}}
vars:
  multiplier: 2
models:
  bench:
    +materialized: view
""")
    write("dbt_project.yml", f"""name: bench
config-version: 2
profile: bench
model-paths: ["models"]
seed-paths: ["seeds"]
macro-paths: ["macros"]
test-paths: ["tests-sql"]
vars:
  multiplier: 2
models:
  bench:
    +materialized: view
""")
    write("profiles.yml", f"""bench:
  target: local
  outputs:
    local:
      type: postgres
      host: {args.socket_dir}
      port: 5432
      user: {args.user}
      password: ""
      dbname: postgres
      schema: {args.schema}
      threads: 4
""")
    write("macros/bench_macros.sql", """{% macro scaled(column) -%}
  ({{ column }} * {{ var('multiplier') }})
{%- endmacro %}
""")
    seeds = max(1, min(10, args.models // 100))
    for s in range(seeds):
        rows = "\n".join(f"{i},{(i * 7 + s) % 1000}" for i in range(1, args.seed_rows + 1))
        write(f"seeds/raw_{s}.csv", "id,amount\n" + rows + "\n")

    staging = max(1, args.models // 10)
    names = []
    per_folder = 500
    yaml_entries = {}
    for index in range(args.models):
        layer = 0 if index < staging else 1 + (index - staging) * 4 // max(1, args.models - staging)
        name = f"m{index:06d}"
        folder = f"models/layer_{layer}/part_{index // per_folder:03d}"
        if layer == 0:
            body = f"select id, amount from {{{{ ref('raw_{index % seeds}') }}}}"
        else:
            parents = sorted({names[rng.randrange(len(names))] for _ in range(rng.randint(1, 3))})
            first = parents[0]
            lines = [f"select a.id, {{{{ scaled('a.amount') }}}} as amount", f"from {{{{ ref('{first}') }}}} as a"]
            for position, parent in enumerate(parents[1:]):
                alias = "bcd"[position]
                lines.append(f"join {{{{ ref('{parent}') }}}} as {alias} using (id)")
            if index % 7 == 0:
                lines.append("{% if var('multiplier') > 1 %}where a.amount >= 0{% endif %}")
            body = "\n".join(lines)
        write(f"{folder}/{name}.sql", body + "\n")
        yaml_entries.setdefault(folder, []).append(name)
        names.append(name)
    for folder, models in yaml_entries.items():
        entries = "".join(
            f"  - name: {m}\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n" for m in models)
        write(f"{folder}/_models.yml", "version: 2\nmodels:\n" + entries)


def write_stress(args, write, rng):
    """The stress shape (see the module's docstring): deterministic for a given N."""
    url_target = f"\n  url: {{type: postgres, url: '{args.url}', schema: {args.schema}, threads: 4}}" if args.url else ""
    write("project.yml", f"""name: stress
target: local
targets:
  local: {{type: postgres, schema: {args.schema}, threads: 4}}{url_target}
models:
  stress:
    +materialized: view
""")
    seeds = 4
    for s in range(seeds):
        rows = "\n".join(f"{i},{(i * 7 + s) % 1000},{i % 5}" for i in range(1, args.seed_rows + 1))
        write(f"seeds/seed_{s}.csv", "id,amount,grp\n" + rows + "\n")
    write("tests/assert_seeds_share_ids.sql",
          "select a.id from {{ ref('seed_0') }} as a left join {{ ref('seed_3') }} as b using (id)\n"
          "where b.id is null\n")

    n = args.models
    tables, incremental = n * 49 // 200, n * 45 // 200
    kinds = ["table"] * tables + ["incremental"] * incremental + ["view"] * (n - tables - incremental)
    rng.shuffle(kinds)
    staging = max(1, n // 5)
    names = []
    yaml_entries = {}
    for index in range(n):
        name = f"s{index:04d}"
        kind = kinds[index]
        folder = f"models/{'staging' if index < staging else 'layer_' + str(1 + index * 3 // n)}"
        seed = f"seed_{index % seeds}"
        if index < staging:
            # Every staging model reads one seed, half of them a second one: four seeds
            # shared by dozens of relations, which is where replacements meet.
            parents = [("seed", seed)]
            if index % 2 == 0:
                parents.append(("seed", f"seed_{(index + 1 + index // seeds) % seeds}"))
        else:
            picked = sorted({names[rng.randrange(len(names))] for _ in range(rng.randint(1, 3))})
            parents = [("model", m) for m in picked]
            if index % 3 == 0:
                parents.append(("seed", seed))
        lines = []
        if kind == "incremental":
            strategy = "merge" if index % 2 else "delete+insert"
            lines.append(f"{{{{ config(materialized='incremental', unique_key='id', "
                         f"incremental_strategy='{strategy}') }}}}")
        elif kind == "table":
            lines.append("{{ config(materialized='table') }}")
        amount = " + ".join(f"{'abcd'[p]}.amount" for p in range(len(parents)))
        lines.append(f"select a.id, {amount} as amount, a.grp")
        lines.append(f"from {{{{ ref('{parents[0][1]}') }}}} as a")
        for position, (_, parent) in enumerate(parents[1:]):
            lines.append(f"join {{{{ ref('{parent}') }}}} as {'bcd'[position]} using (id)")
        if kind == "incremental":
            # A look-back window: every re-run deletes or merges the last rows again.
            lines.append("{% if is_incremental() %}")
            lines.append("where a.id > (select coalesce(max(id), 0) - 20 from {{ this }})")
            lines.append("{% endif %}")
        write(f"{folder}/{name}.sql", "\n".join(lines) + "\n")
        tests = "      - name: id\n        data_tests:\n          - not_null\n          - unique\n"
        if index % 5 == 0:
            tests += f"          - relationships: {{to: ref('{seed}'), field: id}}\n"
        if index % 4 == 0:
            tests += "      - name: grp\n        data_tests:\n          - accepted_values: {values: [0, 1, 2, 3, 4]}\n"
        yaml_entries.setdefault(folder, []).append(f"  - name: {name}\n    columns:\n{tests}")
        names.append(name)
    for folder, entries in yaml_entries.items():
        write(f"{folder}/_models.yml", "version: 2\nmodels:\n" + "".join(entries))


if __name__ == "__main__":
    main()
