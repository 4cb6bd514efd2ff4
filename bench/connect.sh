#!/usr/bin/env bash
# Connection set-up: baton's first task vs OpenSSH's `ssh host true`, on the same real OpenSSH
# host in the same run, interleaved.
#
#   sudo bench/connect.sh            # RUNS=15
#
# Measured per round:
#   ssh true            `ssh -F ssh_config h1 true`: new process, key exchange, auth, exec
#   ssh true (mux)      the same over an open ControlMaster: exec on an existing connection
#   baton --version     JVM start + CLI, no connection (the floor of any baton run)
#   baton 1 task        `baton play` of one `command: /bin/true` on h1, whole process
#   baton first task    that task's duration in baton's journal: connect + auth + exec, in-JVM
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-15}
bench_build
hosts_up 1
export BATON_HOME=$work/baton-home
printf -- '- hosts: openssh\n  gather_facts: false\n  tasks:\n    - command: /bin/true\n' >"$work/t1.yml"
baton_one() { "$repo/baton" play --color=never -i "$INVENTORY" --journal "$work/j.jsonl" "$work/t1.yml"; }
ssh_true() { ssh -F "$SSH_CONFIG" h1 true; }
mux_true() { ssh -F "$SSH_CONFIG" -o ControlPath="$work/mux" h1 true; }
ssh -F "$SSH_CONFIG" -o ControlPath="$work/mux" -o ControlMaster=yes -o ControlPersist=yes -fN h1
trap 'ssh -o ControlPath="$work/mux" -O exit h1 2>/dev/null || true; bench_cleanup' EXIT
baton_one >/dev/null 2>&1 || die "baton warm-up failed"
ssh_true || die "ssh warm-up failed"
for r in $(seq "$RUNS"); do
	[ $((r % 5)) = 1 ] && echo "round $r/$RUNS ($(load_line))" >&2
	timed ssh ssh_true
	timed version "$repo/baton" --version
	rm -f "$work/j.jsonl"
	timed baton baton_one
	record first "$(task_ms "$work/j.jsonl" | head -1 | awk '{print $1/1000}')"
	timed mux mux_true
done
row() { printf '%-20s %8.1f ms  (%s s, n=%d)\n' "$1" "$(echo "$(median "$2") * 1000" | bc -l)" "$(spread "$2")" "$(count "$2")"; }
echo
machine_line
load_line
echo "median over $RUNS interleaved rounds; host: 1 OpenSSH sshd in a network namespace"
row "ssh true" ssh
row "ssh true (mux)" mux
row "baton --version" version
row "baton 1 task" baton
row "baton first task" first
printf 'baton 1 task / ssh true      %6.2f\n' "$(ratio "$(median baton)" "$(median ssh)")"
printf 'baton first task / ssh true  %6.2f   (connect+auth+exec inside the JVM vs a whole ssh process)\n' "$(ratio "$(median first)" "$(median ssh)")"
