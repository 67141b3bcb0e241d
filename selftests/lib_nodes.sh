# SPDX-License-Identifier: GPL-2.0
# Several Kubernetes nodes in one VM (sourced after lib.sh).  ksvc's state
# is per network namespace, so a node is a namespace with its own tables:
#
#   client 198.51.100.2 --- 198.51.100.1 router 172.30.0.1 (bridge br0)
#                                           |      |      |
#                 node-1 172.30.0.11   node-2 .12   node-3 .13 ...
#                 pods 10.244.1.0/24   10.244.2.0/24  10.244.3.0/24
#
# The router bridges the nodes' underlay (br0) and routes the client to
# it; load-balancer addresses (LB_CIDR) it spreads over every node with
# ECMP, hashing on the 5-tuple as a cloud load balancer or a ToR's
# multipath routes do.  Each node routes the other nodes' pod CIDRs to
# them and defaults to the router; its pods sit behind routed veths as in
# lib.sh.  ksvc on each is configured with its node name (node-I) and the
# cluster's pod CIDR (10.244.0.0/16); what a node's agent would program,
# a test applies to every node (apply_nodes).
#
# setup_nodes N; add_pod_on I NAME IP; ksvc_on I ARGS...; apply_nodes;
# lose_node I; node_ns I, node_ip I, node_pod_ip I J (the Jth address of
# node I's CIDR); mn_try NS ADDR PORT.

ROUTER_LAN=172.30.0.1
ROUTER_EXT=198.51.100.1
MN_CLIENT_IP=198.51.100.2
LB_CIDR=203.0.113.0/24
CLUSTER_CIDR=10.244.0.0/16
NODE_NS=()
NODES=0

node_ns() { echo "${NODE_NS[$1]}"; }
node_ip() { echo "172.30.0.$((10 + $1))"; }
node_pod_ip() { echo "10.244.$1.$((10 + $2))"; }

# setup_nodes [N]: the router, the client and N nodes, 3 by default (ends the test on a
# failed step).
setup_nodes() {
	local i
	NODES=${1:-3}
	_setup_fabric || bail "the router and the client"
	for ((i = 1; i <= NODES; i++)); do
		_setup_one_node "$i" || bail "node-$i"
	done
	_route_nodes || bail "the routes between the nodes"
}

_setup_fabric() {
	new_ns router || return 1
	new_ns client || return 1
	ip -n "$router" link add br0 type bridge &&
	ip -n "$router" addr add $ROUTER_LAN/24 dev br0 &&
	ip -n "$router" link set br0 up &&
	link_pair "$router" ext0 $ROUTER_EXT/24 "$client" eth0 $MN_CLIENT_IP/24 &&
	ip -n "$client" route add default via $ROUTER_EXT &&
	ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$router" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
}

_setup_one_node() {
	local i=$1 ns
	new_ns "node$i" || return 1
	ns=$(pod_ns_named "node$i")
	NODE_NS[$i]=$ns
	link_pair "$ns" eth0 "$(node_ip "$i")/24" "$router" "n$i" - &&
	ip -n "$router" link set "n$i" master br0 &&
	ip -n "$ns" route add default via $ROUTER_LAN &&
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 &&
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0 &&
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.eth0.rp_filter=0 &&
	ksvc_on "$i" config --node-name "node-$i" --local-cidrs $CLUSTER_CIDR >/dev/null
}

# Each node reaches the others' pods through them; the router spreads
# LB_CIDR over all of them (one multipath route).
_route_nodes() {
	local i k hops=()
	for ((i = 1; i <= NODES; i++)); do
		for ((k = 1; k <= NODES; k++)); do
			[ "$i" = "$k" ] && continue
			ip -n "$(node_ns "$i")" route add "10.244.$k.0/24" via "$(node_ip "$k")" || return 1
		done
		hops+=(nexthop via "$(node_ip "$i")")
	done
	ip -n "$router" route add $LB_CIDR "${hops[@]}"
}

# add_pod_on I NAME IP: a pod on node I (as add_pod); pod_ns_named NAME
# its namespace.
add_pod_on() {
	local node i=$1
	node=$(node_ns "$i")
	shift
	_add_pod "$@" || bail "pod $1 ($2) on node-$i"
}
pod_ns_named() { echo "${!1}"; }

# lose_node I: node I is gone (its namespace deleted, its veths with it).
lose_node() {
	local ns
	ns=$(node_ns "$1")
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$ns"
	NODE_NS[$1]=
}

# ksvc_on I ARGS...: ksvcctl on node I.
ksvc_on() {
	local node
	node=$(node_ns "$1")
	shift
	ksvc "$@"
}

# apply_nodes: manifests on stdin into every node's tables, as each node's
# agent would program them from the same API server.
apply_nodes() {
	local i in
	in=$(cat)
	for ((i = 1; i <= NODES; i++)); do
		[ -n "$(node_ns "$i")" ] || continue
		ksvc_on "$i" apply -f - "$@" <<<"$in" || return 1
	done
}

# mn_try NS ADDR PORT: one TCP request; prints the answer ("NAME PEER"),
# or how it failed ("refused", "timeout").
mn_try() {
	local out
	out=$(echo hi | ip netns exec "$1" socat -T3 - "TCP:$2:$3,connect-timeout=3" 2>&1)
	case $out in
	*"Connection refused"*) echo refused ;;
	*"timed out"*) echo timeout ;;
	*) tail -n1 <<<"$out" ;;
	esac
}
