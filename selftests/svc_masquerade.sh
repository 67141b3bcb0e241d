#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Masquerade of traffic to a cluster IP, as kube-proxy decides it
# (TestInternalExternalMasquerade): without a local-traffic detector only
# hairpin is masqueraded; with one, traffic that is not from a pod of this
# node (here: a client routed to the Service CIDR) is masqueraded and pods
# keep their address.  The three detectors of kube-proxy's
# --detect-local-mode: pod CIDRs, interface name prefix (the node's veths
# here are named v...), the pods' bridge.  masquerade-all masquerades pods
# too.  One detector at a time: a second is refused, naming the rule.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
add_pod cpod "$(pod_ip 9)"
# A pod behind a bridge (a bridge CNI): it arrives on br0.
ip -n "$node" link add br0 type bridge
ip -n "$node" addr add 10.245.0.254/24 dev br0
ip -n "$node" link set br0 up
new_ns bpod
ip link add bv1 netns "$node" type veth peer name eth0 netns "$bpod"
ip -n "$node" link set bv1 master br0 up
ip -n "$bpod" addr add 10.245.0.1/24 dev eth0
ip -n "$bpod" link set eth0 up
ip -n "$bpod" route add default via 10.245.0.254
# The client reaches the Service CIDR through this node.
ip -n "$client" route add 10.96.0.0/16 via $NODE_EXT
{
	service web ip=10.96.17.1 ep="$(pod_ip 1)"
} | apply >/dev/null || bail apply

# seen NS: the source address pod1 saw for a connection from NS.
seen() { ask "$1" tcp 10.96.17.1 80 | awk '$1 == "pod1" { print $2 }'; }
node_addr() { case $1 in 192.168.50.1|10.245.0.254) return 0 ;; esac; return 1; }

s=$(seen "$client")
check "no detector: a client outside keeps its address ($s)" test "$s" = "$CLIENT_IP"
s=$(seen "$cpod")
check "no detector: a pod keeps its address ($s)" test "$s" = "$(pod_ip 9)"

ksvc config --local-cidrs 10.244.0.0/16 >/dev/null
s=$(seen "$client")
check "pod CIDRs: a client outside is masqueraded ($s)" node_addr "$s"
s=$(seen "$cpod")
check "pod CIDRs: a pod keeps its address ($s)" test "$s" = "$(pod_ip 9)"

err=$(ksvc config --local-interface-prefix v 2>&1 >/dev/null)
check "a second detector is refused: $err" \
	grep -q 'one local-traffic detector at a time' <<<"$err"

ksvc config --local-cidrs "" --local-interface-prefix v >/dev/null
s=$(seen "$client")
check "interface prefix v: a client on ext0 is masqueraded ($s)" node_addr "$s"
s=$(seen "$cpod")
check "interface prefix v: a pod on its v... veth keeps its address ($s)" test "$s" = "$(pod_ip 9)"
s=$(seen "$bpod")
check "interface prefix v: a pod on br0 is not one ($s)" node_addr "$s"

ksvc config --local-interface-prefix "" --local-bridge br0 >/dev/null
s=$(seen "$bpod")
check "bridge br0: a pod on the bridge keeps its address ($s)" test "$s" = 10.245.0.1
s=$(seen "$cpod")
check "bridge br0: a pod on a routed veth is not one ($s)" node_addr "$s"

ksvc config --masquerade-all yes >/dev/null
s=$(seen "$bpod")
check "masquerade-all: the bridged pod is masqueraded too ($s)" node_addr "$s"
check "config shows the detector and masquerade-all" \
	sh -c "ip netns exec '$node' '$KSVCCTL' config | grep -qx 'local-bridge: br0' &&
		ip netns exec '$node' '$KSVCCTL' config | grep -qx 'masquerade-all: yes'"
ksft_exit
