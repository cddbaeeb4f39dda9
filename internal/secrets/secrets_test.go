package secrets

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/rtspview/rtspview/internal/peer"
)

type fakeKeyring struct {
	items map[string]string
	fail  error
	calls int
}

func (f *fakeKeyring) Set(s, u, p string) error {
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	f.items[s+"/"+u] = p
	return nil
}

func (f *fakeKeyring) Get(s, u string) (string, error) {
	f.calls++
	if f.fail != nil {
		return "", f.fail
	}
	p, ok := f.items[s+"/"+u]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return p, nil
}

func (f *fakeKeyring) Delete(s, u string) error {
	f.calls++
	delete(f.items, s+"/"+u)
	return f.fail
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"rtsp://Cam.local/stream1":        "admin@cam.local:554",
		"rtsp://cam.local:8554/x":         "admin@cam.local:8554",
		"rtsps://cam.local/x":             "admin@cam.local:322",
		"rtsp://other:pw@[fe80::1]:554/x": "admin@[fe80::1]:554",
		// Passwords url.Parse cannot read: the host is still the one
		// the player dials (it read "pa" as a port, or no host at all).
		"rtsp://admin:pa/ss@cam.lan/x":        "admin@cam.lan:554",
		"rtsp://admin:a?b#c d@cam.lan:8554/x": "admin@cam.lan:8554",
		"not an address":                      "",
		"rtsp:///x":                           "",
	} {
		if got := Key(in, "admin"); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPasswordsStayWithTheirHost: a password kept for one host:port is
// never found for another, and addresses that name no host share nothing
// (they all keyed "user@" before).
func TestPasswordsStayWithTheirHost(t *testing.T) {
	kr := &fakeKeyring{items: map[string]string{}}
	s := NewWithBackend(kr)
	if err := s.Remember("rtsp://cam.lan/main", "admin", "pw1", true); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{"rtsp://attacker/", "rtsp://cam.lan:8554/main", "rtsps://cam.lan/main", "rtsp://admin:x@attacker/cam.lan"} {
		if _, _, ok := s.Lookup(other, "admin", true); ok {
			t.Errorf("the password of cam.lan:554 found for %s", other)
		}
		if _, _, ok := NewWithBackend(kr).Lookup(other, "admin", true); ok {
			t.Errorf("the keyring's password of cam.lan:554 found for %s", other)
		}
	}
	if err := s.Remember("garbage", "admin", "pw2", true); !errors.Is(err, ErrNoHost) {
		t.Fatalf("kept a password for no host: %v", err)
	}
	if _, _, ok := s.Lookup("other garbage", "admin", true); ok {
		t.Fatal("addresses without a host share a password")
	}
	if len(kr.items) != 1 {
		t.Fatalf("keyring items %v", kr.items)
	}
}

func TestSessionReuseAndKeyring(t *testing.T) {
	kr := &fakeKeyring{items: map[string]string{}}
	s := NewWithBackend(kr)
	if err := s.Remember("rtsp://cam:554/main", "admin", "pw1", true); err != nil {
		t.Fatal(err)
	}
	// The sub-stream and a later Play of the same camera reuse it.
	if u, p, ok := s.Lookup("rtsp://cam/sub", "", false); !ok || u != "admin" || p != "pw1" {
		t.Fatalf("session lookup %q %q %v", u, p, ok)
	}
	// A new session (next start) finds it in the keyring by user.
	s2 := NewWithBackend(kr)
	if _, _, ok := s2.Lookup("rtsp://cam/main", "", true); ok {
		t.Fatal("found a password without a user name")
	}
	if u, p, ok := s2.Lookup("rtsp://cam/main", "admin", true); !ok || u != "admin" || p != "pw1" {
		t.Fatalf("keyring lookup %q %q %v", u, p, ok)
	}
	s2.Forget("rtsp://cam/main", "admin")
	if _, _, ok := NewWithBackend(kr).Lookup("rtsp://cam/main", "admin", true); ok {
		t.Fatal("still there after Forget")
	}
	if !s2.Persistent() {
		t.Fatal("a working keyring reads as not persistent")
	}
}

func TestNoKeyringKeepsForTheSession(t *testing.T) {
	kr := &fakeKeyring{items: map[string]string{}, fail: errors.New("org.freedesktop.secrets was not provided")}
	s := NewWithBackend(kr)
	err := s.Remember("rtsp://cam/1", "admin", "pw2", true)
	if !errors.Is(err, ErrNoKeyring) || s.Persistent() {
		t.Fatalf("err %v persistent %v", err, s.Persistent())
	}
	if _, p, ok := s.Lookup("rtsp://cam/1", "admin", true); !ok || p != "pw2" {
		t.Fatal("session password lost")
	}
	// After the first failure the keyring is not asked again.
	n := kr.calls
	s.Remember("rtsp://cam/2", "admin", "pw3", true)
	s.Lookup("rtsp://cam/3", "admin", true)
	if kr.calls != n {
		t.Fatalf("keyring asked again: %d calls", kr.calls-n)
	}
	if strings.Contains(err.Error(), "pw2") {
		t.Fatal("password in the error")
	}
}

// childEnv names the check a re-run of this test binary does inside the
// environment the parent set up (a private D-Bus session or none).
const childEnv = "RTSPVIEW_SECRETS_CHILD"

// TestRealSecretService runs the keyring round trip against a real
// gnome-keyring-daemon on a private session bus, with a throw-away home so
// the person's own keyring is never touched.
func TestRealSecretService(t *testing.T) {
	if os.Getenv(childEnv) == "real" {
		realRoundTrip(t)
		return
	}
	for _, bin := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		peer.Command(t, bin)
	}
	home := t.TempDir()
	script := `printf %s test-login | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 3
exec "$0" -test.run='^TestRealSecretService$' -test.v`
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=real", "HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_RUNTIME_DIR="+home)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "keyring round trip ok") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "s3cret-from-test") {
		t.Fatal("password printed")
	}
}

func realRoundTrip(t *testing.T) {
	s := New()
	const url, pass = "rtsp://cam.example:554/stream1", "s3cret-from-test"
	if err := s.Remember(url, "admin", pass, true); err != nil {
		t.Fatalf("Secret Service refused: %v", err)
	}
	got, err := keyring.Get(Service, "admin@cam.example:554")
	if err != nil || got != pass {
		t.Fatalf("not in the Secret Service: %v", err)
	}
	if _, p, ok := New().Lookup(url, "admin", true); !ok || p != pass {
		t.Fatal("a new store does not find it")
	}
	s.Forget(url, "admin")
	if _, err := keyring.Get(Service, "admin@cam.example:554"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("still there after Forget: %v", err)
	}
	t.Log("keyring round trip ok")
}

// TestNoSecretServiceOnTheBus: with no session bus at all, the real
// backend fails, the store says so, and the password stays for the
// session.
func TestNoSecretServiceOnTheBus(t *testing.T) {
	if os.Getenv(childEnv) == "none" {
		s := New()
		err := s.Remember("rtsp://cam/1", "admin", "s3cret-from-test", true)
		if !errors.Is(err, ErrNoKeyring) || s.Persistent() {
			t.Fatalf("err %v persistent %v", err, s.Persistent())
		}
		if _, p, ok := s.Lookup("rtsp://cam/1", "admin", true); !ok || p != "s3cret-from-test" {
			t.Fatal("session password lost")
		}
		t.Log("fallback ok")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoSecretServiceOnTheBus$", "-test.v")
	// No bus and no X display, so godbus cannot autolaunch one either.
	cmd.Env = append(os.Environ(), childEnv+"=none", "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"), "DISPLAY=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "fallback ok") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "s3cret-from-test") {
		t.Fatal("password printed")
	}
}
