// In-process hook called inside the transaction after every transition (and creation), so other
// modules (notifications, slips) react to dossier changes without editing this module. A listener
// that throws rolls the transition back: listeners must only do work that belongs to the same
// transaction (queue a job, insert a notification row) and never slow external I/O.

import type { Tx } from "../../db/scope";
import type { Dossier, DossierEvent } from "./types";

export type DossierEventListener = (e: { tx: Tx; dossier: Dossier; event: DossierEvent }) => Promise<void>;

/**
 * The same reaction to several dossiers' events written together (a batch of online submissions).
 * The batch's transaction holds the commune's audit heads: a listener that runs its statements once
 * per dossier there keeps every other batch of the commune waiting, so a listener with work per
 * event gives this form and writes a batch's rows in one statement.
 */
export type DossierEventsListener = (e: { tx: Tx; items: readonly { dossier: Dossier; event: DossierEvent }[] }) => Promise<void>;

type Entry = { one: DossierEventListener; many?: DossierEventsListener };

const listeners: Entry[] = [];

/** Subscribes; returns a function that unsubscribes (for tests). `many`: the batch form, if any. */
export function onDossierEvent(listener: DossierEventListener, options: { many?: DossierEventsListener } = {}): () => void {
  const entry: Entry = { one: listener, ...(options.many ? { many: options.many } : {}) };
  listeners.push(entry);
  return () => {
    const i = listeners.indexOf(entry);
    if (i >= 0) listeners.splice(i, 1);
  };
}

export async function emitDossierEvent(e: { tx: Tx; dossier: Dossier; event: DossierEvent }): Promise<void> {
  for (const l of listeners) await l.one(e);
}

/** Several events of one transaction: each listener's batch form once, else its single form per event. */
export async function emitDossierEvents(tx: Tx, items: readonly { dossier: Dossier; event: DossierEvent }[]): Promise<void> {
  if (items.length === 0) return;
  for (const l of listeners) {
    if (l.many) await l.many({ tx, items });
    else for (const it of items) await l.one({ tx, ...it });
  }
}
