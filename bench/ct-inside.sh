#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In the VM, for bench/ct-cleanup: 50 UDP Services (as CoreDNS is one),
# then, with an empty conntrack table and with BENCH_CT_ENTRIES entries
# (UDP flows the node forwards to a dummy interface), the median time of
#   toggle:  one endpoint of a UDP Service between ready and terminating
#            but serving (it keeps serving: no flow is stale), and back;
#   replace: apply --replace of the same table;
#   remove:  one serving endpoint removed, and back (this one walks).
. "$(dirname "$0")/../selftests/lib.sh"
require_module
N=${BENCH_CT_ENTRIES:-1000000}
REPS=${BENCH_CT_REPS:-5}
FILL=$TOP/bench/ctfill

setup_node
pods 3
sysctl -qw net.netfilter.nf_conntrack_max=$((N + 200000))
echo $(( (N + 3) / 4 )) > /sys/module/nf_conntrack/parameters/hashsize
# Unreplied UDP entries live 30 s by default: longer than the fill takes.
ip netns exec "$node" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=7200
ip -n "$node" link add dummy0 type dummy
ip -n "$node" link set dummy0 up
ip -n "$node" route add 10.99.0.0/16 dev dummy0
ip -n "$client" route add 10.99.0.0/16 via $NODE_EXT

dir=$(mktemp -d)
at_exit "rm -rf $dir"
# table STATE: 50 UDP Services on pods 1-2; STATE says what pod2 is in
# Service dns-0: ready, terminating (still serving) or gone.
table() {
	local i
	for i in $(seq 0 49); do
		cat <<EOT
---
apiVersion: v1
kind: Service
metadata: {name: dns-$i, namespace: default}
spec:
  clusterIP: 10.96.$((100 + i / 200)).$((i % 200 + 1))
  ports: [{name: dns, port: 53, protocol: UDP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: dns-$i-1, namespace: default, labels: {kubernetes.io/service-name: dns-$i}}
addressType: IPv4
ports: [{name: dns, port: 53, protocol: UDP}]
endpoints:
- addresses: ["$(pod_ip 1)"]
  conditions: {ready: true}
EOT
		if [ "$i" != 0 ] || [ "$1" = ready ]; then
			printf -- '- addresses: ["%s"]\n  conditions: {ready: true}\n' "$(pod_ip 2)"
		elif [ "$1" = terminating ]; then
			printf -- '- addresses: ["%s"]\n  conditions: {ready: false, serving: true, terminating: true}\n' "$(pod_ip 2)"
		fi
	done
}
table ready > "$dir/ready.yaml"
table terminating > "$dir/terminating.yaml"
table gone > "$dir/gone.yaml"
ksvc apply -f "$dir/ready.yaml" >/dev/null || { echo "apply failed"; exit 1; }

ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null || echo "FAILED: $*" >&2; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# One round: each change and its way back, REPS times; medians in ms.
round() {
	local r tg=() rp=() rm=()
	for ((r = 0; r < REPS; r++)); do
		tg+=("$(ms ksvc apply -f "$dir/terminating.yaml")" "$(ms ksvc apply -f "$dir/ready.yaml")")
		rp+=("$(ms ksvc apply --replace -f "$dir/ready.yaml")")
		# Only the removal walks; the way back (an endpoint added) does
		# not, and is left out of this median.
		rm+=("$(ms ksvc apply -f "$dir/gone.yaml")")
		ksvc apply -f "$dir/ready.yaml" >/dev/null
	done
	echo "$(printf '%s\n' "${tg[@]}" | median) $(printf '%s\n' "${rp[@]}" | median) $(printf '%s\n' "${rm[@]}" | median)"
}
entries() { ip netns exec "$node" cat /proc/sys/net/netfilter/nf_conntrack_count; }

read -r t0 p0 r0 <<<"$(round)"
echo "# conntrack entries: $(entries)"
ip netns exec "$client" "$FILL" 10.99.0.1 "$N"
echo "# conntrack entries: $(entries)"
read -r t1 p1 r1 <<<"$(round)"
echo "# conntrack entries after: $(entries)"
printf '%-40s %10s %10s %8s\n' "change (median of $REPS, ms)" "0 entries" "$N" ratio
row() { printf '%-40s %10s %10s %8s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')"; }
row "toggle ready/terminating (no walk)" "$t0" "$t1"
row "apply --replace, same table (no walk)" "$p0" "$p1"
row "remove a serving endpoint (walks)" "$r0" "$r1"
