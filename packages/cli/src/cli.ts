#!/usr/bin/env node
/** The `weft` bin. Everything lives in {@link runCli}; this file only wires it to the process. */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
