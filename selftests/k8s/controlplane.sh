#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real control plane and the guest's path to it (the node agent's
# first milestone).  The VM reaches kube-apiserver through its one
# forwarded address; the test registers a Node and Pods as a kubelet would,
# applies the seed's numbers-api and numbers-web (LoadBalancer) Services
# with kubectl, writes the load balancer's address as a cloud controller
# would, and the API server and the EndpointSlice controller do the rest.  What they wrote, piped
# through ksvcctl as a node without an agent does, routes: the Service's
# API-assigned cluster IP to its pods, and the `kubernetes` Service
# (10.96.0.1:443) to the API server itself, TLS verified for that address,
# from the node and from a pod.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib.sh"

k8s_start

ver=$(kubectl version -o json 2>&1 | awk -F'"' '/"serverVersion"/ { s = 1 } s && $2 == "gitVersion" { print $4; exit }')
check "kubectl reaches the API server through the VM's one forward; it is $K8S_RELEASE" \
	test "$ver" = "$K8S_RELEASE"
ksvc config --node-name node-1 >/dev/null
k8s_node node-1 $NODE_EXT 10.244.0.0/24 || fail "the Node object"
add_pod api1 10.244.0.11
add_pod api2 10.244.0.12
add_pod web1 10.244.0.21
add_pod client_pod 10.244.0.31
serve "$api1" tcp 80 numbers-api-1
serve "$api2" tcp 80 numbers-api-2
serve "$web1" tcp 80 numbers-web-1
k8s_pod numbers-api-1 node-1 app=numbers-api 10.244.0.11 || fail "pod"
k8s_pod numbers-api-2 node-1 app=numbers-api 10.244.0.12 || fail "pod"
k8s_pod numbers-web-1 node-1 app=numbers-web 10.244.0.21 || fail "pod"
kubectl apply -f "$TOP/test/k8s/manifests/numbers-api-service.yaml" \
	-f "$TOP/test/k8s/manifests/numbers-web-loadbalancer.yaml" >/dev/null || fail "kubectl apply"
k8s_lb_status numbers-web 192.168.50.100 || fail "load-balancer status"
ip -n "$client" route add 192.168.50.100/32 via $NODE_EXT
check "the EndpointSlice controller lists both pods as ready endpoints" \
	k8s_slice_ready numbers-api 2
k8s_slice_ready numbers-web 1 || fail "numbers-web's slice"
vip=$(kubectl get service numbers-api -o jsonpath='{.spec.clusterIP}')
diag "numbers-api got cluster IP $vip from the API server"
check "the API server assigned a cluster IP from 10.96.0.0/16" \
	grep -q '^10\.96\.' <<<"$vip"

check "ksvcctl applies what kubectl get services,endpointslices -A -o yaml prints" \
	k8s_sync
diag "$(ksvc get services -A -o wide)"
check "the kubernetes Service is routed to the API server's advertised address" \
	grep -q '10\.0\.2\.100:6443' <<<"$(ksvc get endpoints kubernetes -n default)"

out=$(for i in 1 2 3 4 5 6; do ask "$client_pod" tcp "$vip" 80; done)
diag "numbers-api from a pod: $(tr '\n' ';' <<<"$out")"
check "numbers-api's cluster IP is answered by its pods, which see the client pod" \
	test "$(grep -cE '^numbers-api-[12] 10\.244\.0\.31$' <<<"$out")" = 6

np=$(kubectl get service numbers-web -o jsonpath='{.spec.ports[0].nodePort}')
diag "numbers-web got node port $np from the API server"
out=$(ask "$client" tcp 192.168.50.100 8080)
check "numbers-web's load-balancer address (from its status) answers the external client" \
	test "$out" = "numbers-web-1 $NODE_EXT"
out=$(ask "$client" tcp $NODE_EXT "$np")
check "numbers-web's API-assigned node port answers the external client" \
	test "$out" = "numbers-web-1 $NODE_EXT"
check "no Service has rejected a connection" \
	test -z "$(ksvc stats | grep -v 'rejects=0$' | grep '^service')"

# The API server through ksvc: kubectl with --server at the Service's
# address; the certificate names 10.96.0.1, so TLS is verified as usual.
before=$(svc_conns kubernetes)
node_ver=$(ip netns exec "$node" "$KSVC_K8S/kubectl" --kubeconfig "$KSVC_K8S/admin.conf" \
	--server https://10.96.0.1:443 --request-timeout=30s get --raw /version 2>&1)
check "the node reaches the API server through the kubernetes Service (TLS verified)" \
	grep -q "\"gitVersion\": \"$K8S_RELEASE\"" <<<"$node_ver"
pod_ver=$(ip netns exec "$client_pod" "$KSVC_K8S/kubectl" --kubeconfig "$KSVC_K8S/admin.conf" \
	--server https://10.96.0.1:443 --request-timeout=30s get --raw /version 2>&1)
check "a pod reaches the API server through the kubernetes Service (TLS verified)" \
	grep -q "\"gitVersion\": \"$K8S_RELEASE\"" <<<"$pod_ver"
after=$(svc_conns kubernetes)
diag "default/kubernetes connections: $before before, $after after"
check "ksvc counted those connections to default/kubernetes" \
	test "$((after - before))" -ge 2
kubectl delete service numbers-api numbers-web --wait=false >/dev/null 2>&1
kubectl delete pod numbers-api-1 numbers-api-2 numbers-web-1 --force --grace-period=0 >/dev/null 2>&1
kubectl delete node node-1 >/dev/null 2>&1
ksft_exit
