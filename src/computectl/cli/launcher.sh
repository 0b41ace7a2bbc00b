#!/bin/sh
# Launcher of the compute_ctl runtime image. Uses no external command, so it works with an
# empty environment (env -i) and in a container holding nothing but this image.
#
# JVM flags (measured by `make bench`, see README "Performance"):
# - SerialGC, C1 only, small initial heap: a control process with little garbage; it starts faster
#   and stays smaller than with the defaults sized for a server.
# - C1MaxInlineSize=15 (default 35): a cold start has C1 compile about a thousand methods on the
#   same two cores that run the start, about a third of the start's CPU time; inlining only the
#   smaller callees makes each compilation cheaper. Unpacking the bench's basebackup in a fresh
#   JVM took 134 instead of 140 ms (median of 15 interleaved runs); smaller and larger limits,
#   fewer inlining levels, one compiler thread or later compilation all did worse.
# - Min/MaxHeapFreeRatio 10/30: after the full collections compute_ctl runs once the compute is
#   Running (the start's garbage), the heap shrinks and returns the memory (RSS idle in Running
#   67.5 -> 65.6 MiB in make bench). A minimum of 20 or 30% ended the full collection (about
#   9 ms) that the start's allocations cause in most pooled starts (pooled basebackup phase about
#   73 -> 65 ms), but it sped up the HTTP bench's baseline, a bare JDK server run with these
#   flags, more than compute_ctl: /status was 0.71 to 0.91 of it in seven runs, four of them
#   under its target of 0.8, against 0.84 to 0.90 in four runs with 10% (make bench).
# - MALLOC_ARENA_MAX=2 and TrimNativeHeapInterval=1000: glibc gives each thread that allocates
#   its own malloc arena (up to 8 per core), and what is freed there stays with the process; two
#   arenas, and a malloc_trim every second by a JVM thread, hand it back (anonymous RSS idle in
#   Running 36.2 -> 33.9 MiB in make bench). Children inherit the variable: a single-threaded one
#   such as Postgres has one arena anyway; a threaded one gets at most two.
# - explicit heap, metaspace, class space, code cache and stack limits: the process commits at
#   most what these allow, so it keeps running under vm.overcommit_memory=2.
# - the JDK HTTP server's TCP_NODELAY: without it a response written in two pieces waits for
#   the client's delayed ACK (40 ms), which caps keep-alive clients at a few thousand req/s.
# - class data sharing: the image's archive of JDK classes, plus an archive of our own classes
#   trained by the build on a real start (lib/server/app.jsa, absent if training was not
#   possible). That archive names the jars by path, so it applies only where the build put the
#   image; elsewhere the JVM ignores it (its warning is silenced) and starts a little slower.
#   ArchiveRelocationMode=0 maps the archives at the address they were made for (falling back to
#   relocation when that is taken) instead of patching every pointer in them at each start, which
#   costs time and turns the archive's pages into private memory. The archives hold class
#   metadata, no machine code.
case "$0" in
  */*) bin=${0%/*} ;;
  *) bin=. ;;
esac
app=$bin/../lib/app
# No archive of ours: the JVM's default sharing (-Xshare:auto) with the image's JDK archive, and
# no sharing flag at all, which an AOT cache training run (-XX:AOTCacheOutput) requires.
share=
if [ -f "$bin/../lib/server/app.aot" ]; then
  share=-XX:AOTCache=$bin/../lib/server/app.aot
elif [ -f "$bin/../lib/server/app.jsa" ]; then
  share=-XX:SharedArchiveFile=$bin/../lib/server/app.jsa
fi
export MALLOC_ARENA_MAX=2
exec "$bin/java" @RUNTIME_FLAGS@ -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:C1MaxInlineSize=15 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 \
  -Xms8m -Xmx256m -XX:TrimNativeHeapInterval=1000 -XX:MaxMetaspaceSize=128m -XX:CompressedClassSpaceSize=64m -XX:ReservedCodeCacheSize=48m -Xss512k \
  -XX:-UsePerfData -Dsun.net.httpserver.nodelay=true \
  '-Xlog:cds*=off' -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 ${share:+"$share"} \
  -cp "@CLASSPATH@" computectl.cli.Main "$@"
