// Package e2e holds the end-to-end tests: each builds the rtspview binary
// and runs it as a person or a script would, against real peers, under
// Xvfb, or in network namespaces with nftables rules (these need root and
// skip without it unless CI or RTSPVIEW_REQUIRE_PEERS=1 is set). The in-process tests
// of each package stay beside its code.
package e2e
