; rwrap.s: a hostile guest that loads every R a PSW or an R word can hold
; at the edges (section 2's address development; section 5: R' is
; composed from the virtual R, so no address reaches past the region): l
; and b at 2^19 - 1, b up to 2^20 - 1, l + b wrapping past 2^19, l at the
; last word, cause bits and every spare bit set in LPSW and LR words.  It
; runs code at the region's last word (a JAL there links P = W; a word
; patched at W - 1 by the instruction before it), develops operands at
; W - 1 (LPSW, SPSW) and at W (LPSW, LR, SPSW, LDX), and logs every trap's
; old PSW, then HALTs: `tgm check --mem 256` compares it with a bare machine.

W = 256
B20 = 0xFFFFF                   ; the largest b a PSW holds
         .org  0
         .word 0
         .word psw(SUP, trap, 0, W)
         .entry start
start:   LI    i, 0
next:    LDX   t, tab, i          ; the next PSW to try, 0 ends the table
         BZ    t, sup
         ADDI  i, i, 1
         LPSW  t                  ; it traps: trap logs and comes back to next
sup:     LI    resume, s1
         LR    allbits            ; l = 2^19 - 1, b = 2^20 - 1: the next fetch traps
s1:      LI    resume, s2
         LR    lastr              ; R = (W - 1, 2^20 - 1): one word, E[W - 1]
s2:      LI    resume, s3
         LPSW  W - 1              ; the operand at the last word develops
s3:      LI    resume, s4
         LPSW  W                  ; one past: a memory trap
s4:      LI    resume, s5
         LR    W                  ; likewise
s5:      LI    resume, s6
         SPSW  W
s6:      SPSW  W - 1              ; stored: E[W - 1] := PSW, P = s6 + 1
         MOV   keep, W - 1
         LI    resume, s7
         LDX   t, W - 1, one      ; E[W]: traps
s7:      LI    resume, s8
         LDX   t, 0x7FFFF, one    ; (2^19 - 1 + 1) mod 2^19 = E[0]: no trap
         MOV   w0, t
         LI    resume, s8
         JAL   link, W - 1        ; E[W - 1] holds the SPSW's word: a PSW, no insn
s8:      MOV   W - 1, jal         ; JAL link, s9 at the last word
         LI    resume, s9
         JMP   W - 1
s9:      MOV   W - 1, nop         ; NOP at the last word: the fetch after it traps
         LI    resume, s10
         JMP   W - 1
s10:     LI    resume, s11
         JMP   W - 2              ; patches W - 1 with SVC 6, then runs it
s11:     MOV   W - 1, halt        ; restore it for the next run
         HALT

; trap: log the old PSW (64 at most) and go on at resume, or at next while
; the table runs
trap:    STX   log, n, 0
         ADDI  n, n, 1
         AND   n, n, m63
         BZ    resume, next
         JMPI  resume

         ; user and supervisor PSWs at the edges; the table ends with 0
tab:     .word psw(USER, 0, 0x7FFFF, 0) | B20   ; l = 2^19 - 1: nothing develops
         .word psw(USER, 0, 0x7FFFF, 2)         ; l + b = 2^19 + 1 wraps
         .word psw(USER, 0, 0x7FFF0, 0x20)      ; l + b = 2^19 + 16
         .word psw(USER, 1, W - 1, 0) | B20     ; E[W]: past the region
         .word psw(USER, 0, W - 1, 0) | B20     ; fetches E[W - 1]: SVC 5 when loaded
         .word psw(USER, 0x7FFFF, 0, 0) | B20   ; P = 2^19 - 1
         .word psw(USER, W, 0, 0x80000)         ; P = W, b = 2^19
         .word psw(USER, 0, W, 0x80000)         ; l = W: nothing develops
         .word psw(USER, 0, 1, 0x80000)         ; user code at E[1]: the trap PSW
         .word (0xF << 58) | psw(USER, usvc, 0, W)       ; cause bits: ignored
         .word (0xF << 58) | pswi(USER, usvc, 0, B20 & 0x7FFFF) ; I, odd b
         .word psw(SUP, W - 1, 0, W)            ; supervisor, P = W - 1
         .word psw(SUP, W, 0, W)                ; P = W: the fetch traps
         .word psw(SUP, 0, W - 1, 1)            ; supervisor, only the last word
         .word 0

usvc:    SVC   4                  ; a user program: its PSW in the log shows R
allbits: .word -1                 ; every bit: LR takes l and b only
lastr:   .word (0x1F << 58) | psw(1, 0x7FFFF, W - 1, 0) | B20
one:     .word 1
t:       .word 0
i:       .word 0
n:       .word 0
m63:     .word 63
resume:  .word 0
link:    .word 0
keep:    .word 0
w0:      .word 0
jal:     JAL   link, s9
nop:     NOP
halt:    HALT
svc6:    SVC   6
log:     .space 64

         .org  W - 2
         MOV   W - 1, svc6        ; the instruction before the last word patches it
         SVC   5                  ; the last word (patched, or run as it is)
