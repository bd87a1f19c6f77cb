// The CLI from the sources in a child process that reports its peak memory: runs the command, then writes
// `maxrss_kb=<n>` (the process's peak resident set, worker threads included) as the last line of stderr.
import { run } from "../../src/cli/index.js";

process.exitCode = await run(process.argv.slice(2));
process.stderr.write(`\nmaxrss_kb=${process.resourceUsage().maxRSS}\n`);
