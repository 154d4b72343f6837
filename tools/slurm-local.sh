#!/usr/bin/env bash
# A single-node Slurm on this machine, for the Slurm tests and for trying `./run.sh study FILE --slurm` without a
# cluster: slurmctld and slurmd on localhost (loopback only), one node with this machine's cores, munge for
# authentication, no accounting database. Needs root (it installs packages and writes /etc/slurm).
#   tools/slurm-local.sh start    installs Debian's slurm-wlm and munge when missing, writes /etc/slurm/slurm.conf,
#                                 starts munged, slurmctld and slurmd, and waits until the node takes jobs;
#                                 does nothing when this local Slurm already runs
#   tools/slurm-local.sh stop     stops the three daemons (by the process ids they recorded)
#   tools/slurm-local.sh status   says whether it runs (exit 0) or not (exit 1)
# Logs and state: /var/lib/fastrobust-slurm/.
set -euo pipefail
state=/var/lib/fastrobust-slurm
conf=/etc/slurm/slurm.conf
munge_pid=/run/munge/munged.pid

running() {
  [ -f "$state/slurmctld.pid" ] && kill -0 "$(cat "$state/slurmctld.pid")" 2>/dev/null &&
  [ -f "$state/slurmd.pid" ] && kill -0 "$(cat "$state/slurmd.pid")" 2>/dev/null &&
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'
}

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    return
  fi
  echo "slurm-local: installing slurm-wlm and munge (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # another apt run may hold the lock (the machine is shared): wait for it rather than fail
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

write_config() {
  local cores mem
  cores=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  mkdir -p /etc/slurm "$state/slurmctld" "$state/slurmd"
  cat > "$conf" <<CONF
# written by tools/slurm-local.sh: one node (this machine, $cores cores) on localhost
ClusterName=fastrobust-local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobRequeue=1
KillWait=10
MinJobAge=600
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$state/slurmctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cores RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
}

start_munge() {
  if [ -f "$munge_pid" ] && kill -0 "$(cat "$munge_pid")" 2>/dev/null; then return; fi
  [ -f /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || /usr/sbin/create-munge-key -f; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  su -s /bin/sh munge -c /usr/sbin/munged
}

start() {
  if running; then echo "slurm-local: already running" >&2; return; fi
  install_packages
  write_config
  start_munge
  if ! { [ -f "$state/slurmctld.pid" ] && kill -0 "$(cat "$state/slurmctld.pid")" 2>/dev/null; }; then slurmctld -c; fi
  if ! { [ -f "$state/slurmd.pid" ] && kill -0 "$(cat "$state/slurmd.pid")" 2>/dev/null; }; then slurmd -N localhost; fi
  for _ in $(seq 60); do
    if running; then
      scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
      echo "slurm-local: running ($(nproc) cores; sinfo: $(sinfo -h -o '%P %T %c'))" >&2
      return
    fi
    sleep 1
  done
  echo "slurm-local: Slurm did not come up; see $state/slurmctld.log and $state/slurmd.log" >&2
  sinfo >&2 || true
  exit 1
}

stop_pidfile() {
  local f=$1
  if [ -f "$f" ]; then
    local pid
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$f"
  fi
}

stop() {
  stop_pidfile "$state/slurmd.pid"
  stop_pidfile "$state/slurmctld.pid"
  stop_pidfile "$munge_pid"
  echo "slurm-local: stopped" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "slurm-local: running"; else echo "slurm-local: not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
