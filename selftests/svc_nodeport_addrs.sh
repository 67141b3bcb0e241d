#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Node ports answer on every local address but loopback and link-local by
# default, and only on the configured addresses once they are set; an
# empty list (--nodeport-addresses "") is the default again.  Every list
# setting can be emptied (--local-cidrs "" too).  Prefixes, as
# kube-proxy's --nodeport-addresses: the node's addresses inside them,
# following addresses added later; a family the list does not name keeps
# the default (kube-proxy's per-family NodePortAddresses).  "primary": the
# node IPs (--node-ips) only, a secondary address not (kube-proxy's
# TestNodePorts "secondary nodeIP ignores NodePorts").
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
setup_node6
pods 1
add_pod6 pod1 "$(pod_ip6 1)"
serve6 "$pod1" tcp 80 pod1-v6
# A second node address, reachable from the client.
ip -n "$node" link add lan1 type dummy
ip -n "$node" addr add 192.168.71.1/24 dev lan1
ip -n "$node" link set lan1 up
ip -n "$client" route add 192.168.71.0/24 via $NODE_EXT
service np ip=10.96.8.1 ip=fd00:96::81 type=NodePort port=80@30090 \
	ep="$(pod_ip 1)" ep="$(pod_ip6 1)" | apply >/dev/null || bail apply

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
check "an IPv4-only list: IPv6 keeps the default ($NODE_EXT6 answers)" \
	grep -q '^pod1-v6 ' <<<"$(ask6 "$client" tcp $NODE_EXT6 30090)"
ksvc config --nodeport-addresses fd00:50::/64 >/dev/null
check "an IPv6-only list: IPv4 keeps the default ($NODE_EXT answers)" \
	grep -q '^pod1 ' <<<"$(ask "$client" tcp $NODE_EXT 30090)"

# primary: the node IPs only.
ksvc config --node-ips 192.168.71.1 --nodeport-addresses primary >/dev/null
check "primary: the node IP 192.168.71.1 answers" grep -q '^pod1 ' <<<"$(ask "$client" tcp 192.168.71.1 30090)"
check "primary: a secondary address 192.168.71.2 does not" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:192.168.71.2:30090,connect-timeout=2 2>/dev/null | grep -q pod1"
check "primary: nor $NODE_EXT" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:$NODE_EXT:30090,connect-timeout=2 2>/dev/null | grep -q pod1"
check "primary, no IPv6 node IP: IPv6 keeps the default" \
	grep -q '^pod1-v6 ' <<<"$(ask6 "$client" tcp $NODE_EXT6 30090)"
cfg=$(ksvc config)
check "config shows the node IP" grep -qx 'node-ips: 192.168.71.1' <<<"$cfg"
check "config shows primary" grep -qx 'nodeport-addresses: primary' <<<"$cfg"
ksvc config --node-ips $NODE_EXT,$NODE_EXT6 >/dev/null
check "primary follows a new node IP: $NODE_EXT answers" grep -q '^pod1 ' <<<"$(ask "$client" tcp $NODE_EXT 30090)"
check "and 192.168.71.1 no more" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - TCP:192.168.71.1:30090,connect-timeout=2 2>/dev/null | grep -q pod1"
check "an IPv6 node IP: $NODE_EXT6 answers" grep -q '^pod1-v6 ' <<<"$(ask6 "$client" tcp $NODE_EXT6 30090)"
ip -n "$node" addr add fd00:50::9/64 dev ext0 nodad
check "and not the node's other IPv6 address" \
	sh -c "! echo | ip netns exec '$client' socat -T2 - 'TCP6:[fd00:50::9]:30090,connect-timeout=2' 2>/dev/null | grep -q pod1"
out=$(ksvc config --node-ips 127.0.0.1 2>&1)
check "a loopback node IP is refused, saying why" grep -q 'not loopback' <<<"$out"
out=$(ksvc config --node-ips 192.168.71.1,192.168.71.2 2>&1)
check "two node IPs of a family are refused" grep -q 'one address of each family' <<<"$out"
check "neither changed the node IPs" grep -qx "node-ips: $NODE_EXT $NODE_EXT6" <<<"$(ksvc config)"
ksvc config --nodeport-addresses 192.168.71.0/24 >/dev/null
check "a prefix list replaces primary" grep -qx 'nodeport-addresses: 192.168.71.0/24' <<<"$(ksvc config)"
ksvc config --node-ips "" >/dev/null
check "--node-ips \"\" empties the node IPs" grep -qx 'node-ips: <none>' <<<"$(ksvc config)"
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
