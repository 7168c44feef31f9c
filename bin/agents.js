#!/usr/bin/env node
// lib/cli/bin.js bundled (scripts/bundle-cli.mjs): a cold build loads ~50 module files instead of ~360.
import '../lib/bundle/agents.js';
