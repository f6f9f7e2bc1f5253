#!/usr/bin/env python3
"""Sends what no device should: malformed datagrams and unauthenticated REGISTERs, to a SIP server over UDP.

    flood.py HOST PORT --from SOURCE_IP [--malformed N] [--unauthenticated N]

Malformed: random bytes, truncated and oversized headers, bad Content-Length, binary garbage after a valid start
line. Unauthenticated: REGISTERs for random 20-digit IDs with no credentials, and with forged digest answers.
Prints one JSON line with how many were sent and how many answers came back.
"""
import argparse
import json
import random
import socket
import time


def register(device, server, port, source, cseq, authorization=None):
    lines = [
        f"REGISTER sip:{server}@{server[:10]} SIP/2.0",
        f"Via: SIP/2.0/UDP {source};rport;branch=z9hG4bK{random.getrandbits(48):x}",
        f"From: <sip:{device}@{server[:10]}>;tag={random.getrandbits(32):x}",
        f"To: <sip:{device}@{server[:10]}>",
        f"Call-ID: {random.getrandbits(64):x}@{source}",
        f"CSeq: {cseq} REGISTER",
        f"Contact: <sip:{device}@{source}>",
        "Expires: 3600",
    ]
    if authorization:
        lines.append(authorization)
    return ("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n").encode()


def malformed(index, valid):
    kind = index % 6
    if kind == 0:
        return random.randbytes(random.randint(1, 1400))
    if kind == 1:
        return valid[: random.randint(1, len(valid) - 1)]
    if kind == 2:
        return valid.replace(b"Content-Length: 0", b"Content-Length: 99999")
    if kind == 3:
        return valid.replace(b"Expires: 3600", b"X-Long: " + b"a" * 60000)
    if kind == 4:
        return b"REGISTER sip:x SIP/2.0\r\n" + random.randbytes(500)
    return bytes(b ^ 0xFF if random.random() < 0.05 else b for b in valid)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--from", dest="source", default="127.0.0.2")
    parser.add_argument("--server-id", default="34020000002000000001")
    parser.add_argument("--malformed", type=int, default=500)
    parser.add_argument("--unauthenticated", type=int, default=500)
    arguments = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((arguments.source, 0))
    sock.setblocking(False)
    source = f"{arguments.source}:{sock.getsockname()[1]}"
    sent = answers = 0
    for index in range(arguments.malformed + arguments.unauthenticated):
        device = f"3402000000132{random.randint(0, 9999999):07d}"
        if index < arguments.malformed:
            datagram = malformed(index, register(device, arguments.server_id, arguments.port, source, 1))
        else:
            forged = None
            if index % 2:
                forged = (f'Authorization: Digest username="{device}", realm="{arguments.server_id[:10]}", '
                          f'nonce="{random.getrandbits(64):x}.{random.getrandbits(96):x}", uri="sip:{arguments.host}", '
                          f'response="{random.getrandbits(128):032x}", qop=auth, nc=00000001, cnonce="1"')
            datagram = register(device, arguments.server_id, arguments.port, source, index, forged)
        try:
            sock.sendto(datagram[:65507], (arguments.host, arguments.port))
            sent += 1
        except OSError:
            pass
        try:
            while True:
                sock.recvfrom(65536)
                answers += 1
        except BlockingIOError:
            pass
        time.sleep(0.001)
    deadline = time.time() + 1
    while time.time() < deadline:
        try:
            sock.recvfrom(65536)
            answers += 1
        except BlockingIOError:
            time.sleep(0.01)
    print(json.dumps({"sent": sent, "answers": answers}))


if __name__ == "__main__":
    main()
