#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksvcctl sync when things go wrong, against the real control plane:
# - the API server unreachable for the agent (its packets dropped both
#   ways, so its watches go silent, as with a hung API server): the tables
#   are kept, health stays 200 (nothing is queued, as in kube-proxy), the
#   watches are retried, and what changed meanwhile is programmed once
#   they are back;
# - the agent killed with SIGKILL and restarted while a client keeps
#   connecting: no connection fails;
# - the kernel refusing a change (a Service over --max-services): /healthz
#   turns 503 once the change waited past --health-timeout, and 200 again
#   once it went through.
# kubectl reaches the API server from the client namespace, routed
# through the node, so that cutting the node's own traffic to it cuts the
# agent only.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

k8s_start
k8s_kubectl_via_client

agent_log=/tmp/ksvc-sync-resilience.log
: > "$agent_log"
agent() {
	ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
		--node-name node-1 --min-sync-period 100ms --watch-timeout 4s \
		--health-timeout 3s >>"$agent_log" 2>&1 &
	agent_pid=$!
}
healthz_is() { k8s_code_is "$node" 127.0.0.1 10256 /healthz "$1"; }
metric() { k8s_http "$node" 127.0.0.1 10249 /metrics | awk -v m="$1" '$1 == m { print $2 }'; }

k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
add_pod r1 10.244.0.41
add_pod r2 10.244.0.42
add_pod client_pod 10.244.0.31
serve "$r1" tcp 80 res-1
serve "$r2" tcp 80 res-2
k8s_pod res-1 node-1 app=res 10.244.0.41 || fail "pod"
vip=$(k8s_service res) || fail "kubectl apply"
agent
check "the first sync programs the Service" busywait 30000 k8s_has_ep 10.244.0.41

k8s_cut_agent
k8s_pod res-2 node-1 app=res 10.244.0.42 || fail "pod"
busywait 60000 grep -q 'watch ended' "$agent_log"
check "the silent watches end (--watch-timeout 4s) and are retried" test $? = 0
check "meanwhile the tables are kept: the cluster IP answers" \
	grep -q '^res-1 ' <<<"$(ask "$client_pod" tcp "$vip" 80)"
check "the new pod is not seen yet" sh -c "! ip netns exec '$node' '$KSVCCTL' get endpoints res -n default | grep -q 10.244.0.42"
check "and health stays 200: nothing is queued" healthz_is 200
restarts=$(metric ksvc_sync_watch_restarts_total)
diag "watch restarts while cut off: $restarts"
check "the watch restarts are counted" test "${restarts:-0}" -ge 1
k8s_uncut_agent
t0=$(date +%s)
busywait 60000 k8s_has_ep 10.244.0.42
ok=$?
diag "programmed $(( $(date +%s) - t0 )) s after the API server came back (backoff)"
check "back: what changed meanwhile is programmed" test $ok = 0
check "health 200" healthz_is 200

# SIGKILL and a restart under traffic.
fails=/tmp/ksvc-res-fails
: > "$fails"
(
	end=$(( $(date +%s) + 12 ))
	while [ "$(date +%s)" -lt "$end" ]; do
		ask "$client_pod" tcp "$vip" 80 | grep -q '^res-' || echo x >> "$fails"
	done
) &
loop=$!
sleep 2
kill -9 "$agent_pid"
wait "$agent_pid" 2>/dev/null
sleep 1
agent
busywait 30000 grep -q 'full sync: .* 0 added, 0 changed, 0 deleted' "$agent_log"
check "a restarted agent converges with nothing to change" test $? = 0
wait "$loop"
check "no connection failed across SIGKILL and restart" test ! -s "$fails"

# The kernel refuses a change: health turns 503 after --health-timeout.
n=$(ksvc get services -A -o json | jq '[.items[] | select(.kind == "Service")] | length')
ksvc config --max-services "$n" >/dev/null
kubectl apply -f - >/dev/null <<EOF || fail "kubectl apply"
apiVersion: v1
kind: Service
metadata: {name: res-over}
spec:
  ports: [{port: 81}]
EOF
busywait 30000 grep -q 'too many services' "$agent_log"
check "the refusal is logged with the kernel's reason" test $? = 0
check "then 503: a change has waited past --health-timeout" busywait 15000 healthz_is 503
ksvc config --max-services 1000 >/dev/null
check "the limit raised: the Service is programmed at the retry" busywait 30000 k8s_has_svc res-over
check "and health is 200 again" busywait 15000 healthz_is 200
diag "$(grep -c . "$agent_log") log lines; last: $(tail -n1 "$agent_log")"
kill "$agent_pid" 2>/dev/null
kubectl delete service res res-over --wait=false >/dev/null 2>&1
kubectl delete pod res-1 res-2 --force --grace-period=0 >/dev/null 2>&1
kubectl delete node node-1 >/dev/null 2>&1
ksft_exit
