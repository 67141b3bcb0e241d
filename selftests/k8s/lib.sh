# SPDX-License-Identifier: GPL-2.0
# Helpers of the control-plane selftests (sourced after ../lib.sh).  They
# run in a VM that scripts/k8s-run and `scripts/vm --k8s` started beside a
# real kube-apiserver: $KSVC_K8S holds kubectl and a kubeconfig, and the
# VM's virtio NIC reaches 10.0.2.100:6443 (the API server) and nothing else.
#
# The tests play the kubelet, and only the kubelet: they create the Node
# objects and Pods (with spec.nodeName: there is no scheduler), set Pod
# status through the status subresource, and build the pods' network
# namespaces.  Everything else is the real control plane: the API server
# assigns cluster IPs and node ports, the EndpointSlice controller writes
# the slices ksvc reads.

K8S_API=10.0.2.100
K8S_UPLINK_IP=10.0.2.15
K8S_RELEASE=$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$TOP/test/k8s/go.mod")

# k8s_require: fail (not skip) outside the harness: a control-plane test
# that silently skipped would pass CI without testing anything.
k8s_require() {
	if [ -z "${KSVC_K8S:-}" ] || [ ! -x "$KSVC_K8S/kubectl" ]; then
		echo "# needs the control plane: run it through scripts/k8s-run and scripts/vm --k8s" >&2
		exit $KSFT_FAIL
	fi
}

# kubectl ARGS...: the control plane's own kubectl (never the machine's),
# from the node namespace, through the uplink.
kubectl() {
	ip netns exec "$node" "$KSVC_K8S/kubectl" --kubeconfig "$KSVC_K8S/admin.conf" \
		--request-timeout=30s "$@"
}

# k8s_uplink: move the VM's NIC into the node namespace: a static address,
# a /32 route to the API server's forwarded address, no default route.
# What leaves through it is masqueraded to the node's uplink address, as a
# CNI's outgoing NAT does for traffic that leaves the pod network (QEMU's
# user network answers only the addresses it gave out).
k8s_uplink() {
	local dev= i
	# Built in, or modules (6.1): the PCI transport first, then the NIC.
	modprobe -q virtio_pci 2>/dev/null
	modprobe virtio_net || return 1
	for i in $(seq 1 50); do
		dev=$(ls /sys/class/net | grep -v '^lo$' | head -n1)
		[ -n "$dev" ] && break
		sleep 0.1
	done
	[ -n "$dev" ] || { diag "no virtio NIC in the VM"; return 1; }
	ip link set "$dev" netns "$node" || return 1
	ip -n "$node" link set "$dev" name uplink0
	ip -n "$node" addr add $K8S_UPLINK_IP/32 dev uplink0
	ip -n "$node" link set uplink0 up
	ip -n "$node" route add $K8S_API/32 dev uplink0
	ip netns exec "$node" nft -f - <<-EOF
	table ip uplink {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "uplink0" masquerade
		}
	}
	EOF
	busywait 60000 kubectl get --raw /readyz >/dev/null
}

# k8s_start: what every control-plane test needs (socat, the module, the
# harness), the node, and its uplink to the API server (without it every
# step after would wait out its timeouts: the test ends there).
k8s_start() {
	require socat
	require_module
	k8s_require
	ktap_header
	setup_node
	if ! k8s_uplink; then
		fail "the uplink to the API server"
		exit $KSFT_FAIL
	fi
}

# k8s_kubectl_via_client: from here on, kubectl reaches the API server
# from the client namespace, routed through the node, so that what cuts
# the node's own traffic to it (the agent's) leaves the test's alone.
k8s_kubectl_via_client() {
	ip -n "$client" route add $K8S_API/32 via $NODE_EXT
	kubectl() {
		ip netns exec "$client" "$KSVC_K8S/kubectl" --kubeconfig "$KSVC_K8S/admin.conf" \
			--request-timeout=30s "$@"
	}
}

# k8s_has_svc NAME: the kernel holds Service default/NAME.
k8s_has_svc() {
	ksvc get services -n default -o json 2>/dev/null | jq -e --arg n "$1" \
		'[(.items // [])[] | select(.kind == "Service" and .metadata.name == $n)] | length > 0' >/dev/null
}

# k8s_has_ep ADDR: the kernel holds ADDR as an endpoint of a Service of
# namespace default.
k8s_has_ep() {
	ksvc get services -n default -o json 2>/dev/null | jq -e --arg a "$1" \
		'[(.items // [])[] | select(.kind == "EndpointSlice") | .endpoints[]? | select(.addresses[0] == $a)] | length > 0' >/dev/null
}

# k8s_http NS ADDR PORT PATH: the HTTP status code, then the headers and
# body (the agent's servers, seen from NS).
k8s_http() {
	local out
	out=$(printf 'GET %s HTTP/1.0\r\nHost: ksvc\r\n\r\n' "$4" |
		ip netns exec "$1" socat -T5 - "TCP:$2:$3,connect-timeout=5" 2>/dev/null | tr -d '\r')
	head -n1 <<<"$out" | awk '{ print $2 }'
	sed 1d <<<"$out"
}
# k8s_code_is NS ADDR PORT PATH CODE
k8s_code_is() { test "$(k8s_http "$1" "$2" "$3" "$4" | head -n1)" = "$5"; }

# k8s_node NAME ADDRESS POD-CIDR [ZONE]: the Node object a kubelet would
# register (zone label, by default zone-a), with its address in status.
k8s_node() {
	kubectl apply -f - >/dev/null <<-EOF || return 1
	apiVersion: v1
	kind: Node
	metadata:
	  name: $1
	  labels:
	    kubernetes.io/hostname: $1
	    kubernetes.io/os: linux
	    topology.kubernetes.io/zone: ${4:-zone-a}
	spec:
	  podCIDR: $3
	  podCIDRs: [$3]
	EOF
	kubectl patch node "$1" --subresource=status --type=merge -p "{\"status\":{
		\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"$2\"},{\"type\":\"Hostname\",\"address\":\"$1\"}],
		\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"ksvc test\"}]}}" >/dev/null
}

# k8s_pod NAME NODE LABEL IP [NAMESPACE]: a Pod bound to NODE, then what its
# kubelet reports once the container runs: phase Running, its IP, Ready.
k8s_pod() {
	local ns=${5:-default}
	kubectl apply -n "$ns" -f - >/dev/null <<-EOF || return 1
	apiVersion: v1
	kind: Pod
	metadata:
	  name: $1
	  labels: {${3%%=*}: ${3#*=}}
	spec:
	  nodeName: $2
	  containers:
	  - name: server
	    image: ksvc.test/kstool
	    ports: [{containerPort: 80}]
	EOF
	kubectl patch pod "$1" -n "$ns" --subresource=status --type=merge -p "{\"status\":{
		\"phase\":\"Running\",\"podIP\":\"$4\",\"podIPs\":[{\"ip\":\"$4\"}],
		\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"},{\"type\":\"ContainersReady\",\"status\":\"True\"}]}}" >/dev/null
}

# k8s_lb_status SERVICE IP [NAMESPACE]: what a cloud's load-balancer
# controller writes once it has an address for the Service.
k8s_lb_status() {
	kubectl patch service "$1" -n "${3:-default}" --subresource=status --type=merge \
		-p "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"$2\",\"ipMode\":\"VIP\"}]}}}" >/dev/null
}

# k8s_slice_ready SERVICE N [NAMESPACE]: wait until the EndpointSlice
# controller lists N ready endpoints for SERVICE.
k8s_slice_ready() {
	busywait 60000 k8s_ready_is "$1" "$2" "${3:-default}"
}
k8s_ready_is() {
	test "$(kubectl get endpointslices -n "$3" -l "kubernetes.io/service-name=$1" \
		-o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' |
		grep -c .)" = "$2"
}

# k8s_sync: what the node agent will do; until then, the pipeline the
# README gives a node without an agent.
k8s_sync() {
	kubectl get services,endpointslices -A -o yaml > /tmp/k8s-objects.yaml || return 1
	ksvc apply -f /tmp/k8s-objects.yaml
}

# k8s_apiserver start|restart|kill|stop|cont: the API server's process on
# the host, through the VM's control channel (10.0.2.100:7000, answered by
# scripts/k8s-apiserver): restart and start return once it is ready again;
# stop and cont are SIGSTOP and SIGCONT.
k8s_apiserver() {
	local out
	out=$(echo "$1" | ip netns exec "$node" socat -t 150 -T 150 - \
		"TCP:$K8S_API:7000,connect-timeout=5" 2>&1)
	[ "$out" = ok ] && return 0
	diag "k8s_apiserver $1: ${out:-no answer}"
	return 1
}

# k8s_cut_agent / k8s_uncut_agent: drop the node's own packets to and from
# the API server, both ways (what the server had sent must not arrive
# either): the agent's watches go silent.  Only port 6443: the control
# channel and kubectl from the client namespace (k8s_kubectl_via_client)
# still pass.
k8s_cut_agent() {
	ip netns exec "$node" nft -f - <<-EOF
	table inet cut {
		chain out {
			type filter hook output priority 0; policy accept;
			oifname "uplink0" tcp dport 6443 drop
		}
		chain in {
			type filter hook input priority 0; policy accept;
			iifname "uplink0" tcp sport 6443 drop
		}
	}
	EOF
}
k8s_uncut_agent() { ip netns exec "$node" nft delete table inet cut; }

# k8s_service NAME: a ClusterIP Service NAME on port 80 for the pods
# labelled app=NAME; prints the cluster IP the API server gave it.
k8s_service() {
	kubectl apply -f - >/dev/null <<-EOF || return 1
	apiVersion: v1
	kind: Service
	metadata: {name: $1}
	spec:
	  selector: {app: $1}
	  ports: [{port: 80}]
	EOF
	kubectl get service "$1" -o jsonpath='{.spec.clusterIP}'
}
