#!/bin/bash
# Progress bars: on a terminal (script(1) gives one) customs sbom draws one
# line per layer on stderr with its short digest, bytes and percentage; with
# --quiet or without a terminal, stderr carries no progress at all.
. "$(dirname "$0")/lib.sh"

ver=3.12.12
base=$(alpine_oci $ver)
img=$TMP/img
cp -r "$base" "$img"
chmod -R u+w "$img"
mkdir -p "$TMP/l2/etc"
echo progress-test >"$TMP/l2/etc/motd"
tar --numeric-owner -C "$TMP/l2" -cf "$TMP/l2.tar" .
umoci raw add-layer --image "$img:$ver" --tag two "$TMP/l2.tar" >/dev/null
layers=$(python3 - "$img" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/index.json"))
m = [x for x in d["manifests"] if x.get("annotations", {}).get("org.opencontainers.image.ref.name") == "two"][0]
mf = json.load(open(sys.argv[1] + "/blobs/sha256/" + m["digest"].split(":")[1]))
for l in mf["layers"]:
    print(l["digest"].split(":")[1][:12], l["size"])
PY
)
check "the test image has two layers" [ "$(echo "$layers" | wc -l)" -eq 2 ]

# script(1) runs the command on a pseudo-terminal; its output is the terminal's.
tty_run() { script -qec "$1" /dev/null >"$TMP/tty" 2>&1; }

tty_run "$CUSTOMS sbom --format json --output $TMP/sbom.json oci:$img:two"
check "sbom on a terminal exits 0" [ $? -eq 0 ]
check "sbom on a terminal still writes the SBOM" grep -q '"alpine-baselayout"' "$TMP/sbom.json"
i=0
while read -r short size; do
	i=$((i + 1))
	if grep -qE "layer $i/2 $short .* / .*100%" "$TMP/tty"; then
		pass "layer $i ($short) has a progress line that reaches 100%"
	else
		fail "layer $i ($short): no progress line reaching 100%: $(cat -v "$TMP/tty" | head -c 600)"
	fi
done <<<"$layers"
check "the bars are redrawn in place (cursor up)" grep -q $'\033\\[2A' "$TMP/tty"

tty_run "$CUSTOMS sbom --quiet --format json --output $TMP/q.json oci:$img:two"
check "--quiet on a terminal exits 0" [ $? -eq 0 ]
check "--quiet on a terminal draws no progress" [ ! -s "$TMP/tty" ]

expect_exit "sbom without a terminal" 0 "$CUSTOMS" sbom --format json "oci:$img:two"
check "no terminal: nothing on stderr" [ ! -s "$TMP/err" ]
check "no terminal: same SBOM packages" cmp -s <(json_packages "$TMP/out") <(json_packages "$TMP/sbom.json")

finish
