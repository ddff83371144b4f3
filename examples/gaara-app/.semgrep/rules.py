# Annotated examples for `semgrep --test .semgrep/` (not application code).
# "ruleid:" marks a line the rule must flag, "ok:" one it must not.
import os
import pickle
import shelve
import sqlite3
import ssl
import subprocess
import traceback

import yaml

# ruleid: command-run-through-shell
subprocess.run("ls " + os.environ["DIR"], shell=True)
# ruleid: command-run-through-shell
os.system("rm -rf /tmp/x")
# ok: command-run-through-shell
subprocess.run(["ls", os.environ["DIR"]], check=True)

# ruleid: eval-or-exec-of-dynamic-value
eval(os.environ["EXPR"])
# ok: eval-or-exec-of-dynamic-value
eval("1 + 1")

# ruleid: unsafe-deserialization
pickle.loads(b"...")
# ruleid: unsafe-deserialization
shelve.open("db")

# ruleid: yaml-load-without-safe-loader
yaml.load(open("c.yml"))
# ok: yaml-load-without-safe-loader
yaml.load(open("c.yml"), Loader=yaml.SafeLoader)

# ruleid: tls-verification-disabled
ctx = ssl._create_unverified_context()
# ruleid: tls-verification-disabled
ctx.check_hostname = False

# ruleid: hardcoded-credential
API_KEY = "sk_live_0123456789"
# ok: hardcoded-credential
API_KEY = os.environ.get("API_KEY", "")
# ok: hardcoded-credential
title = "a long but harmless string"


def handler() -> str:
    try:
        return "ok"
    except Exception:
        # ruleid: traceback-in-http-response
        return traceback.format_exc()


cur = sqlite3.connect(":memory:").cursor()
note_id = os.environ["ID"]
# ruleid: sql-built-with-string-formatting
cur.execute(f"SELECT * FROM notes WHERE id = {note_id}")
# ruleid: sql-built-with-string-formatting
cur.execute("SELECT * FROM notes WHERE id = %s" % note_id)
# ok: sql-built-with-string-formatting
cur.execute("SELECT * FROM notes WHERE id = ?", (note_id,))
