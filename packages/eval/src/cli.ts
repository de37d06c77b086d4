#!/usr/bin/env node
/** The `weft-eval` bin: `weft-eval <files…>` / `weft-eval compare <a> <b>`. */
import { runEvalCli } from './cli/run-cli.js';

process.exitCode = await runEvalCli(process.argv.slice(2));
