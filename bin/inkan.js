#!/usr/bin/env node
// Runs the compiled CLI when built for production (NODE_ENV=production and `npm run build`
// done), otherwise the TypeScript sources directly through tsx — so `npm start` on a fresh
// clone needs no build step.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const compiled = `${root}dist/cli/main.js`;
if (process.env.NODE_ENV === "production" && existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(`${root}src/cli/main.ts`).href);
}
