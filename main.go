// Command rtspview is a desktop RTSP viewer: paste an rtsp:// or rtsps://
// address, pick a transport, watch one camera or a wall of them. The command
// line lives in cli/; main only gives a Windows GUI build its
// parent's console first (console_windows.go).
package main

import (
	"os"

	"github.com/rtspview/rtspview/cli"
)

func main() {
	attachConsole()
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
