#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarded packets that conntrack finds INVALID are dropped (they would
# reach pods un-NATed and draw resets, kube-proxy issue 74839), unless
# switched off.  Bare ACKs with no connection behind them are INVALID when
# nf_conntrack_tcp_loose is 0; the pod answers each one it gets with a
# reset, which nstat counts.
. "$(dirname "$0")/lib.sh"
require nstat
require_module
[ -x "$KSTOOL" ] || ksft_skip "kstool not built"

ktap_header
setup_node
pods 1
service web ip=10.96.7.1 | apply >/dev/null || bail apply
ip netns exec "$node" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0

rsts() { ip netns exec "$pod1" nstat -az TcpOutRsts | awk '$1 == "TcpOutRsts" { print $2 }'; }
sent_rsts() {	# sent_rsts: resets the pod sends for 5 bare ACKs
	local b a
	b=$(rsts)
	ip netns exec "$client" "$KSTOOL" tcp-ack "$(pod_ip 1)" 80 5
	sleep 1
	a=$(rsts)
	echo $((a - b))
}

check "default: ksvcctl config says drop-invalid: yes" \
	grep -q '^drop-invalid: yes$' <<<"$(ksvc config)"
n=$(sent_rsts)
diag "with the drop: the pod got $n of 5 invalid ACKs"
check "INVALID forwarded packets are dropped" test "$n" = 0
ksvc config --drop-invalid no >/dev/null
n=$(sent_rsts)
diag "without the drop: the pod got $n of 5 invalid ACKs"
check "switched off, they are forwarded" test "$n" = 5
ksft_exit
