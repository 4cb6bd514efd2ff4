#!/bin/sh
# Throughput of the OpenEdge simulator's probkup/prorest against cp of the same bytes on the
# same disk. Usage: bench/sim-throughput.sh [SIZE (default 1G)] [WORKDIR (default a temp dir)]
# Needs target/classes (./mvnw -o compile) or target/baton.jar. Prints one ratio per utility:
# ratio = utility throughput / cp throughput (>= 0.5 is the target).
set -eu
size=${1:-1G}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/sim-bench.XXXXXX")}
cleanup() { rm -rf "$work"; }
trap cleanup EXIT INT TERM
if [ -f "$repo/target/baton.jar" ]; then cp_entry="$repo/target/baton.jar"; else cp_entry="$repo/target/classes"; fi
java -cp "$cp_entry" dev.baton.sim.SimMain install "$work/dlc" >/dev/null
DLC="$work/dlc"; PATH="$DLC/bin:$PATH"; export DLC PATH
mkdir -p "$work/src" "$work/dst"
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

cd "$work/src"
prodb bench >/dev/null
oesim load bench --bytes "$size" >/dev/null
bytes=$(stat -c %s "$work/src/bench_7.d1")
sync

t0=$(now); probkup bench "$work/bench.bck" >/dev/null; t1=$(now)
bkup=$(secs "$t0" "$t1")
cd "$work/dst"
t0=$(now); prorest bench "$work/bench.bck" >/dev/null; t1=$(now)
rest=$(secs "$t0" "$t1")
sync
t0=$(now); cp "$work/src/bench_7.d1" "$work/cp.copy"; t1=$(now)
cpt=$(secs "$t0" "$t1")
t0=$(now); cp "$work/src/bench_7.d1" "$work/cp2.copy"; sync "$work/cp2.copy"; t1=$(now)
cps=$(secs "$t0" "$t1")

# Check the restored content before reporting speed.
a=$(cd "$work/src" && oesim digest bench)
b=$(cd "$work/dst" && oesim digest bench)
[ "$a" = "$b" ] || { echo "restored digest differs: $a / $b" >&2; exit 1; }

mib=$(echo "$bytes / 1048576" | bc -l)
printf 'data bytes          %d (%.0f MiB)\n' "$bytes" "$mib"
printf 'cp                  %6.2f s  %7.1f MiB/s\n' "$cpt" "$(echo "$mib / $cpt" | bc -l)"
printf 'cp + sync           %6.2f s  %7.1f MiB/s\n' "$cps" "$(echo "$mib / $cps" | bc -l)"
printf 'probkup (offline)   %6.2f s  %7.1f MiB/s  ratio vs cp %.2f  vs cp+sync %.2f\n' "$bkup" \
  "$(echo "$mib / $bkup" | bc -l)" "$(echo "$cpt / $bkup" | bc -l)" "$(echo "$cps / $bkup" | bc -l)"
printf 'prorest             %6.2f s  %7.1f MiB/s  ratio vs cp %.2f  vs cp+sync %.2f\n' "$rest" \
  "$(echo "$mib / $rest" | bc -l)" "$(echo "$cpt / $rest" | bc -l)" "$(echo "$cps / $rest" | bc -l)"
echo "(probkup and prorest include JVM start and one fsync of their output; plain cp does not sync)"
