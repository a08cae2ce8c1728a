#!/usr/bin/env python3
# Validates a JSON document against an official JSON schema, resolving $refs only
# from the schema files in the schema's own folder (no network). Exit 0 if valid.
import glob
import json
import os
import sys

import jsonschema


def main():
    if len(sys.argv) != 3:
        print('usage: validate_schema.py SCHEMA DOCUMENT', file=sys.stderr)
        return 2
    schema_path, doc_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding='utf-8') as f:
        schema = json.load(f)
    with open(doc_path, encoding='utf-8') as f:
        doc = json.load(f)
    local = {}
    for p in glob.glob(os.path.join(os.path.dirname(os.path.abspath(schema_path)), '*.json')):
        with open(p, encoding='utf-8') as f:
            s = json.load(f)
        if isinstance(s, dict) and '$id' in s:
            local[s['$id']] = s
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    try:
        from referencing import Registry, Resource
        from referencing.exceptions import NoSuchResource

        def retrieve(uri):
            raise NoSuchResource(ref=uri)  # never fetch anything

        registry = Registry(retrieve=retrieve).with_resources(
            (uri, Resource.from_contents(s)) for uri, s in local.items())
        validator = cls(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(schema, store=local)
        resolver.handlers = {'http': None, 'https': None}
        validator = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:20]:
        print('%s: %s at %s' % (doc_path, e.message[:300], '/'.join(map(str, e.absolute_path))),
              file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
