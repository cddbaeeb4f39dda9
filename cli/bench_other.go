//go:build !unix

package cli

import "time"

// cpuTime, maxRSSMB and rssMB are not measured on this platform; bench
// reports 0.
func cpuTime() time.Duration { return 0 }
func maxRSSMB() float64      { return 0 }
func rssMB() float64         { return 0 }
