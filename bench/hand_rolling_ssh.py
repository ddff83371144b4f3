"""bench/deploy's hand-made rolling deploy across SSH hosts: what `gaara deploy` does, by hand.

For each host in turn: copy the release (tar over ssh), start it (python3 -m http.server, detached),
poll /up until two checks pass, move that host's share of the traffic to it through the router's
admin API (and wait for the router's own check), stop the previous hand-made release there.
Usage: hand_rolling_ssh.py ADMIN_SOCKET KEY KNOWN_HOSTS NAME TARFILE PREVIOUS|- HOST...
Prints the seconds it took.
"""

import http.client
import json
import socket
import subprocess
import sys
import time

admin, key, known, name, archive_path, previous = sys.argv[1:7]
hosts = sys.argv[7:]
ssh = ["ssh", "-i", key, "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=accept-new", "-o", "LogLevel=ERROR"]


class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(admin)


def call(method, path, body=None):
    connection = Unix("router")
    connection.request(method, path, json.dumps(body) if body else None, {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    assert response.status == 200, (response.status, data)
    return json.loads(data)


def healthy(host, port):
    try:
        connection = http.client.HTTPConnection(host, port, timeout=2)
        connection.request("GET", "/up")
        return connection.getresponse().status == 200
    except OSError:
        return False


start = time.time()
config = call("GET", "/services/web")["config"]
old = [group for group in config["groups"] if group["weight"] > 0][0]
new = {"name": name, "targets": [], "weight": 0}
port = 31000 + int(name.split("-")[-1])
remote = f"/tmp/gaara-bench-{name}"
for index, host in enumerate(hosts):
    with open(archive_path, "rb") as archive:
        subprocess.run(ssh + [f"root@{host}", f"mkdir -p {remote} && tar -C {remote} -xf -"], stdin=archive, check=True)
    subprocess.run(
        ssh + [f"root@{host}", f"cd {remote} && (setsid python3 -m http.server {port} --bind 0.0.0.0 >/dev/null 2>&1 </dev/null & echo $! > {remote}.pid)"],
        check=True,
    )
    passed = 0
    while passed < 2:
        passed = passed + 1 if healthy(host, port) else 0
        if passed < 2:
            time.sleep(0.2)
    new["targets"].append(f"{host}:{port}")
    old["targets"] = [target for target in old["targets"] if not target.startswith(host + ":")]
    new["weight"] = 100 * (index + 1) // len(hosts)
    old["weight"] = 100 - new["weight"]
    config["groups"] = ([old] if old["targets"] else []) + [new]
    call("PUT", "/services/web", config)
    address = f"{host}:{port}"
    while not any(t["group"] == name and t["state"] == "healthy" and t["address"] == address for t in call("GET", "/services/web")["targets"]):
        time.sleep(0.02)
    if previous != "-":
        subprocess.run(ssh + [f"root@{host}", f"kill $(cat /tmp/gaara-bench-{previous}.pid) 2>/dev/null; true"], check=True)
print(time.time() - start)
