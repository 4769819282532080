#!/usr/bin/env python3
"""Writes a deterministic synthetic swdbt/dbt project of N layered models with YAML tests.

Layout: seeds feed a staging layer (10% of models), then intermediate layers where each model
refs one to three models of earlier layers, through a macro and a var now and then, and a
marts layer. Every model gets not_null and unique tests on `id` in a per-folder YAML file.
The same N always produces the same files. Writes both project.yml and dbt_project.yml (plus
a profiles.yml) so dbt can read the project too.

usage: generate_project.py N OUT_DIR [--schema NAME] [--socket-dir DIR] [--seed-rows N] [--user U]
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


if __name__ == "__main__":
    main()
