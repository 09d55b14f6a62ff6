// One generation as a plain observable object (`createGeneration`, `GenerationObserver`): start, cancel,
// snapshots to subscribe to, as `useProcess` in @decart/react and the CLI's progress bar do.
// Imports errors/, timing/, model/, jobs/ and client/.
export {
  createGeneration,
  type GenerationListener,
  GenerationObserver,
  type GenerationSnapshot,
} from "./generation";
