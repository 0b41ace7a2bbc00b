#!/bin/sh
# Launcher of the compute_ctl runtime image. Uses no external command, so it works with an
# empty environment (env -i) and in a container holding nothing but this image.
case "$0" in
  */*) bin=${0%/*} ;;
  *) bin=. ;;
esac
exec "$bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData \
  -Xshare:auto -cp "$bin/../lib/app/*" computectl.cli.Main "$@"
