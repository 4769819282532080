#!/usr/bin/env python3
"""Writes GDPR.md's personal-data inventory from the `meta: {pii: ...}` tags in the manifest.

usage: swift run swdbt docs generate --empty-catalog && python3 scripts/pii_inventory.py
Replaces the text between the pii-inventory markers in GDPR.md; --check exits 1 when the file
is out of date instead of writing it.
"""

import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
START, END = "<!-- pii-inventory:start -->", "<!-- pii-inventory:end -->"
MEANING = {
    True: "personal data",
    "masked": "masked: no longer identifies the person alone",
    "pseudonymised": "pseudonymised: links rows, shows no one",
}


def inventory(manifest):
    rows = []
    for section in ("sources", "nodes"):
        for unique_id, node in sorted(manifest[section].items()):
            for column in node.get("columns", {}).values():
                pii = (column.get("meta") or {}).get("pii")
                if pii in (None, False):
                    continue
                layer = node["fqn"][1] if len(node["fqn"]) > 2 else node["resource_type"]
                relation = node.get("relation_name") or unique_id
                rows.append((layer, relation, column["name"], MEANING.get(pii, str(pii))))
    lines = ["| Layer | Relation | Column | Kind |", "|---|---|---|---|"]
    lines += [f"| {layer} | `{relation}` | `{column}` | {kind} |" for layer, relation, column, kind in rows]
    return "\n".join(lines)


def main():
    manifest_path = os.path.join(ROOT, "target", "manifest.json")
    with open(manifest_path, encoding="utf-8") as handle:
        table = inventory(json.load(handle))
    gdpr_path = os.path.join(ROOT, "GDPR.md")
    with open(gdpr_path, encoding="utf-8") as handle:
        text = handle.read()
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    updated = f"{before}{START}\n{table}\n{END}{after}"
    if "--check" in sys.argv:
        sys.exit(0 if updated == text else 1)
    with open(gdpr_path, "w", encoding="utf-8") as handle:
        handle.write(updated)
    print(f"{table.count(chr(10)) - 1} personal-data columns -> GDPR.md")


if __name__ == "__main__":
    main()
