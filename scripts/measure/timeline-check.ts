// Whether the per-second timeline adds up to the accounting. The accounting is every A process's
// totals since it started; the timeline starts at load start (t0), after A has already been placing
// calls through its start-up while the rest came up. Rather than let the two disagree in silence,
// the result says by how much and why, in one line.
import { formatCount as n } from '../model/format.js';
import type { Accounting, CallCounts, TimelineCheck, TimelineSecond } from '../model/result.js';
import { secondIn, type ClientSeries } from './run-data.js';

function counts(items: ReadonlyArray<CallCounts>): CallCounts {
  return items.reduce((sum, c) => ({ scheduled: sum.scheduled + c.scheduled, completed: sum.completed + c.completed, skipped: sum.skipped + c.skipped }), {
    scheduled: 0,
    completed: 0,
    skipped: 0,
  });
}

const isZero = (c: CallCounts): boolean => c.scheduled === 0 && c.completed === 0 && c.skipped === 0;
const said = (c: CallCounts): string => `scheduled ${n(c.scheduled)}, completed ${n(c.completed)}, skipped ${n(c.skipped)}`;

/** The timeline (seconds from t0 on, as computeTimeline keeps them) against the accounting's totals. */
export function checkTimeline(clients: readonly ClientSeries[], t0: number, timeline: readonly TimelineSecond[], accounting: Accounting): TimelineCheck {
  const inTimeline = counts(timeline);
  const beforeStart = counts(clients.flatMap((s) => s.buckets.filter((b) => secondIn(b, { from: -Infinity, to: t0 }))));
  const unread: CallCounts = {
    scheduled: accounting.scheduled - inTimeline.scheduled - beforeStart.scheduled,
    completed: accounting.completed - inTimeline.completed - beforeStart.completed,
    skipped: accounting.skipped - inTimeline.skipped - beforeStart.skipped,
  };
  const reconciles = isZero(beforeStart) && isZero(unread);
  const parts = [
    isZero(beforeStart) ? '' : `A's start-up before load start (${said(beforeStart)})`,
    isZero(unread) ? '' : `calls the accounting counts in no second the collector read (${said(unread)})`,
  ].filter(Boolean);
  const check = reconciles
    ? `the timeline adds up to the accounting: ${said(inTimeline)}`
    : `the timeline (${said(inTimeline)}) leaves out ${parts.join(' and ')}; with ${parts.length > 1 ? 'them' : 'it'} it adds up to the accounting`;
  return { timeline: inTimeline, beforeStart, unread, reconciles, check };
}
