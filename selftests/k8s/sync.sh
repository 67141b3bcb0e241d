#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksvcctl sync, the node agent, against the real control plane: it lists
# and watches Services, EndpointSlices and its Node through the VM's one
# forward, and the datapath follows what the API server says, with no
# ksvcctl apply: the first sync programs every Service; a pod added, a pod
# turning not ready, a Service created and deleted are followed; the
# Node's InternalIP, podCIDRs and zone become the node IPs, pod CIDRs and
# zone, and trafficDistribution's zone hints keep traffic in it; the
# ServiceCIDR objects become the Service CIDRs; a
# Service of another proxy is left alone; another writer's change is
# repaired at the next sync; a change ksvc refuses is skipped, the last
# good version kept; a restarted agent finds nothing to change.
# As kube-proxy: /healthz and /livez (503 on /healthz only when the Node
# is tainted for removal), /metrics, and a LoadBalancer Service's
# healthCheckNodePort answering 200 or 503 as its local endpoints come
# and go, seen from outside.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

k8s_start

agent_log=/tmp/ksvc-sync.log
agent() {
	ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
		--node-name node-1 --min-sync-period 100ms "$@" >>"$agent_log" 2>&1 &
	agent_pid=$!
}
cleanup_agent() { [ -z "${agent_pid:-}" ] || kill "$agent_pid" 2>/dev/null; }

# What the kernel has, as ksvcctl get -o json prints it (Services and
# their EndpointSlices).
kobjs() { ksvc get services -n default -o json 2>/dev/null; }
no_svc() { ! k8s_has_svc "$1"; }
# ep_is SERVICE ADDR READY: the kernel has ADDR for SERVICE, ready or not.
ep_is() {
	kobjs | jq -e --arg s "$1" --arg a "$2" --argjson r "$3" \
		'[(.items // [])[] | select(.kind == "EndpointSlice" and .metadata.labels["kubernetes.io/service-name"] == $s)
		  | .endpoints[]? | select(.addresses[0] == $a and (.conditions.ready != false) == $r)] | length > 0' >/dev/null
}
# answers VIP N: N connections from the client pod; who answered.
answers() {
	local out i
	out=$(for i in $(seq "$2"); do ask "$client_pod" tcp "$1" 80; done)
	diag "$1 answered: $(sort <<<"$out" | uniq -c | tr -s ' \n' ' ')"
	echo "$out"
}

k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
add_pod api1 10.244.0.11
add_pod api2 10.244.0.12
add_pod client_pod 10.244.0.31
serve "$api1" tcp 80 sync-api-1
serve "$api2" tcp 80 sync-api-2
k8s_pod sync-api-1 node-1 app=sync-api 10.244.0.11 || fail "pod"
kubectl apply -f - >/dev/null <<EOF || fail "kubectl apply"
apiVersion: v1
kind: Service
metadata: {name: sync-api}
spec:
  selector: {app: sync-api}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: not-ours
  labels: {service.kubernetes.io/service-proxy-name: someone-else}
spec:
  selector: {app: sync-api}
  ports: [{port: 80}]
EOF
k8s_slice_ready sync-api 1 || fail "sync-api's slice"
vip=$(kubectl get service sync-api -o jsonpath='{.spec.clusterIP}')

: > "$agent_log"
agent
check "the first sync programs the Services: sync-api" busywait 30000 k8s_has_svc sync-api
check "and kubernetes" k8s_has_svc kubernetes
check "sync-api's cluster IP $vip answers from its one pod" \
	test "$(answers "$vip" 6 | grep -c '^sync-api-1 ')" = 6
check "a Service of another proxy (service-proxy-name) is left alone" no_svc not-ours
ct() { ip netns exec "$node" cat "/proc/sys/net/netfilter/nf_conntrack_$1"; }
check "conntrack as kube-proxy sets it: TCP established 24h" test "$(ct tcp_timeout_established)" = 86400
check "and close-wait 1h" test "$(ct tcp_timeout_close_wait)" = 3600
cfg=$(ksvc config)
check "the Node's InternalIP became the node IP" grep -qx "node-ips: $NODE_EXT" <<<"$cfg"
check "the Node's podCIDRs became the pod CIDRs" grep -qx "local-cidrs: 10.244.0.0/24" <<<"$cfg"
check "the cluster's ServiceCIDR became the Service CIDRs" \
	grep -qx "service-cidrs: 10.96.0.0/16" <<<"$cfg"
kubectl apply -f - >/dev/null <<EOF || fail "kubectl apply ServiceCIDR"
apiVersion: networking.k8s.io/v1
kind: ServiceCIDR
metadata: {name: extra}
spec: {cidrs: [10.97.0.0/24]}
EOF
svc_cidrs_both() {
	local l
	l=$(ksvc config | grep '^service-cidrs:')
	grep -q ' 10\.96\.0\.0/16\b' <<<"$l" && grep -q ' 10\.97\.0\.0/24\b' <<<"$l"
}
check "a ServiceCIDR added is followed" busywait 30000 svc_cidrs_both

# A second pod: the API write, then the kernel, timed in the guest.
t0=$(date +%s%3N)
k8s_pod sync-api-2 node-1 app=sync-api 10.244.0.12 || fail "pod"
busywait 30000 ep_is sync-api 10.244.0.12 true
ok=$?
t1=$(date +%s%3N)
diag "API write to endpoint programmed: $((t1 - t0)) ms (both kubectl calls included)"
check "a new ready pod is programmed" test $ok = 0
# 24 connections to two pods at random: one pod only has odds of 2^-23.
out=$(answers "$vip" 24)
check "both pods answer the cluster IP: sync-api-1" grep -q '^sync-api-1 ' <<<"$out"
check "and sync-api-2" grep -q '^sync-api-2 ' <<<"$out"

kubectl patch pod sync-api-1 --subresource=status --type=merge -p \
	'{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"ContainersReady","status":"False"}]}}' >/dev/null
not_ready() { ! ep_is sync-api 10.244.0.11 true; }
check "a pod turning not ready is no longer a ready endpoint" busywait 30000 not_ready
check "and gets no new connection" test "$(answers "$vip" 8 | grep -c '^sync-api-2 ')" = 8

# Topology-aware routing: trafficDistribution PreferClose has the
# EndpointSlice controller hint each endpoint to its node's zone; this
# node (zone-a, its Node's label) then sends only to zone-a's pod.
k8s_node node-2 192.168.50.9 10.244.1.0/24 zone-b || fail "node-2"
add_pod tz_a 10.244.0.21
add_pod tz_b 10.244.0.22
serve "$tz_a" tcp 80 tz-a
serve "$tz_b" tcp 80 tz-b
k8s_pod tz-a node-1 app=tz 10.244.0.21 || fail "pod"
k8s_pod tz-b node-2 app=tz 10.244.0.22 || fail "pod"
kubectl apply -f - >/dev/null <<EOF || fail "kubectl apply"
apiVersion: v1
kind: Service
metadata: {name: tz}
spec:
  selector: {app: tz}
  ports: [{port: 80}]
  trafficDistribution: PreferClose
EOF
tz_hints() {
	kubectl get endpointslices -l kubernetes.io/service-name=tz -o json |
		jq -e '[.items[].endpoints[]? | .hints.forZones[0].name] | sort == ["zone-a", "zone-b"]' >/dev/null
}
check "PreferClose: the controller hints each endpoint to its zone" busywait 30000 tz_hints
tvip=$(kubectl get service tz -o jsonpath='{.spec.clusterIP}')
tz_only_a() { [ "$(answers "$tvip" 6 | grep -c '^tz-a ')" = 6 ]; }
busywait 30000 tz_only_a
check "topology: zone-a's node sends only to zone-a's pod" \
	test "$(answers "$tvip" 12 | grep -c '^tz-a ')" = 12
check "the Node's zone label became the node's zone" grep -qx "zone: zone-a" <<<"$(ksvc config)"

kubectl apply -f - >/dev/null <<EOF || fail "kubectl apply"
apiVersion: v1
kind: Service
metadata: {name: sync-late}
spec:
  selector: {app: sync-api}
  ports: [{port: 80}]
EOF
check "a Service created later is programmed" busywait 30000 k8s_has_svc sync-late
kubectl delete service sync-late >/dev/null
check "and deleted when it is deleted" busywait 30000 no_svc sync-late

# Another writer deletes sync-api; the next change makes the agent notice.
ksvc delete service sync-api -n default >/dev/null
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: sync-nudge}
spec:
  ports: [{port: 81}]
EOF
check "another writer's change is repaired at the next sync" busywait 30000 k8s_has_svc sync-api
grep -q 'changed under the agent' "$agent_log"
check "the agent said why it synced in full" test $? = 0

# A change the API server takes and ksvc refuses (an unknown endpoint
# algorithm): logged with its field, counted, skipped; the kernel keeps
# the Service's last good version, and so does a full sync (below).
kubectl annotate service sync-api ksvc.io/algorithm=bogus >/dev/null
busywait 30000 grep -q 'default/sync-api: skipped: .*ksvc.io/algorithm' "$agent_log"
check "a Service ksvc refuses is logged with its field" test $? = 0
check "the kernel keeps its last good version: the cluster IP answers" \
	grep -q '^sync-api-2 ' <<<"$(ask "$client_pod" tcp "$vip" 80)"
skipped=$(k8s_http "$node" 127.0.0.1 10249 /metrics | awk '$1 == "ksvc_sync_skipped_objects_total" { print $2 }')
check "and counts it (ksvc_sync_skipped_objects_total $skipped)" test "${skipped:-0}" -ge 1

# Health and metrics.
out=$(k8s_http "$node" 127.0.0.1 10256 /healthz)
diag "/healthz: $(tr '\n' ' ' <<<"$out")"
check "/healthz answers 200 with kube-proxy's body" \
	sh -c "head -n1 | grep -qx 200" <<<"$out"
check "its body says the node is eligible" grep -q '"nodeEligible":true' <<<"$out"
check "/livez answers 200" k8s_code_is "$node" 127.0.0.1 10256 /livez 200
check "/healthz is served on the node's address too" k8s_code_is "$client" $NODE_EXT 10256 /healthz 200
metrics=$(k8s_http "$node" 127.0.0.1 10249 /metrics)
check "/metrics: the sync duration histogram counted syncs" \
	awk '$1 == "kubeproxy_sync_proxy_rules_duration_seconds_count" && $2 > 1 { ok = 1 } END { exit !ok }' <<<"$metrics"
check "/metrics: network programming latency from the slices' trigger times" \
	awk '$1 == "kubeproxy_network_programming_duration_seconds_count" && $2 >= 1 { ok = 1 } END { exit !ok }' <<<"$metrics"
check "/metrics: ksvc's full syncs" grep -q '^ksvc_sync_full_syncs_total [1-9]' <<<"$metrics"
check "/metrics: the kernel's table size" grep -q '^ksvc_table_services [1-9]' <<<"$metrics"
# promtool parses (exit 1 on an error) and lints (exit 3): its one
# complaint may be kube-proxy's own name for a gauge, which ends in _total.
prom() {
	local out rc
	out=$(sed '1,/^$/d' <<<"$metrics" | "$KSVC_K8S/promtool" check metrics 2>&1)
	rc=$?
	[ -z "$out" ] || diag "promtool: $out"
	[ $rc = 0 ] || { [ $rc = 3 ] &&
		! grep -v '^kubeproxy_sync_proxy_rules_no_local_endpoints_total non-counter metrics should not have "_total" suffix$' <<<"$out" | grep -q .; }
}
check "promtool check metrics (Prometheus' own parser) accepts /metrics" prom
check "/metrics is not served off the loopback" \
	sh -c "! printf 'GET /metrics HTTP/1.0\r\n\r\n' | ip netns exec '$client' socat -T2 - TCP:$NODE_EXT:10249,connect-timeout=2 2>/dev/null | grep -q kubeproxy"
kubectl taint node node-1 ToBeDeletedByClusterAutoscaler=1:NoSchedule >/dev/null
check "the autoscaler's taint: /healthz 503" busywait 15000 k8s_code_is "$node" 127.0.0.1 10256 /healthz 503
check "and /livez still 200" k8s_code_is "$node" 127.0.0.1 10256 /livez 200
kubectl taint node node-1 ToBeDeletedByClusterAutoscaler- >/dev/null
check "the taint removed: /healthz 200 again" busywait 15000 k8s_code_is "$node" 127.0.0.1 10256 /healthz 200

# healthCheckNodePort: sync-api-2 is ready on this node.
# lb_local NAME: a LoadBalancer Service of sync-api, externalTrafficPolicy
# Local: the API server gives it a healthCheckNodePort.
lb_local() {
	kubectl apply -f - >/dev/null <<-EOF
	apiVersion: v1
	kind: Service
	metadata: {name: $1}
	spec:
	  type: LoadBalancer
	  externalTrafficPolicy: Local
	  selector: {app: sync-api}
	  ports: [{port: 80}]
	EOF
}
lb_local sync-lb || fail "kubectl apply"
hc=$(kubectl get service sync-lb -o jsonpath='{.spec.healthCheckNodePort}')
diag "sync-lb got healthCheckNodePort $hc from the API server"
check "its healthCheckNodePort answers 200 from outside" busywait 30000 k8s_code_is "$client" $NODE_EXT "$hc" / 200
out=$(k8s_http "$client" $NODE_EXT "$hc" /)
diag "$(tr '\n\t' '  ' <<<"$out")"
check "one local endpoint in the body" grep -q '"localEndpoints": 1,' <<<"$out"
check "the weight header says 1" grep -qix 'X-Load-Balancing-Endpoint-Weight: 1' <<<"$out"
kubectl patch pod sync-api-2 --subresource=status --type=merge -p \
	'{"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"ContainersReady","status":"False"}]}}' >/dev/null
check "no ready local endpoint: 503" busywait 30000 k8s_code_is "$client" $NODE_EXT "$hc" / 503
kubectl delete service sync-lb >/dev/null
closed() { ! k8s_code_is "$client" $NODE_EXT "$hc" / 503; }
check "the Service deleted: its port is closed" busywait 30000 closed
# On the node-port addresses, as kube-proxy, family by family: with a
# prefix list, the node's addresses inside it, and no other; a family the
# list does not name keeps every address.
ksvc config --nodeport-addresses 192.168.50.0/24 >/dev/null
lb_local sync-lb2 || fail "kubectl apply"
hc=$(kubectl get service sync-lb2 -o jsonpath='{.spec.healthCheckNodePort}')
answers_at() { [ -n "$(k8s_http "$1" "$2" "$hc" / | head -n1)" ]; }
not_at() { ! answers_at "$1" "$2"; }
check "--nodeport-addresses 192.168.50.0/24: it answers at 192.168.50.1" \
	busywait 30000 answers_at "$client" $NODE_EXT
check "and not at the node's other IPv4 addresses (its loopback)" not_at "$node" 127.0.0.1
check "IPv6, which no prefix names, keeps every address: it answers at ::1" \
	answers_at "$node" "[::1]"
check "the log says where it listens" \
	grep -q "healthCheckNodePort $hc of default/sync-lb2 open on $NODE_EXT:$hc \[::\]:$hc\$" "$agent_log"
kubectl delete service sync-lb2 >/dev/null
ksvc config --nodeport-addresses "" >/dev/null

kill "$agent_pid"
wait "$agent_pid" 2>/dev/null
check "SIGTERM: the agent stops, the tables stay" k8s_has_svc sync-api
agent_pid=
: > "$agent_log"
agent
check "a restarted agent's first sync changes nothing" \
	busywait 30000 grep -q 'full sync: .* 0 added, 0 changed, 0 deleted' "$agent_log"
diag "$(tail -n 5 "$agent_log")"
cleanup_agent
kubectl delete service sync-api not-ours sync-nudge sync-lb sync-lb2 --wait=false >/dev/null 2>&1
kubectl delete service tz --wait=false >/dev/null 2>&1
kubectl delete pod sync-api-1 sync-api-2 tz-a tz-b --force --grace-period=0 >/dev/null 2>&1
kubectl delete servicecidr extra --wait=false >/dev/null 2>&1
kubectl delete node node-1 node-2 >/dev/null 2>&1
ksft_exit
