#!/usr/bin/env bash
# Starts (or stops) a single-node Slurm cluster on this machine for tests: munged,
# slurmctld and slurmd with a slurm.conf generated for localhost, every state and
# spool folder under one temporary directory. Needs root and Debian's slurm-wlm and
# munge (installed here when missing).
#
#   scripts/local-slurm.sh start DIR   # prints the SLURM_CONF to export; exits non-zero if the node never comes up
#   scripts/local-slurm.sh stop DIR    # stops the daemons it started and removes DIR
set -euo pipefail
action=${1:?usage: local-slurm.sh start|stop DIR}
dir=${2:?usage: local-slurm.sh start|stop DIR}

stop() {
    for name in slurmd slurmctld munged; do
        if [ -f "$dir/$name.pid" ]; then kill "$(cat "$dir/$name.pid")" 2>/dev/null || true; fi
    done
    sleep 1
    rm -rf "$dir"
}

if [ "$action" = stop ]; then stop; exit 0; fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
mkdir -p "$dir"/{munge,state,spool,log}
chmod 700 "$dir/munge"
host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))

# munge: a fresh key, its socket and state in DIR.
dd if=/dev/urandom bs=1 count=1024 of="$dir/munge/munge.key" status=none
chmod 400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed"

cat > "$dir/slurm.conf" <<CONF
ClusterName=swiftrl-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 30); do
    if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then
        echo "$SLURM_CONF"
        exit 0
    fi
    sleep 1
done
echo "local-slurm: the node did not come up; logs in $dir/log:" >&2
tail -n 20 "$dir"/log/*.log >&2 || true
exit 1
