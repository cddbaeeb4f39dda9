//go:build !linux

package sound

// quietALSA: there is no ALSA here (alsa_linux.go).
func quietALSA() {}
