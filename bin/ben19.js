#!/usr/bin/env node
// Thin shim: all behaviour lives in run(argv, io), which returns an exit code and never exits itself.
import { run } from "../dist/cli/index.js";

process.exitCode = await run(process.argv.slice(2));
