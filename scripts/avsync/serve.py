#!/usr/bin/python3
"""serve.py --file CLIP.mkv [--audio pcma|aac] — gst-rtsp-server 1.22 serving a
Matroska clip (H.264 video, PCM audio) as a live camera with sound, for
scripts/bench-avsync.sh.

The audio is encoded here (G.711 A-law, 8 kHz mono, as most cameras send,
or AAC with rtpmp4gpay); the file holds it as PCM so no encoder delay of
the clip's own sits between the flash and the beep. A live source in the
bin makes the media live: an open range, no seeking, played in real time,
one pipeline per client. Prints "READY <port>"; exits when stdin closes.
"""
import argparse
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

AUDIO = {
    "pcma": "audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8",
    "aac": "audio/x-raw,rate=48000,channels=2 ! voaacenc bitrate=128000 ! aacparse ! rtpmp4gpay name=pay1 pt=97",
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--path", default="/cam")
    p.add_argument("--file", required=True)
    p.add_argument("--audio", choices=sorted(AUDIO), default="pcma")
    a = p.parse_args()
    Gst.init(None)
    launch = ("( filesrc location=%s ! matroskademux name=d "
              "d.video_0 ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 "
              "d.audio_0 ! queue ! audioconvert ! audioresample ! %s "
              "audiotestsrc is-live=true wave=silence samplesperbuffer=4800 ! fakesink )") % (a.file, AUDIO[a.audio])
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_shared(False)
    server.get_mount_points().add_factory(a.path, factory)
    if server.attach(None) == 0:
        print("attach failed", file=sys.stderr)
        sys.exit(1)
    print("READY", server.get_bound_port(), flush=True)
    loop = GLib.MainLoop()

    def watch_stdin():
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run()


if __name__ == "__main__":
    main()
