// sshbox: added to golang.org/x/crypto/ssh by scripts/xcrypto (see
// _xcrypto/README.md and gcm_vaes_amd64.go).

//go:build gc && !purego

#include "textflag.h"

// AES-GCM with VAES and VPCLMULQDQ on ZMM registers, sixteen blocks a
// pass: four registers of four counter blocks through the AES rounds, and
// the sixteen ciphertext blocks multiplied by H^16..H^1 (htab) and summed
// before one reduction.
//
// GHASH works on blocks with their bytes reversed (VPSHUFB bswapMask), so
// that a block is a 128-bit integer with GCM's first bit at the top. The
// carry-less product of two such values is the reflected product shifted
// right one bit; htab's powers of H are shifted left one bit to make up
// for it, and the 256-bit product [hi:lo] is reduced modulo the
// polynomial by two folds of lo with 0xc2 << 56 (REDUCE).
//
// Registers: Z0-Z3 counter blocks / key stream, Z4-Z7 GHASH input,
// Z8-Z12 products, X13 the GHASH state y, X14 the polynomial, Z15 a round
// key, Z20 the next four counter blocks (last word byte-swapped, so that
// VPADDD counts), Z21 four, Z22 ctrSwap, Z23 bswapMask.
//
// vaesGCM's layout: round keys at 0, htab at 240 (H^16 first, H^1 at
// 480), rounds at 496.

DATA bswapMask<>+0(SB)/8, $0x08090a0b0c0d0e0f
DATA bswapMask<>+8(SB)/8, $0x0001020304050607
GLOBL bswapMask<>(SB), RODATA|NOPTR, $16

// ctrSwap reverses a block's last four bytes, the big-endian counter.
DATA ctrSwap<>+0(SB)/8, $0x0706050403020100
DATA ctrSwap<>+8(SB)/8, $0x0c0d0e0f0b0a0908
GLOBL ctrSwap<>(SB), RODATA|NOPTR, $16

// ctrLanes: 0, 1, 2, 3 added to the counters of a register's four lanes.
DATA ctrLanes<>+0(SB)/8, $0
DATA ctrLanes<>+8(SB)/8, $0
DATA ctrLanes<>+16(SB)/8, $0
DATA ctrLanes<>+24(SB)/8, $0x0000000100000000
DATA ctrLanes<>+32(SB)/8, $0
DATA ctrLanes<>+40(SB)/8, $0x0000000200000000
DATA ctrLanes<>+48(SB)/8, $0
DATA ctrLanes<>+56(SB)/8, $0x0000000300000000
GLOBL ctrLanes<>(SB), RODATA|NOPTR, $64

DATA ctrFour<>+0(SB)/8, $0
DATA ctrFour<>+8(SB)/8, $0x0000000400000000
GLOBL ctrFour<>(SB), RODATA|NOPTR, $16

DATA ctrOne<>+0(SB)/8, $0
DATA ctrOne<>+8(SB)/8, $0x0000000100000000
GLOBL ctrOne<>(SB), RODATA|NOPTR, $16

DATA gcmPoly<>+0(SB)/8, $0x0000000000000001
DATA gcmPoly<>+8(SB)/8, $0xc200000000000000
GLOBL gcmPoly<>(SB), RODATA|NOPTR, $16

// REDUCE sets OUT to [HI:LO] modulo the polynomial (X14); clobbers LO, X15.
#define REDUCE(LO, HI, OUT) \
	VPCLMULQDQ $0x01, LO, X14, X15; \
	VPSHUFD    $0x4e, LO, LO; \
	VPXOR      X15, LO, LO; \
	VPCLMULQDQ $0x01, LO, X14, X15; \
	VPSHUFD    $0x4e, LO, LO; \
	VPXOR      X15, LO, LO; \
	VPXOR      HI, LO, OUT

// MUL1 sets y (X13) to (y ^ B) * H, B one byte-reversed block in an XMM
// register below X8.
#define MUL1(B) \
	VPXOR      X13, B, B; \
	VPCLMULQDQ $0x00, 480(AX), B, X8; \
	VPCLMULQDQ $0x11, 480(AX), B, X9; \
	VPCLMULQDQ $0x01, 480(AX), B, X10; \
	VPCLMULQDQ $0x10, 480(AX), B, X11; \
	VPXOR      X11, X10, X10; \
	VPSLLDQ    $8, X10, X11; \
	VPSRLDQ    $8, X10, X10; \
	VPXOR      X11, X8, X8; \
	VPXOR      X10, X9, X9; \
	REDUCE(X8, X9, X13)

// MULACC adds the products of the four blocks in B and the four powers at
// OFF(AX) to lo (Z8), hi (Z9) and the middle terms (Z10).
#define MULACC(B, OFF) \
	VPCLMULQDQ $0x00, OFF(AX), B, Z11; \
	VPCLMULQDQ $0x11, OFF(AX), B, Z12; \
	VPXORQ     Z11, Z8, Z8; \
	VPXORQ     Z12, Z9, Z9; \
	VPCLMULQDQ $0x01, OFF(AX), B, Z11; \
	VPCLMULQDQ $0x10, OFF(AX), B, Z12; \
	VPTERNLOGQ $0x96, Z11, Z12, Z10

// GHASH16 folds the sixteen byte-reversed blocks in Z4-Z7 into y (X13).
#define GHASH16 \
	VPXORQ     Z13, Z4, Z4; \
	VPCLMULQDQ $0x00, 240(AX), Z4, Z8; \
	VPCLMULQDQ $0x11, 240(AX), Z4, Z9; \
	VPCLMULQDQ $0x01, 240(AX), Z4, Z10; \
	VPCLMULQDQ $0x10, 240(AX), Z4, Z11; \
	VPXORQ     Z11, Z10, Z10; \
	MULACC(Z5, 304); \
	MULACC(Z6, 368); \
	MULACC(Z7, 432); \
	VPSLLDQ    $8, Z10, Z11; \
	VPSRLDQ    $8, Z10, Z10; \
	VPXORQ     Z11, Z8, Z8; \
	VPXORQ     Z10, Z9, Z9; \
	VEXTRACTI64X4 $1, Z8, Y11; \
	VPXOR      Y11, Y8, Y8; \
	VEXTRACTI128 $1, Y8, X11; \
	VPXOR      X11, X8, X8; \
	VEXTRACTI64X4 $1, Z9, Y11; \
	VPXOR      Y11, Y9, Y9; \
	VEXTRACTI128 $1, Y9, X11; \
	VPXOR      X11, X9, X9; \
	REDUCE(X8, X9, X13)

// CTR16 makes the key stream for the next sixteen counters in Z0-Z3.
// Uses R8 (rounds), R9, R10.
#define CTR16(LOOP) \
	VPSHUFB         Z22, Z20, Z0; \
	VPADDD          Z21, Z20, Z20; \
	VPSHUFB         Z22, Z20, Z1; \
	VPADDD          Z21, Z20, Z20; \
	VPSHUFB         Z22, Z20, Z2; \
	VPADDD          Z21, Z20, Z20; \
	VPSHUFB         Z22, Z20, Z3; \
	VPADDD          Z21, Z20, Z20; \
	VBROADCASTI32X4 (AX), Z15; \
	VPXORQ          Z15, Z0, Z0; \
	VPXORQ          Z15, Z1, Z1; \
	VPXORQ          Z15, Z2, Z2; \
	VPXORQ          Z15, Z3, Z3; \
	LEAQ            16(AX), R9; \
	LEAQ            -1(R8), R10; \
LOOP: \
	VBROADCASTI32X4 (R9), Z15; \
	VAESENC         Z15, Z0, Z0; \
	VAESENC         Z15, Z1, Z1; \
	VAESENC         Z15, Z2, Z2; \
	VAESENC         Z15, Z3, Z3; \
	ADDQ            $16, R9; \
	DECQ            R10; \
	JNZ             LOOP; \
	VBROADCASTI32X4 (R9), Z15; \
	VAESENCLAST     Z15, Z0, Z0; \
	VAESENCLAST     Z15, Z1, Z1; \
	VAESENCLAST     Z15, Z2, Z2; \
	VAESENCLAST     Z15, Z3, Z3

// CTR1 makes the key stream for the next counter in X0.
#define CTR1(LOOP) \
	VPSHUFB     X22, X20, X0; \
	VPADDD      ctrOne<>(SB), X20, X20; \
	VPXOR       (AX), X0, X0; \
	LEAQ        16(AX), R9; \
	LEAQ        -1(R8), R10; \
LOOP: \
	VAESENC     (R9), X0, X0; \
	ADDQ        $16, R9; \
	DECQ        R10; \
	JNZ         LOOP; \
	VAESENCLAST (R9), X0, X0

// SETUP loads the arguments and constants of vaesGCMEnc and vaesGCMDec.
#define SETUP \
	MOVQ            k+0(FP), AX; \
	MOVQ            ctr+8(FP), BX; \
	MOVQ            y+16(FP), CX; \
	MOVQ            dst_base+24(FP), DI; \
	MOVQ            src_base+48(FP), SI; \
	MOVQ            src_len+56(FP), DX; \
	SHRQ            $4, DX; \
	MOVQ            496(AX), R8; \
	VBROADCASTI32X4 ctrSwap<>(SB), Z22; \
	VBROADCASTI32X4 bswapMask<>(SB), Z23; \
	VBROADCASTI32X4 ctrFour<>(SB), Z21; \
	VBROADCASTI32X4 (BX), Z20; \
	VPSHUFB         Z22, Z20, Z20; \
	VPADDD          ctrLanes<>(SB), Z20, Z20; \
	VMOVDQU         gcmPoly<>(SB), X14; \
	VMOVDQU         (CX), X13

// func vaesEncryptBlock(k *vaesGCM, dst, src *[16]byte)
TEXT ·vaesEncryptBlock(SB), NOSPLIT, $0-24
	MOVQ    k+0(FP), AX
	MOVQ    dst+8(FP), DI
	MOVQ    src+16(FP), SI
	MOVQ    496(AX), R8
	VMOVDQU (SI), X0
	VPXOR   (AX), X0, X0
	LEAQ    16(AX), R9
	LEAQ    -1(R8), R10

rounds:
	VAESENC (R9), X0, X0
	ADDQ    $16, R9
	DECQ    R10
	JNZ     rounds
	VAESENCLAST (R9), X0, X0
	VMOVDQU X0, (DI)
	RET

// func vaesGCMEnc(k *vaesGCM, ctr, y *[16]byte, dst, src []byte)
TEXT ·vaesGCMEnc(SB), NOSPLIT, $0-72
	SETUP

enc16:
	CMPQ    DX, $16
	JB      enc1
	CTR16(enc16rounds)
	VPXORQ    (SI), Z0, Z0
	VPXORQ    64(SI), Z1, Z1
	VPXORQ    128(SI), Z2, Z2
	VPXORQ    192(SI), Z3, Z3
	VMOVDQU64 Z0, (DI)
	VMOVDQU64 Z1, 64(DI)
	VMOVDQU64 Z2, 128(DI)
	VMOVDQU64 Z3, 192(DI)
	VPSHUFB   Z23, Z0, Z4
	VPSHUFB   Z23, Z1, Z5
	VPSHUFB   Z23, Z2, Z6
	VPSHUFB   Z23, Z3, Z7
	GHASH16
	ADDQ      $256, SI
	ADDQ      $256, DI
	SUBQ      $16, DX
	JMP       enc16

enc1:
	TESTQ   DX, DX
	JZ      encdone
	CTR1(enc1rounds)
	VPXOR   (SI), X0, X0
	VMOVDQU X0, (DI)
	VPSHUFB X23, X0, X4
	MUL1(X4)
	ADDQ    $16, SI
	ADDQ    $16, DI
	DECQ    DX
	JMP     enc1

encdone:
	VMOVDQU X13, (CX)
	VZEROUPPER
	RET

// func vaesGCMDec(k *vaesGCM, ctr, y *[16]byte, dst, src []byte)
TEXT ·vaesGCMDec(SB), NOSPLIT, $0-72
	SETUP

dec16:
	CMPQ      DX, $16
	JB        dec1
	VMOVDQU64 (SI), Z4
	VMOVDQU64 64(SI), Z5
	VMOVDQU64 128(SI), Z6
	VMOVDQU64 192(SI), Z7
	CTR16(dec16rounds)
	VPXORQ    Z4, Z0, Z0
	VPXORQ    Z5, Z1, Z1
	VPXORQ    Z6, Z2, Z2
	VPXORQ    Z7, Z3, Z3
	VMOVDQU64 Z0, (DI)
	VMOVDQU64 Z1, 64(DI)
	VMOVDQU64 Z2, 128(DI)
	VMOVDQU64 Z3, 192(DI)
	VPSHUFB   Z23, Z4, Z4
	VPSHUFB   Z23, Z5, Z5
	VPSHUFB   Z23, Z6, Z6
	VPSHUFB   Z23, Z7, Z7
	GHASH16
	ADDQ      $256, SI
	ADDQ      $256, DI
	SUBQ      $16, DX
	JMP       dec16

dec1:
	TESTQ   DX, DX
	JZ      decdone
	VMOVDQU (SI), X4
	CTR1(dec1rounds)
	VPXOR   X4, X0, X0
	VMOVDQU X0, (DI)
	VPSHUFB X23, X4, X4
	MUL1(X4)
	ADDQ    $16, SI
	ADDQ    $16, DI
	DECQ    DX
	JMP     dec1

decdone:
	VMOVDQU X13, (CX)
	VZEROUPPER
	RET

// func vaesGHASH(k *vaesGCM, y *[16]byte, data []byte)
TEXT ·vaesGHASH(SB), NOSPLIT, $0-40
	MOVQ    k+0(FP), AX
	MOVQ    y+8(FP), CX
	MOVQ    data_base+16(FP), SI
	MOVQ    data_len+24(FP), DX
	SHRQ    $4, DX
	VMOVDQU gcmPoly<>(SB), X14
	VMOVDQU (CX), X13

ghash1:
	TESTQ   DX, DX
	JZ      ghashdone
	VMOVDQU (SI), X4
	VPSHUFB bswapMask<>(SB), X4, X4
	MUL1(X4)
	ADDQ    $16, SI
	DECQ    DX
	JMP     ghash1

ghashdone:
	VMOVDQU X13, (CX)
	RET
