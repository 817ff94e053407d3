import type { Tx } from "../../db/scope";
import { loadPeople, type People } from "../accounts/people";
import { listEvents } from "./service";
import type { DossierEvent } from "./types";

/** A dossier's events with the people who acted in them, read now so current names are shown. */
export type DossierHistory = { events: DossierEvent[]; people: People };

export async function loadHistory(tx: Tx, dossierId: number): Promise<DossierHistory> {
  const events = await listEvents(tx, dossierId);
  return { events, people: await peopleOfEvents(tx, events) };
}

export function peopleOfEvents(tx: Tx, events: readonly DossierEvent[]): Promise<People> {
  return loadPeople(tx, events.map((e) => e.actorUserId));
}
