#!/usr/bin/env node
// The package's bin: everything lives in the compiled CLI (src/cli); this file only calls it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
