; calls.s: subroutines (JAL, JMPI) and a jump table (JMPX).
;
; A loop applies a list of operations to an accumulator.  Each step calls
; the subroutine apply with JAL, which stores the return address in a link
; word; apply picks the operation's code through a jump table with JMPX;
; every routine returns with JMPI through its link word.  neg calls a
; further subroutine, so it uses a second link word (there is no stack).
;
; Expected: acc goes 0 -> 5 -> 15 -> 11 -> -11 -> 9 -> 18, each value
; recorded in trace[0..5]; calls = 6; no traps; nothing on the console.

        .org  0
        .word 0                             ; E[0]: a trap stores the old PSW here
        .word psw(SUP, fault, 0, 0x80000)   ; E[1]: new PSW: a trap goes to fault

K_ADD = 0                       ; operation codes: indexes into jtab
K_SUB = 1
K_MUL = 2
K_NEG = 3

        .entry start
start:  LI    i, 0
loop:   LDX   op, ops, i        ; op := ops[i]
        LDX   arg, args, i      ; arg := args[i]
        JAL   ret, apply        ; ret := address of the next word; P := apply
        STX   trace, i, acc     ; trace[i] := acc
        ADDI  i, i, 1
        BNE   i, n, loop
stop:   HALT                    ; the end: P stops at stop + 1

fault:  HALT                    ; an unexpected trap (or a bad op) stops here

; apply: acc := acc <op> arg.  Returns through ret.
apply:  ADDI  calls, calls, 1
        BGEU  op, nops, fault   ; an op outside the table would jump anywhere
        JMPX  jtab, op          ; P := jtab[op]
do_add: ADD   acc, acc, arg
        JMPI  ret
do_sub: SUB   acc, acc, arg
        JMPI  ret
do_mul: MUL   acc, acc, arg
        JMPI  ret
do_neg: JAL   ret2, negate      ; a call from inside a call: its own link word
        JMPI  ret

; negate: acc := -acc.  Returns through ret2.
negate: SUB   acc, zero, acc
        JMPI  ret2

jtab:   .word do_add, do_sub, do_mul, do_neg
nops:   .word 4

ops:    .word K_ADD, K_MUL, K_SUB, K_NEG, K_ADD, K_MUL
args:   .word 5,     3,     4,     0,     20,    2
n:      .word 6

i:      .word 0
op:     .word 0
arg:    .word 0
acc:    .word 0
calls:  .word 0
zero:   .word 0
ret:    .word 0                 ; link word of apply
ret2:   .word 0                 ; link word of negate
trace:  .space 6
