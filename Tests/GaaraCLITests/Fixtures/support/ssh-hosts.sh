#!/bin/sh
# Makes (or removes) N test "hosts" on this machine: each a network namespace of its own, joined
# to this one by a veth pair (10.B.I.1 here, 10.B.I.2 inside, B random in 201-250), running its own
# sshd with its own host key on 10.B.I.2:22 and accepting one client key. Needs root, iproute2,
# util-linux (nsenter) and openssh-server. Only these namespaces' addresses and loopback are used.
#
#   ssh-hosts.sh start DIR N    prints the hosts' addresses, one a line; DIR gets client_key
#   ssh-hosts.sh stop DIR       stops the sshds and removes the namespaces
#   ssh-hosts.sh rekey DIR I    gives host I a new host key and restarts its sshd
set -eu
action=$1
dir=$2
start_sshd() {
    i=$1
    cat >"$dir/sshd$i.conf" <<CONF
Port 22
ListenAddress $(cat "$dir/address$i")
HostKey $dir/host${i}_key
PidFile $dir/sshd$i.pid
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
CONF
    mkdir -p /run/sshd
    nsenter --net="/var/run/netns/$(cat "$dir/namespace$i")" /usr/sbin/sshd -f "$dir/sshd$i.conf" -E "$dir/sshd$i.log"
    # Up to 20 s: a loaded machine starts sshd slowly.
    for _ in $(seq 1 200); do [ -s "$dir/sshd$i.pid" ] && return 0; sleep 0.1; done
    echo "sshd $i did not start: $(cat "$dir/sshd$i.log")" >&2
    return 1
}
case "$action" in
start)
    count=$3
    mkdir -p "$dir"
    # Two test suites may make hosts at once: the block of addresses is chosen under a lock, among
    # those no interface uses.
    exec 9>/tmp/gaara-ssh-hosts.lock
    flock 9
    block=$((201 + $$ % 50))
    tries=0
    while ip -4 -o addr show | grep -q " 10\.$block\."; do
        block=$((block == 250 ? 201 : block + 1))
        tries=$((tries + 1))
        [ "$tries" -lt 50 ] || { echo "no free 10.B.0.0/16 block in 201-250" >&2; exit 1; }
    done
    tag="gt$(($$ % 100000))"
    echo "$tag" >"$dir/tag"
    ssh-keygen -q -t ed25519 -N '' -C gaara-tests -f "$dir/client_key"
    cp "$dir/client_key.pub" "$dir/authorized_keys"
    for i in $(seq 1 "$count"); do
        namespace="$tag-$i"
        echo "$namespace" >"$dir/namespace$i"
        echo "10.$block.$i.2" >"$dir/address$i"
        ip netns add "$namespace"
        ip link add "${tag}h$i" type veth peer name "${tag}n$i"
        ip link set "${tag}n$i" netns "$namespace"
        ip addr add "10.$block.$i.1/24" dev "${tag}h$i"
        ip link set "${tag}h$i" up
        ip -n "$namespace" addr add "10.$block.$i.2/24" dev "${tag}n$i"
        ip -n "$namespace" link set "${tag}n$i" up
        ip -n "$namespace" link set lo up
        ssh-keygen -q -t ed25519 -N '' -C "host$i" -f "$dir/host${i}_key"
        start_sshd "$i"
        echo "10.$block.$i.2"
    done
    flock -u 9
    ;;
rekey)
    i=$3
    kill "$(cat "$dir/sshd$i.pid")" 2>/dev/null || true
    sleep 0.2
    rm -f "$dir/host${i}_key" "$dir/host${i}_key.pub" "$dir/sshd$i.pid"
    ssh-keygen -q -t ed25519 -N '' -C "host$i-rebuilt" -f "$dir/host${i}_key"
    start_sshd "$i"
    ;;
stop)
    for pidfile in "$dir"/sshd*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
    for file in "$dir"/namespace*; do
        [ -f "$file" ] || continue
        namespace=$(cat "$file")
        # Whatever still runs in the namespace (a release the test did not stop) goes with it.
        for pid in $(ip netns pids "$namespace" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$namespace" 2>/dev/null || true
    done
    ;;
esac
