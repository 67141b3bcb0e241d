#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# NodePort: reachable from an external client on the node's address and
# from the node itself; the pod sees a node address for outside traffic
# (masquerade, externalTrafficPolicy Cluster); loopback is not a node port
# address (CVE-2020-8558).
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 2
service np ip=10.96.0.30 type=NodePort port=80@30080 port=udp,80/udp@30080 \
	ep="$(pod_ip 1)" ep="$(pod_ip 2)" | apply >/dev/null || bail apply

out=$(tcp_many "$client" $NODE_EXT 30080 40)
diag "from outside: $(sort <<<"$out" | uniq -c | tr '\n' ';')"
check "NodePort answers the external client, from both pods" \
	test "$(count pod1 <<<"$out")" -gt 0 -a "$(count pod2 <<<"$out")" -gt 0 -a \
	     "$(grep -c FAIL <<<"$out")" = 0
check "the pods saw a node address, not the client's" \
	test "$(grep -c " $CLIENT_IP\$" <<<"$out")" = 0 -a \
	     "$(grep -c " $NODE_EXT\$" <<<"$out")" = 40
check "NodePort over UDP from outside" \
	grep -q '^pod[12] ' <<<"$(ask "$client" udp $NODE_EXT 30080)"
check "NodePort from the node itself" \
	grep -q '^pod[12] ' <<<"$(ask "$node" tcp $NODE_EXT 30080)"
loop=$(ip netns exec "$node" timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/30080' 2>&1)
check "127.0.0.1 is not a node port address" test -n "$loop"
ksft_exit
