//go:build race

package e2e

// raceBuild says whether the viewer these tests build is built with -race
// too when they run under the race detector. It is off: a race-built
// viewer under Xvfb on two cores ran past TestGUIScreenshot's 60 s bound
// in a full run (the window's goroutines are covered by ui's tests under
// -race). Set it to true to hunt races in the whole binary: buildViewer
// then builds with -race and raceReports fails a test on any report.
const raceBuild = false
