#!/usr/bin/env python3
# Test setup: puts the Alpine secdb test data into the layout secdb.alpinelinux.org
# publishes (vX.Y/main.json: {distroversion, reponame, packages:[{pkg:{name, secfixes}}]}).
# Usage: secdb_to_json.py OUTDIR DATADIR
import json
import os
import sys

import yaml

out, data = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

# The official secdb in its YAML source form: same structure, YAML-encoded.
# BaseLoader keeps every scalar a string, as in the published JSON.
for ver in ("v3.10", "v3.11"):
    for repo in ("main", "community"):
        with open(os.path.join(data, "alpine-secdb-yaml", ver, repo + ".yaml")) as f:
            doc = yaml.load(f, Loader=yaml.BaseLoader)
        with open(os.path.join(out, "%s-%s.json" % (ver, repo)), "w") as f:
            json.dump(doc, f, indent=2)

# vuln-list splits main.json into one file per package; join them back.
for ver in ("3.10", "3.12"):
    folder = os.path.join(data, "alpine-secdb-vulnlist", ver, "main")
    doc = None
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            p = json.load(f)
        if doc is None:
            doc = {k: p[k] for k in ("apkurl", "archs", "urlprefix", "reponame", "distroversion")}
            doc["packages"] = []
        doc["packages"].append({"pkg": {"name": p["name"], "secfixes": p["secfixes"]}})
    with open(os.path.join(out, "vulnlist-v%s-main.json" % ver), "w") as f:
        json.dump(doc, f, indent=2)
