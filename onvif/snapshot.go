package onvif

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/icholy/digest"
)

// MaxSnapshot bounds a snapshot picture: a 4K JPEG at high quality is
// well under it, and a device that sends more is cut off.
const MaxSnapshot = 4 << 20

// Snapshot fetches the JPEG picture at addr (a SnapshotURI) within the
// client's request timeout and MaxSnapshot bytes. The login goes only to
// the device's own host, as an HTTP Digest when the camera challenges;
// a camera that offers only Basic on plain http gets no password
// (ErrUnauthorized). A body that is not a JPEG is ErrProtocol.
func (c *Client) Snapshot(ctx context.Context, addr string) ([]byte, error) {
	const op = "snapshot"
	ctx, cancel := c.ctxFor(ctx)
	defer cancel()
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, protocolf("%s: address %q unusable", op, redact(addr))
	}
	u.User = nil
	withCreds := c.cfg.Username != "" && strings.EqualFold(u.Hostname(), c.xaddr.Hostname())
	for attempt := 0; attempt < 2; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, protocolf("%s: %v", op, err)
		}
		if withCreds {
			if err := c.authorize(req, nil); err != nil {
				return nil, err
			}
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if errors.Is(err, errRedirect) {
				return nil, protocolf("%s: %v", op, errRedirect)
			}
			return nil, classifyNetError(op, err)
		}
		if resp.StatusCode == http.StatusUnauthorized {
			resp.Body.Close()
			if !withCreds {
				return nil, fmt.Errorf("%s: %w", op, errNoCredentials)
			}
			chal, err := digest.FindChallenge(resp.Header)
			if err != nil {
				if u.Scheme != "https" && offersBasic(resp.Header) {
					return nil, fmt.Errorf("%s: %w", op, errBasicInClear)
				}
				return nil, fmt.Errorf("%s: HTTP 401 without a digest challenge: %w", op, ErrUnauthorized)
			}
			if attempt > 0 && !chal.Stale {
				return nil, fmt.Errorf("%s: HTTP 401: %w", op, ErrUnauthorized)
			}
			c.mu.Lock()
			c.chal[u.Host] = &digestState{chal: chal}
			c.mu.Unlock()
			continue
		}
		return readSnapshot(ctx, op, resp)
	}
	return nil, fmt.Errorf("%s: HTTP 401 after a renewed challenge: %w", op, ErrUnauthorized)
}

func readSnapshot(ctx context.Context, op string, resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPError{Op: op, Status: resp.StatusCode}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxSnapshot+1))
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, classifyNetError(op, err)
	}
	if len(data) > MaxSnapshot {
		return nil, protocolf("%s: picture larger than %d bytes", op, MaxSnapshot)
	}
	if !bytes.HasPrefix(data, []byte{0xff, 0xd8}) {
		return nil, protocolf("%s: not a JPEG picture", op)
	}
	return data, nil
}
