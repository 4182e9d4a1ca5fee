/**
 * The native addon as src/ loads it: bindings/addon.ts's loader, handed the project's error class when this module
 * loads (better-sqlite3's pattern: bindings/ imports nothing from src/, so src/ gives it the class), so that errors
 * raised in C++, by requireAddon() and by bindings/dawn.ts are real CocogenErrors. src/ imports the loader from here.
 */
import { configureBindings } from '../../bindings/addon.js';
import { CocogenError } from './errors.js';

configureBindings({ ErrorClass: CocogenError });

export { loadAddon, requireAddon } from '../../bindings/addon.js';
export type {
  AddonBuildInfo,
  AddonLoad,
  CocogenAddon,
  MappedFileHandle,
  NativeBufferHandle,
} from '../../bindings/addon.js';
