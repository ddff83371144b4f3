#!/usr/bin/env python3
"""Changes a running router's weights and switches its groups as fast as it answers.

usage: churn.py ADMIN_SOCKET SERVICE WEIGHT_CHANGES SWITCHES
Alternates groups `blue` and `green`: interleaves WEIGHT_CHANGES random weight settings with
SWITCHES blue<->green switches (each switch waits for the old side to drain). Prints one JSON object.
"""
import http.client
import json
import random
import socket
import sys
import time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def call(path, body):
    connection = UnixConnection(sys.argv[1])
    connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {data!r}")
    return json.loads(data)


service, changes, switches = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
start = time.time()
plan = ["weight"] * changes + ["switch"] * switches
random.Random(7).shuffle(plan)
done = {"weight": 0, "switch": 0, "drained": 0, "not_drained": 0}
side = "green"
for step in plan:
    if step == "weight":
        green = random.randint(0, 100)
        call(f"/services/{service}/weights", {"weights": {"blue": 100 - green, "green": green}})
    else:
        result = call(f"/services/{service}/switch", {"group": side})
        done["drained" if result["drained"] else "not_drained"] += 1
        side = "blue" if side == "green" else "green"
    done[step] += 1
done["seconds"] = round(time.time() - start, 2)
print(json.dumps(done))
