# SPDX-License-Identifier: GPL-2.0
# Helpers for ksvc selftests (sourced).  kselftest conventions: exit 0 on
# pass, 1 on failure, 4 (KSFT_SKIP) on skip; KTAP on stdout.
#
# Topology (built from network namespaces, as a Kubernetes node looks):
#
#   client --- veth 192.168.50.2/24 <-> 192.168.50.1/24 --- node
#   (external client; also the node's         |  default route
#    default gateway)                          |
#                      pod veths, routed, no address on the node side
#                          pod1 10.244.0.11/32, pod2 10.244.0.12/32, ...
#
# ksvc runs in the node namespace.  Pods are reached through /32 routes on
# address-less veths with proxy ARP, as Calico and other routed CNIs do.
set -u

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSVCCTL=${KSVCCTL:-$TOP/ctl/ksvcctl}
NODE_EXT=192.168.50.1
CLIENT_IP=192.168.50.2
POD_CIDR=10.244.0

_ksft_n=0
_ksft_fail=0
_cleanups=()
_all_ns=()

# ---- reporting ----

# The plan is counted, not written by hand: ksft_exit prints it ("1..N",
# a trailing plan), so a check added or lost needs no number changed.
ktap_header() { echo "KTAP version 1"; }
diag() { echo "# $*"; }

# check NAME CMD...: one numbered result.
check() {
	local name=$1
	shift
	_ksft_n=$((_ksft_n + 1))
	if "$@"; then
		echo "ok $_ksft_n $name"
	else
		echo "not ok $_ksft_n $name"
		_ksft_fail=1
	fi
}

ksft_skip() { echo "ok 1 # SKIP $*"; echo "1..1"; exit $KSFT_SKIP; }

ksft_exit() {
	echo "1..$_ksft_n"
	[ $_ksft_n -gt 0 ] && [ $_ksft_fail = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

fail() { diag "FAIL: $*"; return 1; }

# bail WHAT: a setup step failed; the test ends here, failed (its checks
# would only fail for the wrong reason).
bail() {
	_ksft_n=$((_ksft_n + 1))
	echo "not ok $_ksft_n setup: $*"
	echo "1..$_ksft_n"
	exit $KSFT_FAIL
}

# run CMD...: print the command, as WireGuard's netns.sh does, then run it.
run() { diag "[+] $*"; "$@"; }

# ---- cleanup ----

at_exit() { _cleanups+=("$*"); }

_cleanup() {
	local i ns
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	for ns in "${_all_ns[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}
trap _cleanup EXIT

# ---- waiting ----

# busywait TIMEOUT_MS CMD...: retry CMD until it succeeds or time runs out.
busywait() {
	local timeout=$1 start now
	shift
	start=$(date +%s%3N)
	while :; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout" ] && return 1
		sleep 0.1
	done
}

# wait_listen NS PROTO PORT [-6]: until something listens there (tcp, udp
# or sctp; with -6, on IPv6: "[::]", or "*" where ss reads /proc for want
# of a diag module and cannot tell an IPv6-only socket, as for UDP on the
# debug kernel), for a minute at most: a server that starts in well under
# a second takes many on a busy host's emulated debug kernel, and a setup
# that waits in vain ends the test.
wait_listen() {
	local ns=$1 proto=$2 port=$3 flag=-tln match=.
	[ "$proto" = udp ] && flag=-uln
	[ "$proto" = sctp ] && flag=-Sln
	[ "${4:-}" = -6 ] && match='\[\| \*:[0-9]'
	busywait 60000 sh -c "ip netns exec $ns ss -H $flag 'sport = :$port' | grep -q '$match'"
}

# ---- tools ----

require() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || ksft_skip "$t not available"
	done
}

require_module() {
	grep -q '^ksvc ' /proc/modules || modprobe ksvc ||
		ksft_skip "ksvc module not loadable"
}

# ---- topology ----

# new_ns VAR: create a namespace with a random suffix, store its name.
new_ns() {
	local var=$1 name
	name="$var-$(mktemp -u XXXXXX)"
	ip netns add "$name" || return 1
	_all_ns+=("$name")
	ip -n "$name" link set lo up
	ip netns exec "$name" sysctl -qw net.ipv4.ip_unprivileged_port_start=0 2>/dev/null
	printf -v "$var" '%s' "$name"
}

# kmem_kb: the kernel's memory in kB that a table can hold (slab that
# cannot be reclaimed, per-CPU areas, vmalloc), caches dropped first.
kmem_kb() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 2
	awk '/^(SUnreclaim|Percpu|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}

# link_pair NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth between two
# namespaces, both ends up, each with its address ("-": none).
link_pair() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" || return 1
	if [ "$3" != - ]; then ip -n "$1" addr add "$3" dev "$2" || return 1; fi
	if [ "$6" != - ]; then ip -n "$4" addr add "$6" dev "$5" || return 1; fi
	ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}

# setup_node: node and external client namespaces, linked.  Each setup
# helper ends the test (bail) when a step fails.
setup_node() {
	_setup_node || bail "the node and client namespaces"
}
_setup_node() {
	new_ns node || return 1
	new_ns client || return 1
	link_pair "$node" ext0 $NODE_EXT/24 "$client" eth0 $CLIENT_IP/24 &&
	ip -n "$client" route add default via $NODE_EXT &&
	ip -n "$node" route add default via $CLIENT_IP &&
	ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "$node" sysctl -qw net.ipv4.conf.all.rp_filter=0
}

# add_pod NAME IP: a pod behind a routed veth with no node-side address.
add_pod() { _add_pod "$@" || bail "pod $1 ($2)"; }
_add_pod() {
	local name=$1 ip=$2 ns hv
	new_ns "$name" || return 1
	ns=${!name}
	hv="v$(echo "$ns" | tail -c 7)"
	link_pair "$node" "$hv" - "$ns" eth0 "$ip/32" &&
	ip netns exec "$node" sysctl -qw "net.ipv4.conf.$hv.proxy_arp=1" &&
	ip netns exec "$node" sysctl -qw "net.ipv4.conf.$hv.rp_filter=0" &&
	ip -n "$node" route add "$ip/32" dev "$hv" &&
	ip -n "$ns" route add 169.254.1.1 dev eth0 scope link &&
	ip -n "$ns" route add default via 169.254.1.1 dev eth0
}

# serve NS PROTO PORT TEXT [-6]: answer every connection (or datagram) with
# "TEXT <peer address>", so a test sees which pod answered and whom it saw
# (tcp, udp or sctp; with -6, on IPv6 only).
# (kstool, not socat's SYSTEM: socat could close before the answer was
# out when the client's data reached a shell that had already exited.)
KSTOOL=$TOP/selftests/kstool
serve() {
	ip netns exec "$1" "$KSTOOL" serve "$2" "$3" "$4" ${5:+"$5"} </dev/null >/dev/null 2>&1 &
	wait_listen "$1" "$2" "$3" ${5:+"$5"} || bail "serve $2/$3 ($4): nothing listens"
}

# ask NS PROTO ADDR PORT: one request, prints the answer line.
ask() {
	local ns=$1 proto=$2 addr=$3 port=$4
	case $proto in
	tcp) echo hi | ip netns exec "$ns" socat -T10 - "TCP:$addr:$port,connect-timeout=10" ;;
	udp) echo hi | ip netns exec "$ns" socat -T5 - "UDP:$addr:$port" ;;
	esac
}

# ---- ksvc ----

# ksvc ARGS...: ksvcctl in the node namespace.
ksvc() { ip netns exec "$node" "$KSVCCTL" "$@"; }

# apply: manifests on stdin, into the node namespace's tables.
apply() { ksvc apply -f - "$@"; }

# pods N: pod1..podN at 10.244.0.11.., each serving TCP and UDP on PORT(s)
# (default 80) with its own name.
pods() {
	local n=$1 i p
	shift
	[ $# -gt 0 ] || set -- 80
	for i in $(seq "$n"); do
		add_pod "pod$i" "$POD_CIDR.$((10 + i))"
		for p in "$@"; do
			serve "$(pod_ns "$i")" tcp "$p" "pod$i"
			serve "$(pod_ns "$i")" udp "$p" "pod$i"
		done
	done
}
pod_ns() { local v="pod$1"; echo "${!v}"; }
pod_ip() { echo "$POD_CIDR.$((10 + $1))"; }

# service NAME OPTION...: a Service and its EndpointSlices, as YAML for
# apply, in one line of a test.  Options, KEY=VALUE (those marked + may
# be repeated, each adding one):
#   ip=ADDR+          a cluster IP (two: dual-stack; none: headless)
#   port=SPEC+        [NAME,]PORT[/PROTO][@NODEPORT][:TARGET], PROTO tcp,
#                     udp or sctp (tcp), TARGET the pods' port (PORT),
#                     or CPORT=N: the container port named CPORT, N;
#                     none given: 80/tcp (named "") and udp,80/udp
#                     (an ExternalName Service: no ports)
#   ep=ADDR[/COND][@NODE][%ZONE,...]+  an endpoint on every port: COND
#                     ready (the default), serving (serving and
#                     terminating, not ready), dying (terminating, not
#                     serving) or down (not ready); NODE (node-1) its
#                     nodeName; ZONEs its hints.forZones
#   type=NodePort|LoadBalancer|ExternalName  etp=Local  itp=Local
#   affinity=SECONDS  algo=round-robin  ns=NAMESPACE (default)
#   ext=ADDR+ (externalIPs)  range=CIDR+
#   lb=ADDR[/VIP|/Proxy]+  a status ingress IP, with its ipMode if given
#   name=DNSNAME (externalName)
# The endpoints go in one slice per family, NAME-1 (IPv4) and NAME-2.
service() {
	local name=$1 ns=default type= etp= itp= aff= algo= xname= o k v
	local -a ips=() ports=() eps=() exts=() lbs=() ranges=()
	shift
	for o in "$@"; do
		k=${o%%=*} v=${o#*=}
		case $k in
		ip) ips+=("$v") ;;
		port) ports+=("$v") ;;
		ep) eps+=("$v") ;;
		ext) exts+=("$v") ;;
		lb) lbs+=("$v") ;;
		range) ranges+=("$v") ;;
		type) type=$v ;;
		etp) etp=$v ;;
		itp) itp=$v ;;
		affinity) aff=$v ;;
		algo) algo=$v ;;
		ns) ns=$v ;;
		name) xname=$v ;;
		*) echo "service: unknown option '$o'" >&2; return 1 ;;
		esac
	done
	[ ${#ports[@]} -gt 0 ] || [ "$type" = ExternalName ] ||
		ports=("80/tcp" "udp,80/udp")
	echo "---"
	echo "apiVersion: v1"
	echo "kind: Service"
	echo "metadata:"
	echo "  name: $name"
	echo "  namespace: $ns"
	[ -n "$algo" ] && echo "  annotations: {ksvc.io/algorithm: $algo}"
	echo "spec:"
	[ -n "$type" ] && echo "  type: $type"
	[ -n "$xname" ] && echo "  externalName: $xname"
	if [ ${#ips[@]} -gt 0 ]; then
		echo "  clusterIP: \"${ips[0]}\""
		echo "  clusterIPs: [$(_svc_list "${ips[@]}")]"
		echo "  ipFamilies: [$(for v in "${ips[@]}"; do [[ $v == *:* ]] && printf 'IPv6 ' || printf 'IPv4 '; done | sed 's/ $//; s/ /, /g')]"
	elif [ "$type" != ExternalName ]; then
		echo "  clusterIP: None"
	fi
	[ ${#exts[@]} -gt 0 ] && echo "  externalIPs: [$(_svc_list "${exts[@]}")]"
	[ ${#ranges[@]} -gt 0 ] && echo "  loadBalancerSourceRanges: [$(_svc_list "${ranges[@]}")]"
	[ -n "$etp" ] && echo "  externalTrafficPolicy: $etp"
	[ -n "$itp" ] && echo "  internalTrafficPolicy: $itp"
	[ -n "$aff" ] && echo "  sessionAffinity: ClientIP" &&
		echo "  sessionAffinityConfig: {clientIP: {timeoutSeconds: $aff}}"
	[ ${#ports[@]} -gt 0 ] && echo "  ports:"
	for v in "${ports[@]}"; do
		_svc_port "$v"
		echo "  - {name: \"$P_NAME\", port: $P_PORT, protocol: $P_PROTO, targetPort: ${P_TARGET%%=*}${P_NODE:+, nodePort: $P_NODE}}"
	done
	if [ ${#lbs[@]} -gt 0 ]; then
		echo "status:"
		echo "  loadBalancer:"
		echo "    ingress:"
		for v in "${lbs[@]}"; do
			if [[ $v == */* ]]; then
				echo "    - {ip: \"${v%/*}\", ipMode: ${v#*/}}"
			else
				echo "    - {ip: \"$v\"}"
			fi
		done
	fi
	_svc_slice "$name" "$ns" IPv4 1 "${ports[@]}" -- "${eps[@]}"
	_svc_slice "$name" "$ns" IPv6 2 "${ports[@]}" -- "${eps[@]}"
}

# "a", "b" for a YAML flow sequence.
_svc_list() { printf '"%s", ' "$@" | sed 's/, $//'; }

# _svc_port SPEC: P_NAME, P_PORT, P_PROTO, P_NODE, P_TARGET from SPEC.
_svc_port() {
	local s=$1
	P_NAME= P_NODE= P_TARGET=
	[[ $s == *,* ]] && P_NAME=${s%%,*} && s=${s#*,}
	[[ $s == *:* ]] && P_TARGET=${s#*:} && s=${s%%:*}
	[[ $s == *@* ]] && P_NODE=${s#*@} && s=${s%%@*}
	P_PROTO=TCP
	[[ $s == */* ]] && P_PROTO=$(tr a-z A-Z <<<"${s#*/}") && s=${s%%/*}
	P_PORT=$s
	P_TARGET=${P_TARGET:-$P_PORT}
}

# _svc_slice NAME NS FAMILY N PORT... -- EP...: the family's slice, if it
# has endpoints.
_svc_slice() {
	local name=$1 ns=$2 fam=$3 n=$4 v a cond node zones z
	local -a ports=() eps=()
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do ports+=("$1"); shift; done
	shift
	for v in "$@"; do
		a=${v%%[/@%]*}
		if [[ $a == *:* ]]; then [ "$fam" = IPv6 ] && eps+=("$v")
		else [ "$fam" = IPv4 ] && eps+=("$v"); fi
	done
	[ ${#eps[@]} -gt 0 ] || return 0
	echo "---"
	echo "apiVersion: discovery.k8s.io/v1"
	echo "kind: EndpointSlice"
	echo "metadata:"
	echo "  name: $name-$n"
	echo "  namespace: $ns"
	echo "  labels: {kubernetes.io/service-name: $name}"
	echo "addressType: $fam"
	echo "ports:"
	for v in "${ports[@]}"; do
		_svc_port "$v"
		echo "- {name: \"$P_NAME\", port: ${P_TARGET#*=}, protocol: $P_PROTO}"
	done
	echo "endpoints:"
	for v in "${eps[@]}"; do
		node=node-1 cond=ready zones=
		[[ $v == *%* ]] && zones=${v#*%} && v=${v%%%*}
		[[ $v == *@* ]] && node=${v#*@} && v=${v%%@*}
		[[ $v == */* ]] && cond=${v#*/} && v=${v%%/*}
		echo "- addresses: [\"$v\"]"
		case $cond in
		ready) echo "  conditions: {ready: true}" ;;
		serving) echo "  conditions: {ready: false, serving: true, terminating: true}" ;;
		dying) echo "  conditions: {ready: false, serving: false, terminating: true}" ;;
		down) echo "  conditions: {ready: false}" ;;
		*) echo "service: endpoint condition '$cond'?" >&2; return 1 ;;
		esac
		echo "  nodeName: $node"
		[ -n "$zones" ] || continue
		echo "  hints:"
		echo "    forZones:"
		for z in ${zones//,/ }; do echo "    - {name: $z}"; done
	done
}

# tcp_many NS ADDR PORT N: N connections one after the other; prints each
# answer, or a FAIL line that says what went wrong and when (within
# TCP_MANY_TIMEOUT seconds, default 300).  The first five FAIL lines also
# go to stderr, into the test's log.  One bash for all of them: the VM is
# emulated.
tcp_many() {
	ip netns exec "$1" timeout "${TCP_MANY_TIMEOUT:-300}" bash -c '
		e=$(mktemp)
		trap "rm -f $e" EXIT
		for ((i = 0; i < $4; i++)); do
			if { exec 3<>"/dev/tcp/$2/$3"; } 2>"$e"; then
				echo hi >&3
				if read -r -t 20 l <&3; then
					echo "$l"
				else
					rc=$?
					[ $rc -gt 128 ] && why="no answer in 20 s" || why="closed or reset"
					echo "FAIL read #$i $(date +%T.%N): $why"
				fi
				exec 3<&-
			else
				echo "FAIL connect #$i $(date +%T.%N): $(sed "s/.*: //" "$e" | tail -n 1)"
			fi
		done' _ "$1" "$2" "$3" "$4" 2>/dev/null |
	awk -v a="$2:$3" '/^FAIL/ && n++ < 5 { print "tcp_many " a ": " $0 > "/dev/stderr"; fflush("/dev/stderr") }
		{ print; fflush() }'
}

# count WORD: how many lines of stdin start with WORD.
count() { grep -c "^$1\( \|\$\)"; }

# Counters, from ksvcctl stats -o json (namespace default unless given):
# svc_conns SVC [NS]: the connections its endpoints counted, summed;
# svc_counter SVC FIELD [NS]: the Service's own "connections" or "rejects".
svc_conns() {
	ksvc stats -o json | jq -r --arg s "$1" --arg n "${2:-default}" \
		'[.services[] | select(.name == $s and .namespace == $n) |
		  .endpoints[].connections] | add // 0'
}
svc_counter() {
	ksvc stats -o json | jq -r --arg s "$1" --arg f "$2" --arg n "${3:-default}" \
		'[.services[] | select(.name == $s and .namespace == $n) | .[$f]] | add // 0'
}

# udp_from NS ADDR PORT SPORT: one datagram from a fixed source port (one
# conntrack flow); prints the answer, if any within 2 seconds.
udp_from() {
	echo hi | ip netns exec "$1" socat -T4 - "UDP:$2:$3,sourceport=$4,reuseaddr" 2>/dev/null
}

# ---- IPv6 ----
NODE_EXT6=fd00:50::1
CLIENT_IP6=fd00:50::2
POD_CIDR6=fd00:244::

# setup_node6: IPv6 on the node/client link, as setup_node did for IPv4.
setup_node6() {
	{ ip -n "$node" addr add $NODE_EXT6/64 dev ext0 nodad &&
	  ip -n "$client" addr add $CLIENT_IP6/64 dev eth0 nodad &&
	  ip -n "$client" -6 route add default via $NODE_EXT6 &&
	  ip -n "$node" -6 route add default via $CLIENT_IP6 &&
	  ip netns exec "$node" sysctl -qw net.ipv6.conf.all.forwarding=1; } ||
		bail "IPv6 on the node and client"
}

# add_pod6 NAME IP6: give pod NAME (made by add_pod) an IPv6 address too;
# its default route goes to a fixed link-local address on the node's side
# of the veth, as Calico does.
add_pod6() {
	local ns=${!1} hv
	hv="v$(echo "$ns" | tail -c 7)"
	{ ip -n "$node" addr add fe80::1/64 dev "$hv" nodad &&
	  ip -n "$node" -6 route add "$2/128" dev "$hv" &&
	  ip -n "$ns" addr add "$2/128" dev eth0 nodad &&
	  ip -n "$ns" -6 route add default via fe80::1 dev eth0; } ||
		bail "IPv6 for pod $1 ($2)"
}
pod_ip6() { echo "$POD_CIDR6$((10 + $1))"; }

# serve6 NS PROTO PORT TEXT: serve on IPv6 only.
serve6() { serve "$@" -6; }

# ask6 NS PROTO ADDR PORT
ask6() {
	case $2 in
	tcp) echo hi | ip netns exec "$1" socat -T10 - "TCP6:[$3]:$4,connect-timeout=10" ;;
	udp) echo hi | ip netns exec "$1" socat -T5 - "UDP6:[$3]:$4" ;;
	esac
}

# full6 ADDR: the IPv6 address in socat's form ([x:x:...], 8 groups of 4).
full6() {
	local a=$1 head tail i out=
	local -a h=() t=() g=()
	if [[ $a == *::* ]]; then head=${a%%::*}; tail=${a#*::}; else head=$a; tail=; fi
	[ -n "$head" ] && IFS=: read -ra h <<<"$head"
	[ -n "$tail" ] && IFS=: read -ra t <<<"$tail"
	g=("${h[@]}")
	for ((i = ${#h[@]} + ${#t[@]}; i < 8; i++)); do g+=(0); done
	g+=("${t[@]}")
	for i in "${g[@]}"; do out+=$(printf '%04x:' "0x$i"); done
	echo "[${out%:}]"
}
