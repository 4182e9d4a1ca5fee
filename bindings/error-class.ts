/**
 * The error class bindings/ throws and hands to the addon. bindings/ imports nothing from src/: src/ gives it the
 * project's class once, through configureBindings() (bindings/addon.ts; better-sqlite3's pattern), and bindings/ knows
 * that class only by the shape below.
 */

/** The codes bindings/ and the addon raise. */
export type BindingsErrorCode = 'INVALID_ARGUMENT' | 'NATIVE_ERROR' | 'BACKEND_UNAVAILABLE';

/** What bindings/ needs of an error class: `new ErrorClass(code, message)` is an Error carrying that code. */
export interface BindingsErrorClass {
  new (code: BindingsErrorCode, message: string): Error & { readonly code: string };
}

/**
 * Until src/ configures the bindings: an Error named and coded as the project's class would be (the addon's own
 * fallback does the same), so that a message is never lost, only its class.
 */
class UnconfiguredError extends Error {
  readonly code: BindingsErrorCode;

  constructor(code: BindingsErrorCode, message: string) {
    super(message);
    this.name = 'CocogenError';
    this.code = code;
  }
}

let configured: BindingsErrorClass | undefined;

/** Sets the class (configureBindings calls this). */
export function setBindingsErrorClass(ErrorClass: BindingsErrorClass): void {
  configured = ErrorClass;
}

/** The configured class, or undefined before configureBindings(). */
export function configuredErrorClass(): BindingsErrorClass | undefined {
  return configured;
}

/** `new ErrorClass(code, message)` with the configured class (UnconfiguredError before configureBindings()). */
export function bindingsError(code: BindingsErrorCode, message: string): Error {
  return new (configured ?? UnconfiguredError)(code, message);
}
