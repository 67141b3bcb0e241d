#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Updates under continuous traffic: while a client keeps opening
# connections to a Service present before and after, (1) the whole table is
# replaced again and again (other Services come and go, the stable one's
# endpoints change), (2) the same changes go in incrementally, (3) only
# the stable Service's endpoints churn.  Not one connection fails.
# KSVC_REPLACES sets the changes per phase (make stress: 300);
# KSVC_REPLACES_<phase> (replace, incremental, churn) one phase's alone.
. "$(dirname "$0")/lib.sh"
require socat
require_module

R=${KSVC_REPLACES:-15}
ktap_header
setup_node
pods 3
add_pod client "$(pod_ip 9)"

# eps K: the stable Service's endpoints in step K (ep=ADDR...), never none.
eps() {
	case $(($1 % 5)) in
	0) echo "ep=$(pod_ip 1) ep=$(pod_ip 2)" ;;
	1) echo "ep=$(pod_ip 2) ep=$(pod_ip 3)" ;;
	2) echo "ep=$(pod_ip 3)" ;;
	3) echo "ep=$(pod_ip 1) ep=$(pod_ip 2) ep=$(pod_ip 3)" ;;
	4) echo "ep=$(pod_ip 1)" ;;
	esac
}
table() {	# table K: the stable Service plus K % 7 other ones
	local k
	# shellcheck disable=SC2046
	service stable ip=10.96.2.1 $(eps "$1")
	for k in $(seq $(($1 % 7))); do
		service "other-$k" ip="10.96.3.$k" ep="$(pod_ip 3)"
	done
}
stable_only() {	# stable_only K: the stable Service alone, endpoints of step K
	# shellcheck disable=SC2046
	service stable ip=10.96.2.1 $(eps "$1")
}
table 0 | apply --replace >/dev/null || bail apply

out=/tmp/replace-load.$$
gens=$(mktemp -d)
at_exit "rm -rf $out $gens"
# A generator's output depends on its step modulo 35 (5 endpoint sets, 7
# table sizes): written once, so that a change under load costs one
# ksvcctl run and not the dozens of processes that build its YAML.
for gen in table stable_only; do
	for ((i = 0; i < 35; i++)); do
		$gen "$i" > "$gens/$gen.$i"
	done
done
# changes NAME: how many changes phase NAME makes (KSVC_REPLACES_NAME, or R).
changes() {
	local var=KSVC_REPLACES_$1

	echo "${!var:-$R}"
}
# phase NAME APPLY-ARGS GENERATOR: its changes while the client connects.
phase() {
	local name=$1 args=$2 gen=$3 i failed=0 t0 conns bad load n
	n=$(changes "$name")
	: > $out
	TCP_MANY_TIMEOUT=100000 tcp_many "$client" 10.96.2.1 80 1000000 > $out &
	load=$!
	busywait 20000 test -s $out || { fail "$name: no connection before the changes"; return 1; }
	t0=$SECONDS
	for ((i = 1; i <= n; i++)); do
		# shellcheck disable=SC2086
		apply $args < "$gens/$gen.$((i % 35))" >/dev/null || failed=$((failed + 1))
	done
	# A few more connections after the last change, then stop the client.
	conns=$(wc -l < $out)
	busywait 20000 sh -c "[ \$(wc -l < $out) -ge $((conns + 3)) ]" ||
		{ fail "$name: the client stopped during the changes"; failed=$((failed + 1)); }
	ip netns pids "$client" | xargs -r kill 2>/dev/null
	wait $load 2>/dev/null
	conns=$(grep -c '^pod[123] ' $out)
	bad=$(grep -vc '^pod[123] ' $out)
	diag "$name: $n changes in $((SECONDS - t0)) s, $failed refused; $conns connections, $bad failed; answers: $(cut -d' ' -f1 $out | sort | uniq -c | tr -s ' \n' ' ')"
	[ "$bad" = 0 ] || diag "$name: $(grep -v '^pod[123] ' $out | head -n 5 | tr '\n' ';')"
	[ $failed = 0 ] && [ "$bad" = 0 ] && [ "$conns" -gt 0 ]
}
check "whole-table replaces: all applied, no connection failed" phase replace --replace table
check "incremental changes: all applied, no connection failed" phase incremental "" table
check "endpoint churn on the Service: all applied, no connection failed" phase churn "--prune=false" stable_only
last() {
	[ "$(ksvc get endpoints stable -o yaml | grep -o '10\.244\.0\.[0-9]*' | sort -u | tr '\n' ' ')" = \
		"$(eps "$(changes churn)" | sed 's/ep=//g' | tr ' ' '\n' | sort -u | tr '\n' ' ')" ]
}
check "the endpoints are those of the last change" last
for p in 1 2 3; do	# every endpoint took part
	check "pod$p answered during the churn" grep -q "^pod$p " $out
done
ksft_exit
