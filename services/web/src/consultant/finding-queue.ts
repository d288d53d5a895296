/**
 * Findings typed in the interview room, kept until the service has them. A meeting room's network
 * is unreliable: each finding is written to localStorage first with its own Idempotency-Key, then
 * sent; a failure of the network leaves it waiting and it is sent again – with the same key, so it
 * is recorded once – when the browser is back online, every few seconds, and after a reload. A
 * refusal of the service (a 4xx problem) marks it failed with the problem's detail, to be retried
 * or discarded by the person who typed it.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey, post } from '../api.js';
import type { Frequency, Section } from './documents.js';

export type FindingBody = { section: Section; text: string; pain?: number; frequency?: Frequency };
export type PendingFinding = {
  key: string;
  interviewId: string;
  body: FindingBody;
  state: 'waiting' | 'failed';
  detail?: string;
  typedAt: string;
};

const STORAGE_KEY = 'crm.pending-findings';
const RETRY_MS = 5_000;

const read = (): PendingFinding[] => {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(stored) ? (stored as PendingFinding[]) : [];
  } catch {
    return [];
  }
};

const listeners = new Set<() => void>();
const write = (pending: PendingFinding[]) => {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(pending));
  listeners.forEach((listener) => listener());
};
const update = (key: string, change: (p: PendingFinding) => PendingFinding | undefined) =>
  write(read().flatMap((p) => (p.key === key ? [change(p)].filter((x): x is PendingFinding => !!x) : [p])));

const inFlight = new Set<string>();

/** Sends one pending finding; resolves true once the service has recorded it. */
const deliver = async (pending: PendingFinding, saved: () => void): Promise<void> => {
  if (inFlight.has(pending.key)) return;
  inFlight.add(pending.key);
  try {
    await post(`/interviews/${pending.interviewId}/findings`, pending.body, { idempotencyKey: pending.key });
    update(pending.key, () => undefined);
    saved();
  } catch (error) {
    // A 4xx is the service's answer and will not change by itself; anything else may pass later.
    if (error instanceof ApiError && error.status < 500 && error.status !== 408 && error.status !== 429) {
      update(pending.key, (p) => ({ ...p, state: 'failed', detail: error.problem.detail }));
    } else {
      update(pending.key, (p) => ({ ...p, state: 'waiting' }));
    }
  } finally {
    inFlight.delete(pending.key);
  }
};

export const enqueueFinding = (interviewId: string, body: FindingBody, saved: () => void) => {
  const pending: PendingFinding = { key: newIdempotencyKey(), interviewId, body, state: 'waiting', typedAt: new Date().toISOString() };
  write([...read(), pending]);
  void deliver(pending, saved);
};

export const retryFinding = (key: string, saved: () => void) => {
  update(key, (p) => ({ ...p, state: 'waiting', detail: undefined }) as PendingFinding);
  const pending = read().find((p) => p.key === key);
  if (pending) void deliver(pending, saved);
};

export const discardFinding = (key: string) => update(key, () => undefined);

/** The interview's findings not yet saved, kept current; waiting ones are retried while mounted. */
export const usePendingFindings = (interviewId: string, saved: () => void): PendingFinding[] => {
  const mine = () => read().filter((p) => p.interviewId === interviewId);
  const [pending, setPending] = useState(mine);
  useEffect(() => {
    const changed = () => setPending(mine());
    listeners.add(changed);
    const onStorage = (e: StorageEvent) => e.key === STORAGE_KEY && changed();
    window.addEventListener('storage', onStorage);
    const retryWaiting = () => mine().filter((p) => p.state === 'waiting').forEach((p) => void deliver(p, saved));
    retryWaiting();
    window.addEventListener('online', retryWaiting);
    const timer = window.setInterval(retryWaiting, RETRY_MS);
    return () => {
      listeners.delete(changed);
      window.removeEventListener('storage', onStorage);
      window.removeEventListener('online', retryWaiting);
      window.clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one subscription per interview
  }, [interviewId]);
  return pending;
};
