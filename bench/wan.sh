#!/usr/bin/env bash
# One big file from h1 to h2 across a long link: baton's relay (one stream, and several) against
# scp -3, sftp and the `ssh | ssh` pipe, on the project's real OpenSSH hosts, through the project's
# user-space delay relay (dev.baton.testing.DelayRelay: this kernel has no tc netem) in front of
# h2, at several added round-trip times, interleaved in one run.
#
#   sudo bench/wan.sh                          # SIZE=512M RUNS=2 RTTS="0 20 40" STREAMS=4
#   RTTS=40 SIZE=1G RUNS=3 sudo bench/wan.sh
#   BANDWIDTH_MIB=50 sudo bench/wan.sh         # also cap each direction of each connection
#
# The relay adds RTT/2 ms to each direction of every connection to h2 (h1 is reached directly):
# a transfer that waits for answers pays it on every round trip, as across a WAN. It runs on this
# machine (a JVM of its own, not counted in anyone's CPU); the hosts share this machine's cores.
#
# Per round and RTT (the destination file is removed before each):
#   baton 1 stream   `baton play` of one `transfer` task, method relay, streams: 1
#   baton N streams  the same with streams: N (the module's default is 4)
#   scp -3           `scp -3 h1:SRC h2:DEST` (OpenSSH 9 scp speaks SFTP; one stream)
#   sftp get+put     `sftp` get to this machine's disk, then put to h2 (two legs, one stream each)
#   ssh | ssh        `ssh h1 cat SRC | ssh h2 'cat > DEST'` (no verification)
#   ssh | ssh x N    N such pipes at once, each moving one range with dd (what the link carries
#                    when nothing waits for a window; no verification)
# Prints MiB/s (median), each one's speed relative to scp -3, the jump host's CPU-seconds per GiB
# from the processes' own accounting (user + sys of the command and all it waited for), and how
# busy the whole machine was (/proc/stat): near 100 % the cores, not the link, set the pace.
# baton's figures include its JVM start, two SSH logins per stream and the sha256 of the file on
# both hosts (the others verify nothing).
# Target (#21): at +40 ms, baton N streams >= 3x scp -3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-2}
SIZE=${SIZE:-512M}
RTTS=${RTTS:-"0 20 40"}
STREAMS=${STREAMS:-4}
BANDWIDTH_MIB=${BANDWIDTH_MIB:-0}
TOOLS=${TOOLS:-"b1 bn scp sftp pipe pipen"} # a subset to run, e.g. TOOLS="b1 bn scp"
RANGE_MIB=${RANGE_MIB:-64}                  # baton's range_mib (the module's default: 64)
bytes=$(numfmt --from=iec "$SIZE")
bench_build
hosts_up 2
export BATON_HOME=$work/baton-home
src=$H1_DATA_PATH/big.bin
dest=$H2_DATA_PATH/big.copy
dest_local=$H2_DATA_DIR/big.copy
echo "bench: writing $SIZE of random bytes on h1 ..." >&2
head -c "$bytes" /dev/urandom >"$H1_DATA_DIR/big.bin"
sum=$(sha256sum "$H1_DATA_DIR/big.bin" | cut -d' ' -f1)
mib=$(echo "$bytes / 1048576" | bc -l)
gib=$(echo "$bytes / 1073741824" | bc -l)

# One relay per RTT in front of h2, listening on the hosts' gateway; alias h2rRTT reaches h2
# through it (ssh config, both known_hosts files, the inventory).
lab_known=$(awk '$1 == "UserKnownHostsFile" {print $2; exit}' "$SSH_CONFIG")
h2_key=$(awk -v a="$H2_ADDRESS" '$1 == a || $1 == "["a"]:'"$H2_PORT"'" {print $2, $3; exit}' "$KNOWN_HOSTS")
[ -n "$h2_key" ] || die "no host key of h2 in $KNOWN_HOSTS"
relay_pids=()
stop_relays() { for p in "${relay_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; }
trap 'stop_relays; bench_cleanup' EXIT
for rtt in $RTTS; do
	one_way=$((rtt / 2))
	java -XX:+UseSerialGC -cp "$test_cp" dev.baton.testing.DelayRelayMain "$H2_ADDRESS" "$H2_PORT" \
		"$one_way" "$GATEWAY" "$work/relay$rtt.port" "$((BANDWIDTH_MIB * 1048576))" 2>"$work/relay$rtt.log" &
	relay_pids+=($!)
	for _ in $(seq 100); do [ -f "$work/relay$rtt.port" ] && break; sleep 0.1; done
	port=$(cat "$work/relay$rtt.port") || die "relay for +$rtt ms did not start"
	printf 'Host h2r%s\n  HostName %s\n  Port %s\n' "$rtt" "$GATEWAY" "$port" >>"$SSH_CONFIG"
	for kh in "$KNOWN_HOSTS" "$lab_known"; do echo "[$GATEWAY]:$port $h2_key" >>"$kh"; done
	sed -i "/^h2 ansible_host=/a h2r$rtt ansible_host=$GATEWAY ansible_port=$port" "$INVENTORY"
done

playbook() { # playbook RTT STREAMS
	cat >"$work/t$1-$2.yml" <<EOF
- hosts: h2r$1
  gather_facts: false
  tasks:
    - name: relay
      transfer: {src_host: h1, src: $src, dest: $dest, method: relay, streams: $2, range_mib: $RANGE_MIB}
EOF
	echo "$work/t$1-$2.yml"
}
S="ssh -F $SSH_CONFIG"
fresh() { rm -f "$dest_local" "$dest_local".part "$dest_local".part.ranges "$dest_local".verified "$work/sftp.tmp"; sync; }
baton_t() { "$repo/baton" play --color=never -i "$INVENTORY" "$(playbook "$1" "$2")"; }
scp3() { scp -q -3 -F "$SSH_CONFIG" "h1:$src" "h2r$1:$dest"; }
sftp2() {
	echo "get $src $work/sftp.tmp" | sftp -q -F "$SSH_CONFIG" -b - h1 &&
		echo "put $work/sftp.tmp $dest" | sftp -q -F "$SSH_CONFIG" -b - "h2r$1"
}
pipe1() { $S h1 "cat $src" | $S "h2r$1" "cat > $dest"; }
pipeN() { # N pipes, each one range of whole MiB blocks (dd skip/seek: POSIX)
	local blocks=$(((bytes + 1048575) / 1048576)) per i pids=()
	per=$(((blocks + STREAMS - 1) / STREAMS))
	for i in $(seq 0 $((STREAMS - 1))); do
		$S h1 "dd if=$src bs=1048576 skip=$((i * per)) count=$per 2>/dev/null" |
			$S "h2r$1" "dd of=$dest bs=1048576 seek=$((i * per)) conv=notrunc 2>/dev/null" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || return 1; done
}
# verified NAME: the run's journal (named on its last line) reports the file verified with $sum.
verified() { grep -q "verified sha256 $sum" "$(sed -n 's/.*, journal \(.*\)$/\1/p' "$work/$1.out" | tail -1)"; }
# measure NAME CMD...: on a fresh destination, wall and CPU seconds (timed_cpu), then the size.
measure() {
	local name=$1
	shift
	fresh
	local before
	before=$(head -1 /proc/stat)
	timed_cpu "$name" "$@"
	# The whole machine's busy share over the run (all processes: hosts, relay, runner).
	printf '%s\n%s\n' "$before" "$(head -1 /proc/stat)" | awk '{idle=$5+$6; tot=0; for (i=2;i<=NF;i++) tot+=$i; if (NR==1) {i0=idle; t0=tot} else printf "%.0f\n", 100*(1-(idle-i0)/(tot-t0))}' >>"$work/$name.busy"
	local got
	got=$(stat -c %s "$dest_local")
	[ "$got" = "$bytes" ] || die "$name: $got bytes arrived, $bytes expected"
}

on() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

for r in $(seq "$RUNS"); do
	for rtt in $RTTS; do
		echo "round $r/$RUNS, +$rtt ms ($(load_line))" >&2
		if on b1; then
			measure "b1_$rtt" baton_t "$rtt" 1
			verified "b1_$rtt" || die "baton (1 stream) did not verify $sum"
		fi
		if on bn; then
			measure "bn_$rtt" baton_t "$rtt" "$STREAMS"
			verified "bn_$rtt" || die "baton ($STREAMS streams) did not verify $sum"
		fi
		on scp && measure "scp_$rtt" scp3 "$rtt"
		on sftp && measure "sftp_$rtt" sftp2 "$rtt"
		on pipe && measure "pipe_$rtt" pipe1 "$rtt"
		if on pipen; then
			measure "pipen_$rtt" pipeN "$rtt"
			if [ "$r" = 1 ]; then
				[ "$(sha256sum <"$dest_local" | cut -d' ' -f1)" = "$sum" ] || die "ssh | ssh x $STREAMS: digest differs"
			fi
		fi
	done
done
fresh

echo
machine_line
load_line
printf 'size %s (%d bytes), h1 -> h2 through a delay relay in front of h2; median of %d interleaved rounds\n' \
	"$SIZE" "$bytes" "$RUNS"
[ "$BANDWIDTH_MIB" = 0 ] || echo "bandwidth cap: $BANDWIDTH_MIB MiB/s per direction per connection"
for rtt in $RTTS; do
	echo
	echo "+$rtt ms round trip"
	printf '  %-18s %9s %9s %11s %13s %12s\n' "" "seconds" "MiB/s" "x scp -3" "CPU-s/GiB" "box busy %"
	scp_m=$(median "scp_$rtt" 2>/dev/null || true)
	for pair in "b1:baton 1 stream" "bn:baton $STREAMS streams" "scp:scp -3" "sftp:sftp get+put" \
		"pipe:ssh | ssh" "pipen:ssh | ssh x $STREAMS"; do
		on "${pair%%:*}" || continue
		key=${pair%%:*}_$rtt
		label=${pair#*:}
		m=$(median "$key")
		printf '  %-18s %9.2f %9.1f %11.2f %13.2f %12s\n' "$label" "$m" "$(echo "$mib / $m" | bc -l)" \
			"$( [ -n "$scp_m" ] && ratio "$scp_m" "$m" || echo 0)" "$(echo "$(cpu_median "$key") / $gib" | bc -l)" \
			"$(sort -n "$work/$key.busy" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
	done
done
echo
for rtt in $RTTS; do
	on scp && on bn && [ "$rtt" = 40 ] && printf 'target: at +40 ms, baton %d streams / scp -3 speed = %.2f  (>= 3.00)\n' \
		"$STREAMS" "$(ratio "$(median scp_40)" "$(median "bn_40")")"
done
true
