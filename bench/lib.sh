# Shared helpers for the bench/*.sh scripts (sourced, not run). POSIX-ish bash.
#
# Hosts: the project's real OpenSSH hosts (dev.baton.testing.OpenSshHosts, each sshd in its own
# network + mount namespace), started through the test-scope main OpenSshHostsMain. Needs root,
# openssh-server, iproute2, util-linux and a JDK 17+.
#
# Env knobs shared by every script: RUNS (A/B rounds, default per script), KEEP=1 (keep the work
# directory), BATON_JAVA_OPTS (passed to ./baton).

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/baton-bench.XXXXXX")
hosts_pid=
bench_cleanup() {
	if [ -n "$hosts_pid" ]; then
		kill -TERM "$hosts_pid" 2>/dev/null || true
		wait "$hosts_pid" 2>/dev/null || true
	fi
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces for the OpenSSH hosts)"
for t in java ssh sshd ip unshare bc; do
	command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || die "needs $t"
done

# Builds what is missing: target/baton.jar (+ target/lib) and the test classes.
bench_build() {
	if [ ! -f "$repo/target/baton.jar" ] || [ -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$repo/target/baton.jar" -print -quit)" ]; then
		echo "bench: building target/baton.jar ..." >&2
		(cd "$repo" && ./mvnw -q -B -o -Dmaven.test.skip=true package) >&2
	fi
	if [ ! -f "$repo/target/test-classes/dev/baton/testing/OpenSshHostsMain.class" ] ||
		[ -n "$(find "$repo/src/test/java/dev/baton/testing" -newer "$repo/target/test-classes/dev/baton/testing/OpenSshHostsMain.class" -print -quit)" ]; then
		echo "bench: compiling the test classes ..." >&2
		(cd "$repo" && ./mvnw -q -B -o -Dspotless.check.skip=true test-compile) >&2
	fi
	if [ ! -f "$repo/target/cp-test.txt" ] || [ "$repo/pom.xml" -nt "$repo/target/cp-test.txt" ]; then
		(cd "$repo" && ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test \
			-Dmdep.outputFile=target/cp-test.txt) >&2
	fi
	test_cp="$repo/target/test-classes:$repo/target/classes:$(cat "$repo/target/cp-test.txt")"
}

# hosts_up N [--trust]: starts h1..hN and sources their hosts.env (SSH_CONFIG, INVENTORY, ...).
hosts_up() {
	local n=$1
	shift
	state=$work/hosts
	java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$test_cp" dev.baton.testing.OpenSshHostsMain \
		up "$n" --state "$state" "$@" 2>"$work/hosts.log" &
	hosts_pid=$!
	local i=0
	while [ ! -f "$state/ready" ]; do
		kill -0 "$hosts_pid" 2>/dev/null || { cat "$work/hosts.log" >&2; hosts_pid=; die "OpenSSH hosts did not start"; }
		i=$((i + 1))
		[ $i -lt 1200 ] || die "OpenSSH hosts not ready after 120 s"
		sleep 0.1
	done
	# shellcheck disable=SC1091
	. "$state/hosts.env"
	[ "$ISOLATED" = true ] || echo "bench: WARNING: hosts run in loopback mode (see $work/hosts.log)" >&2
}

now() { date +%s.%N; }

# timed NAME CMD...: runs CMD (stdout+stderr to $work/NAME.out), appends its wall seconds to
# $work/NAME.times, fails the benchmark if CMD fails (a failed run has no meaningful time).
timed() {
	local name=$1
	shift
	local t0 t1
	t0=$(now)
	if ! "$@" >"$work/$name.out" 2>&1; then
		tail -20 "$work/$name.out" >&2
		die "$name failed: $*"
	fi
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$work/$name.times"
}

# timed_cpu NAME CMD...: as timed, and appends to NAME.cpu the CPU seconds (user + sys) of CMD and
# of every process it started and waited for, from the kernel's own accounting (bash `times` in a
# subshell: RUSAGE_CHILDREN). CMD may be a shell function.
timed_cpu() {
	local name=$1
	shift
	local t0 t1
	t0=$(now)
	if ! ( "$@" >"$work/$name.out" 2>&1 || exit $?; times >"$work/$name.rusage" ); then
		tail -20 "$work/$name.out" >&2
		die "$name failed: $*"
	fi
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$work/$name.times"
	# Two lines of "XmY.YYYs XmY.YYYs": the subshell's own, then its children's; all four summed.
	tr ' ' '\n' <"$work/$name.rusage" | awk -F'[ms]' 'NF {t += $1 * 60 + $2} END {printf "%.3f\n", t}' >>"$work/$name.cpu"
}

# cpu_median NAME: median of NAME's recorded CPU seconds.
cpu_median() {
	sort -g "$work/$1.cpu" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# median NAME: median of NAME's recorded times (seconds).
median() {
	sort -g "$work/$1.times" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# spread NAME: "min..max" of NAME's recorded times.
spread() { sort -g "$work/$1.times" | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.3f..%.3f", lo, hi}'; }

count() { wc -l <"$work/$1.times"; }

ratio() { echo "$1 / $2" | bc -l; }

machine_line() {
	echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); java $(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/'); $(ssh -V 2>&1)"
}

load_line() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"; }

# task_ms JOURNAL: the duration_ms of each finished task, one per line, in run order.
task_ms() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("event")=="task_finished": print(e["duration_ms"])' "$1"
}

# task_gap_median_ms JOURNAL: the median time from one task's start to the next one's, tasks 2..N
# (task 1 connects), in ms with microseconds: all a task costs on an open session, events and
# journal included. (A task's duration_ms is whole milliseconds, cut down: ~0.5 ms low.)
task_gap_median_ms() {
	python3 -c 'import json,sys,statistics
from datetime import datetime
t=[datetime.fromisoformat(e["ts"].replace("Z","+00:00")) for e in map(json.loads, open(sys.argv[1])) if e.get("event")=="task_started"]
print("%.3f" % statistics.median((b-a).total_seconds()*1000 for a,b in zip(t[1:],t[2:])))' "$1"
}

# record NAME VALUE_SECONDS: appends a value measured some other way (e.g. from a journal).
record() { echo "$2" >>"$work/$1.times"; }
