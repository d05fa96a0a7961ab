// Progress for long work: a cli-progress bar when stderr is a terminal, plain lines otherwise (one
// per tenth of the work), so logs and CI output stay readable. Always on stderr: stdout is for results.
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const plainStepsMax = 10;

export function progressReporter(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (total <= 0) return { update: () => {}, stop: () => {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% {value}/{total} rows, eta {eta}s`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let reported = 0;
  return {
    update(done) {
      const step = Math.floor((done * plainStepsMax) / total);
      if (step <= reported && done < total) return;
      reported = step;
      stream.write(`${label}: ${done}/${total} rows (${Math.floor((done * 100) / total)} %)\n`);
    },
    stop() {},
  };
}
