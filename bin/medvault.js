#!/usr/bin/env node
// Runs the Medvault CLI from its TypeScript sources (no build step; tsx compiles on the fly).
import { register } from 'tsx/esm/api';

register();
await import('../electron/core/cli/run.ts');
