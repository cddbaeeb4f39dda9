// read_device.js reads one ONVIF device with agsh's onvif package (npm
// "onvif", pinned in package.json) and prints what it found as one JSON
// object on stdout: the device information and, for each media profile,
// its token, name, encoding, resolution and RTSP stream URI. Used by
// onvif/crosscheck_node_test.go to check onviftest's simulated cameras
// against a client that is not ours.
//
//   node read_device.js http://127.0.0.1:PORT/onvif/device_service [user] [password]
'use strict';
const { Cam } = require('onvif');

const [xaddr, username, password] = process.argv.slice(2);
if (!xaddr) {
  console.error('usage: node read_device.js XADDR [user] [password]');
  process.exit(2);
}
const u = new URL(xaddr);

function fail(what, err) {
  console.log(JSON.stringify({ error: what + ': ' + (err && err.message ? err.message : String(err)) }));
  process.exit(1);
}

// preserveAddress: talk to the address given, not the XAddrs the device
// names (a camera may name 0.0.0.0 before its network settles).
const cam = new Cam({
  hostname: u.hostname, port: Number(u.port || 80), path: u.pathname,
  username: username || undefined, password: password || undefined,
  timeout: 5000, preserveAddress: true,
}, function (err) {
  if (err) return fail('connect', err);
  cam.getDeviceInformation(function (err, info) {
    if (err) return fail('GetDeviceInformation', err);
    const profiles = cam.profiles || [];
    const out = {
      manufacturer: info.manufacturer, model: info.model, firmware: info.firmwareVersion,
      profiles: [],
    };
    let i = 0;
    (function next() {
      if (i === profiles.length) {
        console.log(JSON.stringify(out));
        return;
      }
      const p = profiles[i++];
      const v = p.videoEncoderConfiguration || {};
      const res = v.resolution || {};
      cam.getStreamUri({ protocol: 'RTSP', profileToken: p.$.token }, function (err, stream) {
        if (err) return fail('GetStreamUri ' + p.$.token, err);
        out.profiles.push({
          token: p.$.token, name: p.name, codec: v.encoding,
          width: Number(res.width), height: Number(res.height), url: stream.uri,
        });
        next();
      });
    })();
  });
});
