package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/ui"
)

// openWall decides which camera wall the window opens and where its edits
// go, and returns an exit status (0: go on):
//   - --wall FILE: that file, read now, so a bad one is reported here and
//     the window does not open on a wall that is not there;
//   - addresses on the command line: a temporary wall, nothing saved, so
//     trying a camera never overwrites the saved wall;
//   - neither: the saved wall. One that cannot be read is reported and left
//     as it is (the window starts without it and saves nothing), so a
//     person's hand edit or a newer rtspview's file is never lost.
func openWall(opts *ui.Options, file string, stderr io.Writer) int {
	switch {
	case file != "" && len(opts.URLs) > 0:
		fmt.Fprintln(stderr, "give either --wall FILE or addresses, not both")
		return 2
	case file != "":
		w, err := wall.Load(file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		opts.Wall, opts.WallPath = w, file
	case len(opts.URLs) == 0:
		path, err := wall.DefaultPath()
		if err != nil {
			opts.Notice = err.Error()
			return 0
		}
		w, err := wall.Load(path)
		switch {
		case err == nil:
			opts.Wall, opts.WallPath = w, path
		case errors.Is(err, fs.ErrNotExist):
			opts.WallPath = path // the first camera added starts it
		default:
			opts.Notice = fmt.Sprintf("%v\n\nThe file is left as it is: fix it and start rtspview again, or remove it to start a new wall. Until then, cameras added are not saved.", err)
			fmt.Fprintln(stderr, "the saved wall was not opened:", err)
		}
	}
	return 0
}
