/** 憑證上傳手機 (securities tool, seed 001) — being built by SEC-2; this placeholder keeps the routes resolving. */
import type { JSX } from "preact";
import { Loading } from "../ui/screen.js";

export interface SecScreenProps {
  code: string;
  [extra: string]: unknown;
}

export function MobileUploadScreen(_props: SecScreenProps): JSX.Element {
  return <Loading />;
}
