/* refsnap.h: a model of what the monitor's 'save' and 'restore' keep,
 * written from docs/monitor.md ("Snapshots", the 'save' and 'restore'
 * references, 'set' and the sections on breakpoints, displays and reverse
 * execution), and the session driver test_audit_refsnap.c compares it with.
 *
 * The model splits what a session shows into three parts:
 *   - the snapshot's: the bare machine (registers, E, console), the real
 *     machine, the control program with every VM (list, stats, consoles,
 *     each VM's registers and E), the labels, the focus, and the settings
 *     SESS holds (memory, profile, cp-memory, cp-profile, hybrid, slice);
 *     'restore' brings them back as saved;
 *   - the session's: the other settings (on-error, limit, ring, histfile,
 *     console, checkpoint) and the display expressions, which no section
 *     of the file holds; 'restore' leaves them as they are;
 *   - the breakpoint list (breakpoints, watchpoints, trap stops): the
 *     saved one, or with 'nobreaks' the session's, less those in a VM the
 *     snapshot has not or outside the memory it restores, each said.
 * A refused restore changes none of the three.
 */
#ifndef TGM_TESTS_REFSNAP_H
#define TGM_TESTS_REFSNAP_H

#include <stdbool.h>
#include <stddef.h>

/* Is the 'show' line LINE one of the snapshot's settings (SESS) or the
 * focus and machines it names?  The others stay with the session. */
bool rs_show_line_is_snap(const char *line);

/* The lines of 'show' output SHOW that are (SNAP) or are not (!SNAP) the
 * snapshot's, malloc'd. */
char *rs_show_part(const char *show, bool snap);

/* The 'show' the model expects after a restore: each line the snapshot's
 * from SAVED, each other from BEFORE (the session's, left as it was), in
 * SAVED's order; malloc'd. */
char *rs_show_expected(const char *saved, const char *before);

/* 'break list' output LIST less the entries whose id is in IDS (N of
 * them): what a 'nobreaks' restore leaves; malloc'd. */
char *rs_breaks_without(const char *list, const int *ids, int n);

/* TEXT with hit counts ("hit N time(s)", "hits N") blanked: a 'nobreaks'
 * restore keeps the session's counts, which a session that never left
 * the saved point did not make; malloc'd. */
char *rs_blank_hits(const char *text);

#endif
