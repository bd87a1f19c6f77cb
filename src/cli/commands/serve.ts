// `ben19 serve [--model RUN]`: the web demo (web/) on localhost — open a patch's GeoTIFFs or a TFRecord file, see
// its bands and labels, download its record, and classify it with the model given here. Runs until Ctrl-C.
import type { Command } from "commander";
import { startServer } from "../../serve/server.js";
import type { CommandContext, CommandModule } from "../command.js";
import { requirePath } from "../paths.js";
import { parseInteger } from "./parse.js";

interface ServeFlags {
  model?: string;
  port: number;
  host: string;
  allowHost?: string[];
}

export const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    program
      .command("serve")
      .summary("serve the web demo (view a patch, convert it to a TFRecord record, classify it in the browser)")
      .option("--model <run>", "a run folder from ben19 train (or its model/ folder) for the page to use")
      .option("--port <n>", "port (0: any free port)", parseInteger("--port"), 8019)
      .option("--host <addr>", "address to listen on", "127.0.0.1")
      .option("--allow-host <name>",
        "also answer requests for this host name (repeatable); by default only the localhost names and --host are, " +
        "against DNS rebinding",
        (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
      .action(async (f: ServeFlags) => {
        const hint = "the run folder ben19 train wrote (or its model/ folder)";
        if (f.model !== undefined) requirePath("--model", f.model, "folder", hint);
        const server = await startServer({ model: f.model, port: f.port, host: f.host, allowHosts: f.allowHost });
        const model = server.modelDir === undefined
          ? "no model (the page can load one from files)"
          : `model ${server.modelDir}`;
        ctx.io.out(`ben19 web demo: ${server.url}  (${model}; Ctrl-C to stop)\n`);
        await new Promise<void>((ok) => process.once("SIGINT", () => ok()));
        await server.close();
        ctx.io.err("stopped\n");
        ctx.exit(0);
      });
  },
};
