; console_flood.s: a hostile guest that floods its console and drains its
; input (section 5: the console is a resource the CP owns; each VM has its
; own, so a flood or a reader with nothing to read touches no other VM).
; It sends 300,000 bytes with COUT, from supervisor mode and through an SVC
; from user mode, then reads with CIN 64 times, past the end of any short
; input (each read past the end stores -1), logs what it read, and
; HALTs: `tgm check --mem 256 --input ab` compares it with a bare machine.

W = 256
         .org  0
         .word 0
         .word psw(SUP, trap, 0, W)
         .entry start
start:   LI    k, 200000          ; supervisor: COUT as fast as it can
flood:   COUT  k
         DJNZ  k, flood
         LI    k, 100000          ; user: every byte is an SVC to the kernel
         LPSW  user
drain:   LI    k, 0               ; read past the end of the input
read:    CIN   t
         STX   log, k, t
         ADDI  k, k, 1
         BNE   k, k64, read
         HALT

; trap: each of the user's SVCs asks for one byte out (the count k); the
; user's last SVC ends the flood
trap:    COUT  k
         DJNZ  k, ret
         JMP   drain
ret:     ADD   0, 0, p_one        ; past the SVC, back to user mode
         LPSW  0

usr:     SVC   0
         JMP   usr

user:    .word psw(USER, usr, 0, W)
p_one:   .word 1 << 39
k64:     .word 64
k:       .word 0
t:       .word 0
log:     .space 64
