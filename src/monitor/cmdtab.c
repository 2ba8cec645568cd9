/* cmdtab.c: the monitor's one command table, and what is generated from it:
 * command lookup with abbreviations, "did you mean", and help (plain and
 * Markdown).  Completion (complete.c) reads the same table.
 *
 * The commands reach every part of the paper the simulator realises: the
 * machine of section 2, the traps of section 3, the control program and its
 * three properties of sections 4-6.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mon_impl.h"
#include "tgm/suggest.h"

const char *const mon_group_names[G_COUNT] = {
    "execution", "inspection", "alteration", "breakpoints",
    "tracing",   "virtual machines", "snapshots", "scripts and session",
};

/* Completion specs (complete.c): "sub:KINDS" per subcommand, "=KINDS" for
 * plain arguments; kinds f file, s symbol, e expression function (psw( ...;
 * with s wherever an expression goes), v VM, V VM or bare, c trap cause,
 * k class, p profile, C command, - nothing, {a,b} fixed words; '+' joins
 * kinds at one position and the last position repeats.  ">WORD:KINDS": the
 * word after the keyword WORD (in any case or abbreviated), wherever it
 * is, completes as KINDS; ">WORD:*KINDS": so do all the words after it
 * (the rest of the line).  "!N": at most N words besides the '-' options
 * of "=" (which go first).  Past max_args nothing completes. */
const struct mon_cmd mon_cmds[] = {
    {"load", mon_cmd_load, 1, 1, "load FILE",
     "load an image or an assembly source into the focused machine\n"
     "FILE is a guest image (tgm as) or assembly source, assembled on the fly;\n"
     "a binary one that begins with the image magic TGMIMAGE is an image whatever\n"
     "its name; else one named .s is a source, an empty, binary or .img one an\n"
     "image, and any other text (prog.asm) a source.\n"
     "The words go to E[load..], load being the lowest address the source\n"
     "emitted, and the PSW becomes the entry PSW; the rest of\n"
     "E is untouched ('reset' first for a clean machine).  With a VM selected\n"
     "the program is loaded into that VM.  Its labels become symbols.",
     G_EXEC, NULL, "=f", 0},
    {"reset", mon_cmd_reset, 0, 1, "reset [all]",
     "power-on reset of the bare machine\n"
     "E := 0, M := s, I := 0, P := 0, R := (0, q), timer and console cleared,\n"
     "counters zero; breakpoints and the program's labels stay.  'reset all'\n"
     "also destroys the control program and every VM.",
     G_EXEC, NULL, "={all}", 0},
    {"go", mon_cmd_go, 0, 6, "go [ADDR] [until ADDR] [for N] [cycles N]",
     "run from ADDR (default: the current P)\n"
     "Runs until HALT, a breakpoint or watchpoint, a trap stop, the step limit\n"
     "('set limit'), a trap loop (every step traps back to the same PSW: a\n"
     "disabled wait) or Ctrl-C.  'until A' stops before E[A] runs (a one-shot\n"
     "breakpoint, as 'until'), 'for N' after N instructions, 'cycles N' at the\n"
     "first instruction boundary after N cycles of this run ('for' or 'cycles',\n"
     "not both).  These stops, and those of a breakpoint, watchpoint or trap\n"
     "stop, say where and after how many steps and cycles of the run.  With a\n"
     "VM selected, the control program runs all runnable VMs.  Guest console\n"
     "output is shown as it is written.",
     G_EXEC, "g run", "=s+e+{until,for,cycles} >until:s+e >for:- >cycles:-", 0},
    {"continue", mon_cmd_continue, 0, 6, "continue [until ADDR] [for N] [cycles N]",
     "run from the current P (see 'go')\n"
     "Inside a breakpoint's command list, 'continue' (or 'go') resumes the run\n"
     "that stopped, with the options it was started with: 'until', 'for' and\n"
     "'cycles' are refused there.  It ends the list, as in gdb; so do 'step',\n"
     "'next', 'until', 'finish' and 'stack step', which run once the run that\n"
     "stopped has ended there, not inside it.",
     G_EXEC, "c", "={until,for,cycles}+s+e >until:s+e >for:- >cycles:-", CMD_KEEPS},
    {"step", mon_cmd_step, 0, 1, "step [N]",
     "execute N instructions (default 1), showing each one\n"
     "Prints the address, the word disassembled, the PSW before and after, every\n"
     "word of E the step changed, and a trap if one was taken.  A step that\n"
     "takes a pending timer trap runs no instruction: its line says\n"
     "'(not run: the pending timer trap comes first)'.  With a VM\n"
     "selected, steps the guest one instruction and shows what the control\n"
     "program did for it; the other runnable VMs run meanwhile, as the\n"
     "control program schedules them ('vm stop' holds one).  HALT, a watchpoint\n"
     "or trap stop, the step limit, the VM's own ('vm limit'), a trap loop and\n"
     "Ctrl-C stop it early, as they stop 'go'; a breakpoint, by address or\n"
     "class, does not ('next' stops at one, as 'go' does).",
     G_EXEC, "s stepi si", "=-", CMD_RUNS},
    {"next", mon_cmd_next, 0, 1, "next [N]",
     "step N instructions, running each JAL call through to its return\n"
     "A JAL is run, with everything it calls, until the matching JMPI returns\n"
     "(calls are JAL, returns JMPI through the link word, as examples/calls.s\n"
     "does); other instructions are stepped as 'step' does, and so is a JAL\n"
     "that a timer trap comes before or whose link word traps: only a JAL or\n"
     "JMPI that runs is a call or a return.  Breakpoints (met as 'go' meets\n"
     "them), watchpoints, trap stops, HALT, the step limit, a VM's own ('vm limit'), a\n"
     "trap loop and Ctrl-C stop it early; a stop says after how many steps and\n"
     "cycles of the command, as 'go' does, a call's included.",
     G_EXEC, "n nexti ni", "=-", CMD_RUNS},
    {"finish", mon_cmd_finish, 0, 0, "finish",
     "run until the subroutine P is in returns (its JMPI), and stop after it\n"
     "Calls made meanwhile (JAL) are run through to their own returns; a JAL\n"
     "or JMPI that a trap comes before, or that traps, is none.  Where\n"
     "P is in no subroutine it runs to HALT, as 'go', and says so.  A\n"
     "breakpoint, watchpoint or trap stop meanwhile says after how many steps\n"
     "and cycles of the command, as 'go' does.",
     G_EXEC, NULL, NULL, CMD_RUNS},
    {"rstep", mon_cmd_rstep, 0, 1, "rstep [N]",
     "step the focused machine back N of its instructions (default 1), exactly\n"
     "The state (E, PSW, timer, console, counters) becomes what it was N steps\n"
     "ago: the monitor restores the last checkpoint before that point and runs\n"
     "forward to it.  With a VM selected, N counts that VM's steps and the\n"
     "whole session goes back (the control program and every VM): to where a\n"
     "command last left the VM at that step, else to just after the step.  The\n"
     "history starts when the machine (or any VM) was last changed other than\n"
     "by running (load, deposit, typed input, a breakpoint's commands);\n"
     "checkpoints are taken every 100,000 steps ('set checkpoint'; with VMs,\n"
     "that many guest steps per 8,192 words of real memory).",
     G_EXEC, "rs", "=-", 0},
    {"rcontinue", mon_cmd_rcontinue, 0, 0, "rcontinue",
     "run backwards to the previous breakpoint, watchpoint hit or trap\n"
     "Or to the start of the history.  Found by replaying the history with the\n"
     "execution breakpoints and watchpoints set now and a stop on every trap;\n"
     "conditions, ignore counts and class stops do not apply.  With a VM\n"
     "selected: back to just after that VM's previous trap (a trap of its own,\n"
     "as its bare machine would take it).  Ctrl-C abandons the replay, the\n"
     "machine (and every VM) as it was.",
     G_EXEC, "rc", NULL, 0},
    {"until", mon_cmd_until, 1, 1, "until ADDR",
     "run until E[ADDR] is about to run (a one-shot breakpoint there)\n"
     "ADDR is a word of E, as a breakpoint's: in relocated code 'until .+1'\n"
     "names the word after the one P points at, 'until P+1' and 'until 2' words\n"
     "of E ('until 2' with l 0x100 stops when E[2] runs, not when P is 2).",
     G_EXEC, "u", "=s+e", CMD_RUNS},
    {"stop", mon_cmd_stop, 0, 1, "stop [VM]",
     "stop a VM so the control program no longer runs it\n"
     "A run started at the prompt always ends with the machine stopped; Ctrl-C\n"
     "ends a run early.  'stop' marks the selected (or named) VM stopped until\n"
     "'vm resume'.",
     G_EXEC, NULL, "=v", 0},

    {"regs", mon_cmd_regs, 0, 0, "regs",
     "show the PSW, E[0] and E[1] as PSWs, the timer and the counters\n"
     "With a VM selected, the real machine's PSW and the VM's virtual PSW are\n"
     "shown side by side.",
     G_INSPECT, "r psw registers", NULL, CMD_KEEPS},
    {"examine", mon_cmd_examine, 1, 4,
     "examine[/NF] [-p|-v|-r] [-x|-d|-o|-b|-i|-c|-w] ADDR [COUNT|..END]",
     "show words of memory\n"
     "  -p  physical: E of the focused machine (the default; a VM's\n"
     "      own E)\n"
     "  -v  virtual: through R, reporting the memory trap an address\n"
     "      would take\n"
     "  -r  real: the control program's real machine\n"
     "  -x hex (default), -d decimal, -o octal, -b binary,\n"
     "  -i disassembly, -c characters, -w each word decoded as a PSW\n"
     "  (-c: \\xHH for other bytes, \\x{H...} for a word not a byte)\n"
     "  A newline, tab and carriage return show as \\n, \\t and \\r,\n"
     "  the escapes .ascii takes, here, in print/c and in the\n"
     "  'console <-' lines.\n"
     "ADDR..END is a range (inclusive); COUNT a number of words.  gdb's form\n"
     "x/NF ADDR is the same: x/4x total, x/3i loop, x/2w 0 (E[0] and E[1]);\n"
     "so is QEMU's, with a space: x /4x total.",
     G_INSPECT, "e x ex", "={-p,-v,-r,-x,-d,-o,-b,-i,-c,-w}+s+e !2", CMD_KEEPS},
    {"translate", mon_cmd_translate, 1, 1, "translate ADDR",
     "develop a virtual address through R, as section 2 defines\n"
     "Shows the physical address or the memory trap and which of the two checks\n"
     "fails (a + l >= q, a >= b).  With a VM selected, also the composed R' of\n"
     "the real machine.",
     G_INSPECT, "t", "=s+e", CMD_KEEPS},
    {"symbols", mon_cmd_symbols, 0, 1, "symbols [PREFIX]",
     "list the symbols of the program loaded into the focused machine\n"
     "Its labels, and its constants (K_ADD = 0) marked '(constant)': both work in\n"
     "expressions, but only a label names an address; a label inside .phase,\n"
     "marked '(phased)', names where the code runs, not the word it labels.\n"
     "An image file does not say which is which, so none is marked.",
     G_INSPECT, NULL, "=s", CMD_KEEPS},
    {"print", mon_cmd_print, 1, 1, "print[/F] EXPR",
     "evaluate an expression (see 'help assert') and show it in hex and decimal\n"
     "/F shows it in one format: x hex, d signed, u unsigned, o octal, b or t\n"
     "binary, c character, w decoded as a PSW (print/w E[0]: the old PSW).",
     G_INSPECT, "p", "=s+e", CMD_RAW | CMD_KEEPS},
    {"display", mon_cmd_display, 0, 1, "display[/F] [EXPR | delete N... | delete all]",
     "show EXPR now and after every stop of go, step, next and finish\n"
     "(and of continue, until, rstep, rcontinue and stack step).  Without EXPR\n"
     "lists them with their values; /F as for 'print'.",
     G_INSPECT, NULL, "delete:{all}- =s+e", CMD_RAW},
    {"info", mon_cmd_info, 1, 1, "info registers|breakpoints|watchpoints|vms|symbols|display|all",
     "gdb's info: the same as regs, break list, vm list, symbols, display\n"
     "'info watchpoints' lists only the watchpoints; 'info all' shows the\n"
     "registers, the breakpoints, the VMs (if any) and the display expressions.",
     G_INSPECT, "i", "={registers,breakpoints,watchpoints,vms,symbols,display,all}", CMD_KEEPS},
    {"console", mon_cmd_console, 0, 2, "console [input TEXT | clear]",
     "show the focused machine's console output, or queue input for CIN\n"
     "'console input TEXT' queues TEXT (escapes as in .ascii: \\n \\t \\r \\0\n"
     "\\\\ \\' \\\" \\xHH; any other is refused);\n"
     "'console clear' forgets the output so far (queued input stays).\n"
     "During 'go' the output is also shown as the guest writes it ('set console\n"
     "off' stops that), and keys typed at the terminal are queued as its input\n"
     "(with the console off too).\n"
     "TEXT is one word; in double quotes the line's own \\\" and \\\\ are taken\n"
     "first, so a backslash is written \\\\\\\\ or \\x5c there: console input\n"
     "\"a\\\\\\\\b\" queues a\\b, as console input a\\\\b does.",
     G_INSPECT, NULL, "={input,clear} >input:-", CMD_KEEPS /* without input or clear */},
    {"show", mon_cmd_show, 0, 1, "show [KEY]",
     "show the session: machines, focus, settings, breakpoints\n"
     "'show KEY' shows one of the settings 'set' lists (show profile).",
     G_INSPECT, NULL, "={memory,profile,on-error,limit,ring,histfile,cp-memory,cp-profile,"
     "hybrid,slice,console,checkpoint}", CMD_KEEPS},

    {"deposit", mon_cmd_deposit, 2, -1, "deposit [-p|-v|-r] ADDR VALUE... | deposit REG VALUE",
     "write words of memory, or a PSW field\n"
     "REG is P (or pc, as in expressions), M (user|sup), I, l, b, or psw (the\n"
     "whole word, loaded as LPSW loads it: cause bits ignored, so 'deposit psw\n"
     "E[0]' goes back to where the last trap left), also written $P, $pc, $b...;\n"
     "it names the field even where a label has that name (write b+0 for the\n"
     "label's word).  Memory flags as for 'examine'.  Several values fill\n"
     "consecutive words.",
     G_ALTER, "d", "={P,pc,M,I,l,b,psw,-p,-v,-r}+s+e", 0},
    {"assemble", mon_cmd_assemble, 1, 1, "assemble ADDR INSTRUCTION",
     "assemble one instruction (or data expression) into E[ADDR]\n"
     "Symbols of the loaded program may be used; the word is shown disassembled.",
     G_ALTER, "a", "=s+e", CMD_RAW},

    {"break", mon_cmd_break, 0, -1,
     "break [ADDR [ignore N] [do \"CMDS\"] [if EXPR] | trap CAUSE... | class CLASS... | list]",
     "set a breakpoint (none patches memory), or list them\n"
     "  break ADDR            stop before executing E[ADDR]\n"
     "    ignore N            ...but let the first N hits pass\n"
     "    do \"c1; c2\"         ...and run these commands when it stops\n"
     "    if EXPR             ...but only when EXPR is true (the rest of\n"
     "                        the line; a hit whose condition is false\n"
     "                        is not counted)\n"
     "  break trap CAUSE      stop after a trap: privileged memory svc\n"
     "                        illegal timer\n"
     "  break class CLASS     stop before any instruction of a class:\n"
     "                        privileged sensitive control location mode\n"
     "A trap stop's hit names its cause and the trapping instruction, the\n"
     "old PSW's P in E[0] ('breakpoint 1: svc trap at 0x4'; a timer trap's\n"
     "is the next instruction), a class stop's the classes and instruction\n"
     "('breakpoint 2 (class privileged: COUT) at 0x50').\n"
     "ADDR is in the focused machine's E (a VM's own E when one is selected).\n"
     "A label named trap or class (or a prefix) is ADDR unless a cause or\n"
     "class follows: 'break trap' in examples/supervisor.s stops at its label.\n"
     "A breakpoint is met when E[ADDR] is about to run, not while a timer trap\n"
     "comes first: the handler runs, and the breakpoint is met if E[ADDR] is\n"
     "reached again.",
     G_BREAK, "b", "list trap:c class:k =s+e+{ignore,do,if} >ignore:- >do:- >if:*s+e", 0},
    {"watch", mon_cmd_watch, 1, -1,
     "watch [read|write|access] ADDR [COUNT] [ignore N] [do \"CMDS\"] [if EXPR] | list",
     "stop after an instruction reads or writes watched words (default: write)\n"
     "One kind: read, write, or access for both (not 'read write').  'watch\n"
     "list' lists the watchpoints, as 'info watchpoints' does.\n"
     "'if EXPR' (the rest of the line) stops only when EXPR is true after the\n"
     "access, e.g. watch total if E[total] > 100.  A hit shows a write's old\n"
     "and new value ('write E[0xd] 0 -> 0x1f'), a read's value ('read E[0xc]\n"
     "= 0x1f'), as gdb's watch and rwatch do.  A trap writes E[0] (the old\n"
     "PSW) and reads E[1] (the new): 'watch 0' and 'watch read 1' stop after\n"
     "the step that trapped, the write named when both are watched.  The\n"
     "watched accesses of a step are hits until one stops the run: a step\n"
     "that writes one watched word and reads another is looked at for the\n"
     "write first, then for the read (each watchpoint once a step), so a\n"
     "write whose watchpoint lets the run go on (a false condition, an ignore\n"
     "count) does not hide the read, and one that stops it leaves the read no\n"
     "hit, as breakpoints at one address are met until one stops.  A\n"
     "write is a hit whether or not it changes the word (gdb's watch stops\n"
     "only on a change); fetching an instruction is no read.",
     G_BREAK, "w", "list ={read,write,access,ignore,do,if}+s+e >ignore:- >do:- >if:*s+e", 0},
    {"delete", mon_cmd_delete, 1, -1, "delete ID...|all",
     "delete breakpoints and watchpoints by number", G_BREAK, NULL, "={all}-", 0},
    {"ignore", mon_cmd_ignore, 2, 2, "ignore ID N",
     "let breakpoint ID pass its next N hits\n"
     "Says what it did, as gdb's ignore does: 'breakpoint 1 will ignore its\n"
     "next 2 hits' ('its next hit' for N = 1), and for N = 0 'breakpoint 1\n"
     "will stop at its next hit'.  A watchpoint is named as one.",
     G_BREAK, NULL, NULL, 0},

    {"trace", mon_cmd_trace, 0, -1, "trace [insns|traps|cp|all|off]... [to FILE|screen] [max BYTES]",
     "trace instructions, traps, or the control program's decisions\n"
     "  insns  every instruction executed, with the PSW\n"
     "  traps  only the traps taken\n"
     "         (the real machine's: not what a hybrid VM's control\n"
     "         program interprets in virtual supervisor mode)\n"
     "  cp     for every trap in a VM, what the control program did\n"
     "         (interpreted, reflected, allocator, scheduler, hybrid)\n"
     "         (a hybrid VM's stretch of interpreted supervisor code is\n"
     "         counted by 'vm stats', column hybrid, not traced: no trap\n"
     "         brings the control program there)\n"
     "Output goes to the screen or to FILE; either stops at BYTES (default\n"
     "16M; the screen counts from each 'trace'), the note that says so\n"
     "included, so a cap smaller than the note shows nothing; a cap given\n"
     "stays for the traces after it until another 'max'.  FILE appears,\n"
     "complete, when 'trace off' (or another 'to' or 'screen') ends it, which\n"
     "says \"trace: N records written to FILE\".  'to screen' (or 'screen') is the\n"
     "screen again: a file of that name is 'to ./screen'.  Without arguments,\n"
     "shows what is traced.  An instruction's line: the cycle count after it,\n"
     "the PSW it ran under ('real': the real machine's), the instruction and\n"
     "'-> trap CAUSE' if it trapped.",
     G_TRACE, NULL, "={insns,traps,cp,all,off,to,max,screen} >to:{screen}+f >max:-", 0},
    {"timeline", mon_cmd_timeline, 0, 1, "timeline [on|off|FILE.json|FILE.svg]",
     "record the control program's events and write them as a picture\n"
     "'timeline on' records every dispatcher event from now; 'timeline F.json'\n"
     "writes Chrome's trace event format (Perfetto, chrome://tracing), as does\n"
     "any FILE not named .svg; 'timeline F.svg' an SVG: a track per VM (direct\n"
     "execution, trap ticks) and one for the control program; recording goes\n"
     "on.  'timeline off' stops it and discards the events (write them\n"
     "first).  Going back (rstep, rcontinue, restore) forgets the events\n"
     "undone, 'reset all' all of them.  The same as 'tgm run --vmm --timeline'.\n"
     "'timeline' alone says 'timeline: recording, N events' (N those kept,\n"
     "and ' (some dropped)' once more came than the 1000000 kept) or\n"
     "'timeline: off (...)'.",
     G_TRACE, NULL, "={on,off}+f", 0},
    {"history", mon_cmd_history, 0, 1, "history [N]",
     "show the last N instructions executed (default 20; 'set ring' sizes it)\n"
     "One line each, as 'trace insns' writes them: the cycle count after the\n"
     "instruction (not its step number), the PSW it ran under, the instruction\n"
     "and '-> trap CAUSE' if it trapped.",
     G_TRACE, NULL, NULL, 0},

    /* no top count: each subcommand gives its own usage */
    {"vm", mon_cmd_vm, 1, -1,
     "vm create|list|select|load|console|input|stop|resume|destroy|stats|limit ...",
     "manage virtual machines under the control program (sections 4-6)\n"
     "  vm create NAME WORDS [FILE]  allocate a region (and load FILE)\n"
     "  vm list                      VMs with state, region, statistics\n"
     "  vm select NAME|bare          focus the commands on a VM or bare\n"
     "  vm load NAME FILE            load an image or source into a VM\n"
     "  vm console NAME              the VM's console output\n"
     "  vm input NAME TEXT           queue console input for the VM\n"
     "  vm stop|resume|destroy NAME  control the VM\n"
     "  vm stats [NAME]              the three properties: direct vs\n"
     "                               interpreted instructions, traps by\n"
     "                               cause and disposition\n"
     "  vm limit NAME N              stop the VM after N of its steps\n"
     "                               in all (0: none; at or below the\n"
     "                               steps taken, before its next); a\n"
     "                               VM at its limit runs on when it\n"
     "                               is raised",
     G_VM, NULL,
     "create:--f- list select:V- load:vf- console:v- input:v- stop:v- resume:v- "
     "destroy:v- stats:v- limit:v-",
     CMD_KEEPS /* list, console and stats; the others say they change */},
    {"check", mon_cmd_check, 1, -1,
     "check FILE [mem W] [steps N] [slice N] [profile P] [hybrid] [input TEXT] [nest N "
     "[vmm]] [with FILE...]",
     "run FILE bare and under the control program and compare (section 6)\n"
     "Fails unless the final states are equivalent; shows the first difference\n"
     "and the VM's statistics.  'with' runs other images in VMs alongside: its\n"
     "files go up to the next option, and a word that names an existing file\n"
     "and is not an option in full is a file ('with v' and a file v).\n"
     "'input TEXT' is console input for every run, as 'tgm check --input'\n"
     "(escapes as in 'console input').\n"
     "Without the options: the session's cp-profile, hybrid and slice (see\n"
     "'set'), guests of 65536 words and 100000000 steps, as 'tgm check'.\n"
     "It runs on machines of its own: the session's are left as they were.\n"
     "'nest N' instead runs each image bare and on N levels (1..16) of the\n"
     "machine-code control program (Theorem 2) and compares them trap by\n"
     "trap, as 'tgm check --nest N': not with hybrid (given or set) or\n"
     "slice, on the virtualizable profile only, mem W up to 2^19 less 640\n"
     "per level; 'vmm' puts the C control program at the bottom of the\n"
     "stack, as 'tgm check --nest N --vmm'.  Ctrl-C abandons it, with no\n"
     "verdict, as it stops 'go'.",
     G_VM, NULL, "=f+{mem,steps,slice,profile,hybrid,input,nest,vmm,with} >profile:p >input:- "
     ">mem:- >steps:- >slice:- >nest:-",
     0},

    {"nest", mon_cmd_nest, 2, 6, "nest N FILE [mem W]",
     "build a stack: N levels of the control program in machine code, FILE on top\n"
     "Theorem 2 (section 7): the control program of examples/vmm/cp.s hosts the\n"
     "one above it, N times, with FILE's guest on top seeing a bare machine of W\n"
     "words (default 65536; at most 2^19 less the levels' 640 words each,\n"
     "523648 under one level).  The stack replaces the bare machine (reset, with\n"
     "the control program's symbols); 'stack' shows it, 'go' runs it.  The\n"
     "bare machine's profile must be 'virtualizable', the only one the control\n"
     "program virtualizes (as 'tgm run --nest').",
     G_VM, NULL, "=-f{mem}-", 0},
    {"stack", mon_cmd_stack, 0, 2, "stack [step [N]]",
     "show the stack of control programs, or step the guest on top\n"
     "For each level: where its control program and its guest are, the guest's\n"
     "virtual PSW, R and timer as that level records them, and its counts.\n"
     "'stack step N' runs the real machine until the guest on top has taken N\n"
     "steps, each executed directly or handled by the levels below it, counted\n"
     "as its bare machine counts them (a trap and the timer trap it lets in are\n"
     "two, shown on one line that says so); Ctrl-C, the step limit (of real\n"
     "steps), a trap loop, breakpoints, watchpoints and trap stops stop it, as\n"
     "they stop 'go', and are reported as there (the counts the real\n"
     "machine's).",
     G_VM, NULL, "={step}-", CMD_RUNS /* 'stack step'; 'stack' alone only looks */},

    {"save", mon_cmd_save, 1, 2, "save FILE [nobreaks]",
     "snapshot the whole system to FILE\n"
     "The bare machine, the real machine, the control program with every VM,\n"
     "a stack built with 'nest', symbols and (unless 'nobreaks') breakpoints;\n"
     "written atomically.  It will not write over a file the loaded program\n"
     "was read from (its source, an .include of it, or its image).",
     G_SNAP, NULL, "=f{nobreaks}", 0},
    {"restore", mon_cmd_restore, 1, 1, "restore FILE",
     "restore a snapshot; a damaged or mismatched file changes nothing",
     G_SNAP, NULL, "=f", 0},

    {"do", mon_cmd_do, 1, -1, "do FILE [ARGS...]",
     "run the commands in FILE; %1.. in it stand for ARGS, %* for all\n"
     "It stops at the first failed command unless 'set on-error continue' (or\n"
     "'finish': it runs on and fails at its end).",
     G_SCRIPT, NULL, "=f", CMD_KEEPS /* its commands say whether they change */},
    {"assert", mon_cmd_assert, 1, 1, "assert EXPR",
     "fail unless EXPR is true (non-zero)\n"
     "Expressions: numbers (42, 0x2a, 0b101, 'c'), symbols, P M I l b q, cause\n"
     "(last trap), cycles steps insns, halted, E[x] (physical), V[x] (through\n"
     "R), user sup, trap names (privileged memory svc illegal timer none),\n"
     ". (P as an address, as DDT's: 'deposit . 4' writes the word P points at,\n"
     "where 'deposit P 4' sets P),\n"
     "psw(m, p, l, b) pswi(m, p, l, b) rb(l, b) as in the assembler;\n"
     "operators ( ) ! ~ - * / % + - << >> < <= > >= == != & ^ | && ||, signed.\n"
     "A label of the loaded program hides a built-in name; $cause, $halted...\n"
     "always mean the built-in.  Example: assert E[0x100] == 42 && M == user",
     G_SCRIPT, NULL, "=s+e", CMD_RAW | CMD_KEEPS},
    {"log", mon_cmd_log, 0, 1, "log [FILE|off]",
     "copy the session, commands and output, to FILE (for a lab report)\n"
     "Each command is written after its prompt, as on the screen; FILE\n"
     "appears, complete, when 'log off' (or the end of the session) closes\n"
     "it, in place of any file of that name (a log is never added to).\n"
     "'log FILE' for another file closes the log first; for the log's own\n"
     "file it keeps the log going.  'log' says where the log goes.",
     G_SCRIPT, NULL, "=f+{off}", 0},
    {"echo", mon_cmd_echo, 0, 1, "echo TEXT",
     "print TEXT\n"
     "TEXT is the rest of the line as written, spaces between words kept, with\n"
     "its double quotes taken off as on any command line: echo \"a; b\" prints\n"
     "a; b.\n"
     "Inside quotes \\\" is a quote and \\\\ a backslash; there are no other escapes.",
     G_SCRIPT, NULL, NULL, CMD_RAW | CMD_KEEPS},
    {"set", mon_cmd_set, 0, 2, "set [KEY VALUE]",
     "change a setting, or list them\n"
     "  memory Q          bare machine size in words (resets it)\n"
     "  profile NAME      instruction-set profile of the bare machine\n"
     "                    (resets it)\n"
     "  on-error MODE     in scripts: stop (default), continue, or\n"
     "                    finish (run on, then exit 1)\n"
     "  limit N           steps per run command, 0 = none\n"
     "  ring N            instructions kept for 'history' (the\n"
     "                    newest stay; at most 1000000)\n"
     "  histfile FILE     command-line history file (env TGM_HISTORY)\n"
     "  cp-memory Q, cp-profile NAME, hybrid on|off\n"
     "                    the control program's machine, before the\n"
     "                    first VM ('check' takes profile, hybrid and\n"
     "                    slice from here too)\n"
     "  slice N           cycles per VM time slice (at least 1); a\n"
     "                    shorter one also cuts the slice under way\n"
     "  console on|off    show guest console output as it is written\n"
     "                    during 'go' (default on; 'step' always\n"
     "                    reports it)\n"
     "  checkpoint N      steps between checkpoints for rstep\n"
     "                    (default 100000)",
     G_SCRIPT, NULL,
     "memory profile:p on-error:{stop,continue,finish} limit ring histfile:f "
     "cp-memory cp-profile:p hybrid:{on,off} slice console:{on,off} checkpoint",
     0},
    {"help", mon_cmd_help, 0, -1, "help [COMMAND]",
     "list the commands, or describe one\n"
     "'help vm create' and 'help x/4i' are 'help vm' and 'help x'.",
     G_SCRIPT, "h ?", "=C-", 0},
    {"exit", mon_cmd_exit, 0, 1, "exit [N]",
     "leave the monitor with status N (default: 0, or 1 after a failure that counted)\n"
     "A failure counts unless 'set on-error continue' was on for it.\n"
     "A session that ends otherwise exits 0; 1 if a command or an assert\n"
     "failed; 2 for bad usage or an unreadable script; 128 + the\n"
     "signal's number after SIGTERM, SIGHUP or (outside the terminal)\n"
     "Ctrl-C, which stop a run and end the session as its end does.",
     G_SCRIPT, NULL, NULL, 0},
    {"quit", mon_cmd_quit, 0, 0, "quit", "leave the monitor (also Ctrl-D)",
     G_SCRIPT, "q", NULL, 0},
};
const size_t mon_ncmds = sizeof mon_cmds / sizeof mon_cmds[0];

bool mon_in_list(const char *word, size_t n, const char *list)
{
    if (!list)
        return false;
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncasecmp(p, word, n))
            return true;
        p += k;
        while (*p == ' ')
            p++;
    }
    return false;
}

int mon_keyword(const char *word, const char *list)
{
    size_t n = strlen(word);
    int found = -1, idx = 0;
    if (!n)
        return -1;
    for (const char *p = list; *p; idx++) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncasecmp(p, word, n))
            return idx;
        if (k > n && !strncasecmp(p, word, n))
            found = found == -1 ? idx : -2;
        p += k;
        while (*p == ' ')
            p++;
    }
    return found;
}

int mon_keyword_or_file(const char *word, const char *list)
{
    int k = mon_keyword(word, list);
    if (k == -1)
        return -1;
    size_t n = strlen(word);
    for (const char *p = list; *p; p += strspn(p, " ")) { /* a keyword in full? */
        size_t len = strcspn(p, " ");
        if (len == n && !strncasecmp(p, word, n))
            return k;
        p += len;
    }
    struct stat st;
    return stat(word, &st) == 0 ? -1 : k;
}

int mon_option_once(struct mon *m, const char *list, int k, unsigned *seen)
{
    if (!(*seen & 1u << k)) {
        *seen |= 1u << k;
        return 0;
    }
    const char *p = list;
    for (int i = 0; i < k; i++) {
        p += strcspn(p, " ");
        p += strspn(p, " ");
    }
    return mon_err(m, "'%.*s' given twice", (int)strcspn(p, " "), p);
}

/* A command, a prefix of one or one of its letters, in any case (as SIMH's
 * and CP's commands, and the subcommands and keywords, mon_keyword). */
const struct mon_cmd *mon_cmd_find(const char *word, char *why, size_t len)
{
    const struct mon_cmd *hit = NULL;
    int nhits = 0;
    size_t n = strlen(word);
    for (size_t i = 0; i < mon_ncmds; i++)
        if (!strcasecmp(word, mon_cmds[i].name) || mon_in_list(word, n, mon_cmds[i].abbrev))
            return &mon_cmds[i];
    for (size_t i = 0; i < mon_ncmds; i++)
        if (n && !strncasecmp(word, mon_cmds[i].name, n)) {
            hit = &mon_cmds[i];
            nhits++;
        }
    if (nhits == 1)
        return hit;
    if (nhits > 1) {
        int k = snprintf(why, len, "ambiguous command '%s':", word);
        for (size_t i = 0; i < mon_ncmds && k > 0 && (size_t)k < len; i++)
            if (!strncasecmp(word, mon_cmds[i].name, n))
                k += snprintf(why + k, len - (size_t)k, " %s", mon_cmds[i].name);
        return NULL;
    }
    struct tgm_suggest s;
    tgm_suggest_init(&s, word, n);
    for (size_t i = 0; i < mon_ncmds; i++)
        tgm_suggest_offer(&s, mon_cmds[i].name);
    const char *instead = mon_foreign(word), *sug = tgm_suggest_unique(&s);
    if (instead)
        snprintf(why, len, "unknown command '%.*s%s' (in tgm: %s)", MON_QUOTE(word), instead);
    else if (sug)
        snprintf(why, len, "unknown command '%.*s%s' (did you mean '%s'?)", MON_QUOTE(word), sug);
    else
        snprintf(why, len, "unknown command '%.*s%s' (try 'help')", MON_QUOTE(word));
    return NULL;
}

/* The summary: the help text's first line. */
static int summary_len(const char *help)
{
    return (int)strcspn(help, "\n");
}

static void help_markdown(struct mon *m)
{
    FILE *f = m->out;
    for (int g = 0; g < G_COUNT; g++) {
        fprintf(f, "### %s\n\n", mon_group_names[g]);
        for (size_t i = 0; i < mon_ncmds; i++) {
            const struct mon_cmd *c = &mon_cmds[i];
            if (c->group != (enum mon_group)g)
                continue;
            fprintf(f, "#### `%s`\n\n", c->name);
            fprintf(f, "```\n%s\n```\n\n", c->usage);
            if (c->abbrev)
                fprintf(f, "Also: `%s`.\n\n", c->abbrev);
            const char *h = c->help;
            int sl = summary_len(h);
            fprintf(f, "%c%.*s.\n\n", (char)(h[0] >= 'a' && h[0] <= 'z' ? h[0] - 32 : h[0]),
                    sl - 1, h + 1);
            if (h[sl])
                fprintf(f, "```\n%s\n```\n\n", h + sl + 1);
        }
    }
}

int mon_cmd_help(struct mon *m, int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--markdown")) {
        help_markdown(m);
        return 0;
    }
    if (argc >= 2) {
        /* 'help vm create' and 'help x/4i' as typed: the command's help,
         * which covers its subcommands and formats */
        /* the '/' of x/4i after the first letter; 'help ""' has none */
        char *word = argv[1], *cut = word + (word[0] ? strcspn(word + 1, "/") + 1 : 0);
        size_t whylen = strlen(word) + 256; /* the word in full, however long */
        char *why = malloc(whylen), was = *cut;
        if (!why)
            return mon_err(m, "out of memory");
        *cut = '\0';
        const struct mon_cmd *c = mon_cmd_find(word, why, whylen);
        *cut = was;
        int rc = c ? 0 : mon_err(m, "%s", why);
        free(why);
        if (!c)
            return rc;
        mon_out(m, "usage: %s\n", c->usage);
        if (c->abbrev)
            mon_out(m, "also:  %s\n", c->abbrev);
        mon_out(m, "%s\n", c->help);
        return 0;
    }
    for (int g = 0; g < G_COUNT; g++) {
        mon_out(m, "%s:\n", mon_group_names[g]);
        for (size_t i = 0; i < mon_ncmds; i++) {
            const struct mon_cmd *c = &mon_cmds[i];
            if (c->group == (enum mon_group)g)
                mon_out(m, "  %-10s %.*s\n", c->name, summary_len(c->help), c->help);
        }
    }
    mon_out(m, "Commands may be abbreviated to any unique prefix; single letters:\n"
               "  s step, e/x examine, d deposit, b break, w watch, c continue, g go,\n"
               "  u until, r regs, t translate, p print, a assemble, h help, q quit,\n"
               "  n next, i info; gdb's x/NF and p/F formats work too.\n"
               "'help COMMAND' describes one; ';' separates commands on a line.\n");
    return 0;
}
