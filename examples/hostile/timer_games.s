; timer_games.s: a hostile guest that plays every game with its interval
; timer (section 5: its virtual timer must count its own cycles exactly and
; trap at the same boundary as on a bare machine, whatever the CP's own
; timer is doing).  It arms 0, -1, -2^63, 1..6 and 2^63 - 1 cycles and reads
; each back; arms 1..16 cycles before user code that traps on its own
; (the timer and the trap race) and before interpreted supervisor code with
; I = 1; lets the timer expire with I = 0 and turns I on later; re-arms
; a 3-cycle timer in its handler 40 times; runs user code under a timer
; of 2^63 - 1 cycles.  Every trap's old PSW and every TGET goes to a log;
; then it HALTs: `tgm check --mem 256` compares it with a bare machine.

W = 256
         .org  0
         .word 0
         .word psw(SUP, trap, 0, W)
         .entry start
start:   LI    i, 0               ; A: arm each value, read it back
arm:     LDX   t, vals, i
         TSET  t
         TGET  t
         STX   log, n, t
         ADDI  n, n, 1
         ADDI  i, i, 1
         BNE   i, nvals, arm
         LI    v, 1               ; B: the timer races a user trap
race:    LI    resume, race2
         TSET  v
         LPSW  urace              ; user, I = 1: NOP, NOP, SVC
race2:   LI    resume, race3
         TSET  v
         LPSW  srace              ; supervisor, I = 1: SPSW, TGET, LR, SR, SVC
race3:   ADDI  v, v, 1
         BNE   v, k17, race
         LI    resume, late       ; C: expire with I = 0, enable much later
         TSET  five
         NOP
         NOP
         NOP
         NOP
         TGET  t                  ; 0: expired, pending
         STX   log, n, t
         ADDI  n, n, 1
         LPSW  son                ; I = 1: the trap comes before `late`
late:    LI    rearm, 40          ; D: re-arm in the handler, 40 times
         LI    resume, storm
         TSET  three
         LPSW  spin               ; supervisor, I = 1, a one-instruction loop
storm:   TSET  huge               ; E: 2^63 - 1 cycles, user code, then disarm
         LI    resume, done
         LPSW  ulong
done:    TGET  t
         STX   log, n, t
         TSET  minus
         TGET  t
         ADDI  n, n, 1
         STX   log, n, t
         HALT

; trap: log the old PSW and the timer, then go on at resume; a timer trap
; while rearm counts down re-arms and goes back
trap:    STX   log, n, 0
         ADDI  n, n, 1
         AND   n, n, m127
         TGET  t
         STX   log, n, t
         ADDI  n, n, 1
         AND   n, n, m127
         BZ    rearm, back
         ADDI  rearm, rearm, -1
         TSET  three
         LPSW  0                  ; the old PSW, I = 1: the spin again
back:    JMPI  resume

usr:     NOP
         NOP
         SVC   1
         JMP   .
sup:     SPSW  t
         TGET  t
         LR    full
         SR    t
         SVC   2
ulp:     LI    k, 200
uloop:   DJNZ  k, uloop
         SVC   3

vals:    .word 0, -1, 1 << 63, 1, 2, 3, 4, 5, 6, 0x7FFFFFFFFFFFFFFF
nvals:   .word 10
urace:   .word pswi(USER, usr, 0, W)
srace:   .word pswi(SUP, sup, 0, W)
son:     .word pswi(SUP, late, 0, W)
spin:    .word pswi(SUP, sspin, 0, W)
sspin:   JMP   sspin
ulong:   .word pswi(USER, ulp, 0, W)
huge:    .word 0x7FFFFFFFFFFFFFFF
minus:   .word -1
three:   .word 3
five:    .word 5
k17:     .word 17
full:    .word rb(0, W)
m127:    .word 127
i:       .word 0
v:       .word 0
k:       .word 0
t:       .word 0
n:       .word 0
rearm:   .word 0
resume:  .word 0
log:     .space 128
