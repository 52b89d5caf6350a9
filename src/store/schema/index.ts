export * from "./core.js";
export * from "./pki.js";
export * from "./corporate.js";
export * from "./tw.js";
export * from "./securities.js";
export * from "./staff.js";
export * from "./ra.js";
export * from "./audit-pending.js";
