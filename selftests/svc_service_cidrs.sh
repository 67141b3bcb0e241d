#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Addresses of the Service network that no Service port takes, as
# kube-proxy treats them (TestClusterIPGeneral): a new connection to a live
# cluster IP on a port or protocol its Service does not serve is refused
# (TCP reset, ICMP port unreachable), from a pod as from the node; one to an
# address inside the Service CIDRs (ksvcctl config --service-cidrs) that no
# Service holds is dropped.  Before, both went on to the default route:
# here the client behind it answers for those addresses, so that leaking
# is seen.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 1
add_pod cpod "$(pod_ip 9)"
ip -n "$client" addr add 10.96.18.1/32 dev lo
ip -n "$client" addr add 10.96.18.99/32 dev lo
serve "$client" tcp 81 client
serve "$client" udp 80 client
serve "$client" tcp 80 client
service web ip=10.96.18.1 port=80 ep="$(pod_ip 1)" | apply >/dev/null || bail apply

# try NS PROTO ADDR PORT: who answered, or how it failed.
try() {
	local out
	if [ "$2" = udp ]; then
		out=$(echo hi | ip netns exec "$1" socat -T3 - "UDP:$3:$4" 2>&1)
	else
		out=$(echo hi | ip netns exec "$1" socat -T3 - "TCP:$3:$4,connect-timeout=3" 2>&1)
	fi
	case $out in
	pod1*|client*) echo "${out%% *}" ;;
	*"Connection refused"*) echo refused ;;
	*"timed out"*|"") echo timeout ;;
	*) echo "other: $(tail -n1 <<<"$out")" ;;
	esac
}

r=$(try "$cpod" tcp 10.96.18.1 80)
check "the Service's port answers ($r)" test "$r" = pod1
r=$(try "$cpod" tcp 10.96.18.1 81)
check "a pod, to a port the cluster IP does not serve: refused ($r)" test "$r" = refused
r=$(try "$cpod" udp 10.96.18.1 80)
check "a pod, to a protocol the cluster IP does not serve: refused ($r)" test "$r" = refused
r=$(try "$node" tcp 10.96.18.1 81)
check "the node, to a port the cluster IP does not serve: refused ($r)" test "$r" = refused
r=$(try "$cpod" tcp 10.96.18.99 80)
check "no Service CIDRs set: an unallocated address is not ksvc's ($r)" test "$r" = client
ksvc config --service-cidrs 10.96.0.0/16 >/dev/null
r=$(try "$cpod" tcp 10.96.18.99 80)
check "Service CIDR 10.96.0.0/16: an unallocated address is dropped ($r)" test "$r" = timeout
r=$(try "$node" tcp 10.96.18.99 80)
check "... from the node too ($r)" test "$r" = timeout
check "config shows the Service CIDRs" grep -qx 'service-cidrs: 10.96.0.0/16' <<<"$(ksvc config)"
ksvc config --service-cidrs "" >/dev/null
r=$(try "$cpod" tcp 10.96.18.99 80)
check "Service CIDRs emptied: the address is not ksvc's again ($r)" test "$r" = client
ksft_exit
