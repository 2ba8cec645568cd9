; sum.s: table look-up and copy.
;
; Section 2 asks that the instruction set can "perform a table look-up on a
; table of arbitrary size, key, and value, and having obtained the value,
; move it anywhere in memory".  This program does exactly that: LDX looks up
; table[i], the value is added to a total, and STX copies it to copy[i].
;
; Expected: total = the sum of the ten table words (459), copy[0..9] equal
; to table[0..9], i = 10, no traps, nothing on the console.

        .org  0
        .word 0                             ; E[0]: a trap stores the old PSW here
        .word psw(SUP, fault, 0, 0x80000)   ; E[1]: new PSW: a trap goes to fault

        .entry start
start:  LI    i, 0
        LI    total, 0
loop:   LDX   x, table, i       ; x := table[i]           (E[table + E[i]])
        ADD   total, total, x   ; total := total + x
        STX   copy, i, x        ; copy[i] := x            (E[copy + E[i]] := E[x])
        ADDI  i, i, 1
        BNE   i, n, loop        ; until i = n
stop:   HALT                    ; the end: P stops at stop + 1

fault:  HALT                    ; an unexpected trap stops here; E[0] says where

i:      .word 0
x:      .word 0
total:  .word 0
n:      .word 10
table:  .word 31, 41, 59, 26, -53, 58, 97, 93, 23, 84
copy:   .space 10
