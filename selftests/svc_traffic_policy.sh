#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Traffic policies.  externalTrafficPolicy Local: traffic from outside goes
# only to this node's endpoints and keeps the client's address; with no
# local endpoint it is dropped (a timeout, not a reset); in-cluster
# traffic (a pod, by the configured pod CIDR) to the same external address
# reaches every endpoint.  internalTrafficPolicy Local: in-cluster traffic
# to the cluster IP only reaches this node's endpoints.  A Local policy
# drops only while other nodes have usable endpoints; with none anywhere
# (no endpoint, or none ready or serving) the Service is one without
# endpoints and rejects, as kube-proxy does.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 2
add_pod cpod "$(pod_ip 9)"
ip -n "$client" route add 192.168.60.0/24 via $NODE_EXT
ksvc config --node-name node-1 --local-cidrs 10.244.0.0/16 >/dev/null
svc() {	# svc NAME IP LB ETP ITP LOCAL-POD REMOTE-POD [DEAD-POD]
	# $8: an endpoint on node-2 that is neither ready nor serving.
	service "$1" ip="$2" type=LoadBalancer lb="$3" etp="$4" itp="$5" port=80 \
		${6:+ep="$(pod_ip "$6")"} ${7:+ep="$(pod_ip "$7")@node-2"} \
		${8:+ep="$(pod_ip "$8")/dying@node-2"}
}
# try NS ADDR: how a TCP connection to ADDR:80 ends ("refused", "timeout").
try() {
	local err
	err=$(echo | ip netns exec "$1" socat -T2 - "TCP:$2:80,connect-timeout=2" 2>&1)
	case $err in
	*"Connection refused"*) echo refused ;;
	*"timed out"*) echo timeout ;;
	*) echo "other: $(tail -n1 <<<"$err")" ;;
	esac
}
{
	svc etp 10.96.15.1 192.168.60.1 Local Cluster 1 2
	svc nolocal 10.96.15.2 192.168.60.2 Local Cluster "" 2
	svc itp 10.96.15.3 192.168.60.3 Cluster Local 1 2
	svc etpnone 10.96.15.4 192.168.60.4 Local Cluster "" ""
	svc itpnone 10.96.15.5 192.168.60.5 Cluster Local "" "" 3
	svc itpremote 10.96.15.6 192.168.60.6 Cluster Local "" 2
} | apply >/dev/null || bail apply

out=$(tcp_many "$client" 192.168.60.1 80 20)
diag "ETP Local from outside: $(sort <<<"$out" | uniq -c | tr '\n' ';')"
check "ETP Local: outside traffic reaches only the local endpoint" test "$(count pod1 <<<"$out")" = 20
check "ETP Local: the pod saw the client's own address" \
	test "$(grep -c " $CLIENT_IP\$" <<<"$out")" = 20
start=$(date +%s)
err=$(echo | ip netns exec "$client" socat -T2 - TCP:192.168.60.2:80,connect-timeout=2 2>&1)
diag "no local endpoint: $(tail -1 <<<"$err")"
check "ETP Local without a local endpoint: dropped (timeout, not refused)" \
	sh -c "! grep -q 'Connection refused' <<'EOT'
$err
EOT
grep -q 'timed out' <<'EOT'
$err
EOT"
out=$(tcp_many "$cpod" 192.168.60.1 80 30)
diag "in-cluster to the LB address: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "in-cluster traffic to a Local LB address reaches every endpoint" \
	test "$(count pod1 <<<"$out")" -gt 0 -a "$(count pod2 <<<"$out")" -gt 0
out=$(tcp_many "$cpod" 10.96.15.3 80 20)
diag "ITP Local: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "ITP Local: in-cluster traffic reaches only the local endpoint" test "$(count pod1 <<<"$out")" = 20
out=$(tcp_many "$client" 192.168.60.3 80 20)
check "ITP Local leaves outside traffic (ETP Cluster) on every endpoint" \
	test "$(count pod1 <<<"$out")" -gt 0 -a "$(count pod2 <<<"$out")" -gt 0
r=$(try "$client" 192.168.60.4)
check "ETP Local, no endpoint anywhere: outside traffic refused ($r)" test "$r" = refused
r=$(try "$cpod" 10.96.15.5)
check "ITP Local, no ready or serving endpoint anywhere: refused ($r)" test "$r" = refused
r=$(try "$cpod" 10.96.15.6)
check "ITP Local, ready endpoints on another node only: dropped ($r)" test "$r" = timeout
r=$(try "$client" 192.168.60.5)
check "... and ETP Cluster with none usable: refused from outside too ($r)" test "$r" = refused
ksft_exit
