import { readFileSync } from "node:fs";

/**
 * The import pages' script (import.client.js): the upload's own progress bar, then the reading
 * and applying progress polled from the server. The pages work without it (the progress page
 * reloads itself); served as a file of its own so only these pages load it.
 */
export const IMPORT_SCRIPT = readFileSync(new URL("./import.client.js", import.meta.url), "utf8");
export const IMPORT_SCRIPT_PATH = "/catalog/import.js";
