#!/bin/bash
# Secrets and misconfiguration checks end to end, on images built with umoci
# from the real Alpine 3.12.12 minirootfs: a "leaky" image with fake-value
# credentials in a file, in ENV, in a history line and in a file a later
# layer deletes, failing every check; a "clean" image passing them all; and
# the false positives on the Debian bookworm minbase image (when cached).
. "$(dirname "$0")/lib.sh"

ver=3.12.12
img=$TMP/img
alpine_copy $ver "$img"

# Fake values in real formats (AWS's documented example key pair).
AKID=AKIAIOSFODNN7EXAMPLE
ASK=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
GHP=ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
NPM=npm_abcdefghijklmnopqrstuvwxyz0123456789
GLPAT=glpat-abcdefghij0123456789
ALL_SECRETS="$AKID $ASK $GHP $NPM $GLPAT"

# Layer 2: a credentials file, a token in a file deleted above, sshd, setuid
# sudo, a cache, a world-writable folder (and one under /tmp, which is fine).
mkdir -p "$TMP/l2/etc/app" "$TMP/l2/opt" "$TMP/l2/usr/sbin" "$TMP/l2/usr/bin" "$TMP/l2/var/cache/apk"
printf '[default]\n# keys\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AKID" "$ASK" \
	>"$TMP/l2/etc/app/credentials"
printf 'registry=x\n//npm/:_authToken=%s\n' "$NPM" >"$TMP/l2/opt/.npmrc"
printf 'token: %s\n' "$GHP" >"$TMP/l2/etc/app/token"
printf '#!/bin/sh\n' >"$TMP/l2/usr/sbin/sshd"
printf '#!/bin/sh\n' >"$TMP/l2/usr/bin/sudo"
printf 'x' >"$TMP/l2/var/cache/apk/APKINDEX.1234.tar.gz"
chmod 4755 "$TMP/l2/usr/bin/sudo"
mkdir -p "$TMP/l2/srv/drop" "$TMP/l2/tmp/ok"
chmod 0777 "$TMP/l2/srv/drop" "$TMP/l2/tmp/ok"
add_layer "$img" $ver l2 "$TMP/l2"
# Layer 3 deletes the .npmrc and overwrites the token file with a clean one:
# the image still ships both old files in layer 2.
mkdir -p "$TMP/l3/opt" "$TMP/l3/etc/app"
: >"$TMP/l3/opt/.wh..npmrc"
printf 'token: rotated\n' >"$TMP/l3/etc/app/token"
add_layer "$img" l2 leaky "$TMP/l3"
umoci config --image "$img:leaky" --config.env "GITHUB_TOKEN=$GHP" --config.exposedports 22/tcp \
	--config.label org.opencontainers.image.base.name=docker.io/library/alpine:3.12 \
	--history.created_by "RUN /bin/sh -c GITLAB=$GLPAT ./fetch.sh # buildkit" >/dev/null
umoci config --image "$img:leaky" --history.created_by "ADD https://example.invalid/app.tar.gz /opt/" >/dev/null

# The clean image: non-root user, a healthcheck, base pinned by digest.
umoci config --image "$img:$ver" --tag clean --config.user 1000:1000 \
	--config.label org.opencontainers.image.base.name=docker.io/library/alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef >/dev/null
# umoci cannot set HEALTHCHECK: add it to the config blob and re-point the
# manifest and the index at the new digests.
python3 - "$img" clean <<'PY'
import hashlib, json, os, sys
root, tag = sys.argv[1], sys.argv[2]
def blob(d): return os.path.join(root, "blobs", "sha256", d.split(":")[1])
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(root, "blobs", "sha256", h), "wb").write(data)
    return "sha256:" + h, len(data)
idx = json.load(open(os.path.join(root, "index.json")))
m = next(m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
man = json.load(open(blob(m["digest"])))
cfg = json.load(open(blob(man["config"]["digest"])))
cfg.setdefault("config", {})["Healthcheck"] = {"Test": ["CMD", "/bin/true"]}
man["config"]["digest"], man["config"]["size"] = put(json.dumps(cfg).encode())
m["digest"], m["size"] = put(json.dumps(man).encode())
json.dump(idx, open(os.path.join(root, "index.json"), "w"))
PY

scan() { # scan TAG FORMAT [ARGS...] > $TMP/TAG.FORMAT
	local tag=$1 fmt=$2
	shift 2
	"$CUSTOMS" scan --scanners secret,config -f "$fmt" "$@" "oci:$img:$tag" >"$TMP/$tag.$fmt" 2>"$TMP/err"
}

check "leaky scans (json)" scan leaky json
check "leaky scans (table)" scan leaky table
check "leaky: secrets in the file, ENV, history, and the deleted and overwritten files (hidden)" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); L=d["artifact"]["layers"]; S=d["secrets"]
def has(rule, src, **kw):
    return any(s["rule_id"]==rule and s["source"]==src and all(s[k]==v for k,v in kw.items()) for s in S)
ok = (has("aws-access-key-id","file",path="etc/app/credentials",line=3,layer=L[1],hidden=False) and
      has("aws-secret-access-key","file",path="etc/app/credentials",line=4,hidden=False) and
      has("npm-token","file",path="opt/.npmrc",line=2,layer=L[1],hidden=True,hidden_by=L[2]) and
      has("github-token","file",path="etc/app/token",line=1,layer=L[1],hidden=True,hidden_by=L[2]) and
      has("github-token","env") and has("gitlab-token","history"))
print(S) if not ok else None
sys.exit(0 if ok else 1)' "$TMP/leaky.json"
check "leaky: matches are masked" python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
sys.exit(0 if any(s["match"]=="AKIA****MPLE" for s in d["secrets"]) else 1)' "$TMP/leaky.json"
for s in $ALL_SECRETS; do
	check "no output holds the full secret ${s:0:6}..." bash -c '! grep -qF -- "$1" "$2" "$3"' _ "$s" \
		"$TMP/leaky.json" "$TMP/leaky.table"
done
check "leaky: every check fails" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); ids={m["id"] for m in d["misconfigurations"]}
want={"CUS-CFG-%03d" % i for i in range(1,11)}
print(sorted(want-ids)) if want-ids else None
sys.exit(0 if want <= ids else 1)' "$TMP/leaky.json"
check "leaky: setuid sudo and srv/drop flagged, tmp/ok not" python3 -c 'import json,sys
M=json.load(open(sys.argv[1]))["misconfigurations"]
p={(m["id"], m["path"]) for m in M}
sys.exit(0 if ("CUS-CFG-009","usr/bin/sudo") in p and ("CUS-CFG-010","srv/drop") in p and not any(m["path"] and m["path"].startswith("tmp") for m in M) else 1)' "$TMP/leaky.json"
check "leaky: the table has both sections" bash -c 'grep -q "^Secrets: " "$1" && grep -q "^Misconfigurations: " "$1" && grep -q "hidden" "$1"' _ "$TMP/leaky.table"
expect_exit "leaky --fail-on HIGH fails" 1 "$CUSTOMS" scan --scanners secret,config --fail-on HIGH "oci:$img:leaky"
check "--skip-checks drops a check" scan leaky json --skip-checks CUS-CFG-002,CUS-CFG-008
check "--skip-checks: CUS-CFG-002 and 008 gone, 001 kept" python3 -c 'import json,sys
ids={m["id"] for m in json.load(open(sys.argv[1]))["misconfigurations"]}
sys.exit(0 if "CUS-CFG-001" in ids and not ids & {"CUS-CFG-002","CUS-CFG-008"} else 1)' "$TMP/leaky.json"
expect_exit "unknown --skip-checks id is a usage error" 2 "$CUSTOMS" scan --scanners config --skip-checks CUS-NOPE "oci:$img:leaky"
check "--scanners secret: no misconfigurations key" bash -c '"$1" scan --scanners secret -f json "oci:$2:leaky" | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if \"secrets\" in d and \"misconfigurations\" not in d else 1)"' _ "$CUSTOMS" "$img"

# Allow rules from a YAML file: a path glob and a rule id.
printf 'allow:\n  paths: ["etc/app/*"]\n  rules: [npm-token]\n' >"$TMP/allow.yaml"
check "--secret-config scans" scan leaky json --secret-config "$TMP/allow.yaml"
check "--secret-config: allowed path and rule gone, ENV kept" python3 -c 'import json,sys
S=json.load(open(sys.argv[1]))["secrets"]; r={s["rule_id"] for s in S}
sys.exit(0 if not r & {"aws-access-key-id","aws-secret-access-key","npm-token"} and "github-token" in r else 1)' "$TMP/leaky.json"
printf 'rules: [ {id: x, regex: "a(", keywords: [ab]} ]\n' >"$TMP/bad.yaml"
expect_exit "a bad --secret-config is a usage error" 2 "$CUSTOMS" scan --scanners secret --secret-config "$TMP/bad.yaml" "oci:$img:leaky"
stderr_has "the bad config is named" "bad.yaml"

check "clean scans" scan clean json
check "clean: no secrets, no misconfigurations" python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(d["secrets"], d["misconfigurations"]) if d["secrets"] or d["misconfigurations"] else None
sys.exit(0 if d["secrets"]==[] and d["misconfigurations"]==[] else 1)' "$TMP/clean.json"
expect_exit "clean --fail-on LOW passes" 0 "$CUSTOMS" scan --scanners secret,config --fail-on LOW "oci:$img:clean"

# False positives on a clean Debian minbase (only when the slow tests cached it).
if [ -f "$CACHE/bookworm/.done" ]; then
	check "bookworm scans" bash -c '"$1" scan --scanners secret -f json "oci:$2/bookworm/oci:bookworm" >"$3" 2>/dev/null' _ "$CUSTOMS" "$CACHE" "$TMP/bw.json"
	check "bookworm: zero secrets" python3 -c 'import json,sys
S=json.load(open(sys.argv[1]))["secrets"]; [print(s) for s in S]; sys.exit(0 if not S else 1)' "$TMP/bw.json"
else
	echo "# skip: bookworm image not cached (run the slow tests once)"
fi

finish
