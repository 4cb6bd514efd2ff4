#!/usr/bin/env bash
# Scale: one baton run against 1, 10, 50, 100 site pairs (2, 20, 100, 200 hosts) of real OpenSSH
# hosts; wall time, peak RSS and CPU time of the baton process; the same for ansible-playbook.
#
#   sudo bench/scale.sh                          # PAIRS="1 10 50 100" RUNS=3
#   PAIRS="1 10" RUNS=1 ANSIBLE=0 sudo bench/scale.sh
#   JFR=1 sudo bench/scale.sh                    # also records baton at the largest size (JFR)
#
# Hosts: min(REAL, 2 x largest PAIRS) real OpenSSH hosts, each sshd in its own network + mount
# namespace (dev.baton.testing.OpenSshHosts, at most 200). With fewer real hosts than inventory
# names, names share hosts round-robin (REAL=20 gives 10 inventory names per sshd at 100 pairs):
# the runner still opens one SSH connection per inventory name.
# Inventory: pair i = p<i> in [primaries] (peer=s<i>) + s<i> in [secondaries] (peer=p<i>).
# Playbooks (both read-only, gather_facts: false, the same file for baton and ansible-playbook):
#   cmd5   hosts: all, 5 `command` tasks (true, uname -r, id -u, cat /etc/hostname, df -P /)
#   roles  the shape of playbooks/check-roles.yml without OpenEdge (Ansible has no
#          openedge_facts): hosts: primaries; a command registered on the primary, the same
#          delegated to its peer (delegate_to: "{{ peer }}"), a debug of both through
#          hostvars[peer]. The real check-roles.yml needs the OpenEdge simulator: LAB_PAIRS
#          runs it on the embedded lab (`baton lab run`), whose SSH servers and simulated
#          utilities share the measured process tree, so those figures are runner + lab.
# Measured by GNU time on the whole command: wall (%e), CPU user+sys (%U+%S, including children:
# none for baton on OpenSSH hosts; ansible's forked workers and ssh clients), peak RSS (%M: the
# largest single process of the tree: baton's JVM; for ansible one worker, not their sum).
# Both get FORKS (default 10 = baton's default) parallel hosts; ansible is "tuned" (pipelining,
# ControlMaster with a fresh ControlPath per run, masters stopped between runs).
# Targets (issue 7): 100 pairs from a 2-core host in < 1 GB; time no worse than linear in pairs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
PAIRS=${PAIRS:-"1 10 50 100"}
FORKS=${FORKS:-10}
ANSIBLE=${ANSIBLE:-1}
ANSIBLE_RUNS=${ANSIBLE_RUNS:-1}
LAB_PAIRS=${LAB_PAIRS:-}
[ "$ANSIBLE" = 0 ] || command -v ansible-playbook >/dev/null || die "needs ansible-playbook (ANSIBLE=0 to skip)"
command -v /usr/bin/time >/dev/null || die "needs GNU time (/usr/bin/time)"
max=0
for p in $PAIRS; do [ "$p" -le "$max" ] || max=$p; done
real=$((2 * max))
[ "$real" -le "${REAL:-200}" ] || real=${REAL:-200}
bench_build
if [ -n "${HOSTS_ENV:-}" ]; then
	# Hosts already up (another OpenSshHostsMain): HOSTS_ENV=DIR/hosts.env, at least $real hosts.
	# shellcheck disable=SC1090
	. "$HOSTS_ENV"
else
	echo "bench: starting $real OpenSSH hosts ..." >&2
	hosts_up "$real"
fi
export BATON_HOME=$work/baton-home

addr() { local v="H$1_ADDRESS"; echo "${!v}"; }
inventory() { # inventory PAIRS FILE
	local n=$1 i
	{
		echo "[primaries]"
		for i in $(seq "$n"); do echo "p$i ansible_host=$(addr $(((2 * i - 2) % real + 1))) peer=s$i"; done
		echo "[secondaries]"
		for i in $(seq "$n"); do echo "s$i ansible_host=$(addr $(((2 * i - 1) % real + 1))) peer=p$i"; done
		echo "[all:vars]"
		sed -n '/^\[openssh:vars\]/,$p' "$INVENTORY" | tail -n +2
	} >"$2"
}
cat >"$work/cmd5.yml" <<'EOF'
- hosts: all
  gather_facts: false
  tasks:
    - command: /bin/true
    - command: uname -r
    - command: id -u
    - command: cat /etc/hostname
    - command: df -P /
EOF
cat >"$work/roles.yml" <<'EOF'
- hosts: primaries
  gather_facts: false
  tasks:
    - name: Read the primary's state
      command: uname -n
      register: primary
    - name: Read the secondary's state
      command: uname -n
      delegate_to: "{{ peer }}"
      register: secondary
    - name: Roles
      debug:
        msg: "{{ inventory_hostname }} = {{ primary.stdout }}; {{ peer }} ({{ hostvars[peer].ansible_host }}) = {{ secondary.stdout }}"
EOF
for p in $PAIRS; do inventory "$p" "$work/pairs$p.ini"; done

: >"$work/ansible.cfg"
export ANSIBLE_CONFIG=$work/ansible.cfg ANSIBLE_LOCAL_TEMP=$work/ansible-tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_HOST_KEY_CHECKING=True

# measured NAME CMD...: one run under GNU time; appends "wall cpu rss_kb" to $work/NAME.m.
measured() {
	local name=$1
	shift
	# GNU time runs programs, not shell functions: the function runs in an exported bash.
	if ! /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" bash -c '"$@"' _ "$@" >"$work/$name.out" 2>&1; then
		tail -20 "$work/$name.out" >&2
		die "$name failed: $*"
	fi
	awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/$name.time" >>"$work/$name.m"
}
baton_run() { # baton_run INVENTORY PLAYBOOK
	"$repo/baton" play --color=never -f "$FORKS" -i "$1" "$2"
}
ansible_run() { # ansible_run INVENTORY PLAYBOOK
	local cp rc=0
	cp=$(mktemp -d "$work/cp.XXXXXX")
	ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" \
		ANSIBLE_SSH_CONTROL_PATH_DIR=$cp ansible-playbook -f "$FORKS" -i "$1" "$2" || rc=$?
	return $rc
}
export -f baton_run ansible_run
export repo work FORKS
ansible_masters_down() {
	local s
	for s in "$work"/cp.*/*; do
		[ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy 2>/dev/null || true
	done
	rm -rf "$work"/cp.*
}
# lab_run PAIRS: baton lab run on the embedded lab, check-roles.yml; peak RSS by VmHWM polling of
# the JVM (its simulated utilities are child JVMs GNU time would fold into %M).
lab_run() {
	local name=lab_$1 pid hwm=0 h t0 t1 ticks
	t0=$(now)
	"$repo/baton" lab run --pairs "$1" "$repo/playbooks/check-roles.yml" >"$work/$name.out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ -z "$h" ] || [ "$h" -le "$hwm" ] || hwm=$h
		ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo "${ticks:-0}")
		sleep 0.2
	done
	wait "$pid" || { tail -20 "$work/$name.out" >&2; die "$name failed"; }
	t1=$(now)
	echo "$(echo "$t1 - $t0" | bc -l) $(echo "$ticks / $(getconf CLK_TCK)" | bc -l) $hwm" >>"$work/$name.m"
}

# Warm-up (not recorded): the CDS archive of the launcher, page cache, sshd's first forks. On the
# smallest inventory asked for: PAIRS need not include 1.
first=$(printf '%s\n' $PAIRS | sort -n | head -n 1)
baton_run "$work/pairs$first.ini" "$work/cmd5.yml" >/dev/null 2>&1 || die "baton warm-up failed"
if [ "$ANSIBLE" = 1 ]; then
	ansible_run "$work/pairs$first.ini" "$work/cmd5.yml" >/dev/null 2>&1 || die "ansible warm-up failed"
	ansible_masters_down
fi
for r in $(seq "$RUNS"); do
	for p in $PAIRS; do
		echo "round $r/$RUNS, $p pairs ($(load_line))" >&2
		measured "baton_cmd5_$p" baton_run "$work/pairs$p.ini" "$work/cmd5.yml"
		measured "baton_roles_$p" baton_run "$work/pairs$p.ini" "$work/roles.yml"
		if [ "$ANSIBLE" = 1 ] && [ "$r" -le "$ANSIBLE_RUNS" ]; then
			measured "ansible_cmd5_$p" ansible_run "$work/pairs$p.ini" "$work/cmd5.yml"
			ansible_masters_down
			measured "ansible_roles_$p" ansible_run "$work/pairs$p.ini" "$work/roles.yml"
			ansible_masters_down
		fi
	done
done
for p in $LAB_PAIRS; do
	echo "lab: $p pairs, check-roles.yml ($(load_line))" >&2
	lab_run "$p"
done
if [ "${JFR:-0}" = 1 ]; then
	echo "bench: JFR of baton, $max pairs, cmd5 -> $work/scale.jfr" >&2
	BATON_JAVA_OPTS="-XX:StartFlightRecording=filename=$work/scale.jfr,settings=profile" \
		baton_run "$work/pairs$max.ini" "$work/cmd5.yml" >"$work/jfr.out" 2>&1 || die "JFR run failed"
	KEEP=1
fi

# med NAME COLUMN: median of one column of NAME.m.
med() { awk -v c="$2" '{print $c}' "$work/$1.m" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
echo
machine_line
echo "$(load_line) at the end; hosts: $real real OpenSSH hosts ($ISOLATED namespaces), forks $FORKS"
echo "medians of $RUNS baton run(s), $ANSIBLE_RUNS ansible run(s); wall s | CPU s (user+sys) | peak RSS MiB"
printf '%-8s %-6s %8s %8s %8s   %8s %8s %8s   %s\n' playbook pairs b_wall b_cpu b_rss a_wall a_cpu a_rss "wall a/b"
for pb in cmd5 roles; do
	for p in $PAIRS; do
		b=baton_${pb}_$p a=ansible_${pb}_$p
		bw=$(med "$b" 1) bc_=$(med "$b" 2) br=$(med "$b" 3)
		if [ -f "$work/$a.m" ]; then
			aw=$(med "$a" 1) ac=$(med "$a" 2) ar=$(med "$a" 3)
			printf '%-8s %-6s %8.2f %8.2f %8.0f   %8.2f %8.2f %8.0f   %.1fx\n' "$pb" "$p" "$bw" "$bc_" "$(echo "$br / 1024" | bc -l)" \
				"$aw" "$ac" "$(echo "$ar / 1024" | bc -l)" "$(ratio "$aw" "$bw")"
		else
			printf '%-8s %-6s %8.2f %8.2f %8.0f\n' "$pb" "$p" "$bw" "$bc_" "$(echo "$br / 1024" | bc -l)"
		fi
	done
done
for p in $LAB_PAIRS; do
	printf 'lab check-roles.yml %4s pairs: wall %.2f s, CPU %.2f s (baton JVM only), peak RSS %.0f MiB (runner + embedded lab)\n' \
		"$p" "$(med "lab_$p" 1)" "$(med "lab_$p" 2)" "$(echo "$(med "lab_$p" 3) / 1024" | bc -l)"
done
