import type { CommandIo } from '../../src/cli/command.js';

/** A CommandIo that keeps what a command printed, stdout and stderr apart, for the CLI tests. */
export const captureIo = (): CommandIo & { stdout: string; stderr: string } => {
  const io = {
    stdout: '',
    stderr: '',
    out: (s: string) => {
      io.stdout += s;
    },
    err: (s: string) => {
      io.stderr += s;
    },
  };
  return io;
};
