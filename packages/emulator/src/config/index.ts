/**
 * What an emulator is started with: the public `EmulatorOptions`, `EmulatorLimits` and `Emulator` types,
 * the `Settings` with every default filled in, and the `Catalog` of models it serves. It imports
 * `engine/` (the `Engine` type), `tokens/` (the `JsonWebKeySet` type) and `http/` (the 404 for an unknown
 * model).
 */
export { type Catalog, createCatalog } from "./catalog";
export {
  type Emulator,
  type EmulatorLimits,
  type EmulatorOptions,
  resolveSettings,
  type Settings,
} from "./options";
