// Expected failures (a pulled card, a paper-out, a malformed body) are values the caller
// must look at; bugs throw. This is the one Result type the whole kiosk uses.
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

/** Compile-time exhaustiveness for `switch` over tagged unions; throws if reached at run time. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
