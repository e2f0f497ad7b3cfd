// sshbox: added to golang.org/x/crypto/chacha20 by scripts/xcrypto (see
// _xcrypto/README.md). ChaCha20 (RFC 8439) with AVX-512, sixteen blocks a
// pass, one block to each 32-bit lane: register Zi holds word i of the
// state of all sixteen blocks, so the column and the diagonal rounds are
// the same instructions on other registers (no shuffles between rounds), and
// VPROLD rotates in one instruction. At the end a transposition turns the
// sixteen "word i of every block" registers into sixteen blocks of output.

//go:build gc && !purego

#include "textflag.h"

// "expand 32-byte k": words 0-3 of every block (sigma<> of chacha_amd64.s
// is that file's own).
DATA ·sigma512<>+0(SB)/4, $0x61707865
DATA ·sigma512<>+4(SB)/4, $0x3320646e
DATA ·sigma512<>+8(SB)/4, $0x79622d32
DATA ·sigma512<>+12(SB)/4, $0x6b206574
GLOBL ·sigma512<>(SB), RODATA|NOPTR, $16

// The lanes' counter offsets: block j of a pass has counter + j.
DATA ·lanes16<>+0(SB)/8, $0x0000000100000000
DATA ·lanes16<>+8(SB)/8, $0x0000000300000002
DATA ·lanes16<>+16(SB)/8, $0x0000000500000004
DATA ·lanes16<>+24(SB)/8, $0x0000000700000006
DATA ·lanes16<>+32(SB)/8, $0x0000000900000008
DATA ·lanes16<>+40(SB)/8, $0x0000000b0000000a
DATA ·lanes16<>+48(SB)/8, $0x0000000d0000000c
DATA ·lanes16<>+56(SB)/8, $0x0000000f0000000e
GLOBL ·lanes16<>(SB), RODATA|NOPTR, $64

DATA ·sixteen<>+0(SB)/4, $16
GLOBL ·sixteen<>(SB), RODATA|NOPTR, $4

// QR4 runs four quarter rounds side by side, on the words (a, b, c, d) of
// each: a += b; d ^= a; d <<<= 16; c += d; b ^= c; b <<<= 12; a += b;
// d ^= a; d <<<= 8; c += d; b ^= c; b <<<= 7.
#define QR4(a0, b0, c0, d0, a1, b1, c1, d1, a2, b2, c2, d2, a3, b3, c3, d3) \
	VPADDD b0, a0, a0; VPADDD b1, a1, a1; VPADDD b2, a2, a2; VPADDD b3, a3, a3; \
	VPXORD a0, d0, d0; VPXORD a1, d1, d1; VPXORD a2, d2, d2; VPXORD a3, d3, d3; \
	VPROLD $16, d0, d0; VPROLD $16, d1, d1; VPROLD $16, d2, d2; VPROLD $16, d3, d3; \
	VPADDD d0, c0, c0; VPADDD d1, c1, c1; VPADDD d2, c2, c2; VPADDD d3, c3, c3; \
	VPXORD c0, b0, b0; VPXORD c1, b1, b1; VPXORD c2, b2, b2; VPXORD c3, b3, b3; \
	VPROLD $12, b0, b0; VPROLD $12, b1, b1; VPROLD $12, b2, b2; VPROLD $12, b3, b3; \
	VPADDD b0, a0, a0; VPADDD b1, a1, a1; VPADDD b2, a2, a2; VPADDD b3, a3, a3; \
	VPXORD a0, d0, d0; VPXORD a1, d1, d1; VPXORD a2, d2, d2; VPXORD a3, d3, d3; \
	VPROLD $8, d0, d0; VPROLD $8, d1, d1; VPROLD $8, d2, d2; VPROLD $8, d3, d3; \
	VPADDD d0, c0, c0; VPADDD d1, c1, c1; VPADDD d2, c2, c2; VPADDD d3, c3, c3; \
	VPXORD c0, b0, b0; VPXORD c1, b1, b1; VPXORD c2, b2, b2; VPXORD c3, b3, b3; \
	VPROLD $7, b0, b0; VPROLD $7, b1, b1; VPROLD $7, b2, b2; VPROLD $7, b3, b3

// WORDS4 transposes words within each 128-bit lane of four registers
// holding words w..w+3 of every block: afterwards lane k of x0 holds words
// w..w+3 of block 4k, of x1 those of block 4k+1, of x2 4k+2, of x3 4k+3.
#define WORDS4(x0, x1, x2, x3) \
	VPUNPCKLDQ x1, x0, Z18; VPUNPCKHDQ x1, x0, Z19; \
	VPUNPCKLDQ x3, x2, Z20; VPUNPCKHDQ x3, x2, Z21; \
	VPUNPCKLQDQ Z20, Z18, x0; VPUNPCKHQDQ Z20, Z18, x1; \
	VPUNPCKLQDQ Z21, Z19, x2; VPUNPCKHQDQ Z21, Z19, x3

// BLOCKS4 takes r0..r3, the registers that hold words 0-3, 4-7, 8-11 and
// 12-15 of blocks m, 4+m, 8+m and 12+m (one block to a 128-bit lane, after
// WORDS4), puts each block's four lanes together, XORs the blocks into the
// source at off (m*64), 256+off, 512+off and 768+off, and stores them.
#define BLOCKS4(r0, r1, r2, r3, off) \
	VSHUFI32X4 $0x44, r1, r0, Z18; VSHUFI32X4 $0xee, r1, r0, Z19; \
	VSHUFI32X4 $0x44, r3, r2, Z20; VSHUFI32X4 $0xee, r3, r2, Z21; \
	VSHUFI32X4 $0x88, Z20, Z18, Z22; VPXORD off(SI), Z22, Z22; VMOVDQU32 Z22, off(DI); \
	VSHUFI32X4 $0xdd, Z20, Z18, Z23; VPXORD 256+off(SI), Z23, Z23; VMOVDQU32 Z23, 256+off(DI); \
	VSHUFI32X4 $0x88, Z21, Z19, Z24; VPXORD 512+off(SI), Z24, Z24; VMOVDQU32 Z24, 512+off(DI); \
	VSHUFI32X4 $0xdd, Z21, Z19, Z25; VPXORD 768+off(SI), Z25, Z25; VMOVDQU32 Z25, 768+off(DI)

// func xorKeyStreamAVX512(dst, src *byte, n int, key *[8]uint32, counter *uint32, nonce *[3]uint32)
//
// n is a multiple of 1024: sixteen blocks a pass. Z16 holds the counters of
// the pass's blocks, Z17 sixteen in every lane; Z18-Z25 are scratch for the
// transposition.
TEXT ·xorKeyStreamAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), R8
	MOVQ key+24(FP), AX
	MOVQ counter+32(FP), BX
	MOVQ nonce+40(FP), CX
	TESTQ R8, R8
	JZ done
	MOVQ R8, R9

	VPBROADCASTD 0(BX), Z16
	VPADDD ·lanes16<>(SB), Z16, Z16
	VPBROADCASTD ·sixteen<>(SB), Z17

pass:
	VPBROADCASTD ·sigma512<>+0(SB), Z0
	VPBROADCASTD ·sigma512<>+4(SB), Z1
	VPBROADCASTD ·sigma512<>+8(SB), Z2
	VPBROADCASTD ·sigma512<>+12(SB), Z3
	VPBROADCASTD 0(AX), Z4
	VPBROADCASTD 4(AX), Z5
	VPBROADCASTD 8(AX), Z6
	VPBROADCASTD 12(AX), Z7
	VPBROADCASTD 16(AX), Z8
	VPBROADCASTD 20(AX), Z9
	VPBROADCASTD 24(AX), Z10
	VPBROADCASTD 28(AX), Z11
	VMOVDQA32 Z16, Z12
	VPBROADCASTD 0(CX), Z13
	VPBROADCASTD 4(CX), Z14
	VPBROADCASTD 8(CX), Z15
	MOVQ $10, R10

rounds:
	QR4(Z0, Z4, Z8, Z12, Z1, Z5, Z9, Z13, Z2, Z6, Z10, Z14, Z3, Z7, Z11, Z15)
	QR4(Z0, Z5, Z10, Z15, Z1, Z6, Z11, Z12, Z2, Z7, Z8, Z13, Z3, Z4, Z9, Z14)
	DECQ R10
	JNZ rounds

	// The initial state added back: the same words in every block, but
	// for the counters.
	VPADDD.BCST ·sigma512<>+0(SB), Z0, Z0
	VPADDD.BCST ·sigma512<>+4(SB), Z1, Z1
	VPADDD.BCST ·sigma512<>+8(SB), Z2, Z2
	VPADDD.BCST ·sigma512<>+12(SB), Z3, Z3
	VPADDD.BCST 0(AX), Z4, Z4
	VPADDD.BCST 4(AX), Z5, Z5
	VPADDD.BCST 8(AX), Z6, Z6
	VPADDD.BCST 12(AX), Z7, Z7
	VPADDD.BCST 16(AX), Z8, Z8
	VPADDD.BCST 20(AX), Z9, Z9
	VPADDD.BCST 24(AX), Z10, Z10
	VPADDD.BCST 28(AX), Z11, Z11
	VPADDD Z16, Z12, Z12
	VPADDD.BCST 0(CX), Z13, Z13
	VPADDD.BCST 4(CX), Z14, Z14
	VPADDD.BCST 8(CX), Z15, Z15
	VPADDD Z17, Z16, Z16

	WORDS4(Z0, Z1, Z2, Z3)
	WORDS4(Z4, Z5, Z6, Z7)
	WORDS4(Z8, Z9, Z10, Z11)
	WORDS4(Z12, Z13, Z14, Z15)
	BLOCKS4(Z0, Z4, Z8, Z12, 0)
	BLOCKS4(Z1, Z5, Z9, Z13, 64)
	BLOCKS4(Z2, Z6, Z10, Z14, 128)
	BLOCKS4(Z3, Z7, Z11, Z15, 192)

	ADDQ $1024, SI
	ADDQ $1024, DI
	SUBQ $1024, R8
	JNZ pass

	VZEROUPPER
	SHRQ $6, R9
	ADDL R9, 0(BX)

done:
	RET
