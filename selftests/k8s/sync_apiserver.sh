#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksvcctl sync while the API server itself goes away: the real
# kube-apiserver process on the host, restarted, killed and stopped
# through the VM's control channel (scripts/k8s-apiserver).
# - restarted while the agent was cut off and a Service changed: the
#   restarted server's watch cache begins at its own list, so the agent's
#   watches cannot resume from where they were (410 Gone, "too old
#   resource version"): the agent lists again, converges, and counts the
#   relist;
# - killed (SIGKILL) for $KSVC_K8S_OUTAGE seconds (25 by default):
#   the tables are kept, the Service answers throughout, /healthz and
#   /livez stay 200 (nothing is queued: failing every node at once would
#   black-hole the cluster), and once it is back what changes is
#   programmed;
# - stopped (SIGSTOP: connections accepted by the kernel, nothing
#   answered, a hung API server): the silent watches end after
#   --watch-timeout and are retried, the agent keeps answering its health
#   checks, an agent started meanwhile answers them too (its lists wait
#   on the multi handle, not in its one thread), and after SIGCONT the
#   first agent is in step again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

# Long enough for the watches' backoff to reach 16 s (make stress: 120 s,
# the backoff at its 30 s cap).
outage=${KSVC_K8S_OUTAGE:-25}
k8s_start
k8s_kubectl_via_client

agent_log=/tmp/ksvc-sync-apiserver.log
: > "$agent_log"
ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
	--node-name node-1 --min-sync-period 100ms --watch-timeout 4s \
	--health-timeout 5s >>"$agent_log" 2>&1 &
agent_pid=$!

no_ep() { ! k8s_has_ep "$1"; }
code() { k8s_http "$node" 127.0.0.1 "$1" "$2" | head -n1; }
metric() { k8s_http "$node" 127.0.0.1 10249 /metrics | awk -v m="$1" '$1 == m { print $2 }'; }
metric_gt() { test "$(metric "$1")" -gt "$2" 2>/dev/null; }

k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
add_pod o1 10.244.0.51
add_pod o2 10.244.0.52
add_pod o3 10.244.0.53
add_pod client_pod 10.244.0.31
serve "$o1" tcp 80 out-1
serve "$o2" tcp 80 out-2
serve "$o3" tcp 80 out-3
k8s_pod out-1 node-1 app=out 10.244.0.51 || fail "pod"
vip=$(k8s_service out) || fail "kubectl apply"
check "the first sync programs the Service" busywait 30000 k8s_has_ep 10.244.0.51
answers() { grep -q '^out-' <<<"$(ask "$client_pod" tcp "$vip" 80)"; }

# --- restarted while the agent was cut off: 410, a relist ---
relists=$(metric ksvc_sync_relists_total)
k8s_cut_agent
k8s_pod out-2 node-1 app=out 10.244.0.52 || fail "pod"
k8s_slice_ready out 2 || fail "the slice lists out-2"
t0=$(date +%s)
check "the API server restarts" k8s_apiserver restart
diag "restarted in $(( $(date +%s) - t0 )) s"
check "meanwhile the tables are kept: the cluster IP answers" answers
k8s_uncut_agent
check "the watches cannot resume: the restarted server says 410 (too old resource version)" \
	busywait 60000 grep -q 'too old resource version' "$agent_log"
check "the agent lists again, and counts the relist" busywait 30000 metric_gt ksvc_sync_relists_total "${relists:-0}"
check "what changed while it was cut off is programmed" busywait 30000 k8s_has_ep 10.244.0.52
check "health 200" busywait 10000 k8s_code_is "$node" 127.0.0.1 10256 /healthz 200

# --- killed for $outage s ---
restarts=$(metric ksvc_sync_watch_restarts_total)
check "the API server is killed (SIGKILL)" k8s_apiserver kill
bad=0 n=0
end=$(( $(date +%s) + outage ))
while [ "$(date +%s)" -lt "$end" ]; do
	answers || bad=$((bad + 1))
	[ "$(code 10256 /healthz)" = 200 ] || bad=$((bad + 1))
	[ "$(code 10256 /livez)" = 200 ] || bad=$((bad + 1))
	n=$((n + 1))
	sleep 2
done
diag "$n rounds of a connection, /healthz and /livez in ${outage} s without an API server; $bad failed"
check "without the API server: the Service answers, /healthz and /livez 200, throughout" test "$bad" = 0 -a "$n" -gt 2
check "the agent kept retrying its watches" metric_gt ksvc_sync_watch_restarts_total "${restarts:-0}"
check "the API server starts again" k8s_apiserver start
t0=$(date +%s)
k8s_pod out-3 node-1 app=out 10.244.0.53 || fail "pod"
# Its watches retry with a backoff grown to 30 s (client-go's too).
busywait 90000 k8s_has_ep 10.244.0.53
ok=$?
diag "a new pod programmed $(( $(date +%s) - t0 )) s after the API server was back"
check "back: a new pod is programmed" test $ok = 0
check "health 200" k8s_code_is "$node" 127.0.0.1 10256 /healthz 200

# --- stopped (SIGSTOP): a hung API server ---
restarts=$(metric ksvc_sync_watch_restarts_total)
check "the API server is stopped (SIGSTOP)" k8s_apiserver stop
check "the silent watches end after --watch-timeout and are retried" \
	busywait 30000 metric_gt ksvc_sync_watch_restarts_total "${restarts:-0}"
bad=0
for _ in 1 2 3 4; do
	answers || bad=$((bad + 1))
	[ "$(code 10256 /healthz)" = 200 ] || bad=$((bad + 1))
	sleep 1
done
check "while it hangs: the Service answers, /healthz 200" test "$bad" = 0
# An agent started now: its lists hang, its health checks do not (the
# kubelet would restart an agent whose /livez does not answer).
ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
	--node-name node-1 --healthz-bind-address 127.0.0.1:10266 \
	--metrics-bind-address 127.0.0.1:10259 >/tmp/ksvc-sync-second.log 2>&1 &
second=$!
check "an agent started while it hangs answers /livez" busywait 15000 k8s_code_is "$node" 127.0.0.1 10266 /livez 200
not_eligible() { k8s_http "$node" 127.0.0.1 10266 /healthz | tr -d '\n' | grep -q '^503.*"nodeEligible":false'; }
check "and /healthz: 503, its Node not known yet (as kube-proxy)" not_eligible
check "while its lists wait" sh -c "! grep -q 'listed' /tmp/ksvc-sync-second.log"
kill "$second"
wait "$second" 2>/dev/null
check "the API server resumes (SIGCONT)" k8s_apiserver cont
t0=$(date +%s)
kubectl delete pod out-1 --force --grace-period=0 >/dev/null 2>&1 || fail "delete out-1"
busywait 60000 no_ep 10.244.0.51
ok=$?
diag "a deleted pod unprogrammed $(( $(date +%s) - t0 )) s after SIGCONT"
check "back: a deleted pod leaves the tables" test $ok = 0
check "the Service answers from the two pods left" answers
check "health 200" busywait 10000 k8s_code_is "$node" 127.0.0.1 10256 /healthz 200
check "the agent is still the one started first" kill -0 "$agent_pid"
diag "relists $(metric ksvc_sync_relists_total), watch restarts $(metric ksvc_sync_watch_restarts_total), $(grep -c . "$agent_log") log lines"
[ "$_ksft_fail" = 0 ] || sed 's/^/# agent: /' "$agent_log"

kill "$agent_pid" 2>/dev/null
kubectl delete service out --wait=false >/dev/null 2>&1
kubectl delete pod out-2 out-3 --force --grace-period=0 >/dev/null 2>&1
kubectl delete node node-1 >/dev/null 2>&1
ksft_exit
