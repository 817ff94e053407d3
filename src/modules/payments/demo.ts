// Demo data of payments: xã Minh Tiến charges the fee of "Cấp bản sao Trích lục hộ tịch, bản sao
// Giấy khai sinh" (2.000635, offered full-online) as Thông tư 281/2016/TT-BTC sets it — 8.000 đồng
// per copy, paid before the result is handed over — and registers its receipt series "MT".
import { registerDemoSeeder } from "../demo/seed";
import { setLocalTerm } from "../catalog/service";

/** The demo commune's full-online procedure with a fixed fee (named in the README). */
export const DEMO_PAID_PROCEDURE = "2.000635";

registerDemoSeeder({
  name: "payments",
  run: async (tx, { communeId, users }) => {
    const admin = { actor: "demo-admin", actorUserId: users["demo-admin"] ?? null };
    await setLocalTerm(tx, {
      agencyId: communeId,
      code: DEMO_PAID_PROCEDURE,
      change: {
        what: "fees",
        value: { fees: [{ kind: "fixed", amountVnd: 8000, per: "copy", capVnd: null, note: null }], basis: "Thông tư 281/2016/TT-BTC", due: "result", exemptions: [] },
      },
      reason: "Mức thu phí cấp bản sao trích lục hộ tịch: 8.000 đồng/bản sao",
      ...admin,
    });
    await tx.exec(
      "insert into payment_settings (agency_id, receipt_template, receipt_prefix, updated_by) values ($1, '01BLP0-001', 'MT', $2) on conflict (agency_id) do nothing",
      [communeId, users["demo-admin"] ?? null],
    );
  },
});
