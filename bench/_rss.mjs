import { uploadMemory } from "./core.mjs";

for (let i = 0; i < 3; i++) await uploadMemory();
