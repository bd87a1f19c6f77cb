// BigEarthNet-MM's prep flags -r1 (the S1 root) and -r2 (the S2 root, which is prep's -r): commander would read
// `-r1` as `-r 1`, so they are renamed before parsing. Kept apart from commands/prep.ts so that the CLI's entry
// does not load prep to parse other commands.
const ALIASES: Readonly<Record<string, string>> = {
  "-r1": "--root_folder_s1",
  "-r2": "--root_folder",
  "--root_folder_s2": "--root_folder",
};

/** `argv` with prep's MM root flags renamed (other commands' arguments untouched). */
export function mmRootAliases(argv: readonly string[]): string[] {
  if (argv[0] !== "prep") return [...argv];
  return argv.map((a) => ALIASES[a] ?? a);
}
