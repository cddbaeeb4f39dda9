package depack

// outQueue collects what one Decode call produces.
//
// A packet can complete two units: the previous one, because its
// timestamp differs (senders that omit the marker bit), and its own,
// because its marker bit is set. Decode returns one; the second waits in
// pending and is returned by the next call, so no unit is lost. Each unit
// lives in its own buffer of a pair, so returning one does not overwrite
// the other.
type outQueue struct {
	pending    AccessUnit
	hasPending bool
	outs       [2]AccessUnit
	n          int
	err        error // the first problem met during this call
}

// startCall begins a Decode call, releasing the unit left from the last.
func (q *outQueue) startCall() {
	q.n, q.err = 0, nil
	if q.hasPending {
		q.emit(q.pending)
		q.pending, q.hasPending = AccessUnit{}, false
	}
}

func (q *outQueue) emit(au AccessUnit) {
	if q.n < len(q.outs) {
		q.outs[q.n] = au
		q.n++
	}
}

func (q *outQueue) setErr(err error) {
	if q.err == nil {
		q.err = err
	}
}

// finish returns the call's first unit, or its first error, or idle when
// the packet was simply consumed.
func (q *outQueue) finish(idle error) (AccessUnit, error) {
	if q.n == 0 {
		if q.err != nil {
			return AccessUnit{}, q.err
		}
		return AccessUnit{}, idle
	}
	if q.n == 2 {
		q.pending, q.hasPending = q.outs[1], true
	}
	au := q.outs[0]
	q.outs = [2]AccessUnit{}
	return au, nil
}
