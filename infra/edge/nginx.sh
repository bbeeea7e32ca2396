#!/bin/sh
# Prints the path of the nginx the edge stand-in runs: NGINX, else the one on PATH or in /usr/sbin, else Debian's
# nginx-light installed with apt (as root, or through passwordless sudo), as clients/check.sh installs Chromium.
# Without one it prints why on stderr and exits 3 (./paddock edge stops; EdgeStandInTest skips, or fails when
# PADDOCK_EDGE_CHECKS=required, which .ci/run sets).
set -eu
found() {
    if [ -n "${NGINX:-}" ] && [ -x "$NGINX" ]; then echo "$NGINX"; return 0; fi
    if command -v nginx >/dev/null 2>&1; then command -v nginx; return 0; fi
    if [ -x /usr/sbin/nginx ]; then echo /usr/sbin/nginx; return 0; fi
    return 1
}
found && exit 0
as_root=
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
fi
if { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; } && command -v apt-get >/dev/null 2>&1; then
    # nginx-light is Debian's smallest build with what the stand-in uses (proxy cache, limit_req, geo, map, realip);
    # where a distribution has no such flavour, its plain nginx has the same modules.
    for package in nginx-light nginx; do
        echo "edge: installing $package with apt" >&2
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $package >/dev/null 2>&1 \
            || { $as_root apt-get update -qq >/dev/null 2>&1 \
                 && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $package >/dev/null 2>&1; } \
            || true
        found && exit 0
    done
fi
echo "edge: needs nginx (Debian: apt-get install nginx-light; or set NGINX to its path)" >&2
exit 3
