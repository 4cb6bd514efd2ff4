#!/usr/bin/env bash
# JVM start-up: `baton --version` and a one-task run vs `ansible --version` and a one-task
# `ansible-playbook`, on one real OpenSSH host; medians over RUNS, with ratios.
#
#   sudo bench/startup.sh               # RUNS=7
#
# Variants (interleaved per round so machine load hits them alike), whole-process wall time and
# CPU time (user+sys, GNU time):
#   baton --version        ./baton as shipped (--version: C1 only, no CDS archive)
#   baton --version nocds  BATON_CDS=0 ./baton (the same since the launcher skips CDS for it)
#   baton --version c1     ./baton with BATON_JAVA_OPTS=-XX:TieredStopAtLevel=1
#   ansible --version
#   baton 1 task           ./baton play, `command: /bin/true` on h1 (new JVM, new SSH connection)
#   baton 1 task nocds     BATON_CDS=0
#   baton 1 task c1        -XX:TieredStopAtLevel=1
#   ansible 1 task         ansible-playbook, same playbook and inventory (tuned: pipelining, a
#                          fresh ControlMaster per run, stopped between runs: every run is cold)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-7}
command -v ansible-playbook >/dev/null || die "needs ansible-playbook (apt install ansible-core)"
command -v /usr/bin/time >/dev/null || die "needs GNU time (/usr/bin/time)"
bench_build
hosts_up 1
export BATON_HOME=$work/baton-home
printf -- '- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: /bin/true\n' >"$work/t1.yml"
: >"$work/ansible.cfg"
export ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_LOCAL_TEMP=$work/ansible-tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=False

# cpu_timed NAME CMD...: like lib.sh's timed, also records CPU seconds in NAME-cpu.times.
cpu_timed() {
	local name=$1
	shift
	if ! /usr/bin/time -f '%e %U %S' -o "$work/$name.gt" bash -c '"$@"' _ "$@" >"$work/$name.out" 2>&1; then
		tail -20 "$work/$name.out" >&2
		die "$name failed: $*"
	fi
	awk '{print $1}' "$work/$name.gt" >>"$work/$name.times"
	awk '{print $2 + $3}' "$work/$name.gt" >>"$work/$name-cpu.times"
}
baton_play() { "$repo/baton" play --color=never -i "$INVENTORY" "$work/t1.yml"; }
ansible_play() {
	local cp rc=0
	cp=$(mktemp -d "$work/cp.XXXXXX")
	ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" \
		ANSIBLE_SSH_CONTROL_PATH_DIR=$cp ansible-playbook -i "$INVENTORY" "$work/t1.yml" || rc=$?
	for s in "$cp"/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy 2>/dev/null || true; done
	rm -rf "$cp"
	return $rc
}
export -f baton_play ansible_play
export repo work INVENTORY

# Warm-up (not recorded): the launcher's full CDS archive (its first play records it), caches.
rm -f "$repo/target/baton.jsa" "$repo/target/baton.jsa.full"
baton_play >/dev/null 2>&1 || die "baton warm-up failed"
[ -f "$repo/target/baton.jsa.full" ] || die "the launcher recorded no CDS archive"
ansible_play >/dev/null 2>&1 || die "ansible warm-up failed"
for r in $(seq "$RUNS"); do
	echo "round $r/$RUNS ($(load_line))" >&2
	cpu_timed bv "$repo/baton" --version
	BATON_CDS=0 cpu_timed bv_nocds "$repo/baton" --version
	BATON_JAVA_OPTS=-XX:TieredStopAtLevel=1 cpu_timed bv_c1 "$repo/baton" --version
	cpu_timed av ansible --version
	cpu_timed b1 baton_play
	BATON_CDS=0 cpu_timed b1_nocds baton_play
	BATON_JAVA_OPTS=-XX:TieredStopAtLevel=1 cpu_timed b1_c1 baton_play
	cpu_timed a1 ansible_play
done

echo
machine_line
echo "$(load_line) at the end; medians of $RUNS runs (min..max wall)"
printf '%-26s %9s %9s   %-14s %s\n' variant "wall s" "cpu s" "wall range" "wall, cpu vs ansible"
row() { # row LABEL NAME ANSIBLE_NAME
	printf '%-26s %9.3f %9.3f   %-14s %.2fx, %.2fx\n' "$1" "$(median "$2")" "$(median "$2-cpu")" "$(spread "$2")" \
		"$(ratio "$(median "$2")" "$(median "$3")")" "$(ratio "$(median "$2-cpu")" "$(median "$3-cpu")")"
}
row "baton --version" bv av
row "baton --version (no CDS)" bv_nocds av
row "baton --version (C1 only)" bv_c1 av
row "ansible --version" av av
row "baton 1 task" b1 a1
row "baton 1 task (no CDS)" b1_nocds a1
row "baton 1 task (C1 only)" b1_c1 a1
row "ansible-playbook 1 task" a1 a1
