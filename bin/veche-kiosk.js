#!/usr/bin/env node
// Installed entry point: runs the compiled host CLI (npm run build:host makes it).
import '../dist/host/cli/main.js';
