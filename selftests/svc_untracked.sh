#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The drop of forwarded INVALID packets is kube-proxy's "ct state invalid
# drop": traffic conntrack does not track (IPv6 neighbour discovery, or
# what nft notrack exempts) is not INVALID and passes, and nothing is
# dropped when nf_conntrack_tcp_be_liberal is set, as kube-proxy then
# installs no drop.  Pods on a bridge with br_netfilter (bridged IPv6 goes
# through FORWARD), a pod whose traffic is notrack, a NodeLocal
# DNSCache-style resolver; bare ACKs are INVALID (svc_ct_invalid.sh).
. "$(dirname "$0")/lib.sh"
require nft ping nstat socat
require_module
[ -x "$KSTOOL" ] || ksft_skip "kstool not built"
if ! grep -q '^br_netfilter ' /proc/modules; then
	modprobe br_netfilter 2>/dev/null || ksft_skip "br_netfilter not loadable"
	# Its hooks go into every namespace: none for the tests after this.
	at_exit rmmod br_netfilter
fi

ktap_header
setup_node
service web ip=10.96.7.1 | apply >/dev/null || bail apply

# Two pods on a bridge in the node (a bridge CNI), dual-stack, the
# bridge's address their gateway; bridged IP goes through the node's
# netfilter.  (Bare ACKs are INVALID with tcp_loose 0: (d) and (e).)
ip netns exec "$node" sysctl -qw net.bridge.bridge-nf-call-iptables=1 \
	net.bridge.bridge-nf-call-ip6tables=1 net.netfilter.nf_conntrack_tcp_loose=0
ip -n "$node" link add br0 type bridge mcast_snooping 0
ip -n "$node" addr add 10.245.0.254/24 dev br0
ip -n "$node" link set br0 up
for i in 1 2; do
	new_ns "pod$i"
	v=pod$i
	ip link add "bv$i" netns "$node" type veth peer name eth0 netns "${!v}"
	ip -n "$node" link set "bv$i" master br0 up
	ip -n "${!v}" addr add "10.245.0.$i/24" dev eth0
	ip -n "${!v}" addr add "fd00:245::$i/64" dev eth0 nodad
	ip -n "${!v}" link set eth0 up
	ip -n "${!v}" route add default via 10.245.0.254
done

# (a) Bridged, pod to pod: IPv6 needs neighbour discovery, untracked.
check "bridged pods: IPv6 ping" \
	ip netns exec "$pod1" ping -q -6 -c 1 -W 5 fd00:245::2
check "bridged pods: IPv4 ping" \
	ip netns exec "$pod1" ping -q -4 -c 1 -W 5 10.245.0.2

# (b) A pod's traffic, both ways, exempted from conntrack in raw
# prerouting, routed through the node to the outside.  (c) NodeLocal
# DNSCache: a link-local address on a dummy in the node, DNS to and from
# it notrack, queried from a pod.
ip netns exec "$node" nft -f - <<EOF
table ip notrack_pod {
	chain pre {
		type filter hook prerouting priority raw;
		ip saddr 10.245.0.2 notrack
		ip daddr 10.245.0.2 notrack
	}
}
table ip nodelocaldns {
	chain pre {
		type filter hook prerouting priority raw;
		ip daddr 169.254.20.10 udp dport 53 notrack
		ip daddr 169.254.20.10 tcp dport 53 notrack
	}
	chain out {
		type filter hook output priority raw;
		ip saddr 169.254.20.10 udp sport 53 notrack
		ip saddr 169.254.20.10 tcp sport 53 notrack
	}
}
EOF
check "routed notrack traffic from a pod passes" \
	ip netns exec "$pod2" ping -q -c 1 -W 5 $CLIENT_IP

ip -n "$node" link add nodelocaldns type dummy
ip -n "$node" addr add 169.254.20.10/32 dev nodelocaldns
ip -n "$node" link set nodelocaldns up
serve "$node" udp 53 dns
serve "$node" tcp 53 dns
# TCP first: its handshake resolves the neighbours, which could take
# longer than the half second socat waits for a UDP answer.
check "node-local DNS over TCP from a pod" \
	grep -q '^dns 10.245.0.1$' <<<"$(ask "$pod1" tcp 169.254.20.10 53)"
check "node-local DNS over UDP from a pod" \
	grep -q '^dns 10.245.0.1$' <<<"$(ask "$pod1" udp 169.254.20.10 53)"

# (d, e) Bare ACKs from outside to a pod are INVALID: dropped, unless
# nf_conntrack_tcp_be_liberal is set.  The pod resets each one it gets.
rsts() { ip netns exec "$pod1" nstat -az TcpOutRsts | awk '$1 == "TcpOutRsts" { print $2 }'; }
got() { n=$(($(rsts) - b)); [ "$n" -ge 5 ]; }
b=$(rsts)
ip netns exec "$client" "$KSTOOL" tcp-ack 10.245.0.1 80 5
sleep 1
got
diag "tcp_be_liberal=0: the pod got $n of 5 invalid ACKs"
check "INVALID forwarded packets are dropped" test "$n" = 0
ip netns exec "$node" sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
b=$(rsts)
ip netns exec "$client" "$KSTOOL" tcp-ack 10.245.0.1 80 5
busywait 3000 got
diag "tcp_be_liberal=1: the pod got $n of 5 invalid ACKs"
check "with tcp_be_liberal, INVALID packets are forwarded" test "$n" = 5
ksft_exit
