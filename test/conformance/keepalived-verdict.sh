#!/usr/bin/env bash
# keepalived-verdict.sh FILE
#
# Ask the real Keepalived (`keepalived -t`, config-test mode) what it thinks of FILE, inside a throw-away
# network namespace that holds eth0, eth1 and eth2 (dummy interfaces, or veth pairs where the kernel has no
# dummy driver) addressed from the documentation ranges only:
#
#   eth0  192.0.2.1/24     2001:db8::1/64
#   eth1  198.51.100.1/24  2001:db8:1::1/64
#   eth2  203.0.113.1/24   2001:db8:2::1/64
#
# Prints one JSON object on stdout:
#   {"file": FILE, "configId": ID|null, "exit": N,
#    "errors": [{"file": F|null, "line": L|null, "message": "..."}], "raw": "full keepalived output"}
#
# Notes
# - If the first line of FILE is a comment `# config-id: ID`, keepalived is run with `-i ID` (selects the
#   `@ID` / `@^ID` conditional lines). Otherwise no -i is passed (keepalived then uses the host name).
# - keepalived is run from FILE's directory with `-f <basename>`, so the file names it prints in
#   `(NAME: Line N) message` are relative to that directory (includes print as e.g. `include.d/x.inc`), and the
#   output does not depend on where the checkout lives.
# - Every line keepalived prints in -t mode is a diagnostic. Three shapes: `(FILE: Line N) msg`,
#   `(Line N) msg` (the parent process's pass over a single file: attributed to FILE here) and `msg` (the
#   post-parse validation: file/line null). keepalived parses the config once per process (parent, VRRP,
#   checker, BFD) and so prints most messages several times: "errors" keeps one entry per distinct
#   (file, line, message), in order of first appearance; "raw" has everything.
# - The namespace and the temporary directory are always removed (trap EXIT), also on failure or Ctrl-C.
#
# Environment: KEEPALIVED (binary, default `keepalived`), VGC_PREFIX (namespace prefix, default `vgc-$$`),
#              VGC_TIMEOUT (seconds, default 60), VGC_JSON (jq|node: which tool writes the JSON; default jq if
#              installed, else node).
#
# Exit status of this script: 0 when a verdict was produced (whatever keepalived's own exit code), 2 on
# usage / environment errors.

set -u
set -o pipefail

usage() { echo "usage: $0 FILE" >&2; exit 2; }
[ $# -eq 1 ] || usage
[ -f "$1" ] || { echo "$0: no such file: $1" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: must run as root (network namespaces)" >&2; exit 2; }

KEEPALIVED=${KEEPALIVED:-keepalived}
command -v "$KEEPALIVED" >/dev/null || { echo "$0: $KEEPALIVED not found" >&2; exit 2; }
command -v ip >/dev/null || { echo "$0: ip (iproute2) not found" >&2; exit 2; }
if [ -n "${VGC_JSON:-}" ]; then JSON=$VGC_JSON
elif command -v jq >/dev/null; then JSON=jq
elif command -v node >/dev/null; then JSON=node
else echo "$0: need jq or node to write JSON" >&2; exit 2
fi

FILE_ARG=$1
FILE_DIR=$(cd "$(dirname "$FILE_ARG")" && pwd -P)
FILE_BASE=$(basename "$FILE_ARG")
PREFIX=${VGC_PREFIX:-vgc-$$}
TIMEOUT=${VGC_TIMEOUT:-60}

NS=""
TMPD=""
KPID=""
cleanup() {
    local rc=$?
    if [ -n "${KPID:-}" ]; then
        kill -9 "$KPID" 2>/dev/null || true
    fi
    if [ -n "$NS" ]; then
        # Anything still running inside *our* namespace was started by us (keepalived, scripts it forked).
        local pids
        pids=$(ip netns pids "$NS" 2>/dev/null || true)
        if [ -n "$pids" ]; then
            # shellcheck disable=SC2086
            kill -9 $pids 2>/dev/null || true
        fi
        ip netns del "$NS" 2>/dev/null || true
    fi
    [ -n "$TMPD" ] && rm -rf "$TMPD"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

TMPD=$(mktemp -d /tmp/vgc-verdict.XXXXXX)

# A unique namespace name: PREFIX-N, first N that is free (ip netns add fails if it exists).
n=0
while :; do
    cand="$PREFIX-$n"
    if ip netns add "$cand" 2>/dev/null; then NS=$cand; break; fi
    n=$((n + 1))
    [ $n -lt 1000 ] || { echo "$0: cannot create a network namespace" >&2; exit 2; }
done

ip -n "$NS" link set lo up

mkif() { # name ipv4/len ipv6/len
    local ifn=$1
    if ! ip -n "$NS" link add "$ifn" type dummy 2>/dev/null; then
        # No dummy driver (e.g. a kernel without CONFIG_DUMMY): a veth pair, both ends in the namespace.
        ip -n "$NS" link add "$ifn" type veth peer name "vgcp-$ifn" || return 1
        ip -n "$NS" link set "vgcp-$ifn" up || return 1
    fi
    ip -n "$NS" link set "$ifn" up || return 1
    ip -n "$NS" addr add "$2" dev "$ifn" || return 1
    ip -n "$NS" -6 addr add "$3" dev "$ifn" nodad || return 1
}
mkif eth0 192.0.2.1/24 2001:db8::1/64 || exit 2
mkif eth1 198.51.100.1/24 2001:db8:1::1/64 || exit 2
mkif eth2 203.0.113.1/24 2001:db8:2::1/64 || exit 2

# `# config-id: ID` on the first line selects -i ID.
CONFIG_ID=""
first=$(head -n 1 "$FILE_ARG")
if [[ $first =~ ^[#!][[:space:]]*config-id:[[:space:]]*([^[:space:]]+) ]]; then
    CONFIG_ID=${BASH_REMATCH[1]}
fi

args=(-t -f "$FILE_BASE" -p "$TMPD/keepalived.pid" -r "$TMPD/vrrp.pid" -c "$TMPD/checkers.pid"
      -b "$TMPD/bfd.pid")
[ -n "$CONFIG_ID" ] && args+=(-i "$CONFIG_ID")

# -t writes its diagnostics to stderr (not syslog). Capture stdout and stderr together, in order.
# keepalived runs in the background and we `wait` for it, so that a signal to this script runs the
# cleanup trap at once (bash defers traps while a foreground command, or a $(...), is running).
(cd "$FILE_DIR" && exec ip netns exec "$NS" timeout -k 5 "$TIMEOUT" "$KEEPALIVED" "${args[@]}") \
    >"$TMPD/out" 2>&1 &
KPID=$!
wait "$KPID"
RC=$?
KPID=""
OUT=$(cat "$TMPD/out")

# errors: one entry per distinct diagnostic (keepalived parses the file several times, once per process, and
# repeats most messages); `(Line N)` without a file name (the parent's pass over a single file) is attributed
# to FILE itself.
if [ "$JSON" = jq ]; then
    jq -n --arg file "$FILE_ARG" --arg base "$FILE_BASE" --arg id "$CONFIG_ID" --argjson exit "$RC" \
          --arg raw "$OUT" '
      {file: $file,
       configId: (if $id == "" then null else $id end),
       exit: $exit,
       errors: ([ $raw | split("\n")[] | select(test("\\S"))
                  | ( capture("^\\((?:(?<file>[^)]*): )?Line (?<line>[0-9]+)\\) (?<message>.*)$")
                      | {file: (.file // $base), line: (.line | tonumber), message} )
                    // {file: null, line: null, message: .} ]
                | reduce .[] as $e ([]; if any(.[]; . == $e) then . else . + [$e] end)),
       raw: $raw}'
else
    FILE_ARG=$FILE_ARG FILE_BASE=$FILE_BASE CONFIG_ID=$CONFIG_ID RC=$RC OUT=$OUT node -e '
      const e = process.env, raw = e.OUT, seen = new Set(), errors = [];
      for (const l of raw.split("\n").filter(l => /\S/.test(l))) {
        const m = /^\((?:([^)]*): )?Line ([0-9]+)\) (.*)$/.exec(l);
        const err = m ? { file: m[1] ?? e.FILE_BASE, line: Number(m[2]), message: m[3] }
                      : { file: null, line: null, message: l };
        const k = JSON.stringify(err);
        if (!seen.has(k)) { seen.add(k); errors.push(err); }
      }
      console.log(JSON.stringify({ file: e.FILE_ARG, configId: e.CONFIG_ID || null, exit: Number(e.RC),
                                   errors, raw }, null, 2));'
fi
exit 0
