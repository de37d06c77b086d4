#!/usr/bin/env node
/** The `weft` bin. Everything lives in {@link runCli}; this file only wires it to the process. */
import { exitQuietlyOnBrokenPipe } from './broken-pipe.js';
import { runCli } from './run-cli.js';

// `weft … | head`: a reader that went away ends the CLI quietly with 0 (stderr too: nobody reads it).
exitQuietlyOnBrokenPipe(process.stdout);
exitQuietlyOnBrokenPipe(process.stderr);

process.exitCode = await runCli(process.argv.slice(2));
