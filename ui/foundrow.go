package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/onvif"
)

// describeTime bounds the questions to one camera (clock, services,
// maker, profiles, stream and snapshot addresses) and its snapshot.
const describeTime = 10 * time.Second

// thumbSize is a row's thumbnail, 16:9.
var thumbSize = fyne.NewSize(128, 72)

// foundRow is one camera in the Find cameras list. UI thread only.
type foundRow struct {
	fd     *findDialog
	disc   onvif.Discovered
	xaddr  string
	cam    onvif.Camera
	client *onvif.Client
	// user and pass are the login cam was read with.
	user, pass string
	err        error
	ready      bool   // cam was read in full
	asked      uint64 // counts the describes: an older one's answer is dropped
	added      bool
	picture    bool // a thumbnail is shown

	box                          *fyne.Container
	thumb                        *canvas.Image
	title, detail, streams, note *widget.Label
	add                          *widget.Button
}

func newFoundRow(fd *findDialog, d onvif.Discovered) *foundRow {
	r := &foundRow{fd: fd, disc: d, xaddr: d.XAddr()}
	r.thumb = canvas.NewImageFromImage(grey(thumbSize))
	r.thumb.FillMode = canvas.ImageFillContain
	r.thumb.SetMinSize(thumbSize)
	r.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.detail = widget.NewLabel("")
	r.streams = widget.NewLabel("")
	r.note = widget.NewLabel("")
	for _, l := range []*widget.Label{r.title, r.detail, r.streams, r.note} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	r.add = widget.NewButton(findAdd, r.addToWall)
	r.add.Disable()
	texts := container.New(layout.NewCustomPaddedVBoxLayout(-8), r.title, r.detail, r.streams, r.note)
	r.box = container.NewBorder(nil, nil, container.NewCenter(r.thumb), container.NewCenter(r.add), texts)
	r.show()
	return r
}

// grey is a thumbnail's place before its picture comes.
func grey(s fyne.Size) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, int(s.Width), int(s.Height)))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 0x40, 0x40, 0x44, 0xff
	}
	return img
}

// describe reads the camera's name, maker, streams and snapshot with the
// login given, in the background.
func (r *foundRow) describe(user, pass string) {
	if r.xaddr == "" {
		r.note.SetText("The camera gave no address to ask")
		return
	}
	r.asked++
	gen := r.asked
	r.note.SetText("Asking the camera…")
	v := r.fd.v
	cfg := onvif.Config{XAddr: r.xaddr, Username: user, Password: pass, Timeout: 4 * time.Second}
	scopes := r.disc.Scopes
	v.goBackground(r.fd.ctx, func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, describeTime)
		defer cancel()
		cam, c, err := onvif.Describe(ctx, cfg, scopes)
		var pic image.Image
		if err == nil && cam.SnapshotURL != "" {
			if data, err := c.Snapshot(ctx, cam.SnapshotURL); err == nil {
				pic, _ = jpeg.Decode(bytes.NewReader(data))
			}
		}
		v.do(func() {
			if gen != r.asked || r.fd.ctx.Err() != nil {
				return
			}
			r.cam, r.client, r.err, r.ready = cam, c, err, err == nil
			r.user, r.pass = user, pass
			if pic != nil {
				r.thumb.Image, r.picture = pic, true
				r.thumb.Refresh()
			}
			r.show()
			r.fd.answered(r)
			r.fd.refreshAddAll()
		})
	})
}

// show puts what is known of the camera on the row.
func (r *foundRow) show() {
	si := onvif.ParseScopes(r.disc.Scopes)
	name, location := si.Name, si.Location
	if r.ready || r.cam.Name != "" {
		name, location = r.cam.Name, r.cam.Location
	}
	model := strings.TrimSpace(r.cam.Info.Manufacturer + " " + r.cam.Info.Model)
	if model == "" {
		model = si.Hardware
	}
	title := name
	if title == "" {
		title = model
	}
	if title == "" {
		title = "ONVIF camera"
	}
	r.title.SetText(cleanText(title))
	var detail []string
	for _, s := range []string{location, model, hostLabel(hostOfXAddr(r.xaddr))} {
		if s = strings.TrimSpace(cleanText(s)); s != "" {
			detail = append(detail, s)
		}
	}
	r.detail.SetText(strings.Join(detail, " · "))
	r.streams.SetText(streamsText(r.cam.Profiles))
	onWall := r.ready && r.fd.v.onWall(r.cam, r.endpoint())
	switch {
	case r.added:
		r.note.SetText(findAdded)
	case onWall:
		r.note.SetText(findOnWall)
	case r.err != nil && onvif.Kind(r.err) == onvif.KindUnauthorized && r.user == "":
		r.note.SetText(findNeedsPw)
	case r.err != nil:
		r.note.SetText(onvif.Sentence(r.err))
	case r.ready && !r.hasStream():
		r.note.SetText("The camera gave no stream address")
	case r.ready && r.cam.PTZ:
		r.note.SetText("Ready to add · pans, tilts and zooms")
	case r.ready:
		r.note.SetText("Ready to add")
	}
	if r.addable() {
		r.add.Enable()
	} else {
		r.add.Disable()
	}
}

// endpoint is the device's identity: from WS-Discovery, or for a camera
// asked by address what it said to GetEndpointReference ("" if nothing).
func (r *foundRow) endpoint() string {
	if r.disc.Endpoint != "" {
		return r.disc.Endpoint
	}
	return r.cam.Endpoint
}

func (r *foundRow) hasStream() bool {
	main, _ := onvif.MainAndSub(r.cam.Profiles)
	return main != nil
}

// addable: read in full, with a stream, and not on the wall.
func (r *foundRow) addable() bool {
	return r.ready && !r.added && r.hasStream() && !r.fd.v.onWall(r.cam, r.endpoint())
}

// addToWall adds the row's camera as a tile.
func (r *foundRow) addToWall() {
	if !r.addable() {
		return
	}
	if r.fd.v.addONVIFCamera(r.cam, r.endpoint(), r.user, r.pass) {
		r.added = true
	}
	r.show()
	r.fd.refreshAddAll()
}

// streamsText lists each profile's size and codec, the ones a tile
// would play marked main and sub.
func streamsText(ps []onvif.Stream) string {
	if len(ps) == 0 {
		return ""
	}
	main, sub := onvif.MainAndSub(ps)
	var parts []string
	for i := range ps {
		p := &ps[i]
		s := fmt.Sprintf("%d×%d %s", p.Width, p.Height, p.Encoding)
		if p.Width == 0 || p.Height == 0 {
			s = p.Encoding
		}
		switch {
		case main != nil && p.Token == main.Token:
			s += " (main)"
		case sub != nil && p.Token == sub.Token:
			s += " (sub)"
		}
		parts = append(parts, s)
	}
	return "Streams: " + strings.Join(parts, ", ")
}
