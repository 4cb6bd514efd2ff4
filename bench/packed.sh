#!/usr/bin/env bash
# Per-task cost of an Ansible module that baton runs packed (PackedModule) against ansible-playbook
# running the same module, on the same real OpenSSH hosts, same run, interleaved.
#
#   sudo bench/packed.sh              # RUNS=3 rounds
#   RUNS=5 MANY=41 sudo bench/packed.sh
#
# Playbooks of `lineinfile` tasks (each a different line, so each changes the file), gather_facts:
# false: 1 and MANY tasks on 1 host, and MANY tasks on 10 hosts. ansible+pl: pipelining on, the
# fastest stock way Ansible runs a module (one ssh exec per task, like baton). Wall time per run,
# the marginal cost of one more task, and the jump host's CPU-seconds (the runner's own process
# tree, from getrusage of its children: baton's JVM, or ansible-playbook with its ssh clients).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
MANY=${MANY:-21}
command -v ansible-playbook >/dev/null || die "needs ansible-playbook (apt install ansible-core)"
bench_build
hosts_up 10

playbook() { # playbook FILE N
	{
		printf -- '- hosts: openssh\n  gather_facts: false\n  tasks:\n'
		for i in $(seq "$2"); do
			printf '    - name: l%d\n      lineinfile:\n        path: /tmp/baton-bench-packed-{{ inventory_hostname }}.conf\n        line: "key%d=value"\n        create: true\n' "$i" "$i"
		done
	} >"$1"
}
playbook "$work/p1.yml" 1
playbook "$work/pM.yml" "$MANY"
printf -- '- hosts: openssh\n  gather_facts: false\n  tasks:\n    - file:\n        path: /tmp/baton-bench-packed-{{ inventory_hostname }}.conf\n        state: absent\n' >"$work/clean.yml"

export BATON_HOME=$work/baton-home
: >"$work/ansible.cfg"
export ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_LOCAL_TEMP=$work/ansible-tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=False

# cpu NAME CMD...: CMD's children's user+sys CPU seconds appended to $work/NAME.cpu.
cpu() {
	local name=$1
	shift
	python3 -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "a").write("%.3f\n" % (u.ru_utime + u.ru_stime))
sys.exit(r)' "$work/$name.cpu" bash -c '"$@"' _ "$@"
}
baton_run() { "$repo/baton" play --color=never -i "$INVENTORY" -l "$2" "$1"; }
ansible_run() {
	local cp rc=0
	cp=$(mktemp -d "$work/cp.XXXXXX")
	ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" \
		ANSIBLE_SSH_CONTROL_PATH_DIR=$cp ansible-playbook -f 10 -i "$INVENTORY" -l "$2" "$1" || rc=$?
	local s
	for s in "$cp"/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy 2>/dev/null || true; done
	return $rc
}
export -f baton_run ansible_run
export repo work INVENTORY
all=h1:h2:h3:h4:h5:h6:h7:h8:h9:h10
reset() { baton_run "$work/clean.yml" "$all" >/dev/null 2>&1 || die "clean-up failed"; }

baton_run "$work/p1.yml" h1 >/dev/null 2>&1 || die "baton warm-up failed"
ansible_run "$work/p1.yml" h1 >/dev/null 2>&1 || die "ansible warm-up failed"
for r in $(seq "$RUNS"); do
	echo "round $r/$RUNS ($(load_line))" >&2
	for who in baton ansible; do
		reset; timed "${who}_1x1" "${who}_run" "$work/p1.yml" h1
		reset; timed "${who}_Mx1" "${who}_run" "$work/pM.yml" h1
		reset; timed "${who}_Mx10" "${who}_run" "$work/pM.yml" "$all"
		reset; cpu "${who}_cpu_Mx10" "${who}_run" "$work/pM.yml" "$all"
	done
done
grep -q "h10 .*changed=$MANY " "$work/baton_Mx10.out" || die "baton did not change $MANY lines on h10"
grep -q "h10 .*changed=$MANY " "$work/ansible_Mx10.out" || die "ansible did not change $MANY lines on h10"

cpu_median() { sort -g "$work/$1.cpu" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo
machine_line
load_line
echo "hosts: 10 OpenSSH sshd in network namespaces; $(ansible --version 2>/dev/null | awk 'NR==1')"
echo "module: lineinfile (ansible-core's, packed by baton / AnsiballZ by ansible+pipelining)"
for n in 1x1 Mx1 Mx10; do
	printf '%-6s baton %7.3f s   ansible+pl %7.3f s   baton/ansible %5.3f\n' "${n/M/$MANY}" \
		"$(median "baton_$n")" "$(median "ansible_$n")" "$(ratio "$(median "baton_$n")" "$(median "ansible_$n")")"
done
for who in baton ansible; do
	printf '%-8s marginal cost per task, 1 host (%d vs 1 tasks)  %7.1f ms\n' "$who" "$MANY" \
		"$(echo "($(median "${who}_Mx1") - $(median "${who}_1x1")) * 1000 / ($MANY - 1)" | bc -l)"
done
bc_=$(cpu_median baton_cpu_Mx10) ac_=$(cpu_median ansible_cpu_Mx10)
printf 'jump-host CPU, %d tasks x 10 hosts: baton %.2f s, ansible+pl %.2f s, baton/ansible %.3f\n' "$MANY" "$bc_" "$ac_" "$(ratio "$bc_" "$ac_")"
