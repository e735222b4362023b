#!/bin/bash
# `make run`: the main job until the labs exist: what this kernel allows,
# then a capture of the default scenario (a SYN flood into a listening
# port, as in the reference experiment) and its report.
set -e
cd "$(dirname "$0")/.."
NS=./build/netscope
out=${NETSCOPE_RUN_OUT:-/tmp/netscope-main.ns}
$NS doctor
echo
echo "== netscope record --scenario syn-flood --count 20000 -o $out"
$NS record --scenario syn-flood --count 20000 -o "$out"
echo
echo "== netscope report $out"
$NS report "$out"
