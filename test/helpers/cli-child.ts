// The CLI from the sources (through tsx, no build needed), for tests that run it as a separate process, e.g. to
// kill it: node --import tsx test/helpers/cli-child.ts <args>.
import { run } from "../../src/cli/index.js";

process.exitCode = await run(process.argv.slice(2));
