package headers

import "testing"

func ptr[T any](v T) *T { return &v }

var transportCases = []unmarshalCase[Transport]{
	{
		name: "client request udp",
		in:   "RTP/AVP;unicast;client_port=5000-5001",
		want: Transport{ClientPorts: &[2]int{5000, 5001}},
		out:  "RTP/AVP;unicast;client_port=5000-5001",
	},
	{
		name: "client request tcp",
		in:   "RTP/AVP/TCP;unicast;interleaved=0-1",
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{0, 1}},
		out:  "RTP/AVP/TCP;unicast;interleaved=0-1",
	},
	{
		name: "hikvision-style udp response",
		in:   `RTP/AVP;unicast;client_port=55030-55031;server_port=8218-8219;ssrc=2d7d7a5d;mode="play"`,
		want: Transport{
			ClientPorts: &[2]int{55030, 55031}, ServerPorts: &[2]int{8218, 8219},
			SSRC: ptr(uint32(0x2d7d7a5d)), Mode: "play",
		},
		out: "RTP/AVP;unicast;client_port=55030-55031;server_port=8218-8219;ssrc=2D7D7A5D;mode=play",
	},
	{
		name: "hikvision-style tcp response",
		in:   `RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=63e5e2da;mode="play"`,
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{0, 1}, SSRC: ptr(uint32(0x63e5e2da)), Mode: "play"},
		out:  "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=63E5E2DA;mode=play",
	},
	{
		name: "short ssrc with leading space and single ports (hikvision, gortsplib issue)",
		in:   "RTP/AVP/UDP;unicast;client_port=14186;server_port=8052;ssrc= 4317f;mode=play",
		want: Transport{
			ClientPorts: &[2]int{14186, 14187}, ServerPorts: &[2]int{8052, 8053},
			SSRC: ptr(uint32(0x4317f)), Mode: "play",
		},
		out: "RTP/AVP;unicast;client_port=14186-14187;server_port=8052-8053;ssrc=0004317F;mode=play",
	},
	{
		name: "dahua space padded ssrc",
		in:   "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=     D93FF",
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{0, 1}, SSRC: ptr(uint32(0xD93FF))},
		out:  "RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=000D93FF",
	},
	{
		name: "decimal ssrc too long is ignored, not fatal",
		in:   "RTP/AVP;unicast;client_port=14236;source=172.16.8.2;server_port=56002;ssrc=1449463210",
		want: Transport{Source: "172.16.8.2", ClientPorts: &[2]int{14236, 14237}, ServerPorts: &[2]int{56002, 56003}},
		out:  "RTP/AVP;unicast;source=172.16.8.2;client_port=14236-14237;server_port=56002-56003",
	},
	{
		name: "garbage ssrc is ignored",
		in:   "RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=zz12",
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{2, 3}},
		out:  "RTP/AVP/TCP;unicast;interleaved=2-3",
	},
	{
		name: "ssrc with 0x prefix and zero padded to 16 digits",
		in:   "RTP/AVP;unicast;ssrc=0x00000000DEADBEEF",
		want: Transport{SSRC: ptr(uint32(0xDEADBEEF))},
		out:  "RTP/AVP;unicast;ssrc=DEADBEEF",
	},
	{
		name: "axis-style udp response",
		in:   `RTP/AVP;unicast;client_port=50000-50001;server_port=50000-50001;ssrc=0F0E3BC5;mode="PLAY"`,
		want: Transport{
			ClientPorts: &[2]int{50000, 50001}, ServerPorts: &[2]int{50000, 50001},
			SSRC: ptr(uint32(0x0F0E3BC5)), Mode: "PLAY",
		},
		out: "RTP/AVP;unicast;client_port=50000-50001;server_port=50000-50001;ssrc=0F0E3BC5;mode=PLAY",
	},
	{
		name: "live555 tcp response with destination and source",
		in:   "RTP/AVP/TCP;unicast;destination=127.0.0.1;source=127.0.0.1;interleaved=0-1",
		want: Transport{Protocol: ProtocolTCP, Destination: "127.0.0.1", Source: "127.0.0.1", Interleaved: &[2]int{0, 1}},
		out:  "RTP/AVP/TCP;unicast;destination=127.0.0.1;source=127.0.0.1;interleaved=0-1",
	},
	{
		name: "gst-rtsp-server multicast response",
		in:   `RTP/AVP;multicast;destination=224.2.0.1;ttl=16;port=5000-5001;mode="PLAY"`,
		want: Transport{Multicast: true, Destination: "224.2.0.1", TTL: ptr(16), Ports: &[2]int{5000, 5001}, Mode: "PLAY"},
		out:  "RTP/AVP;multicast;destination=224.2.0.1;ttl=16;port=5000-5001;mode=PLAY",
	},
	{
		name: "server rewrote interleaved channels",
		in:   "RTP/AVP/TCP;unicast;interleaved=6-7",
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{6, 7}},
		out:  "RTP/AVP/TCP;unicast;interleaved=6-7",
	},
	{
		name: "empty source and bare destination",
		in:   "RTP/AVP/UDP;unicast;source=;destination;client_port=32560-32561;server_port=3046-3047;ssrc=45dcb578",
		want: Transport{ClientPorts: &[2]int{32560, 32561}, ServerPorts: &[2]int{3046, 3047}, SSRC: ptr(uint32(0x45dcb578))},
		out:  "RTP/AVP;unicast;client_port=32560-32561;server_port=3046-3047;ssrc=45DCB578",
	},
	{
		name: "unsorted, mixed case, spaces, unknown params",
		in:   ` client_port = 3456-3457 ; Mode="PLAY" ; rtp/avp ; UNICAST; append; layers=2; x-vendor=1 `,
		want: Transport{ClientPorts: &[2]int{3456, 3457}, Mode: "PLAY"},
		out:  "RTP/AVP;unicast;client_port=3456-3457;mode=PLAY",
	},
	{
		name: "alternatives: first one wins",
		in:   "RTP/AVP/TCP;unicast;interleaved=0-1,RTP/AVP;unicast;client_port=5000-5001",
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{0, 1}},
		out:  "RTP/AVP/TCP;unicast;interleaved=0-1",
	},
	{
		name: "alternatives: first invalid one skipped",
		in:   "RTP/SAVP;unicast;client_port=5000-5001, RTP/AVP;unicast;client_port=5002-5003",
		want: Transport{ClientPorts: &[2]int{5002, 5003}},
		out:  "RTP/AVP;unicast;client_port=5002-5003",
	},
	{
		name: "quoted mode with a comma is not an alternative separator",
		in:   `RTP/AVP;unicast;mode="PLAY,RECORD";client_port=1-2`,
		want: Transport{ClientPorts: &[2]int{1, 2}, Mode: "PLAY,RECORD"},
		out:  `RTP/AVP;unicast;client_port=1-2;mode="PLAY,RECORD"`,
	},
	{
		name: "port range edges",
		in:   "RTP/AVP;unicast;client_port=0-65535;server_port=65534",
		want: Transport{ClientPorts: &[2]int{0, 65535}, ServerPorts: &[2]int{65534, 65535}},
		out:  "RTP/AVP;unicast;client_port=0-65535;server_port=65534-65535",
	},
	{
		name: "single interleaved channel",
		in:   "RTP/AVP/TCP;interleaved=254",
		want: Transport{Protocol: ProtocolTCP, Interleaved: &[2]int{254, 255}},
		out:  "RTP/AVP/TCP;unicast;interleaved=254-255",
	},
}

func TestTransportUnmarshal(t *testing.T) { testUnmarshal(t, transportCases) }

func TestTransportUnmarshalErrors(t *testing.T) {
	testRejects[Transport](t, []string{
		"",
		" , ",
		"unicast;client_port=5000-5001",          // no protocol
		"RTP/SAVP;unicast;client_port=5000-5001", // SRTP profile
		"RTP/AVPF;unicast",                       // feedback profile
		"RTP/AVP;RTP/AVP/TCP;interleaved=0-1",    // two protocols
		"RTP/AVP=1;unicast",                      // protocol with value
		"RTP/AVP;unicast;client_port=70000-70001",          // port out of range
		"RTP/AVP;unicast;client_port=65535",                // no RTCP port after 65535
		"RTP/AVP;unicast;client_port=+5000",                // sign
		"RTP/AVP;unicast;client_port=-5000",                // missing first port
		"RTP/AVP;unicast;server_port=5000-",                // missing second port
		"RTP/AVP;unicast;client_port=abc",                  // not a number
		"RTP/AVP;unicast;client_port=99999999999999999999", // overflow
		"RTP/AVP/TCP;unicast;interleaved=256-257",          // channel out of range
		"RTP/AVP/TCP;unicast;interleaved=255",              // no RTCP channel after 255
		"RTP/AVP;multicast;ttl=256",                        // ttl out of range
		"RTP/AVP;multicast;ttl=",                           // empty ttl
	})
}

func TestTransportUnmarshalKeepsOldValueOnError(t *testing.T) {
	tr := Transport{Mode: "PLAY"}
	if err := tr.Unmarshal("RTP/AVP;client_port=70000"); err == nil {
		t.Fatal("want error")
	}
	if tr.Mode != "PLAY" {
		t.Fatalf("failed Unmarshal changed the value: %+v", tr)
	}
}

func TestProtocolString(t *testing.T) {
	if ProtocolUDP.String() != "UDP" || ProtocolTCP.String() != "TCP" {
		t.Fatalf("got %s %s", ProtocolUDP, ProtocolTCP)
	}
}

func FuzzTransport(f *testing.F) {
	for _, c := range transportCases {
		f.Add(c.in)
	}
	f.Add("RTP/AVP;unicast;client_port=65535")
	f.Add(`RTP/AVP;destination="a;b";mode=x"y`)
	f.Fuzz(func(t *testing.T, v string) { fuzzRoundTrip[Transport](t, v) })
}
