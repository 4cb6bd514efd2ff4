#!/usr/bin/env bash
# One big file from host h1 to host h2 through this machine (the jump host): baton's `transfer`
# module (method relay, sha256-verified end to end) vs OpenSSH, on the same real OpenSSH hosts in
# the same run, interleaved; plus the physical limits of this machine.
#
#   sudo bench/transfer.sh              # SIZE=1G RUNS=3
#   SIZE=256M RUNS=5 sudo bench/transfer.sh
#   STREAMS=1 sudo bench/transfer.sh    # the relay over one stream (default: the module's 4)
#
# Per round (the destination file is removed before each):
#   baton relay        `baton play` of one `transfer` task (h1 -> baton -> h2), whole process:
#                      JVM start, two SSH connections, copy, sha256 on both hosts + of the stream
#   baton relay (task) the same run's transfer task duration from baton's journal
#   ssh cat | ssh cat  `ssh h1 cat SRC | ssh h2 'cat > DEST'` (no verification)
#   ... + sha256       the same, then `ssh h2 openssl dgst -sha256 DEST` (what baton's check costs OpenSSH)
#   scp -3             `scp -3 h1:SRC h2:DEST` (OpenSSH 9 scp speaks SFTP)
#   sftp get+put       `sftp` get to this machine's disk, then put to h2 (two legs)
# Once: `cat SRC > /dev/null` (page cache/disk read), `openssl speed -evp aes-128-gcm` and
# `-evp sha256` (one core, 16 KiB blocks): what the cipher and the digest allow.
# Target: baton relay at least as fast as `ssh cat | ssh cat`, and no more jump-host CPU per GiB
# (user + sys of each command and everything it started, from the kernel's accounting: for baton
# its whole JVM run, JIT and both hosts' sha256 commands' ssh side included).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
SIZE=${SIZE:-1G}
STREAMS=${STREAMS:-4} # the transfer module's default
bytes=$(numfmt --from=iec "$SIZE")
bench_build
hosts_up 2
export BATON_HOME=$work/baton-home
src=$H1_DATA_PATH/big.bin          # path as h1 sees it
dest=$H2_DATA_PATH/big.copy        # path as h2 sees it
dest_local=$H2_DATA_DIR/big.copy   # the same file as this machine sees it
echo "bench: writing $SIZE of random bytes on h1 ..." >&2
head -c "$bytes" /dev/urandom >"$H1_DATA_DIR/big.bin"
sum=$(sha256sum "$H1_DATA_DIR/big.bin" | cut -d' ' -f1)
mib=$(echo "$bytes / 1048576" | bc -l)

cat >"$work/transfer.yml" <<EOF
- hosts: h2
  gather_facts: false
  tasks:
    - name: relay
      transfer:
        src_host: h1
        src: $src
        dest: $dest
        method: relay
        streams: $STREAMS
EOF
S="ssh -F $SSH_CONFIG"
fresh() { rm -f "$dest_local" "$dest_local".part "$work/sftp.tmp"; sync; }
baton_relay() { "$repo/baton" play --color=never -i "$INVENTORY" --journal "$work/j.jsonl" "$work/transfer.yml"; }
cat_pipe() { $S h1 "cat $src" | $S h2 "cat > $dest"; }
cat_pipe_sum() { cat_pipe && $S h2 "openssl dgst -sha256 -r $dest"; }
scp3() { scp -q -3 -F "$SSH_CONFIG" "h1:$src" "h2:$dest"; }
sftp_two() {
	echo "get $src $work/sftp.tmp" | sftp -q -F "$SSH_CONFIG" -b - h1 &&
		echo "put $work/sftp.tmp $dest" | sftp -q -F "$SSH_CONFIG" -b - h2
}
check() { # check NAME: the copy must be complete (and, once, bit-identical)
	local got
	got=$(stat -c %s "$dest_local")
	[ "$got" = "$bytes" ] || die "$1: $got bytes arrived, $bytes expected"
}

for r in $(seq "$RUNS"); do
	echo "round $r/$RUNS ($(load_line))" >&2
	fresh; rm -f "$work/j.jsonl"
	timed_cpu baton baton_relay; check baton
	record task "$(task_ms "$work/j.jsonl" | awk '{print $1/1000}')"
	fresh; timed_cpu pipe cat_pipe; check "ssh cat"
	[ "$r" = 1 ] && { [ "$(sha256sum <"$dest_local" | cut -d' ' -f1)" = "$sum" ] || die "ssh cat | ssh cat: digest differs"; }
	fresh; timed_cpu pipesum cat_pipe_sum; check "ssh cat + sha256sum"
	fresh; timed_cpu scp scp3; check "scp -3"
	fresh; timed_cpu sftp sftp_two; check "sftp"
done
fresh
grep -q "verified sha256 $sum" "$work/baton.out" "$work/j.jsonl" || die "baton did not report the verified digest $sum"

# Physical limits, once, after the rounds.
sync; timed catdisk sh -c "cat '$H1_DATA_DIR/big.bin' >/dev/null"
speed() { # speed ALG: 16 KiB-block throughput of openssl on one core, MiB/s
	openssl speed -seconds 3 -evp "$1" 2>/dev/null | awk -v a="$1" 'tolower($0) ~ a {print $NF}' | tail -1 |
		sed 's/k$//' | awk '{printf "%.0f", $1 * 1000 / 1048576}'
}
aes=$(speed aes-128-gcm)
sha=$(speed sha256)

gib=$(echo "$bytes / 1073741824" | bc -l)
row() { # row LABEL NAME
	local m cpu=""
	m=$(median "$2")
	[ -f "$work/$2.cpu" ] && cpu=$(printf '  %5.2f CPU-s/GiB' "$(echo "$(cpu_median "$2") / $gib" | bc -l)")
	printf '%-24s %8.2f s  %7.1f MiB/s  (%s s, n=%d)  baton/this time %5.2f%s\n' "$1" "$m" "$(echo "$mib / $m" | bc -l)" \
		"$(spread "$2")" "$(count "$2")" "$(ratio "$(median baton)" "$m")" "$cpu"
}
echo
machine_line
load_line
printf 'baton relay streams: %s\n' "$STREAMS"
printf 'size %s (%d bytes), hosts h1 -> h2: OpenSSH sshd in network namespaces, one disk\n' "$SIZE" "$bytes"
echo "median over $RUNS interleaved rounds"
row "baton relay" baton
row "baton relay (task)" task
row "ssh cat | ssh cat" pipe
row "  + sha256sum on h2" pipesum
row "scp -3" scp
row "sftp get + put" sftp
printf '%-24s %8.2f s  %7.1f MiB/s\n' "cat file > /dev/null" "$(median catdisk)" "$(echo "$mib / $(median catdisk)" | bc -l)"
printf '%-24s %19s MiB/s  (one core, 16 KiB blocks)\n' "openssl aes-128-gcm" "$aes" "openssl sha256" "$sha"
printf 'target: baton relay (whole run) / ssh cat|ssh cat = %.2f  (<= 1.00)\n' "$(ratio "$(median baton)" "$(median pipe)")"
printf 'target: jump-host CPU per GiB, baton relay (whole run) / ssh cat|ssh cat = %.2f  (<= 1.00)\n' \
	"$(ratio "$(cpu_median baton)" "$(cpu_median pipe)")"
