#!/usr/bin/env bash
# Chaos runs (issue #17): N seeds of one site pair on real OpenSSH hosts (network namespaces) while
# a writer commits on the source, each with a fault drawn at random (link cut, sshd killed, runner
# SIGKILL, disk full, replication link cut, a concurrent operator) at a random moment, then
# `baton resume` until done. After each it checks: roles right, record digests equal, every key the
# writer saw committed present on the target, the preserved database is the real old primary, no
# lock or utility process left. Prints each fault and the totals: faults injected, survived,
# records lost (must be 0). The default suite runs N=10 with seed 20261207 (ChaosE2eTest), which
# found a preserve interrupted half way that no resume could continue (fixed: the moves are
# planned on the host first, and a resume finishes them).
#
#   sudo bench/chaos.sh                 # N=50, a random seed (printed)
#   sudo N=20 SEED=42 bench/chaos.sh    # replay a seed
#
# Needs root (network namespaces, sshd), openssh-server, iproute2; the JDK and Maven wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-50}
SEED=${SEED:-random}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
status=0
./mvnw -q -B test -Dtest=ChaosE2eTest -Dsurefire.failIfNoSpecifiedTests=false \
	-Dbaton.chaos.runs="$N" -Dbaton.chaos.seed="$SEED" >"$log" 2>&1 || status=$?
grep -E '^chaos' "$log" || true
if [ "$status" != 0 ]; then
	echo "chaos: FAILED (exit $status); the surefire report: target/surefire-reports/dev.baton.e2e.ChaosE2eTest.txt"
	grep -E 'Expecting|broken|AssertionError' "$log" | head -20 || true
fi
echo "chaos: wall $(($(date +%s) - start)) s"
exit "$status"
