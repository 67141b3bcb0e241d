#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Three nodes in one VM (selftests/lib_nodes.sh), each running its own
# agent (ksvcctl sync --node-name mn-I) against the real control plane,
# reached through the router that also fronts the external client.  What
# kube-proxy users rely on across nodes, from the API server's objects:
# - a LoadBalancer Service with externalTrafficPolicy Local gets a
#   healthCheckNodePort; each node's agent answers it with 200 where the
#   Service has a ready local endpoint and 503 where not, so a cloud load
#   balancer sends to the right nodes;
# - its NodePort keeps the client's address on those nodes and drops on
#   the others;
# - a pod turning not ready flips its node's answer to 503, and a pod
#   added on another node flips that node's to 200.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_nodes.sh"
. "$(dirname "$0")/lib.sh"
require socat
require_module
k8s_require

ktap_header
setup_nodes 3
# kubectl and the uplink from the router: the nodes reach the API server
# through it (their default route), as a cluster's nodes through theirs.
node=$router
k8s_uplink || bail "the uplink to the API server"

for i in 1 2 3; do
	k8s_node "mn-$i" "$(node_ip "$i")" "10.244.$i.0/24" || bail "Node node-$i"
done
for i in 1 2; do
	add_pod_on "$i" "web$i" "$(node_pod_ip "$i" 1)"
	serve "$(pod_ns_named "web$i")" tcp 80 "web-$i"
	k8s_pod "web-$i" "mn-$i" app=web "$(node_pod_ip "$i" 1)" || bail "pod web-$i"
done
kubectl apply -f - >/dev/null <<EOF || bail "kubectl apply"
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80}]
EOF
k8s_slice_ready web 2 || bail "web's slice"

agent_pids=()
for i in 1 2 3; do
	ip netns exec "$(node_ns "$i")" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
		--node-name "mn-$i" --min-sync-period 100ms >"/tmp/ksvc-mn-agent-$i.log" 2>&1 &
	agent_pids+=($!)
done
at_exit "kill ${agent_pids[*]}; rm -f /tmp/ksvc-mn-agent-*.log"

programmed() {	# programmed I: node I's tables hold web
	ksvc_on "$1" get services -n default -o json 2>/dev/null |
		jq -e '[.items[] | select(.kind == "Service" and .metadata.name == "web")] | length > 0' >/dev/null
}
ok=0
for i in 1 2 3; do
	busywait 60000 programmed "$i" && ok=$((ok + 1))
done
check "each node's agent programs the Service" test "$ok" = 3

hc=$(kubectl get service web -o jsonpath='{.spec.healthCheckNodePort}')
np=$(kubectl get service web -o jsonpath='{.spec.ports[0].nodePort}')
diag "web: healthCheckNodePort $hc, nodePort $np"
codes() {	# the three nodes' answers on the healthCheckNodePort, from outside
	local i
	for i in 1 2 3; do
		k8s_http "$client" "$(node_ip "$i")" "$hc" / | head -n1
	done | tr '\n' ' ' | sed 's/ $//'
}
codes_are() { [ "$(codes)" = "$1" ]; }
busywait 30000 codes_are "200 200 503"
c=$(codes)
diag "healthCheckNodePort on node-1, node-2, node-3: $c"
check "healthCheckNodePort: 200 on the nodes with a ready endpoint, 503 on the other" \
	test "$c" = "200 200 503"

r1=$(mn_try "$client" "$(node_ip 1)" "$np")
r2=$(mn_try "$client" "$(node_ip 2)" "$np")
r3=$(mn_try "$client" "$(node_ip 3)" "$np")
diag "NodePort $np: node-1 '$r1', node-2 '$r2', node-3 '$r3'"
check "ETP Local: each node with an endpoint answers from its own pod, the client's address kept" \
	test "$r1" = "web-1 $MN_CLIENT_IP" -a "$r2" = "web-2 $MN_CLIENT_IP"
check "ETP Local: the node without one drops" test "$r3" = timeout

# web-2 turns not ready: node-2 says so; a pod on node-3 comes up.
kubectl patch pod web-2 --subresource=status --type=merge -p \
	'{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"ContainersReady","status":"False"}]}}' >/dev/null
add_pod_on 3 web3 "$(node_pod_ip 3 1)"
serve "$web3" tcp 80 web-3
k8s_pod web-3 mn-3 app=web "$(node_pod_ip 3 1)" || fail "pod web-3"
busywait 30000 codes_are "200 503 200"
c=$(codes)
diag "after: $c"
check "a pod not ready: its node answers 503; a new pod: its node 200" test "$c" = "200 503 200"
r3=$(mn_try "$client" "$(node_ip 3)" "$np")
check "and node-3's NodePort now answers from its own pod ($r3)" test "$r3" = "web-3 $MN_CLIENT_IP"
# The control plane serves the next tests: leave it as found.
kubectl delete service web --wait=false >/dev/null 2>&1
kubectl delete pod web-1 web-2 web-3 --force --grace-period=0 >/dev/null 2>&1
kubectl delete node mn-1 mn-2 mn-3 >/dev/null 2>&1
ksft_exit
