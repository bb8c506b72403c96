// An engine directory (pulumiCli.ts) as the PulumiCommand of @pulumi/pulumi/automation, which the harness's
// workspaces and the demo run their commands with.
//
// PulumiCommand.get({ root }) runs `<root>/bin/pulumi`, the layout of Pulumi's own installer, while an engine
// directory of scripts/pulumi-install.sh (or a user's, named by PULUMI_CLI_DIR) holds its three files at the top. A
// root whose `bin` is a link to the engine directory stands in between: automation runs the CLI by the link's path
// and puts that path first on PATH, where the CLI finds the language host and the launcher beside itself.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

const commands = new Map<string, Promise<PulumiCommand>>();

/** The PulumiCommand of the engine in `cliDir`, made once per process (it runs `pulumi version` to make one). */
export function pulumiCommand(cliDir: string): Promise<PulumiCommand> {
    const engine = path.resolve(cliDir);
    let command = commands.get(engine);
    if (!command) {
        command = PulumiCommand.get({ root: rootLinkedTo(engine) });
        commands.set(engine, command);
    }
    return command;
}

/** `$TMPDIR/pac-pulumi-roots/<hash of the engine's path>`, whose `bin` links to the engine directory. */
function rootLinkedTo(engine: string): string {
    const root = path.join(os.tmpdir(), "pac-pulumi-roots", createHash("sha256").update(engine).digest("hex").slice(0, 16));
    fs.mkdirSync(root, { recursive: true });
    try {
        fs.symlinkSync(engine, path.join(root, "bin"), "dir");
    } catch (error) {
        // Made already, by this process or another: named by the engine's path, it links where this one would.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
            throw error;
        }
    }
    return root;
}
