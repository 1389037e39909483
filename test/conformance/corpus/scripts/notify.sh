#!/bin/sh
# Notify / track / MISC_CHECK script used by 36-script-paths-pwd.conf. keepalived -t only checks that it
# exists, is executable and is not writable by non-root users (script security); it never runs it.
logger -t vigil-conformance -- "$@"
exit 0
