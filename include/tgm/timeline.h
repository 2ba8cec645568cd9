/* timeline.h: a picture of a run under the control program (sections 5-6):
 * when each VM executed directly on the real machine, when the control
 * program had it, and every trap with its cause and what the control
 * program did with it.
 *
 * Record the dispatcher's events as they happen (timeline_event, from a
 * vmm event hook), then write them as Chrome trace event JSON (Perfetto,
 * chrome://tracing) or as a self-contained SVG picture.  Time is the real
 * machine's cycle count.
 */
#ifndef TGM_TIMELINE_H
#define TGM_TIMELINE_H

#include <stddef.h>

#include "tgm/vmm.h"

/* Recorded (24 bytes each); later ones are counted only, and the picture
 * ends where the first of them began. */
#define TIMELINE_MAX_EVENTS 1000000u

struct tgm_timeline;

struct tgm_timeline *timeline_new(void);
void timeline_free(struct tgm_timeline *t);
/* Recording starts now, V's VMs mid-run (V may be NULL): take each VM's
 * control program entries so far, so that its first event here is known
 * to have come by a trap or not, as every later one is. */
void timeline_begin(struct tgm_timeline *t, struct vmm *v);
/* Record event E of V (call from the vmm event hook). */
void timeline_event(struct tgm_timeline *t, struct vmm *v, const struct vmm_event *e);
/* The session went back in time (reverse execution): forget the events
 * after V's real time now, which will happen again, so that they are not
 * drawn twice nor the VMs taken for new ones; a VM's track left with no
 * event is not drawn, as before its first.  V NULL: the control program
 * is gone, and with its real machine's clock all its events. */
void timeline_rewind(struct tgm_timeline *t, struct vmm *v);
/* Events recorded and events beyond TIMELINE_MAX_EVENTS. */
size_t timeline_count(const struct tgm_timeline *t, size_t *dropped);
/* The real cycles the picture spans: from where recording began (0 for a
 * run recorded from its start) to V's real time now or, when events were
 * dropped at TIMELINE_MAX_EVENTS, to where the first of them began. */
void timeline_span(const struct tgm_timeline *t, struct vmm *v, uint64_t *from,
                   uint64_t *to);
/* Write what was recorded, over timeline_span's cycles, to PATH: SVG if it
 * ends in ".svg", else JSON.  0, or -1 with ERR. */
int timeline_write(const struct tgm_timeline *t, struct vmm *v, const char *path, char *err,
                   size_t errlen);

#endif
