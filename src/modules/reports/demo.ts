// The demo province's reporting calendar: besides the six-monthly communication report every
// commune owes by default, the quarterly report on administrative reform, due on the 15th of each
// quarter's last month.
import { registerDemoSeeder } from "../demo/seed";

registerDemoSeeder({
  name: "reporting-calendar",
  run: async (tx, { provinceId }) => {
    await tx.exec(
      `insert into report_schedules (agency_id, kind, frequency, due_month, due_day, remind_days)
       values ($1, 'cchc-periodic', 'quarter', 'last', 15, 5) on conflict (agency_id, kind, frequency) do nothing`,
      [provinceId],
    );
  },
});
