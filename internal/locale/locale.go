// Package locale gives Fyne a locale it can parse. Fyne reads LANG in a
// package init and logs "Error parsing user locale C" for the C/POSIX
// locales of minimal systems and containers, which would break probe's
// one-sentence stderr. Go (≥1.21) initializes packages in import-path order
// once their imports are ready; this package only needs os, so it runs
// before fyne.io/fyne/v2/lang, which waits for golang.org/x/text. main
// imports it for that side effect alone.
package locale

import (
	"os"
	"strings"
)

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		if base != "C" && base != "POSIX" {
			return // a real locale: leave it alone
		}
		os.Unsetenv(k)
	}
	os.Setenv("LANG", "en_US.UTF-8")
}
