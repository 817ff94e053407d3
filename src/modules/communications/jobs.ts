import { registerJob } from "../../jobs/queue";
import { publishDue } from "./items";

export const PUBLISH_JOB = "communications.publish-scheduled";

registerJob({
  name: PUBLISH_JOB,
  cron: "* * * * *",
  run: async ({ db }) => {
    await db.system((tx) => publishDue(tx, new Date()));
  },
});
