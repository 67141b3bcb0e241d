#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM (bench/sync-latency starts it): the time from an API write
# to the first connection routed by its result, through ksvcctl sync, both
# timestamps taken here.  A Service's one pod is turned ready through the
# API (a status patch, as its kubelet would), then not ready, N times; for
# each "ready" write, the time from kubectl's return (the API server has
# accepted the write) to the first connection that pod answers.  Prints
# the samples and p50/p90/p99 in ms.
. "$(dirname "$0")/../selftests/lib.sh"
. "$(dirname "$0")/../selftests/k8s/lib.sh"
n=${SYNC_LATENCY_N:-30}

k8s_start
ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
	--node-name node-1 --min-sync-period "${SYNC_MIN_PERIOD:-100ms}" >/tmp/lat-agent.log 2>&1 &
k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
add_pod l1 10.244.0.61
add_pod client_pod 10.244.0.31
serve "$l1" tcp 80 lat-1
k8s_pod lat-1 node-1 app=lat 10.244.0.61 || fail "pod"
vip=$(k8s_service lat) || fail "kubectl apply"
busywait 60000 sh -c "echo | ip netns exec '$client_pod' socat -T1 - TCP:$vip:80,connect-timeout=1 2>/dev/null | grep -q lat-1" ||
	fail "the Service never answered"
ready() {
	kubectl patch pod lat-1 --subresource=status --type=merge -p \
		"{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"$1\"},{\"type\":\"ContainersReady\",\"status\":\"$1\"}]}}" >/dev/null
}
answers() { echo | ip netns exec "$client_pod" socat -T1 - "TCP:$vip:80,connect-timeout=1" 2>/dev/null | grep -q lat-1; }
: > /tmp/lat.txt
for i in $(seq "$n"); do
	ready False
	busywait 30000 sh -c "! echo | ip netns exec '$client_pod' socat -T1 - TCP:$vip:80,connect-timeout=1 2>/dev/null | grep -q lat-1"
	ready True
	t0=$(date +%s%N)
	until answers; do :; done
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 )) >> /tmp/lat.txt
done
diag "samples (ms): $(tr '\n' ' ' < /tmp/lat.txt)"
sort -n /tmp/lat.txt | awk '{ v[NR] = $1 } END {
	printf "# API write to first routed connection, %d samples: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms\n",
		NR, v[int((NR - 1) * 0.50) + 1], v[int((NR - 1) * 0.90) + 1], v[int((NR - 1) * 0.99) + 1], v[NR]
}'
grep -c 'sync: ' /tmp/lat-agent.log | sed 's/^/# agent log lines: /'
check "every sample measured" test "$(grep -c . /tmp/lat.txt)" = "$n"
ksft_exit
