export * from "./core.js";
export * from "./pki.js";
