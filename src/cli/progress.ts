import cliProgress from "cli-progress";

/** A progress bar on a terminal; plain periodic lines when output is a file or CI log. */
export function progressBar(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let lastPct = -1;
    return {
      update: (done, total) => {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        if (pct >= lastPct + 10 || done === total) {
          lastPct = pct;
          process.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
        }
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}%`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}
