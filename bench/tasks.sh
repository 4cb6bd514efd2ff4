#!/usr/bin/env bash
# Per-task overhead: baton vs ansible-playbook on the same real OpenSSH hosts, same run.
#
#   sudo bench/tasks.sh                 # RUNS=5 rounds
#   RUNS=9 MANY=210 sudo bench/tasks.sh
#
# Playbooks of `command: /bin/true` tasks (gather_facts: false), whole-process wall time from a
# cold start (new JVM / new ansible-playbook, no SSH connection left from a previous run):
#   10 tasks x 1 host, 10 tasks x 10 hosts      baton | ansible (defaults) | ansible (tuned)
#   1, 10 and MANY tasks x 1 host               baton, for the marginal cost of one more task
#   10 and MANY tasks x 1 host                  ansible (tuned), the same marginal cost
# ansible (defaults): stock settings. Stock Ansible already multiplexes (ssh_args
#   "-C -o ControlMaster=auto -o ControlPersist=60s"); pipelining is off.
# ansible (tuned): pipelining=True, ssh_args "-o ControlMaster=auto -o ControlPersist=60s".
# Both get -f 10 (baton's default forks; Ansible's is 5) so 10 hosts run at once for both, and a
# fresh ControlPath directory per run whose masters are stopped after it: every run is cold.
# The variants run interleaved (A B C A B C ...) so machine load hits them alike.
# Targets (issue 2): one more task < 5 ms; 10 tasks x 10 hosts <= 1/5 of ansible (tuned).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
MANY=${MANY:-110}
command -v ansible-playbook >/dev/null || die "needs ansible-playbook (apt install ansible-core)"
bench_build
hosts_up 10

playbook() { # playbook FILE N [PROGRAM]
	{
		printf -- '- hosts: openssh\n  gather_facts: false\n  tasks:\n'
		for i in $(seq "$2"); do printf '    - name: t%d\n      command: %s\n' "$i" "${3:-/bin/true}"; done
	} >"$1"
}
for n in 1 10 "$MANY"; do playbook "$work/t$n.yml" "$n"; done
# The program by name: the shell session runs it through a subshell (a fork more than by path).
playbook "$work/name$MANY.yml" "$MANY" true
{ cat "$INVENTORY"; printf '\n[all:vars]\nbaton_shell_session=false\n'; } >"$work/inventory-channels.ini"

export BATON_HOME=$work/baton-home
: >"$work/ansible.cfg"
export ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_LOCAL_TEMP=$work/ansible-tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=False

baton_run() { # baton_run PLAYBOOK LIMIT [OPTION...]
	"$repo/baton" play --color=never -i "${BATON_INVENTORY:-$INVENTORY}" -l "$2" "${@:3}" "$1"
}
# The same with one SSH channel per command (baton_shell_session=false), for the shell session's gain.
baton_run_channels() { BATON_INVENTORY=$work/inventory-channels.ini baton_run "$@"; }
ansible_run() { # ansible_run defaults|tuned PLAYBOOK LIMIT
	local cp rc=0
	cp=$(mktemp -d "$work/cp.XXXXXX")
	if [ "$1" = tuned ]; then
		ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" \
			ANSIBLE_SSH_CONTROL_PATH_DIR=$cp ansible-playbook -f 10 -i "$INVENTORY" -l "$3" "$2" || rc=$?
	else
		ANSIBLE_SSH_CONTROL_PATH_DIR=$cp ansible-playbook -f 10 -i "$INVENTORY" -l "$3" "$2" || rc=$?
	fi
	return $rc
}
# Stops the ControlPersist masters a run left (outside the timing), so the next run is cold.
ansible_masters_down() {
	local s
	for s in "$work"/cp.*/*; do
		[ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy 2>/dev/null || true
	done
	rm -rf "$work"/cp.*
}

all=h1:h2:h3:h4:h5:h6:h7:h8:h9:h10
# Warm-up (not recorded): page cache, first JIT of ansible's python, sshd's first forks.
baton_run "$work/t1.yml" h1 >/dev/null 2>&1 || die "baton warm-up failed"
ansible_run tuned "$work/t1.yml" h1 >/dev/null 2>&1 || die "ansible warm-up failed"
ansible_masters_down

for r in $(seq "$RUNS"); do
	echo "round $r/$RUNS ($(load_line))" >&2
	timed baton_10x1 baton_run "$work/t10.yml" h1
	timed ansd_10x1 ansible_run defaults "$work/t10.yml" h1; ansible_masters_down
	timed anst_10x1 ansible_run tuned "$work/t10.yml" h1; ansible_masters_down
	timed baton_10x10 baton_run "$work/t10.yml" "$all"
	timed ansd_10x10 ansible_run defaults "$work/t10.yml" "$all"; ansible_masters_down
	timed anst_10x10 ansible_run tuned "$work/t10.yml" "$all"; ansible_masters_down
	timed baton_1x1 baton_run "$work/t1.yml" h1
	rm -f "$work/jM.jsonl"
	timed baton_Mx1 baton_run "$work/t$MANY.yml" h1 --journal "$work/jM.jsonl"
	# In-process cost of one task on the open session: median start-to-start, tasks 2..MANY.
	record persist "$(task_gap_median_ms "$work/jM.jsonl" | awk '{print $1/1000}')"
	rm -f "$work/jN.jsonl"
	timed baton_Nx1 baton_run "$work/name$MANY.yml" h1 --journal "$work/jN.jsonl"
	record persist_name "$(task_gap_median_ms "$work/jN.jsonl" | awk '{print $1/1000}')"
	timed anst_Mx1 ansible_run tuned "$work/t$MANY.yml" h1; ansible_masters_down
	timed batonch_10x1 baton_run_channels "$work/t10.yml" h1
	timed batonch_Mx1 baton_run_channels "$work/t$MANY.yml" h1
	# The host's own floor: /bin/true started by /bin/sh (dash: vfork + exec) and waited for, as
	# the shell session's driver starts a program given by path, in us.
	record floor "$(ssh -F "$SSH_CONFIG" h1 "/bin/sh -c 'i=0; s=\$(date +%s%N); while [ \$i -lt 200 ]; do /bin/true </dev/null; i=\$((i+1)); done; e=\$(date +%s%N); echo \$(( (e - s) / 200000 ))'" | awk '{print $1/1000000}')"
done

# Every run must really have run every task on every host.
grep -q 'h10 .*ok=10 ' "$work/baton_10x10.out" || die "baton 10x10 did not report ok=10 on h10"
grep -q "h1 .*ok=$MANY " "$work/baton_Mx1.out" || die "baton ${MANY}x1 did not report ok=$MANY"
grep -q "h1 .*ok=$MANY " "$work/baton_Nx1.out" || die "baton ${MANY}x1 (by name) did not report ok=$MANY"
grep -q 'h10 .*ok=10 ' "$work/anst_10x10.out" || die "ansible 10x10 did not report ok=10 on h10"
grep -q "h1 .*ok=$MANY " "$work/batonch_Mx1.out" || die "baton (channels) ${MANY}x1 did not report ok=$MANY"

row() { # row LABEL NAME [BATON_NAME]: with BATON_NAME, also baton's median / this median
	local m
	m=$(median "$2")
	if [ -n "${3:-}" ]; then
		printf '%-34s %8.3f s  (%s, n=%d)  baton/this %5.3f\n' "$1" "$m" "$(spread "$2")" "$(count "$2")" "$(ratio "$(median "$3")" "$m")"
	else
		printf '%-34s %8.3f s  (%s, n=%d)\n' "$1" "$m" "$(spread "$2")" "$(count "$2")"
	fi
}
echo
machine_line
load_line
echo "hosts: 10 OpenSSH sshd in network namespaces (OpenSshHosts); $(ansible --version 2>/dev/null | awk 'NR==1')"
echo "median wall time per whole run (min..max over $RUNS rounds)"
row "baton       10 tasks x 1 host" baton_10x1
row "ansible     10 tasks x 1 host" ansd_10x1 baton_10x1
row "ansible+pl  10 tasks x 1 host" anst_10x1 baton_10x1
row "baton       10 tasks x 10 hosts" baton_10x10
row "ansible     10 tasks x 10 hosts" ansd_10x10 baton_10x10
row "ansible+pl  10 tasks x 10 hosts" anst_10x10 baton_10x10
row "baton        1 task  x 1 host" baton_1x1
row "baton $(printf %4d "$MANY") tasks x 1 host" baton_Mx1
row "ansible+pl $(printf %4d "$MANY") tasks x 1 host" anst_Mx1 baton_Mx1
b1=$(median baton_1x1) b10=$(median baton_10x1) bM=$(median baton_Mx1) a10=$(median anst_10x1) aM=$(median anst_Mx1)
printf 'baton marginal cost per task   (%d vs 10 tasks)  %7.1f ms   target < 5 ms\n' "$MANY" "$(echo "($bM - $b10) * 1000 / ($MANY - 10)" | bc -l)"
printf 'baton marginal cost per task   (10 vs 1 tasks)   %7.1f ms\n' "$(echo "($b10 - $b1) * 1000 / 9" | bc -l)"
printf 'ansible+pl marginal per task   (%d vs 10 tasks)  %7.1f ms\n' "$MANY" "$(echo "($aM - $a10) * 1000 / ($MANY - 10)" | bc -l)"
c10=$(median batonch_10x1) cM=$(median batonch_Mx1)
printf 'baton, a channel per command   (%d vs 10 tasks)  %7.1f ms   (baton_shell_session=false)\n' "$MANY" "$(echo "($cM - $c10) * 1000 / ($MANY - 10)" | bc -l)"
printf 'host floor: /bin/true started by /bin/sh on h1, run there  %5.1f ms\n' "$(echo "$(median floor) * 1000" | bc -l)"
printf 'baton per task on the open session (start to start, tasks 2..%d)  %5.2f ms   target < 5 ms  (command: /bin/true)\n' "$MANY" "$(echo "$(median persist) * 1000" | bc -l)"
printf 'baton per task on the open session, program by name              %5.2f ms   (command: true)\n' "$(echo "$(median persist_name) * 1000" | bc -l)"
printf '10x10: baton / ansible+pl = %.3f   target <= 0.200\n' "$(ratio "$(median baton_10x10)" "$(median anst_10x10)")"
