package ui

import (
	"strings"
	"testing"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"Front door":                          "Front door",
		"Café 📷":                              "Café 📷",
		"\u202egnp.exe":                       "gnp.exe",
		"a\u202ab\u202bc\u202cd\u202de\u202e": "abcde",
		"x\u2066y\u2067z\u2068w\u2069":        "xyzw",
		"l\u200er\u200fa\u061c":               "lra",
		"bell\a tab\t nl\n cr\r esc\x1b[31m":  "bell tab nl cr esc[31m",
		"del\x7f c1\u0085\u009b":              "del c1",
		"line\u2028para\u2029":                "linepara",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTileNamesArePaintedClean: a wall file's name with direction
// overrides and control characters is painted without them, on the tile
// and wherever displayName is used; a name of nothing but those shows the
// host.
func TestTileNamesArePaintedClean(t *testing.T) {
	tile := NewTile()
	tile.SetName("Door\u202e\n\x1b")
	if tile.Name() != "Door" {
		t.Fatalf("tile name %q", tile.Name())
	}
	if got := displayName(wall.Camera{Name: "\u202e\u2066 ", URL: "rtsp://admin:pa/ss@cam.lan/1"}); got != "cam.lan" {
		t.Fatalf("displayName = %q", got)
	}
}

func TestHostLabelShowsPunycode(t *testing.T) {
	for in, want := range map[string]string{
		"cam.lan:554":            "cam.lan:554",
		"[fe80::1]:554":          "[fe80::1]:554",
		"127.0.0.2:8554":         "127.0.0.2:8554",
		"\u0430pple.com:554":     "\u0430pple.com:554 (xn--pple-43d.com:554)",
		"bücher.example":         "bücher.example (xn--bcher-kva.example)",
		"kamera.\u202eexample:1": "kamera.example:1",
	} {
		if got := hostLabel(in); got != want {
			t.Errorf("hostLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedirectDialogTexts: the question names both places, says when the
// other host is the camera's sub-stream, says a guessed port was guessed
// and not given, and shows a look-alike Unicode host in its ASCII form.
func TestRedirectDialogTexts(t *testing.T) {
	sub := credentialsText(&player.CredentialsWithheldError{From: "cam.lan:554", To: "127.0.0.2:8554", ToHost: "127.0.0.2", Err: rtsp.ErrNoCredentials}, true)
	for _, want := range []string{"sub-stream", "sub_url", "127.0.0.2:8554", "given for cam.lan:554"} {
		if !strings.Contains(sub, want) {
			t.Errorf("sub-stream text lacks %q: %q", want, sub)
		}
	}
	gw := &player.CredentialsWithheldError{From: "cam.lan:554", To: "cam.lan:8080", ToHost: "cam.lan:8080", Guessed: true, Err: rtsp.ErrNoCredentials}
	guessed := credentialsText(gw, false)
	for _, want := range []string{"port 8080", "guessed", "nobody gave", "cam.lan:8080"} {
		if !strings.Contains(guessed, want) {
			t.Errorf("guessed-port text lacks %q: %q", want, guessed)
		}
	}
	if strings.Contains(guessed, "another host") || credentialsTitleFor(gw) == credentialsTitle {
		t.Errorf("a guessed port on the camera's own host called another host: %q", guessed)
	}
	idn := credentialsText(&player.CredentialsWithheldError{From: "apple.com:554", To: "\u0430pple.com:554", ToHost: "\u0430pple.com", Err: rtsp.ErrNoCredentials}, false)
	if !strings.Contains(idn, "xn--pple-43d.com:554") {
		t.Errorf("look-alike host without its ASCII form: %q", idn)
	}
}

// TestPasswordDialogNamesTheHost: on a wall of many cameras the password
// dialog says which one asks: host and port, no credentials.
func TestPasswordDialogNamesTheHost(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "pw-host-17"})
	v, w := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	withUser := strings.Replace(srv.URL(), "rtsp://", "rtsp://viewer:wrong@", 1)
	onUI(func() { v.openWith(withUser, "", "", true, player.TransportTCP, 0) })
	texts, _ := waitDialog(t, w, "Connect")
	text := strings.Join(texts, " ")
	if !strings.Contains(text, addressHost(srv.URL())) || strings.Contains(text, "wrong") {
		t.Fatalf("the password dialog does not name %s (or shows the password): %q", addressHost(srv.URL()), text)
	}
}

func TestTileNamesTellCamerasApart(t *testing.T) {
	cam := func(name, url string) wall.Camera { return wall.Camera{Name: name, URL: url} }
	for _, c := range []struct {
		cams []wall.Camera
		want string
	}{
		{[]wall.Camera{cam("", "rtsp://10.0.0.5/live")}, "10.0.0.5"},
		{[]wall.Camera{cam("", "rtsp://127.0.0.1:8554/a"), cam("", "rtsp://127.0.0.1:8654/a"), cam("", "rtsp://10.0.0.5/x")},
			"127.0.0.1:8554|127.0.0.1:8654|10.0.0.5"},
		{[]wall.Camera{cam("", "rtsp://127.0.0.1:8554/cam1"), cam("", "rtsp://127.0.0.1:8554/cam2")},
			"127.0.0.1/cam1|127.0.0.1/cam2"},
		{[]wall.Camera{cam("", "rtsp://127.0.0.1/cam1"), cam("", "rtsp://127.0.0.1:8554/cam1"), cam("", "rtsp://127.0.0.1:8554/cam2")},
			"127.0.0.1:554/cam1|127.0.0.1:8554/cam1|127.0.0.1:8554/cam2"},
		{[]wall.Camera{cam("", "rtsp://192.168.1.64/Streaming/Channels/101"), cam("", "rtsp://192.168.1.64/Streaming/Channels/102")},
			"192.168.1.64/Streaming/Channels/101|192.168.1.64/Streaming/Channels/102"},
		{[]wall.Camera{cam("", "rtsp://h/ch?channel=1"), cam("", "rtsp://h/ch?channel=2")}, "h/ch?channel=1|h/ch?channel=2"},
		// Named cameras keep their names; the same camera twice is one.
		{[]wall.Camera{cam("Door", "rtsp://127.0.0.1:8554/a"), cam("", "rtsp://127.0.0.1:8654/a")}, "Door|127.0.0.1"},
		{[]wall.Camera{cam("", "rtsp://127.0.0.1:8554/a"), cam("", "rtsp://u@127.0.0.1:8554/a")}, "127.0.0.1|127.0.0.1"},
	} {
		if got := strings.Join(tileNames(c.cams), "|"); got != c.want {
			t.Errorf("%v: %q, want %q", c.cams, got, c.want)
		}
	}
}

// TestTilesOfOneHostAreNamedApart: two cameras on one host, added from
// the window, are not both "127.0.0.1"; removing one gives the other its
// host alone again.
func TestTilesOfOneHostAreNamedApart(t *testing.T) {
	a := rtsptest.StartDemo(t, demo.Config{})
	b := rtsptest.StartDemo(t, demo.Config{})
	v, _ := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	onUI(func() {
		v.openWith(a.URL(), "", "", true, player.TransportTCP, 0)
		v.openWith(b.URL(), "", "", true, player.TransportTCP, 0)
	})
	tiles := v.Tiles()
	if tiles[0].Name() != addressHost(a.URL()) || tiles[1].Name() != addressHost(b.URL()) {
		t.Fatalf("names %q %q, want %q %q", tiles[0].Name(), tiles[1].Name(), addressHost(a.URL()), addressHost(b.URL()))
	}
	onUI(func() { v.removeTile(v.tiles[0]) })
	if got := v.Tiles()[0].Name(); got != "127.0.0.1" {
		t.Fatalf("alone on its host, the tile is named %q", got)
	}
}
