#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the VM by `make demo`: a node with five pods, the
# example Services applied from examples/cluster.yaml, and requests to the
# ClusterIP, the NodePort and the LoadBalancer address answered by the pods.
#
# The demo checks what it shows: every answer must come from a pod of the
# Service asked, the source address the pod saw must be the one ksvc
# promises (the client pod's own for a ClusterIP, the node's for NodePort
# and LoadBalancer traffic it masquerades), and ksvc's counters must add up
# to the connections made.  Any mismatch says what was expected and what
# happened, and the demo exits 1.
cd "$(dirname "$0")/.." || exit 1
. selftests/lib.sh

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
why() { printf '   %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

mismatches=0
mismatch() {
	printf '   MISMATCH: %s\n' "$*"
	mismatches=$((mismatches + 1))
}

# The pods: name, address.  Each answers on port 80 with its name and the
# source address it saw.
PODS="numbers-api-1:10.244.0.11 numbers-api-2:10.244.0.12
	numbers-web-1:10.244.0.21 numbers-web-2:10.244.0.22 sleep-2:10.244.0.31"
declare -A answers	# pod name -> connections it answered

for t in "$KSVCCTL" "$KSTOOL"; do
	if [ ! -x "$t" ]; then
		echo "demo: $t is missing: run make demo, which builds it" >&2
		exit 1
	fi
done

say "the kernel and the module"
why "a stock distribution kernel; ksvc.ko is loaded beside the NAT core it uses"
show uname -r
grep -E '^(ksvc|nf_nat|nf_conntrack) ' /proc/modules | cut -d' ' -f1-3
show ctl/ksvcctl version

say "a node, an external client, and pods behind routed veths"
why "network namespaces: the node runs ksvc, each pod is its own namespace"
setup_node || exit 1
for p in $PODS; do
	name=${p%:*}
	var=${name//-/_}
	add_pod "$var" "${p#*:}" || exit 1
	if ! serve "${!var}" tcp 80 "$name"; then
		echo "demo: pod $name does not listen on port 80" >&2
		exit 1
	fi
	answers[$name]=0
	echo "pod $name at ${p#*:}, answering on port 80 with its name and the address it saw"
done
# The load balancer in front of the cluster sends its address to the node.
ip -n "$client" route add 192.168.50.100/32 via $NODE_EXT

say "applying examples/cluster.yaml (kubectl get services,endpointslices -A -o yaml)"
why "ksvcctl reads what kubectl prints and programs the kernel's tables in one transaction"
ksvc config --node-name node-1 >/dev/null
show ksvc apply -f examples/cluster.yaml || mismatch "ksvcctl apply failed"
show ksvc get services -A

# ask_n FROM-NS FROM-NAME ADDR PORT SAW PODS...: four connections, each of
# which must be answered by one of PODS and see the source address SAW.
ask_n() {
	local ns=$1 from=$2 addr=$3 port=$4 saw=$5 i out pod peer ok
	shift 5
	for i in 1 2 3 4; do
		out=$(ask "$ns" tcp "$addr" "$port" 2>&1)
		pod=${out%% *}
		peer=${out#* }
		ok=
		for p in "$@"; do
			[ "$pod" = "$p" ] && ok=1
		done
		if [ -z "$ok" ] || [ "$out" = "$pod" ]; then
			printf '  %s -> %s:%s  no answer from a pod\n' "$from" "$addr" "$port"
			mismatch "expected an answer from $(echo "$@" | sed 's/ / or /g'), got '${out:-nothing}'"
			continue
		fi
		answers[$pod]=$((answers[$pod] + 1))
		printf '  %s -> %s:%s  answered by %s (it saw %s)\n' "$from" "$addr" "$port" "$pod" "$peer"
		[ "$peer" = "$saw" ] ||
			mismatch "$pod should have seen $saw, it saw $peer"
	done
}

say "ClusterIP numbers-api (10.96.0.10:80), from pod sleep-2"
why "a pod reaches a Service's virtual address; ksvc picks an endpoint, the pod's own address is kept"
ask_n "$sleep_2" sleep-2 10.96.0.10 80 10.244.0.31 numbers-api-1 numbers-api-2
say "ClusterIP sleep-2 (10.96.0.30:80), from pod numbers-web-1"
why "a Service with one endpoint"
ask_n "$numbers_web_1" numbers-web-1 10.96.0.30 80 10.244.0.21 sleep-2
say "NodePort numbers-web (node address 192.168.50.1:30080), from the external client"
why "traffic from outside, to the node's port: masqueraded to the node's address so replies return through it"
ask_n "$client" client 192.168.50.1 30080 $NODE_EXT numbers-web-1 numbers-web-2
say "LoadBalancer numbers-web (ingress 192.168.50.100:8080), from the external client"
why "the load balancer's address behaves like a ClusterIP for traffic arriving at the node"
ask_n "$client" client 192.168.50.100 8080 $NODE_EXT numbers-web-1 numbers-web-2

say "counters"
why "ksvc counts each new connection per Service and per endpoint: they must match the answers above"
stats=$(ksvc stats)
echo "$stats"
# service_count NS/NAME: its connections= of ksvcctl stats.
svc_stat() {
	awk -v s="service $1" -v f="$2" '
		index($0, s " ") == 1 { for (i = 1; i <= NF; i++) if ($i ~ "^" f "=") { sub(".*=", "", $i); print $i } }' <<<"$stats"
}
ep_stat() {
	awk -v e="$1:80/TCP" '$1 == "endpoint" && $2 == e { sub(".*=", "", $3); n += $3 } END { print n + 0 }' <<<"$stats"
}
expect_count() {	# WHAT EXPECTED GOT
	if [ "$2" = "$3" ]; then
		printf '   ok: %s = %s\n' "$1" "$3"
	else
		mismatch "$1: expected $2, got ${3:-nothing}"
	fi
}
expect_count "default/numbers-api connections" \
	$((answers[numbers-api-1] + answers[numbers-api-2])) "$(svc_stat default/numbers-api connections)"
expect_count "default/numbers-web connections (NodePort and LoadBalancer)" \
	$((answers[numbers-web-1] + answers[numbers-web-2])) "$(svc_stat default/numbers-web connections)"
expect_count "default/sleep-2 connections" "${answers[sleep-2]}" "$(svc_stat default/sleep-2 connections)"
for s in default/numbers-api default/numbers-web default/sleep-2; do
	expect_count "$s rejects" 0 "$(svc_stat $s rejects)"
done
for p in $PODS; do
	expect_count "endpoint ${p#*:} (${p%:*}) connections" "${answers[${p%:*}]}" "$(ep_stat "${p#*:}")"
done

echo
if [ "$mismatches" = 0 ]; then
	echo "demo: every answer came from a pod of the Service asked, with the source address expected, and the counters add up"
	exit 0
fi
echo "demo: $mismatches MISMATCHES (above): ksvc did not do what this demo shows"
exit 1
