#!/usr/bin/env python3
"""Validates results files against docs/results.schema.json with python3-jsonschema.

    validate_schema.py <schema.json> <results.json>...

Also checks that the schema itself is a valid draft 2020-12 schema, that it rejects a results
file with an identifier in it (so the privacy rule in the schema is live), and that it holds the
per-benchmark extras to the shape of the file's schema version.
"""
import copy
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sys.argv[2:]:
        doc = json.load(open(path))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print(f"{path}: {'/'.join(str(p) for p in e.path)}: {e.message}")
        if errors:
            return 1
        # The schema must refuse identifiers when they were not asked for.
        if not doc["ec2bench"]["include_identifiers"]:
            leaked = copy.deepcopy(doc)
            leaked["ec2bench"]["ec2"]["account_id"] = {"value": "123456789012", "source": "imdsv2"}
            if validator.is_valid(leaked):
                print(f"{path}: the schema accepts an account id without include_identifiers")
                return 1
            leaked = copy.deepcopy(doc)
            leaked["context"]["host_name"] = "ip-10-0-0-12"
            if validator.is_valid(leaked):
                print(f"{path}: the schema accepts a host name without include_identifiers")
                return 1
        # The extras must have the shape of the file's schema version (version 1 files still
        # validate, with theirs).
        eb = doc["ec2bench"]
        if eb["schema_version"] == 2 and eb["benchmarks"]:
            name = next(iter(eb["benchmarks"]))
            v1_entry = {"facts": {}, "values": {"x": 1}, "warnings": []}
            old = copy.deepcopy(doc)
            old["ec2bench"]["benchmarks"][name] = v1_entry
            if validator.is_valid(old):
                print(f"{path}: the schema accepts a version 1 entry in a version 2 file")
                return 1
            old["ec2bench"]["benchmarks"] = {name: v1_entry}
            old["ec2bench"]["schema_version"] = 1
            if not validator.is_valid(old):
                print(f"{path}: the schema refuses a version 1 file")
                return 1
        print(f"{path}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
