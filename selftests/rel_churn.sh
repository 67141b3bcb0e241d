#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Churn and privilege: network namespaces with tables and conntrack
# entries created and destroyed by the dozen; the module unloaded and
# loaded again while traffic runs; a ksvcctl killed in the middle of its
# transaction leaves the previous table; a root user in a user namespace
# that does not own the network namespace may not change it, in one it
# owns it may.  (The VM runner fails the run on any splat or leak.)
# KSVC_CHURN sets the number of namespaces (make stress: 500).
. "$(dirname "$0")/lib.sh"
require socat unshare
require_module

ktap_header
N=${KSVC_CHURN:-60}

churn() {
	local i ns
	for i in $(seq "$N"); do
		ns=churn-$i-$$
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		{ service web ip=10.96.20.1 ep=10.244.0.99; } |
			ip netns exec "$ns" "$KSVCCTL" apply -f - >/dev/null || return 1
		# Conntrack entries, some of them bound by ksvc.
		echo x | ip netns exec "$ns" socat -T0.2 - UDP:10.96.20.1:80 >/dev/null 2>&1
		echo x | ip netns exec "$ns" socat -T0.2 - UDP:127.0.0.1:9 >/dev/null 2>&1
		ip netns del "$ns" || return 1
	done
}
check "$N namespaces with tables and flows created and destroyed" churn

setup_node
pods 2
add_pod cpod "$(pod_ip 9)"
svc() { service web ip=10.96.21.1 ep="$(pod_ip 1)" ep="$(pod_ip 2)"; }
svc | apply >/dev/null || bail apply
tcp_many "$cpod" 10.96.21.1 80 100000 >/dev/null &
load=$!
reload() {
	local i
	for i in $(seq 8); do
		modprobe -r ksvc || return 1
		modprobe ksvc || return 1
		svc | apply >/dev/null || return 1
		grep -q '^pod' <<<"$(ask "$cpod" tcp 10.96.21.1 80)" || return 1
	done
}
check "unload and load 8 times under traffic, routing after each" reload
# The load runs in the client pod's namespace: stop everything there.
ip netns pids "$cpod" | xargs -r kill 2>/dev/null
wait $load 2>/dev/null

# A big apply, killed while its transaction is open.
table() { ksvc get services -A --no-headers; ksvc version | tail -1; }
before=$(table)
big() {	# 4,000 services, one message each: a transaction open for seconds,
	local i	# so that the kill lands well inside it
	for i in $(seq 4000); do
		printf -- '---\napiVersion: v1\nkind: Service\nmetadata: {name: b%d, namespace: default}\nspec:\n  clusterIP: 10.97.%d.%d\n  ports: [{port: 80}]\n' \
			"$i" $((i / 250)) $((i % 250 + 1))
	done
}
big > /tmp/big-kill.$$.yaml
# Not through a function: $! must be ksvcctl itself (ip netns exec execs).
ip netns exec "$node" "$KSVCCTL" apply -f /tmp/big-kill.$$.yaml >/dev/null 2>&1 &
ap=$!
busywait 60000 sh -c "ip netns exec '$node' '$KSVCCTL' version | grep -q 'transaction is open'"
open=$?
kill -9 $ap 2>/dev/null
wait $ap 2>/dev/null
rm -f /tmp/big-kill.$$.yaml
check "the transaction was open when ksvcctl was killed" test $open = 0
check "and is gone with it" busywait 5000 sh -c "! ip netns exec '$node' '$KSVCCTL' version | grep -q 'transaction is open'"
diag "$(ksvc version | tail -1)"
check "the previous table stays" test "$(table)" = "$before"

# Privilege through user namespaces.
out=$(service x ip=10.96.21.9 | ip netns exec "$node" unshare -U -r "$KSVCCTL" apply -f - --prune=false 2>&1)
rc=$?
diag "root of a user namespace that does not own the netns: $out"
check "root in a user namespace not owning the network namespace: refused (exit 4)" test $rc = 4
out=$(service x ip=10.96.21.9 | unshare -U -r -n sh -c "ip link set lo up; '$KSVCCTL' apply -f - >/dev/null && '$KSVCCTL' get services --no-headers" 2>&1)
diag "owner: $out"
check "root of the user namespace that owns the network namespace: allowed" \
	grep -q '^x ' <<<"$out"
ksft_exit
