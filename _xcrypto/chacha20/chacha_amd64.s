// sshbox: added to golang.org/x/crypto/chacha20 by scripts/xcrypto (see
// _xcrypto/README.md). ChaCha20 (RFC 8439) with AVX2, two blocks to a set
// of four YMM registers: each register holds one row of the 4x4 state of
// two blocks, one block per 128-bit lane, so a quarter round works on whole
// rows, and VPSHUFD turns the diagonals into columns between the column
// round and the diagonal round. Three sets (six blocks) take twelve
// registers; the other four are two scratch registers and the byte
// shuffles that rotate each word by 16 and by 8.

//go:build gc && !purego

#include "textflag.h"

// "expand 32-byte k": row 0 of every block.
DATA ·sigma<>+0(SB)/4, $0x61707865
DATA ·sigma<>+4(SB)/4, $0x3320646e
DATA ·sigma<>+8(SB)/4, $0x79622d32
DATA ·sigma<>+12(SB)/4, $0x6b206574
GLOBL ·sigma<>(SB), RODATA|NOPTR, $16

// VPSHUFB masks: each 32-bit word rotated left by 16, and by 8.
DATA ·rol16<>+0(SB)/8, $0x0504070601000302
DATA ·rol16<>+8(SB)/8, $0x0d0c0f0e09080b0a
DATA ·rol16<>+16(SB)/8, $0x0504070601000302
DATA ·rol16<>+24(SB)/8, $0x0d0c0f0e09080b0a
GLOBL ·rol16<>(SB), RODATA|NOPTR, $32

DATA ·rol8<>+0(SB)/8, $0x0605040702010003
DATA ·rol8<>+8(SB)/8, $0x0e0d0c0f0a09080b
DATA ·rol8<>+16(SB)/8, $0x0605040702010003
DATA ·rol8<>+24(SB)/8, $0x0e0d0c0f0a09080b
GLOBL ·rol8<>(SB), RODATA|NOPTR, $32

// Counter steps (word 0 of row 3): the second block of a pair is one on
// from the first, the pairs of a pass two apart, and a pass six blocks.
DATA ·lane1<>+0(SB)/8, $0
DATA ·lane1<>+8(SB)/8, $0
DATA ·lane1<>+16(SB)/8, $1
DATA ·lane1<>+24(SB)/8, $0
GLOBL ·lane1<>(SB), RODATA|NOPTR, $32

DATA ·inc2<>+0(SB)/8, $2
DATA ·inc2<>+8(SB)/8, $0
DATA ·inc2<>+16(SB)/8, $2
DATA ·inc2<>+24(SB)/8, $0
GLOBL ·inc2<>(SB), RODATA|NOPTR, $32

DATA ·inc6<>+0(SB)/8, $6
DATA ·inc6<>+8(SB)/8, $0
DATA ·inc6<>+16(SB)/8, $6
DATA ·inc6<>+24(SB)/8, $0
GLOBL ·inc6<>(SB), RODATA|NOPTR, $32

// QR runs the quarter round on the four rows a, b, c, d of two blocks
// (one per 128-bit lane); t is a scratch register, Y14 and Y15 hold the
// byte shuffles that rotate each word by 16 and by 8.
#define QR(a, b, c, d, t) \
	VPADDD b, a, a; VPXOR a, d, d; VPSHUFB Y14, d, d; \
	VPADDD d, c, c; VPXOR c, b, b; VPSLLD $12, b, t; VPSRLD $20, b, b; VPOR t, b, b; \
	VPADDD b, a, a; VPXOR a, d, d; VPSHUFB Y15, d, d; \
	VPADDD d, c, c; VPXOR c, b, b; VPSLLD $7, b, t; VPSRLD $25, b, b; VPOR t, b, b

// DIAG turns the diagonals into columns; UNDIAG turns them back.
#define DIAG(b, c, d) \
	VPSHUFD $0x39, b, b; VPSHUFD $0x4e, c, c; VPSHUFD $0x93, d, d

#define UNDIAG(b, c, d) \
	VPSHUFD $0x93, b, b; VPSHUFD $0x4e, c, c; VPSHUFD $0x39, d, d

// OUT XORs the two blocks held in a, b, c, d into 128 bytes at SI and
// stores them at DI.
#define OUT(a, b, c, d) \
	VPERM2I128 $0x20, b, a, Y12; VPXOR 0(SI), Y12, Y12; VMOVDQU Y12, 0(DI); \
	VPERM2I128 $0x20, d, c, Y13; VPXOR 32(SI), Y13, Y13; VMOVDQU Y13, 32(DI); \
	VPERM2I128 $0x31, b, a, Y12; VPXOR 64(SI), Y12, Y12; VMOVDQU Y12, 64(DI); \
	VPERM2I128 $0x31, d, c, Y13; VPXOR 96(SI), Y13, Y13; VMOVDQU Y13, 96(DI); \
	ADDQ $128, SI; ADDQ $128, DI

// func xorKeyStreamAVX2(dst, src *byte, n int, key *[8]uint32, counter *uint32, nonce *[3]uint32)
//
// n is a multiple of 384: six blocks a pass, two to each of three sets of
// four registers. The frame holds the initial state: rows 0-2 (the same in
// every block) and row 3 of the first two blocks of the pass.
TEXT ·xorKeyStreamAVX2(SB), NOSPLIT, $160-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), R8
	MOVQ key+24(FP), AX
	MOVQ counter+32(FP), BX
	MOVQ nonce+40(FP), CX
	TESTQ R8, R8
	JZ done

	VBROADCASTI128 ·sigma<>(SB), Y0
	VMOVDQU Y0, 0(SP)
	VBROADCASTI128 0(AX), Y1
	VMOVDQU Y1, 32(SP)
	VBROADCASTI128 16(AX), Y2
	VMOVDQU Y2, 64(SP)
	MOVL 0(BX), DX
	MOVL DX, 128(SP)
	MOVL 0(CX), DX
	MOVL DX, 132(SP)
	MOVL 4(CX), DX
	MOVL DX, 136(SP)
	MOVL 8(CX), DX
	MOVL DX, 140(SP)
	VBROADCASTI128 128(SP), Y3
	VPADDD ·lane1<>(SB), Y3, Y3
	VMOVDQU Y3, 96(SP)
	VMOVDQU ·rol16<>(SB), Y14
	VMOVDQU ·rol8<>(SB), Y15
	MOVQ R8, R9

pass:
	VMOVDQU 0(SP), Y0
	VMOVDQU 32(SP), Y1
	VMOVDQU 64(SP), Y2
	VMOVDQU 96(SP), Y3
	VMOVDQA Y0, Y4
	VMOVDQA Y1, Y5
	VMOVDQA Y2, Y6
	VPADDD ·inc2<>(SB), Y3, Y7
	VMOVDQA Y0, Y8
	VMOVDQA Y1, Y9
	VMOVDQA Y2, Y10
	VPADDD ·inc2<>(SB), Y7, Y11
	MOVQ $10, R10

rounds:
	QR(Y0, Y1, Y2, Y3, Y12)
	QR(Y4, Y5, Y6, Y7, Y13)
	QR(Y8, Y9, Y10, Y11, Y12)
	DIAG(Y1, Y2, Y3)
	DIAG(Y5, Y6, Y7)
	DIAG(Y9, Y10, Y11)
	QR(Y0, Y1, Y2, Y3, Y12)
	QR(Y4, Y5, Y6, Y7, Y13)
	QR(Y8, Y9, Y10, Y11, Y12)
	UNDIAG(Y1, Y2, Y3)
	UNDIAG(Y5, Y6, Y7)
	UNDIAG(Y9, Y10, Y11)
	DECQ R10
	JNZ rounds

	VPADDD 0(SP), Y0, Y0
	VPADDD 32(SP), Y1, Y1
	VPADDD 64(SP), Y2, Y2
	VPADDD 96(SP), Y3, Y3
	VPADDD 0(SP), Y4, Y4
	VPADDD 32(SP), Y5, Y5
	VPADDD 64(SP), Y6, Y6
	VPADDD 0(SP), Y8, Y8
	VPADDD 32(SP), Y9, Y9
	VPADDD 64(SP), Y10, Y10
	VMOVDQU 96(SP), Y12
	VPADDD ·inc2<>(SB), Y12, Y12
	VPADDD Y12, Y7, Y7
	VPADDD ·inc2<>(SB), Y12, Y12
	VPADDD Y12, Y11, Y11

	OUT(Y0, Y1, Y2, Y3)
	OUT(Y4, Y5, Y6, Y7)
	OUT(Y8, Y9, Y10, Y11)

	VMOVDQU 96(SP), Y12
	VPADDD ·inc6<>(SB), Y12, Y12
	VMOVDQU Y12, 96(SP)
	SUBQ $384, R8
	JNZ pass

	VZEROUPPER
	SHRQ $6, R9
	ADDL R9, 0(BX)

done:
	RET
