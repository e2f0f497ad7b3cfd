// sshbox: added to golang.org/x/crypto/internal/poly1305 by scripts/xcrypto
// (see _xcrypto/README.md and sum_amd64.go). Poly1305 with AVX2, four
// blocks at a time: one accumulator per 64-bit lane in radix 2^26, each
// limb in its own YMM register (Y0-Y4), multiplied by rows of a table of
// powers of r (powerTable in sum_amd64.go) with VPMULUDQ, 32x32 -> 64 bits.

//go:build gc && !purego

#include "textflag.h"

// Register use: Y0-Y4 the accumulator's limbs h0-h4; Y5-Y9 the products
// d0-d4; Y10, Y11 scratch; Y12 the 26-bit mask; Y13 the 2^128 bit of
// every block, in limb 4 (2^(128-104)).

// MULTIPLY sets d = h * t for the table rows at T: r0-r4 at 0-128, 5*r1 -
// 5*r4 at 160-256. A product whose limbs add to 5 or more wraps past 2^130
// and is taken times five (2^130 = 5 mod 2^130-5).
#define MULTIPLY(T) \
	VPMULUDQ 0(T), Y0, Y5; \
	VPMULUDQ 32(T), Y0, Y6; \
	VPMULUDQ 64(T), Y0, Y7; \
	VPMULUDQ 96(T), Y0, Y8; \
	VPMULUDQ 128(T), Y0, Y9; \
	VPMULUDQ 256(T), Y1, Y10; \
	VPADDQ   Y10, Y5, Y5; \
	VPMULUDQ 0(T), Y1, Y11; \
	VPADDQ   Y11, Y6, Y6; \
	VPMULUDQ 32(T), Y1, Y10; \
	VPADDQ   Y10, Y7, Y7; \
	VPMULUDQ 64(T), Y1, Y11; \
	VPADDQ   Y11, Y8, Y8; \
	VPMULUDQ 96(T), Y1, Y10; \
	VPADDQ   Y10, Y9, Y9; \
	VPMULUDQ 224(T), Y2, Y11; \
	VPADDQ   Y11, Y5, Y5; \
	VPMULUDQ 256(T), Y2, Y10; \
	VPADDQ   Y10, Y6, Y6; \
	VPMULUDQ 0(T), Y2, Y11; \
	VPADDQ   Y11, Y7, Y7; \
	VPMULUDQ 32(T), Y2, Y10; \
	VPADDQ   Y10, Y8, Y8; \
	VPMULUDQ 64(T), Y2, Y11; \
	VPADDQ   Y11, Y9, Y9; \
	VPMULUDQ 192(T), Y3, Y10; \
	VPADDQ   Y10, Y5, Y5; \
	VPMULUDQ 224(T), Y3, Y11; \
	VPADDQ   Y11, Y6, Y6; \
	VPMULUDQ 256(T), Y3, Y10; \
	VPADDQ   Y10, Y7, Y7; \
	VPMULUDQ 0(T), Y3, Y11; \
	VPADDQ   Y11, Y8, Y8; \
	VPMULUDQ 32(T), Y3, Y10; \
	VPADDQ   Y10, Y9, Y9; \
	VPMULUDQ 160(T), Y4, Y11; \
	VPADDQ   Y11, Y5, Y5; \
	VPMULUDQ 192(T), Y4, Y10; \
	VPADDQ   Y10, Y6, Y6; \
	VPMULUDQ 224(T), Y4, Y11; \
	VPADDQ   Y11, Y7, Y7; \
	VPMULUDQ 256(T), Y4, Y10; \
	VPADDQ   Y10, Y8, Y8; \
	VPMULUDQ 0(T), Y4, Y11; \
	VPADDQ   Y11, Y9, Y9

// CARRY sets h from d, each limb brought to 26 bits (h1 and h4 a few bits
// more), in two chains that run side by side: d0 -> d1 -> d2 -> d3 and
// d3 -> d4 -> d0 (times five) -> d1.
#define CARRY \
	VPSRLQ $26, Y5, Y10; \
	VPAND  Y12, Y5, Y0; \
	VPADDQ Y10, Y6, Y6; \
	VPSRLQ $26, Y8, Y11; \
	VPAND  Y12, Y8, Y3; \
	VPADDQ Y11, Y9, Y9; \
	VPSRLQ $26, Y6, Y10; \
	VPAND  Y12, Y6, Y1; \
	VPADDQ Y10, Y7, Y7; \
	VPSRLQ $26, Y9, Y11; \
	VPAND  Y12, Y9, Y4; \
	VPADDQ Y11, Y0, Y0; \
	VPSLLQ $2, Y11, Y11; \
	VPADDQ Y11, Y0, Y0; \
	VPSRLQ $26, Y7, Y10; \
	VPAND  Y12, Y7, Y2; \
	VPADDQ Y10, Y3, Y3; \
	VPSRLQ $26, Y0, Y10; \
	VPAND  Y12, Y0, Y0; \
	VPADDQ Y10, Y1, Y1; \
	VPSRLQ $26, Y3, Y11; \
	VPAND  Y12, Y3, Y3; \
	VPADDQ Y11, Y4, Y4

// HSUM stores the sum of D's four lanes at OFF(DI).
#define HSUM(D, X, OFF) \
	VEXTRACTI128 $1, D, X10; \
	VPADDQ       X10, X, X; \
	VPSHUFD      $0x4e, X, X11; \
	VPADDQ       X11, X, X; \
	VMOVQ        X, OFF(DI)

// func blocksAVX2(acc *[5]uint64, tab *powerTable, msg []byte)
TEXT ·blocksAVX2(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ tab+8(FP), R8
	MOVQ msg_base+16(FP), SI
	MOVQ msg_len+24(FP), CX
	SHRQ $6, CX
	LEAQ 288(R8), R9

	MOVQ         $0x3ffffff, AX
	VMOVQ        AX, X12
	VPBROADCASTQ X12, Y12
	MOVQ         $0x1000000, AX
	VMOVQ        AX, X13
	VPBROADCASTQ X13, Y13

	// The accumulator goes into lane 0, the lane of the first block.
	VMOVQ 0(DI), X0
	VMOVQ 8(DI), X1
	VMOVQ 16(DI), X2
	VMOVQ 24(DI), X3
	VMOVQ 32(DI), X4

loop:
	// Blocks 0 and 1 in Y10, 2 and 3 in Y11; Y5 gets their low halves
	// (lanes: blocks 0, 2, 1, 3), Y6 their high halves.
	VMOVDQU     0(SI), Y10
	VMOVDQU     32(SI), Y11
	VPUNPCKLQDQ Y11, Y10, Y5
	VPUNPCKHQDQ Y11, Y10, Y6
	ADDQ        $64, SI

	// h += the blocks, cut into 26-bit limbs, with 2^128 set.
	VPAND  Y12, Y5, Y7
	VPADDQ Y7, Y0, Y0
	VPSRLQ $26, Y5, Y7
	VPAND  Y12, Y7, Y7
	VPADDQ Y7, Y1, Y1
	VPSRLQ $52, Y5, Y7
	VPSLLQ $12, Y6, Y8
	VPOR   Y8, Y7, Y7
	VPAND  Y12, Y7, Y7
	VPADDQ Y7, Y2, Y2
	VPSRLQ $14, Y6, Y7
	VPAND  Y12, Y7, Y7
	VPADDQ Y7, Y3, Y3
	VPSRLQ $40, Y6, Y7
	VPOR   Y13, Y7, Y7
	VPADDQ Y7, Y4, Y4

	DECQ CX
	JZ   last
	MULTIPLY(R8)
	CARRY
	JMP  loop

last:
	// Each lane times its own power of r, then the lanes added.
	MULTIPLY(R9)
	HSUM(Y5, X5, 0)
	HSUM(Y6, X6, 8)
	HSUM(Y7, X7, 16)
	HSUM(Y8, X8, 24)
	HSUM(Y9, X9, 32)
	VZEROUPPER
	RET
