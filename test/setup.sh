#!/usr/bin/env bash
# Installs the real peers the tests run against (Debian packages), only those missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have keepalived || need+=(keepalived)
have ip || need+=(iproute2)
have nft || need+=(nftables)
have openssl || need+=(openssl)
have mosquitto || need+=(mosquitto)
have mosquitto_sub || need+=(mosquitto-clients)
have tcpdump || need+=(tcpdump)
[[ -x /usr/bin/linux.uml ]] || need+=(user-mode-linux)
have modprobe || need+=(kmod)
have ipvsadm || need+=(ipvsadm)

if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test setup: missing ${need[*]}; install them (apt-get install ${need[*]}) or run the tests as root" >&2
    exit 1
  fi
  echo "test setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian starts keepalived after installing it; the tests want no daemon of their own running.
if have systemctl && systemctl is-active --quiet keepalived 2>/dev/null; then systemctl stop keepalived || true; fi
