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
export {
  lucy21,
  lucy21Vton2,
  lucy25,
  lucyClip,
  lucyClipLatest,
  lucyImage2,
  lucyImageLatest,
  lucyLatest,
  lucyRestyle2,
  lucyRestyleLatest,
  lucyRestyleV2v,
  lucyVton2,
  lucyVton3,
  lucyVton35,
  lucyVtonLatest,
  type RestyleInputs,
} from "./edit-catalog";
export type { Orientation, Resolution } from "./fields";
export { type FileInput, fileInput, imageInput, isFileInput, videoInput } from "./file-input";
export { type OutputSizeOptions, outputSize, standardGeometry } from "./geometry";
export { inputJsonSchema } from "./json-schema";
export type { JsonSchema } from "./json-schema-document";
export {
  type DeprecatedModelDefinition,
  isDeprecated,
  type ModelAliasDefinition,
  resetDeprecationWarnings,
} from "./lifecycle";
export { type ImageModelName, models, type VideoModelName } from "./models";
export { createRegistry, type ModelNameOfKind, type ModelRegistry, type ModelsByName } from "./registry";
export { type InputsResult, parseWireInputs, validateInputs } from "./validate";
