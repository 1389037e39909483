#!/usr/bin/env node
// A committed entry point, so that npm links the `vigil` bin before the TypeScript build has run.
import '../dist/src/bin.js';
