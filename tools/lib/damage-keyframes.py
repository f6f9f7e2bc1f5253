#!/usr/bin/env python3
"""Damages the keyframes of an H.264 MP4 in place, as a failing encoder or storage card would: 48 bytes a third of the
way into each keyframe between two times are overwritten with bytes from a fixed seed. The NAL length prefixes and
the headers before them stay intact, so the file still demuxes and every keyframe decodes with FFmpeg concealing the
damage (the smeared, grey or green blocks of 花屏).

    damage-keyframes.py FILE.mp4 FROM_SECONDS TO_SECONDS
"""
import json
import random
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    listing = subprocess.check_output(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,pos,size,flags",
         "-of", "json", path])
    data = bytearray(open(path, "rb").read())
    rng = random.Random(28181)
    damaged = 0
    for packet in json.loads(listing)["packets"]:
        if "K" not in packet["flags"] or not start <= float(packet["pts_time"]) < end:
            continue
        at = int(packet["pos"]) + int(packet["size"]) // 3
        data[at:at + 48] = bytes(rng.randrange(256) for _ in range(48))
        damaged += 1
    if damaged == 0:
        sys.exit(f"{path}: no keyframe between {start} and {end} s")
    with open(path, "wb") as file:
        file.write(data)


if __name__ == "__main__":
    main()
