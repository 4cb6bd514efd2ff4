#!/bin/sh
# Replication lag of the OpenEdge simulator under a steady write rate, and the time from a
# restored link to normal processing (3049).
# Usage: bench/replication-lag.sh [RATE per s (default 200)] [SECONDS (default 20)] [WORKDIR]
# Needs target/classes (./mvnw -o compile) or target/baton.jar, python3 (the cuttable relay), bc.
#
# Set-up: a source sdb and a target pdb seeded from its online backup; the server reaches the
# agent through a TCP relay this script controls. An `oesim writer` commits RATE records/s.
#  1. lag: every 0.5 s `dsrutil sdb -C monitor` reports the source's committed position and the
#     position the agent acknowledged; lag = difference, also in ms at RATE.
#  2. outage: the relay drops every connection and refuses new ones for 5 s while the writer
#     goes on; then the relay listens again; we time until `dsrutil pdb -C status -detail`
#     prints 3049 (recovery synchronization done).
# Finally the writer stops and both digests must be equal.
set -eu
rate=${1:-200}
seconds=${2:-20}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d "${TMPDIR:-/tmp}/repl-bench.XXXXXX")}
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  (cd "$work/sec" 2>/dev/null && proshut sdb -by >/dev/null 2>&1) || true
  (cd "$work/pri" 2>/dev/null && proshut pdb -by >/dev/null 2>&1) || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
if [ -f "$repo/target/baton.jar" ]; then cp_entry="$repo/target/baton.jar"; else cp_entry="$repo/target/classes"; fi
java -cp "$cp_entry" dev.baton.sim.SimMain install "$work/dlc" >/dev/null
DLC="$work/dlc"; PATH="$DLC/bin:$PATH"; export DLC PATH
mkdir -p "$work/sec" "$work/pri"
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sport=$(freeport); pport=$(freeport); rport=$(freeport)
now() { date +%s.%N; }

# The relay: SIGUSR1 cuts the link (closes everything, stops listening), SIGUSR2 restores it.
cat > "$work/relay.py" <<'PY'
import signal, socket, sys, threading
lport, tport = int(sys.argv[1]), int(sys.argv[2])
state = {"srv": None, "conns": []}
lock = threading.Lock()
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for s in (a, b):
        try: s.close()
        except OSError: pass
def serve(srv):
    while True:
        try: c, _ = srv.accept()
        except OSError: return
        try: u = socket.create_connection(("127.0.0.2", tport), 5)
        except OSError: c.close(); continue
        with lock: state["conns"] += [c, u]
        threading.Thread(target=pump, args=(c, u), daemon=True).start()
        threading.Thread(target=pump, args=(u, c), daemon=True).start()
def up():
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", lport)); srv.listen(16); state["srv"] = srv
    threading.Thread(target=serve, args=(srv,), daemon=True).start()
def cut(*_):
    with lock:
        if state["srv"]:
            try: state["srv"].shutdown(socket.SHUT_RDWR)
            except OSError: pass
            state["srv"].close(); state["srv"] = None
        for s in state["conns"]:
            try: s.shutdown(socket.SHUT_RDWR); s.close()
            except OSError: pass
        state["conns"] = []
def restore(*_):
    with lock:
        if not state["srv"]: up()
signal.signal(signal.SIGUSR1, cut); signal.signal(signal.SIGUSR2, restore)
up()
while True: signal.pause()
PY
python3 "$work/relay.py" "$rport" "$pport" & relay=$!; pids="$pids $relay"

props() { # db agent-host agent-port
  printf '[server]\ncontrol-agents=agent1\n[control-agent.agent1]\nhost=%s\nport=%s\nconnect-timeout=300\n[agent]\nname=agent1\n[transition]\ndatabase-role=reverse\n' "$2" "$3" > "$1.repl.properties"
}
cd "$work/sec"
prodb sdb >/dev/null
oesim load sdb --bytes 4M >/dev/null
rfutil sdb -C mark backedup >/dev/null; rfutil sdb -C aimage begin >/dev/null
proutil sdb -C enableSiteReplication source >/dev/null
props sdb 127.0.0.1 "$rport"
proserve sdb -S "$sport" -DBService replserv >/dev/null
probkup online sdb "$work/sdb.bck" >/dev/null
cd "$work/pri"
prorest pdb "$work/sdb.bck" -REPLTransition >/dev/null
props pdb 127.0.0.3 "$sport"
proserve pdb -S "$pport" -DBService replagent >/dev/null
wait3049() { while [ "$(dsrutil pdb -C status -detail)" != 3049 ]; do sleep 0.1; done; }
t0=$(now); wait3049; t1=$(now)
startup=$(echo "$t1 - $t0" | bc -l)

cd "$work/sec"
oesim writer sdb --log "$work/keys.log" --rate "${rate}/s" >/dev/null 2>&1 & writer=$!; pids="$pids $writer"
sleep 2
samples=0; sum=0; max=0
end=$(echo "$(date +%s) + $seconds" | bc)
while [ "$(date +%s)" -lt "$end" ]; do
  lag=$(dsrutil sdb -C monitor | sed -n 's/^Agent position: .*(behind by \([0-9]*\))$/\1/p')
  if [ -n "$lag" ]; then
    samples=$((samples + 1)); sum=$((sum + lag)); [ "$lag" -gt "$max" ] && max=$lag
  fi
  sleep 0.5
done
written=$(wc -l < "$work/keys.log")

kill -USR1 "$relay"; sleep 5
kill -USR2 "$relay"; t0=$(now)
cd "$work/pri"; wait3049; t1=$(now)
recovery=$(echo "$t1 - $t0" | bc -l)
grep -q '(6004)' "$work/sec/sdb.repl.server.lg" || { echo "no recovery synchronization logged" >&2; exit 1; }

kill "$writer"; wait "$writer" 2>/dev/null || true
sleep 1
a=$(cd "$work/sec" && oesim digest sdb)
i=0
while b=$(cd "$work/pri" && oesim digest pdb) && [ "$a" != "$b" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
[ "$a" = "$b" ] || { echo "digests differ: $a / $b" >&2; exit 1; }
missing=$(cd "$work/pri" && oesim missing pdb --log "$work/keys.log")

avg=$(echo "scale=2; $sum / $samples" | bc)
printf 'write rate            %s records/s (%s committed during the run)\n' "$rate" "$written"
printf 'startup sync to 3049  %.2f s (4 MiB seed, JVM starts of dsrutil polling included)\n' "$startup"
printf 'lag (entries)         avg %s  max %s  over %s samples\n' "$avg" "$max" "$samples"
printf 'lag (ms at the rate)  avg %.1f  max %.1f\n' "$(echo "$avg * 1000 / $rate" | bc -l)" "$(echo "$max * 1000 / $rate" | bc -l)"
printf 'link restored -> 3049 %.2f s after a 5 s outage (polling by dsrutil, ~0.3 s per poll)\n' "$recovery"
printf 'content               digests equal; writer log: %s\n' "$missing"
