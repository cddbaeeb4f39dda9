// Package autostart adds or removes the entry that starts rtspview when the
// person logs in, so a wall on a monitor of its own comes back by itself
// after a power cut:
//
//   - Linux (and other freedesktop systems): $XDG_CONFIG_HOME/autostart/rtspview.desktop
//     (~/.config/autostart by default), the XDG Autostart specification's
//     place, which GNOME, KDE, Xfce, LXQt and others read.
//   - Windows: rtspview.cmd in the Startup folder
//     (%APPDATA%\Microsoft\Windows\Start Menu\Programs\Startup). A .lnk
//     shortcut is made through COM (IShellLink) or by writing its binary
//     format by hand; a .url file cannot pass arguments. A .cmd needs
//     neither, and starts the program with its flags through "start",
//     at the cost of a console that flashes for a moment at login.
//   - macOS: a LaunchAgent, ~/Library/LaunchAgents/io.github.rtspview.plist,
//     which launchd runs at login (RunAtLoad). The login items of System
//     Settings need an app bundle's ServiceManagement API, not a file.
//
// Every file is written as the wall file is: a temporary file in the same
// folder, synced, then renamed over the old one.
package autostart

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Label names the entry: the LaunchAgent's label, the app ID.
const Label = "io.github.rtspview"

// Entry is the command that starts at login.
type Entry struct {
	Exe  string   // the program, an absolute path (os.Executable)
	Args []string // its flags, e.g. --wall FILE --kiosk
}

// place is one system's autostart entry: where it is, given the
// environment, and what it holds.
type place struct {
	goos   string
	getenv func(string) string
}

func here() place { return place{goos: runtime.GOOS, getenv: os.Getenv} }

// Path returns the autostart entry's file on this system.
func Path() (string, error) { return here().path() }

// Enabled reports whether the autostart entry exists.
func Enabled() bool { return here().enabled() }

// Kiosk reports whether the autostart entry starts rtspview with
// --kiosk.
func Kiosk() bool { return here().kiosk() }

// Enable writes the autostart entry for e, replacing one written before.
func Enable(e Entry) error { return here().enable(e) }

// Disable removes the autostart entry; one that is not there is no error.
func Disable() error { return here().disable() }

func (p place) path() (string, error) {
	home := p.getenv("HOME")
	switch p.goos {
	case "windows":
		appData := p.getenv("APPDATA")
		if appData == "" {
			return "", errors.New("APPDATA is not set: no Startup folder to put rtspview in")
		}
		return filepath.Join(appData, "Microsoft", "Windows", "Start Menu", "Programs", "Startup", "rtspview.cmd"), nil
	case "darwin", "ios":
		if home == "" {
			return "", errors.New("HOME is not set: no LaunchAgents folder to put rtspview in")
		}
		return filepath.Join(home, "Library", "LaunchAgents", Label+".plist"), nil
	}
	dir := p.getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) { // the spec ignores a relative one
		if home == "" {
			return "", errors.New("neither XDG_CONFIG_HOME nor HOME is set: no autostart folder to put rtspview in")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", "rtspview.desktop"), nil
}

func (p place) enabled() bool {
	path, err := p.path()
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

func (p place) kiosk() bool {
	path, err := p.path()
	if err != nil {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	// Each format writes an argument whole between delimiters: "…" in a
	// .desktop and a .cmd, <string>…</string> in a plist.
	return strings.Contains(string(data), `"--kiosk"`) || strings.Contains(string(data), "<string>--kiosk</string>")
}

func (p place) enable(e Entry) error {
	path, err := p.path()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(e.Exe) {
		return fmt.Errorf("start at login: %q is not an absolute path", e.Exe)
	}
	var data []byte
	switch p.goos {
	case "windows":
		data = cmdFile(e)
	case "darwin", "ios":
		data = launchAgent(e)
	default:
		data = desktopFile(e)
	}
	if err := writeFile(path, data); err != nil {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}

func (p place) disable() error {
	path, err := p.path()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("start at login: %w", err)
	}
	return nil
}

// desktopFile is an XDG autostart entry. Exec's arguments are each quoted
// (the Desktop Entry specification's quoting: \ " ` $ escaped inside the
// quotes), then written as a string value (\ doubled again) with % doubled
// (a field code otherwise).
func desktopFile(e Entry) []byte {
	var cmd []string
	for _, a := range append([]string{e.Exe}, e.Args...) {
		q := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`).Replace(a)
		q = `"` + q + `"`
		q = strings.NewReplacer(`\`, `\\`, `%`, `%%`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(q)
		cmd = append(cmd, q)
	}
	return []byte("[Desktop Entry]\n" +
		"Type=Application\n" +
		"Name=rtspview\n" +
		"Comment=Camera wall, started at login (rtspview's Wall menu turns this off)\n" +
		"Exec=" + strings.Join(cmd, " ") + "\n" +
		"Terminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n")
}

// cmdFile is a batch file for the Startup folder. chcp 65001 makes cmd
// read the rest as UTF-8 (a user name with an accent is in the path);
// "start" returns at once, so the console closes. In a batch file % is
// doubled; inside double quotes nothing else is special, and a Windows
// path cannot hold a double quote.
func cmdFile(e Entry) []byte {
	var b strings.Builder
	b.WriteString("@echo off\r\n")
	b.WriteString("rem Written by rtspview's Start at login (Wall menu), which removes it too.\r\n")
	b.WriteString("chcp 65001 >nul\r\n")
	b.WriteString(`start ""`)
	for _, a := range append([]string{e.Exe}, e.Args...) {
		b.WriteString(` "` + strings.ReplaceAll(strings.ReplaceAll(a, `"`, ""), "%", "%%") + `"`)
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// launchAgent is a launchd property list that runs the program at login.
func launchAgent(e Entry) []byte {
	x := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + Label + `</string>
	<key>ProgramArguments</key>
	<array>
`)
	for _, a := range append([]string{e.Exe}, e.Args...) {
		b.WriteString("\t\t<string>" + x.Replace(a) + "</string>\n")
	}
	b.WriteString(`	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>ProcessType</key>
	<string>Interactive</string>
</dict>
</plist>
`)
	return []byte(b.String())
}

// writeFile replaces path with data atomically, creating its folder.
func writeFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".rtspview-*.tmp")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes it 0600; an autostart entry is read by the session
	// (and a LaunchAgent by launchd, which refuses group- or world-writable
	// ones but reads 0644).
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}
