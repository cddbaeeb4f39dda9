#!/usr/bin/python3
"""gst-rtsp-server on 127.0.0.1 with Basic and/or Digest auth, for rtsp/auth tests.

Usage: gst_auth_server.py METHOD USER PASS
  METHOD: "basic" or "digest" (GI types set_supported_methods as an enum,
  so the two cannot be ORed from Python)
Prints the bound port on stdout, then serves /stream until stdin closes
(so it cannot outlive the Go test that started it).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    method, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")

    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    if method == "basic":
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    elif method == "digest":
        auth.add_digest(user, password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    else:
        sys.exit("unknown method " + method)
    server.set_auth(auth)

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( videotestsrc is-live=true ! video/x-raw,format=I420,width=160,height=120,framerate=5/1"
        " ! jpegenc ! rtpjpegpay name=pay0 pt=26 )"
    )
    factory.set_shared(True)
    factory.add_role_from_structure(
        Gst.Structure.from_string(
            "viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
        )[0]
    )
    server.get_mount_points().add_factory("/stream", factory)

    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        sys.exit("attach failed")
    print(server.get_bound_port(), flush=True)

    def on_stdin(_source, _condition):
        loop.quit()
        return False

    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP, on_stdin)
    loop.run()


if __name__ == "__main__":
    main()
