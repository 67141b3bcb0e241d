#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every measurement of `make bench`, in one VM run (bench/run boots it):
# for each N, each proxy in turn in a fresh node namespace (the topology
# of selftests/lib.sh, plus a client pod and one sink pod that owns all of
# 10.244.0.0/16, so every generated endpoint answers).  Results are lines
#
#   CSV,metric,proxy,N,median,min,max,reps,unit
#
# (median ">CAP" when a load ran over the cap).  Knobs (environment):
#   BENCH_QUICK=1      N=1,000 only, short runs
#   BENCH_N            control-plane sizes      (1000 10000 100000)
#   BENCH_DP_N         data-plane sizes         (1 1000 10000)
#   BENCH_M            endpoints per Service    (10)
#   BENCH_PROXIES      (ksvc iptables nft ipvs; also iptables-legacy, and
#                      ipvs-bare: IPVS's virtual services and addresses
#                      alone, without kube-proxy's ipsets and iptables rules)
#   BENCH_CAP          seconds a load may take  (600)
#   BENCH_REPS         repetitions              (3)
#   BENCH_REP_LIMIT    an operation slower than this (s) is not repeated (60)
#   BENCH_SECS         seconds per data-plane run (5)
#   BENCH_CONC         concurrent connections of the rate client (2)
#   BENCH_MEM_N        N where memory per Service/endpoint is split (10000)
#   BENCH_TPUT_N       N where throughput is measured (1000)
#   BENCH_PAIR_N       N of the interleaved comparison (the largest data-plane
#                      N; 0: none), see paired()
#   BENCH_PAIR_REPS    its repetitions (REPS)
#   BENCH_PROFILE=1    also profile one rate run per proxy and N (and the
#                      path without proxy) with perf: lines PROF,P,N,TEXT
#                      (bench/run --with linux-perf puts perf in the VM)
set -u
. "$(dirname "$0")/../selftests/lib.sh"
B=$TOP/bench
TB=$B/tcpbench

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_N:=1000}" "${BENCH_DP_N:=1 1000}" "${BENCH_SECS:=2}"
	: "${BENCH_CAP:=120}" "${BENCH_MEM_N:=1000}" "${BENCH_REP_LIMIT:=20}"
fi
NS_CP=${BENCH_N-1000 10000 100000}
NS_DP=${BENCH_DP_N-1 1000 10000}
M=${BENCH_M:-10}
PROXIES=${BENCH_PROXIES:-ksvc iptables nft ipvs}
CAP=${BENCH_CAP:-600}
REPS=${BENCH_REPS:-3}
REP_LIMIT=${BENCH_REP_LIMIT:-60}
SECS=${BENCH_SECS:-5}
CONC=${BENCH_CONC:-2}
MEM_N=${BENCH_MEM_N:-10000}
TPUT_N=${BENCH_TPUT_N:-1000}
PAIR_N=${BENCH_PAIR_N:-$(printf '%s\n' 0 $NS_DP | sort -n | tail -n 1)}
PAIR_REPS=${BENCH_PAIR_REPS:-$REPS}
NP=32700		# the target Service's node port (lib.awk)
SINK_IP=10.244.255.254
CPOD_IP=10.245.0.2
G=/tmp/bench		# generated files (the guest's RAM)
mkdir -p $G

log() { echo "# $(date +%T) $*"; }
csv() { echo "CSV,$*"; }

# stats: values on stdin -> "median min max n"
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print ",,,0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.6g,%.6g,%.6g,%d\n", m, v[1], v[NR], NR }'
}

# in the node: timed CMD... prints seconds; exit 124 on the cap, 1 on error
timed() {
	ip netns exec "$node" timeout "$CAP" bash -c '
		s=${EPOCHREALTIME/./}
		"$@" >/tmp/bench/last.log 2>&1 || exit $?
		e=${EPOCHREALTIME/./}
		awk -v d=$((e - s)) "BEGIN { printf \"%.4f\\n\", d / 1e6 }"' _ "$@"
}

# svc_ip / target: from lib.awk, for the data-plane target T = N/2
lib() {
	echo "BEGIN { init(); print $2 }" > $G/q.awk
	awk -v N="$1" -v M="$M" -f "$B/lib.awk" -f $G/q.awk
}

# ---- topology ----

make_node() {
	setup_node || return 1
	add_pod cpod $CPOD_IP || return 1
	add_pod sink $SINK_IP || return 1
	ip -n "$node" route add 10.244.0.0/16 dev "v$(echo "$sink" | tail -c 7)"
	ip -n "$sink" route add local 10.244.0.0/16 dev lo
	ip netns exec "$sink" "$TB" serve 8080 4 </dev/null >/dev/null 2>&1 &
	wait_listen "$sink" tcp 8080
}

drop_node() {
	local ns
	for ns in "$node" "$client" "$cpod" "$sink"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	sleep 1
}

# ---- the proxies: prep (once per node), files N, load, flush, one V, resync V ----

ipt_cmd() { [ "$1" = iptables-legacy ] && echo iptables-legacy || echo iptables; }

# What kube-proxy sets up once, at start (not timed).
prep() {
	case $1 in
	iptables|iptables-legacy)
		# localhost node ports (its default), and the nfacct counters
		# its rules count in
		ip netns exec "$node" sysctl -qw net.ipv4.conf.all.route_localnet=1
		ip netns exec "$node" nfacct add ct_state_invalid_dropped_pkts
		ip netns exec "$node" nfacct add localhost_nps_accepted_pkts ;;
	ipvs|ipvs-bare)
		modprobe ip_vs; modprobe ip_vs_rr
		ip netns exec "$node" sysctl -qw net.ipv4.vs.conntrack=1
		ip -n "$node" link add kube-ipvs0 type dummy ;;&
	ipvs)
		# the rest of its IPVS sysctls (conn_reuse_mode it leaves alone
		# from kernel 5.9)
		ip netns exec "$node" sysctl -qw net.ipv4.vs.expire_nodest_conn=1 \
			net.ipv4.vs.expire_quiescent_template=1 net.ipv4.ip_forward=1 ;;
	esac
}

# gen P N MODE V: write the input of proxy P, print its file name
gen() {
	local p=$1 n=$2 mode=$3 v=$4 f
	f=$G/$p-$n-x$M-$mode-$v
	case $p in
	ksvc)
		case $mode in
		one) "$B/gen-ksvc" "$n" "$M" "$v" "$(lib "$n" C)" ;;
		*) "$B/gen-ksvc" "$n" "$M" "$v" ;;
		esac > "$f" ;;
	iptables|iptables-legacy)
		"$B/gen-iptables" "$n" "$M" "$v" "$mode" > "$f"
		# a full sync ensures the chains and jumps first
		[ "$mode" = one ] || "$B/gen-iptables" "$n" "$M" "$v" jumps > "$f.jumps" ;;
	nft) "$B/gen-nft" "$n" "$M" "$v" "$mode" > "$f" ;;
	ipvs|ipvs-bare)
		"$B/gen-ipvs" "$n" "$M" "$v" "$mode" > "$f"
		if [ "$mode" = full ]; then
			"$B/gen-ipvs" "$n" "$M" 0 addrs > "$f.addrs"
			# kube-proxy's IPVS mode: its sets and iptables rules too
			[ "$p" = ipvs ] && for x in jumps ipsets iptables; do
				"$B/gen-ipvs" "$n" "$M" 0 $x > "$f.$x"
			done
		fi ;;
	esac
	echo "$f"
}

load() {	# P FILE: from empty, timed
	local p=$1 f=$2 ipt
	case $p in
	ksvc) timed "$KSVCCTL" apply -f "$f" ;;
	# kube-proxy's first sync: its chains and jumps, a command each, then
	# one restore
	iptables|iptables-legacy) ipt=$(ipt_cmd "$p")
		timed sh -c "IPT=$ipt sh $f.jumps && $ipt-restore -w 5 --noflush --counters < $f" ;;
	nft) timed nft -f "$f" ;;
	# and in IPVS mode the sets, the addresses and virtual services, then
	# the rules that match the sets
	ipvs) timed sh -c "sh $f.jumps && ipset -exist restore < $f.ipsets &&
		ip -batch $f.addrs && ipvsadm-restore < $f &&
		iptables-restore -w 5 --noflush --counters < $f.iptables" ;;
	ipvs-bare) timed sh -c "ip -batch $f.addrs && ipvsadm-restore < $f" ;;
	esac
}

flush() {
	local ipt
	case $1 in
	ksvc) ksvc flush >/dev/null ;;
	iptables|iptables-legacy) ipt=$(ipt_cmd "$1")
		ip netns exec "$node" sh -c "$ipt -t nat -F && $ipt -t nat -X &&
			$ipt -t filter -F && $ipt -t filter -X" ;;
	nft) ip netns exec "$node" nft delete table ip kube-proxy ;;
	ipvs|ipvs-bare) ip netns exec "$node" ipvsadm -C
		ip -n "$node" link del kube-ipvs0
		ip -n "$node" link add kube-ipvs0 type dummy ;;&
	# the rules first: a set they match cannot go
	ipvs) ip netns exec "$node" sh -c "iptables -t nat -F && iptables -t nat -X &&
			iptables -t filter -F && iptables -t filter -X && ipset destroy" ;;
	esac
	ip netns exec "$node" conntrack -F >/dev/null 2>&1
	return 0
}

change_one() {	# P FILE
	case $1 in
	ksvc) timed "$KSVCCTL" apply --prune=false -f "$2" ;;
	iptables|iptables-legacy) timed sh -c "$(ipt_cmd "$1")-restore -w 5 --noflush --counters < $2" ;;
	nft) timed nft -f "$2" ;;
	# Not ipvsadm-restore: that script clears every virtual service first.
	# (IPVS mode rewrites the same iptables rules on every sync, and a new
	# endpoint changes no set: neither is timed here.)
	ipvs|ipvs-bare) timed sh -c "ipvsadm -R < $2" || {
		local rc=$?
		log "ipvs: $(cat $2 | tr "\n" ";") -> $(cat $G/last.log); virtual services: $(ip netns exec "$node" ipvsadm -Ln | grep -c "^TCP")"  >&2
		ip netns exec "$node" ipvsadm -Ln -t "$(awk "NR == 1 { print \$3 }" "$2")" 2>&1 | head -n 14 | sed "s/^/# /" >&2
		return $rc; } ;;
	esac
}

change_full() {	# P FILE
	local ipt
	case $1 in
	ksvc) timed "$KSVCCTL" apply -f "$2" ;;
	iptables|iptables-legacy) ipt=$(ipt_cmd "$1")
		timed sh -c "IPT=$ipt sh $2.jumps && $ipt-restore -w 5 --noflush --counters < $2" ;;
	nft) timed nft -f "$2" ;;
	ipvs|ipvs-bare) timed sh -c "ipvsadm-restore < $2" ;;	# clears, then loads
	esac
}

# ---- data plane ----

rate() {	# NS ADDR PORT [REPS] -> one line per repetition
	local r
	for ((r = 0; r < ${4:-$REPS}; r++)); do
		ip netns exec "$node" conntrack -F >/dev/null 2>&1
		ip netns exec "$1" "$TB" rate "$2" "$3" "$SECS" "$CONC" | tee -a $G/dp.log |
			awk '$1 == "rate" && $6 == 0 { print $2 } $1 == "rate" && $6 != 0 { print $2; print "# " $0 > "/dev/stderr" }'
	done
}

tput() {	# NS ADDR PORT [REPS]
	local r
	for ((r = 0; r < ${4:-$REPS}; r++)); do
		ip netns exec "$1" "$TB" stream "$2" "$3" "$SECS" | awk '$1 == "bytes_per_s" { print $2 }'
	done
}

# profile P N NS ADDR PORT: where the CPU goes during one rate run, every
# CPU, kernel and user: the symbols by their own share, then the netfilter
# and proxy functions with what they call.
profile() {
	local d=$G/perf.data
	[ "${BENCH_PROFILE:-0}" = 1 ] || return 0
	command -v perf >/dev/null || { log "no perf in the VM: not profiled"; return 0; }
	ip netns exec "$node" conntrack -F >/dev/null 2>&1
	perf record -q -a -g -F 499 -e cpu-clock -o $d -- \
		ip netns exec "$3" "$TB" rate "$4" "$5" "$SECS" "$CONC" 2>&1 |
		awk '$1 == "rate" { print "# profiled run: " $0 }' >&2
	{
		echo "self:"
		perf report -i $d --no-children --sort sym -g none --percent-limit 0.7 --stdio 2>/dev/null
		echo "with callees:"
		perf report -i $d --children --sort sym -g none --stdio 2>/dev/null |
			grep -E 'ksvc|nf_hook|nf_nat|nf_conntrack_in|nf_ct_|nft_|ipt_|ip_vs|iptable_nat|masq' |
			head -n 25
	} | grep -v '^#' | grep -v '^$' | sed "s/^/PROF,$1,$2,/"
	rm -f $d
}

data_plane() {	# P N
	local p=$1 n=$2 vip s
	vip=$(lib "$n" "svc_ip(T)")
	# one connection first: the path works (else the figures mean nothing)
	if ! ip netns exec "$cpod" "$TB" rate "$vip" 80 0.2 1 | grep -q 'ok [1-9]'; then
		log "$p N=$n: no connection to $vip:80, data plane skipped"
		return
	fi
	s=$(rate "$cpod" "$vip" 80 | stats)
	csv "rate_clusterip,$p,$n,$s,conn/s"
	s=$(rate "$client" $NODE_EXT $NP | stats)
	csv "rate_nodeport,$p,$n,$s,conn/s"
	profile "$p" "$n" "$cpod" "$vip" 80
	if [ "$n" = "$TPUT_N" ]; then
		s=$(tput "$cpod" "$vip" 80 | stats)
		csv "tput,$p,$n,$s,B/s"
	fi
}

# ---- one proxy at one N ----

declare -A capped

run_one() {
	local p=$1 n=$2 cp=$3 dp=$4 f t r b0 m1 b2 m2 v lim times
	if [ -n "${capped[$p]:-}" ]; then
		[ "$cp" = 1 ] && csv "load,$p,$n,>$CAP,,,0,s"
		return
	fi
	log "$p N=$n M=$M: generating"
	make_node || { log "$p: topology failed"; drop_node; return; }
	prep "$p"
	f=$(gen "$p" "$n" full 0)
	if [ "$cp" = 1 ] && [ "$n" = "$MEM_N" ]; then
		# N x 1 first: memory per Service, then per endpoint
		local M0=$M f1
		M=1; f1=$(gen "$p" "$n" full 0); M=$M0
		b0=$(kmem_kb)
		if load "$p" "$f1" >/dev/null; then
			m1=$(kmem_kb)
			rm -f "$f1" "$f1".*
			flush "$p"
		fi
	fi
	log "$p N=$n: loading"
	times=()
	b2=$(kmem_kb)
	for ((r = 0; r < (cp ? REPS : 1); r++)); do
		[ $r = 0 ] || flush "$p"
		t=$(load "$p" "$f")
		case $? in
		0) ;;
		124) log "$p N=$n: load over the cap (${CAP}s)"
			csv "load,$p,$n,>$CAP,,,0,s"
			capped[$p]=1; drop_node; rm -f $G/"$p"-*; return ;;
		*) log "$p N=$n: load failed: $(tail -n 3 $G/last.log)"
			drop_node; rm -f $G/"$p"-*; return ;;
		esac
		times+=("$t")
		if [ $r = 0 ]; then
			m2=$(kmem_kb)
			csv "kmem,$p,$n,$((m2 - b2)),,,1,kB"
		fi
		awk -v t="$t" -v l="$REP_LIMIT" 'BEGIN { exit !(t > l) }' && break
	done
	if [ "$cp" = 1 ]; then
		csv "load,$p,$n,$(printf '%s\n' "${times[@]}" | stats),s"
		if [ -n "${m1:-}" ]; then
			# per endpoint: (N x M - N x 1) / (N (M - 1)); per Service: the rest
			awk -v a=$((m1 - b0)) -v b=$((m2 - b2)) -v n="$n" -v m="$M" -v p="$p" 'BEGIN {
				e = (b - a) * 1024 / (n * (m - 1)); s = a * 1024 / n - e
				printf "CSV,mem_per_service,%s,%d,%.0f,,,1,B\nCSV,mem_per_endpoint,%s,%d,%.0f,,,1,B\n", p, n, s, p, n, e }'
			unset m1
		fi
		# change one Service's endpoints: smallest step, then full resync
		log "$p N=$n: changing one Service"
		for mode in one resync; do
			gen "$p" "$n" "$mode" 1 >/dev/null; gen "$p" "$n" "$mode" 0 >/dev/null
			times=()
			for ((r = 0; r < 2 * REPS; r++)); do
				v=$(((r + 1) % 2))
				if [ $mode = one ]; then
					t=$(change_one "$p" "$G/$p-$n-x$M-one-$v")
				else
					t=$(change_full "$p" "$G/$p-$n-x$M-resync-$v")
				fi || { log "$p N=$n: change ($mode) failed: $(tail -n 3 $G/last.log)"; break; }
				times+=("$t")
				awk -v t="$t" -v l="$REP_LIMIT" 'BEGIN { exit !(t > l) }' && [ $v = 0 ] && break
			done
			[ $mode = one ] && lim=change_incr || lim=change_full
			[ ${#times[@]} -gt 0 ] && csv "$lim,$p,$n,$(printf '%s\n' "${times[@]}" | stats),s"
			rm -f "$G/$p-$n-x$M-$mode-"*
		done
	fi
	rm -f "$f" "$f".*
	if [ "$dp" = 1 ]; then
		log "$p N=$n: data plane"
		data_plane "$p" "$n"
	fi
	drop_node
}

# ---- side by side, interleaved ----

# The runs above take each proxy in turn, minutes apart, and an emulated
# CPU on a shared host drifts more than that.  Here every repetition
# measures, one right after the other in one fresh node: the path with no
# proxy (no conntrack, no NAT), then ksvc with 1 Service and ksvc with N
# Services (the same node, the table replaced; in odd repetitions N first).
# The ratios are taken per repetition, so a drift between repetitions
# cancels out, and the alternating order cancels an effect of the order.
one() {	# rate|tput NS ADDR PORT: one repetition, 0 if it printed nothing
	local v
	v=$("$@" 1 | head -n 1)
	echo "${v:-0}"
}

# ksvc with 1 Service (figure a), with N (figures b and t), in the node
with_1() { load ksvc "$f1" >/dev/null && a=$(one rate "$cpod" "$vip1" 80); }
with_n() {
	load ksvc "$fn" >/dev/null && b=$(one rate "$cpod" "$vipn" 80) &&
		t=$(one tput "$cpod" "$vipn" 80)
}

paired() {	# N
	local n=$1 r f1 fn vip1 vipn row a b t
	log "paired: no proxy / ksvc N=1 / ksvc N=$n, $PAIR_REPS interleaved repetitions"
	f1=$(gen ksvc 1 full 0)
	fn=$(gen ksvc "$n" full 0)
	vip1=$(lib 1 "svc_ip(T)")
	vipn=$(lib "$n" "svc_ip(T)")
	: > $G/pairs
	for ((r = 0; r < PAIR_REPS; r++)); do
		make_node || { log "paired: topology failed"; drop_node; return; }
		# one figure per column, 0 when a run printed none
		row="$(one rate "$cpod" 10.244.0.1 8080) $(one tput "$cpod" 10.244.0.1 8080)"
		# 1 Service first, then N; the other way round in odd repetitions
		if ((r % 2 == 0)); then with_1 && with_n; else with_n && with_1; fi ||
			{ log "paired: a load failed"; drop_node; return; }
		row="$row $a $b $t"
		log "paired #$r (no proxy conn/s B/s, ksvc N=1 conn/s, N=$n conn/s B/s): $row"
		echo "$row" >> $G/pairs
		drop_node
	done
	# columns: rate none, tput none, rate ksvc 1, rate ksvc n, tput ksvc n
	csv "pair_rate,none,0,$(awk '{ print $1 }' $G/pairs | stats),conn/s"
	csv "pair_rate,ksvc,1,$(awk '{ print $3 }' $G/pairs | stats),conn/s"
	csv "pair_rate,ksvc,$n,$(awk '{ print $4 }' $G/pairs | stats),conn/s"
	csv "pair_tput,none,0,$(awk '{ print $2 }' $G/pairs | stats),B/s"
	csv "pair_tput,ksvc,$n,$(awk '{ print $5 }' $G/pairs | stats),B/s"
	csv "pair_rate_ratio,ksvc,$n,$(awk '$3 > 0 { print $4 / $3 }' $G/pairs | stats),x"
	csv "pair_tput_ratio,ksvc,$n,$(awk '$2 > 0 { print $5 / $2 }' $G/pairs | stats),x"
	rm -f "$f1" "$fn"
}

# ---- main ----

modprobe nf_conntrack 2>/dev/null
sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1 2>/dev/null
sysctl -qw net.netfilter.nf_conntrack_max=1048576
echo 262144 > /sys/module/nf_conntrack/parameters/hashsize 2>/dev/null
log "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MB"
log "$(iptables -V); $(nft -v); $(ipvsadm -v 2>&1 | head -n1)"
log "proxies: $PROXIES; N: $NS_CP; data plane N: $NS_DP; M=$M cap=${CAP}s reps=$REPS secs=$SECS"
csv "info,kernel,$(uname -r),,,,,,"
csv "info,iptables,$(iptables -V | tr ',' ' '),,,,,,"
csv "info,cpus,$(nproc),,,,,,"
csv "info,icount,${BENCH_ICOUNT:-0},,,,,,"

# the path without any proxy: client pod -> endpoint directly
log "none: data plane, no proxy"
make_node
s=$(rate "$cpod" 10.244.0.1 8080 | stats)
csv "rate_direct,none,0,$s,conn/s"
s=$(tput "$cpod" 10.244.0.1 8080 | stats)
csv "tput,none,0,$s,B/s"
profile none 0 "$cpod" 10.244.0.1 8080
drop_node

for n in $(printf '%s\n' $NS_CP $NS_DP | sort -n -u); do
	cp=0; dp=0
	[[ " $NS_CP " == *" $n "* ]] && cp=1
	[[ " $NS_DP " == *" $n "* ]] && dp=1
	for p in $PROXIES; do
		run_one "$p" "$n" $cp $dp
	done
done
[[ " $PROXIES " == *" ksvc "* ]] && [ "$PAIR_N" -gt 0 ] && paired "$PAIR_N"
log "done"
exit 0
