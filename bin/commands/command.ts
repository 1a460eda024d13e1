export type Command = {
  name: string;
  /** Shown in the command list, e.g. `migrate`. */
  usage: string;
  summary: string;
  /** Options and examples, shown by `proofline <command> --help`. */
  help?: string;
  /** Resolves with the exit code. */
  run: (argv: string[]) => Promise<number>;
};
