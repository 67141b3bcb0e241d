#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Three nodes (namespaces, each with its own ksvc tables) on one underlay,
# a router in front spreading load-balancer traffic over them with ECMP
# (lib_nodes.sh).  What only shows across nodes:
# - a NodePort on a node without a local endpoint reaches a pod on another
#   node, masqueraded to the node it came in by, and the answer returns
#   through that node;
# - externalTrafficPolicy Local: the client's own address on the nodes
#   with endpoints, dropped on the others;
# - internalTrafficPolicy Local: each node's pods reach their own node's
#   endpoints only, and a node with none drops;
# - a load-balancer address behind the router's ECMP: every flow answered,
#   whichever node the router picked;
# - topology-aware routing (EndpointSlice zone hints, each node's zone from
#   ksvcctl config --zone): traffic stays in the zone while it has
#   endpoints there, spills over when it has none;
# - Maglev (ksvc.io/algorithm: maglev): a flow meets the same endpoint
#   through every node; an endpoint gone moves its own flows only;
# - a node lost while traffic flows: the others stop sending to its pods
#   once the slices say so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_nodes.sh"
require socat
require_module

ktap_header
setup_nodes 3
for i in 1 2 3; do
	add_pod_on "$i" "p$i" "$(node_pod_ip "$i" 1)"
	serve "$(pod_ns_named "p$i")" tcp 80 "p$i"
	add_pod_on "$i" "c$i" "$(node_pod_ip "$i" 9)"
done

# NAME@NODE endpoints, on every node's tables.
ep() { echo "ep=$(node_pod_ip "$1" 1)@node-$1"; }
{
	service np ip=10.96.40.1 type=NodePort port=80@30080 "$(ep 2)"
	service etp ip=10.96.40.2 type=NodePort port=80@30081 etp=Local "$(ep 2)" "$(ep 3)"
	service itp ip=10.96.40.3 port=80 itp=Local "$(ep 1)" "$(ep 2)"
	service lb ip=10.96.40.4 type=LoadBalancer port=80 lb=203.0.113.10 "$(ep 1)" "$(ep 2)"
	service all ip=10.96.40.5 port=80 "$(ep 1)" "$(ep 2)" "$(ep 3)"
} > /tmp/mn-services.yaml
at_exit "rm -f /tmp/mn-services.yaml"
apply_nodes < /tmp/mn-services.yaml >/dev/null || bail "apply on every node"

# --- NodePort, the endpoint on node-2 only ---
ok=0
for i in 1 2 3; do
	r=$(mn_try "$client" "$(node_ip "$i")" 30080)
	diag "node-$i:30080: $r"
	[ "$r" = "p2 $(node_ip "$i")" ] && ok=$((ok + 1))
done
check "NodePort on every node reaches node-2's pod, masqueraded to the node it came in by" \
	test "$ok" = 3

# --- externalTrafficPolicy Local, endpoints on node-2 and node-3 ---
r2=$(mn_try "$client" "$(node_ip 2)" 30081)
r3=$(mn_try "$client" "$(node_ip 3)" 30081)
r1=$(mn_try "$client" "$(node_ip 1)" 30081)
diag "ETP Local: node-1 '$r1', node-2 '$r2', node-3 '$r3'"
check "ETP Local: each node with an endpoint sends to its own, the client's address kept" \
	test "$r2" = "p2 $MN_CLIENT_IP" -a "$r3" = "p3 $MN_CLIENT_IP"
check "ETP Local: a node without one drops (timeout, not refused)" test "$r1" = timeout

# --- internalTrafficPolicy Local, endpoints on node-1 and node-2 ---
itp_from() {	# itp_from I: what 8 connections from node I's client pod met
	local k
	for k in 1 2 3 4 5 6 7 8; do
		mn_try "$(pod_ns_named "c$1")" 10.96.40.3 80 | cut -d' ' -f1
	done | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}
o1=$(itp_from 1)
o2=$(itp_from 2)
r3=$(mn_try "$(pod_ns_named c3)" 10.96.40.3 80)
diag "ITP Local: from node-1 $o1; node-2 $o2; node-3 '$r3'"
check "ITP Local: node-1's pods reach node-1's endpoint only" test "$o1" = "p1:8"
check "ITP Local: node-2's pods reach node-2's endpoint only" test "$o2" = "p2:8"
check "ITP Local: node-3, no local endpoint, drops" test "$r3" = timeout

# --- the load-balancer address, spread over the nodes by the router ---
out=$(tcp_many "$client" 203.0.113.10 80 30)
nodes_seen=$(awk '{ print $2 }' <<<"$out" | sort -u | tr '\n' ' ')
diag "LB 203.0.113.10, 30 flows: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';') masqueraded to: $nodes_seen"
check "LB address behind ECMP: every flow answered" \
	test "$(grep -c '^p[12] 172\.30\.0\.1[123]$' <<<"$out")" = 30
check "... through more than one node (each masquerading to itself)" \
	test "$(wc -w <<<"$nodes_seen")" -ge 2

# --- topology-aware routing: node-1 and node-2 in zone a, node-3 in b ---
for i in 1 2 3; do
	ksvc_on "$i" config --zone "$([ "$i" = 3 ] && echo b || echo a)" >/dev/null ||
		fail "zone of node-$i"
done
from() {	# from I: the pods 12 connections from node I's client pod met
	tcp_many "$(pod_ns_named "c$1")" 10.96.40.6 80 12 | cut -d' ' -f1 |
		sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}
hinted() {	# hinted P3-CONDITION
	service topo ip=10.96.40.6 port=80 "$(ep 1)%a" "$(ep 2)%a" \
		"ep=$(node_pod_ip 3 1)/$1@node-3%b" | apply_nodes --prune=false >/dev/null
}
hinted ready || fail "apply topo"
t1=$(from 1) t3=$(from 3)
diag "hints for zones a (p1, p2) and b (p3): from node-1 $t1; from node-3 $t3"
check "topology: zone a's node keeps its traffic in zone a" \
	sh -c "echo '$t1' | grep -Eqx '(p1:[0-9]+ ?)?(p2:[0-9]+)?' && ! echo '$t1' | grep -q p3"
check "topology: zone b's node sends to zone b's endpoint only" test "$t3" = "p3:12"
hinted down || fail "apply topo, p3 not ready"
t3=$(from 3)
diag "zone b without a ready endpoint: from node-3 $t3"
check "topology: no endpoint hinted for zone b, node-3 spills over to zone a" \
	sh -c "echo '$t3' | grep -Eqx '(p1:[0-9]+ ?)?(p2:[0-9]+)?' && [ -n '$t3' ]"

# --- Maglev: the same flow picks the same endpoint on every node ---
# The router sends the load-balancer address to one node at a time; the
# client sends the same 5-tuples (fixed source ports) through each.
maglev() {	# maglev EP...: the Service on every node
	service mag ip=10.96.40.7 type=LoadBalancer lb=203.0.113.20 algo=maglev \
		port=80 "$@" | apply_nodes --prune=false >/dev/null
}
via() {	# via I SPORT: the pod that answers the flow from SPORT through node I
	ip -n "$router" route replace 203.0.113.20/32 via "$(node_ip "$1")"
	echo hi | ip netns exec "$client" socat -T3 - \
		"TCP:203.0.113.20:80,sourceport=$2,reuseaddr,connect-timeout=3" 2>/dev/null | cut -d' ' -f1
}
# One seed and table size on every node (a cluster-wide setting).
for i in 1 2 3; do
	ksvc_on "$i" config --maglev-seed 1234567 --maglev-table-size 4093 >/dev/null ||
		fail "maglev settings on node-$i"
done
maglev "$(ep 1)" "$(ep 2)" "$(ep 3)" || fail "apply mag"
err=$(ksvc_on 1 config --maglev-seed 7 2>&1)
check "Maglev: the seed does not change under a Maglev Service ($err)" \
	sh -c "! ip netns exec $(node_ns 1) $KSVCCTL config --maglev-seed 7 >/dev/null 2>&1 &&
		ip netns exec $(node_ns 1) $KSVCCTL config | grep -qx 'maglev-seed: 1234567'"
same=0 spread=
declare -A first
for sp in $(seq 41000 41019); do
	a=$(via 1 "$sp") b=$(via 2 "$sp") c=$(via 3 "$sp")
	first[$sp]=$a
	spread+="$a "
	[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] && same=$((same + 1))
done
diag "Maglev, 20 flows through each node: $same the same on all three; picks: $(tr ' ' '\n' <<<"$spread" | sort | uniq -c | tr -s ' \n' ' ')"
check "Maglev: each flow meets the same endpoint through every node" test "$same" = 20
# One endpoint of three goes: its flows move, the others stay.
maglev "$(ep 1)" "$(ep 2)" || fail "apply mag without p3"
moved=0 kept=0 others=0
for sp in $(seq 41000 41019); do
	a=$(via 1 "$sp")
	[ "${first[$sp]}" = p3 ] && { [ -n "$a" ] && [ "$a" != p3 ] && moved=$((moved + 1)); continue; }
	others=$((others + 1))
	[ "$a" = "${first[$sp]}" ] && kept=$((kept + 1))
done
diag "p3 gone: $moved of its $((20 - others)) flows moved to p1/p2; $kept of the other $others flows kept their endpoint"
check "Maglev: an endpoint gone moves its own flows, and (but one at most) no other" \
	test "$moved" = $((20 - others)) -a "$kept" -ge $((others - 1))
ip -n "$router" route del 203.0.113.20/32

# --- node-3 lost while traffic flows ---
out=$(tcp_many "$(pod_ns_named c1)" 10.96.40.5 80 12)
check "before: a Service on three nodes answers from all three" \
	test "$(count p1 <<<"$out")" -gt 0 -a "$(count p2 <<<"$out")" -gt 0 -a "$(count p3 <<<"$out")" -gt 0
lose_node 3
lost=0
for k in $(seq 9); do
	[[ $(mn_try "$(pod_ns_named c1)" 10.96.40.5 80) == p* ]] || lost=$((lost + 1))
done
diag "node-3 gone, its endpoint still in the slices: $lost of 9 connections unanswered"
check "node-3 gone: connections sent to its pod are lost until the slices change" test "$lost" -gt 0
service all ip=10.96.40.5 port=80 "$(ep 1)" "$(ep 2)" | apply_nodes --prune=false >/dev/null ||
	fail "apply without node-3"
out=$(tcp_many "$(pod_ns_named c1)" 10.96.40.5 80 20)
diag "after the slices drop node-3: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "after: the others stop using node-3's endpoint, every connection answered" \
	test "$(count p1 <<<"$out")" -gt 0 -a "$(count p2 <<<"$out")" -gt 0 -a \
	"$(( $(count p1 <<<"$out") + $(count p2 <<<"$out") ))" = 20
ksft_exit
