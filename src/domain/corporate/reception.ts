/**
 * 受付番号: the reference of a fund transfer that a customer can read out on the phone.
 *
 * Twelve digits in three groups of four, "1234-5678-9012": eleven drawn at random by the
 * service (crypto.randomInt) and a Luhn check digit last, so a digit misheard or two adjacent
 * digits swapped are caught before anyone looks the number up. Unique per database (unique
 * index on transfers.reception_number). Pure: no Node imports (the browser may check one too).
 */

export const RECEPTION_NUMBER_BODY_DIGITS = 11;

/** The Luhn (mod 10) check digit of a string of digits. */
export function luhnCheckDigit(body: string): number {
  if (!/^[0-9]+$/.test(body)) throw new RangeError("digits only");
  let sum = 0;
  // From the right: the digit next to the (future) check digit is doubled, then every other one.
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Eleven digits → "dddd-dddd-dddc" with the Luhn check digit c. */
export function receptionNumberOf(body: string): string {
  if (body.length !== RECEPTION_NUMBER_BODY_DIGITS) throw new RangeError(`${RECEPTION_NUMBER_BODY_DIGITS} digits`);
  const all = `${body}${luhnCheckDigit(body)}`;
  return `${all.slice(0, 4)}-${all.slice(4, 8)}-${all.slice(8, 12)}`;
}

/** A well-formed reception number whose check digit is right ("1234-5678-9012"; spaces or no separators are not accepted). */
export function isReceptionNumber(s: unknown): s is string {
  if (typeof s !== "string" || !/^[0-9]{4}-[0-9]{4}-[0-9]{4}$/.test(s)) return false;
  const digits = s.replace(/-/g, "");
  return luhnCheckDigit(digits.slice(0, RECEPTION_NUMBER_BODY_DIGITS)) === Number(digits[RECEPTION_NUMBER_BODY_DIGITS]);
}
