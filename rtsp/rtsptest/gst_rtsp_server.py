#!/usr/bin/python3
"""A gst-rtsp-server 1.22 peer for rtspview's tests (Debian's python3-gi).

Serves a live test pattern as H.264, H.265 or MJPEG (or, with --file, an
MP4 as recorded media that can be paused and sought) over UDP, TCP and the
HTTP GET/POST tunnel (gst-rtsp-server answers the tunnel on its RTSP port),
optionally with Basic or Digest authentication and RTSPS. Prints
"READY <port>" on stdout once listening; exits when stdin closes, so a test
that dies never leaves it behind.
"""
import argparse
import ctypes
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gio, Gst, GstRtsp, GstRtspServer  # noqa: E402

ENCODERS = {
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate=2000 "
    "! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1",
    "h265": "x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate=2000 "
    "! rtph265pay name=pay0 pt=96 config-interval=-1",
    "mjpeg": "jpegenc quality=70 ! rtpjpegpay name=pay0 pt=26",
}

# The audio cameras send, each with its RTP payloader (pay1, the second
# media description): AAC as RFC 3640 mpeg4-generic and RFC 6416 LATM,
# G.711 A-law and mu-law at 8 kHz mono (RFC 3551), Opus (RFC 7587).
AUDIO = {
    "aac": "{aac} ! aacparse ! rtpmp4gpay name=pay1 pt=97",
    "latm": "{aac} ! aacparse ! rtpmp4apay name=pay1 pt=97",
    "pcma": "alawenc ! rtppcmapay name=pay1 pt=8",
    "pcmu": "mulawenc ! rtppcmupay name=pay1 pt=0",
    "opus": "opusenc bitrate=64000 ! rtpopuspay name=pay1 pt=97",
    # G.722 (RFC 3551): a codec rtspview does not play, for its notice.
    "g722": "avenc_g722 ! rtpg722pay name=pay1 pt=9",
}


def audio_branch(codec, freq):
    """A live sine of freq Hz, encoded as codec, for the launch line."""
    narrow = codec in ("pcma", "pcmu")
    caps = "rate=8000,channels=1" if narrow else "rate=48000,channels=2"
    if codec == "g722":
        caps = "rate=16000,channels=1"
    aac = "voaacenc bitrate=128000" if Gst.ElementFactory.find("voaacenc") else "avenc_aac bitrate=128000"
    return ("audiotestsrc is-live=true wave=sine freq=%d volume=0.2 ! audioconvert ! audioresample ! "
            "audio/x-raw,%s ! " % (freq, caps)) + AUDIO[codec].format(aac=aac)


def set_methods_both(auth):
    """Offers Digest and Basic, one WWW-Authenticate header each.

    gst_rtsp_auth_set_supported_methods() takes a bit mask, but the GIR types
    it as the RTSPAuthMethod enum and PyGObject refuses DIGEST|BASIC (3) with
    "invalid enum value", so call the C function directly; hash() of a
    PyGObject is the address of its GObject.
    """
    lib = ctypes.CDLL("libgstrtspserver-1.0.so.0")
    lib.gst_rtsp_auth_set_supported_methods.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.gst_rtsp_auth_set_supported_methods.restype = None
    lib.gst_rtsp_auth_set_supported_methods(
        hash(auth), int(GstRtsp.RTSPAuthMethod.DIGEST) | int(GstRtsp.RTSPAuthMethod.BASIC)
    )


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--path", default="/test")
    p.add_argument("--codec", choices=sorted(ENCODERS), default="h264")
    p.add_argument("--size", default="1280x720")
    p.add_argument("--fps", type=int, default=25)
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--auth", choices=["both", "basic", "digest"], default="both",
                   help="schemes offered; both: a Digest and a Basic challenge")
    p.add_argument("--tls-cert", default="", help="PEM certificate (and key, without --tls-key): serve rtsps")
    p.add_argument("--tls-key", default="", help="PEM private key for --tls-cert")
    p.add_argument("--intra-refresh", action="store_true",
                   help="h264: x264 periodic intra refresh (a recovery point SEI every 2 s) "
                   "instead of an IDR every second: no IDR after the first picture")
    p.add_argument("--file", default="",
                   help="serve this MP4 (H.264) as recorded media: one pipeline per client, "
                   "seekable, a=range:npt=0-<duration> in the SDP")
    p.add_argument("--live", action="store_true",
                   help="with --file: serve it as a live camera does (no seeking, no duration, "
                   "an open a=range), so clients show a live view rather than a recording")
    p.add_argument("--tcp-only", action="store_true",
                   help="offer only TCP interleaved: a UDP SETUP gets 461 Unsupported transport")
    p.add_argument("--audio", choices=sorted(AUDIO), default="",
                   help="add a sound track: a sine tone in this codec (live pattern only)")
    p.add_argument("--audio-freq", type=int, default=1000, help="the sound track's tone, Hz")
    a = p.parse_args()

    Gst.init(None)
    w, h = a.size.split("x")
    launch = (
        "( videotestsrc is-live=true pattern=smpte horizontal-speed=8 ! video/x-raw,format=I420,width={w},height={h},framerate={fps}/1 "
        "! videoconvert ! " + ENCODERS[a.codec] + " )"
    ).format(w=w, h=h, fps=a.fps, gop=a.fps)
    if a.file:
        # qtdemux knows the duration and answers SEEKING, so gst-rtsp-server
        # puts a finite a=range in the SDP and seeks on PLAY with a Range.
        launch = ("( filesrc location=%s ! qtdemux ! h264parse ! "
                  "rtph264pay name=pay0 pt=96 config-interval=-1 )" % a.file)
        if a.live:
            # A live source in the same bin makes the whole media live
            # (its state change answers NO_PREROLL): gst-rtsp-server then
            # writes an open a=range:npt=now- and does not seek, as for a
            # camera. The silent branch ends in a fakesink, not a stream.
            launch = launch[:-1] + ("audiotestsrc is-live=true wave=silence "
                                    "samplesperbuffer=4800 ! fakesink )")
    if a.audio and not a.file:
        launch = launch[:-1] + audio_branch(a.audio, a.audio_freq) + " )"
    if a.intra_refresh and a.codec == "h264":
        launch = launch.replace("key-int-max=%d " % a.fps, "intra-refresh=true key-int-max=%d " % (2 * a.fps))

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    # A file is played per client: a shared pipeline would move every
    # viewer when one seeks.
    factory.set_shared(not a.file)
    if a.tcp_only:
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)

    if a.user or a.tls_cert:
        auth = GstRtspServer.RTSPAuth()
        if a.tls_cert and a.tls_key:
            auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(a.tls_cert, a.tls_key))
        elif a.tls_cert:
            auth.set_tls_certificate(Gio.TlsCertificate.new_from_file(a.tls_cert))
        if a.user:
            token = GstRtspServer.RTSPToken()
            token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
            if a.auth == "both":
                set_methods_both(auth)
            elif a.auth == "digest":
                auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            else:
                auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
            if a.auth in ("both", "digest"):
                auth.add_digest(a.user, a.password, token)
            if a.auth in ("both", "basic"):
                auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
            factory.add_role_from_structure(
                Gst.Structure.from_string(
                    "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
                )[0]
            )
        else:
            token = GstRtspServer.RTSPToken()
            token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "anonymous")
            auth.set_default_token(token)
            factory.add_role_from_structure(
                Gst.Structure.from_string(
                    "anonymous, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
                )[0]
            )
        server.set_auth(auth)

    if a.intra_refresh and not a.file:
        # videotestsrc answers the SEEKING query with "seekable", so
        # gst-rtsp-server does a flushing seek to npt=0 on each PLAY that
        # carries "Range: npt=0-" (ffmpeg and rtspview send it): the shared
        # pipeline restarts and x264 opens with an IDR for every client,
        # which is exactly what a late joiner of an intra-refresh camera
        # never gets. Answer SEEKING upstream of the payloader as "not
        # seekable" (a fresh query's defaults) so PLAY never seeks.
        def not_seekable(_pad, info):
            q = info.get_query()
            if q is not None and q.type == Gst.QueryType.SEEKING:
                return Gst.PadProbeReturn.HANDLED
            return Gst.PadProbeReturn.OK

        def on_media_configure(_factory, media):
            pay = media.get_element().get_by_name("pay0")
            if pay is not None:
                pay.get_static_pad("src").add_probe(Gst.PadProbeType.QUERY_UPSTREAM, not_seekable)

        factory.connect("media-configure", on_media_configure)

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
