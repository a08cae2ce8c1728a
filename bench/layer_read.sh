#!/bin/sh
# Layer reader benchmark: wall time and peak RSS of layer_read over one gzip
# layer, side by side with `igzip -dc` (the decompression floor) and zcat.
# usage: bench/layer_read.sh BUILD_DIR LAYER.tar.gz [none|all]
set -eu
build=${1:?build dir}
layer=${2:?layer blob}
mode=${3:-none}
bench="$build/tests/unit/layer/layer_read_bench"
t() { # prints "wall user+sys maxrss_kb" of a command
	/usr/bin/time -f '%e %U %S %M' -o /tmp/layer_bench.$$ "$@" >/dev/null
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' /tmp/layer_bench.$$
}
set -- $(t sh -c "igzip -dc '$layer'"); igw=$1 igc=$2
set -- $(t sh -c "zcat '$layer'"); zw=$1 zc=$2
set -- $(t "$bench" "$layer" "$mode"); lw=$1 lc=$2 lrss=$3
rm -f /tmp/layer_bench.$$
echo "layer $layer ($(stat -c %s "$layer") bytes), analyzer mode: $mode"
printf '%-12s %8s %8s\n' tool wall cpu
printf '%-12s %8s %8s\n' igzip "$igw" "$igc" zcat "$zw" "$zc" layer_read "$lw" "$lc"
awk -v a="$lw" -v b="$igw" -v c="$zw" -v d="$lc" -v e="$igc" 'BEGIN {
	printf "layer_read / igzip: %.2fx wall, %.2fx cpu; layer_read / zcat: %.2fx wall\n",
	       a / b, d / e, a / c }'
echo "layer_read peak RSS: $lrss KiB"
