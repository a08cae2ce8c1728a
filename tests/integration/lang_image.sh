#!/bin/bash
# Language packages in a real image: layer 2 of an Alpine image holds a
# node_modules tree, Python dist-info folders, jars and a Go binary taken from
# this machine; the SBOM must list them with the versions the tools report.
. "$(dirname "$0")/lib.sh"

for tool in node npm python3 unzip zip; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
NPMDIR=/usr/lib/node_modules/npm
JAVA=/usr/share/java
PY=/usr/lib/python3/dist-packages

ver=3.20.3
base=$(alpine_oci $ver)
img=$TMP/img
cp -r "$base" "$img"
chmod -R u+w "$img"
L=$TMP/l2

# npm: an application whose node_modules holds real packages (copies of the
# ones npm bundles, so no registry is contacted), one of them twice at two
# versions' places (nested), plus npm itself with a few of its bundled deps.
app=$L/srv/app
mkdir -p "$app/node_modules"
printf '{"name":"app","version":"1.0.0","dependencies":{"semver":"*","debug":"*","ms":"*","chalk":"*"}}\n' >"$app/package.json"
for p in semver debug ms chalk lru-cache; do
	[ -d "$NPMDIR/node_modules/$p" ] && cp -r "$NPMDIR/node_modules/$p" "$app/node_modules/"
done
mkdir -p "$app/node_modules/debug/node_modules"
cp -r "$NPMDIR/node_modules/ms" "$app/node_modules/debug/node_modules/"
mkdir -p "$L/usr/lib/node_modules/npm/node_modules"
cp "$NPMDIR/package.json" "$L/usr/lib/node_modules/npm/"
cp -r "$NPMDIR/node_modules/abbrev" "$L/usr/lib/node_modules/npm/node_modules/"
# What npm itself says is installed (npm ls reads the tree; no network).
(cd "$app" && npm ls --all --json --offline 2>/dev/null) >"$TMP/npm-ls.json"
python3 - "$TMP/npm-ls.json" "$NPMDIR/package.json" >"$TMP/expect-npm" <<'PY'
import json, sys
def walk(d, out):
    for name, v in (d.get("dependencies") or {}).items():
        if "version" in v:
            out.add(f"{name}@{v['version']}")
        walk(v, out)
s = set()
walk(json.load(open(sys.argv[1])), s)
n = json.load(open(sys.argv[2]))
s.add(f"{n['name']}@{n['version']}")
print("\n".join(sorted(s)))
PY

# Python: real dist-info and egg-info folders of Debian's python3 packages.
site=$L/usr/lib/python3/dist-packages
mkdir -p "$site"
for d in "$PY"/PyYAML-*.dist-info "$PY"/attrs-*.dist-info "$PY"/cryptography-*.dist-info \
	"$PY"/Pygments-*.egg-info "$PY"/idna-*.egg-info; do
	[ -e "$d" ] && cp -r "$d" "$site/"
done
python3 - "$site" >"$TMP/expect-pypi" <<'PY'
import importlib.metadata as m, re, sys
out = set()
for dist in m.distributions(path=[sys.argv[1]]):
    out.add(re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower() + "@" + dist.version)
print("\n".join(sorted(out)))
PY

# Java: Debian's jars and a Spring Boot style fat jar made of them.
mkdir -p "$L/opt/java" "$TMP/fat/BOOT-INF/lib"
for j in commons-lang3 guava commons-io; do
	f=$(ls "$JAVA/$j"-[0-9]*.jar 2>/dev/null | head -n1)
	[ -n "$f" ] || continue
	cp "$f" "$L/opt/java/"
	cp "$f" "$TMP/fat/BOOT-INF/lib/"
done
(cd "$TMP/fat" && zip -qr "$L/opt/app.jar" .)
: >"$TMP/expect-maven"
for f in "$L"/opt/java/*.jar; do
	unzip -p "$f" 'META-INF/maven/*/pom.properties' | tr -d '\r' |
		awk -F= '/^groupId=/{g=$2} /^artifactId=/{a=$2} /^version=/{v=$2} END{print g ":" a "@" v}'
done | sort -u >"$TMP/expect-maven"

# Go: Debian's umoci; `go version -m` names its toolchain when Go is here.
mkdir -p "$L/usr/local/bin"
cp /usr/bin/umoci "$L/usr/local/bin/umoci"

tar --numeric-owner -C "$L" -cf "$TMP/l.tar" .
umoci raw add-layer --image "$img:$ver" --tag lang "$TMP/l.tar" >/dev/null

check "lang image scans" sh -c '"$0" sbom --format json "oci:$1:lang" >"$2" 2>"$3"' \
	"$CUSTOMS" "$img" "$TMP/sbom.json" "$TMP/err"

# got TYPE [PATH-PREFIX]: the name@version set of that type, from the SBOM.
got() {
	python3 - "$TMP/sbom.json" "$1" "${2:-}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted({p["name"] + "@" + p["version"] for p in d["packages"]
                        if p["type"] == sys.argv[2] and p["path"].startswith(sys.argv[3])})))
PY
}

check "npm: expected set is not empty" test "$(wc -l <"$TMP/expect-npm")" -ge 5
got npm >"$TMP/got-npm"
check "npm: the packages npm ls lists, npm itself, not its bundled abbrev" \
	diff "$TMP/expect-npm" "$TMP/got-npm"
check "pypi: expected set is not empty" test "$(wc -l <"$TMP/expect-pypi")" -ge 3
got pypi >"$TMP/got-pypi"
check "pypi: the distributions importlib.metadata finds" diff "$TMP/expect-pypi" "$TMP/got-pypi"
got maven opt/java/ >"$TMP/got-maven"
check "maven: each jar's pom.properties" diff "$TMP/expect-maven" "$TMP/got-maven"
got maven opt/app.jar >"$TMP/got-fat"
check "maven: the fat jar holds the same libraries" diff "$TMP/expect-maven" "$TMP/got-fat"
if command -v go >/dev/null; then
	gov=$(go version -m /usr/bin/umoci | head -n1 | sed 's/.*: go//')
	check "golang: stdlib v$gov from umoci" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
s=[p for p in d["packages"] if p["type"]=="golang" and p["name"]=="stdlib"]
sys.exit(0 if len(s)==1 and s[0]["version"]=="v"+sys.argv[2] and s[0]["path"]=="usr/local/bin/umoci" else 1)' "$TMP/sbom.json" "$gov"
fi
check "every language package comes from layer 2, with a purl of its type" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); L=d["artifact"]["layers"]
P=[p for p in d["packages"] if p["type"] in ("npm","pypi","maven","golang")]
ok=len(P)>0 and all(p["layer"]==L[1] and p["purl"].startswith("pkg:"+p["type"]+"/") for p in P)
sys.exit(0 if ok else 1)' "$TMP/sbom.json"
check "purls: scoped npm-style, maven group, pypi" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); U={p["purl"] for p in d["packages"]}
need=["pkg:maven/org.apache.commons/commons-lang3@", "pkg:pypi/pyyaml@", "pkg:golang/stdlib@v1."]
sys.exit(0 if all(any(u.startswith(n) for u in U) for n in need) else 1)' "$TMP/sbom.json"
check "the Alpine packages are still there, from layer 1" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); L=d["artifact"]["layers"]
A=[p for p in d["packages"] if p["type"]=="apk"]
sys.exit(0 if len(A)==14 and all(p["layer"]==L[0] for p in A) else 1)' "$TMP/sbom.json"

finish
