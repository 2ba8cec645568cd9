; cp_writes.s: a hostile guest that has the control program write over its
; code (section 2: the next fetch sees the word last stored, whoever
; stored it; section 4: the CP stores for the guest when it interprets a
; privileged instruction or reflects a trap).  It runs a word, then lets
; SPSW, SR, TGET or CIN (all interpreted) store over it and runs it again;
; it runs E[0] as code after a trap stored the old PSW there, in supervisor
; and in user mode.  Every trap's old PSW goes to a log; then it
; HALTs: `tgm check --mem 256 --input ab` compares it with a bare machine.

.include "log.inc"               ; W, E[0] (code too, here), E[1], the handler
         .entry start
start:   LI    i, 0
again:   LDX   t, pats, i         ; a NOP or JMP back first, the CP's store next
         MOV   slot, t
         LI    resume, s1
         JAL   link, slot         ; runs the pattern: it returns by JMPI link
s1:      LDX   t, ops, i          ; SPSW, SR, TGET or CIN of slot itself
         MOV   do, t
do:      NOP                      ; the privileged store, interpreted by the CP
         LI    resume, s2
         JAL   link, slot         ; the stored word: whatever it is, as bare
s2:      ADDI  i, i, 1
         BNE   i, four, again
         MOV   0, nop             ; E[0] := NOP, run it: it falls into E[1]
         LI    resume, s3
         JMP   0
s3:      LI    resume, s4
         SVC   9                  ; E[0] := its old PSW; now run that word
s4:      LI    resume, s5
         JMP   0
s5:      LI    resume, s6
         LPSW  u0                 ; the same in user mode
s6:      HALT

slot:    NOP
         JMPI  link
OP = 57
pats:    .word 0x01 << OP                           ; NOP
         .word (0x29 << OP) | (link << 38)           ; JMPI link
         .word 0x01 << OP
         .word (0x29 << OP) | (link << 38)
ops:     .word (0x41 << OP) | (slot << 38)           ; SPSW slot
         .word (0x43 << OP) | (slot << 38)           ; SR slot
         .word (0x45 << OP) | (slot << 38)           ; TGET slot
         .word (0x47 << OP) | (slot << 38)           ; CIN slot
u0:      .word psw(USER, 0, 0, W)
nop:     NOP
four:    .word 4
i:       .word 0
t:       .word 0
link:    .word 0
