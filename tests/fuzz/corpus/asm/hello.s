; hello.s: print "hello, world" on the console, then halt.
;
; The smallest complete program: a loop over a zero-terminated string that
; sends each character to the console with COUT.  COUT is privileged (it
; changes the console, a resource the control program must own), so this
; runs in supervisor mode, the mode .entry starts in.
;
; Expected: console "hello, world\n", no traps, i = 13 (characters sent).

        .org  0
        .word 0                             ; E[0]: a trap stores the old PSW here
        .word psw(SUP, fault, 0, 0x80000)   ; E[1]: new PSW: a trap goes to fault

        .entry start
start:  LI    i, 0
loop:   LDX   ch, msg, i        ; ch := msg[i]  (E[msg + E[i]])
        BZ    ch, stop          ; the terminating zero word ends the string
        COUT  ch                ; console := ch
        ADDI  i, i, 1
        JMP   loop
stop:   HALT                    ; the end: P stops at stop + 1

fault:  HALT                    ; an unexpected trap stops here; E[0] says where

i:      .word 0
ch:     .word 0
msg:    .asciz "hello, world\n"
