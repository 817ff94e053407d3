// In-process hook called inside the transaction after every transition (and creation), so other
// modules (notifications, slips) react to dossier changes without editing this module. A listener
// that throws rolls the transition back: listeners must only do work that belongs to the same
// transaction (queue a job, insert a notification row) and never slow external I/O.

import type { Tx } from "../../db/scope";
import type { Dossier, DossierEvent } from "./types";

export type DossierEventListener = (e: { tx: Tx; dossier: Dossier; event: DossierEvent }) => Promise<void>;

const listeners: DossierEventListener[] = [];

/** Subscribes; returns a function that unsubscribes (for tests). */
export function onDossierEvent(listener: DossierEventListener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

export async function emitDossierEvent(e: { tx: Tx; dossier: Dossier; event: DossierEvent }): Promise<void> {
  for (const l of listeners) await l(e);
}
