# SPDX-License-Identifier: GPL-2.0
# The cluster state every generator emits (sourced with awk -f lib.awk
# -f gen-FORMAT.awk).  Variables: N services, M endpoints each, V the
# variant of the changed service's first endpoint (0 or 1), ONLY (-1 or
# the index of the one service to emit).
#
# Service i (namespace "bench", name "svc-<i>", port 80/TCP "http" to
# target port 8080):
#   cluster IP   10.100.0.0 + i + 1 (10.100.0.1 ... 10.101.134.160 at 100k)
#   type         i%10 == 0: NodePort, i%10 == 1: LoadBalancer (with a node
#                port and an ingress IP 172.16.k/256.k%256), else ClusterIP;
#                node ports 30000 + k, k = 2*(i/10) + i%10 < 2700 (the
#                default range holds no more), beyond that ClusterIP
#   target T = N/2: always NodePort 32700 (the data-plane tests use it)
#   changed C = T + 3 (a ClusterIP Service): endpoint 0 is 10.244.x.y
#                (V=0) or 10.245.1.1 (V=1)
#   endpoint j:  e = (i*M + j) % 64000, 10.244.(e/250).(e%250 + 1): all in
#                10.244.0.0/16, which one sink pod owns in the data-plane
#                tests
#
# kube-proxy's view (v1.37, default configuration): detect-local-mode
# ClusterCIDR with CIDR 10.244.0.0/15, not a pod CIDR's usual /16, because
# the client pod (10.245.0.2) and the changed endpoint 10.245.1.1 are pods
# too and a pod's ClusterIP traffic is not masqueraded; NODE the node's
# address (NODE_IP, 192.168.50.1), its only one besides loopback, so both
# nodePortAddresses defaults (nftables: the primary node IP; iptables and
# IPVS: every local address) name it alone; MARK the masquerade mark
# (masqueradeBit 14) as kube-proxy prints it.
function init() {
	if (M == "") M = 10
	if (V == "") V = 0
	if (ONLY == "") ONLY = -1
	N += 0; M += 0; V += 0; ONLY += 0
	T = int(N / 2)
	C = T + 3 < N ? T + 3 : T
	lo = ONLY >= 0 ? ONLY : 0
	hi = ONLY >= 0 ? ONLY + 1 : N
	CIDR = "10.244.0.0/15"
	if (NODE == "") NODE = "192.168.50.1"
	MARK = "0x004000"
}
function dq(x) { return int(x / 256) % 256 "." x % 256 }
function svc_ip(i) { return "10." (100 + int((i + 1) / 65536)) "." dq(i + 1) }
function ep_ip(i, j, v,   e) {
	if (i == C && j == 0 && v == 1) return "10.245.1.1"
	e = (i * M + j) % 64000
	return "10.244." int(e / 250) "." (e % 250 + 1)
}
function np_k(i) { return 2 * int(i / 10) + i % 10 }
# node port of service i, 0 if none
function nodeport(i) {
	if (i == T) return 32700
	if (i % 10 <= 1 && np_k(i) < 2700) return 30000 + np_k(i)
	return 0
}
function is_lb(i) { return i != T && i % 10 == 1 && np_k(i) < 2700 }
function lb_ip(i,   k) { k = np_k(i); return "172.16." int(k / 256) "." k % 256 }
function svc_type(i) { return is_lb(i) ? "LoadBalancer" : nodeport(i) ? "NodePort" : "ClusterIP" }
# 16-character "hash" suffixes, unique per service / endpoint chain
function h16(i) { return sprintf("%04X%012d", (i * 7919) % 65536, i) }
function eh16(i, j, v) { return sprintf("%04X%07d%05d", (i * 7919 + j) % 65536, i, j * 10 + v) }
# the variant service i's endpoint j has in this output
function ev(i, j) { return (i == C && j == 0) ? V : 0 }
# kube-proxy's EnsureChain and EnsureRule(Prepend) as the iptables commands
# they run (sh; $IPT the iptables command): -N, where exit 1 (the chain
# exists) is fine, then -C and, if the rule is missing, -I.
function ensure_chain(t, c) { printf "$IPT -w 5 -N %s -t %s 2>/dev/null || [ $? = 1 ]\n", c, t }
function ensure_rule(t, c, a) {
	printf "$IPT -w 5 -C %s -t %s %s 2>/dev/null || $IPT -w 5 -I %s -t %s %s\n", c, t, a, c, t, a
}
