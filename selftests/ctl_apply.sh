#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ksvcctl as users meet it: one kubectl-style List (Services,
# EndpointSlices, Endpoints and Pods, with the noise kubectl prints) in YAML
# and in JSON gives the same tables; endpoints from slices, from Endpoints
# and from Pods (selector, named targetPort) all carry traffic; the round
# trip get -o yaml | apply changes nothing; diff's exit codes; --prune=false
# keeps what it was not given; get NAME, get endpoints, stats -o json.
. "$(dirname "$0")/lib.sh"
require socat
require_module

ktap_header
setup_node
pods 3 80 8080

P1=$(pod_ip 1) P2=$(pod_ip 2) P3=$(pod_ip 3)

# What `kubectl get services,endpointslices,endpoints,pods -A -o yaml`
# prints, trimmed of nothing that matters: managedFields, annotations,
# uids, ownerReferences, targetRefs and status noise are all there.
list_yaml() {
	cat <<EOT
apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web","namespace":"shop"}}
    creationTimestamp: "2024-05-01T10:00:00Z"
    labels: {app: web}
    managedFields:
    - apiVersion: v1
      fieldsType: FieldsV1
      fieldsV1:
        f:spec:
          f:ports:
            .: {}
            k:{"port":80,"protocol":"TCP"}:
              .: {}
              f:port: {}
      manager: kubectl-client-side-apply
      operation: Update
      time: "2024-05-01T10:00:00Z"
    name: web
    namespace: shop
    resourceVersion: "1234"
    uid: 0b7d6c2e-4b8e-4b6f-9a57-2f1c9a0e0001
  spec:
    clusterIP: 10.96.1.10
    clusterIPs: [10.96.1.10]
    internalTrafficPolicy: Cluster
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: 80
    selector: {app: web}
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  addressType: IPv4
  endpoints:
  - addresses: ["$P1"]
    conditions: {ready: true, serving: true, terminating: false}
    nodeName: node-1
    targetRef: {kind: Pod, name: web-a, namespace: shop, uid: 0b7d6c2e-0002}
  metadata:
    generateName: web-
    labels:
      endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
      kubernetes.io/service-name: web
    name: web-x7k2p
    namespace: shop
    ownerReferences:
    - {apiVersion: v1, blockOwnerDeletion: true, controller: true, kind: Service, name: web, uid: 0b7d6c2e-0001}
  ports:
  - {name: http, port: 80, protocol: TCP}
- apiVersion: v1
  kind: Service
  metadata: {name: legacy, namespace: shop, uid: 0b7d6c2e-0003}
  spec:
    clusterIP: 10.96.1.11
    ports:
    - {name: db, port: 5432, protocol: TCP, targetPort: 8080}
    type: ClusterIP
- apiVersion: v1
  kind: Endpoints
  metadata: {name: legacy, namespace: shop}
  subsets:
  - addresses:
    - ip: $P2
      nodeName: node-1
    notReadyAddresses:
    - ip: $P3
    ports:
    - {name: db, port: 8080, protocol: TCP}
- apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: shop}
  spec:
    clusterIP: 10.96.1.12
    ports:
    - {name: http, port: 80, protocol: TCP, targetPort: web}
    selector: {app: api, tier: backend}
    type: ClusterIP
- apiVersion: v1
  kind: Pod
  metadata:
    labels: {app: api, tier: backend, pod-template-hash: 7d4b9}
    name: api-7d4b9-aaaaa
    namespace: shop
  spec:
    containers:
    - image: registry.example/api:1.0
      name: api
      ports:
      - {containerPort: 8080, name: web, protocol: TCP}
    nodeName: node-1
  status:
    conditions:
    - {lastTransitionTime: "2024-05-01T10:00:00Z", status: "True", type: Initialized}
    - {lastTransitionTime: "2024-05-01T10:00:01Z", status: "True", type: Ready}
    phase: Running
    podIP: $P3
    podIPs:
    - ip: $P3
- apiVersion: v1
  kind: Pod
  metadata:
    labels: {app: api, tier: frontend}
    name: not-selected
    namespace: shop
  spec:
    containers: [{name: c, ports: [{containerPort: 80, name: web}]}]
  status:
    conditions: [{status: "True", type: Ready}]
    podIP: $P1
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: settings, namespace: shop}
  data: {a: b}
kind: List
metadata:
  resourceVersion: ""
EOT
}

# The same objects in JSON, as kubectl -o json prints them.
list_json() {
	cat <<EOT
{
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "annotations": {
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"annotations\":{},\"name\":\"web\",\"namespace\":\"shop\"}}\n"
                },
                "creationTimestamp": "2024-05-01T10:00:00Z",
                "labels": {
                    "app": "web"
                },
                "managedFields": [
                    {
                        "apiVersion": "v1",
                        "fieldsType": "FieldsV1",
                        "fieldsV1": {
                            "f:spec": {
                                "f:ports": {
                                    ".": {},
                                    "k:{\"port\":80,\"protocol\":\"TCP\"}": {
                                        ".": {},
                                        "f:port": {}
                                    }
                                }
                            }
                        },
                        "manager": "kubectl-client-side-apply",
                        "operation": "Update",
                        "time": "2024-05-01T10:00:00Z"
                    }
                ],
                "name": "web",
                "namespace": "shop",
                "resourceVersion": "1234",
                "uid": "0b7d6c2e-4b8e-4b6f-9a57-2f1c9a0e0001"
            },
            "spec": {
                "clusterIP": "10.96.1.10",
                "clusterIPs": [
                    "10.96.1.10"
                ],
                "internalTrafficPolicy": "Cluster",
                "ipFamilies": [
                    "IPv4"
                ],
                "ipFamilyPolicy": "SingleStack",
                "ports": [
                    {
                        "name": "http",
                        "port": 80,
                        "protocol": "TCP",
                        "targetPort": 80
                    }
                ],
                "selector": {
                    "app": "web"
                },
                "sessionAffinity": "None",
                "type": "ClusterIP"
            },
            "status": {
                "loadBalancer": {}
            }
        },
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "addressType": "IPv4",
            "endpoints": [
                {
                    "addresses": [
                        "$P1"
                    ],
                    "conditions": {
                        "ready": true,
                        "serving": true,
                        "terminating": false
                    },
                    "nodeName": "node-1",
                    "targetRef": {
                        "kind": "Pod",
                        "name": "web-a",
                        "namespace": "shop",
                        "uid": "0b7d6c2e-0002"
                    }
                }
            ],
            "metadata": {
                "generateName": "web-",
                "labels": {
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                    "kubernetes.io/service-name": "web"
                },
                "name": "web-x7k2p",
                "namespace": "shop",
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "blockOwnerDeletion": true,
                        "controller": true,
                        "kind": "Service",
                        "name": "web",
                        "uid": "0b7d6c2e-0001"
                    }
                ]
            },
            "ports": [
                {
                    "name": "http",
                    "port": 80,
                    "protocol": "TCP"
                }
            ]
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "legacy",
                "namespace": "shop",
                "uid": "0b7d6c2e-0003"
            },
            "spec": {
                "clusterIP": "10.96.1.11",
                "ports": [
                    {
                        "name": "db",
                        "port": 5432,
                        "protocol": "TCP",
                        "targetPort": 8080
                    }
                ],
                "type": "ClusterIP"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": "legacy",
                "namespace": "shop"
            },
            "subsets": [
                {
                    "addresses": [
                        {
                            "ip": "$P2",
                            "nodeName": "node-1"
                        }
                    ],
                    "notReadyAddresses": [
                        {
                            "ip": "$P3"
                        }
                    ],
                    "ports": [
                        {
                            "name": "db",
                            "port": 8080,
                            "protocol": "TCP"
                        }
                    ]
                }
            ]
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "api",
                "namespace": "shop"
            },
            "spec": {
                "clusterIP": "10.96.1.12",
                "ports": [
                    {
                        "name": "http",
                        "port": 80,
                        "protocol": "TCP",
                        "targetPort": "web"
                    }
                ],
                "selector": {
                    "app": "api",
                    "tier": "backend"
                },
                "type": "ClusterIP"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "labels": {
                    "app": "api",
                    "tier": "backend",
                    "pod-template-hash": "7d4b9"
                },
                "name": "api-7d4b9-aaaaa",
                "namespace": "shop"
            },
            "spec": {
                "containers": [
                    {
                        "image": "registry.example/api:1.0",
                        "name": "api",
                        "ports": [
                            {
                                "containerPort": 8080,
                                "name": "web",
                                "protocol": "TCP"
                            }
                        ]
                    }
                ],
                "nodeName": "node-1"
            },
            "status": {
                "conditions": [
                    {
                        "lastTransitionTime": "2024-05-01T10:00:00Z",
                        "status": "True",
                        "type": "Initialized"
                    },
                    {
                        "lastTransitionTime": "2024-05-01T10:00:01Z",
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "phase": "Running",
                "podIP": "$P3",
                "podIPs": [
                    {
                        "ip": "$P3"
                    }
                ]
            }
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "labels": {
                    "app": "api",
                    "tier": "frontend"
                },
                "name": "not-selected",
                "namespace": "shop"
            },
            "spec": {
                "containers": [
                    {
                        "name": "c",
                        "ports": [
                            {
                                "containerPort": 80,
                                "name": "web"
                            }
                        ]
                    }
                ]
            },
            "status": {
                "conditions": [
                    {
                        "status": "True",
                        "type": "Ready"
                    }
                ],
                "podIP": "$P1"
            }
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": "settings",
                "namespace": "shop"
            },
            "data": {
                "a": "b"
            }
        }
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
EOT
}

out=$(list_yaml | ksvc apply -f - -v 2>&1)
rc=$?
diag "$out"
check "apply of a kubectl List (YAML) succeeds" test $rc = 0
check "-v says the ConfigMap was skipped" \
	grep -q 'ConfigMap shop/settings: skipped' <<<"$out"
check "slice endpoints carry traffic" \
	grep -q "^pod1 " <(ask "$client" tcp 10.96.1.10 80)
check "Endpoints' ready address carries traffic, to its target port" \
	grep -q "^pod2 " <(ask "$client" tcp 10.96.1.11 5432)
check "Pod selected by labels, named targetPort resolved" \
	grep -q "^pod3 " <(ask "$client" tcp 10.96.1.12 80)

eps=$(ksvc get endpoints -n shop)
diag "$eps"
check "get endpoints: ready addr:port, not-ready left out" \
	grep -Eq "^legacy +$P2:8080\$" <<<"$eps"

out=$(list_json | ksvc apply -f -)
diag "$out"
check "the same List in JSON: no changes" grep -q '^no changes (3 services)' <<<"$out"

out=$(ksvc get services -A -o yaml | ksvc apply -f -)
diag "$out"
check "round trip: get -A -o yaml | apply changes nothing" \
	grep -q '^no changes (3 services)' <<<"$out"
out=$(ksvc get services -A -o json | ksvc apply -f -)
check "round trip: get -A -o json | apply changes nothing" \
	grep -q '^no changes (3 services)' <<<"$out"

list_yaml | ksvc diff -f - >/dev/null
check "diff: no difference exits 0" test $? = 0
out=$(list_yaml | sed "s/- ip: $P2/- ip: $P1/" | ksvc diff -f -)
rc=$?
diag "$out"
check "diff: a difference exits 1 and names the endpoints" \
	test $rc = 1 -a -n "$(grep -- "- endpoint $P2:8080" <<<"$out")"
echo 'kind: Service' | ksvc diff -f - 2>/dev/null
check "diff: an input error exits 2" test $? = 2

ksvc apply --prune=false -f - >/dev/null <<EOT
apiVersion: v1
kind: Service
metadata: {name: extra, namespace: other}
spec: {clusterIP: 10.96.2.1, ports: [{port: 80}]}
EOT
check "--prune=false adds and keeps the rest" \
	test "$(ksvc get services -A --no-headers | wc -l)" = 4
check "get NAME -n NS shows that one service" \
	test "$(ksvc get services extra -n other --no-headers | awk '{print $1}')" = extra
ksvc get services nosuch -n other 2>/dev/null
check "get of a missing name exits 1" test $? = 1
check "stats -o json is one JSON object" \
	grep -q '"services": \[' <(ksvc stats -o json)
ksft_exit
