#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Node ports answer on every local address but loopback and link-local by
# default, and only on the configured addresses once they are set; an
# empty list (--nodeport-addresses "") is the default again.  Every list
# setting can be emptied (--local-cidrs "" too).  Prefixes, as
# kube-proxy's --nodeport-addresses: the node's addresses inside them,
# following addresses added later.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
# A second node address, reachable from the client.
ip -n "$node" link add lan1 type dummy
ip -n "$node" addr add 192.168.71.1/24 dev lan1
ip -n "$node" link set lan1 up
ip -n "$client" route add 192.168.71.0/24 via $NODE_EXT
apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: Service
metadata: {name: np, namespace: default}
spec:
  type: NodePort
  clusterIP: 10.96.8.1
  ports: [{name: "", port: 80, nodePort: 30090, protocol: TCP}]
$(slice np-1 np "$(pod_ip 1)")
EOF2

check "default: the node port answers on $NODE_EXT" grep -q '^pod1 ' <<<"$(ask "$client" tcp $NODE_EXT 30090)"
check "default: and on 192.168.71.1" grep -q '^pod1 ' <<<"$(ask "$client" tcp 192.168.71.1 30090)"
ksvc config --nodeport-addresses 192.168.71.1 >/dev/null
check "configured: it answers on 192.168.71.1" grep -q '^pod1 ' <<<"$(ask "$client" tcp 192.168.71.1 30090)"
check "configured: not on $NODE_EXT any more" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:$NODE_EXT:30090,connect-timeout=2 2>/dev/null | grep -q pod1"
ksvc config --nodeport-addresses 192.168.71.0/24 >/dev/null
check "prefix 192.168.71.0/24: it answers on 192.168.71.1" grep -q '^pod1 ' <<<"$(ask "$client" tcp 192.168.71.1 30090)"
check "prefix: not on $NODE_EXT" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:$NODE_EXT:30090,connect-timeout=2 2>/dev/null | grep -q pod1"
ip -n "$node" addr add 192.168.71.2/24 dev lan1
check "prefix: an address added later answers too" grep -q '^pod1 ' <<<"$(ask "$client" tcp 192.168.71.2 30090)"
check "config shows the prefix" grep -qx 'nodeport-addresses: 192.168.71.0/24' <<<"$(ksvc config)"
ksvc config --nodeport-addresses "" >/dev/null
check "emptied: the node port answers on $NODE_EXT again" \
	grep -q '^pod1 ' <<<"$(ask "$client" tcp $NODE_EXT 30090)"
check "emptied: config says so" \
	grep -qx 'nodeport-addresses: <every local address but loopback and link-local>' <<<"$(ksvc config)"
ksvc config --local-cidrs 10.244.0.0/16 >/dev/null
ksvc config --local-cidrs "" >/dev/null
check "--local-cidrs \"\" empties the pod CIDRs" \
	grep -qx 'local-cidrs: <none: only the node itself is local>' <<<"$(ksvc config)"
ksft_exit
