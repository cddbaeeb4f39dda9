# rtspview — the README's two commands are `make run` and `make test`.
# Both install what they need first (scripts/setup.sh is idempotent).

GO      ?= go
BIN     ?= bin/rtspview
export GOTOOLCHAIN = local
export LANG = en_US.UTF-8

.PHONY: all setup setup-dist build run test test-go vet fuzz bench bench-ffmpeg bench-wall bench-record bench-loss-quality screenshot docs clean \
	dist dist-linux dist-windows dist-darwin test-dist licenses

all: build

setup:
	./scripts/setup.sh

build: setup
	$(GO) build -o $(BIN) .

# Opens the viewer; with no URL it plays the built-in demo stream.
# `make run URL=rtsp://user:pass@camera/stream TRANSPORT=tcp`
run: build
	./$(BIN) $(if $(TRANSPORT),--transport $(TRANSPORT)) $(URL)

# Everything CI runs: vet, then all tests against real peers
# (gst-rtsp-server, the in-process demo server, ffmpeg) with the GUI under
# Xvfb, then the release files built and tried (Xvfb, Wine). Peers that are
# missing fail the run instead of being skipped.
test: setup-dist
	./scripts/test.sh
	./scripts/test-dist.sh

# The Go tests alone, without building the release files.
test-go: setup
	./scripts/test.sh

vet:
	$(GO) vet ./...

# Short fuzzing runs of every parser; the corpus lives in testdata/fuzz.
fuzz:
	./scripts/fuzz.sh 20s

bench: setup
	$(GO) test -run='^$$' -bench=. -benchmem ./player/... ./decode/ ./rtsp/...

# Side by side: our first frame against ffmpeg's on the same streams.
bench-ffmpeg: build
	./scripts/bench-ffmpeg.sh

# The real window under Xvfb with N = 1, 4, 9, 16 cameras against N × ffmpeg:
# painted fps, latency, CPU and RSS (COUNTS, SIZES, DURATION to narrow it).
bench-wall: build
	./scripts/bench-wall.sh

# Recording's cost: N cameras decoded against the same N decoded and
# recorded, then recorded onto a slow disk (N, ROUNDS, DURATION, DISK_BPS).
bench-record: build
	./scripts/bench-record.sh

# The picture under 5 % loss and 2 % reorder: SSIM of every picture shown by
# rtspview and by ffmpeg through the same seeded relay (SEED, DROP, REORDER).
bench-loss-quality: setup
	./scripts/bench-loss-quality.sh

# The sound's delay and clicks over a long run against a camera whose clock
# is SKEW percent off the sound card's (DURATION: 30m, SKEW: 0.1).
.PHONY: bench-audio-skew
bench-audio-skew: setup
	./scripts/bench-audio-skew.sh

screenshot: build
	./scripts/screenshot.sh docs/screenshot.png

# Regenerates docs/screenshot.png, the wall pictures and the dialog pictures.
docs: screenshot
	./scripts/screenshot-wall.sh
	./scripts/screenshot-dialogs.sh
	RTSPVIEW_DOCS=1 $(GO) test -count=1 -run DocsDialog ./ui

# Release files in dist/: the Linux tar.xz and .deb and the Windows zip, each
# with a static FFmpeg built once by scripts/ffmpeg.sh (cached in
# ~/.cache/rtspview). The macOS zip is made by `make dist-darwin` on a Mac.
dist: dist-linux dist-windows

setup-dist:
	./scripts/setup-dist.sh

dist-linux: setup-dist
	./scripts/dist.sh linux

dist-windows: setup-dist
	./scripts/dist.sh windows

dist-darwin:
	./scripts/dist.sh darwin

# Builds dist/ and tries each file as a person would (Xvfb, Wine).
test-dist: setup-dist
	./scripts/test-dist.sh

# Regenerates the licence notices shipped inside the binary.
licenses:
	cd tools && $(GO) run ./licenses -root .. -out ../internal/licenses/notices.txt

clean:
	rm -rf bin dist
