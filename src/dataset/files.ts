// Shard lists for the dataset: plain paths, or simple globs whose wildcards (* and ?) are in the file name only,
// e.g. `out/train_*.tfrecord`. Matches are sorted so the list — and so the data order — is the same everywhere.
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { OptionError } from "../core/errors.js";

const WILDCARD = /[*?]/;

function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/**
 * Expands each entry (path or file-name glob) in order; throws OptionError naming `option` (the flag or argument
 * the user typed) for a missing file or an empty glob.
 */
export function expandShards(patterns: readonly string[], option = "files"): string[] {
  if (patterns.length === 0) throw new OptionError(option, [], "expected at least one TFRecord file or glob");
  return patterns.flatMap((p) => {
    const dir = dirname(p);
    if (WILDCARD.test(dir)) {
      throw new OptionError(option, p, "wildcards are only supported in the file name, not in folders");
    }
    if (!WILDCARD.test(basename(p))) {
      if (!existsSync(p) || !statSync(p).isFile()) {
        throw new OptionError(option, p, existsSync(p) ? "expected a TFRecord file, not a folder" : "no such file");
      }
      return [p];
    }
    const re = globRegExp(basename(p));
    const found = existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f) && statSync(join(dir, f)).isFile()) : [];
    if (found.length === 0) throw new OptionError(option, p, `the pattern matches no file in ${dir}`);
    return found.sort().map((f) => join(dir, f));
  });
}
