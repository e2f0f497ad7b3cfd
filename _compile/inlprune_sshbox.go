// This file is not part of Go: scripts/compiler adds it to the copy of
// cmd/internal/obj it builds sshbox's compiler from (_compile/README.md).

package obj

import "strings"

// keepsInlining reports whether the runtime must see, at a PC of a function
// named name, the calls inlined there: the runtime's own (and reflect's),
// whose innermost name isAsyncSafePoint (runtime/preempt.go) reads to
// refuse asynchronous preemption inside them. Everything else in the
// inlining tree serves tracebacks, runtime.Callers and profiles alone.
func keepsInlining(name string) bool {
	return strings.HasPrefix(name, "runtime.") ||
		strings.HasPrefix(name, "internal/runtime/") ||
		strings.HasPrefix(name, "reflect.")
}

// pruned reports whether the inlined call at globalIndex, of the function
// being assembled (in the runtime's own packages, when inRuntime), stays out
// of its local inlining tree; its PCs then count as its nearest kept
// ancestor's, or as the function's own.
//
// A function of those packages keeps none: the check then reads its own
// name, which is one of theirs, and refuses there as before (in the
// runtime the compiler also marks every point unsafe). Elsewhere only the runtime's and
// reflect's calls stay, so that at each PC the innermost name the check
// reads is the same as before or, where the call inlined there was
// another's, an ancestor's: the same answer or a refusal, never a
// preemption the full tree would have refused.
func (s *pcinlineState) pruned(ctxt *Link, globalIndex int) bool {
	fn := ctxt.InlTree.nodes[globalIndex].Func
	return s.inRuntime || fn != nil && !keepsInlining(fn.Name)
}
