export {
  lucyDevI2v,
  lucyFastV2v,
  lucyMotion,
  lucyProFlf2v,
  lucyProI2i,
  lucyProI2v,
  lucyProT2i,
  lucyProT2v,
  lucyProV2v,
} from "./catalog";
export { type DefineModelOptions, defineModel } from "./define-model";
export type { Orientation, Resolution } from "./fields";
export { type FileInput, fileInput, isFileInput } from "./file-input";
export { type OutputSizeOptions, outputSize, standardGeometry } from "./geometry";
export { inputJsonSchema, type JsonSchema } from "./json-schema";
export { type ImageModelName, models, type VideoModelName } from "./models";
export { createRegistry, type ModelNameOfKind, type ModelRegistry, type ModelsByName } from "./registry";
export { type InputsResult, parseWireInputs, validateInputs } from "./validate";
