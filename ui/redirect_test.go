package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp"
)

func TestWithheldCredentialsAsks(t *testing.T) {
	cw := &player.CredentialsWithheldError{From: "127.0.0.1:554", To: "127.0.0.2:8554", ToHost: "127.0.0.2", Err: rtsp.ErrNoCredentials}
	st := player.Status{State: player.StateFailed, Kind: player.KindUnauthorized, Err: fmt.Errorf("DESCRIBE: %w", cw)}
	got, ok := withheldCredentials(st)
	if !ok || got != cw {
		t.Fatal("a withheld-credentials failure must ask before sending")
	}
	if _, ok := withheldCredentials(player.Status{State: player.StateFailed, Kind: player.KindUnauthorized, Err: rtsp.ErrUnauthorized}); ok {
		t.Fatal("a refused password is not a redirect question")
	}
	text := credentialsText(cw, false)
	if !strings.Contains(text, "127.0.0.2:8554") || !strings.Contains(text, "127.0.0.1:554") {
		t.Fatalf("the dialog does not name both hosts: %q", text)
	}
}
