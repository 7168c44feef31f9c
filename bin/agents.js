#!/usr/bin/env node
// lib/cli/bin.js bundled (scripts/bundle-cli.mjs): Node loads a few modules instead of ~360.
import '../lib/bundle/agents.js';
