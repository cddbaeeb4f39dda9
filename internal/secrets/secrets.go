// Package secrets keeps camera passwords: in the OS keyring (Secret
// Service on Linux, Keychain on macOS, Credential Manager on Windows,
// through github.com/zalando/go-keyring), and for the running session in
// memory, so a password typed once is reused for that camera on every
// Play, reconnect and transport switch. Where no keyring answers (no
// Secret Service on the bus), passwords live for the session only and
// Persistent says so, for the window to tell the person.
//
// Nothing here logs; a password never leaves this package except to the
// caller that asked for it.
package secrets

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/rtspview/rtspview/rtsp"
)

// Service is the keyring's service name for every rtspview item; the
// item's user field is Key's "user@host:port".
const Service = "rtspview"

// timeout bounds one keyring call. A locked keyring can put up an unlock
// prompt and wait for a person; the window must not wait with it.
const timeout = 5 * time.Second

// ErrNoKeyring: no OS keyring answered; the password is kept for the
// session only.
var ErrNoKeyring = errors.New("no keyring available")

// Backend is the OS keyring as go-keyring presents it; tests put a fake
// one here.
type Backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

type osKeyring struct{}

func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// Store is the session's password memory in front of a keyring. The zero
// value is not usable; call New. Safe for concurrent use.
type Store struct {
	backend Backend

	mu      sync.Mutex
	session map[string]cred // host:port -> the last login used there
	broken  error           // the keyring's first failure; nil while it works
}

type cred struct{ user, pass string }

// New returns a Store on the OS keyring.
func New() *Store { return NewWithBackend(osKeyring{}) }

// NewWithBackend returns a Store on b (nil: no keyring at all).
func NewWithBackend(b Backend) *Store {
	s := &Store{backend: b, session: map[string]cred{}}
	if b == nil {
		s.broken = ErrNoKeyring
	}
	return s
}

// Key is what a password is kept under: "user@host:port", the port
// defaulted by scheme, so a camera's main and sub-stream share it and
// renaming a camera or changing its path does not lose it. The address is
// read as the player dials it (rtsp.ParseURL), so a password written in it
// with '/', '?', '#' or a space still keys the host it goes to. An address
// that names no host gives "": nothing is kept or found under it, so two
// such addresses never share a password.
func Key(rawURL, user string) string {
	u, err := rtsp.ParseURL(rawURL)
	if err != nil {
		return ""
	}
	return user + "@" + strings.ToLower(rtsp.HostPort(u))
}

func hostKey(rawURL string) string {
	_, host, _ := strings.Cut(Key(rawURL, ""), "@")
	return host
}

// ErrNoHost: the address names no host to keep a password for.
var ErrNoHost = errors.New("the address names no camera host")

// Remember keeps user's password for the camera at rawURL for the session
// and, when persist is true, in the keyring. It returns ErrNoKeyring
// (wrapped) when the keyring could not take it: the password is then
// kept for the session only.
func (s *Store) Remember(rawURL, user, pass string, persist bool) error {
	if pass == "" {
		return nil
	}
	host := hostKey(rawURL)
	if host == "" {
		return ErrNoHost
	}
	s.mu.Lock()
	s.session[host] = cred{user, pass}
	broken := s.broken
	s.mu.Unlock()
	if !persist {
		return nil
	}
	if broken != nil {
		return fmt.Errorf("%w: %v", ErrNoKeyring, broken)
	}
	if err := s.call(func() error { return s.backend.Set(Service, Key(rawURL, user), pass) }); err != nil {
		return fmt.Errorf("%w: %v", ErrNoKeyring, err)
	}
	return nil
}

// Lookup returns the login for the camera at rawURL: the one used in this
// session (for user, or any user when user is ""), else, when fromKeyring
// is true and user is known, the keyring's. ok is false when there is none.
func (s *Store) Lookup(rawURL, user string, fromKeyring bool) (string, string, bool) {
	host := hostKey(rawURL)
	if host == "" {
		return "", "", false
	}
	s.mu.Lock()
	c, ok := s.session[host]
	broken := s.broken
	s.mu.Unlock()
	if ok && (user == "" || user == c.user) {
		return c.user, c.pass, true
	}
	if !fromKeyring || user == "" || broken != nil {
		return "", "", false
	}
	var pass string
	err := s.call(func() error {
		var err error
		pass, err = s.backend.Get(Service, Key(rawURL, user))
		return err
	})
	if err != nil || pass == "" {
		return "", "", false
	}
	s.mu.Lock()
	s.session[host] = cred{user, pass}
	s.mu.Unlock()
	return user, pass, true
}

// Forget drops the camera's password from the session and the keyring
// (when a camera is removed from the wall).
func (s *Store) Forget(rawURL, user string) {
	if hostKey(rawURL) == "" {
		return
	}
	s.mu.Lock()
	delete(s.session, hostKey(rawURL))
	broken := s.broken
	s.mu.Unlock()
	if broken == nil && user != "" {
		s.call(func() error { return s.backend.Delete(Service, Key(rawURL, user)) })
	}
}

// Persistent reports whether the keyring has worked (or not yet been
// tried); false once it failed: passwords are then for the session only.
func (s *Store) Persistent() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.broken == nil
}

// call runs one keyring call with a time limit. A "not found" answer is
// the keyring working; any other failure marks it broken for the session,
// so the window does not wait on it again for every camera.
func (s *Store) call(f func() error) error {
	done := make(chan error, 1)
	// The goroutine ends when the keyring answers; after a timeout nobody
	// waits for it, and the buffered channel lets it finish on its own.
	go func() { done <- f() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(timeout):
		err = errors.New("the keyring did not answer in time (locked?)")
	}
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	s.mu.Lock()
	if s.broken == nil {
		s.broken = err
	}
	s.mu.Unlock()
	return err
}
