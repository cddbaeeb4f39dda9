//go:build race

package e2e

// raceBuild: these tests run under the race detector, and so does the
// viewer they build (buildViewer), whose goroutines are what it is for.
const raceBuild = true
