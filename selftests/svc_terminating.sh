#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Endpoint conditions: when no endpoint is ready, the serving and
# terminating ones take the traffic (as kube-proxy does); endpoints that
# are neither are never used; once one is ready again, only ready ones.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 3
add_pod cpod "$(pod_ip 9)"
svc() {	# svc READY-POD: pod1 serving+terminating, pod2 terminating only
	cat <<EOT
apiVersion: v1
kind: Service
metadata: {name: term, namespace: default}
spec:
  clusterIP: 10.96.13.1
  ports: [{name: "", port: 80, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: term-1, namespace: default, labels: {kubernetes.io/service-name: term}}
addressType: IPv4
ports: [{name: "", port: 80, protocol: TCP}]
endpoints:
- addresses: ["$(pod_ip 1)"]
  conditions: {ready: false, serving: true, terminating: true}
- addresses: ["$(pod_ip 2)"]
  conditions: {ready: false, serving: false, terminating: true}
- addresses: ["$(pod_ip 3)"]
  conditions: {ready: $1}
EOT
}
svc false | apply >/dev/null || fail apply
out=$(tcp_many "$cpod" 10.96.13.1 80 20)
diag "no ready endpoint: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "no ready endpoint: the serving terminating one answers" test "$(count pod1 <<<"$out")" = 20
svc true | apply >/dev/null || fail apply
out=$(tcp_many "$cpod" 10.96.13.1 80 20)
diag "one ready: $(cut -d' ' -f1 <<<"$out" | sort | uniq -c | tr '\n' ';')"
check "one ready endpoint: only it answers" test "$(count pod3 <<<"$out")" = 20
check "the non-serving terminating endpoint never answered" \
	test "$(count pod2 <<<"$out")" = 0
ksft_exit
