#!/usr/bin/env python3
"""A target that never accepts: a listening socket whose accept queue (length 0) is already full,
so the kernel drops every further SYN and a connect hangs until the client gives up. Prints the
port, then waits to be killed.

usage: stuck.py
"""
import socket
import sys
import time

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
held = socket.create_connection(("127.0.0.1", port))  # fills the queue
print(port, flush=True)
time.sleep(600)
