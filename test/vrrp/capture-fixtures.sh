#!/usr/bin/env bash
# capture-fixtures.sh [RUN...]
#
# Golden bytes for the VRRP packet codec, from real Keepalived: for each run of fixture-cases.mjs (all of them
# by default), start Keepalived as MASTER on one end of a veth pair, capture its adverts on the other end with
# tcpdump, stop it (SIGTERM, so it sends its priority-0 advert), and write the picked packets, whole IP packets
# from the IP header on, as packages/core/test/vrrp/fixtures/NAME.hex plus NAME.json (the fields the decoder
# must find).
#
#   namespace PREFIX-k   vk0  192.0.2.1/24  fe80::1/64   Keepalived (--vrrp only)
#   namespace PREFIX-c   vc0  192.0.2.2/24  fe80::2/64   tcpdump
#
# A run whose config Keepalived rejects (an unknown keyword: e.g. v3_checksum_as_v2 before 2.2.8) is skipped
# and reported; its old fixtures, if any, are left alone.
#
# Everything made here is removed on exit, also on failure or Ctrl-C: Keepalived (by its pid files), tcpdump,
# anything else left in the two namespaces (only this script runs there), the namespaces, the temporary dir.
#
# Environment: KEEPALIVED (binary, default keepalived), VGP_PREFIX (namespace prefix, default vgp-PID),
#              VGP_OUT (output directory), VGP_TIMEOUT (seconds to wait for an advert, default 20).
# Exit status: 0 when every run that Keepalived accepts gave its fixtures, 1 otherwise, 2 on usage errors.

set -u
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
CASES=$HERE/fixture-cases.mjs
OUT=${VGP_OUT:-$(cd "$HERE/../.." && pwd -P)/packages/core/test/vrrp/fixtures}
KEEPALIVED=${KEEPALIVED:-keepalived}
PREFIX=${VGP_PREFIX:-vgp-$$}
TIMEOUT=${VGP_TIMEOUT:-20}

die() { echo "$0: $*" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"
for tool in "$KEEPALIVED" ip tcpdump node; do
    command -v "$tool" >/dev/null || die "$tool not found (tcpdump: apt-get install tcpdump)"
done

NS_K=$PREFIX-k
NS_C=$PREFIX-c
TMPD=""
MADE_K=""
MADE_C=""
KA_PID=""
DUMP_PID=""

# Stop this run's Keepalived: TERM its parent (the pid in its -p pid file), which sends priority 0, stops the
# VRRP child and reaps it. Whatever is left after 5 s is killed: everything in our Keepalived namespace is ours,
# and listing it there rather than trusting a pid file never hits a recycled pid.
stop_keepalived() {
    local pid
    [ -n "$KA_PID" ] || return 0
    kill -TERM "$KA_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$KA_PID" 2>/dev/null || break; sleep 0.1; done
    for pid in $(ip netns pids "$NS_K" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    wait "$KA_PID" 2>/dev/null
    KA_PID=""
}

stop_tcpdump() {
    [ -n "$DUMP_PID" ] || return 0
    kill -TERM "$DUMP_PID" 2>/dev/null
    wait "$DUMP_PID" 2>/dev/null
    DUMP_PID=""
}

cleanup() {
    local rc=$? ns pids
    stop_keepalived
    stop_tcpdump
    for ns in ${MADE_K:+"$NS_K"} ${MADE_C:+"$NS_C"}; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086
        [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    [ -z "$TMPD" ] || rm -rf "$TMPD"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS_K" || die "cannot create namespace $NS_K"
MADE_K=1
ip netns add "$NS_C" || die "cannot create namespace $NS_C"
MADE_C=1
TMPD=$(mktemp -d /tmp/vgp-capture.XXXXXX)
mkdir -p "$OUT"

setup_lab() {
    ip -n "$NS_K" link set lo up &&
    ip -n "$NS_C" link set lo up &&
    ip -n "$NS_K" link add vk0 type veth peer name vc0 netns "$NS_C" &&
    # Fixed link-local addresses (no EUI-64 from a random MAC), so the IPv6 fixtures are the same every run.
    ip -n "$NS_K" link set vk0 addrgenmode none &&
    ip -n "$NS_C" link set vc0 addrgenmode none &&
    ip -n "$NS_K" link set vk0 up &&
    ip -n "$NS_C" link set vc0 up &&
    ip -n "$NS_K" addr add 192.0.2.1/24 dev vk0 &&
    ip -n "$NS_C" addr add 192.0.2.2/24 dev vc0 &&
    ip -n "$NS_K" -6 addr add fe80::1/64 dev vk0 nodad &&
    ip -n "$NS_C" -6 addr add fe80::2/64 dev vc0 nodad
}
setup_lab || die "cannot set up the veth pair"

VERSION=$("$KEEPALIVED" --version 2>&1 | sed -n 's/^Keepalived v\([^ ]*\).*/\1/p')

packets_in() { tcpdump -r "$1" 2>/dev/null | wc -l; }

# capture RUN: 0 when its fixtures were written, 1 when it failed, 3 when Keepalived rejects its config.
capture() {
    local run=$1 conf=$TMPD/$1.conf pcap=$TMPD/$1.pcap log=$TMPD/$1.log waited
    node "$CASES" conf "$run" >"$conf" || return 1

    local unknown
    unknown=$(ip netns exec "$NS_K" "$KEEPALIVED" -t -f "$conf" -p "$TMPD/t.pid" -r "$TMPD/t-vrrp.pid" \
                  -c "$TMPD/t-checkers.pid" -b "$TMPD/t-bfd.pid" 2>&1 |
              sed -n "s/.*Unknown keyword '\([^']*\)'.*/\1/p" | head -n 1)
    if [ -n "$unknown" ]; then
        echo "$run: skipped, Keepalived $VERSION does not know '$unknown'" >&2
        return 3
    fi

    # -Z root: tcpdump otherwise drops to its own user, who cannot write into the private temp dir.
    ip netns exec "$NS_C" tcpdump -i vc0 -n -U -Z root -w "$pcap" \
        'ip proto 112 or ip proto 51 or ip6 proto 112' 2>"$TMPD/$run.tcpdump" &
    DUMP_PID=$!
    for _ in $(seq 50); do grep -q 'listening on' "$TMPD/$run.tcpdump" 2>/dev/null && break; sleep 0.1; done

    rm -f "$TMPD"/keepalived.pid "$TMPD"/vrrp.pid
    ip netns exec "$NS_K" "$KEEPALIVED" -n -l -D --vrrp -f "$conf" -p "$TMPD/keepalived.pid" \
        -r "$TMPD/vrrp.pid" -c "$TMPD/checkers.pid" -b "$TMPD/bfd.pid" >"$log" 2>&1 &
    KA_PID=$!

    # Wait for the first advert (Keepalived starts as BACKUP, so only a MASTER advert can come first).
    waited=0
    until [ "$(packets_in "$pcap")" -ge 1 ]; do
        if [ "$waited" -ge $((TIMEOUT * 10)) ] || ! kill -0 "$KA_PID" 2>/dev/null; then
            echo "$run: no advert within ${TIMEOUT}s; Keepalived said:" >&2
            sed 's/^/    /' "$log" >&2
            stop_keepalived
            stop_tcpdump
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done

    stop_keepalived
    sleep 0.5
    stop_tcpdump
    node "$CASES" extract "$run" "$pcap" "$OUT" "$VERSION"
}

if [ $# -gt 0 ]; then runs=("$@"); else mapfile -t runs < <(node "$CASES" names); fi
failed=()
skipped=()
for run in "${runs[@]}"; do
    capture "$run"
    case $? in
        0) ;;
        3) skipped+=("$run") ;;
        *) failed+=("$run") ;;
    esac
done

echo "fixtures in $OUT (Keepalived $VERSION)" >&2
[ ${#skipped[@]} -eq 0 ] || echo "skipped (keyword unknown to this Keepalived): ${skipped[*]}" >&2
if [ ${#failed[@]} -gt 0 ]; then
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
exit 0
