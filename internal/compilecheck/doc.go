// Package compilecheck tests the compiler that scripts/compiler builds for
// sshbox's release build (_compile/README.md): a program compiled by it
// behaves as one compiled by the go command's compiler wherever the
// runtime reads what it leaves out or prunes (the arguments' layouts, the
// inlining tree): asynchronous preemption, recover, panics, the garbage
// collector's scan of stacks. The package has no code of its own.
package compilecheck
