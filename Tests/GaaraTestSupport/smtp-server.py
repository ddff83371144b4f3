#!/usr/bin/env python3
"""A real SMTP server for Gaara's mail tests: aiosmtpd on a loopback socket it binds itself.

Each accepted message is written to DIR/N.json with what the server saw (envelope, TLS, the
authenticated user) and what Python's email parser makes of the message (decoded subject,
the text and HTML parts). Writes the port it listens on to DIR/port once listening.

Usage: smtp-server.py DIR [--cert PEM --key PEM] [--implicit-tls] [--user U --password P]
                          [--fail-first N]   (answer 451 to the first N RCPT commands)
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Outbox:
    def __init__(self, directory, fail_first):
        self.directory = directory
        self.fail_first = fail_first
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fail_first > 0:
            self.fail_first -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_type()] = part.get_content()
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "subject": str(message["Subject"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "text": parts.get("text/plain"),
            "html": parts.get("text/html"),
            "headers": {key: str(value) for key, value in message.items()},
        }
        path = os.path.join(self.directory, f"{self.count}.json")
        with open(path + ".tmp", "w") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        # handled=False: aiosmtpd itself answers 535 to a refusal.
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    handler = Outbox(args.directory, args.fail_first)

    def factory():
        return SMTP(
            handler,
            hostname="localhost",
            tls_context=None if args.implicit_tls else context,
            require_starttls=context is not None and not args.implicit_tls,
            authenticator=authenticator if args.user else None,
            auth_required=bool(args.user),
            auth_require_tls=True,
        )

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, sock=sock, ssl=context if args.implicit_tls else None))
    with open(os.path.join(args.directory, "port.tmp"), "w") as out:
        out.write(str(sock.getsockname()[1]))
    os.rename(os.path.join(args.directory, "port.tmp"), os.path.join(args.directory, "port"))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
