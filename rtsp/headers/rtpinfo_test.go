package headers

import "testing"

var rtpInfoCases = []unmarshalCase[RTPInfo]{
	{
		name: "axis, space after comma",
		in: "url=rtsp://10.13.146.53/axis-media/media.amp/trackID=1;seq=58477;rtptime=1020884293, " +
			"url=rtsp://10.13.146.53/axis-media/media.amp/trackID=2;seq=15727;rtptime=1171661503",
		want: RTPInfo{
			{URL: "rtsp://10.13.146.53/axis-media/media.amp/trackID=1", SeqNum: ptr(uint16(58477)), Timestamp: ptr(uint32(1020884293))},
			{URL: "rtsp://10.13.146.53/axis-media/media.amp/trackID=2", SeqNum: ptr(uint16(15727)), Timestamp: ptr(uint32(1171661503))},
		},
		out: "url=rtsp://10.13.146.53/axis-media/media.amp/trackID=1;seq=58477;rtptime=1020884293," +
			"url=rtsp://10.13.146.53/axis-media/media.amp/trackID=2;seq=15727;rtptime=1171661503",
	},
	{
		name: "hikvision style url with query",
		in:   "url=rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast&profile=Profile_1;seq=45463;rtptime=1536223451",
		want: RTPInfo{{
			URL:    "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast&profile=Profile_1",
			SeqNum: ptr(uint16(45463)), Timestamp: ptr(uint32(1536223451)),
		}},
		out: "url=rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast&profile=Profile_1;seq=45463;rtptime=1536223451",
	},
	{
		name: "gst-rtsp-server",
		in:   "url=rtsp://127.0.0.1:8554/test/stream=0;seq=10711;rtptime=2466315340",
		want: RTPInfo{{URL: "rtsp://127.0.0.1:8554/test/stream=0", SeqNum: ptr(uint16(10711)), Timestamp: ptr(uint32(2466315340))}},
		out:  "url=rtsp://127.0.0.1:8554/test/stream=0;seq=10711;rtptime=2466315340",
	},
	{
		name: "relative urls with rtsp 2.0 ssrc param",
		in:   "url=trackID=1;seq=55664;rtptime=254718369;ssrc=56597976,url=trackID=2;seq=43807;rtptime=1702259566;ssrc=ee839a80",
		want: RTPInfo{
			{URL: "trackID=1", SeqNum: ptr(uint16(55664)), Timestamp: ptr(uint32(254718369))},
			{URL: "trackID=2", SeqNum: ptr(uint16(43807)), Timestamp: ptr(uint32(1702259566))},
		},
		out: "url=trackID=1;seq=55664;rtptime=254718369,url=trackID=2;seq=43807;rtptime=1702259566",
	},
	{
		name: "comma inside url",
		in:   "url=rtsp://cam/live?ch=1,2/trackID=1;seq=1;rtptime=2,url=rtsp://cam/live?ch=1,2/trackID=2;seq=3;rtptime=4",
		want: RTPInfo{
			{URL: "rtsp://cam/live?ch=1,2/trackID=1", SeqNum: ptr(uint16(1)), Timestamp: ptr(uint32(2))},
			{URL: "rtsp://cam/live?ch=1,2/trackID=2", SeqNum: ptr(uint16(3)), Timestamp: ptr(uint32(4))},
		},
		out: "url=rtsp://cam/live?ch=1,2/trackID=1;seq=1;rtptime=2,url=rtsp://cam/live?ch=1,2/trackID=2;seq=3;rtptime=4",
	},
	{
		name: "missing rtptime, upper case keys, quoted url (RTSP 2.0 style)",
		in:   `URL="rtsp://h/a";SEQ=0 , Url=rtsp://h/b;RtpTime=4294967295`,
		want: RTPInfo{
			{URL: "rtsp://h/a", SeqNum: ptr(uint16(0))},
			{URL: "rtsp://h/b", Timestamp: ptr(uint32(4294967295))},
		},
		out: "url=rtsp://h/a;seq=0,url=rtsp://h/b;rtptime=4294967295",
	},
	{
		name: "empty values count as absent",
		in:   "url=rtsp://h/a;seq=;rtptime=",
		want: RTPInfo{{URL: "rtsp://h/a"}},
		out:  "url=rtsp://h/a",
	},
	{
		name: "no url",
		in:   "seq=65535;rtptime=0",
		want: RTPInfo{{SeqNum: ptr(uint16(65535)), Timestamp: ptr(uint32(0))}},
		out:  "url=;seq=65535;rtptime=0",
	},
}

func TestRTPInfoUnmarshal(t *testing.T) { testUnmarshal(t, rtpInfoCases) }

func TestRTPInfoUnmarshalErrors(t *testing.T) {
	testRejects[RTPInfo](t, []string{
		"",
		"  ",
		"url=a;seq=65536",
		"url=a;seq=abc",
		"url=a;seq=-1",
		"url=a;rtptime=4294967296",
		"url=a;rtptime=1.5",
		"url=a;seq=1,url=b;seq=x",
		"url=a\x00b;seq=1",
	})
}

func FuzzRTPInfo(f *testing.F) {
	for _, c := range rtpInfoCases {
		f.Add(c.in)
	}
	f.Add(`url=""x"";seq=1`)
	f.Fuzz(func(t *testing.T, v string) { fuzzRoundTrip[RTPInfo](t, v) })
}
