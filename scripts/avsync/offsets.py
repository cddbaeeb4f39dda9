#!/usr/bin/python3
"""offsets.py VIDEO.txt AUDIO.txt — the A/V offset of each flash and beep.

VIDEO.txt is ffmpeg's metadata=print of lavfi.signalstats.YAVG for each
captured screen frame, AUDIO.txt ametadata=print of
lavfi.astats.Overall.RMS_level for each 2 ms of the sound device's monitor;
both carry the capture's wall-clock pts in µs (one ffmpeg, -copyts, settb). A flash is
the first frame brighter than half-way between the darkest and brightest;
a beep the first 2 ms louder than -30 dBFS after 300 ms of quiet. Each
beep is paired with the flash nearest to it within ±500 ms: by beep, not
by flash, because a player's window may show a bright frame that is not
the clip's flash (ffplay's did, once a second at another point of the
second), and a beep is never heard but from the clip. Prints one
line: n, median, worst (largest |offset|), mean, min, max in ms, and the
flashes and beeps seen. Positive: the sound comes after the picture.
"""
import statistics
import sys


def series(path, key):
    out, t = [], None
    for line in open(path):
        line = line.strip()
        if line.startswith("frame:"):
            for f in line.split():
                if f.startswith("pts:"):
                    t = int(f[len("pts:"):]) / 1e6  # settb=1/1000000: µs
        elif line.startswith(key + "=") and t is not None:
            v = line.split("=", 1)[1]
            out.append((t, float(v) if v not in ("-inf", "inf", "nan") else -200.0))
    return out


def main():
    v = series(sys.argv[1], "lavfi.signalstats.YAVG")
    a = series(sys.argv[2], "lavfi.astats.Overall.RMS_level")
    if not v or not a:
        print("no capture: %d video frames, %d audio blocks" % (len(v), len(a)))
        sys.exit(1)
    lo, hi = min(y for _, y in v), max(y for _, y in v)
    thr = (lo + hi) / 2
    flashes, prev = [], False
    for t, y in v:
        on = y > thr
        if on and not prev:
            flashes.append(t)
        prev = on
    beeps, quiet_since = [], None
    for t, db in a:
        if db > -30:
            if quiet_since is not None and t - quiet_since >= 0.3:
                beeps.append(t)
            quiet_since = None
        elif quiet_since is None:
            quiet_since = t
    offs = []
    for b in beeps:
        near = [b - f for f in flashes if abs(b - f) <= 0.5]
        if near:
            offs.append(min(near, key=abs) * 1000)
    if not offs:
        print("no pairs: %d flashes, %d beeps (luma %.0f..%.0f)" % (len(flashes), len(beeps), lo, hi))
        sys.exit(1)
    fps = (len(v) - 1) / (v[-1][0] - v[0][0]) if len(v) > 1 else 0
    print("n=%d median=%+.0f worst=%+.0f mean=%+.0f min=%+.0f max=%+.0f flashes=%d beeps=%d capture_fps=%.0f" % (
        len(offs), statistics.median(offs), max(offs, key=abs), statistics.mean(offs), min(offs), max(offs),
        len(flashes), len(beeps), fps))


if __name__ == "__main__":
    main()
