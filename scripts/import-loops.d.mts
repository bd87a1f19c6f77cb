/** The import loops under `dir`: each the sorted paths (relative to `dir`) of the files in it. */
export function importLoops(dir: string): string[][];
