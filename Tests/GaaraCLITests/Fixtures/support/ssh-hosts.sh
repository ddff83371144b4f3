#!/bin/bash
# Makes (or removes) N test "hosts" on this machine: each a network namespace of its own, joined
# to this one by a veth pair (10.B.I.1 here, 10.B.I.2 inside, B random in 201-250), running its own
# sshd with its own host key on 10.B.I.2:22 and accepting one client key. Needs root, iproute2,
# util-linux (nsenter) and openssh-server; `docker` needs docker.io, `relay` socat. Only these
# namespaces' addresses and loopback are used.
#
#   ssh-hosts.sh start DIR N     prints the hosts' addresses, one a line; DIR gets client_key
#   ssh-hosts.sh stop DIR        stops what the others started and removes the namespaces
#   ssh-hosts.sh rekey DIR I     gives host I a new host key and restarts its sshd
#   ssh-hosts.sh docker DIR I    gives host I a Docker engine of its own (data under DIR, socket in
#                                DIR/dockerI.socket's path), the default engine of its SSH sessions
#   ssh-hosts.sh relay DIR PORT  makes this machine's 127.0.0.1:PORT (a registry) answer at
#                                127.0.0.1:PORT inside every host too, through a socket file
set -eu
# Runs a daemon in a session of its own with every descriptor but the standard three closed and
# its output in the log $1: a test's process waits until nobody holds what it gave this script.
detached() {
    local log=$1
    shift
    python3 -c 'import os, sys; os.closerange(3, 65536); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' "$@" </dev/null >>"$log" 2>&1 &
    echo $!
}
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
    if [ -s "$dir/docker$i.socket" ]; then echo "SetEnv DOCKER_HOST=unix://$(cat "$dir/docker$i.socket")" >>"$dir/sshd$i.conf"; fi
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
docker)
    i=$3
    namespace=$(cat "$dir/namespace$i")
    # Sockets and runtime state under a short path of their own (a socket's path has 108 bytes).
    run="/tmp/gaara-$namespace"
    mkdir -p "$run"
    detached "$dir/docker$i.log" nsenter --net="/var/run/netns/$namespace" dockerd --data-root "$dir/docker$i" --exec-root "$run/exec" \
        --pidfile "$run/dockerd.pid" --host "unix://$run/docker.sock" >/dev/null
    for _ in $(seq 1 600); do
        DOCKER_HOST="unix://$run/docker.sock" docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
        sleep 0.1
    done
    DOCKER_HOST="unix://$run/docker.sock" docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
        { echo "dockerd of host $i did not start: $(tail -20 "$dir/docker$i.log")" >&2; exit 1; }
    echo "$run/docker.sock" >"$dir/docker$i.socket"
    # Its SSH sessions talk to this engine.
    kill "$(cat "$dir/sshd$i.pid")"
    for _ in $(seq 1 50); do [ -e "$dir/sshd$i.pid" ] || break; sleep 0.1; done
    rm -f "$dir/sshd$i.pid"
    start_sshd "$i"
    ;;
relay)
    port=$3
    socket="$dir/relay$port.sock"
    detached "$dir/relay.log" socat "UNIX-LISTEN:$socket,fork,mode=600" "TCP:127.0.0.1:$port" >>"$dir/relay.pids"
    for _ in $(seq 1 100); do [ -S "$socket" ] && break; sleep 0.1; done
    for file in "$dir"/namespace*; do
        namespace=$(cat "$file")
        detached "$dir/relay.log" nsenter --net="/var/run/netns/$namespace" socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" \
            "UNIX-CONNECT:$socket" >>"$dir/relay.pids"
        for _ in $(seq 1 100); do
            nsenter --net="/var/run/netns/$namespace" ss -Hltn "sport = :$port" | grep -q . && break
            sleep 0.1
        done
    done
    ;;
stop)
    for pidfile in "$dir"/sshd*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
    if [ -f "$dir/relay.pids" ]; then kill $(cat "$dir/relay.pids") 2>/dev/null || true; fi
    for file in "$dir"/docker*.socket; do
        [ -f "$file" ] || continue
        run=$(dirname "$(cat "$file")")
        if [ -f "$run/dockerd.pid" ]; then
            pid=$(cat "$run/dockerd.pid")
            kill "$pid" 2>/dev/null || true
            # The engine stops its containers and unmounts their layers first (up to 30 s).
            for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -rf "$run"
    done
    for file in "$dir"/namespace*; do
        [ -f "$file" ] || continue
        namespace=$(cat "$file")
        # Whatever still runs in the namespace (a release the test did not stop) goes with it.
        for pid in $(ip netns pids "$namespace" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$namespace" 2>/dev/null || true
    done
    ;;
esac
