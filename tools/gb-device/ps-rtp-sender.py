#!/usr/bin/env python3
"""Sends a video as a GB/T 28181 device does: PS over RTP, to a platform that invited it.

    ps-rtp-sender.py VIDEO HOST PORT --ssrc SSRC [--tcp | --proto TCP/RTP/AVP] [--hevc] [--fps 25] [--loss 0.001] [--seed 1]
                     [--zero-length-pes] [--speed 1] [--loop]

VIDEO is an Annex B elementary stream with access unit delimiters, as the ffmpeg CLI writes it:
    ffmpeg -f lavfi -i testsrc2=size=320x240:rate=25 -t 4 -c:v libx264 -g 25 -bf 0 -bsf:v h264_metadata=aud=insert v.h264
An elementary stream has no timestamps: frames are stamped in the order they come (decode order), so the clip must
have no B-frames (most cameras send none) for these to be presentation times, or --timestamps gives each frame's
presentation and decoding time in seconds, a "pts,dts" line per frame in decode order (ffprobe -show_entries
packet=pts_time,dts_time -of csv=p=0 on the file the stream was cut from); PES then carry both, as devices do.
Each access unit becomes one PS pack: a pack header, then on keyframes a system header and a program stream map
(stream type 0x1B H.264, 0x24 H.265, on stream 0xE0), then the video as PES packets of at most 65,000 bytes with the
PTS on the first. Each pack is sent as RTP packets of at most 1,400 payload bytes (payload type 96) sharing the
frame's 90 kHz timestamp, the marker on the last; over UDP, or over TCP with RFC 4571 framing (--tcp: this side
connects, as a device does to a platform's passive port; --proto takes the offer's m= protocol instead). --loss drops that fraction of RTP packets at random;
--zero-length-pes declares every video PES length as 0, as some Hikvision firmware does; --speed sends that many
times faster than real time (timestamps stay at --fps); --loop sends the clip again and again, timestamps running on,
until the platform closes the TCP connection or the sender is stopped (a demo's endless camera). Prints one JSON line:
frames, keyframes, packets sent and dropped, and whether the platform closed the connection.
"""
import argparse
import itertools
import json
import mmap
import random
import socket
import struct
import time


def nal_units(data):
    """(start, end, header offset) of each NAL unit in an Annex B stream, start codes included, found as they are
    needed (the data may be a memory map of a long clip)."""
    index = data.find(b"\x00\x00\x01")
    while index >= 0:
        begin = index - 1 if index > 0 and data[index - 1] == 0 else index
        following = data.find(b"\x00\x00\x01", index + 3)
        end = len(data) if following < 0 else (following - 1 if data[following - 1] == 0 else following)
        yield begin, end, index + 3
        index = following


def access_units(data, hevc):
    """Access units split at each delimiter (H.264 type 9, H.265 type 35), each with whether it is a keyframe."""
    current, key = [], False
    for begin, end, header in nal_units(data):
        kind = (data[header] >> 1) & 0x3F if hevc else data[header] & 0x1F
        if kind == (35 if hevc else 9) and current:
            yield b"".join(current), key
            current, key = [], False
        current.append(data[begin:end])
        key = key or (16 <= kind <= 21 if hevc else kind == 5)
    if current:
        yield b"".join(current), key


def timestamp_bytes(marker, value):
    return bytes([
        (marker << 4) | (((value >> 30) & 0x07) << 1) | 1,
        (value >> 22) & 0xFF, (((value >> 15) & 0x7F) << 1) | 1,
        (value >> 7) & 0xFF, ((value & 0x7F) << 1) | 1,
    ])


def pack_header(scr):
    base = scr & ((1 << 33) - 1)
    return b"\x00\x00\x01\xba" + bytes([
        0x44 | ((base >> 27) & 0x38) | ((base >> 28) & 0x03),
        (base >> 20) & 0xFF,
        ((base >> 12) & 0xF8) | 0x04 | ((base >> 13) & 0x03),
        (base >> 5) & 0xFF,
        ((base << 3) & 0xF8) | 0x04, 0x01,
        0x01, 0x89, 0xC3, 0xF8,  # mux rate, markers, no stuffing
    ])


def system_header():
    body = bytes([0x80, 0x01, 0x01, 0x04, 0xE1, 0xFF, 0xE0, 0xE0, 0x80])
    return b"\x00\x00\x01\xbb" + struct.pack(">H", len(body)) + body


def stream_map(hevc):
    entries = bytes([0x24 if hevc else 0x1B, 0xE0, 0x00, 0x00])
    body = bytes([0xE0, 0xFF, 0x00, 0x00]) + struct.pack(">H", len(entries)) + entries + b"\x00\x00\x00\x00"
    return b"\x00\x00\x01\xbc" + struct.pack(">H", len(body)) + body


def pes_packets(unit, pts, zero_length, dts=None):
    out = []
    for offset in range(0, len(unit), 65000):
        chunk = unit[offset:offset + 65000]
        if offset > 0:
            header = bytes([0x80, 0x00, 0])
        elif dts is None or dts == pts:
            header = bytes([0x80, 0x80, 5]) + timestamp_bytes(2, pts)
        else:
            header = bytes([0x80, 0xC0, 10]) + timestamp_bytes(3, pts) + timestamp_bytes(1, dts)
        length = 0 if zero_length else len(header) + len(chunk)
        out.append(b"\x00\x00\x01\xe0" + struct.pack(">H", length) + header + chunk)
    return b"".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video")
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--ssrc", type=int, required=True)
    parser.add_argument("--tcp", action="store_true")
    parser.add_argument("--proto", default="RTP/AVP", help="the offer's m= protocol: RTP/AVP (UDP) or TCP/RTP/AVP")
    parser.add_argument("--hevc", action="store_true")
    parser.add_argument("--fps", type=float, default=25)
    parser.add_argument("--loss", type=float, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zero-length-pes", action="store_true")
    parser.add_argument("--speed", type=float, default=1)
    parser.add_argument("--timestamps", help="a 'pts,dts' line (seconds) per frame, in decode order")
    parser.add_argument("--loop", action="store_true", help="send the clip again and again (not with --timestamps)")
    arguments = parser.parse_args()
    if arguments.loop and arguments.timestamps:
        parser.error("--loop cannot follow --timestamps (they describe one pass of the clip)")
    chance = random.Random(arguments.seed)

    with open(arguments.video, "rb") as file:
        data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    passes = itertools.count() if arguments.loop else range(1)
    units = itertools.chain.from_iterable(access_units(data, arguments.hevc) for _ in passes)
    if arguments.tcp or arguments.proto.upper().startswith("TCP/"):
        connection = socket.create_connection((arguments.host, arguments.port), timeout=10)
        send = lambda packet: connection.sendall(struct.pack(">H", len(packet)) + packet)
    else:
        connection = socket.socket(socket.AF_INET6 if ":" in arguments.host else socket.AF_INET, socket.SOCK_DGRAM)
        send = lambda packet: connection.sendto(packet, (arguments.host, arguments.port))

    stamps = None
    if arguments.timestamps:
        with open(arguments.timestamps) as file:
            stamps = [[float(field) for field in line.strip().split(",")[:2]] for line in file if line.strip()]
    counts = {"frames": 0, "keyframes": 0, "sent": 0, "dropped": 0, "closed": False}
    try:
        send_frames(units, arguments, stamps, chance, send, counts)
    except (BrokenPipeError, ConnectionResetError):
        counts["closed"] = True  # the platform ended the session (BYE) and closed its port
    connection.close()
    print(json.dumps(counts))


def send_frames(units, arguments, stamps, chance, send, counts):
    """Sends each access unit as one PS pack in RTP packets, at --fps × --speed, counting into counts."""
    sequence = chance.randrange(65536)
    start = time.monotonic()
    for number, (unit, key) in enumerate(units):
        counts["frames"] += 1
        counts["keyframes"] += 1 if key else 0
        pts = dts = 90000 + round(number * 90000 / arguments.fps)
        if stamps and number < len(stamps):
            first = stamps[0][1]
            pts, dts = (90000 + round((value - first) * 90000) for value in stamps[number])
        pack = pack_header(dts) + (system_header() + stream_map(arguments.hevc) if key else b"")
        pack += pes_packets(unit, pts, arguments.zero_length_pes, dts)
        pieces = [pack[offset:offset + 1400] for offset in range(0, len(pack), 1400)]
        for index, piece in enumerate(pieces):
            marker = 0x80 if index == len(pieces) - 1 else 0
            header = struct.pack(">BBHII", 0x80, marker | 96, sequence, dts & 0xFFFFFFFF, arguments.ssrc)
            sequence = (sequence + 1) & 0xFFFF
            if arguments.loss and chance.random() < arguments.loss:
                counts["dropped"] += 1
                continue
            send(header + piece)
            counts["sent"] += 1
        delay = start + (number + 1) / (arguments.fps * arguments.speed) - time.monotonic()
        if delay > 0:
            time.sleep(delay)


if __name__ == "__main__":
    main()
