package sound

// ALSA prints its own errors on stderr (a missing card, an unknown PCM:
// a dozen lines per try). While there is no device the output tries
// again every retryEvery, which would fill the terminal of a viewer run
// where there is no sound; the reason is in ErrNoDevice's error already.
// libasound is loaded here at run time, as miniaudio loads it, and kept
// loaded, so that the handler set on it stays.

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>

typedef void (*alsa_error_handler)(const char *file, int line, const char *function, int err, const char *fmt, ...);

static void alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {}

static int alsa_silence(void) {
	void *lib = dlopen("libasound.so.2", RTLD_NOW | RTLD_GLOBAL);
	if (lib == NULL) {
		return 0;
	}
	int (*set)(alsa_error_handler) = (int (*)(alsa_error_handler))dlsym(lib, "snd_lib_error_set_handler");
	if (set == NULL) {
		return 0;
	}
	return set(alsa_quiet) == 0;
}
*/
import "C"

import "sync"

var quietALSA = sync.OnceFunc(func() { C.alsa_silence() })
