#!/usr/bin/env python3
"""Changes a running router's weights and switches its groups as fast as it answers.

usage: churn.py ADMIN_SOCKET SERVICE WEIGHT_CHANGES SWITCHES [pairs|single] [CALLERS]
Alternates groups `blue` and `green`: interleaves WEIGHT_CHANGES weight settings with SWITCHES
blue<->green switches (each switch waits for the old side to drain). `pairs` (the default) sets
both weights at random in one call; `single` sets only green's, to 7, 14, 21, ... modulo 101 as
`gaara router set-weight` would, so some calls would leave every group at 0 after a switch to
green: the router must refuse those with 409. CALLERS (default 1) threads share the plan and
call at once. Prints one JSON object.
"""
import http.client
import json
import random
import socket
import sys
import threading
import time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def call(path, body, refusable=False):
    connection = UnixConnection(sys.argv[1])
    connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    if refusable and response.status == 409 and b"every group" in data:
        return None
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {data!r}")
    return json.loads(data)


service, changes, switches = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
mode = sys.argv[5] if len(sys.argv) > 5 else "pairs"
callers = int(sys.argv[6]) if len(sys.argv) > 6 else 1
start = time.time()
plan = ["weight"] * changes + ["switch"] * switches
random.Random(7).shuffle(plan)
done = {"weight": 0, "switch": 0, "drained": 0, "not_drained": 0, "refused": 0}
lock = threading.Lock()
state = {"side": "green", "green": 0, "next": 0}
failures = []


def work():
    randomness = random.Random(threading.get_ident())
    while True:
        with lock:
            if state["next"] == len(plan):
                return
            step = plan[state["next"]]
            state["next"] += 1
            side = state["side"]
            if step == "switch":
                state["side"] = "blue" if side == "green" else "green"
            state["green"] = (state["green"] + 7) % 101
            green = state["green"] if mode == "single" else randomness.randint(0, 100)
        try:
            if step == "weight":
                body = {"green": green} if mode == "single" else {"blue": 100 - green, "green": green}
                result = call(f"/services/{service}/weights", {"weights": body}, refusable=mode == "single")
                outcome = "refused" if result is None else None
            else:
                result = call(f"/services/{service}/switch", {"group": side})
                outcome = "drained" if result["drained"] else "not_drained"
        except BaseException as error:  # SystemExit from call(): report it from the main thread
            with lock:
                failures.append(str(error))
            return
        with lock:
            done[step] += 1
            if outcome:
                done[outcome] += 1


threads = [threading.Thread(target=work) for _ in range(callers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if failures:
    raise SystemExit(failures[0])
done["seconds"] = round(time.time() - start, 2)
print(json.dumps(done))
