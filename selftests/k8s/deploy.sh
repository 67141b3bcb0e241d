#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deploy/ksvc.yaml against the real control plane: the API server accepts
# every manifest (server-side dry run); the agent runs with the
# DaemonSet's own arguments (read from the manifest, $(VAR)s expanded as
# the kubelet does) and a token of the manifest's ServiceAccount in the
# in-cluster place, so the manifest's RBAC alone must suffice; the token
# file is read again for each request (a bad token: 401, logged; a good
# one: back); a permission taken away is named in the log.  No kubelet
# runs here, so the test plays it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

k8s_start
k8s_kubectl_via_client
manifest=$TOP/deploy/ksvc.yaml
sa=/var/run/secrets/kubernetes.io/serviceaccount
agent_log=/tmp/ksvc-deploy.log
: > "$agent_log"

dry_run() { kubectl apply --dry-run=server -f "$manifest" >/dev/null; }
check "the API server accepts every manifest (apply --dry-run=server)" dry_run
all=$(kubectl create --dry-run=client -o json -f "$manifest" | jq -s '{apiVersion: "v1", kind: "List", items: .}')
# Everything but the DaemonSet, whose pods no kubelet would run.
jq '.items |= map(select(.kind != "DaemonSet"))' <<<"$all" | kubectl apply -f - >/dev/null ||
	fail "the ServiceAccount, RBAC and ConfigMap"
ds=$(jq '.items[] | select(.kind == "DaemonSet")' <<<"$all")
apiserver=$(jq -r '.items[] | select(.kind == "ConfigMap") | .data.apiserver' <<<"$all")
cmd=$(jq -r '.spec.template.spec.containers[0].command[0]' <<<"$ds")
mapfile -t args < <(jq -r '.spec.template.spec.containers[0].args[]' <<<"$ds" |
	sed -e 's/$(NODE_NAME)/node-1/g' -e "s|\$(KSVC_APISERVER)|$apiserver|g")
diag "the DaemonSet runs: $cmd ${args[*]}"
check "the DaemonSet runs ksvcctl sync in-cluster" \
	test "${cmd##*/} ${args[0]} ${args[1]}" = "ksvcctl sync --in-cluster"

mkdir -p "$sa"
cp "$KSVC_K8S/ca.crt" "$sa/ca.crt"
token() { kubectl create token ksvc -n kube-system --duration=1h; }
token > "$sa/token.new" && mv "$sa/token.new" "$sa/token" || fail "a token of the ServiceAccount"

k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
add_pod d1 10.244.0.51
add_pod client_pod 10.244.0.31
serve "$d1" tcp 80 dep-1
k8s_pod dep-1 node-1 app=dep 10.244.0.51 || fail "pod"
vip=$(k8s_service dep) || fail "kubectl apply"
ip netns exec "$node" "$KSVCCTL" "${args[@]:0}" >>"$agent_log" 2>&1 &
agent_pid=$!
check "with the manifest's RBAC only, the first sync programs the Service" busywait 30000 k8s_has_svc dep
check "its cluster IP answers" grep -q '^dep-1 ' <<<"$(ask "$client_pod" tcp "$vip" 80)"
check "the readiness probe's /healthz answers 200" \
	sh -c "printf 'GET /healthz HTTP/1.0\r\n\r\n' | ip netns exec '$node' socat -T5 - TCP:127.0.0.1:10256 | head -n1 | grep -q ' 200 '"

# Again with --watch-timeout 4s added: an idle watch (no bookmark comes
# within 4 s) ends and is made again, so the agent makes new requests
# every few seconds, each with the token file as it is then.
kill "$agent_pid"
wait "$agent_pid" 2>/dev/null
ip netns exec "$node" "$KSVCCTL" "${args[@]:0}" --watch-timeout 4s >>"$agent_log" 2>&1 &
agent_pid=$!
echo not-a-token > "$sa/token"
busywait 30000 grep -q 'HTTP 401' "$agent_log"
check "a bad token in the file: the next request is refused (401), logged" test $? = 0
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: dep-b}
spec:
  ports: [{port: 81}]
EOF
token > "$sa/token.new" && mv "$sa/token.new" "$sa/token"
check "a good token in the file again: back in step (dep-b programmed)" busywait 60000 k8s_has_svc dep-b

# A permission taken away is named.
jq '.rules |= map(select(.resources != ["endpointslices"]))' \
	<<<"$(jq '.items[] | select(.kind == "ClusterRole")' <<<"$all")" | kubectl apply -f - >/dev/null
busywait 60000 grep -qE 'endpointslices: .*HTTP 403: .*cannot (list|watch) resource "endpointslices"' "$agent_log"
check "a missing permission: the log names the resource and the verb" test $? = 0
check "the tables are kept meanwhile" grep -q '^dep-1 ' <<<"$(ask "$client_pod" tcp "$vip" 80)"
diag "$(grep 'HTTP 40' "$agent_log" | head -n 2)"
kill "$agent_pid" 2>/dev/null
jq '.items |= map(select(.kind != "DaemonSet"))' <<<"$all" | kubectl delete -f - >/dev/null 2>&1
kubectl delete service dep dep-b --wait=false >/dev/null 2>&1
kubectl delete pod dep-1 --force --grace-period=0 >/dev/null 2>&1
kubectl delete node node-1 >/dev/null 2>&1
rm -rf /var/run/secrets
ksft_exit
