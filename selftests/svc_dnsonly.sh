#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ExternalName and headless Services are accepted and shown as DNS-only,
# and never routed.
. "$(dirname "$0")/lib.sh"
require_module

ktap_header
setup_node
pods 1
apply >/dev/null <<EOF2 || fail apply
apiVersion: v1
kind: Service
metadata: {name: numbers-api, namespace: default}
spec:
  type: ExternalName
  externalName: raw.githubusercontent.com
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
ports: [{name: "", port: 5432, protocol: TCP}]
endpoints: [{addresses: ["$(pod_ip 1)"]}]
EOF2
out=$(ksvc get services)
diag "$out"
check "ExternalName shown as DNS-only with its name" \
	grep -Eq '^numbers-api +ExternalName +<none> +raw.githubusercontent.com +.*<dns only>' <<<"$out"
check "headless shown with cluster IP None, DNS-only" \
	grep -Eq '^db +ClusterIP +None +<none> +5432/TCP +<dns only>' <<<"$out"
check "neither has a frontend or an endpoint in the kernel" \
	test -z "$(ksvc get services -o wide | grep -- '->')"
ksft_exit
