#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The seed's manifests (test/k8s/manifests/, from shared/seed/) applied
# with kubectl to the real API server, which assigns the cluster IPs and
# node ports, the Pods they select registered as a kubelet would, and
# ksvcctl sync, the node agent, routing what the API server says:
# - numbers-api (ClusterIP, two pods) from a pod and from the node itself;
# - numbers-web (LoadBalancer) from an external client, at its load
#   balancer's address and at its node port;
# - sleep-2 (ClusterIP) from a pod;
# - a Service without a selector whose endpoints are written by hand (an
#   Endpoints object, as the seed's notes describe; the API server's
#   EndpointSlice mirroring controller makes its slice): its cluster IP
#   reaches a server outside the cluster;
# - numbers-api as an ExternalName in another namespace (the same name:
#   namespaces scope names): a DNS alias, nothing to route; ksvc holds it
#   as a name only (for `ksvcctl get`), and the first numbers-api is
#   untouched.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

k8s_start
M=$TOP/test/k8s/manifests

agent_log=/tmp/ksvc-sync-seed.log
ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
	--node-name node-1 --min-sync-period 100ms >"$agent_log" 2>&1 &
agent_pid=$!

has_svc() {
	ksvc get services -n "$1" -o json 2>/dev/null | jq -e --arg n "$2" \
		'[(.items // [])[] | select(.kind == "Service" and .metadata.name == $n)] | length > 0' >/dev/null
}
# who NS ADDR PORT N: N requests; each distinct answer with its count.
who() {
	local i
	for i in $(seq "$4"); do ask "$1" tcp "$2" "$3"; done | sort | uniq -c | sed 's/^ *//'
}

k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
kubectl create namespace shop >/dev/null
kubectl create namespace elsewhere >/dev/null
add_pod api1 10.244.0.11
add_pod api2 10.244.0.12
add_pod web1 10.244.0.21
add_pod sleep1 10.244.0.25
add_pod client_pod 10.244.0.31
serve "$api1" tcp 80 numbers-api-1
serve "$api2" tcp 80 numbers-api-2
serve "$web1" tcp 80 numbers-web-1
serve "$sleep1" tcp 80 sleep-2-1
# The server outside the cluster: on the external client's host.
serve "$client" tcp 5432 outside-db
k8s_pod numbers-api-1 node-1 app=numbers-api 10.244.0.11 shop || fail "pod"
k8s_pod numbers-api-2 node-1 app=numbers-api 10.244.0.12 shop || fail "pod"
k8s_pod numbers-web-1 node-1 app=numbers-web 10.244.0.21 shop || fail "pod"
k8s_pod sleep-2-1 node-1 app=sleep-2 10.244.0.25 shop || fail "pod"
kubectl apply -n shop -f "$M/numbers-api-service.yaml" -f "$M/numbers-web-loadbalancer.yaml" \
	-f "$M/sleep-2-service.yaml" >/dev/null || fail "kubectl apply"
kubectl apply -n elsewhere -f "$M/numbers-api-externalname.yaml" >/dev/null || fail "kubectl apply"
kubectl apply -n shop -f - >/dev/null 2>&1 <<EOF || fail "kubectl apply"
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: db}
subsets:
- addresses: [{ip: $CLIENT_IP}]
  ports: [{port: 5432}]
EOF
k8s_lb_status numbers-web 192.168.50.100 shop || fail "load-balancer status"
ip -n "$client" route add 192.168.50.100/32 via $NODE_EXT

slices_ready() {
	k8s_slice_ready numbers-api 2 shop && k8s_slice_ready numbers-web 1 shop &&
		k8s_slice_ready sleep-2 1 shop
}
check "the EndpointSlice controller lists the selected pods" slices_ready
check "the mirroring controller made a slice of the hand-written Endpoints" \
	k8s_slice_ready db 1 shop
programmed() {
	has_svc shop numbers-api && has_svc shop numbers-web && has_svc shop sleep-2 &&
		has_svc shop db
}
check "the agent programs shop's Services" busywait 30000 programmed

vip=$(kubectl get service numbers-api -n shop -o jsonpath='{.spec.clusterIP}')
out=$(who "$client_pod" "$vip" 80 6)
diag "numbers-api ($vip) from a pod: $(tr '\n' ';' <<<"$out")"
check "numbers-api from a pod: both of its pods answer, and see the pod" \
	test "$(grep -cE '^[0-9]+ numbers-api-[12] 10\.244\.0\.31$' <<<"$out")" = 2
out=$(ask "$node" tcp "$vip" 80)
check "numbers-api from the node itself" grep -q '^numbers-api-[12] ' <<<"$out"
np=$(kubectl get service numbers-web -n shop -o jsonpath='{.spec.ports[0].nodePort}')
check "numbers-web at its load balancer's address, from the external client" \
	test "$(ask "$client" tcp 192.168.50.100 8080)" = "numbers-web-1 $NODE_EXT"
check "numbers-web at its API-assigned node port $np, from the external client" \
	test "$(ask "$client" tcp $NODE_EXT "$np")" = "numbers-web-1 $NODE_EXT"
svip=$(kubectl get service sleep-2 -n shop -o jsonpath='{.spec.clusterIP}')
check "sleep-2 from a pod" test "$(ask "$client_pod" tcp "$svip" 80)" = "sleep-2-1 10.244.0.31"
dvip=$(kubectl get service db -n shop -o jsonpath='{.spec.clusterIP}')
check "db, endpoints by hand: its cluster IP reaches the server outside the cluster" \
	test "$(ask "$client_pod" tcp "$dvip" 5432)" = "outside-db 10.244.0.31"
ext=$(ksvc get services numbers-api -n elsewhere -o json 2>/dev/null |
	jq -c '[.items[]? | select(.kind == "Service") | .spec | {type, externalName, clusterIP}]')
diag "elsewhere/numbers-api in the kernel: $ext"
check "the ExternalName numbers-api is held as a name only: no cluster IP to route" \
	test "$ext" = '[{"type":"ExternalName","externalName":"raw.githubusercontent.com","clusterIP":null}]'
check "and shop/numbers-api, the same name, still answers" \
	grep -q '^numbers-api-[12] ' <<<"$(ask "$client_pod" tcp "$vip" 80)"
check "the agent skipped nothing" sh -c "! grep -q 'skipped' '$agent_log'"
check "no Service has rejected a connection" \
	test -z "$(ksvc stats | grep -v 'rejects=0$' | grep '^service')"

kill "$agent_pid"
kubectl delete namespace shop elsewhere --wait=false >/dev/null 2>&1
kubectl delete node node-1 >/dev/null 2>&1
ksft_exit
