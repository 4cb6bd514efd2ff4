#!/usr/bin/env bash
# The whole seed (playbooks/secondary-replication.yml) of a simulated OpenEdge database between two
# real OpenSSH hosts vs the sum of its unavoidable parts, each measured alone on the same hosts in
# the same run (interleaved).
#
#   sudo bench/failback.sh              # SIZE=1G RUNS=3
#   SIZE=256M RUNS=3 sudo bench/failback.sh
#
# Hosts: h1 = the secondary (production after the failover: the OpenEdge simulator's `sports`
# database, SIZE of records, after-imaging, enabled replication source, served with -DBService
# replserv), h2 = the primary (a small stale old database, shut down). The simulator
# (dev.baton.sim) is installed once in a DLC every host sees; its utilities run inside the hosts
# (their own network and mount namespaces) through sshd, like real OpenEdge would.
#
# Per round:
#   baton seed      `baton play -i failback.ini playbooks/secondary-replication.yml`, whole
#                   process: facts, online backup, relay transfer (sha256-verified), structure,
#                   preserve + restore -REPLTransition, roles check
#   parts           (1) `ssh h1 probkup online sports B`  (2) `ssh h1 cat B | ssh h2 'cat > B'`
#                   (3) `ssh h2 prorest sports B -REPLTransition` in an empty directory
# Between measurements (not timed) backups, restored and preserved copies are removed.
# Target: baton seed <= 1.10 x the sum of the parts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
SIZE=${SIZE:-1G}
bench_build
hosts_up 2
export BATON_HOME=$work/baton-home
dlc=$work/dlc
java -cp "$repo/target/baton.jar" dev.baton.sim.SimMain install "$dlc" >/dev/null
S="ssh -F $SSH_CONFIG"
on() { # on HOST COMMAND: runs COMMAND on HOST with the simulator on PATH
	$S "$1" "export DLC=$dlc PATH=$dlc/bin:\$PATH; $2"
}
sec=$H1_DATA_PATH/sec pri=$H2_DATA_PATH/pri port=20931
repl_props() { # repl_props OTHER_ADDRESS
	printf '[server]\ncontrol-agents=agent1\ndatabase=sports\ntransition=manual\n\n'
	printf '[control-agent.agent1]\nname=agent1\ndatabase=sports\nhost=%s\nport=%s\nconnect-timeout=120\n\n' "$1" "$port"
	printf '[agent]\nname=agent1\ndatabase=sports\nlistener-minport=4387\nlistener-maxport=4500\n\n'
	printf '[transition]\ndatabase-role=reverse\ntransition=manual\nrestart-after-transition=1\nonline-transition=1\n'
}
echo "bench: loading $SIZE into the secondary's database on h1 ..." >&2
on h1 "mkdir -p $sec $H1_DATA_PATH/backups && cd $sec && prodb sports && oesim load sports --bytes $SIZE &&
	rfutil sports -C mark backedup && rfutil sports -C aimage begin &&
	proutil sports -C enableSiteReplication source" >"$work/setup.out" 2>&1 || { cat "$work/setup.out" >&2; die "secondary setup failed"; }
repl_props "$H2_ADDRESS" >"$H1_DATA_DIR/sec/sports.repl.properties"
on h1 "cd $sec && proserve sports -S $port -DBService replserv" >>"$work/setup.out" 2>&1 || { cat "$work/setup.out" >&2; die "proserve failed"; }
on h2 "mkdir -p $pri $H2_DATA_PATH/backups $H2_DATA_PATH/preserved $H2_DATA_PATH/parts && cd $pri &&
	prodb sports && oesim load sports --bytes 16M" >>"$work/setup.out" 2>&1 || { cat "$work/setup.out" >&2; die "primary setup failed"; }
db_bytes=$(stat -c %s "$H1_DATA_DIR/sec/sports_7.d1" 2>/dev/null || du -cb "$H1_DATA_DIR"/sec/sports*.d* | tail -1 | cut -f1)

cat >"$work/failback.ini" <<EOF
[primaries]
h2 ansible_host=$H2_ADDRESS peer=h1 openedge_db=$pri/sports backup_dir=$H2_DATA_PATH/backups preserve_dir=$H2_DATA_PATH/preserved

[secondaries]
h1 ansible_host=$H1_ADDRESS peer=h2 openedge_db=$sec/sports backup_dir=$H1_DATA_PATH/backups

[all:vars]
ansible_user=root
ansible_ssh_private_key_file=$CLIENT_KEY
baton_known_hosts_file=$KNOWN_HOSTS
openedge_dlc=$dlc
openedge_port=$port
EOF

tidy() { # removes backups, preserved and part-restored copies (not timed)
	rm -rf "$H1_DATA_DIR"/backups/* "$H2_DATA_DIR"/backups/* "$H2_DATA_DIR"/preserved/* "$H2_DATA_DIR"/parts/*
	sync
}
seed() { "$repo/baton" play --color=never -i "$work/failback.ini" --journal "$work/j.jsonl" "$repo/playbooks/secondary-replication.yml"; }
part_backup() { on h1 "cd $sec && probkup online sports $H1_DATA_PATH/backups/parts.bck"; }
part_copy() { $S h1 "cat $H1_DATA_PATH/backups/parts.bck" | $S h2 "cat > $H2_DATA_PATH/backups/parts.bck"; }
part_restore() { on h2 "cd $H2_DATA_PATH/parts && prorest sports $H2_DATA_PATH/backups/parts.bck -REPLTransition"; }

for r in $(seq "$RUNS"); do
	echo "round $r/$RUNS ($(load_line))" >&2
	tidy
	rm -f "$work/j.jsonl"
	timed seed seed
	grep -q '"msg":"h1 (.*) = source; h2 (.*) = target' "$work/seed.out" || die "seed did not report h1 = source, h2 = target"
	python3 - "$work/j.jsonl" "$work" <<'PY'
import json, sys
steps = {"Online backup of the secondary database": "s_backup", "Move the backup to the primary": "s_transfer",
         "Preserve the old primary database, restore the backup as a replication target": "s_restore"}
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event") == "task_finished" and e.get("task") in steps:
        open(f"{sys.argv[2]}/{steps[e['task']]}.times", "a").write(f"{e['duration_ms']/1000}\n")
PY
	tidy
	timed backup part_backup
	timed copy part_copy
	timed restore part_restore
done
tidy
# The last seed must have left a served source on h1 and a replication target on h2.
on h2 "cd $pri && proutil sports -C describe" | grep -qi 'target' || die "h2's database is not a replication target after the seed"

sum=$(echo "$(median backup) + $(median copy) + $(median restore)" | bc -l)
row() { printf '%-36s %8.2f s  (%s s, n=%d)\n' "$1" "$(median "$2")" "$(spread "$2")" "$(count "$2")"; }
echo
machine_line
load_line
printf 'database: %s of records (data extent %d bytes) on h1 (simulator on real OpenSSH hosts, namespaces)\n' "$SIZE" "$db_bytes"
echo "median over $RUNS interleaved rounds"
row "baton seed (whole playbook run)" seed
row "  of which: online backup task" s_backup
row "  of which: transfer task (relay)" s_transfer
row "  of which: restore task" s_restore
row "part: probkup online (ssh h1)" backup
row "part: ssh h1 cat | ssh h2 cat" copy
row "part: prorest -REPLTransition (ssh h2)" restore
printf '%-36s %8.2f s\n' "sum of the parts" "$sum"
printf 'baton seed / sum of parts = %.3f   target <= 1.100\n' "$(ratio "$(median seed)" "$sum")"
