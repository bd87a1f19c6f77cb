// The CLI's only channel to the outside world. Library code never prints; commands write through an Io,
// which tests replace with an in-memory one.

/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bars redraw in place). */
  readonly errIsTTY: boolean;
  /** Current working directory for resolving relative paths. */
  readonly cwd: string;
}

/**
 * Ends the process quietly when the reader of stdout went away (`ben19 predict … | head`): EPIPE is not an error of
 * the command, and nobody is left to read a message. The CLI's only exit of its own: the result is undeliverable.
 */
function endOnBrokenPipe(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount("error") > 0) return;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    throw e;
  });
}

/** The process's real streams. */
export function processIo(): Io {
  endOnBrokenPipe(process.stdout);
  endOnBrokenPipe(process.stderr);
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    errIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
  };
}

/** An Io that records everything, for tests. */
export function memoryIo(cwd: string = process.cwd()): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    errIsTTY: false,
    cwd,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}
