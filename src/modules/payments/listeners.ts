// What payments do when a dossier changes, inside the transition's transaction (onDossierEvent):
// the fee is assessed when the dossier comes in; acceptance and hand-over are refused while the
// fee stands in the way (the refusal rolls the transition back); a refused or withdrawn dossier's
// payments are put up for refund (the refund job sends them after commit).
import { type DossierEventListener, onDossierEvent } from "../dossiers/events";
import { assessAtIntake, assessManyAtIntake, checkFeeAllows } from "./fees";
import { requestRefunds } from "./jobs";

async function onOne({ tx, dossier, event }: Parameters<DossierEventListener>[0]): Promise<void> {
  switch (event.action) {
    case "submit_online":
    case "receive":
      await assessAtIntake(tx, dossier, { userId: event.actorUserId, label: event.actorLabel });
      return;
    case "accept":
      await checkFeeAllows(tx, dossier, "accept");
      return;
    case "return":
      await checkFeeAllows(tx, dossier, "return");
      return;
    case "refuse":
    case "withdraw":
      await requestRefunds(tx, {
        dossierId: dossier.id,
        dossierCode: dossier.code,
        agencyId: dossier.agencyId,
        reason: event.action === "refuse" ? "payment.reason.refused" : "payment.reason.withdrawn",
        actor: { userId: event.actorUserId, label: event.actorLabel },
      });
      return;
  }
}

// A batch of online submissions: every fee assessed in one statement (the rest one by one).
onDossierEvent(onOne, {
  many: async ({ tx, items }) => {
    const intake = items.filter((it) => it.event.action === "submit_online" || it.event.action === "receive");
    await assessManyAtIntake(tx, intake.map(({ dossier, event }) => ({ dossier, actor: { userId: event.actorUserId, label: event.actorLabel } })));
    for (const it of items) if (!intake.includes(it)) await onOne({ tx, ...it });
  },
});
