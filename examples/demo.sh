#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, run inside the VM by `make demo`: a node with five pods, the
# example Services applied from examples/cluster.yaml, and requests to the
# ClusterIP, the NodePort and the LoadBalancer address answered by the pods.
cd "$(dirname "$0")/.." || exit 1
. selftests/lib.sh

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "the kernel and the module"
show uname -r
grep -E '^(ksvc|nf_nat|nf_conntrack) ' /proc/modules | cut -d' ' -f1-3
show ctl/ksvcctl version

say "a node, an external client, and pods behind routed veths"
setup_node
for p in numbers-api-1:11 numbers-api-2:12 numbers-web-1:21 numbers-web-2:22 sleep-2:31; do
	name=${p%:*}
	var=${name//-/_}
	add_pod "$var" "10.244.0.${p#*:}"
	serve "${!var}" tcp 80 "$name"
	echo "pod $name at 10.244.0.${p#*:}, answering on port 80"
done
# The load balancer in front of the cluster sends its address to the node.
ip -n "$client" route add 192.168.50.100/32 via $NODE_EXT

say "applying examples/cluster.yaml (kubectl get services,endpointslices -A -o yaml)"
ksvc config --node-name node-1 >/dev/null
show ksvc apply -f examples/cluster.yaml
show ksvc get services -A

ask3() {	# ask3 FROM-NS FROM-NAME ADDR PORT
	local i out
	for i in 1 2 3 4; do
		out=$(ask "$1" tcp "$3" "$4")
		printf '  %s -> %s:%s  answered by %s (it saw %s)\n' "$2" "$3" "$4" \
			"${out%% *}" "${out#* }"
	done
}
say "ClusterIP numbers-api (10.96.0.10:80), from pod sleep-2"
ask3 "$sleep_2" sleep-2 10.96.0.10 80
say "ClusterIP sleep-2 (10.96.0.30:80), from pod numbers-web-1"
ask3 "$numbers_web_1" numbers-web-1 10.96.0.30 80
say "NodePort numbers-web (node address 192.168.50.1:30080), from the external client"
ask3 "$client" client 192.168.50.1 30080
say "LoadBalancer numbers-web (ingress 192.168.50.100:8080), from the external client"
ask3 "$client" client 192.168.50.100 8080

say "counters"
show ksvc stats
