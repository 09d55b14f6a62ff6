import type { Engine } from "./engine/types";

// Temporary until the engine's index lands.
export function createProceduralEngine(_options: { workers?: number } = {}): Engine {
  return {
    render() {
      return Promise.reject(new Error("The procedural engine is not available yet"));
    },
  };
}
