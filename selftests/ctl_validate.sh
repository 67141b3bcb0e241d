#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksvcctl validate gives apply's verdict without the module: for every
# input of ctl/corpus (hostile, each refused) and the valid fixtures, the
# same exit status and the same first error as apply in a namespace with
# the module; its summary is what get services -A -o wide then shows; and
# it runs with the module unloaded, without asking the kernel for it.
. "$(dirname "$0")/lib.sh"
require_module

ktap_header
setup_node
corpus=$TOP/ctl/corpus

# verdict CMD FILE: "exit status|first line of stderr", the command's own
# name taken out of the message (ksvcctl: apply: / ksvcctl: validate:).
verdict() {
	local cmd=$1 f=$2 err rc
	err=$(ksvc "$cmd" -f "$f" 2>&1 >/dev/null)
	rc=$?
	printf '%s|%s\n' "$rc" "$(head -n1 <<<"$err" | sed "s/ksvcctl: $cmd:/ksvcctl: CMD:/")"
}

n=0 differ=0
for f in "$corpus"/*.yaml "$corpus"/*.json; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	a=$(verdict apply "$f")
	v=$(verdict validate "$f")
	if [ "$a" != "$v" ]; then
		differ=$((differ + 1))
		diag "$(basename "$f"): apply: $a"
		diag "$(basename "$f"): validate: $v"
	fi
done
diag "$n corpus inputs, $differ verdicts differ"
check "validate's verdict is apply's for every corpus input ($n)" \
	test "$n" -gt 50 -a "$differ" = 0

ok=0
for f in "$TOP"/ctl/tests/data/*.yaml "$TOP"/ctl/tests/data/*.json "$TOP/examples/cluster.yaml"; do
	a=$(verdict apply "$f")
	v=$(verdict validate "$f")
	[ "$a" = "0|" ] && [ "$v" = "0|" ] && ok=$((ok + 1))
	[ "$a" = "$v" ] || diag "$(basename "$f"): apply $a, validate $v"
done
check "the valid fixtures: both accept all of them" test "$ok" = 4

ksvc config --node-name node-1 >/dev/null
ksvc apply -f "$TOP/examples/cluster.yaml" >/dev/null
want=$(ksvc validate -f "$TOP/examples/cluster.yaml" --node-name node-1 | sed '$d')
have=$(ksvc get services -A -o wide | sed 's/ conns=[0-9]*$//')
[ "$want" = "$have" ] || diag "validate:"$'\n'"$want"$'\n'"get:"$'\n'"$have"
check "validate's summary is what get services -A -o wide shows after apply" \
	test -n "$want" -a "$want" = "$have"

modprobe -r ksvc
out=$("$KSVCCTL" validate -f "$TOP/examples/cluster.yaml" 2>&1)
rc=$?
check "validate works with the module unloaded" \
	test $rc = 0 -a "$(tail -n1 <<<"$out")" = "4 services, 5 endpoints: valid"
# Any generic netlink request for the family would have loaded it again
# (the module has a family alias), so this shows validate sent none.
check "validate did not touch netlink: the module is still unloaded" \
	test -z "$(grep '^ksvc ' /proc/modules)"
modprobe ksvc
ksft_exit
