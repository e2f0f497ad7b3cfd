// sshbox: takes the place of x/crypto's internal/poly1305/sum_asm.go (see
// _xcrypto/README.md): the MAC whose Write and Sum call the architecture's
// assembly, with Write's whole blocks going through updateBlocks, which
// on amd64 (sum_amd64.go) sends long messages to the AVX2 code first and
// elsewhere (sum_blocks_other.go) is update.

//go:build gc && !purego && (amd64 || loong64 || ppc64 || ppc64le || riscv64)

package poly1305

//go:noescape
func update(state *macState, msg []byte)

// mac is macGeneric with updateBlocks and update in the place of
// updateGeneric (a function value instead would cost a call through a
// pointer per Write).
type mac struct{ macGeneric }

func (h *mac) Write(p []byte) (int, error) {
	nn := len(p)
	if h.offset > 0 {
		n := copy(h.buffer[h.offset:], p)
		if h.offset+n < TagSize {
			h.offset += n
			return nn, nil
		}
		p = p[n:]
		h.offset = 0
		update(&h.macState, h.buffer[:])
	}
	if n := len(p) - (len(p) % TagSize); n > 0 {
		updateBlocks(&h.macState, p[:n])
		p = p[n:]
	}
	if len(p) > 0 {
		h.offset += copy(h.buffer[h.offset:], p)
	}
	return nn, nil
}

func (h *mac) Sum(out *[16]byte) {
	state := h.macState
	if h.offset > 0 {
		update(&state, h.buffer[:h.offset])
	}
	finalize(out, &state.h, &state.s)
}
