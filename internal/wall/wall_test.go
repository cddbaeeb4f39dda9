package wall

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtspview/rtspview/rtsp"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    *Wall
		wantErr error
		errText string
	}{
		{
			name: "issue example",
			in:   `{"version": 1, "layout": "auto", "cameras": [{"name": "Front door", "url": "rtsp://host:554/stream1", "sub_url": "rtsp://host:554/stream2", "transport": "tcp"}]}`,
			want: &Wall{Version: 1, Layout: "auto", Cameras: []Camera{{Name: "Front door", URL: "rtsp://host:554/stream1", SubURL: "rtsp://host:554/stream2", Transport: "tcp"}}},
		},
		{
			name: "missing keys take defaults",
			in:   `{"cameras": [{"url": "rtsp://cam/1"}]}`,
			want: &Wall{Version: 1, Layout: "auto", Cameras: []Camera{{URL: "rtsp://cam/1", Transport: "auto"}}},
		},
		{
			name: "empty wall",
			in:   `{"version": 1}`,
			want: &Wall{Version: 1, Layout: "auto"},
		},
		{
			name: "nulls are defaults",
			in:   `{"version": 1, "layout": null, "cameras": [{"url": "rtsp://cam/1", "name": null, "transport": "UDP"}]}`,
			want: &Wall{Version: 1, Layout: "auto", Cameras: []Camera{{URL: "rtsp://cam/1", Transport: "udp"}}},
		},
		{
			name: "user and password reference",
			in:   `{"version": 1, "cameras": [{"url": "rtsp://cam/1", "user": "admin", "password_ref": "keyring", "transport": "https"}]}`,
			want: &Wall{Version: 1, Layout: "auto", Cameras: []Camera{{URL: "rtsp://cam/1", User: "admin", PasswordRef: "keyring", Transport: "https"}}},
		},
		{
			name: "layout, page and tour",
			in:   `{"version": 1, "layout": "1+5", "page": 2, "tour_seconds": 20, "cameras": []}`,
			want: &Wall{Version: 1, Layout: "1+5", Page: 2, TourSeconds: 20},
		},
		{
			name: "selected camera",
			in:   `{"version": 1, "layout": "2x2", "page": 2, "selected": 6, "cameras": []}`,
			want: &Wall{Version: 1, Layout: "2x2", Page: 2, Selected: 6},
		},
		{name: "selected negative", in: `{"version": 1, "selected": -3}`, wantErr: ErrNotAWall, errText: "\"selected\""},
		{
			name: "a later rtspview's layout is kept",
			in:   `{"version": 1, "layout": "2+10"}`,
			want: &Wall{Version: 1, Layout: "2+10"},
		},
		{
			name: "null page and tour are defaults",
			in:   `{"version": 1, "page": null, "tour_seconds": null}`,
			want: &Wall{Version: 1, Layout: "auto"},
		},
		{name: "page text", in: `{"version": 1, "page": "2"}`, wantErr: ErrNotAWall, errText: "\"page\" is not a whole number"},
		{name: "page negative", in: `{"version": 1, "page": -1}`, wantErr: ErrNotAWall, errText: "\"page\""},
		{name: "tour fraction", in: `{"version": 1, "tour_seconds": 2.5}`, wantErr: ErrNotAWall, errText: "\"tour_seconds\""},
		{name: "empty file", in: ``, wantErr: ErrNotAWall, errText: "the file is empty"},
		{name: "broken JSON", in: "{\n\"version\": 1,\n\"cameras\": [\n}", wantErr: ErrNotAWall, errText: "line 4"},
		{name: "a list", in: `[1, 2]`, wantErr: ErrNotAWall, errText: "not an object"},
		{name: "null", in: `null`, wantErr: ErrNotAWall},
		{name: "foreign object", in: `{"name": "my-package", "dependencies": {}}`, wantErr: ErrNotAWall, errText: "neither"},
		{name: "newer version", in: `{"version": 2, "cameras": []}`, wantErr: ErrNewerVersion, errText: "please update rtspview"},
		{name: "version zero", in: `{"version": 0, "cameras": []}`, wantErr: ErrNotAWall},
		{name: "version text", in: `{"version": "1"}`, wantErr: ErrNotAWall, errText: "whole number"},
		{name: "cameras not a list", in: `{"version": 1, "cameras": {}}`, wantErr: ErrNotAWall, errText: "not a list"},
		{name: "camera without url", in: `{"version": 1, "cameras": [{"name": "x"}]}`, wantErr: ErrNotAWall, errText: "camera 1: \"url\" is missing"},
		{name: "camera not an object", in: `{"version": 1, "cameras": ["rtsp://x"]}`, wantErr: ErrNotAWall, errText: "camera 1"},
		{name: "bad transport", in: `{"version": 1, "cameras": [{"url": "rtsp://x", "transport": "carrier-pigeon"}]}`, wantErr: ErrNotAWall, errText: "one of auto, udp"},
		{
			name: "allow_basic",
			in:   `{"version": 1, "cameras": [{"url": "rtsp://cam/1", "allow_basic": true}, {"url": "rtsp://cam/2", "allow_basic": false}, {"url": "rtsp://cam/3", "allow_basic": null}]}`,
			want: &Wall{Version: 1, Layout: "auto", Cameras: []Camera{{URL: "rtsp://cam/1", Transport: "auto", AllowBasic: true}, {URL: "rtsp://cam/2", Transport: "auto"}, {URL: "rtsp://cam/3", Transport: "auto"}}},
		},
		{name: "allow_basic a text", in: `{"version": 1, "cameras": [{"url": "rtsp://x", "allow_basic": "yes"}]}`, wantErr: ErrNotAWall, errText: "camera 1: \"allow_basic\" is not true or false"},
		{name: "name a number", in: `{"version": 1, "cameras": [{"url": "rtsp://x", "name": 7}]}`, wantErr: ErrNotAWall, errText: "\"name\" is not a text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse([]byte(c.in))
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.errText) {
					t.Fatalf("err = %v, want %v containing %q", err, c.wantErr, c.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestUnknownKeysSurviveARoundTrip(t *testing.T) {
	in := `{
  "version": 1,
  "layout": "auto",
  "page": 2,
  "x-other-tool": {"colour": "red", "list": [1, 2]},
  "cameras": [
    {"name": "Garage", "url": "rtsp://cam/1", "rotate": 90, "ptz": {"preset": 3}},
    {"name": "Office", "url": "rtsp://cam/2", "transport": "tcp"}
  ]
}`
	w, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	w.Cameras[0].Name = "Garage (renamed)"
	w.Cameras = append(w.Cameras, Camera{Name: "New", URL: "rtsp://cam/3"})
	out, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	w2, err := Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if w2.Page != 2 { // once an unknown key, now the wall's own
		t.Fatalf("page %d\n%s", w2.Page, out)
	}
	if got := w2.ExtraKeys(); !reflect.DeepEqual(got, []string{"x-other-tool"}) {
		t.Fatalf("top-level extras %v\n%s", got, out)
	}
	if got := w2.Cameras[0].ExtraKeys(); !reflect.DeepEqual(got, []string{"ptz", "rotate"}) {
		t.Fatalf("camera extras %v\n%s", got, out)
	}
	for _, want := range []string{`"page": 2`, `"x-other-tool": {"colour":"red","list":[1,2]}`, `"rotate": 90`, `"ptz": {"preset":3}`, `"Garage (renamed)"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if len(w2.Cameras) != 3 || w2.Cameras[2].Transport != "auto" {
		t.Fatalf("cameras %+v", w2.Cameras)
	}
	// A second round trip changes nothing: saving is stable.
	out2, _ := w2.Marshal()
	if string(out2) != string(out) {
		t.Fatalf("not stable:\n%s\n---\n%s", out, out2)
	}
}

func TestMarshalNeverWritesAPassword(t *testing.T) {
	w := &Wall{Cameras: []Camera{{Name: "Door", URL: "rtsp://admin:s3cret-pw@cam:554/1", SubURL: "rtsp://admin:s3cret-pw@cam:554/2"}}}
	out, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "s3cret-pw") {
		t.Fatalf("password in the file:\n%s", out)
	}
	if !strings.Contains(string(out), "rtsp://admin@cam:554/1") {
		t.Fatalf("user name lost:\n%s", out)
	}
}

// TestPasswordsURLParseCannotRead: a password with '/', '?', '#', '@' or a
// space makes url.Parse fail, and a StripPassword built on it would save
// the address as it was, password and all. The wall reads addresses
// as the player dials them (rtsp.ParseURL): the password is found, given
// to Credentials, and never written.
func TestPasswordsURLParseCannotRead(t *testing.T) {
	for _, pw := range []string{"pa/ss", "a?b=c", "x#frag", "two words", "p@ss", "/?# mixed @ all", "50%off"} {
		t.Run(pw, func(t *testing.T) {
			main := "rtsp://admin:" + pw + "@cam.lan:8554/stream1"
			cam := Camera{Name: "Door", URL: main, SubURL: "rtsp://admin:" + pw + "@cam.lan/stream2"}
			if u, p := cam.Credentials(); u != "admin" || p != pw {
				t.Fatalf("Credentials() = %q, %q", u, p)
			}
			if h, sub := cam.Hosts(); h != "cam.lan:8554" || sub != "cam.lan:554" {
				t.Fatalf("Hosts() = %q %q", h, sub)
			}
			out, err := (&Wall{Cameras: []Camera{cam}}).Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), pw) {
				t.Fatalf("password in the file:\n%s", out)
			}
			back, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			c := back.Cameras[0]
			if c.URL != "rtsp://admin@cam.lan:8554/stream1" || c.SubURL != "rtsp://admin@cam.lan/stream2" {
				t.Fatalf("written as %q, %q", c.URL, c.SubURL)
			}
		})
	}
}

// TestStripPasswordOfAnAddressThatDoesNotParse: an address the player
// would refuse (another scheme, a bad port) still loses its password.
func TestStripPasswordOfAnAddressThatDoesNotParse(t *testing.T) {
	for in, want := range map[string]string{
		"http://admin:pw/x@cam/1":        "http://admin@cam/1",
		"rtsp://admin:pw@cam:99999/1":    "rtsp://admin@cam:99999/1",
		"rtsp://admin@cam/1":             "rtsp://admin@cam/1",
		"no address at all":              "no address at all",
		"rtsp://cam.lan/stream?x=1":      "rtsp://cam.lan/stream?x=1",
		"RTSP://admin:a b@cam.lan/s":     "rtsp://admin@cam.lan/s",
		"rtsps://admin:%2F%3F@cam.lan/s": "rtsps://admin@cam.lan/s",
	} {
		if got := StripPassword(in); got != want {
			t.Errorf("StripPassword(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCameraCap: a wall holds at most MaxCameras; a file with more is
// refused in a plain sentence instead of opening every one of them.
func TestCameraCap(t *testing.T) {
	file := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"version": 1, "cameras": [`)
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"url": "rtsp://cam%d/1"}`, i)
		}
		b.WriteString("]}")
		return []byte(b.String())
	}
	if w, err := Parse(file(MaxCameras)); err != nil || len(w.Cameras) != MaxCameras {
		t.Fatalf("%d cameras: %v", MaxCameras, err)
	}
	_, err := Parse(file(MaxCameras + 1))
	if !errors.Is(err, ErrTooManyCameras) || !strings.Contains(err.Error(), "the file lists 257 cameras, and a wall holds at most 256") {
		t.Fatalf("257 cameras: %v", err)
	}
}

func TestAllowBasicRoundTrip(t *testing.T) {
	w := &Wall{Cameras: []Camera{{URL: "rtsp://cam/1", AllowBasic: true}, {URL: "rtsp://cam/2"}}}
	out, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(out), `"allow_basic": true`) != 1 {
		t.Fatalf("allow_basic written wrong:\n%s", out)
	}
	back, err := Parse(out)
	if err != nil || !back.Cameras[0].AllowBasic || back.Cameras[1].AllowBasic {
		t.Fatalf("read back %+v, %v", back, err)
	}
}

func TestCredentials(t *testing.T) {
	for _, c := range []struct {
		cam        Camera
		user, pass string
	}{
		{Camera{URL: "rtsp://cam/1"}, "", ""},
		{Camera{URL: "rtsp://admin@cam/1"}, "admin", ""},
		{Camera{URL: "rtsp://admin:pw@cam/1"}, "admin", "pw"},
		{Camera{URL: "rtsp://admin@cam/1", User: "viewer"}, "viewer", ""},
	} {
		u, p := c.cam.Credentials()
		if u != c.user || p != c.pass {
			t.Errorf("%+v: %q %q", c.cam, u, p)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "wall.json")
	w := &Wall{Cameras: []Camera{{Name: "Front door", URL: "rtsp://host:554/stream1", SubURL: "rtsp://host:554/stream2", Transport: "tcp"}}}
	if err := Save(path, w); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Version, w.Layout = 1, "auto"
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("got %+v want %+v", got, w)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".wall-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// TestCorruptFileIsReportedAndKept: a file a person broke in an editor is
// reported with its line, and nothing in Load writes to it.
func TestCorruptFileIsReportedAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall.json")
	broken := "{\"version\": 1,\n \"cameras\": [\n  {\"url\": \"rtsp://cam/1\",}\n]}\n"
	os.WriteFile(path, []byte(broken), 0o600)
	_, err := Load(path)
	if !errors.Is(err, ErrNotAWall) || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != broken {
		t.Fatal("Load changed the file")
	}
}

// TestFailedSaveKeepsTheOldWall: when the new file cannot be put in place
// the old one is still there, whole.
func TestFailedSaveKeepsTheOldWall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wall.json")
	old := &Wall{Cameras: []Camera{{Name: "Old", URL: "rtsp://cam/1"}}}
	if err := Save(path, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	// A folder where the wall's folder should be: the rename must fail.
	bad := filepath.Join(dir, "wall.json", "x.json")
	if err := Save(bad, &Wall{}); err == nil {
		t.Fatal("saved into a file as if it were a folder")
	}
	if os.Getuid() != 0 {
		os.Chmod(dir, 0o500) // read-only folder: no temp file can be made
		err := Save(path, &Wall{Cameras: []Camera{{Name: "New", URL: "rtsp://cam/2"}}})
		os.Chmod(dir, 0o700)
		if err == nil {
			t.Fatal("saved into a read-only folder")
		}
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatalf("old wall changed:\n%s", after)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".wall-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestDocumentedExampleParses(t *testing.T) {
	b, err := os.ReadFile("../../docs/wall-format.md")
	if err != nil {
		t.Fatal(err)
	}
	// Every ```json block in the format's documentation is a valid wall.
	parts := strings.Split(string(b), "```json\n")
	if len(parts) < 2 {
		t.Fatal("no ```json example in docs/wall-format.md")
	}
	for _, p := range parts[1:] {
		block, _, _ := strings.Cut(p, "```")
		if _, err := Parse([]byte(block)); err != nil {
			t.Errorf("example does not parse: %v\n%s", err, block)
		}
	}
}

// FuzzParse reads hostile wall files (the importer's input: a file from
// someone else): names with control and bidi characters, addresses with
// passwords url.Parse cannot read, other hosts in sub_url. Whatever
// parses is written back stable, holds at most MaxCameras cameras, and
// the written file carries no password in any address.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version": 1, "layout": "auto", "cameras": [{"name": "Front door", "url": "rtsp://host:554/stream1", "sub_url": "rtsp://host:554/stream2", "transport": "tcp", "x": [1]}], "y": null}`))
	f.Add([]byte(`{"cameras": [{"name": "\u202erood tnorF\u0007", "url": "rtsp://admin:pa/s?s#w rd@cam/1", "sub_url": "rtsp://attacker.example/", "user": "admin", "password_ref": "keyring", "allow_basic": true}]}`))
	f.Add([]byte(`{"cameras": [{"url": "rtsp://cam/1", "muted": true}, {"url": "rtsp://cam/2", "muted": 1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Parse(data)
		if err != nil {
			return
		}
		if len(w.Cameras) > MaxCameras {
			t.Fatalf("%d cameras parsed", len(w.Cameras))
		}
		for _, c := range w.Cameras {
			c.Hosts()
			c.Credentials()
		}
		out, err := w.Marshal()
		if err != nil {
			t.Fatalf("parsed but cannot write: %v", err)
		}
		w2, err := Parse(out)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, out)
		}
		for _, c := range w2.Cameras {
			for _, a := range []string{c.URL, c.SubURL} {
				if u, err := rtsp.ParseURL(a); err == nil && u.User != nil {
					if _, has := u.User.Password(); has {
						t.Fatalf("a password in the written address %q", a)
					}
				}
				if StripPassword(a) != a {
					t.Fatalf("the written address %q still holds a password", a)
				}
			}
		}
		out2, err := w2.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("round trip not stable:\n%s\n---\n%s", out, out2)
		}
	})
}

// TestLoadRefusesAHugeFile: a wrong path (a video, a disk image) fails
// fast instead of being read whole.
func TestLoadRefusesAHugeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	os.WriteFile(path, make([]byte, maxFileSize+10), 0o600)
	if _, err := Load(path); !errors.Is(err, ErrNotAWall) || !strings.Contains(err.Error(), "larger than 4 MB") {
		t.Fatalf("err %v", err)
	}
}

func TestLayoutPageAndTourRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		in   Wall
		want string // the top of the file, up to "cameras"
	}{
		{"defaults write only the layout", Wall{}, "{\n  \"version\": 1,\n  \"layout\": \"auto\",\n  \"cameras\""},
		{"page 1 is the default", Wall{Layout: "3x3", Page: 1}, "{\n  \"version\": 1,\n  \"layout\": \"3x3\",\n  \"cameras\""},
		{"page and tour", Wall{Layout: "1+7", Page: 3, TourSeconds: 10}, "{\n  \"version\": 1,\n  \"layout\": \"1+7\",\n  \"page\": 3,\n  \"tour_seconds\": 10,\n  \"cameras\""},
		{"selected", Wall{Layout: "2x2", Page: 2, Selected: 6}, "{\n  \"version\": 1,\n  \"layout\": \"2x2\",\n  \"page\": 2,\n  \"selected\": 6,\n  \"cameras\""},
		{"the first camera selected is the default", Wall{Selected: 1}, "{\n  \"version\": 1,\n  \"layout\": \"auto\",\n  \"cameras\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := c.in.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(data), c.want) {
				t.Fatalf("wrote\n%s\nwant it to start\n%s", data, c.want)
			}
			back, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			want := c.in
			want.Version = Version
			if want.Layout == "" {
				want.Layout = LayoutAuto
			}
			if want.Page == 1 {
				want.Page = 0 // not written: read back as the default
			}
			if want.Selected == 1 {
				want.Selected = 0
			}
			if !reflect.DeepEqual(*back, want) {
				t.Fatalf("read back %+v, want %+v", *back, want)
			}
		})
	}
}

func TestKnownLayout(t *testing.T) {
	for _, name := range []string{"auto", "1x1", "2x2", "5x5", "1+5", "1+7"} {
		if !KnownLayout(name) {
			t.Errorf("%q not known", name)
		}
	}
	for _, name := range []string{"", "6x6", "2×2", "AUTO"} {
		if KnownLayout(name) {
			t.Errorf("%q known", name)
		}
	}
}

// TestQueryPasswordLeavesTheFile: a camera taking its password in the
// query is saved with the key and an empty value; Credentials still finds
// the password (for the keyring) and the user.
func TestQueryPasswordLeavesTheFile(t *testing.T) {
	c := Camera{URL: "rtsp://cam.lan/cam/realmonitor?channel=1&user=admin&password=s3cret&subtype=0"}
	if user, pass := c.Credentials(); user != "admin" || pass != "s3cret" {
		t.Fatalf("Credentials = %q, %q", user, pass)
	}
	w := &Wall{Cameras: []Camera{c}}
	b, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cret") {
		t.Fatalf("the file holds the password:\n%s", b)
	}
	if !strings.Contains(string(b), "channel=1\u0026user=admin\u0026password=\u0026subtype=0") && !strings.Contains(string(b), `channel=1\u0026user=admin\u0026password=\u0026subtype=0`) {
		t.Fatalf("the address lost more than its password:\n%s", b)
	}
}
