#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the VM (bench/sync-scale starts it, the API server already holding
# SYNC_SCALE_N Services in namespace scale): ksvcctl sync started on an
# empty table; the time to its first full sync (lists through the forward,
# parse, one transaction), the agent's memory then, and the time from an
# API write (an endpoint of one Service changed, 5 times) to the kernel
# holding it.
. "$(dirname "$0")/../selftests/lib.sh"
. "$(dirname "$0")/../selftests/k8s/lib.sh"
n=${SYNC_SCALE_N:?}

k8s_start
k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
log=/tmp/scale-agent.log
t0=$(date +%s%N)
ip netns exec "$node" "$KSVCCTL" sync --kubeconfig "$KSVC_K8S/admin.conf" \
	--node-name node-1 --min-sync-period 100ms >"$log" 2>&1 &
agent=$!
busywait 3600000 grep -q "full sync: $((n + 1)) services" "$log"
check "the first full sync programs $n Services and kubernetes" test $? = 0
t1=$(date +%s%N)
diag "agent start to in step: $(( (t1 - t0) / 1000000 )) ms"
grep -E 'listed|full sync' "$log" | sed 's/^/# /'
diag "agent memory after it: $(awk '/^Vm(HWM|RSS)/ { printf "%s %s %s  ", $1, $2, $3 }' "/proc/$agent/status")"
diag "kernel: $(ksvc get services -A | grep -c .) lines of get services"

has() {
	ksvc get services s0 -n scale -o json 2>/dev/null | grep -q "\"$1\""
}
: > /tmp/scale-change.txt
: > /tmp/scale-seen.txt
for i in 1 2 3 4 5; do
	a=10.250.0.$i
	n0=$(grep -c 'services changed' "$log")
	kubectl patch endpointslice s0-1 -n scale --type=json \
		-p "[{\"op\":\"replace\",\"path\":\"/endpoints/0/addresses/0\",\"value\":\"$a\"}]" >/dev/null ||
		fail "patch"
	t0=$(date +%s%3N)
	# The agent logs its commit: the kernel holds the change from then.
	busywait 60000 sh -c "[ \$(grep -c 'services changed' '$log') -gt $n0 ]" || {
		fail "change $i not programmed in 60 s"
		tail -n 20 "$log" | sed 's/^/# agent: /'
		break
	}
	ts=$(grep 'services changed' "$log" | tail -n 1 | awk '{ print $1 }')
	echo $(( $(date -d "$ts" +%s%3N) - t0 )) >> /tmp/scale-change.txt
	# And what a user sees: ksvcctl get (a dump of the whole table).
	busywait 60000 has "$a" || fail "change $i not in the kernel"
	echo $(( $(date +%s%3N) - t0 )) >> /tmp/scale-seen.txt
done
diag "one endpoint changed, API write to the agent's commit (ms): $(tr '\n' ' ' < /tmp/scale-change.txt)"
diag "and to ksvcctl get showing it (ms): $(tr '\n' ' ' < /tmp/scale-seen.txt)"
grep 'sync: 1 services changed' "$log" | tail -n 5 | sed 's/^/# /'
diag "agent memory at the end: $(awk '/^Vm(HWM|RSS)/ { printf "%s %s %s  ", $1, $2, $3 }' "/proc/$agent/status")"
check "every change measured" test "$(grep -c . /tmp/scale-change.txt)" = 5
kill "$agent"
ksft_exit
